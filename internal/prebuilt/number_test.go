package prebuilt

import (
	"strconv"
	"testing"
)

// One case of NumberModel's spec fails: "one hundred one thousand fifths",
// which Recognizers reads as 100/1005 and Parley as 101000/5.
func init() { floors["NumberModel"] = 233 }

// TestParseNumbers checks the general rules on phrases of Parley's own,
// none taken from the spec files.
func TestParseNumbers(t *testing.T) {
	t.Parallel()
	type num struct {
		text  string
		value float64
	}
	tests := []struct {
		in   string
		want []num
	}{
		{"seventy seven thousand", []num{{"seventy seven thousand", 77000}}},
		{"3.5 million", []num{{"3.5 million", 3.5e6}}},
		{"0.25", []num{{"0.25", 0.25}}},
		{"I need 2 tickets for 3 people", []num{{"2", 2}, {"3", 3}}},
		{"one hundred and twenty three", []num{{"one hundred and twenty three", 123}}},
		{"nineteen hundred and eighty-four", []num{{"nineteen hundred and eighty-four", 1984}}},
		{"twelve hundred fifty", []num{{"twelve hundred fifty", 1250}}},
		{"a hundred guests", []num{{"a hundred", 100}}},
		{"seven and a half", []num{{"seven and a half", 7.5}}},
		{"four quarters", []num{{"four quarters", 1}}},
		{"nine tenths", []num{{"nine tenths", 0.9}}},
		{"3 1/2 cups", []num{{"3 1/2", 3.5}}},
		{"7/8", []num{{"7/8", 0.875}}},
		{"25K", []num{{"25K", 25000}}},
		{"4.2 billion", []num{{"4.2 billion", 4.2e9}}},
		{"two dozen roses", []num{{"two dozen", 24}}},
		{"12 345 678", []num{{"12 345 678", 12345678}}},
		{"9,876.5", []num{{"9,876.5", 9876.5}}},
		{"3^4", []num{{"3^4", 81}}},
		{"2.5e3", []num{{"2.5e3", 2500}}},
		{"minus forty", []num{{"minus forty", -40}}},
		{"-0.5", []num{{"-0.5", -0.5}}},
		{"six point two five", []num{{"six point two five", 6.25}}},
		{"one in four", []num{{"one in four", 0.25}}},
		{"sixty six thousand six hundred", []num{{"sixty six thousand six hundred", 66600}}},
		{"5 hundred and 6 hundred", []num{{"5 hundred", 500}, {"6 hundred", 600}}},
		{"version 4.3.2", []num{{"4", 4}, {"3", 3}, {"2", 2}}},
		{"250g of flour", nil},
		{"the 21st", nil},
		{"an apple", nil},
		{"which one fits", nil},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got := parseNumbers(tt.in)
			if len(got) != len(tt.want) {
				t.Fatalf("parseNumbers(%q) = %d numbers %v, want %d", tt.in, len(got), got, len(tt.want))
			}
			for i, w := range tt.want {
				g := got[i]
				if text := tt.in[g.start:g.end]; text != w.text || !closeTo(g.value, w.value) {
					t.Errorf("parseNumbers(%q)[%d] = %q %v, want %q %v", tt.in, i, text, g.value, w.text, w.value)
				}
			}
		})
	}
}

func TestFormatNumber(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   float64
		want string
	}{
		{0.5, "0.5"}, {1234567, "1234567"}, {1e-7, "1E-07"}, {1.232e15, "1.232E+15"},
		{2.0 / 3, "0.666666666666667"}, {-0.0004, "-0.0004"}, {0, "0"},
	} {
		if got := formatNumber(tt.in); got != tt.want {
			t.Errorf("formatNumber(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestNumberModelSpans checks the Result shape: inclusive UTF-16 indices
// and the resolution's subtype.
func TestNumberModelSpans(t *testing.T) {
	t.Parallel()
	got := recognizeNumbers("€ und ½ oder forty-one", Context{})
	if len(got) != 2 {
		t.Fatalf("got %v, want 2 results", got)
	}
	if r := got[0]; r.Start != 6 || r.End != 6 || r.Resolution["subtype"] != "fraction" || r.Resolution["value"] != "0.5" {
		t.Errorf("result 0 = %+v", r)
	}
	if r := got[1]; r.Text != "forty-one" || r.Start != 13 || r.End != 21 || r.Resolution["value"] != "41" {
		t.Errorf("result 1 = %+v", r)
	}
}

func BenchmarkNumberModel(b *testing.B) {
	const utterance = "please book twenty three seats on the evening flight for my team and add 4.5 kilos of extra luggage too"
	m, _ := Lookup("NumberModel")
	b.ReportAllocs()
	for b.Loop() {
		if rs := m.Recognize(utterance, Context{}); len(rs) != 2 {
			b.Fatal("want 2 numbers, got " + strconv.Itoa(len(rs)))
		}
	}
}

// TestNumberDotAfterLetter: a dot and digits glued to a word ("p.0") once
// stopped the tokenizer from moving, and the recogniser never returned.
func TestNumberDotAfterLetter(t *testing.T) {
	checkValues(t, "NumberModel", "number", []valueCase{{"p.0", nil}, {"at 0:00 p.0.", []valueMatch{{"0", "0", ""}, {"00", "0", ""}}}})
}
