package prebuilt

import (
	"strconv"
	"strings"
	"testing"
)

func init() { floors["PhoneNumberModel"] = 373 }

func TestPhoneRules(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"call 415-555-0199 today", []string{"415-555-0199"}},
		{"call +1 (415) 555-0199 or 415.555.0198", []string{"+1 (415) 555-0199", "415.555.0198"}},
		{"desk 415-555-0199 ext 123", []string{"415-555-0199 ext 123"}},
		{"desk 415-555-0199 ext 12, 020 7946 0958 x123", []string{"415-555-0199", "020 7946 0958"}},
		{"ref a415-555-0199 and 415-555-0199b", nil},
		{"paid on 03/11/2021", nil},
		{"ssn 123-45-6789", nil},
		{"pi is 3.14159265", nil},
		{"7*415=2905", nil},
		{"-4155550199 is negative", nil},
		{"dial+45-12-34-56-78", nil},
		{"call+45 12 34 56 78 or is(+45)12 34 56 78", []string{"+45 12 34 56 78", "(+45)12 34 56 78"}},
		{"tel 1237812, not 123-7812", []string{"1237812"}},
		{"account number 41555501 and card: 415-555-0199", nil},
		{"visa 1234 5678 9012 345", nil},
		{"OMB No. 1234-5678, hotline 1234-5678", []string{"1234-5678"}},
		{"see 999)555-0199 now", []string{"999)555-0199"}},
		{"Desk (415)555-0199 12/03/2021 10:30", []string{"(415)555-0199"}},
		{"ring +44 (20) 7946 0958 or +44 (0)20 7946 0958", []string{"(20) 7946 0958", "+44 (0)20 7946 0958"}},
		{"ring +55 (21) 2345-6789 or 0031 (20) 1234567", []string{"+55 (21) 2345-6789", "0031 (20) 1234567"}},
		{"ring 303.555.0199, not 30.355.501.99", []string{"303.555.0199"}},
		{"ring 030/1234567, not 03/0123/45/67", []string{"030/1234567"}},
		{"ring +7 495 1234567 or +33.1.23.45.67.89", nil},
		{"ring +45-12345678, not +49-8148-7692042", []string{"+45-12345678"}},
		{"ring 0034 912-345-678 or 0034 912 345 678", []string{"912-345-678", "0034 912 345 678"}},
		{"ring +39(840) 4039479", []string{"(840) 4039479"}},
		{"Account #: 41555501 or CARD 415-555-0199", nil},
		{"ring (06)12 34 56 78 or (020) 7946 0958", []string{"12 34 56 78", "(020) 7946 0958"}},
		{"ring (415) 555 0199, (010) 1234 5678, (11) 91234-5678 or (0161) 496 0000", []string{"(415) 555 0199", "(010) 1234 5678", "(11) 91234-5678", "(0161) 496 0000"}},
		{"ring (415)-5550-199", []string{"5550-199"}},
		{"ring +44 20 7946 0958, +49 30 1234567 or +33 1 23 45 67 89", []string{"+44 20 7946 0958", "+49 30 1234567", "+33 1 23 45 67 89"}},
		{"ring +61 3 8263 7469 or +420 601123456", nil},
		{"ring 8602-680-42-40 or 495 123-45-67", nil},
		{"ring 12-34-56-78 or +45 12-34-56-78", []string{"12-34-56-78", "+45 12-34-56-78"}},
		{"ring +86 (20)-55836740 or +86 (20) 5583 6740", []string{"(20)-55836740", "+86 (20) 5583 6740"}},
		{"ring 0039 305-640-1222 or 0039 791-523-4975", []string{"0039 305-640-1222", "791-523-4975"}},
		{"ring (+1) 415 555 0199 or (+45) 12 34 56 78", []string{"415 555 0199", "(+45) 12 34 56 78"}},
		{"ring 1 87-3073-4944, not 1-910-90775975", []string{"87-3073-4944"}},
		{"ring +61 0-1835-0562 or 01-47-28-18-44", []string{"0-1835-0562", "01-47-28-18-44"}},
		{"ring +55 (47) 87865 1525 or +55 (47) 87865-1525", []string{"(47) 87865 1525", "+55 (47) 87865-1525"}},
		{"ring +49 5287 7957315 x317 or +1 415 555 0199 x317", []string{"+1 415 555 0199 x317"}},
	} {
		var got []string
		for _, r := range recognizePhone(c.in, Context{}) {
			got = append(got, r.Text)
		}
		if len(got) != len(c.want) {
			t.Errorf("%q: got %q, want %q", c.in, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%q: got %q, want %q", c.in, got, c.want)
			}
		}
	}
}

// TestPhoneScore checks the score's general rule: formatting, length, a
// country or area code raise it; a repeated tail, a long bare run, a ZIP+4
// shape, several long digit runs lower it; a local US number gets a bonus.
func TestPhoneScore(t *testing.T) {
	score := func(s string) string {
		rs := recognizePhone(s, Context{})
		if len(rs) != 1 {
			t.Fatalf("%q: %d results", s, len(rs))
		}
		return rs[0].Resolution["score"].(string)
	}
	for in, want := range map[string]string{
		"4155550199": "0.5", "415 555 0199": "0.9", "+1 415 555 0199": "1", "4155550000": "0.3",
		"555-0199": "0.55", "415-555-0199": "0.9", "(415)555-0199": "1", "+44 20 7946 0958": "1",
		"0049 30 1234567": "1", "020794600000": "0.2", "1237812": "0.2", "12345-6789": "0.2",
		"0041-22-1234567": "1", "01234 56789 12345": "0.8",
	} {
		if got := score(in); got != want {
			t.Errorf("%q: score %s, want %s", in, got, want)
		}
	}
}

// TestPhoneConfidence checks the score of shapes the extractor need not
// produce on its own.
func TestPhoneConfidence(t *testing.T) {
	for in, want := range map[string]string{
		"415)555 0199":     "0.5",  // a lone bracket
		"415  555 0199":    "0.7",  // a run of two spaces
		"00-41-22-1234567": "0.8",  // "00-"
		"(00 41) 22 12345": "1",    // a country code in brackets
		"(415) 555 0199":   "1",    // an area code
		"22.345.6789":      "0.8",  // no local bonus after "."
		"22 345.6789":      "0.95", // a local US number
	} {
		if got := phoneConfidence(in); got != want {
			t.Errorf("%q: score %s, want %s", in, got, want)
		}
	}
}

func BenchmarkPhone(b *testing.B) {
	text := "Call me at +1 (415) 555-0199 or 0176 1234 5678, not on 03/11/2021 or account 12345678."
	for b.Loop() {
		recognizePhone(text, Context{})
	}
}

// FuzzPhone checks that any text yields well-formed results: spans that
// are the text they cover and scores within [0, 1].
func FuzzPhone(f *testing.F) {
	for _, s := range []string{"call +1 (415) 555-0199 x123", "0034 912-345-678", "(+45)12-34-56-78", "12/03/2021 415 555 0199", "+", "(", "1)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, r := range recognizePhone(s, Context{}) {
			if !strings.Contains(s, r.Text) || r.Text == "" {
				t.Fatalf("%q: result %q not in the text", s, r.Text)
			}
			v, err := strconv.ParseFloat(r.Resolution["score"].(string), 64)
			if err != nil || v < 0 || v > 1 {
				t.Fatalf("%q: score %v", s, r.Resolution["score"])
			}
		}
	})
}
