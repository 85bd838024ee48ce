package prebuilt

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// This file holds the frame of Parley's DateTime recogniser: its tokens,
// the scan that keeps the longest expression at each position, and the
// values it writes. The grammar is in datetime_*.go: dates, times, ranges,
// durations and sets, each a set of small parsing functions over tokens
// that return an expression (dtExpr) and where it ends.
//
// An expression resolves to one or more alternatives (dtAlt), as
// Recognizers' datetimeV2 does: a date that names no year resolves to its
// last occurrence before the reference time and its next one from it, and
// a clock time with no am or pm to both.

func init() {
	register("DateTimeModel", ModelFunc(recognizeDateTime))
}

// maxDateTimeTokens bounds the work per text: the grammar backtracks over a
// few tokens at each position, so a text is cut into windows this long.
const maxDateTimeTokens = 4096

func recognizeDateTime(text string, ctx Context) []Result {
	ref := ctx.Reference
	if ref.IsZero() {
		ref = time.Now()
	}
	// The wall clock of the reference is what relative expressions count
	// from; its zone plays no further part.
	ref = time.Date(ref.Year(), ref.Month(), ref.Day(), ref.Hour(), ref.Minute(), ref.Second(), 0, time.UTC)
	toks := dtTokenize(text)
	if len(toks) > maxDateTimeTokens {
		toks = toks[:maxDateTimeTokens]
	}
	p := &dtParser{text: text, toks: toks, ref: ref}
	var out []Result
	for i := 0; i < len(toks); {
		e, ok := p.top(i)
		if !ok {
			i++
			continue
		}
		out = append(out, p.result(e))
		i = e.end
	}
	return out
}

// dtTok is a token of the DateTime grammar: a run of letters, a run of
// digits, or one other character, lower-cased.
type dtTok struct {
	s          string
	start, end int  // byte offsets in the text
	num        bool // a run of digits
	n          int  // its value, when num (saturated)
	sp         bool // white space before it
}

func dtTokenize(text string) []dtTok {
	var toks []dtTok
	sp := true
	for i := 0; i < len(text); {
		r, w := utf8.DecodeRuneInString(text[i:])
		switch {
		case unicode.IsSpace(r):
			sp = true
			i += w
			continue
		case r < utf8.RuneSelf && isDigit(byte(r)):
			j := i
			n := 0
			for j < len(text) && isDigit(text[j]) {
				if n < 1e9 {
					n = n*10 + int(text[j]-'0')
				}
				j++
			}
			toks = append(toks, dtTok{s: text[i:j], start: i, end: j, num: true, n: n, sp: sp})
			i = j
		case unicode.IsLetter(r):
			j := i
			for j < len(text) {
				r, w := utf8.DecodeRuneInString(text[j:])
				if !unicode.IsLetter(r) {
					break
				}
				j += w
			}
			toks = append(toks, dtTok{s: strings.ToLower(text[i:j]), start: i, end: j, sp: sp})
			i = j
		default:
			s := text[i : i+w]
			if r == '’' || r == '‘' {
				s = "'"
			}
			toks = append(toks, dtTok{s: s, start: i, end: i + w, sp: sp})
			i += w
		}
		sp = false
	}
	return toks
}

type dtKind int

const (
	kDate dtKind = iota
	kTime
	kDateTime
	kDateRange
	kTimeRange
	kDateTimeRange
	kDuration
	kSet
)

var dtKindNames = [...]string{"date", "time", "datetime", "daterange", "timerange", "datetimerange", "duration", "set"}

// dtAlt is one resolution of an expression.
type dtAlt struct {
	timex string
	// at is a point's instant (a time's date part is the reference's).
	at time.Time
	// from and to bound a range; an open side is unset.
	from, to       time.Time
	hasFrom, hasTo bool
	// A range built from two ends writes its timex as (from,to,duration).
	fromTimex, toTimex, durTimex string
	// unresolved: an impossible date ("feb 30") keeps its timex only.
	unresolved bool
	// value is a duration's seconds.
	value string
}

// rangeTimex is the alternative's timex as written.
func (a dtAlt) rangeTimex() string {
	if a.fromTimex != "" {
		return "(" + a.fromTimex + "," + a.toTimex + "," + a.durTimex + ")"
	}
	return a.timex
}

// dtExpr is a recognised expression over tokens [start, end).
type dtExpr struct {
	kind       dtKind
	start, end int
	alts       []dtAlt
	mod        string // Recognizers' Mod: before, after, since, approx, ...
	// valueKind, when set, is the values' type where it differs from the
	// result's ("around 1pm" is a time whose value is a timerange).
	valueKind *dtKind
}

