package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/parley-dev/parley/internal/wire"
)

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

// TrainingJobState is the spec's TrainingJobState: a job document with a
// result.
type TrainingJobState struct {
	JobState
	Result TrainingJobResult `json:"result"`
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
	body := wire.TrainingJobOptions{ModelLabel: o.ModelLabel, TrainingMode: o.TrainingMode,
		TrainingConfigVersion: o.TrainingConfigVersion, EvaluationOptions: o.Evaluation}
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
