package project

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/parley-dev/parley/internal/job"
)

// ListModels implements ConversationalAnalysisAuthoring_ListTrainedModels.
func (s *Training) ListModels(ctx context.Context, project string) ([]*Model, error) {
	if _, err := s.lookupProject(ctx, project); err != nil {
		return nil, err
	}
	return s.store.ListModels(ctx, project)
}

// GetModel implements ConversationalAnalysisAuthoring_GetTrainedModel.
func (s *Training) GetModel(ctx context.Context, project, label string) (*Model, error) {
	return s.lookupModel(ctx, project, label)
}

// lookupModel returns a trained model, or the not-found error the client
// sees for it or its project.
func (s *core) lookupModel(ctx context.Context, project, label string) (*Model, error) {
	if _, err := s.lookupProject(ctx, project); err != nil {
		return nil, err
	}
	m, err := s.store.GetModel(ctx, project, label)
	if errors.Is(err, ErrModelNotFound) {
		return nil, modelNotFound(project, label)
	}
	return m, err
}

// DeleteModel implements ConversationalAnalysisAuthoring_DeleteTrainedModel.
func (s *Training) DeleteModel(ctx context.Context, project, label string) error {
	if _, err := s.lookupProject(ctx, project); err != nil {
		return err
	}
	if err := s.store.DeleteModel(ctx, project, label); errors.Is(err, ErrModelNotFound) {
		return modelNotFound(project, label)
	} else if err != nil {
		return err
	}
	return nil
}

// ModelEvaluation returns a model's evaluation.
func (s *Training) ModelEvaluation(ctx context.Context, project, label string) (*Evaluation, error) {
	if _, err := s.lookupProject(ctx, project); err != nil {
		return nil, err
	}
	b, err := s.store.GetModelData(ctx, project, label, PartEvaluation)
	if errors.Is(err, ErrModelNotFound) {
		return nil, modelNotFound(project, label)
	} else if err != nil {
		return nil, err
	}
	var e Evaluation
	if err := json.Unmarshal(b, &e); err != nil {
		return nil, fmt.Errorf("model %q evaluation: %w", label, err)
	}
	return &e, nil
}

// StartLoadSnapshot implements ConversationalAnalysisAuthoring_LoadSnapshot.
func (s *Training) StartLoadSnapshot(ctx context.Context, project, label string, v APIVersion) (*job.Job, error) {
	if _, err := s.lookupModel(ctx, project, label); err != nil {
		return nil, err
	}
	args := loadSnapshotArgs{label: label}
	j := s.newJob(args, project, v)
	j.Detail, _ = json.Marshal(label)
	return s.enqueue(ctx, j, args)
}

// runLoadSnapshot replaces the project's content with a model's snapshot.
func (s *Training) runLoadSnapshot(ctx context.Context, run *job.Run, args loadSnapshotArgs) (*job.Outcome, error) {
	label := args.label
	b, err := s.store.GetModelData(ctx, run.Project, label, PartSnapshot)
	if errors.Is(err, ErrModelNotFound) {
		return nil, modelNotFound(run.Project, label)
	} else if err != nil {
		return nil, err
	}
	var snap importPayload
	if err := json.Unmarshal(b, &snap); err != nil {
		return nil, fmt.Errorf("model %q snapshot: %w", label, err)
	}
	now := s.now()
	if err := s.store.ReplaceProject(ctx, snap.project(run.Project, now, now), snap.assets(), s.cfg.Limits.Projects); err != nil {
		return nil, err
	}
	return nil, nil
}

// LoadSnapshotModel returns the label of a load-snapshot job's model.
func LoadSnapshotModel(j *job.Job) string {
	var label string
	json.Unmarshal(j.Detail, &label)
	return label
}
