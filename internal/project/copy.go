package project

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/parley-dev/parley/internal/azerr"
	"github.com/parley-dev/parley/internal/job"
)

// Copying a project between two Parley servers
// (ConversationalAnalysisAuthoring_CopyProjectAuthorization, _CopyProject,
// _GetCopyProjectStatus; api-version 2023-04-15-preview on).
//
// The target answers :authorize-copy with a CopyAuthorization: an access
// token for one target project, valid for CopyTokenTTL and for one
// transfer. The token is a job of kind JobCopyAuthorization that the runner
// never runs: its expiry is the token's, its payload the SHA-256 of the
// token's secret, and the job's status is the token's state (not started:
// unused; cancelled: used). Redeeming cancels the job, a conditional update,
// so exactly one transfer wins; the job limits bound how many tokens are
// outstanding, and expired tokens go with expired jobs. No storage of its
// own is needed.
//
// The source's :copy starts a JobCopy job: it encodes the project's working
// copy (its assets; trained models and deployments are not copied, as in
// CLU) and hands it to Config.CopyFunc, which sends it to the target's
// :import with the token as its credential (internal/server).

// Job kinds of copy.
const (
	JobCopy              job.Kind = "copy"              // ConversationalAnalysisAuthoring_CopyProject
	JobCopyAuthorization job.Kind = "copyAuthorization" // a token of ConversationalAnalysisAuthoring_CopyProjectAuthorization; never run
)

// CopyTokenTTL is how long a copy authorization is valid.
const CopyTokenTTL = 15 * time.Minute

// MaxCopyAuthorizations is how many unused, unexpired copy authorizations
// one target project may have at once.
const MaxCopyAuthorizations = 5

// copyTokenPrefix starts every copy access token, so that the API can tell
// one from a subscription key.
const copyTokenPrefix = "parley-copy."

// IsCopyToken reports whether s has the shape of a copy access token.
func IsCopyToken(s string) bool { return strings.HasPrefix(s, copyTokenPrefix) }

// CopyAuthorizationOptions are the body of :authorize-copy.
type CopyAuthorizationOptions struct {
	ProjectKind               Kind
	StorageInputContainerName string
	AllowOverwrite            bool
}

// CopyAuthorization is what :authorize-copy answers and :copy takes.
type CopyAuthorization struct {
	ProjectKind       Kind
	TargetProjectName string
	AccessToken       string
	ExpiresAt         time.Time
	// TargetResourceID is, for a Parley target, its endpoint: the URL its
	// API is under (its PublicURL, or the scheme and host :authorize-copy
	// was sent to).
	TargetResourceID     string
	TargetResourceRegion string
}

// CopyRegion is the targetResourceRegion of a Parley target: Parley has no
// regions.
const CopyRegion = "parley"

// copyAuthorizationArgs are the payload of a copy authorization.
type copyAuthorizationArgs struct {
	SecretSHA256   string `json:"secretSha256"` // hex; the secret itself is never stored
	ProjectKind    Kind   `json:"projectKind"`
	AllowOverwrite bool   `json:"allowOverwrite"`
}

func (copyAuthorizationArgs) Kind() job.Kind { return JobCopyAuthorization }

// copyArgs are the arguments of a copy job: the authorization it sends
// with. The token lives as long as the job, at most CopyTokenTTL of use.
type copyArgs struct {
	ProjectKind          Kind      `json:"projectKind"`
	TargetProjectName    string    `json:"targetProjectName"`
	AccessToken          string    `json:"accessToken"`
	ExpiresAt            time.Time `json:"expiresAt"`
	TargetResourceID     string    `json:"targetResourceId"`
	TargetResourceRegion string    `json:"targetResourceRegion"`
}

func (copyArgs) Kind() job.Kind { return JobCopy }

// CopyTransfer is what a copy job hands to Config.CopyFunc.
type CopyTransfer struct {
	Endpoint    string // the target's endpoint, CopyAuthorization.TargetResourceID
	Project     string // the target project
	AccessToken string
	APIVersion  APIVersion
	File        []byte // the project file to import
}

// CopyFunc sends a project file to a target server and waits until the
// target has imported it. An *azerr.Error it returns is the target's
// answer and becomes the copy job's error.
type CopyFunc func(ctx context.Context, t CopyTransfer) error

