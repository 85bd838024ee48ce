package prebuilt

import (
	"strings"
	"time"
)

// The top of the DateTime grammar: date-times, time ranges, parts of
// days, modifiers ("before", "since", "around"), and the choice of the
// longest expression at a position.

// top reads the longest expression at i.
func (p *dtParser) top(i int) (dtExpr, bool) {
	if i > 0 && p.glued(i) {
		prev := p.toks[i-1]
		if isLetterTok(prev) && isLetterTok(p.toks[i]) {
			return dtExpr{}, false
		}
		// digits glued after a letter, a digit or a joining symbol are part
		// of some other token ("1687-4", "id=3am3", "$2019")
		if p.toks[i].num && (prev.num || isLetterTok(prev) || strings.Contains("-/._~$#&%+", prev.s)) {
			return dtExpr{}, false
		}
	}
	var best dtExpr
	found := false
	try := func(e dtExpr, ok bool) {
		if ok && e.end > e.start && (!found || e.end > best.end) {
			best, found = e, true
		}
	}
	try(p.modified(i))
	try(p.dateTimeRange(i))
	try(p.dateRange(i))
	if s, ok := p.dateSpan(i); ok {
		try(s.expr(i), true)
	}
	try(p.timeRange(i))
	try(p.dateTime(i))
	if d, ok := p.date(i); ok {
		try(dtExpr{kind: kDate, start: i, end: d.end, alts: p.dateAlts(d)}, true)
	}
	if t, ok := p.timeTop(i); ok {
		try(t, true)
	}
	try(p.duration(i))
	try(p.set(i))
	if !found {
		return best, false
	}
	// a word glued to the end ("2019abc") undoes the match
	if e := best.end; e < len(p.toks) && p.glued(e) && isLetterTok(p.toks[e]) && isLetterTok(p.toks[e-1]) {
		return dtExpr{}, false
	}
	return p.suffixMod(best), true
}

func isLetterTok(t dtTok) bool { return !t.num && t.s != "" && isLetterAt(t.s, 0) }

// timeTop reads a clock time standing alone; "at" before a dotted or bare
// hour makes it one ("at 6.45").
func (p *dtParser) timeTop(i int) (dtExpr, bool) {
	if t, ok := p.timePoint(i, false); ok {
		return dtExpr{kind: kTime, start: i, end: t.end, alts: p.timeAlts(t)}, true
	}
	if p.is(i, "at") && p.is(i+2, ".") {
		if t, ok := p.timePoint(i+1, true); ok && t.hasMin {
			return dtExpr{kind: kTime, start: i, end: t.end, alts: p.timeAlts(t)}, true
		}
	}
	if t, ok := p.timeMeal(i); ok {
		return t, true
	}
	return dtExpr{}, false
}

// present reads "now", "right now", "at the moment", ...
func (p *dtParser) present(i int) (int, bool) {
	return p.anySeq(i, "now", "right now", "at the moment", "at present", "at the present time", "at this time", "at the minute", "as of now")
}

// combine makes the date-times of a date and a time: for each of the
// time's hours, each of the date's values.
func (p *dtParser) combine(dalts []dtAlt, t tpoint, hours []int) []dtAlt {
	var out []dtAlt
	for _, h := range hours {
		for _, d := range dalts {
			a := dtAlt{timex: d.timex + t.timexAt(h), unresolved: d.unresolved}
			a.at = d.at.Add(time.Duration(h)*time.Hour + time.Duration(t.m)*time.Minute + time.Duration(t.s)*time.Second)
			out = append(out, a)
		}
	}
	return out
}

// dayPart reads a date with a part of its day: "tonight", "this
// morning", "tomorrow night", "next monday afternoon", "tuesday in the
// morning", "last night", "today pm", "mar4 night".
func (p *dtParser) dayPart(i int) (dpoint, string, int, int, int, bool) {
	today := day(p.ref)
	rel := func(t time.Time) dpoint { return dpoint{rel: true, t: t} }
	if p.is(i, "tonight", "tonite") {
		return dpoint{rel: true, t: today, end: i + 1}, "NI", 20, 24, i + 1, true
	}
	if shift, j, ok := p.relWord(i); ok {
		if tx, from, to, k, ok := p.partOfDay(j); ok {
			d := rel(today.AddDate(0, 0, shift))
			if shift == 0 && !p.is(i, "this") {
				return dpoint{}, "", 0, 0, i, false
			}
			return d, tx, from, to, k, true
		}
	}
	d, ok := p.date(i)
	if !ok {
		return dpoint{}, "", 0, 0, i, false
	}
	j := d.end
	if p.is(j, "in") && p.is(j+1, "the") {
		j += 2
	}
	if tx, from, to, k, ok := p.partOfDay(j); ok {
		// "wednesday evening next week"
		if d.wd != 0 && d.m == 0 {
			if shift, e, ok := p.relWord(k); ok && p.is(e, "week") {
				return rel(p.weekdayOfWeek(shift, d.wd)), tx, from, to, e + 1, true
			}
		}
		return d, tx, from, to, k, true
	}
	if ap, k, ok := p.ampmAt(j); ok && !p.glued(j) && ap != 0 && d.rel {
		if ap == 1 {
			return d, "MO", 8, 12, k, true
		}
		return d, "AF", 12, 16, k, true
	}
	return dpoint{}, "", 0, 0, i, false
}

