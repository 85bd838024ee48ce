package project

import (
	"strings"
	"unicode"
	"unicode/utf16"
)

// LUIS patterns (templates such as "who is {Employee} the manager of[?]")
// have no CLU equivalent. With luisPatterns=utterances (the default) each
// becomes one labelled training utterance: optional parts ([...]) left
// out, the first alternative of each group ((a|b)) taken, and every
// {Entity} or {Entity:role} filled with an example value of that entity,
// labelled as it. A pattern is skipped (LuisPatternsNotConverted) when an
// entity has no example value or the text is already an utterance.

// luisPrebuiltExamples are example values of prebuilt categories, used in
// English apps when no label of the entity gives one.
var luisPrebuiltExamples = map[string]string{
	"Quantity.Number":      "2",
	"DateTime":             "tomorrow",
	"Quantity.Age":         "5 years old",
	"Quantity.Dimension":   "3 miles",
	"Quantity.Currency":    "$10",
	"Quantity.Ordinal":     "first",
	"Quantity.Percentage":  "50%",
	"Quantity.Temperature": "20 degrees",
	"Person.Name":          "John Smith",
	"Email":                "someone@example.com",
	"Phone Number":         "555-0100",
	"URL":                  "www.example.com",
	"Geography.Location":   "Seattle",
}

// patternPiece is literal text or a placeholder of a pattern.
type patternPiece struct {
	text   string
	entity string // a placeholder: the entity's LUIS name
	role   string
}

// parsePattern reads a LUIS pattern into pieces, leaving optional parts
// out and taking the first alternative of each group.
func parsePattern(p string) []patternPiece {
	r := []rune(strings.TrimPrefix(strings.TrimSpace(p), "^"))
	var pieces []patternPiece
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			pieces = append(pieces, patternPiece{text: lit.String()})
			lit.Reset()
		}
	}
	// skip returns the index after the bracket that closes the one at i.
	skip := func(i int) int {
		depth := 0
		for ; i < len(r); i++ {
			switch r[i] {
			case '\\':
				i++
			case '[', '(':
				depth++
			case ']', ')':
				if depth--; depth == 0 {
					return i + 1
				}
			}
		}
		return len(r)
	}
	var groups []bool // per open group: inside its first alternative
	for i := 0; i < len(r); i++ {
		switch ch := r[i]; ch {
		case '\\':
			if i+1 < len(r) {
				i++
				lit.WriteRune(r[i])
			}
		case '[':
			i = skip(i) - 1
			lit.WriteRune(' ')
		case '(':
			groups = append(groups, true)
		case '|':
			if len(groups) == 0 {
				lit.WriteRune(ch)
				continue
			}
			// Skip the other alternatives up to the group's end.
			depth := 0
			for i++; i < len(r); i++ {
				if r[i] == '\\' {
					i++
				} else if r[i] == '(' || r[i] == '[' {
					depth++
				} else if (r[i] == ')' || r[i] == ']') && depth > 0 {
					depth--
				} else if r[i] == ')' {
					break
				}
			}
			groups = groups[:len(groups)-1]
		case ')':
			if len(groups) > 0 {
				groups = groups[:len(groups)-1]
			} else {
				lit.WriteRune(ch)
			}
		case '{':
			j := i + 1
			for j < len(r) && r[j] != '}' {
				j++
			}
			if j == len(r) {
				lit.WriteString(string(r[i:]))
				i = len(r)
				continue
			}
			flush()
			name, role, _ := strings.Cut(string(r[i+1:j]), ":")
			pieces = append(pieces, patternPiece{entity: strings.TrimSpace(name), role: strings.TrimSpace(role)})
			i = j
		default:
			lit.WriteRune(ch)
		}
	}
	flush()
	return pieces
}

