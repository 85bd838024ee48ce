package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/parley-dev/parley/internal/api/apitest"
	"github.com/parley-dev/parley/internal/job"
	"github.com/parley-dev/parley/internal/project"
)

const v3 = "api-version=2023-04-01"

// testdata reads a file of the repository's testdata folder (spec examples and datasets).
func testdata(t testing.TB, parts ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(append([]string{"..", "..", "testdata"}, parts...)...))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func smokeSnips(t testing.TB) []byte {
	return testdata(t, "datasets", "smoke", "snips2017.smoke.clu.json")
}

// withName returns a project file with its metadata.projectName replaced.
func withName(t testing.TB, file []byte, name string) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(file, &m); err != nil {
		t.Fatal(err)
	}
	m["metadata"].(map[string]any)["projectName"] = name
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func wantStatus(t testing.TB, resp *http.Response, want int) {
	t.Helper()
	if resp.StatusCode != want {
		b := apitest.ReadBody(t, resp)
		t.Fatalf("%s %s = %d %s, want %d", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, b, want)
	}
}

// wantError checks an Azure error response: status, error.code and, when
// target is not empty, the target of the error or of one of its details.
func wantError(t testing.TB, resp *http.Response, status int, code, target string) map[string]any {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("%s %s = %d %s, want %d", resp.Request.Method, resp.Request.URL, resp.StatusCode, apitest.ReadBody(t, resp), status)
	}
	if got := resp.Header.Get("x-ms-error-code"); got != code {
		t.Errorf("x-ms-error-code = %q, want %q", got, code)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	body := apitest.ReadJSON(t, resp)
	e, ok := body["error"].(map[string]any)
	if !ok {
		t.Fatalf("body %v has no error object", body)
	}
	if e["code"] != code {
		t.Errorf("error.code = %v, want %q (message %v)", e["code"], code, e["message"])
	}
	if msg, _ := e["message"].(string); msg == "" {
		t.Errorf("error.message is empty")
	}
	if target != "" {
		found := e["target"] == target
		details, _ := e["details"].([]any)
		for _, d := range details {
			if d.(map[string]any)["target"] == target {
				found = true
			}
		}
		if !found {
			t.Errorf("error %v names no target %q", e, target)
		}
	}
	return e
}

// start sends a request that starts a job, checks the 202, and returns the
// job URL from operation-location.
func start(t testing.TB, srv *apitest.Server, method, path string, body any) string {
	t.Helper()
	resp := srv.Do(method, path, body)
	wantStatus(t, resp, http.StatusAccepted)
	resp.Body.Close()
	if resp.Header.Get("Location") != "" {
		t.Errorf("202 carries Location %q; it must not", resp.Header.Get("Location"))
	}
	loc := resp.Header.Get("Operation-Location")
	u, err := url.Parse(loc)
	if err != nil || !u.IsAbs() {
		t.Fatalf("operation-location %q is not an absolute URL", loc)
	}
	if u.Query().Get("api-version") == "" {
		t.Fatalf("operation-location %q has no api-version", loc)
	}
	return loc
}