// partAlts makes the date-time ranges of a date's part of day.
func (p *dtParser) partAlts(d dpoint, tx string, from, to int) []dtAlt {
	var out []dtAlt
	for _, a := range p.dateAlts(d) {
		f, t := dayHours(a.at, from, to)
		out = append(out, dtAlt{timex: a.timex + "T" + tx, from: f, to: t, hasFrom: true, hasTo: true, unresolved: a.unresolved})
	}
	return out
}

// dateTime reads a date with a time, either way round, "now", "in 5
// minutes", "end of tomorrow".
func (p *dtParser) dateTime(i int) (dtExpr, bool) {
	var best dtExpr
	found := false
	try := func(e dtExpr, ok bool) {
		if ok && (!found || e.end > best.end) {
			best, found = e, true
		}
	}
	if j, ok := p.present(i); ok {
		try(dtExpr{kind: kDateTime, start: i, end: j, alts: []dtAlt{{timex: "PRESENT_REF", at: p.ref}}}, true)
	}
	// date, then time (a holiday keeps its time apart, as Recognizers does)
	if d, ok := p.date(i); ok && d.hol == nil {
		j := d.end
		loose := false
		if k, ok := p.anySeq(j, "at", "@", "around", "for", ",", "on", "by"); ok {
			j, loose = k, !p.is(d.end, "for", ",")
			if p.is(d.end, ",") {
				if k2, ok := p.anySeq(k, "at"); ok {
					j, loose = k2, true
				}
			}
		}
		if t, ok := p.timePoint(j, loose || p.toks[j-1].num && false); ok {
			alts := p.combine(p.dateAlts(d), t, t.hours())
			end := t.end
			if d.y == 0 && !d.rel && d.m != 0 {
				if y, e, ok := p.yearNum(end); ok {
					d.y, end = y, e
					alts = p.combine(p.dateAlts(d), t, t.hours())
				}
			}
			try(dtExpr{kind: kDateTime, start: i, end: end, alts: alts}, true)
		} else if t, ok := p.timePoint(j, true); ok && (t.hasMin || d.wd != 0 && j > d.end) && (t.hasMin || p.is(j-1, "at", "around")) {
			try(dtExpr{kind: kDateTime, start: i, end: t.end, alts: p.combine(p.dateAlts(d), t, t.hours())}, true)
		}
	}
	// time, then date; "at" belongs to a dotted time ("at 8.30pm today")
	if p.is(i, "at") && p.is(i+2, ".") {
		if t, ok := p.timePoint(i+1, true); ok && t.hasMin {
			if d, ok := p.date(t.end); ok {
				try(dtExpr{kind: kDateTime, start: i, end: d.end, alts: p.combine(p.dateAlts(d), t, t.hours())}, true)
			}
		}
	}
	if t, ok := p.timePoint(i, false); ok {
		j := t.end
		if k, ok := p.anySeq(j, "on", ",", "of"); ok {
			j = k
		}
		if d, ok := p.date(j); ok {
			try(dtExpr{kind: kDateTime, start: i, end: d.end, alts: p.combine(p.dateAlts(d), t, t.hours())}, true)
		}
	}
	// a part of a day with a time: "tonight at 1am", "this morning at 8",
	// "8am this morning", "10, tonight", "five-thirty tomorrow evening"
	if d, tx, from, to, j, ok := p.dayPart(i); ok {
		if k, ok := p.anySeq(j, "at", "around", "@"); ok {
			if t, ok := p.timePoint(k, true); ok {
				try(dtExpr{kind: kDateTime, start: i, end: t.end, alts: p.combine(p.dateAlts(d), t, partHours(t, tx, from, to))}, true)
			}
		}
	}
	if t, ok := p.timePoint(i, true); ok && (t.hasMin || t.ampm != 0 || p.is(t.end, ",")) {
		j := t.end
		if p.is(j, ",") {
			j++
		}
		if d, tx, from, to, k, ok := p.dayPart(j); ok {
			try(dtExpr{kind: kDateTime, start: i, end: k, alts: p.combine(p.dateAlts(d), t, partHours(t, tx, from, to))}, true)
		}
	}
	// end of a day
	eod := tpoint{h: 23, m: 59, s: 59, hasMin: true, hasSec: true, exact: true}
	for _, ph := range []string{"end of the", "end of", "the end of"} {
		j, ok := p.seq(i, ph)
		if !ok {
			continue
		}
		if p.is(j, "day") {
			try(dtExpr{kind: kDateTime, start: i, end: j + 1, alts: p.combine(p.dateAlts(dpoint{rel: true, t: day(p.ref)}), eod, []int{23})}, true)
		}
		if d, ok := p.date(j); ok {
			if _, isSpan := p.dateSpan(j); !isSpan || d.rel || d.wd != 0 {
				try(dtExpr{kind: kDateTime, start: i, end: d.end, alts: p.combine(p.dateAlts(d), eod, []int{23})}, true)
			}
		}
	}
	if j, ok := p.anySeq(i, "eod", "the eod"); ok {
		try(dtExpr{kind: kDateTime, start: i, end: j, alts: p.combine(p.dateAlts(dpoint{rel: true, t: day(p.ref)}), eod, []int{23})}, true)
	}
	// in 5 minutes, 30 minutes later, 3 minutes from now
	{
		j := i
		in := p.is(i, "in")
		if in {
			j++
		}
		if n, u, k, ok := p.amountUnit(j); ok && u <= uHour && u != uNone {
			d := time.Duration(n * float64(map[dtUnit]time.Duration{uSecond: time.Second, uMinute: time.Minute, uHour: time.Hour}[u]))
			at := p.ref.Add(d)
			e := k
			ok := in
			if !in {
				if x, ok2 := p.anySeq(k, "later", "from now", "after now"); ok2 {
					e, ok = x, true
				} else if x, ok2 := p.anySeq(k, "ago", "before now"); ok2 {
					e, ok, at = x, true, p.ref.Add(-d)
				}
			}
			if ok {
				try(dtExpr{kind: kDateTime, start: i, end: e, alts: []dtAlt{{timex: at.Format("2006-01-02T15:04:05"), at: at}}}, true)
			}
		}
	}
	return best, found
}

