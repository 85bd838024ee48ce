package project

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/parley-dev/parley/internal/azerr"
)

// fuzzMaxBody caps the import bodies FuzzImport looks at; larger inputs
// only slow the fuzzer down without reaching new code.
const fuzzMaxBody = 64 << 10

// fuzzVersions are the api-versions every accepted file is round-tripped
// in: one that knows only Utf16CodeUnit, and one with Utf8CodeUnit,
// Utf32CodeUnit, descriptions and the "entities" list alias.
var fuzzVersions = []APIVersion{V20230401, V20250515Preview}

// smallLimits makes every quota reachable by small fuzz inputs.
var smallLimits = Limits{Projects: 1, Intents: 2, Entities: 2, Utterances: 3, UtteranceLength: 8,
	SynonymsPerEntity: 2, PrebuiltsPerEntity: 1, RegexesPerProject: 1, ValidationErrorsShown: 2}

// invalidSeeds are bodies that decodeFile or validate reject.
var invalidSeeds = []string{
	``,
	` `,
	`null`,
	`[]`,
	`"project"`,
	`{`,
	`{} {}`,
	`{"projectFileVersion":1}`,
	`{"metadata":{"settings":"x"}}`,
	`{"metadata":{"settings":{"confidenceThreshold":"high"}}}`,
	`{"projectFileVersion":"2023-04-01","stringIndexType":"Utf8CodeUnit","metadata":{"projectKind":"Conversation","projectName":"p","language":"en"}}`,
	`{"projectFileVersion":"2023-04-01","stringIndexType":"Utf16CodeUnit","metadata":{"projectKind":"Conversation","projectName":"p","language":"en"},` +
		`"assets":{"projectKind":"Conversation","utterances":[{"text":"x","intent":"Missing","entities":[{"category":"E","offset":0,"length":2}]}]}}`,
	`{"projectFileVersion":"2023-04-01","stringIndexType":"Utf16CodeUnit","metadata":{"projectKind":"Conversation","projectName":"p","language":"en"},` +
		`"assets":{"projectKind":"Conversation","entities":[{"category":"E"}],"utterances":[{"text":"abcd","intent":"None","entities":[` +
		`{"category":"E","offset":0,"length":3},{"category":"E","offset":2,"length":2}]}]}}`,
	`{"projectFileVersion":"2023-04-01","stringIndexType":"Utf16CodeUnit","metadata":{"projectKind":"Orchestration","projectName":"p","language":"en"},` +
		`"assets":{"projectKind":"Orchestration","intents":[{"category":"a/b","orchestration":{"targetProjectKind":"Luis"}}],"entities":[{"category":"E"}]}}`,
	// Bugs found by this fuzzer, fixed: regression seeds.
	`{"projectFileVersion":"2025-05-15-preview","stringIndexType":"Utf16CodeUnit","metadata":{"projectKind":"CustomConversationSummarization","projectName":"p","language":"en"}}`,
	`{"projectFileVersion":"2023-04-01","stringIndexType":"Utf16CodeUnit","metadata":{"projectKind":"Conversation","projectName":"p","language":"en"},` +
		`"assets":{"projectKind":"Conversation","entities":[{"category":"E"}],"utterances":[{"text":"abc","intent":"None","entities":[` +
		`{"category":"E","offset":1,"length":9223372036854775807}]}]}}`,
	`{"projectFileVersion":"2023-04-01","stringIndexType":"Utf16CodeUnit","metadata":{"projectKind":"Conversation","projectName":"p","language":"en"},` +
		`"assets":{"projectKind":"Conversation","entities":[{"category":"E"}],"utterances":[{"text":"\ud83c\udf55x","intent":"None","entities":[` +
		`{"category":"E","offset":1,"length":1}]}]}}`,
}

// seedFiles returns the valid project files of testdata and the smoke
// datasets, when they are present.
func seedFiles(tb testing.TB) [][]byte {
	tb.Helper()
	names, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		tb.Fatal(err)
	}
	for _, n := range []string{"snips2017.smoke.clu.json", "banking77.smoke.clu.json"} {
		names = append(names, filepath.Join("..", "..", "testdata", "datasets", "smoke", n))
	}
	var seeds [][]byte
	for _, n := range names {
		b, err := os.ReadFile(n)
		if os.IsNotExist(err) && !strings.HasPrefix(n, "testdata") {
			continue
		} else if err != nil {
			tb.Fatal(err)
		}
		seeds = append(seeds, b)
	}
	return seeds
}

