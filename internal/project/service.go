package project

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/parley-dev/parley/internal/azerr"
	"github.com/parley-dev/parley/internal/job"
)

// Config configures a Service.
type Config struct {
	Limits       Limits
	JobRetention time.Duration // how long jobs and their results are kept; default 7 days
	Now          func() time.Time
}

// Service carries out the authoring operations on projects.
type Service struct {
	store    Store
	jobs     job.Store
	notify   func()
	cfg      Config
	finished *job.FinishedCache
	models   modelCache
}

// NewService returns a Service; notify is called after a job is created, to
// wake the job runner.
func NewService(store Store, jobs job.Store, notify func(), cfg Config) *Service {
	if cfg.Limits == (Limits{}) {
		cfg.Limits = DefaultLimits
	}
	if cfg.JobRetention <= 0 {
		cfg.JobRetention = 7 * 24 * time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if notify == nil {
		notify = func() {}
	}
	return &Service{store: store, jobs: jobs, notify: notify, cfg: cfg, finished: job.NewFinishedCache(10_000)}
}

// now returns the time in whole seconds, as the service's timestamps are.
func (s *Service) now() time.Time { return s.cfg.Now().UTC().Truncate(time.Second) }

func projectNotFound(name string) *azerr.Error {
	e := azerr.New(azerr.ProjectNotFound, "The project %q was not found; project names are case-sensitive.", name)
	e.Target = "projectName"
	return e
}

// ListProjects implements ConversationalAnalysisAuthoring_ListProjects.
func (s *Service) ListProjects(ctx context.Context, offset, limit int) ([]*Project, bool, error) {
	return s.store.ListProjects(ctx, offset, limit)
}

// GetProject implements ConversationalAnalysisAuthoring_GetProject.
func (s *Service) GetProject(ctx context.Context, name string) (*Project, error) {
	p, err := s.store.GetProject(ctx, name)
	if errors.Is(err, ErrNotFound) {
		return nil, projectNotFound(name)
	}
	return p, err
}

// Optional is a member of a JSON merge patch: Set when the member was
// present, with Value the zero value when it was null.
type Optional[T any] struct {
	Set   bool
	Value T
}

// Patch is the body of PATCH .../projects/{p}, as a JSON merge patch.
type Patch struct {
	ProjectName               Optional[string]
	ProjectKind               Optional[Kind]
	Language                  Optional[string]
	Description               Optional[string]
	Multilingual              Optional[bool]
	StorageInputContainerName Optional[string]
	// Settings holds the members of the settings object; a null member
	// resets it. SettingsNull is a settings member that was null.
	Settings     map[string]json.RawMessage
	SettingsNull bool
}

// UpsertProject implements ConversationalAnalysisAuthoring_CreateProject
// (create or update by merge patch). It reports whether it created the project.
func (s *Service) UpsertProject(ctx context.Context, name string, patch *Patch, v APIVersion) (*Project, bool, error) {
	if e := checkProjectName("projectName", name); e != nil {
		return nil, false, e
	}
	if patch.ProjectName.Set && patch.ProjectName.Value != name {
		return nil, false, azerr.Invalid("projectName", "The projectName %q in the body differs from %q in the URL; make them equal.", patch.ProjectName.Value, name)
	}
	old, err := s.store.GetProject(ctx, name)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, false, err
	}
	now := s.now()
	p := &Project{Name: name, Created: now}
	if old != nil {
		cp := *old
		p = &cp
		if patch.ProjectKind.Set && patch.ProjectKind.Value != old.Kind {
			return nil, false, azerr.Invalid("projectKind", "The projectKind of an existing project cannot change (it is %q).", old.Kind)
		}
		if patch.Language.Set && patch.Language.Value != old.Language {
			return nil, false, azerr.Invalid("language", "The language of an existing project cannot change (it is %q); import the project again to change it.", old.Language)
		}
	} else {
		switch {
		case !patch.ProjectName.Set:
			return nil, false, azerr.Invalid("projectName", "projectName is required to create a project.")
		case !patch.ProjectKind.Set:
			return nil, false, azerr.Invalid("projectKind", "projectKind is required to create a project: \"Conversation\" or \"Orchestration\".")
		case !patch.Language.Set:
			return nil, false, azerr.Invalid("language", "language is required to create a project, for example \"en-us\".")
		}
		if !v.ValidKind(patch.ProjectKind.Value) {
			return nil, false, azerr.Invalid("projectKind", "projectKind %q is not supported in api-version %s; use \"Conversation\" or \"Orchestration\".", patch.ProjectKind.Value, v)
		}
		if e := checkLanguage("language", patch.Language.Value); e != nil {
			return nil, false, e
		}
		p.Kind, p.Language = patch.ProjectKind.Value, patch.Language.Value
	}
	if patch.Description.Set {
		p.Description = patch.Description.Value
	}
	if patch.Multilingual.Set {
		p.Multilingual = patch.Multilingual.Value
	}
	if patch.StorageInputContainerName.Set {
		p.StorageInputContainerName = patch.StorageInputContainerName.Value
	}
	if patch.SettingsNull {
		p.Settings = &Settings{}
	} else if patch.Settings != nil {
		set, e := mergeSettings(p.Settings, patch.Settings)
		if e != nil {
			return nil, false, e
		}
		p.Settings = set
	}
	p.Modified = now
	if old == nil {
		err = s.store.CreateProject(ctx, p, s.cfg.Limits.Projects)
		switch {
		case errors.Is(err, ErrQuota):
			return nil, false, azerr.New(azerr.QuotaExceeded, "The resource already has %d projects, the limit; delete one first.", s.cfg.Limits.Projects)
		case errors.Is(err, ErrExists):
			// Created meanwhile by another request: apply the patch to it.
			return s.UpsertProject(ctx, name, patch, v)
		}
		return p, true, err
	}
	if err := s.store.UpdateProject(ctx, p); errors.Is(err, ErrNotFound) {
		return nil, false, projectNotFound(name)
	} else if err != nil {
		return nil, false, err
	}
	return p, false, nil
}

