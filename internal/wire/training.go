package wire

import "encoding/json"

// Training modes of the spec's TrainingMode enum.
const (
	TrainingModeStandard = "standard"
	TrainingModeAdvanced = "advanced"
)

// Evaluation kinds of the spec's EvaluationKind enum.
const (
	EvaluationPercentage = "percentage"
	EvaluationManual     = "manual"
)

// TrainingJobOptions is the spec's TrainingJobOptions, the body of :train.
type TrainingJobOptions struct {
	ModelLabel            string             `json:"modelLabel"`
	TrainingMode          string             `json:"trainingMode"`
	TrainingConfigVersion string             `json:"trainingConfigVersion,omitempty"`
	EvaluationOptions     *EvaluationOptions `json:"evaluationOptions,omitempty"`
	// DataGenerationSettings (from 2025-05-15-preview) asks the service to
	// generate training utterances with an Azure OpenAI deployment.
	DataGenerationSettings *DataGenerationSettings `json:"dataGenerationSettings,omitempty"`
}

// DataGenerationSettings is the spec's DataGenerationSettings.
type DataGenerationSettings struct {
	EnableDataGeneration         *bool                         `json:"enableDataGeneration"`
	DataGenerationConnectionInfo *DataGenerationConnectionInfo `json:"dataGenerationConnectionInfo"`
}

// DataGenerationConnectionInfo names the Azure OpenAI deployment that
// generates the data.
type DataGenerationConnectionInfo struct {
	Kind           string `json:"kind"`
	DeploymentName string `json:"deploymentName"`
	ResourceID     string `json:"resourceId,omitempty"`
}

// EvaluationOptions is the spec's EvaluationOptions: how a training splits
// the utterances into training and testing sets. The percentages are only
// for kind percentage (or no kind, which means percentage): MarshalJSON
// writes both then, zeros included, and neither for kind manual.
type EvaluationOptions struct {
	Kind                    string `json:"kind,omitempty"`
	TrainingSplitPercentage int    `json:"trainingSplitPercentage"`
	TestingSplitPercentage  int    `json:"testingSplitPercentage"`
}

// MarshalJSON implements json.Marshaler.
func (o EvaluationOptions) MarshalJSON() ([]byte, error) {
	type plain EvaluationOptions
	if o.Kind == EvaluationManual {
		return json.Marshal(struct {
			Kind string `json:"kind"`
		}{o.Kind})
	}
	return json.Marshal(plain(o))
}

// SubTrainingJobState is the spec's SubTrainingJobState: one phase of a
// training job.
type SubTrainingJobState struct {
	PercentComplete int       `json:"percentComplete"`
	StartDateTime   DateTime  `json:"startDateTime,omitzero"`
	EndDateTime     DateTime  `json:"endDateTime,omitzero"`
	Status          JobStatus `json:"status"`
}

// TrainingJobResult is the spec's TrainingJobResult.
type TrainingJobResult struct {
	ModelLabel            string              `json:"modelLabel"`
	TrainingConfigVersion string              `json:"trainingConfigVersion"`
	TrainingMode          string              `json:"trainingMode,omitempty"`
	TrainingStatus        SubTrainingJobState `json:"trainingStatus"`
	EvaluationStatus      SubTrainingJobState `json:"evaluationStatus"`
	EstimatedEndDateTime  DateTime            `json:"estimatedEndDateTime,omitzero"`
}

// TrainingJobState is the spec's TrainingJobState: the job document with a
// required result.
type TrainingJobState struct {
	Result TrainingJobResult `json:"result"`
	JobState
}

// ProjectTrainedModel is the spec's ProjectTrainedModel.
type ProjectTrainedModel struct {
	Label                         string   `json:"label"`
	ModelID                       string   `json:"modelId"`
	LastTrainedDateTime           DateTime `json:"lastTrainedDateTime"`
	LastTrainingDurationInSeconds int      `json:"lastTrainingDurationInSeconds"`
	ModelExpirationDate           string   `json:"modelExpirationDate"`
	ModelTrainingConfigVersion    string   `json:"modelTrainingConfigVersion"`
	// HasSnapshot exists from api-version 2022-10-01-preview on.
	HasSnapshot *bool `json:"hasSnapshot,omitempty"`
}

