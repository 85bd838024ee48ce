package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/parley-dev/parley/internal/client"
	"github.com/parley-dev/parley/internal/wire"
)

// smokeIntents are the intents of the SNIPS smoke project.
var smokeIntents = []string{"AddToPlaylist", "BookRestaurant", "GetWeather", "PlayMusic", "RateBook", "SearchCreativeWork", "SearchScreeningEvent"}

// reportIntents returns the intent table of an evaluation report: the
// intent names in the order printed, and their F1 scores.
func reportIntents(t *testing.T, report string) ([]string, []float64) {
	t.Helper()
	_, table, ok := strings.Cut(report, "\nINTENT ")
	if !ok {
		t.Fatalf("report has no intent table:\n%s", report)
	}
	table, _, _ = strings.Cut(table, "\n\n")
	var names []string
	var f1s []float64
	for i, line := range strings.Split(table, "\n") {
		f := strings.Fields(line)
		if i == 0 {
			if want := []string{"F1", "PRECISION", "RECALL", "TESTED"}; !slices.Equal(f, want) {
				t.Fatalf("intent table header %q, want INTENT then %v", line, want)
			}
			continue
		}
		if len(f) != 5 {
			t.Fatalf("intent table row %q, want 5 columns", line)
		}
		f1, err := strconv.ParseFloat(f[1], 64)
		if err != nil {
			t.Fatalf("intent table row %q: F1: %v", line, err)
		}
		names = append(names, f[0])
		f1s = append(f1s, f1)
	}
	return names, f1s
}

// reportScore returns the value of a headline line of an evaluation report,
// such as "intent accuracy".
func reportScore(t *testing.T, report, name string) float64 {
	t.Helper()
	for line := range strings.Lines(report) {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				t.Fatalf("report line %q: %v", line, err)
			}
			return f
		}
	}
	t.Fatalf("report has no %q line:\n%s", name, report)
	return 0
}

// checkReport checks an evaluation report of the smoke project.
func checkReport(t *testing.T, report, header string) {
	t.Helper()
	if !strings.HasPrefix(report, header) {
		t.Errorf("report starts %q, want %q", strings.SplitN(report, "\n", 2)[0], header)
	}
	names, f1s := reportIntents(t, report)
	// None is listed too when the model predicted it.
	names = slices.DeleteFunc(slices.Clone(names), func(n string) bool { return n == "None" })
	if sorted := slices.Sorted(slices.Values(names)); !slices.Equal(sorted, smokeIntents) {
		t.Errorf("report's intents = %v, want %v", sorted, smokeIntents)
	}
	if !slices.IsSorted(f1s) {
		t.Errorf("report's intent F1 scores = %v, want them ascending", f1s)
	}
	for _, name := range []string{"intent accuracy", "intent macro F1", "entity micro F1"} {
		if v := reportScore(t, report, name); v <= 0 || v > 1 {
			t.Errorf("report's %s = %v, want it in (0, 1]", name, v)
		}
	}
	if acc := reportScore(t, report, "intent accuracy"); acc < 0.7 {
		t.Errorf("report's intent accuracy = %v, want >= 0.7 on the smoke set", acc)
	}
	if strings.Contains(report, "\t") {
		t.Errorf("report has tabs, want spaces:\n%s", report)
	}
}

