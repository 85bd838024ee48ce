package prebuilt

import (
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file is Parley's English number recogniser (Quantity.Number,
// Recognizers' NumberModel). It is a small hand-written scanner and
// recursive parser, not a port: digits are read by scanNumber, words by
// parseCardinal and parseWordFraction, and parseNumbers, which the unit,
// ordinal and date recognisers are meant to reuse, ties them together.

func init() { register("NumberModel", ModelFunc(recognizeNumbers)) }

// recognizeNumbers is the NumberModel: one "number" result per number.
func recognizeNumbers(text string, _ Context) []Result {
	var out []Result
	for _, n := range parseNumbers(text) {
		out = append(out, span(text, n.start, n.end, "number", map[string]any{
			"subtype": n.kind.String(), "value": formatNumber(n.value)}))
	}
	return out
}

// numberKind is how a number is written, Recognizers' subtype.
type numberKind int

const (
	kindInteger numberKind = iota
	kindDecimal
	kindFraction
	kindPower
)

func (k numberKind) String() string {
	switch k {
	case kindDecimal:
		return "decimal"
	case kindFraction:
		return "fraction"
	case kindPower:
		return "power"
	}
	return "integer"
}

// numberSpan is a number found in a text: text[start:end] (byte offsets),
// its value and how it is written.
type numberSpan struct {
	start, end int
	value      float64
	kind       numberKind
}

// parseNumbers returns the numbers of text, left to right, longest first
// and without overlaps. A number glued to letters that are not a scale
// ("180ml", "4th") is none.
func parseNumbers(text string) []numberSpan {
	toks := tokenize(text)
	var out []numberSpan
	for i := 0; i < len(toks); {
		n, end, ok := parseAt(toks, i)
		if !ok || (end == i+1 && toks[i].word == "one" && i > 0 && pronounOne[toks[i-1].word]) {
			i++
			continue
		}
		out = append(out, n)
		i = end
	}
	return out
}

// formatNumber writes v as Recognizers (.NET) does: integers in full below
// 1e15, otherwise 15 significant digits with E notation when the exponent
// is below -4 or above 14 ("1E-07", "1.232E+15").
func formatNumber(v float64) string {
	if v == 0 {
		return "0"
	}
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'G', 15, 64)
}

// Tokens.

type tokKind int

const (
	tokWord   tokKind = iota
	tokNum            // digits, already valued
	tokHyphen         // a '-' that is not a sign
	tokOther          // any other symbol
)

type token struct {
	kind       tokKind
	start, end int    // byte offsets
	raw        string // as written
	word       string // lower-cased, for words
	value      float64
	nkind      numberKind
	signed     bool // a digit token with its own sign
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isLetterAt(s string, i int) bool {
	if i < 0 || i >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r)
}

func prevRune(s string, i int) rune {
	if i <= 0 {
		return ' '
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return r
}

// tokenize splits s into words, digit numbers, hyphens and other symbols;
// spaces separate tokens and are dropped.
func tokenize(s string) []token {
	var toks []token
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		switch {
		case unicode.IsSpace(r):
			i += w
		case isDigit(s[i]) || (s[i] == '.' && i+1 < len(s) && isDigit(s[i+1])) || (s[i] == '-' && isSign(s, i, toks)):
			if p := prevRune(s, i); unicode.IsLetter(p) && s[i] != '-' {
				// digits glued after letters ("mp3", "A4") are no number.
				j := i
				if s[j] == '.' {
					j++ // "p.0": the dot starts the run, or the scan would not move
				}
				for j < len(s) && (isDigit(s[j]) || isLetterAt(s, j)) {
					_, w := utf8.DecodeRuneInString(s[j:])
					j += w
				}
				toks = append(toks, token{kind: tokOther, start: i, end: j, raw: s[i:j]})
				i = j
				continue
			}
			ts, next := scanNumber(s, i)
			toks = append(toks, ts...)
			i = next
		case unicode.IsLetter(r):
			j := i
			for j < len(s) {
				r, w := utf8.DecodeRuneInString(s[j:])
				if !unicode.IsLetter(r) {
					break
				}
				j += w
			}
			toks = append(toks, token{kind: tokWord, start: i, end: j, raw: s[i:j], word: strings.ToLower(s[i:j])})
			i = j
		case r == '-':
			toks = append(toks, token{kind: tokHyphen, start: i, end: i + w, raw: "-"})
			i += w
		default:
			t := token{kind: tokOther, start: i, end: i + w, raw: s[i : i+w]}
			if v, ok := vulgarFractions[r]; ok {
				t.kind, t.value, t.nkind = tokNum, v, kindFraction
			}
			toks = append(toks, t)
			i += w
		}
	}
	return toks
}

