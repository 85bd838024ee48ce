package project

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestExportLUIS exports a CLU project with what LUIS cannot hold and
// checks the file and the warnings (LUIS.md §5).
func TestExportLUIS(t *testing.T) {
	p := &Project{Name: "shop", Kind: KindConversation, Language: "en", Multilingual: true}
	a := &Assets{
		ProjectKind: KindConversation,
		Intents:     []Intent{{Category: "Buy"}},
		Entities: []Entity{
			{Category: "Color", List: &List{Sublists: []Sublist{{ListKey: "red", Synonyms: []Synonym{
				{Language: "en", Values: []string{"red", "crimson", "red"}}, {Language: "fr", Values: []string{"rouge"}}}}}}},
			{Category: "Shade", CompositionSetting: "returnLongestOverlap", RequiredComponents: []string{"learned", "list"},
				List: &List{Sublists: []Sublist{{ListKey: "dark", Synonyms: []Synonym{{Values: []string{"dark"}}}}}}},
			{Category: "Count", Prebuilts: []Prebuilt{{"Quantity.Number"}, {"Quantity.NumberRange"}}},
			{Category: "number", Prebuilts: []Prebuilt{{"Quantity.Number"}}},
			{Category: "Sku", Regex: &Regex{Expressions: []Expression{{RegexKey: "Sku", Language: "en", RegexPattern: "(?i)sku-[0-9]+"}}}},
			{Category: "When", Prebuilts: []Prebuilt{{"Datetime"}}},
		},
		Utterances: []Utterance{
			{Text: "buy 2 dark red", Intent: "Buy", Entities: []Label{{"Count", 4, 1}, {"Shade", 6, 4}, {"Color", 11, 3}}},
			{Text: "buy one", Intent: "Buy", Dataset: "Test"},
			{Text: "acheter", Intent: "Buy", Language: "fr"},
		},
		PhraseLists: []PhraseList{{Name: "verbs", Phrases: []string{"buy", "get, take"}}},
	}
	b, ws, err := ExportLUIS(p, a)
	if err != nil {
		t.Fatal(err)
	}
	var got luisOut
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got.SchemaVersion != "7.0.0" || got.Culture != "en-us" || got.Name != "shop" {
		t.Errorf("head = %s %s %s, want 7.0.0 en-us shop", got.SchemaVersion, got.Culture, got.Name)
	}
	if want := []luisOutIntent{{"None", []struct{}{}}, {"Buy", []struct{}{}}}; !cmp.Equal(want, got.Intents) {
		t.Errorf("intents = %v, want None first", got.Intents)
	}
	wantEntities := []luisOutEntity{
		{Name: "Shade", Children: []struct{}{}, Roles: []string{}, Features: []luisOutFeature{{"Shade_list", true}}},
		{Name: "Count", Children: []struct{}{}, Roles: []string{}, Features: []luisOutFeature{{"number", false}}},
		{Name: "When", Children: []struct{}{}, Roles: []string{}, Features: []luisOutFeature{{"datetimeV2", true}}},
	}
	if diff := cmp.Diff(wantEntities, got.Entities); diff != "" {
		t.Errorf("entities (-want +got):\n%s", diff)
	}
	wantLists := []luisOutList{
		{Name: "Color", SubLists: []luisOutSubList{{"red", []string{"red", "crimson"}}}, Roles: []string{}},
		{Name: "Shade_list", SubLists: []luisOutSubList{{"dark", []string{"dark"}}}, Roles: []string{}},
	}
	if diff := cmp.Diff(wantLists, got.ClosedLists); diff != "" {
		t.Errorf("closedLists (-want +got):\n%s", diff)
	}
	if want := []luisOutModel{{"number", []string{}}, {"datetimeV2", []string{}}}; !cmp.Equal(want, got.PrebuiltEntities) {
		t.Errorf("prebuiltEntities = %v, want %v", got.PrebuiltEntities, want)
	}
	if want := []luisOutRegex{{"Sku", "sku-[0-9]+", []string{}}}; !cmp.Equal(want, got.RegexEntities) {
		t.Errorf("regex_entities = %v, want the pattern without (?i)", got.RegexEntities)
	}
	wantUtts := []luisOutUtterance{{Text: "buy 2 dark red", Intent: "Buy", Entities: []luisOutLabel{
		{"Count", 4, 4, []struct{}{}}, {"Shade", 6, 9, []struct{}{}}, {"Color", 11, 13, []struct{}{}}}}}
	if diff := cmp.Diff(wantUtts, got.Utterances); diff != "" {
		t.Errorf("utterances (-want +got):\n%s", diff)
	}
	if want := []luisOutPhrases{{"verbs", false, "buy", true, true}}; !cmp.Equal(want, got.PhraseLists) {
		t.Errorf("phraselists = %v, want %v", got.PhraseLists, want)
	}
	var codes []string
	for _, w := range ws {
		codes = append(codes, w.Code)
	}
	want := []string{"LuisExportTestUtterancesDropped", "LuisExportLanguageDropped", "LuisExportPrebuiltNotSupported",
		"LuisExportEntityOptionsDropped", "LuisExportPhrasesDropped"}
	if !slices.Equal(codes, want) {
		t.Errorf("warnings = %q, want %q", codes, want)
	}
}