// partHours are the hours a time may mean within a part of a day: "at 8"
// tonight is 20:00, "at 1am" tonight is 01:00.
func partHours(t tpoint, tx string, from, to int) []int {
	if t.ampm != 0 || t.exact {
		return t.hours()
	}
	h := t.h % 12
	switch tx {
	case "MO":
		return []int{h}
	case "NI":
		if h < 4 {
			return []int{h}
		}
		return []int{h + 12}
	}
	return []int{h + 12}
}

// timeRange reads a range of clock times: "5 to 6pm", "between 4pm and
// 5pm", "from 3 in the morning until 5pm", "4:00 to 7 oclock", and the
// parts of a day ("in the morning", "early morning").
func (p *dtParser) timeRange(i int) (dtExpr, bool) {
	if e, ok := p.timeRangePair(i); ok {
		return e, true
	}
	if e, ok := p.timeForDuration(i); ok {
		return e, true
	}
	// parts of a day
	j := i
	mod := ""
	if k, ok := p.anySeq(i, "early in the", "early", "earlier in the"); ok {
		mod, j = "start", k
	} else if k, ok := p.anySeq(i, "late in the", "late", "later in the", "later"); ok {
		mod, j = "end", k
	} else if k, ok := p.anySeq(i, "in the", "in"); ok {
		j = k
	} else if !p.is(i, "the", "daytime") {
		return dtExpr{}, false
	}
	if p.is(j, "the") && j == i {
		return dtExpr{}, false
	}
	tx, from, to, k, ok := p.partOfDay(j)
	if !ok {
		return dtExpr{}, false
	}
	from, to = modHours(mod, from, to)
	base := day(p.ref)
	f, t := dayHours(base, from, to)
	return dtExpr{kind: kTimeRange, start: i, end: k, mod: mod, alts: []dtAlt{{timex: "T" + tx, from: f, to: t, hasFrom: true, hasTo: true}}}, true
}

// modHours narrows a part of a day to its first or last half.
func modHours(mod string, from, to int) (int, int) {
	switch mod {
	case "start":
		return from, from + (to-from)/2
	case "end":
		return from + (to-from)/2, to
	}
	return from, to
}

