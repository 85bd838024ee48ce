package wire

import (
	"strings"

	"github.com/parley-dev/parley/internal/azerr"
)

// JobStatus is the spec's JobStatus.
type JobStatus string

// Job statuses of the spec's JobStatus enum.
const (
	JobNotStarted         JobStatus = "notStarted"
	JobRunning            JobStatus = "running"
	JobCancelling         JobStatus = "cancelling"
	JobSucceeded          JobStatus = "succeeded"
	JobFailed             JobStatus = "failed"
	JobCancelled          JobStatus = "cancelled"
	JobPartiallyCompleted JobStatus = "partiallyCompleted"
)

// Terminal reports whether a job in status s is over. Like the Azure SDKs'
// pollers it ignores case and takes the American "canceled" too; anything it
// does not know means the job is still going.
func (s JobStatus) Terminal() bool {
	switch strings.ToLower(string(s)) {
	case "succeeded", "failed", "cancelled", "canceled", "partiallycompleted":
		return true
	}
	return false
}

// Warning is the spec's Warning, an entry of a job's warnings.
type Warning struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// JobState is the spec's common job document (ExportProjectJobState,
// ImportProjectJobState, ProjectDeletionJobState, DeploymentJobState, ...);
// resultUrl is an export's.
type JobState struct {
	ResultURL           string         `json:"resultUrl,omitempty"`
	JobID               string         `json:"jobId"`
	CreatedDateTime     DateTime       `json:"createdDateTime"`
	LastUpdatedDateTime DateTime       `json:"lastUpdatedDateTime"`
	ExpirationDateTime  DateTime       `json:"expirationDateTime"`
	Status              JobStatus      `json:"status"`
	Warnings            []Warning      `json:"warnings,omitempty"`
	Errors              []*azerr.Error `json:"errors,omitempty"`
}

// Page is a page of a list operation: its items, and the URL of the next
// page, null on the last.
type Page[T any] struct {
	Value    []T     `json:"value"`
	NextLink *string `json:"nextLink"`
}

// ErrorResponse is the spec's ErrorResponse, the body of every error answer.
type ErrorResponse struct {
	Error *azerr.Error `json:"error"`
}
