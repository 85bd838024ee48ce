package prebuilt

import (
	"regexp"
	"strings"
)

// This file holds Parley's own phone number recogniser. A candidate is a
// run of digit groups joined by single separators (space, "-", ".", "/"),
// with an optional leading "+" country code, area codes in parentheses (or
// closed by a lone bracket, "123)456-7890") and an extension ("x123",
// "ext 123"). A date among the groups ends the run before it. A prefix the
// number's layout does not write so (an extension, a country code, a
// leading "1", brackets; phone_filter.go, phone_plus.go) is cut off, or
// voids the run. A run glued to a word (unless it opens with "(" or "+"),
// part of a formula, a decimal, a date, an SSN, an account, card or OMB
// number is no phone number, and is dropped whole rather than searched
// inside.
//
// The score is the confidence of phone_score.go.

func init() {
	register("PhoneNumberModel", ModelFunc(recognizePhone))
}

var phoneRun = regexp.MustCompile(`(?i)(?:\(\s?\+?[0-9]{1,5}\s?\)|[0-9]{3}\)|\+[0-9]+|[0-9]+)` +
	`(?:(?:\s?[-./]\s?|\s|)(?:\([0-9]{1,5}\)|[0-9]+))*` +
	`(?:\s?(?:x|ext\.?)\s?[0-9]{1,6})?`)

var (
	phoneDate   = regexp.MustCompile(`\A(?:[0-9]{1,2}[-/.][0-9]{1,2}[-/.](?:19|20)[0-9]{2}|(?:19|20)[0-9]{2}/(?:19|20)[0-9]{2})\z`)
	phoneSSN    = regexp.MustCompile(`\A[0-9]{3}-[0-9]{2}-[0-9]{4}\z`)
	phoneNoWord = regexp.MustCompile(`(?i)\b(?:account|card|no\.)`)
	// phoneNANP is a North American number: an optional "1" or "+1", an
	// area code of three digits (maybe in brackets), an exchange of three
	// (the first 2–9) and four digits, the groups joined by at most one
	// "-", "." or space (spaces around the "-" or "." allowed); or the
	// exchange and four digits alone.
	phoneNANP = regexp.MustCompile(`\A(?:(?:\+?1[-\s]?)?(?:\([0-9]{3}\)|[0-9]{3})(?:\s?[-.]\s?|\s)?)?[2-9][0-9]{2}(?:\s?[-.]\s?|\s)?[0-9]{4}\z`)
	// phonePairTail ends in two hyphenated pairs of digits; phonePairs is
	// four such pairs, maybe after Denmark's code.
	phonePairTail = regexp.MustCompile(`-[0-9]{2}-[0-9]{2}\z`)
	// phoneTrunkHyphens is a number of the trunk 0 and hyphenated groups,
	// as Italy and France write them ("01-47-28-18-44").
	phoneTrunkHyphens = regexp.MustCompile(`\A0[0-9-]{4,12}[0-9]\z`)
	phonePairs        = regexp.MustCompile(`\A(?:(?:\(\s?(?:\+\s?|00)45\s?\)|(?:\+\s?|00)45)\s?)?[0-9]{2}(?:-[0-9]{2}){3}\z`)
	// phoneSlashed is a number of three slash-separated groups: 3–4, 1–4
	// and 3–4 digits.
	phoneSlashed = regexp.MustCompile(`\A[0-9]{3,4}[-/][0-9]{1,4}[-/][0-9]{3,4}\z`)
)

func recognizePhone(text string, _ Context) []Result {
	if !phoneGrouped.MatchString(text) {
		return nil
	}
	var out []Result
	for _, m := range phoneRun.FindAllStringIndex(text, -1) {
		// a date inside a run of groups ends the number before it
		start := m[0]
		for start < m[1] {
			end, next := phoneDateCut(text, start, m[1])
			end = phoneExtCut(text, start, end)
			start = phoneBracketCodeCut(text, start, end)
			start = phoneCodeCut(text, start, end)
			start = phonePlusCut(text, start, end)
			start = phoneTrunkOneCut(text, start, end)
			start = phoneAreaCut(text, start, end)
			if end > start {
				if s, ok := phoneScore(text, start, end); ok {
					out = append(out, span(text, start, end, "phonenumber", map[string]any{
						"value": strings.ToLower(text[start:end]), "score": s}))
				}
			}
			start = next
		}
	}
	return out
}

// phoneDateCut returns where the part of the run text[start:end] before its
// first date token (delimited by spaces) ends, and where the rest of the run
// after that token resumes; with no date, end and end.
func phoneDateCut(text string, start, end int) (int, int) {
	for i := start; i < end; i++ {
		if i > start && text[i-1] != ' ' || text[i] == ' ' {
			continue
		}
		j := i
		for j < end && text[j] != ' ' {
			j++
		}
		if phoneDate.MatchString(text[i:j]) {
			cut := i
			for cut > start && text[cut-1] == ' ' {
				cut--
			}
			for j < end && !isDigit(text[j]) && text[j] != '(' && text[j] != '+' {
				j++
			}
			return cut, j
		}
	}
	return end, end
}

