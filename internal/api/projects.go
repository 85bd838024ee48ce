package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/parley-dev/parley/internal/azerr"
	"github.com/parley-dev/parley/internal/job"
	"github.com/parley-dev/parley/internal/project"
	"github.com/parley-dev/parley/internal/wire"
)

// listProjects implements ConversationalAnalysisAuthoring_ListProjects.
func (s *Server) listProjects(w http.ResponseWriter, r *http.Request, _ project.APIVersion) {
	p, e := s.parsePaging(r)
	if e != nil {
		s.writeError(w, r, e)
		return
	}
	out := wire.Page[wire.ProjectMetadata]{Value: []wire.ProjectMetadata{}}
	if lim := p.limit(); lim > 0 {
		ps, more, err := s.svc.Projects.ListProjects(r.Context(), p.skip, lim)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		for _, pr := range ps {
			out.Value = append(out.Value, toProjectMetadata(pr))
		}
		out.NextLink = s.nextLink(r, p, len(ps), more)
	}
	writeJSON(w, http.StatusOK, out)
}

// getProject implements ConversationalAnalysisAuthoring_GetProject.
func (s *Server) getProject(w http.ResponseWriter, r *http.Request, _ project.APIVersion) {
	p, err := s.svc.Projects.GetProject(r.Context(), r.PathValue("projectName"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toProjectMetadata(p))
}

// readBody reads a request body within the configured limit.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, azerr.New(azerr.PayloadTooLarge, "The request body is larger than %d bytes, the limit of this server (parley serve --max-body).", s.cfg.MaxBodyBytes)
	}
	if err != nil {
		// The client's doing, not the server's: a body shorter than its
		// Content-Length, a connection gone, or a body sent too slowly
		// for the read timeout. Worth a 400, not a 500 and an error log.
		if info := infoOf(r); info != nil {
			info.Logger.Debug("request body not read whole", "err", err)
		}
		return nil, azerr.BadBody("The request body could not be read whole (%v); send all of it, as fast as the server's read timeout allows.", err)
	}
	// encoding/json would turn bytes that are not UTF-8, and escapes of
	// lone surrogates, into U+FFFD, which would be stored or answered as if
	// the client had sent it; every body is refused instead, with the
	// JSON pointer of the value (issue 9).
	if e := project.CheckUnicode(b); e != nil {
		return nil, e
	}
	return b, nil
}

// createProject implements ConversationalAnalysisAuthoring_CreateProject:
// create or update by JSON merge patch; 201 when created, 200 otherwise.
func (s *Server) createProject(w http.ResponseWriter, r *http.Request, v project.APIVersion) {
	body, err := s.readBody(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	patch, e := decodePatch(body)
	if e != nil {
		s.writeError(w, r, e)
		return
	}
	p, created, err := s.svc.Projects.UpsertProject(r.Context(), r.PathValue("projectName"), patch, v)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, toProjectMetadata(p))
}