// isSign reports whether the '-' at s[i] is a minus sign: it starts a word
// (not "SCP-173", "1-222"), does not follow a number ("5 - 3"), and digits
// follow it, perhaps after spaces ("- 10 k").
func isSign(s string, i int, toks []token) bool {
	if p := prevRune(s, i); unicode.IsLetter(p) || unicode.IsDigit(p) || p == '-' {
		return false
	}
	if n := len(toks); n > 0 && toks[n-1].kind == tokNum {
		return false
	}
	j := i + 1
	for j < len(s) && s[j] == ' ' {
		j++
	}
	return j < len(s) && (isDigit(s[j]) || (s[j] == '.' && j+1 < len(s) && isDigit(s[j+1])))
}

// groupSpace returns the length of a thousands separator made of space at
// s[i] (space, no-break space, narrow no-break space), or 0.
func groupSpace(s string, i int) int {
	if i >= len(s) {
		return 0
	}
	r, w := utf8.DecodeRuneInString(s[i:])
	if r == ' ' || r == '\u00a0' || r == '\u202f' {
		return w
	}
	return 0
}

func digitsAt(s string, i, n int) bool {
	if i+n > len(s) {
		return false
	}
	for k := i; k < i+n; k++ {
		if !isDigit(s[k]) {
			return false
		}
	}
	return i+n == len(s) || !isDigit(s[i+n])
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

// scanNumber reads the digit number at s[i] (perhaps a sign first) with
// its separators, exponent, fraction bar or glued scale. It returns its
// tokens (several when the separators make no number, as in
// "192.168.1.2") and where scanning stopped.
func scanNumber(s string, i int) ([]token, int) {
	start := i
	neg := false
	if s[i] == '-' {
		neg = true
		i++
		for i < len(s) && s[i] == ' ' {
			i++
		}
	}
	j := i
	for j < len(s) && (isDigit(s[j]) || ((s[j] == '.' || s[j] == ',') && j+1 < len(s) && isDigit(s[j+1]))) {
		j++
	}
	run := s[i:j]
	var val float64
	kind := kindInteger
	ok := false
	if allDigits(run) && len(run) <= 3 {
		// Space as thousands separator: "1 234 567", "40 000".
		k, digits := j, run
		for {
			sp := groupSpace(s, k)
			if sp == 0 || !digitsAt(s, k+sp, 3) {
				break
			}
			digits += s[k+sp : k+sp+3]
			k += sp + 3
		}
		if k > j {
			if k+1 < len(s) && s[k] == '.' && isDigit(s[k+1]) {
				m := k + 1
				for m < len(s) && isDigit(s[m]) {
					m++
				}
				digits += s[k:m]
				k = m
			}
			j = k
			run = digits
		}
	}
	if v, kd, good := readDigits(run); good {
		val, kind, ok = v, kd, true
	}
	if !ok {
		// No single number: each digit run is one ("22,24,26").
		var toks []token
		for a := i; a < j; {
			b := a
			for b < j && isDigit(s[b]) {
				b++
			}
			if b > a {
				v, _ := strconv.ParseFloat(s[a:b], 64)
				toks = append(toks, token{kind: tokNum, start: a, end: b, raw: s[a:b], value: v})
			}
			a = b + 1
		}
		return toks, j
	}
	sign := 1.0
	if neg {
		sign = -1
	}
	t := token{kind: tokNum, start: start, signed: neg}
	switch {
	case j < len(s) && (s[j] == 'e' || s[j] == 'E') && expAt(s, j+1, false) > 0:
		e, n := readExp(s, j+1)
		val, kind, j = val*math.Pow(10, e), kindPower, j+1+n
	case j < len(s) && s[j] == '^' && expAt(s, j+1, true) > 0:
		e, n := readExp(s, j+1)
		val, kind, j = math.Pow(val, e), kindPower, j+1+n
	case j+3 < len(s) && (s[j] == 'x' || s[j] == 'X') && s[j+1:j+4] == "10^" && expAt(s, j+4, true) > 0:
		e, n := readExp(s, j+4)
		val, kind, j = val*math.Pow(10, e), kindPower, j+4+n
	case j+1 < len(s) && s[j] == '/' && isDigit(s[j+1]) && kind == kindInteger && !inChain(s, i, j):
		m := j + 1
		for m < len(s) && isDigit(s[m]) {
			m++
		}
		d, _ := strconv.ParseFloat(s[j+1:m], 64)
		if d != 0 && !(m < len(s) && (s[m] == '/' || s[m] == '-') && m+1 < len(s) && isDigit(s[m+1])) {
			val, kind, j = val/d, kindFraction, m
		}
	}
	// Letters glued to the number: a scale ("10k", "2mil") or a unit or
	// suffix ("180ml", "4th") that makes it no number.
	if isLetterAt(s, j) {
		m := j
		for m < len(s) && (isLetterAt(s, m) || isDigit(s[m])) {
			_, w := utf8.DecodeRuneInString(s[m:])
			m += w
		}
		sc, isScale := digitScales[s[j:m]]
		if !isScale || kind == kindFraction || kind == kindPower {
			return []token{{kind: tokOther, start: start, end: m, raw: s[start:m]}}, m
		}
		val *= sc
		if val == math.Trunc(val) {
			kind = kindInteger
		}
		j = m
	}
	t.end, t.raw, t.value, t.nkind = j, s[start:j], sign*val, kind
	return []token{t}, j
}

// inChain reports whether the digits s[i:j] sit in a chain joined by '-'
// or '/' ("5/17/2018", "222-2222/2222"), whose parts are separate numbers.
func inChain(s string, i, j int) bool {
	return i >= 2 && (s[i-1] == '-' || s[i-1] == '/') && isDigit(s[i-2])
}

// expAt returns the length of an exponent at s[i]: signs (several only if
// many is set, "^--23") then digits; 0 if there is none.
func expAt(s string, i int, many bool) int {
	j := i
	for j < len(s) && (s[j] == '+' || s[j] == '-') && (many || j == i) {
		j++
	}
	k := j
	for k < len(s) && isDigit(s[k]) {
		k++
	}
	if k == j {
		return 0
	}
	return k - i
}

// readExp reads the exponent at s[i]; each '-' flips its sign.
func readExp(s string, i int) (float64, int) {
	n := expAt(s, i, true)
	neg := false
	k := i
	for ; s[k] == '+' || s[k] == '-'; k++ {
		if s[k] == '-' {
			neg = !neg
		}
	}
	e, _ := strconv.ParseFloat(s[k:i+n], 64)
	if neg {
		e = -e
	}
	return e, n
}

// readDigits values a run of digits, dots and commas when it is one
// number: plain ("1234"), US ("1,234.5"), Indian ("12,34,567.89"),
// continental ("1.111,11") or decimal-comma ("1,3") grouping.
func readDigits(run string) (float64, numberKind, bool) {
	dots, commas := strings.Count(run, "."), strings.Count(run, ",")
	parse := func(s string) (float64, numberKind, bool) {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return 0, 0, false
		}
		if strings.Contains(s, ".") && v != math.Trunc(v) {
			return v, kindDecimal, true
		}
		return v, kindInteger, true
	}
	intPart, frac, hasFrac := run, "", false
	if k := strings.LastIndexByte(run, '.'); k >= 0 && dots == 1 {
		intPart, frac, hasFrac = run[:k], run[k+1:], true
	}
	groups := strings.Split(intPart, ",")
	switch {
	case dots == 0 && commas == 0:
		return parse(run)
	case commas == 0 && dots == 1:
		return parse(run)
	case commas == 1 && dots > 0 && strings.Index(run, ",") > strings.LastIndex(run, "."):
		k := strings.Index(run, ",")
		if dg := strings.Split(run[:k], "."); groupsOK(dg, 3) {
			return parse(strings.Join(dg, "") + "." + run[k+1:])
		}
	case dots <= 1 && commas > 0 && groupsOK(groups, 3):
		return parse(strings.Join(groups, "") + dotFrac(frac, hasFrac))
	case dots <= 1 && commas > 1 && len(groups[0]) <= 2 && len(groups[len(groups)-1]) == 3 && groupsOK(groups[:len(groups)-1], 2):
		return parse(strings.Join(groups, "") + dotFrac(frac, hasFrac))
	case dots == 0 && commas == 1 && len(groups[1]) <= 2:
		return parse(groups[0] + "." + groups[1])
	}
	return 0, 0, false
}

