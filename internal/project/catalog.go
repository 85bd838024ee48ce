package project

import (
	"embed"
	"encoding/json"
	"strings"
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

// TrainingConfigVersion is an entry of the training-config-versions catalogue.
type TrainingConfigVersion struct {
	Version        string `json:"trainingConfigVersion"`
	ExpirationDate string `json:"modelExpirationDate"`
}

// Catalogues, loaded from the spec's example data (catalog/README.md).
var (
	Languages              = mustLoad[Language]("catalog/languages.json")
	PrebuiltEntities       = mustLoad[PrebuiltEntity]("catalog/prebuilt-entities.json")
	TrainingConfigVersions = mustLoad[TrainingConfigVersion]("catalog/training-config-versions.json")
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
