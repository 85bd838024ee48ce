package nlu

import (
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
