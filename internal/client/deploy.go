package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/parley-dev/parley/internal/wire"
)

// runtimePath is where the prediction API lives under the endpoint; the
// colon right after the slash is the spec's (RUNTIME.md §1).
const runtimePath = "/language/:analyze-conversations"

// deploymentPath is the path of a deployment under the authoring API.
func deploymentPath(project, deployment string) string {
	return projectPath(project) + "/deployments/" + url.PathEscape(deployment)
}

func decodeDeployment(raw json.RawMessage) (*Deployment, error) {
	d := &Deployment{}
	if err := json.Unmarshal(raw, d); err != nil {
		return nil, fmt.Errorf("deployment: %w", err)
	}
	d.Raw = raw
	return d, nil
}

// Deploy implements ConversationalAnalysisAuthoring_DeployProject: it
// deploys the model trained under label as deployment (creating it, or
// replacing the model it serves), follows the job to its end, then GETs the
// deployment as the Azure SDKs' pollers do. A job that failed or was
// cancelled comes back as a *JobError.
func (c *Client) Deploy(ctx context.Context, project, deployment, label string, opts *JobOptions) (*Deployment, error) {
	if opts == nil {
		opts = &JobOptions{}
	}
	if label == "" {
		return nil, errors.New("deploy: no trained model label")
	}
	body, err := json.Marshal(wire.CreateDeploymentDetails{TrainedModelLabel: label})
	if err != nil {
		return nil, err
	}
	if _, err := c.runJob(ctx, http.MethodPut, c.url(deploymentPath(project, deployment), nil), body, opts.ProgressFunc); err != nil {
		return nil, err
	}
	return c.GetDeployment(ctx, project, deployment)
}

// GetDeployment implements ConversationalAnalysisAuthoring_GetDeployment.
func (c *Client) GetDeployment(ctx context.Context, project, deployment string) (*Deployment, error) {
	var raw json.RawMessage
	u := c.url(deploymentPath(project, deployment), nil)
	if err := c.getJSON(ctx, u, &raw); err != nil {
		return nil, err
	}
	d, err := decodeDeployment(raw)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", u, err)
	}
	return d, nil
}

// ListDeployments implements ConversationalAnalysisAuthoring_ListDeployments:
// every deployment of project, following nextLink from page to page.
func (c *Client) ListDeployments(ctx context.Context, project string) ([]*Deployment, error) {
	var out []*Deployment
	err := c.listPages(ctx, "list deployments", c.url(projectPath(project)+"/deployments", nil), func(raw json.RawMessage) error {
		d, err := decodeDeployment(raw)
		if err == nil {
			out = append(out, d)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// PredictRequest are the arguments of Predict.
type PredictRequest struct {
	// Project and Deployment name the deployment to ask; both are required.
	Project    string
	Deployment string
	// Text is the utterance to analyze, at most 1,000 characters.
	Text string
	// Language, such as "en-us", overrides the project's language; "" keeps
	// it.
	Language string
	// StringIndexType is the unit of the entities' offsets and lengths; ""
	// leaves it to the server, whose default is TextElements.
	StringIndexType string
}

// Predict implements ConversationAnalysis_AnalyzeConversation for a
// Conversation project: it asks a deployment what r.Text means. Like
// job polls, it retries a 429 or 503 answer a few times, waiting as the
// server asks (capped by Options.MaxPollDelay).
func (c *Client) Predict(ctx context.Context, r PredictRequest) (*PredictResult, error) {
	req := wire.AnalyzeConversationTask{
		Kind: "Conversation",
		AnalysisInput: &wire.ConversationAnalysisInput{ConversationItem: &wire.TextConversationItem{
			ID: "1", ParticipantID: "1", Text: r.Text, Language: r.Language}},
		Parameters: &wire.ConversationTaskParameters{ProjectName: r.Project, DeploymentName: r.Deployment, StringIndexType: r.StringIndexType},
	}
	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	q := url.Values{"api-version": {c.apiVersion}}
	u := c.endpoint + runtimePath + "?" + q.Encode()
	var resp *http.Response
	for busy := 0; ; busy++ {
		resp, err = c.send(ctx, http.MethodPost, u, body)
		var e *Error
		if busy < maxBusyRetries && errors.As(err, &e) &&
			(e.StatusCode == http.StatusTooManyRequests || e.StatusCode == http.StatusServiceUnavailable) {
			delay := e.RetryAfter
			if delay == 0 {
				delay = DefaultPollDelay
			}
			if err := sleep(ctx, c.capDelay(delay)); err != nil {
				return nil, fmt.Errorf("predict: %w", err)
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		break
	}
	var raw json.RawMessage
	if err := decode(resp, &raw); err != nil {
		return nil, err
	}
	var answer struct {
		Kind   string `json:"kind"`
		Result *struct {
			Query            string `json:"query"`
			DetectedLanguage string `json:"detectedLanguage"`
			Prediction       *struct {
				ProjectKind string `json:"projectKind"`
			} `json:"prediction"`
		} `json:"result"`
	}
	if err := json.Unmarshal(raw, &answer); err != nil || answer.Result == nil || answer.Result.Prediction == nil {
		return nil, fmt.Errorf("POST %s: the answer is not a ConversationResult with a prediction", u)
	}
	// An Orchestration project's prediction has another shape.
	if kind := answer.Result.Prediction.ProjectKind; !strings.EqualFold(kind, "Conversation") {
		return nil, fmt.Errorf("predict: deployment %s of project %s is of kind %q; only Conversation predictions are supported", r.Deployment, r.Project, kind)
	}
	var full struct {
		Result PredictResult `json:"result"`
	}
	if err := json.Unmarshal(raw, &full); err != nil {
		return nil, fmt.Errorf("POST %s: the answer is not the JSON expected: %w", u, err)
	}
	full.Result.Raw = raw
	return &full.Result, nil
}
