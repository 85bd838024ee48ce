package prebuilt

import "time"

// Clock times: "7:56:30 pm", "8am", "half past seven", "noon", "nine
// thirty", and the parts of the day ("in the morning").

// tpoint is a clock time as written; ampm is 0 when the text does not
// say, 1 for am and 2 for pm.
type tpoint struct {
	h, m, s        int
	hasMin, hasSec bool
	ampm           int
	exact          bool // no am/pm doubt ("noon", "11ish", 24-hour clock)
	end            int
}

func (t tpoint) timexAt(h int) string {
	s := "T" + pad2(h)
	if t.hasMin || t.hasSec {
		s += ":" + pad2(t.m)
	}
	if t.hasSec {
		s += ":" + pad2(t.s)
	}
	return s
}

// hours are the hours the time may mean, am first.
func (t tpoint) hours() []int {
	h := t.h
	switch {
	case t.ampm == 1:
		return []int{h % 12}
	case t.ampm == 2:
		return []int{h%12 + 12}
	case t.exact || h == 0 || h > 12:
		return []int{h}
	case h == 12:
		return []int{12, 0}
	}
	return []int{h, h + 12}
}

// timeAlts resolves a time on the reference's day.
func (p *dtParser) timeAlts(t tpoint) []dtAlt {
	var out []dtAlt
	base := day(p.ref)
	for _, h := range t.hours() {
		out = append(out, dtAlt{timex: t.timexAt(h), at: base.Add(time.Duration(h)*time.Hour + time.Duration(t.m)*time.Minute + time.Duration(t.s)*time.Second)})
	}
	return out
}

// ampmAt reads "am", "p.m.", "a m", "pm", "a"/"p" glued to a number.
func (p *dtParser) ampmAt(i int) (int, int, bool) {
	w := p.word(i)
	if n := i + 1; n < len(p.toks) && p.glued(n) && (p.toks[n].num || isLetterTok(p.toks[n])) && (w == "am" || w == "pm") && !p.is(n, "pm") {
		return 0, i, false
	}
	switch w {
	case "am", "pm":
		v := 1
		if w == "pm" {
			v = 2
		}
		j := i + 1
		if p.is(j, "pm") && w == "am" && p.glued(j) { // "7ampm"
			return 0, j + 1, true
		}
		return v, j, true
	case "ampm":
		return 0, i + 1, true
	case "a", "p":
		v := 1
		if w == "p" {
			v = 2
		}
		j := i + 1
		if p.is(j, ".") {
			j++
		}
		if p.is(j, "m") {
			j++
			if p.is(j, ".") && p.is(j-2, ".") {
				j++
			}
			return v, j, true
		}
		if p.glued(i) && i > 0 && p.toks[i-1].num && !(i+1 < len(p.toks) && p.glued(i+1) && !p.is(i+1, ".")) {
			return v, i + 1, true
		}
	case ".":
		if p.glued(i) && p.is(i+1, "am", "pm") && p.glued(i+1) {
			return p.ampmAt(i + 1)
		}
	}
	return 0, i, false
}

// timePoint reads a clock time at i. loose accepts forms that are times
// only where one is expected: a bare hour ("at 7", "5 to 6pm"), a dotted
// time ("at 6.45").
func (p *dtParser) timePoint(i int, loose bool) (tpoint, bool) {
	k := memoKey{i: i, what: 't'}
	if loose {
		k.what = 'T'
	}
	if v, ok := p.memo[k]; ok {
		return v.t, v.ok
	}
	t, ok := p.timePointUncached(i, loose)
	if p.memo == nil {
		p.memo = map[memoKey]memoVal{}
	}
	p.memo[k] = memoVal{t: t, ok: ok}
	return t, ok
}

