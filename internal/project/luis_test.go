package project

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parley-dev/parley/internal/azerr"
)

// luisJSON builds a small LUIS 7.0.0 file from members.
func luisJSON(t *testing.T, members map[string]any) []byte {
	t.Helper()
	m := map[string]any{"luis_schema_version": "7.0.0", "culture": "en-us"}
	for k, v := range members {
		if v == nil {
			delete(m, k)
			continue
		}
		m[k] = v
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecodeLUISErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		body   string
		target string
	}{
		{"empty", ``, "body"},
		{"not JSON", `{`, "body"},
		{"array", `[]`, "body"},
		{"null", `null`, "body"},
		{"no version", `{"culture":"en-us"}`, "luis_schema_version"},
		{"version a number", `{"luis_schema_version":7,"culture":"en-us"}`, "luis_schema_version"},
		{"version 2", `{"luis_schema_version":"2.1.0","culture":"en-us"}`, "luis_schema_version"},
		{"version 8", `{"luis_schema_version":"8.0.0","culture":"en-us"}`, "luis_schema_version"},
		{"version garbage", `{"luis_schema_version":"seven","culture":"en-us"}`, "luis_schema_version"},
		{"no culture", `{"luis_schema_version":"7.0.0"}`, "culture"},
		{"culture a number", `{"luis_schema_version":"7.0.0","culture":1}`, "culture"},
		{"culture malformed", `{"luis_schema_version":"7.0.0","culture":"en us"}`, "culture"},
		{"intents an object", `{"luis_schema_version":"7.0.0","culture":"en-us","intents":{}}`, "intents"},
		{"startPos a string", `{"luis_schema_version":"7.0.0","culture":"en-us","utterances":[{"text":"a","intent":"None","entities":[{"entity":"e","startPos":"0","endPos":0}]}]}`, "utterances/entities/startPos"},
		{"text a number", `{"luis_schema_version":"7.0.0","culture":"en-us","utterances":[{"text":1}]}`, "utterances/text"},
		{"child a number", `{"luis_schema_version":"7.0.0","culture":"en-us","entities":[{"name":"a","children":[1]}]}`, "entities/children"},
		{"child name a number", `{"luis_schema_version":"7.0.0","culture":"en-us","entities":[{"name":"a","children":[{"name":2}]}]}`, "entities/children/name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := ImportLUIS([]byte(tc.body), nil)
			var e *azerr.Error
			if !errors.As(err, &e) {
				t.Fatalf("ImportLUIS(%q) = %v, want an *azerr.Error", tc.body, err)
			}
			if e.Code != azerr.InvalidArgument || e.Target != tc.target {
				t.Errorf("ImportLUIS(%q) = %s %q (%s), want InvalidArgument %q", tc.body, e.Code, e.Target, e.Message, tc.target)
			}
		})
	}
	if _, _, err := ImportLUIS(luisJSON(t, nil), &LUISImportOptions{Patterns: "keep"}); err == nil {
		t.Error("ImportLUIS(luisPatterns=keep) = nil, want an error")
	}
}

