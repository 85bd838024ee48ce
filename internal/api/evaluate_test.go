package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/streaming"
	"github.com/google/go-cmp/cmp"

	"github.com/parley-dev/parley/internal/api/apitest"
)

// v4 is an api-version with :evaluate (V4+, AUTHORING.md §5.4.8).
const v4 = "api-version=2023-04-15-preview"

// TestEvaluateModel drives :evaluate and its job: the job's result names
// the model, its config version and the options, and the model's
// evaluation (summary and per-utterance results) is replaced by the new one.
func TestEvaluateModel(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, nil)
	importProject(t, srv, smokeName, smokeSnips(t))
	base := "/projects/" + smokeName + "/models/m1"
	finish(t, srv, start(t, srv, "POST", "/projects/"+smokeName+"/:train?"+v4,
		map[string]any{"modelLabel": "m1", "trainingMode": "standard", "trainingConfigVersion": "2023-04-15", "evaluationOptions": map[string]any{"kind": "manual"}}))
	before := getJSON(t, srv, base+"/evaluation/summary-result?"+v4)
	if o := before["evaluationOptions"].(map[string]any); o["kind"] != "manual" {
		t.Fatalf("evaluationOptions after training = %v", o)
	}
	countResults := func() int {
		n, next := 0, base+"/evaluation/result?stringIndexType=Utf16CodeUnit&"+v4
		for next != "" {
			body := getJSON(t, srv, next)
			n += len(body["value"].([]any))
			next, _ = body["nextLink"].(string)
		}
		return n
	}
	manual := countResults()

	loc := start(t, srv, "POST", base+"/:evaluate?"+v4, map[string]any{"kind": "percentage", "trainingSplitPercentage": 50, "testingSplitPercentage": 50})
	if !strings.Contains(loc, "/models/m1/evaluate/jobs/") || !strings.Contains(loc, v4) {
		t.Errorf("operation-location = %q, want …/models/m1/evaluate/jobs/{id}?%s", loc, v4)
	}
	queued := getJSON(t, srv, loc)
	wantResult := map[string]any{"modelLabel": "m1", "trainingConfigVersion": "2023-04-15", "percentComplete": float64(0),
		"evaluationOptions": map[string]any{"kind": "percentage", "trainingSplitPercentage": float64(50), "testingSplitPercentage": float64(50)}}
	if queued["status"] != "notStarted" {
		t.Errorf("status before running = %v, want notStarted", queued["status"])
	}
	sameJSON(t, "result before running", queued["result"], wantResult)

	done := finish(t, srv, loc)
	wantResult["percentComplete"] = float64(100)
	if done["status"] != "succeeded" {
		t.Fatalf("evaluation job = %v", done)
	}
	sameJSON(t, "result when done", done["result"], wantResult)

	after := getJSON(t, srv, base+"/evaluation/summary-result?"+v4)
	sameJSON(t, "summary's evaluationOptions", after["evaluationOptions"], wantResult["evaluationOptions"])
	if _, ok := after["intentsEvaluation"].(map[string]any)["intents"]; !ok {
		t.Errorf("summary after :evaluate has no intents: %v", after)
	}
	if n := countResults(); n == 0 || n == manual {
		t.Errorf("evaluation/result after a 50/50 :evaluate has %d items (%d after the manual training), want another non-zero count", n, manual)
	}

	// The job is only found under its own model.
	other := strings.Replace(loc, "/models/m1/", "/models/m2/", 1)
	wantError(t, srv.Do("GET", other, nil), http.StatusNotFound, "OperationNotFound", "jobId")
}

func sameJSON(t testing.TB, what string, got, want any) {
	t.Helper()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", what, diff)
	}
}

