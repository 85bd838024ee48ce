package prebuilt

import (
	"regexp"
	"strings"
)

// Filters that drop a digit run Recognizers-Text does not take for a phone
// number.

// phoneFormatted reports whether s holds a formatting character (white
// space, "-", "/", ".").
func phoneFormatted(s string) bool {
	for i := 0; i < len(s); i++ {
		if phoneFormatChar(s[i]) {
			return true
		}
	}
	return false
}

// phoneCardGroups reports whether every space-separated chunk of s holds
// three or four digits, the grouping of a 15-digit card number
// ("3400 0000 0000 009").
func phoneCardGroups(s string) bool {
	n := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ' ' {
			if n != 3 && n != 4 {
				return false
			}
			n = 0
			continue
		}
		if isDigit(s[i]) {
			n++
		}
	}
	return true
}

// phoneGrouped matches what any text holding a phone number holds: two
// digit groups (of up to four digits), each followed by one character, and
// two or three more digits.
var phoneGrouped = regexp.MustCompile(`(?:[0-9]{1,4}.){2,4}\s?[0-9]{2,3}`)

// phoneHexWord reports whether w is a word of hexadecimal digits mixing
// letters and digits ("d9", "e9").
func phoneHexWord(w string) bool {
	letter, digit := false, false
	for i := 0; i < len(w); i++ {
		c := w[i] | 0x20
		switch {
		case isDigit(w[i]):
			digit = true
		case c >= 'a' && c <= 'f':
			letter = true
		default:
			return false
		}
	}
	return letter && digit
}

// phoneExtCut returns where the run text[start:end] ends once an
// extension it carries is weighed: an extension ("x123", "ext 123") of
// three to five digits belongs to a North American number; after another
// number that ends as a North American one does (an exchange of three
// digits, the first 2–9, starting a group, and four digits) it leaves no
// number at all (start); any other extension stays outside the number.
func phoneExtCut(text string, start, end int) int {
	run := text[start:end]
	at := phoneExtStart(run)
	if at < 0 {
		return end
	}
	main, ext := run[:at], run[at:]
	n := len(phoneDigits(ext))
	if n >= 3 && n <= 5 && !strings.Contains(ext, ".") && phoneNANPTail(main) {
		if phoneNANP.MatchString(main) {
			return end
		}
		// the extension claims a North American tail of another number:
		// neither reading holds
		return start
	}
	return start + at
}

// phoneNANPTail reports whether s ends in a North American local number:
// three digits (the first 2–9) that start a digit group or follow a group
// of three, an optional "-", "." or space (spaces around allowed), and four
// digits.
func phoneNANPTail(s string) bool {
	i := len(s) - 4
	if i < 3 || len(phoneDigits(s[i:])) != 4 {
		return false
	}
	if isDigit(s[i-1]) {
		// "2125550199": the exchange glued to the subscriber number
		i -= 3
	} else {
		j := i
		if phoneIsSpace(s[j-1]) {
			j--
		}
		if j > 0 && (s[j-1] == '-' || s[j-1] == '.') {
			j--
		}
		if j > 0 && phoneIsSpace(s[j-1]) {
			j--
		}
		i = j - 3
	}
	if i < 0 || len(phoneDigits(s[i:i+3])) != 3 || s[i] < '2' {
		return false
	}
	if i == 0 || !isDigit(s[i-1]) {
		return true
	}
	// a glued area code of exactly three digits
	return i >= 3 && len(phoneDigits(s[i-3:i])) == 3 && (i == 3 || !isDigit(s[i-4]))
}

