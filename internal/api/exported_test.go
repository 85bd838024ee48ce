package api_test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/parley-dev/parley/internal/api/apitest"
	"github.com/parley-dev/parley/internal/project"
)

const vExported = "api-version=2024-11-15-preview"

// TestExportedModelLifecycle drives the five exported-model operations
// (VERSIONS.md §4, issue 11) and the download extension: an exported model
// keeps the model it was exported from through retraining and deletion of
// the label, and each operation's errors are Azure-shaped.
func TestExportedModelLifecycle(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, nil)
	importProject(t, srv, "offsets", []byte(offsetsProject))
	finish(t, srv, train(t, srv, "offsets", "m", "percentage"))
	pinned := getJSON(t, srv, "/projects/offsets/models/m?"+v3)["modelId"]

	// The container doc spells the body member TrainedModelLabel.
	loc := start(t, srv, "PUT", "/projects/offsets/exported-models/ex1?"+vExported, `{"TrainedModelLabel":"m"}`)
	if want := srv.URL + "/language/authoring/analyze-conversations/projects/offsets/exported-models/ex1/jobs/"; len(loc) < len(want) || loc[:len(want)] != want {
		t.Errorf("operation-location = %q, want it under %q", loc, want)
	}
	if j := finish(t, srv, loc); j["status"] != "succeeded" {
		t.Fatalf("export job = %v", j)
	}
	got := getJSON(t, srv, "/projects/offsets/exported-models/ex1?"+vExported)
	for _, k := range []string{"exportedModelName", "modelId", "lastTrainedDateTime", "lastExportedModelDateTime", "modelExpirationDate", "modelTrainingConfigVersion"} {
		if _, ok := got[k]; !ok {
			t.Errorf("exported model %v has no %s", got, k)
		}
	}
	if got["exportedModelName"] != "ex1" || got["modelId"] != pinned {
		t.Errorf("exported model = %v, want ex1 of model %v", got, pinned)
	}

	// Retraining and deleting the label leave the exported model alone.
	srv.Clock.Advance(time.Minute)
	finish(t, srv, train(t, srv, "offsets", "m", "percentage"))
	resp := srv.Do("DELETE", "/projects/offsets/models/m?"+v3, nil)
	wantStatus(t, resp, http.StatusNoContent)
	resp.Body.Close()
	if got := getJSON(t, srv, "/projects/offsets/exported-models/ex1?"+vExported)["modelId"]; got != pinned {
		t.Errorf("after retraining and deleting the label, modelId = %v, want %v", got, pinned)
	}
	resp = srv.Do("GET", "/projects/offsets/exported-models/ex1/model?"+vExported, nil)
	wantStatus(t, resp, http.StatusOK)
	e, engine, err := project.DecodeModelFile(apitest.ReadBody(t, resp))
	if err != nil || e.ModelID != pinned || e.Name != "ex1" || e.Project != "offsets" || len(engine) == 0 {
		t.Errorf("downloaded model = %+v, %d engine bytes, %v; want ex1 of %v", e, len(engine), err, pinned)
	}

	// Errors.
	wantError(t, srv.Do("PUT", "/projects/offsets/exported-models/x?"+vExported, `{}`), 400, "InvalidArgument", "trainedModelLabel")
	wantError(t, srv.Do("PUT", "/projects/offsets/exported-models/x?"+vExported, `{"trainedModelLabel":"m"}`), 404, "NotFound", "")
	wantError(t, srv.Do("PUT", "/projects/nope/exported-models/x?"+vExported, `{"trainedModelLabel":"m"}`), 404, "ProjectNotFound", "")
	wantError(t, srv.Do("GET", "/projects/offsets/exported-models/x?"+vExported, nil), 404, "NotFound", "exportedModelName")
	wantError(t, srv.Do("GET", "/projects/nope/exported-models?"+vExported, nil), 404, "ProjectNotFound", "")
	wantError(t, srv.Do("DELETE", "/projects/offsets/exported-models/x?"+vExported, nil), 404, "NotFound", "")
	wantError(t, srv.Do("GET", "/projects/offsets/exported-models/x/model?"+vExported, nil), 404, "NotFound", "")
	wantError(t, srv.Do("GET", "/projects/offsets/exported-models/other/jobs/"+loc[len(loc)-len("?"+vExported)-36:len(loc)-len("?"+vExported)]+"?"+vExported, nil), 404, "OperationNotFound", "jobId")
	// Not in versions before 2024-11-15-preview.
	wantError(t, srv.Do("GET", "/projects/offsets/exported-models?"+v3, nil), 404, "404", "")
	wantError(t, srv.Do("GET", "/projects/offsets/exported-models?api-version=2023-04-15-preview", nil), 404, "404", "")

	// Paging, and the cap.
	finish(t, srv, train(t, srv, "offsets", "m", "percentage"))
	for i := range project.MaxExportedModels - 1 {
		if j := finish(t, srv, start(t, srv, "PUT", fmt.Sprintf("/projects/offsets/exported-models/ex%d?%s", i+2, vExported), `{"trainedModelLabel":"m"}`)); j["status"] != "succeeded" {
			t.Fatalf("export job = %v", j)
		}
	}
	wantError(t, srv.Do("PUT", "/projects/offsets/exported-models/over?"+vExported, `{"trainedModelLabel":"m"}`), 409, "QuotaExceeded", "")
	page := getJSON(t, srv, "/projects/offsets/exported-models?maxpagesize=4&"+vExported)
	if v := page["value"].([]any); len(v) != 4 || v[0].(map[string]any)["exportedModelName"] != "ex1" || page["nextLink"] == nil {
		t.Errorf("first page = %v", page)
	}

	// DELETE polls the same job URL; the GET answers 404 after it.
	if j := finish(t, srv, start(t, srv, "DELETE", "/projects/offsets/exported-models/ex1?"+vExported, nil)); j["status"] != "succeeded" {
		t.Fatalf("delete job = %v", j)
	}
	wantError(t, srv.Do("GET", "/projects/offsets/exported-models/ex1?"+vExported, nil), 404, "NotFound", "")
}

