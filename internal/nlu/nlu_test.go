package nlu

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
)

// smokeFile is a smoke dataset in the repository's testdata folder.
func smokeFile(name string) string {
	return filepath.Join("..", "..", "testdata", "datasets", "smoke", name)
}

// cluFile is the part of a CLU project file the tests read.
type cluFile struct {
	Metadata struct {
		Language string `json:"language"`
	} `json:"metadata"`
	Assets struct {
		Intents []struct {
			Category string `json:"category"`
		} `json:"intents"`
		Entities []struct {
			Category           string `json:"category"`
			CompositionSetting string `json:"compositionSetting"`
		} `json:"entities"`
		Utterances []struct {
			Text     string `json:"text"`
			Intent   string `json:"intent"`
			Dataset  string `json:"dataset"`
			Entities []Span `json:"entities"`
		} `json:"utterances"`
	} `json:"assets"`
}

// loadSplit reads a CLU project file into training data (its Train
// utterances) and test examples.
func loadSplit(t testing.TB, path string) (TrainingData, []Example) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("dataset: %v", err)
	}
	var f cluFile
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	d := TrainingData{Language: f.Metadata.Language}
	for _, in := range f.Assets.Intents {
		d.Intents = append(d.Intents, in.Category)
	}
	for _, e := range f.Assets.Entities {
		d.Entities = append(d.Entities, EntityDef{Category: e.Category, Composition: e.CompositionSetting})
	}
	var test []Example
	for _, u := range f.Assets.Utterances {
		ex := Example{Text: u.Text, Intent: u.Intent, Spans: u.Entities}
		if u.Dataset == "Test" {
			test = append(test, ex)
		} else {
			d.Examples = append(d.Examples, ex)
		}
	}
	return d, test
}

var smokeModels sync.Map // file name -> *smokeModel

type smokeModel struct {
	once  sync.Once
	data  TrainingData
	test  []Example
	model *Model
	err   error
}

// trainSmoke trains (once per test binary) a model on a smoke file.
func trainSmoke(t testing.TB, name string) (*Model, TrainingData, []Example) {
	t.Helper()
	v, _ := smokeModels.LoadOrStore(name, &smokeModel{})
	sm := v.(*smokeModel)
	sm.once.Do(func() {
		sm.data, sm.test = loadSplit(t, smokeFile(name))
		sm.model, sm.err = Train(context.Background(), sm.data, Options{Seed: 1})
	})
	if sm.err != nil {
		t.Fatalf("Train(%s) = %v", name, sm.err)
	}
	return sm.model, sm.data, sm.test
}

// evaluate returns the intent accuracy and entity micro-F1 (exact span and
// category) of m on test.
func evaluate(m *Model, test []Example) (acc, f1 float64) {
	var correct, tp, fp, fn int
	for _, ex := range test {
		p := m.Predict(ex.Text, "", nil)
		if p.Intents[0].Intent == ex.Intent {
			correct++
		}
		matched := make([]bool, len(ex.Spans))
		for _, e := range p.Entities {
			i := slices.IndexFunc(ex.Spans, func(s Span) bool {
				return s.Category == e.Category && s.Offset == e.Offset && s.Length == e.Length
			})
			if i >= 0 && !matched[i] {
				matched[i] = true
				tp++
			} else {
				fp++
			}
		}
		for _, ok := range matched {
			if !ok {
				fn++
			}
		}
	}
	acc = float64(correct) / float64(len(test))
	if tp > 0 {
		f1 = 2 * float64(tp) / float64(2*tp+fp+fn)
	}
	return acc, f1
}

func TestSmokeQuality(t *testing.T) {
	// Floors sit a little below what seed 1 reaches (SNIPS smoke 0.89 and
	// 0.58, BANKING77 smoke 0.975): the smoke sets have 16 training
	// utterances per intent, so they check that learning happens, not how
	// well. cmd/nlueval measures quality on the full datasets.
	tests := []struct {
		file            string
		minAcc, minF1   float64
		wantEntityCheck bool
	}{
		{"snips2017.smoke.clu.json", 0.80, 0.50, true},
		{"banking77.smoke.clu.json", 0.90, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			m, _, test := trainSmoke(t, tt.file)
			acc, f1 := evaluate(m, test)
			if acc < tt.minAcc {
				t.Errorf("intent accuracy on %s Test = %.3f, want >= %.2f", tt.file, acc, tt.minAcc)
			}
			if tt.wantEntityCheck && f1 < tt.minF1 {
				t.Errorf("entity micro-F1 on %s Test = %.3f, want >= %.2f", tt.file, f1, tt.minF1)
			}
		})
	}
}

