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
)

// subTrainingJobState is the spec's SubTrainingJobState.
type subTrainingJobState struct {
	PercentComplete int        `json:"percentComplete"`
	StartDateTime   string     `json:"startDateTime,omitempty"`
	EndDateTime     string     `json:"endDateTime,omitempty"`
	Status          job.Status `json:"status"`
}

func toSubState(s project.SubState) subTrainingJobState {
	return subTrainingJobState{PercentComplete: s.Percent, StartDateTime: formatTime(s.Start), EndDateTime: formatTime(s.End), Status: s.Status}
}

// trainingJobResult is the spec's TrainingJobResult.
type trainingJobResult struct {
	ModelLabel            string              `json:"modelLabel"`
	TrainingConfigVersion string              `json:"trainingConfigVersion"`
	TrainingMode          string              `json:"trainingMode,omitempty"`
	TrainingStatus        subTrainingJobState `json:"trainingStatus"`
	EvaluationStatus      subTrainingJobState `json:"evaluationStatus"`
	EstimatedEndDateTime  string              `json:"estimatedEndDateTime,omitempty"`
}

// trainingJobState is the spec's TrainingJobState: the job document with a
// required result.
type trainingJobState struct {
	Result trainingJobResult `json:"result"`
	jobState
}

func toTrainingJobState(j *job.Job) (trainingJobState, error) {
	st, err := project.TrainingStateOf(j)
	if err != nil {
		return trainingJobState{}, err
	}
	return trainingJobState{
		Result: trainingJobResult{
			ModelLabel: st.ModelLabel, TrainingConfigVersion: st.ConfigVersion, TrainingMode: st.Mode,
			TrainingStatus: toSubState(st.Training), EvaluationStatus: toSubState(st.Evaluation),
			EstimatedEndDateTime: formatTime(st.EstimatedEnd),
		},
		jobState: toJobState(j),
	}, nil
}

