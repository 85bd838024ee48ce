package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// Training modes of the spec's TrainingMode enum.
const (
	TrainingModeStandard = "standard"
	TrainingModeAdvanced = "advanced"
)

// Evaluation kinds of the spec's EvaluationKind enum.
const (
	// EvaluationPercentage splits the labelled utterances at random, by
	// the percentages of EvaluationOptions.
	EvaluationPercentage = "percentage"
	// EvaluationManual trains on the utterances of the Train dataset and
	// tests on those of the Test dataset.
	EvaluationManual = "manual"
)

// EvaluationOptions is the spec's EvaluationOptions: how a training splits
// the utterances into a training and a testing set.
type EvaluationOptions struct {
	// Kind is EvaluationPercentage or EvaluationManual.
	Kind                    string `json:"kind,omitempty"`
	TrainingSplitPercentage int    `json:"trainingSplitPercentage,omitempty"`
	TestingSplitPercentage  int    `json:"testingSplitPercentage,omitempty"`
}

// TrainOptions are the arguments of Train: the spec's TrainingJobOptions.
type TrainOptions struct {
	// ModelLabel is the label of the model to train; a model already
	// trained under it is replaced once the training succeeds.
	ModelLabel string
	// TrainingMode is TrainingModeStandard (the default) or
	// TrainingModeAdvanced.
	TrainingMode string
	// TrainingConfigVersion is the training configuration; "" means the
	// latest.
	TrainingConfigVersion string
	// Evaluation says how to split the utterances; nil leaves it to the
	// service, which splits 80% for training and 20% for testing. With
	// Kind EvaluationPercentage, a zero TestingSplitPercentage means the
	// rest of TrainingSplitPercentage.
	Evaluation *EvaluationOptions
}

// SubTrainingJobState is the spec's SubTrainingJobState: the progress of
// one phase (training or evaluation) of a training job.
type SubTrainingJobState struct {
	PercentComplete int       `json:"percentComplete"`
	StartDateTime   time.Time `json:"startDateTime,omitzero"`
	EndDateTime     time.Time `json:"endDateTime,omitzero"`
	Status          JobStatus `json:"status"`
}

// TrainingJobResult is the spec's TrainingJobResult: the result member of a
// training job's document.
type TrainingJobResult struct {
	ModelLabel            string              `json:"modelLabel"`
	TrainingConfigVersion string              `json:"trainingConfigVersion"`
	TrainingMode          string              `json:"trainingMode,omitempty"`
	TrainingStatus        SubTrainingJobState `json:"trainingStatus"`
	EvaluationStatus      SubTrainingJobState `json:"evaluationStatus"`
	EstimatedEndDateTime  time.Time           `json:"estimatedEndDateTime,omitzero"`
}

// TrainingJobState is the spec's TrainingJobState: a job document with a
// result.
type TrainingJobState struct {
	JobState
	Result TrainingJobResult `json:"result"`
}

// TrainingResult decodes the result member of a training job's document
// (s.Raw), as a JobOptions.ProgressFunc of Train sees it.
func (s *JobState) TrainingResult() (*TrainingJobResult, error) {
	var doc struct {
		Result *TrainingJobResult `json:"result"`
	}
	if err := json.Unmarshal(s.Raw, &doc); err != nil {
		return nil, fmt.Errorf("job %s: result: %w", s.JobID, err)
	}
	if doc.Result == nil {
		return nil, fmt.Errorf("job %s has no result: it is not a training job", s.JobID)
	}
	return doc.Result, nil
}