// timeRangePair reads two clock times joined by to, -, until or and.
func (p *dtParser) timeRangePair(i int) (dtExpr, bool) { return p.timeRangePairW(i, false) }

// timeRangePairW reads two times; weak accepts two bare hours ("3-8"),
// which are a range only beside a date.
func (p *dtParser) timeRangePairW(i int, weak bool) (dtExpr, bool) {
	j := i
	between := false
	switch {
	case p.is(i, "from"):
		j++
	case p.is(i, "between"):
		j, between = j+1, true
	}
	a, ok := p.timePoint(j, true)
	if !ok {
		return dtExpr{}, false
	}
	var k int
	if between {
		k, ok = p.anySeq(a.end, "and", "to", "-")
	} else {
		k, ok = p.anySeq(a.end, "to", "-", "until", "till", "til", "through", "~")
	}
	if !ok {
		return dtExpr{}, false
	}
	b, ok := p.timePoint(k, true)
	if !ok {
		return dtExpr{}, false
	}
	strong := weak || a.ampm != 0 || b.ampm != 0 || a.hasMin || b.hasMin || j > i || p.isClockWordEnd(b.end)
	if !strong {
		return dtExpr{}, false
	}
	return dtExpr{kind: kTimeRange, start: i, end: b.end, alts: p.timePairAlts(a, b)}, true
}

func (p *dtParser) isClockWordEnd(i int) bool {
	_, ok := p.oclock(i)
	return ok
}

// timePairAlts resolves two times as a range: an end with am or pm lends
// it to the start when that keeps the start first; with neither, both an
// am and a pm range.
func (p *dtParser) timePairAlts(a, b tpoint) []dtAlt {
	base := day(p.ref)
	mk := func(ha, hb int) dtAlt {
		from := base.Add(time.Duration(ha)*time.Hour + time.Duration(a.m)*time.Minute)
		to := base.Add(time.Duration(hb)*time.Hour + time.Duration(b.m)*time.Minute)
		for !to.After(from) {
			to = to.Add(24 * time.Hour)
		}
		d := to.Sub(from)
		return dtAlt{from: from, to: to, hasFrom: true, hasTo: true,
			fromTimex: a.timexAt(ha), toTimex: b.timexAt(hb), durTimex: clockDuration(d)}
	}
	switch {
	case a.ampm == 0 && b.ampm != 0 && !a.exact:
		hb := b.hours()[0]
		ha := a.h % 12
		if b.ampm == 2 && ha+12 <= hb && !(ha == hb%12 && a.m >= b.m) {
			ha += 12
		}
		if b.ampm == 2 && ha+12 < hb+0 && ha < 12 {
			ha += 12
		}
		return []dtAlt{mk(ha, hb)}
	case a.ampm != 0 && b.ampm == 0 && !b.exact:
		ha := a.hours()[0]
		hb := b.h % 12
		if hb <= ha%24 && hb+12 > ha {
			hb += 12
		}
		if b.h == 12 {
			hb = 12
		}
		return []dtAlt{mk(ha, hb)}
	case a.ampm == 0 && b.ampm == 0 && !a.exact && !b.exact:
		var out []dtAlt
		for _, ha := range []int{a.h % 12, a.h%12 + 12} {
			hb := b.h % 12
			for hb+12 <= ha || hb < ha-0 && hb+12 > ha {
				hb += 12
				if hb >= 24 {
					hb -= 24
					break
				}
			}
			out = append(out, mk(ha, hb))
		}
		return out
	}
	return []dtAlt{mk(a.hours()[0], b.hours()[0])}
}

// clockDuration writes d as PT1H30M.
func clockDuration(d time.Duration) string {
	h := int(d.Hours())
	m := int(d.Minutes()) % 60
	s := "PT"
	if h > 0 {
		s += itoa(h) + "H"
	}
	if m > 0 {
		s += itoa(m) + "M"
	}
	if h == 0 && m == 0 {
		s += "0M"
	}
	return s
}