// patternUtterances makes the patterns into utterances; utts are the
// utterances converted so far, which give example values.
func (c *luisConv) patternUtterances(utts []Utterance) []Utterance {
	examples := map[int]string{} // CLU entity -> the text of its first label
	for _, u := range utts {
		units := utf16.Encode([]rune(u.Text))
		for _, l := range u.Entities {
			if i := c.entityIndex(l.Category); i >= 0 {
				if _, ok := examples[i]; !ok {
					examples[i] = string(utf16.Decode(units[l.Offset : l.Offset+l.Length]))
				}
			}
		}
	}
	rootExamples := map[string]string{} // LUIS entity -> the text of its first top-level label
	for _, u := range c.app.Utterances {
		units := utf16.Encode([]rune(u.Text))
		for _, l := range u.Entities {
			if _, ok := rootExamples[l.Entity]; ok || l.StartPos == nil || l.EndPos == nil {
				continue
			}
			if s, e := *l.StartPos, *l.EndPos; s >= 0 && s <= e && e < len(units) {
				rootExamples[l.Entity] = string(utf16.Decode(units[s : e+1]))
			}
		}
	}
	seen := map[string]bool{}
	for _, u := range utts {
		seen[strings.ToLower(u.Text)] = true
	}
	var out []Utterance
	for _, p := range c.app.Patterns {
		u, ok := c.patternUtterance(p, examples, rootExamples)
		if !ok || seen[strings.ToLower(u.Text)] {
			c.warn.add("LuisPatternsNotConverted", "")
			continue
		}
		seen[strings.ToLower(u.Text)] = true
		c.warn.add("LuisPatternsConverted", "")
		out = append(out, u)
	}
	return out
}

func (c *luisConv) patternUtterance(p luisPattern, examples map[int]string, rootExamples map[string]string) (Utterance, bool) {
	var b []rune
	var labels []Label
	units := 0
	appendText := func(s string) {
		for _, r := range s {
			if unicode.IsSpace(r) {
				if len(b) == 0 || b[len(b)-1] == ' ' {
					continue
				}
				r = ' '
			}
			b = append(b, r)
			units += len(utf16.Encode([]rune{r}))
		}
	}
	for _, pc := range parsePattern(p.Pattern) {
		if pc.entity == "" {
			appendText(pc.text)
			continue
		}
		value, entity, ok := c.patternValue(pc, examples, rootExamples)
		value = strings.Join(strings.Fields(value), " ")
		if !ok || value == "" {
			return Utterance{}, false
		}
		if len(b) > 0 && b[len(b)-1] != ' ' {
			appendText(" ")
		}
		start := units
		appendText(value)
		if entity >= 0 {
			labels = append(labels, Label{Category: c.entities[entity].Category, Offset: start, Length: units - start})
		}
		appendText(" ")
	}
	text := strings.TrimRight(string(b), " ")
	if strings.TrimSpace(text) == "" || textLen(text, Utf16CodeUnit) > DefaultLimits.UtteranceLength {
		return Utterance{}, false
	}
	if labels == nil {
		labels = []Label{}
	}
	return Utterance{Text: text, Intent: c.intentFor(p.Intent), Dataset: "Train", Entities: labels}, true
}

// patternValue returns an example value for a placeholder and the CLU
// entity that labels it (-1: none, for a parent entity).
func (c *luisConv) patternValue(pc patternPiece, examples map[int]string, rootExamples map[string]string) (string, int, bool) {
	m := c.models[pc.entity]
	if m == nil || m.entity == -2 {
		return "", -1, false
	}
	entity := m.entity
	if pc.role != "" {
		if idx, ok := m.roles[pc.role]; ok {
			entity = idx
		}
	}
	if entity >= 0 {
		if v, ok := examples[entity]; ok {
			return v, entity, true
		}
		if v, ok := examples[m.entity]; ok && m.entity >= 0 {
			return v, entity, true
		}
	}
	switch m.kind {
	case luisList:
		for _, sl := range m.list.SubLists {
			for _, v := range sl.List {
				if strings.TrimSpace(v) != "" {
					return v, entity, true
				}
			}
			if strings.TrimSpace(sl.CanonicalForm) != "" {
				return sl.CanonicalForm, entity, true
			}
		}
	case luisPrebuilt:
		if v, ok := luisPrebuiltExamples[m.category]; ok && strings.HasPrefix(c.lang, "en") {
			return v, entity, true
		}
	case luisPatternAnyKind:
		for _, v := range m.explicit {
			if strings.TrimSpace(v) != "" {
				return v, entity, true
			}
		}
	}
	if v, ok := rootExamples[pc.entity]; ok {
		return v, entity, true
	}
	return "", -1, false
}