func (p *dtParser) timePointUncached(i int, loose bool) (tpoint, bool) {
	var best tpoint
	found := false
	try := func(t tpoint, ok bool) {
		if ok && (!found || t.end > best.end) {
			best, found = t, true
		}
	}
	try(p.timeDigits(i, loose))
	try(p.timeWords(i, loose))
	try(p.timeSpecial(i))
	// "in the morning at 7", "in the afternoon 9 oclock"
	for _, pre := range []struct {
		phrase string
		ampm   int
	}{{"in the morning", 1}, {"in the afternoon", 2}, {"in the evening", 2}, {"at night", 2}} {
		j, ok := p.seq(i, pre.phrase)
		if !ok {
			continue
		}
		k := j
		if p.is(k, "at", "around") {
			k++
		}
		if t, ok := p.timePoint(k, k > j); ok && t.ampm == 0 && t.h <= 12 {
			t.ampm = pre.ampm
			try(t, true)
		}
	}
	if !found || p.is(best.end, "%", "percent", "per") {
		return best, false
	}
	// "in the morning", "in the evening", "at night", "tonight" after it
	if j, ok := p.anySeq(best.end, "in the morning"); ok && best.ampm == 0 {
		if best.h < 12 {
			best.ampm, best.end = 1, j
		}
	} else if j, ok := p.anySeq(best.end, "in the afternoon", "in the evening", "at night"); ok && best.ampm == 0 {
		best.ampm, best.end = 2, j
	}
	return best, true
}

func (p *dtParser) timeDigits(i int, loose bool) (tpoint, bool) {
	h, ok := p.num(i)
	if !ok || len(p.toks[i].s) > 4 {
		return tpoint{}, false
	}
	if i > 0 && p.glued(i) && (p.toks[i-1].num || p.is(i-1, ".", ",", ":", "/")) {
		return tpoint{}, false
	}
	t := tpoint{h: h, end: i + 1}
	j := i + 1
	switch {
	case len(p.toks[i].s) >= 3:
		// "1140 a.m."
		if ap, e, ok := p.ampmAt(j); ok && h%100 < 60 && h/100 <= 12 && h/100 >= 1 {
			t.h, t.m, t.hasMin, t.ampm, t.end = h/100, h%100, true, ap, e
			return t, true
		}
		// "0730" in a range of times
		if loose && len(p.toks[i].s) == 4 && h%100 < 60 && h/100 <= 23 && (p.is(j, "-") || p.is(i-1, "-")) {
			t.h, t.m, t.hasMin = h/100, h%100, true
			return t, true
		}
		return tpoint{}, false
	case (p.is(j, ":") || p.is(j, ".")) && p.glued(j) && j+1 < len(p.toks) && p.toks[j+1].num && len(p.toks[j+1].s) == 2 && p.glued(j+1):
		sep := p.word(j)
		m := p.toks[j+1].n
		if m >= 60 || h > 24 {
			return tpoint{}, false
		}
		t.m, t.hasMin, t.end = m, true, j+2
		if p.is(t.end, ":") && p.glued(t.end) && t.end+1 < len(p.toks) && p.toks[t.end+1].num && len(p.toks[t.end+1].s) == 2 && sep == ":" {
			t.s, t.hasSec, t.end = p.toks[t.end+1].n, true, t.end+2
		}
		if p.numberGlued(t.end) {
			return tpoint{}, false
		}
		if ap, e, ok := p.ampmAt(t.end); ok {
			t.ampm, t.end = ap, e
		} else if sep == "." && !loose {
			return tpoint{}, false
		}
		if h > 12 || h == 0 && sep == ":" {
			t.exact = true
		}
		if h > 12 && t.ampm != 0 {
			t.ampm = 0
		}
		if j, ok := p.anySeq(t.end, "oclock", "o'clock", "o ' clock", "o clock"); ok {
			t.end = j
		}
		return t, true
	}
	if h > 24 {
		return tpoint{}, false
	}
	if ap, e, ok := p.ampmAt(j); ok && h <= 12 {
		t.ampm, t.end = ap, e
		return t, true
	}
	if e, ok := p.oclock(j); ok && h <= 12 {
		t.end = e
		return t, true
	}
	if p.is(j, "ish") && p.glued(j) && h <= 12 {
		t.end, t.exact = j+1, true
		return t, true
	}
	if loose && !p.numberGlued(j) && len(p.toks[i].s) <= 2 {
		if h > 12 {
			t.exact = true
		}
		return t, true
	}
	return tpoint{}, false
}

func (p *dtParser) oclock(j int) (int, bool) {
	return p.anySeq(j, "oclock", "o'clock", "o clock", "o ' clock")
}

