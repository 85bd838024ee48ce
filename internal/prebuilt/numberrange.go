package prebuilt

import (
	"sort"
	"strings"
)

// This file is Parley's English number-range recogniser
// (Quantity.NumberRange, Recognizers' NumberRangeModel). It is written
// from English, not ported: a comparison phrase before a number ("more
// than 30", "at most 10", ">= 5"), a phrase after one ("10 or more"), two
// numbers joined ("between 20 and 30", "from 1 to 5", "20-30"), and two
// bounds of opposite sides joined by "and", "but" or a comma ("above 10
// and below 20"). The value is an interval: "[20,30)", "(30,)", "(,10]",
// "[5,5]" for an equality.

func init() { register("NumberRangeModel", ModelFunc(recognizeNumberRanges)) }

// bound is how a comparison phrase constrains a number.
type bound int

const (
	boundNone bound = iota
	boundGT         // (x,)
	boundGE         // [x,)
	boundLT         // (,x)
	boundLE         // (,x]
	boundEQ         // [x,x]
)

// lower reports whether b bounds from below.
func (b bound) lower() bool { return b == boundGT || b == boundGE }

// upper reports whether b bounds from above.
func (b bound) upper() bool { return b == boundLT || b == boundLE }

// phrase is a comparison phrase: its tokens (lower-case words or symbols).
type phrase struct {
	toks []string
	b    bound
}

var (
	greaterWords = []string{"more", "greater", "larger", "bigger", "higher"}
	lessWords    = []string{"less", "fewer", "smaller", "lower"}
	// prefixes come before the number, longest first.
	prefixes []phrase
	// suffixes come after the number ("or more"); those ending in "than"
	// or "to" hold only when no number follows.
	suffixes []phrase
)

func init() {
	add := func(list *[]phrase, b bound, s string) {
		*list = append(*list, phrase{strings.Fields(s), b})
	}
	side := func(words []string, strict, closed, flipped bound) {
		for _, w := range words {
			add(&prefixes, strict, w+" than")
			for _, s := range []string{w + " than or equal to", w + " than or equal", w + " or equal than",
				w + " or equal to", "equal to or " + w + " than", "equal or " + w + " than"} {
				add(&prefixes, closed, s)
			}
			add(&prefixes, flipped, "no "+w+" than")
			add(&prefixes, flipped, "not "+w+" than")
			for _, s := range []string{"or " + w, "and " + w, "or " + w + " than"} {
				add(&suffixes, closed, s)
			}
		}
	}
	side(greaterWords, boundGT, boundGE, boundLE)
	side(lessWords, boundLT, boundLE, boundGE)
	for _, s := range []string{"over", "above", "exceed", "exceeds", "exceeding", "exceeded", "surpass",
		"surpasses", "surpassing", ">"} {
		add(&prefixes, boundGT, s)
	}
	for _, s := range []string{"at least", "at least or equal to", "> =", "≥"} {
		add(&prefixes, boundGE, s)
	}
	for _, s := range []string{"below", "under", "beneath", "<"} {
		add(&prefixes, boundLT, s)
	}
	for _, s := range []string{"at most", "up to", "< =", "≤"} {
		add(&prefixes, boundLE, s)
	}
	for _, s := range []string{"equal to", "equals", "equals to", "equaling to", "equalling to", "equal", "="} {
		add(&prefixes, boundEQ, s)
	}
	for _, s := range []string{"or above", "and above", "or over", "or higher"} {
		add(&suffixes, boundGE, s)
	}
	for _, s := range []string{"or below", "and below", "or under"} {
		add(&suffixes, boundLE, s)
	}
	for _, s := range []string{"or equal", "or equal to"} {
		add(&suffixes, boundEQ, s)
	}
	for _, list := range [][]phrase{prefixes, suffixes} {
		sort.SliceStable(list, func(i, j int) bool { return len(list[i].toks) > len(list[j].toks) })
	}
}

// rangeScanner holds a text's tokens and numbers while ranges are read.
type rangeScanner struct {
	text  string
	toks  []token
	numAt map[int]numberSpan // token index of a number's start -> number
}

// tokAfter returns the index of the first token at or after byte end.
func (s *rangeScanner) tokAfter(end int) int {
	return sort.Search(len(s.toks), func(k int) bool { return s.toks[k].start >= end })
}

// match returns the token index after phrase p at toks[i], or 0.
func (s *rangeScanner) match(p phrase, i int) int {
	if i+len(p.toks) > len(s.toks) {
		return 0
	}
	for k, w := range p.toks {
		t := s.toks[i+k]
		if (t.kind == tokWord && t.word != w) || (t.kind != tokWord && t.raw != w) {
			return 0
		}
	}
	return i + len(p.toks)
}