func dotFrac(frac string, has bool) string {
	if has {
		return "." + frac
	}
	return ""
}

// groupsOK reports whether groups after the first have n digits and the
// first has 1 to n.
func groupsOK(groups []string, n int) bool {
	if len(groups[0]) == 0 || len(groups[0]) > n {
		return false
	}
	for _, g := range groups[1:] {
		if len(g) != n {
			return false
		}
	}
	return true
}

// Parsing.

// parseAt parses the longest number starting at toks[i] and returns it
// with the index of the token after it.
func parseAt(toks []token, i int) (numberSpan, int, bool) {
	if w := toks[i].word; (w == "minus" || w == "negative") && i+1 < len(toks) && !toks[i+1].signed {
		if n, end, ok := parseUnsigned(toks, i+1); ok {
			n.start, n.value = toks[i].start, -n.value
			return n, end, true
		}
	}
	return parseUnsigned(toks, i)
}

func parseUnsigned(toks []token, i int) (numberSpan, int, bool) {
	t := toks[i]
	best, bestEnd, found := numberSpan{}, 0, false
	consider := func(n numberSpan, end int, ok bool) {
		if ok && end > bestEnd {
			best, bestEnd, found = n, end, true
		}
	}
	if t.kind == tokNum && (t.nkind == kindFraction || t.nkind == kindPower) {
		return numberSpan{start: t.start, end: t.end, value: t.value, kind: t.nkind}, i + 1, true
	}
	// "2 1/4": an integer and a fraction.
	if t.kind == tokNum && t.nkind == kindInteger && i+1 < len(toks) {
		if f := toks[i+1]; f.kind == tokNum && f.nkind == kindFraction && !f.signed && f.value < 1 {
			v := t.value + f.value
			if t.value < 0 || t.signed {
				v = t.value - f.value
			}
			consider(numberSpan{start: t.start, end: f.end, value: v, kind: kindFraction}, i+2, true)
		}
	}
	consider(parseWordFraction(toks, i))
	if c, ok := parseCardinal(toks, i, len(toks)); ok {
		n := numberSpan{start: t.start, end: toks[c.end-1].end, value: c.value, kind: c.kind()}
		consider(n, c.end, true)
		consider(parsePoint(toks, c, n))
		consider(parseOver(toks, c, n))
	}
	return best, bestEnd, found
}

