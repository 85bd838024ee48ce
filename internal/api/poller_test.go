package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/streaming"

	"github.com/parley-dev/parley/internal/api/apitest"
)

// keyPolicy adds the subscription key, as the Azure SDKs' key credential does.
type keyPolicy struct{}

func (keyPolicy) Do(req *policy.Request) (*http.Response, error) {
	req.Raw().Header.Set("Ocp-Apim-Subscription-Key", apitest.Key)
	return req.Next()
}

// jobResult is what the poller decodes from the final job document.
type jobResult struct {
	JobID     string `json:"jobId"`
	Status    string `json:"status"`
	ResultURL string `json:"resultUrl"`
}

// TestAzurePoller drives import, export and delete through the poller of the
// Azure SDK for Go, as a Go client of Azure CLU would.
func TestAzurePoller(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, &apitest.Options{AutoRun: true})
	pl := runtime.NewPipeline("parley-test", "v0", runtime.PipelineOptions{PerCall: []policy.Policy{keyPolicy{}}},
		&policy.ClientOptions{Transport: srv.Client()})
	ctx := t.Context()

	begin := func(t *testing.T, method, path string, body []byte) *runtime.Poller[jobResult] {
		t.Helper()
		req, err := runtime.NewRequest(ctx, method, srv.URL+apitest.Prefix+path)
		if err != nil {
			t.Fatal(err)
		}
		if body != nil {
			if err := req.SetBody(streaming.NopCloser(bytes.NewReader(body)), "application/json"); err != nil {
				t.Fatal(err)
			}
		}
		resp, err := pl.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if !runtime.HasStatusCode(resp, http.StatusAccepted) {
			t.Fatalf("%s %s = %d, want 202", method, path, resp.StatusCode)
		}
		p, err := runtime.NewPoller[jobResult](resp, pl, nil)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	wait := func(t *testing.T, p *runtime.Poller[jobResult]) jobResult {
		t.Helper()
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		res, err := p.PollUntilDone(ctx, &runtime.PollUntilDoneOptions{Frequency: 50 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}

	file := smokeSnips(t)
	if res := wait(t, begin(t, "POST", "/projects/SNIPS2017-smoke/:import?"+v3, file)); res.Status != "succeeded" {
		t.Fatalf("import result = %+v", res)
	}
	res := wait(t, begin(t, "POST", "/projects/SNIPS2017-smoke/:export?stringIndexType=Utf16CodeUnit&"+v3, nil))
	if res.Status != "succeeded" || res.ResultURL == "" {
		t.Fatalf("export result = %+v", res)
	}
	jsonEqual(t, apitest.ReadBody(t, srv.Do("GET", res.ResultURL, nil)), file)

	// A failed job ends the poller with an error. The runner is stopped so
	// that the project can go away between :export and the job.
	if err := srv.Runner.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	p := begin(t, "POST", "/projects/SNIPS2017-smoke/:export?stringIndexType=Utf16CodeUnit&"+v3, nil)
	srv.Store.DeleteProject(ctx, "SNIPS2017-smoke")
	srv.RunJobs(ctx)
	if _, err := p.PollUntilDone(ctx, &runtime.PollUntilDoneOptions{Frequency: 50 * time.Millisecond}); err == nil {
		t.Errorf("poller of a failed export returned no error")
	}
	srv.Runner.Start(ctx)

	wantStatus(t, srv.Do("PATCH", "/projects/doomed?"+v3, `{"projectName":"doomed","language":"en","projectKind":"Conversation"}`), http.StatusCreated)
	if res := wait(t, begin(t, "DELETE", "/projects/doomed?"+v3, nil)); res.Status != "succeeded" {
		t.Fatalf("delete result = %+v", res)
	}
}

// pollOp starts an operation and follows it with the Azure SDK for Go's
// poller to its end, returning what the poller decodes: the final job
// document, or for a PUT the resource it made (the poller GETs the PUT's
// URL at the end).
func pollOp[T any](t *testing.T, pl runtime.Pipeline, srv *apitest.Server, method, path, body string) T {
	t.Helper()
	req, err := runtime.NewRequest(t.Context(), method, srv.URL+apitest.Prefix+path)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		if err := req.SetBody(streaming.NopCloser(bytes.NewReader([]byte(body))), "application/json"); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := pl.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if !runtime.HasStatusCode(resp, http.StatusAccepted) {
		t.Fatalf("%s %s = %d %s, want 202", method, path, resp.StatusCode, apitest.ReadBody(t, resp))
	}
	p, err := runtime.NewPoller[T](resp, pl, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	res, err := p.PollUntilDone(ctx, &runtime.PollUntilDoneOptions{Frequency: 20 * time.Millisecond})
	if err != nil {
		t.Fatalf("%s %s: poller: %v", method, path, err)
	}
	return res
}

// TestNewOperationsWithAzurePoller drives the operations of the 2024-11 and
// 2025-11 api-versions that start jobs through the poller of the Azure SDK
// for Go: exported models, resource assignment, a deploy with resources,
// and a copy to a second server.
func TestNewOperationsWithAzurePoller(t *testing.T) {
	t.Parallel()
	src, dst := copyServersOn(t, "", "")
	src.Runner.Start(t.Context())
	pipeline := func(srv *apitest.Server) runtime.Pipeline {
		return runtime.NewPipeline("parley-test", "v0", runtime.PipelineOptions{PerCall: []policy.Policy{keyPolicy{}}},
			&policy.ClientOptions{Transport: srv.Client()})
	}
	pl := pipeline(src)
	const v = "?api-version=2025-11-15-preview"
	if j := pollOp[jobResult](t, pl, src, "POST", "/projects/src/:train"+v, `{"modelLabel":"m1","trainingMode":"standard"}`); j.Status != "succeeded" {
		t.Fatalf("train: %+v", j)
	}

	type exported struct {
		Name    string `json:"exportedModelName"`
		ModelID string `json:"modelId"`
	}
	if e := pollOp[exported](t, pl, src, "PUT", "/projects/src/exported-models/e1"+v, `{"trainedModelLabel":"m1"}`); e.Name != "e1" || e.ModelID == "" {
		t.Errorf("PUT exported model: the poller's final GET = %+v, want e1 with its model id", e)
	}

	const id = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/a"
	assign := `{"projectResources":[{"azureResourceId":"` + id + `","customDomain":"a.example","region":"westeurope"}]}`
	if j := pollOp[jobResult](t, pl, src, "POST", "/projects/src/resources/:assign"+v, assign); j.Status != "succeeded" {
		t.Errorf(":assign: %+v", j)
	}
	type deployment struct {
		Name      string `json:"deploymentName"`
		Resources []struct {
			AzureResourceID string `json:"azureResourceId"`
			Region          string `json:"region"`
		} `json:"assignedResources"`
	}
	d := pollOp[deployment](t, pl, src, "PUT", "/projects/src/deployments/prod"+v, `{"trainedModelLabel":"m1","azureResourceIds":["`+id+`"]}`)
	if d.Name != "prod" || len(d.Resources) != 1 || d.Resources[0].AzureResourceID != id || d.Resources[0].Region != "westeurope" {
		t.Errorf("PUT deployment with azureResourceIds: the poller's final GET = %+v", d)
	}
	if j := pollOp[jobResult](t, pl, src, "POST", "/projects/src/deployments/prod/:delete-from-resources"+v, `{"azureResourceIds":["`+id+`"]}`); j.Status != "succeeded" {
		t.Errorf(":delete-from-resources: %+v", j)
	}
	if j := pollOp[jobResult](t, pl, src, "POST", "/projects/src/resources/:unassign"+v, `{"azureResourceIds":["`+id+`"]}`); j.Status != "succeeded" {
		t.Errorf(":unassign: %+v", j)
	}
	if j := pollOp[jobResult](t, pl, src, "DELETE", "/projects/src/exported-models/e1"+v, ""); j.Status != "succeeded" {
		t.Errorf("DELETE exported model: %+v", j)
	}
	wantStatus(t, src.Do("GET", "/projects/src/exported-models/e1"+v, nil), http.StatusNotFound)

	auth := authorize(t, dst, "copied", map[string]any{"projectKind": "Conversation"})
	body, _ := json.Marshal(auth)
	if j := pollOp[jobResult](t, pl, src, "POST", "/projects/src/:copy"+v, string(body)); j.Status != "succeeded" {
		t.Errorf(":copy: %+v", j)
	}
	wantStatus(t, dst.Do("GET", "/projects/copied"+v, nil), http.StatusOK)
}
