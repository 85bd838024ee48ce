package prebuilt

import (
	"strings"
	"time"
)

// Dates: absolute ones in words and digits, weekdays, and dates counted
// from the reference ("tomorrow", "next friday", "in 3 weeks").

// dpoint is a date as written. A date counted from the reference is
// concrete (rel); otherwise any of year, month and day may be unknown (0),
// and wd is a weekday with no date.
type dpoint struct {
	y, m, d, wd int
	rel         bool
	t           time.Time
	end         int
	// past and future, when set, are a weekday's day of the month found
	// around the reference ("monday 21").
	past, future time.Time
	// hol is the holiday the date names, by year.
	hol func(int) time.Time
	// valueYear resolves a date whose TIMEX keeps no year to that year
	// only ("next 5/12").
	valueYear int
}

// timex writes the date as a TIMEX: "2016-11-08", "XXXX-10-02",
// "XXXX-XX-18", "XXXX-WXX-5".
func (d dpoint) timex() string {
	switch {
	case d.rel:
		return dateTimex(d.t)
	case d.m == 0 && d.wd != 0:
		return "XXXX-WXX-" + itoa(d.wd)
	}
	y := "XXXX"
	if d.y != 0 {
		y = pad4(d.y)
	}
	m := "XX"
	if d.m != 0 {
		m = pad2(d.m)
	}
	return y + "-" + m + "-" + pad2(d.d)
}

// alts resolves the date: one value when it is fully known, else the last
// occurrence before the reference and the next one from it.
func (p *dtParser) dateAlts(d dpoint) []dtAlt {
	tx := d.timex()
	switch {
	case d.rel:
		return []dtAlt{{timex: tx, at: d.t}}
	case !d.future.IsZero():
		return []dtAlt{{timex: tx, at: d.past}, {timex: tx, at: d.future}}
	case d.valueYear != 0:
		if !validDate(d.valueYear, d.m, d.d) {
			return []dtAlt{{timex: tx, unresolved: true}}
		}
		return []dtAlt{{timex: tx, at: mkDate(d.valueYear, d.m, d.d)}}
	case d.hol != nil && d.y == 0:
		past, future := p.aroundHoliday(d.hol)
		tx := "XXXX-" + past.Format("01-02")
		return []dtAlt{{timex: tx, at: past}, {timex: tx, at: future}}
	case d.m == 0 && d.d == 0 && d.wd != 0:
		today := day(p.ref)
		next := today.AddDate(0, 0, (d.wd-isoWeekday(today)+7)%7)
		return []dtAlt{{timex: tx, at: next.AddDate(0, 0, -7)}, {timex: tx, at: next}}
	case d.y != 0:
		if !validDate(d.y, d.m, d.d) {
			return []dtAlt{{timex: tx, unresolved: true}}
		}
		return []dtAlt{{timex: tx, at: mkDate(d.y, d.m, d.d)}}
	case d.m != 0:
		past, future, ok := p.aroundYears(d.m, d.d)
		if !ok {
			return []dtAlt{{timex: tx, unresolved: true}}
		}
		return []dtAlt{{timex: tx, at: past}, {timex: tx, at: future}}
	default:
		var past, future time.Time
		base := mkDate(p.ref.Year(), int(p.ref.Month()), 1)
		for k := -13; k <= 13; k++ {
			mo := base.AddDate(0, k, 0)
			if !validDate(mo.Year(), int(mo.Month()), d.d) {
				continue
			}
			c := mkDate(mo.Year(), int(mo.Month()), d.d)
			if c.Before(p.ref) {
				past = c
			} else if future.IsZero() {
				future = c
			}
		}
		if past.IsZero() || future.IsZero() {
			return []dtAlt{{timex: tx, unresolved: true}}
		}
		return []dtAlt{{timex: tx, at: past}, {timex: tx, at: future}}
	}
}

// aroundYears returns the last month-day before the reference and the
// next one from it, skipping years where it does not exist (Feb 29).
func (p *dtParser) aroundYears(m, d int) (past, future time.Time, ok bool) {
	for y := p.ref.Year() - 8; y <= p.ref.Year()+8; y++ {
		if !validDate(y, m, d) {
			continue
		}
		c := mkDate(y, m, d)
		if c.Before(p.ref) {
			past = c
		} else if future.IsZero() {
			future = c
		}
	}
	return past, future, !past.IsZero() && !future.IsZero()
}

func isoWeekday(t time.Time) int {
	w := int(t.Weekday())
	if w == 0 {
		return 7
	}
	return w
}

func itoa(n int) string { return pad1(n) }

func pad1(n int) string {
	if n < 0 {
		return "-" + pad1(-n)
	}
	if n < 10 {
		return string(rune('0' + n))
	}
	return pad1(n/10) + string(rune('0'+n%10))
}

