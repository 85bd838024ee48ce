package project

import (
	"context"
	"encoding/json"
	"errors"
	"time"
)

// Kind is a project kind of the spec's ProjectKind enum.
type Kind string

// Project kinds.
const (
	KindConversation  Kind = "Conversation"
	KindOrchestration Kind = "Orchestration"
	KindSummarization Kind = "CustomConversationSummarization"
)

// Project is a project's metadata: what GET .../projects/{p} shows.
type Project struct {
	Name                      string
	Kind                      Kind
	Language                  string
	Description               string
	Multilingual              bool
	Settings                  *Settings // nil: the project has no settings object
	StorageInputContainerName string
	Created                   time.Time
	Modified                  time.Time
	LastTrained               time.Time // zero until the first training
	LastDeployed              time.Time // zero until the first deployment
	// LUISAppID is the project's LUIS app id, "" when it has none: the
	// services fill it in GetProject and UpsertProject; stores keep it
	// apart from the metadata (LUISAppStore) and leave it empty.
	LUISAppID string
}

// Settings is a project's settings object.
type Settings struct {
	ConfidenceThreshold float64
	// Extra holds members other than confidenceThreshold (normalizeCasing,
	// augmentDiacritics, ...) so that a project file round-trips unchanged.
	Extra map[string]json.RawMessage
}

// MarshalJSON writes confidenceThreshold first, then Extra in key order.
func (s Settings) MarshalJSON() ([]byte, error) {
	b := []byte(`{"confidenceThreshold":`)
	v, err := json.Marshal(s.ConfidenceThreshold)
	if err != nil {
		return nil, err
	}
	b = append(b, v...)
	for _, k := range sortedKeys(s.Extra) {
		kb, _ := json.Marshal(k)
		b = append(append(append(b, ','), kb...), ':')
		b = append(b, s.Extra[k]...)
	}
	return append(b, '}'), nil
}

// UnmarshalJSON reads confidenceThreshold and keeps every other member.
func (s *Settings) UnmarshalJSON(data []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	*s = Settings{}
	if v, ok := m["confidenceThreshold"]; ok {
		if err := json.Unmarshal(v, &s.ConfidenceThreshold); err != nil {
			// encoding/json prefixes the path of the settings object.
			return &json.UnmarshalTypeError{Value: "a non-number", Field: "confidenceThreshold", Type: floatType}
		}
		delete(m, "confidenceThreshold")
	}
	if len(m) > 0 {
		s.Extra = make(map[string]json.RawMessage, len(m))
		for k, v := range m {
			s.Extra[k] = compactJSON(v)
		}
	}
	return nil
}

// Content is a project's assets document as stored: an immutable blob. A
// zero Content is a project with no content yet.
type Content struct {
	Blob   string // the blob's id; an export result may reference it
	Assets []byte
}

// Limits are the data limits a project must stay within (AUTHORING.md §9).
type Limits struct {
	Projects              int
	Intents               int
	Entities              int
	Utterances            int
	UtteranceLength       int // UTF-16 code units
	SynonymsPerEntity     int
	PrebuiltsPerEntity    int
	RegexesPerProject     int
	ValidationErrorsShown int
}

// DefaultLimits are the service's limits, except utterances: Parley allows
// 50,000 per project where the service allows 25,000.
var DefaultLimits = Limits{
	Projects:              500,
	Intents:               500,
	Entities:              350,
	Utterances:            50_000,
	UtteranceLength:       500,
	SynonymsPerEntity:     20_000,
	PrebuiltsPerEntity:    7,
	RegexesPerProject:     20,
	ValidationErrorsShown: 50,
}

// Sentinel errors that Store methods wrap.
var (
	ErrNotFound = errors.New("project not found")
	ErrExists   = errors.New("project already exists")
	ErrQuota    = errors.New("project quota reached")
)

