package nlu

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// orderData is a small project whose intents Order, Cancel and Greet are
// each taught with some words of a phrase list of orderLists, and whose
// "topping" entity is labelled on some toppings of the list Toppings.
func orderData() TrainingData {
	d := TrainingData{Language: "en-us", Intents: []string{"Order", "Cancel", "Greet"},
		Entities: []EntityDef{{Category: "topping"}}}
	add := func(intent string, texts ...string) {
		for _, text := range texts {
			d.Examples = append(d.Examples, Example{Text: text, Intent: intent})
		}
	}
	add("Cancel", "cancel my order", "remove my order please", "cancel it", "please remove that",
		"cancel the order now", "remove it now", "cancel that", "remove everything")
	add("Greet", "hello", "hi there", "hello friend", "hi, how are you", "hello again", "hi bot",
		"hello, anyone here?", "hi")
	add("Order", "i want a pizza", "order a pizza for me", "a large pizza please", "can i have the pizza",
		"bring me a pizza tonight", "the pizza of the day", "get the pizza", "one pizza to go")
	// Toppings: "with X" names a topping, but "with" is followed by other
	// words just as often, so only knowing X makes it one.
	for _, tmpl := range []string{"a pizza with %s", "the pizza with %s please", "i want a pizza with %s tonight"} {
		for _, top := range []string{"ham", "bacon", "salami"} {
			text := strings.Replace(tmpl, "%s", top, 1)
			d.Examples = append(d.Examples, Example{Text: text, Intent: "Order",
				Spans: []Span{{Category: "topping", Offset: strings.Index(text, top), Length: len(top)}}})
		}
		for _, other := range []string{"friends", "care", "love"} {
			add("Order", strings.Replace(tmpl, "%s", other, 1))
		}
	}
	return d
}

// orderLists are orderData's phrase lists: of each, training uses the
// first words and phraseQueries the others.
func orderLists() []PhraseList {
	return []PhraseList{
		{Name: "CancelWords", Interchangeable: true, Phrases: []string{"cancel", "remove", "scrap", "delete", "get rid of", "call off"}},
		{Name: "Greetings", Interchangeable: true, Phrases: []string{"hello", "hi", "howdy", "good morning", "greetings"}},
		{Name: "Toppings", Interchangeable: true, Phrases: []string{"ham", "bacon", "salami", "anchovies", "olives", "extra cheese"}},
	}
}

// phraseQueries use words of orderLists that training never saw, in the
// context of another intent.
var phraseQueries = []struct{ text, intent string }{
	{"scrap the pizza", "Cancel"},
	{"delete the pizza", "Cancel"},
	{"get rid of the pizza", "Cancel"},
	{"call off the pizza", "Cancel"},
	{"howdy", "Greet"},
	{"good morning", "Greet"},
	{"greetings pizza", "Greet"},
}

