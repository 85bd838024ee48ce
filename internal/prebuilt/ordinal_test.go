package prebuilt

import (
	"strconv"
	"testing"
)

func init() { floors["OrdinalModel"] = 54 }

// TestOrdinals checks the general rules on phrases of Parley's own, none
// taken from the spec files.
func TestOrdinals(t *testing.T) {
	t.Parallel()
	tests := []valueCase{
		{"the 3rd and the 112th row", []valueMatch{{"3rd", "3", "ordinal"}, {"112th", "112", "ordinal"}}},
		{"the 2th row", nil}, // wrong suffix
		{"R2D2 and mp4th", nil},
		{"forty-second street", []valueMatch{{"forty-second", "42", "ordinal"}}},
		{"one thousand and first night", []valueMatch{{"one thousand and first", "1001", "ordinal"}}},
		{"his three hundred eleventh goal", []valueMatch{{"three hundred eleventh", "311", "ordinal"}}},
		{"the five millionth visitor", []valueMatch{{"five millionth", "5000000", "ordinal"}}},
		{"two first class tickets", []valueMatch{{"first", "1", "ordinal"}}},
		{"a millionth of a second", nil},
		{"pick the third to last card", []valueMatch{{"the third to last", "end-2", "ordinal.relative"}}},
		{"the final answer, not the previous one", []valueMatch{{"final", "end+0", "ordinal.relative"}, {"previous one", "current-1", "ordinal.relative"}}},
		{"the last but one train", []valueMatch{{"the last but one", "end-1", "ordinal.relative"}}},
	}
	checkValues(t, "OrdinalModel", "ordinal", tests)
}

func BenchmarkOrdinalModel(b *testing.B) {
	const utterance = "show me the twenty-first entry, then the 3rd one and finally the second to last page of the report"
	m, _ := Lookup("OrdinalModel")
	b.ReportAllocs()
	for b.Loop() {
		if rs := m.Recognize(utterance, Context{}); len(rs) != 3 {
			b.Fatal("want 3 ordinals, got " + strconv.Itoa(len(rs)))
		}
	}
}
