package prebuilt

import (
	"strconv"
)

// Numbers as the DateTime grammar reads them: small cardinals and
// ordinals in digits or words, years, and amounts of units.

// smallNum reads a whole number below a hundred, in digits or words
// ("7", "seven", "twenty-seven", "twenty seven").
func (p *dtParser) smallNum(i int) (int, int, bool) {
	if n, ok := p.num(i); ok {
		return n, i + 1, true
	}
	w := p.word(i)
	if v, ok := dtUnitWordsSmall[w]; ok {
		return v, i + 1, true
	}
	if v, ok := dtTensWords[w]; ok {
		j := i + 1
		if p.is(j, "-") && p.glued(j) {
			j++
		}
		if u, ok := dtUnitWordsSmall[p.word(j)]; ok && u >= 1 && u <= 9 {
			return v + u, j + 1, true
		}
		return v, i + 1, true
	}
	return 0, i, false
}

// wordNum reads a whole number below a hundred written in words only.
func (p *dtParser) wordNum(i int) (int, int, bool) {
	if p.toks != nil && i < len(p.toks) && p.toks[i].num {
		return 0, i, false
	}
	return p.smallNum(i)
}

// ordinalNum reads an ordinal below a hundred: "4th", "21st", "fourth",
// "twenty-first", "thirty first".
func (p *dtParser) ordinalNum(i int) (int, int, bool) {
	if n, ok := p.num(i); ok && len(p.toks[i].s) <= 2 && p.is(i+1, "st", "nd", "rd", "th") && p.glued(i+1) {
		return n, i + 2, true
	}
	w := p.word(i)
	if v, ok := dtOrdinalWords[w]; ok {
		return v, i + 1, true
	}
	if v, ok := dtTensWords[w]; ok {
		j := i + 1
		if p.is(j, "-") && p.glued(j) {
			j++
		}
		if u, ok := dtOrdinalWords[p.word(j)]; ok && u <= 9 {
			return v + u, j + 1, true
		}
	}
	return 0, i, false
}

// dayNum reads a day of the month: an ordinal, or a number from 1 to 31
// in digits or words.
func (p *dtParser) dayNum(i int) (int, int, bool) {
	if d, j, ok := p.ordinalNum(i); ok && d >= 1 && d <= 31 {
		return d, j, true
	}
	if t, ok := p.num(i); ok {
		if len(p.toks[i].s) <= 2 && t >= 1 && t <= 31 {
			return t, i + 1, true
		}
		return 0, i, false
	}
	if d, j, ok := p.smallNum(i); ok && d >= 1 && d <= 31 {
		return d, j, true
	}
	return 0, i, false
}

// yearNum reads a year: four digits from 1000 to 2999, or words
// ("nineteen ninety six", "two thousand and fifteen").
func (p *dtParser) yearNum(i int) (int, int, bool) {
	if n, ok := p.num(i); ok {
		if len(p.toks[i].s) == 4 && n >= 1000 && n <= 2999 && !p.digitChainAfter(i+1) {
			return n, i + 1, true
		}
		return 0, i, false
	}
	// "two thousand (and) fifteen"
	if v, ok := dtUnitWordsSmall[p.word(i)]; ok && v >= 1 && v <= 2 && p.is(i+1, "thousand") {
		j := i + 2
		base := v * 1000
		k := j
		if p.is(k, "and") {
			k++
		}
		if r, e, ok := p.wordNum(k); ok && r > 0 {
			return base + r, e, true
		}
		return base, j, true
	}
	// "nineteen ninety six", "twenty twenty"
	hi, j, ok := p.wordNum(i)
	if !ok || hi < 10 || hi > 29 {
		return 0, i, false
	}
	if p.is(j, "hundred") {
		k := j + 1
		if p.is(k, "and") {
			k++
		}
		if lo, e, ok := p.wordNum(k); ok && lo > 0 {
			return hi*100 + lo, e, true
		}
		return hi * 100, j + 1, true
	}
	lo, k, ok := p.wordNum(j)
	if !ok || lo < 10 {
		if p.is(j, "oh", "o") {
			if u, k2, ok := p.wordNum(j + 1); ok && u < 10 {
				return hi*100 + u, k2, true
			}
		}
		return 0, i, false
	}
	return hi*100 + lo, k, true
}

// digitChainAfter reports whether token i continues a number: a digit
// group after a separator ("1,000", "2.5").
func (p *dtParser) digitChainAfter(i int) bool {
	return p.is(i, ",", ".") && p.glued(i) && i+1 < len(p.toks) && p.toks[i+1].num && p.glued(i+1)
}

// amount reads how many of a unit: a decimal or whole number in digits
// ("3", "3.5", "123.45"), words ("three", "twenty and four"), "a"/"an",
// a vulgar fraction ("½") and vague amounts ("few", "several", "a couple
// of") that Recognizers counts as 3 and 2.
func (p *dtParser) amount(i int) (float64, string, int, bool) {
	if n, ok := p.num(i); ok {
		if p.is(i+1, ".") && p.glued(i+1) && i+2 < len(p.toks) && p.toks[i+2].num && p.glued(i+2) {
			s := p.toks[i].s + "." + p.toks[i+2].s
			v, _ := strconv.ParseFloat(s, 64)
			return v, trimNum(s), i + 3, true
		}
		if p.is(i+1, ",") && p.glued(i+1) {
			return 0, "", i, false
		}
		return float64(n), strconv.Itoa(n), i + 1, true
	}
	switch w := p.word(i); w {
	case "half":
		if p.is(i+1, "an", "a") {
			return 0.5, "0.5", i + 2, true
		}
	case "½":
		return 0.5, "0.5", i + 1, true
	case "a", "an":
		if j, ok := p.anySeq(i+1, "few", "couple of", "couple"); ok {
			n := 3.0
			if p.is(i+1, "couple") {
				n = 2
			}
			return n, strconv.Itoa(int(n)), j, true
		}
		return 1, "1", i + 1, true
	case "few", "several", "some":
		return 3, "3", i + 1, true
	case "couple":
		j := i + 1
		if p.is(j, "of") {
			j++
		}
		return 2, "2", j, true
	}
	if v, j, ok := p.smallNum(i); ok {
		// "one and a half", "one and a quarter"
		if k, ok := p.anySeq(j, "and a half", "and half"); ok {
			return float64(v) + 0.5, trimNum(strconv.FormatFloat(float64(v)+0.5, 'f', -1, 64)), k, true
		}
		if k, ok := p.seq(j, "and a quarter"); ok {
			return float64(v) + 0.25, trimNum(strconv.FormatFloat(float64(v)+0.25, 'f', -1, 64)), k, true
		}
	}
	if v, j, ok := p.wordNum(i); ok {
		// "twenty and four"
		if v >= 20 && v%10 == 0 && p.is(j, "and") {
			if u, k, ok := p.wordNum(j + 1); ok && u >= 1 && u <= 9 {
				return float64(v + u), strconv.Itoa(v + u), k, true
			}
		}
		return float64(v), strconv.Itoa(v), j, true
	}
	return 0, "", i, false
}

func trimNum(s string) string {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}