func trainOrder(t testing.TB, lists []PhraseList, o Options) *Model {
	t.Helper()
	d := orderData()
	d.PhraseLists = lists
	m, err := Train(t.Context(), d, o)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestPhraseListIntents shows that phrase lists generalise: queries that
// use words of a list that training did not see get the intent taught with
// the list's other words (as the top intent, above None too), and do not
// without the lists (not even as the best intent other than None).
func TestPhraseListIntents(t *testing.T) {
	without := trainOrder(t, nil, Options{Seed: 1})
	with := trainOrder(t, orderLists(), Options{Seed: 1})
	wrong := 0
	for _, q := range phraseQueries {
		if got := with.Predict(q.text, "", nil).Intents[0]; got.Intent != q.intent {
			t.Errorf("with phrase lists, Predict(%q) = %+v, want %s", q.text, got, q.intent)
		}
		if got := topIntent(without.Predict(q.text, "", nil)); got.Intent != q.intent {
			wrong++ // even ignoring None
		}
	}
	if wrong < len(phraseQueries)-1 {
		t.Errorf("without phrase lists, %d of %d queries got the wrong intent, want at least %d: the test shows nothing", wrong, len(phraseQueries), len(phraseQueries)-1)
	}
	for _, q := range []struct{ text, intent string }{{"cancel my order", "Cancel"}, {"hello friend", "Greet"}, {"i want a pizza", "Order"}} {
		if got := with.Predict(q.text, "", nil).Intents[0]; got.Intent != q.intent {
			t.Errorf("with phrase lists, training utterance %q = %+v, want %s", q.text, got, q.intent)
		}
	}
}

func toppings(m *Model, q string) []string {
	var out []string
	for _, e := range m.Predict(q, "", nil).Entities {
		if e.Category == "topping" {
			out = append(out, q[e.Offset:e.Offset+e.Length])
		}
	}
	return out
}

// TestPhraseListEntities shows the tagger's phrase-list features: a topping
// training never labelled is found because it is in the list with the
// labelled ones, and is not without the list.
func TestPhraseListEntities(t *testing.T) {
	without := trainOrder(t, nil, Options{Seed: 1})
	with := trainOrder(t, orderLists(), Options{Seed: 1})
	for _, tc := range []struct{ q, want string }{
		{"a pizza with anchovies", "anchovies"},
		{"the pizza with olives please", "olives"},
		{"i want a pizza with olives tonight", "olives"},
	} {
		if got := toppings(with, tc.q); !slices.Equal(got, []string{tc.want}) {
			t.Errorf("with phrase lists, toppings of %q = %q, want [%q]", tc.q, got, tc.want)
		}
		if got := toppings(without, tc.q); slices.Contains(got, tc.want) {
			t.Errorf("without phrase lists, toppings of %q = %q: the test shows nothing", tc.q, got)
		}
	}
	if got := toppings(with, "a pizza with friends"); len(got) > 0 {
		t.Errorf("with phrase lists, toppings of %q = %q, want none", "a pizza with friends", got)
	}
}

// TestPhraseListNotInterchangeable shows a list that is not
// interchangeable: its words keep their own features, and the list's
// feature, learnt from the words training saw, carries an unseen one.
func TestPhraseListNotInterchangeable(t *testing.T) {
	lists := orderLists()
	for i := range lists {
		lists[i].Interchangeable = false
	}
	without := trainOrder(t, nil, Options{Seed: 1})
	with := trainOrder(t, lists, Options{Seed: 1})
	for _, q := range []struct{ text, intent string }{{"scrap", "Cancel"}, {"delete", "Cancel"}, {"good morning", "Greet"}, {"howdy pizza", "Greet"}} {
		if got := with.Predict(q.text, "", nil).Intents[0]; got.Intent != q.intent {
			t.Errorf("with phrase lists, Predict(%q) = %+v, want %s", q.text, got, q.intent)
		}
		if got := topIntent(without.Predict(q.text, "", nil)); got.Intent == q.intent {
			t.Errorf("without phrase lists, Predict(%q) = %+v: the test shows nothing", q.text, got)
		}
	}
	// The words keep their identity: "cancel" and "scrap" are not the same
	// query, as they are for an interchangeable list.
	inter := trainOrder(t, orderLists(), Options{Seed: 1})
	same := func(m *Model) bool {
		return equalPredictions(m.Predict("cancel the pizza", "", nil), m.Predict("scrap the pizza", "", nil))
	}
	if !same(inter) {
		t.Error("interchangeable list: \"cancel the pizza\" and \"scrap the pizza\" predict differently, want the same")
	}
	if same(with) {
		t.Error("list not interchangeable: \"cancel the pizza\" and \"scrap the pizza\" predict the same")
	}
}

// TestPhraseListBlob checks reproducibility: no lists (nil or empty) give
// the bytes of a model trained before phrase lists existed
// (testdata/model-without-phrase-lists.blob, made by the engine of the
// commit before them), and that model, loaded, predicts what that engine
// predicted (…predictions.json); lists give the same bytes every time,
// survive a round trip, and a blob that lost them is refused.
func TestPhraseListBlob(t *testing.T) {
	old, err := os.ReadFile(filepath.Join("testdata", "model-without-phrase-lists.blob"))
	if err != nil {
		t.Fatal(err)
	}
	for _, lists := range [][]PhraseList{nil, {}} {
		b, _ := trainOrder(t, lists, Options{Seed: 1}).MarshalBinary()
		if !bytes.Equal(b, old) {
			t.Errorf("PhraseLists %#v: blob differs from the model trained before phrase lists", lists)
		}
	}
	var m Model
	if err := m.UnmarshalBinary(old); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join("testdata", "model-without-phrase-lists.predictions.json"))
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, q := range phraseQueries {
		texts = append(texts, q.text)
	}
	texts = append(texts, "a pizza with anchovies", "the pizza with olives please", "i want a pizza with ham tonight", "cancel my order", "hello friend")
	var ps []Prediction
	for _, q := range texts {
		ps = append(ps, m.Predict(q, "", nil))
	}
	got, _ := json.MarshalIndent(ps, "", "  ")
	if !bytes.Equal(append(got, '\n'), want) {
		t.Errorf("the model trained before phrase lists predicts differently:\n%s\nwant\n%s", got, want)
	}

	for _, o := range []Options{{Seed: 1}, {Seed: 1, Recipe: RecipeLoraNorm, NormalizeCasing: true, FoldDiacritics: true}} {
		m1 := trainOrder(t, orderLists(), o)
		b1, _ := m1.MarshalBinary()
		b2, _ := trainOrder(t, orderLists(), o).MarshalBinary()
		if !bytes.Equal(b1, b2) {
			t.Errorf("%+v: two trainings with phrase lists gave different blobs", o)
		}
		if bytes.Equal(b1, old) {
			t.Errorf("%+v: phrase lists left the blob unchanged", o)
		}
		var n Model
		if err := n.UnmarshalBinary(b1); err != nil {
			t.Fatalf("%+v: UnmarshalBinary = %v", o, err)
		}
		if b3, _ := n.MarshalBinary(); !bytes.Equal(b1, b3) {
			t.Errorf("%+v: MarshalBinary after UnmarshalBinary differs", o)
		}
		for _, q := range append(texts, "get rid of the pizza with extra cheese", "") {
			if a, b := m1.Predict(q, "", nil), n.Predict(q, "", nil); !equalPredictions(a, b) {
				t.Errorf("%+v: Predict(%q) after round trip = %+v, want %+v", o, q, b, a)
			}
		}
		n.phrases = nil
		lost, _ := n.MarshalBinary()
		if err := new(Model).UnmarshalBinary(lost); !errors.Is(err, ErrFormat) {
			t.Errorf("%+v: UnmarshalBinary of a blob without its phrase lists = %v, want ErrFormat", o, err)
		}
	}
}

