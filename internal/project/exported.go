package project

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/parley-dev/parley/internal/azerr"
	"github.com/parley-dev/parley/internal/job"
)

// MaxExportedModels is how many exported models a project may hold, as
// MaxDeployments bounds deployments: each keeps its own copy of a model.
const MaxExportedModels = 10

// The job kinds of exported models (VERSIONS.md §4, issue 11): a PUT and a
// DELETE poll the same status URL, …/exported-models/{n}/jobs/{j}.
const (
	JobExportModel         job.Kind = "exportModel"         // ConversationAuthoringExportedModel_CreateOrUpdateExportedModel
	JobDeleteExportedModel job.Kind = "deleteExportedModel" // ConversationAuthoringExportedModel_DeleteExportedModel
)

// exportModelArgs are the arguments of an exported model's creation job.
type exportModelArgs struct {
	Name       string `json:"exportedModelName"`
	ModelLabel string `json:"trainedModelLabel"`
}

func (exportModelArgs) Kind() job.Kind { return JobExportModel }

// deleteExportedModelArgs are the arguments of an exported model's deletion
// job: its name, stored bare.
type deleteExportedModelArgs struct{ name string }

func (deleteExportedModelArgs) Kind() job.Kind                  { return JobDeleteExportedModel }
func (a deleteExportedModelArgs) MarshalText() ([]byte, error)  { return []byte(a.name), nil }
func (a *deleteExportedModelArgs) UnmarshalText(b []byte) error { a.name = string(b); return nil }

func exportedModelNotFound(project, name string) *azerr.Error {
	e := azerr.New(azerr.NotFound, "The exported model %q of project %q was not found; exported model names are case-sensitive.", name, project)
	e.Target = "exportedModelName"
	return e
}

// ExportedModelOfJob returns the exported model an exported-model job is for.
func ExportedModelOfJob(j *job.Job) string {
	var name string
	json.Unmarshal(j.Detail, &name)
	return name
}

// ListExportedModels implements ConversationAuthoringListExportedModels.
func (s *Deployments) ListExportedModels(ctx context.Context, project string) ([]*ExportedModel, error) {
	if _, err := s.lookupProject(ctx, project); err != nil {
		return nil, err
	}
	return s.store.ListExportedModels(ctx, project)
}

// GetExportedModel implements ConversationAuthoringExportedModel_GetExportedModel.
func (s *Deployments) GetExportedModel(ctx context.Context, project, name string) (*ExportedModel, error) {
	if _, err := s.lookupProject(ctx, project); err != nil {
		return nil, err
	}
	e, err := s.store.GetExportedModel(ctx, project, name)
	if errors.Is(err, ErrExportedModelNotFound) {
		return nil, exportedModelNotFound(project, name)
	}
	return e, err
}

// ExportedModelEngine returns an exported model and its engine model, for
// the Parley extension that downloads it.
func (s *Deployments) ExportedModelEngine(ctx context.Context, project, name string) (*ExportedModel, []byte, error) {
	e, err := s.GetExportedModel(ctx, project, name)
	if err != nil {
		return nil, nil, err
	}
	engine, err := s.store.ExportedModelEngine(ctx, project, name)
	if errors.Is(err, ErrExportedModelNotFound) {
		return nil, nil, exportedModelNotFound(project, name)
	}
	return e, engine, err
}

// StartExportModel implements ConversationAuthoringExportedModel_CreateOrUpdateExportedModel.
func (s *Deployments) StartExportModel(ctx context.Context, project, name, label string, v APIVersion) (*job.Job, error) {
	if e := CheckName("exportedModelName", "exported model", name); e != nil {
		return nil, e
	}
	if label == "" {
		return nil, azerr.Invalid("trainedModelLabel", "trainedModelLabel is required: the label of the trained model to export.")
	}
	if _, err := s.lookupModel(ctx, project, label); err != nil {
		return nil, err
	}
	if _, err := s.store.GetExportedModel(ctx, project, name); errors.Is(err, ErrExportedModelNotFound) {
		all, err := s.store.ListExportedModels(ctx, project)
		if err != nil {
			return nil, err
		}
		if len(all) >= MaxExportedModels {
			return nil, exportedQuota()
		}
	} else if err != nil {
		return nil, err
	}
	args := exportModelArgs{Name: name, ModelLabel: label}
	j := s.newJob(args, project, v)
	j.Detail, _ = json.Marshal(name)
	return s.enqueue(ctx, j, args)
}

func exportedQuota() *azerr.Error {
	return azerr.New(azerr.QuotaExceeded, "The project already has %d exported models, the limit; delete one or replace an existing name.", MaxExportedModels)
}

// runExportModel copies the trained model's current version into the
// exported model, which keeps it until it is replaced or deleted.
func (s *Deployments) runExportModel(ctx context.Context, run *job.Run, a exportModelArgs) (*job.Outcome, error) {
	m, err := s.store.GetModel(ctx, run.Project, a.ModelLabel)
	if errors.Is(err, ErrModelNotFound) {
		return nil, modelNotFound(run.Project, a.ModelLabel)
	} else if err != nil {
		return nil, err
	}
	engine, err := s.store.GetModelData(ctx, run.Project, a.ModelLabel, PartEngine)
	if err != nil {
		return nil, err
	}
	snapshot, err := s.store.GetModelData(ctx, run.Project, a.ModelLabel, PartSnapshot)
	if err != nil {
		return nil, err
	}
	var snap importPayload
	if err := json.Unmarshal(snapshot, &snap); err != nil {
		return nil, fmt.Errorf("model %q snapshot: %w", a.ModelLabel, err)
	}
	e := &ExportedModel{Project: run.Project, Name: a.Name, ModelLabel: a.ModelLabel, ModelID: m.ID,
		Trained: m.Trained, Exported: s.now(), ConfigVersion: m.ConfigVersion,
		ExpirationDate: m.ExpirationDate, Language: snap.Metadata.Language}
	if snap.Metadata.Settings != nil {
		e.Threshold = snap.Metadata.Settings.ConfidenceThreshold
	}
	switch err := s.store.SaveExportedModel(ctx, e, engine, MaxExportedModels); {
	case errors.Is(err, ErrQuota):
		return nil, exportedQuota()
	case errors.Is(err, ErrNotFound):
		return nil, projectNotFound(run.Project)
	default:
		return nil, err
	}
}

// StartDeleteExportedModel implements ConversationAuthoringExportedModel_DeleteExportedModel.
func (s *Deployments) StartDeleteExportedModel(ctx context.Context, project, name string, v APIVersion) (*job.Job, error) {
	if _, err := s.GetExportedModel(ctx, project, name); err != nil {
		return nil, err
	}
	args := deleteExportedModelArgs{name: name}
	j := s.newJob(args, project, v)
	j.Detail, _ = json.Marshal(name)
	return s.enqueue(ctx, j, args)
}

func (s *Deployments) runDeleteExportedModel(ctx context.Context, run *job.Run, a deleteExportedModelArgs) (*job.Outcome, error) {
	if err := s.store.DeleteExportedModel(ctx, run.Project, a.name); err != nil && !errors.Is(err, ErrExportedModelNotFound) {
		return nil, err
	}
	return nil, nil
}