// finish runs the jobs and returns the job document at jobURL once it is
// terminal (a background runner may be running it).
func finish(t testing.TB, srv *apitest.Server, jobURL string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		srv.RunJobs(context.Background())
		resp := srv.Do("GET", jobURL, nil)
		wantStatus(t, resp, http.StatusOK)
		j := apitest.ReadJSON(t, resp)
		switch j["status"] {
		case "succeeded", "failed", "cancelled":
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s is still %v", jobURL, j["status"])
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func importProject(t testing.TB, srv *apitest.Server, name string, file []byte) {
	t.Helper()
	j := finish(t, srv, start(t, srv, "POST", "/projects/"+name+"/:import?"+v3, file))
	if j["status"] != "succeeded" {
		t.Fatalf("import %s: job %v", name, j)
	}
}

// export exports a project and returns the downloaded file.
func export(t testing.TB, srv *apitest.Server, name, query string) []byte {
	t.Helper()
	j := finish(t, srv, start(t, srv, "POST", "/projects/"+name+"/:export?stringIndexType=Utf16CodeUnit&"+query, nil))
	if j["status"] != "succeeded" {
		t.Fatalf("export %s: job %v", name, j)
	}
	resp := srv.Do("GET", j["resultUrl"].(string), nil)
	wantStatus(t, resp, http.StatusOK)
	return apitest.ReadBody(t, resp)
}

func jsonEqual(t testing.TB, got, want []byte) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(w, g); diff != "" {
		t.Errorf("JSON differs (-want +got):\n%.3000s", diff)
	}
}

func TestAuthentication(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, &apitest.Options{Keys: []string{"key-one", "key-two"}})
	for _, tc := range []struct {
		name, key string
		want      int
	}{
		{"first key", "key-one", http.StatusOK},
		{"second key", "key-two", http.StatusOK},
		{"no key", "", http.StatusUnauthorized},
		{"wrong key", "key-three", http.StatusUnauthorized},
		{"prefix of a key", "key-on", http.StatusUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, path := range []string{"/projects?" + v3, "/projects/x/resources?api-version=2022-10-01-preview", "/nowhere", "/projects?api-version=1999-01-01"} {
				resp := srv.DoWithKey("GET", path, nil, tc.key)
				if tc.want == http.StatusOK {
					resp.Body.Close()
					if resp.StatusCode == http.StatusUnauthorized {
						t.Errorf("GET %s with %s = 401", path, tc.name)
					}
					continue
				}
				if resp.Header.Get("WWW-Authenticate") == "" {
					t.Errorf("401 without WWW-Authenticate")
				}
				if resp.Header.Get("apim-request-id") == "" {
					t.Errorf("401 without apim-request-id")
				}
				wantError(t, resp, http.StatusUnauthorized, "401", "")
			}
		})
	}
	t.Run("health needs no key", func(t *testing.T) {
		resp := srv.DoWithKey("GET", "/healthz", nil, "")
		wantStatus(t, resp, http.StatusOK)
		resp.Body.Close()
	})
}

func TestRoutingErrors(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, nil)
	for _, tc := range []struct {
		name, method, path string
		status             int
		code               string
	}{
		{"missing api-version", "GET", "/projects", 404, "404"},
		{"unknown api-version", "GET", "/projects?api-version=2021-01-01", 404, "404"},
		{"operation not in version", "POST", "/projects/p/models/m/:load-snapshot?api-version=2022-05-01", 404, "404"},
		{"unknown path", "GET", "/projects/p/nothing/here?" + v3, 404, "404"},
		{"outside the API", "GET", "/language/other", 404, "404"},
		{"wrong method", "PUT", "/projects?" + v3, 405, "405"},
		{"wrong method on a job", "DELETE", "/projects/p/export/jobs/j?" + v3, 405, "405"},
		{"resources of a missing project", "GET", "/projects/p/resources?api-version=2022-10-01-preview", 404, "ProjectNotFound"},
		{"swap is not a deployment name", "POST", "/projects/p/deployments/:swap?" + v3, 400, "InvalidRequest"},
		{"percent-encoded colon", "POST", "/projects/p/resources/%3Aassign?api-version=2022-10-01-preview", 400, "InvalidRequest"},
		{"asynchronous conversation analysis", "POST", "/language/analyze-conversations/jobs?" + v3, 501, "NotImplemented"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, srv.Do(tc.method, tc.path, nil), tc.status, tc.code, "")
		})
	}
}

