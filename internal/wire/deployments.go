package wire

// CreateDeploymentDetails is the spec's CreateDeploymentDetails, the body of
// a deployment's PUT.
type CreateDeploymentDetails struct {
	TrainedModelLabel string `json:"trainedModelLabel"`
}

// SwapDeploymentsDetails is the spec's SwapDeploymentsDetails, the body of
// :swap.
type SwapDeploymentsDetails struct {
	FirstDeploymentName  string `json:"firstDeploymentName"`
	SecondDeploymentName string `json:"secondDeploymentName"`
}

// AssignedDeploymentResource is the spec's AssignedDeploymentResource: an
// Azure resource a deployment is assigned to.
//
// Up to 2025-11-01 the id is resourceId; 2025-11-15-preview spells it
// azureResourceId (VERSIONS.md §3.2): exactly one of the two is set.
type AssignedDeploymentResource struct {
	ResourceID      string `json:"resourceId,omitempty"`
	AzureResourceID string `json:"azureResourceId,omitempty"`
	Region          string `json:"region"`
}

// ProjectDeployment is the spec's ProjectDeployment.
type ProjectDeployment struct {
	DeploymentName             string   `json:"deploymentName"`
	ModelID                    string   `json:"modelId"`
	LastTrainedDateTime        DateTime `json:"lastTrainedDateTime"`
	LastDeployedDateTime       DateTime `json:"lastDeployedDateTime"`
	DeploymentExpirationDate   string   `json:"deploymentExpirationDate"`
	ModelTrainingConfigVersion string   `json:"modelTrainingConfigVersion"`
	// AssignedResources exists in 2022-10-01-preview and from
	// 2024-11-15-preview on: nil omits it, empty writes [].
	AssignedResources *[]AssignedDeploymentResource `json:"assignedResources,omitempty"`
}
