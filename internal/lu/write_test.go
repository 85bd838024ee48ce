package lu

import (
	"bytes"
	"os"
	"path"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
)

// oracleInputs returns the .lu cases of testdata/oracle that Parse reads.
func oracleInputs(t *testing.T) map[string]*App {
	t.Helper()
	fsys := os.DirFS("testdata/oracle")
	out := map[string]*App{}
	for _, dir := range []string{"ms", "own"} {
		ents, err := os.ReadDir(path.Join("testdata/oracle", dir))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			if !strings.HasSuffix(e.Name(), ".lu") {
				continue
			}
			name := path.Join(dir, e.Name())
			if app, err := Parse(fsys, name, nil); err == nil {
				out[name] = app
			}
		}
	}
	if len(out) < 20 {
		t.Fatalf("Parse read %d oracle inputs, want at least 20", len(out))
	}
	return out
}

// TestWriteRoundTrip checks that .lu -> LUIS JSON -> .lu -> LUIS JSON
// keeps the application, and that writing is stable.
func TestWriteRoundTrip(t *testing.T) {
	for name, app := range oracleInputs(t) {
		t.Run(name, func(t *testing.T) {
			var lu1 bytes.Buffer
			if err := Write(&lu1, app); err != nil {
				t.Fatalf("Write: %v", err)
			}
			again, err := ParseBytes(nil, "written.lu", lu1.Bytes(), nil)
			if err != nil {
				t.Fatalf("ParseBytes(Write(app)): %v\n%s", err, lu1.String())
			}
			if diff := gocmp.Diff(normalize(app), normalize(again)); diff != "" {
				t.Errorf("Parse(Write(app)) differs from app (-app +again):\n%s\n%s", diff, lu1.String())
			}
			var lu2 bytes.Buffer
			if err := Write(&lu2, again); err != nil {
				t.Fatalf("Write(again): %v", err)
			}
			if lu1.String() != lu2.String() {
				t.Errorf("Write is not stable:\n%s\n---\n%s", lu1.String(), lu2.String())
			}
		})
	}
}
