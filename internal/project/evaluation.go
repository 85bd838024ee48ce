package project

import (
	"hash/fnv"
	"slices"
	"strings"
)

// EvaluationOptions says how a training splits utterances into the training
// and the testing set (TRAINING.md §2.5).
type EvaluationOptions struct {
	Kind                    string `json:"kind"`
	TrainingSplitPercentage int    `json:"trainingSplitPercentage"`
	TestingSplitPercentage  int    `json:"testingSplitPercentage"`
}

// Evaluation kinds.
const (
	EvalPercentage = "percentage"
	EvalManual     = "manual"
)

// NoEntity is the confusion matrix's pseudo-class for "no entity".
const NoEntity = "$none"

// UtteranceResult is the evaluation of one test utterance.
type UtteranceResult struct {
	Text            string  `json:"text"`
	Language        string  `json:"language"`
	ExpectedIntent  string  `json:"expectedIntent"`
	PredictedIntent string  `json:"predictedIntent"`
	Expected        []Label `json:"expected"`
	Predicted       []Label `json:"predicted"`
}

// Cell is a cell of a confusion matrix.
type Cell struct {
	Normalized float64 `json:"normalized"` // percent of the row
	Raw        float64 `json:"raw"`
}

// ClassMetrics are the counts and scores of one intent or entity.
type ClassMetrics struct {
	F1        float64 `json:"f1"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	TP        int     `json:"tp"`
	TN        int     `json:"tn"`
	FP        int     `json:"fp"`
	FN        int     `json:"fn"`
}

// BlockEvaluation is the evaluation of the intents or of the entities.
type BlockEvaluation struct {
	// Confusion maps the labelled class to the predicted class; only
	// non-zero cells are present.
	Confusion      map[string]map[string]Cell `json:"confusion"`
	Classes        map[string]ClassMetrics    `json:"classes"`
	MicroF1        float64                    `json:"microF1"`
	MicroPrecision float64                    `json:"microPrecision"`
	MicroRecall    float64                    `json:"microRecall"`
	MacroF1        float64                    `json:"macroF1"`
	MacroPrecision float64                    `json:"macroPrecision"`
	MacroRecall    float64                    `json:"macroRecall"`
}

// Evaluation is a trained model's evaluation on its testing set.
type Evaluation struct {
	Options  EvaluationOptions `json:"options"`
	Intents  BlockEvaluation   `json:"intents"`
	Entities BlockEvaluation   `json:"entities"`
	Results  []UtteranceResult `json:"results"`
}

// IntentAccuracy is the share of test utterances whose intent was right.
func (e *Evaluation) IntentAccuracy() float64 {
	if len(e.Results) == 0 {
		return 0
	}
	right := 0
	for _, r := range e.Results {
		if r.ExpectedIntent == r.PredictedIntent {
			right++
		}
	}
	return float64(right) / float64(len(e.Results))
}

// counter accumulates a block's confusion matrix and per-class counts.
type counter struct {
	confusion map[string]map[string]float64
	classes   map[string]*ClassMetrics
}

func newCounter() *counter {
	return &counter{confusion: map[string]map[string]float64{}, classes: map[string]*ClassMetrics{}}
}

func (c *counter) cell(expected, predicted string) {
	row := c.confusion[expected]
	if row == nil {
		row = map[string]float64{}
		c.confusion[expected] = row
	}
	row[predicted]++
}

func (c *counter) class(name string) *ClassMetrics {
	m := c.classes[name]
	if m == nil {
		m = &ClassMetrics{}
		c.classes[name] = m
	}
	return m
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func f1(p, r float64) float64 {
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// block computes the scores (TRAINING.md §4.3): micro averages from summed
// counts, macro averages as means of the per-class values. n is the number
// of test items for intents (TN = n - TP - FP - FN), or 0 for entities,
// whose TN is always 0.
func (c *counter) block(n int) BlockEvaluation {
	b := BlockEvaluation{Confusion: map[string]map[string]Cell{}, Classes: map[string]ClassMetrics{}}
	for expected, row := range c.confusion {
		total := 0.0
		for _, v := range row {
			total += v
		}
		out := map[string]Cell{}
		for predicted, v := range row {
			out[predicted] = Cell{Normalized: v / total * 100, Raw: v}
		}
		b.Confusion[expected] = out
	}
	var tp, fp, fn int
	for name, m := range c.classes {
		if n > 0 {
			m.TN = n - m.TP - m.FP - m.FN
		}
		m.Precision, m.Recall = ratio(m.TP, m.TP+m.FP), ratio(m.TP, m.TP+m.FN)
		m.F1 = f1(m.Precision, m.Recall)
		b.Classes[name] = *m
		tp, fp, fn = tp+m.TP, fp+m.FP, fn+m.FN
		b.MacroPrecision += m.Precision
		b.MacroRecall += m.Recall
		b.MacroF1 += m.F1
	}
	if k := float64(len(c.classes)); k > 0 {
		b.MacroPrecision, b.MacroRecall, b.MacroF1 = b.MacroPrecision/k, b.MacroRecall/k, b.MacroF1/k
	}
	b.MicroPrecision, b.MicroRecall = ratio(tp, tp+fp), ratio(tp, tp+fn)
	b.MicroF1 = f1(b.MicroPrecision, b.MicroRecall)
	return b
}

// Evaluate scores per-utterance results. Intents: one class per test
// utterance, the raw arg-max, no threshold. Entities: a prediction counts
// when its category and span equal a label's; a label predicted with another
// category over an overlapping span is a confusion between the two; others
// meet "$none" (TRAINING.md §4.2).
func Evaluate(results []UtteranceResult, opts EvaluationOptions) *Evaluation {
	intents, entities := newCounter(), newCounter()
	for _, r := range results {
		intents.cell(r.ExpectedIntent, r.PredictedIntent)
		if r.ExpectedIntent == r.PredictedIntent {
			intents.class(r.ExpectedIntent).TP++
		} else {
			intents.class(r.ExpectedIntent).FN++
			intents.class(r.PredictedIntent).FP++
		}
		matched := make([]bool, len(r.Predicted))
		for _, want := range r.Expected {
			hit := slices.Index(r.Predicted, want)
			if hit >= 0 && !matched[hit] {
				matched[hit] = true
				entities.cell(want.Category, want.Category)
				entities.class(want.Category).TP++
				continue
			}
			entities.class(want.Category).FN++
			other := -1
			for i, got := range r.Predicted {
				if !matched[i] && got.Category != want.Category && overlaps(got, want) {
					other = i
					break
				}
			}
			if other >= 0 {
				matched[other] = true
				entities.cell(want.Category, r.Predicted[other].Category)
				entities.class(r.Predicted[other].Category).FP++
			} else {
				entities.cell(want.Category, NoEntity)
			}
		}
		for i, got := range r.Predicted {
			if !matched[i] {
				entities.cell(NoEntity, got.Category)
				entities.class(got.Category).FP++
			}
		}
	}
	return &Evaluation{Options: opts, Intents: intents.block(len(results)), Entities: entities.block(0), Results: results}
}

func overlaps(a, b Label) bool { return a.Offset < b.Offset+b.Length && b.Offset < a.Offset+a.Length }

// split divides utterances into training and testing sets (TRAINING.md §2.5).
// manual: the Test dataset tests, the rest trains. percentage: utterances
// marked Test never train and test; of the others, each intent's share
// testing% tests, picked by a hash of the project name and the utterance, so
// a project splits the same way every time.
func split(project string, us []Utterance, o EvaluationOptions) (train, test []int) {
	isTest := func(u *Utterance) bool { return strings.EqualFold(u.Dataset, "Test") }
	if o.Kind == EvalManual {
		for i := range us {
			if isTest(&us[i]) {
				test = append(test, i)
			} else {
				train = append(train, i)
			}
		}
		return train, test
	}
	byIntent := map[string][]int{}
	var intents []string
	for i := range us {
		if isTest(&us[i]) {
			test = append(test, i)
			continue
		}
		if _, ok := byIntent[us[i].Intent]; !ok {
			intents = append(intents, us[i].Intent)
		}
		byIntent[us[i].Intent] = append(byIntent[us[i].Intent], i)
	}
	seed := fnvHash(project)
	key := func(i int) uint64 { return mix(fnvHash(us[i].Text) ^ seed) }
	for _, intent := range intents {
		idx := byIntent[intent]
		slices.SortStableFunc(idx, func(a, b int) int {
			ka, kb := key(a), key(b)
			switch {
			case ka < kb:
				return -1
			case ka > kb:
				return 1
			}
			return a - b
		})
		n := (len(idx)*o.TestingSplitPercentage + 50) / 100
		if n >= len(idx) && o.TrainingSplitPercentage > 0 {
			n = len(idx) - 1 // keep every intent in training
		}
		test = append(test, idx[:n]...)
		train = append(train, idx[n:]...)
	}
	slices.Sort(train)
	slices.Sort(test)
	return train, test
}

func fnvHash(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// mix is SplitMix64's finaliser: FNV alone orders two projects' utterances
// almost alike, so its output is mixed before it decides the split.
func mix(x uint64) uint64 {
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
