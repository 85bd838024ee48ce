package project

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/parley-dev/parley/internal/job"
)

// readLUIS reads a LUIS app of testdata/luis.
func readLUIS(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "luis", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// warningCount reads the count a warning's message starts with.
func warningCount(w job.Warning) int {
	n := 0
	for _, r := range w.Message {
		if r < '0' || r > '9' {
			break
		}
		n = n*10 + int(r-'0')
	}
	return n
}

func labelCount(f *File) int {
	n := 0
	for _, u := range f.Assets.Utterances {
		n += len(u.Entities)
	}
	return n
}

// TestLUISOracle imports the seven LUIS apps and checks the counts of
// LUIS.md §6. Phrase lists are kept (a Parley extension), so §6's
// PhraseListsDropped counts are those of LuisPhraseListsKept; patterns are
// dropped, as §6 assumes (luisPatterns=drop).
func TestLUISOracle(t *testing.T) {
	for _, tc := range []struct {
		file                      string
		intents, entities, labels int
		language                  string
		warnings                  map[string]int
	}{
		{"hr-review.v7.json", 11, 17, 46, "en-us", map[string]int{
			"LuisParentEntitiesDropped": 4, "LuisParentLabelsDropped": 19, "LuisEntityFeaturesDropped": 5,
			"LuisPrebuiltNotSupported": 1, "LuisPrebuiltDomainIgnored": 5, "LuisPhraseListsKept": 4,
			"LuisEntitiesWithoutComponents": 2}},
		{"pizza-nested.v7.json", 6, 21, 513, "en-us", map[string]int{
			"LuisParentEntitiesDropped": 5, "LuisParentLabelsDropped": 4, "LuisEntityFeaturesDropped": 36,
			"LuisIntentFeaturesDropped": 6, "LuisPatternsDropped": 4, "LuisPhraseListsKept": 10, "LuisSettingsDropped": 1,
			"LuisIntentsWithoutUtterances": 1}},
		{"pizza.v6.json", 5, 14, 791, "en-us", map[string]int{
			"LuisSchemaVersionUpgraded": 1, "LuisParentEntitiesDropped": 4, "LuisParentLabelsDropped": 4,
			"LuisEntityFeaturesDropped": 6, "LuisIntentFeaturesDropped": 2, "LuisPatternsDropped": 1,
			"LuisPhraseListsKept": 5, "LuisSettingsDropped": 1}},
		{"contoso-all-entity-types.v3.2.json", 11, 58, 160, "en-us", map[string]int{
			"LuisSchemaVersionUpgraded": 1, "LuisParentEntitiesDropped": 1, "LuisParentLabelsDropped": 4,
			"LuisCompositesConverted": 3, "LuisRolesConverted": 34, "LuisPatternAnyEntitiesDropped": 2,
			"LuisPatternsDropped": 3, "LuisOverlappingLabelsDropped": 17, "LuisEntitiesWithoutComponents": 3}},
		{"flightbooking-corebot.v3.2.json", 4, 4, 19, "en-us", map[string]int{
			"LuisSchemaVersionUpgraded": 1, "LuisCompositesConverted": 2}},
		{"todo-prebuilt-domain.v4.json", 2, 1, 155, "en-us", map[string]int{
			"LuisSchemaVersionUpgraded": 1, "LuisPrebuiltDomainIgnored": 3, "LuisPatternAnyEntitiesDropped": 1,
			"LuisPatternsDropped": 2}},
		{"foo.fr-fr.v4.json", 2, 0, 0, "fr-fr", map[string]int{
			"LuisSchemaVersionUpgraded": 1, "LuisIntentsWithoutUtterances": 1}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			f, ws, err := ImportLUIS(readLUIS(t, tc.file), &LUISImportOptions{Patterns: LUISPatternsDrop})
			if err != nil {
				t.Fatalf("ImportLUIS(%s) = %v", tc.file, err)
			}
			a := f.Assets
			if len(a.Intents) != tc.intents || len(a.Entities) != tc.entities || labelCount(f) != tc.labels {
				t.Errorf("ImportLUIS(%s): %d intents, %d entities, %d labels; want %d, %d, %d",
					tc.file, len(a.Intents), len(a.Entities), labelCount(f), tc.intents, tc.entities, tc.labels)
			}
			if f.Metadata.Language != tc.language {
				t.Errorf("language = %q, want %q", f.Metadata.Language, tc.language)
			}
			got := map[string]int{}
			for _, w := range ws {
				got[w.Code] = warningCount(w)
			}
			if diff := cmp.Diff(tc.warnings, got); diff != "" {
				t.Errorf("warnings (code: count) differ (-want +got):\n%s", diff)
			}
			f.Metadata.ProjectName = "p"
			if e := DefaultLimits.validate(f, "p", V20230401); e != nil {
				t.Errorf("validate = %v, want nil", e)
			}
			for _, e := range a.Entities {
				if n := utf8.RuneCountInString(e.Category); n > 50 {
					t.Errorf("entity %q has %d characters", e.Category, n)
				}
			}
		})
	}
}

