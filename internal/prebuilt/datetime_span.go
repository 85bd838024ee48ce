package prebuilt

import (
	"slices"
	"strings"
	"time"
)

// Spans of dates: months, years, weeks, quarters, "next 3 days", and the
// ranges between two dates ("from march to may", "2014-2018").

// span is a range of dates as its alternatives; each alternative's
// startTx and endTx are the TIMEX of its first day and of the day after
// its last, as a range between two spans writes them.
type dspan struct {
	kind dtKind
	alts []spanAlt
	gran dtUnit // the finest unit it names: uDay, uMonth, uYear
	end  int
	rel  bool // counted from the reference ("next week"), never shifted
	// y, m are the year and month as written (0 unknown), for ranges
	// whose ends share them.
	y, m int
	mod  string
}

type spanAlt struct {
	dtAlt
	startTx, endTx string
}

func (s dspan) expr(start int) dtExpr {
	e := dtExpr{kind: s.kind, start: start, end: s.end, mod: s.mod}
	for _, a := range s.alts {
		e.alts = append(e.alts, a.dtAlt)
	}
	return e
}

// yearTx writes year y, or XXXX when unknown.
func yearTx(y int, known bool) string {
	if !known {
		return "XXXX"
	}
	return pad4(y)
}

// edgeTx writes the first day t of a span as a TIMEX, hiding the year
// when the text did not give it.
func edgeTx(t time.Time, yearKnown bool) string {
	if yearKnown {
		return dateTimex(t)
	}
	return "XXXX-" + t.Format("01-02")
}

// monthSpan makes the span of month m of year y (y 0: the last such
// month before the reference's and the next from it, by month number).
func (p *dtParser) monthSpan(y, m, end int) dspan {
	mk := func(yy int) spanAlt {
		from := mkDate(yy, m, 1)
		to := from.AddDate(0, 1, 0)
		tx := yearTx(yy, y != 0) + "-" + pad2(m)
		return spanAlt{dtAlt: dtAlt{timex: tx, from: from, to: to, hasFrom: true, hasTo: true},
			startTx: edgeTx(from, y != 0), endTx: edgeTx(to, y != 0 && m != 12)}
	}
	s := dspan{kind: kDateRange, gran: uMonth, end: end, y: y, m: m}
	if y != 0 {
		s.alts = []spanAlt{mk(y)}
		return s
	}
	ry, rm := p.ref.Year(), int(p.ref.Month())
	if m >= rm {
		s.alts = []spanAlt{mk(ry - 1), mk(ry)}
	} else {
		s.alts = []spanAlt{mk(ry), mk(ry + 1)}
	}
	return s
}

func (p *dtParser) yearSpan(y, end int) dspan {
	from := mkDate(y, 1, 1)
	to := from.AddDate(1, 0, 0)
	return dspan{kind: kDateRange, gran: uYear, end: end, y: y, alts: []spanAlt{{
		dtAlt:   dtAlt{timex: pad4(y), from: from, to: to, hasFrom: true, hasTo: true},
		startTx: dateTimex(from), endTx: dateTimex(to)}}}
}

// compound makes a span written as (from,to,duration).
func compound(from, to time.Time, dur string, yearKnown bool) spanAlt {
	a := spanAlt{dtAlt: dtAlt{from: from, to: to, hasFrom: true, hasTo: true,
		fromTimex: edgeTx(from, yearKnown), toTimex: edgeTx(to, yearKnown), durTimex: dur}}
	a.startTx, a.endTx = a.fromTimex, a.toTimex
	return a
}

// dateSpan reads the longest span of dates at i.
func (p *dtParser) dateSpan(i int) (dspan, bool) {
	k := memoKey{i, 's', p.rangeCtx}
	if v, ok := p.memo[k]; ok {
		return v.s, v.ok
	}
	s, ok := p.dateSpanUncached(i)
	if p.memo == nil {
		p.memo = map[memoKey]memoVal{}
	}
	p.memo[k] = memoVal{s: s, ok: ok}
	return s, ok
}

func (p *dtParser) dateSpanUncached(i int) (dspan, bool) {
	var best dspan
	found := false
	try := func(s dspan, ok bool) {
		if ok && (!found || s.end > best.end) {
			best, found = s, true
		}
	}
	try(p.spanMonth(i))
	try(p.spanYear(i))
	try(p.spanRelative(i))
	try(p.spanQuarter(i))
	try(p.spanCount(i))
	try(p.spanDecade(i))
	try(p.spanWeekOf(i))
	try(p.spanSeason(i))
	try(p.spanFiscal(i))
	try(p.spanEdge(i))
	try(p.spanWeekOfMonth(i))
	return best, found
}

// spanEdge: a part of a week, month or year. "end of this year", "early
// next week", "mid-november" carry a Mod and cover a half (a middle for
// mid); "earlier this month" and "later this week" stop or start at the
// reference instead, with no Mod.
func (p *dtParser) spanEdge(i int) (dspan, bool) {
	type edge struct {
		phrase, mod string
		clamp       bool
	}
	edges := []edge{
		{"earlier in the", "start", true}, {"earlier this", "start", true}, {"earlier in", "start", true},
		{"later in the", "end", true}, {"later this", "end", true}, {"later in", "end", true},
		{"end of the", "end", false}, {"end of", "end", false},
		{"beginning of the", "start", false}, {"beginning of", "start", false}, {"start of", "start", false},
		{"early in the", "start", false}, {"early", "start", false}, {"late in the", "end", false}, {"late", "end", false},
		{"the middle of", "mid", false}, {"middle of", "mid", false}, {"mid -", "mid", false}, {"mid", "mid", false},
	}
	for _, ab := range []struct{ w, unit string }{{"eoy", "year"}, {"eom", "month"}, {"eow", "week"}} {
		if p.is(i, ab.w) {
			inner, ok := p.relSpanOf(ab.unit, 0, i+1)
			if !ok {
				return dspan{}, false
			}
			return p.edgeOf(inner, "end", false), true
		}
	}
	for _, e := range edges {
		j, ok := p.seq(i, e.phrase)
		if !ok {
			continue
		}
		k := j
		if e.phrase == "earlier this" || e.phrase == "later this" {
			k = j - 1 // "this" belongs to the span
		}
		var inner dspan
		if s, ok := p.dateSpan(k); ok && s.kind == kDateRange && len(s.alts) > 0 && !s.alts[0].unresolved {
			inner = s
		} else if u, e2, ok := p.unitAt(k); ok && (u == uWeek || u == uMonth || u == uYear) && !p.is(k, "w", "y") {
			s, ok := p.relSpanOf(map[dtUnit]string{uWeek: "week", uMonth: "month", uYear: "year"}[u], 0, e2)
			if !ok {
				continue
			}
			inner = s
		} else {
			continue
		}
		if !e.clamp && !inner.rel && inner.gran == uDay && len(inner.alts) == 1 && inner.alts[0].to.Sub(inner.alts[0].from) <= 24*time.Hour {
			continue // a single day is a date-time edge
		}
		return p.edgeOf(inner, e.mod, e.clamp), true
	}
	return dspan{}, false
}