// AuthorizeCopy implements ConversationalAnalysisAuthoring_CopyProjectAuthorization
// on the target: it issues a token that lets one copy import name, until
// CopyTokenTTL from now. endpoint is the target's endpoint as the caller
// sees it.
func (s *Projects) AuthorizeCopy(ctx context.Context, name string, o CopyAuthorizationOptions, endpoint string, v APIVersion) (*CopyAuthorization, error) {
	if e := checkProjectName("projectName", name); e != nil {
		return nil, e
	}
	switch {
	case o.ProjectKind == "":
		return nil, azerr.Invalid("projectKind", "The body's projectKind is required; use \"Conversation\" or \"Orchestration\".")
	case !v.ValidKind(o.ProjectKind):
		return nil, azerr.Invalid("projectKind", "projectKind %q is not supported in api-version %s; use \"Conversation\" or \"Orchestration\".", o.ProjectKind, v)
	case o.ProjectKind == KindSummarization:
		return nil, azerr.Invalid("projectKind", "Copying CustomConversationSummarization projects is not supported by Parley.")
	}
	var secret [32]byte
	if _, err := rand.Read(secret[:]); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(secret[:])
	args := copyAuthorizationArgs{SecretSHA256: hex.EncodeToString(sum[:]), ProjectKind: o.ProjectKind, AllowOverwrite: o.AllowOverwrite}
	j := job.New(args, name, string(v), s.now(), CopyTokenTTL)
	lim := job.Limits{PerKind: MaxCopyAuthorizations, Total: s.cfg.Jobs.Total}
	busy := azerr.New(azerr.TooManyRequests, "The project %q already has %d unused copy authorizations, the limit; use one, or wait until they expire (%s after they were issued).", name, MaxCopyAuthorizations, CopyTokenTTL)
	if _, err := s.enqueueWithin(ctx, j, args, lim, busy); err != nil {
		return nil, err
	}
	return &CopyAuthorization{
		ProjectKind: o.ProjectKind, TargetProjectName: name,
		AccessToken:      copyTokenPrefix + j.ID + "." + base64.RawURLEncoding.EncodeToString(secret[:]),
		ExpiresAt:        j.Expires,
		TargetResourceID: endpoint, TargetResourceRegion: CopyRegion,
	}, nil
}

// errCopyToken is the answer to a copy token that is not valid for the
// request; the API answers it 401, as it does a wrong key.
func errCopyToken(project string) *azerr.Error {
	return azerr.New(azerr.Unauthorized, "The copy access token is not valid for project %q: it is malformed, for another project, expired (tokens last %s) or already used. Authorize the copy again on this server with :authorize-copy.", project, CopyTokenTTL)
}

// copyToken finds the authorization token stands for, for project: its
// job and its arguments, whether used or not.
func (s *core) copyToken(ctx context.Context, project, token string) (*job.Job, copyAuthorizationArgs, error) {
	var none copyAuthorizationArgs
	id, secret, ok := strings.Cut(strings.TrimPrefix(token, copyTokenPrefix), ".")
	raw, err := base64.RawURLEncoding.DecodeString(secret)
	if !IsCopyToken(token) || !ok || err != nil || len(raw) != 32 {
		return nil, none, errCopyToken(project)
	}
	j, err := s.jobs.GetJob(ctx, id, s.cfg.Now())
	if errors.Is(err, job.ErrNotFound) {
		return nil, none, errCopyToken(project)
	} else if err != nil {
		return nil, none, err
	}
	if j.Kind != JobCopyAuthorization || j.Project != project {
		return nil, none, errCopyToken(project)
	}
	payload, err := s.jobs.JobPayload(ctx, id)
	if err != nil {
		return nil, none, err
	}
	args, err := job.DecodeArgs[copyAuthorizationArgs](payload)
	if err != nil {
		return nil, none, err
	}
	want, err := hex.DecodeString(args.SecretSHA256)
	sum := sha256.Sum256(raw)
	if err != nil || subtle.ConstantTimeCompare(sum[:], want) != 1 {
		return nil, none, errCopyToken(project)
	}
	return j, args, nil
}

// CheckCopyToken reports, as an error, whether token is a copy token of
// project that has not expired: it lets the source follow the import it
// started with the token.
func (s *core) CheckCopyToken(ctx context.Context, project, token string) error {
	_, _, err := s.copyToken(ctx, project, token)
	return err
}

// redeemCopyToken uses token up for an import of file f into project: it
// must be unused and unexpired, and, unless it allows overwriting, project
// must not exist.
func (s *core) redeemCopyToken(ctx context.Context, project, token string, f *File) error {
	j, args, err := s.copyToken(ctx, project, token)
	if err != nil {
		return err
	}
	if j.Status != job.StatusNotStarted {
		return errCopyToken(project)
	}
	if f.Metadata.ProjectKind != args.ProjectKind {
		return azerr.Invalid("metadata.projectKind", "The copied project is of kind %q, but the copy was authorized for projectKind %q.", f.Metadata.ProjectKind, args.ProjectKind)
	}
	if !args.AllowOverwrite {
		switch _, err := s.store.GetProject(ctx, project); {
		case err == nil:
			e := azerr.New(azerr.Conflict, "The project %q already exists on the target and the copy was authorized with allowOverwrite false; delete it, or authorize the copy again with allowOverwrite true.", project)
			e.Target = "allowOverwrite"
			return e
		case !errors.Is(err, ErrNotFound):
			return err
		}
	}
	switch _, err := s.jobs.CancelJob(ctx, j.ID, s.cfg.Now()); {
	case errors.Is(err, job.ErrFinished), errors.Is(err, job.ErrNotFound):
		return errCopyToken(project) // another request used it first, or it just expired
	case err != nil:
		return err
	}
	return nil
}

