package layering

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/parley-dev/parley/"

// rule says which of the module's packages a package may import, and which
// packages outside the standard library.
type rule struct {
	internal []string // module-relative paths; a trailing "/" allows a subtree
	external []string // import path prefixes outside the standard library; nil: none
	any      bool     // external: anything (adapters and programs)
}

// rules are the arrows of docs/design.md. Every package of the module must
// match one (longest prefix wins), so that a new package is placed on
// purpose. Nothing but the composition root and test helpers imports api or
// a store.
var rules = map[string]rule{
	// cmd/parley also reads project's list of served api-versions, for the
	// hint after a gateway 404; it never opens a store or the api itself.
	"cmd/parley":  {internal: []string{"internal/server", "internal/client", "internal/wire", "internal/azerr", "internal/project", "internal/devcert", "internal/lu"}, any: true},
	"cmd/nlueval": {internal: []string{"internal/project", "internal/nlu/", "internal/nlu", "internal/azerr"}, any: true},
	// bench/cv is, like nlueval, a harness of the engine in process.
	"bench/cv": {internal: []string{"internal/project", "internal/nlu"}, any: true},
	"bench/":   {internal: []string{"internal/client", "internal/wire", "internal/azerr"}, any: true},
	"tests/":   {internal: []string{"internal/client", "internal/wire", "internal/azerr"}, any: true},

	// server sends the copies of :copy to another Parley with client.
	"internal/server": {internal: []string{"internal/api", "internal/metrics", "internal/studio", "internal/store/sqlite", "internal/store/postgres",
		"internal/project", "internal/job", "internal/azerr", "internal/client"}, any: true},
	"internal/api":    {internal: []string{"internal/project", "internal/job", "internal/wire", "internal/azerr"}, any: true},
	"internal/studio": {internal: []string{"internal/project", "internal/job", "internal/wire", "internal/azerr"}, any: true},
	"internal/store/sqlite": {internal: []string{"internal/project", "internal/job", "internal/store/checksum", "internal/store/storeerr", "internal/azerr"},
		external: []string{"modernc.org/sqlite"}},
	"internal/store/postgres": {internal: []string{"internal/project", "internal/job", "internal/store/checksum", "internal/store/storeerr", "internal/azerr"},
		external: []string{"github.com/jackc/pgx/v5"}},
	"internal/store/checksum": {internal: []string{"internal/azerr"}},
	"internal/store/storeerr": {internal: []string{"internal/azerr"}},
	"internal/client":         {internal: []string{"internal/wire", "internal/azerr"}},
	"internal/project":        {internal: []string{"internal/job", "internal/nlu", "internal/nlu/", "internal/azerr"}, external: []string{"github.com/rivo/uniseg", "golang.org/x/sync"}},
	"internal/nlu":            {internal: []string{"internal/nlu/", "internal/prebuilt"}, external: []string{"github.com/dlclark/regexp2/v2", "golang.org/x/text/unicode/norm"}}, // norm: diacritic folding (settings.augmentDiacritics)
	"internal/nlu/":           {internal: []string{"internal/nlu/"}},
	// internal/prebuilt recognises prebuilt components with the standard library only.
	"internal/prebuilt": {},
	"internal/job":      {internal: []string{"internal/azerr"}},
	// internal/devcert makes development certificates with the standard library only.
	"internal/devcert": {},
	// internal/metrics is the Prometheus instrumentation, over the official client library.
	"internal/metrics": {external: []string{"github.com/prometheus/client_golang"}},
	"internal/lu":      {}, // .lu <-> LUIS JSON: standard library only
	// wire is the spec's shapes; the spec's Error is azerr's, itself a leaf
	// on the standard library only.
	"internal/wire":  {internal: []string{"internal/azerr"}},
	"internal/azerr": {},

	// Test helpers: imported by tests only (checked below), so they may
	// reach across layers to build a real server or store.
	"internal/api/apitest":     {internal: []string{"internal/server", "internal/store/sqlite", "internal/project", "internal/job", "internal/azerr"}, any: true},
	"internal/store/storetest": {internal: []string{"internal/project", "internal/job", "internal/azerr"}, any: true},
	// Packages with tests only.
	"internal/compat":   {},
	"internal/layering": {},
}

// testHelpers may be imported by tests only.
var testHelpers = []string{"internal/api/apitest", "internal/store/storetest"}

type pkg struct {
	ImportPath string
	Standard   bool
	Imports    []string
}

