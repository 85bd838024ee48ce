package api

import (
	"net/http"

	"github.com/parley-dev/parley/internal/azerr"
	"github.com/parley-dev/parley/internal/project"
	"github.com/parley-dev/parley/internal/wire"
)

// evaluateModel implements ConversationalAnalysisAuthoring_EvaluateModel.
func (s *Server) evaluateModel(w http.ResponseWriter, r *http.Request, v project.APIVersion) {
	body, err := s.readBody(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var o wire.EvaluationOptions
	if e := decodeBody(body, &o); e != nil {
		s.writeError(w, r, e)
		return
	}
	opts := &project.EvaluationOptions{Kind: o.Kind, TrainingSplitPercentage: o.TrainingSplitPercentage, TestingSplitPercentage: o.TestingSplitPercentage}
	j, err := s.svc.Training.StartEvaluation(r.Context(), r.PathValue("projectName"), r.PathValue("trainedModelLabel"), opts, v)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.accepted(w, r, j)
}

// getEvaluateStatus implements ConversationalAnalysisAuthoring_GetEvaluateStatus.
func (s *Server) getEvaluateStatus(w http.ResponseWriter, r *http.Request, _ project.APIVersion) {
	j, err := s.svc.Training.GetJob(r.Context(), project.JobEvaluate, r.PathValue("projectName"), r.PathValue("jobId"))
	if err == nil && project.EvaluationModel(j) != r.PathValue("trainedModelLabel") {
		e := azerr.New(azerr.OperationNotFound, "The job %q was not found for model %q.", r.PathValue("jobId"), r.PathValue("trainedModelLabel"))
		e.Target = "jobId"
		err = e
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	st, err := project.EvaluationStateOf(j)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := wire.EvaluationJobState{JobState: toJobState(j), Result: wire.EvaluationJobResult{
		EvaluationOptions: wire.EvaluationOptions{Kind: st.Options.Kind,
			TrainingSplitPercentage: st.Options.TrainingSplitPercentage, TestingSplitPercentage: st.Options.TestingSplitPercentage},
		ModelLabel: st.ModelLabel, TrainingConfigVersion: st.ConfigVersion, PercentComplete: st.Percent,
	}}
	s.retryAfter(w, j)
	writeJSON(w, http.StatusOK, out)
}