// relSpanOf is the week, month or year around the reference, shifted.
func (p *dtParser) relSpanOf(unit string, shift, end int) (dspan, bool) {
	switch unit {
	case "week":
		return p.weekRel(shift, end), true
	case "month":
		first := mkDate(p.ref.Year(), int(p.ref.Month()), 1).AddDate(0, shift, 0)
		s := p.monthSpan(first.Year(), int(first.Month()), end)
		s.rel = true
		return s, true
	case "year":
		return p.yearRel(shift, end)
	}
	return dspan{}, false
}

// edgeOf narrows each alternative of a span to its first or second half
// or its middle; clamp stops or starts the half at the reference and
// drops the Mod.
func (p *dtParser) edgeOf(s dspan, mod string, clamp bool) dspan {
	out := s
	out.alts = nil
	today := day(p.ref)
	thirds := !s.rel && s.gran == uYear && !clamp
	for _, a := range s.alts {
		mid := midpoint(a.from, a.to)
		n := a
		if thirds {
			// Recognizers gives a year written out four months a part
			switch mod {
			case "start":
				n.to = a.from.AddDate(0, 4, 0)
			case "mid":
				n.from, n.to = a.from.AddDate(0, 4, 0), a.from.AddDate(0, 8, 0)
			case "end":
				n.from = a.from.AddDate(0, 8, 0)
			}
			out.alts = append(out.alts, n)
			continue
		}
		switch mod {
		case "start":
			n.to = mid
			if clamp && today.Before(mid) && !today.Before(a.from) {
				n.to = today
			}
		case "end":
			n.from = mid
			if clamp && today.After(mid) && today.Before(a.to) {
				n.from = today
			}
		case "mid":
			n.from, n.to = midRange(a.from, a.to)
		}
		if n.fromTimex != "" {
			n.timex = n.rangeTimex()
			n.fromTimex, n.toTimex, n.durTimex = "", "", ""
		}
		out.alts = append(out.alts, n)
	}
	if !clamp {
		out.mod = mod
	}
	return out
}

// midpoint is where the second half of a span starts, as Recognizers
// counts it: Thursday of a week, the 16th of a month, July of a year.
func midpoint(from, to time.Time) time.Time {
	days := int(to.Sub(from).Hours()/24 + 0.5)
	switch {
	case days == 7:
		return from.AddDate(0, 0, 3)
	case days >= 28 && days <= 31:
		return from.AddDate(0, 0, 15)
	case days >= 365 && days <= 366:
		return from.AddDate(0, 6, 0)
	}
	return from.AddDate(0, 0, days/2)
}

// midRange is the middle of a span: days 10 to 20 of a month, April to
// September of a year.
func midRange(from, to time.Time) (time.Time, time.Time) {
	days := int(to.Sub(from).Hours()/24 + 0.5)
	switch {
	case days >= 28 && days <= 31:
		return from.AddDate(0, 0, 9), from.AddDate(0, 0, 20)
	case days >= 365 && days <= 366:
		return from.AddDate(0, 3, 0), from.AddDate(0, 9, 0)
	}
	return from.AddDate(0, 0, days/4), from.AddDate(0, 0, days-days/4)
}

// spanWeekOfMonth: "the first week of jan 2015", "last week of 2016",
// "the last week of july": weeks belong to the month or year their
// Thursday falls in.
func (p *dtParser) spanWeekOfMonth(i int) (dspan, bool) {
	j := i
	if p.is(j, "the") {
		j++
	}
	n := 0
	if p.is(j, "last") {
		n = -1
	} else if o, e, ok := p.ordinalNum(j); ok && o >= 1 && o <= 5 {
		n = o
		j = e - 1
	} else {
		return dspan{}, false
	}
	if !p.is(j+1, "week") || !p.is(j+2, "of") {
		return dspan{}, false
	}
	k := j + 3
	weekIn := func(from, to time.Time) (time.Time, bool) {
		var weeks []time.Time
		mon := from.AddDate(0, 0, 1-isoWeekday(from))
		for w := mon; w.Before(to); w = w.AddDate(0, 0, 7) {
			if th := w.AddDate(0, 0, 3); !th.Before(from) && th.Before(to) {
				weeks = append(weeks, w)
			}
		}
		if n == -1 && len(weeks) > 0 {
			return weeks[len(weeks)-1], true
		}
		if n >= 1 && n <= len(weeks) {
			return weeks[n-1], true
		}
		return time.Time{}, false
	}
	code := "W05"
	if n > 0 {
		code = "W" + pad2(n)
	}
	if m, e, ok := p.monthAt(k, false); ok {
		y, end, known := 0, e, false
		if yy, f, ok := p.yearAfter(e); ok {
			y, end, known = yy, f, true
		}
		ms := p.monthSpan(y, m, end)
		s := dspan{kind: kDateRange, gran: uDay, end: end}
		for _, a := range ms.alts {
			w, ok := weekIn(a.from, a.to)
			if !ok {
				return dspan{}, false
			}
			s.alts = append(s.alts, dspanAltWeek(yearTx(a.from.Year(), known)+"-"+pad2(m)+"-"+code, w))
		}
		return s, true
	}
	if y, e, ok := p.yearNum(k); ok {
		w, ok := weekIn(mkDate(y, 1, 1), mkDate(y+1, 1, 1))
		if !ok {
			return dspan{}, false
		}
		yy, ww := w.AddDate(0, 0, 3).ISOWeek()
		return dspan{kind: kDateRange, gran: uDay, end: e, alts: []spanAlt{dspanAltWeek(pad4(yy)+"-W"+pad2(ww), w)}}, true
	}
	return dspan{}, false
}

