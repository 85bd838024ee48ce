package lu

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
)

// FuzzParse feeds Parse arbitrary files: it must not panic, and what it
// accepts must survive Write and a second Parse unchanged.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/oracle/*/*.lu")
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("# A\n- {@a={@b={@c=x}}} {d} \\{ \\\\{@e=f}\n@ ml a\n    - @ ml b\n        - @ ml c\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		if len(src) > 1<<16 {
			t.Skip("inputs are capped at 64 KiB")
		}
		app, err := ParseBytes(nil, "fuzz.lu", src, nil)
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := Write(&out, app); err != nil {
			// Some applications have no .lu spelling (crossing labels);
			// Write must say so rather than write a wrong file.
			return
		}
		again, err := ParseBytes(nil, "written.lu", out.Bytes(), nil)
		if err != nil {
			t.Fatalf("Parse(Write(Parse(src))): %v\nsrc:\n%s\nwritten:\n%s", err, src, out.String())
		}
		if diff := gocmp.Diff(normalize(app), normalize(again)); diff != "" {
			t.Fatalf("Parse(Write(app)) differs (-app +again):\n%s\nsrc:\n%s\nwritten:\n%s", diff, src, out.String())
		}
	})
}

// TestAdversarial checks that hostile inputs at the limits parse in
// bounded time.
func TestAdversarial(t *testing.T) {
	t.Parallel()
	line := DefaultLimits.MaxLineLength - 10
	inputs := map[string]string{
		"open braces":   "# A\n- " + strings.Repeat("{", line) + "\n",
		"nested labels": "# A\n- " + strings.Repeat("{@a=", 400) + "x" + strings.Repeat("}", 400) + "\n",
		"long name":     "# A\n- {@" + strings.Repeat("n", line) + "=x}\n",
		"many items":    "# A\n" + strings.Repeat("- hi there\n", 100000),
		"many roles":    "@ ml x hasRoles " + strings.Repeat("r,", line/2) + "\n",
		"many words":    "@ phraselist p =\n" + strings.Repeat("    - "+strings.Repeat("w,", 1000)+"\n", 50),
		"deep children": "@ ml x\n" + func() string {
			var b strings.Builder
			for i := range 2000 {
				b.WriteString(strings.Repeat(" ", i) + "- @ ml c" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + strings.Repeat("y", i) + "\n")
			}
			return b.String()
		}(),
		"backslashes":    "# A\n- " + strings.Repeat(`\\{`, line/3) + "\n",
		"pattern groups": "# A\n- " + strings.Repeat("(a|", line/3) + "\n",
	}
	for name, src := range inputs {
		t.Run(name, func(t *testing.T) {
			// One at a time, and a bound far above the linear cost (well
			// under a second) and far below a quadratic one (minutes), so
			// that a loaded machine or -race does not make it flaky.
			start := time.Now()
			ParseBytes(nil, "x.lu", []byte(src), nil)
			if d := time.Since(start); d > 20*time.Second {
				t.Errorf("Parse(%s) took %v", name, d)
			}
		})
	}
}