// train implements ConversationalAnalysisAuthoring_Train.
func (s *Server) train(w http.ResponseWriter, r *http.Request, v project.APIVersion) {
	body, err := s.readBody(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var o project.TrainOptions
	if e := decodeBody(body, &o); e != nil {
		s.writeError(w, r, e)
		return
	}
	j, err := s.svc.Training.StartTraining(r.Context(), r.PathValue("projectName"), o, v)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.accepted(w, r, j)
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
	out := page[trainingJobState]{Value: []trainingJobState{}}
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

// projectTrainedModel is the spec's ProjectTrainedModel.
type projectTrainedModel struct {
	Label                         string `json:"label"`
	ModelID                       string `json:"modelId"`
	LastTrainedDateTime           string `json:"lastTrainedDateTime"`
	LastTrainingDurationInSeconds int    `json:"lastTrainingDurationInSeconds"`
	ModelExpirationDate           string `json:"modelExpirationDate"`
	ModelTrainingConfigVersion    string `json:"modelTrainingConfigVersion"`
	HasSnapshot                   *bool  `json:"hasSnapshot,omitempty"`
}

func toTrainedModel(m *project.Model, v project.APIVersion) projectTrainedModel {
	out := projectTrainedModel{
		Label: m.Label, ModelID: m.ID, LastTrainedDateTime: formatTime(m.Trained),
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
	out := make([]projectTrainedModel, len(models))
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

// confusionCell is a cell of the spec's confusion matrices.
type confusionCell struct {
	NormalizedValue float32 `json:"normalizedValue"`
	RawValue        float32 `json:"rawValue"`
}

// evaluationClass is the spec's EntityEvaluationSummary / IntentEvaluationSummary.
type evaluationClass struct {
	F1                 float64 `json:"f1"`
	Precision          float64 `json:"precision"`
	Recall             float64 `json:"recall"`
	TruePositiveCount  int     `json:"truePositiveCount"`
	TrueNegativeCount  int     `json:"trueNegativeCount"`
	FalsePositiveCount int     `json:"falsePositiveCount"`
	FalseNegativeCount int     `json:"falseNegativeCount"`
}

type entitiesEvaluationSummary struct {
	ConfusionMatrix map[string]map[string]confusionCell `json:"confusionMatrix"`
	Entities        map[string]evaluationClass          `json:"entities"`
	averages
}

type intentsEvaluationSummary struct {
	ConfusionMatrix map[string]map[string]confusionCell `json:"confusionMatrix"`
	Intents         map[string]evaluationClass          `json:"intents"`
	averages
}

type averages struct {
	MicroF1        float64 `json:"microF1"`
	MicroPrecision float64 `json:"microPrecision"`
	MicroRecall    float64 `json:"microRecall"`
	MacroF1        float64 `json:"macroF1"`
	MacroPrecision float64 `json:"macroPrecision"`
	MacroRecall    float64 `json:"macroRecall"`
}

// evaluationSummary is the spec's EvaluationSummary.
type evaluationSummary struct {
	EntitiesEvaluation entitiesEvaluationSummary `json:"entitiesEvaluation"`
	IntentsEvaluation  intentsEvaluationSummary  `json:"intentsEvaluation"`
	EvaluationOptions  project.EvaluationOptions `json:"evaluationOptions"`
}

func toBlock(b project.BlockEvaluation) (map[string]map[string]confusionCell, map[string]evaluationClass, averages) {
	cm := map[string]map[string]confusionCell{}
	for expected, row := range b.Confusion {
		out := map[string]confusionCell{}
		for predicted, c := range row {
			out[predicted] = confusionCell{NormalizedValue: float32(c.Normalized), RawValue: float32(c.Raw)}
		}
		cm[expected] = out
	}
	classes := map[string]evaluationClass{}
	for name, m := range b.Classes {
		classes[name] = evaluationClass{F1: m.F1, Precision: m.Precision, Recall: m.Recall,
			TruePositiveCount: m.TP, TrueNegativeCount: m.TN, FalsePositiveCount: m.FP, FalseNegativeCount: m.FN}
	}
	return cm, classes, averages{MicroF1: b.MicroF1, MicroPrecision: b.MicroPrecision, MicroRecall: b.MicroRecall,
		MacroF1: b.MacroF1, MacroPrecision: b.MacroPrecision, MacroRecall: b.MacroRecall}
}

// getModelEvaluationSummary implements ConversationalAnalysisAuthoring_GetModelEvaluationSummary.
func (s *Server) getModelEvaluationSummary(w http.ResponseWriter, r *http.Request, _ project.APIVersion) {
	e, err := s.svc.Training.ModelEvaluation(r.Context(), r.PathValue("projectName"), r.PathValue("trainedModelLabel"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var out evaluationSummary
	out.EntitiesEvaluation.ConfusionMatrix, out.EntitiesEvaluation.Entities, out.EntitiesEvaluation.averages = toBlock(e.Entities)
	out.IntentsEvaluation.ConfusionMatrix, out.IntentsEvaluation.Intents, out.IntentsEvaluation.averages = toBlock(e.Intents)
	out.EvaluationOptions = e.Options
	writeJSON(w, http.StatusOK, out)
}

type entityLabel struct {
	Category string `json:"category"`
	Offset   int    `json:"offset"`
	Length   int    `json:"length"`
}

type utteranceEvaluationResult struct {
	Text           string `json:"text"`
	Language       string `json:"language"`
	EntitiesResult struct {
		ExpectedEntities  []entityLabel `json:"expectedEntities"`
		PredictedEntities []entityLabel `json:"predictedEntities"`
	} `json:"entitiesResult"`
	IntentsResult struct {
		ExpectedIntent  string `json:"expectedIntent"`
		PredictedIntent string `json:"predictedIntent"`
	} `json:"intentsResult"`
}

func toLabels(ls []project.Label) []entityLabel {
	out := make([]entityLabel, len(ls))
	for i, l := range ls {
		out[i] = entityLabel{Category: l.Category, Offset: l.Offset, Length: l.Length}
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
	out := make([]utteranceEvaluationResult, len(e.Results))
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
