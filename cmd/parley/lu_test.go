package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parley-dev/parley/internal/lu"
)

// luApp is a .lu application with an import, labels, entities and a pattern.
const luApp = `> !# @app.name = Pizza
> !# @app.culture = en-us
[common](./lib/common.lu)

# Order
- order a {@pizza={@size=large} pizza}
- order a pizza for {@when=tonight}
- [please] order {count} pizzas

@ ml pizza
    - @ ml size
@ ml when
`

const luCommon = `# Cancel
- cancel my order
- stop
`

// writeLUApp writes luApp and its import under a temporary directory and
// returns the main file's path.
func writeLUApp(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "lib"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, src := range map[string]string{"app.lu": luApp, "lib/common.lu": luCommon} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "app.lu")
}

// convertOK runs parley convert with args, which must succeed quietly.
func convertOK(t *testing.T, args ...string) string {
	t.Helper()
	var o, e bytes.Buffer
	if err := run(t.Context(), append([]string{"convert"}, args...), &o, &e); err != nil || e.Len() > 0 {
		t.Fatalf("parley convert %s = %v, stderr %q", strings.Join(args, " "), err, e.String())
	}
	return o.String()
}

func TestConvert(t *testing.T) {
	t.Parallel()
	file := writeLUApp(t)
	want, err := lu.Parse(os.DirFS(filepath.Dir(file)), "app.lu", nil)
	if err != nil {
		t.Fatal(err)
	}
	wantJSON, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}

	luis := convertOK(t, file)
	jsonEqual(t, []byte(luis), wantJSON)
	if len(want.Intents) != 2 || len(want.Patterns) != 1 || len(want.Utterances) != 4 {
		t.Fatalf("the test application parsed to %d intents, %d patterns, %d utterances; want 2, 1, 4", len(want.Intents), len(want.Patterns), len(want.Utterances))
	}

	// LUIS JSON -> .lu (the default for JSON input) -> LUIS JSON keeps it.
	dir := t.TempDir()
	jsonFile := filepath.Join(dir, "app.json")
	if err := os.WriteFile(jsonFile, []byte(luis), 0o644); err != nil {
		t.Fatal(err)
	}
	luFile := filepath.Join(dir, "back.lu")
	convertOK(t, jsonFile, "-o", luFile)
	if !strings.Contains(string(readFile(t, luFile)), "- order a {@pizza={@size=large} pizza}") {
		t.Errorf("convert %s wrote\n%s\nwant the labelled utterance back", jsonFile, readFile(t, luFile))
	}
	jsonEqual(t, []byte(convertOK(t, luFile, "--to", "luis")), wantJSON)

	// --to lu from a .lu file writes the application in one file.
	jsonEqual(t, []byte(convertOK(t, filepath.Join(dir, "back.lu"), "--to", "luis")),
		[]byte(convertOK(t, file)))
	if out := convertOK(t, file, "--to", "lu"); !strings.Contains(out, "# Cancel\n- cancel my order\n") {
		t.Errorf("convert --to lu =\n%s\nwant the imported intent inline", out)
	}
}

func TestConvertErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.lu")
	if err := os.WriteFile(bad, []byte("# A\n- hi\n- to {@city=Rome}\n@ list city\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	escape := filepath.Join(dir, "sub", "escape.lu")
	os.MkdirAll(filepath.Dir(escape), 0o755)
	if err := os.WriteFile(escape, []byte("[x](../bad.lu)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
		code int
	}{
		{[]string{bad}, bad + `:3:8: "city" is a list entity`, 1},
		{[]string{escape}, escape + `:1:1: import "../bad.lu": the path leaves the directory`, 1},
		{[]string{escape, "--lu-root", dir}, bad + ":3:8:", 1},
		{[]string{filepath.Join(dir, "none.lu")}, "no such file", 1},
		{[]string{bad, "--to", "xml"}, `convert: --to "xml" is not luis, lu or clu (see parley convert -h)`, 2},
		{[]string{bad, "--to", "clu"}, bad + `:3:8: "city" is a list entity`, 1},
		{[]string{}, "convert: want one FILE, got 0 arguments (see parley convert -h)", 2},
		{[]string{bad, "--frob"}, "convert: flag provided but not defined: -frob (see parley convert -h)", 2},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var o, e bytes.Buffer
			err := run(t.Context(), append([]string{"convert"}, tc.args...), &o, &e)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("parley convert %s = %v, want an error containing %q", strings.Join(tc.args, " "), err, tc.want)
			}
			if code := exitCode(err); code != tc.code {
				t.Errorf("parley convert %s: exit status %d, want %d", strings.Join(tc.args, " "), code, tc.code)
			}
			if o.Len() > 0 {
				t.Errorf("parley convert %s printed %q on stdout", strings.Join(tc.args, " "), o.String())
			}
		})
	}
}

func TestIsLUFile(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, content string
		want          bool
	}{
		{"app.lu", "{", true},
		{"APP.LU", "", true},
		{"app.json", "# A", false},
		{"app", "# A\n- hi\n", true},
		{"app.txt", "\ufeff  \n{\"metadata\": {}}", false},
		{"app", "", false},
	} {
		if got := isLUFile(tc.name, []byte(tc.content)); got != tc.want {
			t.Errorf("isLUFile(%q, %q) = %v, want %v", tc.name, tc.content, got, tc.want)
		}
	}
}

// fakeLUISServer answers :import and :export as a server with format=Luis
// does, and records what it was sent.
type fakeLUISServer struct {
	*httptest.Server
	export []byte // the LUIS JSON :export serves

	mu       sync.Mutex
	requests []string // METHOD path?query of each request
	imported []byte   // the body of :import
}

