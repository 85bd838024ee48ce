package project

import (
	"bytes"
	"encoding/json"
	"maps"
	"reflect"
	"slices"
)

// File is a CLU project file: the body of :import and the result of :export
// (AUTHORING.md §7). Field order is the service's export order. Slices use
// omitzero so that an absent array stays absent and [] stays [].
type File struct {
	ProjectFileVersion string       `json:"projectFileVersion"`
	StringIndexType    IndexType    `json:"stringIndexType"`
	Metadata           FileMetadata `json:"metadata"`
	Assets             *Assets      `json:"assets,omitzero"`
}

// FileMetadata is the metadata object of a project file.
type FileMetadata struct {
	ProjectKind               Kind      `json:"projectKind"`
	Settings                  *Settings `json:"settings,omitzero"`
	StorageInputContainerName string    `json:"storageInputContainerName,omitempty"`
	ProjectName               string    `json:"projectName"`
	Multilingual              bool      `json:"multilingual"`
	Description               string    `json:"description,omitempty"`
	Language                  string    `json:"language"`
}

// Assets is a project's content.
type Assets struct {
	ProjectKind Kind        `json:"projectKind"`
	Intents     []Intent    `json:"intents,omitzero"`
	Entities    []Entity    `json:"entities,omitzero"`
	Utterances  []Utterance `json:"utterances,omitzero"`
	// PhraseLists is a Parley extension (phrase lists kept by a LUIS
	// import, luis_phraselists.go); absent when empty, so CLU files are
	// unchanged.
	PhraseLists []PhraseList `json:"phraseLists,omitempty"`
}

// Intent is an intent of a project.
type Intent struct {
	Category           string         `json:"category"`
	Description        string         `json:"description,omitempty"`
	AssociatedEntities []EntityRef    `json:"associatedEntities,omitzero"`
	Orchestration      *Orchestration `json:"orchestration,omitzero"`
}

// EntityRef names an entity.
type EntityRef struct {
	Category string `json:"category"`
}

// Orchestration is the target of an intent of an Orchestration project.
type Orchestration struct {
	TargetProjectKind              string                   `json:"targetProjectKind"`
	ConversationOrchestration      *ConversationTarget      `json:"conversationOrchestration,omitzero"`
	LuisOrchestration              *LuisTarget              `json:"luisOrchestration,omitzero"`
	QuestionAnsweringOrchestration *QuestionAnsweringTarget `json:"questionAnsweringOrchestration,omitzero"`
}

// ConversationTarget routes an intent to a CLU deployment.
type ConversationTarget struct {
	ProjectName    string `json:"projectName"`
	DeploymentName string `json:"deploymentName"`
}

// LuisTarget routes an intent to a LUIS app.
type LuisTarget struct {
	AppID      string `json:"appId"`
	AppVersion string `json:"appVersion,omitempty"`
	SlotName   string `json:"slotName,omitempty"`
}

// QuestionAnsweringTarget routes an intent to a question answering project.
type QuestionAnsweringTarget struct {
	ProjectName string `json:"projectName"`
}

// Entity is an entity of a project with its components.
type Entity struct {
	Category           string     `json:"category"`
	Description        string     `json:"description,omitempty"`
	CompositionSetting string     `json:"compositionSetting,omitempty"`
	List               *List      `json:"list,omitzero"`
	Prebuilts          []Prebuilt `json:"prebuilts,omitzero"`
	Regex              *Regex     `json:"regex,omitzero"`
	RequiredComponents []string   `json:"requiredComponents,omitzero"`
	// ListAlias is the "entities" spelling of List in 2025-05-15-preview
	// files (AUTHORING.md §0 #15); Decode moves it to List.
	ListAlias *List `json:"entities,omitzero"`
}

// List is an entity's list component.
type List struct {
	Sublists []Sublist `json:"sublists,omitzero"`
}

// Sublist is one normalised value of a list component and its synonyms.
type Sublist struct {
	ListKey  string    `json:"listKey,omitempty"`
	Synonyms []Synonym `json:"synonyms,omitzero"`
}

// Synonym is the synonyms of a sublist in one language.
type Synonym struct {
	Language string   `json:"language,omitempty"`
	Values   []string `json:"values,omitzero"`
}

// Prebuilt is a prebuilt component.
type Prebuilt struct {
	Category string `json:"category"`
}

// Regex is an entity's regex component.
type Regex struct {
	Expressions []Expression `json:"expressions,omitzero"`
}

// Expression is one regular expression of a regex component.
type Expression struct {
	RegexKey     string `json:"regexKey,omitempty"`
	Language     string `json:"language,omitempty"`
	RegexPattern string `json:"regexPattern,omitempty"`
}

// Utterance is a labelled example.
type Utterance struct {
	Text     string  `json:"text"`
	Language string  `json:"language,omitempty"`
	Intent   string  `json:"intent"`
	Entities []Label `json:"entities,omitzero"`
	Dataset  string  `json:"dataset,omitempty"`
}

// Label marks an entity in an utterance's text.
type Label struct {
	Category string `json:"category"`
	Offset   int    `json:"offset"`
	Length   int    `json:"length"`
}

var floatType = reflect.TypeFor[float64]()

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

func compactJSON(b []byte) []byte {
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return b
	}
	return buf.Bytes()
}