// StartCopy implements ConversationalAnalysisAuthoring_CopyProject on the
// source: it checks the authorization and starts a job that sends the
// project to the target.
func (s *Projects) StartCopy(ctx context.Context, name string, a CopyAuthorization, v APIVersion) (*job.Job, error) {
	for _, f := range []struct{ field, value string }{
		{"projectKind", string(a.ProjectKind)}, {"targetProjectName", a.TargetProjectName}, {"accessToken", a.AccessToken},
		{"targetResourceId", a.TargetResourceID}, {"targetResourceRegion", a.TargetResourceRegion},
	} {
		if f.value == "" {
			return nil, azerr.Invalid(f.field, "The body's %s is required: send the object :authorize-copy answered on the target, unchanged.", f.field)
		}
	}
	if a.ExpiresAt.IsZero() {
		return nil, azerr.Invalid("expiresAt", "The body's expiresAt is required: send the object :authorize-copy answered on the target, unchanged.")
	}
	if !a.ExpiresAt.After(s.cfg.Now()) {
		return nil, azerr.Invalid("expiresAt", "The copy authorization expired at %s; authorize the copy again on the target.", a.ExpiresAt.UTC().Format(time.RFC3339))
	}
	if e := checkProjectName("targetProjectName", a.TargetProjectName); e != nil {
		return nil, e
	}
	if e := checkCopyEndpoint(a.TargetResourceID); e != nil {
		return nil, e
	}
	p, err := s.lookupProject(ctx, name)
	if err != nil {
		return nil, err
	}
	if p.Kind != a.ProjectKind {
		return nil, azerr.Invalid("projectKind", "The project %q is of kind %q, but the copy was authorized for projectKind %q.", name, p.Kind, a.ProjectKind)
	}
	if s.cfg.CopyFunc == nil {
		return nil, azerr.New(azerr.NotImplemented, "This server cannot send copies: it was started without a copy client.")
	}
	args := copyArgs(a)
	return s.enqueue(ctx, s.newJob(args, name, v), args)
}

// checkCopyEndpoint accepts a Parley target's targetResourceId: an
// absolute http(s) URL with no query or fragment. An Azure resource id
// ("/subscriptions/…") names a resource Parley cannot reach.
func checkCopyEndpoint(id string) *azerr.Error {
	u, err := url.Parse(id)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return azerr.Invalid("targetResourceId", "targetResourceId %q is not the endpoint of a Parley server: Parley copies only to another Parley, whose :authorize-copy answers its endpoint URL (http or https, no query) as targetResourceId.", id)
	}
	return nil
}

// copyTimeout bounds one copy job's transfer: sending the file and
// following the target's import.
const copyTimeout = 10 * time.Minute

func (s *Projects) runCopy(ctx context.Context, j *job.Run, args copyArgs) (*job.Outcome, error) {
	p, c, err := s.store.ProjectContent(ctx, j.Project)
	if errors.Is(err, ErrNotFound) {
		return nil, projectNotFound(j.Project)
	} else if err != nil {
		return nil, err
	}
	v := APIVersion(j.APIVersion)
	target := *p
	target.Name = args.TargetProjectName
	file, err := encodeFile(&target, c.Assets, v, Utf16CodeUnit)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, copyTimeout)
	defer cancel()
	err = s.cfg.CopyFunc(ctx, CopyTransfer{Endpoint: args.TargetResourceID, Project: args.TargetProjectName,
		AccessToken: args.AccessToken, APIVersion: v, File: file})
	var e *azerr.Error
	switch {
	case errors.As(err, &e):
		out := *e
		out.Message = fmt.Sprintf("The target %s refused the copy of %q to %q: %s", args.TargetResourceID, j.Project, args.TargetProjectName, e.Message)
		return nil, &out
	case err != nil:
		return nil, azerr.New(azerr.ServiceUnavailable, "The copy of %q to %q at %s failed: %v", j.Project, args.TargetProjectName, args.TargetResourceID, err)
	}
	return nil, nil
}