// monthAt reads a month name at i ("sept", "Dec."), and the index after
// it; an ambiguous name ("may", "march") only when strict is false.
func (p *dtParser) monthAt(i int, strict bool) (int, int, bool) {
	w := p.word(i)
	m, ok := dtMonths[w]
	if !ok || (strict && dtAmbiguousMonths[w]) {
		return 0, i, false
	}
	return m, i + 1, true
}

func (p *dtParser) weekdayAt(i int) (int, int, bool) {
	w := p.word(i)
	wd, ok := dtWeekdays[w]
	if !ok {
		return 0, i, false
	}
	j := i + 1
	if p.is(j, ".") && p.glued(j) && len(w) <= 4 {
		j++
	}
	return wd, j, true
}

// yearAfter reads a year after a date: "2019", ", 2019", "in 2020",
// "of 2017"; a two-digit year only after a comma or apostrophe.
func (p *dtParser) yearAfter(i int) (int, int, bool) {
	j := i
	if p.is(j, ",") {
		j++
	}
	if p.is(j, "in", "of") && j == i {
		if y, k, ok := p.yearNum(j + 1); ok {
			return y, k, true
		}
		if n, ok := p.num(j + 1); ok && p.is(j, "of") && len(p.toks[j+1].s) == 2 && !p.numberGlued(j+2) && !p.is(j+2, ":") {
			return twoDigitYear(n), j + 2, true
		}
		return 0, i, false
	}
	if y, k, ok := p.yearNum(j); ok {
		return y, k, true
	}
	return 0, i, false
}

// date reads the longest date at i.
func (p *dtParser) date(i int) (dpoint, bool) {
	k := memoKey{i, 'd', p.rangeCtx}
	if v, ok := p.memo[k]; ok {
		return v.d, v.ok
	}
	d, ok := p.dateUncached(i)
	if p.memo == nil {
		p.memo = map[memoKey]memoVal{}
	}
	p.memo[k] = memoVal{d: d, ok: ok}
	return d, ok
}

func (p *dtParser) dateUncached(i int) (dpoint, bool) {
	var best dpoint
	found := false
	try := func(d dpoint, ok bool) {
		if ok && (!found || d.end > best.end) {
			best, found = d, true
		}
	}
	try(p.dateMonthFirst(i))
	try(p.dateDayFirst(i))
	try(p.dateNumeric(i))
	try(p.dateRelative(i))
	try(p.dateWeekday(i))
	try(p.dateHoliday(i))
	try(p.dateShifted(i))
	if found {
		// "on" before a date belongs to it when nothing else claims it.
		return best, true
	}
	return best, false
}

// dateMonthFirst: "oct/2", "may twenty nine", "dec. 31, 1994", "October 14",
// "jan 3rd 2019", "april the ninth", "sep-23-2020", "september-2020-23".
func (p *dtParser) dateMonthFirst(i int) (dpoint, bool) {
	m, j, ok := p.monthAt(i, false)
	if !ok {
		return dpoint{}, false
	}
	if p.is(j, "/", "-") && p.glued(j) {
		if y, k, ok := p.yearNum(j + 1); ok && p.is(k, "-", "/") {
			if d, e, ok := p.dayNum(k + 1); ok {
				return dpoint{y: y, m: m, d: d, end: e}, true
			}
		}
		if d, k, ok := p.dayNum(j + 1); ok {
			dp := dpoint{m: m, d: d, end: k}
			if p.is(k, "-", "/") && p.glued(k) {
				if y, e, ok := p.yearNum(k + 1); ok {
					dp.y, dp.end = y, e
				}
			}
			return dp, true
		}
		return dpoint{}, false
	}
	k := j
	if p.is(k, ".") && p.glued(k) {
		k++
	}
	if p.is(k, ",") {
		k++
	}
	if p.is(k, "the") {
		k++
	}
	d, e, ok := p.dayNum(k)
	if !ok {
		return dpoint{}, false
	}
	// a number followed by a clock mark is a time ("may 5pm" is no date)
	if p.is(e, ":", "am", "pm", "a", "p", "oclock") && k == j && !p.isOrdinalAt(k) {
		if !p.is(e, ":") {
			return dpoint{}, false
		}
	}
	// a year before the month's day: "2015-3" is handled by numeric dates.
	if p.toks[k].num && len(p.toks[k].s) > 2 {
		return dpoint{}, false
	}
	dp := dpoint{m: m, d: d, end: e}
	if y, f, ok := p.yearAfter(e); ok {
		dp.y, dp.end = y, f
	} else if p.is(e, ",") {
		if n, ok := p.num(e + 1); ok && len(p.toks[e+1].s) == 2 && !p.is(e+2, ":") && !(e+2 < len(p.toks) && p.glued(e+2) && isLetterTok(p.toks[e+2])) {
			dp.y, dp.end = 2000+n, e+2
		}
	} else if p.is(e, "of", "in") && p.is(e+1, "this") && p.is(e+2, "year") {
		dp.y, dp.end = p.ref.Year(), e+3
	} else if y, f, ok := p.wordYearAfter(e); ok {
		dp.y, dp.end = y, f
	}
	return dp, true
}

