package api_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/parley-dev/parley/internal/api"
	"github.com/parley-dev/parley/internal/api/apitest"
	"github.com/parley-dev/parley/internal/job"
	"github.com/parley-dev/parley/internal/project"
	"github.com/parley-dev/parley/internal/store/sqlite"
)

// TestMetadataIsBounded: free-text metadata and settings have limits, on a
// PATCH and on an import alike, so that no stored project (and no list of
// them) can grow without bound, and no stored JSON nests deeply enough to
// break a client that recurses into it (issue 9, findings 2 and 7).
func TestMetadataIsBounded(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, nil)
	create := `{"projectName":"p","projectKind":"Conversation","language":"en-us"}`
	wantStatus(t, srv.Do("PATCH", "/projects/p?"+v3, create), http.StatusCreated)

	deep := strings.Repeat(`{"a":`, 1000) + "1" + strings.Repeat("}", 1000)
	for _, tc := range []struct {
		name, body, target string
	}{
		{"long description", `{"description":"` + strings.Repeat("x", 60<<10) + `"}`, "description"},
		{"description one past the limit", `{"description":"` + strings.Repeat("é", 1001) + `"}`, "description"},
		{"long container name", `{"storageInputContainerName":"` + strings.Repeat("c", 64) + `"}`, "storageInputContainerName"},
		{"large settings", `{"settings":{"x":"` + strings.Repeat("s", 5000) + `"}}`, "settings"},
		{"deep settings", `{"settings":{"x":` + deep + `}}`, "settings"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, srv.Do("PATCH", "/projects/p?"+v3, tc.body), http.StatusBadRequest, "InvalidArgument", tc.target)
		})
	}
	// At the limits, accepted.
	ok := `{"description":"` + strings.Repeat("é", 1000) + `","settings":{"confidenceThreshold":0.5,"x":{"y":[1]}}}`
	wantStatus(t, srv.Do("PATCH", "/projects/p?"+v3, ok), http.StatusOK)
	// Nothing of the refused PATCHes was stored.
	got := apitest.ReadJSON(t, srv.Do("GET", "/projects/p?"+v3, nil))
	if d, _ := got["description"].(string); len([]rune(d)) != 1000 {
		t.Errorf("description after the refused PATCHes has %d characters, want the 1000 of the accepted one", len([]rune(d)))
	}

	// An import is held to the same limits.
	var f map[string]any
	if err := json.Unmarshal(smokeSnips(t), &f); err != nil {
		t.Fatal(err)
	}
	f["metadata"].(map[string]any)["description"] = strings.Repeat("x", 1001)
	file, _ := json.Marshal(f)
	wantError(t, srv.Do("POST", "/projects/SNIPS2017-smoke/:import?"+v3, file), http.StatusBadRequest, "InvalidArgument", "")
	f["metadata"].(map[string]any)["description"] = "ok"
	f["metadata"].(map[string]any)["settings"] = map[string]any{"confidenceThreshold": 0, "x": json.RawMessage(deep)}
	file, _ = json.Marshal(f)
	body := wantError(t, srv.Do("POST", "/projects/SNIPS2017-smoke/:import?"+v3, file), http.StatusBadRequest, "InvalidArgument", "")
	if !strings.Contains(mustJSON(t, body), "/metadata/settings") {
		t.Errorf("import with deep settings: error %s does not name /metadata/settings", mustJSON(t, body))
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestShortBody: a body shorter than its Content-Length is the client's
// fault: 400, not 500 (issue 9, low).
func TestShortBody(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, nil)
	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "PATCH %s/projects/p?%s HTTP/1.1\r\nHost: x\r\nOcp-Apim-Subscription-Key: %s\r\nContent-Length: 100\r\n\r\n{\"projectName\":",
		apitest.Prefix, v3, apitest.Key)
	conn.(*net.TCPConn).CloseWrite()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("x-ms-error-code") != "InvalidRequest" {
		t.Errorf("a body 84 bytes short = %d %s, want 400 InvalidRequest", resp.StatusCode, resp.Header.Get("x-ms-error-code"))
	}
}

