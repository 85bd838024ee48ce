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
	tests := []valueCase{
		{"pick a card from 1 to 5", []valueMatch{{"from 1 to 5", "[1,5)", ""}}},
		{"teams of 8-12 people", []valueMatch{{"8-12", "[8,12)", ""}}},
		{"at least 5 and at most nine", []valueMatch{{"at least 5 and at most nine", "[5,9]", ""}}},
		{"fewer than 3 guests", []valueMatch{{"fewer than 3", "(,3)", ""}}},
		{"10 or more tickets", []valueMatch{{"10 or more", "[10,)", ""}}},
		{"anything over 40, or under 2", []valueMatch{{"over 40", "(40,)", ""}, {"under 2", "(,2)", ""}}},
		{"x ≥ 7", []valueMatch{{"≥ 7", "[7,)", ""}}},
		{"call 555-1234-5678 now", nil},
		{"we sold 40 units", nil},
		{"more than 9 but less than 3", []valueMatch{{"more than 9", "(9,)", ""}, {"less than 3", "(,3)", ""}}},
	}
	checkValues(t, "NumberRangeModel", "numberrange", tests)
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
