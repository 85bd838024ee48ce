// Command nlueval trains the NLU engine on the Train utterances of a CLU
// project file and evaluates it on the Test utterances, reading and
// converting the file as the server's import and manual-split training do
// (project.ManualSplit):
//
//	go run ./cmd/nlueval testdata/datasets/snips2017.clu.json
//
// It prints intent accuracy, entity micro-F1 (exact span and category) when
// the test set has entities, training time, prediction latency percentiles
// and peak RSS. Flags override the engine's hyper-parameters for tuning.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/parley-dev/parley/internal/nlu"
	"github.com/parley-dev/parley/internal/project"
)

// outOfScope are sentences unrelated to any dataset nlueval is meant for;
// their top intent score should be low.
var outOfScope = []string{
	"the quarterly tax filing deadline for llamas",
	"how do volcanoes form under the ocean",
	"my grandmother knitted a purple sweater yesterday",
	"what is the capital of australia",
	"translate good morning into japanese",
	"how many legs does a spider have",
	"tell me a joke about penguins",
	"the committee postponed the vote on the new bridge",
	"why is the sky blue",
	"photosynthesis converts sunlight into chemical energy",
}

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "nlueval:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("nlueval", flag.ContinueOnError)
	seed := fs.Int64("seed", 1, "training seed")
	intentEpochs := fs.Int("intent-epochs", 0, "intent classifier epochs (0: default)")
	intentL2 := fs.Float64("intent-l2", 0, "intent classifier L2 (0: default)")
	taggerEpochs := fs.Int("tagger-epochs", 0, "tagger epochs (0: default)")
	errors := fs.Int("errors", 0, "print up to this many misclassified test utterances")
	var asks []string
	fs.Func("ask", "also print the prediction for this text (repeatable)", func(s string) error { asks = append(asks, s); return nil })
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: nlueval [flags] FILE.clu.json")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return fmt.Errorf("want one project file")
	}
	raw, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	// The server's own reading of the file and conversion for the engine,
	// so these figures are those of a training with a manual split.
	d, test, err := project.ManualSplit(raw)
	if err != nil {
		return fmt.Errorf("%s: %w", fs.Arg(0), err)
	}

	start := time.Now()
	m, err := nlu.Train(context.Background(), d, nlu.Options{Seed: *seed, IntentEpochs: *intentEpochs,
		IntentL2: *intentL2, TaggerEpochs: *taggerEpochs})
	if err != nil {
		return err
	}
	trainTime := time.Since(start)
	runtime.GC() // measure predictions without the training garbage
	blob, err := m.MarshalBinary()
	if err != nil {
		return err
	}

	var correct, tp, fp, fn, labels, noneTop int
	var inTop float64
	var bins [10]struct {
		n, correct int
		conf       float64
	}
	lat := make([]time.Duration, 0, len(test))
	w := bufio.NewWriter(out)
	defer w.Flush()
	shown := 0
	for _, ex := range test {
		t0 := time.Now()
		p := m.Predict(ex.Text, d.Language, nil)
		lat = append(lat, time.Since(t0))
		top := p.Intents[0]
		inTop += topNotNone(p)
		if top.Intent == nlu.NoneIntent {
			noneTop++
		}
		bin := &bins[min(int(top.Score*10), 9)]
		bin.n++
		bin.conf += top.Score
		if top.Intent == ex.Intent {
			bin.correct++
		}
		if top.Intent == ex.Intent {
			correct++
		} else if shown < *errors {
			shown++
			fmt.Fprintf(w, "  %s -> %s (%.2f): %s\n", ex.Intent, p.Intents[0].Intent, p.Intents[0].Score, ex.Text)
		}
		labels += len(ex.Spans)
		matched := make([]bool, len(ex.Spans))
		for _, e := range p.Entities {
			i := slices.IndexFunc(ex.Spans, func(s nlu.Span) bool {
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
	}
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }

	fmt.Fprintf(w, "file             %s\n", fs.Arg(0))
	fmt.Fprintf(w, "train/test       %d / %d utterances, %d intents, %d entities\n", len(d.Examples), len(test), len(d.Intents), len(d.Entities))
	fmt.Fprintf(w, "intent accuracy  %.4f (%d/%d)\n", float64(correct)/float64(len(test)), correct, len(test))
	if labels > 0 || tp+fp > 0 {
		prec, rec := ratio(tp, tp+fp), ratio(tp, tp+fn)
		fmt.Fprintf(w, "entity micro-F1  %.4f (P %.4f, R %.4f; TP %d, FP %d, FN %d)\n", ratio(2*tp, 2*tp+fp+fn), prec, rec, tp, fp, fn)
	}
	var ece float64
	for _, b := range bins {
		if b.n > 0 {
			ece += math.Abs(b.conf-float64(b.correct)) / float64(len(test))
		}
	}
	fmt.Fprintf(w, "calibration      ECE %.4f (top score vs accuracy, 10 bins)\n", ece)
	var oosTop, oosMax float64
	for _, s := range outOfScope {
		v := topNotNone(m.Predict(s, d.Language, nil))
		oosTop += v
		oosMax = max(oosMax, v)
	}
	fmt.Fprintf(w, "in scope         mean top non-None score %.3f on Test; None on top for %d of %d\n", inTop/float64(len(test)), noneTop, len(test))
	fmt.Fprintf(w, "out of scope     mean top non-None score %.3f (max %.3f) over %d unrelated sentences\n", oosTop/float64(len(outOfScope)), oosMax, len(outOfScope))
	fmt.Fprintf(w, "training         %.2f s\n", trainTime.Seconds())
	fmt.Fprintf(w, "predict          p50 %s, p99 %s\n", pct(0.5), pct(0.99))
	fmt.Fprintf(w, "model blob       %.1f MB\n", float64(len(blob))/1e6)
	fmt.Fprintf(w, "peak RSS         %s\n", peakRSS())
	for _, warning := range m.Warnings() {
		fmt.Fprintf(w, "warning          %s\n", warning)
	}
	for _, s := range asks {
		p := m.Predict(s, d.Language, nil)
		fmt.Fprintf(w, "%q\n", s)
		for _, in := range p.Intents[:min(3, len(p.Intents))] {
			fmt.Fprintf(w, "    %-24s %.3f\n", in.Intent, in.Score)
		}
		for _, e := range p.Entities {
			fmt.Fprintf(w, "    entity %s %q %.3f\n", e.Category, string(utf16.Decode(utf16.Encode([]rune(s))[e.Offset:e.Offset+e.Length])), e.Score)
		}
	}
	return nil
}

func topNotNone(p nlu.Prediction) float64 {
	for _, in := range p.Intents {
		if in.Intent != nlu.NoneIntent {
			return in.Score
		}
	}
	return 0
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// peakRSS reads the process's peak resident set size (Linux VmHWM).
func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}
