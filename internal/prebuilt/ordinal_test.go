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
	type ord struct{ text, typ, value string }
	tests := []struct {
		in   string
		want []ord
	}{
		{"the 3rd and the 112th row", []ord{{"3rd", "ordinal", "3"}, {"112th", "ordinal", "112"}}},
		{"the 2th row", nil}, // wrong suffix
		{"R2D2 and mp4th", nil},
		{"forty-second street", []ord{{"forty-second", "ordinal", "42"}}},
		{"one thousand and first night", []ord{{"one thousand and first", "ordinal", "1001"}}},
		{"his three hundred eleventh goal", []ord{{"three hundred eleventh", "ordinal", "311"}}},
		{"the five millionth visitor", []ord{{"five millionth", "ordinal", "5000000"}}},
		{"two first class tickets", []ord{{"first", "ordinal", "1"}}},
		{"a millionth of a second", nil},
		{"pick the third to last card", []ord{{"the third to last", "ordinal.relative", "end-2"}}},
		{"the final answer, not the previous one", []ord{{"final", "ordinal.relative", "end+0"}, {"previous one", "ordinal.relative", "current-1"}}},
		{"the last but one train", []ord{{"the last but one", "ordinal.relative", "end-1"}}},
	}
	m, _ := Lookup("OrdinalModel")
	for _, tt := range tests {
		got := m.Recognize(tt.in, Context{})
		if len(got) != len(tt.want) {
			t.Errorf("%q: got %d results %v, want %v", tt.in, len(got), texts(got), tt.want)
			continue
		}
		for i, w := range tt.want {
			g := got[i]
			if g.Text != w.text || g.TypeName != w.typ || g.Resolution["value"] != w.value {
				t.Errorf("%q: result %d = %q %s %v, want %v", tt.in, i, g.Text, g.TypeName, g.Resolution, w)
			}
		}
	}
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