// phoneScore returns the score of the run text[start:end], or false if the
// run is no phone number.
func phoneScore(text string, start, end int) (string, bool) {
	run := text[start:end]
	var prev, next byte
	if start > 0 {
		prev = text[start-1]
	}
	if end < len(text) {
		next = text[end]
	}
	// a bracket or "+" opens a number even glued to a word ("is(+45)…"),
	// and a bracket even after a country code it does not belong with
	if isDigit(prev) && run[0] != '(' || seqAlnum(prev) && run[0] != '(' && run[0] != '+' || seqAlnum(next) || strings.IndexByte("#+*=%$_", prev) >= 0 || strings.IndexByte("+*=%()_", next) >= 0 {
		return "", false
	}
	if prev == '-' && (start < 2 || !phoneFormatted(run)) {
		// "-2208960000": a minus sign, or a hyphen glued to a bare number
		return "", false
	}
	if (prev == '-' || prev == '.' || prev == '/' || prev == ',') && start > 1 {
		w := phoneWordBefore(text, start-1)
		if w == "" && text[start-2] >= '0' && text[start-2] <= '9' || len(w) == 1 || strings.ContainsAny(w, "0123456789") {
			return "", false
		}
		if prev == '.' || prev == ',' {
			return "", false
		}
	}
	if (next == '.' || next == ':' || next == ',') && end+1 < len(text) && text[end+1] >= '0' && text[end+1] <= '9' {
		return "", false
	}
	if next == ' ' && end+2 < len(text) && seqAlnum(text[end+1]) {
		// a following word of hexadecimal digits mixing letters and digits
		// ("D9"): a byte dump
		j := end + 1
		for j < len(text) && seqAlnum(text[j]) {
			j++
		}
		if phoneHexWord(text[end+1 : j]) {
			return "", false
		}
	}
	main := run
	if at := phoneExtStart(run); at >= 0 {
		main = run[:at]
	}
	digits, seps, parens := 0, 0, 0
	inGroup := false
	for i := 0; i < len(main); i++ {
		c := main[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
			inGroup = true
		case c == '(':
			parens++
			inGroup = false
		case c == ')':
			inGroup = true
		case c == ' ' || c == '-' || c == '.' || c == '/':
			if inGroup && i+1 < len(main) {
				seps++
			}
			inGroup = false
		default:
			inGroup = false
		}
	}
	if strings.Count(main, "(") > 1 && !strings.HasPrefix(main, "(+") && !strings.Contains(main, "(0)") {
		return "", false
	}
	if digits > 16 || digits < 6 || digits == 16 && main[0] != '+' || digits == 15 && phoneCardGroups(main) {
		return "", false
	}
	all := phoneDigits(main)
	if digits == 6 && all[0] != '0' {
		return "", false
	}
	if digits == 7 && all[0] == '1' && main[0] != '+' && phoneFormatted(main) {
		// no local number starts with 1; bare seven digits still may
		return "", false
	}
	if phonePairTail.MatchString(main) && !phonePairs.MatchString(main) && !phoneTrunkHyphens.MatchString(main) {
		// hyphenated pairs at the end ("…-45-67") make a Danish-style
		// number of four pairs, or none
		return "", false
	}
	if phoneShortAfterCode(main) || !phonePlusFits(main) || phoneFalsePrefix(text[:start]) || phoneOMB(text, start, main) {
		return "", false
	}
	if phoneDate.MatchString(main) || phoneSSN.MatchString(main) {
		return "", false
	}
	if strings.Contains(main, ".") && !phoneNANP.MatchString(main) {
		// dots separate the groups of North American numbers only
		return "", false
	}
	if strings.Count(main, "/") > 1 && !phoneSlashed.MatchString(main) {
		return "", false
	}
	if len(main) > 2 && main[0] == '+' && main[1] != '1' && !isDigit(main[2]) {
		// no country code but North America's has a single digit
		return "", false
	}
	if seps == 0 && parens == 0 && !strings.HasPrefix(main, "+") {
		before := text[max(0, start-30):start]
		if phoneNoWord.MatchString(before) && !strings.Contains(strings.ToLower(before), "phone") {
			return "", false
		}
	}
	if strings.Contains(main, "+") && strings.LastIndexByte(main, '+') > 1 {
		return "", false
	}

	return phoneConfidence(run), true
}

// phoneWordBefore returns the word that ends at text[:i].
func phoneWordBefore(text string, i int) string {
	j := i
	for j > 0 && seqAlnum(text[j-1]) {
		j--
	}
	return text[j:i]
}

func phoneDigits(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}