func newFakeLUISServer(t *testing.T, export []byte) *fakeLUISServer {
	t.Helper()
	f := &fakeLUISServer{export: export}
	const projects = "/language/authoring/analyze-conversations/projects/"
	job := func(w http.ResponseWriter, r *http.Request, result string) {
		w.Header().Set("Content-Type", "application/json")
		doc := map[string]any{"jobId": "j1", "createdDateTime": "2026-12-03T00:00:00Z", "lastUpdatedDateTime": "2026-12-03T00:00:00Z",
			"expirationDateTime": "2026-12-10T00:00:00Z", "status": "succeeded"}
		if result != "" {
			doc["resultUrl"] = "http://" + r.Host + result
		}
		json.NewEncoder(w).Encode(doc)
	}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.requests = append(f.requests, r.Method+" "+r.URL.Path+"?"+r.URL.Query().Get("format"))
		f.mu.Unlock()
		switch {
		case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/:import"):
			b, _ := io.ReadAll(r.Body)
			f.mu.Lock()
			f.imported = b
			f.mu.Unlock()
			w.Header().Set("Operation-Location", "http://"+r.Host+projects+"Pizza/import/jobs/j1?api-version=x")
			w.WriteHeader(http.StatusAccepted)
		case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/:export"):
			w.Header().Set("Operation-Location", "http://"+r.Host+projects+"Pizza/export/jobs/j1?api-version=x")
			w.WriteHeader(http.StatusAccepted)
		case strings.HasSuffix(r.URL.Path, "/import/jobs/j1"):
			job(w, r, "")
		case strings.HasSuffix(r.URL.Path, "/export/jobs/j1"):
			job(w, r, projects+"Pizza/export/jobs/j1/result?api-version=x")
		case strings.HasSuffix(r.URL.Path, "/export/jobs/j1/result"):
			w.Header().Set("Content-Type", "application/json")
			w.Write(f.export)
		case r.Method == http.MethodGet && strings.Count(strings.TrimPrefix(r.URL.Path, projects), "/") == 0:
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"projectName":"`+strings.TrimPrefix(r.URL.Path, projects)+`","luisAppId":"3f9c1a52-7b0e-4d6a-9c2b-5e8f1a0d4c37"}`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(f.Close)
	return f
}

// TestImportLU: parley import FILE.lu converts the file and sends the
// LUIS JSON to :import with format=Luis, into the project the file names
// or --project names.
func TestImportLU(t *testing.T) {
	t.Parallel()
	file := writeLUApp(t)
	for _, tc := range []struct {
		args    []string
		project string
	}{
		{[]string{"import", file}, "Pizza"},
		{[]string{"import", file, "--project", "Other"}, "Other"},
	} {
		t.Run(tc.project, func(t *testing.T) {
			f := newFakeLUISServer(t, nil)
			mustCLI(t, f.URL, tc.args...)
			wantReq := []string{
				"POST /language/authoring/analyze-conversations/projects/" + tc.project + "/:import?Luis",
				"GET /language/authoring/analyze-conversations/projects/Pizza/import/jobs/j1?",
				"GET /language/authoring/analyze-conversations/projects/" + tc.project + "?", // its LUIS app id, printed
			}
			if diff := cmp.Diff(wantReq, f.requests); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
			app, err := lu.ReadJSON(f.imported)
			if err != nil {
				t.Fatalf("the imported body: %v", err)
			}
			if app.Name != tc.project || app.SchemaVersion != "7.0.0" || len(app.Intents) != 2 {
				t.Errorf("imported name %q, schema %q, %d intents; want %q, 7.0.0, 2", app.Name, app.SchemaVersion, len(app.Intents), tc.project)
			}
		})
	}
	t.Run("no name", func(t *testing.T) {
		dir := t.TempDir()
		noName := filepath.Join(dir, "x.lu")
		os.WriteFile(noName, []byte("# A\n- hi\n"), 0o644)
		f := newFakeLUISServer(t, nil)
		_, _, err := cli(t, f.URL, "k", "import", noName)
		if err == nil || !strings.Contains(err.Error(), "pass --project NAME") {
			t.Errorf("parley import %s = %v, want a --project hint", noName, err)
		}
		if len(f.requests) != 0 {
			t.Errorf("the server got %v, want nothing", f.requests)
		}
	})
	t.Run("bad file", func(t *testing.T) {
		dir := t.TempDir()
		bad := filepath.Join(dir, "bad.lu")
		os.WriteFile(bad, []byte("# A\nhi\n"), 0o644)
		f := newFakeLUISServer(t, nil)
		_, _, err := cli(t, f.URL, "k", "import", bad, "--project", "P")
		var le *lu.Error
		if !errors.As(err, &le) || le.Line != 2 || !strings.Contains(err.Error(), bad+":2:1:") {
			t.Errorf("parley import %s = %v, want %s:2:1: …", bad, err, bad)
		}
	})
}

// TestExportLU: parley export --format lu asks for format=Luis and writes
// the .lu file; --format luis writes the LUIS JSON as served.
func TestExportLU(t *testing.T) {
	t.Parallel()
	app, err := lu.Parse(os.DirFS(filepath.Dir(writeLUApp(t))), "app.lu", nil)
	if err != nil {
		t.Fatal(err)
	}
	luis, err := encodeLUIS(app)
	if err != nil {
		t.Fatal(err)
	}
	f := newFakeLUISServer(t, luis)
	out := mustCLI(t, f.URL, "export", "Pizza", "--format", "lu")
	back, err := lu.ParseBytes(nil, "exported.lu", []byte(out), nil)
	if err != nil {
		t.Fatalf("parley export --format lu wrote a file Parse refuses: %v\n%s", err, out)
	}
	backJSON, _ := encodeLUIS(back)
	jsonEqual(t, backJSON, luis)
	if f.requests[0] != "POST /language/authoring/analyze-conversations/projects/Pizza/:export?Luis" {
		t.Errorf("first request %q, want POST …/:export?format=Luis", f.requests[0])
	}
	jsonEqual(t, []byte(mustCLI(t, f.URL, "export", "Pizza", "--format", "luis")), luis)

	_, _, err = cli(t, f.URL, "k", "export", "Pizza", "--format", "xml")
	if exitCode(err) != 2 || !strings.Contains(err.Error(), `--format "xml" is not clu, luis or lu`) {
		t.Errorf("parley export --format xml = %v, want a usage error", err)
	}
}

// TestImportLUEndToEnd imports a .lu file into the real server with
// format=Luis, then exports it back as .lu.
func TestImportLUEndToEnd(t *testing.T) {
	t.Parallel()
	endpoint := startTestServer(t)
	file := writeLUApp(t)
	out, _, err := cli(t, endpoint, "k", "import", file)
	if err != nil {
		t.Fatalf("parley import %s = %v", file, err)
	}
	if !regexp.MustCompile(`imported Pizza; LUIS app id [0-9a-f-]{36}\n`).MatchString(out) {
		t.Errorf("parley import %s printed %q, want the project's new LUIS app id", file, out)
	}
	out = mustCLI(t, endpoint, "export", "Pizza", "--format", "lu")
	back, err := lu.ParseBytes(nil, "exported.lu", []byte(out), nil)
	if err != nil {
		t.Fatalf("export --format lu: %v\n%s", err, out)
	}
	var intents []string
	for _, in := range back.Intents {
		intents = append(intents, in.Name)
	}
	for _, want := range []string{"Order", "Cancel"} {
		if !strings.Contains(strings.Join(intents, ","), want) {
			t.Errorf("exported intents %v, want %s among them", intents, want)
		}
	}
}

// TestImportLUISJSON imports a LUIS application JSON file (schema 3.2) with
// the CLI, giving it the app id a bot calls, and converts one to a CLU
// project file offline.
func TestImportLUISJSON(t *testing.T) {
	t.Parallel()
	endpoint := startTestServer(t)
	app := filepath.Join("..", "..", "internal", "project", "testdata", "luis", "flightbooking-corebot.v3.2.json")
	const id = "3f9c1a52-7b0e-4d6a-9c2b-5e8f1a0d4c37"
	out, errOut, err := cli(t, endpoint, "k", "import", app, "--project", "flights", "--luis-app-id", strings.ToUpper(id), "--luis-patterns", "drop")
	if err != nil || out != "imported flights; LUIS app id "+id+"\n" {
		t.Fatalf("parley import LUIS JSON = %q, %v (stderr %q)", out, err, errOut)
	}
	if !strings.Contains(errOut, "warning: LuisSchemaVersionUpgraded") {
		t.Errorf("stderr %q, want the import's warnings", errOut)
	}
	if _, _, err := cli(t, endpoint, "k", "import", app, "--project", "other", "--luis-app-id", id); err == nil || !strings.Contains(err.Error(), "luisAppId") {
		t.Errorf("a second project with the same app id: %v, want a conflict naming luisAppId", err)
	}
	if _, _, err := cli(t, endpoint, "k", "import", smokeFile, "--luis-app-id", id); exitCode(err) != 2 {
		t.Errorf("--luis-app-id on a CLU file: %v, want a usage error", err)
	}

	var stdout, stderr bytes.Buffer
	if err := run(t.Context(), []string{"convert", app, "--to", "clu"}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	var f struct {
		Metadata struct{ ProjectName, Language string }
		Assets   struct{ Intents, Entities []any }
	}
	if err := json.Unmarshal(stdout.Bytes(), &f); err != nil || f.Metadata.ProjectName != "FlightBooking" || len(f.Assets.Intents) != 4 || len(f.Assets.Entities) != 4 {
		t.Errorf("convert --to clu = %+v, %v; want FlightBooking with 4 intents and 4 entities (LUIS.md §6)", f, err)
	}
	if !strings.Contains(stderr.String(), "warning: ") {
		t.Errorf("convert --to clu printed no warnings: %q", stderr.String())
	}
}
