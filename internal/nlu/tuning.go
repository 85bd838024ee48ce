package nlu

// Tuning holds the settings of a recipe that are chosen by
// cross-validation on training data (bench/cv), never on a test split.
// RecipeTuning gives a recipe's own; Options.Tuning replaces them for an
// experiment, and a model whose prediction settings differ from its
// recipe's cannot be saved (MarshalBinary fails), so that a stored model
// always predicts as its recipe says.
type Tuning struct {
	// IntentEpochs is the number of passes of the intent classifier.
	IntentEpochs int
	// IntentL2 is the classifier's L2 regularisation per example.
	IntentL2 float64
	// IntentDropout is the fraction of an utterance's features dropped at
	// each step of the classifier's training.
	IntentDropout float64
	// IntentMinDF drops the classifier's features found in fewer training
	// utterances than this (0 and 1: none dropped): a smaller model,
	// faster to train.
	IntentMinDF int
	// IntentCharMax is the longest character n-gram within words (from 2).
	IntentCharMax int
	// IntentCrossChar is the longest character n-gram across a word
	// boundary (0: none, else from 3).
	IntentCrossChar int
	// IntentBigramScale weighs the word-bigram features against the words
	// and character n-grams (1).
	IntentBigramScale float32
	// TaggerEpochs is the number of perceptron passes of the entity tagger.
	TaggerEpochs int
	// TaggerIntent gives the tagger the utterance's intent as features:
	// the labelled intent while training, the classifier's top intent
	// when predicting. Prediction setting.
	TaggerIntent bool
	// TaggerIntentTags makes the tagger consider, for an utterance, only
	// the entity categories labelled in its intent's training utterances
	// (the labelled intent while training, the classifier's top intent when
	// predicting): no entity of another category, and a lattice of a few
	// tags instead of all. Prediction setting.
	TaggerIntentTags bool
	// OutsideBias is subtracted from every token's score for the O tag
	// (outside any entity) when predicting: above 0 the tagger finds more
	// entities. Prediction setting.
	OutsideBias float32
	// LoraNorm normalises the intent logits to [-a, a], a = sqrt(number
	// of classes), before the softmax (CLU's LoraNorm). Prediction setting.
	LoraNorm bool
}

// RecipeTuning returns the settings recipe trains and predicts with.
func RecipeTuning(recipe int) Tuning {
	t := Tuning{IntentEpochs: 30, IntentL2: 5e-7, IntentDropout: 0.7, IntentCharMax: 5, IntentBigramScale: 2, TaggerEpochs: 8}
	switch recipe {
	case RecipeLoraNorm:
		t.LoraNorm = true
	case RecipeIntentTags:
		t.TaggerIntent, t.TaggerIntentTags = true, true
		t.TaggerEpochs = 6 // as good as 8 in bench/cv, and faster
		t.IntentMinDF = 2  // as good in bench/cv, and a third smaller
	}
	return t
}

// predictSettings is the part of t that changes predictions, not only
// training.
func (t Tuning) predictSettings() Tuning {
	return Tuning{TaggerIntent: t.TaggerIntent, TaggerIntentTags: t.TaggerIntentTags, OutsideBias: t.OutsideBias, LoraNorm: t.LoraNorm}
}