// wordYearAfter reads a year in words after a date ("january first two
// thousand and thirty two") or a short one ("january first 12").
func (p *dtParser) wordYearAfter(i int) (int, int, bool) {
	if p.toks != nil && i < len(p.toks) && !p.toks[i].num {
		if y, k, ok := p.yearNum(i); ok {
			return y, k, true
		}
	}
	if n, ok := p.num(i); ok && len(p.toks[i].s) == 2 && i > 0 && !p.toks[i-1].num && p.isOrdinalAt(i-1) {
		return 2000 + n, i + 1, true
	}
	return 0, i, false
}

func (p *dtParser) isOrdinalAt(i int) bool {
	if i < 0 || i >= len(p.toks) {
		return false
	}
	if _, ok := dtOrdinalWords[p.word(i)]; ok {
		return true
	}
	return p.is(i, "st", "nd", "rd", "th") && p.glued(i)
}

// dateDayFirst: "04th Jan 2019", "second of Aug", "30 December",
// "the 09th of May", "28 june in 2020", "05-aug-2016", "23/sep/2020",
// "23-2020-september", "the twenty third day of september".
func (p *dtParser) dateDayFirst(i int) (dpoint, bool) {
	j := i
	the := false
	if p.is(j, "the") {
		j++
		the = true
	}
	d, k, ok := p.dayNum(j)
	if !ok || p.is(j-1, "$", "€", "£", "¥") {
		return dpoint{}, false
	}
	ordinal := p.isOrdinalAt(k - 1)
	if p.is(k, "-", "/") && p.glued(k) && p.toks[j].num {
		if m, e, ok := p.monthAt(k+1, false); ok {
			dp := dpoint{m: m, d: d, end: e}
			if p.is(e, "-", "/") && p.glued(e) {
				if y, f, ok := p.yearNum(e + 1); ok {
					dp.y, dp.end = y, f
				}
			}
			return dp, true
		}
		if y, e, ok := p.yearNum(k + 1); ok && p.is(e, "-", "/") {
			if m, f, ok := p.monthAt(e+1, false); ok {
				return dpoint{y: y, m: m, d: d, end: f}, true
			}
		}
		return dpoint{}, false
	}
	if p.is(k, "day") && p.is(k+1, "of") {
		if the {
			return dpoint{}, false // Recognizers' text starts after "the"
		}
		k++
	}
	if p.is(k, "of") {
		k++
	} else if !the && !ordinal && !p.toks[j].num {
		if _, _, isMonth := p.monthAt(k, true); !isMonth {
			return dpoint{}, false
		}
	}
	m, e, ok := p.monthAt(k, false)
	if !ok {
		return dpoint{}, false
	}
	dp := dpoint{m: m, d: d, end: e}
	if y, f, ok := p.yearAfter(e); ok {
		dp.y, dp.end = y, f
	}
	return dp, true
}