// dateTimeRange reads a date with a range of times or a part of its day:
// "monday 8-9am", "tomorrow night", "from 5 to 6pm of april 22", "3:00 to
// 4:00 tomorrow", "between 3 and 8 yesterday", "next hour".
func (p *dtParser) dateTimeRange(i int) (dtExpr, bool) {
	var best dtExpr
	found := false
	try := func(e dtExpr, ok bool) {
		if ok && (!found || e.end > best.end) {
			best, found = e, true
		}
	}
	// early or late in a part of a day: "later this afternoon"
	if k, ok := p.anySeq(i, "early", "earlier", "late", "later"); ok {
		if d, tx, from, to, j, ok := p.dayPart(k); ok && (p.is(k, "this", "tonight", "tomorrow", "yesterday", "today") || d.rel) {
			mod := "start"
			if p.is(i, "late", "later") {
				mod = "end"
			}
			from, to = modHours(mod, from, to)
			e := dtExpr{kind: kDateTimeRange, start: i, end: j, mod: mod, alts: p.partAlts(d, tx, from, to)}
			try(e, true)
		}
	}
	// a part of a day, perhaps with a range of times inside it
	if d, tx, from, to, j, ok := p.dayPart(i); ok {
		try(dtExpr{kind: kDateTimeRange, start: i, end: j, alts: p.partAlts(d, tx, from, to)}, true)
		if tr, ok := p.timeRangePairW(j, true); ok {
			try(p.dateWithTimes(i, d, tr, tr.end, tx), true)
		}
	}
	// date, then a modified time: "today before 4pm", "tuesday after 1pm"
	if d, ok := p.date(i); ok {
		if m, ok := p.modified(d.end); ok && m.kind == kTimeRange && m.mod != "" {
			try(p.dateWithModTime(i, d, m), true)
		}
	}
	// date, then times
	if d, ok := p.date(i); ok {
		j := d.end
		if k, ok := p.anySeq(j, "from", "between"); ok {
			_ = k
		} else if k, ok := p.anySeq(j, "at", ",", "on"); ok {
			j = k
		}
		if tr, ok := p.timeRangePairW(j, true); ok {
			try(p.dateWithTimes(i, d, tr, tr.end, ""), true)
		}
		if tr, ok := p.timeForDuration(d.end); ok {
			e := p.dateWithTimes(i, d, tr, tr.end, "")
			for k := range e.alts {
				e.alts[k].toTimex = d.timex() + tr.alts[0].toTimex
			}
			try(e, true)
		}
	}
	// times, then date
	if tr, ok := p.timeRangePairW(i, true); ok {
		j := tr.end
		if k, ok := p.anySeq(j, "on", "of", ","); ok {
			j = k
		}
		if d, tx, _, _, k, ok := p.dayPart(j); ok {
			try(p.dateWithTimes(i, d, tr, k, tx), true)
		} else if d, ok := p.date(j); ok {
			try(p.dateWithTimes(i, d, tr, d.end, ""), true)
		}
	}
	// next hour, last minute
	if shift, j, ok := p.relWord(i); ok && shift != 0 {
		if u, k, ok := p.unitAt(j); ok && (u == uHour || u == uMinute || u == uSecond) && !p.is(j, "h", "s") {
			d := map[dtUnit]time.Duration{uSecond: time.Second, uMinute: time.Minute, uHour: time.Hour}[u]
			from, to := p.ref, p.ref.Add(d)
			if shift < 0 {
				from, to = p.ref.Add(-d), p.ref
			}
			dur, _ := durationTimex([]durPart{{1, "1", u}})
			try(dtExpr{kind: kDateTimeRange, start: i, end: k, alts: []dtAlt{{from: from, to: to, hasFrom: true, hasTo: true,
				fromTimex: from.Format("2006-01-02T15:04:05"), toTimex: to.Format("2006-01-02T15:04:05"), durTimex: dur}}}, true)
		}
	}
	// from a date and time to another
	if e, ok := p.dateTimePair(i); ok {
		try(e, true)
	}
	return best, found
}

// dateWithTimes puts a range of times on a date; a part of the day the
// date came with decides am or pm.
func (p *dtParser) dateWithTimes(start int, d dpoint, tr dtExpr, end int, part string) dtExpr {
	alts := tr.alts
	if part != "" && len(alts) > 1 {
		if part == "MO" {
			alts = alts[:1]
		} else {
			alts = alts[1:]
		}
	}
	var out []dtAlt
	tx := d.timex()
	for _, t := range alts {
		for _, da := range p.dateAlts(d) {
			base := da.at
			off := t.from.Sub(day(p.ref))
			from := base.Add(off)
			to := from.Add(t.to.Sub(t.from))
			toTx := tx
			if to.Day() != from.Day() {
				toTx = nextDayTimex(d, tx)
			}
			out = append(out, dtAlt{from: from, to: to, hasFrom: true, hasTo: true, unresolved: da.unresolved,
				fromTimex: tx + t.fromTimex, toTimex: toTx + t.toTimex, durTimex: t.durTimex})
		}
	}
	return dtExpr{kind: kDateTimeRange, start: start, end: end, alts: out}
}

