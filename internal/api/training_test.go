package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/streaming"

	"github.com/parley-dev/parley/internal/api/apitest"
	"github.com/parley-dev/parley/internal/project"
)

const smokeName = "SNIPS2017-smoke"

// train starts a training of the smoke project and returns the job URL.
func train(t testing.TB, srv *apitest.Server, name, label, kind string) string {
	t.Helper()
	body := map[string]any{"modelLabel": label, "trainingMode": "standard",
		"evaluationOptions": map[string]any{"kind": kind}}
	if kind == "percentage" {
		body["evaluationOptions"] = map[string]any{"kind": kind, "trainingSplitPercentage": 80, "testingSplitPercentage": 20}
	}
	return start(t, srv, "POST", "/projects/"+name+"/:train?"+v3, body)
}

func getJSON(t testing.TB, srv *apitest.Server, path string) map[string]any {
	t.Helper()
	resp := srv.Do("GET", path, nil)
	wantStatus(t, resp, http.StatusOK)
	return apitest.ReadJSON(t, resp)
}

// TestTrainWithAzurePoller trains through the Azure SDK for Go's poller and
// reads the model, its evaluation and its per-utterance results.
func TestTrainWithAzurePoller(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, &apitest.Options{AutoRun: true})
	importProject(t, srv, smokeName, smokeSnips(t))
	pl := runtime.NewPipeline("parley-test", "v0", runtime.PipelineOptions{PerCall: []policy.Policy{keyPolicy{}}},
		&policy.ClientOptions{Transport: srv.Client()})
	req, err := runtime.NewRequest(t.Context(), "POST", srv.URL+apitest.Prefix+"/projects/"+smokeName+"/:train?"+v3)
	if err != nil {
		t.Fatal(err)
	}
	body := `{"modelLabel":"m1","trainingMode":"standard","evaluationOptions":{"kind":"manual"}}`
	req.SetBody(streaming.NopCloser(strings.NewReader(body)), "application/json")
	resp, err := pl.Do(req)
	if err != nil || resp.StatusCode != http.StatusAccepted {
		t.Fatalf("POST :train = %v, %v", resp.Status, err)
	}
	type state struct {
		Status string `json:"status"`
		Result struct {
			ModelLabel     string `json:"modelLabel"`
			TrainingStatus struct {
				PercentComplete int
				Status          string
			}
			EvaluationStatus struct {
				PercentComplete int
				Status          string
			}
		} `json:"result"`
	}
	p, err := runtime.NewPoller[state](resp, pl, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	res, err := p.PollUntilDone(ctx, &runtime.PollUntilDoneOptions{Frequency: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != "succeeded" || res.Result.ModelLabel != "m1" || res.Result.TrainingStatus.PercentComplete != 100 ||
		res.Result.EvaluationStatus.Status != "succeeded" {
		t.Fatalf("training result = %+v", res)
	}

	models := getJSON(t, srv, "/projects/"+smokeName+"/models?"+v3)["value"].([]any)
	if len(models) != 1 || models[0].(map[string]any)["label"] != "m1" || models[0].(map[string]any)["hasSnapshot"] != true {
		t.Fatalf("models = %v", models)
	}
	m := getJSON(t, srv, "/projects/"+smokeName+"/models/m1?"+v3)
	if !strings.HasPrefix(m["modelId"].(string), "m1-") || m["modelTrainingConfigVersion"] != project.LatestConfigVersion {
		t.Errorf("model = %v", m)
	}
	if _, ok := getJSON(t, srv, "/projects/"+smokeName+"/models/m1?api-version=2022-05-01")["hasSnapshot"]; ok {
		t.Errorf("hasSnapshot in 2022-05-01, which does not have it")
	}
	if getJSON(t, srv, "/projects/"+smokeName+"?"+v3)["lastTrainedDateTime"] == nil {
		t.Errorf("project has no lastTrainedDateTime after training")
	}

	sum := getJSON(t, srv, "/projects/"+smokeName+"/models/m1/evaluation/summary-result?"+v3)
	intents := sum["intentsEvaluation"].(map[string]any)
	if f1 := intents["microF1"].(float64); f1 < 0.7 {
		t.Errorf("intent micro F1 on the smoke Test set = %v, want >= 0.7", f1)
	}
	// Macro F1 is the mean of the per-intent F1 scores.
	var total float64
	classes := intents["intents"].(map[string]any)
	for _, c := range classes {
		total += c.(map[string]any)["f1"].(float64)
	}
	if got, want := intents["macroF1"].(float64), total/float64(len(classes)); got-want > 1e-9 || want-got > 1e-9 {
		t.Errorf("macroF1 = %v, want the mean of per-intent F1 %v", got, want)
	}
	if eo := sum["evaluationOptions"].(map[string]any); eo["kind"] != "manual" {
		t.Errorf("evaluationOptions = %v", eo)
	}

	// Per-utterance results, across pages of 5: every Test utterance once.
	seen, pages := 0, 0
	for next := "/projects/" + smokeName + "/models/m1/evaluation/result?stringIndexType=Utf16CodeUnit&maxpagesize=5&" + v3; next != ""; pages++ {
		page := getJSON(t, srv, next)
		for _, r := range page["value"].([]any) {
			r := r.(map[string]any)
			if r["intentsResult"].(map[string]any)["expectedIntent"] == nil || r["entitiesResult"].(map[string]any)["predictedEntities"] == nil {
				t.Fatalf("result %v lacks a member", r)
			}
			seen++
		}
		next, _ = page["nextLink"].(string)
	}
	if seen != 28 || pages != 6 {
		t.Errorf("results: %d utterances in %d pages, want the 28 Test utterances in 6", seen, pages)
	}
	wantError(t, srv.Do("GET", "/projects/"+smokeName+"/models/m1/evaluation/result?"+v3, nil), 400, "InvalidArgument", "stringIndexType")
}

func TestTrainingRules(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, nil)
	importProject(t, srv, smokeName, smokeSnips(t))
	for _, tc := range []struct {
		name, body   string
		status       int
		code, target string
	}{
		{"no body", ``, 400, "InvalidRequest", ""},
		{"no label", `{"trainingMode":"standard"}`, 400, "InvalidArgument", "modelLabel"},
		{"bad label", `{"modelLabel":"a b","trainingMode":"standard"}`, 400, "InvalidArgument", "modelLabel"},
		{"no mode", `{"modelLabel":"m"}`, 400, "InvalidArgument", "trainingMode"},
		{"bad mode", `{"modelLabel":"m","trainingMode":"turbo"}`, 400, "InvalidArgument", "trainingMode"},
		{"unknown config", `{"modelLabel":"m","trainingMode":"standard","trainingConfigVersion":"1999-01-01"}`, 400, "InvalidArgument", "trainingConfigVersion"},
		{"split not 100", `{"modelLabel":"m","trainingMode":"standard","evaluationOptions":{"kind":"percentage","trainingSplitPercentage":70,"testingSplitPercentage":20}}`, 400, "InvalidArgument", "evaluationOptions"},
		{"bad kind", `{"modelLabel":"m","trainingMode":"standard","evaluationOptions":{"kind":"random"}}`, 400, "InvalidArgument", "evaluationOptions.kind"},
		{"wrong type", `{"modelLabel":5,"trainingMode":"standard"}`, 400, "InvalidArgument", "modelLabel"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, srv.Do("POST", "/projects/"+smokeName+"/:train?"+v3, tc.body), tc.status, tc.code, tc.target)
		})
	}
	t.Run("orchestration project", func(t *testing.T) {
		wantStatus(t, srv.Do("PATCH", "/projects/orch?"+v3, `{"projectName":"orch","language":"en","projectKind":"Orchestration"}`), http.StatusCreated)
		wantError(t, srv.Do("POST", "/projects/orch/:train?"+v3, `{"modelLabel":"m","trainingMode":"standard"}`), 400, "InvalidRequest", "projectKind")
	})
	t.Run("unknown project", func(t *testing.T) {
		wantError(t, srv.Do("POST", "/projects/nope/:train?"+v3, `{"modelLabel":"m","trainingMode":"standard"}`), 404, "ProjectNotFound", "")
	})
	t.Run("manual split without a Test set", func(t *testing.T) {
		importProject(t, srv, "bank", withName(t, testdata(t, "datasets", "smoke", "banking77.smoke.clu.json"), "bank"))
		var f map[string]any
		json.Unmarshal(testdata(t, "datasets", "smoke", "banking77.smoke.clu.json"), &f)
		for _, u := range f["assets"].(map[string]any)["utterances"].([]any) {
			u.(map[string]any)["dataset"] = "Train"
		}
		f["metadata"].(map[string]any)["projectName"] = "bank"
		b, _ := json.Marshal(f)
		importProject(t, srv, "bank", b)
		wantError(t, srv.Do("POST", "/projects/bank/:train?"+v3, `{"modelLabel":"m","trainingMode":"standard","evaluationOptions":{"kind":"manual"}}`), 400, "InvalidRequest", "")
	})
	t.Run("one training at a time", func(t *testing.T) {
		first := train(t, srv, smokeName, "m1", "manual")
		wantError(t, srv.Do("POST", "/projects/"+smokeName+"/:train?"+v3, `{"modelLabel":"m2","trainingMode":"standard"}`), 409, "Conflict", "")
		if j := finish(t, srv, first); j["status"] != "succeeded" {
			t.Fatalf("first training = %v", j)
		}
		// Once it is over, another may start.
		if j := finish(t, srv, train(t, srv, smokeName, "m2", "percentage")); j["status"] != "succeeded" {
			t.Fatalf("second training = %v", j)
		}
		jobs := getJSON(t, srv, "/projects/"+smokeName+"/train/jobs?"+v3)["value"].([]any)
		if len(jobs) != 2 || jobs[0].(map[string]any)["result"].(map[string]any)["modelLabel"] != "m1" {
			t.Errorf("training jobs = %v, want m1's then m2's", jobs)
		}
	})
	t.Run("ten models at most", func(t *testing.T) {
		ctx := context.Background()
		for _, label := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
			err := srv.Store.SaveModel(ctx, &project.Model{Project: smokeName, Label: label, ID: label, Trained: srv.Clock.Now(),
				ConfigVersion: "2022-05-01", ExpirationDate: "2022-10-28"}, &project.ModelData{Snapshot: []byte("{}"), Engine: []byte{}, Evaluation: []byte("{}")}, project.MaxModels)
			if err != nil {
				t.Fatal(err)
			}
		}
		wantError(t, srv.Do("POST", "/projects/"+smokeName+"/:train?"+v3, `{"modelLabel":"eleventh","trainingMode":"standard"}`), 409, "QuotaExceeded", "")
		// Retraining an existing label is allowed.
		wantStatus(t, srv.Do("POST", "/projects/"+smokeName+"/:train?"+v3, `{"modelLabel":"m1","trainingMode":"standard"}`), http.StatusAccepted)
		srv.RunJobs(ctx)
	})
}

