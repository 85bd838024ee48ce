package project

import "unicode/utf8"

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
// to; ok is false when the span does not fall on character boundaries of s.
func convertSpan(s string, off, length int, from, to IndexType) (int, int, bool) {
	if from == to {
		return off, length, off >= 0 && length >= 0 && off+length <= textLen(s, from)
	}
	start, ok1 := byteIndex(s, off, from)
	end, ok2 := byteIndex(s, off+length, from)
	if !ok1 || !ok2 || length < 0 {
		return 0, 0, false
	}
	o := textLen(s[:start], to)
	return o, textLen(s[start:end], to), true
}
