package wire

// CopyAuthorizationOptions is the body of :authorize-copy
// (ConversationalAnalysisAuthoring_CopyProjectAuthorization, spec model
// CopyAuthorizationOptions, api-version 2023-04-15-preview on).
type CopyAuthorizationOptions struct {
	ProjectKind               string `json:"projectKind"`
	StorageInputContainerName string `json:"storageInputContainerName,omitempty"`
	AllowOverwrite            *bool  `json:"allowOverwrite,omitempty"`
}

// CopyProjectOptions is what :authorize-copy answers on the target and the
// body of :copy on the source (spec model CopyProjectOptions; all six
// fields required).
type CopyProjectOptions struct {
	ProjectKind          string   `json:"projectKind"`
	TargetProjectName    string   `json:"targetProjectName"`
	AccessToken          string   `json:"accessToken"`
	ExpiresAt            DateTime `json:"expiresAt"`
	TargetResourceID     string   `json:"targetResourceId"`
	TargetResourceRegion string   `json:"targetResourceRegion"`
}