// dateNumeric: "5/3/18", "22/04", "2015-03-07", "10-1-2018", "23.04.2022",
// "5.12", "20200701", "2019/aug/01", "2020/23/sep".
func (p *dtParser) dateNumeric(i int) (dpoint, bool) {
	a, ok := p.num(i)
	if !ok || (i > 0 && p.glued(i) && (p.toks[i-1].num || p.is(i-1, ".", ",", "/", ":", "$"))) {
		return dpoint{}, false
	}
	la := len(p.toks[i].s)
	if la == 8 {
		y, m, d := a/10000, a/100%100, a%100
		if y >= 1900 && y <= 2100 && validDate(y, m, d) && !p.numberGlued(i+1) {
			return dpoint{y: y, m: m, d: d, end: i + 1}, true
		}
		return dpoint{}, false
	}
	sep := p.word(i + 1)
	if (sep != "/" && sep != "-" && sep != ".") || !p.glued(i+1) {
		return dpoint{}, false
	}
	// year first
	if la == 4 {
		if m, e, ok := p.monthAt(i+2, false); ok && p.glued(i+2) && p.is(e, sep) {
			if d, f, ok := p.dayNum(e + 1); ok {
				return dpoint{y: a, m: m, d: d, end: f}, true
			}
		}
		b, ok := p.num(i + 2)
		if !ok || !p.glued(i+2) || !p.is(i+3, sep) || !p.glued(i+3) {
			if ok && b >= 1 && b <= 31 && p.is(i+3, sep) {
				if m, f, ok := p.monthAt(i+4, false); ok {
					return dpoint{y: a, m: m, d: b, end: f}, true
				}
			}
			return dpoint{}, false
		}
		c, ok := p.num(i + 4)
		if !ok || !p.glued(i+4) || p.numberGlued(i+5) {
			if m, f, ok := p.monthAt(i+4, false); ok && b >= 1 && b <= 31 {
				return dpoint{y: a, m: m, d: b, end: f}, true
			}
			return dpoint{}, false
		}
		return dpoint{y: a, m: b, d: c, end: i + 5}, validDateLoose(b, c)
	}
	if la > 2 {
		return dpoint{}, false
	}
	if m, e, ok := p.monthAt(i+2, false); ok && p.glued(i+2) {
		_ = m
		_ = e
		return dpoint{}, false // "05-aug-2016" is read day first
	}
	b, ok := p.num(i + 2)
	if !ok || !p.glued(i+2) || len(p.toks[i+2].s) > 2 {
		return dpoint{}, false
	}
	if sep == "-" && a <= 12 && b <= 12 && !(p.is(i+3, "-") && p.glued(i+3)) {
		return dpoint{}, false // "3-8" is a range of hours
	}
	m, d := a, b
	if a > 12 && b <= 12 {
		m, d = b, a
	}
	if sep == "." && a <= 12 && b <= 12 && p.is(i+3, ".") {
		m, d = b, a // 23.04.2022 style is day first
	}
	if !validDateLoose(m, d) {
		return dpoint{}, false
	}
	dp := dpoint{m: m, d: d, end: i + 3}
	if p.is(i+3, sep) && p.glued(i+3) {
		if c, ok := p.num(i + 4); ok && p.glued(i+4) {
			switch len(p.toks[i+4].s) {
			case 4:
				dp.y, dp.end = c, i+5
			case 2:
				dp.y, dp.end = twoDigitYear(c), i+5
			}
			if sep == "." && dp.y != 0 && a <= 31 && b <= 12 {
				dp.m, dp.d = b, a
			}
		}
	}
	if p.numberGlued(dp.end) {
		return dpoint{}, false
	}
	if dp.y == 0 && p.is(dp.end, ",") {
		if y, e, ok := p.yearNum(dp.end + 1); ok {
			dp.y, dp.end = y, e
		}
	}
	if sep == "." && dp.y == 0 {
		// "5.12" is a date only where a decimal makes no sense.
		if p.is(dp.end, "%", "percent") || (i > 0 && p.is(i-1, "$")) {
			return dpoint{}, false
		}
	}
	return dp, true
}

// twoDigitYear reads a two-digit year: 00-29 are this century's, 40-99
// the last's; 30-39 could be either (ambiguousCentury).
func twoDigitYear(n int) int {
	if n < 40 {
		return 2000 + n
	}
	return 1900 + n
}

func validDateLoose(m, d int) bool { return m >= 1 && m <= 12 && d >= 1 && d <= 31 }

// numberGlued reports whether token i glues more digits or separators onto
// a number ("4.85", "1.5", "/15").
func (p *dtParser) numberGlued(i int) bool {
	if i >= len(p.toks) || !p.glued(i) {
		return false
	}
	if p.toks[i].num {
		return true
	}
	if p.is(i, ".", "/", ",", ":") && i+1 < len(p.toks) && p.toks[i+1].num && p.glued(i+1) {
		return true
	}
	return false
}

