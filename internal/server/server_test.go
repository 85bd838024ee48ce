package server_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parley-dev/parley/internal/job"
	"github.com/parley-dev/parley/internal/project"
	"github.com/parley-dev/parley/internal/server"
)

// lockedBuffer is a log sink safe for the server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func newServer(t *testing.T, obs server.Observer, logs io.Writer) (*server.Server, *httptest.Server) {
	t.Helper()
	srv, err := server.New(t.Context(), server.Config{
		DataDir: t.TempDir(), Keys: []string{"k"}, Observer: obs,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		hs.Close()
		if err := srv.Close(); err != nil {
			t.Errorf("Close() = %v", err)
		}
	})
	return srv, hs
}

func do(t *testing.T, method, url, body string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Ocp-Apim-Subscription-Key", "k")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// TestRequestsAreObservedByOperation checks the middleware chain: every
// answer has a request id, the observer sees the spec's operationId of the
// route that answered, and the request's log line carries the same id.
func TestRequestsAreObservedByOperation(t *testing.T) {
	var mu sync.Mutex
	var events []server.RequestEvent
	logs := &lockedBuffer{}
	_, hs := newServer(t, server.Observer{RequestFunc: func(e server.RequestEvent) {
		mu.Lock()
		events = append(events, e)
		mu.Unlock()
	}}, logs)

	cases := []struct {
		method, path string
		status       int
		operation    string
	}{
		{"GET", "/language/authoring/analyze-conversations/projects?api-version=2023-04-01", 200, "ConversationalAnalysisAuthoring_ListProjects"},
		{"GET", "/language/authoring/analyze-conversations/projects/nope?api-version=2023-04-01", 404, "ConversationalAnalysisAuthoring_GetProject"},
		{"GET", "/language/nowhere", 404, ""},
		{"GET", "/healthz", 200, ""},
	}
	for i, tc := range cases {
		resp := do(t, tc.method, hs.URL+tc.path, "")
		id := resp.Header.Get("apim-request-id")
		if resp.StatusCode != tc.status || id == "" {
			t.Fatalf("%s %s = %d with apim-request-id %q, want %d with an id", tc.method, tc.path, resp.StatusCode, id, tc.status)
		}
		mu.Lock()
		got := events[i]
		mu.Unlock()
		if got.RequestID != id || got.Operation != tc.operation || got.Status != tc.status || got.Method != tc.method {
			t.Errorf("%s %s: observed %+v, want id %s, operation %q, status %d", tc.method, tc.path, got, id, tc.operation, tc.status)
		}
		if !strings.Contains(logs.String(), "request_id="+id) {
			t.Errorf("%s %s: no log line carries request_id=%s:\n%s", tc.method, tc.path, id, logs)
		}
	}
}

// TestJobEventsAreObserved checks the job observer: an import run ends
// succeeded, and the event names its kind.
func TestJobEventsAreObserved(t *testing.T) {
	events := make(chan job.Event, 10)
	srv, hs := newServer(t, server.Observer{JobFunc: func(e job.Event) { events <- e }}, io.Discard)
	file := `{"projectFileVersion":"2023-04-01","stringIndexType":"Utf16CodeUnit","metadata":{"projectKind":"Conversation","projectName":"p","language":"en-us"},"assets":{"projectKind":"Conversation","intents":[{"category":"Greet"}]}}`
	if resp := do(t, "POST", hs.URL+"/language/authoring/analyze-conversations/projects/p/:import?api-version=2023-04-01", file); resp.StatusCode != 202 {
		t.Fatalf("import = %d, want 202", resp.StatusCode)
	}
	if n, err := srv.Runner().RunOnce(context.Background()); n != 1 || err != nil {
		t.Fatalf("RunOnce() = %d, %v; want 1 job", n, err)
	}
	e := <-events
	if e.Kind != project.JobImport || e.Outcome != job.StatusSucceeded || e.JobID == "" || e.Attempt != 1 {
		t.Errorf("job event = %+v, want a succeeded import on attempt 1", e)
	}
}

// TestListenFailsBeforeTheDataDirectory: a taken port must fail before New
// creates anything, so the caller listens first.
func TestListenFailsBeforeTheDataDirectory(t *testing.T) {
	taken, err := server.Listen(server.Config{Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	dir := filepath.Join(t.TempDir(), "data")
	if _, err := server.Listen(server.Config{Listen: taken.Addr().String(), DataDir: dir}); err == nil {
		t.Fatalf("Listen(%s) succeeded on a taken port", taken.Addr())
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("data directory %s exists after a failed listen (Stat: %v)", dir, err)
	}
}

// TestSlowClientsAreCut: a client that sends its body too slowly, or never
// reads its answer, is cut off at the read or write deadline instead of
// being held forever (issue 9, finding 5).
func TestSlowClientsAreCut(t *testing.T) {
	srv, err := server.New(t.Context(), server.Config{
		DataDir: t.TempDir(), Keys: []string{"k"}, ReadTimeout: 300 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := server.Listen(server.Config{Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	srv.Start(t.Context(), ln)
	t.Cleanup(func() { srv.Close() })

	conn, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /language/authoring/analyze-conversations/projects/p/:import?api-version=2023-04-01 HTTP/1.1\r\n"+
		"Host: x\r\nOcp-Apim-Subscription-Key: k\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"a\":")
	start := time.Now()
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	// The server answers (or just closes) once the read deadline passes;
	// either way the connection ends, long before our own deadline.
	io.Copy(io.Discard, conn)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("a body that never arrives held the connection %v; the read timeout is 300ms", d)
	}
}
