// Package client is a typed HTTP client for the CLU authoring API operations
// Parley implements: list, get and delete projects, import a project file and
// export one, train a model, read the trained models and their evaluations,
// deploy a model, and ask a deployment for predictions (the runtime API's
// POST /language/:analyze-conversations). The parley CLI uses it, and so can
// end-to-end tests.
//
// It speaks the wire protocol only (it never opens Parley's store), so it works
// against Azure AI Language as well as against Parley. Long-running operations
// follow the Azure pattern (AUTHORING.md §3): the 202's operation-location is
// polled, waiting as the server's Retry-After asks, until the job's status is
// succeeded, failed or cancelled. An error answer of the server comes back as
// an *Error whose Body is the Azure error, so errors.As(err, new(*azerr.Error))
// and azerr.CodeOf work on it; a failed job comes back as a *JobError.
package client