// cardinal is a whole number read from tokens.
type cardinal struct {
	value     float64
	lastScale float64 // the last scale applied ("million"), 0 if none
	tail      float64 // the part below lastScale
	end       int     // index of the token after it
	digits    bool    // has digit tokens
	decimal   bool    // a decimal digit token ("1.5 million")
}

func (c cardinal) kind() numberKind {
	if c.value != math.Trunc(c.value) {
		return kindDecimal
	}
	return kindInteger
}

type elem int

const (
	elNone elem = iota
	elUnit
	elTens
	elTeen
	elHundred
	elScale
	elDigits
	elAnd
	elHyphen
	elA
)

// parseCardinal reads the longest whole number in toks[i:lim]: words
// ("twenty-one trillion and three hundred"), digits with scales
// ("4 thousand 3 hundred and 21", "2.5 million", "10 k") and dozens.
// Each group below a thousand is hundreds, then tens, then units; scales
// must fall ("two hundred and two thousand", not "3 hundred and 2 hundred").
func parseCardinal(toks []token, i, lim int) (cardinal, bool) {
	var (
		total, group, small float64
		smallState          int // 0 empty, 1 tens open for a unit, 2 closed
		hundred             bool
		lastScale           = math.Inf(1)
		prev                = elNone
		best, atScale       cardinal
		ok, okAtScale       bool
		digits, decimal     bool
	)
	accept := func(k int) {
		ls := lastScale
		if math.IsInf(ls, 1) {
			ls = 0
		}
		best = cardinal{value: total + group + small, lastScale: ls, tail: group + small, end: k, digits: digits, decimal: decimal}
		ok = true
	}
	markScale := func() { atScale, okAtScale = best, true }
loop:
	for k := i; k < lim; k++ {
		t := toks[k]
		switch {
		case t.kind == tokNum:
			if t.nkind == kindFraction || t.nkind == kindPower {
				break loop
			}
			if prev == elNone {
				small, smallState, digits, decimal = t.value, 2, true, t.nkind == kindDecimal
				prev = elDigits
				accept(k + 1)
				continue
			}
			if t.nkind != kindInteger || t.signed || smallState != 0 || t.value <= 0 || (hundred && t.value >= 100) || t.value >= lastScale ||
				(prev != elScale && prev != elHundred && prev != elAnd) {
				break loop
			}
			small, smallState, digits, prev = t.value, 2, true, elDigits
			accept(k + 1)
		case t.kind == tokHyphen:
			if prev != elTens || k+1 >= lim {
				break loop
			}
			if _, unit := unitWords[toks[k+1].word]; !unit || toks[k+1].word == "zero" || unitWords[toks[k+1].word] == 0 {
				break loop
			}
			prev = elHyphen
		case t.kind == tokWord:
			w := t.word
			if v, isUnit := unitWords[w]; isUnit {
				if v == 0 {
					if prev == elNone {
						accept(k + 1)
					}
					break loop
				}
				if prev == elDigits || smallState == 2 || (smallState == 1 && prev == elAnd) || prev == elA {
					break loop
				}
				small += v
				smallState, prev = 2, elUnit
				accept(k + 1)
			} else if v, isTeen := teenWords[w]; isTeen {
				if smallState != 0 || prev == elA {
					break loop
				}
				small, smallState, prev = v, 2, elTeen
				accept(k + 1)
			} else if v, isTens := tensWords[w]; isTens {
				if smallState != 0 || prev == elA {
					break loop
				}
				small, smallState, prev = v, 1, elTens
				accept(k + 1)
			} else if (w == "a" || w == "an") && prev == elNone {
				if k+1 >= lim {
					break loop
				}
				n := toks[k+1].word
				if _, sc := scaleWords[n]; !sc && n != "hundred" && !dozenWords[n] {
					break loop
				}
				small, smallState, prev = 1, 2, elA
			} else if w == "hundred" || w == "hundreds" {
				if hundred || smallState == 0 || (small >= 100 && !digits) || (smallState == 1 && prev != elTens) {
					if smallState != 0 {
						best, ok = atScale, okAtScale
					}
					break loop
				}
				group, small, smallState, hundred, prev = small*100, 0, 0, true, elHundred
				accept(k + 1)
				markScale()
			} else if sc, isScale := scaleScale(w, t.raw, prev); isScale {
				switch {
				case group+small != 0 && sc < lastScale:
					total += (group + small) * sc
					group, small, smallState, hundred, lastScale, prev = 0, 0, 0, false, sc, elScale
				case group+small == 0 && prev == elScale && sc > lastScale:
					total *= sc
					lastScale *= sc
				default:
					if smallState != 0 {
						best, ok = atScale, okAtScale
					}
					break loop
				}
				accept(k + 1)
				markScale()
			} else if dozenWords[w] {
				if smallState == 0 {
					break loop
				}
				small *= 12
				accept(k + 1)
				break loop
			} else if w == "and" {
				if prev != elHundred && prev != elScale {
					break loop
				}
				prev = elAnd
			} else {
				break loop
			}
		default:
			break loop
		}
	}
	return best, ok
}