// outOfScope are utterances unlike every smoke set's intents.
var outOfScope = []string{
	"the quarterly tax filing deadline for llamas",
	"how do volcanoes form under the ocean",
	"my grandmother knitted a purple sweater yesterday",
	"photosynthesis converts sunlight into chemical energy",
	"the committee postponed the vote on the new bridge",
}

func TestOutOfScope(t *testing.T) {
	for _, name := range []string{"snips2017.smoke.clu.json", "banking77.smoke.clu.json"} {
		t.Run(name, func(t *testing.T) {
			m, _, test := trainSmoke(t, name)
			for _, s := range outOfScope {
				p := m.Predict(s, "", nil)
				if top := topIntent(p); top.Score >= 0.5 {
					t.Errorf("Predict(%q): top intent %s scores %.3f, want < 0.5", s, top.Intent, top.Score)
				}
			}
			// In-domain test utterances that are classified right score high.
			var high, right int
			for _, ex := range test {
				p := m.Predict(ex.Text, "", nil)
				if p.Intents[0].Intent == ex.Intent {
					right++
					if p.Intents[0].Score >= 0.5 {
						high++
					}
				}
			}
			if float64(high) < 0.8*float64(right) {
				t.Errorf("%d of %d correctly classified Test utterances score >= 0.5, want at least 80%%", high, right)
			}
		})
	}
}

// topIntent is the best intent other than None.
func topIntent(p Prediction) IntentScore {
	for _, in := range p.Intents {
		if in.Intent != NoneIntent {
			return in
		}
	}
	return IntentScore{}
}

func TestPredictionShape(t *testing.T) {
	m, d, test := trainSmoke(t, "snips2017.smoke.clu.json")
	for _, ex := range append(test[:5:5], Example{Text: ""}, Example{Text: "🍕👨‍👩‍👧 \xff\xfe"}) {
		p := m.Predict(ex.Text, "en-us", nil)
		if len(p.Intents) != len(d.Intents)+1 { // the smoke file lists no None intent
			t.Errorf("Predict(%q): %d intents, want %d", ex.Text, len(p.Intents), len(d.Intents)+1)
		}
		var sum float64
		for i, in := range p.Intents {
			if in.Score < 0 || in.Score > 1 || math.IsNaN(in.Score) {
				t.Errorf("Predict(%q): intent %s score %v, want in [0,1]", ex.Text, in.Intent, in.Score)
			}
			if i > 0 && in.Score > p.Intents[i-1].Score {
				t.Errorf("Predict(%q): intents not sorted by score: %v", ex.Text, p.Intents)
			}
			sum += in.Score
		}
		if sum > 1+1e-9 {
			t.Errorf("Predict(%q): scores sum to %v, want <= 1", ex.Text, sum)
		}
		if !slices.ContainsFunc(p.Intents, func(in IntentScore) bool { return in.Intent == NoneIntent }) {
			t.Errorf("Predict(%q): no None intent in %v", ex.Text, p.Intents)
		}
		for _, e := range p.Entities {
			if _, ok := spanOf(ex.Text, e.Offset, e.Length); !ok || e.Length == 0 {
				t.Errorf("Predict(%q): entity %+v is not a valid span", ex.Text, e)
			}
		}
	}
}

