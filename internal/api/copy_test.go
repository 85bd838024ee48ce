package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/parley-dev/parley/internal/api/apitest"
	"github.com/parley-dev/parley/internal/project"
)

// copyServers are a source with the smoke project "src", stepped by hand,
// and a target whose jobs run in the background, so that the source's copy
// job can follow the target's import.
func copyServers(t *testing.T) (src, dst *apitest.Server) {
	t.Helper()
	return copyServersOn(t, "", "")
}

// copyServersOn is copyServers with each server on the store given ("":
// SQLite in a temporary directory).
func copyServersOn(t *testing.T, srcStore, dstStore string) (src, dst *apitest.Server) {
	t.Helper()
	src = apitest.New(t, &apitest.Options{Store: srcStore})
	dst = apitest.New(t, &apitest.Options{AutoRun: true, Store: dstStore})
	importProject(t, src, "src", withName(t, smokeSnips(t), "src"))
	return src, dst
}

// authorize answers :authorize-copy of project on dst.
func authorize(t *testing.T, dst *apitest.Server, name string, body any) map[string]any {
	t.Helper()
	resp := dst.Do("POST", "/projects/"+name+"/:authorize-copy?"+v4, body)
	wantStatus(t, resp, http.StatusOK)
	return apitest.ReadJSON(t, resp)
}

// copyTo runs :copy of "src" on src with auth and returns the finished job.
func copyTo(t *testing.T, src *apitest.Server, auth map[string]any) map[string]any {
	t.Helper()
	jobURL := start(t, src, "POST", "/projects/src/:copy?"+v4, auth)
	if !strings.Contains(jobURL, "/projects/src/copy/jobs/") {
		t.Errorf("copy job URL %q is not under projects/src/copy/jobs", jobURL)
	}
	return finish(t, src, jobURL)
}

// jobError is the first error of a failed job: code and message.
func jobError(t *testing.T, j map[string]any) (string, string) {
	t.Helper()
	errs, _ := j["errors"].([]any)
	if j["status"] != "failed" || len(errs) == 0 {
		t.Fatalf("job = %v, want failed with errors", j)
	}
	e := errs[0].(map[string]any)
	return e["code"].(string), e["message"].(string)
}

