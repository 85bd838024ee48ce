package nlu

import (
	"slices"
	"strings"
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
// the list's other words, and do not without the lists.
func TestPhraseListIntents(t *testing.T) {
	without := trainOrder(t, nil, Options{Seed: 1})
	with := trainOrder(t, orderLists(), Options{Seed: 1})
	wrong := 0
	for _, q := range phraseQueries {
		if got := topIntent(with.Predict(q.text, "", nil)); got.Intent != q.intent {
			t.Errorf("with phrase lists, Predict(%q) = %+v, want %s", q.text, got, q.intent)
		}
		if got := topIntent(without.Predict(q.text, "", nil)); got.Intent != q.intent {
			wrong++
		}
	}
	if wrong < len(phraseQueries)-1 {
		t.Errorf("without phrase lists, %d of %d queries got the wrong intent, want at least %d: the test shows nothing", wrong, len(phraseQueries), len(phraseQueries)-1)
	}
	for _, q := range []struct{ text, intent string }{{"cancel my order", "Cancel"}, {"hello friend", "Greet"}, {"i want a pizza", "Order"}} {
		if got := topIntent(with.Predict(q.text, "", nil)); got.Intent != q.intent {
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