func TestProjectLifecycle(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, nil)
	body := map[string]any{"projectName": "myproject", "language": "en", "projectKind": "Conversation",
		"description": "first", "multilingual": false}

	resp := srv.Do("PATCH", "/projects/myproject?"+v3, body)
	wantStatus(t, resp, http.StatusCreated)
	created := apitest.ReadJSON(t, resp)
	if created["createdDateTime"] != "2026-04-18T15:23:07Z" || created["lastModifiedDateTime"] != created["createdDateTime"] {
		t.Errorf("created project times = %v, %v", created["createdDateTime"], created["lastModifiedDateTime"])
	}

	srv.Clock.Advance(time.Minute)
	resp = srv.Do("PATCH", "/projects/myproject?"+v3, `{"description":"second","settings":{"confidenceThreshold":0.7}}`)
	wantStatus(t, resp, http.StatusOK)
	updated := apitest.ReadJSON(t, resp)
	if updated["description"] != "second" || updated["lastModifiedDateTime"] != "2026-04-18T15:24:07Z" ||
		updated["createdDateTime"] != "2026-04-18T15:23:07Z" {
		t.Errorf("updated project = %v", updated)
	}
	if s, _ := updated["settings"].(map[string]any); s["confidenceThreshold"] != 0.7 {
		t.Errorf("settings = %v, want confidenceThreshold 0.7", updated["settings"])
	}

	resp = srv.Do("PATCH", "/projects/myproject?"+v3, `{"description":null}`)
	wantStatus(t, resp, http.StatusOK)
	if got := apitest.ReadJSON(t, resp); got["description"] != nil {
		t.Errorf("description after null = %v, want absent", got["description"])
	}

	resp = srv.Do("GET", "/projects/myproject?"+v3, nil)
	wantStatus(t, resp, http.StatusOK)
	got := apitest.ReadJSON(t, resp)
	if got["projectName"] != "myproject" || got["language"] != "en" || got["projectKind"] != "Conversation" {
		t.Errorf("GET project = %v", got)
	}

	jobURL := start(t, srv, "DELETE", "/projects/myproject?"+v3, nil)
	if !strings.Contains(jobURL, "/projects/global/deletion-jobs/") {
		t.Errorf("deletion job URL %q is not under projects/global/deletion-jobs", jobURL)
	}
	resp = srv.Do("GET", jobURL, nil)
	wantStatus(t, resp, http.StatusOK)
	if resp.Header.Get("Retry-After") != "1" {
		t.Errorf("unfinished job Retry-After = %q, want 1", resp.Header.Get("Retry-After"))
	}
	if j := apitest.ReadJSON(t, resp); j["status"] != "notStarted" {
		t.Errorf("job before running = %v", j)
	}
	resp = srv.Do("GET", "/projects/myproject?"+v3, nil)
	wantStatus(t, resp, http.StatusOK) // deleted only when the job runs
	resp.Body.Close()
	if j := finish(t, srv, jobURL); j["status"] != "succeeded" {
		t.Errorf("deletion job = %v", j)
	}
	wantError(t, srv.Do("GET", "/projects/myproject?"+v3, nil), 404, "ProjectNotFound", "")
	wantError(t, srv.Do("DELETE", "/projects/myproject?"+v3, nil), 404, "ProjectNotFound", "")
	// The deletion job outlives the project.
	if j := finish(t, srv, jobURL); j["status"] != "succeeded" {
		t.Errorf("deletion job after the project is gone = %v", j)
	}
}

func TestCreateProjectErrors(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, &apitest.Options{Limits: func() project.Limits { l := project.DefaultLimits; l.Projects = 2; return l }()})
	ok := `{"projectName":"p1","language":"en","projectKind":"Conversation"}`
	wantStatus(t, srv.Do("PATCH", "/projects/p1?"+v3, ok), http.StatusCreated)
	for _, tc := range []struct {
		name, path, body string
		status           int
		code, target     string
	}{
		{"empty body", "/projects/p2", ``, 400, "InvalidRequest", ""},
		{"not JSON", "/projects/p2", `{"projectName":`, 400, "InvalidRequest", ""},
		{"bad name", "/projects/bad%20name", `{"projectName":"bad name","language":"en","projectKind":"Conversation"}`, 400, "InvalidArgument", "projectName"},
		{"reserved name", "/projects/global", `{"projectName":"global","language":"en","projectKind":"Conversation"}`, 400, "InvalidArgument", "projectName"},
		{"name mismatch", "/projects/p2", `{"projectName":"p3","language":"en","projectKind":"Conversation"}`, 400, "InvalidArgument", "projectName"},
		{"missing kind", "/projects/p2", `{"projectName":"p2","language":"en"}`, 400, "InvalidArgument", "projectKind"},
		{"missing language", "/projects/p2", `{"projectName":"p2","projectKind":"Conversation"}`, 400, "InvalidArgument", "language"},
		{"bad kind", "/projects/p2", `{"projectName":"p2","language":"en","projectKind":"Chat"}`, 400, "InvalidArgument", "projectKind"},
		{"summarization not in 2023-04-01", "/projects/p2", `{"projectName":"p2","language":"en","projectKind":"CustomConversationSummarization"}`, 400, "InvalidArgument", "projectKind"},
		{"bad language", "/projects/p2", `{"projectName":"p2","language":"english!","projectKind":"Conversation"}`, 400, "InvalidArgument", "language"},
		{"threshold above 1", "/projects/p2", `{"projectName":"p2","language":"en","projectKind":"Conversation","settings":{"confidenceThreshold":1.5}}`, 400, "InvalidArgument", "settings.confidenceThreshold"},
		{"wrong type", "/projects/p2", `{"projectName":"p2","language":"en","projectKind":"Conversation","multilingual":"yes"}`, 400, "InvalidArgument", "multilingual"},
		{"change kind", "/projects/p1", `{"projectKind":"Orchestration"}`, 400, "InvalidArgument", "projectKind"},
		{"change language", "/projects/p1", `{"language":"fr"}`, 400, "InvalidArgument", "language"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, srv.Do("PATCH", tc.path+"?"+v3, tc.body), tc.status, tc.code, tc.target)
		})
	}
	t.Run("summarization in 2022-10-01-preview", func(t *testing.T) {
		wantStatus(t, srv.Do("PATCH", "/projects/p2?api-version=2022-10-01-preview",
			`{"projectName":"p2","language":"en","projectKind":"CustomConversationSummarization"}`), http.StatusCreated)
	})
	t.Run("project quota", func(t *testing.T) {
		wantError(t, srv.Do("PATCH", "/projects/p3?"+v3, `{"projectName":"p3","language":"en","projectKind":"Conversation"}`), 409, "QuotaExceeded", "")
	})
	// Nothing stored was changed by the failures.
	resp := srv.Do("GET", "/projects/p1?"+v3, nil)
	wantStatus(t, resp, http.StatusOK)
	if got := apitest.ReadJSON(t, resp); got["projectKind"] != "Conversation" || got["language"] != "en" {
		t.Errorf("p1 after failed updates = %v", got)
	}
}