func TestRetrainAndFailedTraining(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, nil)
	importProject(t, srv, smokeName, smokeSnips(t))
	finish(t, srv, train(t, srv, smokeName, "m1", "manual"))
	firstID := getJSON(t, srv, "/projects/"+smokeName+"/models/m1?"+v3)["modelId"]
	srv.Clock.Advance(time.Minute)
	finish(t, srv, train(t, srv, smokeName, "m1", "manual"))
	secondID := getJSON(t, srv, "/projects/"+smokeName+"/models/m1?"+v3)["modelId"]
	if firstID == secondID {
		t.Errorf("retraining m1 kept modelId %v", firstID)
	}

	// An intent with no utterances cannot be trained: the job fails, and the
	// model already trained under the label stays.
	var f map[string]any
	json.Unmarshal(smokeSnips(t), &f)
	assets := f["assets"].(map[string]any)
	assets["intents"] = append(assets["intents"].([]any), map[string]any{"category": "Lonely"})
	b, _ := json.Marshal(f)
	importProject(t, srv, smokeName, b)
	j := finish(t, srv, train(t, srv, smokeName, "m1", "manual"))
	errs, _ := j["errors"].([]any)
	if j["status"] != "failed" || len(errs) == 0 || !strings.Contains(errs[0].(map[string]any)["message"].(string), "Lonely") {
		t.Fatalf("training with an empty intent = %v, want failed naming it", j)
	}
	if ts := j["result"].(map[string]any)["trainingStatus"].(map[string]any); ts["status"] != "failed" {
		t.Errorf("trainingStatus of the failed job = %v", ts)
	}
	if got := getJSON(t, srv, "/projects/"+smokeName+"/models/m1?"+v3)["modelId"]; got != secondID {
		t.Errorf("model after a failed training = %v, want %v unchanged", got, secondID)
	}

	// The snapshot is what m1 was trained on, not the project as it is now.
	jsonEqual(t, export(t, srv, smokeName, v3+"&trainedModelLabel=m1"), smokeSnips(t))
	jsonEqual(t, export(t, srv, smokeName, v3), b)
	if j := finish(t, srv, start(t, srv, "POST", "/projects/"+smokeName+"/models/m1/:load-snapshot?"+v3, nil)); j["status"] != "succeeded" {
		t.Fatalf("load snapshot = %v", j)
	}
	jsonEqual(t, export(t, srv, smokeName, v3), smokeSnips(t))
	wantError(t, srv.Do("POST", "/projects/"+smokeName+"/models/nope/:load-snapshot?"+v3, nil), 404, "NotFound", "")

	resp := srv.Do("DELETE", "/projects/"+smokeName+"/models/m1?"+v3, nil)
	wantStatus(t, resp, http.StatusNoContent)
	resp.Body.Close()
	wantError(t, srv.Do("GET", "/projects/"+smokeName+"/models/m1?"+v3, nil), 404, "NotFound", "")
	wantError(t, srv.Do("DELETE", "/projects/"+smokeName+"/models/m1?"+v3, nil), 404, "NotFound", "")
	wantError(t, srv.Do("GET", "/projects/"+smokeName+"/models/m1/evaluation/summary-result?"+v3, nil), 404, "NotFound", "")
}

