package api

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/parley-dev/parley/internal/azerr"
	"github.com/parley-dev/parley/internal/job"
	"github.com/parley-dev/parley/internal/project"
	"github.com/parley-dev/parley/internal/wire"
)

func toSubState(s project.SubState) wire.SubTrainingJobState {
	return wire.SubTrainingJobState{PercentComplete: s.Percent, StartDateTime: wire.At(s.Start), EndDateTime: wire.At(s.End), Status: wire.JobStatus(s.Status)}
}

func toTrainingJobState(j *job.Job) (wire.TrainingJobState, error) {
	st, err := project.TrainingStateOf(j)
	if err != nil {
		return wire.TrainingJobState{}, err
	}
	return wire.TrainingJobState{
		Result: wire.TrainingJobResult{
			ModelLabel: st.ModelLabel, TrainingConfigVersion: st.ConfigVersion, TrainingMode: st.Mode,
			TrainingStatus: toSubState(st.Training), EvaluationStatus: toSubState(st.Evaluation),
			EstimatedEndDateTime: wire.At(st.EstimatedEnd),
		},
		JobState: toJobState(j),
	}, nil
}

// train implements ConversationalAnalysisAuthoring_Train.
func (s *Server) train(w http.ResponseWriter, r *http.Request, v project.APIVersion) {
	body, err := s.readBody(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var o wire.TrainingJobOptions
	if e := decodeBody(body, &o); e != nil {
		s.writeError(w, r, e)
		return
	}
	if e := checkDataGeneration(o.DataGenerationSettings, v); e != nil {
		s.writeError(w, r, e)
		return
	}
	j, err := s.svc.Training.StartTraining(r.Context(), r.PathValue("projectName"), fromTrainingJobOptions(o), v)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.accepted(w, r, j)
}

// checkDataGeneration validates :train's dataGenerationSettings (from
// 2025-05-15-preview on; older versions do not have the field, and ignore
// it as unknown). Parley has no Azure OpenAI model to generate utterances
// with: settings that turn generation off are accepted, settings that turn
// it on are refused, never silently ignored.
func checkDataGeneration(d *wire.DataGenerationSettings, v project.APIVersion) *azerr.Error {
	if d == nil || v < project.V20250515Preview {
		return nil
	}
	switch {
	case d.EnableDataGeneration == nil:
		return azerr.Invalid("dataGenerationSettings.enableDataGeneration", "dataGenerationSettings.enableDataGeneration is required; send false, or leave dataGenerationSettings out.")
	case !*d.EnableDataGeneration:
		return nil
	case d.DataGenerationConnectionInfo == nil:
		return azerr.Invalid("dataGenerationSettings.dataGenerationConnectionInfo", "dataGenerationSettings.dataGenerationConnectionInfo is required when enableDataGeneration is true.")
	case !strings.EqualFold(d.DataGenerationConnectionInfo.Kind, "AzureOpenAI"):
		return azerr.Invalid("dataGenerationSettings.dataGenerationConnectionInfo.kind", "dataGenerationSettings.dataGenerationConnectionInfo.kind %q is not \"AzureOpenAI\".", d.DataGenerationConnectionInfo.Kind)
	case d.DataGenerationConnectionInfo.DeploymentName == "":
		return azerr.Invalid("dataGenerationSettings.dataGenerationConnectionInfo.deploymentName", "dataGenerationSettings.dataGenerationConnectionInfo.deploymentName is required.")
	}
	return azerr.Invalid("dataGenerationSettings.enableDataGeneration", "Parley cannot generate training data: it has no Azure OpenAI model. Set enableDataGeneration to false (or leave dataGenerationSettings out) and add the utterances to the project instead.")
}

// fromTrainingJobOptions maps the body of :train to the service's options.
func fromTrainingJobOptions(o wire.TrainingJobOptions) project.TrainOptions {
	out := project.TrainOptions{ModelLabel: o.ModelLabel, TrainingMode: o.TrainingMode, TrainingConfigVersion: o.TrainingConfigVersion}
	if e := o.EvaluationOptions; e != nil {
		out.EvaluationOptions = &project.EvaluationOptions{Kind: e.Kind,
			TrainingSplitPercentage: e.TrainingSplitPercentage, TestingSplitPercentage: e.TestingSplitPercentage}
	}
	return out
}

// decodeBody decodes a JSON request body into v; errors name the field.
func decodeBody(body []byte, v any) *azerr.Error {
	if len(strings.TrimSpace(string(body))) == 0 {
		return &azerr.Error{Code: azerr.InvalidRequest, Message: "The request body is empty; send the options as JSON.",
			Inner: &azerr.InnerError{Code: azerr.InnerEmptyRequest, Message: "empty request body"}}
	}
	if err := json.Unmarshal(body, v); err != nil {
		if te, ok := err.(*json.UnmarshalTypeError); ok && te.Field != "" {
			return azerr.Invalid(te.Field, "%s has the wrong type: %s where the API takes %s.", te.Field, te.Value, te.Type)
		}
		return azerr.BadBody("The request body is not valid JSON: %v.", err)
	}
	return nil
}

// listTrainingJobs implements ConversationalAnalysisAuthoring_ListTrainingJobs.
func (s *Server) listTrainingJobs(w http.ResponseWriter, r *http.Request, _ project.APIVersion) {
	p, e := s.parsePaging(r)
	if e != nil {
		s.writeError(w, r, e)
		return
	}
	out := wire.Page[wire.TrainingJobState]{Value: []wire.TrainingJobState{}}
	jobs, more, err := s.svc.Training.ListTrainingJobs(r.Context(), r.PathValue("projectName"), p.skip, p.limit())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	for _, j := range jobs {
		st, err := toTrainingJobState(j)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		out.Value = append(out.Value, st)
	}
	out.NextLink = s.nextLink(r, p, len(jobs), more)
	writeJSON(w, http.StatusOK, out)
}

// getTrainingStatus implements ConversationalAnalysisAuthoring_GetTrainingStatus.
func (s *Server) getTrainingStatus(w http.ResponseWriter, r *http.Request, _ project.APIVersion) {
	j, err := s.svc.Training.GetJob(r.Context(), project.JobTrain, r.PathValue("projectName"), r.PathValue("jobId"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	st, err := toTrainingJobState(j)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.retryAfter(w, j)
	writeJSON(w, http.StatusOK, st)
}

// cancelTrainingJob implements ConversationalAnalysisAuthoring_CancelTrainingJob:
// 204 in 2022-05-01, a 202 pointing at the training job since (AUTHORING.md §0 #8).
func (s *Server) cancelTrainingJob(w http.ResponseWriter, r *http.Request, v project.APIVersion) {
	j, err := s.svc.Training.CancelTraining(r.Context(), r.PathValue("projectName"), r.PathValue("jobId"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if v == project.V20220501 || v == project.V20220515Preview {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	j.APIVersion = string(v)
	s.accepted(w, r, j)
}

func toTrainedModel(m *project.Model, v project.APIVersion) wire.ProjectTrainedModel {
	out := wire.ProjectTrainedModel{
		Label: m.Label, ModelID: m.ID, LastTrainedDateTime: wire.At(m.Trained),
		LastTrainingDurationInSeconds: int((m.Duration + time.Second/2) / time.Second),
		ModelExpirationDate:           m.ExpirationDate, ModelTrainingConfigVersion: m.ConfigVersion,
	}
	if v != project.V20220501 && v != project.V20220515Preview { // 2022-05-01 has no hasSnapshot
		yes := true
		out.HasSnapshot = &yes
	}
	return out
}

// listTrainedModels implements ConversationalAnalysisAuthoring_ListTrainedModels.
func (s *Server) listTrainedModels(w http.ResponseWriter, r *http.Request, v project.APIVersion) {
	models, err := s.svc.Training.ListModels(r.Context(), r.PathValue("projectName"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]wire.ProjectTrainedModel, len(models))
	for i, m := range models {
		out[i] = toTrainedModel(m, v)
	}
	writePageOf(s, w, r, out)
}

// getTrainedModel implements ConversationalAnalysisAuthoring_GetTrainedModel.
func (s *Server) getTrainedModel(w http.ResponseWriter, r *http.Request, v project.APIVersion) {
	m, err := s.svc.Training.GetModel(r.Context(), r.PathValue("projectName"), r.PathValue("trainedModelLabel"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toTrainedModel(m, v))
}

// deleteTrainedModel implements ConversationalAnalysisAuthoring_DeleteTrainedModel: 204, not a job.
func (s *Server) deleteTrainedModel(w http.ResponseWriter, r *http.Request, _ project.APIVersion) {
	if err := s.svc.Training.DeleteModel(r.Context(), r.PathValue("projectName"), r.PathValue("trainedModelLabel")); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// loadSnapshot implements ConversationalAnalysisAuthoring_LoadSnapshot.
func (s *Server) loadSnapshot(w http.ResponseWriter, r *http.Request, v project.APIVersion) {
	j, err := s.svc.Training.StartLoadSnapshot(r.Context(), r.PathValue("projectName"), r.PathValue("trainedModelLabel"), v)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.accepted(w, r, j)
}

// getLoadSnapshotStatus implements ConversationalAnalysisAuthoring_GetLoadSnapshotStatus.
func (s *Server) getLoadSnapshotStatus(w http.ResponseWriter, r *http.Request, _ project.APIVersion) {
	j, err := s.svc.Training.GetJob(r.Context(), project.JobLoadSnapshot, r.PathValue("projectName"), r.PathValue("jobId"))
	if err == nil && project.LoadSnapshotModel(j) != r.PathValue("trainedModelLabel") {
		e := azerr.New(azerr.OperationNotFound, "The job %q was not found for model %q.", r.PathValue("jobId"), r.PathValue("trainedModelLabel"))
		e.Target = "jobId"
		err = e
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJob(w, r, j)
}

func toBlock(b project.BlockEvaluation) (map[string]map[string]wire.ConfusionMatrixCell, map[string]wire.ClassEvaluationSummary, wire.EvaluationAverages) {
	cm := map[string]map[string]wire.ConfusionMatrixCell{}
	for expected, row := range b.Confusion {
		out := map[string]wire.ConfusionMatrixCell{}
		for predicted, c := range row {
			out[predicted] = wire.ConfusionMatrixCell{NormalizedValue: float32(c.Normalized), RawValue: float32(c.Raw)}
		}
		cm[expected] = out
	}
	classes := map[string]wire.ClassEvaluationSummary{}
	for name, m := range b.Classes {
		classes[name] = wire.ClassEvaluationSummary{F1: m.F1, Precision: m.Precision, Recall: m.Recall,
			TruePositiveCount: m.TP, TrueNegativeCount: m.TN, FalsePositiveCount: m.FP, FalseNegativeCount: m.FN}
	}
	return cm, classes, wire.EvaluationAverages{MicroF1: b.MicroF1, MicroPrecision: b.MicroPrecision, MicroRecall: b.MicroRecall,
		MacroF1: b.MacroF1, MacroPrecision: b.MacroPrecision, MacroRecall: b.MacroRecall}
}

// getModelEvaluationSummary implements ConversationalAnalysisAuthoring_GetModelEvaluationSummary.
func (s *Server) getModelEvaluationSummary(w http.ResponseWriter, r *http.Request, _ project.APIVersion) {
	e, err := s.svc.Training.ModelEvaluation(r.Context(), r.PathValue("projectName"), r.PathValue("trainedModelLabel"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var out wire.EvaluationSummary
	out.EntitiesEvaluation.ConfusionMatrix, out.EntitiesEvaluation.Entities, out.EntitiesEvaluation.EvaluationAverages = toBlock(e.Entities)
	out.IntentsEvaluation.ConfusionMatrix, out.IntentsEvaluation.Intents, out.IntentsEvaluation.EvaluationAverages = toBlock(e.Intents)
	out.EvaluationOptions = &wire.EvaluationOptions{Kind: e.Options.Kind,
		TrainingSplitPercentage: e.Options.TrainingSplitPercentage, TestingSplitPercentage: e.Options.TestingSplitPercentage}
	writeJSON(w, http.StatusOK, out)
}

func toLabels(ls []project.Label) []wire.UtteranceEntityEvaluationResult {
	out := make([]wire.UtteranceEntityEvaluationResult, len(ls))
	for i, l := range ls {
		out[i] = wire.UtteranceEntityEvaluationResult{Category: l.Category, Offset: l.Offset, Length: l.Length}
	}
	return out
}

// getModelEvaluationResults implements ConversationalAnalysisAuthoring_GetModelEvaluationResults.
// stringIndexType is required; Utf16CodeUnit is its one value (TRAINING.md §4.4).
func (s *Server) getModelEvaluationResults(w http.ResponseWriter, r *http.Request, _ project.APIVersion) {
	switch idx := r.URL.Query().Get("stringIndexType"); idx {
	case string(project.Utf16CodeUnit):
	case "":
		s.writeError(w, r, azerr.Invalid("stringIndexType", "The query parameter stringIndexType is required; use stringIndexType=Utf16CodeUnit."))
		return
	default:
		s.writeError(w, r, azerr.Invalid("stringIndexType", "stringIndexType %q is not supported here; use Utf16CodeUnit.", idx))
		return
	}
	e, err := s.svc.Training.ModelEvaluation(r.Context(), r.PathValue("projectName"), r.PathValue("trainedModelLabel"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]wire.UtteranceEvaluationResult, len(e.Results))
	for i, res := range e.Results {
		u := &out[i]
		u.Text, u.Language = res.Text, res.Language
		u.EntitiesResult.ExpectedEntities, u.EntitiesResult.PredictedEntities = toLabels(res.Expected), toLabels(res.Predicted)
		u.IntentsResult.ExpectedIntent, u.IntentsResult.PredictedIntent = res.ExpectedIntent, res.PredictedIntent
	}
	writePageOf(s, w, r, out)
}

// trainJobPath is the path of a training job under the project.
func trainJobPath(j *job.Job) string { return url.PathEscape(j.Project) + "/train/jobs/" + j.ID }