func TestPhraseListLimits(t *testing.T) {
	phrases := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprint("w", i)
		}
		return out
	}
	long := strings.Repeat("a ", MaxPhraseTokens)
	for _, tc := range []struct {
		name  string
		lists []PhraseList
		ok    bool
	}{
		{"none", nil, true},
		{"at every limit", append(make([]PhraseList, MaxPhraseLists-1), PhraseList{Phrases: append(phrases(MaxPhrasesPerList-1), long)}), true},
		{"too many lists", make([]PhraseList, MaxPhraseLists+1), false},
		{"too many phrases in a list", []PhraseList{{Name: "big", Phrases: phrases(MaxPhrasesPerList + 1)}}, false},
		{"too many phrases in all", slices.Repeat([]PhraseList{{Phrases: phrases(MaxPhrasesPerList)}}, MaxPhrases/MaxPhrasesPerList+1), false},
		{"phrase too long", []PhraseList{{Name: "long", Phrases: []string{"ok", long + "a"}}}, false},
		{"long in characters, few tokens", []PhraseList{{Phrases: []string{strings.Repeat("x", 5000)}}}, true},
		{"empty phrases", []PhraseList{{Phrases: []string{"", "  ", ","}}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckPhraseLists(tc.lists)
			if (err == nil) != tc.ok {
				t.Fatalf("CheckPhraseLists = %v, want ok %v", err, tc.ok)
			}
			if tc.ok {
				return
			}
			d := orderData()
			d.PhraseLists = tc.lists
			if _, terr := Train(t.Context(), d, Options{Seed: 1}); terr == nil || terr.Error() != err.Error() {
				t.Errorf("Train = %v, want %v", terr, err)
			}
		})
	}
}

// TestPhraseListFolding: phrases match ignoring case whatever the options
// (as list components do), diacritics only under FoldDiacritics, digits as
// written, and whole tokens only.
func TestPhraseListFolding(t *testing.T) {
	lists := []PhraseList{{Name: "cv", Phrases: []string{"Résumé", "CV", "curriculum vitae", "12", "dan's"}}}
	for _, tc := range []struct {
		o     Options
		query string
		want  []string
	}{
		{Options{}, "send my RÉSUMÉ and cv", []string{"RÉSUMÉ", "cv"}},
		{Options{}, "send my RESUMÉ", nil},
		{Options{}, "send my resume", nil},
		{Options{FoldDiacritics: true}, "send my resume or my RÉSUMÉ", []string{"resume", "RÉSUMÉ"}},
		{Options{NormalizeCasing: true}, "my Curriculum VITAE", []string{"Curriculum VITAE"}},
		{Options{}, "curriculum, vitae", nil},
		{Options{}, "13 12 012", []string{"12"}},
		{Options{}, "cvs dan's dans", []string{"dan's"}},
		{Options{}, "", nil},
	} {
		p, err := compilePhraseLists(lists, foldOf(tc.o))
		if err != nil {
			t.Fatal(err)
		}
		toks := foldOf(tc.o).apply(tokenize(tc.query))
		orig := tokenize(tc.query)
		var got []string
		for _, m := range p.match(toks) {
			got = append(got, tc.query[orig[m.start].Start:orig[m.end-1].End])
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%+v: matches in %q = %q, want %q", tc.o, tc.query, got, tc.want)
		}
	}
}