// decodePatch reads a merge-patch body, telling absent members from null ones.
func decodePatch(body []byte) (*project.Patch, *azerr.Error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, &azerr.Error{Code: azerr.InvalidRequest, Message: "The request body is empty; send the project's properties as JSON.",
			Inner: &azerr.InnerError{Code: azerr.InnerEmptyRequest, Message: "empty request body"}}
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, azerr.BadBody("The request body is not a JSON object: %v.", err)
	}
	p := &project.Patch{}
	str := func(name string, dst *project.Optional[string]) *azerr.Error {
		raw, ok := m[name]
		if !ok {
			return nil
		}
		dst.Set = true
		if string(raw) == "null" {
			return nil
		}
		if err := json.Unmarshal(raw, &dst.Value); err != nil {
			return azerr.Invalid(name, "%s must be a string.", name)
		}
		return nil
	}
	var kind project.Optional[string]
	for _, f := range []struct {
		name string
		dst  *project.Optional[string]
	}{{"projectName", &p.ProjectName}, {"projectKind", &kind}, {"language", &p.Language},
		{"description", &p.Description}, {"storageInputContainerName", &p.StorageInputContainerName}} {
		if e := str(f.name, f.dst); e != nil {
			return nil, e
		}
	}
	p.ProjectKind = project.Optional[project.Kind]{Set: kind.Set, Value: project.Kind(kind.Value)}
	if raw, ok := m["multilingual"]; ok {
		p.Multilingual.Set = true
		if string(raw) != "null" {
			if err := json.Unmarshal(raw, &p.Multilingual.Value); err != nil {
				return nil, azerr.Invalid("multilingual", "multilingual must be true or false.")
			}
		}
	}
	if raw, ok := m["settings"]; ok {
		if string(raw) == "null" {
			p.SettingsNull = true
		} else if err := json.Unmarshal(raw, &p.Settings); err != nil {
			return nil, azerr.Invalid("settings", "settings must be an object such as {\"confidenceThreshold\": 0.7}.")
		} else if p.Settings == nil {
			p.Settings = map[string]json.RawMessage{}
		}
	}
	if raw, ok := m["luisAppId"]; ok {
		// Parley's extension (issue 12): the project's LUIS app id, null
		// to remove it. The service checks that a string is a GUID.
		p.LUISAppID.Set = true
		if string(raw) != "null" {
			if err := json.Unmarshal(raw, &p.LUISAppID.Value); err != nil || p.LUISAppID.Value == "" {
				return nil, azerr.Invalid("luisAppId", "luisAppId must be a LUIS application id (a GUID such as \"86226c53-b7a6-416f-876b-226b2b5ab07b\"), or null to remove it.")
			}
		}
	}
	return p, nil
}

// deleteProject implements ConversationalAnalysisAuthoring_DeleteProject.
func (s *Server) deleteProject(w http.ResponseWriter, r *http.Request, v project.APIVersion) {
	j, err := s.svc.Projects.DeleteProject(r.Context(), r.PathValue("projectName"), v)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.accepted(w, r, j)
}

