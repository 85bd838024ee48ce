package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// runJobAt sends a request that starts a job on c and polls its
// operation-location until the job ends; it fails the test unless the job
// succeeded.
func runJobAt(t *testing.T, method, u string, body []byte) {
	t.Helper()
	resp, b, err := send(method, u, body)
	if err != nil || resp.StatusCode != http.StatusAccepted {
		t.Fatalf("%s %s = %v %s, %v; want 202", method, u, resp.StatusCode, b, err)
	}
	loc := resp.Header.Get("Operation-Location")
	deadline := time.Now().Add(time.Minute)
	for {
		var d jobDoc
		if err := json.Unmarshal(mustGet(t, loc), &d); err != nil {
			t.Fatal(err)
		}
		if terminal(d.Status) {
			if d.Status != "succeeded" {
				t.Fatalf("job %s = %+v", loc, d)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s still %s", loc, d.Status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestExportedModelDownloadAndServe is the end-to-end of issue 11's
// runtime-only Parley, with the real binary: an authoring server imports,
// trains and deploys a project and exports its model; parley download-model
// fetches it into a directory; parley serve --models serves it; its
// predictions equal the authoring deployment's.
func TestExportedModelDownloadAndServe(t *testing.T) {
	if testing.Short() {
		t.Skip("process test")
	}
	t.Parallel()
	author := serve(t, nil, "--listen", "127.0.0.1:0", "--data", t.TempDir(), "--key", procKey)
	file, err := os.ReadFile(filepath.Join("..", "..", "testdata", "datasets", "smoke", "snips2017.smoke.clu.json"))
	if err != nil {
		t.Fatal(err)
	}
	importAndWait(t, author, "p", renamed(t, file, "p"))
	base := author.base + procPrefix + "p"
	runJobAt(t, "POST", base+"/:train?api-version="+procAPIVersion, []byte(`{"modelLabel":"m","trainingMode":"standard","evaluationOptions":{"kind":"manual"}}`))
	runJobAt(t, "PUT", base+"/deployments/prod?api-version="+procAPIVersion, []byte(`{"trainedModelLabel":"m"}`))
	runJobAt(t, "PUT", base+"/exported-models/snips?api-version=2024-11-15-preview", []byte(`{"TrainedModelLabel":"m"}`))

	dir := t.TempDir()
	dl := spawn(t, nil, "download-model", "p", "snips", "--dir", dir, "--endpoint", author.base, "--key", procKey)
	if code := dl.wait(t, time.Minute); code != 0 {
		t.Fatalf("parley download-model exited %d: %s", code, dl.stderr.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "p", "snips.parley")); err != nil {
		t.Fatal(err)
	}
	rt := serve(t, nil, "--listen", "127.0.0.1:0", "--models", dir, "--key", procKey)

	predict := func(c *child, deployment, text string) []byte {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"kind": "Conversation",
			"analysisInput": map[string]any{"conversationItem": map[string]any{"id": "1", "participantId": "1", "text": text}},
			"parameters":    map[string]any{"projectName": "p", "deploymentName": deployment}})
		resp, b, err := send("POST", c.base+"/language/:analyze-conversations?api-version=2023-04-01", body)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("predict %q on %s = %v %s, %v", text, c.base, resp.StatusCode, b, err)
		}
		var out struct {
			Result struct{ Prediction json.RawMessage } `json:"result"`
		}
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatal(err)
		}
		return out.Result.Prediction
	}
	for _, q := range []string{"play some jazz by miles davis", "what's the weather in paris tomorrow", "book a table for two at 8pm", "add this song to my workout playlist", "rate this book five stars"} {
		if want, got := predict(author, "prod", q), predict(rt, "snips", q); !bytes.Equal(want, got) {
			t.Errorf("prediction of %q:\nruntime-only %s\nauthoring    %s", q, got, want)
		}
	}
	// Read-only: no authoring.
	if resp, b, err := send("GET", rt.base+procPrefix+"p?api-version="+procAPIVersion, nil); err != nil || resp.StatusCode != http.StatusNotImplemented {
		t.Errorf("GET project on the runtime-only server = %v %s, %v; want 501", resp.StatusCode, b, err)
	}
}
