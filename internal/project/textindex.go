package project

import (
	"math"
	"strings"
	"unicode/utf8"

	"github.com/rivo/uniseg"
)

// unitWidth is how many code units of t the rune r takes.
func unitWidth(r rune, t IndexType) int {
	switch t {
	case Utf8CodeUnit:
		return utf8.RuneLen(r)
	case Utf32CodeUnit:
		return 1
	default:
		if r >= 0x10000 {
			return 2
		}
		return 1
	}
}

// textLen returns the length of s in code units of t.
func textLen(s string, t IndexType) int {
	if t == Utf8CodeUnit {
		return len(s)
	}
	n := 0
	for _, r := range s {
		n += unitWidth(r, t)
	}
	return n
}

// byteIndex returns the byte index in s of the code-unit offset off of t, and
// false when off is not on a character boundary or lies outside s.
func byteIndex(s string, off int, t IndexType) (int, bool) {
	if off < 0 {
		return 0, false
	}
	n := 0
	for i, r := range s {
		if n == off {
			return i, true
		}
		if n > off {
			return 0, false
		}
		n += unitWidth(r, t)
	}
	return len(s), n == off
}

// convertSpan converts a span of s from code units of from to code units of
// to; ok is false when the span does not fall on character boundaries of s
// (in UTF-16 too: a span may not split a surrogate pair).
func convertSpan(s string, off, length int, from, to IndexType) (int, int, bool) {
	if length < 0 || off > math.MaxInt-length {
		return 0, 0, false
	}
	start, ok1 := byteIndex(s, off, from)
	end, ok2 := byteIndex(s, off+length, from)
	if !ok1 || !ok2 {
		return 0, 0, false
	}
	o := textLen(s[:start], to)
	return o, textLen(s[start:end], to), true
}

// Index types of the runtime API (RUNTIME.md §4).
const (
	TextElementsV8   IndexType = "TextElements_v8"
	UnicodeCodePoint IndexType = "UnicodeCodePoint"
)

// RuntimeIndexType parses the runtime's stringIndexType, case-insensitively;
// "" is the default TextElements_v8, and the docs' spelling TextElement_V8
// is accepted too.
func RuntimeIndexType(s string) (IndexType, bool) {
	switch strings.ToLower(s) {
	case "", "textelements_v8", "textelement_v8":
		return TextElementsV8, true
	case "unicodecodepoint":
		return UnicodeCodePoint, true
	case "utf16codeunit":
		return Utf16CodeUnit, true
	}
	return "", false
}

// SpanIn converts a span of text from UTF-16 code units to t, and returns
// the substring it covers. TextElements_v8 counts grapheme clusters (by the
// current Unicode rules, so an emoji ZWJ sequence is one element); a span
// that ends inside a cluster covers the whole cluster.
func SpanIn(text string, off16, len16 int, t IndexType) (off, length int, sub string) {
	start, ok1 := byteIndex(text, off16, Utf16CodeUnit)
	end, ok2 := byteIndex(text, off16+len16, Utf16CodeUnit)
	if !ok1 || !ok2 || end < start {
		return off16, len16, ""
	}
	sub = text[start:end]
	switch t {
	case Utf16CodeUnit:
		return off16, len16, sub
	case UnicodeCodePoint:
		return utf8.RuneCountInString(text[:start]), utf8.RuneCountInString(sub), sub
	}
	// Grapheme clusters: the cluster holding the first byte starts the
	// span; the one holding the last byte ends it.
	first, last, i := -1, -1, 0
	g := uniseg.NewGraphemes(text)
	for g.Next() {
		from, to := g.Positions()
		if first < 0 && start < to {
			first = i
		}
		if end > from {
			last = i
		}
		i++
	}
	if first < 0 || last < first {
		return i, 0, sub
	}
	return first, last - first + 1, sub
}