// phoneCodeCut returns where the number in the run text[start:end] starts
// once an international prefix ("+44", "0044") before an area code in
// brackets is weighed. The prefix belongs to the number when the brackets
// hold the trunk "0" alone ("+44 (0)20…"), a UK-style "(0161)" after a
// two-digit code, after "+1", or when the number fits the layout of a
// country that writes its area codes in brackets after its code (see
// phoneNational; Brazil's with a space before them); or in the compact
// "+dd(d)" and ten digits. Otherwise the number starts at the bracket. A
// "00" prefix, or a "+" and three digits, and a space likewise stay outside
// a number whose groups are joined by hyphens ("0034 912-345-678", "+420
// 601-123-456"), unless it fits such a national layout.
func phoneCodeCut(text string, start, end int) int {
	run := text[start:end]
	i, plus := 0, false
	switch {
	case strings.HasPrefix(run, "+"):
		i, plus = 1, true
	case strings.HasPrefix(run, "00"):
		i = 2
	default:
		return start
	}
	j := i
	for j < len(run) && isDigit(run[j]) {
		j++
	}
	code := run[i:j]
	k := j
	if k < len(run) && run[k] == ' ' {
		k++
	}
	if len(code) == 0 || len(code) > 3 || k >= len(run) {
		return start
	}
	main := run
	if at := phoneExtStart(run); at > k {
		main = run[:at]
	}
	national := phoneNational("+" + code + " " + main[k:])
	if run[k] != '(' {
		if plus && len(code) < 3 || k == j || !phoneHyphenated(run[k:]) || national {
			return start
		}
		return start + phoneNextDigit(run, k)
	}
	close := strings.IndexByte(run[k:], ')')
	if close < 0 {
		return start
	}
	area := run[k+1 : k+close]
	if national && (k > j || code != "55") || code == "1" && plus {
		return start
	}
	if plus && (area == "0" || len(code) == 2 && len(area) >= 4 && len(area) <= 5 && area[0] == '0') {
		return start
	}
	if rest := run[k+close+1:]; plus && len(code) == 2 && k == j && len(area) == 1 && len(rest) == 10 && len(phoneDigits(rest)) == 10 {
		// the compact "+dd(d)dddddddddd"
		return start
	}
	return start + k
}

// phoneNextDigit returns the index of the first digit or "(" of s from i.
func phoneNextDigit(s string, i int) int {
	for i < len(s) && !isDigit(s[i]) && s[i] != '(' {
		i++
	}
	return i
}

// phoneBracketCodeCut returns where the number in the run text[start:end]
// starts once a country code in brackets that opens it ("(+45)") is
// weighed: only Brazil, Denmark, Italy and the Netherlands (55, 45, 39, 31)
// are written so; after another code the number starts after the brackets.
// ("(0045)" may as well be an area code: phoneAreaCut weighs it.)
func phoneBracketCodeCut(text string, start, end int) int {
	run := text[start:end]
	i := 1
	if i < len(run) && run[i] == ' ' {
		i++
	}
	switch {
	case strings.HasPrefix(run[min(i, len(run)):], "+"):
		i++
		if i < len(run) && run[i] == ' ' {
			i++
		}
	default:
		return start
	}
	if run[0] != '(' {
		return start
	}
	close := strings.IndexByte(run, ')')
	if close < 0 {
		return start
	}
	switch strings.TrimSpace(run[i:close]) {
	case "31", "39", "45", "55":
		return start
	}
	return start + phoneNextDigit(run, close+1)
}

// phonePlusCut returns where the number in the run text[start:end] starts
// once a "+" country code that opens it is weighed: when the number does not
// fit a layout that writes the code so (phonePlusFits), the code and its
// space stay outside a rest that has other separators than spaces
// ("+61 0-1835-0562"); a rest of digits and spaces would swallow the code's
// digits and leaves no number at all (end).
func phonePlusCut(text string, start, end int) int {
	run := text[start:end]
	if len(run) < 3 || run[0] != '+' {
		return start
	}
	main := run
	if at := phoneExtStart(run); at >= 0 {
		main = run[:at]
	}
	if phonePlusFits(main) {
		return start
	}
	j := 1
	for j < len(run) && isDigit(run[j]) {
		j++
	}
	if j == 1 || j >= len(main) || run[j] != ' ' || !strings.ContainsAny(main[j:], "-./()") {
		return end
	}
	return start + j + 1
}

// phoneTrunkOneCut returns where the number in the run text[start:end]
// starts once a leading North American "1" is weighed: "1-" or "1 " opens
// only a North American number; before another number "1 " stays outside
// it when the rest has other separators than spaces, and "1-" leaves no
// number at all (end).
func phoneTrunkOneCut(text string, start, end int) int {
	run := text[start:end]
	if len(run) < 3 || run[0] != '1' || run[1] != ' ' && run[1] != '-' {
		return start
	}
	main := run
	if at := phoneExtStart(run); at >= 0 {
		main = run[:at]
	}
	if phoneNANP.MatchString(main) {
		return start
	}
	if run[1] == '-' {
		return end
	}
	if !strings.ContainsAny(main[2:], "-./()") {
		return start
	}
	return start + 2
}