func TestImportLUISMappings(t *testing.T) {
	long := strings.Repeat("x", 60)
	for _, tc := range []struct {
		name     string
		members  map[string]any
		entities []string // entity names, in order
		check    func(t *testing.T, f *File)
		warnings []string // codes that must be present
	}{
		{
			name: "names: forbidden characters, length, untitled, collisions",
			members: map[string]any{
				"intents":     []any{map[string]any{"name": "Book/Flight?"}, map[string]any{"name": "BookFlight"}, map[string]any{"name": "$$"}},
				"entities":    []any{map[string]any{"name": "a(b)"}, map[string]any{"name": long}, map[string]any{"name": "AB"}},
				"closedLists": []any{map[string]any{"name": "ab", "subLists": []any{map[string]any{"canonicalForm": "x", "list": []any{}}}}},
			},
			entities: []string{"ab", long[:50], "AB_1", "ab_2"},
			check: func(t *testing.T, f *File) {
				var in []string
				for _, i := range f.Assets.Intents {
					in = append(in, i.Category)
				}
				if want := []string{"None", "BookFlight", "BookFlight_1", "untitled"}; !slices.Equal(in, want) {
					t.Errorf("intents = %q, want %q", in, want)
				}
			},
			warnings: []string{"LuisNamesChanged"},
		},
		{
			name: "roles: copies of the owner's components, owner.role on collision",
			members: map[string]any{
				"entities":         []any{map[string]any{"name": "to", "roles": []any{}}},
				"prebuiltEntities": []any{map[string]any{"name": "geographyV2", "roles": []any{"to", "from"}}},
			},
			entities: []string{"to", "geographyV2", "geographyV2.to", "from"},
			check: func(t *testing.T, f *File) {
				for _, e := range f.Assets.Entities[1:] {
					if !slices.Equal(e.Prebuilts, []Prebuilt{{"Geography.Location"}}) {
						t.Errorf("%s prebuilts = %v, want Geography.Location", e.Category, e.Prebuilts)
					}
				}
			},
			warnings: []string{"LuisRolesConverted"},
		},
		{
			name: "prebuilts: table, unsupported, any casing",
			members: map[string]any{
				"prebuiltEntities": []any{map[string]any{"name": "keyPhrase"}, map[string]any{"name": "Money"}, map[string]any{"name": "datetime"}},
			},
			entities: []string{"Money", "datetime"},
			check: func(t *testing.T, f *File) {
				got := [][]Prebuilt{f.Assets.Entities[0].Prebuilts, f.Assets.Entities[1].Prebuilts}
				if diff := cmp.Diff([][]Prebuilt{{{"Quantity.Currency"}}, {{"DateTime"}}}, got); diff != "" {
					t.Errorf("prebuilts (-want +got):\n%s", diff)
				}
			},
			warnings: []string{"LuisPrebuiltNotSupported"},
		},
		{
			name: "features: isRequired and instanceOf, phrase lists and ML features dropped",
			members: map[string]any{
				"entities": []any{map[string]any{"name": "Order", "children": []any{
					map[string]any{"name": "Size", "instanceOf": "Sizes", "features": []any{map[string]any{"featureName": "words"}}},
					map[string]any{"name": "Code", "features": []any{map[string]any{"modelName": "Codes", "isRequired": true}, map[string]any{"modelName": "Other"}}},
				}}, map[string]any{"name": "Other"}},
				"closedLists":    []any{map[string]any{"name": "Sizes", "subLists": []any{map[string]any{"canonicalForm": "Large", "list": []any{"big", "large"}}}}},
				"regex_entities": []any{map[string]any{"name": "Codes", "regexPattern": "[a-z]{2}"}},
				"phraselists":    []any{map[string]any{"name": "words", "words": "a, b,,a", "mode": true}},
				"utterances": []any{map[string]any{"text": "big ab", "intent": "None", "entities": []any{
					map[string]any{"entity": "Order", "startPos": 0, "endPos": 5, "children": []any{
						map[string]any{"entity": "Size", "startPos": 0, "endPos": 2},
						map[string]any{"entity": "Code", "startPos": 4, "endPos": 5},
					}},
				}}},
			},
			entities: []string{"Order.Size", "Order.Code", "Other", "Sizes", "Codes"},
			check: func(t *testing.T, f *File) {
				size, code := f.Assets.Entities[0], f.Assets.Entities[1]
				if !slices.Equal(size.RequiredComponents, []string{"list"}) || size.List == nil ||
					!slices.Equal(size.List.Sublists[0].Synonyms[0].Values, []string{"big", "large"}) {
					t.Errorf("Order.Size = %+v, want the required list of Sizes, canonical form not repeated", size)
				}
				if !slices.Equal(code.RequiredComponents, []string{"regex"}) || code.Regex.Expressions[0] != (Expression{"Codes", "en-us", "(?i)[a-z]{2}"}) {
					t.Errorf("Order.Code = %+v, want the required caseless regex of Codes", code)
				}
				if diff := cmp.Diff([]PhraseList{{Name: "words", Phrases: []string{"a", "b"}, Interchangeable: true}}, f.Assets.PhraseLists); diff != "" {
					t.Errorf("phrase lists (-want +got):\n%s", diff)
				}
			},
			warnings: []string{"LuisParentEntitiesDropped", "LuisEntityFeaturesDropped", "LuisPhraseListsKept"},
		},
		{
			name: "a required only component of an unlabelled entity is left out",
			members: map[string]any{
				"entities":    []any{map[string]any{"name": "Size", "features": []any{map[string]any{"modelName": "Sizes", "isRequired": true}}}},
				"closedLists": []any{map[string]any{"name": "Sizes", "subLists": []any{map[string]any{"canonicalForm": "Large"}}}},
			},
			entities: []string{"Size", "Sizes"},
			check: func(t *testing.T, f *File) {
				if e := f.Assets.Entities[0]; e.List == nil || e.RequiredComponents != nil {
					t.Errorf("Size = %+v, want a list and no requiredComponents", e)
				}
			},
		},
		{
			name: "labels: surrogates widened, out of range and unknown dropped, overlaps longest first",
			members: map[string]any{
				"entities": []any{map[string]any{"name": "a"}, map[string]any{"name": "b"}},
				"utterances": []any{map[string]any{"text": "x 🍕 yz", "intent": "None", "entities": []any{
					map[string]any{"entity": "a", "startPos": 3, "endPos": 3},
					map[string]any{"entity": "b", "startPos": 5, "endPos": 6},
					map[string]any{"entity": "a", "startPos": 6, "endPos": 6},
					map[string]any{"entity": "a", "startPos": 4, "endPos": 9},
					map[string]any{"entity": "zzz", "startPos": 0, "endPos": 0},
				}}},
			},
			entities: []string{"a", "b"},
			check: func(t *testing.T, f *File) {
				want := []Label{{"a", 2, 2}, {"b", 5, 2}}
				if diff := cmp.Diff(want, f.Assets.Utterances[0].Entities); diff != "" {
					t.Errorf("labels (-want +got):\n%s", diff)
				}
			},
			warnings: []string{"LuisLabelsAdjusted", "LuisLabelsDropped", "LuisOverlappingLabelsDropped"},
		},
		{
			name: "intents added, empty and long utterances dropped",
			members: map[string]any{
				"intents": []any{map[string]any{"name": "None"}},
				"utterances": []any{
					map[string]any{"text": "hello", "intent": "Greet"},
					map[string]any{"text": "  ", "intent": "None"},
					map[string]any{"text": strings.Repeat("a", 501), "intent": "None"},
				},
			},
			entities: nil,
			check: func(t *testing.T, f *File) {
				if len(f.Assets.Utterances) != 1 || f.Assets.Intents[1].Category != "Greet" {
					t.Errorf("utterances = %v, intents = %v", f.Assets.Utterances, f.Assets.Intents)
				}
			},
			warnings: []string{"LuisIntentsAdded", "LuisUtterancesDropped", "LuisIntentsWithoutUtterances"},
		},
		{
			name:    "culture lower-cased, description kept",
			members: map[string]any{"culture": "ZH-CN", "desc": "d"},
			check: func(t *testing.T, f *File) {
				if f.Metadata.Language != "zh-cn" || f.Metadata.Description != "d" {
					t.Errorf("metadata = %+v", f.Metadata)
				}
			},
		},
		{
			name: "patterns become labelled utterances",
			members: map[string]any{
				"intents":          []any{map[string]any{"name": "Order"}},
				"closedLists":      []any{map[string]any{"name": "Size", "subLists": []any{map[string]any{"canonicalForm": "large", "list": []any{"big"}}}}},
				"prebuiltEntities": []any{map[string]any{"name": "number"}},
				"patternAnyEntities": []any{map[string]any{"name": "Note", "explicitList": []any{"no onions"}},
					map[string]any{"name": "Unused"}},
				"patterns": []any{
					map[string]any{"pattern": "^(order|get) {number} {Size} pizzas[ please] note {Note}", "intent": "Order"},
					map[string]any{"pattern": "only {Unused}", "intent": "Order"},
				},
			},
			entities: []string{"Size", "number", "Note"},
			check: func(t *testing.T, f *File) {
				want := []Utterance{{Text: "order 2 big pizzas note no onions", Intent: "Order", Dataset: "Train",
					Entities: []Label{{"number", 6, 1}, {"Size", 8, 3}, {"Note", 24, 9}}}}
				if diff := cmp.Diff(want, f.Assets.Utterances); diff != "" {
					t.Errorf("utterances (-want +got):\n%s", diff)
				}
			},
			warnings: []string{"LuisPatternsConverted", "LuisPatternsNotConverted", "LuisPatternAnyEntitiesConverted", "LuisPatternAnyEntitiesDropped"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, ws, err := ImportLUIS(luisJSON(t, tc.members), nil)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, e := range f.Assets.Entities {
				names = append(names, e.Category)
			}
			if !slices.Equal(names, tc.entities) {
				t.Errorf("entities = %q, want %q", names, tc.entities)
			}
			codes := map[string]bool{}
			for _, w := range ws {
				codes[w.Code] = true
			}
			for _, c := range tc.warnings {
				if !codes[c] {
					t.Errorf("warnings = %v, want one %s", ws, c)
				}
			}
			if tc.check != nil {
				tc.check(t, f)
			}
			f.Metadata.ProjectName = "p"
			if e := DefaultLimits.validate(f, "p", V20230401); e != nil {
				t.Errorf("validate = %v", e)
			}
		})
	}
}