// TestDotNames: "." and ".." (sent as %2e) were accepted and then out of
// reach; they are refused (issue 9, low).
func TestDotNames(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, nil)
	for _, name := range []string{"%2e", "%2e%2e", "%2E"} {
		resp := srv.Do("PATCH", "/projects/"+name+"?"+v3, `{"projectName":".","projectKind":"Conversation","language":"en-us"}`)
		if resp.StatusCode < 400 || resp.StatusCode >= 500 {
			t.Errorf("PATCH /projects/%s = %d, want a 4xx", name, resp.StatusCode)
		}
		resp.Body.Close()
	}
	resp := srv.Do("GET", "/projects?"+v3, nil)
	if got := apitest.ReadJSON(t, resp); len(got["value"].([]any)) != 0 {
		t.Errorf("projects after PATCHes of dot names = %v, want none", got["value"])
	}
}

// downStore is a store that has stopped answering: a fault injected into
// the real SQLite store.
type downStore struct {
	*sqlite.Store
	down atomic.Bool
}

func (d *downStore) Ping(ctx context.Context) error {
	if d.down.Load() {
		return errors.New("connection refused")
	}
	return d.Store.Ping(ctx)
}

func (d *downStore) ListProjects(ctx context.Context, offset, limit int) ([]*project.Project, bool, error) {
	if d.down.Load() {
		return nil, false, errors.New("connection refused")
	}
	return d.Store.ListProjects(ctx, offset, limit)
}