func TestTrainedNone(t *testing.T) {
	d := TrainingData{Intents: []string{"Greet", "None"}}
	for _, s := range []string{"hello there", "hi", "good morning", "hey you", "hello", "hi friend"} {
		d.Examples = append(d.Examples, Example{Text: s, Intent: "Greet"})
	}
	for _, s := range []string{"buy milk", "the weather is bad", "open the door", "what time is it", "call mom", "read a book"} {
		d.Examples = append(d.Examples, Example{Text: s, Intent: "None"})
	}
	m, err := Train(t.Context(), d, Options{Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ text, want string }{{"hello friend", "Greet"}, {"open the book", "None"}}
	for _, tt := range tests {
		if got := m.Predict(tt.text, "", nil).Intents[0].Intent; got != tt.want {
			t.Errorf("Predict(%q) top = %s, want %s", tt.text, got, tt.want)
		}
	}
}

func TestUTF16Entities(t *testing.T) {
	// The learned tagger must report UTF-16 offsets across emoji, ZWJ
	// sequences and combining marks.
	prefixes := []string{"", "🍕 ", "👨‍👩‍👧 ", "cafe\u0301 ", "我 "}
	var d TrainingData
	for _, p := range prefixes {
		for _, city := range []string{"Paris", "Zoë", "Lyon", "Köln", "Oslo", "Rome"} {
			text := p + "weather in " + city + " today"
			off := len(utf16Encode(p + "weather in "))
			d.Examples = append(d.Examples, Example{Text: text, Intent: "Weather",
				Spans: []Span{{Category: "city", Offset: off, Length: len(utf16Encode(city))}}})
		}
		d.Examples = append(d.Examples, Example{Text: p + "play some music", Intent: "Music"})
	}
	m, err := Train(t.Context(), d, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range prefixes {
		text := p + "weather in Lyon today"
		got := m.Predict(text, "", nil).Entities
		want := len(utf16Encode(p + "weather in "))
		if len(got) != 1 || got[0].Category != "city" || got[0].Offset != want || got[0].Length != 4 {
			t.Errorf("Predict(%q).Entities = %+v, want city at %d+4", text, got, want)
		}
	}
}

func TestDeterminism(t *testing.T) {
	d, _ := loadSplit(t, smokeFile("snips2017.smoke.clu.json"))
	var blobs [][]byte
	for range 2 {
		m, err := Train(t.Context(), d, Options{Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		b, err := m.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		blobs = append(blobs, b)
	}
	if !bytes.Equal(blobs[0], blobs[1]) {
		t.Errorf("two trainings with seed 7 gave different blobs (%d and %d bytes)", len(blobs[0]), len(blobs[1]))
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	d, test := loadSplit(t, smokeFile("snips2017.smoke.clu.json"))
	d.Entities = append(d.Entities, EntityDef{Category: "code", Regex: &RegexComponent{Expressions: []Regex{{Key: "k", Pattern: `/[A-Z]{2}\d{3}/`}}},
		List: &ListComponent{Sublists: []Sublist{{Key: "Jazz", Synonyms: map[string][]string{"en": {"bebop"}}}}}, Prebuilts: []string{"Number"}})
	m, _ := trainSmokeData(t, d)
	b, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var m2 Model
	if err := m2.UnmarshalBinary(b); err != nil {
		t.Fatalf("UnmarshalBinary = %v", err)
	}
	b2, err := m2.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, b2) {
		t.Errorf("MarshalBinary after UnmarshalBinary differs")
	}
	if !slices.Equal(m.Warnings(), m2.Warnings()) {
		t.Errorf("Warnings() = %q after round trip, want %q", m2.Warnings(), m.Warnings())
	}
	texts := []string{"play bebop by AB123", "🍕 add Foo to my playlist"}
	for _, ex := range test {
		texts = append(texts, ex.Text)
	}
	for _, s := range texts {
		p1, p2 := m.Predict(s, "en-us", nil), m2.Predict(s, "en-us", nil)
		if !equalPredictions(p1, p2) {
			t.Errorf("Predict(%q) = %+v after round trip, want %+v", s, p2, p1)
		}
	}
}

func trainSmokeData(t *testing.T, d TrainingData) (*Model, error) {
	t.Helper()
	m, err := Train(t.Context(), d, Options{Seed: 1})
	if err != nil {
		t.Fatalf("Train = %v", err)
	}
	return m, err
}

func equalPredictions(a, b Prediction) bool {
	return slices.Equal(a.Intents, b.Intents) && reflect.DeepEqual(a.Entities, b.Entities)
}

func TestUnmarshalBad(t *testing.T) {
	m, _, _ := trainSmoke(t, "banking77.smoke.clu.json")
	good, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string][]byte{
		"empty":     nil,
		"magic":     []byte("not a model"),
		"version":   append([]byte(blobMagic), 99),
		"truncated": good[:len(good)/2],
		"no body":   []byte(blobMagic + "\x01"),
	}
	for name, b := range tests {
		t.Run(name, func(t *testing.T) {
			var m2 Model
			if err := m2.UnmarshalBinary(b); !errors.Is(err, ErrFormat) {
				t.Errorf("UnmarshalBinary(%s) = %v, want ErrFormat", name, err)
			}
		})
	}
}

func FuzzUnmarshal(f *testing.F) {
	// A tiny model keeps the blob small enough for the fuzzer to mutate.
	d := TrainingData{Intents: []string{"Go", "Stop"}, Examples: []Example{
		{Text: "go to Oslo", Intent: "Go", Spans: []Span{{Category: "city", Offset: 6, Length: 4}}},
		{Text: "stop now", Intent: "Stop"},
		{Text: "go 🍕 Rome", Intent: "Go", Spans: []Span{{Category: "city", Offset: 6, Length: 4}}},
	}, Entities: []EntityDef{{Category: "city", List: &ListComponent{Sublists: []Sublist{{Key: "Oslo", Synonyms: map[string][]string{"en": {"osl"}}}}},
		Regex: &RegexComponent{Expressions: []Regex{{Key: "r", Pattern: "R[a-z]+"}}}}}}
	m, err := Train(context.Background(), d, Options{Seed: 1})
	if err != nil {
		f.Fatal(err)
	}
	b, _ := m.MarshalBinary()
	f.Add(b)
	d.PhraseLists = []PhraseList{{Name: "go", Phrases: []string{"go", "go to"}, Interchangeable: true}, {Name: "stop", Phrases: []string{"stop"}}}
	if m, err = Train(context.Background(), d, Options{Seed: 1}); err != nil {
		f.Fatal(err)
	}
	b, _ = m.MarshalBinary()
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		var m Model
		if m.UnmarshalBinary(b) == nil {
			m.Predict("go to Oslo 🍕 Rome", "en", nil)
		}
	})
}

func TestCancel(t *testing.T) {
	d, _ := loadSplit(t, smokeFile("snips2017.smoke.clu.json"))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := Train(ctx, d, Options{Seed: 1}); !errors.Is(err, context.Canceled) {
		t.Errorf("Train(cancelled) = %v, want context.Canceled", err)
	}

	// Cancelled from the progress callback, mid-training.
	ctx, cancel = context.WithCancel(t.Context())
	defer cancel()
	var calls int
	_, err := Train(ctx, d, Options{Seed: 1, IntentEpochs: 1000, TaggerEpochs: 1000, Progress: func(float64) {
		calls++
		if calls == 3 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Train(cancelled during training) = %v, want context.Canceled", err)
	}
}

func TestProgress(t *testing.T) {
	d, _ := loadSplit(t, smokeFile("banking77.smoke.clu.json"))
	var got []float64
	if _, err := Train(t.Context(), d, Options{Seed: 1, Progress: func(f float64) { got = append(got, f) }}); err != nil {
		t.Fatal(err)
	}
	if len(got) < 2 || got[len(got)-1] != 1 || !slices.IsSorted(got) || got[0] < 0 {
		t.Errorf("Progress reported %v, want increasing fractions ending at 1", got)
	}
}

func TestTrainErrors(t *testing.T) {
	tests := []struct {
		name string
		d    TrainingData
		want string
	}{
		{"no examples", TrainingData{}, "no training examples"},
		{"no intent", TrainingData{Examples: []Example{{Text: "hi"}}}, "no intent"},
		{"bad composition", TrainingData{Examples: []Example{{Text: "hi", Intent: "A"}},
			Entities: []EntityDef{{Category: "x", Composition: "mixItUp"}}}, "composition"},
		{"bad required", TrainingData{Examples: []Example{{Text: "hi", Intent: "A"}},
			Entities: []EntityDef{{Category: "x", Required: []string{"magic"}}}}, "required"},
		{"duplicate entity", TrainingData{Examples: []Example{{Text: "hi", Intent: "A"}},
			Entities: []EntityDef{{Category: "x"}, {Category: "x"}}}, "twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Train(t.Context(), tt.d, Options{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Train() = %v, want an error about %q", err, tt.want)
			}
		})
	}
}

func TestSingleIntent(t *testing.T) {
	d := TrainingData{Examples: []Example{{Text: "turn on the lights", Intent: "Lights"}, {Text: "lights on", Intent: "Lights"}}}
	m, err := Train(t.Context(), d, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	p := m.Predict("turn the lights on", "", nil)
	if len(p.Intents) != 2 || p.Intents[0].Intent != "Lights" {
		t.Errorf("Predict = %+v, want Lights first, then None", p.Intents)
	}
}

func TestConcurrentPredict(t *testing.T) {
	m, _, test := trainSmoke(t, "snips2017.smoke.clu.json")
	want := make([]Prediction, len(test))
	for i, ex := range test {
		want[i] = m.Predict(ex.Text, "en-us", nil)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for i, ex := range test {
				if got := m.Predict(ex.Text, "en-us", nil); !equalPredictions(got, want[i]) {
					t.Errorf("concurrent Predict(%q) = %+v, want %+v", ex.Text, got, want[i])
				}
			}
		})
	}
	wg.Wait()
}
