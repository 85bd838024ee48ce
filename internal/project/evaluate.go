package project

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/parley-dev/parley/internal/azerr"
	"github.com/parley-dev/parley/internal/job"
	"github.com/parley-dev/parley/internal/nlu"
)

// evaluateArgs are the arguments of an evaluation job: the model's label
// and the options, defaults filled in.
type evaluateArgs struct {
	ModelLabel string            `json:"modelLabel"`
	Options    EvaluationOptions `json:"evaluationOptions"`
}

func (evaluateArgs) Kind() job.Kind { return JobEvaluate }

// EvaluationState is an evaluation job's result document: its Detail
// (the spec's EvaluationJobResult).
type EvaluationState struct {
	ModelLabel    string            `json:"modelLabel"`
	ConfigVersion string            `json:"trainingConfigVersion"`
	Options       EvaluationOptions `json:"evaluationOptions"`
	Percent       int               `json:"percentComplete"`
}

// EvaluationStateOf decodes an evaluation job's Detail.
func EvaluationStateOf(j *job.Job) (*EvaluationState, error) {
	var st EvaluationState
	if err := json.Unmarshal(j.Detail, &st); err != nil {
		return nil, fmt.Errorf("evaluation job %s: detail: %w", j.ID, err)
	}
	return &st, nil
}

// StartEvaluation implements ConversationalAnalysisAuthoring_EvaluateModel
// (V4+): it evaluates the trained model of label on the project's current
// utterances, split as o says (nil: the defaults, percentage 80/20), and
// replaces the model's evaluation with the result, which
// evaluation/result and evaluation/summary-result then answer. The model
// itself is not retrained: with kind percentage its testing set is the
// share of today's utterances the split puts there.
func (s *Training) StartEvaluation(ctx context.Context, project, label string, o *EvaluationOptions, v APIVersion) (*job.Job, error) {
	m, err := s.lookupModel(ctx, project, label)
	if err != nil {
		return nil, err
	}
	eo, err := s.evaluationOptions(ctx, project, o, "")
	if err != nil {
		return nil, err
	}
	args := evaluateArgs{ModelLabel: label, Options: eo}
	j := s.newJob(args, project, v)
	j.Detail, err = json.Marshal(EvaluationState{ModelLabel: label, ConfigVersion: m.ConfigVersion, Options: eo})
	if err != nil {
		return nil, err
	}
	return s.enqueue(ctx, j, args)
}

// EvaluationModel returns the label of an evaluation job's model.
func EvaluationModel(j *job.Job) string {
	st, _ := EvaluationStateOf(j)
	if st == nil {
		return ""
	}
	return st.ModelLabel
}

// runEvaluate evaluates a trained model on the project's current
// utterances and stores the evaluation with the model.
func (s *Training) runEvaluate(ctx context.Context, run *job.Run, args evaluateArgs) (*job.Outcome, error) {
	st, err := EvaluationStateOf(run.Job)
	if err != nil {
		return nil, err
	}
	detail := func() []byte { b, _ := json.Marshal(st); return b }
	m, err := s.store.GetModel(ctx, run.Project, args.ModelLabel)
	if errors.Is(err, ErrModelNotFound) {
		return &job.Outcome{Detail: detail()}, modelNotFound(run.Project, args.ModelLabel)
	} else if err != nil {
		return nil, err
	}
	engine, err := s.store.GetModelData(ctx, run.Project, args.ModelLabel, PartEngine)
	if errors.Is(err, ErrModelNotFound) {
		return &job.Outcome{Detail: detail()}, modelNotFound(run.Project, args.ModelLabel)
	} else if err != nil {
		return nil, err
	}
	model := new(nlu.Model)
	if err := model.UnmarshalBinary(engine); err != nil {
		return nil, fmt.Errorf("evaluation job %s: decode model %q: %w", run.ID, args.ModelLabel, err)
	}
	p, c, err := s.store.ProjectContent(ctx, run.Project)
	if errors.Is(err, ErrNotFound) {
		return &job.Outcome{Detail: detail()}, projectNotFound(run.Project)
	} else if err != nil {
		return nil, err
	}
	var a Assets
	if len(c.Assets) > 0 {
		if err := json.Unmarshal(c.Assets, &a); err != nil {
			return nil, fmt.Errorf("project %q: stored assets: %w", p.Name, err)
		}
	}
	_, testIdx := split(p.Name, a.Utterances, args.Options)
	if args.Options.Kind == EvalManual && len(testIdx) == 0 {
		return &job.Outcome{Detail: detail()}, &azerr.Error{Code: azerr.InvalidRequest, Target: "kind",
			Message: "A manual split needs utterances in the Test dataset, and this project has none."}
	}
	st.ConfigVersion = m.ConfigVersion
	results, err := s.predictTestSet(ctx, model, p, &a, testIdx, func(pct int) {
		if pct >= st.Percent+5 && pct < 100 {
			st.Percent = pct
			run.Report(ctx, detail())
		}
	})
	if err != nil {
		return &job.Outcome{Detail: detail()}, err
	}
	eval, err := json.Marshal(Evaluate(results, args.Options))
	if err != nil {
		return nil, err
	}
	if err := s.store.SetModelEvaluation(ctx, run.Project, args.ModelLabel, m.ID, eval); errors.Is(err, ErrModelNotFound) {
		return &job.Outcome{Detail: detail()}, azerr.New(azerr.Conflict,
			"The trained model %q was retrained or deleted while it was being evaluated; evaluate it again.", args.ModelLabel)
	} else if err != nil {
		return nil, err
	}
	st.Percent = 100
	return &job.Outcome{Detail: detail()}, nil
}
