package project

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/parley-dev/parley/internal/nlu"
)

// PhraseList is a phrase list of a project: a Parley extension of the CLU
// project file (assets.phraseLists), which the LUIS import fills from a
// LUIS application's phrase lists and the engine uses as features
// (nlu.PhraseList). Interchangeable is LUIS's "mode": the phrases are
// synonyms of each other.
type PhraseList struct {
	Name            string   `json:"name"`
	Phrases         []string `json:"phrases"`
	Interchangeable bool     `json:"interchangeable"`
}

// Limits of phrase lists: LUIS allowed 500 lists per application; the
// phrase bounds keep a project's features small.
const (
	maxPhraseLists      = 500
	maxPhrasesPerList   = 5_000
	maxPhrasesInProject = 100_000
	maxPhraseLength     = 500 // characters
)

// validatePhraseLists checks assets.phraseLists: names like intent names
// and unique, phrases non-empty and bounded.
func validatePhraseLists(p *problems, a *Assets) {
	if len(a.PhraseLists) == 0 {
		return
	}
	if a.ProjectKind == KindOrchestration {
		p.invalid("/assets/phraseLists", "Orchestration projects have no phrase lists.")
		return
	}
	if len(a.PhraseLists) > maxPhraseLists {
		p.quota("/assets/phraseLists", "The project has %d phrase lists; the limit is %d.", len(a.PhraseLists), maxPhraseLists)
		return
	}
	names := map[string]bool{}
	total := 0
	for i, pl := range a.PhraseLists {
		t := fmt.Sprintf("/assets/phraseLists/%d", i)
		if e := checkLabelName(t+"/name", "phrase list", pl.Name); e != nil {
			p.add(e)
		} else if names[strings.ToLower(pl.Name)] {
			p.invalid(t+"/name", "The phrase list %q is declared twice; phrase list names are compared ignoring case.", pl.Name)
		}
		names[strings.ToLower(pl.Name)] = true
		switch {
		case len(pl.Phrases) == 0:
			p.invalid(t+"/phrases", "The phrase list %q has no phrases; add some or remove the list.", pl.Name)
		case len(pl.Phrases) > maxPhrasesPerList:
			p.quota(t+"/phrases", "The phrase list %q has %d phrases; the limit is %d.", pl.Name, len(pl.Phrases), maxPhrasesPerList)
		}
		total += len(pl.Phrases)
		for j, ph := range pl.Phrases {
			switch {
			case strings.TrimSpace(ph) == "":
				p.invalid(fmt.Sprintf("%s/phrases/%d", t, j), "A phrase of the phrase list %q is empty.", pl.Name)
			case utf8.RuneCountInString(ph) > maxPhraseLength:
				p.invalid(fmt.Sprintf("%s/phrases/%d", t, j), "A phrase of the phrase list %q is longer than %d characters.", pl.Name, maxPhraseLength)
			case nlu.CheckPhraseLists([]nlu.PhraseList{{Name: pl.Name, Phrases: []string{ph}}}) != nil:
				// the engine's own bound, so that training never refuses a stored project
				p.invalid(fmt.Sprintf("%s/phrases/%d", t, j), "A phrase of the phrase list %q has more than %d words; split it into shorter phrases.", pl.Name, nlu.MaxPhraseTokens)
			}
		}
	}
	if total > maxPhrasesInProject {
		p.quota("/assets/phraseLists", "The project's phrase lists have %d phrases; the limit is %d.", total, maxPhrasesInProject)
	}
}

// enginePhraseLists are a project's phrase lists as the engine takes them.
func enginePhraseLists(a *Assets) []nlu.PhraseList {
	var out []nlu.PhraseList
	for _, pl := range a.PhraseLists {
		out = append(out, nlu.PhraseList{Name: pl.Name, Phrases: pl.Phrases, Interchangeable: pl.Interchangeable})
	}
	return out
}
