package nlu

import (
	"cmp"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// entityRuntime is an entity definition ready for matching.
type entityRuntime struct {
	category    string
	composition string
	required    []string // sorted, deduplicated
	sublists    []compiledSublist
	regexes     []compiledRegex
	prebuilts   []string
	listIndex   map[uint64][]listHit // token-sequence hash -> sublists, rebuilt on load
	listMaxLen  int
}

type compiledSublist struct {
	key    string
	langs  []string   // sorted languages of values; "" = any
	values [][]string // values per entry of langs
}

type compiledRegex struct {
	key, language, pattern string
	re                     *regexp.Regexp
}

type listHit struct {
	sublist int32
	lang    string // primary subtag, "" = any
}

// primaryTag returns the lower-cased primary language subtag: "en-US" -> "en".
func primaryTag(lang string) string {
	if i := strings.IndexAny(lang, "-_"); i >= 0 {
		lang = lang[:i]
	}
	return strings.ToLower(lang)
}

func langMatches(valueLang, query string) bool {
	return valueLang == "" || primaryTag(valueLang) == primaryTag(query)
}

// listValues returns a sublist's key and its synonyms for a language
// ("" = every language).
func listValues(sl Sublist, lang string) []string {
	vals := []string{sl.Key}
	for _, l := range slices.Sorted(maps.Keys(sl.Synonyms)) {
		if lang == "" || langMatches(l, lang) {
			vals = append(vals, sl.Synonyms[l]...)
		}
	}
	return vals
}

// compileEntities validates entity definitions and prepares their list and
// regex components. Problems that do not stop training become warnings.
func compileEntities(defs []EntityDef) ([]*entityRuntime, []string, error) {
	var out []*entityRuntime
	var warnings []string
	seen := map[string]bool{}
	for _, d := range defs {
		if d.Category == "" {
			return nil, nil, fmt.Errorf("nlu: entity with no category")
		}
		if seen[d.Category] {
			return nil, nil, fmt.Errorf("nlu: entity %q defined twice", d.Category)
		}
		seen[d.Category] = true
		e := &entityRuntime{category: d.Category, composition: d.Composition}
		switch d.Composition {
		case "":
			e.composition = CombineComponents
		case CombineComponents, SeparateComponents, ReturnLongestOverlap, RequireExactOverlap:
		default:
			return nil, nil, fmt.Errorf("nlu: entity %q: unknown composition setting %q", d.Category, d.Composition)
		}
		for _, r := range d.Required {
			switch r {
			case "prebuilt":
				r = ComponentPrebuilt
			case ComponentLearned, ComponentList, ComponentPrebuilt, ComponentRegex:
			default:
				return nil, nil, fmt.Errorf("nlu: entity %q: unknown required component %q", d.Category, r)
			}
			e.required = append(e.required, r)
		}
		slices.Sort(e.required)
		e.required = slices.Compact(e.required)
		if d.List != nil {
			for _, sl := range d.List.Sublists {
				c := compiledSublist{key: sl.Key, langs: []string{""}, values: [][]string{{sl.Key}}}
				for _, l := range slices.Sorted(maps.Keys(sl.Synonyms)) {
					if l == "" {
						c.values[0] = append(c.values[0], sl.Synonyms[l]...)
						continue
					}
					c.langs = append(c.langs, l)
					c.values = append(c.values, slices.Clone(sl.Synonyms[l]))
				}
				e.sublists = append(e.sublists, c)
			}
		}
		if d.Regex != nil {
			for _, x := range d.Regex.Expressions {
				re, pattern, err := compileRegex(x.Pattern)
				if err != nil {
					warnings = append(warnings, fmt.Sprintf("Entity %q: the regular expression %q (key %q) is not valid and was skipped: %v.", d.Category, x.Pattern, x.Key, err))
					continue
				}
				e.regexes = append(e.regexes, compiledRegex{key: x.Key, language: x.Language, pattern: pattern, re: re})
			}
		}
		for _, p := range d.Prebuilts {
			e.prebuilts = append(e.prebuilts, p)
			warnings = append(warnings, fmt.Sprintf("Entity %q: prebuilt component %q is not supported yet and matches nothing.", d.Category, p))
		}
		e.buildListIndex()
		out = append(out, e)
	}
	return out, warnings, nil
}

// compileRegex strips /.../ delimiters and compiles the pattern.
func compileRegex(p string) (*regexp.Regexp, string, error) {
	if len(p) >= 2 && p[0] == '/' && p[len(p)-1] == '/' {
		p = p[1 : len(p)-1]
	}
	if p == "" {
		return nil, p, fmt.Errorf("empty pattern")
	}
	re, err := regexp.Compile(p)
	return re, p, err
}

// listWord is the form a token takes for list matching: lower case only.
func listWord(s string) string { return strings.ToLower(s) }

func (e *entityRuntime) buildListIndex() {
	e.listIndex = map[uint64][]listHit{}
	e.listMaxLen = 0
	for si, sl := range e.sublists {
		for li, lang := range sl.langs {
			for _, v := range sl.values[li] {
				toks := tokenize(v)
				if len(toks) == 0 {
					continue
				}
				h := uint64(gazSeed)
				for _, t := range toks {
					h = gazStep(h, listWord(t.Text))
				}
				hit := listHit{sublist: int32(si), lang: primaryTag(lang)}
				if !slices.Contains(e.listIndex[h], hit) {
					e.listIndex[h] = append(e.listIndex[h], hit)
				}
				e.listMaxLen = max(e.listMaxLen, len(toks))
			}
		}
	}
}

// match is one component's match of an entity, in UTF-16 units.
type match struct {
	start, end int
	kind       string
	score      float64
	listKey    string
	regexKey   string
}

// listMatches finds the list component's matches: token sequences equal,
// ignoring case, to a key or synonym of the query's language, longest first
// and not overlapping.
func (e *entityRuntime) listMatches(toks []token, words []string, lang string) []match {
	if len(e.listIndex) == 0 {
		return nil
	}
	q := primaryTag(lang)
	type cand struct{ i, j, sublist int }
	var cs []cand
	for i := range words {
		h := uint64(gazSeed)
		for j := i; j < len(words) && j-i < e.listMaxLen; j++ {
			h = gazStep(h, words[j])
			best := -1
			for _, hit := range e.listIndex[h] {
				if (hit.lang == "" || hit.lang == q) && (best < 0 || int(hit.sublist) < best) {
					best = int(hit.sublist)
				}
			}
			if best >= 0 {
				cs = append(cs, cand{i, j + 1, best})
			}
		}
	}
	slices.SortStableFunc(cs, func(a, b cand) int {
		return cmp.Or(cmp.Compare(b.j-b.i, a.j-a.i), cmp.Compare(a.i, b.i))
	})
	taken := make([]bool, len(words))
	var out []match
	for _, c := range cs {
		if slices.Contains(taken[c.i:c.j], true) {
			continue
		}
		for k := c.i; k < c.j; k++ {
			taken[k] = true
		}
		out = append(out, match{start: toks[c.i].Off, end: toks[c.j-1].Off + toks[c.j-1].Len, kind: ComponentList,
			score: 1, listKey: e.sublists[c.sublist].key})
	}
	return out
}

// regexMatches finds the regex component's matches for the query's language.
func (e *entityRuntime) regexMatches(text string, u16 []int, lang string) []match {
	var out []match
	for _, x := range e.regexes {
		if !langMatches(x.language, lang) {
			continue
		}
		for _, loc := range x.re.FindAllStringIndex(text, -1) {
			if loc[0] == loc[1] || u16[loc[0]] < 0 || u16[loc[1]] < 0 {
				continue // empty, or cutting a rune (possible with \C-free patterns only on bad input)
			}
			out = append(out, match{start: u16[loc[0]], end: u16[loc[1]], kind: ComponentRegex, score: 1, regexKey: x.key})
		}
	}
	return out
}

// resolveEntities runs the list and regex components, combines them with
// the learned spans per entity, and applies required components.
func (m *Model) resolveEntities(text string, toks []token, lang string, learned []Entity) []Entity {
	byCat := map[string][]match{}
	for _, l := range learned {
		byCat[l.Category] = append(byCat[l.Category], match{start: l.Offset, end: l.Offset + l.Length, kind: ComponentLearned, score: l.Score})
	}
	var words []string
	var u16 []int
	var out []Entity
	done := map[string]bool{}
	for _, e := range m.entities {
		done[e.category] = true
		ms := byCat[e.category]
		if len(e.listIndex) > 0 {
			if words == nil {
				words = make([]string, len(toks))
				for i, t := range toks {
					words[i] = listWord(t.Text)
				}
			}
			ms = append(ms, e.listMatches(toks, words, lang)...)
		}
		if len(e.regexes) > 0 {
			if u16 == nil {
				u16 = utf16Offsets(text)
			}
			ms = append(ms, e.regexMatches(text, u16, lang)...)
		}
		out = append(out, compose(e.category, e.composition, e.required, ms)...)
	}
	// Learned categories without a definition keep their spans as they are.
	for _, l := range learned {
		if !done[l.Category] {
			out = append(out, l)
		}
	}
	slices.SortStableFunc(out, func(a, b Entity) int {
		return cmp.Or(cmp.Compare(a.Offset, b.Offset), cmp.Compare(b.Length, a.Length), strings.Compare(a.Category, b.Category))
	})
	return out
}

// compose turns one entity's component matches into instances by its
// composition setting (RUNTIME.md §3.3, PREBUILT.md §4), then drops
// instances that lack a required component. Matches overlap when they share
// at least one code unit; overlap is transitive within a group.
func compose(category, composition string, required []string, ms []match) []Entity {
	if len(ms) == 0 {
		return nil
	}
	slices.SortStableFunc(ms, func(a, b match) int {
		return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(b.end, a.end))
	})
	var out []Entity
	for g := 0; g < len(ms); {
		end := ms[g].end
		h := g + 1
		for h < len(ms) && ms[h].start < end {
			end = max(end, ms[h].end)
			h++
		}
		group := ms[g:h]
		g = h
		kinds := map[string]bool{}
		for _, x := range group {
			kinds[x.kind] = true
		}
		var inst []match
		switch composition {
		case SeparateComponents:
			inst = group
		case ReturnLongestOverlap:
			best := group[0]
			for _, x := range group[1:] {
				if x.end-x.start > best.end-best.start {
					best = x
				}
			}
			inst = []match{merge(category, best, group, true)}
		case RequireExactOverlap:
			exact := true
			for _, x := range group {
				exact = exact && x.start == group[0].start && x.end == group[0].end
			}
			if exact {
				inst = []match{merge(category, group[0], group, true)}
			}
		default: // CombineComponents
			u := group[0]
			u.end = end
			inst = []match{merge(category, u, group, false)}
		}
		for _, x := range inst {
			ok := true
			for _, r := range required {
				if composition == SeparateComponents {
					ok = ok && overlapsKind(x, group, r)
				} else {
					ok = ok && kinds[r]
				}
			}
			if ok {
				out = append(out, Entity{Category: category, Offset: x.start, Length: x.end - x.start,
					Score: x.score, ListKey: x.listKey, RegexKey: x.regexKey})
			}
		}
	}
	return out
}

// merge gives span the best score and the first list and regex keys of the
// group's matches (only those with exactly span's extent if exact).
func merge(category string, span match, group []match, exact bool) match {
	out := match{start: span.start, end: span.end, kind: span.kind}
	for _, x := range group {
		if exact && (x.start != span.start || x.end != span.end) {
			continue
		}
		out.score = max(out.score, x.score)
		if out.listKey == "" {
			out.listKey = x.listKey
		}
		if out.regexKey == "" {
			out.regexKey = x.regexKey
		}
	}
	return out
}

func overlapsKind(x match, group []match, kind string) bool {
	for _, y := range group {
		if y.kind == kind && y.start < x.end && x.start < y.end {
			return true
		}
	}
	return false
}
