package prebuilt

import "testing"

func init() { floors["PhoneNumberModel"] = 311 }

func TestPhoneRules(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"call 415-555-0199 today", []string{"415-555-0199"}},
		{"call +1 (415) 555-0199 or 415.555.0198", []string{"+1 (415) 555-0199", "415.555.0198"}},
		{"desk 415-555-0199 ext 12", []string{"415-555-0199 ext 12"}},
		{"ref a415-555-0199 and 415-555-0199b", nil},
		{"paid on 03/11/2021", nil},
		{"ssn 123-45-6789", nil},
		{"pi is 3.14159265", nil},
		{"7*415=2905", nil},
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

// TestPhoneScore checks the score's general rule: formatting and an
// international prefix raise it, a repeated tail lowers it.
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
	} {
		if got := score(in); got != want {
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
