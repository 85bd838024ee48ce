package nlu

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"math"
	"slices"
	"strings"
	"testing"
)

// TestRecipeBaseBlob pins the bytes of a RecipeBase model: a change to the
// engine that alters them belongs behind a new recipe, so that a model
// retrained with an old training config version is the model it was.
func TestRecipeBaseBlob(t *testing.T) {
	d := componentData(EntityDef{List: &ListComponent{Sublists: []Sublist{{Key: "laptop", Synonyms: map[string][]string{"": {"notebook"}}}}}})
	for _, o := range []Options{{Seed: 1}, {Seed: 1, Recipe: RecipeBase}} {
		m, err := Train(t.Context(), d, o)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := m.MarshalBinary()
		sum := sha256.Sum256(b)
		if got := hex.EncodeToString(sum[:]); got != recipeBaseSum {
			t.Errorf("Train(%+v): blob sha256 = %s, want %s", o, got, recipeBaseSum)
		}
		var n Model
		if err := n.UnmarshalBinary(b); err != nil || n.Recipe() != RecipeBase {
			t.Errorf("decoded recipe = %d, %v; want %d", n.Recipe(), err, RecipeBase)
		}
	}
}

// recipeBaseSum is the sha256 of TestRecipeBaseBlob's model, as the engine
// made it before recipes existed.
const recipeBaseSum = "8b1370e7976366806fceb94521e8b7d889dbe0374eb2383a1b42d944af4f5976"

func TestRecipeRoundTrip(t *testing.T) {
	d := componentData(EntityDef{List: &ListComponent{Sublists: []Sublist{{Key: "Zürich"}}}})
	o := Options{Seed: 1, Recipe: RecipeLoraNorm, NormalizeCasing: true, FoldDiacritics: true}
	m, err := Train(t.Context(), d, o)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := m.MarshalBinary()
	var n Model
	if err := n.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if n.Recipe() != RecipeLoraNorm || n.fold != foldCase|foldDiacritics {
		t.Errorf("decoded recipe %d fold %d, want %d and %d", n.Recipe(), n.fold, RecipeLoraNorm, foldCase|foldDiacritics)
	}
	for _, q := range []string{"order a zurich please", "I WANT TO BUY A PHONE"} {
		if a, b := m.Predict(q, "", nil), n.Predict(q, "", nil); !equalPredictions(a, b) {
			t.Errorf("Predict(%q) after decoding = %+v, want %+v", q, b, a)
		}
	}
	again, _ := Train(t.Context(), d, o)
	b2, _ := again.MarshalBinary()
	if !bytes.Equal(b, b2) {
		t.Error("two trainings with the same recipe and settings gave different blobs")
	}
	if _, err := Train(t.Context(), d, Options{Recipe: LatestRecipe + 1}); err == nil {
		t.Errorf("Train with recipe %d: no error", LatestRecipe+1)
	}
}

