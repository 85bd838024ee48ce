package prebuilt

import (
	"strconv"
	"strings"
)

// Durations ("3 hours", "a few minutes", "all day") and sets ("every
// monday", "weekly", "3pm each day").

// unitAt reads a unit of time at i; a one-letter unit only glued to the
// number before it ("3h", "10D").
func (p *dtParser) unitAt(i int) (dtUnit, int, bool) {
	w := p.word(i)
	if w == "weekends" && i > 0 && p.toks[i-1].num || w == "weekends" && i > 0 && dtUnitWordsSmall[p.word(i-1)] > 1 {
		return uWeekend, i + 1, true
	}
	if (w == "night" || w == "nights") && i > 0 && !p.is(i-1, "last", "this", "next", "the", "tomorrow", "every", "each", "at", "a") {
		return uDay, i + 1, true
	}
	u, ok := dtUnitWords[w]
	if !ok {
		return uNone, i, false
	}
	if dtShortUnits[w] && !p.glued(i) {
		return uNone, i, false
	}
	if w == "s" && !p.glued(i) {
		return uNone, i, false
	}
	j := i + 1
	if (w == "min" || w == "sec" || w == "hr" || w == "yr") && p.is(j, ".") && p.glued(j) {
		j++
	}
	if u == uDay && i > 0 && p.is(i-1, "business", "working") {
		return uBusinessDay, j, true
	}
	return u, j, true
}

// amountUnit reads an amount and its unit: "3 days", "3.5years", "an
// hour", "few weeks", "4 business days".
func (p *dtParser) amountUnit(i int) (float64, dtUnit, int, bool) {
	n, _, j, ok := p.amount(i)
	if !ok {
		return 0, uNone, i, false
	}
	if p.is(j, "business", "working") && p.is(j+1, "days", "day") {
		return n, uBusinessDay, j + 2, true
	}
	u, k, ok := p.unitAt(j)
	if !ok {
		return 0, uNone, i, false
	}
	// "5 days" but not "a day" in "one a day"
	return n, u, k, true
}

// durPart is one amount of a unit in a duration.
type durPart struct {
	n    float64
	text string
	u    dtUnit
}

// durationAt reads a duration: one or more amounts of units ("3 hours
// 30 minutes", "1 day and 5 hours"), "all day", "another day", "the hour".
func (p *dtParser) durationAt(i int) ([]durPart, int, bool) {
	switch {
	case p.is(i, "all", "whole", "entire") || (p.is(i, "the") && p.is(i+1, "whole", "entire")):
		j := i + 1
		if p.is(i, "the") {
			j++
		}
		if u, k, ok := p.unitAt(j); ok && !strings.HasSuffix(p.word(j), "s") {
			return []durPart{{1, "1", u}}, k, true
		}
	case p.is(i, "another"):
		if u, k, ok := p.unitAt(i + 1); ok {
			return []durPart{{1, "1", u}}, k, true
		}
	case p.is(i, "the") && p.is(i+1, "hour"):
		return []durPart{{1, "1", uHour}}, i + 2, true
	case p.is(i, "half") && p.is(i+1, "an", "a"):
		if u, k, ok := p.unitAt(i + 2); ok {
			return []durPart{{0.5, "0.5", u}}, k, true
		}
	}
	var parts []durPart
	j := i
	for {
		n, text, e, ok := p.amount(j)
		if !ok {
			break
		}
		if p.is(e, "business", "working") && p.is(e+1, "days", "day") {
			parts = append(parts, durPart{n, text, uBusinessDay})
			j = e + 2
		} else {
			u, k, ok := p.unitAt(e)
			if !ok || u == uQuarter || u == uDecade || u == uCentury {
				break
			}
			if p.word(j) == "a" || p.word(j) == "an" {
				if i > 0 && p.is(j-1, "once", "one", "twice") {
					break
				}
			}
			// "an hour and a half", "one year and a quarter"
			if k2, ok := p.anySeq(k, "and a half", "and half"); ok {
				n += 0.5
				text = trimNum(strconv.FormatFloat(n, 'f', -1, 64))
				k = k2
			} else if k2, ok := p.seq(k, "and a quarter"); ok {
				n += 0.25
				text = trimNum(strconv.FormatFloat(n, 'f', -1, 64))
				k = k2
			}
			parts = append(parts, durPart{n, text, u})
			j = k
		}
		if p.is(j, "and") || p.is(j, ",") {
			if _, _, _, ok := p.amountUnit(j + 1); ok && len(parts) > 0 {
				j++
				continue
			}
		}
		if _, _, _, ok := p.amountUnit(j); !ok {
			break
		}
	}
	if len(parts) == 0 {
		return nil, i, false
	}
	return parts, j, true
}