func TestListProjectsPaging(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, &apitest.Options{PageSize: 3})
	var names []string
	for i := range 8 {
		name := fmt.Sprintf("p%d", i)
		names = append([]string{name}, names...) // newest first
		wantStatus(t, srv.Do("PATCH", "/projects/"+name+"?"+v3, map[string]any{"projectName": name, "language": "en", "projectKind": "Conversation"}), http.StatusCreated)
		srv.Clock.Advance(time.Second)
	}
	collect := func(t *testing.T, first string) (got []string, pages int) {
		next := first
		for next != "" {
			pages++
			resp := srv.Do("GET", next, nil)
			wantStatus(t, resp, http.StatusOK)
			body := apitest.ReadJSON(t, resp)
			for _, p := range body["value"].([]any) {
				got = append(got, p.(map[string]any)["projectName"].(string))
			}
			link, present := body["nextLink"]
			if !present {
				t.Fatalf("page has no nextLink key")
			}
			next = ""
			if s, ok := link.(string); ok {
				u, err := url.Parse(s)
				if err != nil || !u.IsAbs() || u.Query().Get("api-version") == "" {
					t.Fatalf("nextLink %q is not absolute with api-version", s)
				}
				next = s
			}
		}
		return got, pages
	}
	for _, tc := range []struct {
		name, query string
		want        []string
		pages       int
	}{
		{"default page size", "", names, 3},
		{"maxpagesize", "&maxpagesize=5", names, 2},
		{"top", "&top=4", names[:4], 2},
		{"skip", "&skip=6", names[6:], 1},
		{"top and skip", "&top=3&skip=2&maxpagesize=2", names[2:5], 2},
		{"top zero", "&top=0", nil, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, pages := collect(t, "/projects?"+v3+tc.query)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("projects (-want +got):\n%s", diff)
			}
			if pages != tc.pages {
				t.Errorf("pages = %d, want %d", pages, tc.pages)
			}
		})
	}
	t.Run("negative skip", func(t *testing.T) {
		wantError(t, srv.Do("GET", "/projects?"+v3+"&skip=-1", nil), 400, "InvalidArgument", "skip")
	})
	t.Run("nextLink keeps other parameters", func(t *testing.T) {
		resp := srv.Do("GET", "/projects?"+v3+"&maxpagesize=2&extra=kept", nil)
		body := apitest.ReadJSON(t, resp)
		u, _ := url.Parse(body["nextLink"].(string))
		q := u.Query()
		if q.Get("extra") != "kept" || q.Get("skip") != "2" || q.Get("maxpagesize") != "2" || q.Get("api-version") != "2023-04-01" {
			t.Errorf("nextLink query = %v", q)
		}
	})
}

func TestImportExportRoundTrip(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, nil)
	for _, name := range []string{"smoke/snips2017.smoke.clu.json", "smoke/banking77.smoke.clu.json", "snips2017.clu.json", "banking77.clu.json"} {
		t.Run(name, func(t *testing.T) {
			file := testdata(t, "datasets", name)
			var meta struct {
				Metadata struct{ ProjectName string } `json:"metadata"`
			}
			if err := json.Unmarshal(file, &meta); err != nil {
				t.Fatal(err)
			}
			importProject(t, srv, meta.Metadata.ProjectName, file)
			first := export(t, srv, meta.Metadata.ProjectName, v3)
			jsonEqual(t, first, file)
			second := export(t, srv, meta.Metadata.ProjectName, v3)
			if !bytes.Equal(first, second) {
				t.Errorf("two exports of %s differ", name)
			}
		})
	}
}

