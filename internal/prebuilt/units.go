package prebuilt

import (
	"sort"
	"strconv"
	"strings"
)

// This file is the scanner the unit recognisers (age, temperature,
// currency) share: it finds the numbers of a text, digits glued to letters
// included ("115USD", "100元"), and pairs each with a unit written after it
// ("5 dollars") or before it ("$5", "USD 5"). A unit written with no number
// may be a result of its own, with a null value ("convert to celsius").

// placement says where a unit phrase may stand.
type placement uint8

const (
	after  placement = 1 << iota // after the number: "5 years old"
	before                       // before it: "$5", "age 87"
	alone                        // on its own, with no number: "celsius"
)

// unitPhrase is one way of writing a unit.
type unitPhrase struct {
	// text is lower-case; a space in it matches any run of spaces, or none.
	text      string
	unit, iso string
	where     placement
	mult      float64 // the phrase's own scale ("musd" is a million dollars); 0 means 1
}

// unitFound is a number paired with its unit, or a unit alone (hasValue false).
type unitFound struct {
	start, end int // byte offsets
	value      float64
	hasValue   bool
	phrase     *unitPhrase
}

// unitScanner is one family's table and rules.
type unitScanner struct {
	typeName string
	phrases  []unitPhrase
	// veto, if set, rejects a candidate (a bare "degrees" of an angle).
	veto func(low string, f unitFound) bool
	// extend, if set, may grow a match ("3 dollars 50 cents").
	extend func(sc *unitScanner, low string, f unitFound, nums []numberSpan, k int) (unitFound, int)
}

func isASCIILetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

// lowerASCII lower-cases the ASCII letters of s, keeping its byte offsets.
func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// matchFwd matches phrase p at s[i:] and returns where the match ends, or -1.
func matchFwd(s string, i int, p string) int {
	j := i
	for k := 0; k < len(p); k++ {
		if p[k] == ' ' {
			for j < len(s) && s[j] == ' ' {
				j++
			}
			continue
		}
		if j >= len(s) || s[j] != p[k] {
			return -1
		}
		j++
	}
	if isASCIILetter(p[len(p)-1]) && j < len(s) && isASCIILetter(s[j]) {
		return -1
	}
	if isASCIILetter(p[0]) && i > 0 && isASCIILetter(s[i-1]) {
		return -1
	}
	return j
}

// matchBack matches phrase p ending at s[:j] and returns where it starts, or -1.
func matchBack(s string, j int, p string) int {
	i := j
	for k := len(p) - 1; k >= 0; k-- {
		if p[k] == ' ' {
			for i > 0 && s[i-1] == ' ' {
				i--
			}
			continue
		}
		if i <= 0 || s[i-1] != p[k] {
			return -1
		}
		i--
	}
	if isASCIILetter(p[0]) && i > 0 && isASCIILetter(s[i-1]) {
		return -1
	}
	if isASCIILetter(p[len(p)-1]) && j < len(s) && isASCIILetter(s[j]) {
		return -1
	}
	return i
}

// longestAfter returns the longest phrase placed w that starts at s[i:], and its end.
func (sc *unitScanner) longestAfter(s string, i int, w placement) (*unitPhrase, int) {
	var best *unitPhrase
	bestEnd := -1
	for k := range sc.phrases {
		p := &sc.phrases[k]
		if p.where&w == 0 {
			continue
		}
		if e := matchFwd(s, i, p.text); e > bestEnd {
			best, bestEnd = p, e
		}
	}
	return best, bestEnd
}

// longestBefore returns the longest phrase placed before that ends at s[:j], and its start.
func (sc *unitScanner) longestBefore(s string, j int) (*unitPhrase, int) {
	var best *unitPhrase
	bestStart := j + 1
	for k := range sc.phrases {
		p := &sc.phrases[k]
		if p.where&before == 0 {
			continue
		}
		if b := matchBack(s, j, p.text); b >= 0 && b < bestStart {
			best, bestStart = p, b
		}
	}
	return best, bestStart
}