// exportProject implements ConversationalAnalysisAuthoring_Export.
func (s *Server) exportProject(w http.ResponseWriter, r *http.Request, v project.APIVersion) {
	q := r.URL.Query()
	j, err := s.svc.Projects.StartExport(r.Context(), r.PathValue("projectName"), project.ExportOptions{
		APIVersion: v, StringIndexType: q.Get("stringIndexType"), Format: q.Get("format"),
		AssetKind: q.Get("assetKind"), TrainedModelLabel: q.Get("trainedModelLabel"),
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.accepted(w, r, j)
}

// importProject implements ConversationalAnalysisAuthoring_Import.
func (s *Server) importProject(w http.ResponseWriter, r *http.Request, v project.APIVersion) {
	body, err := s.readBody(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	j, err := s.svc.Projects.StartImport(r.Context(), r.PathValue("projectName"), body, project.ImportOptions{
		APIVersion: v, Format: r.URL.Query().Get("format"), CopyToken: copyToken(r),
		LUISPatterns: r.URL.Query().Get("luisPatterns"),
		LUISAppID:    r.URL.Query().Get("luisAppId"),
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.accepted(w, r, j)
}

// jobURL is the absolute URL of a job's status, with the api-version of the
// request that started it (AUTHORING.md §3.1).
func (s *Server) jobURL(r *http.Request, j *job.Job) string {
	base := s.baseURL(r) + authoringPrefix + "/projects/"
	p := url.PathEscape(j.Project)
	var path string
	switch j.Kind {
	case project.JobExport:
		path = p + "/export/jobs/" + j.ID
	case project.JobImport:
		path = p + "/import/jobs/" + j.ID
	case project.JobDeleteProject:
		path = "global/deletion-jobs/" + j.ID
	case project.JobTrain:
		path = trainJobPath(j)
	case project.JobDeploy, project.JobDeleteDeployment:
		path = deploymentJobPath(j)
	case project.JobSwapDeployments:
		path = p + "/deployments/swap/jobs/" + j.ID
	case project.JobCopy:
		path = p + "/copy/jobs/" + j.ID
	case project.JobExportModel, project.JobDeleteExportedModel:
		path = exportedModelJobPath(j)
	case project.JobLoadSnapshot:
		path = p + "/models/" + url.PathEscape(project.LoadSnapshotModel(j)) + "/load-snapshot/jobs/" + j.ID
	case project.JobAssignResources, project.JobUnassignResources, project.JobDeleteFromResources:
		path = resourceJobPath(j)
	case project.JobEvaluate:
		path = p + "/models/" + url.PathEscape(project.EvaluationModel(j)) + "/evaluate/jobs/" + j.ID
	}
	return base + path + "?api-version=" + url.QueryEscape(j.APIVersion)
}

// accepted answers the start of a long-running operation: 202, an absolute
// operation-location, no Location and no body.
func (s *Server) accepted(w http.ResponseWriter, r *http.Request, j *job.Job) {
	w.Header().Set("Operation-Location", s.jobURL(r, j))
	s.retryAfter(w, j)
	w.WriteHeader(http.StatusAccepted)
}

// retryAfter sets Retry-After on every answer about a job that has not ended
// (the 202 that starts it, and its status GETs), so a poller waits the one
// configured interval whatever the job's kind.
func (s *Server) retryAfter(w http.ResponseWriter, j *job.Job) {
	if !j.Status.Terminal() {
		w.Header().Set("Retry-After", strconv.Itoa(s.cfg.RetryAfter))
	}
}

// writeJob answers a job status GET.
func (s *Server) writeJob(w http.ResponseWriter, r *http.Request, j *job.Job) {
	st := toJobState(j)
	if j.Kind == project.JobExport && j.Status == job.StatusSucceeded {
		u := s.jobURL(r, j)
		i := len(u) - len("?api-version=") - len(url.QueryEscape(j.APIVersion))
		st.ResultURL = u[:i] + "/result" + u[i:]
	}
	s.retryAfter(w, j)
	writeJSON(w, http.StatusOK, st)
}

func (s *Server) getJob(w http.ResponseWriter, r *http.Request, kind job.Kind, projectName string) {
	j, err := s.svc.Projects.GetJob(r.Context(), kind, projectName, r.PathValue("jobId"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJob(w, r, j)
}

// getExportStatus implements ConversationalAnalysisAuthoring_GetExportStatus.
func (s *Server) getExportStatus(w http.ResponseWriter, r *http.Request, _ project.APIVersion) {
	s.getJob(w, r, project.JobExport, r.PathValue("projectName"))
}

// getImportStatus implements ConversationalAnalysisAuthoring_GetImportStatus.
func (s *Server) getImportStatus(w http.ResponseWriter, r *http.Request, _ project.APIVersion) {
	if t := copyToken(r); t != "" {
		if err := s.svc.Projects.CheckCopyToken(r.Context(), r.PathValue("projectName"), t); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	s.getJob(w, r, project.JobImport, r.PathValue("projectName"))
}

// getProjectDeletionStatus implements ConversationalAnalysisAuthoring_GetProjectDeletionStatus.
func (s *Server) getProjectDeletionStatus(w http.ResponseWriter, r *http.Request, _ project.APIVersion) {
	s.getJob(w, r, project.JobDeleteProject, "")
}

// getExportResult serves an export job's resultUrl: the exported project
// file (AUTHORING.md §5.2.4).
func (s *Server) getExportResult(w http.ResponseWriter, r *http.Request, _ project.APIVersion) {
	b, err := s.svc.Projects.ExportResult(r.Context(), r.PathValue("projectName"), r.PathValue("jobId"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeRaw(w, http.StatusOK, b)
}