func TestRoundTripEveryComponent(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, nil)
	file := testdata(t, "examples", "SuccessfulImportProject.json")
	var ex struct {
		Parameters struct {
			Body json.RawMessage `json:"body"`
		} `json:"parameters"`
	}
	if err := json.Unmarshal(file, &ex); err != nil {
		t.Fatal(err)
	}
	// The example's project, with every kind of component added.
	var body map[string]any
	json.Unmarshal(ex.Parameters.Body, &body)
	body["projectFileVersion"] = "2023-04-01"
	assets := body["assets"].(map[string]any)
	assets["entities"] = append(assets["entities"].([]any), map[string]any{
		"category":           "Company",
		"compositionSetting": "separateComponents",
		"list": map[string]any{"sublists": []any{map[string]any{"listKey": "Microsoft", "synonyms": []any{
			map[string]any{"language": "en-us", "values": []any{"msft", "microsoft", "MS"}},
			map[string]any{"language": "fr", "values": []any{"microsoft"}},
		}}}},
		"prebuilts":          []any{map[string]any{"category": "Quantity.Number"}, map[string]any{"category": "DateTime"}},
		"regex":              map[string]any{"expressions": []any{map[string]any{"regexKey": "k", "language": "en-us", "regexPattern": `\d+`}}},
		"requiredComponents": []any{"learned", "prebuilts"},
	})
	meta := body["metadata"].(map[string]any)
	meta["settings"] = map[string]any{"confidenceThreshold": 0.7, "normalizeCasing": true}
	assets["utterances"] = append(assets["utterances"].([]any),
		map[string]any{"text": "ask 😀 Ünïcode 東京 at Microsoft", "language": "fr", "intent": "Read", "dataset": "Train",
			"entities": []any{map[string]any{"category": "Company", "offset": 21, "length": 9}}},
		map[string]any{"text": "nothing to see", "intent": "None"},
	)
	in, _ := json.Marshal(body)
	importProject(t, srv, "EmailApp", in)
	jsonEqual(t, export(t, srv, "EmailApp", v3), in)
}

func TestImportErrors(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, &apitest.Options{MaxBodyBytes: 200_000})
	good := smokeSnips(t)
	importProject(t, srv, "SNIPS2017-smoke", good)
	before := export(t, srv, "SNIPS2017-smoke", v3)

	edit := func(f func(m map[string]any)) []byte {
		var m map[string]any
		json.Unmarshal(good, &m)
		f(m)
		b, _ := json.Marshal(m)
		return b
	}
	utt := func(m map[string]any, i int) map[string]any {
		return m["assets"].(map[string]any)["utterances"].([]any)[i].(map[string]any)
	}
	for _, tc := range []struct {
		name, query string
		body        []byte
		status      int
		code        string
		target      string
	}{
		{"not JSON", "", []byte(`{"projectFileVersion": `), 400, "InvalidRequest", ""},
		{"empty", "", nil, 400, "InvalidRequest", ""},
		{"array", "", []byte(`[]`), 400, "InvalidRequest", ""},
		{"too large", "", bytes.Repeat([]byte(" "), 200_001), 413, "413", ""},
		{"undeclared intent", "", edit(func(m map[string]any) { utt(m, 0)["intent"] = "Nope" }), 400, "InvalidArgument", "/assets/utterances/0/intent"},
		{"undeclared entity", "", edit(func(m map[string]any) {
			utt(m, 0)["entities"] = []any{map[string]any{"category": "nope", "offset": 0, "length": 1}}
		}), 400, "InvalidArgument", "/assets/utterances/0/entities/0/category"},
		{"offset outside text", "", edit(func(m map[string]any) {
			utt(m, 1)["entities"] = []any{map[string]any{"category": "artist", "offset": 500, "length": 2}}
		}), 400, "InvalidArgument", "/assets/utterances/1/entities/0"},
		{"bad intent name", "", edit(func(m map[string]any) {
			m["assets"].(map[string]any)["intents"].([]any)[0].(map[string]any)["category"] = "a/b"
		}), 400, "InvalidArgument", "/assets/intents/0/category"},
		{"name differs from path", "", withName(t, good, "Other"), 400, "InvalidArgument", "/metadata/projectName"},
		{"wrong type", "", edit(func(m map[string]any) { utt(m, 0)["text"] = 5 }), 400, "InvalidArgument", "/assets/utterances/0/text"},
		{"CLU file as format Luis", "&format=Luis", good, 400, "InvalidArgument", "luis_schema_version"},
		{"unknown format", "&format=Yaml", good, 400, "InvalidArgument", "format"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var body any
			if tc.body != nil {
				body = tc.body
			}
			wantError(t, srv.Do("POST", "/projects/SNIPS2017-smoke/:import?"+v3+tc.query, body), tc.status, tc.code, tc.target)
		})
	}
	t.Run("utterance limit", func(t *testing.T) {
		l := project.DefaultLimits
		l.Utterances = 10
		small := apitest.New(t, &apitest.Options{Limits: l})
		wantError(t, small.Do("POST", "/projects/SNIPS2017-smoke/:import?"+v3, good), 400, "QuotaExceeded", "/assets/utterances")
	})
	if after := export(t, srv, "SNIPS2017-smoke", v3); !bytes.Equal(before, after) {
		t.Errorf("failed imports changed the stored project")
	}
}