func TestEvaluateModelErrors(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, nil)
	importProject(t, srv, smokeName, smokeSnips(t))
	finish(t, srv, train(t, srv, smokeName, "m1", "manual"))
	path := "/projects/" + smokeName + "/models/m1/:evaluate?" + v4
	for _, tc := range []struct {
		name         string
		path         string
		body         any
		status       int
		code, target string
	}{
		{"missing model", "/projects/" + smokeName + "/models/nope/:evaluate?" + v4, `{}`, 404, "NotFound", "trainedModelLabel"},
		{"missing project", "/projects/nope/models/m1/:evaluate?" + v4, `{}`, 404, "ProjectNotFound", ""},
		{"empty body", path, "", 400, "InvalidRequest", ""},
		{"bad kind", path, `{"kind":"random"}`, 400, "InvalidArgument", "kind"},
		{"kind of the wrong type", path, `{"kind":5}`, 400, "InvalidArgument", "kind"},
		{"split not 100", path, `{"kind":"percentage","trainingSplitPercentage":30,"testingSplitPercentage":30}`, 400, "InvalidArgument", "testingSplitPercentage"},
		{"negative split", path, `{"trainingSplitPercentage":110,"testingSplitPercentage":-10}`, 400, "InvalidArgument", "testingSplitPercentage"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, srv.Do("POST", tc.path, tc.body), tc.status, tc.code, tc.target)
		})
	}
	// {} means the defaults: percentage, 80/20.
	j := finish(t, srv, start(t, srv, "POST", path, `{}`))
	if o := j["result"].(map[string]any)["evaluationOptions"].(map[string]any); j["status"] != "succeeded" || o["kind"] != "percentage" || o["testingSplitPercentage"] != float64(20) {
		t.Errorf("evaluate with {} = %v", j)
	}

	// A model deleted before its evaluation runs fails the job, which
	// still answers 200 with the error.
	loc := start(t, srv, "POST", path, `{"kind":"manual"}`)
	wantStatus(t, srv.Do("DELETE", "/projects/"+smokeName+"/models/m1?"+v4, nil), http.StatusNoContent)
	j = finish(t, srv, loc)
	errs, _ := j["errors"].([]any)
	if j["status"] != "failed" || len(errs) != 1 || errs[0].(map[string]any)["code"] != "NotFound" {
		t.Errorf("evaluation of a deleted model = %v, want failed with NotFound", j)
	}
}

// TestEvaluateWithAzurePoller runs :evaluate through the Azure SDK for Go's
// poller, as a Go client of the V4+ api-versions would.
func TestEvaluateWithAzurePoller(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, &apitest.Options{AutoRun: true})
	importProject(t, srv, smokeName, smokeSnips(t))
	finish(t, srv, train(t, srv, smokeName, "m1", "manual"))
	pl := runtime.NewPipeline("parley-test", "v0", runtime.PipelineOptions{PerCall: []policy.Policy{keyPolicy{}}},
		&policy.ClientOptions{Transport: srv.Client()})
	req, err := runtime.NewRequest(t.Context(), "POST", srv.URL+apitest.Prefix+"/projects/"+smokeName+"/models/m1/:evaluate?"+v4)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBody(streaming.NopCloser(strings.NewReader(`{"kind":"manual"}`)), "application/json")
	resp, err := pl.Do(req)
	if err != nil || resp.StatusCode != http.StatusAccepted {
		t.Fatalf("POST :evaluate = %v, %v", resp.Status, err)
	}
	type state struct {
		Status string `json:"status"`
		Result struct {
			ModelLabel        string `json:"modelLabel"`
			PercentComplete   int    `json:"percentComplete"`
			EvaluationOptions struct {
				Kind string `json:"kind"`
			} `json:"evaluationOptions"`
		} `json:"result"`
	}
	p, err := runtime.NewPoller[state](resp, pl, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	got, err := p.PollUntilDone(ctx, &runtime.PollUntilDoneOptions{Frequency: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != "succeeded" || got.Result.ModelLabel != "m1" || got.Result.PercentComplete != 100 || got.Result.EvaluationOptions.Kind != "manual" {
		t.Errorf("poller result = %+v", got)
	}
}