// listPackages runs go list -deps over the module and returns every package
// it reaches, the standard library's included.
func listPackages(t *testing.T) map[string]*pkg {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	cmd := exec.Command(goTool, "list", "-deps", "-json=ImportPath,Standard,Imports", "./...")
	cmd.Dir = filepath.Join("..", "..")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	pkgs := map[string]*pkg{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkg
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs[p.ImportPath] = &p
	}
	return pkgs
}

// ruleFor returns the rule of a module-relative path: an exact entry, or
// the longest subtree entry ("x/") above it.
func ruleFor(rel string) (rule, string, bool) {
	if r, ok := rules[rel]; ok {
		return r, rel, true
	}
	best := ""
	for k := range rules {
		if strings.HasSuffix(k, "/") && strings.HasPrefix(rel, k) && len(k) > len(best) {
			best = k
		}
	}
	r, ok := rules[best]
	return r, best, ok
}

func allowed(list []string, path string) bool {
	for _, a := range list {
		if a == path || (strings.HasSuffix(a, "/") && strings.HasPrefix(path, a)) {
			return true
		}
	}
	return false
}

// violations checks every package of the module against rules.
func violations(pkgs map[string]*pkg) []string {
	var bad []string
	for path, p := range pkgs {
		rel, ok := strings.CutPrefix(path, module)
		if !ok {
			continue
		}
		r, name, ok := ruleFor(rel)
		if !ok {
			bad = append(bad, rel+": no layering rule names this package; add it to the rules of internal/layering")
			continue
		}
		for _, imp := range p.Imports {
			ip := pkgs[imp]
			switch irel, internal := strings.CutPrefix(imp, module); {
			case internal:
				if slices.Contains(testHelpers, irel) {
					bad = append(bad, rel+" imports "+irel+": a test helper, for tests only")
				} else if !allowed(r.internal, irel) {
					bad = append(bad, rel+" imports "+irel+": rule "+strings.TrimSuffix(name, "/")+" allows "+strings.Join(r.internal, ", "))
				}
			case ip != nil && ip.Standard:
			case r.any:
			default:
				ok := false
				for _, e := range r.external {
					ok = ok || imp == e || strings.HasPrefix(imp, e+"/")
				}
				if !ok {
					bad = append(bad, rel+" imports "+imp+": only the standard library"+externalNote(r))
				}
			}
		}
	}
	sort.Strings(bad)
	return bad
}

func externalNote(r rule) string {
	if len(r.external) == 0 {
		return ""
	}
	return " and " + strings.Join(r.external, ", ")
}

func TestLayering(t *testing.T) {
	pkgs := listPackages(t)
	if _, ok := pkgs[module+"internal/project"]; !ok {
		t.Fatalf("go list did not list %sinternal/project; is the module path right?", module)
	}
	for _, v := range violations(pkgs) {
		t.Error(v)
	}
}

// TestLayeringCatchesAWrongImport feeds the checker a package graph with a
// wrong arrow in it, so that the test above cannot pass by checking nothing.
func TestLayeringCatchesAWrongImport(t *testing.T) {
	pkgs := map[string]*pkg{
		"context":                 {ImportPath: "context", Standard: true},
		module + "internal/job":   {ImportPath: module + "internal/job", Imports: []string{"context", module + "internal/project"}},
		module + "internal/azerr": {ImportPath: module + "internal/azerr", Imports: []string{"github.com/some/lib"}},
		module + "internal/api":   {ImportPath: module + "internal/api", Imports: []string{module + "internal/api/apitest"}},
		module + "internal/new":   {ImportPath: module + "internal/new"},
	}
	got := violations(pkgs)
	want := []string{"internal/api imports internal/api/apitest", "internal/azerr imports github.com/some/lib",
		"internal/job imports internal/project", "internal/new: no layering rule"}
	if len(got) != len(want) {
		t.Fatalf("violations = %q, want %d of them", got, len(want))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("violation %d = %q, want it to start with %q", i, got[i], want[i])
		}
	}
}

// TestStoresSpellNoStatus: the stores' SQL gets job statuses from package
// job (job.SQL), never from literals typed into a query.
func TestStoresSpellNoStatus(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "store", "*", "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no store sources found (%v)", err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range []string{"notStarted", "running", "cancelling", "succeeded", "failed", "cancelled"} {
			if bytes.Contains(b, []byte("'"+st+"'")) {
				t.Errorf("%s spells the status '%s' in SQL; use job.SQL.%s", f, st, strings.ToUpper(st[:1])+st[1:])
			}
		}
	}
}