func TestImportReplacesContent(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, nil)
	importProject(t, srv, "SNIPS2017-smoke", smokeSnips(t))
	other := withName(t, testdata(t, "datasets", "smoke", "banking77.smoke.clu.json"), "SNIPS2017-smoke")
	importProject(t, srv, "SNIPS2017-smoke", other)
	jsonEqual(t, export(t, srv, "SNIPS2017-smoke", v3), other)
}

func TestExportOptions(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, nil)
	importProject(t, srv, "SNIPS2017-smoke", smokeSnips(t))
	for _, tc := range []struct {
		name, query string
		status      int
		code        string
	}{
		{"no stringIndexType", v3, 400, "InvalidArgument"},
		{"Utf8 before 2024", v3 + "&stringIndexType=Utf8CodeUnit", 400, "InvalidArgument"},
		{"unknown stringIndexType", v3 + "&stringIndexType=Bytes", 400, "InvalidArgument"},
		{"unknown format", v3 + "&stringIndexType=Utf16CodeUnit&format=Yaml", 400, "InvalidArgument"},
		{"unknown model", v3 + "&stringIndexType=Utf16CodeUnit&trainedModelLabel=m1", 404, "NotFound"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, srv.Do("POST", "/projects/SNIPS2017-smoke/:export?"+tc.query, nil), tc.status, tc.code, "")
		})
	}
	t.Run("unknown project", func(t *testing.T) {
		wantError(t, srv.Do("POST", "/projects/nope/:export?stringIndexType=Utf16CodeUnit&"+v3, nil), 404, "ProjectNotFound", "")
	})
	t.Run("format Conversation and assetKind", func(t *testing.T) {
		jsonEqual(t, export(t, srv, "SNIPS2017-smoke", v3+"&format=Conversation&assetKind=x"), smokeSnips(t))
	})
	t.Run("projectFileVersion follows the api-version", func(t *testing.T) {
		var f map[string]any
		json.Unmarshal(export(t, srv, "SNIPS2017-smoke", "api-version=2022-10-01-preview"), &f)
		if f["projectFileVersion"] != "2022-10-01-preview" {
			t.Errorf("projectFileVersion = %v", f["projectFileVersion"])
		}
	})
}

