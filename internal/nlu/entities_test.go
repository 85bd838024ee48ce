package nlu

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"
)

func utf16Encode(s string) []uint16 { return utf16.Encode([]rune(s)) }

// spanOf returns the text at a UTF-16 span, or false if the span is out of
// range or splits a surrogate pair.
func spanOf(text string, off, length int) (string, bool) {
	u := utf16Encode(text)
	if off < 0 || length < 0 || off+length > len(u) {
		return "", false
	}
	for _, at := range []int{off, off + length} {
		if at < len(u) && u[at] >= 0xDC00 && u[at] <= 0xDFFF {
			return "", false
		}
	}
	return string(utf16.Decode(u[off : off+length])), true
}

// found is an entity as the tests compare it: its text instead of offsets.
type found struct {
	Category, Text, ListKey, RegexKey string
}

func foundIn(text string, es []Entity) []found {
	var out []found
	for _, e := range es {
		s, _ := spanOf(text, e.Offset, e.Length)
		out = append(out, found{e.Category, s, e.ListKey, e.RegexKey})
	}
	return out
}

// componentData is a small project whose "product" entity has learned,
// list and regex components.
func componentData(def EntityDef) TrainingData {
	d := TrainingData{Language: "en-us", Intents: []string{"Order", "Cancel"}}
	products := []string{"laptop", "phone", "tablet", "monitor", "camera", "printer"}
	for i, p := range products {
		for _, tmpl := range []string{"order a %s please", "i want to buy a %s", "get me a %s", "the %s is what i need now",
			"please ship a %s to my home, thanks", "a new %s would be nice"} {
			text := strings.Replace(tmpl, "%s", p, 1)
			off := strings.Index(text, p)
			d.Examples = append(d.Examples, Example{Text: text, Intent: "Order", Spans: []Span{{Category: "product", Offset: off, Length: len(p)}}})
		}
		d.Examples = append(d.Examples, Example{Text: "cancel order " + string(rune('1'+i)), Intent: "Cancel"})
		d.Examples = append(d.Examples, Example{Text: []string{"cancel my order now", "stop the order please", "i changed my mind, cancel it",
			"cancel everything, it is mine", "no thanks, cancel", "the order is not needed now"}[i], Intent: "Cancel"})
	}
	if def.Category == "" {
		def.Category = "product"
	}
	d.Entities = []EntityDef{def}
	return d
}

