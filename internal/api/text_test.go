package api_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/parley-dev/parley/internal/api/apitest"
)

// envPostgres names the variable that points tests at a PostgreSQL
// database, as in the store tests.
const envPostgres = "PARLEY_TEST_POSTGRES_URL"

// postgresURL returns a URL of a schema of its own for test t on the
// database envPostgres names, dropped when t ends; or "" when it is unset.
func postgresURL(t *testing.T) string {
	t.Helper()
	base := os.Getenv(envPostgres)
	if base == "" {
		return ""
	}
	pool, err := pgxpool.New(t.Context(), base)
	if err != nil {
		t.Fatalf("connect to %s: %v", envPostgres, err)
	}
	t.Cleanup(pool.Close)
	var b [6]byte
	rand.Read(b[:])
	schema := "parley_api_test_" + hex.EncodeToString(b[:])
	if _, err := pool.Exec(t.Context(), `CREATE SCHEMA `+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := pool.Exec(context.WithoutCancel(t.Context()), `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", envPostgres, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// textProbe is a request whose name, id or text holds NUL or invalid UTF-8.
type textProbe struct {
	name         string
	method, path string
	body         any
}

// textProbes returns requests that put NUL, a 0xff byte and a lone
// surrogate (WTF-8) into every name and id of a URL, and NUL (the one of
// them JSON can carry in a string) or raw invalid UTF-8 into body members
// that a store keeps or looks up.
func textProbes(t *testing.T) []textProbe {
	t.Helper()
	var ps []textProbe
	add := func(name, method, path string, body any) {
		ps = append(ps, textProbe{name, method, path, body})
	}
	p := "/projects/" + smokeName
	for _, b := range []struct{ name, s string }{{"NUL", "x%00"}, {"InvalidByte", "x%FF"}, {"LoneSurrogate", "x%ED%A0%80"}} {
		add(b.name+"/GetProject", "GET", "/projects/"+b.s+"?"+v3, nil)
		add(b.name+"/CreateProject", "PATCH", "/projects/"+b.s+"?"+v3, `{"projectKind":"Conversation","language":"en-us"}`)
		add(b.name+"/DeleteProject", "DELETE", "/projects/"+b.s+"?"+v3, nil)
		add(b.name+"/Export", "POST", "/projects/"+b.s+"/:export?stringIndexType=Utf16CodeUnit&"+v3, nil)
		add(b.name+"/Train", "POST", "/projects/"+b.s+"/:train?"+v3, `{"modelLabel":"m","trainingMode":"standard"}`)
		add(b.name+"/ListTrainingJobs", "GET", "/projects/"+b.s+"/train/jobs?"+v3, nil)
		add(b.name+"/ListTrainedModels", "GET", "/projects/"+b.s+"/models?"+v3, nil)
		add(b.name+"/ListDeployments", "GET", "/projects/"+b.s+"/deployments?"+v3, nil)
		add(b.name+"/GetTrainedModel", "GET", p+"/models/"+b.s+"?"+v3, nil)
		add(b.name+"/DeleteTrainedModel", "DELETE", p+"/models/"+b.s+"?"+v3, nil)
		add(b.name+"/GetModelEvaluationSummary", "GET", p+"/models/"+b.s+"/evaluation/summary-result?"+v3, nil)
		add(b.name+"/GetDeployment", "GET", p+"/deployments/"+b.s+"?"+v3, nil)
		add(b.name+"/DeployProject", "PUT", p+"/deployments/"+b.s+"?"+v3, `{"trainedModelLabel":"m1"}`)
		add(b.name+"/DeleteDeployment", "DELETE", p+"/deployments/"+b.s+"?"+v3, nil)
		add(b.name+"/Export/model", "POST", p+"/:export?stringIndexType=Utf16CodeUnit&trainedModelLabel="+b.s+"&"+v3, nil)
		add(b.name+"/GetTrainingStatus", "GET", p+"/train/jobs/"+b.s+"?"+v3, nil)
		add(b.name+"/CancelTrainingJob", "POST", p+"/train/jobs/"+b.s+"/:cancel?"+v3, nil)
		add(b.name+"/GetExportStatus", "GET", p+"/export/jobs/"+b.s+"?"+v3, nil)
		add(b.name+"/GetExportResult", "GET", p+"/export/jobs/"+b.s+"/result?"+v3, nil)
		add(b.name+"/GetDeploymentStatus", "GET", p+"/deployments/d1/jobs/"+b.s+"?"+v3, nil)
		add(b.name+"/GetProjectDeletionStatus", "GET", "/projects/global/deletion-jobs/"+b.s+"?"+v3, nil)
	}
	add("Body/description", "PATCH", p+"?"+v3, `{"description":"a\u0000b"}`)
	add("Body/storageInputContainerName", "PATCH", p+"?"+v3, `{"storageInputContainerName":"a\u0000b"}`)
	add("Body/settings", "PATCH", p+"?"+v3, "{\"settings\":{\"x\":\"a\xffb\"}}")
	add("Body/newProjectDescription", "PATCH", "/projects/new?"+v3, `{"projectName":"new","projectKind":"Conversation","language":"en-us","description":"\u0000"}`)
	add("Body/modelLabel", "POST", p+"/:train?"+v3, `{"modelLabel":"m\u0000","trainingMode":"standard"}`)
	add("Body/trainedModelLabel", "PUT", p+"/deployments/d2?"+v3, `{"trainedModelLabel":"m1\u0000"}`)
	add("Body/firstDeploymentName", "POST", p+"/deployments/:swap?"+v3, `{"firstDeploymentName":"d1\u0000","secondDeploymentName":"d1"}`)
	add("Body/analyze", "POST", "/language/:analyze-conversations?"+v3, `{"kind":"Conversation",
		"analysisInput":{"conversationItem":{"id":"1","participantId":"1","text":"hi"}},
		"parameters":{"projectName":"`+smokeName+`\u0000","deploymentName":"d1"}}`)
	var f map[string]any
	if err := json.Unmarshal(smokeSnips(t), &f); err != nil {
		t.Fatal(err)
	}
	f["metadata"].(map[string]any)["description"] = "a\x00b"
	file, _ := json.Marshal(f)
	add("Body/importDescription", "POST", p+"/:import?"+v3, file)
	return ps
}

// TestUnstorableText: names, ids and text holding NUL or invalid UTF-8 get
// the same answers on SQLite and on PostgreSQL, whose text holds neither:
// a 404 where nothing can match, a 400 where such text would be stored;
// never a 500 (issue 9, finding 8). It runs on PostgreSQL when
// PARLEY_TEST_POSTGRES_URL is set.
func TestUnstorableText(t *testing.T) {
	t.Parallel()
	answers := map[string]map[string]string{} // store -> probe -> "status code"
	for _, store := range []string{"sqlite", "postgres"} {
		t.Run(store, func(t *testing.T) {
			opts := &apitest.Options{}
			if store == "postgres" {
				if opts.Store = postgresURL(t); opts.Store == "" {
					t.Skipf("%s is not set", envPostgres)
				}
			}
			srv := apitest.New(t, opts)
			importProject(t, srv, smokeName, smokeSnips(t))
			if j := finish(t, srv, train(t, srv, smokeName, "m1", "percentage")); j["status"] != "succeeded" {
				t.Fatalf("train: %v", j)
			}
			if j := finish(t, srv, start(t, srv, "PUT", "/projects/"+smokeName+"/deployments/d1?"+v3, `{"trainedModelLabel":"m1"}`)); j["status"] != "succeeded" {
				t.Fatalf("deploy: %v", j)
			}
			got := map[string]string{}
			for _, p := range textProbes(t) {
				resp := srv.Do(p.method, p.path, p.body)
				body := apitest.ReadBody(t, resp)
				got[p.name] = resp.Status + " " + resp.Header.Get("x-ms-error-code")
				if resp.StatusCode >= 500 || (strings.HasPrefix(p.name, "Body/") && resp.StatusCode < 400) {
					t.Errorf("%s %s = %s %s, want a 4xx", p.method, p.path, resp.Status, body)
				}
			}
			answers[store] = got
			// Nothing was changed by the probes.
			proj := apitest.ReadJSON(t, srv.Do("GET", "/projects/"+smokeName+"?"+v3, nil))
			if d, _ := proj["description"].(string); strings.ContainsRune(d, 0) {
				t.Errorf("description after the probes = %q", d)
			}
			wantStatus(t, srv.Do("GET", "/projects/"+smokeName+"/deployments/d1?"+v3, nil), http.StatusOK)
			wantStatus(t, srv.Do("GET", "/projects/"+smokeName+"/models/m1?"+v3, nil), http.StatusOK)
		})
	}
	if answers["postgres"] != nil && answers["sqlite"] != nil {
		if d := cmp.Diff(answers["sqlite"], answers["postgres"]); d != "" {
			t.Errorf("answers on SQLite (-) and PostgreSQL (+) differ:\n%s", d)
		}
	}
}