// scaleScale returns the scale a word names: a scale word, or after
// digits a short scale ("k", "bln").
func scaleScale(w, raw string, prev elem) (float64, bool) {
	if sc, ok := scaleWords[w]; ok {
		return sc, true
	}
	if prev == elDigits {
		sc, ok := digitScales[raw]
		return sc, ok
	}
	return 0, false
}

// fullCardinal values toks[i:j] when it is one cardinal exactly; a lone
// "a" or "an" is one.
func fullCardinal(toks []token, i, j int) (cardinal, bool) {
	if j-i == 1 && (toks[i].word == "a" || toks[i].word == "an") {
		return cardinal{value: 1, end: j}, true
	}
	if j <= i {
		return cardinal{}, false
	}
	c, ok := parseCardinal(toks, i, j)
	return c, ok && c.end == j
}

// andSum values toks[i:j] as one cardinal, or as cardinals joined by
// "and" and summed ("twenty and three").
func andSum(toks []token, i, j int) (cardinal, bool) {
	if c, ok := fullCardinal(toks, i, j); ok {
		return c, true
	}
	var sum cardinal
	a := i
	for k := i; k <= j; k++ {
		if k == j || toks[k].word == "and" {
			c, ok := fullCardinal(toks, a, k)
			if !ok {
				return cardinal{}, false
			}
			sum.value += c.value
			sum.digits = sum.digits || c.digits
			a = k + 1
		}
	}
	sum.end = j
	return sum, true
}