// TestExportUtf8 checks that a 2025-05-15-preview export in UTF-8 code
// units moves offsets after non-ASCII text, and imports back unchanged.
func TestExportIndexTypes(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, nil)
	const v6 = "api-version=2025-05-15-preview"
	file := `{"projectFileVersion":"2025-05-15-preview","stringIndexType":"Utf16CodeUnit",
	"metadata":{"projectKind":"Conversation","projectName":"uni","multilingual":false,"language":"en"},
	"assets":{"projectKind":"Conversation","intents":[{"category":"Go"}],"entities":[{"category":"place"}],
	"utterances":[{"text":"😀 to 東京 café","intent":"Go","entities":[{"category":"place","offset":6,"length":2},{"category":"place","offset":9,"length":4}]}]}}`
	wantStatus(t, srv.Do("POST", "/projects/uni/:import?"+v6, file), http.StatusAccepted)
	srv.RunJobs(context.Background())
	for _, tc := range []struct {
		idx  string
		want []float64
	}{
		{"Utf16CodeUnit", []float64{6, 2, 9, 4}},
		{"Utf8CodeUnit", []float64{8, 6, 15, 5}},
		{"Utf32CodeUnit", []float64{5, 2, 8, 4}},
	} {
		t.Run(tc.idx, func(t *testing.T) {
			j := finish(t, srv, start(t, srv, "POST", "/projects/uni/:export?stringIndexType="+tc.idx+"&"+v6, nil))
			b := apitest.ReadBody(t, srv.Do("GET", j["resultUrl"].(string), nil))
			var f struct {
				StringIndexType string
				Assets          struct {
					Utterances []struct {
						Entities []struct{ Offset, Length float64 }
					}
				}
			}
			json.Unmarshal(b, &f)
			var got []float64
			for _, e := range f.Assets.Utterances[0].Entities {
				got = append(got, e.Offset, e.Length)
			}
			if f.StringIndexType != tc.idx || !cmp.Equal(got, tc.want) {
				t.Errorf("export in %s: stringIndexType %s, spans %v, want %v", tc.idx, f.StringIndexType, got, tc.want)
			}
			// The file imports back to the same project.
			wantStatus(t, srv.Do("POST", "/projects/uni/:import?"+v6, b), http.StatusAccepted)
			srv.RunJobs(context.Background())
			j = finish(t, srv, start(t, srv, "POST", "/projects/uni/:export?stringIndexType=Utf16CodeUnit&"+v6, nil))
			jsonEqual(t, apitest.ReadBody(t, srv.Do("GET", j["resultUrl"].(string), nil)), []byte(file))
		})
	}
}

func TestJobErrors(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, nil)
	importProject(t, srv, "SNIPS2017-smoke", smokeSnips(t))
	jobURL := start(t, srv, "POST", "/projects/SNIPS2017-smoke/:export?stringIndexType=Utf16CodeUnit&"+v3, nil)
	u, _ := url.Parse(jobURL)
	id := u.Path[strings.LastIndex(u.Path, "/")+1:]

	t.Run("result before the job ran", func(t *testing.T) {
		wantError(t, srv.Do("GET", "/projects/SNIPS2017-smoke/export/jobs/"+id+"/result?"+v3, nil), 404, "OperationNotFound", "")
	})
	j := finish(t, srv, jobURL)
	for _, tc := range []struct{ name, path string }{
		{"unknown job", "/projects/SNIPS2017-smoke/export/jobs/nope?" + v3},
		{"job of another project", "/projects/other/export/jobs/" + id + "?" + v3},
		{"job of another kind", "/projects/SNIPS2017-smoke/import/jobs/" + id + "?" + v3},
		{"not a deletion job", "/projects/global/deletion-jobs/" + id + "?" + v3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, srv.Do("GET", tc.path, nil), 404, "OperationNotFound", "")
		})
	}
	t.Run("document", func(t *testing.T) {
		created, _ := time.Parse(time.RFC3339, j["createdDateTime"].(string))
		expires, _ := time.Parse(time.RFC3339, j["expirationDateTime"].(string))
		if expires.Sub(created) != 7*24*time.Hour {
			t.Errorf("expirationDateTime - createdDateTime = %v, want 7 days", expires.Sub(created))
		}
		if j["jobId"] != id || j["lastUpdatedDateTime"] == nil {
			t.Errorf("job = %v", j)
		}
		if _, ok := j["errors"]; ok {
			t.Errorf("succeeded job has errors: %v", j)
		}
		want := strings.Replace(jobURL, "?", "/result?", 1)
		if j["resultUrl"] != want {
			t.Errorf("resultUrl = %v, want %v", j["resultUrl"], want)
		}
	})
	t.Run("expiry", func(t *testing.T) {
		srv.Clock.Advance(7*24*time.Hour + time.Second)
		wantError(t, srv.Do("GET", jobURL, nil), 404, "OperationNotFound", "")
		wantError(t, srv.Do("GET", j["resultUrl"].(string), nil), 404, "OperationNotFound", "")
		srv.RunJobs(context.Background()) // maintenance deletes expired rows
		wantError(t, srv.Do("GET", jobURL, nil), 404, "OperationNotFound", "")
	})
}

// TestFailedJob checks a job that fails while it runs: the project is
// deleted between :export and the export job.
func TestFailedJob(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, nil)
	importProject(t, srv, "gone", withName(t, smokeSnips(t), "gone"))
	exportURL := start(t, srv, "POST", "/projects/gone/:export?stringIndexType=Utf16CodeUnit&"+v3, nil)
	if err := srv.Store.DeleteProject(context.Background(), "gone"); err != nil {
		t.Fatal(err)
	}
	j := finish(t, srv, exportURL)
	errs, _ := j["errors"].([]any)
	if j["status"] != "failed" || len(errs) != 1 || errs[0].(map[string]any)["code"] != "ProjectNotFound" {
		t.Errorf("export of a deleted project = %v, want failed with ProjectNotFound", j)
	}
	if _, ok := j["resultUrl"]; ok {
		t.Errorf("failed export has a resultUrl")
	}
}

