package project

import (
	"context"
	"errors"
	"time"

	"github.com/parley-dev/parley/internal/azerr"
	"github.com/parley-dev/parley/internal/job"
)

// Config configures the services.
type Config struct {
	Limits       Limits
	Jobs         job.Limits    // unfinished jobs per project and kind, and in all; default DefaultJobLimits
	JobRetention time.Duration // how long jobs and their results are kept; default 7 days
	ModelMemory  int64         // bytes of engine blobs loaded models may take; default DefaultModelMemory
	// TrainingMemory bounds the estimated memory of the trainings that run
	// at once; default DefaultTrainingMemory.
	TrainingMemory int64
	Now            func() time.Time
	// TimeZone is where "now" is for relative dates and times in queries
	// ("tomorrow", "next monday"): the prebuilt recognisers read Now's
	// wall clock in it. Nil means UTC (PREBUILT.md §3.2).
	TimeZone *time.Location
	// CopyFunc sends a copied project to another server (:copy); nil
	// refuses :copy with NotImplemented.
	CopyFunc CopyFunc
	// PredictionFunc, when set, sees every prediction as it ends (for
	// metrics): the deployment asked for, how long it took, and its error.
	// It must be fast and safe for concurrent use.
	PredictionFunc func(project, deployment string, d time.Duration, err error)
}

// Services are Parley's use cases, one small service per concern, over one
// store. Each answers the spec operations of its concern and runs the jobs
// they start; GetJob, shared by all, reads the status of a job of theirs.
type Services struct {
	Projects    *Projects    // projects: list, get, create or update, delete, import, export
	Training    *Training    // training jobs, trained models, evaluations, snapshots
	Deployments *Deployments // deployments: deploy, delete, swap
	Runtime     *Runtime     // predictions of deployed models
}

// Projects carries out the operations on projects and their content.
type Projects struct{ *core }

// Training trains models and answers about them.
type Training struct{ *core }

// Deployments deploys trained models under names.
type Deployments struct{ *core }

// Runtime answers predictions from deployments, with each model loaded
// into memory once.
type Runtime struct {
	*core
	models *modelCache
	dir    *ModelDir // runtime-only: the models served, instead of the store's deployments
}

// Ready reports whether the store answers: readiness, beside the liveness
// of /healthz.
func (s *Services) Ready(ctx context.Context) error {
	if s.Projects == nil { // runtime-only: no store
		return nil
	}
	return s.Projects.store.Ping(ctx)
}

// core is what the services share: the store, the job store, the clock and
// the limits.
type core struct {
	store       Store // wrapped: this process's deployment changes reach deployments
	deployments *deploymentCache
	jobs        job.Store
	notify      func()
	cfg         Config
	finished    *job.FinishedCache
	training    *memoryGate
}

// New returns the services; notify is called after a job is created, to
// wake the job runner.
func New(store Store, jobs job.Store, notify func(), cfg Config) *Services {
	if cfg.Limits == (Limits{}) {
		cfg.Limits = DefaultLimits
	}
	if cfg.Jobs.PerKind <= 0 {
		cfg.Jobs.PerKind = DefaultJobLimits.PerKind
	}
	if cfg.Jobs.Total <= 0 {
		cfg.Jobs.Total = DefaultJobLimits.Total
	}
	if cfg.JobRetention <= 0 {
		cfg.JobRetention = 7 * 24 * time.Hour
	}
	if cfg.TrainingMemory <= 0 {
		cfg.TrainingMemory = DefaultTrainingMemory
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.TimeZone == nil {
		cfg.TimeZone = time.UTC
	}
	if notify == nil {
		notify = func() {}
	}
	deployments := &deploymentCache{entries: map[[2]string]*Deployment{}}
	if store != nil {
		store = changeNotifyingStore{Store: store, changed: deployments.changed}
	}
	c := &core{store: store, deployments: deployments, jobs: jobs, notify: notify, cfg: cfg, finished: job.NewFinishedCache(10_000),
		training: newMemoryGate(cfg.TrainingMemory)}
	return &Services{Projects: &Projects{c}, Training: &Training{c}, Deployments: &Deployments{c}, Runtime: &Runtime{core: c, models: newModelCache(cfg.ModelMemory)}}
}

// now returns the time in whole seconds, as the service's timestamps are.
func (s *core) now() time.Time { return s.cfg.Now().UTC().Truncate(time.Second) }

func projectNotFound(name string) *azerr.Error {
	e := azerr.New(azerr.ProjectNotFound, "The project %q was not found; project names are case-sensitive.", name)
	e.Target = "projectName"
	return e
}

// GetJob returns a job of kind; a job of another kind or project is not
// found, as if its id were unknown. project is empty for global jobs.
func (s *core) GetJob(ctx context.Context, kind job.Kind, project, id string) (*job.Job, error) {
	now := s.cfg.Now()
	j, ok := s.finished.Get(id, now)
	var err error
	if !ok {
		j, err = s.jobs.GetJob(ctx, id, now)
		if err == nil {
			s.finished.Put(j)
		}
	}
	if errors.Is(err, job.ErrNotFound) || (err == nil && (j.Kind != kind || (project != "" && j.Project != project))) {
		e := azerr.New(azerr.OperationNotFound, "The job %q was not found; jobs expire 7 days after they are created.", id)
		e.Target = "jobId"
		return nil, e
	}
	return j, err
}