func TestCancelTraining(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, nil)
	importProject(t, srv, smokeName, smokeSnips(t))
	jobURL := train(t, srv, smokeName, "m1", "manual")
	id := jobURL[strings.LastIndex(jobURL, "/")+1 : strings.Index(jobURL, "?")]

	// 2022-05-01 answers 204; later versions 202 with the training job.
	resp := srv.Do("POST", "/projects/"+smokeName+"/train/jobs/"+id+"/:cancel?api-version=2022-05-01", nil)
	wantStatus(t, resp, http.StatusNoContent)
	resp.Body.Close()
	j := finish(t, srv, jobURL)
	if j["status"] != "cancelled" {
		t.Fatalf("cancelled job = %v", j)
	}
	for _, phase := range []string{"trainingStatus", "evaluationStatus"} {
		if st := j["result"].(map[string]any)[phase].(map[string]any)["status"]; st != "cancelled" {
			t.Errorf("%s of a job cancelled before it ran = %v, want cancelled", phase, st)
		}
	}
	wantError(t, srv.Do("POST", "/projects/"+smokeName+"/train/jobs/"+id+"/:cancel?"+v3, nil), 400, "InvalidRequest", "")
	wantError(t, srv.Do("GET", "/projects/"+smokeName+"/models/m1?"+v3, nil), 404, "NotFound", "")

	jobURL = train(t, srv, smokeName, "m1", "manual")
	id = jobURL[strings.LastIndex(jobURL, "/")+1 : strings.Index(jobURL, "?")]
	loc := start(t, srv, "POST", "/projects/"+smokeName+"/train/jobs/"+id+"/:cancel?"+v3, nil)
	if loc != jobURL {
		t.Errorf("cancel operation-location = %s, want the training job %s", loc, jobURL)
	}
	wantError(t, srv.Do("POST", "/projects/"+smokeName+"/train/jobs/nope/:cancel?"+v3, nil), 404, "OperationNotFound", "")
}