// isScaleTok reports whether t is a scale of a thousand or more.
func isScaleTok(t token) bool {
	_, ok := scaleWords[t.word]
	return ok
}

func isNumberWordTok(t token) bool {
	switch t.kind {
	case tokHyphen:
		return true
	case tokNum:
		return t.nkind == kindInteger || t.nkind == kindDecimal
	case tokWord:
		w := t.word
		_, u := unitWords[w]
		_, te := teenWords[w]
		_, tn := tensWords[w]
		_, sc := scaleWords[w]
		_, ds := digitScales[t.raw]
		return u || te || tn || sc || ds || w == "hundred" || w == "hundreds" || w == "and" || w == "a" || w == "an"
	}
	return false
}

// parseWordFraction reads a fraction in words: "two thirds", "a half",
// "one hundred and three quarters", "three twenty-firsts",
// "five and a half million", "two thirds of a million".
func parseWordFraction(toks []token, i int) (numberSpan, int, bool) {
	k := i
	for k < len(toks) && isNumberWordTok(toks[k]) {
		k++
	}
	if k >= len(toks) || toks[k].kind != tokWord {
		return numberSpan{}, 0, false
	}
	ord, isOrd := lookupOrdinal(toks[k].word)
	if !isOrd {
		return numberSpan{}, 0, false
	}
	w := k // numerator tokens are toks[i:w]
	if w > i && toks[w-1].kind == tokHyphen {
		w--
	}
	if w > i && toks[i].word == "and" {
		return numberSpan{}, 0, false
	}
	var (
		value float64
		x     cardinal // the whole part of a mixed number
		mixed bool
	)
	num := func(c cardinal, ok bool) (float64, bool) {
		if !ok || c.digits || (!ord.plural && !ord.noun && c.value != 1) || (!ord.plural && ord.noun && c.value != 1) {
			return 0, false
		}
		return c.value, true
	}
	lastAnd := -1
	for a := i; a < w; a++ {
		if toks[a].word == "and" {
			lastAnd = a
		}
	}
	full, fullOK := fullCardinal(toks, i, w)
	_, tensLast := tensWords[wordAt(toks, w-1)]
	// "and" after a scale, or before a noun or a scale ordinal, starts the
	// fraction of a mixed number: "six million and two thirds", "one
	// hundred and three quarters"; elsewhere it joins the numerator ("one
	// hundred and thirty fifths" is 130/5).
	andMixed := lastAnd > i && (ord.noun || ord.value >= 100 || !fullOK || isScaleTok(toks[lastAnd-1]))
	done := false
	if andMixed {
		if xc, ok := andSum(toks, i, lastAnd); ok {
			if n, ok := num(fullCardinal(toks, lastAnd+1, w)); ok && !(ord.unit && ord.value <= 2) {
				x, mixed, value, done = xc, true, n/ord.value, true
			}
		}
	}
	switch {
	case done:
	case w == i:
		if !ord.noun || ord.plural {
			return numberSpan{}, 0, false
		}
		value = 1 / ord.value
	case ord.unit && tensLast && w-i >= 2 && toks[w-2].word != "and":
		// "three twenty-firsts", "one hundred thirty fifths" (100/35).
		n, ok := num(fullCardinal(toks, i, w-1))
		if !ok {
			return numberSpan{}, 0, false
		}
		value = n / (tensWords[toks[w-1].word] + ord.value)
	case fullOK:
		n, ok := num(full, true)
		if !ok || (ord.unit && ord.value <= 2) {
			return numberSpan{}, 0, false
		}
		value = n / ord.value
	default:
		// "one one hundred fifth": the longest number, then the
		// denominator's own words.
		c, ok := parseCardinal(toks, i, w)
		if !ok {
			return numberSpan{}, 0, false
		}
		n, ok := num(c, true)
		if !ok {
			return numberSpan{}, 0, false
		}
		e := w
		if toks[e-1].word == "and" {
			e--
		}
		d, ok := fullCardinal(toks, c.end, e)
		if !ok || d.digits {
			return numberSpan{}, 0, false
		}
		den := d.value * ord.value
		if ord.value < 100 {
			den = d.value + ord.value
		}
		value = n / den
	}
	end := k + 1
	// A scale after the fraction: "half million", "two thirds of a
	// million", "half a dozen".
	scale := 0.0
	m := end
	if m < len(toks) && toks[m].word == "of" {
		m++
	}
	if m < len(toks) && (toks[m].word == "a" || toks[m].word == "an") {
		m++
	}
	if m < len(toks) {
		if sc, ok := scaleWords[toks[m].word]; ok {
			scale, end = sc, m+1
		} else if dozenWords[toks[m].word] && m > k+1 {
			scale, end = 12, m+1
		}
	}
	kind := kindFraction
	switch {
	case mixed && scale != 0 && x.lastScale > scale:
		value = x.value + value*scale
	case mixed && scale != 0:
		value = (x.value + value) * scale
	case mixed && x.lastScale != 0 && x.tail == 0:
		value = x.value + value*x.lastScale
	case mixed:
		value = x.value + value
	case scale != 0:
		value *= scale
		if scale == 12 {
			kind = kindInteger
		}
	}
	return numberSpan{start: toks[i].start, end: toks[end-1].end, value: value, kind: kind}, end, true
}