func dspanAltWeek(tx string, monday time.Time) spanAlt {
	return spanAlt{dtAlt: dtAlt{timex: tx, from: monday, to: monday.AddDate(0, 0, 7), hasFrom: true, hasTo: true},
		startTx: dateTimex(monday), endTx: dateTimex(monday.AddDate(0, 0, 7))}
}

// spanMonth: "april", "this september", "april 2017", "2017 april",
// "2015-3", "may of 2018", "next may".
func (p *dtParser) spanMonth(i int) (dspan, bool) {
	if y, j, ok := p.yearNum(i); ok {
		if p.is(j, "-", "/") && p.glued(j) {
			if m, ok := p.num(j + 1); ok && m >= 1 && m <= 12 && len(p.toks[j+1].s) <= 2 && !p.numberGlued(j+2) {
				return p.monthSpan(y, m, j+2), true
			}
		}
		if m, k, ok := p.monthAt(j, false); ok && !p.toks[i].num || ok && p.toks[j].sp {
			if _, _, isDay := p.dayNum(k); !isDay || p.is(k, "q") {
				return p.monthSpan(y, m, k), true
			}
		}
	}
	if m, ok := p.num(i); ok && m >= 1 && m <= 12 && len(p.toks[i].s) <= 2 && p.is(i+1, "-", "/") && p.glued(i+1) && p.glued(i+2) {
		if y, e, ok := p.yearNum(i + 2); ok && !p.numberGlued(e) && !(p.is(e, "-") && p.glued(e)) {
			return p.monthSpan(y, m, e), true
		}
	}
	shift, j, hasShift := p.relWord(i)
	if !hasShift {
		j = i
	}
	m, k, ok := p.monthAt(j, false)
	if !ok {
		return dspan{}, false
	}
	if hasShift && dtAmbiguousMonths[p.word(j)] && !p.rangeCtx {
		if _, _, isNum := p.dayNum(k); !isNum {
			if _, _, isYear := p.yearAfter(k); !isYear {
				return dspan{}, false
			}
		}
	}
	if hasShift {
		y := p.ref.Year()
		switch {
		case shift == 1 && m <= int(p.ref.Month()):
			y++
		case shift == -1 && m >= int(p.ref.Month()):
			y--
		}
		if p.is(i, "past", "prior", "current", "upcoming", "coming") {
			return dspan{}, false
		}
		return p.monthSpan(y, m, k), true
	}
	if y, e, ok := p.yearAfter(k); ok {
		return p.monthSpan(y, m, e), true
	}
	if p.is(k, "-", "/") && p.glued(k) {
		if y, e, ok := p.yearNum(k + 1); ok {
			return p.monthSpan(y, m, e), true
		}
	}
	if dtAmbiguousMonths[p.word(j)] && !p.dateContext(j) {
		return dspan{}, false
	}
	if i > 0 && p.is(i-1, "$") && p.glued(i) {
		return dspan{}, false
	}
	return p.monthSpan(0, m, k), true
}

// spanYear: "2007", "year 2008", "the year of 2008", "calendar year 2008",
// "nineteen ninety six".
func (p *dtParser) spanYear(i int) (dspan, bool) {
	j := i
	if p.is(i, "the") && p.is(i+1, "year", "calendar") {
		return dspan{}, false // "the year 2008" is "year 2008"
	}
	if k, ok := p.anySeq(i, "year", "calendar year", "cy"); ok {
		j = k
	}
	if p.is(j, "=") && j == i {
		j++
	}
	y, k, ok := p.yearNum(j)
	if !ok {
		if p.is(i, "cy") && p.glued(i+1) {
			if n, ok := p.num(i + 1); ok && len(p.toks[i+1].s) == 2 {
				return p.yearSpan(2000+n, i+2), true
			}
		}
		return dspan{}, false
	}
	if p.toks[j].num {
		if p.glued(k) && k < len(p.toks) && (p.toks[k].num || len(p.toks[k].s) > 0 && isLetterAt(p.toks[k].s, 0) && !p.is(k, "s")) {
			return dspan{}, false
		}
		// "2015-32", "32 - 2015": a year joined to a number that is no
		// month, day or year is part of something else
		if p.is(k, "-", "/") {
			if n, ok := p.num(k + 1); ok && (n > 12 && len(p.toks[k+1].s) <= 2 || len(p.toks[k+1].s) == 3) {
				return dspan{}, false
			}
		}
		if j >= 2 && p.is(j-1, "-", "/") {
			if n, ok := p.num(j - 2); ok && n > 12 && len(p.toks[j-2].s) <= 2 {
				return dspan{}, false
			}
		}
	}
	return p.yearSpan(y, k), true
}

