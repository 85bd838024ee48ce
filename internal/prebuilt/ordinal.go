package prebuilt

import (
	"sort"
	"strconv"
	"strings"
)

// This file is Parley's English ordinal recogniser (Quantity.Ordinal,
// Recognizers' OrdinalModel): digits with a suffix ("21st"), ordinal words
// after an optional cardinal ("one hundred twenty-fifth", "two
// hundredth"), and positions relative to the end or the current item
// ("last", "second to last", "next one").

func init() { register("OrdinalModel", ModelFunc(recognizeOrdinals)) }

// ordinalSpan is an ordinal found in toks[start:end] (token indices).
type ordinalSpan struct {
	start, end int
	offset     int64
	relativeTo string // "start", "end" or "current"
}

func recognizeOrdinals(text string, _ Context) []Result {
	toks := tokenize(text)
	var cands []ordinalSpan
	for i := range toks {
		if o, ok := relativeAt(toks, i); ok {
			cands = append(cands, o)
		}
		if o, ok := digitOrdinalAt(toks, i); ok {
			cands = append(cands, o)
		}
		if o, ok := wordOrdinalAt(toks, i); ok {
			cands = append(cands, o)
		}
	}
	var out []Result
	for _, o := range pickOrdinals(cands) {
		off := strconv.FormatInt(o.offset, 10)
		value := off
		if o.relativeTo != "start" {
			value = o.relativeTo + "+" + off
			if o.offset < 0 {
				value = o.relativeTo + off
			}
		}
		typ := "ordinal"
		if o.relativeTo != "start" {
			typ = "ordinal.relative"
		}
		out = append(out, span(text, toks[o.start].start, toks[o.end-1].end, typ,
			map[string]any{"offset": off, "relativeTo": o.relativeTo, "value": value}))
	}
	return out
}

// pickOrdinals keeps, left to right, the longest candidate at each place
// and drops those overlapping one kept.
func pickOrdinals(cands []ordinalSpan) []ordinalSpan {
	sort.SliceStable(cands, func(a, b int) bool {
		if cands[a].start != cands[b].start {
			return cands[a].start < cands[b].start
		}
		return cands[a].end > cands[b].end
	})
	var out []ordinalSpan
	next := 0
	for _, c := range cands {
		if c.start >= next {
			out = append(out, c)
			next = c.end
		}
	}
	return out
}

