// Command cv chooses the engine's settings by cross-validation on the
// Train split of CLU project files, never on their Test split: it splits
// the Train utterances into stratified folds, trains each variant of the
// recipe's settings (nlu.Tuning) on all folds but one and scores the one
// left out, and prints, per dataset and variant, intent accuracy, entity
// micro-F1 (exact span and category) and training time, then the variant
// with the best mean score; variants within -tie of it count as equal, and
// the fastest to train of those is chosen. Under -oos, a variant whose None
// recall falls more than -keep-none below the recipe's on any file cannot
// be chosen: out-of-scope detection is kept while accuracy is raised.
//
//	go run ./bench/cv -variants 'more:taggerEpochs=12;intent:taggerIntent=true' \
//	    testdata/datasets/snips2017.clu.json testdata/datasets/banking77.clu.json
//
// With -oos F, a fraction F of the intents (different ones in each fold)
// is left out of training as well: their held-out utterances are
// out-of-scope queries, scored by None recall (None on top), and accuracy
// is over the other held-out utterances.
//
// The files are read and converted as the server's manual-split training
// does (project.ManualSplit); the Test utterances are dropped unread.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parley-dev/parley/internal/nlu"
	"github.com/parley-dev/parley/internal/project"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "cv:", err)
		os.Exit(1)
	}
}

// variant is a named set of settings.
type variant struct {
	name string
	t    nlu.Tuning
}

// score is what one variant scored on one dataset, over every fold.
type score struct {
	correct, inScope   int
	tp, fp, fn         int
	noneHits, oosTotal int
	train              time.Duration
	folds              int
}

func (s score) accuracy() float64 { return ratio(s.correct, s.inScope) }
func (s score) f1() float64       { return ratio(2*s.tp, 2*s.tp+s.fp+s.fn) }
func (s score) hasEntities() bool { return s.tp+s.fp+s.fn > 0 }

// objective is the number variants are ranked by: intent accuracy,
// averaged with entity micro-F1 where the data has entities. None recall
// is a constraint, not a score (see run).
func (s score) objective() float64 {
	if s.hasEntities() {
		return (s.accuracy() + s.f1()) / 2
	}
	return s.accuracy()
}

func (s score) noneRecall() float64 { return ratio(s.noneHits, s.oosTotal) }

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("cv", flag.ContinueOnError)
	folds := fs.Int("folds", 5, "number of folds")
	seed := fs.Int64("seed", 1, "seed of the folds and of training")
	recipe := fs.Int("recipe", nlu.LatestRecipe, "the recipe whose settings are the baseline")
	oos := fs.Float64("oos", 0, "fraction of intents held out as out-of-scope queries in each fold")
	keepNone := fs.Float64("keep-none", 0.01, "under -oos, the most None recall a chosen variant may lose against the recipe's")
	tie := fs.Float64("tie", 0.001, "scores within this of the best count as equal; the fastest of them is chosen")
	variants := fs.String("variants", "", "variants to compare with the recipe's settings: NAME:KEY=VALUE,KEY=VALUE;... (keys: "+strings.Join(keys(), ", ")+")")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: cv [flags] FILE.clu.json...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 || *folds < 2 {
		fs.Usage()
		return fmt.Errorf("want at least one project file and two folds")
	}
	vs := []variant{{"recipe", nlu.RecipeTuning(*recipe)}}
	for spec := range strings.SplitSeq(*variants, ";") {
		if strings.TrimSpace(spec) == "" {
			continue
		}
		v, err := parseVariant(spec, nlu.RecipeTuning(*recipe))
		if err != nil {
			return err
		}
		vs = append(vs, v)
	}

	total := make([]float64, len(vs))
	secs := make([]float64, len(vs))
	eligible := make([]bool, len(vs))
	for i := range eligible {
		eligible[i] = true
	}
	for _, file := range fs.Args() {
		raw, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		d, _, err := project.ManualSplit(raw)
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		fmt.Fprintf(out, "%s: %d Train utterances, %d intents, %d folds, recipe %d\n", file, len(d.Examples), len(d.Intents), *folds, *recipe)
		fmt.Fprintf(out, "  %-20s %9s %9s %9s %9s %10s\n", "variant", "accuracy", "entityF1", "noneRec", "score", "train s")
		var baseNone float64
		for i, v := range vs {
			s, err := crossValidate(d, v.t, *recipe, *folds, *oos, *seed)
			if err != nil {
				return fmt.Errorf("%s, %s: %w", file, v.name, err)
			}
			f1, none := "-", "-"
			if s.hasEntities() {
				f1 = fmt.Sprintf("%.4f", s.f1())
			}
			if s.oosTotal > 0 {
				none = fmt.Sprintf("%.4f", s.noneRecall())
			}
			fmt.Fprintf(out, "  %-20s %9.4f %9s %9s %9.4f %10.2f\n", v.name, s.accuracy(), f1, none, s.objective(), s.train.Seconds()/float64(s.folds))
			total[i] += s.objective()
			if i == 0 {
				baseNone = s.noneRecall()
			} else if s.oosTotal > 0 && s.noneRecall() < baseNone-*keepNone {
				eligible[i] = false
			}
			secs[i] += s.train.Seconds() / float64(s.folds)
		}
	}
	top := 0.0
	for i := range vs {
		if eligible[i] {
			top = max(top, total[i])
		}
	}
	best := -1
	for i := range vs {
		if eligible[i] && total[i] >= top-*tie*float64(fs.NArg()) && (best < 0 || secs[i] < secs[best]) {
			best = i
		}
	}
	fmt.Fprintf(out, "chosen: %s (mean score %.4f over %d files, the best %.4f; %.2f s of training a fold)\n",
		vs[best].name, total[best]/float64(fs.NArg()), fs.NArg(), top/float64(fs.NArg()), secs[best])
	return nil
}

