package project

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"

	"github.com/parley-dev/parley/internal/azerr"
)

// A project may carry a LUIS application id (issue 12): the GUID a bot's
// LuisRecognizer puts in its prediction URL
// ({endpoint}/luis/prediction/v3.0/apps/{appId}/slots/{slot}/predict). The
// LUIS prediction endpoint finds the project by it, so a bot keeps working
// with only its endpoint and key changed. An id belongs to at most one
// project; it is deleted with its project. On the authoring API it is the
// Parley extension member luisAppId of the project (docs/compatibility.md,
// "LUIS prediction endpoint").

// LUISAppStore keeps the LUIS application ids of projects.
type LUISAppStore interface {
	// SetLUISAppID gives a project the LUIS app id appID (canonical, see
	// ParseLUISAppID) and returns the id the project has afterwards. When
	// the project has an id already, replace says whether appID takes its
	// place (true) or the old id stays (false). An empty appID with replace
	// removes the project's id. ErrNotFound when the project does not
	// exist; ErrLUISAppIDTaken when another project has appID.
	SetLUISAppID(ctx context.Context, project, appID string, replace bool) (string, error)
	// LUISAppID returns a project's LUIS app id, "" when it has none or
	// does not exist.
	LUISAppID(ctx context.Context, project string) (string, error)
	// ProjectByLUISAppID returns the name of the project with LUIS app id
	// appID (canonical); ErrNotFound when no project has it.
	ProjectByLUISAppID(ctx context.Context, appID string) (string, error)
}

// ErrLUISAppIDTaken: another project has that LUIS app id.
var ErrLUISAppIDTaken = errors.New("LUIS app id taken by another project")

// targetLUISAppID is the project member that carries the LUIS app id.
const targetLUISAppID = "luisAppId"

// ParseLUISAppID returns the canonical form of a LUIS application id: a
// GUID of 32 hexadecimal digits in groups of 8-4-4-4-12, lower-cased, as
// LUIS showed them. Upper-case digits and surrounding braces are accepted,
// since LUIS compared ids case-insensitively and .NET writes GUIDs in
// braces ("B" format). It reports false for anything else.
func ParseLUISAppID(s string) (string, bool) {
	if len(s) == 38 && s[0] == '{' && s[37] == '}' {
		s = s[1:37]
	}
	if len(s) != 36 {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return "", false
			}
		case '0' <= c && c <= '9', 'a' <= c && c <= 'f', 'A' <= c && c <= 'F':
		default:
			return "", false
		}
	}
	return strings.ToLower(s), true
}

// NewLUISAppID returns a random (version 4) GUID in the canonical form.
func NewLUISAppID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// invalidLUISAppID is the error of a luisAppId that is not a GUID.
func invalidLUISAppID(got string) *azerr.Error {
	return azerr.Invalid(targetLUISAppID, "luisAppId %q is not a LUIS application id; give a GUID such as \"86226c53-b7a6-416f-876b-226b2b5ab07b\" (the id of the LUIS app your bot calls), or null to remove it.", got)
}

// LUISAppID returns the LUIS app id of a project, "" when it has none;
// ProjectNotFound when the project does not exist.
func (s *Projects) LUISAppID(ctx context.Context, project string) (string, error) {
	if _, err := s.lookupProject(ctx, project); err != nil {
		return "", err
	}
	return s.store.LUISAppID(ctx, project)
}

// EnsureLUISAppID gives a project a LUIS app id and returns it; the LUIS
// import calls it after importing a LUIS application file. requested, when
// not empty, is the id the caller asks for (the bot's old LUIS app id): it
// replaces the project's id, and must be a GUID that no other project has
// (400 InvalidArgument, 409 Conflict otherwise). With requested empty, the
// project keeps the id it has, or gets a new random GUID.
func (s *Projects) EnsureLUISAppID(ctx context.Context, project, requested string) (string, error) {
	if requested == "" {
		id, err := s.setLUISAppID(ctx, project, NewLUISAppID(), false)
		if errors.Is(err, ErrLUISAppIDTaken) { // a random GUID taken: draw again, once
			id, err = s.setLUISAppID(ctx, project, NewLUISAppID(), false)
		}
		return id, err
	}
	id, ok := ParseLUISAppID(requested)
	if !ok {
		return "", invalidLUISAppID(requested)
	}
	return s.setLUISAppID(ctx, project, id, true)
}

// setLUISAppID stores a canonical app id and maps the store's sentinels onto
// what the client sees.
func (s *Projects) setLUISAppID(ctx context.Context, project, id string, replace bool) (string, error) {
	got, err := s.store.SetLUISAppID(ctx, project, id, replace)
	switch {
	case errors.Is(err, ErrNotFound):
		return "", projectNotFound(project)
	case errors.Is(err, ErrLUISAppIDTaken):
		e := azerr.New(azerr.Conflict, "The LUIS app id %s belongs to another project already; remove it there first (PATCH that project with \"luisAppId\": null), or choose another id.", id)
		e.Target = targetLUISAppID
		return "", e
	}
	return got, err
}

// checkLUISAppIDFree refuses, before a PATCH writes anything, an app id
// that another project has.
func (s *Projects) checkLUISAppIDFree(ctx context.Context, project, id string) error {
	owner, err := s.store.ProjectByLUISAppID(ctx, id)
	switch {
	case errors.Is(err, ErrNotFound) || owner == project:
		return nil
	case err != nil:
		return err
	}
	e := azerr.New(azerr.Conflict, "The LUIS app id %s belongs to project %q already; remove it there first (PATCH that project with \"luisAppId\": null), or choose another id.", id, owner)
	e.Target = targetLUISAppID
	return e
}

// ErrLUISAppNotFound: no project has the LUIS app id.
var ErrLUISAppNotFound = errors.New("LUIS app not found")

// LUISProject returns the name of the project that carries the LUIS app id
// appID (any casing, see ParseLUISAppID). It wraps ErrLUISAppNotFound when
// appID is no GUID or no project has it, and ErrLUISAppsUnavailable in a
// runtime-only Parley, which serves model files without projects.
func (s *Runtime) LUISProject(ctx context.Context, appID string) (string, error) {
	if s.dir != nil || s.store == nil {
		return "", ErrLUISAppsUnavailable
	}
	id, ok := ParseLUISAppID(appID)
	if !ok {
		return "", fmt.Errorf("LUIS app %q: not a GUID: %w", appID, ErrLUISAppNotFound)
	}
	name, err := s.store.ProjectByLUISAppID(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return "", fmt.Errorf("LUIS app %s: %w", id, ErrLUISAppNotFound)
	}
	return name, err
}

// ErrLUISAppsUnavailable: this Parley serves model files only (parley serve
// --models) and has no projects to carry LUIS app ids.
var ErrLUISAppsUnavailable = errors.New("LUIS app ids need the project store; this Parley serves model files only")
