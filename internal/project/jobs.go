package project

import (
	"context"
	"errors"
	"fmt"

	"github.com/parley-dev/parley/internal/azerr"
	"github.com/parley-dev/parley/internal/job"
)

// The job kinds of the authoring API: each is declared here once, with its
// typed arguments (the payload stored with the job) and, in RegisterJobs,
// the worker that carries it out. A job's kind also picks its status URL
// (internal/api) so a job id is only found under the URL of its own kind.
const (
	JobExport           job.Kind = "export"           // ConversationalAnalysisAuthoring_Export
	JobImport           job.Kind = "import"           // ConversationalAnalysisAuthoring_Import
	JobDeleteProject    job.Kind = "deleteProject"    // ConversationalAnalysisAuthoring_DeleteProject
	JobTrain            job.Kind = "train"            // ConversationalAnalysisAuthoring_Train
	JobLoadSnapshot     job.Kind = "loadSnapshot"     // ConversationalAnalysisAuthoring_LoadSnapshot
	JobDeploy           job.Kind = "deploy"           // ConversationalAnalysisAuthoring_DeployProject
	JobDeleteDeployment job.Kind = "deleteDeployment" // ConversationalAnalysisAuthoring_DeleteDeployment
	JobSwapDeployments  job.Kind = "swapDeployments"  // ConversationalAnalysisAuthoring_SwapDeployments
	JobEvaluate         job.Kind = "evaluate"         // ConversationalAnalysisAuthoring_EvaluateModel (evaluate.go)
)

// exportArgs are the arguments of an export job.
type exportArgs struct {
	StringIndexType IndexType `json:"stringIndexType"`
	ModelLabel      string    `json:"modelLabel,omitempty"` // export the snapshot of this trained model
	Format          string    `json:"format,omitempty"`     // formatLuis: a LUIS application (luis_jobs.go)
}

func (exportArgs) Kind() job.Kind { return JobExport }

// importArgs are the arguments of an import job: the project file, checked
// and normalised, kept byte for byte as the import encoded it.
type importArgs struct{ file []byte }

func (importArgs) Kind() job.Kind                  { return JobImport }
func (a importArgs) MarshalText() ([]byte, error)  { return a.file, nil }
func (a *importArgs) UnmarshalText(b []byte) error { a.file = b; return nil }

// deleteProjectArgs are the arguments of a deletion job: none, the project
// is the job's.
type deleteProjectArgs struct{}

func (deleteProjectArgs) Kind() job.Kind { return JobDeleteProject }

// trainArgs are the arguments of a training job: the body of :train.
type trainArgs struct{ TrainOptions }

func (trainArgs) Kind() job.Kind { return JobTrain }

// loadSnapshotArgs are the arguments of a load-snapshot job: the model's
// label, stored as the bare label.
type loadSnapshotArgs struct{ label string }

func (loadSnapshotArgs) Kind() job.Kind                  { return JobLoadSnapshot }
func (a loadSnapshotArgs) MarshalText() ([]byte, error)  { return []byte(a.label), nil }
func (a *loadSnapshotArgs) UnmarshalText(b []byte) error { a.label = string(b); return nil }

// deployArgs are the arguments of a deploy job.
type deployArgs struct {
	Deployment string `json:"deployment"`
	ModelLabel string `json:"modelLabel"`
	// ResourceIDs are the resources the deploy body named, recorded on the
	// deployment once it is saved.
	ResourceIDs []string `json:"resourceIds,omitempty"`
}

func (deployArgs) Kind() job.Kind { return JobDeploy }

// deleteDeploymentArgs are the arguments of a deployment's deletion job:
// the deployment's name, stored as the bare name.
type deleteDeploymentArgs struct{ name string }

func (deleteDeploymentArgs) Kind() job.Kind                  { return JobDeleteDeployment }
func (a deleteDeploymentArgs) MarshalText() ([]byte, error)  { return []byte(a.name), nil }
func (a *deleteDeploymentArgs) UnmarshalText(b []byte) error { a.name = string(b); return nil }

// swapArgs are the body of :swap and the arguments of its job.
type swapArgs struct {
	First  string `json:"firstDeploymentName"`
	Second string `json:"secondDeploymentName"`
}

func (swapArgs) Kind() job.Kind { return JobSwapDeployments }

// RegisterJobs registers the worker of every job kind above with r.
func RegisterJobs(r *job.Runner, s *Services) {
	job.AddWorker(r, s.Projects.runExport)
	job.AddWorker(r, s.Projects.runImport)
	job.AddWorker(r, s.Projects.runDeleteProject)
	job.AddWorker(r, s.Training.runTrain)
	r.MarkLong(JobTrain) // minutes, where the others take seconds
	job.AddWorker(r, s.Training.runLoadSnapshot)
	job.AddWorker(r, s.Deployments.runDeploy)
	job.AddWorker(r, s.Deployments.runDeleteDeployment)
	job.AddWorker(r, s.Deployments.runSwap)
	registerResourceJobs(r, s)
	job.AddWorker(r, s.Training.runEvaluate)
	job.AddWorker(r, s.Projects.runCopy)
	r.MarkDormant(JobCopyAuthorization) // a copy token: a record, never run
	job.AddWorker(r, s.Deployments.runExportModel)
	job.AddWorker(r, s.Deployments.runDeleteExportedModel)
}

// newJob builds a job of args' kind for project, started by a request of
// api-version v.
func (s *core) newJob(args job.Args, project string, v APIVersion) *job.Job {
	return job.New(args, project, string(v), s.now(), s.cfg.JobRetention)
}

// DefaultJobLimits bound the job queue: a client that starts jobs faster
// than they run is answered 429 instead of queueing hours of work. A
// project trains one model at a time whatever the limits (409).
var DefaultJobLimits = job.Limits{PerKind: 10, Total: 1000}

// enqueue stores j with the payload of args, within the job limits, and
// wakes the runner.
func (s *core) enqueue(ctx context.Context, j *job.Job, args job.Args) (*job.Job, error) {
	return s.enqueueWithin(ctx, j, args, s.cfg.Jobs, nil)
}

// enqueueWithin is enqueue within lim. A full queue is a 429, as Azure
// throttles (the api package adds its Retry-After); busy, when not nil,
// answers a project that has lim.PerKind unfinished jobs of j's kind.
func (s *core) enqueueWithin(ctx context.Context, j *job.Job, args job.Args, lim job.Limits, busy *azerr.Error) (*job.Job, error) {
	payload, err := job.EncodeArgs(args)
	if err != nil {
		return nil, err
	}
	switch err := s.jobs.CreateJob(ctx, j, payload, lim); {
	case errors.Is(err, job.ErrBusy) && busy != nil:
		return nil, busy
	case errors.Is(err, job.ErrBusy):
		return nil, azerr.New(azerr.TooManyRequests, "The project %q already has %d unfinished %s jobs, the limit; wait for one to finish, then try again.", j.Project, lim.PerKind, j.Kind)
	case errors.Is(err, job.ErrQueueFull):
		return nil, azerr.New(azerr.TooManyRequests, "The server already has %d unfinished jobs, the limit; try again later.", lim.Total)
	case err != nil:
		return nil, fmt.Errorf("create %s job: %w", j.Kind, err)
	}
	s.notify()
	return j, nil
}
