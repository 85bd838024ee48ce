package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/parley-dev/parley/internal/client"
)

func init() {
	clientCommands["train"] = runTrain
	clientCommands["eval"] = runEval
}

// maxConfusions is how many confusions the evaluation report lists.
const maxConfusions = 10

// progressBarWidth is the number of cells of a training's progress bar.
const progressBarWidth = 20

// runTrain implements "parley train PROJECT --model LABEL [--split N | --manual]".
func runTrain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cf := newClientFlags("train", "PROJECT --model LABEL [--split N | --manual] [--json]",
		"The evaluation has the intent accuracy, intent macro F1, entity micro F1,\n"+
			"per-intent scores (worst first) and the intents most often confused (the ten\n"+
			"most; --json prints the server's whole summary). On a terminal the training's\n"+
			"progress is drawn on stderr.", stdout)
	model := fs.String("model", "", "`LABEL` of the model to train (required); a model already trained under it is replaced")
	split := fs.Int("split", 80, "train on `N` percent of the labelled utterances, picked at random, and test on the rest")
	manual := fs.Bool("manual", false, "train on the utterances of the Train dataset and test on those of the Test dataset")
	asJSON := fs.Bool("json", false, "print the server's evaluation summary as JSON instead of the report")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	splitSet := false
	fs.Visit(func(f *flag.Flag) { splitSet = splitSet || f.Name == "split" })
	switch {
	case len(pos) != 1:
		return usageError(fs, "train: want one PROJECT, got %d arguments", len(pos))
	case *model == "":
		return usageError(fs, "train: --model LABEL is required")
	case *manual && splitSet:
		return usageError(fs, "train: --split and --manual exclude each other")
	case !*manual && (*split < 1 || *split > 99):
		return usageError(fs, "train: --split %d is not a percentage from 1 to 99", *split)
	}
	c, err := cf.client()
	if err != nil {
		return err
	}
	name := pos[0]
	eval := &client.EvaluationOptions{Kind: client.EvaluationPercentage, TrainingSplitPercentage: *split, TestingSplitPercentage: 100 - *split}
	if *manual {
		eval = &client.EvaluationOptions{Kind: client.EvaluationManual}
	}
	pr := startProgress(stderr, "train "+name+" "+*model)
	_, err = c.Train(ctx, name, client.TrainOptions{ModelLabel: *model, Evaluation: eval},
		&client.JobOptions{ProgressFunc: func(s *client.JobState) { pr.set(trainingProgress(s)) }})
	pr.finish(err)
	if err != nil {
		return fmt.Errorf("train %s: %w", name, err)
	}
	sum, err := c.EvaluationSummary(ctx, name, *model)
	if err != nil {
		return fmt.Errorf("train %s: evaluation of %s: %w", name, *model, err)
	}
	if *asJSON {
		return writeJSON(stdout, sum.Raw)
	}
	return writeReport(stdout, name, *model, sum)
}

// runEval implements "parley eval PROJECT MODEL [--min-accuracy X]
// [--min-f1 Y] [--min-entity-f1 Z]".
func runEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cf := newClientFlags("eval", "PROJECT MODEL [--min-accuracy X] [--min-f1 Y] [--min-entity-f1 Z] [--json]",
		"It prints the evaluation of the trained model MODEL of PROJECT, as parley train\n"+
			"does. With thresholds (fractions from 0 to 1) it exits with status 1, naming\n"+
			"each threshold missed, when the model scores below one: a quality gate for CI.", stdout)
	var minAccuracy, minF1, minEntityF1 fraction
	fs.Var(&minAccuracy, "min-accuracy", "fail when the intent accuracy is below `X`")
	fs.Var(&minF1, "min-f1", "fail when the intent macro F1 is below `Y`")
	fs.Var(&minEntityF1, "min-entity-f1", "fail when the entity micro F1 is below `Z` (or the evaluation has no entities)")
	asJSON := fs.Bool("json", false, "print the server's evaluation summary as JSON instead of the report")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usageError(fs, "eval: want PROJECT and MODEL, got %d arguments", len(pos))
	}
	c, err := cf.client()
	if err != nil {
		return err
	}
	name, model := pos[0], pos[1]
	sum, err := c.EvaluationSummary(ctx, name, model)
	if err != nil {
		return fmt.Errorf("eval %s %s: %w", name, model, err)
	}
	if *asJSON {
		err = writeJSON(stdout, sum.Raw)
	} else {
		err = writeReport(stdout, name, model, sum)
	}
	if err != nil {
		return err
	}
	var missed []string
	check := func(what string, got float64, min *fraction, flagName string) {
		if min.set && got < min.v {
			missed = append(missed, fmt.Sprintf("%s %s is below --%s %s", what, formatScore(got), flagName, min))
		}
	}
	check("intent accuracy", intentAccuracy(sum), &minAccuracy, "min-accuracy")
	check("intent macro F1", sum.IntentsEvaluation.MacroF1, &minF1, "min-f1")
	if minEntityF1.set && !hasEntities(sum) {
		missed = append(missed, fmt.Sprintf("--min-entity-f1 %s: the evaluation has no entities", &minEntityF1))
	} else {
		check("entity micro F1", sum.EntitiesEvaluation.MicroF1, &minEntityF1, "min-entity-f1")
	}
	if len(missed) > 0 {
		return fmt.Errorf("eval %s %s: %s", name, model, strings.Join(missed, "; "))
	}
	return nil
}

// fraction is a flag.Value: a number from 0 to 1, and whether it was set.
type fraction struct {
	v   float64
	set bool
}