func decodeFile(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestCopyBetweenServers authorizes a copy on one server, copies on
// another, and compares the two projects' exports; on SQLite, and on
// PostgreSQL (both servers) when PARLEY_TEST_POSTGRES_URL is set.
func TestCopyBetweenServers(t *testing.T) {
	t.Parallel()
	for _, store := range []string{"sqlite", "postgres"} {
		t.Run(store, func(t *testing.T) {
			t.Parallel()
			var srcStore, dstStore string
			if store == "postgres" {
				if srcStore = postgresURL(t); srcStore == "" {
					t.Skipf("%s is not set", envPostgres)
				}
				dstStore = postgresURL(t)
			}
			testCopyBetweenServers(t, srcStore, dstStore)
		})
	}
}

func testCopyBetweenServers(t *testing.T, srcStore, dstStore string) {
	src, dst := copyServersOn(t, srcStore, dstStore)
	auth := authorize(t, dst, "copied", map[string]any{"projectKind": "Conversation"})
	for _, k := range []string{"projectKind", "targetProjectName", "accessToken", "expiresAt", "targetResourceId", "targetResourceRegion"} {
		if s, _ := auth[k].(string); s == "" {
			t.Errorf("authorization %s = %v, want a non-empty string", k, auth[k])
		}
	}
	if auth["targetProjectName"] != "copied" || auth["targetResourceId"] != dst.URL || auth["expiresAt"] != "2026-04-18T15:38:07Z" {
		t.Errorf("authorization = %v; want targetProjectName copied, targetResourceId %s, expiresAt 15 minutes on", auth, dst.URL)
	}
	if j := copyTo(t, src, auth); j["status"] != "succeeded" {
		t.Fatalf("copy job = %v", j)
	}
	got := decodeFile(t, export(t, dst, "copied", v4))
	want := decodeFile(t, export(t, src, "src", v4))
	if diff := cmp.Diff(want["assets"], got["assets"]); diff != "" {
		t.Errorf("copied assets differ (-source +target):\n%s", diff)
	}
	gm, wm := got["metadata"].(map[string]any), want["metadata"].(map[string]any)
	if gm["projectName"] != "copied" {
		t.Errorf("copied metadata.projectName = %v, want copied", gm["projectName"])
	}
	delete(gm, "projectName")
	delete(wm, "projectName")
	if diff := cmp.Diff(wm, gm); diff != "" {
		t.Errorf("copied metadata differs (-source +target):\n%s", diff)
	}

	// The token was used up: a second copy with it fails.
	code, msg := jobError(t, copyTo(t, src, auth))
	if code != "Unauthorized" || !strings.Contains(msg, "already used") {
		t.Errorf("reused token: error %s %q, want Unauthorized naming a used token", code, msg)
	}
}

func TestCopyTokenRefused(t *testing.T) {
	t.Parallel()
	src, dst := copyServers(t)

	t.Run("expired on the target", func(t *testing.T) {
		auth := authorize(t, dst, "late", map[string]any{"projectKind": "Conversation"})
		dst.Clock.Advance(project.CopyTokenTTL + time.Second) // the source's clock stays
		code, msg := jobError(t, copyTo(t, src, auth))
		if code != "Unauthorized" || !strings.Contains(msg, "expired") {
			t.Errorf("expired token: error %s %q", code, msg)
		}
	})
	t.Run("tampered", func(t *testing.T) {
		auth := authorize(t, dst, "tampered", map[string]any{"projectKind": "Conversation"})
		tok := auth["accessToken"].(string)
		auth["accessToken"] = tok[:len(tok)-4] + "AAAA"
		code, _ := jobError(t, copyTo(t, src, auth))
		if code != "Unauthorized" {
			t.Errorf("tampered token: error %s, want Unauthorized", code)
		}
	})
	t.Run("another project", func(t *testing.T) {
		auth := authorize(t, dst, "one", map[string]any{"projectKind": "Conversation"})
		auth["targetProjectName"] = "other"
		code, _ := jobError(t, copyTo(t, src, auth))
		if code != "Unauthorized" {
			t.Errorf("token of another project: error %s, want Unauthorized", code)
		}
	})
	t.Run("only for import", func(t *testing.T) {
		auth := authorize(t, dst, "scoped", map[string]any{"projectKind": "Conversation"})
		tok := auth["accessToken"].(string)
		for _, c := range []struct{ method, path string }{
			{"GET", "/projects/scoped?" + v4},
			{"GET", "/projects?" + v4},
			{"POST", "/projects/scoped/:export?stringIndexType=Utf16CodeUnit&" + v4},
			{"POST", "/projects/scoped/:authorize-copy?" + v4},
		} {
			resp := dst.DoWithKey(c.method, c.path, `{"projectKind":"Conversation"}`, tok)
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("%s %s with a copy token = %d, want 401", c.method, c.path, resp.StatusCode)
			}
			resp.Body.Close()
		}
		// Nor imports another project.
		resp := dst.DoWithKey("POST", "/projects/elsewhere/:import?"+v4, withName(t, smokeSnips(t), "elsewhere"), tok)
		wantError(t, resp, http.StatusUnauthorized, "Unauthorized", "")
	})
	t.Run("expired on the source", func(t *testing.T) {
		auth := authorize(t, dst, "old", map[string]any{"projectKind": "Conversation"})
		auth["expiresAt"] = "2026-04-18T15:00:00Z"
		wantError(t, src.Do("POST", "/projects/src/:copy?"+v4, auth), 400, "InvalidArgument", "expiresAt")
	})
}

func TestCopyOverwrite(t *testing.T) {
	t.Parallel()
	src, dst := copyServers(t)
	resp := dst.Do("PATCH", "/projects/taken?"+v4, map[string]any{"projectName": "taken", "language": "de", "projectKind": "Conversation"})
	wantStatus(t, resp, http.StatusCreated)
	resp.Body.Close()

	auth := authorize(t, dst, "taken", map[string]any{"projectKind": "Conversation", "allowOverwrite": false})
	code, msg := jobError(t, copyTo(t, src, auth))
	if code != "Conflict" || !strings.Contains(msg, "allowOverwrite") {
		t.Errorf("existing target without allowOverwrite: error %s %q, want Conflict naming allowOverwrite", code, msg)
	}
	if m := apitest.ReadJSON(t, dst.Do("GET", "/projects/taken?"+v4, nil)); m["language"] != "de" {
		t.Errorf("target project after a refused copy = %v, want it unchanged", m)
	}

	auth = authorize(t, dst, "taken", map[string]any{"projectKind": "Conversation", "allowOverwrite": true})
	if j := copyTo(t, src, auth); j["status"] != "succeeded" {
		t.Fatalf("copy with allowOverwrite = %v", j)
	}
	if m := apitest.ReadJSON(t, dst.Do("GET", "/projects/taken?"+v4, nil)); m["language"] != "en-us" && m["language"] != "en" {
		t.Errorf("target project after an overwriting copy = %v, want the source's language", m)
	}
}

