package api

import (
	"encoding/json"

	"github.com/parley-dev/parley/internal/job"
	"github.com/parley-dev/parley/internal/project"
	"github.com/parley-dev/parley/internal/wire"
)

// This file and the to* functions beside the handlers map domain values
// into the wire types of internal/wire; nothing of package project or job is
// encoded onto the wire as it is.

func toProjectMetadata(p *project.Project) wire.ProjectMetadata {
	out := wire.ProjectMetadata{
		CreatedDateTime:           wire.At(p.Created),
		LastModifiedDateTime:      wire.At(p.Modified),
		LastTrainedDateTime:       wire.At(p.LastTrained),
		LastDeployedDateTime:      wire.At(p.LastDeployed),
		ProjectKind:               string(p.Kind),
		StorageInputContainerName: p.StorageInputContainerName,
		ProjectName:               p.Name,
		Multilingual:              p.Multilingual,
		Description:               p.Description,
		Language:                  p.Language,
		LUISAppID:                 p.LUISAppID,
	}
	if p.Settings != nil {
		// The project file's encoding of the settings, members beside
		// confidenceThreshold included; it cannot fail.
		out.Settings, _ = json.Marshal(p.Settings)
	}
	return out
}

func toJobState(j *job.Job) wire.JobState {
	out := wire.JobState{
		JobID:               j.ID,
		CreatedDateTime:     wire.At(j.Created),
		LastUpdatedDateTime: wire.At(j.Updated),
		ExpirationDateTime:  wire.At(j.Expires),
		Status:              wire.JobStatus(j.Status),
		Errors:              j.Errors,
	}
	for _, w := range j.Warnings {
		out.Warnings = append(out.Warnings, wire.Warning{Code: w.Code, Message: w.Message})
	}
	return out
}
