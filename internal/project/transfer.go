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

// ExportOptions are the query parameters of :export.
type ExportOptions struct {
	APIVersion        APIVersion
	StringIndexType   string
	Format            string
	AssetKind         string
	TrainedModelLabel string
}

// checkFormat accepts the format query parameter of :import and :export,
// in any casing (LUIS.md §0 #3): Conversation (or clu, or none) and Luis.
// It reports whether the format is Luis.
func checkFormat(format string) (bool, *azerr.Error) {
	switch {
	case format == "", strings.EqualFold(format, "Conversation"), strings.EqualFold(format, "clu"):
		return false, nil
	case strings.EqualFold(format, "Luis"):
		return true, nil
	}
	return false, azerr.Invalid("format", "format %q is not one of Conversation, Luis.", format)
}

// StartExport implements ConversationalAnalysisAuthoring_Export.
func (s *Projects) StartExport(ctx context.Context, name string, o ExportOptions) (*job.Job, error) {
	idx := IndexType(o.StringIndexType)
	switch {
	case o.StringIndexType == "":
		return nil, azerr.Invalid("stringIndexType", "The query parameter stringIndexType is required; use stringIndexType=Utf16CodeUnit.")
	case !o.APIVersion.ValidIndexType(idx):
		return nil, azerr.Invalid("stringIndexType", "stringIndexType %q is not supported in api-version %s; use Utf16CodeUnit.", o.StringIndexType, o.APIVersion)
	}
	luis, e := checkFormat(o.Format)
	if e != nil {
		return nil, e
	}
	p, err := s.lookupProject(ctx, name)
	if err != nil {
		return nil, err
	}
	if luis && p.Kind != KindConversation {
		return nil, azerr.Invalid("format", "The project %q is a %s project; only Conversation projects export as LUIS applications (format=Luis). Use format=Conversation.", name, p.Kind)
	}
	if o.TrainedModelLabel != "" {
		if _, err := s.lookupModel(ctx, name, o.TrainedModelLabel); err != nil {
			return nil, err
		}
	}
	args := exportArgs{StringIndexType: idx, ModelLabel: o.TrainedModelLabel}
	if luis {
		args.Format = formatLuis
	}
	return s.enqueue(ctx, s.newJob(args, name, o.APIVersion), args)
}

// ImportOptions are the query parameters of :import.
type ImportOptions struct {
	APIVersion APIVersion
	Format     string
	// CopyToken, when set, is the credential of the request: a copy access
	// token of the project (AuthorizeCopy), used up by this import.
	CopyToken string
	// LUISPatterns is the luisPatterns query parameter of a format=Luis
	// import (a Parley extension, CheckLUISPatterns).
	LUISPatterns string
	// LUISAppID is the luisAppId query parameter of a format=Luis import (a
	// Parley extension): the LUIS app id to give the project, so that a
	// bot's LUIS URL keeps working; default the project's own, or a new one.
	LUISAppID string
}

// StartImport implements ConversationalAnalysisAuthoring_Import. It checks
// the whole file before it answers, so a bad file is a 400 naming what is
// wrong, and the job only stores a file known to be valid.
func (s *Projects) StartImport(ctx context.Context, name string, body []byte, o ImportOptions) (*job.Job, error) {
	luis, e := checkFormat(o.Format)
	if e != nil {
		return nil, e
	}
	if e := checkProjectName("projectName", name); e != nil {
		return nil, e
	}
	if luis {
		return s.startLUISImport(ctx, name, body, o)
	}
	if o.LUISAppID != "" {
		return nil, azerr.Invalid("luisAppId", "luisAppId applies to format=Luis imports only; remove it, add format=Luis, or set it by PATCH of the project.")
	}
	if o.LUISPatterns != "" {
		return nil, azerr.Invalid("luisPatterns", "luisPatterns applies to format=Luis imports only; remove it or add format=Luis.")
	}
	f, e := decodeFile(body)
	if e != nil {
		return nil, e
	}
	if e := s.cfg.Limits.validate(f, name, o.APIVersion); e != nil {
		return nil, e
	}
	if o.CopyToken != "" {
		if err := s.redeemCopyToken(ctx, name, o.CopyToken, f); err != nil {
			return nil, err
		}
	}
	normalize(f)
	payload, err := marshalJSON(f)
	if err != nil {
		return nil, fmt.Errorf("import %q: %w", name, err)
	}
	args := importArgs{file: payload}
	return s.enqueue(ctx, s.newJob(args, name, o.APIVersion), args)
}

// ExportResult returns the project file an export job produced.
func (s *Projects) ExportResult(ctx context.Context, project, id string) ([]byte, error) {
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

func (s *Projects) runExport(ctx context.Context, j *job.Run, args exportArgs) (*job.Outcome, error) {
	p, c, err := s.store.ExportContent(ctx, j.Project, j.ID)
	if errors.Is(err, ErrNotFound) {
		return nil, projectNotFound(j.Project)
	} else if err != nil {
		return nil, err
	}
	v := APIVersion(j.APIVersion)
	if args.Format == formatLuis && args.ModelLabel == "" {
		return exportLUISOutcome(p, c.Assets)
	}
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
		if args.Format == formatLuis {
			return exportLUISOutcome(p, c.Assets)
		}
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
	// LUIS is set on the payload of a format=Luis import, whose App is
	// the LUIS file, converted by the job (luis_jobs.go).
	LUIS *luisImportMeta `json:"parleyLuisImport,omitempty"`
	App  json.RawMessage `json:"app,omitempty"`
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

func (s *Projects) runImport(ctx context.Context, j *job.Run, args importArgs) (*job.Outcome, error) {
	var f importPayload
	if err := json.Unmarshal(args.file, &f); err != nil {
		return nil, fmt.Errorf("import job %s: payload: %w", j.ID, err)
	}
	if f.LUIS != nil {
		return s.runLUISImport(ctx, j, &f)
	}
	now := s.now()
	err := s.store.ReplaceProject(ctx, f.project(j.Project, now, now), f.assets(), s.cfg.Limits.Projects)
	if errors.Is(err, ErrQuota) {
		return nil, azerr.New(azerr.QuotaExceeded, "The resource already has %d projects, the limit; delete one before importing a new project.", s.cfg.Limits.Projects)
	}
	return nil, err
}