// TestCancelRunningTraining cancels a training of the full SNIPS set while
// it runs: the job ends cancelled and leaves no model.
func TestCancelRunningTraining(t *testing.T) {
	if testing.Short() {
		t.Skip("trains on the full SNIPS set")
	}
	t.Parallel()
	srv := apitest.New(t, &apitest.Options{AutoRun: true})
	importProject(t, srv, "SNIPS2017", testdata(t, "datasets", "snips2017.clu.json"))
	jobURL := train(t, srv, "SNIPS2017", "m1", "manual")
	deadline := time.Now().Add(60 * time.Second)
	for {
		j := getJSON(t, srv, jobURL)
		if j["status"] == "running" {
			break
		}
		if time.Now().After(deadline) || j["status"] != "notStarted" {
			t.Fatalf("training never ran: %v", j)
		}
		time.Sleep(10 * time.Millisecond)
	}
	id := jobURL[strings.LastIndex(jobURL, "/")+1 : strings.Index(jobURL, "?")]
	start(t, srv, "POST", "/projects/SNIPS2017/train/jobs/"+id+"/:cancel?"+v3, nil)
	j := finish(t, srv, jobURL)
	if j["status"] != "cancelled" {
		t.Fatalf("job after cancel = %v", j)
	}
	wantError(t, srv.Do("GET", "/projects/SNIPS2017/models/m1?"+v3, nil), 404, "NotFound", "")
}