// dateRelative: "today", "tomorrow", "the day after tomorrow", "next
// friday", "last tuesday", "this friday", "friday of next week", "in 3
// weeks", "2 days ago", "two days after today", "the 15th day of next
// month", "the 18th".
func (p *dtParser) dateRelative(i int) (dpoint, bool) {
	today := day(p.ref)
	rel := func(t time.Time, end int) (dpoint, bool) { return dpoint{rel: true, t: t, end: end}, true }
	if j, ok := p.anySeq(i, "the day after tomorrow", "day after tomorrow"); ok {
		return rel(today.AddDate(0, 0, 2), j)
	}
	if j, ok := p.anySeq(i, "the day before yesterday", "day before yesterday"); ok {
		return rel(today.AddDate(0, 0, -2), j)
	}
	switch p.word(i) {
	case "today", "otd":
		return rel(today, i+1)
	case "tomorrow", "tmrw", "tomorow", "tmr":
		return rel(today.AddDate(0, 0, 1), i+1)
	case "yesterday":
		return rel(today.AddDate(0, 0, -1), i+1)
	}
	if j, ok := p.anySeq(i, "the next day", "the following day"); ok {
		return rel(today.AddDate(0, 0, 1), j)
	}
	if j, ok := p.anySeq(i, "the previous day"); ok {
		return rel(today.AddDate(0, 0, -1), j)
	}
	if j, ok := p.seq(i, "the day before"); ok && !p.startsDate(j) {
		return rel(today.AddDate(0, 0, -1), j)
	}
	if j, ok := p.seq(i, "the day after"); ok && !p.startsDate(j) {
		return rel(today.AddDate(0, 0, 1), j)
	}
	if j, ok := p.seq(i, "the day"); ok && !p.is(j, "of", "after", "before") {
		return rel(today, j)
	}
	// this past wednesday, upcoming friday: the nearest one before or after
	if j, ok := p.anySeq(i, "this past", "past", "this upcoming", "upcoming", "this coming"); ok {
		if wd, k, ok := p.weekdayAt(j); ok {
			back := p.is(j-1, "past")
			n := (wd - isoWeekday(today) + 7) % 7
			if back {
				n = -((isoWeekday(today) - wd + 7) % 7)
				if n == 0 {
					n = -7
				}
			} else if n == 0 {
				n = 7
			}
			if !(p.is(i, "upcoming") || p.is(i+1, "upcoming") || back) {
				return rel(p.weekdayOfWeek(0, wd), k)
			}
			return rel(today.AddDate(0, 0, n), k)
		}
	}
	// next/last/this weekday
	if shift, j, ok := p.relWord(i); ok {
		if wd, k, ok := p.weekdayAt(j); ok {
			return rel(p.weekdayOfWeek(shift, wd), k)
		}
	}
	// weekday of next week; weekday next week
	if wd, j, ok := p.weekdayAt(i); ok {
		k := j
		if p.is(k, "of") {
			k++
		}
		if p.is(k, "the") {
			k++
		}
		if shift, e, ok := p.relWord(k); ok && p.is(e, "week") {
			return rel(p.weekdayOfWeek(shift, wd), e+1)
		}
	}
	// next week monday, next week on tuesday
	if shift, j, ok := p.relWord(i); ok && p.is(j, "week") {
		k := j + 1
		if p.is(k, "on") {
			k++
		}
		if wd, e, ok := p.weekdayAt(k); ok {
			return rel(p.weekdayOfWeek(shift, wd), e)
		}
	}
	// in N units; N units ago / later / from now; a fortnight later
	if p.is(i, "in") {
		if n, u, j, ok := p.amountUnit(i + 1); ok && u >= uDay && n == float64(int(n)) {
			return rel(addUnits(today, u, int(n)), j)
		}
	}
	if n, u, j, ok := p.amountUnit(i); ok && u >= uDay && n == float64(int(n)) {
		switch {
		case p.is(j, "ago"):
			return rel(addUnits(today, u, -int(n)), j+1)
		case p.is(j, "later"), p.is(j, "from") && p.is(j+1, "now"):
			e := j + 1
			if p.is(j, "from") {
				e++
			}
			return rel(addUnits(today, u, int(n)), e)
		case p.is(j, "from", "after", "before"):
			sign := 1
			if p.is(j, "before") {
				sign = -1
			}
			if d, ok := p.date(j + 1); ok {
				alts := p.dateAlts(d)
				base := alts[len(alts)-1].at
				if !alts[0].unresolved {
					if len(alts) > 1 && !d.rel {
						base = alts[1].at
					}
					return rel(addUnits(base, u, sign*int(n)), d.end)
				}
			}
		}
	}
	// "on the 17"
	if p.is(i, "the") && p.is(i-1, "on") {
		if n, ok := p.num(i + 1); ok && n >= 1 && n <= 31 && len(p.toks[i+1].s) <= 2 && !p.startsTime(i+1) && !p.numberGlued(i+2) {
			if _, _, isMonth := p.monthAt(i+2, false); !isMonth && !p.isOrdinalAt(i+2) {
				return dpoint{d: n, end: i + 2}, true
			}
		}
	}
	// the 15th day of next month; the thirty-first day of the month
	if p.is(i, "the") {
		if d, j, ok := p.ordinalNum(i + 1); ok && d <= 31 {
			k := j
			if p.is(k, "day") {
				k++
			}
			if p.is(k, "of") {
				if e, ok := p.anySeq(k+1, "the month", "this month"); ok {
					t := mkDate(p.ref.Year(), int(p.ref.Month()), d)
					return rel(t, e)
				}
				if shift, e, ok := p.relWord(k + 1); ok && p.is(e, "month") {
					mo := mkDate(p.ref.Year(), int(p.ref.Month()), 1).AddDate(0, shift, 0)
					if validDate(mo.Year(), int(mo.Month()), d) {
						return rel(mkDate(mo.Year(), int(mo.Month()), d), e+1)
					}
				}
			}
			if !p.is(j, "of") && !p.is(j, "day") && !p.is(j, "century") && p.is(i-1, "on") {
				if _, _, isMonth := p.monthAt(j, false); !isMonth {
					return dpoint{d: d, end: j}, true
				}
			}
		}
	}
	return dpoint{}, false
}