// symbolic reports whether toks[i] is one of the comparison symbols.
func (s *rangeScanner) symbolic(i int) bool {
	if i < 0 || i >= len(s.toks) {
		return false
	}
	switch s.toks[i].raw {
	case "<", ">", "=", "≤", "≥":
		return true
	}
	return false
}

// prefixAt returns the longest comparison phrase at toks[i] and the token
// after it. A symbol glued to another symbol ("<>", "=>") is none.
func (s *rangeScanner) prefixAt(i int) (bound, int) {
	if s.symbolic(i) && i > 0 && s.symbolic(i-1) && s.toks[i-1].end == s.toks[i].start {
		return boundNone, 0
	}
	for _, p := range prefixes {
		if j := s.match(p, i); j > 0 {
			if s.symbolic(j-1) && s.symbolic(j) && s.toks[j-1].end == s.toks[j].start {
				return boundNone, 0 // "=<30"
			}
			return p.b, j
		}
	}
	return boundNone, 0
}

// operandAt reads the number (or ordinal, "the tenth") at toks[i],
// perhaps after "the". It returns the value and the token after it.
func (s *rangeScanner) operandAt(i int) (float64, int, bool) {
	if i < len(s.toks) && s.toks[i].word == "the" {
		if v, j, ok := s.operandAt(i + 1); ok {
			return v, j, ok
		}
	}
	if i >= len(s.toks) {
		return 0, 0, false
	}
	if n, ok := s.numAt[i]; ok {
		return n.value, s.tokAfter(n.end), true
	}
	for _, f := range []func([]token, int) (ordinalSpan, bool){digitOrdinalAt, wordOrdinalAt} {
		if o, ok := f(s.toks, i); ok && o.relativeTo == "start" {
			return float64(o.offset), o.end, true
		}
	}
	return 0, 0, false
}

// suffixAt returns the phrase after a number at toks[i] ("or more") and
// the token after it; a phrase that a number follows ("or greater than
// 190", "or equal to 6000") is none, nor any shorter one, that number
// having its own comparison.
func (s *rangeScanner) suffixAt(i int) (bound, int) {
	for _, p := range suffixes {
		if j := s.match(p, i); j > 0 {
			if _, _, ok := s.operandAt(j); ok {
				return boundNone, 0
			}
			return p.b, j
		}
	}
	return boundNone, 0
}

// interval is a recognised range: toks[start:end], its bounds.
type interval struct {
	start, end         int
	lo, hi             float64
	hasLo, hasHi       bool
	loClosed, hiClosed bool
}

func (iv interval) value() string {
	var b strings.Builder
	if iv.hasLo && iv.loClosed {
		b.WriteByte('[')
	} else {
		b.WriteByte('(')
	}
	if iv.hasLo {
		b.WriteString(formatNumber(iv.lo))
	}
	b.WriteByte(',')
	if iv.hasHi {
		b.WriteString(formatNumber(iv.hi))
	}
	if iv.hasHi && iv.hiClosed {
		b.WriteByte(']')
	} else {
		b.WriteByte(')')
	}
	return b.String()
}

// bounded returns the interval of a number v under bound b.
func bounded(b bound, v float64, start, end int) interval {
	iv := interval{start: start, end: end}
	switch b {
	case boundGT, boundGE:
		iv.lo, iv.hasLo, iv.loClosed = v, true, b == boundGE
	case boundLT, boundLE:
		iv.hi, iv.hasHi, iv.hiClosed = v, true, b == boundLE
	case boundEQ:
		iv.lo, iv.hasLo, iv.loClosed = v, true, true
		iv.hi, iv.hasHi, iv.hiClosed = v, true, true
	}
	return iv
}

// comparisonAt reads a prefix phrase, its number and perhaps a suffix
// that widens it ("more than 5 or equal to", "equal to 5 or less").
func (s *rangeScanner) comparisonAt(i int) (interval, bool) {
	b, j := s.prefixAt(i)
	if b == boundNone {
		return interval{}, false
	}
	v, k, ok := s.operandAt(j)
	if !ok {
		return interval{}, false
	}
	if sb, e := s.suffixAt(k); sb != boundNone {
		switch {
		case sb == boundEQ && b == boundGT:
			b, k = boundGE, e
		case sb == boundEQ && b == boundLT:
			b, k = boundLE, e
		case b == boundEQ && sb.lower():
			b, k = boundGE, e
		case b == boundEQ && sb.upper():
			b, k = boundLE, e
		}
	}
	return bounded(b, v, i, k), true
}

