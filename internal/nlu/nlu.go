package nlu

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// NoneIntent is the intent every model scores, trained or not.
const NoneIntent = "None"

// Span is a labelled entity span in UTF-16 code units of the example's text.
type Span struct {
	Category       string
	Offset, Length int
}

// Example is one labelled training utterance.
type Example struct {
	Text   string
	Intent string
	Spans  []Span
}

// ListComponent is an entity's list component: exact, case-insensitive
// matches of each sublist's key and synonyms.
type ListComponent struct {
	Sublists []Sublist
}

// Sublist is one canonical value of a list component. Synonyms maps a
// language ("" for any language) to the values that mean Key.
type Sublist struct {
	Key      string
	Synonyms map[string][]string
}

// RegexComponent is an entity's regex component.
type RegexComponent struct {
	Expressions []Regex
}

// Regex is one expression of a regex component. Language "" applies to any
// language. Pattern is a .NET regular expression (as regexp2 reads it, with
// RegexOptions.None); a pattern written as /.../ has its slashes stripped.
type Regex struct {
	Key, Language, Pattern string
}

// Composition settings of an entity (RUNTIME.md §3.3).
const (
	CombineComponents    = "combineComponents"
	SeparateComponents   = "separateComponents"
	ReturnLongestOverlap = "returnLongestOverlap"
	RequireExactOverlap  = "requireExactOverlap"
)

// Component kinds, as requiredComponents names them.
const (
	ComponentLearned  = "learned"
	ComponentList     = "list"
	ComponentPrebuilt = "prebuilts"
	ComponentRegex    = "regex"
)

// EntityDef is an entity of the project with its components. Composition is
// one of the composition constants ("" means CombineComponents); Required
// lists component kinds an instance must have to be returned.
type EntityDef struct {
	Category    string
	Composition string
	Required    []string
	List        *ListComponent
	Regex       *RegexComponent
	Prebuilts   []string
}

// TrainingData is everything Train learns from. Intents lists the
// project's intents (None is added when missing); an intent without examples
// is kept but always scores 0.
type TrainingData struct {
	Language string
	Intents  []string
	Entities []EntityDef
	Examples []Example
	// PhraseLists are groups of words and phrases that mean alike (LUIS's
	// phrase lists, kept by a LUIS import): features of the intent
	// classifier, the out-of-scope detector and the entity tagger, never
	// entities themselves. Train refuses lists over the limits that
	// CheckPhraseLists checks (MaxPhraseLists and the others). Nil and
	// empty mean none: the model is the model trained without them.
	PhraseLists []PhraseList
}

// PhraseList is one phrase list (LUIS's phraselists[i]): a name, which the
// engine only keeps, and its phrases, each a word or a sequence of words
// (LUIS's comma-separated "words", split). Phrases match whole tokens,
// ignoring case always and diacritics under Options.FoldDiacritics; empty
// and duplicate phrases are ignored. Every match of a phrase fires a
// feature of its list. In an Interchangeable list (LUIS's "mode": true,
// synonyms) the phrases are moreover one word to the models: a phrase
// stands for its list in place of its own words, so what is learnt from
// one phrase holds for all; a span labelled with one phrase makes all of
// them values of the entity for the tagger. In the other lists each phrase
// keeps its own features as well. The list applies to every intent and
// entity (LUIS's enabledForAllModels); the caller passes only the lists
// that are activated. A list's position in TrainingData.PhraseLists is its
// identity in the model.
type PhraseList struct {
	Name            string
	Phrases         []string
	Interchangeable bool
}