func TestTrainAndEval(t *testing.T) {
	t.Parallel()
	ep := startTestServer(t)
	mustCLI(t, ep, "import", smokeFile)

	manual := mustCLI(t, ep, "train", smokeName, "--model", "man", "--manual")
	checkReport(t, manual, "model man of project "+smokeName+", tested on 28 utterances of the Test dataset (manual split)\n")
	split := mustCLI(t, ep, "train", "--split", "80", "--model", "pct", smokeName)
	checkReport(t, split, "model pct of project "+smokeName+", tested on ")
	if !strings.Contains(strings.SplitN(split, "\n", 2)[0], "(80% training / 20% testing split)") {
		t.Errorf("report of --split 80 starts %q, want it to name the split", strings.SplitN(split, "\n", 2)[0])
	}
	if !strings.Contains(manual, "\nEXPECTED  ") && !strings.Contains(manual, "no confusions") {
		t.Errorf("report has no confusions section:\n%s", manual)
	}

	// eval prints the same report, and passes thresholds the model meets.
	if got := mustCLI(t, ep, "eval", smokeName, "man"); got != manual {
		t.Errorf("eval %s man printed\n%s\nwant what train printed\n%s", smokeName, got, manual)
	}
	acc := reportScore(t, manual, "intent accuracy")
	// --json prints the server's evaluation summary, the whole confusion
	// matrix included.
	var sum map[string]any
	if out := mustCLI(t, ep, "eval", smokeName, "man", "--json"); json.Unmarshal([]byte(out), &sum) != nil || sum["intentsEvaluation"] == nil {
		t.Errorf("eval --json printed %q, want the evaluation summary as JSON", out)
	}
	if got := mustCLI(t, ep, "eval", smokeName, "man", "--min-accuracy", "0.5", "--min-f1", "0.5", "--min-entity-f1", "0.1"); got != manual {
		t.Errorf("eval with thresholds met printed %q, want the report", got)
	}

	for _, tc := range []struct {
		name string
		args []string
		want []string // each in the error
	}{
		{"accuracy", []string{"--min-accuracy", "0.999"}, []string{"intent accuracy " + strconv.FormatFloat(acc, 'f', 4, 64) + " is below --min-accuracy 0.999"}},
		{"macro F1", []string{"--min-f1", "0.999", "--min-accuracy", "0"}, []string{"intent macro F1 0.", "is below --min-f1 0.999"}},
		{"entity F1", []string{"--min-entity-f1", "1"}, []string{"entity micro F1 0.", "is below --min-entity-f1 1"}},
		{"all three", []string{"--min-entity-f1=1", "--min-f1=1", "--min-accuracy=1"}, []string{"--min-accuracy 1;", "--min-f1 1;", "--min-entity-f1 1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"eval", smokeName, "man"}, tc.args...)
			out, _, err := cli(t, ep, "k", args...)
			if err == nil {
				t.Fatalf("parley %s succeeded, want an error", strings.Join(args, " "))
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("parley %s = %q, want it to contain %q", strings.Join(args, " "), err, w)
				}
			}
			if out != manual {
				t.Errorf("parley %s printed %q, want the report before failing", strings.Join(args, " "), out)
			}
		})
	}
}

// TestEvalWithoutEntities checks a project without entities: no entity
// score, and a --min-entity-f1 that cannot pass.
func TestEvalWithoutEntities(t *testing.T) {
	t.Parallel()
	ep := startTestServer(t)
	bank := filepath.Join("..", "..", "testdata", "datasets", "smoke", "banking77.smoke.clu.json")
	mustCLI(t, ep, "import", bank, "--project", "bank")
	report := mustCLI(t, ep, "train", "bank", "--model", "m")
	if strings.Contains(report, "entity micro F1") {
		t.Errorf("report of a project without entities has an entity score:\n%s", report)
	}
	// The intents of the project, and None when the model predicted it.
	names, _ := reportIntents(t, report)
	if names = slices.DeleteFunc(names, func(n string) bool { return n == "None" }); len(names) != 10 {
		t.Errorf("report lists intents %v, want the 10 of the banking smoke set", names)
	}
	_, _, err := cli(t, ep, "k", "eval", "bank", "m", "--min-entity-f1", "0")
	if err == nil || !strings.Contains(err.Error(), "--min-entity-f1 0: the evaluation has no entities") {
		t.Errorf("eval bank m --min-entity-f1 0 = %v, want an error saying there are no entities", err)
	}
}

