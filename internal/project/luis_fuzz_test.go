package project

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parley-dev/parley/internal/azerr"
)

// luisFuzzMaxBody caps the bodies FuzzImportLUIS looks at: the two pizza
// apps (about 190 KB) are replayed by TestLUISRoundTrip instead, since
// the fuzzer spends seconds on each of their mutations.
const luisFuzzMaxBody = 72 << 10

// luisInvalidSeeds are bodies that decodeLUIS rejects, or that reach the
// corners of the conversion.
var luisInvalidSeeds = []string{
	``, `[]`, `null`, `{"culture":"en-us"}`, `{"luis_schema_version":"7.0.0"}`,
	`{"luis_schema_version":"2.0.0","culture":"en-us"}`,
	`{"luis_schema_version":"7.0.0","culture":"en-us","entities":[{"name":"a","children":[1]}]}`,
	`{"luis_schema_version":"6.0.0","culture":"en-us","entities":[{"name":"A","children":[{"name":"B","children":[{"name":"A"}]}]}],` +
		`"utterances":[{"text":"ab","intent":"x","entities":[{"entity":"A","startPos":0,"endPos":1},{"entity":"B","startPos":0,"endPos":1},{"entity":"A","startPos":0,"endPos":1}]}]}`,
	`{"luis_schema_version":"7.0.0","culture":"en-us","patterns":[{"pattern":"a {b:c} [d (e|f)] (g|h","intent":"i"}],"closedLists":[{"name":"b","roles":["c"],"subLists":[{"canonicalForm":"x"}]}]}`,
}

// FuzzImportLUIS checks that ImportLUIS never panics, that what it refuses
// is an InvalidArgument naming a member, that every warning code is a
// documented one, and that an accepted app whose project keeps the CLU
// limits survives the CLU round trip (export, import) unchanged and the
// LUIS one (ExportLUIS, ImportLUIS) with the same intents, entities and
// utterances.
func FuzzImportLUIS(f *testing.F) {
	names, err := filepath.Glob(filepath.Join("testdata", "luis", "*.v*.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range luisInvalidSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if len(body) > luisFuzzMaxBody {
			t.Skip()
		}
		checkLUISImport(t, body)
	})
}

func checkLUISImport(t *testing.T, body []byte) {
	t.Helper()
	for _, patterns := range []string{LUISPatternsUtterances, LUISPatternsDrop} {
		first, ws, err := ImportLUIS(body, &LUISImportOptions{Patterns: patterns})
		if err != nil {
			var e *azerr.Error
			if !errors.As(err, &e) || e.Target == "" || e.Message == "" || e.Code != azerr.InvalidArgument {
				t.Fatalf("ImportLUIS refused with %#v, want an InvalidArgument naming a member", err)
			}
			return
		}
		for _, w := range ws {
			if !slices.ContainsFunc(luisWarningText, func(x struct{ code, what string }) bool { return x.code == w.Code }) {
				t.Errorf("warning code %q is not documented", w.Code)
			}
		}
		first.Metadata.ProjectName = "p"
		if e := DefaultLimits.validate(first, "p", V20230401); e != nil {
			// Only the limits may fail: the job reports them.
			for _, d := range e.Details {
				if d.Code != azerr.QuotaExceeded {
					t.Fatalf("ImportLUIS made a project that fails validation: %v", d)
				}
			}
			continue
		}
		// The CLU round trip, as the import job stores it and an export
		// returns it.
		normalize(first)
		b, err := marshalJSON(first)
		if err != nil {
			t.Fatal(err)
		}
		again, e := decodeFile(b)
		if e != nil {
			t.Fatalf("decodeFile(stored LUIS import) = %v", e)
		}
		if e := DefaultLimits.validate(again, "p", V20230401); e != nil {
			t.Fatalf("validate(stored LUIS import) = %v", e)
		}
		if diff := cmp.Diff(first, again); diff != "" {
			t.Fatalf("CLU round trip changed the project (-first +again):\n%s", diff)
		}
		// The LUIS round trip.
		out, _, err := ExportLUIS(luisProject(first), first.Assets)
		if err != nil {
			t.Fatal(err)
		}
		second, _, err := ImportLUIS(out, &LUISImportOptions{Patterns: patterns})
		if err != nil {
			t.Fatalf("ImportLUIS(ExportLUIS(...)) = %v", err)
		}
		second.Metadata.ProjectName = "p"
		if diff := cmp.Diff(first.Assets.Intents, second.Assets.Intents); diff != "" {
			t.Errorf("LUIS round trip changed the intents (-first +second):\n%s", diff)
		}
		if diff := cmp.Diff(sortedEntities(first.Assets), sortedEntities(second.Assets)); diff != "" {
			t.Errorf("LUIS round trip changed the entities (-first +second):\n%s", diff)
		}
		if diff := cmp.Diff(first.Assets.Utterances, second.Assets.Utterances); diff != "" {
			t.Errorf("LUIS round trip changed the utterances (-first +second):\n%s", diff)
		}
	}
}
