package prebuilt

import "strconv"

// The score of a phone number candidate follows the confidence rule that
// Recognizers-Text's English phone parser documents, in points out of 100:
//
//   - 30 to start with;
//   - 40 for a leading country code ("+49", "0049", "(+1)"), else 30 for
//     any "(" (an area code);
//   - 20 per run of formatting characters (white space, "-", "/", "."),
//     counting at most three runs; 20 off if a run is longer than one
//     character, and 20 off for a bracket without its partner;
//   - 10 per digit beyond eight, at most 30 (and 10 off per digit short of
//     eight);
//   - 10 off per repeated digit beyond two at the end ("…1111"), a run
//     counting at most eleven digits;
//   - for bare digits, 10 off per digit beyond eleven;
//   - 40 off for a ZIP+4 shape ("12345-6789"), for ")." and for an
//     international prefix joined by a hyphen ("00-…", "011-…");
//   - 10 off per run of five or more digits after the first;
//   - 15 for a local US number with no area code ("555-0199").
//
// The total is clamped to [0, 100] and reported divided by 100.

// phoneConfidence returns the score of the candidate s, as the resolution
// reports it.
func phoneConfidence(s string) string {
	p := 30
	switch {
	case phoneHasCountryCode(s):
		p += 40
	case phoneIndexByte(s, '(') >= 0:
		p += 30
	}

	runs, longRun := 0, false
	for i := 0; i < len(s); {
		if !phoneFormatChar(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && phoneFormatChar(s[j]) {
			j++
		}
		runs++
		longRun = longRun || j-i > 1
		i = j
	}
	if runs > 0 {
		p += 20 * min(runs, 3)
		if longRun {
			p -= 20
		}
		open := phoneIndexByte(s, '(')
		if (open >= 0 || phoneIndexByte(s, ')') >= 0) && !(open >= 0 && phoneIndexByte(s[open:], ')') >= 0) {
			p -= 20
		}
	}

	digits, pure, longRuns := 0, true, 0
	for i := 0; i < len(s); {
		if !isDigit(s[i]) {
			pure = false
			i++
			continue
		}
		j := i
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		digits += j - i
		if j-i >= 5 {
			longRuns++
		}
		i = j
	}
	p += 10 * min(digits-8, 3)

	if n := len(s); n > 0 && isDigit(s[n-1]) {
		tail := 1
		for tail < n && s[n-1-tail] == s[n-1] {
			tail++
		}
		if tail >= 3 {
			p -= 10 * (min(tail, 11) - 2)
		}
	}
	if pure && len(s) > 11 {
		p -= 10 * (len(s) - 11)
	}
	if phoneTypicalDeduction(s) {
		p -= 40
	}
	p -= 10 * max(longRuns-1, 0)
	if phoneLocalUS(s) {
		p += 15
	}
	p = max(0, min(100, p))
	return strconv.FormatFloat(float64(p)/100, 'f', -1, 64)
}

func phoneIsSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func phoneFormatChar(c byte) bool { return phoneIsSpace(c) || c == '-' || c == '/' || c == '.' }

func phoneIndexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

// phoneHasCountryCode reports whether s opens with a country code: "+" or
// "00" and one to three digits, or the same alone in parentheses.
func phoneHasCountryCode(s string) bool {
	i := 0
	paren := len(s) > 0 && s[0] == '('
	if paren {
		i++
		if i < len(s) && phoneIsSpace(s[i]) {
			i++
		}
	}
	switch {
	case i < len(s) && s[i] == '+':
		i++
		if i < len(s) && phoneIsSpace(s[i]) {
			i++
		}
	case i+1 < len(s) && s[i] == '0' && s[i+1] == '0':
		i += 2
	default:
		return false
	}
	n := 0
	for i+n < len(s) && isDigit(s[i+n]) {
		n++
	}
	if !paren {
		return n > 0
	}
	i += n
	if i < len(s) && phoneIsSpace(s[i]) {
		i++
	}
	return n >= 1 && n <= 3 && i < len(s) && s[i] == ')'
}

// phoneTypicalDeduction reports the shapes that are seldom phone numbers:
// a ZIP+4 code, ")." and an international prefix joined by "-".
func phoneTypicalDeduction(s string) bool {
	if len(s) == 10 && s[5] == '-' {
		ok := true
		for i := 0; i < 10; i++ {
			if i != 5 && !isDigit(s[i]) {
				ok = false
			}
		}
		if ok {
			return true
		}
	}
	for i := 0; i+1 < len(s); i++ {
		if s[i] == ')' && s[i+1] == '.' {
			return true
		}
	}
	return len(s) >= 3 && s[:3] == "00-" || len(s) >= 4 && s[:4] == "011-"
}

// phoneLocalUS reports whether s holds a US number without area code,
// three digits (the first 2–9), "-" or "." (spaces around it allowed) and
// four digits, not preceded by a digit, ")" or "." nor by "-" or ")" with
// one space, and not followed by a word character nor by "-" and a digit.
func phoneLocalUS(s string) bool {
	for i := 0; i+3 <= len(s); i++ {
		if s[i] < '2' || s[i] > '9' || !isDigit(s[i+1]) || !isDigit(s[i+2]) {
			continue
		}
		if i > 0 {
			c := s[i-1]
			if c == '-' || c == ')' || c == '.' || isDigit(c) {
				continue
			}
			if phoneIsSpace(c) && i > 1 && (s[i-2] == '-' || s[i-2] == ')') {
				continue
			}
		}
		j := i + 3
		if j < len(s) && phoneIsSpace(s[j]) {
			j++
		}
		if j >= len(s) || s[j] != '-' && s[j] != '.' {
			continue
		}
		j++
		if j < len(s) && phoneIsSpace(s[j]) {
			j++
		}
		if j+4 > len(s) || !isDigit(s[j]) || !isDigit(s[j+1]) || !isDigit(s[j+2]) || !isDigit(s[j+3]) {
			continue
		}
		k := j + 4
		if k < len(s) && (isDigit(s[k]) || s[k] == '_' || s[k] >= 'a' && s[k] <= 'z' || s[k] >= 'A' && s[k] <= 'Z') {
			continue
		}
		if k < len(s) && s[k] == '-' && (k+1 < len(s) && isDigit(s[k+1]) || k+2 < len(s) && phoneIsSpace(s[k+1]) && isDigit(s[k+2])) {
			continue
		}
		return true
	}
	return false
}
