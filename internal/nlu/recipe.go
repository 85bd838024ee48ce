package nlu

import (
	"math"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Recipes are the versions of the engine's behaviour. A model records the
// recipe that trained it and predicts with it, so that a model, and a model
// retrained with the same recipe, behave the same after the engine changes:
// a change to the engine that would alter a trained model's bytes or
// predictions goes behind a new recipe.
const (
	// RecipeBase is the engine as first released: a linear intent
	// classifier over hashed word and character n-grams, an out-of-scope
	// detector, and a perceptron entity tagger.
	RecipeBase = 1
	// RecipeLoraNorm is RecipeBase with the intent logits normalised to
	// [-a, a], a = sqrt(number of classes), before the softmax, so that a
	// model cannot be 100% sure of an intent (CLU's "LoraNorm", training
	// config 2023-04-15).
	RecipeLoraNorm = 2
	// RecipeIntentTags is RecipeBase with an entity tagger that knows the
	// utterance's intent: the intent is a feature of every token, and an
	// utterance is decoded over only the entity categories labelled in
	// its intent's training utterances (Tuning.TaggerIntent and
	// TaggerIntentTags), 6 tagger epochs, and no classifier feature found
	// in only one training utterance. Its settings were chosen by cross-validation on
	// the Train splits of SNIPS 2017 and BANKING77 (bench/cv; the command
	// and its figures are in docs/benchmarks.md).
	RecipeIntentTags = 3

	// LatestRecipe is the newest recipe.
	LatestRecipe = RecipeIntentTags
)

// textFold says how token text is normalised before the features and the
// list components see it. Offsets always refer to the original text.
type textFold uint8

const (
	foldCase       textFold = 1 << iota // every feature case-insensitive, word shapes included
	foldDiacritics                      // combining marks removed: "café" is "cafe"
)

func foldOf(o Options) textFold {
	var f textFold
	if o.NormalizeCasing {
		f |= foldCase
	}
	if o.FoldDiacritics {
		f |= foldDiacritics
	}
	return f
}

// word normalises one token's text.
func (f textFold) word(s string) string {
	if f&foldDiacritics != 0 {
		s = stripMarks(s)
	}
	if f&foldCase != 0 {
		s = strings.ToLower(s)
	}
	return s
}

// apply normalises the text of each token in place and returns toks.
func (f textFold) apply(toks []token) []token {
	if f == 0 {
		return toks
	}
	for i := range toks {
		toks[i].Text = f.word(toks[i].Text)
	}
	return toks
}

// stripMarks removes the nonspacing marks of the canonical decomposition of
// s, then recomposes what is left.
func stripMarks(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		ascii = ascii && s[i] < 0x80
	}
	if ascii {
		return s
	}
	d := norm.NFD.String(s)
	var b strings.Builder
	for _, r := range d {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return norm.NFC.String(b.String())
}

// loraNorm scales the logits z so that the largest magnitude is sqrt(len(z)).
func loraNorm(z []float64) {
	var m float64
	for _, v := range z {
		m = max(m, math.Abs(v))
	}
	if m == 0 {
		return
	}
	a := math.Sqrt(float64(len(z)))
	for i := range z {
		z[i] *= a / m
	}
}