// mergeSettings applies a merge patch to a settings object.
func mergeSettings(old *Settings, patch map[string]json.RawMessage) (*Settings, *azerr.Error) {
	s := &Settings{}
	if old != nil {
		s.ConfidenceThreshold = old.ConfidenceThreshold
		for k, v := range old.Extra {
			if s.Extra == nil {
				s.Extra = map[string]json.RawMessage{}
			}
			s.Extra[k] = v
		}
	}
	for k, v := range patch {
		null := string(v) == "null"
		if k == "confidenceThreshold" {
			s.ConfidenceThreshold = 0
			if !null {
				if err := json.Unmarshal(v, &s.ConfidenceThreshold); err != nil {
					return nil, azerr.Invalid("settings.confidenceThreshold", "settings.confidenceThreshold must be a number between 0 and 1.")
				}
			}
			continue
		}
		if null {
			delete(s.Extra, k)
			continue
		}
		if s.Extra == nil {
			s.Extra = map[string]json.RawMessage{}
		}
		s.Extra[k] = compactJSON(v)
	}
	if e := checkThreshold("settings.confidenceThreshold", s); e != nil {
		return nil, e
	}
	return s, nil
}

// DeleteProject implements ConversationalAnalysisAuthoring_DeleteProject: it
// starts a deletion job.
func (s *Service) DeleteProject(ctx context.Context, name string, v APIVersion) (*job.Job, error) {
	if _, err := s.GetProject(ctx, name); err != nil {
		return nil, err
	}
	return s.enqueue(ctx, s.newJob(deleteProjectArgs{}, name, v), deleteProjectArgs{})
}

// ExportOptions are the query parameters of :export.
type ExportOptions struct {
	APIVersion        APIVersion
	StringIndexType   string
	Format            string
	AssetKind         string
	TrainedModelLabel string
}

// checkFormat accepts the format query parameter of :import and :export.
func checkFormat(format string) *azerr.Error {
	switch {
	case format == "", strings.EqualFold(format, "Conversation"):
		return nil
	case strings.EqualFold(format, "Luis"):
		return azerr.Invalid("format", "format=Luis is not supported by Parley yet; use format=Conversation.")
	}
	return azerr.Invalid("format", "format %q is not one of Conversation, Luis.", format)
}

// StartExport implements ConversationalAnalysisAuthoring_Export.
func (s *Service) StartExport(ctx context.Context, name string, o ExportOptions) (*job.Job, error) {
	idx := IndexType(o.StringIndexType)
	switch {
	case o.StringIndexType == "":
		return nil, azerr.Invalid("stringIndexType", "The query parameter stringIndexType is required; use stringIndexType=Utf16CodeUnit.")
	case !o.APIVersion.ValidIndexType(idx):
		return nil, azerr.Invalid("stringIndexType", "stringIndexType %q is not supported in api-version %s; use Utf16CodeUnit.", o.StringIndexType, o.APIVersion)
	}
	if e := checkFormat(o.Format); e != nil {
		return nil, e
	}
	if _, err := s.GetProject(ctx, name); err != nil {
		return nil, err
	}
	if o.TrainedModelLabel != "" {
		if _, err := s.GetModel(ctx, name, o.TrainedModelLabel); err != nil {
			return nil, err
		}
	}
	args := exportArgs{StringIndexType: idx, ModelLabel: o.TrainedModelLabel}
	return s.enqueue(ctx, s.newJob(args, name, o.APIVersion), args)
}

// ImportOptions are the query parameters of :import.
type ImportOptions struct {
	APIVersion APIVersion
	Format     string
}