// crossValidate trains and scores t on every fold of d's examples.
func crossValidate(d nlu.TrainingData, t nlu.Tuning, recipe, k int, oosFrac float64, seed int64) (score, error) {
	fold := assignFolds(d.Examples, k, seed)
	var s score
	for f := range k {
		held := heldOutIntents(d.Intents, oosFrac, seed, f)
		train := d
		train.Examples = nil
		var test []nlu.Example
		for i, ex := range d.Examples {
			switch {
			case fold[i] == f:
				test = append(test, ex)
			case !held[ex.Intent]:
				train.Examples = append(train.Examples, ex)
			}
		}
		t := t
		start := time.Now()
		m, err := nlu.Train(context.Background(), train, nlu.Options{Seed: seed, Recipe: recipe, Tuning: &t})
		if err != nil {
			return s, err
		}
		s.train += time.Since(start)
		s.folds++
		for _, ex := range test {
			p := m.Predict(ex.Text, d.Language, nil)
			if held[ex.Intent] {
				s.oosTotal++
				if p.Intents[0].Intent == nlu.NoneIntent {
					s.noneHits++
				}
				continue
			}
			s.inScope++
			if p.Intents[0].Intent == ex.Intent {
				s.correct++
			}
			tp, fp, fn := matchSpans(ex.Spans, p.Entities)
			s.tp, s.fp, s.fn = s.tp+tp, s.fp+fp, s.fn+fn
		}
	}
	return s, nil
}

// assignFolds gives each example a fold, stratified by intent: each
// intent's examples, shuffled, are dealt to the folds in turn.
func assignFolds(exs []nlu.Example, k int, seed int64) []int {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x6376))
	byIntent := map[string][]int{}
	var intents []string
	for i, ex := range exs {
		if _, ok := byIntent[ex.Intent]; !ok {
			intents = append(intents, ex.Intent)
		}
		byIntent[ex.Intent] = append(byIntent[ex.Intent], i)
	}
	fold := make([]int, len(exs))
	next := 0
	for _, in := range intents {
		idx := byIntent[in]
		rng.Shuffle(len(idx), func(a, b int) { idx[a], idx[b] = idx[b], idx[a] })
		for _, i := range idx {
			fold[i] = next % k
			next++
		}
	}
	return fold
}

