package lu

import (
	"encoding/json"
	"fmt"
)

// SchemaVersion is the luis_schema_version of the applications Parse makes.
const SchemaVersion = "7.0.0"

// App is a LUIS application in the JSON shape of luis_schema_version 7.0.0.
// Slices are never nil in what Parse returns, so they encode as [].
type App struct {
	SchemaVersion    string         `json:"luis_schema_version"`
	VersionID        string         `json:"versionId"`
	Name             string         `json:"name"`
	Desc             string         `json:"desc"`
	Culture          string         `json:"culture"`
	TokenizerVersion string         `json:"tokenizerVersion,omitempty"`
	Intents          []*Intent      `json:"intents"`
	Entities         []*Entity      `json:"entities"`
	Composites       []*Composite   `json:"composites"`
	ClosedLists      []*ClosedList  `json:"closedLists"`
	RegexEntities    []*RegexEntity `json:"regex_entities"`
	// RegexFeatures is deprecated in LUIS: Parse writes it empty, ReadJSON
	// keeps what it holds, and Write leaves it out.
	RegexFeatures      []any             `json:"regex_features"`
	PrebuiltEntities   []*PrebuiltEntity `json:"prebuiltEntities"`
	PatternAnyEntities []*PatternAny     `json:"patternAnyEntities"`
	PhraseLists        []*PhraseList     `json:"phraselists"`
	Patterns           []*Pattern        `json:"patterns"`
	Utterances         []*Utterance      `json:"utterances"`
	Settings           []*Setting        `json:"settings"`
}

// Intent is an intent and the features it uses.
type Intent struct {
	Name     string     `json:"name"`
	Features []*Feature `json:"features,omitempty"`
}

// Feature is a feature an intent or entity uses: a phrase list
// (FeatureName) or a model, an entity or intent (ModelName).
type Feature struct {
	FeatureName string `json:"featureName,omitempty"`
	ModelName   string `json:"modelName,omitempty"`
	IsRequired  bool   `json:"isRequired"`
}

func (f *Feature) name() string {
	if f.FeatureName != "" {
		return f.FeatureName
	}
	return f.ModelName
}

// Entity is a machine-learned (simple) entity, with its children.
type Entity struct {
	Name     string     `json:"name"`
	Roles    []string   `json:"roles"`
	Children []*Child   `json:"children,omitempty"`
	Features []*Feature `json:"features,omitempty"`
}

// Child is a child of a machine-learned entity. InstanceOf is read from
// LUIS JSON that has it; Parse expresses "@ list name" children as a
// required model feature, as bf-lu does.
type Child struct {
	Name       string     `json:"name"`
	InstanceOf string     `json:"instanceOf,omitempty"`
	Children   []*Child   `json:"children"`
	Features   []*Feature `json:"features,omitempty"`
}

// Composite is a composite entity.
type Composite struct {
	Name     string           `json:"name"`
	Children []CompositeChild `json:"children"`
	Roles    []string         `json:"roles"`
	Features []*Feature       `json:"features,omitempty"`
}

// CompositeChild names a child of a composite entity. It decodes from
// either {"name": "x"} or "x", the two spellings LUIS JSON has used.
type CompositeChild struct {
	Name string `json:"name"`
}

// UnmarshalJSON accepts a string or an object.
func (c *CompositeChild) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &c.Name)
	}
	var o struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal(b, &o); err != nil {
		return fmt.Errorf("composite child: %w", err)
	}
	c.Name = o.Name
	return nil
}

// ClosedList is a list entity.
type ClosedList struct {
	Name     string     `json:"name"`
	SubLists []*SubList `json:"subLists"`
	Roles    []string   `json:"roles"`
}

// SubList is a normalized value of a list entity and its synonyms.
type SubList struct {
	CanonicalForm string   `json:"canonicalForm"`
	List          []string `json:"list"`
}

// RegexEntity is a regular expression entity.
type RegexEntity struct {
	Name         string   `json:"name"`
	RegexPattern string   `json:"regexPattern"`
	Roles        []string `json:"roles"`
}

// PrebuiltEntity is a prebuilt entity the application uses.
type PrebuiltEntity struct {
	Name  string   `json:"name"`
	Roles []string `json:"roles"`
}

// PatternAny is a Pattern.any entity.
type PatternAny struct {
	Name         string   `json:"name"`
	ExplicitList []string `json:"explicitList"`
	Roles        []string `json:"roles"`
}

// PhraseList is a phrase list: Words is comma-separated; Mode true means
// the phrases are interchangeable.
type PhraseList struct {
	Name                string `json:"name"`
	Words               string `json:"words"`
	Mode                bool   `json:"mode"`
	Activated           bool   `json:"activated"`
	EnabledForAllModels bool   `json:"enabledForAllModels"`
}

// Pattern is a pattern (template utterance) of an intent.
type Pattern struct {
	Pattern string `json:"pattern"`
	Intent  string `json:"intent"`
}

// Utterance is an example utterance with its labels.
type Utterance struct {
	Text     string   `json:"text"`
	Intent   string   `json:"intent"`
	Entities []*Label `json:"entities"`
}

// Label is a labelled entity in an utterance: StartPos and EndPos are
// inclusive offsets in UTF-16 code units; Children are the labels of the
// entity's children (the 7.x nested layout).
type Label struct {
	Entity   string   `json:"entity"`
	StartPos int      `json:"startPos"`
	EndPos   int      `json:"endPos"`
	Role     string   `json:"role,omitempty"`
	Children []*Label `json:"children,omitempty"`
}

// Setting is an application setting such as NormalizePunctuation.
type Setting struct {
	Name  string `json:"name"`
	Value any    `json:"value"`
}
