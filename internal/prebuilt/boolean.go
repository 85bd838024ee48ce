package prebuilt

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The boolean recogniser (Choice.Boolean) finds one yes-or-no answer in an
// utterance. Like Recognizers' choice models it works on tokens and returns
// only the best match, scored by how much of the utterance it covers:
//
//	score = 0.4 + 0.6 × (tokens of the match) / (tokens of the utterance)
//
// so "Sure!" alone scores 1, "Yes. I said no" 0.55 for "Yes", and the
// two-token "not ok" beats a one-token "ok" or "disagree" in the same
// sentence. Tokens are runs of letters and digits, and each symbol (an
// emoji, a skin-tone modifier) on its own; spaces and punctuation only
// separate them, so "it's" is the two tokens "it" and "s". Of equal scores
// the earliest match wins.

func init() { register("BooleanModel", ModelFunc(recognizeBoolean)) }

// boolToken is a token's lower-cased text and its byte span in the input.
type boolToken struct {
	text       string
	start, end int
}

// boolTokens splits text as the score formula counts it. Variation
// selectors and zero-width joiners are not tokens; after a symbol they
// widen its span, so a match keeps the emoji as written.
func boolTokens(text string) []boolToken {
	var toks []boolToken
	word := -1
	flush := func(end int) {
		if word >= 0 {
			toks = append(toks, boolToken{strings.ToLower(text[word:end]), word, end})
			word = -1
		}
	}
	for i, r := range text {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || (word >= 0 && unicode.IsMark(r) && !boolIgnorable(r)):
			if word < 0 {
				word = i
			}
		case boolIgnorable(r) && word < 0 && len(toks) > 0 && toks[len(toks)-1].end == i:
			_, w := utf8.DecodeRuneInString(text[i:])
			toks[len(toks)-1].end += w // part of the emoji's span, not of its text
		case unicode.IsSpace(r) || unicode.IsPunct(r) || boolIgnorable(r) || unicode.IsMark(r):
			flush(i)
		default: // a symbol: a token of its own
			flush(i)
			_, n := utf8.DecodeRuneInString(text[i:]) // 1 for an invalid byte, which RuneLen counts as 3
			toks = append(toks, boolToken{text[i : i+n], i, i + n})
		}
	}
	flush(len(text))
	return toks
}

func boolIgnorable(r rune) bool { return r == 0xFE0F || r == 0xFE0E || r == 0x200D }

// boolPhrases are the answers, each a token sequence. Longer phrases
// ("not ok", "of course not") outscore their parts by covering more.
var boolPhrases = func() []struct {
	toks  []string
	value bool
} {
	yes := []string{"yes", "yeah", "yep", "yup", "yea", "yah", "ya", "sure", "ok", "okay", "okey", "agree",
		"agreed", "true", "correct", "affirmative", "absolutely", "definitely", "certainly", "of course",
		"alright", "all right", "👍", "👌", "✔", "✅", "☑"}
	no := []string{"no", "nope", "nah", "nay", "not ok", "not okay", "disagree", "disagreed", "false",
		"incorrect", "not correct", "not true", "negative", "no way", "of course not", "not agree",
		"do not agree", "don t agree", "absolutely not", "definitely not", "certainly not", "👎", "❌", "✖", "✗", "🚫"}
	var out []struct {
		toks  []string
		value bool
	}
	add := func(list []string, v bool) {
		for _, p := range list {
			out = append(out, struct {
				toks  []string
				value bool
			}{strings.Fields(p), v})
			// Hand gestures also come with a skin-tone modifier, a token of its own.
			if p == "👍" || p == "👌" || p == "👎" {
				for tone := '\U0001F3FB'; tone <= '\U0001F3FF'; tone++ {
					out = append(out, struct {
						toks  []string
						value bool
					}{[]string{p, string(tone)}, v})
				}
			}
		}
	}
	add(yes, true)
	add(no, false)
	return out
}()

// recognizeBoolean returns the best-scoring answer in text, if any.
func recognizeBoolean(text string, _ Context) []Result {
	toks := boolTokens(text)
	if len(toks) == 0 {
		return nil
	}
	best, bestStart, bestEnd, bestLen := -1, 0, 0, 0
	for p, ph := range boolPhrases {
		at := boolFind(toks, ph.toks)
		if at < 0 {
			continue
		}
		n := len(ph.toks)
		if best < 0 || n > bestLen || n == bestLen && at < bestStart {
			best, bestStart, bestEnd, bestLen = p, at, at+n-1, n
		}
	}
	if best < 0 {
		return nil
	}
	score := 0.4 + 0.6*float64(bestLen)/float64(len(toks))
	return []Result{span(text, toks[bestStart].start, toks[bestEnd].end, "boolean",
		map[string]any{"value": boolPhrases[best].value, "score": score})}
}

// boolFind returns the index of the first token where phrase occurs in
// toks as consecutive tokens, or -1.
func boolFind(toks []boolToken, phrase []string) int {
	for i := 0; i+len(phrase) <= len(toks); i++ {
		ok := true
		for k, w := range phrase {
			if toks[i+k].text != w {
				ok = false
				break
			}
		}
		if ok {
			return i
		}
	}
	return -1
}