func TestDecodeLUISDepth(t *testing.T) {
	deep := `{"luis_schema_version":"7.0.0","culture":"en-us","entities":[{"name":"a","children":` +
		strings.Repeat(`[{"name":"b","children":`, 70) + `[]` + strings.Repeat(`}]`, 70) + `}]}`
	_, _, err := ImportLUIS([]byte(deep), nil)
	var e *azerr.Error
	if !errors.As(err, &e) || e.Target != "body" {
		t.Errorf("ImportLUIS(70 levels of children) = %v, want a 400 naming the body", err)
	}
	if got := jsonDepth([]byte(`{"a":"[[{\"","b":[[]]}`)); got != 3 {
		t.Errorf("jsonDepth = %d, want 3 (brackets in strings do not count)", got)
	}
}

// TestPhraseListsReachTraining checks that trainingData passes the
// project's phrase lists to the engine.
func TestPhraseListsReachTraining(t *testing.T) {
	a := &Assets{
		ProjectKind: KindConversation,
		Intents:     []Intent{{Category: "Order"}},
		Utterances:  []Utterance{{Text: "a large pizza", Intent: "Order"}},
		PhraseLists: []PhraseList{{Name: "sizes", Phrases: []string{"large", "small"}, Interchangeable: true}, {Name: "food", Phrases: []string{"pizza"}}},
	}
	d, e := trainingData(&Project{Name: "p", Language: "en"}, a, []int{0})
	if e != nil {
		t.Fatal(e)
	}
	if len(d.PhraseLists) != 2 || d.PhraseLists[0].Name != "sizes" || !d.PhraseLists[0].Interchangeable ||
		!slices.Equal(d.PhraseLists[0].Phrases, []string{"large", "small"}) || d.PhraseLists[1].Interchangeable {
		t.Errorf("trainingData phrase lists = %+v, want the project's two", d.PhraseLists)
	}
}