// nextDayTimex is the TIMEX of the day after a date.
func nextDayTimex(d dpoint, tx string) string {
	switch {
	case d.rel:
		return dateTimex(d.t.AddDate(0, 0, 1))
	case d.wd != 0 && d.m == 0:
		return "XXXX-WXX-" + itoa(d.wd%7+1)
	}
	return tx
}

// dateTimePair reads "from today 2pm till tomorrow 4:30pm".
func (p *dtParser) dateTimePair(i int) (dtExpr, bool) {
	j := i
	if p.is(i, "from", "between") {
		j++
	}
	a, ok := p.dateTime(j)
	if !ok || a.kind != kDateTime {
		return dtExpr{}, false
	}
	k, ok := p.anySeq(a.end, "to", "till", "until", "-", "and")
	if !ok {
		return dtExpr{}, false
	}
	b, ok := p.dateTime(k)
	if !ok || b.kind != kDateTime {
		return dtExpr{}, false
	}
	x, y := a.alts[len(a.alts)-1], b.alts[len(b.alts)-1]
	return dtExpr{kind: kDateTimeRange, start: i, end: b.end, alts: []dtAlt{{from: x.at, to: y.at, hasFrom: true, hasTo: true,
		fromTimex: x.timex, toTimex: y.timex, durTimex: clockDuration(y.at.Sub(x.at))}}}, true
}

// timeMeal reads the meals Recognizers knows as parts of a day.
func (p *dtParser) timeMeal(i int) (dtExpr, bool) {
	j := i
	if p.is(i, "at") {
		j++
	}
	meals := map[string]struct {
		tx       string
		from, to int
	}{"lunch": {"MEL", 11, 13}, "lunchtime": {"MEL", 11, 13}, "breakfast": {"MEB", 8, 12}, "dinner": {"MED", 16, 20}, "dinnertime": {"MED", 16, 20}, "supper": {"MED", 16, 20}}
	m, ok := meals[p.word(j)]
	if !ok || j == i && !p.is(i-1, "around", "after", "before") {
		return dtExpr{}, false
	}
	f, t := dayHours(day(p.ref), m.from, m.to)
	return dtExpr{kind: kTimeRange, start: i, end: j + 1, alts: []dtAlt{{timex: "T" + m.tx, from: f, to: t, hasFrom: true, hasTo: true}}}, true
}

// Modifiers.

var dtPrefixMods = []struct {
	phrase, mod string
}{
	{"no later than", "before"}, {"not later than", "before"}, {"prior to", "before"}, {"earlier than", "before"},
	{"before", "before"}, {"until", "before"}, {"till", "before"}, {"til", "before"}, {"by", "before"}, {"up to", "before"},
	{"later than", "after"}, {"after", "after"}, {"greater than", "after"},
	{"since", "since"}, {"starting from", "since"}, {"starting on", "since"}, {"starting", "since"},
	{"beginning on", "since"}, {"beginning", "since"}, {"as early as", "since"}, {"any time from", "since"},
	{"anytime from", "since"}, {"from", "since"}, {"> =", "since"}, {">=", "since"},
	{"as late as", "until"}, {"< =", "until"}, {"<=", "until"},
	{"around", "approx"}, {"about", "approx"}, {"circa", "approx"}, {"approximately", "approx"}, {"roughly", "approx"},
}