// Options tune training. The zero value of every field means its default.
type Options struct {
	// Seed makes training reproducible: the same data, options and seed give
	// byte-identical models.
	Seed int64
	// Progress, when set, is called with the fraction of training done, from
	// 0 to 1, never concurrently and never decreasing.
	Progress func(fraction float64)

	// IntentEpochs is the number of passes of the intent classifier over the
	// data (default 30).
	IntentEpochs int
	// IntentL2 is the classifier's L2 regularisation per example (default 5e-7).
	IntentL2 float64
	// TaggerEpochs is the number of perceptron passes of the entity tagger
	// (default 8).
	TaggerEpochs int

	// Recipe is the engine version to train with (RecipeBase when 0); the
	// model predicts with the same recipe.
	Recipe int
	// Tuning, when set, replaces the recipe's settings (RecipeTuning), for
	// bench/cv; IntentEpochs, IntentL2 and TaggerEpochs still override it.
	Tuning *Tuning
	// NormalizeCasing makes every feature case-insensitive, word shapes
	// included (CLU's settings.normalizeCasing).
	NormalizeCasing bool
	// FoldDiacritics makes features and list matching ignore diacritics,
	// so that "cafe" matches what was trained as "café" and the other way
	// round (CLU's settings.augmentDiacritics).
	FoldDiacritics bool
}

func (o Options) withDefaults() Options {
	if o.Recipe == 0 {
		o.Recipe = RecipeBase
	}
	t := RecipeTuning(o.Recipe)
	if o.Tuning != nil {
		t = *o.Tuning
	}
	if o.IntentEpochs > 0 {
		t.IntentEpochs = o.IntentEpochs
	}
	if o.IntentL2 > 0 {
		t.IntentL2 = o.IntentL2
	}
	if o.TaggerEpochs > 0 {
		t.TaggerEpochs = o.TaggerEpochs
	}
	o.Tuning = &t
	o.IntentEpochs, o.IntentL2, o.TaggerEpochs = t.IntentEpochs, t.IntentL2, t.TaggerEpochs
	return o
}

// IntentScore is an intent with its confidence in [0, 1].
type IntentScore struct {
	Intent string
	Score  float64
}

// Entity is an entity instance found in a query. Offset and Length are UTF-16
// code units. ListKey and RegexKey name the list sublist or regex that
// matched, when one did.
type Entity struct {
	Category       string
	Offset, Length int
	Score          float64
	ListKey        string
	RegexKey       string
	// Prebuilt holds what prebuilt components contributed, with their
	// resolutions; empty when none matched.
	Prebuilt []PrebuiltMatch
}

// Prediction is a model's answer for one query.
type Prediction struct {
	// Intents has every intent of the model, None included, sorted by score
	// descending (ties by name). Scores sum to at most 1.
	Intents []IntentScore
	// Entities are sorted by offset, then length descending, then category.
	Entities []Entity
}

// Model is a trained intent classifier and entity recogniser. A Model is
// safe for concurrent use by Predict.
type Model struct {
	language string
	intents  []string // every intent, None included, in TrainingData order
	clf      *classifier
	oos      *oosDetector
	tagger   *tagger
	entities []*entityRuntime
	warnings []string
	recipe   int
	tuning   Tuning // the settings it was trained with
	fold     textFold
	phrases  *phraseSet // nil when trained without phrase lists
}

// Recipe returns the engine version that trained the model.
func (m *Model) Recipe() int { return m.recipe }

// Warnings lists what the model accepted but does not do, such as prebuilt
// components or invalid regular expressions.
func (m *Model) Warnings() []string { return slices.Clone(m.warnings) }

// Train learns a model from d. It stops promptly with ctx's error when ctx
// is cancelled.
func Train(ctx context.Context, d TrainingData, o Options) (*Model, error) {
	o = o.withDefaults()
	if len(d.Examples) == 0 {
		return nil, errors.New("nlu: no training examples")
	}
	if o.Recipe < RecipeBase || o.Recipe > LatestRecipe {
		return nil, fmt.Errorf("nlu: unknown recipe %d", o.Recipe)
	}
	m := &Model{language: d.Language, recipe: o.Recipe, tuning: *o.Tuning, fold: foldOf(o)}
	m.intents = slices.Clone(d.Intents)
	for _, ex := range d.Examples {
		if ex.Intent == "" {
			return nil, fmt.Errorf("nlu: example %q has no intent", ex.Text)
		}
		if !slices.Contains(m.intents, ex.Intent) {
			m.intents = append(m.intents, ex.Intent)
		}
	}
	if !slices.Contains(m.intents, NoneIntent) {
		m.intents = append(m.intents, NoneIntent)
	}

	var err error
	m.entities, m.warnings, err = compileEntities(d.Entities, m.fold)
	if err != nil {
		return nil, err
	}
	if m.phrases, err = compilePhraseLists(d.PhraseLists, m.fold); err != nil {
		return nil, err
	}

	docs := make([][]token, len(d.Examples))
	for i, ex := range d.Examples {
		docs[i] = m.fold.apply(tokenize(ex.Text))
	}
	var pms [][]phraseMatch // nil without phrase lists, so that nothing changes
	if m.phrases != nil {
		pms = make([][]phraseMatch, len(docs))
		for i, toks := range docs {
			pms[i] = m.phrases.match(toks)
		}
	}

	prog := newProgress(o.Progress)
	var wg sync.WaitGroup
	var clfErr, tagErr error
	wg.Add(2)
	go func() {
		defer wg.Done()
		m.clf, m.oos, clfErr = trainIntents(ctx, d.Examples, docs, pms, m.phrases, m.intents, o, prog.part(0.495))
	}()
	go func() {
		defer wg.Done()
		m.tagger, tagErr = trainTagger(ctx, d.Examples, docs, pms, m.phrases, d.Entities, o, prog.part(0.495))
	}()
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := cmp.Or(clfErr, tagErr); err != nil {
		return nil, err
	}
	prog.done()
	return m, nil
}