// TestValidatePhraseLists checks the rules of assets.phraseLists.
func TestValidatePhraseLists(t *testing.T) {
	for _, tc := range []struct {
		name   string
		lists  []PhraseList
		kind   Kind
		target string
	}{
		{"valid", []PhraseList{{Name: "a", Phrases: []string{"x"}}}, KindConversation, ""},
		{"no name", []PhraseList{{Phrases: []string{"x"}}}, KindConversation, "/assets/phraseLists/0/name"},
		{"twice", []PhraseList{{Name: "a", Phrases: []string{"x"}}, {Name: "A", Phrases: []string{"y"}}}, KindConversation, "/assets/phraseLists/1/name"},
		{"no phrases", []PhraseList{{Name: "a"}}, KindConversation, "/assets/phraseLists/0/phrases"},
		{"empty phrase", []PhraseList{{Name: "a", Phrases: []string{" "}}}, KindConversation, "/assets/phraseLists/0/phrases/0"},
		{"orchestration", []PhraseList{{Name: "a", Phrases: []string{"x"}}}, KindOrchestration, "/assets/phraseLists"},
		{"too many words for the engine", []PhraseList{{Name: "a", Phrases: []string{"x", strings.Repeat("word ", 17)}}}, KindConversation, "/assets/phraseLists/0/phrases/1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &File{ProjectFileVersion: string(V20230401), StringIndexType: Utf16CodeUnit,
				Metadata: FileMetadata{ProjectKind: tc.kind, ProjectName: "p", Language: "en"},
				Assets:   &Assets{ProjectKind: tc.kind, PhraseLists: tc.lists}}
			e := DefaultLimits.validate(f, "p", V20230401)
			switch {
			case tc.target == "" && e != nil:
				t.Errorf("validate = %v, want nil", e)
			case tc.target != "" && (e == nil || e.Target != tc.target):
				t.Errorf("validate = %v, want an error at %s", e, tc.target)
			}
		})
	}
}
