package project

import (
	"embed"
	"encoding/json"
	"strings"

	"github.com/parley-dev/parley/internal/nlu"
)

//go:embed catalog/*.json
var catalogFiles embed.FS

// Language is an entry of the supported-languages catalogue.
type Language struct {
	Name string `json:"languageName"`
	Code string `json:"languageCode"`
}

// PrebuiltEntity is an entry of the supported-prebuilt-entities catalogue.
type PrebuiltEntity struct {
	Category    string `json:"category"`
	Description string `json:"description"`
	Examples    string `json:"examples"`
}

// Catalogues, loaded from the spec's example data (catalog/README.md).
var (
	Languages        = mustLoad[Language]("catalog/languages.json")
	PrebuiltEntities = mustLoad[PrebuiltEntity]("catalog/prebuilt-entities.json")
)

func mustLoad[T any](name string) []T {
	b, err := catalogFiles.ReadFile(name)
	if err != nil {
		panic(err)
	}
	var v []T
	if err := json.Unmarshal(b, &v); err != nil {
		panic(name + ": " + err.Error())
	}
	return v
}

// RecognisedPrebuilts are the catalogue's entries that Parley recognises
// in language (a BCP-47 tag; its recognisers are English), or in any
// language when multilingual: what the supported-prebuilt-entities
// operation answers, so that it never lists a component that matches
// nothing.
func RecognisedPrebuilts(language string, multilingual bool) []PrebuiltEntity {
	if !multilingual && !strings.EqualFold(primaryLanguage(language), "en") {
		return []PrebuiltEntity{}
	}
	out := []PrebuiltEntity{}
	for _, p := range PrebuiltEntities {
		if nlu.PrebuiltSupported(p.Category) {
			out = append(out, p)
		}
	}
	return out
}

func primaryLanguage(tag string) string {
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		return tag[:i]
	}
	return tag
}

// KnownPrebuilt reports whether category names a prebuilt component,
// ignoring case ("DateTime" is "Datetime" in the docs).
func KnownPrebuilt(category string) bool {
	for _, p := range PrebuiltEntities {
		if strings.EqualFold(p.Category, category) {
			return true
		}
	}
	for _, c := range extraPrebuilts {
		if strings.EqualFold(c, category) {
			return true
		}
	}
	return false
}