// modified reads a modifier and what it modifies: "before 2018", "since
// august", "after 2:00", "as late as tomorrow", "around 1pm".
func (p *dtParser) modified(i int) (dtExpr, bool) {
	mod, j := "", i
	if p.is(i, "about") && p.is(i-1, "what", "how") {
		return dtExpr{}, false
	}
	if p.is(i, "to") && p.is(i+1, "date") && !p.is(i-1, "from", "between") {
		return dtExpr{kind: kDateRange, start: i, end: i + 2, mod: "before", alts: []dtAlt{{timex: "PRESENT_REF", to: day(p.ref), hasTo: true}}}, true
	}
	for _, m := range dtPrefixMods {
		if k, ok := p.seq(i, m.phrase); ok {
			mod, j = m.mod, k
			break
		}
	}
	if mod == "" || p.is(i, "from") && p.is(j, "around") {
		return dtExpr{}, false
	}
	// "till date": until today
	if mod == "before" && p.is(j, "date") {
		return dtExpr{kind: kDateRange, start: i, end: j + 1, mod: "before", alts: []dtAlt{{timex: "PRESENT_REF", to: day(p.ref), hasTo: true}}}, true
	}
	// "after the 15th day of june"
	if p.is(j, "the") {
		if d, ok := p.dateDayFirst(j + 1); ok {
			if _, ok2 := p.date(j); !ok2 {
				inner := dtExpr{kind: kDate, start: j, end: d.end, alts: p.dateAlts(d)}
				return p.applyMod(i, mod, inner), true
			}
		}
	}
	// "after the beginning of march", "by end of this month"
	edge := ""
	if k, ok := p.anySeq(j, "the beginning of", "the start of", "beginning of", "start of"); ok && mod != "approx" {
		edge, j = "start", k
	} else if k, ok := p.anySeq(j, "the end of", "end of"); ok && mod != "approx" {
		edge, j = "end", k
	}
	if p.is(j, "the") && p.is(j+1, "year") {
		if _, ok := p.num(j + 2); ok {
			j++
		}
	}
	if p.is(j, "around") && mod != "approx" {
		if inner, ok := p.modified(j); ok && inner.kind == kTime || ok && inner.kind == kDateTime {
			out := p.applyMod(i, mod+"-approx", inner)
			return out, true
		}
	}
	var inner dtExpr
	found := false
	try := func(e dtExpr, ok bool) {
		if ok && (!found || e.end > inner.end) {
			inner, found = e, true
		}
	}
	try(p.dateTime(j))
	if d, ok := p.date(j); ok {
		try(dtExpr{kind: kDate, start: j, end: d.end, alts: p.dateAlts(d)}, true)
	}
	if s, ok := p.dateSpan(j); ok && s.kind == kDateRange {
		e := s.expr(j)
		for k := range e.alts {
			e.alts[k].timex = e.alts[k].rangeTimex()
			e.alts[k].fromTimex = ""
		}
		try(e, true)
	}
	if t, ok := p.timePoint(j, true); ok && (mod != "since" || !p.is(i, "from") || t.hasMin || t.ampm != 0) {
		if t.hasMin || t.ampm != 0 || t.exact || p.is(i, "around", "circa", "about") && p.is(t.end, "in", "this") || mod != "approx" {
			try(dtExpr{kind: kTime, start: j, end: t.end, alts: p.timeAlts(t)}, true)
		}
	}
	if t, ok := p.timeMeal(j); ok {
		try(t, true)
	}
	if !found {
		return dtExpr{}, false
	}
	if mod == "approx" && inner.kind != kTime && inner.kind != kDateTime && inner.kind != kTimeRange {
		return dtExpr{}, false
	}
	if p.is(i, "from") && p.is(j, "around") {
		return dtExpr{}, false
	}
	if p.is(i, "from") && inner.kind != kTime {
		return dtExpr{}, false
	}
	if p.is(i, "by", "about", "up") && inner.kind == kTime && !(p.is(i, "by") && inner.alts != nil) {
		return dtExpr{}, false
	}
	if edge == "" && inner.mod != "" && inner.kind == kDateRange && mod != "approx" {
		switch inner.mod {
		case "start", "end", "mid":
			edge = inner.mod
			inner.mod = ""
		}
	}
	if edge != "" {
		if inner.kind != kDateRange {
			return dtExpr{}, false
		}
		mod += "-" + edge
	}
	return p.applyMod(i, mod, inner), true
}

// applyMod makes the one-sided range of a modifier on an expression.
func (p *dtParser) applyMod(start int, mod string, inner dtExpr) dtExpr {
	out := dtExpr{start: start, end: inner.end, mod: mod}
	base := mod
	if k := indexByte(mod, '-'); k > 0 {
		base = mod[:k]
	}
	switch inner.kind {
	case kDate, kDateRange:
		out.kind = kDateRange
	case kTime, kTimeRange:
		out.kind = kTimeRange
	default:
		out.kind = kDateTimeRange
	}
	if base == "approx" {
		switch inner.kind {
		case kTime, kDateTime:
			out.kind = inner.kind
			out.alts = inner.alts
			vk := kTimeRange
			if inner.kind == kDateTime {
				vk = kDateTimeRange
			}
			out.valueKind = &vk
			return out
		case kTimeRange:
			out.kind = kTimeRange
			out.alts = inner.alts
			return out
		}
	}
	for _, a := range inner.alts {
		var from, to time.Time
		isPoint := inner.kind == kDate || inner.kind == kTime || inner.kind == kDateTime
		if isPoint {
			from, to = a.at, a.at
		} else {
			from, to = a.from, a.to
		}
		n := dtAlt{timex: a.timex, unresolved: a.unresolved}
		if a.fromTimex != "" {
			n.timex = a.rangeTimex()
		}
		switch {
		case mod == "after-start":
			n.from, n.hasFrom = from, true
		case mod == "before-end":
			n.to, n.hasTo = to, true
		case base == "before":
			n.to, n.hasTo = from, true
		case base == "after":
			n.from, n.hasFrom = to, true
		case base == "since":
			n.from, n.hasFrom = from, true
		case base == "until":
			n.to, n.hasTo = to, true
		case base == "approx":
			n.from, n.to, n.hasFrom, n.hasTo = from, to, true, true
		}
		out.alts = append(out.alts, n)
	}
	return out
}