// ConfusionMatrixCell is a cell of the spec's confusion matrices, float32
// as the service computes them.
type ConfusionMatrixCell struct {
	NormalizedValue float32 `json:"normalizedValue"`
	RawValue        float32 `json:"rawValue"`
}

// ConfusionMatrix maps an expected class to the predicted classes.
type ConfusionMatrix map[string]map[string]ConfusionMatrixCell

// ClassEvaluationSummary is the shape the spec's IntentEvaluationSummary and
// EntityEvaluationSummary share.
type ClassEvaluationSummary struct {
	F1                 float64 `json:"f1"`
	Precision          float64 `json:"precision"`
	Recall             float64 `json:"recall"`
	TruePositiveCount  int     `json:"truePositiveCount"`
	TrueNegativeCount  int     `json:"trueNegativeCount"`
	FalsePositiveCount int     `json:"falsePositiveCount"`
	FalseNegativeCount int     `json:"falseNegativeCount"`
}

// IntentEvaluationSummary is the spec's IntentEvaluationSummary.
type IntentEvaluationSummary = ClassEvaluationSummary

// EntityEvaluationSummary is the spec's EntityEvaluationSummary.
type EntityEvaluationSummary = ClassEvaluationSummary

// EvaluationAverages are the averages the spec's Intents- and
// EntitiesEvaluationSummary carry.
type EvaluationAverages struct {
	MicroF1        float64 `json:"microF1"`
	MicroPrecision float64 `json:"microPrecision"`
	MicroRecall    float64 `json:"microRecall"`
	MacroF1        float64 `json:"macroF1"`
	MacroPrecision float64 `json:"macroPrecision"`
	MacroRecall    float64 `json:"macroRecall"`
}

// EntitiesEvaluationSummary is the spec's EntitiesEvaluationSummary.
type EntitiesEvaluationSummary struct {
	ConfusionMatrix ConfusionMatrix                    `json:"confusionMatrix"`
	Entities        map[string]EntityEvaluationSummary `json:"entities"`
	EvaluationAverages
}

// IntentsEvaluationSummary is the spec's IntentsEvaluationSummary.
type IntentsEvaluationSummary struct {
	ConfusionMatrix ConfusionMatrix                    `json:"confusionMatrix"`
	Intents         map[string]IntentEvaluationSummary `json:"intents"`
	EvaluationAverages
}

// EvaluationSummary is the spec's EvaluationSummary.
type EvaluationSummary struct {
	EntitiesEvaluation EntitiesEvaluationSummary `json:"entitiesEvaluation"`
	IntentsEvaluation  IntentsEvaluationSummary  `json:"intentsEvaluation"`
	EvaluationOptions  *EvaluationOptions        `json:"evaluationOptions,omitempty"`
}

// UtteranceEntityEvaluationResult is an entity of the spec's
// UtteranceEntitiesEvaluationResult.
type UtteranceEntityEvaluationResult struct {
	Category string `json:"category"`
	Offset   int    `json:"offset"`
	Length   int    `json:"length"`
}

// UtteranceEvaluationResult is the spec's UtteranceEvaluationResult.
type UtteranceEvaluationResult struct {
	Text           string                            `json:"text"`
	Language       string                            `json:"language"`
	EntitiesResult UtteranceEntitiesEvaluationResult `json:"entitiesResult"`
	IntentsResult  UtteranceIntentsEvaluationResult  `json:"intentsResult"`
}

// UtteranceEntitiesEvaluationResult is the spec's UtteranceEntitiesEvaluationResult.
type UtteranceEntitiesEvaluationResult struct {
	ExpectedEntities  []UtteranceEntityEvaluationResult `json:"expectedEntities"`
	PredictedEntities []UtteranceEntityEvaluationResult `json:"predictedEntities"`
}

// UtteranceIntentsEvaluationResult is the spec's UtteranceIntentsEvaluationResult.
type UtteranceIntentsEvaluationResult struct {
	ExpectedIntent  string `json:"expectedIntent"`
	PredictedIntent string `json:"predictedIntent"`
}