// TestLoraNorm checks that RecipeLoraNorm bounds the confidence of the top
// intent where RecipeBase is near certain.
func TestLoraNorm(t *testing.T) {
	d := componentData(EntityDef{})
	base, err := Train(t.Context(), d, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	lora, err := Train(t.Context(), d, Options{Seed: 1, Recipe: RecipeLoraNorm})
	if err != nil {
		t.Fatal(err)
	}
	k := float64(len(lora.clf.classes))
	a := math.Sqrt(k)
	bound := math.Exp(a) / (math.Exp(a) + (k-1)*math.Exp(-a))
	q := "order a laptop please"
	b, l := topIntent(base.Predict(q, "", nil)), topIntent(lora.Predict(q, "", nil))
	if b.Intent != "Order" || l.Intent != "Order" {
		t.Fatalf("top intents %+v and %+v, want Order", b, l)
	}
	if l.Score > bound+1e-9 || l.Score >= b.Score {
		t.Errorf("LoraNorm score %.4f, want at most %.4f and below RecipeBase's %.4f", l.Score, bound, b.Score)
	}
}

func listFound(m *Model, q string) bool {
	return slices.ContainsFunc(m.Predict(q, "", nil).Entities, func(e Entity) bool { return e.ListKey != "" })
}

// TestFoldDiacritics shows settings.augmentDiacritics: a list synonym
// with accents matches a query without them, and the other way round, only
// when the setting is on.
func TestFoldDiacritics(t *testing.T) {
	d := componentData(EntityDef{List: &ListComponent{Sublists: []Sublist{{Key: "Zürich", Synonyms: map[string][]string{"": {"cafe"}}}}}})
	off, err := Train(t.Context(), d, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	on, err := Train(t.Context(), d, Options{Seed: 1, FoldDiacritics: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"order a zurich please", "order a café please"} {
		if listFound(off, q) {
			t.Errorf("without folding, Predict(%q) found the list value", q)
		}
		if !listFound(on, q) {
			t.Errorf("with folding, Predict(%q) did not find the list value", q)
		}
	}
	if !listFound(off, "order a zürich please") {
		t.Error("without folding, the exact value was not found")
	}
}

// TestNormalizeCasing shows settings.normalizeCasing: the tagger learns
// that capitalised words after "call" are people; with casing normalised
// the word's casing is no cue, and a known lower-case word stays untagged
// however it is written.
func TestNormalizeCasing(t *testing.T) {
	d := TrainingData{Language: "en-us", Intents: []string{"Call"}}
	for _, tmpl := range []string{"call %s now", "please call %s", "can you call %s tonight", "ring %s please"} {
		for _, w := range []string{"John", "Mary", "Peter", "Anna", "home", "work", "office", "mom"} {
			text := strings.Replace(tmpl, "%s", w, 1)
			ex := Example{Text: text, Intent: "Call"}
			if w[0] >= 'A' && w[0] <= 'Z' {
				ex.Spans = []Span{{Category: "person", Offset: strings.Index(text, w), Length: len(w)}}
			}
			d.Examples = append(d.Examples, ex)
		}
	}
	d.Entities = []EntityDef{{Category: "person"}}
	tagged := func(o Options, q string) bool {
		m, err := Train(t.Context(), d, o)
		if err != nil {
			t.Fatal(err)
		}
		return len(m.Predict(q, "", nil).Entities) > 0
	}
	q := "call Garage now"
	if !tagged(Options{Seed: 1}, q) {
		t.Errorf("casing kept: Predict(%q) found no person, want the capitalised word tagged", q)
	}
	if tagged(Options{Seed: 1, NormalizeCasing: true}, q) {
		t.Errorf("casing normalised: Predict(%q) found a person", q)
	}
}

// Recipe 3's tagger finds only the categories labelled with the
// utterance's (predicted) intent, and its model, with the categories of
// each intent, survives the blob.
func TestRecipeIntentTags(t *testing.T) {
	d, test := loadSplit(t, smokeFile("snips2017.smoke.clu.json"))
	labelled := map[string]map[string]bool{}
	for _, ex := range d.Examples {
		for _, s := range ex.Spans {
			if labelled[ex.Intent] == nil {
				labelled[ex.Intent] = map[string]bool{}
			}
			labelled[ex.Intent][s.Category] = true
		}
	}
	m, err := Train(t.Context(), d, Options{Seed: 1, Recipe: RecipeIntentTags})
	if err != nil {
		t.Fatal(err)
	}
	b, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var n Model
	if err := n.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if n.Recipe() != RecipeIntentTags || n.tagger.intentCats == nil {
		t.Fatalf("decoded recipe %d, intent categories %v", n.Recipe(), n.tagger.intentCats)
	}
	found := 0
	for _, ex := range test {
		p, q := m.Predict(ex.Text, "", nil), n.Predict(ex.Text, "", nil)
		if !equalPredictions(p, q) {
			t.Errorf("Predict(%q) after decoding = %+v, want %+v", ex.Text, q, p)
		}
		toks := m.fold.apply(tokenize(ex.Text))
		_, top := m.scoreIntents(toks, m.phrases.match(toks))
		for _, e := range m.tagger.predict(toks, nil, top) {
			found++
			if !labelled[top][e.Category] {
				t.Errorf("%q: %s found for intent %s, which has no such label", ex.Text, e.Category, top)
			}
		}
	}
	if found == 0 {
		t.Error("the tagger found no entity in the smoke test set")
	}
}