// Train implements ConversationalAnalysisAuthoring_Train: it starts a
// training of project and follows the job to its end. It returns the final
// state, and a *JobError too when the training failed or was cancelled (the
// state is nil only when the training did not start or could not be
// followed).
func (c *Client) Train(ctx context.Context, project string, o TrainOptions, opts *JobOptions) (*TrainingJobState, error) {
	if opts == nil {
		opts = &JobOptions{}
	}
	if o.ModelLabel == "" {
		return nil, errors.New("train: no model label")
	}
	body := struct {
		ModelLabel            string             `json:"modelLabel"`
		TrainingMode          string             `json:"trainingMode"`
		TrainingConfigVersion string             `json:"trainingConfigVersion,omitempty"`
		EvaluationOptions     *EvaluationOptions `json:"evaluationOptions,omitempty"`
	}{o.ModelLabel, o.TrainingMode, o.TrainingConfigVersion, o.Evaluation}
	if body.TrainingMode == "" {
		body.TrainingMode = TrainingModeStandard
	}
	if eo := o.Evaluation; eo != nil && eo.Kind == EvaluationPercentage && eo.TestingSplitPercentage == 0 && eo.TrainingSplitPercentage > 0 {
		e := *eo
		e.TestingSplitPercentage = 100 - e.TrainingSplitPercentage
		body.EvaluationOptions = &e
	}
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	st, err := c.runJob(ctx, http.MethodPost, c.url(projectPath(project)+"/:train", nil), b, opts.ProgressFunc)
	if st == nil {
		return nil, err
	}
	r, rerr := st.TrainingResult()
	if rerr != nil {
		if err != nil { // the job's failure says more
			return nil, err
		}
		return nil, rerr
	}
	return &TrainingJobState{JobState: *st, Result: *r}, err
}

// ProjectTrainedModel is the spec's ProjectTrainedModel: a trained model of
// a project.
type ProjectTrainedModel struct {
	Label                         string    `json:"label"`
	ModelID                       string    `json:"modelId"`
	LastTrainedDateTime           time.Time `json:"lastTrainedDateTime,omitzero"`
	LastTrainingDurationInSeconds int       `json:"lastTrainingDurationInSeconds"`
	// ModelExpirationDate is a date, such as "2022-10-28".
	ModelExpirationDate        string `json:"modelExpirationDate"`
	ModelTrainingConfigVersion string `json:"modelTrainingConfigVersion"`
	// HasSnapshot is false in api-version 2022-05-01, which lacks it.
	HasSnapshot bool `json:"hasSnapshot"`
}

// modelPath is the path of a trained model under the authoring API.
func modelPath(project, label string) string {
	return projectPath(project) + "/models/" + url.PathEscape(label)
}