func indexByte(s string, c byte) int {
	for k := 0; k < len(s); k++ {
		if s[k] == c {
			return k
		}
	}
	return -1
}

// suffixMod extends an expression by "or later", "and after", ...
func (p *dtParser) suffixMod(e dtExpr) dtExpr {
	if e.mod != "" {
		return e
	}
	switch e.kind {
	case kDate, kDateRange, kTime, kDateTime:
	default:
		return e
	}
	if k, ok := p.anySeq(e.end, "or later", "and later", "and after", "or after", "and greater", "or greater", "onwards", "and beyond"); ok && !p.followsMore(k) {
		out := p.applyMod(e.start, "since", e)
		out.end = k
		return out
	}
	if k, ok := p.anySeq(e.end, "or earlier", "and earlier", "or before"); ok && !p.followsMore(k) {
		out := p.applyMod(e.start, "until", e)
		out.end = k
		return out
	}
	return e
}

// followsMore reports whether token i goes on with words that make "or
// later" part of something else ("or later than 2020", "and after 6pm").
func (p *dtParser) followsMore(i int) bool {
	if p.is(i, "than") {
		return true
	}
	if _, ok := p.timePoint(i, false); ok {
		return true
	}
	return p.startsDate(i)
}

// dateWithModTime puts a one-sided range of times on a date.
func (p *dtParser) dateWithModTime(start int, d dpoint, m dtExpr) dtExpr {
	out := dtExpr{kind: kDateTimeRange, start: start, end: m.end, mod: m.mod}
	base := day(p.ref)
	for _, t := range m.alts {
		for _, da := range p.dateAlts(d) {
			n := dtAlt{timex: da.timex + t.timex, unresolved: da.unresolved, hasFrom: t.hasFrom, hasTo: t.hasTo}
			if t.hasFrom {
				n.from = da.at.Add(t.from.Sub(base))
			}
			if t.hasTo {
				n.to = da.at.Add(t.to.Sub(base))
			}
			out.alts = append(out.alts, n)
		}
	}
	return out
}

// clockDurationAt reads a duration of hours and minutes ("2.5 hrs", "3
// hours 30 minutes").
func (p *dtParser) clockDurationAt(i int) (time.Duration, int, bool) {
	parts, e, ok := p.durationAt(i)
	if !ok {
		return 0, i, false
	}
	var d time.Duration
	for _, pt := range parts {
		switch pt.u {
		case uHour:
			d += time.Duration(pt.n * float64(time.Hour))
		case uMinute:
			d += time.Duration(pt.n * float64(time.Minute))
		default:
			return 0, i, false
		}
	}
	return d, e, true
}

// timeForDuration: "from 9 for 2.5 hrs", "for 3 hours from 10 am".
func (p *dtParser) timeForDuration(i int) (dtExpr, bool) {
	var t tpoint
	var d time.Duration
	var end int
	switch {
	case p.is(i, "from"):
		tt, ok := p.timePoint(i+1, true)
		if !ok || !p.is(tt.end, "for") {
			return dtExpr{}, false
		}
		dd, e, ok := p.clockDurationAt(tt.end + 1)
		if !ok {
			return dtExpr{}, false
		}
		t, d, end = tt, dd, e
	case p.is(i, "for"):
		dd, e, ok := p.clockDurationAt(i + 1)
		if !ok || !p.is(e, "from") {
			return dtExpr{}, false
		}
		tt, ok := p.timePoint(e+1, true)
		if !ok {
			return dtExpr{}, false
		}
		t, d, end = tt, dd, tt.end
	default:
		return dtExpr{}, false
	}
	h := t.hours()[0]
	base := day(p.ref)
	from := base.Add(time.Duration(h)*time.Hour + time.Duration(t.m)*time.Minute)
	to := from.Add(d)
	return dtExpr{kind: kTimeRange, start: i, end: end, alts: []dtAlt{{from: from, to: to, hasFrom: true, hasTo: true,
		fromTimex: t.timexAt(h), toTimex: "T" + to.Format("15:04:05"), durTimex: clockDuration(d)}}}, true
}
