package project

import (
	"slices"
	"strings"

	"github.com/parley-dev/parley/internal/job"
)

// The LUIS 7.0.0 file ExportLUIS writes (LUIS.md §5): members in the 7.x
// order, every array present.
type luisOut struct {
	SchemaVersion      string             `json:"luis_schema_version"`
	Intents            []luisOutIntent    `json:"intents"`
	Entities           []luisOutEntity    `json:"entities"`
	Hierarchicals      []struct{}         `json:"hierarchicals"`
	Composites         []struct{}         `json:"composites"`
	ClosedLists        []luisOutList      `json:"closedLists"`
	PrebuiltEntities   []luisOutModel     `json:"prebuiltEntities"`
	Utterances         []luisOutUtterance `json:"utterances"`
	VersionID          string             `json:"versionId"`
	Name               string             `json:"name"`
	Desc               string             `json:"desc"`
	Culture            string             `json:"culture"`
	TokenizerVersion   string             `json:"tokenizerVersion"`
	PatternAnyEntities []struct{}         `json:"patternAnyEntities"`
	RegexEntities      []luisOutRegex     `json:"regex_entities"`
	PhraseLists        []luisOutPhrases   `json:"phraselists"`
	RegexFeatures      []struct{}         `json:"regex_features"`
	Patterns           []struct{}         `json:"patterns"`
	Settings           []struct{}         `json:"settings"`
}

type luisOutIntent struct {
	Name     string     `json:"name"`
	Features []struct{} `json:"features"`
}

type luisOutEntity struct {
	Name     string           `json:"name"`
	Children []struct{}       `json:"children"`
	Roles    []string         `json:"roles"`
	Features []luisOutFeature `json:"features"`
}

type luisOutFeature struct {
	ModelName  string `json:"modelName"`
	IsRequired bool   `json:"isRequired"`
}

type luisOutList struct {
	Name     string           `json:"name"`
	SubLists []luisOutSubList `json:"subLists"`
	Roles    []string         `json:"roles"`
}

type luisOutSubList struct {
	CanonicalForm string   `json:"canonicalForm"`
	List          []string `json:"list"`
}

type luisOutModel struct {
	Name  string   `json:"name"`
	Roles []string `json:"roles"`
}

type luisOutRegex struct {
	Name         string   `json:"name"`
	RegexPattern string   `json:"regexPattern"`
	Roles        []string `json:"roles"`
}

type luisOutPhrases struct {
	Name                string `json:"name"`
	Mode                bool   `json:"mode"`
	Words               string `json:"words"`
	Activated           bool   `json:"activated"`
	EnabledForAllModels bool   `json:"enabledForAllModels"`
}

type luisOutUtterance struct {
	Text     string         `json:"text"`
	Intent   string         `json:"intent"`
	Entities []luisOutLabel `json:"entities"`
}

type luisOutLabel struct {
	Entity   string     `json:"entity"`
	StartPos int        `json:"startPos"`
	EndPos   int        `json:"endPos"`
	Children []struct{} `json:"children"`
}

// luisCultures maps CLU catalogue codes that are not LUIS cultures to the
// first LUIS culture of that language (LUIS.md §3.2, §5.1 E2).
var luisCultures = map[string]string{
	"ar": "ar-ar", "zh-hans": "zh-cn", "nl": "nl-nl", "en": "en-us", "fr": "fr-fr", "de": "de-de",
	"gu": "gu-in", "hi": "hi-in", "it": "it-it", "ja": "ja-jp", "ko": "ko-kr", "mr": "mr-in",
	"pt": "pt-br", "es": "es-es", "ta": "ta-in", "te": "te-in", "tr": "tr-tr",
}