// digitOrdinalAt reads "1st", "22nd", "103rd", "11th" at toks[i].
func digitOrdinalAt(toks []token, i int) (ordinalSpan, bool) {
	t := toks[i]
	if t.kind != tokOther || len(t.raw) < 3 || (i > 0 && toks[i-1].end == t.start && toks[i-1].kind == tokWord) {
		return ordinalSpan{}, false
	}
	digits, suffix := t.raw[:len(t.raw)-2], strings.ToLower(t.raw[len(t.raw)-2:])
	if !allDigits(digits) || len(digits) > 15 {
		return ordinalSpan{}, false
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || suffix != ordinalSuffix(n) {
		return ordinalSpan{}, false
	}
	return ordinalSpan{start: i, end: i + 1, offset: n, relativeTo: "start"}, true
}

// ordinalSuffix is the English suffix of n written in digits.
func ordinalSuffix(n int64) string {
	if n%100 >= 11 && n%100 <= 13 {
		return "th"
	}
	switch n % 10 {
	case 1:
		return "st"
	case 2:
		return "nd"
	case 3:
		return "rd"
	}
	return "th"
}

// ordinalWord returns the position an ordinal word names: the fraction
// denominators but "half" and "quarter", and a common misspelling.
func ordinalWord(w string) (float64, bool) {
	if w == "nineth" {
		return 9, true
	}
	o, ok := ordinalWords[w]
	if !ok || o.noun {
		return 0, false
	}
	return o.value, true
}

// wordOrdinalAt reads the ordinal word at toks[k] with the longest
// cardinal before it that can combine with it: tens before first to ninth
// ("twenty-first", "one hundred twenty fifth"), hundreds before teens and
// tens ("one hundred eleventh"), a smaller group before a scale ("two
// hundredth", "three trillionth").
func wordOrdinalAt(toks []token, k int) (ordinalSpan, bool) {
	v, ok := ordinalWord(toks[k].word)
	if !ok || toks[k].kind != tokWord {
		return ordinalSpan{}, false
	}
	end, hyphen := k, k > 0 && toks[k-1].kind == tokHyphen
	if hyphen {
		end = k - 1
	}
	for j := max(0, k-24); j < end; j++ {
		and := !hyphen && v < 100 && toks[end-1].word == "and"
		cend := end
		if and {
			cend-- // "one thousand and first"
		}
		c, ok := parseCardinal(toks, j, cend)
		if !ok || c.end != cend || c.digits || (and && int64(c.tail)%100 != 0) {
			continue
		}
		if val, ok := combineOrdinal(c, v, hyphen); ok {
			return ordinalSpan{start: j, end: k + 1, offset: int64(val), relativeTo: "start"}, true
		}
	}
	if k > 0 && (toks[k-1].word == "a" || toks[k-1].word == "an") && (v >= 100 || v == 2) {
		// "a thousandth" is a fraction, "a second" a time.
		return ordinalSpan{}, false
	}
	if k > 0 && toks[k-1].kind == tokHyphen {
		return ordinalSpan{}, false
	}
	return ordinalSpan{start: k, end: k + 1, offset: int64(v), relativeTo: "start"}, true
}

// combineOrdinal values cardinal c followed by an ordinal word of value v.
func combineOrdinal(c cardinal, v float64, hyphen bool) (float64, bool) {
	low := int64(c.tail) % 100
	switch {
	case v >= 100:
		if c.tail <= 0 || c.tail >= v || hyphen {
			return 0, false
		}
		return c.value - c.tail + c.tail*v, true
	case v < 10:
		if hyphen && low < 20 {
			return 0, false
		}
		if low%10 != 0 || low == 10 {
			return 0, false
		}
	default:
		if hyphen || low != 0 {
			return 0, false
		}
	}
	return c.value + v, true
}

// relativeAt reads a relative position at toks[i]: "last", "next",
// "previous", "current", "penultimate", "the second to last", "the last
// but one", "the one before the last one".
func relativeAt(toks []token, i int) (ordinalSpan, bool) {
	word := func(k int) string {
		if k < len(toks) && toks[k].kind == tokWord {
			return toks[k].word
		}
		return ""
	}
	rel := func(end int, offset int64, to string) (ordinalSpan, bool) {
		return ordinalSpan{start: i, end: end, offset: offset, relativeTo: to}, true
	}
	k := i
	the := word(k) == "the"
	if the {
		k++
	}
	switch w := word(k); {
	case w == "one" && word(k+1) == "before":
		e := k + 2
		if word(e) == "the" {
			e++
		}
		if word(e) == "last" {
			if word(e+1) == "one" {
				e++
			}
			return rel(e+1, -1, "end")
		}
	case w == "last" && word(k+1) == "but" && word(k+2) == "one":
		return rel(k+3, -1, "end")
	case word(k+1) == "to" && word(k+2) == "last":
		if w == "next" && !the {
			return rel(k+3, -1, "end")
		}
		if v, ok := ordinalWord(w); ok && v >= 2 && v < 10 {
			return rel(k+3, -int64(v)+1, "end")
		}
	}
	if the {
		return ordinalSpan{}, false
	}
	switch w := word(i); w {
	case "last", "final":
		return rel(i+1, 0, "end")
	case "penultimate":
		return rel(i+1, -1, "end")
	case "antepenultimate":
		return rel(i+1, -2, "end")
	case "next", "previous", "current":
		off := map[string]int64{"next": 1, "previous": -1, "current": 0}[w]
		if word(i+1) == "one" {
			return rel(i+2, off, "current")
		}
		return rel(i+1, off, "current")
	}
	return ordinalSpan{}, false
}