// relWord reads "next", "last", "this", "coming", "previous",
// "following", "upcoming", "past", "current" and returns its shift.
func (p *dtParser) relWord(i int) (int, int, bool) {
	switch p.word(i) {
	case "next", "coming", "following", "upcoming":
		return 1, i + 1, true
	case "last":
		if p.is(i-1, "will", "should", "would", "can", "could", "may", "might", "must", "to", "does", "did", "do", "t", "not", "it", "that", "which") {
			return 0, i, false // "shouldn't last two hours": the verb
		}
		return -1, i + 1, true
	case "previous", "past", "prior":
		return -1, i + 1, true
	case "this", "current":
		return 0, i + 1, true
	}
	return 0, i, false
}

// weekdayOfWeek is the weekday of the reference's week shifted by weeks.
func (p *dtParser) weekdayOfWeek(shift, wd int) time.Time {
	today := day(p.ref)
	monday := today.AddDate(0, 0, 1-isoWeekday(today))
	return monday.AddDate(0, 0, 7*shift+wd-1)
}

func addUnits(t time.Time, u dtUnit, n int) time.Time {
	switch u {
	case uDay:
		return t.AddDate(0, 0, n)
	case uWeek:
		return t.AddDate(0, 0, 7*n)
	case uFortnight:
		return t.AddDate(0, 0, 14*n)
	case uMonth:
		return t.AddDate(0, n, 0)
	case uQuarter:
		return t.AddDate(0, 3*n, 0)
	case uYear:
		return t.AddDate(n, 0, 0)
	case uDecade:
		return t.AddDate(10*n, 0, 0)
	case uCentury:
		return t.AddDate(100*n, 0, 0)
	case uHour:
		return t.Add(time.Duration(n) * time.Hour)
	case uMinute:
		return t.Add(time.Duration(n) * time.Minute)
	case uSecond:
		return t.Add(time.Duration(n) * time.Second)
	}
	return t
}

// dateWeekday: "friday", "tue may 9", "friday 7/6", "monday the
// twenty seventh", "thursday 29/03".
func (p *dtParser) dateWeekday(i int) (dpoint, bool) {
	wd, j, ok := p.weekdayAt(i)
	if !ok {
		return dpoint{}, false
	}
	k := j
	if p.is(k, ",") {
		k++
	}
	// weekday then a date
	if d, ok := p.dateMonthFirst(k); ok {
		return d, true
	}
	if d, ok := p.dateNumeric(k); ok {
		return d, true
	}
	if d, ok := p.dateDayFirst(k); ok && !p.is(k, "the") {
		return d, true
	}
	// "monday the 27th": the nearest month whose day falls on that weekday
	e := k
	if p.is(e, "the") {
		e++
	}
	if d, f, ok := p.dayNum(e); ok && e == k && p.toks[e].num && !p.is(f, ":", "-", ".", "am", "pm", "oclock", "o") && !(f < len(p.toks) && p.glued(f) && (isLetterTok(p.toks[f]) || p.toks[f].num) && !p.isOrdinalAt(f-1)) && !p.startsTime(e) {
		// "monday 21": the last and next months whose 21st is a Monday
		var past, future time.Time
		base := mkDate(p.ref.Year(), int(p.ref.Month()), 1)
		for k := -24; k <= 24; k++ {
			mo := base.AddDate(0, k, 0)
			if !validDate(mo.Year(), int(mo.Month()), d) {
				continue
			}
			c := mkDate(mo.Year(), int(mo.Month()), d)
			if isoWeekday(c) != wd {
				continue
			}
			if c.Before(day(p.ref)) {
				past = c
			} else if future.IsZero() {
				future = c
			}
		}
		if !future.IsZero() && future.Equal(day(p.ref)) {
			return dpoint{rel: true, t: future, end: f}, true
		}
		if !past.IsZero() && !future.IsZero() {
			return dpoint{wd: wd, d: d, end: f, past: past, future: future}, true
		}
	}
	if d, f, ok := p.dayNum(e); ok && (e > k || p.isOrdinalAt(f-1)) {
		if _, _, isMonth := p.monthAt(f, false); !isMonth {
			base := mkDate(p.ref.Year(), int(p.ref.Month()), 1)
			for _, k := range []int{0, 1, -1, 2, -2, 3, -3} {
				mo := base.AddDate(0, k, 0)
				if validDate(mo.Year(), int(mo.Month()), d) && isoWeekday(mkDate(mo.Year(), int(mo.Month()), d)) == wd {
					return dpoint{rel: true, t: mkDate(mo.Year(), int(mo.Month()), d), end: f}, true
				}
			}
		}
	}
	if dtAmbiguousWeekdays[p.word(i)] && !p.dateContext(i) {
		return dpoint{}, false
	}
	return dpoint{wd: wd, end: j}, true
}

