package wire

// EvaluationJobResult is the spec's EvaluationJobResult: the result of
// :evaluate's job (api-versions 2023-04-15-preview and later).
type EvaluationJobResult struct {
	EvaluationOptions     EvaluationOptions `json:"evaluationOptions"`
	ModelLabel            string            `json:"modelLabel"`
	TrainingConfigVersion string            `json:"trainingConfigVersion"`
	PercentComplete       int               `json:"percentComplete"`
}

// EvaluationJobState is the spec's EvaluationJobState.
type EvaluationJobState struct {
	Result EvaluationJobResult `json:"result"`
	JobState
}