func TestComponents(t *testing.T) {
	list := &ListComponent{Sublists: []Sublist{
		{Key: "Surface Pro", Synonyms: map[string][]string{"": {"surface pro", "the surface"}, "fr": {"tablette surface"}}},
		{Key: "ThinkPad", Synonyms: map[string][]string{"en": {"thinkpad x1", "tp x1"}}},
	}}
	regex := &RegexComponent{Expressions: []Regex{
		{Key: "sku", Pattern: `/SKU-\d{4}/`},
		{Key: "frsku", Language: "fr", Pattern: `REF\d+`},
	}}
	tests := []struct {
		name  string
		def   EntityDef
		text  string
		lang  string
		want  []found
		warns int
	}{
		{
			name: "learned only",
			def:  EntityDef{},
			text: "order a printer please",
			want: []found{{"product", "printer", "", ""}},
		},
		{
			name: "list longest match, case-insensitive, key itself",
			def:  EntityDef{Category: "brand", List: list},
			text: "order a THINKPAD X1 and a Surface Pro",
			want: []found{{"brand", "THINKPAD X1", "ThinkPad", ""}, {"brand", "Surface Pro", "Surface Pro", ""}},
		},
		{
			name: "list language: en synonyms do not match a French query",
			def:  EntityDef{Category: "brand", List: list},
			text: "je veux tp x1 et tablette surface",
			lang: "fr-FR",
			want: []found{{"brand", "tablette surface", "Surface Pro", ""}},
		},
		{
			name: "list needs whole tokens",
			def:  EntityDef{Category: "brand", List: list},
			text: "thinkpads are nice",
			want: nil,
		},
		{
			name: "regex with slashes, language filter",
			def:  EntityDef{Category: "brand", Regex: regex},
			text: "cancel SKU-1234 and REF99",
			want: []found{{"brand", "SKU-1234", "", "sku"}},
		},
		{
			name: "regex language match",
			def:  EntityDef{Category: "brand", Regex: regex},
			text: "annuler REF99",
			lang: "fr",
			want: []found{{"brand", "REF99", "", "frsku"}},
		},
		{
			name: "combine merges overlapping learned and list spans into their union",
			def:  EntityDef{List: list, Composition: CombineComponents},
			text: "i want to buy a thinkpad x1",
			want: []found{{"product", "thinkpad x1", "ThinkPad", ""}},
		},
		{
			name: "separate keeps each component's span",
			def:  EntityDef{List: list, Composition: SeparateComponents},
			text: "i want to buy a thinkpad x1",
			want: []found{{"product", "thinkpad x1", "ThinkPad", ""}, {"product", "thinkpad", "", ""}},
		},
		{
			name: "longest overlap",
			def:  EntityDef{List: list, Composition: ReturnLongestOverlap},
			text: "i want to buy a thinkpad x1",
			want: []found{{"product", "thinkpad x1", "ThinkPad", ""}},
		},
		{
			name: "exact overlap drops disagreeing spans",
			def:  EntityDef{List: list, Composition: RequireExactOverlap},
			text: "i want to buy a thinkpad x1",
			want: nil,
		},
		{
			name: "exact overlap keeps agreeing spans",
			def:  EntityDef{List: list, Composition: RequireExactOverlap},
			text: "i want to buy a thinkpad",
			want: []found{{"product", "thinkpad", "ThinkPad", ""}},
		},
		{
			name: "required list drops learned-only instances",
			def:  EntityDef{List: list, Required: []string{ComponentList}},
			text: "order a camera please and a thinkpad",
			want: []found{{"product", "thinkpad", "ThinkPad", ""}},
		},
		{
			name: "required learned drops list-only instances",
			def:  EntityDef{List: list, Required: []string{ComponentLearned}},
			text: "order a camera please. cancel the surface",
			want: []found{{"product", "camera", "", ""}},
		},
		{
			name: "required learned and list",
			def:  EntityDef{List: list, Required: []string{ComponentLearned, ComponentList}},
			text: "get me a thinkpad and a camera",
			want: []found{{"product", "thinkpad", "ThinkPad", ""}},
		},
		{
			name:  "required prebuilt matches nothing",
			def:   EntityDef{List: list, Prebuilts: []string{"Number"}, Required: []string{"prebuilt"}},
			text:  "get me a thinkpad",
			want:  nil,
			warns: 1,
		},
		{
			name:  "invalid regex is a warning and skipped",
			def:   EntityDef{Category: "code", Regex: &RegexComponent{Expressions: []Regex{{Key: "bad", Pattern: `(?<=x)y`}, {Key: "ok", Pattern: `X\d`}}}},
			text:  "order X1 now",
			want:  []found{{"code", "X1", "", "ok"}},
			warns: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Train(t.Context(), componentData(tt.def), Options{Seed: 1})
			if err != nil {
				t.Fatalf("Train = %v", err)
			}
			if got := len(m.Warnings()); got != tt.warns {
				t.Errorf("Warnings() = %q, want %d", m.Warnings(), tt.warns)
			}
			lang := cmpOr(tt.lang, "en-us")
			// Only the entity under test: the labels also train "product".
			got := slices.DeleteFunc(foundIn(tt.text, m.Predict(tt.text, lang).Entities), func(f found) bool {
				return f.Category != cmpOr(tt.def.Category, "product")
			})
			if !slices.Equal(got, tt.want) {
				t.Errorf("Predict(%q, %q).Entities = %+v, want %+v", tt.text, lang, got, tt.want)
			}
		})
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func TestListOffsetsUTF16(t *testing.T) {
	d := TrainingData{Examples: []Example{{Text: "a", Intent: "A"}, {Text: "b", Intent: "B"}},
		Entities: []EntityDef{{Category: "food", List: &ListComponent{Sublists: []Sublist{{Key: "pizza", Synonyms: map[string][]string{"": {"piña colada", "寿司"}}}}}}}}
	m, err := Train(t.Context(), d, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text string
		want []found
	}{
		{"🍕 pizza", []found{{"food", "pizza", "pizza", ""}}},
		{"👨‍👩‍👧 PIÑA colada!", []found{{"food", "PIÑA colada", "pizza", ""}}},
		{"我想吃寿司", []found{{"food", "寿司", "pizza", ""}}},
	}
	for _, tt := range tests {
		got := foundIn(tt.text, m.Predict(tt.text, "").Entities)
		if !slices.Equal(got, tt.want) {
			t.Errorf("Predict(%q).Entities = %+v, want %+v", tt.text, got, tt.want)
		}
	}
}

func TestCompose(t *testing.T) {
	ms := func() []match {
		return []match{
			{start: 0, end: 5, kind: ComponentLearned, score: 0.7},
			{start: 3, end: 9, kind: ComponentList, score: 1, listKey: "k"},
			{start: 20, end: 24, kind: ComponentRegex, score: 1, regexKey: "r"},
		}
	}
	tests := []struct {
		comp     string
		required []string
		want     []Entity
	}{
		{CombineComponents, nil, []Entity{{Category: "e", Offset: 0, Length: 9, Score: 1, ListKey: "k"}, {Category: "e", Offset: 20, Length: 4, Score: 1, RegexKey: "r"}}},
		{CombineComponents, []string{ComponentLearned}, []Entity{{Category: "e", Offset: 0, Length: 9, Score: 1, ListKey: "k"}}},
		{SeparateComponents, []string{ComponentList}, []Entity{{Category: "e", Offset: 0, Length: 5, Score: 0.7}, {Category: "e", Offset: 3, Length: 6, Score: 1, ListKey: "k"}}},
		{ReturnLongestOverlap, nil, []Entity{{Category: "e", Offset: 3, Length: 6, Score: 1, ListKey: "k"}, {Category: "e", Offset: 20, Length: 4, Score: 1, RegexKey: "r"}}},
		{RequireExactOverlap, nil, []Entity{{Category: "e", Offset: 20, Length: 4, Score: 1, RegexKey: "r"}}},
		{CombineComponents, []string{ComponentRegex}, []Entity{{Category: "e", Offset: 20, Length: 4, Score: 1, RegexKey: "r"}}},
	}
	for _, tt := range tests {
		got := compose("e", tt.comp, tt.required, ms())
		if !slices.Equal(got, tt.want) {
			t.Errorf("compose(%s, %q) = %+v, want %+v", tt.comp, tt.required, got, tt.want)
		}
	}
}

func TestCompileRegex(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, pattern, wantErr string
	}{
		{"plain", `\d{3}-\d{4}`, ""},
		{"slashes", `/^\(?([0-9]{3})\)?[-.\s]?([0-9]{3})[-.\s]?([0-9]{4})$/`, ""},
		{"at the length limit", strings.Repeat("a", MaxRegexLength), ""},
		{"too long", strings.Repeat("a", MaxRegexLength+1), "501 characters long; the limit is 500"},
		{"near the program limit", `\d{1,499}`, ""},
		{"program too large", `\d{1,500}`, "compiles to 1001 instructions; the limit is 1000"},
		{"lookbehind (.NET, not RE2)", `(?<=x)y`, "error parsing regexp"},
		{"unbalanced", `(ab`, "missing closing )"},
		{"empty between slashes", `//`, "empty pattern"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			re, err := CompileRegex(tc.pattern)
			switch {
			case tc.wantErr == "" && (err != nil || re == nil):
				t.Errorf("CompileRegex(%.40q) = %v, want it compiled", tc.pattern, err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("CompileRegex(%.40q) = %v, want an error saying %q", tc.pattern, err, tc.wantErr)
			}
		})
	}
}