// spanRelative: "this week", "next month", "last year", "the week",
// "the weekend", "week 31", "this quarter", "the fortnight", "year to date".
func (p *dtParser) spanRelative(i int) (dspan, bool) {
	today := day(p.ref)
	if k, ok := p.anySeq(i, "year to date"); ok {
		from := mkDate(p.ref.Year(), 1, 1)
		return dspan{kind: kDateRange, gran: uDay, end: k, rel: true, alts: []spanAlt{{
			dtAlt: dtAlt{timex: pad4(p.ref.Year()), from: from, to: today, hasFrom: true, hasTo: true}, startTx: dateTimex(from), endTx: dateTimex(today)}}}, true
	}
	if j, ok := p.anySeq(i, "same", "that"); ok {
		undef := map[string]string{"week": "XXXX-WXX", "month": "XXXX-XX", "year": "XXXX", "weekend": "XXXX-WXX-WE"}
		if tx, ok := undef[p.word(j)]; ok && !(p.is(i, "that") && p.word(j) != "weekend") {
			s, ok := p.spanRelative(j)
			if p.word(j) != "week" && p.word(j) != "weekend" {
				s, ok = p.relSpanOf(p.word(j), 0, j+1)
			} else if p.word(j) == "week" {
				s, ok = p.weekRel(0, j+1), true
			}
			if ok && len(s.alts) == 1 {
				s.alts[0].timex = tx
				s.mod, s.end, s.rel = "ref_undef", j+1, true
				return s, true
			}
		}
	}
	shift, j, ok := p.relWord(i)
	if !ok {
		if p.is(i, "the") {
			shift, j = 0, i+1
			if _, isNum := p.num(j + 1); isNum && p.is(j, "week", "year") {
				return dspan{}, false // "the week 31" is "week 31"
			}
			if p.is(j, "year") && (p.is(j+1, "of") || p.is(j+1, "to") && p.is(j+2, "date")) {
				return dspan{}, false
			}
		} else if p.is(i, "week") || p.is(i, "weekend") {
			shift, j = 0, i
		} else {
			return dspan{}, false
		}
	}
	if j, ok := p.anySeq(j, "calendar year"); ok && p.is(i, "this", "the", "current") {
		if _, _, isYear := p.yearNum(j); isYear {
			return dspan{}, false // "the calendar year 2008" is "calendar year 2008"
		}
		return p.yearRel(shift, j)
	}
	if p.is(j, "working", "work") && p.is(j+1, "week") {
		s := p.weekRel(shift, j+2)
		s.alts[0].to = s.alts[0].to.AddDate(0, 0, -2)
		return s, true
	}
	switch p.word(j) {
	case "week":
		if n, ok := p.num(j + 1); ok && j == i {
			if n >= 1 && n <= 53 && len(p.toks[j+1].s) <= 2 && !p.numberGlued(j+2) {
				y := p.ref.Year()
				jan4 := mkDate(y, 1, 4)
				monday := jan4.AddDate(0, 0, 1-isoWeekday(jan4)).AddDate(0, 0, 7*(n-1))
				return p.weekSpan(monday, j+2), true
			}
			return dspan{}, false
		}
		if j == i {
			return dspan{}, false
		}
		if p.is(j+1, "after") && p.is(j+2, "next") {
			return p.weekRel(2, j+3), true
		}
		return p.weekRel(shift, j+1), true
	case "workweek":
		s := p.weekRel(shift, j+1)
		s.alts[0].to = s.alts[0].to.AddDate(0, 0, -2)
		return s, true
	case "weekend":
		monday := today.AddDate(0, 0, 1-isoWeekday(today)).AddDate(0, 0, 7*shift)
		sat := monday.AddDate(0, 0, 5)
		yy, ww := monday.ISOWeek()
		return dspan{kind: kDateRange, gran: uDay, end: j + 1, rel: true, alts: []spanAlt{{
			dtAlt:   dtAlt{timex: pad4(yy) + "-W" + pad2(ww) + "-WE", from: sat, to: sat.AddDate(0, 0, 2), hasFrom: true, hasTo: true},
			startTx: dateTimex(sat), endTx: dateTimex(sat.AddDate(0, 0, 2))}}}, true
	case "month":
		if j == i {
			return dspan{}, false
		}
		first := mkDate(p.ref.Year(), int(p.ref.Month()), 1).AddDate(0, shift, 0)
		s := p.monthSpan(first.Year(), int(first.Month()), j+1)
		s.rel = true
		return s, true
	case "year":
		if j == i {
			return dspan{}, false
		}
		return p.yearRel(shift, j+1)
	case "quarter":
		if j == i && !p.is(i, "the") {
			return dspan{}, false
		}
		q := (int(p.ref.Month()) - 1) / 3
		from := mkDate(p.ref.Year(), 3*q+1, 1).AddDate(0, 3*shift, 0)
		s := dspan{kind: kDateRange, gran: uMonth, end: j + 1, rel: true, alts: []spanAlt{compound(from, from.AddDate(0, 3, 0), "P3M", true)}}
		return s, true
	case "fortnight":
		monday := today.AddDate(0, 0, 1-isoWeekday(today)).AddDate(0, 0, 14*shift)
		return dspan{kind: kDateRange, gran: uDay, end: j + 1, rel: true, alts: []spanAlt{compound(monday, monday.AddDate(0, 0, 14), "P2W", true)}}, true
	}
	return dspan{}, false
}

func (p *dtParser) yearRel(shift, end int) (dspan, bool) {
	s := p.yearSpan(p.ref.Year()+shift, end)
	s.rel = true
	return s, true
}

func (p *dtParser) weekRel(shift, end int) dspan {
	today := day(p.ref)
	monday := today.AddDate(0, 0, 1-isoWeekday(today)).AddDate(0, 0, 7*shift)
	s := p.weekSpan(monday, end)
	s.rel = true
	return s
}

func (p *dtParser) weekSpan(monday time.Time, end int) dspan {
	yy, ww := monday.ISOWeek()
	return dspan{kind: kDateRange, gran: uDay, end: end, alts: []spanAlt{{
		dtAlt:   dtAlt{timex: pad4(yy) + "-W" + pad2(ww), from: monday, to: monday.AddDate(0, 0, 7), hasFrom: true, hasTo: true},
		startTx: dateTimex(monday), endTx: dateTimex(monday.AddDate(0, 0, 7))}}}
}