// heldOutIntents picks the out-of-scope intents of fold f: a fraction frac
// of the intents (None never), a different draw for each fold.
func heldOutIntents(intents []string, frac float64, seed int64, f int) map[string]bool {
	held := map[string]bool{}
	if frac <= 0 {
		return held
	}
	var cand []string
	for _, in := range intents {
		if in != nlu.NoneIntent {
			cand = append(cand, in)
		}
	}
	rng := rand.New(rand.NewPCG(uint64(seed), uint64(f)+0x6f6f73))
	rng.Shuffle(len(cand), func(a, b int) { cand[a], cand[b] = cand[b], cand[a] })
	n := max(1, int(frac*float64(len(cand))+0.5))
	for _, in := range cand[:min(n, len(cand)-1)] {
		held[in] = true
	}
	return held
}

// matchSpans counts exact matches (span and category) of found against the
// labels.
func matchSpans(labels []nlu.Span, found []nlu.Entity) (tp, fp, fn int) {
	matched := make([]bool, len(labels))
	for _, e := range found {
		i := slices.IndexFunc(labels, func(s nlu.Span) bool {
			return s.Category == e.Category && s.Offset == e.Offset && s.Length == e.Length
		})
		if i >= 0 && !matched[i] {
			matched[i] = true
			tp++
		} else {
			fp++
		}
	}
	for _, ok := range matched {
		if !ok {
			fn++
		}
	}
	return tp, fp, fn
}

// setters are the settings a variant can change.
var setters = map[string]func(t *nlu.Tuning, v string) error{
	"intentEpochs":    func(t *nlu.Tuning, v string) (err error) { t.IntentEpochs, err = strconv.Atoi(v); return },
	"intentL2":        func(t *nlu.Tuning, v string) (err error) { t.IntentL2, err = strconv.ParseFloat(v, 64); return },
	"intentDropout":   func(t *nlu.Tuning, v string) (err error) { t.IntentDropout, err = strconv.ParseFloat(v, 64); return },
	"intentCharMax":   func(t *nlu.Tuning, v string) (err error) { t.IntentCharMax, err = strconv.Atoi(v); return },
	"intentCrossChar": func(t *nlu.Tuning, v string) (err error) { t.IntentCrossChar, err = strconv.Atoi(v); return },
	"intentBigramScale": func(t *nlu.Tuning, v string) error {
		f, err := strconv.ParseFloat(v, 32)
		t.IntentBigramScale = float32(f)
		return err
	},
	"taggerEpochs":     func(t *nlu.Tuning, v string) (err error) { t.TaggerEpochs, err = strconv.Atoi(v); return },
	"taggerIntent":     func(t *nlu.Tuning, v string) (err error) { t.TaggerIntent, err = strconv.ParseBool(v); return },
	"taggerIntentTags": func(t *nlu.Tuning, v string) (err error) { t.TaggerIntentTags, err = strconv.ParseBool(v); return },
	"intentMinDF":      func(t *nlu.Tuning, v string) (err error) { t.IntentMinDF, err = strconv.Atoi(v); return },
	"loraNorm":         func(t *nlu.Tuning, v string) (err error) { t.LoraNorm, err = strconv.ParseBool(v); return },
	"outsideBias": func(t *nlu.Tuning, v string) error {
		f, err := strconv.ParseFloat(v, 32)
		t.OutsideBias = float32(f)
		return err
	},
}

func keys() []string {
	var ks []string
	for k := range setters {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// parseVariant reads NAME:KEY=VALUE,KEY=VALUE, starting from base.
func parseVariant(spec string, base nlu.Tuning) (variant, error) {
	name, body, ok := strings.Cut(strings.TrimSpace(spec), ":")
	if !ok || name == "" {
		return variant{}, fmt.Errorf("variant %q: want NAME:KEY=VALUE,KEY=VALUE", spec)
	}
	v := variant{name: name, t: base}
	for kv := range strings.SplitSeq(body, ",") {
		k, val, ok := strings.Cut(strings.TrimSpace(kv), "=")
		set := setters[k]
		if !ok || set == nil {
			return variant{}, fmt.Errorf("variant %q: %q is not KEY=VALUE with a key of %s", name, kv, strings.Join(keys(), ", "))
		}
		if err := set(&v.t, val); err != nil {
			return variant{}, fmt.Errorf("variant %q: %s: %w", name, k, err)
		}
	}
	return v, nil
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