// StartImport implements ConversationalAnalysisAuthoring_Import. It checks
// the whole file before it answers, so a bad file is a 400 naming what is
// wrong, and the job only stores a file known to be valid.
func (s *Service) StartImport(ctx context.Context, name string, body []byte, o ImportOptions) (*job.Job, error) {
	if e := checkFormat(o.Format); e != nil {
		return nil, e
	}
	if e := checkProjectName("projectName", name); e != nil {
		return nil, e
	}
	f, e := decodeFile(body)
	if e != nil {
		return nil, e
	}
	if e := s.cfg.Limits.validate(f, name, o.APIVersion); e != nil {
		return nil, e
	}
	normalize(f)
	payload, err := marshalJSON(f)
	if err != nil {
		return nil, fmt.Errorf("import %q: %w", name, err)
	}
	args := importArgs{file: payload}
	return s.enqueue(ctx, s.newJob(args, name, o.APIVersion), args)
}

// GetJob returns a job of kind; a job of another kind or project is not
// found, as if its id were unknown. project is empty for global jobs.
func (s *Service) GetJob(ctx context.Context, kind job.Kind, project, id string) (*job.Job, error) {
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

// ExportResult returns the project file an export job produced.
func (s *Service) ExportResult(ctx context.Context, project, id string) ([]byte, error) {
	j, err := s.GetJob(ctx, JobExport, project, id)
	if err != nil {
		return nil, err
	}
	if j.Status != job.StatusSucceeded {
		return nil, azerr.New(azerr.OperationNotFound, "The export job %q has no result yet; its status is %s.", id, j.Status)
	}
	res, err := s.jobs.JobResult(ctx, id, s.cfg.Now())
	if errors.Is(err, job.ErrNotFound) {
		return nil, azerr.New(azerr.OperationNotFound, "The result of export job %q was not found; it expired.", id)
	} else if err != nil {
		return nil, err
	}
	if res.Blob == nil {
		return res.Data, nil
	}
	return spliceAssets(res.Data, res.Blob), nil
}

func (s *Service) runExport(ctx context.Context, j *job.Run, args exportArgs) (*job.Outcome, error) {
	p, c, err := s.store.ExportContent(ctx, j.Project, j.ID)
	if errors.Is(err, ErrNotFound) {
		return nil, projectNotFound(j.Project)
	} else if err != nil {
		return nil, err
	}
	v := APIVersion(j.APIVersion)
	if args.ModelLabel != "" {
		// The snapshot of a trained model, stored whole with the model.
		b, err := s.store.GetModelData(ctx, j.Project, args.ModelLabel, PartSnapshot)
		if errors.Is(err, ErrModelNotFound) {
			return nil, modelNotFound(j.Project, args.ModelLabel)
		} else if err != nil {
			return nil, err
		}
		var snap importPayload
		if err := json.Unmarshal(b, &snap); err != nil {
			return nil, fmt.Errorf("model %q snapshot: %w", args.ModelLabel, err)
		}
		p = snap.project(p.Name, p.Created, p.Modified)
		c = Content{Assets: snap.assets()}
	}
	if c.Blob != "" && !needsShape(c.Assets, v, args.StringIndexType) {
		// The result references the assets blob instead of copying it;
		// ExportResult splices the two.
		head, err := encodeHead(p, v, args.StringIndexType)
		if err != nil {
			return nil, err
		}
		return &job.Outcome{Result: head, ResultBlob: c.Blob}, nil
	}
	b, err := encodeFile(p, c.Assets, v, args.StringIndexType)
	if err != nil {
		return nil, err
	}
	return &job.Outcome{Result: b}, nil
}

// importPayload reads an import job's file, or a trained model's snapshot,
// keeping the assets as they are.
type importPayload struct {
	Metadata FileMetadata    `json:"metadata"`
	Assets   json.RawMessage `json:"assets"`
}

// assets returns the stored assets; nil when the file had none.
func (f *importPayload) assets() []byte {
	if string(f.Assets) == "null" {
		return nil
	}
	return f.Assets
}

// project returns the project that the file's metadata describes.
func (f *importPayload) project(name string, created, modified time.Time) *Project {
	m := f.Metadata
	return &Project{Name: name, Kind: m.ProjectKind, Language: m.Language, Description: m.Description,
		Multilingual: m.Multilingual, Settings: m.Settings, StorageInputContainerName: m.StorageInputContainerName,
		Created: created, Modified: modified}
}

func (s *Service) runImport(ctx context.Context, j *job.Run, args importArgs) (*job.Outcome, error) {
	var f importPayload
	if err := json.Unmarshal(args.file, &f); err != nil {
		return nil, fmt.Errorf("import job %s: payload: %w", j.ID, err)
	}
	now := s.now()
	err := s.store.ReplaceProject(ctx, f.project(j.Project, now, now), f.assets(), s.cfg.Limits.Projects)
	if errors.Is(err, ErrQuota) {
		return nil, azerr.New(azerr.QuotaExceeded, "The resource already has %d projects, the limit; delete one before importing a new project.", s.cfg.Limits.Projects)
	}
	return nil, err
}

func (s *Service) runDeleteProject(ctx context.Context, j *job.Run, _ deleteProjectArgs) (*job.Outcome, error) {
	if err := s.store.DeleteProject(ctx, j.Project); err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	return nil, nil
}
