package api

import (
	"net/http"
	"net/url"

	"github.com/parley-dev/parley/internal/azerr"
	"github.com/parley-dev/parley/internal/job"
	"github.com/parley-dev/parley/internal/project"
	"github.com/parley-dev/parley/internal/wire"
)

func toExportedModel(e *project.ExportedModel) wire.ExportedTrainedModel {
	return wire.ExportedTrainedModel{
		ExportedModelName: e.Name, ModelID: e.ModelID, LastTrainedDateTime: wire.At(e.Trained),
		LastExportedModelDateTime: wire.At(e.Exported), ModelExpirationDate: e.ExpirationDate,
		ModelTrainingConfigVersion: e.ConfigVersion,
	}
}

// listExportedModels implements ConversationAuthoringListExportedModels.
func (s *Server) listExportedModels(w http.ResponseWriter, r *http.Request, _ project.APIVersion) {
	es, err := s.svc.Deployments.ListExportedModels(r.Context(), r.PathValue("projectName"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]wire.ExportedTrainedModel, len(es))
	for i, e := range es {
		out[i] = toExportedModel(e)
	}
	writePageOf(s, w, r, out)
}

// getExportedModel implements ConversationAuthoringExportedModel_GetExportedModel;
// it is also the final GET of the PUT's poller.
func (s *Server) getExportedModel(w http.ResponseWriter, r *http.Request, _ project.APIVersion) {
	e, err := s.svc.Deployments.GetExportedModel(r.Context(), r.PathValue("projectName"), r.PathValue("exportedModelName"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toExportedModel(e))
}

// createExportedModel implements ConversationAuthoringExportedModel_CreateOrUpdateExportedModel.
func (s *Server) createExportedModel(w http.ResponseWriter, r *http.Request, v project.APIVersion) {
	body, err := s.readBody(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var o wire.ExportedModelDetails
	if e := decodeBody(body, &o); e != nil {
		s.writeError(w, r, e)
		return
	}
	j, err := s.svc.Deployments.StartExportModel(r.Context(), r.PathValue("projectName"), r.PathValue("exportedModelName"), o.TrainedModelLabel, v)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.accepted(w, r, j)
}

// deleteExportedModel implements ConversationAuthoringExportedModel_DeleteExportedModel.
func (s *Server) deleteExportedModel(w http.ResponseWriter, r *http.Request, v project.APIVersion) {
	j, err := s.svc.Deployments.StartDeleteExportedModel(r.Context(), r.PathValue("projectName"), r.PathValue("exportedModelName"), v)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.accepted(w, r, j)
}

// getExportedModelJobStatus implements
// ConversationAuthoringExportedModel_GetExportedModelJobStatus, for the jobs
// of a PUT and of a DELETE alike.
func (s *Server) getExportedModelJobStatus(w http.ResponseWriter, r *http.Request, _ project.APIVersion) {
	p, id := r.PathValue("projectName"), r.PathValue("jobId")
	j, err := s.svc.Deployments.GetJob(r.Context(), project.JobExportModel, p, id)
	if err != nil {
		j, err = s.svc.Deployments.GetJob(r.Context(), project.JobDeleteExportedModel, p, id)
	}
	if err == nil && project.ExportedModelOfJob(j) != r.PathValue("exportedModelName") {
		e := azerr.New(azerr.OperationNotFound, "The job %q was not found for exported model %q.", id, r.PathValue("exportedModelName"))
		e.Target = "jobId"
		err = e
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJob(w, r, j)
}

// downloadExportedModel is a Parley extension, as the CLU container's
// downloadmodel: the exported model as one file (project.ModelFile), which
// parley serve --models serves without authoring.
func (s *Server) downloadExportedModel(w http.ResponseWriter, r *http.Request, _ project.APIVersion) {
	e, engine, err := s.svc.Deployments.ExportedModelEngine(r.Context(), r.PathValue("projectName"), r.PathValue("exportedModelName"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	b, err := project.EncodeModelFile(e, engine)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.WriteHeader(http.StatusOK)
	w.Write(b)
}

// exportedModelJobPath is the path of an exported model's job under the project.
func exportedModelJobPath(j *job.Job) string {
	return url.PathEscape(j.Project) + "/exported-models/" + url.PathEscape(project.ExportedModelOfJob(j)) + "/jobs/" + j.ID
}
