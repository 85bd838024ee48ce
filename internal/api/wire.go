package api

import (
	"time"

	"github.com/parley-dev/parley/internal/azerr"
	"github.com/parley-dev/parley/internal/job"
	"github.com/parley-dev/parley/internal/project"
)

// formatTime writes a timestamp as the service does: UTC, whole seconds.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05Z")
}

// projectMetadata is the spec's ProjectMetadata, in the examples' key order.
type projectMetadata struct {
	CreatedDateTime           string            `json:"createdDateTime"`
	LastModifiedDateTime      string            `json:"lastModifiedDateTime"`
	LastTrainedDateTime       string            `json:"lastTrainedDateTime,omitempty"`
	LastDeployedDateTime      string            `json:"lastDeployedDateTime,omitempty"`
	ProjectKind               project.Kind      `json:"projectKind"`
	Settings                  *project.Settings `json:"settings,omitempty"`
	StorageInputContainerName string            `json:"storageInputContainerName,omitempty"`
	ProjectName               string            `json:"projectName"`
	Multilingual              bool              `json:"multilingual"`
	Description               string            `json:"description,omitempty"`
	Language                  string            `json:"language"`
}

func toProjectMetadata(p *project.Project) projectMetadata {
	return projectMetadata{
		CreatedDateTime:           formatTime(p.Created),
		LastModifiedDateTime:      formatTime(p.Modified),
		LastTrainedDateTime:       formatTime(p.LastTrained),
		LastDeployedDateTime:      formatTime(p.LastDeployed),
		ProjectKind:               p.Kind,
		Settings:                  p.Settings,
		StorageInputContainerName: p.StorageInputContainerName,
		ProjectName:               p.Name,
		Multilingual:              p.Multilingual,
		Description:               p.Description,
		Language:                  p.Language,
	}
}

// jobState is the spec's common job document, with resultUrl for exports.
type jobState struct {
	ResultURL           string         `json:"resultUrl,omitempty"`
	JobID               string         `json:"jobId"`
	CreatedDateTime     string         `json:"createdDateTime"`
	LastUpdatedDateTime string         `json:"lastUpdatedDateTime"`
	ExpirationDateTime  string         `json:"expirationDateTime"`
	Status              job.Status     `json:"status"`
	Warnings            []job.Warning  `json:"warnings,omitempty"`
	Errors              []*azerr.Error `json:"errors,omitempty"`
}

func toJobState(j *job.Job) jobState {
	return jobState{
		JobID:               j.ID,
		CreatedDateTime:     formatTime(j.Created),
		LastUpdatedDateTime: formatTime(j.Updated),
		ExpirationDateTime:  formatTime(j.Expires),
		Status:              j.Status,
		Warnings:            j.Warnings,
		Errors:              j.Errors,
	}
}

// page is a page of a list operation.
type page[T any] struct {
	Value    []T     `json:"value"`
	NextLink *string `json:"nextLink"`
}
