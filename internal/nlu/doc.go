// Package nlu is Parley's language-understanding engine: it learns an intent
// classifier and an entity recogniser from a CLU project's labelled
// utterances and predicts both for a query. It uses the standard library
// only and knows nothing of projects, stores or the wire: plain data in, a
// model out.
//
// # Use
//
//	m, err := nlu.Train(ctx, nlu.TrainingData{
//		Language: "en-us",
//		Intents:  []string{"BookFlight", "None"},
//		Entities: []nlu.EntityDef{{Category: "city"}},
//		Examples: []nlu.Example{{Text: "fly to Paris", Intent: "BookFlight",
//			Spans: []nlu.Span{{Category: "city", Offset: 7, Length: 5}}}},
//	}, nlu.Options{Seed: 1})
//	p := m.Predict("a flight to Oslo", "en-us", nil)
//	// p.Intents: every intent with None, best first; p.Entities: spans found.
//	blob, err := m.MarshalBinary() // store it; UnmarshalBinary loads it back
//
// Offsets and lengths, in labels and in predictions, are UTF-16 code units
// of the text, as CLU's Utf16CodeUnit string index type counts them.
//
// # Tokens
//
// Text is split into runs of letters and digits (with their combining
// marks), single characters of unspaced scripts (Han, kana, Thai, ...), and
// single symbol clusters: a punctuation mark, or an emoji with its
// modifiers, variation selectors and ZWJ sequence. Apostrophes and hyphens
// are tokens of their own. Token boundaries are code point boundaries, so
// every span the engine reports is a valid UTF-16 span. A label that does
// not start or end on a token boundary is widened to the tokens it touches.
//
// # Intents
//
// A multinomial logistic regression over hashed, sublinear TF-IDF weighted,
// L2-normalised features: lower-cased word unigrams and bigrams (digits
// folded to 0) and character 2- to 5-grams inside each word with boundary
// marks. It is trained by SGD with a decreasing step, L2 regularisation,
// classes weighted by inverse frequency, feature dropout (each feature is
// dropped with probability 0.7 at every step, which regularises like data
// noise), and the weights averaged over the second half of the epochs.
// Scores are the softmax probabilities, which are reasonably calibrated
// (cmd/nlueval prints the expected calibration error).
//
// None is always scored. It is trained like any intent when examples are
// labelled None. On top of that an out-of-scope detector measures how close
// the query is to its nearest training utterance (cosine similarity of word
// TF-IDF vectors, with words never seen in training at the highest IDF); a
// logistic curve fitted on the training set's own leave-one-out similarities
// turns that into the probability d that the query is in the domain. Every
// trained intent's score is multiplied by d and None gets the remaining
// 1 - d, so the scores always sum to 1 and a query unlike every intent gets
// a low top score.
//
// # Entities
//
// Learned components: an averaged perceptron over BIO tags with first-order
// transitions, decoded by Viterbi under BIO constraints (I-x only after B-x
// or I-x). Token features: the word, its shape, prefixes and suffixes up to
// 4 characters, the words and shapes around it, word bigrams, and gazetteer
// features: matches of the labelled spans' texts (and of list synonyms) in
// the sentence. While training, each sentence sees only the gazetteer
// entries of the other four of five folds, so that the tagger learns how far
// to trust a gazetteer match for values it has never seen. A learned span's
// score is the smallest marginal probability (forward-backward) of its tags.
//
// List components match keys and synonyms as whole tokens, ignoring case,
// longest match first and without overlap; synonyms apply when their
// language is "" or has the query's primary language subtag. A key matches
// in every language. Regex components are .NET regular expressions, matched
// by regexp2 (a port of .NET's engine) with .NET's default options: case
// matters unless the pattern says (?i). A pattern written /.../ loses its
// slashes; patterns that CheckRegex refuses (invalid for .NET, or longer
// than MaxRegexLength) are skipped and listed in Model.Warnings, at training
// and when a model saved before is loaded. regexp2 backtracks, so a query's
// regex matching is bounded: each search by regexTimeout, all of them by
// regexBudget (a search starts only while it lasts, in the order of the
// entities and their expressions), and at most maxRegexMatches matches a
// pattern. A search that times out ends its pattern's matches for the query.
// Prebuilt components are accepted but not
// supported yet: they match nothing and are listed in Model.Warnings.
// List and regex matches score 1.
//
// Per entity, component matches are combined by the entity's composition
// setting (RUNTIME.md §3.3): combineComponents merges overlapping matches
// into one instance spanning their union, carrying the list and regex keys;
// separateComponents returns each match as its own instance;
// returnLongestOverlap keeps the longest of overlapping matches;
// requireExactOverlap keeps overlapping matches only when they all cover
// the same span. Then an instance is dropped unless every kind named in the
// entity's required components matched it (for separateComponents: a match
// of that kind overlaps it). Different entities are never deduplicated
// against each other.
//
// # Phrase lists
//
// TrainingData.PhraseLists are LUIS's phrase lists: groups of words and
// phrases that mean alike, used as features, never as entities. A phrase
// is tokenised as text is, folded by the model's Options.NormalizeCasing
// and FoldDiacritics, and lower-cased whatever the options (as list
// components compare), so "CV" matches "cv" always and "résumé" matches
// "resume" only under FoldDiacritics; digits match as written. Phrases
// match whole tokens: a token trie over the lists finds every phrase at
// every position, overlapping, in at most MaxPhraseTokens trie steps per
// query token, so matching is linear in the query.
//
// Every match of a phrase fires its list's symbol: in the intent
// classifier, 16 hashed features in a group of their own (so that feature
// dropout, which seldom hides all of a word's character n-grams, does not
// hide the list either); in the out-of-scope detector, a word; in the
// tagger, the list as a one-token phrase, or as the beginning or inside of
// a longer one, on the tokens it covers. An interchangeable list's phrases
// are synonyms: besides, the leftmost-longest non-overlapping phrases of
// such lists stand in for their tokens, as one word that is the list's
// symbol — in the classifier's unigrams and word bigrams (with no
// character n-grams), in the out-of-scope detector's words, and in the
// tagger's word and context-word features (with no prefixes and
// suffixes); and a labelled span that is such a phrase makes every phrase
// of its list a gazetteer value of the span's entity. So "scrap the
// order" is the same query as "cancel the order" to the classifier and
// the out-of-scope detector when both verbs are in one interchangeable
// list, while a list that is not interchangeable only adds its symbol and
// the words keep their own features. Each list applies to every intent and
// entity.
//
// The limits are exported: MaxPhraseLists lists, MaxPhrasesPerList phrases
// in a list, MaxPhrases in all, MaxPhraseTokens tokens in a phrase. Train
// refuses lists over them with an error (CheckPhraseLists applies the same
// checks to an import); empty and duplicate phrases are ignored. The blob
// holds the lists, as folded words, in a "phrases" section written only
// when there are lists, so a model trained without them has the bytes and
// the predictions it had before phrase lists existed.
//
// # Determinism and models
//
// Training is deterministic for a seed: all randomness comes from
// math/rand/v2 PCG generators seeded from Options.Seed, nothing depends on
// map iteration order, and the intent classifier and the tagger train in
// parallel on separate data. The same data and seed give byte-identical
// MarshalBinary output. The blob starts with a magic string and a format
// version, followed by named sections; UnmarshalBinary rejects other
// versions with ErrFormat and skips sections it does not know.
//
// # Recipes and text folding
//
// Options.Recipe picks a version of the engine's behaviour (RecipeBase,
// RecipeLoraNorm); the model records it and predicts with it, so that an
// engine change that would alter models goes behind a new recipe and old
// models, and models retrained with an old recipe, stay as they were.
// Options.NormalizeCasing and Options.FoldDiacritics normalise each token's
// text (lower case; combining marks removed) before the features and the
// list components see it, at training and at prediction; offsets still
// refer to the query. The "recipe" section of the blob holds the recipe and
// the folding, and is written only when they differ from RecipeBase with no
// folding, so RecipeBase blobs keep the bytes they had before recipes.
//
// cmd/nlueval trains on a project file's Train utterances and reports
// accuracy, entity F1, calibration, latency and memory on its Test ones.
package nlu