// Store keeps projects and their content.
//
// A name a method looks up may hold any bytes, since it may come from a URL:
// one with NUL or invalid UTF-8 matches nothing, and the method answers as
// for a name that does not exist (not an error of the database's, which
// PostgreSQL's text would give). The text a method writes is valid UTF-8
// without NUL: the services refuse any other before they write.
type Store interface {
	// Ping reports whether the store answers, on the connections that
	// read and those that write.
	Ping(ctx context.Context) error
	// ListProjects returns up to limit projects after skipping offset,
	// newest first, and whether more follow.
	ListProjects(ctx context.Context, offset, limit int) ([]*Project, bool, error)
	// GetProject returns a project; ErrNotFound.
	GetProject(ctx context.Context, name string) (*Project, error)
	// CreateProject stores a new project with empty content; ErrExists, or
	// ErrQuota when maxProjects exist already.
	CreateProject(ctx context.Context, p *Project, maxProjects int) error
	// UpdateProject replaces an existing project's metadata (kind, language,
	// description, settings, storage container, modified time); ErrNotFound.
	// It leaves the last training and deployment times alone, so that a
	// PATCH racing a training cannot write back an older one.
	UpdateProject(ctx context.Context, p *Project) error
	// DeleteProject removes a project and its content; ErrNotFound.
	DeleteProject(ctx context.Context, name string) error
	// ProjectContent returns a project and its assets document, read in one
	// transaction; ErrNotFound.
	ProjectContent(ctx context.Context, name string) (*Project, Content, error)
	// ExportContent is ProjectContent for the export job jobID: in the same
	// transaction it records that the job's result references the content's
	// blob, so that the blob outlives a later import until the job expires.
	ExportContent(ctx context.Context, name, jobID string) (*Project, Content, error)
	// ReplaceProject creates the project or replaces its metadata and assets
	// in one transaction, keeping its creation time; ErrQuota when it is
	// new and maxProjects exist already.
	ReplaceProject(ctx context.Context, p *Project, assets []byte, maxProjects int) error
	// SaveModel stores a trained model, replacing the project's model of the
	// same label, and sets the project's last training time to m.Trained, in
	// one transaction; ErrQuota when the label is new and maxModels exist;
	// ErrNotFound when the project is gone.
	SaveModel(ctx context.Context, m *Model, data *ModelData, maxModels int) error
	// ListModels returns a project's models ordered by label.
	ListModels(ctx context.Context, project string) ([]*Model, error)
	// GetModel returns a model; ErrModelNotFound.
	GetModel(ctx context.Context, project, label string) (*Model, error)
	// GetModelData returns the stored parts of a model; ErrModelNotFound.
	GetModelData(ctx context.Context, project, label string, part ModelPart) ([]byte, error)
	// DeleteModel deletes a model; ErrModelNotFound.
	DeleteModel(ctx context.Context, project, label string) error
	// SetModelEvaluation replaces the evaluation of the model of that label
	// if it is still the model modelID (a retraining may have replaced it
	// meanwhile); ErrModelNotFound otherwise.
	SetModelEvaluation(ctx context.Context, project, label, modelID string, evaluation []byte) error

	// SaveDeployment creates or replaces a deployment with its engine model,
	// and records the project's last deployment time; ErrQuota when it is
	// new and maxDeployments exist; ErrNotFound when the project is gone.
	SaveDeployment(ctx context.Context, d *Deployment, engine []byte, maxDeployments int) error
	// ListDeployments returns a project's deployments ordered by name.
	ListDeployments(ctx context.Context, project string) ([]*Deployment, error)
	// GetDeployment returns a deployment; ErrDeploymentNotFound.
	GetDeployment(ctx context.Context, project, name string) (*Deployment, error)
	// DeploymentsVersion returns a number that changes whenever any
	// deployment changes (a deploy, swap or delete, or its project's
	// deletion), in the transaction of the change: the runtime rereads the
	// deployments it keeps in memory when it moves.
	DeploymentsVersion(ctx context.Context) (int64, error)
	// DeploymentEngine returns the engine model a deployment serves, with
	// its ModelID; ErrDeploymentNotFound.
	DeploymentEngine(ctx context.Context, project, name string) (modelID string, engine []byte, err error)
	// DeleteDeployment deletes a deployment; ErrDeploymentNotFound.
	DeleteDeployment(ctx context.Context, project, name string) error
	// SwapDeployments exchanges the models of two deployments in one
	// transaction; ErrDeploymentNotFound when either is missing.
	SwapDeployments(ctx context.Context, project, first, second string) error

	// ResourceStore keeps resource assignments (resources.go).
	ResourceStore
	ExportedModelStore
	// LUISAppStore keeps the projects' LUIS app ids (luisapp.go).
	LUISAppStore
}