// TestReadiness: /readyz answers 200 while the store answers and 503 when
// it does not, and requests that need the store get a 503 with Retry-After,
// not a 500 (issue 9, low: /healthz answered 200 with the store gone).
func TestReadiness(t *testing.T) {
	t.Parallel()
	st, err := sqlite.Open(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ds := &downStore{Store: st}
	svc := project.New(ds, ds, nil, project.Config{})
	hs := httptest.NewServer(api.New(svc, api.Config{Keys: []string{"k"}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	defer hs.Close()
	get := func(path string) *http.Response {
		req, _ := http.NewRequest("GET", hs.URL+path, nil)
		req.Header.Set("Ocp-Apim-Subscription-Key", "k")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	resp := get("/readyz")
	wantStatus(t, resp, http.StatusOK)
	resp.Body.Close()
	ds.down.Store(true)
	wantError(t, get("/readyz"), http.StatusServiceUnavailable, "ServiceUnavailable", "")
	resp = get("/healthz")
	wantStatus(t, resp, http.StatusOK) // liveness: the process answers
	resp.Body.Close()
	resp = get(apitest.Prefix + "/projects?" + v3)
	if resp.Header.Get("Retry-After") == "" {
		t.Errorf("503 without Retry-After")
	}
	wantError(t, resp, http.StatusServiceUnavailable, "ServiceUnavailable", "")
}

// TestJobQueueIsBounded: a project's unfinished jobs of one kind, and the
// server's in all, are bounded; past either bound a request is a 429 with
// Retry-After, as Azure throttles, and nothing is queued (issue 9,
// finding 4). Once jobs finish, there is room again.
func TestJobQueueIsBounded(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, &apitest.Options{Jobs: job.Limits{PerKind: 3, Total: 5}, RetryAfter: 2})
	importProject(t, srv, "p", withName(t, smokeSnips(t), "p"))
	importProject(t, srv, "q", withName(t, smokeSnips(t), "q"))
	exportOf := func(p string) *http.Response {
		return srv.Do("POST", "/projects/"+p+"/:export?stringIndexType=Utf16CodeUnit&"+v3, nil)
	}
	for range 3 {
		wantStatus(t, exportOf("p"), http.StatusAccepted)
	}
	resp := exportOf("p")
	if ra := resp.Header.Get("Retry-After"); ra != "2" {
		t.Errorf("Retry-After of a 429 = %q, want 2", ra)
	}
	e := wantError(t, resp, http.StatusTooManyRequests, "TooManyRequests", "")
	if msg := e["message"].(string); !strings.Contains(msg, `"p"`) || !strings.Contains(msg, "3 unfinished export jobs") {
		t.Errorf("message %q does not name the project and the limit", msg)
	}
	// Another kind and another project have their own room, until the
	// server's total (5) is reached.
	wantStatus(t, exportOf("q"), http.StatusAccepted)
	wantStatus(t, srv.Do("POST", "/projects/q/:train?"+v3, `{"modelLabel":"m","trainingMode":"standard"}`), http.StatusAccepted)
	e = wantError(t, exportOf("q"), http.StatusTooManyRequests, "TooManyRequests", "")
	if msg := e["message"].(string); !strings.Contains(msg, "5 unfinished jobs") {
		t.Errorf("message %q does not give the server's limit", msg)
	}
	// A second training of one project stays a 409, as in Azure.
	wantError(t, srv.Do("POST", "/projects/q/:train?"+v3, `{"modelLabel":"m2","trainingMode":"standard"}`), http.StatusConflict, "Conflict", "")
	if n := srv.RunJobs(t.Context()); n != 5 {
		t.Errorf("RunJobs ran %d jobs, want the 5 accepted", n)
	}
	wantStatus(t, exportOf("p"), http.StatusAccepted)
}

// TestBadUnicodeIsRefused: bytes that are not UTF-8 and escapes of lone
// UTF-16 surrogates were replaced with U+FFFD and stored; every body that
// carries them is refused with a 400 naming the value (issue 9, low).
func TestBadUnicodeIsRefused(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, nil)
	good := smokeSnips(t)
	importProject(t, srv, "SNIPS2017-smoke", good)
	before := export(t, srv, "SNIPS2017-smoke", v3)

	// The file as the client wrote it, with one utterance's text replaced
	// by raw bytes, so that nothing re-encodes them on the way.
	var f map[string]any
	if err := json.Unmarshal(good, &f); err != nil {
		t.Fatal(err)
	}
	u := f["assets"].(map[string]any)["utterances"].([]any)[3].(map[string]any)
	u["text"] = "@@TEXT@@"
	delete(u, "entities")
	file, _ := json.Marshal(f)
	withText := func(raw string) []byte { return []byte(strings.Replace(string(file), "@@TEXT@@", raw, 1)) }
	for _, tc := range []struct {
		name, raw string
	}{
		{"invalid UTF-8", "caf\xe9 au lait"},
		{"lone high surrogate", `play \ud83d please`},
		{"lone low surrogate", `play \ude00 please`},
	} {
		t.Run("import "+tc.name, func(t *testing.T) {
			e := wantError(t, srv.Do("POST", "/projects/SNIPS2017-smoke/:import?"+v3, withText(tc.raw)),
				http.StatusBadRequest, "InvalidArgument", "/assets/utterances/3/text")
			if msg, _ := e["message"].(string); !strings.Contains(msg, "byte offset") {
				t.Errorf("message %q does not give the byte offset", msg)
			}
		})
	}
	if after := export(t, srv, "SNIPS2017-smoke", v3); !bytes.Equal(before, after) {
		t.Errorf("a refused import changed the stored project")
	}
	wantStatus(t, srv.Do("POST", "/projects/SNIPS2017-smoke/:import?"+v3, withText(`play \ud83d\ude00 now`)), http.StatusAccepted)

	// The other bodies that carry text go through the same check.
	for _, tc := range []struct {
		name, method, path, body, target string
	}{
		{"PATCH description", "PATCH", "/projects/SNIPS2017-smoke?" + v3, `{"description":"caf` + "\xe9" + `"}`, "/description"},
		{"PATCH lone surrogate", "PATCH", "/projects/SNIPS2017-smoke?" + v3, `{"description":"a\udfff"}`, "/description"},
		{"train label", "POST", "/projects/SNIPS2017-smoke/:train?" + v3, `{"modelLabel":"m\ud800","trainingMode":"standard"}`, "/modelLabel"},
		{"query text", "POST", "/language/:analyze-conversations?" + v3, `{"kind":"Conversation","analysisInput":{"conversationItem":` +
			`{"id":"1","participantId":"1","text":"hi ` + "\xc3" + `"}},"parameters":{"projectName":"SNIPS2017-smoke","deploymentName":"d"}}`,
			"/analysisInput/conversationItem/text"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, srv.Do(tc.method, tc.path, tc.body), http.StatusBadRequest, "InvalidArgument", tc.target)
		})
	}
}

// TestRegexPatternsAreChecked: regexPattern is a .NET regular expression,
// so lookaround, backreferences and named groups are accepted at import,
// while a pattern .NET refuses, or one longer than the limit, is refused
// with the pattern's pointer, the engine's error and a fix (issue 9). A
// project stored before (its pattern never checked) still trains, with a
// warning.
func TestRegexPatternsAreChecked(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, nil)
	withPatterns := func(patterns ...string) []byte {
		var f map[string]any
		if err := json.Unmarshal(smokeSnips(t), &f); err != nil {
			t.Fatal(err)
		}
		var xs []any
		for i, p := range patterns {
			xs = append(xs, map[string]any{"regexKey": fmt.Sprint("k", i), "language": "en-us", "regexPattern": p})
		}
		entities := f["assets"].(map[string]any)["entities"].([]any)
		entities[1].(map[string]any)["regex"] = map[string]any{"expressions": xs}
		b, _ := json.Marshal(f)
		return b
	}
	for _, tc := range []struct {
		name, pattern, inMessage string
	}{
		{"unbalanced", `/(\d{3}/`, "missing closing )"},
		{"bad escape", `\d{3}\q`, "unrecognized escape sequence \\q"},
		{"reversed count", `a{2,1}`, "invalid repeat count"},
		{"RE2 named group", `(?P<n>\d+)`, "unrecognized grouping construct"},
		{"too long", strings.Repeat("a", 501), "501 characters long"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := wantError(t, srv.Do("POST", "/projects/SNIPS2017-smoke/:import?"+v3, withPatterns(`\d{3}`, tc.pattern)),
				http.StatusBadRequest, "InvalidArgument", "/assets/entities/1/regex/expressions/1/regexPattern")
			if msg, _ := e["message"].(string); !strings.Contains(msg, tc.inMessage) || !strings.Contains(msg, "fix the pattern") {
				t.Errorf("message %q does not say %q and what to do", msg, tc.inMessage)
			}
		})
	}
	dotNet := []string{`(?<=\$)\d+`, `\d+(?= euros)`, `(\w)\1`, `(?<area>\d{3})-\k<area>`, `\d{3}-\d{4}`, `(?i)order #\d+`,
		`(?<!\d)\d{5}(?!\d)`, `(?>\d+)x`, `\w{1,1000}`}
	importProject(t, srv, "SNIPS2017-smoke", withPatterns(dotNet...))
	j := finish(t, srv, train(t, srv, "SNIPS2017-smoke", "m0", "manual"))
	if warnings, _ := j["warnings"].([]any); j["status"] != "succeeded" || len(warnings) > 0 {
		t.Errorf("training with .NET patterns = %v, want succeeded without warnings", j)
	}
	importProject(t, srv, "SNIPS2017-smoke", withPatterns(`\d{3}`, `/^\(?([0-9]{3})\)?[-.\s]?([0-9]{3})[-.\s]?([0-9]{4})$/`))

	// A project imported before the check: its assets hold a bad pattern.
	var f struct {
		Assets json.RawMessage `json:"assets"`
	}
	json.Unmarshal(withPatterns(`(?P<n>\d+)`), &f)
	p, err := srv.Store.GetProject(t.Context(), "SNIPS2017-smoke")
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Store.ReplaceProject(t.Context(), p, f.Assets, 10); err != nil {
		t.Fatal(err)
	}
	j = finish(t, srv, train(t, srv, "SNIPS2017-smoke", "m1", "manual"))
	warnings, _ := j["warnings"].([]any)
	if j["status"] != "succeeded" || !strings.Contains(fmt.Sprint(warnings), "(?P<n>") {
		t.Errorf("training with a stored bad pattern = %v, want succeeded with a warning naming it", j)
	}
}