// phoneAreaCut returns where the number in the run text[start:end] starts
// once an area code in brackets that opens it is weighed: the brackets
// belong to the number only in the layouts that write them (see
// phoneBracketed); otherwise the number starts after them and their
// separator ("(06)13 07 39 76"). A country code ("(+45)", "(0045)" of the
// countries that write it so) or the trunk "(0)" in brackets is no area
// code.
func phoneAreaCut(text string, start, end int) int {
	run := text[start:end]
	if len(run) < 4 || run[0] != '(' || !isDigit(run[1]) || run[1] == '0' && run[2] == ')' {
		return start
	}
	close := strings.IndexByte(run, ')')
	if close > 0 && strings.HasPrefix(run, "(00") {
		switch run[3:close] {
		case "31", "39", "45", "55":
			return start
		}
	}
	main := run
	if at := phoneExtStart(run); at > close {
		main = run[:at]
	}
	if close < 0 || phoneBracketed(run[1:close], main[close+1:]) {
		return start
	}
	i := close + 1
	for i < len(run) && !isDigit(run[i]) {
		i++
	}
	return start + i
}

// The layouts that follow an area code in brackets.
var (
	// North America: "(415) 555-0199", "(415)555.0199"
	phoneAfterNANP = regexp.MustCompile(`\A[-.\s]?[2-9][0-9]{2}(?:\s?[-.]\s?|\s)?[0-9]{4}\z`)
	// the Netherlands: "(020) 123 4567", "(06)-12345678"
	phoneAfterNL = regexp.MustCompile(`\A(?:-?[0-9]{6,12}|\s[0-9\s]{5,11}[0-9])\z`)
	// China: "(010) 1234 5678", "(021)1234-5678-9012"
	phoneAfterCN = regexp.MustCompile(`\A\s?[0-9]{4}\s?-?\s?[0-9]{4}(?:\s?-?\s?[0-9]{4})?\z`)
	// Brazil: "(11) 91234-5678"
	phoneAfterBR = regexp.MustCompile(`\A\s?[0-9]{4,5}-?[0-9]{3,5}\z`)
	// five-digit areas: "(01234) 567890"
	phoneAfterFive = regexp.MustCompile(`\A\s?[0-9]{5,6}\z`)
	// the UK: "(0161) 496 0000", "(01632) 960123"
	phoneAfterUK = regexp.MustCompile(`\A[/-]?\s?(?:[0-9]{5,8}|[0-9]{3,4}[-\s]?[0-9]{3,4})\z`)
)

// phoneBracketed reports whether rest follows the area code area, written
// in brackets, in a layout that writes one so.
func phoneBracketed(area, rest string) bool {
	n := len(area)
	if len(phoneDigits(area)) != n {
		return false
	}
	trunk := n > 0 && area[0] == '0'
	switch {
	case n == 3 && phoneAfterNANP.MatchString(rest):
	case (n <= 3 || n == 4 && trunk) && phoneAfterNL.MatchString(rest):
	case n >= 2 && phoneAfterCN.MatchString(rest):
	case n >= 2 && n <= 3 && phoneAfterBR.MatchString(rest):
	case n == 5 && phoneAfterFive.MatchString(rest):
	case trunk && n >= 4 && n <= 5 && phoneAfterUK.MatchString(rest):
	default:
		return false
	}
	return true
}

// phoneHyphenated reports whether s joins its groups with "-" in other
// ways than one before its last four digits ("0049 30 123-4567").
func phoneHyphenated(s string) bool {
	n := strings.Count(s, "-")
	if n == 0 {
		return false
	}
	if n > 1 {
		return true
	}
	at := strings.IndexByte(s, '-')
	return len(s)-at-1 != 4 || len(phoneDigits(s[at+1:])) != 4
}

