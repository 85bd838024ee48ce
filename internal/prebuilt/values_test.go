package prebuilt

import "testing"

// valueCase is an input of a recogniser's own unit test and the results it
// should give.
type valueCase struct {
	in   string
	want []valueMatch
}

// valueMatch is an expected result: its text, its Resolution["value"], and
// its type name ("" for the one checkValues is given).
type valueMatch struct{ text, value, typ string }

// checkValues runs model over each case and compares the results' text,
// type name and value, in order.
func checkValues(t *testing.T, model, typeName string, cases []valueCase) {
	t.Helper()
	m, ok := Lookup(model)
	if !ok {
		t.Fatalf("%s is not registered", model)
	}
	for _, tt := range cases {
		got := m.Recognize(tt.in, Context{})
		if len(got) != len(tt.want) {
			t.Errorf("%q: got %d results %v, want %v", tt.in, len(got), texts(got), tt.want)
			continue
		}
		for i, w := range tt.want {
			typ := w.typ
			if typ == "" {
				typ = typeName
			}
			if g := got[i]; g.Text != w.text || g.TypeName != typ || g.Resolution["value"] != w.value {
				t.Errorf("%q: result %d = %q %s %v, want %v", tt.in, i, g.Text, g.TypeName, g.Resolution, w)
			}
		}
	}
}