// unitNumbers are the numbers of text: parseNumbers' and the digit runs
// it refuses because letters touch them ("115USD", "usd115", "SCP-173C").
func unitNumbers(text string) []numberSpan {
	nums := parseNumbers(text)
	covered := func(i int) bool {
		for _, n := range nums {
			if n.start <= i && i < n.end {
				return true
			}
		}
		return false
	}
	var extra []numberSpan
	for i := 0; i < len(text); {
		if !isDigit(text[i]) || covered(i) || (i > 0 && isDigit(text[i-1])) {
			i++
			continue
		}
		j := i
		for j < len(text) && (isDigit(text[j]) || ((text[j] == '.' || text[j] == ',') && j+1 < len(text) && isDigit(text[j+1]))) {
			j++
		}
		if v, err := strconv.ParseFloat(strings.ReplaceAll(text[i:j], ",", ""), 64); err == nil {
			extra = append(extra, numberSpan{start: i, end: j, value: v})
		}
		i = j
	}
	if len(extra) == 0 {
		return nums
	}
	nums = append(nums, extra...)
	sort.Slice(nums, func(a, b int) bool { return nums[a].start < nums[b].start })
	return nums
}

// skipSpaces returns the index of the first byte at or after i that is not a space.
func skipSpaces(s string, i int) int {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	return i
}

// scan returns the family's matches in text, left to right, without overlaps.
func (sc *unitScanner) scan(text string) []unitFound {
	low := lowerASCII(text)
	nums := unitNumbers(text)
	var out []unitFound
	done := 0 // bytes before done belong to an earlier match
	for k := 0; k < len(nums); k++ {
		n := nums[k]
		if n.start < done {
			continue
		}
		f := unitFound{value: n.value, hasValue: true}
		// A unit before the number, not taken by an earlier match.
		j := n.start
		for j > done && low[j-1] == ' ' {
			j--
		}
		if p, b := sc.longestBefore(low, j); p != nil && b >= done {
			f.start, f.end, f.phrase = b, n.end, p
		}
		if f.phrase == nil {
			i := skipSpaces(low, n.end)
			if i < len(low) && low[i] == '-' && i == n.end {
				i++ // "12-cent", "5-year-old"
			}
			if p, e := sc.longestAfter(low, i, after); p != nil && !(e < len(low) && isDigit(low[e])) {
				f.start, f.end, f.phrase = n.start, e, p
			}
		}
		if f.phrase == nil || (sc.veto != nil && sc.veto(low, f)) {
			continue
		}
		if f.phrase.mult != 0 {
			f.value *= f.phrase.mult
		}
		if sc.extend != nil {
			f, k = sc.extend(sc, low, f, nums, k)
		}
		out = append(out, f)
		done = f.end
	}
	// Units alone, in the gaps.
	var lone []unitFound
	next := 0
	for i := 0; i < len(low); i++ {
		for next < len(out) && out[next].end <= i {
			next++
		}
		if next < len(out) && out[next].start <= i {
			i = out[next].end - 1
			continue
		}
		if i > 0 && isASCIILetter(low[i-1]) {
			continue
		}
		p, e := sc.longestAfter(low, i, alone)
		if p == nil || (next < len(out) && e > out[next].start) {
			continue
		}
		lone = append(lone, unitFound{start: i, end: e, phrase: p})
		i = e - 1
	}
	out = append(out, lone...)
	sort.Slice(out, func(a, b int) bool { return out[a].start < out[b].start })
	return out
}

// results turns matches into Results with "value" and "unit" and, when the
// unit has one, "isoCurrency".
func (sc *unitScanner) results(text string) []Result {
	var out []Result
	for _, f := range sc.scan(text) {
		res := map[string]any{"unit": f.phrase.unit, "value": nil}
		if f.hasValue {
			res["value"] = formatNumber(f.value)
		}
		if f.phrase.iso != "" {
			res["isoCurrency"] = f.phrase.iso
		}
		out = append(out, span(text, f.start, f.end, sc.typeName, res))
	}
	return out
}

// phrases builds table rows: one per text, all with the same unit.
func phrases(unit, iso string, where placement, texts ...string) []unitPhrase {
	out := make([]unitPhrase, len(texts))
	for i, t := range texts {
		out[i] = unitPhrase{text: t, unit: unit, iso: iso, where: where}
	}
	return out
}
