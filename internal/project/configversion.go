package project

import (
	"encoding/json"
	"slices"

	"github.com/parley-dev/parley/internal/nlu"
)

// TrainingConfigVersion is an entry of the training-config-versions
// catalogue: a value of trainingConfigVersion on :train, the version of
// Parley's engine (nlu.Recipe*) that trains it, and the modelExpirationDate
// the catalogue and the models trained with it show.
type TrainingConfigVersion struct {
	Version        string
	Recipe         int
	ExpirationDate string // YYYY-MM-DD
}

// farFuture is the expiration date of the configs Parley keeps for good:
// nothing expires unless the operator asks (docs/compatibility.md). A date,
// not an absent member, because the spec marks modelExpirationDate required,
// and one a year can be added to (deploymentExpirationDate).
const farFuture = "9998-12-31"

// TrainingConfigVersions are the training config versions CLU's docs name
// (VERSIONS.md §6), oldest first, each mapped explicitly to an engine
// recipe. A mapping never changes once released, so that retraining with a
// config version reproduces its model; a change to the engine goes behind a
// new recipe and a config version that names it.
//
// 2022-05-01 keeps the expiration date of the spec's example
// (SuccessfulGetSupportedTrainingConfigVersions), which the compatibility
// suite replays; Parley does not enforce it. 2023-04-15 is CLU's
// "LoraNorm" (intent confidences normalised); the out-of-domain previews
// train with the base recipe, whose out-of-scope detector plays that role.
// 2026-12-01-parley is Parley's own: the engine whose entity tagger knows
// the intent (nlu.RecipeIntentTags), named with a suffix no Azure config
// has, so that it cannot be mistaken for one of theirs.
var TrainingConfigVersions = []TrainingConfigVersion{
	{Version: "2022-05-01", Recipe: nlu.RecipeBase, ExpirationDate: "2022-10-28"},
	{Version: "2022-09-01", Recipe: nlu.RecipeBase, ExpirationDate: farFuture},
	{Version: "2023-04-15", Recipe: nlu.RecipeLoraNorm, ExpirationDate: farFuture},
	{Version: "2024-06-01-preview", Recipe: nlu.RecipeBase, ExpirationDate: farFuture},
	{Version: "2024-08-01-preview", Recipe: nlu.RecipeBase, ExpirationDate: farFuture},
	{Version: "2025-07-01-preview", Recipe: nlu.RecipeBase, ExpirationDate: farFuture},
	{Version: "2026-12-01-parley", Recipe: nlu.RecipeIntentTags, ExpirationDate: farFuture},
}

// LatestConfigVersion is what "latest" (or no trainingConfigVersion)
// resolves to: Parley's newest engine, as "latest" is Azure's newest
// released config. A project retrained with "latest" gets the newest
// engine; one retrained with a named version gets that version's model
// again. Until Parley's 2026-12 engine it was 2022-09-01, the config
// CLU's model-lifecycle page marks "(latest)" (VERSIONS.md §6). The
// previews are for those who ask for them by name.
const LatestConfigVersion = "2026-12-01-parley"

// configVersion returns the entry of version ("" and "latest" mean
// LatestConfigVersion), and whether there is one.
func configVersion(version string) (TrainingConfigVersion, bool) {
	if version == "" || version == "latest" {
		version = LatestConfigVersion
	}
	i := slices.IndexFunc(TrainingConfigVersions, func(c TrainingConfigVersion) bool { return c.Version == version })
	if i < 0 {
		return TrainingConfigVersion{}, false
	}
	return TrainingConfigVersions[i], true
}

// engineOptions are the engine options of a training with config cfg on a
// project with settings s: the recipe, and the settings the engine applies
// (normalizeCasing, augmentDiacritics; a member that is not true is false).
func engineOptions(cfg TrainingConfigVersion, s *Settings) nlu.Options {
	o := nlu.Options{Seed: 1, Recipe: cfg.Recipe}
	if s != nil {
		o.NormalizeCasing = settingTrue(s, "normalizeCasing")
		o.FoldDiacritics = settingTrue(s, "augmentDiacritics")
	}
	return o
}

func settingTrue(s *Settings, name string) bool {
	var b bool
	return json.Unmarshal(s.Extra[name], &b) == nil && b
}
