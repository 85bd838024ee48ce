// Package apitest runs the real program in-process for tests: an
// httptest.Server over the handler internal/server builds, the SQLite store in a temporary directory,
// a fake clock, and a job runner that tests step by hand (RunJobs) or let
// run in the background (Options.AutoRun).
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parley-dev/parley/internal/job"
	"github.com/parley-dev/parley/internal/project"
	"github.com/parley-dev/parley/internal/server"
	"github.com/parley-dev/parley/internal/store/sqlite"
)

// Key is the subscription key the test server accepts.
const Key = "test-key"

// Prefix is the authoring API's path under the endpoint.
const Prefix = "/language/authoring/analyze-conversations"

// Clock is a fake clock; it starts at a fixed time and moves only by Advance.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Options configure New; nil means defaults.
type Options struct {
	Limits       project.Limits // zero: project.DefaultLimits
	Jobs         job.Limits     // zero: project.DefaultJobLimits
	PageSize     int
	MaxBodyBytes int64
	RetryAfter   int
	Keys         []string // default: Key
	AutoRun      bool     // run jobs in the background, as the real server does
	// WatchDeployments keeps deployments in memory for predictions, as the
	// real server does (server.WatchDeployments), checking the store every
	// DeploymentPoll (zero: the default). Tests that change the store
	// behind the services' back leave it off.
	WatchDeployments bool
	DeploymentPoll   time.Duration
	Dir              string // data directory; default t.TempDir()
	// Store is a PostgreSQL URL to run on instead of SQLite (server.Config.Store);
	// Server.Store is then nil.
	Store    string
	Observer server.Observer
	// TimeZone is the server's time zone of relative dates
	// (server.Config.TimeZone); nil: UTC.
	TimeZone *time.Location
}

// Server is an in-process Parley.
type Server struct {
	*httptest.Server
	Store    *sqlite.Store // nil when Options.Store names another store
	Runner   *job.Runner
	Clock    *Clock
	Services *project.Services // for in-process benchmarks that skip HTTP
	t        testing.TB
}

// New starts a server that is closed when the test ends. It is built by the
// same composition root as parley serve (internal/server).
func New(t testing.TB, opts *Options) *Server {
	t.Helper()
	if opts == nil {
		opts = &Options{}
	}
	dir := opts.Dir
	if dir == "" {
		dir = t.TempDir()
	}
	keys := opts.Keys
	if keys == nil {
		keys = []string{Key}
	}
	clock := &Clock{t: time.Date(2026, 4, 18, 15, 23, 7, 0, time.UTC)}
	app, err := server.New(context.Background(), server.Config{
		DataDir: dir, Store: opts.Store, Keys: keys, PageSize: opts.PageSize, MaxBodyBytes: opts.MaxBodyBytes,
		RetryAfter: opts.RetryAfter, Limits: opts.Limits, Jobs: opts.Jobs, Now: clock.Now,
		JobPollInterval: 10 * time.Millisecond, Observer: opts.Observer, TimeZone: opts.TimeZone, DeploymentPoll: opts.DeploymentPoll,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(app.Handler())
	sq, _ := app.Store().(*sqlite.Store)
	s := &Server{Server: srv, Store: sq, Runner: app.Runner(), Clock: clock, Services: app.Services(), t: t}
	if opts.AutoRun {
		s.Runner.Start(context.Background())
	}
	if opts.WatchDeployments {
		app.WatchDeployments(context.Background())
	}
	t.Cleanup(func() {
		srv.Close()
		app.Close()
	})
	return s
}

// RunJobs runs jobs until none is left to run, and returns how many ran.
func (s *Server) RunJobs(ctx context.Context) int {
	s.t.Helper()
	total := 0
	for {
		n, err := s.Runner.RunOnce(ctx)
		if err != nil {
			s.t.Fatal(err)
		}
		if n == 0 {
			return total
		}
		total += n
	}
}

// Do sends a request with the key to path (under Prefix unless it starts
// with "http" or "/language"); body is sent as is if it is []byte or a
// string, and as JSON otherwise.
func (s *Server) Do(method, path string, body any) *http.Response {
	s.t.Helper()
	return s.DoWithKey(method, path, body, Key)
}

// DoWithKey is Do with another key; "" sends none.
func (s *Server) DoWithKey(method, path string, body any, key string) *http.Response {
	s.t.Helper()
	url := path
	switch {
	case strings.HasPrefix(path, "http"):
	case strings.HasPrefix(path, "/language"), strings.HasPrefix(path, "/healthz"), strings.HasPrefix(path, "/readyz"):
		url = s.URL + path
	default:
		url = s.URL + Prefix + path
	}
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		r = bytes.NewReader(b)
	case string:
		r = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			s.t.Fatal(err)
		}
		r = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		s.t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Ocp-Apim-Subscription-Key", key)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	return resp
}

// ReadJSON reads and closes resp's body, decoded as JSON into a generic value.
func ReadJSON(t testing.TB, resp *http.Response) map[string]any {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s %s: body %q is not a JSON object: %v", resp.Request.Method, resp.Request.URL, b, err)
	}
	return v
}

// ReadBody reads and closes resp's body.
func ReadBody(t testing.TB, resp *http.Response) []byte {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// NewRuntimeOnly starts a runtime-only server (parley serve --models) over
// the exported model files of dir; it has no store and no runner.
func NewRuntimeOnly(t testing.TB, dir string) *Server {
	t.Helper()
	app, err := server.New(context.Background(), server.Config{Models: dir, Keys: []string{Key},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(app.Handler())
	t.Cleanup(func() {
		srv.Close()
		app.Close()
	})
	return &Server{Server: srv, Services: app.Services(), t: t}
}