// TestSeedFilesValid keeps the seed corpus meaningful: every valid seed is
// accepted in the api-version it was written for.
func TestSeedFilesValid(t *testing.T) {
	for _, b := range seedFiles(t) {
		f, e := decodeFile(b)
		if e != nil {
			t.Fatalf("decodeFile(seed) = %v", e)
		}
		v := APIVersion(f.ProjectFileVersion)
		if e := DefaultLimits.validate(f, f.Metadata.ProjectName, v); e != nil {
			t.Errorf("validate(%s, %s) = %v, want nil", f.Metadata.ProjectName, v, e)
		}
	}
}

// FuzzImport checks that decoding and validating an import body never
// panics, that rejections are well-formed errors, and that an accepted file
// survives import, export and re-import unchanged.
func FuzzImport(f *testing.F) {
	for _, b := range seedFiles(f) {
		f.Add(b)
	}
	for _, s := range invalidSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if len(body) > fuzzMaxBody {
			t.Skip()
		}
		checkImport(t, body)
	})
}

// checkImport runs an import body through the checks the service makes and,
// when they accept it, through the round trip.
func checkImport(t *testing.T, body []byte) {
	t.Helper()
	first, e := decodeFile(body)
	if e != nil {
		checkRejection(t, e, 1)
		return
	}
	name := first.Metadata.ProjectName
	for _, v := range fuzzVersions {
		f := mustDecode(t, body)
		if e := smallLimits.validate(f, name, v); e != nil {
			checkRejection(t, e, smallLimits.ValidationErrorsShown)
		}
		if e := (Limits{}).validate(f, "p", v); e != nil {
			checkRejection(t, e, 1)
		}
		e := DefaultLimits.validate(f, name, v)
		if e != nil {
			checkRejection(t, e, DefaultLimits.ValidationErrorsShown)
			continue
		}
		if reason := knownBug(f); reason != "" {
			t.Skipf("known bug: %s", reason)
		}
		checkAccepted(t, f, v)
		checkRoundTrip(t, body, v)
	}
}

// knownBug names a bug of the code under test that f triggers, so that the
// fuzzer can go on finding other ones while it is open. Remove an entry when
// its bug is fixed; its seed in invalidSeeds ("Known bugs") stays as the
// regression test.
func knownBug(f *File) string {
	return ""
}

// checkRejection checks that a rejection is a 400 error whose targets are
// JSON pointers and whose details respect the number shown.
func checkRejection(t *testing.T, e *azerr.Error, shown int) {
	t.Helper()
	switch e.Code {
	case azerr.InvalidRequest, azerr.InvalidArgument, azerr.QuotaExceeded:
	default:
		t.Errorf("rejection code = %q, want InvalidRequest, InvalidArgument or QuotaExceeded (%v)", e.Code, e)
	}
	if e.Message == "" {
		t.Errorf("rejection %v has no message", e)
	}
	if e.Target != "" && !strings.HasPrefix(e.Target, "/") {
		t.Errorf("rejection target = %q, want a JSON pointer", e.Target)
	}
	if len(e.Details) > shown {
		t.Errorf("rejection has %d details, want at most %d", len(e.Details), shown)
	}
	for _, d := range e.Details {
		if !strings.HasPrefix(d.Target, "/") {
			t.Errorf("detail target = %q, want a JSON pointer (%v)", d.Target, d)
		}
	}
}

// checkAccepted checks, independently of validate, the rules an accepted
// file must meet for the round trip and training to be sound.
func checkAccepted(t *testing.T, f *File, v APIVersion) {
	t.Helper()
	if e := checkProjectName("/metadata/projectName", f.Metadata.ProjectName); e != nil {
		t.Errorf("validate accepted project name %q: %v", f.Metadata.ProjectName, e)
	}
	if !v.ValidIndexType(f.StringIndexType) {
		t.Errorf("validate accepted stringIndexType %q in %s", f.StringIndexType, v)
	}
	a := f.Assets
	if a == nil {
		return
	}
	intents := map[string]bool{NoneIntent: true}
	for _, in := range a.Intents {
		intents[in.Category] = true
	}
	entities := map[string]bool{}
	for _, en := range a.Entities {
		entities[en.Category] = true
	}
	for i, u := range a.Utterances {
		if !intents[u.Intent] {
			t.Errorf("utterance %d: validate accepted undeclared intent %q", i, u.Intent)
		}
		for j, lb := range u.Entities {
			if !entities[lb.Category] {
				t.Errorf("utterance %d label %d: validate accepted undeclared entity %q", i, j, lb.Category)
			}
			if lb.Length < 1 || !onBoundaries(u.Text, lb.Offset, lb.Length, f.StringIndexType) {
				t.Errorf("utterance %d label %d: validate accepted span (%d, %d) of %q in %s", i, j, lb.Offset, lb.Length, u.Text, f.StringIndexType)
			}
			for k, other := range u.Entities[:j] {
				if lb.Offset < other.Offset+other.Length && other.Offset < lb.Offset+lb.Length {
					t.Errorf("utterance %d: validate accepted label %d overlapping label %d", i, j, k)
				}
			}
		}
	}
}

