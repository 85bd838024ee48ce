package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/parley-dev/parley/internal/project"
	"github.com/parley-dev/parley/internal/wire"
)

// Copy between Parley servers (AUTHORING.md §5.8; docs/compatibility.md
// "Copy"). The target's :authorize-copy answers a token; the source's copy
// job then calls the target's :import with that token in place of a
// subscription key, and follows the import job with it. A copy token is
// accepted as a credential by exactly those two operations, for the one
// project it was issued for: the services check it.

// copyTokenKey is the context key of a request whose credential is a copy
// access token instead of a subscription key.
const copyTokenKey ctxKey = 1

// copyTokenOperations are the operations a copy token may call.
var copyTokenOperations = map[string]bool{
	"ConversationalAnalysisAuthoring_Import":          true,
	"ConversationalAnalysisAuthoring_GetImportStatus": true,
}

// copyTokenRequest returns r carrying key as its copy token when key has
// the shape of one and r could be an import or an import status GET;
// ok is false otherwise, and the request is refused as a bad key.
func copyTokenRequest(r *http.Request, key string) (*http.Request, bool) {
	if !project.IsCopyToken(key) {
		return r, false
	}
	p := r.URL.Path
	if !(r.Method == http.MethodPost && strings.HasSuffix(p, "/:import")) && !(r.Method == http.MethodGet && strings.Contains(p, "/import/jobs/")) {
		return r, false
	}
	return r.WithContext(context.WithValue(r.Context(), copyTokenKey, key)), true
}

// copyToken is the copy token the request authenticated with, if any.
func copyToken(r *http.Request) string {
	t, _ := r.Context().Value(copyTokenKey).(string)
	return t
}

// authorizeCopy implements ConversationalAnalysisAuthoring_CopyProjectAuthorization:
// on the target, it answers 200 with a CopyProjectOptions whose
// targetResourceId is this server's endpoint.
func (s *Server) authorizeCopy(w http.ResponseWriter, r *http.Request, v project.APIVersion) {
	body, err := s.readBody(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var o wire.CopyAuthorizationOptions
	if e := decodeBody(body, &o); e != nil {
		s.writeError(w, r, e)
		return
	}
	opts := project.CopyAuthorizationOptions{ProjectKind: project.Kind(o.ProjectKind), StorageInputContainerName: o.StorageInputContainerName}
	if o.AllowOverwrite != nil {
		opts.AllowOverwrite = *o.AllowOverwrite
	}
	a, err := s.svc.Projects.AuthorizeCopy(r.Context(), r.PathValue("projectName"), opts, s.baseURL(r), v)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, wire.CopyProjectOptions{
		ProjectKind: string(a.ProjectKind), TargetProjectName: a.TargetProjectName, AccessToken: a.AccessToken,
		ExpiresAt: wire.At(a.ExpiresAt), TargetResourceID: a.TargetResourceID, TargetResourceRegion: a.TargetResourceRegion,
	})
}

// copyProject implements ConversationalAnalysisAuthoring_CopyProject: on the
// source, it starts a job that sends the project to the target.
func (s *Server) copyProject(w http.ResponseWriter, r *http.Request, v project.APIVersion) {
	body, err := s.readBody(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var o wire.CopyProjectOptions
	if e := decodeBody(body, &o); e != nil {
		s.writeError(w, r, e)
		return
	}
	j, err := s.svc.Projects.StartCopy(r.Context(), r.PathValue("projectName"), project.CopyAuthorization{
		ProjectKind: project.Kind(o.ProjectKind), TargetProjectName: o.TargetProjectName, AccessToken: o.AccessToken,
		ExpiresAt: o.ExpiresAt.Time, TargetResourceID: o.TargetResourceID, TargetResourceRegion: o.TargetResourceRegion,
	}, v)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.accepted(w, r, j)
}

// getCopyProjectStatus implements ConversationalAnalysisAuthoring_GetCopyProjectStatus.
func (s *Server) getCopyProjectStatus(w http.ResponseWriter, r *http.Request, _ project.APIVersion) {
	s.getJob(w, r, project.JobCopy, r.PathValue("projectName"))
}
