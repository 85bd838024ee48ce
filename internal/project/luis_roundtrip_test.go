package project

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var luisFiles = []string{
	"hr-review.v7.json", "pizza-nested.v7.json", "pizza.v6.json", "contoso-all-entity-types.v3.2.json",
	"flightbooking-corebot.v3.2.json", "todo-prebuilt-domain.v4.json", "foo.fr-fr.v4.json",
}

// luisProject is the project a LUIS import of f creates.
func luisProject(f *File) *Project {
	m := f.Metadata
	return &Project{Name: "p", Kind: m.ProjectKind, Language: m.Language, Description: m.Description, Settings: m.Settings}
}

// sortedEntities is a's entities by name: a LUIS file groups its models by
// kind, so the order of entities does not survive a round trip.
func sortedEntities(a *Assets) []Entity {
	es := slices.Clone(a.Entities)
	slices.SortFunc(es, func(x, y Entity) int { return strings.Compare(x.Category, y.Category) })
	return es
}

// TestLUISRoundTrip checks that LUIS -> Parley -> LUIS -> Parley leaves the
// CLU project unchanged, for the seven apps and both pattern options.
func TestLUISRoundTrip(t *testing.T) {
	for _, name := range luisFiles {
		for _, patterns := range []string{LUISPatternsUtterances, LUISPatternsDrop} {
			t.Run(name+"/"+patterns, func(t *testing.T) {
				first, _, err := ImportLUIS(readLUIS(t, name), &LUISImportOptions{Patterns: patterns})
				if err != nil {
					t.Fatal(err)
				}
				first.Metadata.ProjectName = "p"
				if e := DefaultLimits.validate(first, "p", V20230401); e != nil {
					t.Fatalf("validate(ImportLUIS(%s)) = %v", name, e)
				}
				b, ews, err := ExportLUIS(luisProject(first), first.Assets)
				if err != nil {
					t.Fatal(err)
				}
				if len(ews) != 0 {
					t.Errorf("ExportLUIS warnings = %v, want none", ews)
				}
				second, _, err := ImportLUIS(b, &LUISImportOptions{Patterns: patterns})
				if err != nil {
					t.Fatalf("ImportLUIS(ExportLUIS(%s)) = %v", name, err)
				}
				second.Metadata.ProjectName = "p"
				if diff := cmp.Diff(first.Metadata, second.Metadata); diff != "" {
					t.Errorf("metadata changed (-first +second):\n%s", diff)
				}
				if diff := cmp.Diff(first.Assets.Intents, second.Assets.Intents); diff != "" {
					t.Errorf("intents changed (-first +second):\n%s", diff)
				}
				if diff := cmp.Diff(sortedEntities(first.Assets), sortedEntities(second.Assets)); diff != "" {
					t.Errorf("entities changed (-first +second):\n%s", diff)
				}
				if diff := cmp.Diff(first.Assets.Utterances, second.Assets.Utterances); diff != "" {
					t.Errorf("utterances changed (-first +second):\n%s", diff)
				}
				if diff := cmp.Diff(first.Assets.PhraseLists, second.Assets.PhraseLists); diff != "" {
					t.Errorf("phrase lists changed (-first +second):\n%s", diff)
				}
			})
		}
	}
}

// TestLUISImportEveryVersion: the converted project is valid in every
// api-version an import job may carry.
func TestLUISImportEveryVersion(t *testing.T) {
	f, _, err := ImportLUIS(readLUIS(t, "contoso-all-entity-types.v3.2.json"), nil)
	if err != nil {
		t.Fatal(err)
	}
	f.Metadata.ProjectName = "p"
	for _, v := range APIVersions {
		f.ProjectFileVersion = string(v)
		if e := DefaultLimits.validate(f, "p", v); e != nil {
			t.Errorf("validate(%s) = %v", v, e)
		}
	}
}