func TestCopyRequestErrors(t *testing.T) {
	t.Parallel()
	src := apitest.New(t, nil)
	importProject(t, src, "src", withName(t, smokeSnips(t), "src"))
	wantError(t, src.Do("POST", "/projects/p/:authorize-copy?"+v4, `{}`), 400, "InvalidArgument", "projectKind")
	wantError(t, src.Do("POST", "/projects/p/:authorize-copy?"+v4, `{"projectKind":"Nope"}`), 400, "InvalidArgument", "projectKind")
	wantError(t, src.Do("POST", "/projects/p/:authorize-copy?"+v3, `{"projectKind":"Conversation"}`), 404, "404", "")

	good := map[string]any{"projectKind": "Conversation", "targetProjectName": "t", "accessToken": "parley-copy.x.y",
		"expiresAt": "2026-04-18T15:38:07Z", "targetResourceId": "http://127.0.0.1:1", "targetResourceRegion": "parley"}
	for _, field := range []string{"projectKind", "targetProjectName", "accessToken", "expiresAt", "targetResourceId", "targetResourceRegion"} {
		body := map[string]any{}
		for k, v := range good {
			if k != field {
				body[k] = v
			}
		}
		wantError(t, src.Do("POST", "/projects/src/:copy?"+v4, body), 400, "InvalidArgument", field)
	}
	bad := func(k string, v any) map[string]any {
		b := map[string]any{}
		for k, v := range good {
			b[k] = v
		}
		b[k] = v
		return b
	}
	wantError(t, src.Do("POST", "/projects/src/:copy?"+v4, bad("targetResourceId", "/subscriptions/x/resourceGroups/y")), 400, "InvalidArgument", "targetResourceId")
	wantError(t, src.Do("POST", "/projects/src/:copy?"+v4, bad("projectKind", "Orchestration")), 400, "InvalidArgument", "projectKind")
	wantError(t, src.Do("POST", "/projects/nope/:copy?"+v4, good), 404, "ProjectNotFound", "projectName")

	// An unreachable target fails the job with the reason.
	code, msg := jobError(t, copyTo(t, src, good))
	if code != "ServiceUnavailable" || !strings.Contains(msg, "127.0.0.1:1") {
		t.Errorf("unreachable target: error %s %q", code, msg)
	}
}

func TestCopyAuthorizationsBounded(t *testing.T) {
	t.Parallel()
	dst := apitest.New(t, nil)
	for range project.MaxCopyAuthorizations {
		authorize(t, dst, "p", map[string]any{"projectKind": "Conversation"})
	}
	wantError(t, dst.Do("POST", "/projects/p/:authorize-copy?"+v4, `{"projectKind":"Conversation"}`), 429, "TooManyRequests", "")
	// Stepping the runner runs none of them: they are tokens, not work.
	if n := dst.RunJobs(t.Context()); n != 0 {
		t.Errorf("RunJobs ran %d jobs, want 0", n)
	}
	dst.Clock.Advance(project.CopyTokenTTL)
	authorize(t, dst, "p", map[string]any{"projectKind": "Conversation"})
}

// TestCopyTokenSingleUse redeems one token from several requests at once:
// exactly one import is accepted.
func TestCopyTokenSingleUse(t *testing.T) {
	t.Parallel()
	dst := apitest.New(t, nil)
	auth := authorize(t, dst, "once", map[string]any{"projectKind": "Conversation"})
	file := withName(t, smokeSnips(t), "once")
	codes := make(chan int, 4)
	for range 4 {
		go func() {
			resp := dst.DoWithKey("POST", "/projects/once/:import?"+v4, file, auth["accessToken"].(string))
			resp.Body.Close()
			codes <- resp.StatusCode
		}()
	}
	got := map[int]int{}
	for range 4 {
		got[<-codes]++
	}
	if got[http.StatusAccepted] != 1 || got[http.StatusUnauthorized] != 3 {
		t.Errorf("statuses of 4 imports with one token = %v, want one 202 and three 401", got)
	}
}
