package wire

import "encoding/json"

// ResourceMetadata is the spec's ResourceMetadata: an item of the :assign
// body.
type ResourceMetadata struct {
	AzureResourceID string `json:"azureResourceId"`
	CustomDomain    string `json:"customDomain"`
	Region          string `json:"region"`
}

// AssignDeploymentResourcesDetails is the body of :assign: 2025-11-01 and
// before spell the list resourcesMetadata, 2025-11-15-preview
// projectResources (VERSIONS.md §3.2); both are read on every version.
type AssignDeploymentResourcesDetails struct {
	ResourcesMetadata []ResourceMetadata `json:"resourcesMetadata"`
	ProjectResources  []ResourceMetadata `json:"projectResources"`
}

// ResourceIDsDetails is the body of :unassign and :delete-from-resources:
// the spec's assignedResourceIds, or the later SDKs' azureResourceIds
// (VERSIONS.md §3.2, §3.3). Items are id strings or objects with
// azureResourceId or resourceId; the api package reads them.
type ResourceIDsDetails struct {
	AssignedResourceIDs []json.RawMessage `json:"assignedResourceIds"`
	AzureResourceIDs    []json.RawMessage `json:"azureResourceIds"`
}

// ResourceIDObject is an object item of ResourceIDsDetails.
type ResourceIDObject struct {
	AzureResourceID *string `json:"azureResourceId"`
	ResourceID      *string `json:"resourceId"`
}

// ProjectResourceInfo is an item of GET .../resources: the spec's
// AssignedDeploymentResource of that list (2025-11-01) or
// ProjectResourceInfo (2025-11-15-preview), the same shape in both.
type ProjectResourceInfo struct {
	AzureResourceID string `json:"azureResourceId"`
	Region          string `json:"region"`
}

// AssignedProjectDeploymentMetadata is the spec's
// AssignedProjectDeploymentMetadata.
type AssignedProjectDeploymentMetadata struct {
	DeploymentName           string   `json:"deploymentName"`
	LastDeployedDateTime     DateTime `json:"lastDeployedDateTime"`
	DeploymentExpirationDate string   `json:"deploymentExpirationDate"`
}

// AssignedProjectDeploymentsMetadata is the spec's
// AssignedProjectDeploymentsMetadata, an item of
// GET .../projects/global/deployments/resources.
type AssignedProjectDeploymentsMetadata struct {
	ProjectName         string                              `json:"projectName"`
	DeploymentsMetadata []AssignedProjectDeploymentMetadata `json:"deploymentsMetadata"`
}