// checkRoundTrip imports body (known valid) in api-version v as the service
// does, exports it, imports the export and exports again: the two exports
// must be the same bytes and hold the assets first imported.
func checkRoundTrip(t *testing.T, body []byte, v APIVersion) {
	t.Helper()
	orig := mustDecode(t, body) // offsets in the file's own unit
	imported := mustDecode(t, body)
	normalize(imported)
	checkSameSpans(t, orig, imported)

	p, stored := storeFile(t, imported)
	want := imported.Assets
	if want == nil && p.Kind != KindSummarization { // a summarization project exports no assets
		want = &Assets{ProjectKind: p.Kind, Intents: []Intent{}, Entities: []Entity{}, Utterances: []Utterance{}}
	}
	var opts []cmp.Option
	if !v.HasDescriptions() {
		opts = append(opts, cmpopts.IgnoreFields(Intent{}, "Description", "AssociatedEntities"), cmpopts.IgnoreFields(Entity{}, "Description"))
	}

	export1 := mustEncode(t, p, stored, v, Utf16CodeUnit)
	reimported := mustDecode(t, export1)
	if e := DefaultLimits.validate(reimported, p.Name, v); e != nil {
		t.Fatalf("validate(export) = %v, want nil\nexport: %s", e, export1)
	}
	if diff := cmp.Diff(want, reimported.Assets, opts...); diff != "" {
		t.Errorf("assets after export and import differ (-imported +re-imported):\n%s", diff)
	}
	if !v.HasDescriptions() && hasAssetDescriptions(reimported.Assets) {
		t.Errorf("export in %s holds descriptions: %s", v, export1)
	}
	if diff := cmp.Diff(imported.Metadata, reimported.Metadata, opts...); diff != "" {
		t.Errorf("metadata after export and import differ (-imported +re-imported):\n%s", diff)
	}
	normalize(reimported)
	p2, stored2 := storeFile(t, reimported)
	export2 := mustEncode(t, p2, stored2, v, Utf16CodeUnit)
	if !bytes.Equal(export1, export2) {
		t.Errorf("second export differs from the first:\nfirst:  %s\nsecond: %s", export1, export2)
	}

	if !v.AllowsExtendedIndexTypes() {
		return
	}
	// Offsets go to every unit and back to the same values.
	for _, idx := range []IndexType{Utf8CodeUnit, Utf32CodeUnit} {
		b := mustEncode(t, p, stored, v, idx)
		g := mustDecode(t, b)
		if g.StringIndexType != idx {
			t.Fatalf("export with %s has stringIndexType %q", idx, g.StringIndexType)
		}
		if e := DefaultLimits.validate(g, p.Name, v); e != nil {
			t.Fatalf("validate(export in %s) = %v, want nil\nexport: %s", idx, e, b)
		}
		checkSameSpans(t, g, imported)
		if idx == orig.StringIndexType && orig.Assets != nil {
			o := orig.Assets
			for i := range o.Entities {
				if o.Entities[i].ListAlias != nil {
					o.Entities[i].List, o.Entities[i].ListAlias = o.Entities[i].ListAlias, nil
				}
			}
			if diff := cmp.Diff(o, g.Assets, opts...); diff != "" {
				t.Errorf("assets exported in %s differ from the imported file (-file +export):\n%s", idx, diff)
			}
		}
		normalize(g)
		if diff := cmp.Diff(want, g.Assets, opts...); diff != "" {
			t.Errorf("assets exported in %s and imported differ (-imported +re-imported):\n%s", idx, diff)
		}
	}
}

// storeFile does what StartImport and the import job do with a normalized
// file: it returns the project and its stored assets.
func storeFile(t *testing.T, f *File) (*Project, []byte) {
	t.Helper()
	payload, err := marshalJSON(f)
	if err != nil {
		t.Fatalf("marshalJSON(file) = %v", err)
	}
	var ip importPayload
	if err := json.Unmarshal(payload, &ip); err != nil {
		t.Fatalf("json.Unmarshal(import payload) = %v", err)
	}
	return ip.project(f.Metadata.ProjectName, time.Time{}, time.Time{}), ip.assets()
}