func entityNamed(t *testing.T, f *File, name string) *Entity {
	t.Helper()
	for i := range f.Assets.Entities {
		if f.Assets.Entities[i].Category == name {
			return &f.Assets.Entities[i]
		}
	}
	t.Fatalf("no entity %q", name)
	return nil
}

// TestLUISSpotChecks checks the details LUIS.md §6 lists.
func TestLUISSpotChecks(t *testing.T) {
	imp := func(t *testing.T, name string) *File {
		f, _, err := ImportLUIS(readLUIS(t, name), &LUISImportOptions{Patterns: LUISPatternsDrop})
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	t.Run("pizza-nested", func(t *testing.T) {
		f := imp(t, "pizza-nested.v7.json")
		for _, n := range []string{"ToppingModifiers.Topping", "Address.Building Number", "Order.Time"} {
			entityNamed(t, f, n)
		}
		size := entityNamed(t, f, "FullPizzaWithModifiers.Size")
		sizeList := entityNamed(t, f, "SizeList")
		if diff := cmp.Diff(sizeList.List, size.List); diff != "" {
			t.Errorf("FullPizzaWithModifiers.Size list differs from SizeList's (-SizeList +Size):\n%s", diff)
		}
		if !slices.Equal(size.RequiredComponents, []string{"list"}) {
			t.Errorf("FullPizzaWithModifiers.Size requiredComponents = %q, want [list]", size.RequiredComponents)
		}
	})
	t.Run("hr-review", func(t *testing.T) {
		raw := readLUIS(t, "hr-review.v7.json")
		if !bytes.Contains(raw, []byte("\r\n")) {
			t.Error("hr-review.v7.json lost its CRLF line endings")
		}
		f := imp(t, "hr-review.v7.json")
		dt := entityNamed(t, f, "RequestEmployeeMoveMLEntity.datetimeV2")
		if !slices.Equal(dt.Prebuilts, []Prebuilt{{"DateTime"}}) || !slices.Equal(dt.RequiredComponents, []string{"prebuilts"}) {
			t.Errorf("RequestEmployeeMoveMLEntity.datetimeV2 = %+v, want a required DateTime prebuilt", dt)
		}
		entityNamed(t, f, "RequestEmployeeMoveMLEntity.Moving to")
		e := entityNamed(t, f, "EmployeeFeedbackEntity.EmployeeIdOrName")
		if e.List == nil || len(e.List.Sublists) != 2 || !slices.Equal(e.Prebuilts, []Prebuilt{{"Person.Name"}, {"Email"}}) {
			t.Errorf("EmployeeFeedbackEntity.EmployeeIdOrName = %+v, want EmployeeListEntity's list, Person.Name and Email", e)
		}
	})
	t.Run("contoso", func(t *testing.T) {
		f := imp(t, "contoso-all-entity-types.v3.2.json")
		for _, p := range luisPrebuiltTable {
			if p.clu != "" && p.luis != "datetime" {
				if e := entityNamed(t, f, p.luis); !slices.Equal(e.Prebuilts, []Prebuilt{{p.clu}}) {
					t.Errorf("%s prebuilts = %v, want %s", p.luis, e.Prebuilts, p.clu)
				}
			}
		}
		for _, n := range []string{"source", "destination", "Address.Source", "Address.Destination"} {
			entityNamed(t, f, n)
		}
		airline := entityNamed(t, f, "Airline")
		for _, sl := range airline.List.Sublists {
			if (sl.ListKey == "Alaska" || sl.ListKey == "United") && !slices.Equal(sl.Synonyms[0].Values, []string{sl.ListKey}) {
				t.Errorf("Airline sublist %s synonyms = %q, want its canonical form only", sl.ListKey, sl.Synonyms[0].Values)
			}
		}
		to, long := 0, false
		for _, u := range f.Assets.Utterances {
			for _, l := range u.Entities {
				if l.Category == "City.To" {
					to++
				}
			}
			long = long || utf8.RuneCountInString(u.Text) == 451
		}
		if to == 0 || !long {
			t.Errorf("City.To labels = %d, 451-character utterance kept = %v; want some and true", to, long)
		}
		part := entityNamed(t, f, "Part")
		if x := part.Regex.Expressions[0]; x.RegexPattern != "(?i)kb[0-9]+" {
			t.Errorf("Part pattern = %q, want the caseless (?i)kb[0-9]+", x.RegexPattern)
		}
	})
	t.Run("pizza.v6 flat labels", func(t *testing.T) {
		f := imp(t, "pizza.v6.json")
		n := 0
		for _, u := range f.Assets.Utterances {
			for _, l := range u.Entities {
				if l.Category == "ToppingModifiers.Topping" {
					n++
				}
			}
		}
		if n < 100 {
			t.Errorf("ToppingModifiers.Topping labels = %d; the flat labels were not nested", n)
		}
	})
}

func TestDumpLUIS(t *testing.T) {
	if os.Getenv("LUIS_DUMP") == "" {
		t.Skip()
	}
	names, _ := filepath.Glob(filepath.Join("testdata", "luis", "*.json"))
	for _, n := range names {
		f, ws, err := ImportLUIS(readLUIS(t, filepath.Base(n)), &LUISImportOptions{Patterns: os.Getenv("LUIS_DUMP")})
		if err != nil {
			t.Fatal(err)
		}
		var ents []string
		for _, e := range f.Assets.Entities {
			ents = append(ents, e.Category)
		}
		t.Logf("%s: intents %d entities %d labels %d utts %d\n  %s", filepath.Base(n), len(f.Assets.Intents), len(f.Assets.Entities), labelCount(f), len(f.Assets.Utterances), strings.Join(ents, " | "))
		for _, w := range ws {
			t.Logf("   %s: %s", w.Code, w.Message)
		}
	}
}

// TestLUISWorkedExample converts the example of LUIS.md §3.8 and compares
// the result with the project file given there (its regex pattern with the
// caseless option Parley adds, docs/compatibility.md).
func TestLUISWorkedExample(t *testing.T) {
	f, ws, err := ImportLUIS(readLUIS(t, "worked-example.v7.json"), &LUISImportOptions{Patterns: LUISPatternsDrop})
	if err != nil {
		t.Fatal(err)
	}
	f.Metadata.ProjectName = "PizzaMini"
	f.Assets.PhraseLists = nil // §3.8 drops them; Parley keeps them
	got, err := marshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	want := readLUIS(t, "worked-example.clu.json")
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(w, g); diff != "" {
		t.Errorf("ImportLUIS(worked example) differs from LUIS.md §3.8 (-want +got):\n%s", diff)
	}
	var codes []string
	for _, w := range ws {
		codes = append(codes, w.Code)
	}
	wantCodes := []string{"LuisParentEntitiesDropped", "LuisParentLabelsDropped", "LuisRolesConverted", "LuisPrebuiltNotSupported",
		"LuisPatternAnyEntitiesDropped", "LuisIntentFeaturesDropped", "LuisPatternsDropped", "LuisPhraseListsKept", "LuisSettingsDropped"}
	if !slices.Equal(codes, wantCodes) {
		t.Errorf("warnings = %q, want %q", codes, wantCodes)
	}
}

// BenchmarkImportLUIS converts the largest test app.
func BenchmarkImportLUIS(b *testing.B) {
	data := readLUIS(b, "pizza-nested.v7.json")
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := ImportLUIS(data, nil); err != nil {
			b.Fatal(err)
		}
	}
}
