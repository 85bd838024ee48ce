package prebuilt

import (
	"strconv"
	"testing"
)

func init() { floors["PercentModel"] = 20 }

// TestPercents checks the general rules on phrases of Parley's own, none
// taken from the spec files.
func TestPercents(t *testing.T) {
	t.Parallel()
	type pct struct{ text, value string }
	tests := []struct {
		in   string
		want []pct
	}{
		{"growth was 3.5% and then 12 %", []pct{{"3.5%", "3.5%"}, {"12 %", "12%"}}},
		{"about forty-five per cent of voters", []pct{{"forty-five per cent", "45%"}}},
		{"a quarter percent", []pct{{"a quarter percent", "0.25%"}}},
		{"-2% year on year", []pct{{"-2%", "-2%"}}},
		{"percentage of seventy", []pct{{"percentage of seventy", "70%"}}},
		{"we sold 40 units", nil},
		{"see www.example.com/a%20b or 5%", []pct{{"5%", "5%"}}},
		{"what percent is left", []pct{{"percent", "null"}}},
	}
	m, _ := Lookup("PercentModel")
	for _, tt := range tests {
		got := m.Recognize(tt.in, Context{})
		if len(got) != len(tt.want) {
			t.Errorf("%q: got %d results %v, want %v", tt.in, len(got), texts(got), tt.want)
			continue
		}
		for i, w := range tt.want {
			g := got[i]
			if g.Text != w.text || g.TypeName != "percentage" || g.Resolution["value"] != w.value {
				t.Errorf("%q: result %d = %q %s %v, want %v", tt.in, i, g.Text, g.TypeName, g.Resolution, w)
			}
		}
	}
}

func BenchmarkPercentModel(b *testing.B) {
	const utterance = "sales rose twenty percent in may, then fell 3.5% in june and another 2 per cent in july"
	m, _ := Lookup("PercentModel")
	b.ReportAllocs()
	for b.Loop() {
		if rs := m.Recognize(utterance, Context{}); len(rs) != 3 {
			b.Fatal("want 3 percentages, got " + strconv.Itoa(len(rs)))
		}
	}
}