// checkSameSpans checks that every label of a selects the same text as the
// same label of b; the files may give offsets in different units.
func checkSameSpans(t *testing.T, a, b *File) {
	t.Helper()
	if a.Assets == nil || b.Assets == nil {
		return
	}
	if len(a.Assets.Utterances) != len(b.Assets.Utterances) {
		t.Fatalf("%d utterances, want %d", len(a.Assets.Utterances), len(b.Assets.Utterances))
	}
	for i, ua := range a.Assets.Utterances {
		ub := b.Assets.Utterances[i]
		if len(ua.Entities) != len(ub.Entities) {
			t.Fatalf("utterance %d: %d labels, want %d", i, len(ua.Entities), len(ub.Entities))
		}
		for j, la := range ua.Entities {
			lb := ub.Entities[j]
			sa, oka := substring(ua.Text, la.Offset, la.Length, a.StringIndexType)
			sb, okb := substring(ub.Text, lb.Offset, lb.Length, b.StringIndexType)
			if !oka || !okb || sa != sb {
				t.Errorf("utterance %d label %d: %s (%d, %d) selects %q (%v), %s (%d, %d) selects %q (%v)", i, j,
					a.StringIndexType, la.Offset, la.Length, sa, oka, b.StringIndexType, lb.Offset, lb.Length, sb, okb)
			}
		}
	}
}

func hasAssetDescriptions(a *Assets) bool {
	for _, in := range a.Intents {
		if in.Description != "" || in.AssociatedEntities != nil {
			return true
		}
	}
	for _, e := range a.Entities {
		if e.Description != "" {
			return true
		}
	}
	return false
}

func mustDecode(t *testing.T, b []byte) *File {
	t.Helper()
	f, e := decodeFile(b)
	if e != nil {
		t.Fatalf("decodeFile(%.200q) = %v", b, e)
	}
	return f
}

func mustEncode(t *testing.T, p *Project, stored []byte, v APIVersion, idx IndexType) []byte {
	t.Helper()
	b, err := encodeFile(p, stored, v, idx)
	if err != nil {
		t.Fatalf("encodeFile(%s, %s) = %v", v, idx, err)
	}
	return b
}

// boundaries returns the offsets, in units of t, at which the characters
// of s start, and the length of s: the offsets a span may start or end at.
// It is written apart from textindex.go to check it.
func boundaries(s string, t IndexType) []int {
	b := []int{0}
	n := 0
	for _, r := range s {
		switch {
		case t == Utf8CodeUnit:
			n += len(string(r))
		case t == Utf16CodeUnit && r > 0xFFFF:
			n += 2
		default:
			n++
		}
		b = append(b, n)
	}
	return b
}

// onBoundaries reports whether the span (off, length) of s in units of t
// starts and ends on character boundaries, without overflowing.
func onBoundaries(s string, off, length int, t IndexType) bool {
	if off < 0 || length < 0 || off > math.MaxInt-length {
		return false
	}
	b := boundaries(s, t)
	var start, end bool
	for _, x := range b {
		start = start || x == off
		end = end || x == off+length
	}
	return start && end
}

// substring returns the text the span (off, length) of s in units of t
// selects.
func substring(s string, off, length int, t IndexType) (string, bool) {
	if !onBoundaries(s, off, length, t) {
		return "", false
	}
	var sb strings.Builder
	n := 0
	for _, r := range s {
		if n >= off+length {
			break
		}
		if n >= off {
			sb.WriteRune(r)
		}
		n += boundaries(string(r), t)[1]
	}
	return sb.String(), true
}

// validFile is a small valid Conversation project file named "p"; its
// labels are "🍕" (UTF-16 offset 6, length 2) and "東京" (12, 2).
func validFile() *File {
	return &File{ProjectFileVersion: string(V20230401), StringIndexType: Utf16CodeUnit,
		Metadata: FileMetadata{ProjectKind: KindConversation, ProjectName: "p", Language: "en-us"},
		Assets: &Assets{ProjectKind: KindConversation,
			Intents:  []Intent{{Category: "Order"}, {Category: "Greet"}},
			Entities: []Entity{{Category: "Food"}, {Category: "City"}},
			Utterances: []Utterance{
				{Text: "order 🍕 in 東京", Intent: "Order", Entities: []Label{{Category: "Food", Offset: 6, Length: 2}, {Category: "City", Offset: 12, Length: 2}}},
				{Text: "hello", Intent: "Greet"},
			}}}
}

// toOrchestration makes f an Orchestration project with valid targets.
func toOrchestration(f *File) {
	f.Metadata.ProjectKind, f.Assets.ProjectKind = KindOrchestration, KindOrchestration
	f.Assets.Entities = nil
	f.Assets.Utterances[0].Entities = nil
	f.Assets.Intents[0].Orchestration = &Orchestration{TargetProjectKind: "Conversation",
		ConversationOrchestration: &ConversationTarget{ProjectName: "food", DeploymentName: "prod"}}
	f.Assets.Intents[1].Orchestration = &Orchestration{TargetProjectKind: "QuestionAnswering",
		QuestionAnsweringOrchestration: &QuestionAnsweringTarget{ProjectName: "faq"}}
}

