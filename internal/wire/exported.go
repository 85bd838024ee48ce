package wire

// ExportedTrainedModel is the spec's ExportedTrainedModel (2024-11-15-preview
// and later; VERSIONS.md §4): all six members are required.
type ExportedTrainedModel struct {
	ExportedModelName          string   `json:"exportedModelName"`
	ModelID                    string   `json:"modelId"`
	LastTrainedDateTime        DateTime `json:"lastTrainedDateTime"`
	LastExportedModelDateTime  DateTime `json:"lastExportedModelDateTime"`
	ModelExpirationDate        string   `json:"modelExpirationDate"`
	ModelTrainingConfigVersion string   `json:"modelTrainingConfigVersion"`
}

// ExportedModelDetails is the spec's ExportedModelDetails, the body of the
// PUT that creates or replaces an exported model. encoding/json matches the
// key case-insensitively, so the CLU container doc's "TrainedModelLabel" is
// read too.
type ExportedModelDetails struct {
	TrainedModelLabel string `json:"trainedModelLabel"`
}