// TestRegexWorkIsBounded: what a query's regex components cost is bounded
// (issue 9: 20 heavy patterns made a prediction 30 times slower), without
// cutting what patterns of the usual kind find.
func TestRegexWorkIsBounded(t *testing.T) {
	t.Parallel()
	compile := func(t *testing.T, patterns ...string) []*entityRuntime {
		t.Helper()
		var defs []EntityDef
		for i, p := range patterns {
			defs = append(defs, EntityDef{Category: fmt.Sprint("e", i), Composition: SeparateComponents,
				Regex: &RegexComponent{Expressions: []Regex{{Key: fmt.Sprint(i), Pattern: p}}}})
		}
		es, warns, err := compileEntities(defs)
		if err != nil || len(warns) > 0 {
			t.Fatalf("compileEntities = %v, %q", err, warns)
		}
		return es
	}
	run := func(es []*entityRuntime, text string) (found [][]match, spent int) {
		u16 := utf16Offsets(text)
		budget := regexWork * len(text)
		for _, e := range es {
			found = append(found, e.regexMatches(text, u16, "en-us", &budget))
			if budget < 0 {
				panic("budget overspent")
			}
		}
		return found, regexWork*len(text) - budget
	}

	t.Run("usual patterns find everything", func(t *testing.T) {
		t.Parallel()
		usual := []string{
			`\(?([0-9]{3})\)?[-.\s]?([0-9]{3})[-.\s]?([0-9]{4})`, `[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`,
			`\b[A-Z]{2}\d{2}[A-Z0-9]{1,30}\b`, `\b(?:\d[ -]*?){13,16}\b`,
			`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`,
			`(?i)\b(?:order|ticket)\s*#?\d{4,10}\b`, `\b\d{1,2}/\d{1,2}/\d{2,4}\b`, `\d+`,
		}
		var patterns []string
		for i := range 20 {
			patterns = append(patterns, usual[i%len(usual)])
		}
		es := compile(t, patterns...)
		text := "call 555-123-4567 or mail bob@example.com about order #123456 of 12/05/2024, card 4111 1111 1111 1111, " +
			strings.Repeat("and nothing else of note ", 14) + "iban GB82WEST12345698765432 ref 123e4567-e89b-12d3-a456-426614174000"
		found, spent := run(es, text)
		for i, ms := range found {
			if len(ms) == 0 {
				t.Errorf("pattern %d %q found nothing in the %d-byte query", i, patterns[i], len(text))
			}
		}
		if budget := regexWork * len(text); spent > budget {
			t.Errorf("usual patterns spent %d of %d", spent, budget)
		}
	})

	t.Run("heavy patterns stay within the budget", func(t *testing.T) {
		t.Parallel()
		var patterns []string
		for _, r := range heavyRegexes() {
			patterns = append(patterns, r.Pattern)
		}
		q := regexQuery()
		if _, spent := run(compile(t, patterns...), q); spent > regexWork*len(q) {
			t.Errorf("heavy patterns spent %d, more than the budget %d", spent, regexWork*len(q))
		}
	})
}

// TestRegexMatchesAreCapped: a pattern returns at most maxRegexMatches
// matches for a query, which bounds the searches that follow one another.
func TestRegexMatchesAreCapped(t *testing.T) {
	t.Parallel()
	def := EntityDef{Category: "code", Composition: SeparateComponents, Regex: &RegexComponent{Expressions: []Regex{{Key: "x", Pattern: `X\d`}}}}
	m, err := Train(t.Context(), componentData(def), Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Repeat("X1 ", 50)
	n := 0
	for _, e := range m.Predict(text, "en-us").Entities {
		if e.Category == "code" {
			n++
		}
	}
	if n != maxRegexMatches {
		t.Errorf("Predict(50 matches).Entities has %d code entities, want %d", n, maxRegexMatches)
	}
}