// ExportLUIS writes a Conversation project as a LUIS 7.0.0 application
// file (LUIS.md §5), with one warning per kind of loss (§5.3). Entities
// that are one LUIS model (a list, a prebuilt of the entity's name, a
// regex of the entity's key) are exported as that model; the others become
// machine-learned entities whose components are features, referencing an
// exported model with the same content where there is one and a helper
// model otherwise. Regex patterns lose the caseless option that a LUIS
// import adds (LUIS regex entities ignore case).
func ExportLUIS(p *Project, a *Assets) ([]byte, []job.Warning, error) {
	var w luisWarnings
	lang := strings.ToLower(p.Language)
	out := luisOut{
		SchemaVersion: "7.0.0", VersionID: "0.1", Name: p.Name, Desc: p.Description,
		Culture: lang, TokenizerVersion: "1.0.0",
		Intents: []luisOutIntent{}, Entities: []luisOutEntity{}, Hierarchicals: []struct{}{}, Composites: []struct{}{},
		ClosedLists: []luisOutList{}, PrebuiltEntities: []luisOutModel{}, Utterances: []luisOutUtterance{},
		PatternAnyEntities: []struct{}{}, RegexEntities: []luisOutRegex{}, PhraseLists: []luisOutPhrases{},
		RegexFeatures: []struct{}{}, Patterns: []struct{}{}, Settings: []struct{}{},
	}
	if c, ok := luisCultures[lang]; ok {
		out.Culture = c
	}
	sameLang := func(l string) bool { return l == "" || strings.EqualFold(l, lang) }

	// E3: intents, None first when the project does not declare it.
	if !slices.ContainsFunc(a.Intents, func(in Intent) bool { return in.Category == NoneIntent }) {
		out.Intents = append(out.Intents, luisOutIntent{Name: NoneIntent, Features: []struct{}{}})
	}
	for _, in := range a.Intents {
		out.Intents = append(out.Intents, luisOutIntent{Name: in.Category, Features: []struct{}{}})
	}

	// E6: utterances of the training set in the project language.
	labelled := map[string]bool{}
	for _, u := range a.Utterances {
		switch {
		case strings.EqualFold(u.Dataset, "Test"):
			w.add("LuisExportTestUtterancesDropped", "")
			continue
		case !sameLang(u.Language):
			w.add("LuisExportLanguageDropped", u.Language)
			continue
		}
		ou := luisOutUtterance{Text: u.Text, Intent: u.Intent, Entities: []luisOutLabel{}}
		if ou.Intent == "" {
			ou.Intent = NoneIntent
		}
		for _, l := range u.Entities {
			labelled[l.Category] = true
			ou.Entities = append(ou.Entities, luisOutLabel{Entity: l.Category, StartPos: l.Offset, EndPos: l.Offset + l.Length - 1, Children: []struct{}{}})
		}
		out.Utterances = append(out.Utterances, ou)
	}

	// E5: sublists in the project language.
	sublists := func(l *List) []luisOutSubList {
		var subs []luisOutSubList
		if l == nil {
			return subs
		}
		for _, sl := range l.Sublists {
			values := []string{}
			seen := map[string]bool{}
			for _, syn := range sl.Synonyms {
				if !sameLang(syn.Language) {
					w.add("LuisExportLanguageDropped", syn.Language)
					continue
				}
				for _, v := range syn.Values {
					if !seen[v] {
						seen[v] = true
						values = append(values, v)
					}
				}
			}
			subs = append(subs, luisOutSubList{CanonicalForm: sl.ListKey, List: values})
		}
		return subs
	}

	taken := map[string]bool{}
	for _, e := range a.Entities {
		taken[strings.ToLower(e.Category)] = true
	}
	type plan struct {
		e       *Entity
		kinds   []string
		req     []string
		direct  bool
		pbs     []Prebuilt // with a LUIS name
		regexes []Expression
	}
	plans := make([]plan, len(a.Entities))
	prebuiltName := map[string]string{} // CLU category (lower) -> exported LUIS prebuilt
	addPrebuilt := func(name, category string) {
		out.PrebuiltEntities = append(out.PrebuiltEntities, luisOutModel{Name: name, Roles: []string{}})
		if _, ok := prebuiltName[strings.ToLower(category)]; !ok {
			prebuiltName[strings.ToLower(category)] = name
		}
	}
	// Pass 1: entities that are one LUIS model.
	for i := range a.Entities {
		e := &a.Entities[i]
		pl := plan{e: e}
		for _, r := range e.RequiredComponents {
			switch r {
			case "prebuilt":
				r = "prebuilts"
			case "learned":
				w.add("LuisExportEntityOptionsDropped", e.Category)
				continue
			}
			if !slices.Contains(pl.req, r) {
				pl.req = append(pl.req, r)
			}
		}
		if e.CompositionSetting != "" && e.CompositionSetting != "combineComponents" {
			w.add("LuisExportEntityOptionsDropped", e.Category)
		}
		for _, pb := range e.Prebuilts {
			if luisPrebuiltName(pb.Category) == "" {
				w.add("LuisExportPrebuiltNotSupported", pb.Category)
				continue
			}
			pl.pbs = append(pl.pbs, pb)
		}
		if e.Regex != nil {
			for _, x := range e.Regex.Expressions {
				if sameLang(x.Language) {
					pl.regexes = append(pl.regexes, x)
				} else {
					w.add("LuisExportLanguageDropped", x.Language)
				}
			}
		}
		subs := sublists(e.List)
		if len(subs) > 0 {
			pl.kinds = append(pl.kinds, "list")
		}
		if len(pl.pbs) > 0 {
			pl.kinds = append(pl.kinds, "prebuilts")
		}
		if len(pl.regexes) > 0 {
			pl.kinds = append(pl.kinds, "regex")
		}
		if len(pl.kinds) == 1 && len(pl.req) == 0 {
			switch pl.kinds[0] {
			case "list":
				out.ClosedLists = append(out.ClosedLists, luisOutList{Name: e.Category, SubLists: subs, Roles: []string{}})
				pl.direct = true
			case "prebuilts":
				if len(pl.pbs) == 1 && strings.EqualFold(luisPrebuiltCategory(e.Category), canonicalPrebuilt(pl.pbs[0].Category)) {
					addPrebuilt(e.Category, pl.pbs[0].Category)
					pl.direct = true
				}
			case "regex":
				if x := pl.regexes[0]; len(pl.regexes) == 1 && (x.RegexKey == "" || x.RegexKey == e.Category) {
					out.RegexEntities = append(out.RegexEntities, luisOutRegex{Name: e.Category, RegexPattern: luisExportPattern(x.RegexPattern), Roles: []string{}})
					pl.direct = true
				}
			}
		}
		plans[i] = pl
	}
	// Pass 2: machine-learned entities with their components as features.
	for _, pl := range plans {
		if pl.direct {
			continue
		}
		e := pl.e
		required := func(kind string) bool {
			return slices.Contains(pl.req, kind) || len(pl.kinds) == 1 && !labelled[e.Category]
		}
		oe := luisOutEntity{Name: e.Category, Children: []struct{}{}, Roles: []string{}, Features: []luisOutFeature{}}
		if subs := sublists(e.List); len(subs) > 0 {
			name := ""
			for _, cl := range out.ClosedLists {
				if slices.EqualFunc(cl.SubLists, subs, func(x, y luisOutSubList) bool {
					return x.CanonicalForm == y.CanonicalForm && slices.Equal(x.List, y.List)
				}) {
					name = cl.Name
					break
				}
			}
			if name == "" {
				name = uniqueName(taken, e.Category+"_list")
				out.ClosedLists = append(out.ClosedLists, luisOutList{Name: name, SubLists: subs, Roles: []string{}})
			}
			oe.Features = append(oe.Features, luisOutFeature{ModelName: name, IsRequired: required("list")})
		}
		for _, pb := range pl.pbs {
			name, ok := prebuiltName[strings.ToLower(canonicalPrebuilt(pb.Category))]
			if !ok {
				name = luisPrebuiltName(pb.Category)
				addPrebuilt(name, canonicalPrebuilt(pb.Category))
			}
			f := luisOutFeature{ModelName: name, IsRequired: required("prebuilts")}
			if !slices.Contains(oe.Features, f) {
				oe.Features = append(oe.Features, f)
			}
		}
		for _, x := range pl.regexes {
			pattern := luisExportPattern(x.RegexPattern)
			name := ""
			for _, r := range out.RegexEntities {
				if r.Name == x.RegexKey && r.RegexPattern == pattern {
					name = r.Name
					break
				}
			}
			if name == "" {
				name = uniqueName(taken, e.Category+"_regex")
				out.RegexEntities = append(out.RegexEntities, luisOutRegex{Name: name, RegexPattern: pattern, Roles: []string{}})
			}
			oe.Features = append(oe.Features, luisOutFeature{ModelName: name, IsRequired: required("regex")})
		}
		out.Entities = append(out.Entities, oe)
	}

	for _, pl := range a.PhraseLists {
		var words []string
		for _, ph := range pl.Phrases {
			if strings.Contains(ph, ",") {
				w.add("LuisExportPhrasesDropped", pl.Name)
				continue
			}
			words = append(words, ph)
		}
		if len(words) == 0 {
			continue
		}
		out.PhraseLists = append(out.PhraseLists, luisOutPhrases{Name: pl.Name, Mode: pl.Interchangeable,
			Words: strings.Join(words, ","), Activated: true, EnabledForAllModels: true})
	}
	b, err := marshalJSON(&out)
	if err != nil {
		return nil, nil, err
	}
	return b, w.list(), nil
}

// canonicalPrebuilt spells Datetime as DateTime (LUIS.md §0 #9).
func canonicalPrebuilt(category string) string {
	if strings.EqualFold(category, "DateTime") {
		return "DateTime"
	}
	return category
}

// luisExportPattern is a regex pattern as LUIS holds it: without the
// caseless option, since LUIS regex entities always ignore case.
func luisExportPattern(p string) string {
	return strings.TrimPrefix(p, luisRegexCaseless)
}