// TestPrebuiltComponentsWarn: prebuilt components are accepted in a project,
// and training reports in its warnings exactly those Parley cannot
// recognise yet (Person.Name, statistical NER in CLU), not the others.
func TestPrebuiltComponentsWarn(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, nil)
	var f map[string]any
	json.Unmarshal(smokeSnips(t), &f)
	entities := f["assets"].(map[string]any)["entities"].([]any)
	entities[0].(map[string]any)["prebuilts"] = []any{map[string]any{"category": "Quantity.Number"}, map[string]any{"category": "Person.Name"}}
	b, _ := json.Marshal(f)
	importProject(t, srv, smokeName, b)
	j := finish(t, srv, train(t, srv, smokeName, "m1", "manual"))
	warnings, _ := j["warnings"].([]any)
	if j["status"] != "succeeded" || len(warnings) != 1 || !strings.Contains(fmt.Sprint(warnings), "Person.Name") {
		t.Errorf("training with prebuilt components = %v, want succeeded with one warning, naming Person.Name", j)
	}
}

// TestRetryAfterOnEveryJobAnswer: the configured Retry-After reaches every
// answer about an unfinished job, the training status included (it was
// written by hand there as "1"), and no answer about a finished one.
func TestRetryAfterOnEveryJobAnswer(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, &apitest.Options{RetryAfter: 7})
	resp := srv.Do("POST", "/projects/"+smokeName+"/:import?"+v3, smokeSnips(t))
	wantStatus(t, resp, http.StatusAccepted)
	resp.Body.Close()
	if got := resp.Header.Get("Retry-After"); got != "7" {
		t.Errorf("import 202 Retry-After = %q, want 7", got)
	}
	importURL := resp.Header.Get("Operation-Location")
	for name, url := range map[string]string{"import status": importURL} {
		resp := srv.Do("GET", url, nil)
		resp.Body.Close()
		if got := resp.Header.Get("Retry-After"); got != "7" {
			t.Errorf("%s Retry-After = %q, want 7", name, got)
		}
	}
	srv.RunJobs(t.Context())
	resp = srv.Do("POST", "/projects/"+smokeName+"/:train?"+v3, map[string]any{"modelLabel": "m1", "trainingMode": "standard", "evaluationOptions": map[string]any{"kind": "manual"}})
	wantStatus(t, resp, http.StatusAccepted)
	resp.Body.Close()
	if got := resp.Header.Get("Retry-After"); got != "7" {
		t.Errorf("train 202 Retry-After = %q, want 7", got)
	}
	trainURL := resp.Header.Get("Operation-Location")
	resp = srv.Do("GET", trainURL, nil)
	resp.Body.Close()
	if got := resp.Header.Get("Retry-After"); got != "7" {
		t.Errorf("unfinished training status Retry-After = %q, want 7", got)
	}
	srv.RunJobs(t.Context())
	for name, url := range map[string]string{"import status": importURL, "training status": trainURL} {
		resp := srv.Do("GET", url, nil)
		resp.Body.Close()
		if got := resp.Header.Get("Retry-After"); got != "" {
			t.Errorf("finished %s Retry-After = %q, want none", name, got)
		}
	}
}