// parsePoint reads the decimals of a number in words: "two hundred point
// zero three", "nought point eleven".
func parsePoint(toks []token, c cardinal, n numberSpan) (numberSpan, int, bool) {
	k := c.end
	if c.digits || k >= len(toks) || toks[k].word != "point" {
		return numberSpan{}, 0, false
	}
	var digits strings.Builder
	k++
	for k < len(toks) {
		w := toks[k].word
		if v, ok := unitWords[w]; ok {
			digits.WriteString(strconv.Itoa(int(v)))
			k++
		} else if v, ok := teenWords[w]; ok {
			digits.WriteString(strconv.Itoa(int(v)))
			k++
		} else if v, ok := tensWords[w]; ok {
			j := k + 1
			if j < len(toks) && toks[j].kind == tokHyphen {
				j++
			}
			if u, ok := unitWords[wordAt(toks, j)]; ok && u != 0 {
				v += u
				k = j + 1
			} else {
				k++
			}
			digits.WriteString(strconv.Itoa(int(v)))
		} else {
			break
		}
	}
	if digits.Len() == 0 {
		return numberSpan{}, 0, false
	}
	f, _ := strconv.ParseFloat("0."+digits.String(), 64)
	return numberSpan{start: n.start, end: toks[k-1].end, value: n.value + f, kind: kindDecimal}, k, true
}

func wordAt(toks []token, i int) string {
	if 0 <= i && i < len(toks) {
		return toks[i].word
	}
	return ""
}

// parseOver reads "one over three", "2000 over 3", "two out of five
// hundred" and "1 in twenty-one" as fractions. "Out of" and "in" need a
// numerator below the denominator ("12 out of 10" is two numbers), and
// "in" a numerator of one; "over 3 years" is a duration, not a fraction.
func parseOver(toks []token, c cardinal, n numberSpan) (numberSpan, int, bool) {
	k := c.end
	if k >= len(toks) || c.value != math.Trunc(c.value) {
		return numberSpan{}, 0, false
	}
	word := toks[k].word
	switch {
	case word == "over":
		k++
	case word == "out" && wordAt(toks, k+1) == "of":
		k += 2
	case word == "in" && c.value == 1:
		k++
	default:
		return numberSpan{}, 0, false
	}
	if k >= len(toks) {
		return numberSpan{}, 0, false
	}
	d, ok := parseCardinal(toks, k, len(toks))
	if !ok || d.value == 0 || d.value != math.Trunc(d.value) || toks[k].signed {
		return numberSpan{}, 0, false
	}
	if word != "over" && c.value >= d.value {
		return numberSpan{}, 0, false
	}
	if word == "over" && d.end < len(toks) && toks[d.end].kind == tokWord {
		return numberSpan{}, 0, false
	}
	return numberSpan{start: n.start, end: toks[d.end-1].end, value: c.value / d.value, kind: kindFraction}, d.end, true
}
