package project

import (
	"fmt"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestEvaluate(t *testing.T) {
	l := func(c string, off, n int) Label { return Label{Category: c, Offset: off, Length: n} }
	e := Evaluate([]UtteranceResult{
		{ExpectedIntent: "A", PredictedIntent: "A", Expected: []Label{l("X", 0, 3)}, Predicted: []Label{l("X", 0, 3)}},
		{ExpectedIntent: "A", PredictedIntent: "B", Expected: []Label{l("X", 4, 2), l("W", 8, 1)}, Predicted: []Label{l("Y", 4, 3)}},
		{ExpectedIntent: "B", PredictedIntent: "B", Predicted: []Label{l("Z", 0, 1)}},
	}, EvaluationOptions{Kind: EvalManual})

	wantIntents := map[string]ClassMetrics{
		"A": {TP: 1, FN: 1, TN: 1, Precision: 1, Recall: 0.5, F1: 2.0 / 3},
		"B": {TP: 1, FP: 1, TN: 1, Precision: 0.5, Recall: 1, F1: 2.0 / 3},
	}
	approx := cmp.Comparer(func(a, b float64) bool { return math.Abs(a-b) < 1e-9 })
	if diff := cmp.Diff(wantIntents, e.Intents.Classes, approx); diff != "" {
		t.Errorf("intent classes (-want +got):\n%s", diff)
	}
	wantConfusion := map[string]map[string]Cell{
		"A": {"A": {Normalized: 50, Raw: 1}, "B": {Normalized: 50, Raw: 1}},
		"B": {"B": {Normalized: 100, Raw: 1}},
	}
	if diff := cmp.Diff(wantConfusion, e.Intents.Confusion); diff != "" {
		t.Errorf("intent confusion (-want +got):\n%s", diff)
	}
	if math.Abs(e.Intents.MicroF1-2.0/3) > 1e-9 || math.Abs(e.Intents.MacroF1-2.0/3) > 1e-9 {
		t.Errorf("intent micro/macro F1 = %v/%v, want 2/3", e.Intents.MicroF1, e.Intents.MacroF1)
	}
	if got := e.IntentAccuracy(); math.Abs(got-2.0/3) > 1e-9 {
		t.Errorf("IntentAccuracy = %v, want 2/3", got)
	}

	wantEntityConfusion := map[string]map[string]Cell{
		"X":      {"X": {Normalized: 50, Raw: 1}, "Y": {Normalized: 50, Raw: 1}},
		"W":      {NoEntity: {Normalized: 100, Raw: 1}},
		NoEntity: {"Z": {Normalized: 100, Raw: 1}},
	}
	if diff := cmp.Diff(wantEntityConfusion, e.Entities.Confusion); diff != "" {
		t.Errorf("entity confusion (-want +got):\n%s", diff)
	}
	wantEntities := map[string]ClassMetrics{
		"X": {TP: 1, FN: 1, Precision: 1, Recall: 0.5, F1: 2.0 / 3},
		"Y": {FP: 1},
		"Z": {FP: 1},
		"W": {FN: 1},
	}
	if diff := cmp.Diff(wantEntities, e.Entities.Classes, approx); diff != "" {
		t.Errorf("entity classes (-want +got):\n%s", diff)
	}
	// Micro: TP 1, FP 2, FN 2. Macro F1: mean of 2/3, 0, 0, 0.
	if math.Abs(e.Entities.MicroPrecision-1.0/3) > 1e-9 || math.Abs(e.Entities.MicroRecall-1.0/3) > 1e-9 ||
		math.Abs(e.Entities.MacroF1-(2.0/3)/4) > 1e-9 {
		t.Errorf("entity averages = %+v", e.Entities)
	}
}

func TestSplit(t *testing.T) {
	var us []Utterance
	for i := range 50 {
		us = append(us, Utterance{Text: fmt.Sprintf("a %d", i), Intent: "A"})
	}
	for i := range 10 {
		us = append(us, Utterance{Text: fmt.Sprintf("b %d", i), Intent: "B"})
	}
	us = append(us, Utterance{Text: "marked", Intent: "B", Dataset: "Test"})
	pct := EvaluationOptions{Kind: EvalPercentage, TrainingSplitPercentage: 80, TestingSplitPercentage: 20}

	train, test := split("p", us, pct)
	count := func(idx []int, intent string) int {
		n := 0
		for _, i := range idx {
			if us[i].Intent == intent {
				n++
			}
		}
		return n
	}
	if count(test, "A") != 10 || count(test, "B") != 3 || len(train)+len(test) != len(us) {
		t.Errorf("split: test A %d, B %d (want 10, 3 with the marked one); train %d", count(test, "A"), count(test, "B"), len(train))
	}
	for _, i := range train {
		if us[i].Dataset == "Test" {
			t.Errorf("an utterance marked Test trains")
		}
	}
	train2, test2 := split("p", us, pct)
	if !cmp.Equal(train, train2) || !cmp.Equal(test, test2) {
		t.Errorf("split is not deterministic")
	}
	if _, other := split("q", us, pct); cmp.Equal(test, other) {
		t.Errorf("two projects split the same way; the split should depend on the project")
	}
	train, test = split("p", us, EvaluationOptions{Kind: EvalManual})
	if len(test) != 1 || us[test[0]].Text != "marked" || len(train) != len(us)-1 {
		t.Errorf("manual split: train %d, test %v", len(train), test)
	}
}
