package nlu

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"
)

// luisApp is the part of a LUIS application file the quality test reads.
// It is no importer: internal/project has that.
type luisApp struct {
	Culture    string `json:"culture"`
	Utterances []struct {
		Text     string      `json:"text"`
		Intent   string      `json:"intent"`
		Entities []luisLabel `json:"entities"`
	} `json:"utterances"`
	PhraseLists []struct {
		Name      string `json:"name"`
		Words     string `json:"words"`
		Mode      bool   `json:"mode"`
		Activated bool   `json:"activated"`
	} `json:"phraselists"`
}

// luisLabel is a LUIS entity label: characters startPos to endPos,
// inclusive, with its children.
type luisLabel struct {
	Entity   string      `json:"entity"`
	StartPos int         `json:"startPos"`
	EndPos   int         `json:"endPos"`
	Children []luisLabel `json:"children"`
}

// leaves appends the labels without children, in UTF-16 units of text.
func (l luisLabel) leaves(text []rune, dst []Span) []Span {
	if len(l.Children) > 0 {
		for _, c := range l.Children {
			dst = c.leaves(text, dst)
		}
		return dst
	}
	if l.StartPos < 0 || l.EndPos >= len(text) || l.EndPos < l.StartPos {
		return dst
	}
	off := len(utf16.Encode(text[:l.StartPos]))
	return append(dst, Span{Category: l.Entity, Offset: off, Length: len(utf16.Encode(text[l.StartPos : l.EndPos+1]))})
}

// loadLUIS reads a LUIS application as training data: its utterances with
// their intents and the innermost of their entity labels (overlapping ones
// dropped, the first kept), and its activated phrase lists.
func loadLUIS(t testing.TB, name string) TrainingData {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "datasets", "luis", name))
	if err != nil {
		t.Fatal(err)
	}
	var app luisApp
	if err := json.Unmarshal(b, &app); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	d := TrainingData{Language: app.Culture}
	cats := map[string]bool{}
	for _, u := range app.Utterances {
		var spans []Span
		rs := []rune(u.Text)
		for _, l := range u.Entities {
			spans = l.leaves(rs, spans)
		}
		slices.SortStableFunc(spans, func(a, b Span) int { return a.Offset - b.Offset })
		var kept []Span
		for _, s := range spans {
			if len(kept) == 0 || s.Offset >= kept[len(kept)-1].Offset+kept[len(kept)-1].Length {
				kept = append(kept, s)
				cats[s.Category] = true
			}
		}
		d.Examples = append(d.Examples, Example{Text: u.Text, Intent: u.Intent, Spans: kept})
		if !slices.Contains(d.Intents, u.Intent) {
			d.Intents = append(d.Intents, u.Intent)
		}
	}
	for _, c := range slices.Sorted(func(yield func(string) bool) {
		for c := range cats {
			if !yield(c) {
				return
			}
		}
	}) {
		d.Entities = append(d.Entities, EntityDef{Category: c})
	}
	for _, pl := range app.PhraseLists {
		if pl.Activated {
			d.PhraseLists = append(d.PhraseLists, PhraseList{Name: pl.Name, Phrases: strings.Split(pl.Words, ","), Interchangeable: pl.Mode})
		}
	}
	return d
}

// crossValidate trains on four of five folds of d and tests on the fifth,
// and returns the intent accuracy and the entity F1 over all folds.
func crossValidate(t testing.TB, d TrainingData) (acc, f1 float64) {
	t.Helper()
	const folds = 5
	var right, n, tp, fp, fn int
	for k := range folds {
		train := d
		train.Examples = nil
		var test []Example
		for i, ex := range d.Examples {
			if i%folds == k {
				test = append(test, ex)
			} else {
				train.Examples = append(train.Examples, ex)
			}
		}
		m, err := Train(t.Context(), train, Options{Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		for _, ex := range test {
			p := m.Predict(ex.Text, "", nil)
			n++
			if p.Intents[0].Intent == ex.Intent {
				right++
			}
			var got []Span
			for _, e := range p.Entities {
				got = append(got, Span{e.Category, e.Offset, e.Length})
			}
			for _, s := range ex.Spans {
				if slices.Contains(got, s) {
					tp++
				} else {
					fn++
				}
			}
			for _, s := range got {
				if !slices.Contains(ex.Spans, s) {
					fp++
				}
			}
		}
	}
	return float64(right) / float64(n), 2 * float64(tp) / float64(2*tp+fp+fn)
}

// TestPhraseListQualityLUIS cross-validates three LUIS applications that
// have phrase lists, with and without them. On these small apps the lists
// change a few utterances either way; the test is a floor: the lists must
// not cost more than 3 points of intent accuracy or entity F1.
func TestPhraseListQualityLUIS(t *testing.T) {
	for _, name := range []string{"pizza.v6.json", "pizza-nested.v7.json", "hr-review.v7.json"} {
		d := loadLUIS(t, name)
		accWith, f1With := crossValidate(t, d)
		lists := d.PhraseLists
		d.PhraseLists = nil
		accWithout, f1Without := crossValidate(t, d)
		t.Logf("%s (%d utterances, %d lists): intent accuracy %.3f -> %.3f, entity F1 %.3f -> %.3f",
			name, len(d.Examples), len(lists), accWithout, accWith, f1Without, f1With)
		if accWith < accWithout-0.03 || f1With < f1Without-0.03 {
			t.Errorf("%s: phrase lists cost more than 3 points", name)
		}
		if len(lists) == 0 {
			t.Errorf("%s: no phrase lists read", name)
		}
	}
}
