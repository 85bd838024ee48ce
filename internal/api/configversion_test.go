package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/parley-dev/parley/internal/api/apitest"
	"github.com/parley-dev/parley/internal/nlu"
	"github.com/parley-dev/parley/internal/project"
)

// docsTrainingConfigVersions are the values of trainingConfigVersion that
// Microsoft's CLU docs and samples pass to :train (VERSIONS.md §6).
var docsTrainingConfigVersions = []string{"latest", "2022-05-01", "2022-09-01", "2023-04-15",
	"2024-06-01-preview", "2024-08-01-preview", "2025-07-01-preview"}

// TestTrainEveryDocumentedConfigVersion does what a script copied from
// Microsoft's docs does, in raw HTTP: POST :train with the key header and a
// trainingConfigVersion, then poll the operation-location until the job
// ends. Every documented version trains, and the model says which.
func TestTrainEveryDocumentedConfigVersion(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, &apitest.Options{AutoRun: true})
	importProject(t, srv, smokeName, smokeSnips(t))
	endpoint := srv.URL + "/language/authoring/analyze-conversations/projects/" + smokeName
	send := func(method, url string, body []byte) *http.Response {
		t.Helper()
		req, err := http.NewRequest(method, url, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Ocp-Apim-Subscription-Key", apitest.Key)
		req.Header.Set("Content-Type", "application/json")
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	for i, version := range docsTrainingConfigVersions {
		label := "model" + string(rune('a'+i))
		body := []byte(`{"modelLabel": "` + label + `", "trainingMode": "standard", "trainingConfigVersion": "` + version + `",
			"evaluationOptions": {"kind": "percentage", "trainingSplitPercentage": 80, "testingSplitPercentage": 20}}`)
		resp := send("POST", endpoint+"/:train?api-version=2023-04-01", body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusAccepted {
			t.Fatalf(":train with trainingConfigVersion %q = %d, want 202", version, resp.StatusCode)
		}
		loc := resp.Header.Get("operation-location")
		var status string
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			resp := send("GET", loc, nil)
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			var j struct {
				Status string `json:"status"`
				Result struct {
					TrainingConfigVersion string `json:"trainingConfigVersion"`
				} `json:"result"`
			}
			if err := json.Unmarshal(b, &j); err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s = %d %s", loc, resp.StatusCode, b)
			}
			status = j.Status
			if status == "succeeded" || status == "failed" || status == "cancelled" || time.Now().After(deadline) {
				if want := resolved(version); j.Result.TrainingConfigVersion != want {
					t.Errorf("%s: job result trainingConfigVersion = %q, want %q", version, j.Result.TrainingConfigVersion, want)
				}
				break
			}
		}
		if status != "succeeded" {
			t.Fatalf("training with trainingConfigVersion %q ended %q", version, status)
		}
		m := getJSON(t, srv, "/projects/"+smokeName+"/models/"+label+"?"+v3)
		want := catalogueEntry(t, resolved(version))
		if m["modelTrainingConfigVersion"] != want.Version || m["modelExpirationDate"] != want.ExpirationDate {
			t.Errorf("%s: model = %v, want config %s expiring %s", version, m, want.Version, want.ExpirationDate)
		}
		engine, err := srv.Store.GetModelData(t.Context(), smokeName, label, project.PartEngine)
		if err != nil {
			t.Fatal(err)
		}
		var nm nlu.Model
		if err := nm.UnmarshalBinary(engine); err != nil || nm.Recipe() != want.Recipe {
			t.Errorf("%s: stored model's recipe = %d (%v), want %d", version, nm.Recipe(), err, want.Recipe)
		}
	}
}

func resolved(version string) string {
	if version == "latest" {
		return project.LatestConfigVersion
	}
	return version
}

func catalogueEntry(t testing.TB, version string) project.TrainingConfigVersion {
	t.Helper()
	for _, c := range project.TrainingConfigVersions {
		if c.Version == version {
			return c
		}
	}
	t.Fatalf("%s is not in project.TrainingConfigVersions", version)
	return project.TrainingConfigVersion{}
}

// TestRetrainReproducesModel trains a label twice with the same config
// version (and once more with settings the engine applies): the stored
// engine model is the same bytes each time, and another recipe or setting
// gives other bytes.
func TestRetrainReproducesModel(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, nil)
	importProject(t, srv, smokeName, smokeSnips(t))
	trainBlob := func(version string) []byte {
		t.Helper()
		j := finish(t, srv, start(t, srv, "POST", "/projects/"+smokeName+"/:train?"+v3,
			map[string]any{"modelLabel": "m", "trainingMode": "standard", "trainingConfigVersion": version, "evaluationOptions": map[string]any{"kind": "manual"}}))
		if j["status"] != "succeeded" {
			t.Fatalf("training with %s = %v", version, j)
		}
		srv.Clock.Advance(time.Minute)
		b, err := srv.Store.GetModelData(t.Context(), smokeName, "m", project.PartEngine)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	blobs := map[string][]byte{}
	for _, version := range []string{"2022-05-01", "2023-04-15"} {
		first, second := trainBlob(version), trainBlob(version)
		if !bytes.Equal(first, second) {
			t.Errorf("retraining with %s gave other bytes (%d and %d)", version, len(first), len(second))
		}
		blobs[version] = first
	}
	if bytes.Equal(blobs["2022-05-01"], blobs["2023-04-15"]) {
		t.Error("2022-05-01 (RecipeBase) and 2023-04-15 (RecipeLoraNorm) gave the same bytes")
	}

	// The project's settings reach the engine: the same data with
	// normalizeCasing and augmentDiacritics trains another model.
	var f map[string]any
	json.Unmarshal(smokeSnips(t), &f)
	f["metadata"].(map[string]any)["settings"] = map[string]any{"confidenceThreshold": 0, "normalizeCasing": true, "augmentDiacritics": true}
	b, _ := json.Marshal(f)
	importProject(t, srv, smokeName, b)
	folded := trainBlob("2022-05-01")
	if bytes.Equal(folded, blobs["2022-05-01"]) {
		t.Error("normalizeCasing and augmentDiacritics left the trained model unchanged")
	}
	if again := trainBlob("2022-05-01"); !bytes.Equal(folded, again) {
		t.Error("retraining with the settings gave other bytes")
	}
}

// TestTrainingConfigVersions lists the catalogue: every documented version,
// and the 2022-05-01 entry as the spec's example has it.
func TestTrainingConfigVersions(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, nil)
	body := getJSON(t, srv, "/projects/global/training-config-versions?projectKind=Conversation&"+v3)
	got := map[string]string{}
	for _, it := range body["value"].([]any) {
		m := it.(map[string]any)
		got[m["trainingConfigVersion"].(string)] = m["modelExpirationDate"].(string)
	}
	for _, v := range docsTrainingConfigVersions[1:] {
		if _, ok := got[v]; !ok {
			t.Errorf("training-config-versions lacks %s: %v", v, got)
		}
	}
	if got["2022-05-01"] != "2022-10-28" {
		t.Errorf("2022-05-01 expires %q, want the example's 2022-10-28", got["2022-05-01"])
	}
}
