package project

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/parley-dev/parley/internal/azerr"
	"github.com/parley-dev/parley/internal/job"
)

// MaxDeployments is how many deployments a project may hold.
const MaxDeployments = 10

func deploymentNotFound(project, name string) *azerr.Error {
	e := azerr.New(azerr.NotFound, "The deployment %q of project %q was not found; deployment names are case-sensitive.", name, project)
	e.Target = "deploymentName"
	return e
}

// ListDeployments implements ConversationalAnalysisAuthoring_ListDeployments.
func (s *Deployments) ListDeployments(ctx context.Context, project string) ([]*Deployment, error) {
	if _, err := s.lookupProject(ctx, project); err != nil {
		return nil, err
	}
	return s.store.ListDeployments(ctx, project)
}

// GetDeployment implements ConversationalAnalysisAuthoring_GetDeployment.
func (s *Deployments) GetDeployment(ctx context.Context, project, name string) (*Deployment, error) {
	if _, err := s.lookupProject(ctx, project); err != nil {
		return nil, err
	}
	d, err := s.store.GetDeployment(ctx, project, name)
	if errors.Is(err, ErrDeploymentNotFound) {
		return nil, deploymentNotFound(project, name)
	}
	return d, err
}

// DeploymentOfJob returns the deployment a deploy or delete-deployment job is for.
func DeploymentOfJob(j *job.Job) string {
	var name string
	json.Unmarshal(j.Detail, &name)
	return name
}

// StartDeploy implements ConversationalAnalysisAuthoring_DeployProject.
// resourceIDs are the resources the body named in resourceField; each must
// be assigned to the project, and the deployment records them.
func (s *Deployments) StartDeploy(ctx context.Context, project, name, label, resourceField string, resourceIDs []string, v APIVersion) (*job.Job, error) {
	if e := CheckName("deploymentName", "deployment", name); e != nil {
		return nil, e
	}
	if name == "swap" {
		return nil, azerr.Invalid("deploymentName", "The deployment name \"swap\" is reserved; choose another name.")
	}
	if label == "" {
		return nil, azerr.Invalid("trainedModelLabel", "trainedModelLabel is required: the label of the trained model to deploy.")
	}
	if _, err := s.lookupModel(ctx, project, label); err != nil {
		return nil, err
	}
	if len(resourceIDs) > 0 {
		if err := s.CheckDeploymentResources(ctx, project, resourceField, resourceIDs); err != nil {
			return nil, err
		}
	}
	if _, err := s.store.GetDeployment(ctx, project, name); errors.Is(err, ErrDeploymentNotFound) {
		all, err := s.store.ListDeployments(ctx, project)
		if err != nil {
			return nil, err
		}
		if len(all) >= MaxDeployments {
			return nil, azerr.New(azerr.QuotaExceeded, "The project already has %d deployments, the limit; delete one or deploy to an existing name.", MaxDeployments)
		}
	} else if err != nil {
		return nil, err
	}
	args := deployArgs{Deployment: name, ModelLabel: label, ResourceIDs: resourceIDs}
	j := s.newJob(args, project, v)
	j.Detail, _ = json.Marshal(name)
	return s.enqueue(ctx, j, args)
}

// runDeploy copies the model's current version into the deployment, which
// then serves it until the next deploy or swap.
func (s *Deployments) runDeploy(ctx context.Context, run *job.Run, a deployArgs) (*job.Outcome, error) {
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
	d := &Deployment{Project: run.Project, Name: a.Deployment, ModelLabel: a.ModelLabel, ModelID: m.ID,
		Trained: m.Trained, Deployed: s.now(), ConfigVersion: m.ConfigVersion,
		ExpirationDate: deploymentExpiration(m.ExpirationDate), Language: snap.Metadata.Language}
	if snap.Metadata.Settings != nil {
		d.Threshold = snap.Metadata.Settings.ConfidenceThreshold
	}
	switch err := s.store.SaveDeployment(ctx, d, engine, MaxDeployments); {
	case errors.Is(err, ErrQuota):
		return nil, azerr.New(azerr.QuotaExceeded, "The project already has %d deployments, the limit.", MaxDeployments)
	case errors.Is(err, ErrNotFound):
		return nil, projectNotFound(run.Project)
	case err != nil:
		return nil, err
	}
	return nil, s.RecordDeploymentResources(ctx, run.Project, a.Deployment, a.ResourceIDs)
}

// deploymentExpiration is twelve months after the model's expiration date
// (TRAINING.md §2.4); 29 February moves to 1 March.
func deploymentExpiration(modelExpiration string) string {
	t, err := time.Parse(time.DateOnly, modelExpiration)
	if err != nil {
		return modelExpiration
	}
	return t.AddDate(1, 0, 0).Format(time.DateOnly)
}

// StartDeleteDeployment implements ConversationalAnalysisAuthoring_DeleteDeployment.
func (s *Deployments) StartDeleteDeployment(ctx context.Context, project, name string, v APIVersion) (*job.Job, error) {
	if _, err := s.GetDeployment(ctx, project, name); err != nil {
		return nil, err
	}
	args := deleteDeploymentArgs{name: name}
	j := s.newJob(args, project, v)
	j.Detail, _ = json.Marshal(name)
	return s.enqueue(ctx, j, args)
}

func (s *Deployments) runDeleteDeployment(ctx context.Context, run *job.Run, args deleteDeploymentArgs) (*job.Outcome, error) {
	if err := s.store.DeleteDeployment(ctx, run.Project, args.name); err != nil && !errors.Is(err, ErrDeploymentNotFound) {
		return nil, err
	}
	return nil, nil
}

// StartSwap implements ConversationalAnalysisAuthoring_SwapDeployments.
func (s *Deployments) StartSwap(ctx context.Context, project, first, second string, v APIVersion) (*job.Job, error) {
	switch {
	case first == "":
		return nil, azerr.Invalid("firstDeploymentName", "firstDeploymentName is required.")
	case second == "":
		return nil, azerr.Invalid("secondDeploymentName", "secondDeploymentName is required.")
	case first == second:
		return nil, azerr.Invalid("secondDeploymentName", "A deployment cannot be swapped with itself; name two different deployments.")
	}
	for _, name := range []string{first, second} {
		if _, err := s.GetDeployment(ctx, project, name); err != nil {
			return nil, err
		}
	}
	args := swapArgs{First: first, Second: second}
	return s.enqueue(ctx, s.newJob(args, project, v), args)
}

func (s *Deployments) runSwap(ctx context.Context, run *job.Run, a swapArgs) (*job.Outcome, error) {
	if err := s.store.SwapDeployments(ctx, run.Project, a.First, a.Second); errors.Is(err, ErrDeploymentNotFound) {
		return nil, azerr.New(azerr.NotFound, "Deployment %q or %q of project %q no longer exists.", a.First, a.Second, run.Project)
	} else if err != nil {
		return nil, err
	}
	return nil, nil
}