// String implements flag.Value; an unset fraction is "".
func (f *fraction) String() string {
	if f == nil || !f.set {
		return ""
	}
	return strconv.FormatFloat(f.v, 'f', -1, 64)
}

// Set implements flag.Value.
func (f *fraction) Set(s string) error {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || v < 0 || v > 1 {
		return errors.New("not a fraction from 0 to 1, such as 0.9")
	}
	f.v, f.set = v, true
	return nil
}

// trainingProgress is the progress line's status for a training job: its
// phase and a bar of that phase's percentComplete while it runs, its status
// before and after.
func trainingProgress(s *client.JobState) string {
	r, err := s.TrainingResult()
	if err != nil || s.Status.Terminal() || strings.EqualFold(string(s.Status), string(client.JobNotStarted)) {
		return string(s.Status)
	}
	phase, pct := "training", r.TrainingStatus.PercentComplete
	if r.TrainingStatus.Status.Terminal() {
		phase, pct = "evaluating", r.EvaluationStatus.PercentComplete
	}
	pct = min(max(pct, 0), 100)
	n := pct * progressBarWidth / 100
	return fmt.Sprintf("%-10s [%s%s] %3d%%", phase, strings.Repeat("#", n), strings.Repeat("-", progressBarWidth-n), pct)
}

// intentAccuracy is the share of test utterances whose intent was predicted
// right: the intents' micro precision, since each test utterance has one
// expected and one predicted intent.
func intentAccuracy(s *client.EvaluationSummary) float64 { return s.IntentsEvaluation.MicroPrecision }

// hasEntities reports whether the evaluation scored any entity.
func hasEntities(s *client.EvaluationSummary) bool { return len(s.EntitiesEvaluation.Entities) > 0 }

// formatCount formats a confusion matrix count, which may be fractional.
func formatCount(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// formatScore formats a score in [0, 1].
func formatScore(v float64) string { return strconv.FormatFloat(v, 'f', 4, 64) }

// confusion is an off-diagonal cell of the intents' confusion matrix.
type confusion struct {
	expected, predicted string
	count, percent      float64
}

// worstConfusions returns the off-diagonal cells of m, largest count first,
// at most n of them (all of them when n is negative).
func worstConfusions(m client.ConfusionMatrix, n int) []confusion {
	var out []confusion
	for expected, row := range m {
		for predicted, c := range row {
			if predicted != expected && c.RawValue > 0 {
				out = append(out, confusion{expected, predicted, float64(c.RawValue), float64(c.NormalizedValue)})
			}
		}
	}
	slices.SortFunc(out, func(a, b confusion) int {
		return cmp.Or(cmp.Compare(b.count, a.count), cmp.Compare(b.percent, a.percent),
			strings.Compare(a.expected, b.expected), strings.Compare(a.predicted, b.predicted))
	})
	if n < 0 {
		return out
	}
	return out[:min(len(out), n)]
}

// writeReport prints a model's evaluation as aligned plain text: the headline
// scores, each intent's scores (worst F1 first), and the worst confusions.
func writeReport(w io.Writer, project, model string, s *client.EvaluationSummary) error {
	ie := s.IntentsEvaluation
	type intent struct {
		name string
		client.IntentEvaluationSummary
	}
	intents := make([]intent, 0, len(ie.Intents))
	tested := 0
	for name, in := range ie.Intents {
		intents = append(intents, intent{name, in})
		tested += in.TruePositiveCount + in.FalseNegativeCount
	}
	slices.SortFunc(intents, func(a, b intent) int { return cmp.Or(cmp.Compare(a.F1, b.F1), strings.Compare(a.name, b.name)) })

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "model %s of project %s, tested on %d utterances", model, project, tested)
	if eo := s.EvaluationOptions; eo != nil {
		switch eo.Kind {
		case client.EvaluationManual:
			fmt.Fprint(tw, " of the Test dataset (manual split)")
		case client.EvaluationPercentage:
			fmt.Fprintf(tw, " (%d%% training / %d%% testing split)", eo.TrainingSplitPercentage, eo.TestingSplitPercentage)
		}
	}
	fmt.Fprint(tw, "\n\n")
	fmt.Fprintf(tw, "intent accuracy\t%s\n", formatScore(intentAccuracy(s)))
	fmt.Fprintf(tw, "intent macro F1\t%s\n", formatScore(ie.MacroF1))
	if hasEntities(s) {
		fmt.Fprintf(tw, "entity micro F1\t%s\n", formatScore(s.EntitiesEvaluation.MicroF1))
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	fmt.Fprint(tw, "\nINTENT\tF1\tPRECISION\tRECALL\tTESTED\n")
	for _, in := range intents {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\n", in.name, formatScore(in.F1), formatScore(in.Precision), formatScore(in.Recall),
			in.TruePositiveCount+in.FalseNegativeCount)
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	cs := worstConfusions(ie.ConfusionMatrix, -1)
	if len(cs) == 0 {
		fmt.Fprint(tw, "\nno confusions: every tested intent was predicted right\n")
		return tw.Flush()
	}
	fmt.Fprint(tw, "\nEXPECTED\tPREDICTED\tCOUNT\tOF EXPECTED\n")
	for _, c := range cs[:min(len(cs), maxConfusions)] {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.0f%%\n", c.expected, c.predicted, formatCount(c.count), c.percent)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if n := len(cs) - maxConfusions; n > 0 {
		unit := "utterances"
		if cs[maxConfusions].count == 1 {
			unit = "utterance"
		}
		_, err := fmt.Fprintf(w, "... and %d more confusions, of at most %s %s each (--json prints them all)\n", n, formatCount(cs[maxConfusions].count), unit)
		return err
	}
	return nil
}
