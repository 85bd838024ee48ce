package prebuilt

import (
	"math"
	"regexp"
	"strconv"
	"strings"
)

// This file holds Parley's own phone number recogniser. A candidate is a
// run of digit groups joined by single separators (space, "-", ".", "/"),
// with an optional leading "+" country code, area codes in parentheses and
// an extension ("x123", "ext 123"). A run glued to a word, part of a
// formula, a decimal, a date, an SSN or an account number is no phone
// number, and is dropped whole rather than searched inside.
//
// The score is a confidence built from the run's shape:
//
//   - a length score peaking at 11 digits (0.6) and falling 0.1 per digit
//     away from it;
//   - plus 0.2 per separator between groups, 0.3 for an area code in
//     parentheses, 0.4 for an international prefix ("+" or "00");
//   - minus 0.1 per repeated digit beyond two at the tail ("...5555");
//
// clamped to [0, 1] and rounded to tenths.

func init() {
	register("PhoneNumberModel", ModelFunc(recognizePhone))
}

var phoneRun = regexp.MustCompile(`(?i)(?:\(\s?\+?[0-9]{1,5}\s?\)|\+[0-9]+|[0-9]+)` +
	`(?:(?:\s?[-./]\s?|\s|)(?:\([0-9]{1,5}\)|[0-9]+))*` +
	`(?:\s?(?:x|ext\.?)\s?[0-9]{1,6})?`)

var (
	phoneDate   = regexp.MustCompile(`\A(?:[0-9]{1,2}[-/.][0-9]{1,2}[-/.](?:19|20)[0-9]{2}|(?:19|20)[0-9]{2}/(?:19|20)[0-9]{2})\z`)
	phoneSSN    = regexp.MustCompile(`\A[0-9]{3}-[0-9]{2}-[0-9]{4}\z`)
	phoneExt    = regexp.MustCompile(`(?i)\s?(?:x|ext\.?)\s?[0-9]{1,6}\z`)
	phoneNoWord = regexp.MustCompile(`(?i)\b(?:account|card|no\.)`)
)

func recognizePhone(text string, _ Context) []Result {
	var out []Result
	for _, m := range phoneRun.FindAllStringIndex(text, -1) {
		start, end := m[0], m[1]
		if s, ok := phoneScore(text, start, end); ok {
			out = append(out, span(text, start, end, "phonenumber", map[string]any{
				"value": strings.ToLower(text[start:end]), "score": s}))
		}
	}
	return out
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
	if seqAlnum(prev) || seqAlnum(next) || strings.IndexByte("#+*=%$_", prev) >= 0 || strings.IndexByte("+*=%()_", next) >= 0 {
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
		// a following word mixing letters and digits ("D9"): hexadecimal
		j := end + 1
		for j < len(text) && seqAlnum(text[j]) {
			j++
		}
		if strings.ContainsAny(text[end+1:j], "0123456789") {
			return "", false
		}
	}
	main := run
	if loc := phoneExt.FindStringIndex(run); loc != nil {
		main = run[:loc[0]]
	}
	digits, groups, seps, parens := 0, 0, 0, 0
	inGroup := false
	for i := 0; i < len(main); i++ {
		c := main[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
			if !inGroup {
				groups++
				inGroup = true
			}
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
	if digits > 15 || digits < 6 {
		return "", false
	}
	all := phoneDigits(main)
	if digits == 6 && all[0] != '0' {
		return "", false
	}
	if digits == 7 && all[0] == '1' && !strings.HasPrefix(main, "+") {
		return "", false
	}
	if phoneDate.MatchString(main) || phoneSSN.MatchString(main) {
		return "", false
	}
	if strings.Contains(main, ".") {
		for _, g := range strings.FieldsFunc(main, func(r rune) bool { return r < '0' || r > '9' }) {
			if len(g) < 2 || len(g) > 4 {
				return "", false
			}
		}
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

	intl := strings.HasPrefix(main, "+") || strings.HasPrefix(main, "(+") || strings.HasPrefix(all, "00") || strings.HasPrefix(main, "(00")
	score := 0.6 - 0.1*math.Abs(float64(digits-11))
	score += 0.2 * float64(seps)
	if parens > 0 && !strings.Contains(main, "(0)") {
		score += 0.3
	}
	if intl {
		score += 0.4
	}
	last := all
	if k := strings.LastIndexAny(main, " -./()"); k >= 0 && k < len(main)-1 {
		last = phoneDigits(main[k+1:])
	}
	tail := 1
	for i := len(last) - 2; i >= 0 && last[i] == last[len(last)-1]; i-- {
		tail++
	}
	if tail > 2 {
		score -= 0.1 * float64(tail-2)
	}
	score = math.Max(0, math.Min(1, score))
	return strconv.FormatFloat(math.Round(score*10)/10, 'f', -1, 64), true
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
