package project

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parley-dev/parley/internal/job"
)

// readLUIS reads a LUIS app of testdata/luis.
func readLUIS(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "luis", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func countOf(ws []job.Warning, code string) int {
	for _, w := range ws {
		if w.Code == code {
			return warningCount(w)
		}
	}
	return 0
}

// warningCount reads the count a warning's message starts with.
func warningCount(w job.Warning) int {
	n := 0
	for _, r := range w.Message {
		if r < '0' || r > '9' {
			break
		}
		n = n*10 + int(r-'0')
	}
	return n
}

func labelCount(f *File) int {
	n := 0
	for _, u := range f.Assets.Utterances {
		n += len(u.Entities)
	}
	return n
}

func TestDumpLUIS(t *testing.T) {
	if os.Getenv("LUIS_DUMP") == "" {
		t.Skip()
	}
	names, _ := filepath.Glob(filepath.Join("testdata", "luis", "*.json"))
	for _, n := range names {
		f, ws, err := ImportLUIS(readLUIS(t, filepath.Base(n)), &LUISImportOptions{Patterns: os.Getenv("LUIS_DUMP")})
		if err != nil {
			t.Fatal(err)
		}
		var ents []string
		for _, e := range f.Assets.Entities {
			ents = append(ents, e.Category)
		}
		t.Logf("%s: intents %d entities %d labels %d utts %d\n  %s", filepath.Base(n), len(f.Assets.Intents), len(f.Assets.Entities), labelCount(f), len(f.Assets.Utterances), strings.Join(ents, " | "))
		for _, w := range ws {
			t.Logf("   %s: %s", w.Code, w.Message)
		}
	}
}
