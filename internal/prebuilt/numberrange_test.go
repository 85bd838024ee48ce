package prebuilt

import (
	"strconv"
	"testing"
)

func init() { floors["NumberRangeModel"] = 87 }

// TestNumberRanges checks the general rules on phrases of Parley's own,
// none taken from the spec files.
func TestNumberRanges(t *testing.T) {
	t.Parallel()
	type rng struct{ text, value string }
	tests := []struct {
		in   string
		want []rng
	}{
		{"pick a card from 1 to 5", []rng{{"from 1 to 5", "[1,5)"}}},
		{"teams of 8-12 people", []rng{{"8-12", "[8,12)"}}},
		{"at least 5 and at most nine", []rng{{"at least 5 and at most nine", "[5,9]"}}},
		{"fewer than 3 guests", []rng{{"fewer than 3", "(,3)"}}},
		{"10 or more tickets", []rng{{"10 or more", "[10,)"}}},
		{"anything over 40, or under 2", []rng{{"over 40", "(40,)"}, {"under 2", "(,2)"}}},
		{"x ≥ 7", []rng{{"≥ 7", "[7,)"}}},
		{"call 555-1234-5678 now", nil},
		{"we sold 40 units", nil},
		{"more than 9 but less than 3", []rng{{"more than 9", "(9,)"}, {"less than 3", "(,3)"}}},
	}
	m, _ := Lookup("NumberRangeModel")
	for _, tt := range tests {
		got := m.Recognize(tt.in, Context{})
		if len(got) != len(tt.want) {
			t.Errorf("%q: got %d results %v, want %v", tt.in, len(got), texts(got), tt.want)
			continue
		}
		for i, w := range tt.want {
			g := got[i]
			if g.Text != w.text || g.TypeName != "numberrange" || g.Resolution["value"] != w.value {
				t.Errorf("%q: result %d = %q %s %v, want %v", tt.in, i, g.Text, g.TypeName, g.Resolution, w)
			}
		}
	}
}

func BenchmarkNumberRangeModel(b *testing.B) {
	const utterance = "show flats between 2 and 4 rooms, no more than nine hundred a month, and 30 or more square meters"
	m, _ := Lookup("NumberRangeModel")
	b.ReportAllocs()
	for b.Loop() {
		if rs := m.Recognize(utterance, Context{}); len(rs) != 3 {
			b.Fatal("want 3 ranges, got " + strconv.Itoa(len(rs)))
		}
	}
}
