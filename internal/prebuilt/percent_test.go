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
	tests := []valueCase{
		{"growth was 3.5% and then 12 %", []valueMatch{{"3.5%", "3.5%", ""}, {"12 %", "12%", ""}}},
		{"about forty-five per cent of voters", []valueMatch{{"forty-five per cent", "45%", ""}}},
		{"a quarter percent", []valueMatch{{"a quarter percent", "0.25%", ""}}},
		{"-2% year on year", []valueMatch{{"-2%", "-2%", ""}}},
		{"percentage of seventy", []valueMatch{{"percentage of seventy", "70%", ""}}},
		{"we sold 40 units", nil},
		{"see www.example.com/a%20b or 5%", []valueMatch{{"5%", "5%", ""}}},
		{"what percent is left", []valueMatch{{"percent", "null", ""}}},
	}
	checkValues(t, "PercentModel", "percentage", tests)
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
