package project

import (
	"bytes"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/parley-dev/parley/internal/azerr"
)

// CheckUnicode refuses a JSON document whose strings are not Unicode text:
// bytes that are not UTF-8, or a \u escape of a UTF-16 surrogate that is not
// half of a pair (a lone \ud800, or \udc00 without a high surrogate before
// it). encoding/json turns either into U+FFFD without a word, so a project
// would store, train on and export text that differs from what the client
// sent. The error's target is the JSON pointer of the value that holds the
// bad text when the document parses that far; the message gives the byte
// offset in any case.
//
// It costs a validation of the UTF-8 and a look at each backslash; a
// backslash in JSON only ever starts an escape inside a string, so the
// strings need no parsing of their own.
func CheckUnicode(data []byte) *azerr.Error {
	if !utf8.Valid(data) {
		off := 0
		for off < len(data) {
			r, n := utf8.DecodeRune(data[off:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			off += n
		}
		return unicodeError(data, off, "The request body holds a byte (0x%02X) that is not UTF-8 at byte offset %d%s; send the body encoded as UTF-8.", data[off])
	}
	for i := 0; i < len(data); {
		j := bytes.IndexByte(data[i:], '\\')
		if j < 0 {
			return nil
		}
		i += j
		r, ok := hex4(data, i)
		if !ok {
			i += 2 // another escape, or not valid JSON (which the decoder reports)
			continue
		}
		switch {
		case utf16.IsSurrogate(r) && r < 0xDC00:
			if low, ok := hex4(data, i+6); ok && low >= 0xDC00 && low <= 0xDFFF {
				i += 12
				continue
			}
			return unicodeError(data, i, "The request body holds the escape %s at byte offset %d%s, a UTF-16 high surrogate without the low surrogate that must follow it; write the character itself, or its pair of escapes such as \\ud83d\\ude00.", data[i:i+6])
		case utf16.IsSurrogate(r):
			return unicodeError(data, i, "The request body holds the escape %s at byte offset %d%s, a UTF-16 low surrogate without the high surrogate that must come before it; write the character itself, or its pair of escapes such as \\ud83d\\ude00.", data[i:i+6])
		}
		i += 6
	}
	return nil
}

// hex4 decodes the escape \uXXXX at data[i:], if that is what is there.
func hex4(data []byte, i int) (rune, bool) {
	if i+6 > len(data) || data[i] != '\\' || data[i+1] != 'u' {
		return 0, false
	}
	var r rune
	for _, c := range data[i+2 : i+6] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// unicodeError is CheckUnicode's error for the bad text at byte offset off.
// format takes the text, the offset, and where in the document it is.
// Without a pointer (the document does not parse as far), it is a body that
// is not the JSON the operation takes.
func unicodeError(data []byte, off int, format string, what any) *azerr.Error {
	p, ok := pointerAt(data, int64(off)+1)
	if !ok || p == "" {
		return azerr.BadBody(format, what, off, "")
	}
	return azerr.Invalid(p, format, what, off, " (in "+p+")")
}