// ErrDeploymentNotFound: no deployment of that name in the project.
var ErrDeploymentNotFound = errors.New("deployment not found")

// Deployment is a deployed model version.
type Deployment struct {
	Project        string
	Name           string
	ModelLabel     string
	ModelID        string
	Trained        time.Time
	Deployed       time.Time
	ConfigVersion  string
	ExpirationDate string  // YYYY-MM-DD
	Threshold      float64 // confidenceThreshold at training time
	Language       string  // the project's language at training time
}

// ErrModelNotFound: no trained model of that label in the project.
var ErrModelNotFound = errors.New("trained model not found")

// Model is a trained model's metadata.
type Model struct {
	Project        string
	Label          string
	ID             string
	Trained        time.Time
	Duration       time.Duration
	ConfigVersion  string
	ExpirationDate string // YYYY-MM-DD
}

// ModelData are the stored parts of a trained model.
type ModelData struct {
	Snapshot   []byte // the project file it was trained on (metadata and assets)
	Engine     []byte // the engine's model
	Evaluation []byte // the Evaluation, JSON
}

// ModelPart names one part of ModelData.
type ModelPart string

// Model parts.
const (
	PartSnapshot   ModelPart = "snapshot"
	PartEngine     ModelPart = "model"
	PartEvaluation ModelPart = "evaluation"
)

// ExportedModelStore keeps exported models (issue 11, VERSIONS.md §4): each
// holds its own copy of the engine's model, as a deployment does, so that
// retraining or deleting the label leaves it as it was exported.
type ExportedModelStore interface {
	// SaveExportedModel creates or replaces an exported model with its
	// engine model; ErrQuota when it is new and maxExported exist;
	// ErrNotFound when the project is gone.
	SaveExportedModel(ctx context.Context, e *ExportedModel, engine []byte, maxExported int) error
	// ListExportedModels returns a project's exported models ordered by name.
	ListExportedModels(ctx context.Context, project string) ([]*ExportedModel, error)
	// GetExportedModel returns an exported model; ErrExportedModelNotFound.
	GetExportedModel(ctx context.Context, project, name string) (*ExportedModel, error)
	// ExportedModelEngine returns the engine model of an exported model;
	// ErrExportedModelNotFound.
	ExportedModelEngine(ctx context.Context, project, name string) ([]byte, error)
	// DeleteExportedModel deletes an exported model; ErrExportedModelNotFound.
	DeleteExportedModel(ctx context.Context, project, name string) error
}

// ErrExportedModelNotFound: no exported model of that name in the project.
var ErrExportedModelNotFound = errors.New("exported model not found")

// ExportedModel is a frozen, named copy of a trained model.
type ExportedModel struct {
	Project        string
	Name           string
	ModelLabel     string // the label it was exported from
	ModelID        string
	Trained        time.Time
	Exported       time.Time
	ConfigVersion  string
	ExpirationDate string  // YYYY-MM-DD
	Threshold      float64 // confidenceThreshold at training time
	Language       string  // the project's language at training time
}