// naiveMatch is phraseSet.match by brute force over every phrase.
func naiveMatch(p *phraseSet, toks []token) []phraseMatch {
	var out []phraseMatch
	for i := range toks {
		for j := i + 1; j <= min(len(toks), i+MaxPhraseTokens); j++ {
			for l, pl := range p.lists {
				for _, ph := range pl.phrases {
					if len(ph) != j-i {
						continue
					}
					eq := true
					for k, w := range ph {
						eq = eq && phraseWord(toks[i+k].Text) == w
					}
					if eq {
						out = append(out, phraseMatch{int32(i), int32(j), int32(l)})
						break
					}
				}
			}
		}
	}
	return out
}

// FuzzPhraseMatch checks phrase matching on arbitrary phrases and queries:
// no panic, exactly the matches a brute-force search finds, and at most
// MaxPhraseTokens trie steps per query token.
func FuzzPhraseMatch(f *testing.F) {
	f.Add("get rid of,rid,of of", "of of of get rid of rid", true)
	f.Add("Résumé,CV,a a a", "a a a a résumé cv", false)
	f.Add("🍕,x\u0301,\xff", "🍕🍕 x\u0301 \xff", true)
	f.Fuzz(func(t *testing.T, phrases, query string, fold bool) {
		if len(phrases) > 500 || len(query) > 500 {
			return
		}
		var o Options
		if fold {
			o = Options{NormalizeCasing: true, FoldDiacritics: true}
		}
		parts := strings.Split(phrases, ",")
		lists := []PhraseList{{Phrases: parts, Interchangeable: true}, {Phrases: parts[len(parts)/2:]}}
		p, err := compilePhraseLists(lists, foldOf(o))
		if err != nil {
			if CheckPhraseLists(lists) == nil {
				t.Fatalf("compilePhraseLists = %v, but CheckPhraseLists accepts the lists", err)
			}
			return
		}
		toks := foldOf(o).apply(tokenize(query))
		got, steps := p.matchSteps(toks)
		if steps > MaxPhraseTokens*len(toks) {
			t.Errorf("%d trie steps for %d tokens", steps, len(toks))
		}
		if want := naiveMatch(p, toks); !slices.Equal(got, want) {
			t.Errorf("match = %v, want %v", got, want)
		}
		subst := p.substitutions(got)
		for i := 1; i < len(subst); i++ {
			if subst[i].start < subst[i-1].end {
				t.Errorf("substitutions overlap: %v", subst)
			}
		}
		// The model's paths must not panic either.
		p.intentFeatures(toks, got, featureSpec{minN: 2, maxN: 5, wordN: 2}, nil, nil)
		p.oosWords(toks, got, nil)
		f := make([][]uint64, len(toks))
		p.tagFeatures(f, got)
		p.tagWords(len(toks), got)
	})
}

// TestPhraseMatchLinear matches a query of 10,000 tokens against phrases
// that all match everywhere (every run of one to MaxPhraseTokens "a"):
// the trie steps stay within MaxPhraseTokens per token.
func TestPhraseMatchLinear(t *testing.T) {
	var phrases []string
	for n := 1; n <= MaxPhraseTokens; n++ {
		phrases = append(phrases, strings.TrimSpace(strings.Repeat("a ", n)))
	}
	p, err := compilePhraseLists([]PhraseList{{Phrases: phrases, Interchangeable: true}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{100, 10_000} {
		toks := tokenize(strings.Repeat("a ", n))
		got, steps := p.matchSteps(toks)
		if steps > MaxPhraseTokens*n {
			t.Errorf("%d tokens: %d trie steps, want at most %d", n, steps, MaxPhraseTokens*n)
		}
		if want := MaxPhraseTokens*n - MaxPhraseTokens*(MaxPhraseTokens-1)/2; len(got) != want {
			t.Errorf("%d tokens: %d matches, want %d", n, len(got), want)
		}
	}
}

// TestPhraseListConcurrentPredict: a model with phrase lists is safe for
// concurrent use, as every model is (run with -race).
func TestPhraseListConcurrentPredict(t *testing.T) {
	m := trainOrder(t, orderLists(), Options{Seed: 1})
	var texts []string
	for _, q := range phraseQueries {
		texts = append(texts, q.text)
	}
	texts = append(texts, "a pizza with anchovies", "the pizza with olives please")
	want := make([]Prediction, len(texts))
	for i, q := range texts {
		want[i] = m.Predict(q, "", nil)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for i, q := range texts {
				if got := m.Predict(q, "", nil); !equalPredictions(got, want[i]) {
					t.Errorf("concurrent Predict(%q) = %+v, want %+v", q, got, want[i])
				}
			}
		})
	}
	wg.Wait()
}