// spanQuarter: "q1", "2019 q1", "2019-q1", "q3 2019", "q1-2019", "q1 of
// 2017", "2019 h2".
func (p *dtParser) spanQuarter(i int) (dspan, bool) {
	quarterAt := func(j int) (int, int, int, bool) { // number, months per part, end
		w := p.word(j)
		if (w == "q" || w == "h") && p.glued(j+1) {
			if n, ok := p.num(j + 1); ok {
				if w == "q" && n >= 1 && n <= 4 {
					return n, 3, j + 2, true
				}
				if w == "h" && n >= 1 && n <= 2 {
					return n, 6, j + 2, true
				}
			}
		}
		return 0, 0, j, false
	}
	mk := func(y, n, months, end int, yearKnown bool) dspan {
		dur := "P" + itoa(months) + "M"
		s := dspan{kind: kDateRange, gran: uMonth, end: end, y: y}
		if yearKnown {
			from := mkDate(y, (n-1)*months+1, 1)
			s.alts = []spanAlt{compound(from, from.AddDate(0, months, 0), dur, true)}
			return s
		}
		ry := p.ref.Year()
		from := mkDate(ry, (n-1)*months+1, 1)
		if from.Before(p.ref) {
			s.alts = []spanAlt{compound(from, from.AddDate(0, months, 0), dur, false), compound(from.AddDate(1, 0, 0), from.AddDate(1, months, 0), dur, false)}
		} else {
			s.alts = []spanAlt{compound(from.AddDate(-1, 0, 0), from.AddDate(-1, months, 0), dur, false), compound(from, from.AddDate(0, months, 0), dur, false)}
		}
		return s
	}
	if y, j, ok := p.yearNum(i); ok {
		k := j
		if p.is(k, "-") && p.glued(k) {
			k++
		}
		if n, months, e, ok := quarterAt(k); ok {
			return mk(y, n, months, e, true), true
		}
		return dspan{}, false
	}
	// "the first quarter of 2013", "the 1st quarter of the year"
	{
		j := i
		if p.is(j, "the") {
			j++
		}
		if p.is(j, "whole") {
			j++
		}
		if n, e, ok := p.ordinalNum(j); ok && n >= 1 && n <= 4 && p.is(e, "quarter") && p.is(e+1, "of") {
			k := e + 2
			if y, f, ok := p.yearNum(k); ok {
				return mk(y, n, 3, f, true), true
			}
			if f, ok := p.seq(k, "the year"); ok {
				return mk(0, n, 3, f, false), true
			}
			if shift, f, ok := p.relWord(k); ok && p.is(f, "year") {
				return mk(p.ref.Year()+shift, n, 3, f+1, true), true
			}
		}
	}
	n, months, j, ok := quarterAt(i)
	if !ok {
		return dspan{}, false
	}
	k := j
	if p.is(k, "-") && p.glued(k) {
		k++
	} else if p.is(k, "of", ",") {
		k++
	}
	if y, e, ok := p.yearNum(k); ok {
		return mk(y, n, months, e, true), true
	}
	return mk(0, n, months, j, false), true
}

// spanCount: "next 3 days", "last 3 months", "the past fortnight",
// "within 9 months", "5 upcoming years", "10 previous weeks", "the next
// couple weeks", "last 2 quarters".
func (p *dtParser) spanCount(i int) (dspan, bool) {
	j := i
	within := false
	if p.is(j, "within") {
		within, j = true, j+1
		if p.is(j, "the") {
			j++
		}
	}
	shift, k, hasShift := p.relWord(j)
	var n float64
	var u dtUnit
	var e int
	switch {
	case hasShift && shift != 0:
		var ok bool
		n, u, e, ok = p.amountUnit(k)
		if !ok {
			return dspan{}, false
		}
	case within:
		var ok bool
		n, u, e, ok = p.amountUnit(k)
		if !ok {
			return dspan{}, false
		}
		shift = 1
	default:
		// "5 upcoming years", "10 previous weeks"
		var ok bool
		var text string
		n, text, k, ok = p.amount(j)
		_ = text
		if !ok || p.is(j, "a", "an") {
			return dspan{}, false
		}
		var s2 int
		s2, k, ok = p.relWord(k)
		if !ok || s2 == 0 {
			return dspan{}, false
		}
		shift = s2
		u, e, ok = p.unitAt(k)
		if !ok || n != 1 && !strings.HasSuffix(p.word(k), "s") {
			return dspan{}, false
		}
	}
	if n != float64(int(n)) || n <= 0 {
		return dspan{}, false
	}
	ni := int(n)
	today := day(p.ref)
	switch u {
	case uSecond, uMinute, uHour:
		d := time.Duration(ni) * map[dtUnit]time.Duration{uSecond: time.Second, uMinute: time.Minute, uHour: time.Hour}[u]
		from, to := p.ref, p.ref.Add(d)
		if shift < 0 {
			from, to = p.ref.Add(-d), p.ref
		}
		parts, _ := durationTimex([]durPart{{n, itoa(ni), u}})
		a := spanAlt{dtAlt: dtAlt{from: from, to: to, hasFrom: true, hasTo: true,
			fromTimex: from.Format("2006-01-02T15:04:05"), toTimex: to.Format("2006-01-02T15:04:05"), durTimex: parts}}
		return dspan{kind: kDateTimeRange, gran: uSecond, end: e, rel: true, alts: []spanAlt{a}}, true
	case uQuarter:
		q := (int(p.ref.Month()) - 1) / 3
		cur := mkDate(p.ref.Year(), 3*q+1, 1)
		from, to := cur.AddDate(0, 3, 0), cur.AddDate(0, 3+3*ni, 0)
		if shift < 0 {
			from, to = cur.AddDate(0, -3*ni, 0), cur
		}
		return dspan{kind: kDateRange, gran: uMonth, end: e, rel: true, alts: []spanAlt{compound(from, to, "P"+itoa(3*ni)+"M", true)}}, true
	case uBusinessDay:
		// the next (or last) n weekdays, from tomorrow (or to today)
		var days []time.Time
		for t := today; len(days) < ni && len(days) < 1000; {
			if shift > 0 {
				t = t.AddDate(0, 0, 1)
			} else {
				t = t.AddDate(0, 0, -1)
			}
			if wd := isoWeekday(t); wd <= 5 {
				days = append(days, t)
			}
		}
		from, to := days[0], days[len(days)-1].AddDate(0, 0, 1)
		if shift < 0 {
			from, to = days[len(days)-1], today
		}
		return dspan{kind: kDateRange, gran: uDay, end: e, rel: true, alts: []spanAlt{compound(from, to, "P"+itoa(ni)+"BD", true)}}, true
	case uDecade, uCentury:
		return dspan{}, false
	}
	tx, _ := durationTimex([]durPart{{n, itoa(ni), u}})
	var from, to time.Time
	switch {
	case within:
		from, to = today, addUnits(today, u, ni)
	case shift > 0:
		from = today.AddDate(0, 0, 1)
		to = addUnits(from, u, ni)
	default:
		from, to = addUnits(today, u, -ni), today
	}
	return dspan{kind: kDateRange, gran: uDay, end: e, rel: true, alts: []spanAlt{compound(from, to, tx, true)}}, true
}