// durationTimex writes parts as an ISO 8601 duration and counts its
// seconds.
func durationTimex(parts []durPart) (string, float64) {
	var date, clock strings.Builder
	total := 0.0
	order := []dtUnit{uYear, uQuarter, uMonth, uWeekend, uFortnight, uWeek, uBusinessDay, uDay, uHour, uMinute, uSecond}
	for _, u := range order {
		for _, pt := range parts {
			if pt.u != u {
				continue
			}
			total += pt.n * pt.u.seconds()
			n, text := pt.n, pt.text
			if u == uFortnight {
				n *= 2
				text = trimNum(strconv.FormatFloat(n, 'f', -1, 64))
				u = uWeek
			}
			if u == uQuarter {
				n *= 3
				text = trimNum(strconv.FormatFloat(n, 'f', -1, 64))
				u = uMonth
			}
			l, isClock := u.timexLetter()
			if isClock {
				clock.WriteString(text + l)
			} else {
				date.WriteString(text + l)
			}
			u = pt.u
		}
	}
	s := "P" + date.String()
	if clock.Len() > 0 {
		s += "T" + clock.String()
	}
	return s, total
}

func formatSeconds(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// duration is the duration expression at i, with "less than"/"more than".
func (p *dtParser) duration(i int) (dtExpr, bool) {
	mod := ""
	j := i
	if k, ok := p.anySeq(i, "less than", "under", "within"); ok && !p.is(i, "within") {
		mod, j = "less", k
	} else if k, ok := p.anySeq(i, "more than", "at least", "longer than"); ok {
		mod, j = "more", k
	}
	parts, e, ok := p.durationAt(j)
	if !ok || p.is(j, "a") && p.is(j+1, "second") && e == j+2 {
		return dtExpr{}, false
	}
	tx, secs := durationTimex(parts)
	return dtExpr{kind: kDuration, start: i, end: e, mod: mod, alts: []dtAlt{{timex: tx, value: formatSeconds(secs)}}}, true
}

// set reads a recurrence.
func (p *dtParser) set(i int) (dtExpr, bool) {
	one := func(tx string, end int) (dtExpr, bool) {
		return dtExpr{kind: kSet, start: i, end: end, alts: []dtAlt{{timex: tx}}}, true
	}
	switch p.word(i) {
	case "daily", "nightly":
		return one("P1D", i+1)
	case "weekly":
		return one("P1W", i+1)
	case "biweekly", "fortnightly":
		return one("P2W", i+1)
	case "monthly":
		return one("P1M", i+1)
	case "yearly", "annually", "annual":
		return one("P1Y", i+1)
	case "quarterly":
		return one("P3M", i+1)
	case "semiannual", "semiannually", "biannual", "biannually":
		return one("P0.5Y", i+1)
	case "semi", "bi":
		if p.is(i+1, "-") {
			switch p.word(i + 2) {
			case "annually", "annual", "yearly":
				if p.is(i, "semi") {
					return one("P0.5Y", i+3)
				}
				return one("P2Y", i+3)
			case "monthly":
				if p.is(i, "bi") {
					return one("P2M", i+3)
				}
				return one("P0.5M", i+3)
			case "weekly":
				if p.is(i, "bi") {
					return one("P2W", i+3)
				}
				return one("P0.5W", i+3)
			}
		}
	case "hourly":
		return one("PT1H", i+1)
	case "weekends":
		return one("P1WE", i+1)
	case "everyday":
		if t, ok := p.timePoint(i+1, false); ok {
			return one(t.timexAt(t.hours()[len(t.hours())-1]), t.end)
		}
		return one("P1D", i+1)
	}
	if p.is(i, "once", "one") && p.is(i+1, "a") {
		if u, k, ok := p.unitAt(i + 2); ok {
			tx, _ := durationTimex([]durPart{{1, "1", u}})
			return one(tx, k)
		}
	}
	// "tuesdays at 9am", "friday mornings", "mornings"
	if w := p.word(i); len(w) > 3 && w[len(w)-1] == 's' {
		if wd, ok := dtWeekdays[w[:len(w)-1]]; ok {
			tx := "XXXX-WXX-" + itoa(wd)
			if p.is(i+1, "at") {
				if t, ok := p.timePoint(i+2, true); ok {
					hs := t.hours()
					return one(tx+t.timexAt(hs[len(hs)-1]), t.end)
				}
			}
			return one(tx, i+1)
		}
		if pd, ok := dtPartsOfDay[w[:len(w)-1]]; ok {
			return one("T"+pd.timex, i+1)
		}
	}
	if wd, j, ok := p.weekdayAt(i); ok {
		if w := p.word(j); len(w) > 1 && w[len(w)-1] == 's' {
			if pd, ok := dtPartsOfDay[w[:len(w)-1]]; ok {
				return one("XXXX-WXX-"+itoa(wd)+"T"+pd.timex, j+1)
			}
		}
	}
	// a time, then every day
	if t, ok := p.timePoint(i, false); ok {
		if k, ok := p.anySeq(t.end, "every day", "each day", "everyday", "daily"); ok {
			hs := t.hours()
			return one(t.timexAt(hs[len(hs)-1]), k)
		}
	}
	// the 19th of every month
	if d, j, ok := p.ordinalNum(i); ok && d <= 31 {
		if k, ok := p.anySeq(j, "of every month", "of each month"); ok {
			return one("XXXX-XX-"+pad2(d), k)
		}
	}
	if !p.is(i, "every", "each", "any", "all") {
		return dtExpr{}, false
	}
	j := i + 1
	other := false
	if p.is(j, "other") {
		other, j = true, j+1
	}
	if p.is(i, "any", "all") {
		if p.is(j, "weekend", "weekends") {
			return one("P1WE", j+1)
		}
		if p.is(j, "year") && p.is(i, "any") {
			return one("P1Y", j+1)
		}
		return dtExpr{}, false
	}
	if p.is(j, "weekend", "weekends") {
		return one("P1WE", j+1)
	}
	if p.is(j, "weekday", "weekdays") {
		return one("P1WD", j+1)
	}
	if n, _, k, ok := p.amount(j); ok && p.is(k, "weekends") && !p.is(j, "a", "an") {
		return one("P"+itoa(int(n))+"WE", k+1)
	}
	if wd, k, ok := p.weekdayAt(j); ok {
		tx := "XXXX-WXX-" + itoa(wd)
		if e, ok := p.seq(k, "at"); ok {
			if t, ok := p.timePoint(e, true); ok {
				hs := t.hours()
				return one(tx+t.timexAt(hs[len(hs)-1]), t.end)
			}
		}
		return one(tx, k)
	}
	if tx, _, _, k, ok := p.partOfDay(j); ok {
		if e, ok := p.seq(k, "at"); ok {
			if t, ok := p.timePoint(e, true); ok {
				h := t.h
				if t.ampm == 0 && h < 12 && tx != "MO" {
					h += 12
				}
				return one(t.timexAt(hours24(t, h)), t.end)
			}
		}
		return one("T"+tx, k)
	}
	n := 1.0
	text := "1"
	if other {
		n, text = 2, "2"
	} else if v, t, k, ok := p.amount(j); ok && !p.is(j, "a", "an") {
		n, text, j = v, t, k
	}
	u, k, ok := p.unitAt(j)
	if !ok || u == uDecade || u == uCentury {
		return dtExpr{}, false
	}
	if u == uDay {
		if e, ok := p.seq(k, "at"); ok {
			if t, ok := p.timePoint(e, true); ok {
				hs := t.hours()
				return one(t.timexAt(hs[len(hs)-1]), t.end)
			}
		}
	}
	tx, _ := durationTimex([]durPart{{n, text, u}})
	return one(tx, k)
}

// hours24 keeps a time's hour as written when it says am or pm.
func hours24(t tpoint, h int) int {
	if t.ampm != 0 {
		return t.hours()[0]
	}
	return h
}
