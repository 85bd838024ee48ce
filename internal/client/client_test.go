package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/parley-dev/parley/internal/api/apitest"
	"github.com/parley-dev/parley/internal/azerr"
	"github.com/parley-dev/parley/internal/client"
)

// smokeFile is the SNIPS smoke project file, in the repository's testdata
// folder.
var smokeFile = filepath.Join("..", "..", "testdata", "datasets", "smoke", "snips2017.smoke.clu.json")

const smokeName = "SNIPS2017-smoke"

func readSmoke(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(smokeFile)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// newClient returns a client of srv with key that polls every few
// milliseconds whatever Retry-After says.
func newClient(t testing.TB, endpoint, key string) *client.Client {
	t.Helper()
	c, err := client.New(endpoint, key, &client.Options{MaxPollDelay: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func jsonEqual(t testing.TB, got, want []byte) {
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

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv := apitest.New(t, &apitest.Options{AutoRun: true})
	c := newClient(t, srv.URL+"/", apitest.Key)
	file := readSmoke(t)

	var seen []client.JobStatus
	st, err := c.ImportProject(ctx, smokeName, file, &client.ImportOptions{
		JobOptions: client.JobOptions{ProgressFunc: func(s *client.JobState) { seen = append(seen, s.Status) }},
	})
	if err != nil {
		t.Fatalf("ImportProject(%q) = %v", smokeName, err)
	}
	if st.Status != client.JobSucceeded || !strings.Contains(st.URL, "/import/jobs/"+st.JobID) {
		t.Errorf("ImportProject(%q) = status %q, URL %q; want succeeded under /import/jobs/%s", smokeName, st.Status, st.URL, st.JobID)
	}
	if len(seen) == 0 || seen[len(seen)-1] != client.JobSucceeded {
		t.Errorf("ProgressFunc saw %v, want it to end with succeeded", seen)
	}

	p, err := c.GetProject(ctx, smokeName)
	if err != nil {
		t.Fatalf("GetProject(%q) = %v", smokeName, err)
	}
	if p.ProjectName != smokeName || p.ProjectKind != "Conversation" || p.Language != "en-us" || p.CreatedDateTime.IsZero() {
		t.Errorf("GetProject(%q) = %+v", smokeName, p)
	}
	var raw map[string]any
	if err := json.Unmarshal(p.Raw, &raw); err != nil || raw["projectName"] != smokeName {
		t.Errorf("GetProject(%q).Raw = %s (%v), want the server's JSON", smokeName, p.Raw, err)
	}

	ps, err := c.ListProjects(ctx)
	if err != nil || len(ps) != 1 || ps[0].ProjectName != smokeName {
		t.Errorf("ListProjects() = %v, %v; want [%s]", ps, err, smokeName)
	}

	got, err := c.ExportProject(ctx, smokeName, nil)
	if err != nil {
		t.Fatalf("ExportProject(%q) = %v", smokeName, err)
	}
	jsonEqual(t, got, file)

	if st, err := c.DeleteProject(ctx, smokeName, nil); err != nil || st.Status != client.JobSucceeded {
		t.Fatalf("DeleteProject(%q) = %v, %v; want succeeded", smokeName, st, err)
	}
	_, err = c.GetProject(ctx, smokeName)
	if code := azerr.CodeOf(err); code != azerr.ProjectNotFound {
		t.Errorf("GetProject(%q) after delete = %v, want code %s", smokeName, err, azerr.ProjectNotFound)
	}
}

func TestListProjectsFollowsNextLink(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, &apitest.Options{PageSize: 2})
	var want []string
	for i := range 5 {
		name := fmt.Sprintf("p%d", i)
		resp := srv.Do("PATCH", "/projects/"+name+"?api-version=2023-04-01",
			map[string]any{"projectName": name, "projectKind": "Conversation", "language": "en-us"})
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("PATCH %s: %s", name, resp.Status)
		}
		want = append(want, name)
	}
	ps, err := newClient(t, srv.URL, apitest.Key).ListProjects(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range ps {
		got = append(got, p.ProjectName)
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("ListProjects() = %v, want %v", got, want)
	}
}

func TestServerErrors(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, &apitest.Options{AutoRun: true})
	file := readSmoke(t)
	var m map[string]any
	if err := json.Unmarshal(file, &m); err != nil {
		t.Fatal(err)
	}
	m["assets"].(map[string]any)["utterances"].([]any)[0].(map[string]any)["intent"] = "Nope"
	bad, _ := json.Marshal(m)

	for _, tc := range []struct {
		name    string
		key     string
		call    func(c *client.Client) error
		status  int
		code    azerr.Code
		message string // in Error()
	}{
		{"wrong key", "wrong", func(c *client.Client) error { _, err := c.ListProjects(t.Context()); return err },
			401, azerr.GatewayUnauthorized, "401: Access denied"},
		{"unknown project", apitest.Key, func(c *client.Client) error { _, err := c.GetProject(t.Context(), "nope"); return err },
			404, azerr.ProjectNotFound, "ProjectNotFound: "},
		{"delete unknown project", apitest.Key, func(c *client.Client) error { _, err := c.DeleteProject(t.Context(), "nope", nil); return err },
			404, azerr.ProjectNotFound, "ProjectNotFound: "},
		{"export unknown project", apitest.Key, func(c *client.Client) error { _, err := c.ExportProject(t.Context(), "nope", nil); return err },
			404, azerr.ProjectNotFound, "ProjectNotFound: "},
		{"invalid file", apitest.Key, func(c *client.Client) error { _, err := c.ImportProject(t.Context(), smokeName, bad, nil); return err },
			400, azerr.InvalidArgument, "\n  /assets/utterances/0/intent: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call(newClient(t, srv.URL, tc.key))
			var e *client.Error
			if !errors.As(err, &e) {
				t.Fatalf("error = %v (%T), want a *client.Error", err, err)
			}
			if e.StatusCode != tc.status || azerr.CodeOf(err) != tc.code || !strings.Contains(err.Error(), tc.message) {
				t.Errorf("error = %d %q, want %d, code %s, containing %q", e.StatusCode, err, tc.status, tc.code, tc.message)
			}
		})
	}
}

// fakeJob serves a job that answers the given steps in turn: a status code
// and, for 200, the job's status.
func fakeJob(t *testing.T, steps []string) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var polls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Ocp-Apim-Subscription-Key") != "k" {
			t.Errorf("%s %s without the key", r.Method, r.URL)
		}
		if r.Method == http.MethodDelete {
			w.Header().Set("Operation-Location", "/language/authoring/analyze-conversations/projects/global/deletion-jobs/j1?api-version=2023-04-01")
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusAccepted)
			return
		}
		i := int(polls.Add(1)) - 1
		step := steps[min(i, len(steps)-1)]
		switch step {
		case "429":
			w.Header().Set("Retry-After-Ms", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprint(w, `{"error":{"code":"TooManyRequests","message":"slow down"}}`)
		case "failed":
			fmt.Fprint(w, `{"jobId":"j1","status":"failed","createdDateTime":"2022-04-18T15:52:48Z",
				"errors":[{"code":"InvalidRequest","message":"it broke","details":[{"code":"InvalidArgument","message":"bad","target":"/x"}]}]}`)
		default:
			w.Header().Set("Retry-After", "1")
			fmt.Fprintf(w, `{"jobId":"j1","status":%q,"lastUpdatedDateTime":"2022-04-18T15:52:48.4334381Z"}`, step)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &polls
}

func TestJobPolling(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		steps    []string
		polls    int32
		status   client.JobStatus
		errCode  azerr.Code // "" for success
		errLines string
	}{
		{"succeeds", []string{"notStarted", "running", "succeeded"}, 3, client.JobSucceeded, "", ""},
		{"American spelling", []string{"Canceled"}, 1, "Canceled", azerr.InternalServerError, "job j1 Canceled"},
		{"busy then fails", []string{"429", "running", "failed"}, 3, client.JobFailed, azerr.InvalidRequest,
			"job j1 failed: InvalidRequest: it broke\n    /x: InvalidArgument: bad"},
		{"unknown status keeps polling", []string{"thinking", "succeeded"}, 2, client.JobSucceeded, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, polls := fakeJob(t, tc.steps)
			var progress []client.JobStatus
			st, err := newClient(t, srv.URL, "k").DeleteProject(t.Context(), "p", &client.JobOptions{
				ProgressFunc: func(s *client.JobState) { progress = append(progress, s.Status) },
			})
			if n := polls.Load(); n != tc.polls {
				t.Errorf("polls = %d, want %d", n, tc.polls)
			}
			if st == nil || st.Status != tc.status {
				t.Fatalf("DeleteProject() = %+v, %v; want status %q", st, err, tc.status)
			}
			if want := srv.URL + "/language/authoring/analyze-conversations/projects/global/deletion-jobs/j1?api-version=2023-04-01"; st.URL != want {
				t.Errorf("JobState.URL = %q, want %q", st.URL, want)
			}
			if progress[len(progress)-1] != tc.status {
				t.Errorf("ProgressFunc saw %v, want it to end with %s", progress, tc.status)
			}
			if tc.errCode == "" {
				if err != nil {
					t.Errorf("DeleteProject() error = %v, want nil", err)
				}
				return
			}
			var je *client.JobError
			if !errors.As(err, &je) || azerr.CodeOf(err) != tc.errCode || err.Error() != tc.errLines {
				t.Errorf("DeleteProject() error = %q (code %s), want a *client.JobError %q (code %s)", err, azerr.CodeOf(err), tc.errLines, tc.errCode)
			}
		})
	}
}