// joinedAt reads two numbers joined: "between A and B", "from A to B",
// "A to B", "A through B", "A-B", "A~B". A must be below B.
func (s *rangeScanner) joinedAt(i int) (interval, bool) {
	lead, joiners := i, []string{"-", "–", "—", "~", "to", "through", "thru"}
	switch s.toks[i].word {
	case "between":
		lead, joiners = i+1, []string{"and"}
	case "from":
		lead, joiners = i+1, []string{"to", "-", "–", "through", "thru"}
	}
	a, j, ok := s.operandAt(lead)
	if !ok || j >= len(s.toks) {
		return interval{}, false
	}
	t := s.toks[j]
	w := t.word
	if t.kind != tokWord {
		w = t.raw
	}
	if !contains(joiners, w) {
		return interval{}, false
	}
	glued := t.kind != tokWord && s.toks[j-1].end == t.start
	b, k, ok := s.operandAt(j + 1)
	if !ok || a >= b {
		return interval{}, false
	}
	if glued && (s.gluedSymbol(k-1, k) || s.gluedSymbol(lead-1, lead)) {
		return interval{}, false // a code or phone number: "+1-222-2222/2222"
	}
	if b < 1000 && k+1 < len(s.toks) && s.toks[k].word == "in" {
		// "from 200 to 300 in 2008" reads as pages or times in a year.
		if y, ok := s.numAt[k+1]; ok && y.value >= 1000 && y.value < 3000 {
			return interval{}, false
		}
	}
	if lead == i && j+1 < len(s.toks) && s.toks[j+1].word == "the" {
		return interval{}, false
	}
	return interval{start: i, end: k, lo: a, hi: b, hasLo: true, hasHi: true, loClosed: true}, true
}

// gluedSymbol reports whether toks[i] and toks[j] touch and one of them
// is a '-', '/' or '+' that chains codes.
func (s *rangeScanner) gluedSymbol(i, j int) bool {
	if i < 0 || j >= len(s.toks) || s.toks[i].end != s.toks[j].start {
		return false
	}
	chain := func(t token) bool { return t.kind == tokHyphen || t.raw == "/" || t.raw == "+" }
	return chain(s.toks[i]) || chain(s.toks[j])
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// postfixAt reads a number and the phrase after it: "10 or more", "2 in 5
// or more".
func (s *rangeScanner) postfixAt(i int) (interval, bool) {
	v, j, ok := s.operandAt(i)
	if !ok || s.toks[i].word == "the" {
		return interval{}, false
	}
	if j+1 < len(s.toks) && s.toks[j].word == "in" {
		if d, k, ok := s.operandAt(j + 1); ok && d != 0 {
			if b, e := s.suffixAt(k); b.lower() || b.upper() {
				return bounded(b, v/d, i, e), true
			}
		}
	}
	b, e := s.suffixAt(j)
	if !b.lower() && !b.upper() {
		return interval{}, false
	}
	return bounded(b, v, i, e), true
}

// rangeAt reads one range at toks[i], two bounds joined if they make one.
func (s *rangeScanner) rangeAt(i int) (interval, bool) {
	if iv, ok := s.joinedAt(i); ok {
		return iv, true
	}
	iv, ok := s.comparisonAt(i)
	if !ok {
		return s.postfixAt(i)
	}
	if iv.end >= len(s.toks) || (iv.hasLo && iv.hasHi) {
		return iv, true
	}
	j := iv.end
	if c := s.toks[j]; c.word == "and" || c.word == "but" || c.raw == "," {
		j++
	}
	if j == iv.end {
		return iv, true
	}
	other, ok := s.comparisonAt(j)
	if !ok || other.hasLo == other.hasHi || other.hasLo == iv.hasLo {
		return iv, true
	}
	lo, hi := iv, other
	if other.hasLo {
		lo, hi = other, iv
	}
	if lo.lo >= hi.hi {
		return iv, true
	}
	return interval{start: i, end: other.end, lo: lo.lo, hasLo: true, loClosed: lo.loClosed,
		hi: hi.hi, hasHi: true, hiClosed: hi.hiClosed}, true
}

func recognizeNumberRanges(text string, _ Context) []Result {
	s := &rangeScanner{text: text, toks: tokenize(text), numAt: map[int]numberSpan{}}
	tokAt := map[int]int{}
	for k, t := range s.toks {
		tokAt[t.start] = k
	}
	for _, n := range parseNumbers(text) {
		if k, ok := tokAt[n.start]; ok {
			s.numAt[k] = n
		}
	}
	var out []Result
	for i := 0; i < len(s.toks); {
		iv, ok := s.rangeAt(i)
		if !ok {
			i++
			continue
		}
		out = append(out, span(text, s.toks[iv.start].start, s.toks[iv.end-1].end, "numberrange",
			map[string]any{"value": iv.value()}))
		i = iv.end
	}
	return out
}
