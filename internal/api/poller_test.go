package api_test

import (
	"bytes"
	"context"
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