// spanDecade: "1990s", "the 1990s", "15th century", "21st century".
func (p *dtParser) spanDecade(i int) (dspan, bool) {
	if n, j, ok := p.ordinalNum(i); ok && p.is(j, "century") && n >= 1 && n <= 30 {
		from := mkDate((n-1)*100, 1, 1)
		return dspan{kind: kDateRange, gran: uYear, end: j + 1, alts: []spanAlt{compound(from, from.AddDate(100, 0, 0), "P100Y", true)}}, true
	}
	if y, j, ok := p.yearNum(i); ok && p.toks[i].num && y%10 == 0 && p.is(j, "s") {
		if p.glued(j) || (!p.glued(j) && j+1 <= len(p.toks)) {
			from := mkDate(y, 1, 1)
			return dspan{kind: kDateRange, gran: uYear, end: j + 1, alts: []spanAlt{compound(from, from.AddDate(10, 0, 0), "P10Y", true)}}, true
		}
	}
	return dspan{}, false
}

// spanWeekOf: "the week of april 10th", "w/c feb 4", "the week beginning
// february 4": the week from the Monday of that date.
func (p *dtParser) spanWeekOf(i int) (dspan, bool) {
	j, ok := p.anySeq(i, "the week of", "week of", "w / c", "the week beginning", "the week starting", "the week starting on", "the week beginning on", "week beginning", "week starting", "week commencing", "the week commencing")
	if !ok {
		return dspan{}, false
	}
	d, ok := p.date(j)
	if !ok && p.is(j, "the") {
		if n, e, ok2 := p.ordinalNum(j + 1); ok2 && n <= 31 {
			d, ok = dpoint{d: n, end: e}, true
		}
	}
	if !ok {
		return dspan{}, false
	}
	s := dspan{kind: kDateRange, gran: uDay, end: d.end}
	for _, a := range p.dateAlts(d) {
		if a.unresolved {
			return dspan{}, false
		}
		monday := a.at.AddDate(0, 0, 1-isoWeekday(a.at))
		s.alts = append(s.alts, spanAlt{dtAlt: dtAlt{timex: a.timex, from: monday, to: monday.AddDate(0, 0, 7), hasFrom: true, hasTo: true},
			startTx: dateTimex(monday), endTx: dateTimex(monday.AddDate(0, 0, 7))})
	}
	return s, true
}

// spanSeason: "this summer", "summer 2016": a season has a TIMEX and no
// dates.
func (p *dtParser) spanSeason(i int) (dspan, bool) {
	seasons := map[string]string{"summer": "SU", "winter": "WI", "spring": "SP", "fall": "FA", "autumn": "FA"}
	shift, j, hasShift := p.relWord(i)
	if !hasShift {
		j = i
	}
	code, ok := seasons[p.word(j)]
	if !ok {
		return dspan{}, false
	}
	y, known, end := p.ref.Year()+shift, hasShift, j+1
	if yy, e, ok := p.yearAfter(end); ok {
		y, known, end = yy, true, e
	}
	if !known {
		return dspan{}, false
	}
	return dspan{kind: kDateRange, gran: uMonth, end: end, alts: []spanAlt{{dtAlt: dtAlt{timex: pad4(y) + "-" + code, unresolved: true}}}}, true
}

// pointSpan turns a date into a span of one day, for ranges.
func (p *dtParser) pointSpan(d dpoint) dspan {
	s := dspan{kind: kDateRange, gran: uDay, end: d.end, rel: d.rel, y: d.y, m: d.m}
	for _, a := range p.dateAlts(d) {
		sa := spanAlt{dtAlt: a}
		sa.from, sa.to, sa.hasFrom, sa.hasTo = a.at, a.at.AddDate(0, 0, 1), true, true
		sa.startTx, sa.endTx = a.timex, a.timex
		s.alts = append(s.alts, sa)
	}
	return s
}

// rangeEnd reads one end of a range of dates: a date or a span.
func (p *dtParser) rangeEnd(i int) (dspan, dpoint, bool) {
	d, okD := p.date(i)
	s, okS := p.dateSpan(i)
	if okS && (!okD || s.end > d.end) {
		return s, dpoint{}, true
	}
	if okD {
		return p.pointSpan(d), d, true
	}
	if p.is(i, "now") || p.is(i, "today") {
		return p.pointSpan(dpoint{rel: true, t: day(p.ref), end: i + 1}), dpoint{}, true
	}
	return dspan{}, dpoint{}, false
}

