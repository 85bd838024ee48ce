package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/parley-dev/parley/internal/server"
)

// smokeFile is the SNIPS smoke project file, in the repository's testdata
// folder.
var smokeFile = filepath.Join("..", "..", "testdata", "datasets", "smoke", "snips2017.smoke.clu.json")

const smokeName = "SNIPS2017-smoke"

// startTestServer runs the real server on a free port with the key "k" and
// returns its endpoint.
func startTestServer(t *testing.T) string {
	t.Helper()
	m, err := startServer(t.Context(), server.Config{Listen: "127.0.0.1:0", DataDir: t.TempDir(), Keys: []string{"k"},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Errorf("Close() = %v", err)
		}
	})
	return "http://" + m.Addr()
}

// cli runs parley with args, then the connection flags (after the arguments,
// as users may put them), and returns its output.
func cli(t *testing.T, endpoint, key string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var o, e bytes.Buffer
	args = append(slices.Clone(args), "--endpoint", endpoint, "--key", key, "--max-poll-delay", "5ms")
	err = run(t.Context(), args, &o, &e)
	return o.String(), e.String(), err
}

// mustCLI is cli for a command that must succeed without writing to stderr.
func mustCLI(t *testing.T, endpoint string, args ...string) string {
	t.Helper()
	out, errOut, err := cli(t, endpoint, "k", args...)
	if err != nil || errOut != "" {
		t.Fatalf("parley %s = %v, stderr %q", strings.Join(args, " "), err, errOut)
	}
	return out
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func jsonEqual(t *testing.T, got, want []byte) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("got %.200q: %v", got, err)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(w, g); diff != "" {
		t.Errorf("JSON differs (-want +got):\n%.3000s", diff)
	}
}

// editJSON returns the JSON b as edited by f.
func editJSON(t *testing.T, b []byte, f func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	f(m)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// listed returns the names in the piped output of parley project list, after
// checking each line has four tab-separated fields.
func listed(t *testing.T, out string) []string {
	t.Helper()
	var names []string
	for line := range strings.Lines(out) {
		f := strings.Split(strings.TrimSuffix(line, "\n"), "\t")
		if len(f) != 4 || f[1] != "Conversation" || f[2] != "en-us" {
			t.Fatalf("project list line %q, want NAME\\tConversation\\ten-us\\tMODIFIED", line)
		}
		if _, err := time.Parse(time.RFC3339, f[3]); err != nil {
			t.Errorf("project list line %q: modified: %v", line, err)
		}
		names = append(names, f[0])
	}
	slices.Sort(names)
	return names
}

func TestClientCommands(t *testing.T) {
	t.Parallel()
	ep := startTestServer(t)
	dir := t.TempDir()
	smoke := readFile(t, smokeFile)

	if out := mustCLI(t, ep, "project", "list"); out != "" {
		t.Errorf("project list on an empty server = %q, want nothing", out)
	}
	if out := mustCLI(t, ep, "import", smokeFile); out != "" {
		t.Errorf("import printed %q, want nothing", out)
	}
	if got, want := listed(t, mustCLI(t, ep, "project", "list")), []string{smokeName}; !slices.Equal(got, want) {
		t.Errorf("project list = %v, want %v", got, want)
	}

	var meta map[string]any
	out := mustCLI(t, ep, "project", "show", smokeName)
	if err := json.Unmarshal([]byte(out), &meta); err != nil || meta["projectName"] != smokeName || meta["language"] != "en-us" {
		t.Errorf("project show %s = %q (%v), want its metadata as JSON", smokeName, out, err)
	}

	exported := filepath.Join(dir, "out.json")
	if out := mustCLI(t, ep, "export", smokeName, "-o", exported); out != "" {
		t.Errorf("export -o printed %q, want nothing", out)
	}
	jsonEqual(t, readFile(t, exported), smoke)
	jsonEqual(t, []byte(mustCLI(t, ep, "export", smokeName)), smoke)

	// --project renames the project in the file it sends.
	mustCLI(t, ep, "import", "--project", "Other", smokeFile)
	renamed := editJSON(t, smoke, func(m map[string]any) { m["metadata"].(map[string]any)["projectName"] = "Other" })
	jsonEqual(t, []byte(mustCLI(t, ep, "export", "Other")), renamed)
	if got, want := listed(t, mustCLI(t, ep, "project", "list")), []string{"Other", smokeName}; !slices.Equal(got, want) {
		t.Errorf("project list = %v, want %v", got, want)
	}

	mustCLI(t, ep, "project", "delete", smokeName)
	if got, want := listed(t, mustCLI(t, ep, "project", "list")), []string{"Other"}; !slices.Equal(got, want) {
		t.Errorf("project list after delete = %v, want %v", got, want)
	}
}

func TestClientCommandErrors(t *testing.T) {
	t.Parallel()
	ep := startTestServer(t)
	dir := t.TempDir()
	smoke := readFile(t, smokeFile)
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	invalid := write("invalid.json", editJSON(t, smoke, func(m map[string]any) {
		m["assets"].(map[string]any)["utterances"].([]any)[0].(map[string]any)["intent"] = "Nope"
	}))
	nameless := write("nameless.json", editJSON(t, smoke, func(m map[string]any) { delete(m["metadata"].(map[string]any), "projectName") }))
	notJSON := write("not.json", []byte("intents: []"))
	badText := write("bad-text.json", editJSON(t, smoke, func(m map[string]any) {
		m["assets"].(map[string]any)["utterances"].([]any)[2].(map[string]any)["text"] = 5
	}))

	for _, tc := range []struct {
		name string
		key  string
		args []string
		want []string // each in the error
	}{
		{"wrong key", "wrong", []string{"project", "list"}, []string{"401", "Access denied"}},
		{"invalid file", "k", []string{"import", invalid}, []string{"InvalidArgument", "\n  /assets/utterances/0/intent: InvalidArgument: "}},
		{"wrong type", "k", []string{"import", badText}, []string{"must be of type string", "(target: /assets/utterances/2/text)"}},
		{"show unknown project", "k", []string{"project", "show", "nope"}, []string{"ProjectNotFound"}},
		{"delete unknown project", "k", []string{"project", "delete", "nope"}, []string{"ProjectNotFound"}},
		{"export unknown project", "k", []string{"export", "nope", "-o", filepath.Join(dir, "nope.json")}, []string{"ProjectNotFound"}},
		{"file without a name", "k", []string{"import", nameless}, []string{"no metadata.projectName", "--project"}},
		{"file not JSON", "k", []string{"import", notJSON}, []string{"not a JSON project file"}},
		{"missing file", "k", []string{"import", filepath.Join(dir, "absent.json")}, []string{"absent.json"}},
		{"no subcommand", "k", []string{"project"}, []string{"missing subcommand"}},
		{"unknown subcommand", "k", []string{"project", "frob"}, []string{`unknown subcommand "frob"`}},
		{"show without a name", "k", []string{"project", "show"}, []string{"want one project NAME"}},
		{"list with an argument", "k", []string{"project", "list", "x"}, []string{`unexpected argument "x"`}},
		{"export two projects", "k", []string{"export", "a", "b"}, []string{"want one PROJECT, got 2"}},
		{"unknown flag", "k", []string{"export", "a", "--frob"}, []string{"-frob"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out, _, err := cli(t, ep, tc.key, tc.args...)
			if err == nil {
				t.Fatalf("parley %s succeeded, want an error", strings.Join(tc.args, " "))
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("parley %s = %q, want it to contain %q", strings.Join(tc.args, " "), err, w)
				}
			}
			if out != "" {
				t.Errorf("parley %s printed %q, want nothing", strings.Join(tc.args, " "), out)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "nope.json")); !os.IsNotExist(err) {
		t.Errorf("a failed export left its -o file behind (%v)", err)
	}
	// The bad endpoint needs no server.
	var o, e bytes.Buffer
	if err := run(t.Context(), []string{"project", "list", "--endpoint", "127.0.0.1:1"}, &o, &e); err == nil || !strings.Contains(err.Error(), "not an http(s) URL") {
		t.Errorf("project list --endpoint 127.0.0.1:1 = %v, want an error about the URL", err)
	}
}

func TestParseArgs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		pos  []string
		o    string
	}{
		{nil, nil, "-"},
		{[]string{"P", "-o", "f.json"}, []string{"P"}, "f.json"},
		{[]string{"-o", "f.json", "P"}, []string{"P"}, "f.json"},
		{[]string{"a", "-o=x", "b", "c"}, []string{"a", "b", "c"}, "x"},
		{[]string{"a", "--", "-o", "b"}, []string{"a", "-o", "b"}, "-"},
		{[]string{"-", "-o", "y"}, []string{"-"}, "y"},
	} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		o := fs.String("o", "-", "")
		pos, err := parseArgs(fs, tc.args)
		if err != nil || !slices.Equal(pos, tc.pos) || *o != tc.o {
			t.Errorf("parseArgs(%q) = %q, -o %q, %v; want %q, -o %q", tc.args, pos, *o, err, tc.pos, tc.o)
		}
	}
}

