package project

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parley-dev/parley/internal/azerr"
)

// TestManualSplit: nlueval's reading of a file is the server's: the Test
// utterances are scored, the rest train, None is among the intents as a
// training adds it, and a file an import refuses is refused the same way.
func TestManualSplit(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "datasets", "smoke", "snips2017.smoke.clu.json"))
	if err != nil {
		t.Fatal(err)
	}
	d, test, err := ManualSplit(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Examples) != 112 || len(test) != 28 || !slices.Contains(d.Intents, NoneIntent) || len(d.Entities) != 38 {
		t.Errorf("ManualSplit(smoke) = %d training examples, %d test, intents %v, %d entities; want 112, 28, with None, 38",
			len(d.Examples), len(test), d.Intents, len(d.Entities))
	}
	bad := strings.Replace(string(b), `"intent": "PlayMusic"`, `"intent": 7`, 1)
	if bad == string(b) {
		bad = strings.Replace(string(b), `"intent":"PlayMusic"`, `"intent":7`, 1)
	}
	_, _, err = ManualSplit([]byte(bad))
	if azerr.CodeOf(err) != azerr.InvalidArgument && azerr.CodeOf(err) != azerr.InvalidRequest {
		t.Errorf("ManualSplit(an intent that is a number) = %v, want the import's error", err)
	}
}