func TestWaitJobStopsWithContext(t *testing.T) {
	t.Parallel()
	srv, _ := fakeJob(t, []string{"running"})
	c, err := client.New(srv.URL, "k", nil) // waits the full Retry-After: 1
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	_, err = c.WaitJob(ctx, srv.URL+"/job", &client.JobOptions{ProgressFunc: func(*client.JobState) { cancel() }})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("WaitJob() after cancel = %v, want context.Canceled", err)
	}
}

func TestNonAzureErrorBody(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		status int
		body   string
		want   string
	}{
		{"plain text", 404, "404 page not found\n", "404: 404 page not found"},
		{"empty", 502, "", "502: Bad Gateway"},
		{"HTML", 500, "<html>\n<body>oops</body>", "500: <html>"},
		{"error without code", 409, `{"error":{"message":"busy"}}`, "409: busy"},
		{"azure", 400, `{"error":{"code":"InvalidArgument","message":"bad","target":"top"}}`, "InvalidArgument: bad (target: top)"},
		{"details", 400, `{"error":{"code":"InvalidArgument","message":"2 problems","target":"/a/0",
			"details":[{"code":"InvalidArgument","message":"bad a","target":"/a/0"},{"code":"TooLong","target":"/b",
			"details":[{"code":"Nested","message":"deeper","target":"/b/c"}]},{"message":"no code or target"}]}}`,
			"InvalidArgument: 2 problems\n  /a/0: InvalidArgument: bad a\n  /b: TooLong\n    /b/c: Nested: deeper\n  no code or target"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tc.status)
				fmt.Fprint(w, tc.body)
			}))
			defer srv.Close()
			_, err := newClient(t, srv.URL, "k").GetProject(t.Context(), "p")
			var e *client.Error
			if !errors.As(err, &e) || e.StatusCode != tc.status || err.Error() != tc.want {
				t.Errorf("GetProject() error = %q, want %d %q", err, tc.status, tc.want)
			}
		})
	}
}

func TestNew(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		endpoint, key string
		ok            bool
	}{
		{"http://127.0.0.1:5800", "k", true},
		{"https://x.cognitiveservices.azure.com/", "k", true},
		{"127.0.0.1:5800", "k", false},
		{"ftp://host", "k", false},
		{"http://host?x=1", "k", false},
		{"http://host", "", false},
	} {
		_, err := client.New(tc.endpoint, tc.key, nil)
		if (err == nil) != tc.ok {
			t.Errorf("New(%q, %q) error = %v, want ok %v", tc.endpoint, tc.key, err, tc.ok)
		}
	}
}