func TestTrainAndEvalErrors(t *testing.T) {
	t.Parallel()
	ep := startTestServer(t)
	mustCLI(t, ep, "import", smokeFile)
	// A project with an intent that has no utterances imports, but its
	// training fails.
	lonely := filepath.Join(t.TempDir(), "lonely.json")
	b := editJSON(t, readFile(t, smokeFile), func(m map[string]any) {
		a := m["assets"].(map[string]any)
		a["intents"] = append(a["intents"].([]any), map[string]any{"category": "Lonely"})
	})
	if err := os.WriteFile(lonely, b, 0o644); err != nil {
		t.Fatal(err)
	}
	mustCLI(t, ep, "import", lonely, "--project", "lonely")

	for _, tc := range []struct {
		name string
		args []string
		want []string // each in the error
	}{
		{"training fails", []string{"train", "lonely", "--model", "m"}, []string{"train lonely: job ", " failed: InvalidRequest: ", `"Lonely"`}},
		{"train unknown project", []string{"train", "nope", "--model", "m"}, []string{"ProjectNotFound"}},
		{"bad label", []string{"train", smokeName, "--model", "a b"}, []string{"InvalidArgument", `"a b"`}},
		{"eval unknown project", []string{"eval", "nope", "m"}, []string{"eval nope m: ProjectNotFound"}},
		{"eval unknown model", []string{"eval", smokeName, "nope"}, []string{"NotFound", `"nope"`}},
		{"no model", []string{"train", smokeName}, []string{"--model LABEL is required"}},
		{"no project", []string{"train", "--model", "m"}, []string{"want one PROJECT, got 0"}},
		{"split and manual", []string{"train", smokeName, "--model", "m", "--manual", "--split", "70"}, []string{"exclude each other"}},
		{"split 0", []string{"train", smokeName, "--model", "m", "--split", "0"}, []string{"--split 0 is not a percentage from 1 to 99"}},
		{"split 100", []string{"train", smokeName, "--model", "m", "--split", "100"}, []string{"--split 100 is not"}},
		{"eval without model", []string{"eval", smokeName}, []string{"want PROJECT and MODEL, got 1"}},
		{"threshold above 1", []string{"eval", smokeName, "m", "--min-accuracy", "1.01"}, []string{`invalid value "1.01" for flag -min-accuracy`, "fraction from 0 to 1"}},
		{"negative threshold", []string{"eval", smokeName, "m", "--min-f1", "-0.1"}, []string{`invalid value "-0.1" for flag -min-f1`}},
		{"NaN threshold", []string{"eval", smokeName, "m", "--min-entity-f1", "NaN"}, []string{`invalid value "NaN" for flag -min-entity-f1`}},
		{"percent threshold", []string{"eval", smokeName, "m", "--min-accuracy", "90%"}, []string{`invalid value "90%"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out, _, err := cli(t, ep, "k", tc.args...)
			if err == nil {
				t.Fatalf("parley %s succeeded, want an error", strings.Join(tc.args, " "))
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("parley %s = %q, want it to contain %q", strings.Join(tc.args, " "), err, w)
				}
			}
			if out != "" {
				t.Errorf("parley %s printed %q, want nothing", strings.Join(tc.args, " "), out)
			}
		})
	}
}

// trainingJob returns a training job's state as the client sees it.
func trainingJob(t *testing.T, status string, train, eval client.SubTrainingJobState) *client.JobState {
	t.Helper()
	doc := map[string]any{"jobId": "j", "status": status, "result": client.TrainingJobResult{
		ModelLabel: "m", TrainingStatus: train, EvaluationStatus: eval}}
	raw, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return &client.JobState{JobState: wire.JobState{JobID: "j", Status: client.JobStatus(status)}, Raw: raw}
}

func TestTrainingProgress(t *testing.T) {
	t.Parallel()
	sub := func(pct int, status client.JobStatus) client.SubTrainingJobState {
		return client.SubTrainingJobState{PercentComplete: pct, Status: status}
	}
	for _, tc := range []struct {
		name string
		st   *client.JobState
		want string
	}{
		{"queued", trainingJob(t, "notStarted", sub(0, "notStarted"), sub(0, "notStarted")), "notStarted"},
		{"training starts", trainingJob(t, "running", sub(0, "running"), sub(0, "notStarted")), "training   [--------------------]   0%"},
		{"training", trainingJob(t, "running", sub(47, "running"), sub(0, "notStarted")), "training   [#########-----------]  47%"},
		{"evaluating", trainingJob(t, "running", sub(100, "succeeded"), sub(5, "running")), "evaluating [#-------------------]   5%"},
		{"out of range", trainingJob(t, "running", sub(100, "succeeded"), sub(140, "running")), "evaluating [####################] 100%"},
		{"succeeded", trainingJob(t, "succeeded", sub(100, "succeeded"), sub(100, "succeeded")), "succeeded"},
		{"failed", trainingJob(t, "failed", sub(10, "failed"), sub(0, "failed")), "failed"},
		{"no result", &client.JobState{JobState: wire.JobState{JobID: "j", Status: "running"}, Raw: []byte(`{"jobId":"j","status":"running"}`)}, "running"},
	} {
		if got := trainingProgress(tc.st); got != tc.want {
			t.Errorf("%s: trainingProgress(%s) = %q, want %q", tc.name, tc.st.Raw, got, tc.want)
		}
	}
}

func TestFraction(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want float64
		ok   bool
	}{
		{"0", 0, true},
		{"1", 1, true},
		{"0.85", 0.85, true},
		{"1e-1", 0.1, true},
		{"1.0001", 0, false},
		{"-0.5", 0, false},
		{"NaN", 0, false},
		{"Inf", 0, false},
		{"90%", 0, false},
		{"", 0, false},
	} {
		var f fraction
		err := f.Set(tc.in)
		if (err == nil) != tc.ok || f.v != tc.want || f.set != tc.ok {
			t.Errorf("fraction.Set(%q) = %v, %v (set %v); want %v, ok %v", tc.in, f.v, err, f.set, tc.want, tc.ok)
		}
	}
	var unset fraction
	if s := unset.String(); s != "" {
		t.Errorf("unset fraction.String() = %q, want empty", s)
	}
}

func TestWriteReport(t *testing.T) {
	t.Parallel()
	in := func(f1, p, r float64, tp, fn int) client.IntentEvaluationSummary {
		return client.IntentEvaluationSummary{F1: f1, Precision: p, Recall: r, TruePositiveCount: tp, FalseNegativeCount: fn}
	}
	cell := func(raw, pct float64) client.ConfusionMatrixCell {
		return client.ConfusionMatrixCell{RawValue: float32(raw), NormalizedValue: float32(pct)}
	}
	sum := &client.EvaluationSummary{EvaluationSummary: wire.EvaluationSummary{
		IntentsEvaluation: client.IntentsEvaluationSummary{
			Intents: map[string]client.IntentEvaluationSummary{
				"Greet": in(1, 1, 1, 3, 0), "Book": in(0.5, 0.5, 0.5, 1, 1), "Cancel": in(0.5, 0.4, 0.6667, 2, 1), "Never": in(0, 0, 0, 0, 0),
			},
			ConfusionMatrix: client.ConfusionMatrix{
				"Greet":  {"Greet": cell(3, 100)},
				"Book":   {"Book": cell(1, 50), "Cancel": cell(1, 50)},
				"Cancel": {"Cancel": cell(2, 66.66667), "Book": cell(1, 33.33333)},
			},
			EvaluationAverages: client.EvaluationAverages{MicroPrecision: 0.75, MacroF1: 0.5},
		},
		EvaluationOptions: &client.EvaluationOptions{Kind: "percentage", TrainingSplitPercentage: 80, TestingSplitPercentage: 20},
	}}
	want := `model m of project P, tested on 8 utterances (80% training / 20% testing split)

intent accuracy  0.7500
intent macro F1  0.5000

INTENT  F1      PRECISION  RECALL  TESTED
Never   0.0000  0.0000     0.0000  0
Book    0.5000  0.5000     0.5000  2
Cancel  0.5000  0.4000     0.6667  3
Greet   1.0000  1.0000     1.0000  3

EXPECTED  PREDICTED  COUNT  OF EXPECTED
Book      Cancel     1      50%
Cancel    Book       1      33%
`
	var b strings.Builder
	if err := writeReport(&b, "P", "m", sum); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != want {
		t.Errorf("writeReport() =\n%s\nwant\n%s", got, want)
	}

	// Entities, a manual split, and no confusion at all.
	sum.IntentsEvaluation.ConfusionMatrix = client.ConfusionMatrix{"Greet": {"Greet": cell(3, 100)}}
	sum.IntentsEvaluation.Intents = map[string]client.IntentEvaluationSummary{"Greet": in(1, 1, 1, 3, 0)}
	sum.EntitiesEvaluation.Entities = map[string]client.EntityEvaluationSummary{"City": {F1: 0.25}}
	sum.EntitiesEvaluation.MicroF1 = 0.25
	sum.EvaluationOptions = &client.EvaluationOptions{Kind: "manual"}
	want = `model m of project P, tested on 3 utterances of the Test dataset (manual split)

intent accuracy  0.7500
intent macro F1  0.5000
entity micro F1  0.2500

INTENT  F1      PRECISION  RECALL  TESTED
Greet   1.0000  1.0000     1.0000  3

no confusions: every tested intent was predicted right
`
	b.Reset()
	if err := writeReport(&b, "P", "m", sum); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != want {
		t.Errorf("writeReport() =\n%s\nwant\n%s", got, want)
	}
}

// TestWriteReportSaysWhatItLeavesOut: past maxConfusions confusions the
// report says how many more there are and where to see them.
func TestWriteReportSaysWhatItLeavesOut(t *testing.T) {
	t.Parallel()
	m := client.ConfusionMatrix{}
	for i := range maxConfusions + 3 {
		m[fmt.Sprintf("I%02d", i)] = map[string]client.ConfusionMatrixCell{"Other": {RawValue: float32(20 - i), NormalizedValue: 50}}
	}
	var b strings.Builder
	if err := writeReport(&b, "P", "m", &client.EvaluationSummary{EvaluationSummary: wire.EvaluationSummary{IntentsEvaluation: client.IntentsEvaluationSummary{ConfusionMatrix: m}}}); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Count(b.String(), "  Other  "), maxConfusions; got != want {
		t.Errorf("writeReport() lists %d confusions, want %d:\n%s", got, want, b.String())
	}
	if want := "\n... and 3 more confusions, of at most 10 utterances each (--json prints them all)\n"; !strings.HasSuffix(b.String(), want) {
		t.Errorf("writeReport() =\n%s\nwant it to end with %q", b.String(), want)
	}
}

func TestWorstConfusions(t *testing.T) {
	t.Parallel()
	c := func(raw, pct float64) client.ConfusionMatrixCell {
		return client.ConfusionMatrixCell{RawValue: float32(raw), NormalizedValue: float32(pct)}
	}
	m := client.ConfusionMatrix{
		"A": {"A": c(9, 60), "B": c(5, 33), "C": c(1, 7)},
		"B": {"B": c(1, 20), "A": c(4, 80)},
		"C": {"A": c(5, 100), "B": c(0, 0)},
	}
	got := worstConfusions(m, 3)
	want := []confusion{{"C", "A", 5, 100}, {"A", "B", 5, 33}, {"B", "A", 4, 80}}
	if !slices.Equal(got, want) {
		t.Errorf("worstConfusions(m, 3) = %v, want %v", got, want)
	}
	if got := worstConfusions(m, 10); len(got) != 4 {
		t.Errorf("worstConfusions(m, 10) = %v, want the 4 non-zero off-diagonal cells", got)
	}
	if got := worstConfusions(nil, 10); len(got) != 0 {
		t.Errorf("worstConfusions(nil, 10) = %v, want none", got)
	}
}