// TestRuntimeOnlyServesExportedModel downloads an exported model into a
// directory, serves it with a runtime-only server, and compares its
// predictions with the authoring server's deployment of the same model.
func TestRuntimeOnlyServesExportedModel(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, nil)
	importProject(t, srv, "p", withName(t, smokeSnips(t), "p"))
	finish(t, srv, train(t, srv, "p", "m", "manual"))
	deploy(t, srv, "p", "prod", "m")
	if j := finish(t, srv, start(t, srv, "PUT", "/projects/p/exported-models/snips?"+vExported, `{"trainedModelLabel":"m"}`)); j["status"] != "succeeded" {
		t.Fatalf("export job = %v", j)
	}
	resp := srv.Do("GET", "/projects/p/exported-models/snips/model?"+vExported, nil)
	wantStatus(t, resp, http.StatusOK)
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "p"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "p", "snips"+project.ModelFileExt), apitest.ReadBody(t, resp), 0o644); err != nil {
		t.Fatal(err)
	}
	rt := apitest.NewRuntimeOnly(t, dir)
	for _, q := range []string{"play some jazz by miles davis", "what's the weather in paris tomorrow", "book a table for two at 8pm", "add this song to my workout playlist", "rate this book five stars"} {
		want := predict(t, srv, "p", "prod", q, "")
		got := predict(t, rt, "p", "snips", q, "")
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("prediction of %q: runtime-only differs from the deployment (-want +got):\n%s", q, d)
		}
	}
	wantError(t, rt.Do("POST", "/language/:analyze-conversations?"+v3, map[string]any{"kind": "Conversation",
		"analysisInput": map[string]any{"conversationItem": map[string]any{"id": "1", "participantId": "1", "text": "hi"}},
		"parameters":    map[string]any{"projectName": "p", "deploymentName": "prod"}}), 404, "NotFound", "deploymentName")
	wantError(t, rt.Do("POST", "/language/:analyze-conversations?"+v3, map[string]any{"kind": "Conversation",
		"analysisInput": map[string]any{"conversationItem": map[string]any{"id": "1", "participantId": "1", "text": "hi"}},
		"parameters":    map[string]any{"projectName": "q", "deploymentName": "snips"}}), 404, "ProjectNotFound", "")
	wantError(t, rt.Do("GET", "/projects?"+v3, nil), 501, "NotImplemented", "")
	wantError(t, rt.Do("PUT", "/projects/p/exported-models/x?"+vExported, `{"trainedModelLabel":"m"}`), 501, "NotImplemented", "")
	wantStatus(t, rt.Do("GET", "/readyz", nil), http.StatusOK)
}
