package project

import (
	"fmt"
	"strings"

	"github.com/parley-dev/parley/internal/job"
)

// luisWarningText is what each warning code of a LUIS import or export
// says, in the order the job lists them (LUIS.md §4, §5.3; the codes marked
// Parley are Parley's own, docs/compatibility.md).
var luisWarningText = []struct{ code, what string }{
	{"LuisSchemaVersionUpgraded", "LUIS schema version upgraded in memory to 7.0.0 before the conversion"},
	{"LuisDuplicateModelsDropped", "models named like an earlier model of the file were not imported; the first of a name is kept (Parley)"},
	{"LuisParentEntitiesDropped", "machine-learned entities with children not imported; their leaf children were imported as '<parent>.<child>' entities"},
	{"LuisParentLabelsDropped", "labels of parent entities had no labelled child and were not imported"},
	{"LuisCompositesConverted", "composite entities imported as entities with a learned component only"},
	{"LuisRolesConverted", "roles imported as separate entities"},
	{"LuisPrebuiltNotSupported", "prebuilt entities have no equivalent prebuilt component and were not imported"},
	{"LuisPrebuiltDomainIgnored", "items inherited from a LUIS prebuilt domain imported without their domain"},
	{"LuisPatternAnyEntitiesDropped", "Pattern.any entities not imported"},
	{"LuisPatternAnyEntitiesConverted", "Pattern.any entities imported as entities with a learned component, labelled in the utterances made from patterns (Parley)"},
	{"LuisEntityFeaturesDropped", "entity features not imported (phrase lists, machine-learned entities, unsupported prebuilts, features of dropped parents)"},
	{"LuisIntentFeaturesDropped", "intents had features that were not imported"},
	{"LuisPatternsDropped", "patterns not imported (luisPatterns=drop)"},
	{"LuisPatternsConverted", "patterns imported as labelled training utterances (Parley, luisPatterns=utterances)"},
	{"LuisPatternsNotConverted", "patterns could not be made into utterances (an entity without an example value, or a duplicate) and were not imported"},
	{"LuisPhraseListsKept", "phrase lists kept in the project as features of the engine (Parley extension assets.phraseLists)"},
	{"LuisPhraseListsDropped", "phrase lists not imported (deactivated or empty)"},
	{"LuisRegexFeaturesDropped", "regex features not imported"},
	{"LuisRegexPatternsDropped", "regular expressions that are not valid .NET patterns were not imported (Parley)"},
	{"LuisSettingsDropped", "application settings not imported"},
	{"LuisOverlappingLabelsDropped", "labels overlapped a longer label and were not imported"},
	{"LuisLabelsDropped", "labels of unknown, Pattern.any or unsupported entities, or outside their text, were not imported"},
	{"LuisLabelsAdjusted", "labels widened to whole surrogate pairs"},
	{"LuisUtterancesDropped", "utterances with an empty text or one longer than 500 characters were not imported (Parley)"},
	{"LuisNamesChanged", "names changed to meet the naming rules of intents and entities"},
	{"LuisIntentsAdded", "intents named only by utterances were added"},
	{"LuisIntentsWithoutUtterances", "intents have no utterance after the import"},
	{"LuisEntitiesWithoutComponents", "entities have no component (no label, list, prebuilt or regex)"},
	{"LuisExportTestUtterancesDropped", "test utterances not exported; LUIS files have no test set"},
	{"LuisExportLanguageDropped", "utterances and synonyms in other languages than the project's not exported"},
	{"LuisExportPrebuiltNotSupported", "prebuilt components have no LUIS prebuilt entity and were not exported"},
	{"LuisExportEntityOptionsDropped", "entities had a compositionSetting or a required learned component, which LUIS cannot hold"},
	{"LuisExportPhrasesDropped", "phrases holding a comma not exported; LUIS separates phrases by commas (Parley)"},
}

// maxWarningNames is how many names a warning lists (§4).
const maxWarningNames = 10

// luisWarnings collects warnings by code: a count and distinct names.
type luisWarnings struct {
	items map[string]*luisWarning
}

type luisWarning struct {
	count int
	names []string
	seen  map[string]bool
}

// add counts one occurrence of code, about name ("" lists none).
func (w *luisWarnings) add(code, name string) {
	if w.items == nil {
		w.items = map[string]*luisWarning{}
	}
	it := w.items[code]
	if it == nil {
		it = &luisWarning{seen: map[string]bool{}}
		w.items[code] = it
	}
	it.count++
	if name != "" && !it.seen[name] {
		it.seen[name] = true
		it.names = append(it.names, name)
	}
}

// count returns how many occurrences of code were added.
func (w *luisWarnings) count(code string) int {
	if it := w.items[code]; it != nil {
		return it.count
	}
	return 0
}

// list returns one job warning per code, in the order of luisWarningText.
func (w *luisWarnings) list() []job.Warning {
	var out []job.Warning
	for _, t := range luisWarningText {
		it := w.items[t.code]
		if it == nil {
			continue
		}
		msg := fmt.Sprintf("%d %s", it.count, t.what)
		if n := len(it.names); n > 0 {
			shown := it.names[:min(n, maxWarningNames)]
			msg += ": " + strings.Join(shown, ", ")
			if n > maxWarningNames {
				msg += fmt.Sprintf(", and %d more", n-maxWarningNames)
			}
		}
		out = append(out, job.Warning{Code: t.code, Message: msg + "."})
	}
	return out
}
