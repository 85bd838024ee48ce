package wire

import "encoding/json"

// ProjectMetadata is the spec's ProjectMetadata: what a project list or get
// returns for a project.
type ProjectMetadata struct {
	CreatedDateTime      DateTime `json:"createdDateTime"`
	LastModifiedDateTime DateTime `json:"lastModifiedDateTime"`
	LastTrainedDateTime  DateTime `json:"lastTrainedDateTime,omitzero"`
	LastDeployedDateTime DateTime `json:"lastDeployedDateTime,omitzero"`
	ProjectKind          string   `json:"projectKind"`
	// Settings is the spec's ProjectSettings, kept as JSON: members beside
	// confidenceThreshold round-trip unchanged.
	Settings                  json.RawMessage `json:"settings,omitempty"`
	StorageInputContainerName string          `json:"storageInputContainerName,omitempty"`
	ProjectName               string          `json:"projectName"`
	Multilingual              bool            `json:"multilingual"`
	Description               string          `json:"description,omitempty"`
	Language                  string          `json:"language"`
	// LUISAppID is a Parley extension (docs/compatibility.md, "LUIS
	// prediction endpoint"): the LUIS app id the LUIS prediction routes
	// find the project by. Sent only when set, so that answers for projects
	// without one stay as Azure's.
	LUISAppID string `json:"luisAppId,omitempty"`
}

// SupportedLanguage is an entry of the spec's SupportedLanguages.
type SupportedLanguage struct {
	LanguageName string `json:"languageName"`
	LanguageCode string `json:"languageCode"`
}

// PrebuiltEntity is an entry of the spec's PrebuiltEntities.
type PrebuiltEntity struct {
	Category    string `json:"category"`
	Description string `json:"description"`
	Examples    string `json:"examples"`
}

// TrainingConfigVersion is an entry of the spec's TrainingConfigVersions.
type TrainingConfigVersion struct {
	TrainingConfigVersion string `json:"trainingConfigVersion"`
	ModelExpirationDate   string `json:"modelExpirationDate"`
}