// PredictOptions are a prediction's optional inputs; a nil *PredictOptions
// means the defaults.
type PredictOptions struct {
	// ReferenceFunc returns "now" for relative dates and times ("tomorrow",
	// "next monday"): the prebuilt recognisers read its wall clock, in its
	// Location. It is called at most once a prediction, and only when a
	// prebuilt recogniser runs. Nil means time.Now in UTC.
	ReferenceFunc func() time.Time
}

// Predict scores the intents of text and finds its entities. language is
// the query's language (e.g. "en-us"); "" means the model's language. It
// selects which list synonyms and regex expressions apply. o may be nil.
func (m *Model) Predict(text, language string, o *PredictOptions) Prediction {
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	if language == "" {
		language = m.language
	}
	toks := m.fold.apply(tokenize(text))
	pm := m.phrases.match(toks)
	var p Prediction
	var top string // the classifier's top intent, before out-of-scope detection
	p.Intents, top = m.scoreIntents(toks, pm)
	var learned []Entity
	if m.tagger != nil {
		learned = m.tagger.predict(toks, pm, top)
	}
	p.Entities = m.resolveEntities(text, toks, language, learned, o)
	return p
}

func (m *Model) scoreIntents(toks []token, pm []phraseMatch) (_ []IntentScore, top string) {
	out := make([]IntentScore, len(m.intents))
	for i, name := range m.intents {
		out[i].Intent = name
	}
	probs := m.clf.predict(toks, pm, m.tuning.LoraNorm) // over m.clf.classes
	inDomain := 1.0
	if m.oos != nil {
		inDomain = m.oos.score(toks, pm)
	}
	best := -1.0
	for c, name := range m.clf.classes {
		i := slices.Index(m.intents, name)
		out[i].Score = probs[c] * inDomain
		if probs[c] > best {
			best, top = probs[c], name
		}
	}
	none := slices.Index(m.intents, NoneIntent)
	out[none].Score += 1 - inDomain
	for i := range out {
		out[i].Score = min(max(out[i].Score, 0), 1)
	}
	slices.SortStableFunc(out, func(a, b IntentScore) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return strings.Compare(a.Intent, b.Intent)
	})
	return out, top
}

// progress serialises and combines the progress of parallel training parts.
type progress struct {
	mu   sync.Mutex
	f    func(float64)
	sum  float64
	last float64
}

func newProgress(f func(float64)) *progress { return &progress{f: f} }

// part returns a reporter for a part worth share of the whole; it takes the
// part's own fraction done.
func (p *progress) part(share float64) func(float64) {
	var mine float64
	return func(f float64) {
		if p.f == nil {
			return
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		f = min(max(f, 0), 1)
		if f <= mine {
			return
		}
		p.sum += (f - mine) * share
		mine = f
		if p.sum > p.last {
			p.last = p.sum
			p.f(min(p.sum, 1))
		}
	}
}

func (p *progress) done() {
	if p.f == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.last < 1 {
		p.last = 1
		p.f(1)
	}
}