// dateContext reports whether the words before token i expect a date
// ("on", "by", "until", ...), for words that are dates only there.
func (p *dtParser) dateContext(i int) bool {
	if p.rangeCtx {
		return true
	}
	if i == 0 {
		return false
	}
	if p.is(i, "may") && p.is(i-1, "this", "and", "or", "-") {
		return false
	}
	switch p.word(i - 1) {
	case "on", "by", "until", "till", "since", "from", "to", "before", "after", "in", "of",
		"this", "next", "last", "every", "each", "early", "late", "mid", "during", "between", "and", "or", "-", "through":
		return true
	}
	return false
}

// dateHoliday: a holiday, perhaps with a year or next/last.
func (p *dtParser) dateHoliday(i int) (dpoint, bool) {
	j := i
	shift, k, hasShift := p.relWord(i)
	if hasShift {
		j = k
	}
	h, e, ok := p.holidayAt(j)
	if !ok {
		return dpoint{}, false
	}
	dp := dpoint{hol: h, end: e}
	if y, f, ok := p.yearAfter(e); ok {
		t := h(y)
		return dpoint{y: y, m: int(t.Month()), d: t.Day(), end: f, hol: h}, true
	}
	if f, ok := p.anySeq(e, "of this year"); ok {
		t := h(p.ref.Year())
		return dpoint{rel: true, t: t, end: f, hol: h}, true
	}
	if hasShift {
		past, future := p.aroundHoliday(h)
		switch {
		case shift < 0:
			return dpoint{rel: true, t: past, end: e, hol: h}, true
		case shift > 0:
			return dpoint{rel: true, t: future, end: e, hol: h}, true
		}
		return dpoint{rel: true, t: h(p.ref.Year()), end: e, hol: h}, true
	}
	return dp, true
}

// aroundHoliday is a holiday's last date before the reference and its
// next one from it.
func (p *dtParser) aroundHoliday(h func(int) time.Time) (past, future time.Time) {
	for y := p.ref.Year() - 1; y <= p.ref.Year()+1; y++ {
		if t := h(y); t.Before(day(p.ref)) {
			past = t
		} else if future.IsZero() {
			future = t
		}
	}
	return past, future
}

func fixedDay(m, d int) func(int) time.Time {
	return func(y int) time.Time { return mkDate(y, m, d) }
}

// nthWeekday is the n-th weekday wd of month m (n -1: the last).
func nthWeekday(m, wd, n int) func(int) time.Time {
	return func(y int) time.Time {
		if n < 0 {
			last := mkDate(y, m, 1).AddDate(0, 1, -1)
			return last.AddDate(0, 0, -((isoWeekday(last) - wd + 7) % 7))
		}
		first := mkDate(y, m, 1)
		return first.AddDate(0, 0, (wd-isoWeekday(first)+7)%7+7*(n-1))
	}
}

// easter is Western Easter Sunday (the anonymous Gregorian computus).
func easter(y int) time.Time {
	a, b, c := y%19, y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	return mkDate(y, month, (h+l-7*m+114)%31+1)
}

func afterEaster(days int) func(int) time.Time {
	return func(y int) time.Time { return easter(y).AddDate(0, 0, days) }
}

