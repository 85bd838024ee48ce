package nlu

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
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
			def:   EntityDef{Category: "code", Regex: &RegexComponent{Expressions: []Regex{{Key: "bad", Pattern: `(?<=x y`}, {Key: "ok", Pattern: `X\d`}}}},
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
			got := slices.DeleteFunc(foundIn(tt.text, m.Predict(tt.text, lang, nil).Entities), func(f found) bool {
				return f.Category != cmpOr(tt.def.Category, "product")
			})
			if !reflect.DeepEqual(got, tt.want) {
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
		got := foundIn(tt.text, m.Predict(tt.text, "", nil).Entities)
		if !reflect.DeepEqual(got, tt.want) {
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
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("compose(%s, %q) = %+v, want %+v", tt.comp, tt.required, got, tt.want)
		}
	}
}

func TestCheckRegex(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, pattern, wantErr string
	}{
		{"plain", `\d{3}-\d{4}`, ""},
		{"slashes", `/^\(?([0-9]{3})\)?[-.\s]?([0-9]{3})[-.\s]?([0-9]{4})$/`, ""},
		{"at the length limit", strings.Repeat("a", MaxRegexLength), ""},
		{"too long", strings.Repeat("a", MaxRegexLength+1), "501 characters long; the limit is 500"},
		{"long repetition (no program bound)", `\d{1,500}`, ""},
		{"lookbehind", `(?<=\$)\d+`, ""},
		{"negative lookbehind", `(?<!-)\b\d+`, ""},
		{"lookahead", `\d+(?=\s*€)`, ""},
		{"negative lookahead", `\b(?!000)\d{3}\b`, ""},
		{"backreference", `(\w)\1`, ""},
		{"named group and \\k", `(?<digit>\d)\k<digit>`, ""},
		{"atomic group", `(?>a+)b`, ""},
		{"inline case-insensitive", `(?i)order\s+#\d+`, ""},
		{"unicode class", `\p{Lu}\p{Ll}+`, ""},
		{"unbalanced", `(ab`, "missing closing )"},
		{"unbalanced close", `ab)`, "unexpected )"},
		{"bad escape", `\q`, "unrecognized escape sequence"},
		{"reversed count", `a{2,1}`, "invalid repeat count"},
		{"RE2 named group", `(?P<n>\d+)`, "unrecognized grouping construct"},
		{"empty between slashes", `//`, "empty pattern"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := CheckRegex(tc.pattern)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("CheckRegex(%.40q) = %v, want it compiled", tc.pattern, err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("CheckRegex(%.40q) = %v, want an error saying %q", tc.pattern, err, tc.wantErr)
			}
		})
	}
}

// TestRegexDotNetSemantics: patterns match as .NET matches them, with
// RegexOptions.None: case-sensitive unless (?i), Unicode \w and \d.
func TestRegexDotNetSemantics(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		pattern, text string
		want          []string
	}{
		{`(?<=\$)\d+`, "pay $40 not 50", []string{"40"}},
		{`\d+(?= euros)`, "12 dollars or 30 euros", []string{"30"}},
		{`(\w)\1`, "a bookkeeper", []string{"oo", "kk", "ee"}},
		{`(?<area>\d{3})-\k<area>`, "555-555 and 555-123", []string{"555-555"}},
		{`\d{3}-\d{4}`, "call 555-0123", []string{"555-0123"}},
		{`order`, "ORDER and order", []string{"order"}},
		{`(?i)order`, "ORDER and order", []string{"ORDER", "order"}},
		{`\w+`, "café", []string{"café"}},
	} {
		def := EntityDef{Category: "code", Composition: SeparateComponents, Regex: &RegexComponent{Expressions: []Regex{{Key: "k", Pattern: tc.pattern}}}}
		es, warns, err := compileEntities([]EntityDef{def}, 0)
		if err != nil || len(warns) > 0 {
			t.Fatalf("compileEntities(%q) = %v, %q", tc.pattern, err, warns)
		}
		var got []string
		for _, m := range es[0].regexMatches(newRegexInput(tc.text), "en-us") {
			s, _ := spanOf(tc.text, m.start, m.end-m.start)
			got = append(got, s)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("pattern %q in %q matched %q, want %q", tc.pattern, tc.text, got, tc.want)
		}
	}
}