type dtParser struct {
	text string
	toks []dtTok
	ref  time.Time
	// rangeCtx is set while reading the first end of a range, where an
	// ambiguous month name ("May to March") is a month.
	rangeCtx bool
	// memo keeps what the grammar read at each token, as it asks for the
	// same dates, spans and times many times over.
	memo map[memoKey]memoVal
}

type memoKey struct {
	i    int
	what byte // 'd' date, 's' span, 't' time, 'T' loose time
	ctx  bool
}

type memoVal struct {
	d  dpoint
	s  dspan
	t  tpoint
	ok bool
}

func (p *dtParser) result(e dtExpr) Result {
	start, end := p.toks[e.start].start, p.toks[e.end-1].end
	values := make([]map[string]any, 0, len(e.alts))
	seen := map[string]bool{}
	for _, a := range e.alts {
		v := p.value(e, a)
		key := v["timex"].(string) + "|" + str(v["value"]) + "|" + str(v["start"]) + "|" + str(v["end"])
		if seen[key] {
			continue
		}
		seen[key] = true
		values = append(values, v)
	}
	return span(p.text, start, end, "datetimeV2."+dtKindNames[e.kind], map[string]any{"values": values})
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

const (
	layoutDate     = "2006-01-02"
	layoutTime     = "15:04:05"
	layoutDateTime = "2006-01-02 15:04:05"
)

func (p *dtParser) value(e dtExpr, a dtAlt) map[string]any {
	v := map[string]any{"type": dtKindNames[e.kind]}
	if e.valueKind != nil {
		v["type"] = dtKindNames[*e.valueKind]
	}
	if e.mod != "" {
		v["Mod"] = e.mod
	}
	layout := ""
	switch e.kind {
	case kDate, kDateRange:
		layout = layoutDate
	case kTime, kTimeRange:
		layout = layoutTime
	case kDateTime, kDateTimeRange:
		layout = layoutDateTime
	}
	switch e.kind {
	case kDuration:
		v["timex"], v["value"] = a.timex, a.value
	case kSet:
		v["timex"], v["value"] = a.timex, "not resolved"
	case kDate, kTime, kDateTime:
		v["timex"] = a.timex
		if a.unresolved {
			v["value"] = "not resolved"
		} else {
			v["value"] = a.at.Format(layout)
		}
	default:
		v["timex"] = a.rangeTimex()
		if a.unresolved {
			v["value"] = "not resolved"
			break
		}
		if a.hasFrom {
			v["start"] = a.from.Format(layout)
		}
		if a.hasTo {
			v["end"] = a.to.Format(layout)
		}
	}
	return v
}

// Token helpers.

// is reports whether token i is one of words.
func (p *dtParser) is(i int, words ...string) bool {
	if i < 0 || i >= len(p.toks) {
		return false
	}
	for _, w := range words {
		if p.toks[i].s == w {
			return true
		}
	}
	return false
}

// seq matches the words of phrase (space-separated) from token i and
// returns the index after them.
func (p *dtParser) seq(i int, phrase string) (int, bool) {
	for phrase != "" {
		w := phrase
		if k := strings.IndexByte(phrase, ' '); k >= 0 {
			w, phrase = phrase[:k], phrase[k+1:]
		} else {
			phrase = ""
		}
		if i >= len(p.toks) || p.toks[i].s != w {
			return i, false
		}
		i++
	}
	return i, true
}

// anySeq matches the first of phrases that matches at i.
func (p *dtParser) anySeq(i int, phrases ...string) (int, bool) {
	best, found := i, false
	for _, ph := range phrases {
		if j, ok := p.seq(i, ph); ok && (!found || j > best) {
			best, found = j, true
		}
	}
	return best, found
}

// glued reports whether token i follows token i-1 with no space.
func (p *dtParser) glued(i int) bool {
	return i > 0 && i < len(p.toks) && !p.toks[i].sp
}

func (p *dtParser) num(i int) (int, bool) {
	if i < 0 || i >= len(p.toks) || !p.toks[i].num {
		return 0, false
	}
	return p.toks[i].n, true
}

// word returns token i's text, or "".
func (p *dtParser) word(i int) string {
	if i < 0 || i >= len(p.toks) {
		return ""
	}
	return p.toks[i].s
}

// Formatting helpers.

func pad2(n int) string {
	if n < 10 && n >= 0 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

func pad4(n int) string {
	s := strconv.Itoa(n)
	for len(s) < 4 {
		s = "0" + s
	}
	return s
}

func dateTimex(t time.Time) string { return t.Format(layoutDate) }

func day(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// validDate reports whether y-m-d exists.
func validDate(y, m, d int) bool {
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	return t.Day() == d
}

func mkDate(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
