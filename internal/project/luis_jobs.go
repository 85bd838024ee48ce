package project

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/parley-dev/parley/internal/azerr"
	"github.com/parley-dev/parley/internal/job"
)

// formatLuis is the format of an export job that writes a LUIS application.
const formatLuis = "Luis"

// luisImportMeta marks the payload of a format=Luis import job and holds
// its options.
type luisImportMeta struct {
	Patterns string `json:"patterns"`
	// AppID is the luisAppId query parameter, canonical; "" keeps the
	// project's id, or draws one.
	AppID string `json:"appId,omitempty"`
}

// startLUISImport starts a format=Luis import (LUIS.md §1.1): the file's
// shape is checked now, so that an unusable file is a 400 naming the
// member; the conversion and the CLU limits are the job's.
func (s *Projects) startLUISImport(ctx context.Context, name string, body []byte, o ImportOptions) (*job.Job, error) {
	if o.CopyToken != "" {
		return nil, azerr.Invalid("format", "A copy between resources carries a CLU project file; remove format=Luis.")
	}
	patterns, e := CheckLUISPatterns(o.LUISPatterns)
	if e != nil {
		return nil, e
	}
	if _, e := decodeLUIS(body); e != nil {
		return nil, e
	}
	var appID string
	if o.LUISAppID != "" {
		id, ok := ParseLUISAppID(o.LUISAppID)
		if !ok {
			return nil, invalidLUISAppID(o.LUISAppID)
		}
		if err := s.checkLUISAppIDFree(ctx, name, id); err != nil {
			return nil, err
		}
		appID = id
	}
	meta, err := json.Marshal(luisImportMeta{Patterns: patterns, AppID: appID})
	if err != nil {
		return nil, err
	}
	// The body is valid JSON (decodeLUIS read it): kept byte for byte.
	payload := make([]byte, 0, len(body)+64)
	payload = append(payload, `{"parleyLuisImport":`...)
	payload = append(payload, meta...)
	payload = append(payload, `,"app":`...)
	payload = append(payload, body...)
	payload = append(payload, '}')
	args := importArgs{file: payload}
	return s.enqueue(ctx, s.newJob(args, name, o.APIVersion), args)
}

// runLUISImport converts the LUIS file of an import job and replaces the
// project with the result in one transaction, as a CLU import does. A
// result that breaks a CLU limit fails the job (§1.1); what the conversion
// could not carry over is the job's warnings (§4).
func (s *Projects) runLUISImport(ctx context.Context, j *job.Run, f *importPayload) (*job.Outcome, error) {
	file, warn, e := convertLUIS(f.App, &LUISImportOptions{Patterns: f.LUIS.Patterns})
	if e != nil {
		return nil, e
	}
	v := APIVersion(j.APIVersion)
	file.ProjectFileVersion = string(v)
	file.Metadata.ProjectName = j.Project
	if e := s.cfg.Limits.counts(file.Assets); e != nil {
		return nil, luisLimitError(e, warn.count("LuisRolesConverted"))
	}
	if e := s.cfg.Limits.validate(file, j.Project, v); e != nil {
		return nil, luisLimitError(e, warn.count("LuisRolesConverted"))
	}
	normalize(file)
	assets, err := marshalJSON(file.Assets)
	if err != nil {
		return nil, fmt.Errorf("import job %s: %w", j.ID, err)
	}
	if f.LUIS.AppID != "" { // taken since the request: fail before anything changes
		if err := s.checkLUISAppIDFree(ctx, j.Project, f.LUIS.AppID); err != nil {
			return nil, err
		}
	}
	now := s.now()
	m := file.Metadata
	p := &Project{Name: j.Project, Kind: m.ProjectKind, Language: m.Language, Description: m.Description,
		Multilingual: m.Multilingual, Settings: m.Settings, Created: now, Modified: now}
	err = s.store.ReplaceProject(ctx, p, assets, s.cfg.Limits.Projects)
	if errors.Is(err, ErrQuota) {
		return nil, azerr.New(azerr.QuotaExceeded, "The resource already has %d projects, the limit; delete one before importing a new project.", s.cfg.Limits.Projects)
	} else if err != nil {
		return nil, err
	}
	// The app id the LUIS endpoints find the project by (GET project shows
	// it): the one asked for, else the project's own, else a new one.
	if _, err := s.EnsureLUISAppID(ctx, j.Project, f.LUIS.AppID); err != nil {
		return nil, err
	}
	return &job.Outcome{Warnings: warn.list()}, nil
}

// counts checks the number of intents, entities and utterances alone: a
// converted app far over a limit fails before the whole project is checked.
func (l Limits) counts(a *Assets) *azerr.Error {
	for _, c := range []struct {
		what     string
		n, limit int
		target   string
	}{
		{"intents", len(a.Intents), l.Intents, "/assets/intents"},
		{"entities", len(a.Entities), l.Entities, "/assets/entities"},
		{"utterances", len(a.Utterances), l.Utterances, "/assets/utterances"},
	} {
		if c.n > c.limit {
			msg := fmt.Sprintf("The project has %d %s; the limit is %d.", c.n, c.what, c.limit)
			return &azerr.Error{Code: azerr.QuotaExceeded, Target: c.target, Message: msg,
				Details: []*azerr.Error{{Code: azerr.QuotaExceeded, Target: c.target, Message: msg}}}
		}
	}
	return nil
}

// luisLimitError is the job error of a converted project that breaks a CLU
// limit: InvalidArgument (LUIS.md §4), saying that roles count as entities.
func luisLimitError(e *azerr.Error, roles int) *azerr.Error {
	msg := "The LUIS application converts to a project that breaks a CLU limit, so nothing was imported. " + e.Message
	if roles > 0 {
		msg += fmt.Sprintf(" The conversion made %d LUIS roles into entities of their own, each with a copy of its entity's list, prebuilt and regex components; they count against the limits of entities and regular expressions. Remove roles or entities from the LUIS application and import it again.", roles)
	}
	return &azerr.Error{Code: azerr.InvalidArgument, Message: msg, Target: e.Target, Details: e.Details,
		Inner: &azerr.InnerError{Code: azerr.InnerInvalidParameterValue, Message: e.Message, Target: e.Target}}
}

// exportLUISOutcome is the outcome of a format=Luis export job: the LUIS
// file and the export warnings (LUIS.md §5.3).
func exportLUISOutcome(p *Project, stored []byte) (*job.Outcome, error) {
	a := &Assets{ProjectKind: p.Kind}
	if len(stored) > 0 {
		if err := json.Unmarshal(stored, a); err != nil {
			return nil, fmt.Errorf("project %q: stored assets: %w", p.Name, err)
		}
	}
	b, warnings, err := ExportLUIS(p, a)
	if err != nil {
		return nil, err
	}
	return &job.Outcome{Result: b, Warnings: warnings}, nil
}
