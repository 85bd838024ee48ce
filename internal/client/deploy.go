package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// runtimePath is where the prediction API lives under the endpoint; the
// colon right after the slash is the spec's (RUNTIME.md §1).
const runtimePath = "/language/:analyze-conversations"

// DeploymentResource is the spec's AssignedDeploymentResource: an Azure
// resource a deployment is assigned to.
type DeploymentResource struct {
	ResourceID string `json:"resourceId"`
	Region     string `json:"region"`
}

// Deployment is the spec's ProjectDeployment: a trained model deployed under
// a name, which predictions name.
type Deployment struct {
	DeploymentName string `json:"deploymentName"`
	// ModelID is the id of the trained model's version the deployment
	// serves (ProjectTrainedModel.ModelID).
	ModelID              string    `json:"modelId"`
	LastTrainedDateTime  time.Time `json:"lastTrainedDateTime,omitzero"`
	LastDeployedDateTime time.Time `json:"lastDeployedDateTime,omitzero"`
	// DeploymentExpirationDate is a date, such as "2023-10-28".
	DeploymentExpirationDate   string `json:"deploymentExpirationDate"`
	ModelTrainingConfigVersion string `json:"modelTrainingConfigVersion"`
	// AssignedResources exists from api-version 2022-10-01-preview on.
	AssignedResources []DeploymentResource `json:"assignedResources,omitempty"`

	// Raw is the deployment's JSON as the server sent it, members this
	// type does not know included.
	Raw json.RawMessage `json:"-"`
}

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
	body, err := json.Marshal(struct {
		TrainedModelLabel string `json:"trainedModelLabel"`
	}{label})
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

// String index types of the spec's StringIndexType enum: the unit of a
// prediction's entity offsets and lengths (RUNTIME.md §4).
const (
	// TextElements is the prediction API's default: grapheme clusters.
	TextElements     = "TextElements_v8"
	UnicodeCodePoint = "UnicodeCodePoint"
	Utf16CodeUnit    = "Utf16CodeUnit"
)

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

// Intent is the spec's ConversationIntent: an intent and how likely the
// utterance means it.
type Intent struct {
	Category        string  `json:"category"`
	ConfidenceScore float64 `json:"confidenceScore"`
}

// ExtraInformation is the spec's BaseExtraInformation: ListKey (Key is the
// list key whose synonym matched), RegexKey (Key and RegexPattern) or
// EntitySubtype (Value).
type ExtraInformation struct {
	ExtraInformationKind string `json:"extraInformationKind"`
	Key                  string `json:"key,omitempty"`
	RegexPattern         string `json:"regexPattern,omitempty"`
	Value                string `json:"value,omitempty"`
}

// Extra information kinds of the spec's ExtraInformationKind enum.
const (
	ExtraListKey       = "ListKey"
	ExtraRegexKey      = "RegexKey"
	ExtraEntitySubtype = "EntitySubtype"
)

// Entity is the spec's ConversationEntity: an entity found in the
// utterance. Offset and Length count the request's StringIndexType units.
type Entity struct {
	Category        string  `json:"category"`
	Text            string  `json:"text"`
	Offset          int     `json:"offset"`
	Length          int     `json:"length"`
	ConfidenceScore float64 `json:"confidenceScore"`
	// Resolutions are the spec's BaseResolution values, left as JSON.
	Resolutions      []json.RawMessage  `json:"resolutions,omitempty"`
	ExtraInformation []ExtraInformation `json:"extraInformation,omitempty"`
}

// Prediction is the spec's ConversationPrediction.
type Prediction struct {
	ProjectKind string `json:"projectKind"`
	TopIntent   string `json:"topIntent"`
	// Intents are sorted by score, highest first.
	Intents  []Intent `json:"intents"`
	Entities []Entity `json:"entities"`
}

// TopScore is the score of the top intent, or 0 when the prediction has no
// intents.
func (p *Prediction) TopScore() float64 {
	for _, in := range p.Intents {
		if in.Category == p.TopIntent {
			return in.ConfidenceScore
		}
	}
	return 0
}

// PredictResult is the spec's AnalyzeConversationResult: the result member
// of a ConversationResult answer.
type PredictResult struct {
	// Query is the utterance, as sent.
	Query            string     `json:"query"`
	DetectedLanguage string     `json:"detectedLanguage,omitempty"`
	Prediction       Prediction `json:"prediction"`

	// Raw is the server's whole answer, {"kind":"ConversationResult",
	// "result":{...}}, as it sent it.
	Raw json.RawMessage `json:"-"`
}

// predictRequest is the spec's ConversationalTask of kind Conversation.
type predictRequest struct {
	Kind          string `json:"kind"`
	AnalysisInput struct {
		ConversationItem conversationItem `json:"conversationItem"`
	} `json:"analysisInput"`
	Parameters predictParameters `json:"parameters"`
}

// conversationItem is the spec's TextConversationItem. The id and the
// participantId are required, and not echoed.
type conversationItem struct {
	ID            string `json:"id"`
	ParticipantID string `json:"participantId"`
	Text          string `json:"text"`
	Language      string `json:"language,omitempty"`
}

// predictParameters is the spec's ConversationActionContent.
type predictParameters struct {
	ProjectName     string `json:"projectName"`
	DeploymentName  string `json:"deploymentName"`
	StringIndexType string `json:"stringIndexType,omitempty"`
}

// Predict implements ConversationAnalysis_AnalyzeConversation for a
// Conversation project: it asks a deployment what r.Text means. Like
// job polls, it retries a 429 or 503 answer a few times, waiting as the
// server asks (capped by Options.MaxPollDelay).
func (c *Client) Predict(ctx context.Context, r PredictRequest) (*PredictResult, error) {
	var req predictRequest
	req.Kind = "Conversation"
	req.AnalysisInput.ConversationItem = conversationItem{ID: "1", ParticipantID: "1", Text: r.Text, Language: r.Language}
	req.Parameters = predictParameters{ProjectName: r.Project, DeploymentName: r.Deployment, StringIndexType: r.StringIndexType}
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