// dateRange reads "from A to B", "between A and B", "A - B", "A through
// B", where A and B are dates or spans of dates.
func (p *dtParser) dateRange(i int) (dtExpr, bool) {
	if e, ok := p.durationFrom(i); ok {
		return e, true
	}
	if e, ok := p.dayRange(i); ok {
		return e, true
	}
	j := i
	between := false
	switch {
	case p.is(i, "from"):
		j++
	case p.is(i, "between"):
		j, between = j+1, true
	}
	p.rangeCtx = true
	a, ad, ok := p.rangeEnd(j)
	p.rangeCtx = false
	if !ok {
		return dtExpr{}, false
	}
	k := a.end
	var sepOK bool
	if between {
		k, sepOK = p.anySeq(k, "and", "-", "~", "through", "to", "thru")
	} else {
		k, sepOK = p.anySeq(k, "to", "till", "until", "til", "through", "thru", "-", "~")
	}
	if !sepOK {
		return dtExpr{}, false
	}
	edge := ""
	if e, ok := p.anySeq(k, "the end of", "end of"); ok {
		edge, k = "end", e
	} else if e, ok := p.anySeq(k, "the start of", "the beginning of", "start of", "beginning of"); ok {
		edge, k = "start", e
	}
	if p.is(k, "the") && !p.isOrdinalAt(k+1) {
		if _, _, isDay := p.ordinalNum(k + 1); !isDay {
			k++
		}
	}
	b, bd, okB := p.rangeEnd(k)
	if okB && edge != "" {
		// "to the end of 2008" runs to the span's end, counted in months
		if b.gran == uDay {
			return dtExpr{}, false
		}
		b.alts = slices.Clone(b.alts)
		for n := range b.alts {
			if edge == "end" {
				b.alts[n].from, b.alts[n].startTx = b.alts[n].to, b.alts[n].endTx
			}
		}
		b.gran = uMonth
		if a.gran == uYear {
			a.gran = uMonth
		}
	}
	if !okB {
		// "april 9th through 17th", "november 18-19", "3 and 12 of sept"
		if ad.m != 0 && ad.y == 0 || ad.m != 0 {
			if dd, e, ok := p.dayNum(k); ok && !p.is(e, ":") {
				if _, _, isMonth := p.monthAt(e, false); !isMonth {
					bd = dpoint{y: ad.y, m: ad.m, d: dd, end: e}
					if y, f, ok := p.yearAfter(e); ok {
						bd.y, bd.end = y, f
						ad.y = y
						a = p.pointSpan(ad)
					}
					b = p.pointSpan(bd)
					okB = true
				}
			}
		}
		if !okB {
			return dtExpr{}, false
		}
	}
	if a.kind != kDateRange || b.kind != kDateRange {
		return dtExpr{}, false
	}
	// a bare weekday after a known date is the first one from it
	if bd.wd != 0 && bd.m == 0 && bd.d == 0 && (ad.rel || ad.y != 0) && len(a.alts) == 1 {
		start := a.alts[0].from
		t := start.AddDate(0, 0, (bd.wd-isoWeekday(start)+7)%7)
		b = p.pointSpan(dpoint{rel: true, t: t, end: bd.end})
	}
	// the day alone takes the other end's month; an end with no year takes
	// the other's ("jan-feb 2017", "nov 18-dec 19, 2015").
	if ad.d != 0 && ad.m == 0 && !ad.rel && bd.m != 0 {
		ad.m, ad.y = bd.m, bd.y
		a = p.pointSpan(ad)
	}
	if bd.d != 0 && bd.m == 0 && !bd.rel && ad.m != 0 {
		bd.m, bd.y = ad.m, ad.y
		b = p.pointSpan(bd)
	}
	end := b.end
	if p.is(end, "in", "of") || p.is(end, ",") && p.is(end+1, "in") {
		// "from 4-23 in next month", "26 june to 28 june in 2020"
	}
	if b.y != 0 && a.y == 0 && !a.rel && a.m != 0 {
		y := b.y
		if a.m > b.m && b.m != 0 {
			y--
		}
		if ad.m != 0 {
			ad.y = y
			a = p.pointSpan(ad)
		} else {
			a = p.monthSpan(y, a.m, a.end)
		}
	}
	if between && !p.is(i, "between") {
		return dtExpr{}, false
	}
	e := dtExpr{kind: kDateRange, start: i, end: end}
	e.alts = p.joinSpans(a, b)
	if len(e.alts) == 0 {
		return dtExpr{}, false
	}
	return e, true
}

// joinSpans makes the ranges from the start of a to the start of b: one
// when both are known, else the past and the future pairs, an end before
// its start taken from the other pair.
func (p *dtParser) joinSpans(a, b dspan) []dtAlt {
	pick := func(s dspan, k int) spanAlt {
		if k < len(s.alts) {
			return s.alts[k]
		}
		return s.alts[len(s.alts)-1]
	}
	n := max(len(a.alts), len(b.alts))
	if n == 0 {
		return nil
	}
	gran := max(a.gran, b.gran)
	if a.gran == uDay || b.gran == uDay {
		gran = uDay
	} else if a.gran == uMonth || b.gran == uMonth {
		gran = uMonth
	}
	var out []dtAlt
	for k := 0; k < n; k++ {
		x, y := pick(a, k), pick(b, k)
		if x.unresolved || y.unresolved {
			return []dtAlt{{timex: "(" + x.startTx + "," + y.startTx + ",PXD)", unresolved: true, fromTimex: x.startTx, toTimex: y.startTx, durTimex: "PXD"}}
		}
		if y.from.Before(x.from) {
			if k == 0 && n > 1 {
				y = pick(b, 1)
			} else if k == 1 {
				x = pick(a, 0)
			}
		}
		if y.from.Before(x.from) {
			continue
		}
		if !b.rel && b.y == 0 && b.gran == uDay && y.from.Sub(x.from) > 366*24*time.Hour {
			yy := x.from.Year()
			if !validDate(yy, int(y.from.Month()), y.from.Day()) || mkDate(yy, int(y.from.Month()), y.from.Day()).Before(x.from) {
				yy++
			}
			if !validDate(yy, int(y.from.Month()), y.from.Day()) {
				continue
			}
			y.from = mkDate(yy, int(y.from.Month()), y.from.Day())
		}
		var dur string
		switch gran {
		case uDay:
			dur = "P" + itoa(int(y.from.Sub(x.from).Hours()/24+0.5)) + "D"
		case uMonth:
			dur = "P" + itoa((y.from.Year()-x.from.Year())*12+int(y.from.Month())-int(x.from.Month())) + "M"
		default:
			dur = "P" + itoa(y.from.Year()-x.from.Year()) + "Y"
		}
		out = append(out, dtAlt{from: x.from, to: y.from, hasFrom: true, hasTo: true,
			fromTimex: x.startTx, toTimex: y.startTx, durTimex: dur})
	}
	return out
}

