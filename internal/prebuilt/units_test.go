package prebuilt

import (
	"fmt"
	"testing"
)

// unitCase is one expected match: its text, value ("" for a unit alone) and unit.
type unitCase struct{ text, value, unit string }

// checkUnits runs model m over in and compares texts, values and units.
func checkUnits(t *testing.T, m, in string, want []unitCase) {
	t.Helper()
	model, ok := Lookup(m)
	if !ok {
		t.Fatalf("%s is not registered", m)
	}
	got := model.Recognize(in, Context{})
	if len(got) != len(want) {
		t.Errorf("%s(%q) = %v, want %d results", m, in, texts(got), len(want))
		return
	}
	for i, w := range want {
		g := got[i]
		v := ""
		if g.Resolution["value"] != nil {
			v = fmt.Sprint(g.Resolution["value"])
		}
		if g.Text != w.text || v != w.value || g.Resolution["unit"] != w.unit {
			t.Errorf("%s(%q)[%d] = %q %q %v, want %q %q %q", m, in, i, g.Text, v, g.Resolution["unit"], w.text, w.value, w.unit)
		}
	}
}

func TestUnitScannerGlued(t *testing.T) {
	t.Parallel()
	nums := unitNumbers("pay 40EUR or EUR40, and SCP-9X")
	var got []string
	for _, n := range nums {
		got = append(got, fmt.Sprintf("%s=%v", "pay 40EUR or EUR40, and SCP-9X"[n.start:n.end], n.value))
	}
	if fmt.Sprint(got) != "[40=40 40=40 9=9]" {
		t.Errorf("unitNumbers = %v", got)
	}
}

func TestMatchPhrase(t *testing.T) {
	t.Parallel()
	if e := matchFwd("a us  dollar", 2, "us dollar"); e != 12 {
		t.Errorf("matchFwd = %d, want 12", e)
	}
	if e := matchFwd("a dollars", 2, "dollar"); e != -1 {
		t.Errorf("matchFwd inside a word = %d, want -1", e)
	}
	if b := matchBack("xx c $", 6, "c $"); b != 3 {
		t.Errorf("matchBack = %d, want 3", b)
	}
}
