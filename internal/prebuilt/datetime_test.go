package prebuilt

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

func init() { floors["DateTimeModel"] = 855 }

// dtCase is an input, a reference time, and the results expected: each as
// "text|type|timex=value;timex=value" with the values of a range written
// start~end.
type dtCase struct {
	in, ref string
	want    []string
}

func TestDateTimeResolutions(t *testing.T) {
	cases := []dtCase{
		// a date with no year: the last one before the reference, the next one from it
		{"see you on march 3rd", "2021-06-15T10:00:00", []string{"march 3rd|date|XXXX-03-03=2021-03-03;XXXX-03-03=2022-03-03"}},
		// February 29 skips the years without one
		{"born on feb 29", "2021-06-15T10:00:00", []string{"feb 29|date|XXXX-02-29=2020-02-29;XXXX-02-29=2024-02-29"}},
		{"feb 30 2021", "2021-06-15T10:00:00", []string{"feb 30 2021|date|2021-02-30=not resolved"}},
		// a weekday: last week's and this one (today counts as the next)
		{"call me tuesday", "2021-06-15T10:00:00", []string{"tuesday|date|XXXX-WXX-2=2021-06-08;XXXX-WXX-2=2021-06-15"}},
		{"next friday works", "2021-06-15T10:00:00", []string{"next friday|date|2021-06-25=2021-06-25"}},
		{"in 3 weeks", "2021-06-15T10:00:00", []string{"in 3 weeks|date|2021-07-06=2021-07-06"}},
		// a clock time without am or pm means both
		{"at 7:45", "2021-06-15T10:00:00", []string{"7:45|time|T07:45=07:45:00;T19:45=19:45:00"}},
		{"tomorrow at 6pm", "2021-06-15T10:00:00", []string{"tomorrow at 6pm|datetime|2021-06-16T18=2021-06-16 18:00:00"}},
		{"ready in 20 minutes", "2021-06-15T10:00:00", []string{"in 20 minutes|datetime|2021-06-15T10:20:00=2021-06-15 10:20:00"}},
		{"from 9 to 11am", "2021-06-15T10:00:00", []string{"from 9 to 11am|timerange|(T09,T11,PT2H)=09:00:00~11:00:00"}},
		{"between june 2 and june 5, 2022", "2021-06-15T10:00:00", []string{"between june 2 and june 5, 2022|daterange|(2022-06-02,2022-06-05,P3D)=2022-06-02~2022-06-05"}},
		{"last week", "2021-06-15T10:00:00", []string{"last week|daterange|2021-W23=2021-06-07~2021-06-14"}},
		{"for 90 minutes", "2021-06-15T10:00:00", []string{"90 minutes|duration|PT90M=5400"}},
		{"every thursday at 8am", "2021-06-15T10:00:00", []string{"every thursday at 8am|set|XXXX-WXX-4T08=not resolved"}},
		// words that are only sometimes dates
		{"you may leave now", "2021-06-15T10:00:00", []string{"now|datetime|PRESENT_REF=2021-06-15 10:00:00"}},
		{"there are 12 apples", "2021-06-15T10:00:00", nil},
		{"a 4:3 screen", "2021-06-15T10:00:00", nil},
	}
	m, _ := Lookup("DateTimeModel")
	for _, c := range cases {
		ref, err := time.Parse("2006-01-02T15:04:05", c.ref)
		if err != nil {
			t.Fatal(err)
		}
		got := m.Recognize(c.in, Context{Reference: ref})
		var gs []string
		for _, r := range got {
			gs = append(gs, dtString(r))
		}
		if strings.Join(gs, " / ") != strings.Join(c.want, " / ") {
			t.Errorf("%q:\n got  %v\n want %v", c.in, gs, c.want)
		}
	}
}

func dtString(r Result) string {
	values, _ := r.Resolution["values"].([]map[string]any)
	var vs []string
	for _, v := range values {
		val, _ := v["value"].(string)
		if s, ok := v["start"].(string); ok {
			e, _ := v["end"].(string)
			val = s + "~" + e
		}
		vs = append(vs, fmt.Sprintf("%v=%s", v["timex"], val))
	}
	return r.Text + "|" + strings.TrimPrefix(r.TypeName, "datetimeV2.") + "|" + strings.Join(vs, ";")
}

// TestDateTimeReferenceZone: the reference's wall clock counts, whatever
// its zone.
func TestDateTimeReferenceZone(t *testing.T) {
	m, _ := Lookup("DateTimeModel")
	tokyo := time.FixedZone("JST", 9*3600)
	// 23:30 in Tokyo is already tomorrow in UTC terms of 14:30; "today" is Tokyo's
	got := m.Recognize("today", Context{Reference: time.Date(2021, 6, 15, 23, 30, 0, 0, tokyo)})
	if len(got) != 1 || dtString(got[0]) != "today|date|2021-06-15=2021-06-15" {
		t.Fatalf("got %v", got)
	}
}

// FuzzRecognizers runs every model over arbitrary text: none may panic,
// and each result must be the input's text at its UTF-16 indices, in
// order.
func FuzzRecognizers(f *testing.F) {
	for _, s := range []string{"from march 3 to may 5 2020 at 5pm", "next monday 8-9am or 9-10 am", "every other friday at 7:13 p.m.",
		"call +1 (425) 555-0100 x123", "$ 12.5 million and 3 km", "between 2014-2018", strings.Repeat("from may to may ", 50),
		strings.Repeat("1-", 200), "\xff\xfe 12:30 ½ hour", "twenty thousand and two hundred and five"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > 2000 {
			return
		}
		units := utf16.Encode([]rune(text))
		valid := utf8.ValidString(text)
		for _, name := range Models() {
			prev := -1
			for _, r := range registered[name].Recognize(text, Context{Reference: time.Date(2021, 6, 15, 10, 0, 0, 0, time.UTC)}) {
				if r.Start < 0 || r.End >= len(units) || r.Start > r.End {
					t.Fatalf("%s: %q at [%d,%d] outside a text of %d units", name, r.Text, r.Start, r.End, len(units))
				}
				if valid && string(utf16.Decode(units[r.Start:r.End+1])) != r.Text {
					t.Fatalf("%s: %q is not the text at [%d,%d]", name, r.Text, r.Start, r.End)
				}
				if r.Start < prev {
					t.Fatalf("%s: results out of order at %q", name, r.Text)
				}
				prev = r.Start
			}
		}
	})
}

func BenchmarkDateTimeModel(b *testing.B) {
	const utterance = "can we move the review from next monday 9am to tuesday between 2 and 4pm, or sometime the week after next?"
	m, _ := Lookup("DateTimeModel")
	ctx := Context{Reference: time.Date(2021, 6, 15, 10, 0, 0, 0, time.UTC)}
	b.ReportAllocs()
	for b.Loop() {
		if rs := m.Recognize(utterance, ctx); len(rs) != 3 {
			b.Fatalf("want 3 results, got %v", texts(rs))
		}
	}
}

// BenchmarkDateTimeLongText: the cost grows with the text, not faster; a
// long run of numbers and range words is the grammar's worst case.
func BenchmarkDateTimeLongText(b *testing.B) {
	text := strings.Repeat("from 1-2 to 3-4 may 5 ", 200)
	m, _ := Lookup("DateTimeModel")
	b.ReportAllocs()
	for b.Loop() {
		m.Recognize(text, Context{Reference: time.Date(2021, 6, 15, 10, 0, 0, 0, time.UTC)})
	}
}