// withLimits returns DefaultLimits changed by edit.
func withLimits(edit func(*Limits)) *Limits {
	l := DefaultLimits
	edit(&l)
	return &l
}

// TestImportErrors checks the error, and the JSON pointers it names, for
// each kind of bad import body.
func TestImportErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		raw    string      // the body; when empty, validFile changed by edit
		edit   func(*File) // changes validFile
		v      APIVersion  // V20230401 when empty
		limits *Limits     // DefaultLimits when nil
		code   azerr.Code  // empty: the body is valid
		// targets are the details' targets, or the error's target when
		// it has no details.
		targets []string
		bug     string // a known bug makes the test fail: skip it
	}{
		{name: "valid", edit: func(f *File) {}},
		{name: "valid orchestration", edit: toOrchestration},
		{name: "valid without assets", edit: func(f *File) { f.Assets = nil }},
		{name: "valid None intent undeclared", edit: func(f *File) { f.Assets.Utterances[1].Intent = NoneIntent }},
		{name: "valid Utf8CodeUnit in 2025-05-15-preview", v: V20250515Preview, edit: func(f *File) {
			f.StringIndexType = Utf8CodeUnit
			f.Assets.Utterances[0].Entities = []Label{{Category: "Food", Offset: 6, Length: 4}, {Category: "City", Offset: 14, Length: 6}}
		}},

		// Decoding.
		{name: "empty body", raw: " \n", code: azerr.InvalidRequest, targets: []string{""}},
		{name: "syntax error", raw: `{"projectFileVersion": "2023-04-01",}`, code: azerr.InvalidRequest, targets: []string{""}},
		{name: "trailing data", raw: `{} {}`, code: azerr.InvalidRequest, targets: []string{""}},
		{name: "not an object", raw: `["p"]`, code: azerr.InvalidRequest, targets: []string{""}},
		{name: "number for a string", raw: `{"projectFileVersion": 2023}`, code: azerr.InvalidArgument, targets: []string{"/projectFileVersion"}},
		{name: "string for a boolean", raw: `{"metadata": {"multilingual": "yes"}}`, code: azerr.InvalidArgument, targets: []string{"/metadata/multilingual"}},
		{name: "object for an array", raw: `{"assets": {"intents": {}}}`, code: azerr.InvalidArgument, targets: []string{"/assets/intents"}},
		{name: "string for settings", raw: `{"metadata": {"settings": "x"}}`, code: azerr.InvalidArgument, targets: []string{"/metadata/settings"}},
		{name: "string for confidenceThreshold", raw: `{"metadata": {"settings": {"confidenceThreshold": "high"}}}`,
			code: azerr.InvalidArgument, targets: []string{"/metadata/settings/confidenceThreshold"}},
		{name: "string for an offset", raw: `{"assets": {"utterances": [{"text": "a"}, {"text": "b", "entities": [{"offset": "1"}]}]}}`,
			code: azerr.InvalidArgument, targets: []string{"/assets/utterances/1/entities/0/offset"}},

		// The top level and metadata.
		{name: "projectName differs from the path", edit: func(f *File) { f.Metadata.ProjectName = "q" },
			code: azerr.InvalidArgument, targets: []string{"/metadata/projectName"}},
		{name: "projectName missing", edit: func(f *File) { f.Metadata.ProjectName = "" },
			code: azerr.InvalidArgument, targets: []string{"/metadata/projectName"}},
		{name: "projectFileVersion missing", edit: func(f *File) { f.ProjectFileVersion = "" },
			code: azerr.InvalidArgument, targets: []string{"/projectFileVersion"}},
		{name: "stringIndexType missing", edit: func(f *File) { f.StringIndexType = "" },
			code: azerr.InvalidArgument, targets: []string{"/stringIndexType"}},
		{name: "Utf8CodeUnit before 2024-11-15-preview", edit: func(f *File) { f.StringIndexType, f.Assets = Utf8CodeUnit, nil },
			code: azerr.InvalidArgument, targets: []string{"/stringIndexType"}},
		{name: "Utf32CodeUnit before 2024-11-15-preview", edit: func(f *File) { f.StringIndexType, f.Assets = Utf32CodeUnit, nil },
			code: azerr.InvalidArgument, targets: []string{"/stringIndexType"}},
		{name: "unknown stringIndexType", v: V20250515Preview, edit: func(f *File) { f.StringIndexType = "Utf7CodeUnit" },
			code: azerr.InvalidArgument, targets: []string{"/stringIndexType"}},
		{name: "summarization in 2023-04-01", edit: func(f *File) { f.Metadata.ProjectKind, f.Assets = KindSummarization, nil },
			code: azerr.InvalidArgument, targets: []string{"/metadata/projectKind"}},
		{name: "assets kind differs", edit: func(f *File) { f.Metadata.ProjectKind = KindOrchestration },
			code: azerr.InvalidArgument, targets: []string{"/assets/projectKind"}},
		{name: "bad language", edit: func(f *File) { f.Metadata.Language = "english" },
			code: azerr.InvalidArgument, targets: []string{"/metadata/language"}},
		{name: "confidenceThreshold above 1", edit: func(f *File) { f.Metadata.Settings = &Settings{ConfidenceThreshold: 1.5} },
			code: azerr.InvalidArgument, targets: []string{"/metadata/settings/confidenceThreshold"}},

		// Intents and entities.
		{name: "bad intent name", edit: func(f *File) { f.Assets.Intents[1].Category = "Greet?" },
			code: azerr.InvalidArgument, targets: []string{"/assets/intents/1/category", "/assets/utterances/1/intent"}},
		{name: "empty intent name", edit: func(f *File) { f.Assets.Intents = append(f.Assets.Intents, Intent{Category: " "}) },
			code: azerr.InvalidArgument, targets: []string{"/assets/intents/2/category"}},
		{name: "intent name of 51 characters", edit: func(f *File) { f.Assets.Intents = append(f.Assets.Intents, Intent{Category: strings.Repeat("é", 51)}) },
			code: azerr.InvalidArgument, targets: []string{"/assets/intents/2/category"}},
		{name: "intent declared twice", edit: func(f *File) { f.Assets.Intents = append(f.Assets.Intents, Intent{Category: "Order"}) },
			code: azerr.InvalidArgument, targets: []string{"/assets/intents/2/category"}},
		{name: "bad entity name", edit: func(f *File) { f.Assets.Entities[0].Category = "Food#1" },
			code: azerr.InvalidArgument, targets: []string{"/assets/entities/0/category", "/assets/utterances/0/entities/0/category"}},
		{name: "entity declared twice", edit: func(f *File) { f.Assets.Entities = append(f.Assets.Entities, Entity{Category: "City"}) },
			code: azerr.InvalidArgument, targets: []string{"/assets/entities/2/category"}},
		{name: "bad compositionSetting", edit: func(f *File) { f.Assets.Entities[1].CompositionSetting = "longest" },
			code: azerr.InvalidArgument, targets: []string{"/assets/entities/1/compositionSetting"}},
		{name: "bad requiredComponents", edit: func(f *File) { f.Assets.Entities[0].RequiredComponents = []string{"list", "lists"} },
			code: azerr.InvalidArgument, targets: []string{"/assets/entities/0/requiredComponents/1"}},
		{name: "unknown prebuilt", edit: func(f *File) {
			f.Assets.Entities[1].Prebuilts = []Prebuilt{{Category: "Geography.Location"}, {Category: "Planet"}}
		},
			code: azerr.InvalidArgument, targets: []string{"/assets/entities/1/prebuilts/1/category"}},
		{name: "empty regexPattern", edit: func(f *File) { f.Assets.Entities[0].Regex = &Regex{Expressions: []Expression{{RegexKey: "k"}}} },
			code: azerr.InvalidArgument, targets: []string{"/assets/entities/0/regex/expressions/0/regexPattern"}},
		{name: "list spelled entities before 2025-05-15-preview", edit: func(f *File) { f.Assets.Entities[0].ListAlias = &List{} },
			code: azerr.InvalidArgument, targets: []string{"/assets/entities/0/entities"}},
		{name: "both list and entities", v: V20250515Preview, edit: func(f *File) { f.Assets.Entities[0].List, f.Assets.Entities[0].ListAlias = &List{}, &List{} },
			code: azerr.InvalidArgument, targets: []string{"/assets/entities/0/entities"}},

		// Utterances and labels.
		{name: "undeclared intent", edit: func(f *File) { f.Assets.Utterances[1].Intent = "Bye" },
			code: azerr.InvalidArgument, targets: []string{"/assets/utterances/1/intent"}},
		{name: "no intent", edit: func(f *File) { f.Assets.Utterances[1].Intent = "" },
			code: azerr.InvalidArgument, targets: []string{"/assets/utterances/1/intent"}},
		{name: "undeclared entity", edit: func(f *File) { f.Assets.Utterances[0].Entities[1].Category = "Town" },
			code: azerr.InvalidArgument, targets: []string{"/assets/utterances/0/entities/1/category"}},
		{name: "empty text", edit: func(f *File) { f.Assets.Utterances[1].Text = " " },
			code: azerr.InvalidArgument, targets: []string{"/assets/utterances/1/text"}},
		{name: "label past the end", edit: func(f *File) { f.Assets.Utterances[0].Entities[1].Length = 3 },
			code: azerr.InvalidArgument, targets: []string{"/assets/utterances/0/entities/1"}},
		{name: "negative offset", edit: func(f *File) { f.Assets.Utterances[0].Entities[0].Offset = -1 },
			code: azerr.InvalidArgument, targets: []string{"/assets/utterances/0/entities/0"}},
		{name: "zero length", edit: func(f *File) { f.Assets.Utterances[0].Entities[0].Length = 0 },
			code: azerr.InvalidArgument, targets: []string{"/assets/utterances/0/entities/0"}},
		{name: "offset plus length overflows", edit: func(f *File) { f.Assets.Utterances[0].Entities[1].Length = math.MaxInt },
			code: azerr.InvalidArgument, targets: []string{"/assets/utterances/0/entities/1"}},
		{name: "label splits a surrogate pair", edit: func(f *File) { f.Assets.Utterances[0].Entities[0].Length = 1 },
			code: azerr.InvalidArgument, targets: []string{"/assets/utterances/0/entities/0"}},
		{name: "Utf8CodeUnit label splits a character", v: V20250515Preview, edit: func(f *File) {
			f.StringIndexType = Utf8CodeUnit
			f.Assets.Utterances[0].Entities = []Label{{Category: "Food", Offset: 6, Length: 4}, {Category: "City", Offset: 14, Length: 5}}
		}, code: azerr.InvalidArgument, targets: []string{"/assets/utterances/0/entities/1"}},
		{name: "Utf32CodeUnit label past the end", v: V20250515Preview, edit: func(f *File) { f.StringIndexType = Utf32CodeUnit },
			code: azerr.InvalidArgument, targets: []string{"/assets/utterances/0/entities/1"}},
		{name: "overlapping labels", edit: func(f *File) {
			f.Assets.Utterances[0].Entities = append(f.Assets.Utterances[0].Entities, Label{Category: "City", Offset: 7, Length: 5})
		}, code: azerr.InvalidArgument, targets: []string{"/assets/utterances/0/entities/2"}},
		{name: "other language, not multilingual", edit: func(f *File) { f.Assets.Utterances[1].Language = "fr" },
			code: azerr.InvalidArgument, targets: []string{"/assets/utterances/1/language"}},
		{name: "other language, multilingual", edit: func(f *File) { f.Metadata.Multilingual, f.Assets.Utterances[1].Language = true, "fr" }},
		{name: "bad dataset", edit: func(f *File) { f.Assets.Utterances[1].Dataset = "Validation" },
			code: azerr.InvalidArgument, targets: []string{"/assets/utterances/1/dataset"}},

		// Orchestration.
		{name: "orchestration with entities", edit: func(f *File) { toOrchestration(f); f.Assets.Entities = []Entity{{Category: "Food"}} },
			code: azerr.InvalidArgument, targets: []string{"/assets/entities/0"}},
		{name: "orchestration with labels", edit: func(f *File) {
			toOrchestration(f)
			f.Assets.Utterances[1].Entities = []Label{{Category: "Food", Offset: 0, Length: 1}}
		}, code: azerr.InvalidArgument, targets: []string{"/assets/utterances/1/entities"}},
		{name: "orchestration target in a Conversation project", edit: func(f *File) {
			f.Assets.Intents[0].Orchestration = &Orchestration{TargetProjectKind: "Luis", LuisOrchestration: &LuisTarget{AppID: "x"}}
		}, code: azerr.InvalidArgument, targets: []string{"/assets/intents/0/orchestration"}},
		{name: "unknown target kind", edit: func(f *File) { toOrchestration(f); f.Assets.Intents[1].Orchestration.TargetProjectKind = "Bot" },
			code: azerr.InvalidArgument, targets: []string{"/assets/intents/1/orchestration/targetProjectKind"}},
		{name: "target without deployment", edit: func(f *File) {
			toOrchestration(f)
			f.Assets.Intents[0].Orchestration.ConversationOrchestration.DeploymentName = ""
		},
			code: azerr.InvalidArgument, targets: []string{"/assets/intents/0/orchestration/conversationOrchestration"}},

		// Limits.
		{name: "too many intents", limits: withLimits(func(l *Limits) { l.Intents = 1 }), edit: func(f *File) {},
			code: azerr.QuotaExceeded, targets: []string{"/assets/intents"}},
		{name: "too many entities", limits: withLimits(func(l *Limits) { l.Entities = 1 }), edit: func(f *File) {},
			code: azerr.QuotaExceeded, targets: []string{"/assets/entities"}},
		{name: "too many utterances", limits: withLimits(func(l *Limits) { l.Utterances = 1 }), edit: func(f *File) {},
			code: azerr.QuotaExceeded, targets: []string{"/assets/utterances"}},
		{name: "too many synonyms", limits: withLimits(func(l *Limits) { l.SynonymsPerEntity = 2 }), edit: func(f *File) {
			f.Assets.Entities[0].List = &List{Sublists: []Sublist{{ListKey: "pizza", Synonyms: []Synonym{{Values: []string{"pizza", "🍕"}}, {Language: "it", Values: []string{"pizza"}}}}}}
		}, code: azerr.QuotaExceeded, targets: []string{"/assets/entities/0/list"}},
		{name: "too many prebuilts", limits: withLimits(func(l *Limits) { l.PrebuiltsPerEntity = 1 }), edit: func(f *File) {
			f.Assets.Entities[1].Prebuilts = []Prebuilt{{Category: "Geography.Location"}, {Category: "Person.Name"}}
		}, code: azerr.QuotaExceeded, targets: []string{"/assets/entities/1/prebuilts"}},
		{name: "too many regexes", limits: withLimits(func(l *Limits) { l.RegexesPerProject = 1 }), edit: func(f *File) {
			f.Assets.Entities[0].Regex = &Regex{Expressions: []Expression{{RegexPattern: "a"}}}
			f.Assets.Entities[1].Regex = &Regex{Expressions: []Expression{{RegexPattern: "b"}}}
		}, code: azerr.QuotaExceeded, targets: []string{"/assets/entities"}},
		{name: "utterance too long", limits: withLimits(func(l *Limits) { l.UtteranceLength = 13 }), edit: func(f *File) {},
			code: azerr.InvalidArgument, targets: []string{"/assets/utterances/0/text"}},
		{name: "details shown are capped", limits: withLimits(func(l *Limits) { l.ValidationErrorsShown = 2 }), edit: func(f *File) {
			f.ProjectFileVersion, f.Metadata.Language, f.Assets.Utterances[1].Intent = "", "", "Bye"
		}, code: azerr.InvalidArgument, targets: []string{"/projectFileVersion", "/metadata/language"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.bug != "" {
				t.Skipf("known bug: %s", tc.bug)
			}
			body := []byte(tc.raw)
			if tc.raw == "" {
				f := validFile()
				tc.edit(f)
				var err error
				if body, err = json.Marshal(f); err != nil {
					t.Fatal(err)
				}
			}
			v, limits := tc.v, tc.limits
			if v == "" {
				v = V20230401
			}
			if limits == nil {
				limits = &DefaultLimits
			}
			f, e := decodeFile(body)
			if e == nil {
				e = limits.validate(f, "p", v)
			}
			if tc.code == "" {
				if e != nil {
					t.Fatalf("import of %s = %v, want nil", body, e)
				}
				return
			}
			if e == nil {
				t.Fatalf("import of %s = nil, want %s at %q", body, tc.code, tc.targets)
			}
			targets := []string{e.Target}
			if len(e.Details) > 0 {
				targets = nil
				for _, d := range e.Details {
					targets = append(targets, d.Target)
					if d.Code != tc.code {
						t.Errorf("detail %q code = %s, want %s", d.Message, d.Code, tc.code)
					}
				}
			}
			if e.Code != tc.code || e.Target != tc.targets[0] || !slices.Equal(targets, tc.targets) {
				t.Errorf("import = %s at %q, details at %q, want %s at %q\nerror: %v", e.Code, e.Target, targets, tc.code, tc.targets, e)
			}
			if e.Code == azerr.InvalidArgument && (e.Inner == nil || e.Inner.Target != e.Target) {
				t.Errorf("innererror = %+v, want one with target %q", e.Inner, e.Target)
			}
		})
	}
}

// TestImportErrorCount checks that the message counts every problem when
// the details show only some.
func TestImportErrorCount(t *testing.T) {
	f := validFile()
	for i := range f.Assets.Utterances {
		f.Assets.Utterances[i].Intent = "Bye"
	}
	f.Metadata.Language = ""
	l := withLimits(func(l *Limits) { l.ValidationErrorsShown = 1 })
	e := l.validate(f, "p", V20230401)
	if e == nil || len(e.Details) != 1 || !strings.Contains(e.Message, "(3 problems in all") {
		t.Errorf("validate = %v, want 1 detail and a message counting 3 problems", e)
	}
}