// phoneShortAfterCode reports an international "+" code that a separator
// other than a space joins to the rest in a way no dialling plan writes:
// "+45-12-34-56-78", "+31/40/1234567", "+33.1.23.45.67.89". A "-" or "/"
// may join a code to a subscriber number of five to eight digits, or of two
// groups of three or four ("+45-12345678", "+44-7946-0958"); "-" also
// follows the North American "+1" (before a group of three or more digits)
// and the East Asian "+81", "+82", "+86".
func phoneShortAfterCode(s string) bool {
	if len(s) < 2 || s[0] != '+' {
		return false
	}
	i := 1
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i == 1 || i > 4 || i >= len(s) || s[i] != '-' && s[i] != '.' && s[i] != '/' {
		return false
	}
	code, sep := s[1:i], s[i]
	i++
	if i < len(s) && phoneIsSpace(s[i]) {
		i++
	}
	if sep != '.' && len(code) >= 2 && phoneSubscriber(s[i:]) {
		return false
	}
	if sep != '-' || code != "1" && code != "81" && code != "82" && code != "86" {
		return true
	}
	n := 0
	for ; i < len(s) && isDigit(s[i]); i++ {
		n++
	}
	return code == "1" && n < 3
}

// phoneSubscriber reports whether s is a subscriber number: five to eight
// digits, or two groups of three or four digits joined by at most one "-"
// or space.
func phoneSubscriber(s string) bool {
	d := len(phoneDigits(s))
	if d == len(s) {
		return d >= 5 && d <= 8
	}
	j := 0
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	if j < 3 || j > 4 || j+1 >= len(s) || s[j] != '-' && s[j] != ' ' {
		return false
	}
	rest := len(s) - j - 1
	return rest >= 3 && rest <= 4 && len(phoneDigits(s[j+1:])) == rest
}

// phoneFalsePrefix reports whether the text before a number labels it an
// account or card number ("account number 1234567", "Card #: 1234567"):
// it ends, but for the character right before the number, in "account" or
// "card", then maybe "#" or "number", "is", ":" and white space.
func phoneFalsePrefix(before string) bool {
	if len(before) < 5 {
		return false
	}
	s := before[:len(before)-1]
	s = strings.TrimRight(s, " \t\n\r\v\f")
	s = strings.TrimSuffix(s, ":")
	s = phoneTrimWord(s, "is")
	if t := phoneTrimWord(s, "number"); t != s {
		s = t
	} else {
		s = phoneTrimWord(s, "#")
	}
	return phoneHasSuffixFold(s, "account") || phoneHasSuffixFold(s, "card")
}

// phoneTrimWord removes w, and the white space before it, from the end of
// s, if s ends so.
func phoneTrimWord(s, w string) string {
	if !phoneHasSuffixFold(s, w) {
		return s
	}
	t := s[:len(s)-len(w)]
	u := strings.TrimRight(t, " \t\n\r\v\f")
	if u == t {
		return s
	}
	return u
}

func phoneHasSuffixFold(s, w string) bool {
	return len(s) >= len(w) && strings.EqualFold(s[len(s)-len(w):], w)
}

// phoneExtStart returns where the extension ("x123", " ext. 123") that
// ends run starts, or -1.
func phoneExtStart(run string) int {
	i := len(run)
	for i > 0 && isDigit(run[i-1]) && len(run)-i < 6 {
		i--
	}
	if i == len(run) || i > 0 && isDigit(run[i-1]) {
		return -1
	}
	if i > 0 && phoneIsSpace(run[i-1]) {
		i--
	}
	switch {
	case i >= 4 && strings.EqualFold(run[i-4:i], "ext."):
		i -= 4
	case i >= 3 && strings.EqualFold(run[i-3:i], "ext"):
		i -= 3
	case i >= 1 && run[i-1]|0x20 == 'x':
		i--
	default:
		return -1
	}
	if i > 0 && phoneIsSpace(run[i-1]) {
		i--
	}
	return i
}

// phoneOMBRegex matches an OMB control number ("OMB No. 1234-5678").
var phoneOMBRegex = regexp.MustCompile(`(?i)omb(?:\s*(?:no\.?|number|#))?:?\s+[0-9]{4}-?[0-9]{4}`)

// phoneOMB reports whether main, of the shape dddd-dddd, starting at start
// in text, is an OMB control number.
func phoneOMB(text string, start int, main string) bool {
	if len(main) != 9 || main[4] != '-' || len(phoneDigits(main)) != 8 {
		return false
	}
	for _, m := range phoneOMBRegex.FindAllStringIndex(text[max(0, start-30):min(len(text), start+len(main))], -1) {
		if m[1] > min(start, 30) {
			return true
		}
	}
	return false
}