func TestWithProjectName(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, in, want string
		ok             bool
	}{
		{"replaced in place", `{"a": [1, 2], "metadata": {"x": 1, "projectName": "A", "y": {"z": 2}}, "b": true}`,
			`{"a":[1, 2],"metadata":{"x":1,"projectName":"New","y":{"z": 2}},"b":true}`, true},
		{"added", `{"metadata": {"x": 1}}`, `{"metadata":{"x":1,"projectName":"New"}}`, true},
		{"metadata added", `{"a": 1}`, `{"a":1,"metadata":{"projectName":"New"}}`, true},
		{"metadata not an object", `{"metadata": []}`, "", false},
		{"array", `[]`, "", false},
		{"trailing data", `{} {}`, "", false},
		{"truncated", `{"metadata": {`, "", false},
	} {
		got, err := withProjectName([]byte(tc.in), "New")
		if (err == nil) != tc.ok || string(got) != tc.want {
			t.Errorf("%s: withProjectName(%q) = %q, %v; want %q, ok %v", tc.name, tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestProgress(t *testing.T) {
	t.Parallel()
	var clock atomic.Int64 // milliseconds
	now := func() time.Time { return time.UnixMilli(clock.Load()) }
	var buf bytes.Buffer
	// An hour between redraws: only set and finish draw.
	p := newProgress(&buf, "import P", now, time.Hour)
	clock.Add(1200)
	p.set("notStarted")
	clock.Add(300)
	p.set("running")
	p.finish(nil)
	want := "\rimport P: starting (0.0s)" + "\rimport P: notStarted (1.2s)" + "\rimport P: running (1.5s)   " + "\rimport P: running (1.5s)   \n"
	if got := buf.String(); got != want {
		t.Errorf("progress wrote %q, want %q", got, want)
	}
	if isTerminal(&buf) {
		t.Errorf("isTerminal(*bytes.Buffer) = true, want false")
	}
	var quiet bytes.Buffer
	p = startProgress(&quiet, "import P") // not a terminal: silent
	p.set("running")
	p.finish(nil)
	if quiet.Len() != 0 {
		t.Errorf("progress on a non-terminal wrote %q, want nothing", quiet.String())
	}
}