// timeWords: "seven", "nine thirty", "one thirty p m", "five-thirty",
// "seven o'clock", "six forty-three minutes", "half past seven", "ten
// past 9", "20 min past eight", "quarter to ten".
func (p *dtParser) timeWords(i int, loose bool) (tpoint, bool) {
	// minutes past / to an hour
	if t, ok := p.timePastTo(i); ok {
		return t, true
	}
	h, j, ok := p.wordNum(i)
	if !ok || h < 1 || h > 12 {
		return tpoint{}, false
	}
	t := tpoint{h: h, end: j}
	k := j
	if p.is(k, "-") && p.glued(k) {
		k++
	}
	if m, e, ok := p.wordNum(k); ok && m >= 10 && m < 60 {
		t.m, t.hasMin, t.end = m, true, e
		if p.is(e, "minutes") {
			t.end = e + 1
		}
	} else if p.is(k, "oh", "o") && k == j {
		if m, e, ok := p.wordNum(k + 1); ok && m < 10 {
			t.m, t.hasMin, t.end = m, true, e
		}
	}
	strong := t.hasMin
	if e, ok := p.oclock(t.end); ok {
		t.end, strong = e, true
	}
	if ap, e, ok := p.ampmAt(t.end); ok && p.word(t.end) != "a" {
		t.ampm, t.end, strong = ap, e, true
	} else if p.is(t.end, "a", "p") && p.is(t.end+1, "m") {
		t.ampm, t.end, strong = map[string]int{"a": 1, "p": 2}[p.word(t.end)], t.end+2, true
	}
	if !strong && !loose {
		return tpoint{}, false
	}
	return t, true
}

func (p *dtParser) timePastTo(i int) (tpoint, bool) {
	var m, j int
	switch {
	case p.is(i, "half"):
		m, j = 30, i+1
	case p.is(i, "quarter"):
		m, j = 15, i+1
	case p.is(i, "a") && p.is(i+1, "quarter"):
		m, j = 15, i+2
	default:
		n, e, ok := p.smallNum(i)
		if !ok || n < 1 || n >= 60 {
			return tpoint{}, false
		}
		m, j = n, e
		if p.is(j, "min", "mins", "minute", "minutes") {
			j++
		}
	}
	to := false
	switch {
	case p.is(j, "past", "after"):
	case p.is(j, "to", "before", "til") && (p.is(i, "quarter", "half", "a") || p.is(j-1, "min", "mins", "minute", "minutes")):
		to = true
	default:
		return tpoint{}, false
	}
	h, e, ok := p.smallNum(j + 1)
	if !ok || h < 1 || h > 12 {
		return tpoint{}, false
	}
	t := tpoint{h: h, m: m, hasMin: true, end: e}
	if to {
		t.h, t.m = (h+11)%12+1, 60-m
		if t.h == 12 && h == 1 {
			t.h = 12
		}
	}
	if x, ok := p.oclock(e); ok {
		t.end = x
	}
	if ap, x, ok := p.ampmAt(t.end); ok {
		t.ampm, t.end = ap, x
	}
	return t, true
}

// timeSpecial: "noon", "midday", "midnight", "12 noon", "noonish".
func (p *dtParser) timeSpecial(i int) (tpoint, bool) {
	j := i
	if n, ok := p.num(i); ok && n == 12 && p.is(i+1, "noon", "midnight") {
		j = i + 1
	}
	switch p.word(j) {
	case "noon", "midday", "noonish", "noontime":
		return tpoint{h: 12, exact: true, end: j + 1}, true
	case "midnight":
		return tpoint{h: 0, exact: true, end: j + 1}, true
	}
	return tpoint{}, false
}

// partOfDay reads "morning", "afternoon", "evening", "night", "daytime",
// "night-time" and returns its timex and hours.
func (p *dtParser) partOfDay(i int) (string, int, int, int, bool) {
	w := p.word(i)
	if w == "night" && p.is(i+1, "-") && p.is(i+2, "time") {
		w, i = "nighttime", i+2
	}
	if w == "day" && p.is(i+1, "time") {
		w, i = "daytime", i+1
	}
	pd, ok := dtPartsOfDay[w]
	if !ok {
		return "", 0, 0, i, false
	}
	return pd.timex, pd.from, pd.to, i + 1, true
}

// dayHours makes the range of hours [from, to) of day d; to 24 ends at
// 23:59:59, as Recognizers writes a night.
func dayHours(d time.Time, from, to int) (time.Time, time.Time) {
	a := d.Add(time.Duration(from) * time.Hour)
	if to == 24 {
		return a, d.Add(24*time.Hour - time.Second)
	}
	return a, d.Add(time.Duration(to) * time.Hour)
}