func TestConcurrentExports(t *testing.T) {
	t.Parallel()
	const n = 200
	srv := apitest.New(t, &apitest.Options{AutoRun: true, Jobs: job.Limits{PerKind: n}})
	importProject(t, srv, "SNIPS2017-smoke", smokeSnips(t))
	urls := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			urls[i] = start(t, srv, "POST", "/projects/SNIPS2017-smoke/:export?stringIndexType=Utf16CodeUnit&"+v3, nil)
		})
	}
	wg.Wait()
	ids := map[string]bool{}
	var first []byte
	deadline := time.Now().Add(60 * time.Second)
	for _, u := range urls {
		if ids[u] {
			t.Fatalf("job URL %s given twice", u)
		}
		ids[u] = true
		var j map[string]any
		for {
			j = apitest.ReadJSON(t, srv.Do("GET", u, nil))
			if j["status"] == "succeeded" || j["status"] == "failed" || time.Now().After(deadline) {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		if j["status"] != "succeeded" {
			t.Fatalf("export job %v", j)
		}
		b := apitest.ReadBody(t, srv.Do("GET", j["resultUrl"].(string), nil))
		if first == nil {
			first = b
			jsonEqual(t, b, smokeSnips(t))
		} else if !bytes.Equal(first, b) {
			t.Fatalf("export %s differs from the first", u)
		}
	}
}

func TestCatalogues(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, nil)
	for _, tc := range []struct {
		name, path string
		count      int
	}{
		{"languages", "/projects/global/languages?projectKind=Conversation&" + v3, 95},
		// Only what Parley recognises, and it recognises English only.
		{"prebuilt entities", "/projects/global/prebuilt-entities?language=en&" + v3, len(project.RecognisedPrebuilts("en-us", false))},
		{"prebuilt entities in French", "/projects/global/prebuilt-entities?language=fr&" + v3, 0},
		{"multilingual prebuilt entities", "/projects/global/prebuilt-entities?multilingual=true&" + v3, len(project.RecognisedPrebuilts("", true))},
		{"training config versions", "/projects/global/training-config-versions?projectKind=Conversation&" + v3, len(project.TrainingConfigVersions)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			total, next := 0, tc.path+"&maxpagesize=10"
			for next != "" {
				body := apitest.ReadJSON(t, srv.Do("GET", next, nil))
				total += len(body["value"].([]any))
				next, _ = body["nextLink"].(string)
			}
			if total != tc.count {
				t.Errorf("%s: %d items, want %d", tc.name, total, tc.count)
			}
		})
	}
	for _, tc := range []struct{ name, path, target string }{
		{"languages without projectKind", "/projects/global/languages?" + v3, "projectKind"},
		{"bad projectKind", "/projects/global/training-config-versions?projectKind=Chat&" + v3, "projectKind"},
		{"prebuilts without language", "/projects/global/prebuilt-entities?" + v3, "language"},
		{"bad multilingual", "/projects/global/prebuilt-entities?multilingual=maybe&" + v3, "multilingual"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, srv.Do("GET", tc.path, nil), 400, "InvalidArgument", tc.target)
		})
	}
}

// TestExportResultOutlivesImport: an export's result references the assets
// it exported; an import after it, and the expiry pass that collects
// unreferenced content, leave the result as it was.
func TestExportResultOutlivesImport(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, nil)
	first := smokeSnips(t)
	importProject(t, srv, "SNIPS2017-smoke", first)
	j := finish(t, srv, start(t, srv, "POST", "/projects/SNIPS2017-smoke/:export?stringIndexType=Utf16CodeUnit&"+v3, nil))
	second := withName(t, testdata(t, "datasets", "smoke", "banking77.smoke.clu.json"), "SNIPS2017-smoke")
	importProject(t, srv, "SNIPS2017-smoke", second)
	srv.Clock.Advance(time.Hour)
	srv.RunJobs(context.Background()) // the expiry pass
	jsonEqual(t, apitest.ReadBody(t, srv.Do("GET", j["resultUrl"].(string), nil)), first)
	jsonEqual(t, export(t, srv, "SNIPS2017-smoke", v3), second)
}
