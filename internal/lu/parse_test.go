package lu

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	gocmp "github.com/google/go-cmp/cmp"
)

func parseString(t *testing.T, src string) (*App, error) {
	t.Helper()
	return Parse(fstest.MapFS{"app.lu": {Data: []byte(src)}}, "app.lu", nil)
}

// field returns the JSON of one member of app, for focused comparisons.
func field(t *testing.T, app *App, member string) string {
	t.Helper()
	b, err := json.Marshal(app)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return string(m[member])
}

func TestParseConstructs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src, member, want string
	}{
		{"intent and utterances", "# Greet\n- hi\n* hello\n+ hey\n", "utterances",
			`[{"text":"hi","intent":"Greet","entities":[]},{"text":"hello","intent":"Greet","entities":[]},{"text":"hey","intent":"Greet","entities":[]}]`},
		{"## intent, blank lines and comments inside", "## Greet\n- hi\n\n> a comment\n- yo\n", "utterances",
			`[{"text":"hi","intent":"Greet","entities":[]},{"text":"yo","intent":"Greet","entities":[]}]`},
		{"intent with spaces in its name", "# Buy chocolate\n- a bar\n", "intents", `[{"name":"Buy chocolate"}]`},
		{"duplicate utterance kept once", "# A\n- hi\n- hi\n", "utterances", `[{"text":"hi","intent":"A","entities":[]}]`},
		{"label, UTF-16 offsets", "# A\n- 😀 to {@city=Köln}\n", "utterances",
			`[{"text":"😀 to Köln","intent":"A","entities":[{"entity":"city","startPos":6,"endPos":9}]}]`},
		{"old-style label with role", "# A\n- i am {name:first=Ann}\n", "utterances",
			`[{"text":"i am Ann","intent":"A","entities":[{"entity":"name","startPos":5,"endPos":7,"role":"first"}]}]`},
		{"label by role name", "# A\n- i am {@first=Ann}\n@ ml name hasRoles first\n", "utterances",
			`[{"text":"i am Ann","intent":"A","entities":[{"entity":"name","startPos":5,"endPos":7,"role":"first"}]}]`},
		{"nested labels", "# A\n- fly {@trip={@from=Oslo} to {@to=Rome}}\n@ ml trip\n    - @ ml from\n    - @ ml to\n", "utterances",
			`[{"text":"fly Oslo to Rome","intent":"A","entities":[{"entity":"trip","startPos":4,"endPos":15,"children":[{"entity":"from","startPos":4,"endPos":7},{"entity":"to","startPos":12,"endPos":15}]}]}]`},
		{"escaped braces", "# A\n- a \\{b\\} c\n", "utterances", `[{"text":"a {b} c","intent":"A","entities":[]}]`},
		{"unclosed brace is text", "# A\n- a {b\n", "utterances", `[{"text":"a {b","intent":"A","entities":[]}]`},
		{"pattern with reference and optional text", "# A\n- [please] call {who}\n", "patterns", `[{"pattern":"[please] call {who}","intent":"A"}]`},
		{"pattern reference makes a pattern.any", "# A\n- call {who:boss}\n", "patternAnyEntities", `[{"name":"who","explicitList":[],"roles":["boss"]}]`},
		{"group makes a pattern", "# A\n- (hi|hello) there\n", "patterns", `[{"pattern":"(hi|hello) there","intent":"A"}]`},
		{"escaped brackets are no pattern", "# A\n- not \\[a\\] pattern\n", "utterances", `[{"text":"not [a] pattern","intent":"A","entities":[]}]`},
		{"ml entity with roles and children", "@ ml trip hasRoles a, b\n    - @ ml from\n        - @ ml city\n", "entities",
			`[{"name":"trip","roles":["a","b"],"children":[{"name":"from","children":[{"name":"city","children":[]}]}]}]`},
		{"roles without hasRoles", "@ ml name first, last\n", "entities", `[{"name":"name","roles":["first","last"]}]`},
		{"simple is ml", "@ simple thing\n", "entities", `[{"name":"thing","roles":[]}]`},
		{"quoted name", "@ ml 'user name'\n", "entities", `[{"name":"user name","roles":[]}]`},
		{"child instance of a list", "@ list city\n@ ml trip\n    - @ city dest\n", "entities",
			`[{"name":"trip","roles":[],"children":[{"name":"dest","children":[],"features":[{"modelName":"city","isRequired":true}]}]}]`},
		{"usesFeatures and required", "@ phraselist pl disabledForAllModels =\n    - a\n@ prebuilt number\n@ ml x usesFeatures pl, number*\n", "entities",
			`[{"name":"x","roles":[],"features":[{"featureName":"pl","isRequired":false},{"modelName":"number","isRequired":true}]}]`},
		{"intent features", "# A\n- hi\n@ ml e\n@ intent A usesFeature e\n", "intents", `[{"name":"A","features":[{"modelName":"e","isRequired":false}]}]`},
		{"list with multi-line synonyms", "@ list city hasRoles dest =\n    - Paris :\n        - CDG\n        - paname, lutece\n    - Rome:\n        - FCO\n", "closedLists",
			`[{"name":"city","subLists":[{"canonicalForm":"Paris","list":["CDG","paname","lutece"]},{"canonicalForm":"Rome","list":["FCO"]}],"roles":["dest"]}]`},
		{"old-style list", "$city:Paris=\n- CDG, Orly\n- paname\n", "closedLists",
			`[{"name":"city","subLists":[{"canonicalForm":"Paris","list":["CDG, Orly","paname"]}],"roles":[]}]`},
		{"regex", "@ regex zip hasRoles home = /[0-9]{5}/\n", "regex_entities", `[{"name":"zip","regexPattern":"[0-9]{5}","roles":["home"]}]`},
		{"old-style regex", "$zip:/[0-9]{5}/\n", "regex_entities", `[{"name":"zip","regexPattern":"[0-9]{5}","roles":[]}]`},
		{"prebuilt", "@ prebuilt number hasRoles count\n", "prebuiltEntities", `[{"name":"number","roles":["count"]}]`},
		{"old-style prebuilt", "$PREBUILT:datetimeV2\n", "prebuiltEntities", `[{"name":"datetimeV2","roles":[]}]`},
		{"composite", "@ prebuilt number\n@ ml unit\n@ composite qty = [number, unit]\n", "composites",
			`[{"name":"qty","children":[{"name":"number"},{"name":"unit"}],"roles":[]}]`},
		{"composite children in the body", "@ composite qty\n    - number, unit\n", "composites",
			`[{"name":"qty","children":[{"name":"number"},{"name":"unit"}],"roles":[]}]`},
		{"phrase list", "@ phraselist pl(interchangeable) =\n    - a, b;c\n    - a\n", "phraselists",
			`[{"name":"pl","words":"a,b,c","mode":true,"activated":true,"enabledForAllModels":true}]`},
		{"phrase list disabled", "@ phraselist pl disabledForAllModels, disabled =\n    - a\n", "phraselists",
			`[{"name":"pl","words":"a","mode":false,"activated":false,"enabledForAllModels":false}]`},
		{"old-style phrase list", "$pl:phraseList interchangeable\n- a, b\n", "phraselists",
			`[{"name":"pl","words":"a,b","mode":true,"activated":true,"enabledForAllModels":true}]`},
		{"phrase list for all models is every model's feature", "# A\n- hi\n@ ml e\n@ phraselist pl =\n    - a\n", "intents",
			`[{"name":"A","features":[{"featureName":"pl","isRequired":false}]}]`},
		{"pattern.any", "@ patternany any hasRoles r\n", "patternAnyEntities", `[{"name":"any","explicitList":[],"roles":["r"]}]`},
		{"roles added by a typeless line", "@ prebuilt number\n@ number hasRoles count\n", "prebuiltEntities", `[{"name":"number","roles":["count"]}]`},
		{"app settings", "> !# @app.settings.NormalizePunctuation = true\n> !# @app.settings.Other = x\n", "settings",
			`[{"name":"NormalizePunctuation","value":true},{"name":"Other","value":false}]`},
		{"app name", "> !# @app.name = My app\n", "name", `"My app"`},
		{"app culture is lower case", "> !# @app.culture = EN-GB\n", "culture", `"en-gb"`},
		{"app version", "> !# @app.versionId = 2.0\n", "versionId", `"2.0"`},
		{"schema version is always 7.0.0", "> !# @app.luis_schema_version = 3.2.0\n", "luis_schema_version", `"7.0.0"`},
		{"CRLF and BOM", "\ufeff# A\r\n- hi\r\n", "utterances", `[{"text":"hi","intent":"A","entities":[]}]`},
		{"QnA pairs are skipped", "<a id = \"1\"></a>\n# ? what\n- what is it\n**Filters:**\n- a = b\n```\n# an answer\n- not an utterance\n```\n# A\n- hi\n", "utterances",
			`[{"text":"hi","intent":"A","entities":[]}]`},
		{"nested sections merge", "> !# @enableSections = true\n# G\n## Hi\n- hi\n## Bye\n- bye\n# H\n- help\n", "utterances",
			`[{"text":"hi","intent":"G","entities":[]},{"text":"bye","intent":"G","entities":[]},{"text":"help","intent":"H","entities":[]}]`},
		{"nested sections without merging", "> !# @enableSections = true\n> !# @enableMergeIntents = false\n# G\n## Hi\n- hi\n## Bye\n- bye\n", "intents",
			`[{"name":"G.Hi"},{"name":"G.Bye"}]`},
		{"## without sections is an intent", "# G\n## Hi\n- hi\n", "intents", `[{"name":"G"},{"name":"Hi"}]`},
		{"reference links are skipped", "[ref]: http://example.com\n# A\n- hi\n", "intents", `[{"name":"A"}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			app, err := parseString(t, tt.src)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.src, err)
			}
			if got := field(t, app, tt.member); got != tt.want {
				t.Errorf("Parse(%q).%s = %s, want %s", tt.src, tt.member, got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src string
		line, col int
		msg       string // a part of the message
	}{
		{"text outside a list", "# A\n- hi\n  stray words\n", 3, 3, "did you miss '-'"},
		{"line of nothing known", "stray\n", 1, 1, "invalid line"},
		{"item before any section", "- hi\n", 1, 1, "outside an intent or entity"},
		{"unknown entity type with body", "@ thing x\n    - a\n", 1, 1, "not an entity type"},
		{"typeless line of an undefined entity", "@ nothing hasRoles r\n", 1, 1, "not an entity type, nor an entity defined"},
		{"same name, two kinds", "@ ml x\n@ list x\n", 2, 1, "defined as a list entity here and as a machine-learned entity at app.lu:1"},
		{"child without @", "@ ml x\n    - child\n", 2, 5, "lists children as - @ ml NAME"},
		{"child defined twice", "@ ml x\n    - @ ml c\n@ ml y\n    - @ ml c\n", 4, 5, "defined twice"},
		{"child labelled without its parent", "# A\n- {@from=Oslo}\n@ ml trip\n    - @ ml from\n", 2, 1, "parent labelled around it"},
		{"list labelled without a role", "# A\n- to {@city=Rome}\n@ list city\n", 2, 8, "list entity; label it only with a role"},
		{"prebuilt labelled without a role", "# A\n- {@number=3}\n@ prebuilt number\n", 2, 5, "prebuilt entity"},
		{"phrase list labelled", "# A\n- {@pl=a}\n@ phraselist pl\n", 2, 5, "phrase list"},
		{"labels and references mixed", "# A\n- {@x=a} {b}\n", 2, 11, "mixes labelled entities"},
		{"empty label", "# A\n- a {@x=} b\n", 2, 7, "no labelled value"},
		{"undefined prebuilt in a pattern", "# A\n- at {datetimeV2}\n", 2, 7, "add @ prebuilt datetimeV2"},
		{"undefined feature", "@ ml x usesFeature nope\n", 1, 1, `feature "nope", which is not defined`},
		{"pattern.any as feature", "@ patternany p\n@ ml x usesFeature p\n", 2, 1, "pattern.any entities cannot be features"},
		{"child of undefined type", "@ ml x\n    - @ nothing c\n", 2, 5, `instance of "nothing", which is not defined`},
		{"list synonym before a value", "@ list c =\n    - syn\n", 2, 5, "before any normalized value"},
		{"regex without slashes", "@ regex r = /abc\n", 1, 1, "between slashes"},
		{"features on a list", "@ phraselist pl\n@ list c usesFeature pl\n", 2, 1, "cannot use features"},
		{"roles on a phrase list", "@ phraselist pl hasRoles r\n", 1, 1, "phrase lists have no roles"},
		{"intent without name", "#\n", 1, 1, "intent line without a name"},
		{"QnA answer block", "```\nanswer\n```\n", 1, 1, "QnA Maker"},
		{"bad model info", "> !# @app.name\n", 1, 1, "invalid model information"},
		{"old-style unknown type", "$x:weird thing\n", 1, 1, "unknown entity type"},
		{"invalid UTF-8", "# A\n- \xff\n", 2, 0, "not valid UTF-8"},
		{"utterance reference to a missing file", "# A\n- [all](./other.lu#B)\n", 2, 1, "cannot read referenced file other.lu"},
		{"bad import line", "[x](\n", 1, 1, "invalid import"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := parseString(t, tt.src)
			var le *Error
			if !errors.As(err, &le) {
				t.Fatalf("Parse(%q) = %v, want an *Error", tt.src, err)
			}
			if le.File != "app.lu" || le.Line != tt.line || le.Col != tt.col || !strings.Contains(le.Msg, tt.msg) {
				t.Errorf("Parse(%q) = %q (line %d col %d), want app.lu:%d:%d and %q", tt.src, err, le.Line, le.Col, tt.line, tt.col, tt.msg)
			}
			if !strings.HasPrefix(err.Error(), "app.lu:") {
				t.Errorf("Parse(%q) error %q does not start with the file name", tt.src, err)
			}
		})
	}
}

func TestParseLimits(t *testing.T) {
	t.Parallel()
	long := "# A\n- " + strings.Repeat("a", 200) + "\n"
	_, err := Parse(fstest.MapFS{"app.lu": {Data: []byte(long)}}, "app.lu", &Options{Limits: Limits{MaxLineLength: 100}})
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("Parse(long line) = %v, want a line length error", err)
	}
	_, err = Parse(fstest.MapFS{"app.lu": {Data: []byte(long)}}, "app.lu", &Options{Limits: Limits{MaxFileSize: 100}})
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "more than the limit of 100") {
		t.Errorf("Parse(large file) = %v, want a file size error", err)
	}
	many := "# A\n- " + strings.Repeat("{@x=a} ", maxLabels+1) + "\n"
	if _, err := parseString(t, many); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "labels, more than") {
		t.Errorf("Parse(%d labels) = %v, want a labels error", maxLabels+1, err)
	}
}

func TestParseCulture(t *testing.T) {
	t.Parallel()
	app, err := Parse(fstest.MapFS{"app.lu": {Data: []byte("# A\n- hi\n")}}, "app.lu", &Options{Culture: "FR-fr"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := gocmp.Diff("fr-fr", app.Culture); diff != "" {
		t.Errorf("Culture (-want +got):\n%s", diff)
	}
}
