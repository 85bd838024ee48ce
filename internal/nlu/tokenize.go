package nlu

import (
	"unicode"
	"unicode/utf8"
)

// token is one token of a text. Start and End are byte offsets into the
// text; Off and Len are the same span in UTF-16 code units.
type token struct {
	Text       string
	Start, End int
	Off, Len   int
}

// tokenKind classifies the rune that starts a token.
type tokenKind uint8

const (
	kindSpace  tokenKind = iota
	kindWord             // letters and digits of spaced scripts
	kindIdeo             // a character of an unspaced script (Han, kana, Thai...): one token each
	kindSymbol           // punctuation, symbols, emoji: one cluster each
)

func runeKind(r rune) tokenKind {
	switch {
	case unicode.IsSpace(r) || r == utf8.RuneError:
		// Invalid bytes are separators so that a token never holds one.
		return kindSpace
	case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai, unicode.Lao,
		unicode.Khmer, unicode.Myanmar, unicode.Tibetan, unicode.Yi):
		return kindIdeo
	case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsNumber(r):
		return kindWord
	default:
		return kindSymbol
	}
}

// extends reports whether r belongs to the token before it whatever that
// token is: combining marks, variation selectors, emoji modifiers, tag
// characters and other invisible format characters.
func extends(r rune) bool {
	switch {
	case r == zwj:
		return false // handled by the caller: it also joins the next rune
	case unicode.IsMark(r): // includes variation selectors and the keycap mark
		return true
	case r >= 0x1F3FB && r <= 0x1F3FF: // emoji skin-tone modifiers
		return true
	case r >= 0xE0020 && r <= 0xE007F: // tag characters (flag sequences)
		return true
	case unicode.Is(unicode.Cf, r) && r != 0xFEFF && r != 0x200B && r != 0x2060:
		// format characters such as ZWNJ join; BOM, zero-width space and word joiner
		// don't attach to a word.
		return true
	}
	return false
}

const zwj = 0x200D

func isRegional(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }

// utf16Len is the number of UTF-16 code units of r as the API counts them.
// Invalid bytes (RuneError of width 1) count as one unit, as U+FFFD would.
func utf16Len(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}

// tokenize splits text into tokens: runs of letters and digits (with their
// combining marks), single characters of unspaced scripts, and single symbol
// clusters (an emoji with its modifiers and ZWJ sequence, a flag, a
// punctuation mark). Apostrophes and hyphens are symbols, so "dan's" gives
// "dan", "'", "s". Every token boundary is a rune boundary, so its UTF-16
// span never cuts a surrogate pair.
func tokenize(text string) []token {
	var toks []token
	i, u := 0, 0 // byte and UTF-16 offsets of the next rune
	for i < len(text) {
		r, w := utf8.DecodeRuneInString(text[i:])
		k := runeKind(r)
		if k == kindSpace {
			i += w
			u += utf16Len(r)
			continue
		}
		// A mark or ZWJ with nothing before it (after a space, say) starts a
		// symbol token of its own.
		start, ustart := i, u
		prevRegional := isRegional(r)
		i += w
		u += utf16Len(r)
		for i < len(text) {
			r2, w2 := utf8.DecodeRuneInString(text[i:])
			switch {
			case extends(r2):
			case r2 == zwj:
				// A ZWJ joins the next rune too, unless that rune is a space or
				// the end of the text.
				if i+w2 < len(text) {
					r3, w3 := utf8.DecodeRuneInString(text[i+w2:])
					if runeKind(r3) != kindSpace {
						i += w2
						u += utf16Len(r2)
						r2, w2 = r3, w3
						break
					}
				}
			case k == kindWord && runeKind(r2) == kindWord:
			case k == kindSymbol && prevRegional && isRegional(r2):
				prevRegional = false // a flag is a pair of regional indicators
			default:
				goto done
			}
			i += w2
			u += utf16Len(r2)
			if k == kindSymbol && !isRegional(r2) {
				prevRegional = false
			}
		}
	done:
		toks = append(toks, token{Text: text[start:i], Start: start, End: i, Off: ustart, Len: u - ustart})
	}
	return toks
}