// TestRegexOffsetsUTF16: regexp2 reports runes; the entity's offset and
// length are UTF-16 code units, past a 2-byte letter and a surrogate pair.
func TestRegexOffsetsUTF16(t *testing.T) {
	t.Parallel()
	def := EntityDef{Category: "code", Regex: &RegexComponent{Expressions: []Regex{{Key: "k", Pattern: `(?<=#)\w+\d`}}}}
	m, err := Train(t.Context(), componentData(def), Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		text     string
		off, len int
	}{
		{"order #AB1 now", 7, 3},
		{"é order #AB1 now", 9, 3},
		{"🍕 order #AB1 now", 10, 3},
		{"é🍕 #éx1 now", 5, 3}, // \w matches é
	} {
		var got []Entity
		for _, e := range m.Predict(tt.text, "en-us", nil).Entities {
			if e.Category == "code" {
				got = append(got, e)
			}
		}
		if len(got) != 1 || got[0].Offset != tt.off || got[0].Length != tt.len {
			t.Errorf("Predict(%q) code entities = %+v, want one at %d+%d", tt.text, got, tt.off, tt.len)
		}
	}
}

// TestRegexTimeIsBounded: regexp2 backtracks, so catastrophic patterns are
// stopped by MatchTimeout and by the budget a prediction's patterns share
// (issue 9); matches found before a timeout stay, patterns past the budget
// find nothing.
func TestRegexTimeIsBounded(t *testing.T) {
	t.Parallel()
	text := "id 42 " + strings.Repeat("a", 40) + "!"
	var defs []EntityDef
	for i, p := range []string{`\d+`, `(a+)+$`, `(a|aa)+$`, `(a+)*b`, `\d+`} {
		defs = append(defs, EntityDef{Category: fmt.Sprint("e", i), Regex: &RegexComponent{Expressions: []Regex{{Key: "k", Pattern: p}}}})
	}
	es, warns, err := compileEntities(defs, 0)
	if err != nil || len(warns) > 0 {
		t.Fatalf("compileEntities = %v, %q", err, warns)
	}
	start := time.Now()
	q := newRegexInput(text)
	var found []int
	for _, e := range es {
		found = append(found, len(e.regexMatches(q, "en-us")))
	}
	// Each catastrophic pattern takes at least regexTimeout; three of them
	// spend the budget, so the last pattern does not run.
	if want := []int{1, 0, 0, 0, 0}; !slices.Equal(found, want) {
		t.Errorf("matches per pattern = %v, want %v", found, want)
	}
	// Unbounded, (a+)+$ alone would take 2^40 steps: that the test ends at
	// all is the bound (its time is measured by BenchmarkPredictRegex, not
	// asserted here, as timings flake on shared machines).
	t.Logf("the regex matching took %v", time.Since(start))

	t.Run("20 catastrophic patterns in a prediction", func(t *testing.T) {
		t.Parallel()
		d := componentData(EntityDef{Category: "code", Regex: &RegexComponent{Expressions: catastrophicRegexes()}})
		m, err := Train(t.Context(), d, Options{Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		q := regexQuery()
		start := time.Now()
		m.Predict(q, "en-us", nil)
		t.Logf("Predict(500 characters, 20 catastrophic patterns) took %v", time.Since(start))
	})
}

// TestSavedModelWithRefusedRegexLoads: a model saved with a pattern that
// regexp2 refuses (an RE2-only named group) loads, the pattern skipped with
// a warning as training skips it.
func TestSavedModelWithRefusedRegexLoads(t *testing.T) {
	t.Parallel()
	def := EntityDef{Category: "code", Composition: SeparateComponents,
		Regex: &RegexComponent{Expressions: []Regex{{Key: "old", Pattern: `X\d`}, {Key: "ok", Pattern: `Y\d`}}}}
	m, err := Train(t.Context(), componentData(def), Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range m.entities {
		if e.category == "code" {
			e.regexes[0].pattern = `(?P<n>X\d)` // as an RE2 build of Parley stored it
		}
	}
	blob, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var m2 Model
	if err := m2.UnmarshalBinary(blob); err != nil {
		t.Fatalf("UnmarshalBinary = %v, want the model loaded", err)
	}
	if w := m2.Warnings(); len(w) != 1 || !strings.Contains(w[0], `(?P<n>X\\d)`) || !strings.Contains(w[0], "skipped") {
		t.Errorf("Warnings() = %q, want one naming the skipped pattern", w)
	}
	text := "order X1 and Y2"
	got := slices.DeleteFunc(foundIn(text, m2.Predict(text, "en-us", nil).Entities), func(f found) bool { return f.Category != "code" })
	if want := []found{{"code", "Y2", "", "ok"}}; !slices.Equal(got, want) {
		t.Errorf("Predict(%q).Entities = %+v, want %+v", text, got, want)
	}
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
	for _, e := range m.Predict(text, "en-us", nil).Entities {
		if e.Category == "code" {
			n++
		}
	}
	if n != maxRegexMatches {
		t.Errorf("Predict(50 matches).Entities has %d code entities, want %d", n, maxRegexMatches)
	}
}
