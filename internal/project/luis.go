package project

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"

	"github.com/parley-dev/parley/internal/azerr"
)

// This file reads LUIS application files (LUIS.md §2): a tolerant decoder
// that refuses only what makes a file unusable (§1.1), and the in-memory
// upgrade of 3.x–6.x files to the 7.x shape (§2.5). The mapping to a CLU
// project is in luis_import.go, the reverse in luis_export.go.

// luisApp is a LUIS application file of any schema version from 3.x to 7.x.
// Unknown members are ignored; absent arrays are empty.
type luisApp struct {
	SchemaVersion      string            `json:"luis_schema_version"`
	Name               string            `json:"name"`
	Desc               string            `json:"desc"`
	Culture            string            `json:"culture"`
	Intents            []luisIntent      `json:"intents"`
	Entities           []luisEntity      `json:"entities"`
	Hierarchicals      []luisEntity      `json:"hierarchicals"`
	Composites         []luisEntity      `json:"composites"`
	ClosedLists        []luisClosedList  `json:"closedLists"`
	PrebuiltEntities   []luisEntity      `json:"prebuiltEntities"`
	RegexEntities      []luisRegexEntity `json:"regex_entities"`
	PatternAnyEntities []luisPatternAny  `json:"patternAnyEntities"`
	ModelFeatures      []luisPhraseList  `json:"model_features"`
	PhraseLists        []luisPhraseList  `json:"phraselists"`
	RegexFeatures      []luisNamed       `json:"regex_features"`
	Patterns           []luisPattern     `json:"patterns"`
	Utterances         []luisUtterance   `json:"utterances"`
	Settings           []luisNamed       `json:"settings"`

	major int // of SchemaVersion
}

type luisIntent struct {
	Name     string          `json:"name"`
	Features []luisFeature   `json:"features"`
	Inherits json.RawMessage `json:"inherits"`
}

// luisEntity is a machine-learned, simple or hierarchical entity, a
// composite, or a prebuilt entity: they share a shape.
type luisEntity struct {
	Name       string          `json:"name"`
	Children   luisChildren    `json:"children"`
	Roles      []string        `json:"roles"`
	Features   []luisFeature   `json:"features"`
	Inherits   json.RawMessage `json:"inherits"`
	InstanceOf string          `json:"instanceOf"`
}

// luisChild is a child of a machine-learned entity (JsonChild), or the
// name of a hierarchical or composite child.
type luisChild struct {
	Name       string        `json:"name"`
	Children   luisChildren  `json:"children"`
	Features   []luisFeature `json:"features"`
	InstanceOf string        `json:"instanceOf"`
}

// luisChildren reads children given as objects (6.x/7.x) or as names
// (3.x/4.x hierarchical entities and composites).
type luisChildren []luisChild

var luisChildType = reflect.TypeFor[luisChild]()

// UnmarshalJSON accepts an array of objects and strings.
func (c *luisChildren) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		*c = nil
		return nil
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	out := make(luisChildren, 0, len(raw))
	for _, r := range raw {
		switch t := bytes.TrimSpace(r); {
		case len(t) > 0 && t[0] == '"':
			var name string
			if err := json.Unmarshal(t, &name); err != nil {
				return err
			}
			out = append(out, luisChild{Name: name})
		case len(t) > 0 && t[0] == '{':
			var ch luisChild
			if err := json.Unmarshal(t, &ch); err != nil {
				return err
			}
			out = append(out, ch)
		default:
			return &json.UnmarshalTypeError{Value: jsonKind(t), Type: luisChildType}
		}
	}
	*c = out
	return nil
}

func jsonKind(t []byte) string {
	switch {
	case len(t) == 0:
		return "nothing"
	case t[0] == '[':
		return "array"
	case t[0] == 't', t[0] == 'f':
		return "bool"
	case t[0] == 'n':
		return "null"
	}
	return "number"
}

// luisFeature references a phrase list (featureName) or a model
// (modelName). isRequired absent means false.
type luisFeature struct {
	FeatureName string `json:"featureName"`
	ModelName   string `json:"modelName"`
	IsRequired  bool   `json:"isRequired"`
}

type luisClosedList struct {
	Name     string        `json:"name"`
	SubLists []luisSubList `json:"subLists"`
	Roles    []string      `json:"roles"`
}

type luisSubList struct {
	CanonicalForm string   `json:"canonicalForm"`
	List          []string `json:"list"`
}

type luisRegexEntity struct {
	Name         string   `json:"name"`
	RegexPattern string   `json:"regexPattern"`
	Roles        []string `json:"roles"`
}

type luisPatternAny struct {
	Name         string          `json:"name"`
	Roles        []string        `json:"roles"`
	ExplicitList []string        `json:"explicitList"`
	Inherits     json.RawMessage `json:"inherits"`
}

type luisPhraseList struct {
	Name      string `json:"name"`
	Mode      bool   `json:"mode"`
	Words     string `json:"words"`
	Activated *bool  `json:"activated"`
}

// luisNamed is an item of which only the name is read: a regex feature or
// a setting (whose value may be of any type).
type luisNamed struct {
	Name string `json:"name"`
}

type luisPattern struct {
	Pattern string `json:"pattern"`
	Intent  string `json:"intent"`
}

type luisUtterance struct {
	Text     string      `json:"text"`
	Intent   string      `json:"intent"`
	Entities []luisLabel `json:"entities"`
}