// spanFiscal: "last fiscal year", "school year 2008", "sy18", "fiscal
// year": years whose dates vary by organisation keep a TIMEX only.
func (p *dtParser) spanFiscal(i int) (dspan, bool) {
	shift, j, hasShift := p.relWord(i)
	if !hasShift {
		j = i
	}
	code := ""
	k := j
	switch {
	case p.is(j, "fiscal", "financial") && p.is(j+1, "year"):
		code, k = "FY", j+2
	case p.is(j, "school", "academic") && p.is(j+1, "year"):
		code, k = "SY", j+2
	case p.is(j, "fy"):
		code, k = "FY", j+1
	case p.is(j, "sy"):
		code, k = "SY", j+1
	default:
		return dspan{}, false
	}
	y, end, known := p.ref.Year()+shift, k, hasShift
	if yy, e, ok := p.yearNum(k); ok && !hasShift {
		y, end, known = yy, e, true
	} else if n, ok := p.num(k); ok && len(p.toks[k].s) == 2 && !hasShift && (p.glued(k) || p.is(j, "fy", "sy")) {
		y, end, known = 2000+n, k+1, true
	}
	tx := code + "XXXX"
	if known {
		tx = code + pad4(y)
	} else if k == j+1 {
		return dspan{}, false // "fy" alone
	}
	return dspan{kind: kDateRange, gran: uYear, end: end, alts: []spanAlt{{dtAlt: dtAlt{timex: tx, unresolved: true}}}}, true
}

// durationFrom: "a week starting tomorrow", "3 days starting from next
// monday", "for 3 days, from today": a span of the duration from a date.
func (p *dtParser) durationFrom(i int) (dtExpr, bool) {
	j := i
	forForm := p.is(i, "for")
	if forForm {
		j++
	}
	parts, e, ok := p.durationAt(j)
	if !ok {
		return dtExpr{}, false
	}
	k := e
	switch {
	case forForm:
		if p.is(k, ",") {
			k++
		}
		if !p.is(k, "from") {
			return dtExpr{}, false
		}
		k++
	default:
		var ok bool
		if k, ok = p.anySeq(k, "starting from", "starting on", "starting", "beginning from", "beginning on", "beginning"); !ok {
			return dtExpr{}, false
		}
	}
	tx, _ := durationTimex(parts)
	// a date and a time: the span runs from that instant
	if dt, ok := p.dateTime(k); ok && dt.kind == kDateTime && len(dt.alts) == 1 {
		from := dt.alts[0].at
		to := addParts(from, parts)
		return dtExpr{kind: kDateTimeRange, start: i, end: dt.end, alts: []dtAlt{{from: from, to: to, hasFrom: true, hasTo: true,
			fromTimex: from.Format("2006-01-02T15:04:05"), toTimex: to.Format("2006-01-02T15:04:05"), durTimex: tx}}}, true
	}
	d, ok := p.date(k)
	if !ok {
		return dtExpr{}, false
	}
	alts := p.dateAlts(d)
	a := alts[len(alts)-1]
	if a.unresolved {
		return dtExpr{}, false
	}
	to := addParts(a.at, parts)
	return dtExpr{kind: kDateRange, start: i, end: d.end, alts: []dtAlt{{from: a.at, to: to, hasFrom: true, hasTo: true,
		fromTimex: dateTimex(a.at), toTimex: dateTimex(to), durTimex: tx}}}, true
}

// addParts adds a duration's parts to t.
func addParts(t time.Time, parts []durPart) time.Time {
	for _, pt := range parts {
		if pt.n == float64(int(pt.n)) {
			t = addUnits(t, pt.u, int(pt.n))
		} else {
			t = t.Add(time.Duration(pt.n * pt.u.seconds() * float64(time.Second)))
		}
	}
	return t
}

// dayRange reads two days of one month, the month after the second:
// "9 to 12 of june", "between the ninth and the seventeenth of april",
// "from 4-23 in next month".
func (p *dtParser) dayRange(i int) (dtExpr, bool) {
	j := i
	between := p.is(i, "between")
	if p.is(i, "from") || between {
		j++
	}
	if p.is(j, "the") {
		j++
	}
	a, k, ok := p.dayNum(j)
	if !ok || p.startsTime(j) {
		return dtExpr{}, false
	}
	if between {
		k, ok = p.anySeq(k, "and", "-")
	} else {
		k, ok = p.anySeq(k, "to", "till", "until", "til", "through", "thru", "-", "~")
	}
	if !ok {
		return dtExpr{}, false
	}
	if p.is(k, "the") {
		k++
	}
	b, e, ok := p.dayNum(k)
	if !ok || b < a {
		return dtExpr{}, false
	}
	// the month: "of june", "in next month", "june"
	f := e
	if p.is(f, "of", "in") {
		f++
	}
	var months []spanAlt
	var yearKnown bool
	end := f
	if s, ok := p.dateSpan(f); ok && s.gran == uMonth && len(s.alts) > 0 && s.alts[0].fromTimex == "" && !s.alts[0].unresolved {
		months, end = s.alts, s.end
		yearKnown = s.y != 0 || s.rel
	} else {
		return dtExpr{}, false
	}
	out := dtExpr{kind: kDateRange, start: i, end: end}
	for _, m := range months {
		y, mo := m.from.Year(), int(m.from.Month())
		if !validDate(y, mo, a) || !validDate(y, mo, b) {
			return dtExpr{}, false
		}
		from, to := mkDate(y, mo, a), mkDate(y, mo, b)
		out.alts = append(out.alts, dtAlt{from: from, to: to, hasFrom: true, hasTo: true,
			fromTimex: edgeTx(from, yearKnown), toTimex: edgeTx(to, yearKnown), durTimex: "P" + itoa(b-a) + "D"})
	}
	return out, true
}