var dtHolidays = []struct {
	phrase string
	date   func(int) time.Time
}{
	{"christmas eve", fixedDay(12, 24)}, {"christmas day", fixedDay(12, 25)}, {"christmas", fixedDay(12, 25)}, {"xmas", fixedDay(12, 25)},
	{"new year's eve", fixedDay(12, 31)}, {"new years eve", fixedDay(12, 31)}, {"new year eve", fixedDay(12, 31)},
	{"new year's day", fixedDay(1, 1)}, {"new years day", fixedDay(1, 1)}, {"new year day", fixedDay(1, 1)}, {"new year", fixedDay(1, 1)},
	{"independence day", fixedDay(7, 4)}, {"halloween", fixedDay(10, 31)}, {"valentine's day", fixedDay(2, 14)},
	{"valentines day", fixedDay(2, 14)}, {"valentine day", fixedDay(2, 14)}, {"boxing day", fixedDay(12, 26)},
	{"st patrick's day", fixedDay(3, 17)}, {"saint patrick's day", fixedDay(3, 17)}, {"st patrick day", fixedDay(3, 17)},
	{"saint patrick day", fixedDay(3, 17)}, {"saint patrick", fixedDay(3, 17)}, {"april fools day", fixedDay(4, 1)},
	{"april fool's day", fixedDay(4, 1)}, {"earth day", fixedDay(4, 22)}, {"veterans day", fixedDay(11, 11)},
	{"groundhog day", fixedDay(2, 2)}, {"may day", fixedDay(5, 1)}, {"international workers' day", fixedDay(5, 1)},
	{"international workers day", fixedDay(5, 1)}, {"labour day", fixedDay(5, 1)}, {"cinco de mayo", fixedDay(5, 5)},
	{"all saints day", fixedDay(11, 1)}, {"all souls day", fixedDay(11, 2)}, {"inauguration day", fixedDay(1, 20)},
	{"flag day", fixedDay(6, 14)}, {"juneteenth", fixedDay(6, 19)}, {"freedom day", fixedDay(6, 19)},
	{"jubilee day", fixedDay(6, 19)}, {"bastille day", fixedDay(7, 14)},
	{"easter", easter}, {"easter sunday", easter}, {"easter monday", afterEaster(1)}, {"good friday", afterEaster(-2)},
	{"ash wednesday", afterEaster(-46)}, {"palm sunday", afterEaster(-7)}, {"pentecost", afterEaster(49)},
	{"thanksgiving", nthWeekday(11, 4, 4)}, {"thanksgiving day", nthWeekday(11, 4, 4)},
	{"black friday", func(y int) time.Time { return nthWeekday(11, 4, 4)(y).AddDate(0, 0, 1) }},
	{"mother's day", nthWeekday(5, 7, 2)}, {"mothers day", nthWeekday(5, 7, 2)},
	{"father's day", nthWeekday(6, 7, 3)}, {"fathers day", nthWeekday(6, 7, 3)},
	{"memorial day", nthWeekday(5, 1, -1)}, {"labor day", nthWeekday(9, 1, 1)},
	{"martin luther king day", nthWeekday(1, 1, 3)}, {"mlk day", nthWeekday(1, 1, 3)},
	{"presidents day", nthWeekday(2, 1, 3)}, {"presidents' day", nthWeekday(2, 1, 3)}, {"columbus day", nthWeekday(10, 1, 2)},
}

func (p *dtParser) holidayAt(i int) (func(int) time.Time, int, bool) {
	best := i
	var date func(int) time.Time
	for _, h := range dtHolidays {
		j, ok := p.seqApos(i, h.phrase)
		if ok && j > best {
			best, date = j, h.date
		}
	}
	return date, best, best > i
}

// seqApos matches a phrase whose words may carry an apostrophe ("year's"
// is the tokens year ' s).
func (p *dtParser) seqApos(i int, phrase string) (int, bool) {
	if first, _, _ := strings.Cut(phrase, " "); i >= len(p.toks) || !strings.HasPrefix(first, p.toks[i].s) {
		return i, false
	}
	for _, w := range splitWords(phrase) {
		if n := len(w); n > 2 && w[n-2] == '\'' && w[n-1] == 's' {
			if !p.is(i, w[:n-2]) || !p.is(i+1, "'") || !p.is(i+2, "s") {
				return i, false
			}
			i += 3
			continue
		}
		if !p.is(i, w) {
			return i, false
		}
		i++
	}
	return i, true
}

func splitWords(s string) []string {
	var out []string
	start := -1
	for k := 0; k <= len(s); k++ {
		if k == len(s) || s[k] == ' ' {
			if start >= 0 {
				out = append(out, s[start:k])
			}
			start = -1
		} else if start < 0 {
			start = k
		}
	}
	return out
}

// startsDate reports whether a date starts at token i.
func (p *dtParser) startsDate(i int) bool {
	if _, ok := p.date(i); ok {
		return true
	}
	_, ok := p.dateSpan(i)
	return ok
}

// startsTime reports whether a clock time that is more than a bare number
// starts at token i ("4 oclock", "5pm").
func (p *dtParser) startsTime(i int) bool {
	t, ok := p.timePoint(i, false)
	return ok && t.end > i+1
}

// dateShifted: "this 5/12", "next 6th of april", "this friday 5/12": a
// month-day in this year, the next or the last (a weekday between makes
// "next" the weekday's, so the year stays this one). The TIMEX keeps no
// year, as Recognizers writes it.
func (p *dtParser) dateShifted(i int) (dpoint, bool) {
	shift, j, ok := p.relWord(i)
	if !ok || p.is(i, "past", "current", "prior", "upcoming", "coming", "following") {
		return dpoint{}, false
	}
	weekday := false
	if _, k, ok := p.weekdayAt(j); ok {
		weekday, j = true, k
	}
	var d dpoint
	found := false
	for _, f := range []func(int) (dpoint, bool){p.dateNumeric, p.dateMonthFirst, p.dateDayFirst} {
		if x, ok := f(j); ok && x.y == 0 && x.m != 0 && (!found || x.end > d.end) {
			d, found = x, true
		}
	}
	if !found {
		return dpoint{}, false
	}
	if weekday {
		shift = 0
	}
	d.valueYear = p.ref.Year() + shift
	return d, true
}