// ListModels implements ConversationalAnalysisAuthoring_ListTrainedModels:
// every trained model of project, following nextLink from page to page.
func (c *Client) ListModels(ctx context.Context, project string) ([]*ProjectTrainedModel, error) {
	var out []*ProjectTrainedModel
	err := c.listPages(ctx, "list models", c.url(projectPath(project)+"/models", nil), func(raw json.RawMessage) error {
		m := &ProjectTrainedModel{}
		if err := json.Unmarshal(raw, m); err != nil {
			return fmt.Errorf("trained model: %w", err)
		}
		out = append(out, m)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GetModel implements ConversationalAnalysisAuthoring_GetTrainedModel.
func (c *Client) GetModel(ctx context.Context, project, label string) (*ProjectTrainedModel, error) {
	m := &ProjectTrainedModel{}
	if err := c.getJSON(ctx, c.url(modelPath(project, label), nil), m); err != nil {
		return nil, err
	}
	return m, nil
}

// ConfusionMatrixCell is the spec's ConfusionMatrixCell.
type ConfusionMatrixCell struct {
	// NormalizedValue is the cell's share of its row, in percent (0-100).
	NormalizedValue float64 `json:"normalizedValue"`
	// RawValue is the cell's count, which may be fractional for entities.
	RawValue float64 `json:"rawValue"`
}

// ConfusionMatrix is the spec's ConfusionMatrix: expected class to predicted
// class to cell. Only non-empty cells are present. In an entities matrix,
// "$none" stands for no entity.
type ConfusionMatrix map[string]map[string]ConfusionMatrixCell

// IntentEvaluationSummary is the spec's IntentEvaluationSummary: the scores
// and counts of one intent.
type IntentEvaluationSummary struct {
	F1                 float64 `json:"f1"`
	Precision          float64 `json:"precision"`
	Recall             float64 `json:"recall"`
	TruePositiveCount  int     `json:"truePositiveCount"`
	TrueNegativeCount  int     `json:"trueNegativeCount"`
	FalsePositiveCount int     `json:"falsePositiveCount"`
	FalseNegativeCount int     `json:"falseNegativeCount"`
}

// EntityEvaluationSummary is the spec's EntityEvaluationSummary: the scores
// and counts of one entity.
type EntityEvaluationSummary IntentEvaluationSummary

// EvaluationAverages are the micro and macro averages of an intents or
// entities evaluation, in [0, 1]. Micro averages come from the counts summed
// over the classes; macro averages are the means of the per-class values.
type EvaluationAverages struct {
	MicroF1        float64 `json:"microF1"`
	MicroPrecision float64 `json:"microPrecision"`
	MicroRecall    float64 `json:"microRecall"`
	MacroF1        float64 `json:"macroF1"`
	MacroPrecision float64 `json:"macroPrecision"`
	MacroRecall    float64 `json:"macroRecall"`
}

// IntentsEvaluationSummary is the spec's IntentsEvaluationSummary.
type IntentsEvaluationSummary struct {
	ConfusionMatrix ConfusionMatrix                    `json:"confusionMatrix"`
	Intents         map[string]IntentEvaluationSummary `json:"intents"`
	EvaluationAverages
}

// EntitiesEvaluationSummary is the spec's EntitiesEvaluationSummary.
type EntitiesEvaluationSummary struct {
	ConfusionMatrix ConfusionMatrix                    `json:"confusionMatrix"`
	Entities        map[string]EntityEvaluationSummary `json:"entities"`
	EvaluationAverages
}

// EvaluationSummary is the spec's EvaluationSummary: how a trained model did
// on its testing set.
type EvaluationSummary struct {
	IntentsEvaluation  IntentsEvaluationSummary  `json:"intentsEvaluation"`
	EntitiesEvaluation EntitiesEvaluationSummary `json:"entitiesEvaluation"`
	// EvaluationOptions is optional in the spec.
	EvaluationOptions *EvaluationOptions `json:"evaluationOptions,omitempty"`

	// Raw is the summary's JSON as the server sent it.
	Raw json.RawMessage `json:"-"`
}

// EvaluationSummary implements
// ConversationalAnalysisAuthoring_GetModelEvaluationSummary for the model
// trained under label.
func (c *Client) EvaluationSummary(ctx context.Context, project, label string) (*EvaluationSummary, error) {
	u := c.url(modelPath(project, label)+"/evaluation/summary-result", nil)
	var raw json.RawMessage
	if err := c.getJSON(ctx, u, &raw); err != nil {
		return nil, err
	}
	s := &EvaluationSummary{Raw: raw}
	if err := json.Unmarshal(raw, s); err != nil {
		return nil, fmt.Errorf("GET %s: the evaluation summary is not the JSON expected: %w", u, err)
	}
	return s, nil
}

// UtteranceEntityEvaluationResult is an entity label of an evaluated
// utterance; offset and length count UTF-16 code units.
type UtteranceEntityEvaluationResult struct {
	Category string `json:"category"`
	Offset   int    `json:"offset"`
	Length   int    `json:"length"`
}

// UtteranceEvaluationResult is the spec's UtteranceEvaluationResult: how a
// model did on one utterance of its testing set.
type UtteranceEvaluationResult struct {
	Text           string `json:"text"`
	Language       string `json:"language"`
	EntitiesResult struct {
		ExpectedEntities  []UtteranceEntityEvaluationResult `json:"expectedEntities"`
		PredictedEntities []UtteranceEntityEvaluationResult `json:"predictedEntities"`
	} `json:"entitiesResult"`
	IntentsResult struct {
		ExpectedIntent  string `json:"expectedIntent"`
		PredictedIntent string `json:"predictedIntent"`
	} `json:"intentsResult"`
}

// EvaluationResults implements
// ConversationalAnalysisAuthoring_GetModelEvaluationResults: the result of
// every utterance of the model's testing set, with offsets in UTF-16 code
// units, following nextLink from page to page.
func (c *Client) EvaluationResults(ctx context.Context, project, label string) ([]*UtteranceEvaluationResult, error) {
	var out []*UtteranceEvaluationResult
	q := url.Values{"stringIndexType": {"Utf16CodeUnit"}}
	err := c.listPages(ctx, "evaluation results", c.url(modelPath(project, label)+"/evaluation/result", q), func(raw json.RawMessage) error {
		r := &UtteranceEvaluationResult{}
		if err := json.Unmarshal(raw, r); err != nil {
			return fmt.Errorf("utterance evaluation result: %w", err)
		}
		out = append(out, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// getJSON GETs u and decodes the answer into v.
func (c *Client) getJSON(ctx context.Context, u string, v any) error {
	resp, err := c.send(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	return decode(resp, v)
}
