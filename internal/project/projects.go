package project

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/parley-dev/parley/internal/azerr"
	"github.com/parley-dev/parley/internal/job"
)

// ListProjects implements ConversationalAnalysisAuthoring_ListProjects.
func (s *Projects) ListProjects(ctx context.Context, offset, limit int) ([]*Project, bool, error) {
	return s.store.ListProjects(ctx, offset, limit)
}

// GetProject implements ConversationalAnalysisAuthoring_GetProject.
func (s *Projects) GetProject(ctx context.Context, name string) (*Project, error) {
	p, err := s.lookupProject(ctx, name)
	if err != nil {
		return nil, err
	}
	if p.LUISAppID, err = s.store.LUISAppID(ctx, name); err != nil {
		return nil, err
	}
	return p, nil
}

// lookupProject returns a project, or the ProjectNotFound error the client sees.
func (s *core) lookupProject(ctx context.Context, name string) (*Project, error) {
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
	// LUISAppID is Parley's extension member luisAppId (luisapp.go): a
	// GUID gives the project that LUIS app id, null removes it.
	LUISAppID Optional[string]
}

// UpsertProject implements ConversationalAnalysisAuthoring_CreateProject
// (create or update by merge patch). It reports whether it created the project.
func (s *Projects) UpsertProject(ctx context.Context, name string, patch *Patch, v APIVersion) (*Project, bool, error) {
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
	if e := checkMetadata("", p.Description, p.StorageInputContainerName, p.Settings); e != nil {
		return nil, false, e
	}
	var appID string
	if patch.LUISAppID.Set && patch.LUISAppID.Value != "" {
		id, ok := ParseLUISAppID(patch.LUISAppID.Value)
		if !ok {
			return nil, false, invalidLUISAppID(patch.LUISAppID.Value)
		}
		if err := s.checkLUISAppIDFree(ctx, name, id); err != nil {
			return nil, false, err
		}
		appID = id
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
		case err != nil:
			return nil, false, err
		}
		if err := s.patchLUISAppID(ctx, p, patch, appID); err != nil {
			return nil, false, err
		}
		return p, true, nil
	}
	if err := s.store.UpdateProject(ctx, p); errors.Is(err, ErrNotFound) {
		return nil, false, projectNotFound(name)
	} else if err != nil {
		return nil, false, err
	}
	if err := s.patchLUISAppID(ctx, p, patch, appID); err != nil {
		return nil, false, err
	}
	return p, false, nil
}

// patchLUISAppID applies the luisAppId member of a patch (appID is its
// canonical value, "" for null) and sets p.LUISAppID to the project's id.
func (s *Projects) patchLUISAppID(ctx context.Context, p *Project, patch *Patch, appID string) error {
	var err error
	if patch.LUISAppID.Set {
		p.LUISAppID, err = s.setLUISAppID(ctx, p.Name, appID, true)
	} else {
		p.LUISAppID, err = s.store.LUISAppID(ctx, p.Name)
	}
	return err
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
func (s *Projects) DeleteProject(ctx context.Context, name string, v APIVersion) (*job.Job, error) {
	if _, err := s.lookupProject(ctx, name); err != nil {
		return nil, err
	}
	return s.enqueue(ctx, s.newJob(deleteProjectArgs{}, name, v), deleteProjectArgs{})
}

func (s *Projects) runDeleteProject(ctx context.Context, j *job.Run, _ deleteProjectArgs) (*job.Outcome, error) {
	if err := s.store.DeleteProject(ctx, j.Project); err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	return nil, nil
}
