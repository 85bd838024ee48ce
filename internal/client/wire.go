package client

import (
	"encoding/json"
	"fmt"

	"github.com/parley-dev/parley/internal/wire"
)

// The shapes the client reads and sends are internal/wire's, which the
// server writes too; the names below are the client's for them. Types that
// carry what the client adds (the answer's raw JSON, a job's URL) embed the
// wire type.

// ProjectMetadata is the spec's ProjectMetadata: what a project list or get
// returns for a project.
type ProjectMetadata struct {
	wire.ProjectMetadata
	// Raw is the project's JSON as the server sent it, members this type
	// does not know included.
	Raw json.RawMessage `json:"-"`
}

// JobStatus is the spec's JobStatus; Terminal tells a finished job.
type JobStatus = wire.JobStatus

// Job statuses of the spec's JobStatus enum.
const (
	JobNotStarted         = wire.JobNotStarted
	JobRunning            = wire.JobRunning
	JobCancelling         = wire.JobCancelling
	JobSucceeded          = wire.JobSucceeded
	JobFailed             = wire.JobFailed
	JobCancelled          = wire.JobCancelled
	JobPartiallyCompleted = wire.JobPartiallyCompleted
)

// Warning is an entry of a job's warnings array.
type Warning = wire.Warning

// JobState is the spec's job document (AUTHORING.md §3.2).
type JobState struct {
	wire.JobState
	// URL is the job's status URL, the operation-location that started it.
	URL string `json:"-"`
	// Raw is the job document as the server sent it, members this type
	// does not know (such as a training job's result) included.
	Raw json.RawMessage `json:"-"`
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

// Training modes of the spec's TrainingMode enum.
const (
	TrainingModeStandard = wire.TrainingModeStandard
	TrainingModeAdvanced = wire.TrainingModeAdvanced
)

// Evaluation kinds of the spec's EvaluationKind enum: EvaluationPercentage
// splits the labelled utterances at random, by the percentages of
// EvaluationOptions; EvaluationManual trains on the utterances of the Train
// dataset and tests on those of the Test dataset.
const (
	EvaluationPercentage = wire.EvaluationPercentage
	EvaluationManual     = wire.EvaluationManual
)

// Training and evaluation shapes of the spec.
type (
	EvaluationOptions               = wire.EvaluationOptions
	SubTrainingJobState             = wire.SubTrainingJobState
	TrainingJobResult               = wire.TrainingJobResult
	ProjectTrainedModel             = wire.ProjectTrainedModel
	ConfusionMatrixCell             = wire.ConfusionMatrixCell
	ConfusionMatrix                 = wire.ConfusionMatrix
	IntentEvaluationSummary         = wire.IntentEvaluationSummary
	EntityEvaluationSummary         = wire.EntityEvaluationSummary
	EvaluationAverages              = wire.EvaluationAverages
	IntentsEvaluationSummary        = wire.IntentsEvaluationSummary
	EntitiesEvaluationSummary       = wire.EntitiesEvaluationSummary
	UtteranceEntityEvaluationResult = wire.UtteranceEntityEvaluationResult
	UtteranceEvaluationResult       = wire.UtteranceEvaluationResult
)

// EvaluationSummary is the spec's EvaluationSummary of a trained model.
type EvaluationSummary struct {
	wire.EvaluationSummary
	// Raw is the summary's JSON as the server sent it.
	Raw json.RawMessage `json:"-"`
}

// DeploymentResource is the spec's AssignedDeploymentResource.
type DeploymentResource = wire.AssignedDeploymentResource

// Deployment is the spec's ProjectDeployment: a trained model deployed under
// a name, which predictions name.
type Deployment struct {
	wire.ProjectDeployment
	// Raw is the deployment's JSON as the server sent it, members this
	// type does not know included.
	Raw json.RawMessage `json:"-"`
}

// String index types of the spec's StringIndexType enum: the unit of a
// prediction's entity offsets and lengths (RUNTIME.md §4).
const (
	TextElements     = wire.TextElements // the prediction API's default: grapheme clusters
	UnicodeCodePoint = wire.UnicodeCodePoint
	Utf16CodeUnit    = wire.Utf16CodeUnit
)

// Extra information kinds of the spec's ExtraInformationKind enum.
const (
	ExtraListKey       = wire.ExtraListKey
	ExtraRegexKey      = wire.ExtraRegexKey
	ExtraEntitySubtype = wire.ExtraEntitySubtype
)

// Prediction shapes of the spec.
type (
	Intent           = wire.ConversationIntent
	Entity           = wire.ConversationEntity
	ExtraInformation = wire.ExtraInformation
	Prediction       = wire.ConversationPrediction
)

// PredictResult is the spec's AnalyzeConversationResult: the result member
// of a ConversationResult answer.
type PredictResult struct {
	wire.AnalyzeConversationResult
	// Raw is the server's whole answer, {"kind":"ConversationResult",
	// "result":{...}}, as it sent it.
	Raw json.RawMessage `json:"-"`
}