// luisLabel is a label (JSONEntity); endPos is inclusive (§2.3). Absent
// positions make the label unusable, not the file.
type luisLabel struct {
	Entity   string      `json:"entity"`
	Role     string      `json:"role"`
	StartPos *int        `json:"startPos"`
	EndPos   *int        `json:"endPos"`
	Children []luisLabel `json:"children"`
}

// maxLUISDepth bounds the nesting of a LUIS file: real apps nest about a
// dozen levels (labels of a 4-level entity tree), and children decode
// level by level, so a deeper file would cost time quadratic in its depth.
const maxLUISDepth = 64

// luisInvalid is the synchronous 400 of a LUIS import (§1.1): target names
// the member, the message says how to fix it.
func luisInvalid(target, format string, args ...any) *azerr.Error {
	return azerr.Invalid(target, format, args...)
}

// decodeLUIS parses a LUIS application file. It refuses only what §1.1
// lists: a body that is not a JSON object, a missing or unsupported
// luis_schema_version, a missing or malformed culture, and members of the
// wrong JSON type. Everything else is left to the conversion.
func decodeLUIS(data []byte) (*luisApp, *azerr.Error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, luisInvalid("body", "The request body is empty; send the LUIS application file (JSON) exported from LUIS.")
	}
	if e := CheckUnicode(data); e != nil {
		return nil, luisInvalid("body", "%s", e.Message)
	}
	if jsonDepth(data) > maxLUISDepth {
		return nil, luisInvalid("body", "The request body nests arrays and objects more than %d levels deep; LUIS application files nest far less.", maxLUISDepth)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil || top == nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			return nil, luisInvalid("body", "The request body is not valid JSON: %v (at byte offset %d); send the LUIS application file.", syn, syn.Offset)
		}
		return nil, luisInvalid("body", "The request body must be a JSON object: a LUIS application file as LUIS exported it.")
	}
	var version string
	raw, ok := top["luis_schema_version"]
	if !ok {
		return nil, luisInvalid("luis_schema_version", "luis_schema_version is required: the body of format=Luis is a LUIS application file, which names its schema version (\"3.2.0\" to \"7.0.0\").")
	}
	if err := json.Unmarshal(raw, &version); err != nil {
		return nil, luisInvalid("luis_schema_version", "luis_schema_version must be a string such as \"7.0.0\", not %s.", jsonKind(bytes.TrimSpace(raw)))
	}
	major, ok := luisMajor(version)
	if !ok || major < 3 || major > 7 {
		return nil, luisInvalid("luis_schema_version", "luis_schema_version %q is not supported; Parley imports LUIS schema versions 3.x to 7.x.", version)
	}
	var culture string
	raw, ok = top["culture"]
	if !ok {
		return nil, luisInvalid("culture", "culture is required: the LUIS application's culture, such as \"en-us\", becomes the project language.")
	}
	if err := json.Unmarshal(raw, &culture); err != nil {
		return nil, luisInvalid("culture", "culture must be a string such as \"en-us\", not %s.", jsonKind(bytes.TrimSpace(raw)))
	}
	if !languageTag.MatchString(culture) {
		return nil, luisInvalid("culture", "culture %q is not a language code such as \"en-us\" or \"fr-fr\".", culture)
	}
	var app luisApp
	if err := json.Unmarshal(data, &app); err != nil {
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) {
			target := strings.ReplaceAll(typ.Field, ".", "/")
			return nil, luisInvalid(target, "%s must be of type %s, not %s; fix the LUIS file or export it again from a LUIS tool.",
				typ.Field, luisTypeName(typ.Type), typ.Value)
		}
		return nil, luisInvalid("body", "The request body could not be read as a LUIS application file: %v.", err)
	}
	app.major = major
	return &app, nil
}

func luisTypeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Slice:
		return "array"
	case reflect.String:
		return "string"
	case reflect.Int:
		return "integer"
	case reflect.Bool:
		return "boolean"
	case reflect.Pointer:
		return luisTypeName(t.Elem())
	}
	return "object"
}

// luisMajor returns the major version of a schema version string.
func luisMajor(v string) (int, bool) {
	head, _, _ := strings.Cut(v, ".")
	n, err := strconv.Atoi(head)
	if err != nil || head == "" || head[0] == '+' || head[0] == '-' {
		return 0, false
	}
	return n, true
}

// upgrade brings a 3.x–6.x file to the 7.x shape in memory (§2.5): phrase
// lists under one name, hierarchicals as machine-learned entities with
// children, instanceOf as a required feature. Flat labels are nested by
// nestLabels, once the definition tree is known.
func (a *luisApp) upgrade() {
	a.PhraseLists = append(a.PhraseLists, a.ModelFeatures...)
	a.ModelFeatures = nil
	a.Entities = append(a.Entities, a.Hierarchicals...)
	a.Hierarchicals = nil
	for i := range a.Entities {
		e := &a.Entities[i]
		e.Features = withInstanceOf(e.Features, e.InstanceOf)
		upgradeChildren(e.Children)
	}
}

func upgradeChildren(cs luisChildren) {
	for i := range cs {
		cs[i].Features = withInstanceOf(cs[i].Features, cs[i].InstanceOf)
		upgradeChildren(cs[i].Children)
	}
}

// withInstanceOf adds instanceOf as a required model feature unless an
// equal feature is there already.
func withInstanceOf(fs []luisFeature, instanceOf string) []luisFeature {
	if instanceOf == "" {
		return fs
	}
	for _, f := range fs {
		if f.ModelName == instanceOf && f.IsRequired {
			return fs
		}
	}
	return append(fs, luisFeature{ModelName: instanceOf, IsRequired: true})
}
