package nlu

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dlclark/regexp2/v2"
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
	re                     *regexp2.Regexp
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
func compileEntities(defs []EntityDef, fold textFold) ([]*entityRuntime, []string, error) {
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
				r, err := compileRegex(x.Pattern, true)
				if err != nil {
					// The service refuses such patterns at import; a project
					// imported before it did may still hold one.
					warnings = append(warnings, regexWarning(d.Category, x.Pattern, x.Key, err))
					continue
				}
				r.key, r.language = x.Key, x.Language
				e.regexes = append(e.regexes, r)
			}
		}
		for _, p := range d.Prebuilts {
			e.prebuilts = append(e.prebuilts, p)
			if !PrebuiltSupported(p) {
				warnings = append(warnings, fmt.Sprintf("Entity %q: prebuilt component %q is not supported yet and matches nothing.", d.Category, p))
			}
		}
		e.buildListIndex(fold)
		out = append(out, e)
	}
	return out, warnings, nil
}

// regexWarning is the warning for a pattern that compileRegex refuses.
func regexWarning(category, pattern, key string, err error) string {
	return fmt.Sprintf("Entity %q: the regular expression %q (key %q) is not valid and was skipped: %v.", category, pattern, key, err)
}

// Regex components use regexp2, a port of .NET's engine, because CLU's
// patterns are .NET regular expressions (lookaround, backreferences, atomic
// groups, named groups). It backtracks, so a pattern can take time
// exponential in the query (`(a+)+$` on "aaaa…!"); MatchTimeout and a
// budget shared by a prediction's patterns bound that (issue 9).
const (
	// MaxRegexLength is the longest pattern training accepts, in characters.
	MaxRegexLength = 500
	// regexOptions are .NET's defaults (RegexOptions.None): case-sensitive,
	// `^` and `$` at the ends of the query, Unicode \w, \d and \b. A
	// pattern changes them inline: (?i), (?m), (?s), (?x), (?n).
	regexOptions = regexp2.None
	// regexTimeout is the MatchTimeout of every compiled pattern: the
	// longest one search for a match may run. regexp2 checks it against a
	// clock that ticks every regexClockPeriod, so a search stops within
	// regexTimeout plus two ticks.
	regexTimeout = 10 * time.Millisecond
	// regexClockPeriod is regexp2's timeout clock period (100 ms by default,
	// too coarse for regexTimeout). Its clock runs only while searches
	// with a timeout do, and for about regexTimeout after.
	regexClockPeriod = 5 * time.Millisecond
	// regexBudget is the time a prediction's regex components share: a
	// search starts only while it lasts, in the order of the entities and
	// their expressions, so twenty patterns at the limits take at most
	// regexBudget + regexTimeout + two clock ticks, some 45 ms
	// (BenchmarkPredictRegex).
	regexBudget = 25 * time.Millisecond
	// maxRegexMatches is the most matches one pattern returns for a query.
	maxRegexMatches = 32
)

func init() { regexp2.SetTimeoutCheckPeriod(regexClockPeriod) }

// CheckRegex reports whether training accepts a regex component's pattern:
// a pattern written /.../ loses its slashes, the syntax is .NET's (as
// regexp2 parses it, with RegexOptions.None), and a pattern longer than
// MaxRegexLength is refused. The error says why, to quote.
func CheckRegex(pattern string) error {
	_, err := compileRegex(pattern, true)
	return err
}

// compileRegex strips /.../ delimiters and compiles the pattern; bounded
// applies MaxRegexLength. Models saved before the limit are decoded with
// bounded false, so that they still load (regexTimeout and regexBudget
// bound their cost).
func compileRegex(p string, bounded bool) (compiledRegex, error) {
	if n := utf8.RuneCountInString(p); bounded && n > MaxRegexLength {
		return compiledRegex{}, fmt.Errorf("the pattern is %d characters long; the limit is %d", n, MaxRegexLength)
	}
	if len(p) >= 2 && p[0] == '/' && p[len(p)-1] == '/' {
		p = p[1 : len(p)-1]
	}
	if p == "" {
		return compiledRegex{}, fmt.Errorf("empty pattern")
	}
	re, err := regexp2.Compile(p, regexOptions)
	if err != nil {
		return compiledRegex{}, err
	}
	re.MatchTimeout = regexTimeout
	return compiledRegex{pattern: p, re: re}, nil
}

// listWord is the form a token takes for list matching: lower case only.
func listWord(s string) string { return strings.ToLower(s) }

func (e *entityRuntime) buildListIndex(fold textFold) {
	e.listIndex = map[uint64][]listHit{}
	e.listMaxLen = 0
	for si, sl := range e.sublists {
		for li, lang := range sl.langs {
			for _, v := range sl.values[li] {
				toks := fold.apply(tokenize(v))
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
	prebuilt   []PrebuiltMatch
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

// regexInput is a query as the regex components search it: regexp2
// works on runes, and offsets go out in UTF-16 code units.
type regexInput struct {
	runes    []rune
	u16      []int     // UTF-16 offset of each rune index, and of len(runes)
	deadline time.Time // end of regexBudget
}

func newRegexInput(text string) *regexInput {
	q := &regexInput{runes: []rune(text), deadline: time.Now().Add(regexBudget)}
	q.u16 = make([]int, 0, len(q.runes)+1)
	u := 0
	for _, r := range q.runes {
		q.u16 = append(q.u16, u)
		u += utf16Len(r)
	}
	q.u16 = append(q.u16, u)
	return q
}

// regexMatches finds the regex component's matches for the query's
// language: at most maxRegexMatches a pattern (empty ones count, and are
// dropped), and a search starts only before q.deadline. A search that
// times out (regexTimeout) or overflows regexp2's backtracking stack ends
// its pattern's matches for the query; those found before it stay.
func (e *entityRuntime) regexMatches(q *regexInput, lang string) []match {
	var out []match
	for _, x := range e.regexes {
		if !langMatches(x.language, lang) {
			continue
		}
		if !time.Now().Before(q.deadline) {
			break
		}
		n := 0
		// The error is a timeout or a stack overflow: this pattern is done.
		_ = x.re.FindRunesMatches(q.runes, 0, func(v regexp2.MatchView) bool {
			n++
			if i, l, ok := v.GroupRange(0); ok && l > 0 {
				out = append(out, match{start: q.u16[i], end: q.u16[i+l], kind: ComponentRegex, score: 1, regexKey: x.key})
			}
			return n < maxRegexMatches && time.Now().Before(q.deadline)
		})
	}
	return out
}

// resolveEntities runs the list and regex components, combines them with
// the learned spans per entity, and applies required components.
func (m *Model) resolveEntities(text string, toks []token, lang string, learned []Entity, o *PredictOptions) []Entity {
	byCat := map[string][]match{}
	for _, l := range learned {
		byCat[l.Category] = append(byCat[l.Category], match{start: l.Offset, end: l.Offset + l.Length, kind: ComponentLearned, score: l.Score})
	}
	var words []string
	var rq *regexInput
	pq := &prebuiltQuery{text: text}
	if o != nil {
		pq.reference = o.ReferenceFunc
	}
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
			if rq == nil {
				rq = newRegexInput(text)
			}
			ms = append(ms, e.regexMatches(rq, lang)...)
		}
		if len(e.prebuilts) > 0 {
			ms = append(ms, e.prebuiltMatches(pq, lang)...)
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
					Score: x.score, ListKey: x.listKey, RegexKey: x.regexKey, Prebuilt: x.prebuilt})
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
		out.prebuilt = append(out.prebuilt, x.prebuilt...)
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
