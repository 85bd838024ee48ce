package api_test

import (
	"net/http"
	"testing"

	"github.com/parley-dev/parley/internal/api/apitest"
)

// TestNewAPIVersions: the authoring versions after 2025-05-15-preview
// (VERSIONS.md §1) are served, and the prediction API answers its own
// versions (§7), which the authoring API does not.
func TestNewAPIVersions(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, nil)
	importProject(t, srv, "offsets", []byte(offsetsProject))
	finish(t, srv, train(t, srv, "offsets", "m", "percentage"))
	deploy(t, srv, "offsets", "prod", "m")
	for _, v := range []string{"2023-11-15-preview", "2025-11-01", "2025-11-15-preview"} {
		resp := srv.Do("GET", "/projects/offsets/deployments/prod?api-version="+v, nil)
		wantStatus(t, resp, http.StatusOK)
		body := apitest.ReadJSON(t, resp)
		if _, has := body["assignedResources"]; has != (v != "2023-11-15-preview") {
			t.Errorf("%s: assignedResources present = %v, in %v", v, has, body)
		}
	}
	// a runtime-only version predicts; it is no authoring version
	item := map[string]any{"conversationItem": map[string]any{"id": "1", "participantId": "1", "text": "hello"}}
	params := map[string]any{"projectName": "offsets", "deploymentName": "prod"}
	for _, v := range []string{"2024-05-01", "2024-11-01", "2024-05-15-preview", "2025-11-01", "2025-11-15-preview", "2023-11-15-preview"} {
		resp := srv.Do("POST", "/language/:analyze-conversations?api-version="+v, map[string]any{"kind": "Conversation", "analysisInput": item, "parameters": params})
		wantStatus(t, resp, http.StatusOK)
	}
	wantError(t, srv.Do("GET", "/projects?api-version=2024-11-01", nil), 404, "404", "")
	wantError(t, srv.Do("POST", "/language/:analyze-conversations?api-version=2026-01-01", map[string]any{"kind": "Conversation", "analysisInput": item, "parameters": params}), 404, "404", "")
	// ConversationalAI: an unknown kind before 2025-05-15-preview, not built from it
	ai := map[string]any{"kind": "ConversationalAI", "analysisInput": map[string]any{"conversations": []any{}}, "parameters": params}
	wantError(t, srv.Do("POST", "/language/:analyze-conversations?api-version=2024-11-01", ai), 400, "InvalidArgument", "kind")
	wantError(t, srv.Do("POST", "/language/:analyze-conversations?api-version=2025-05-15-preview", ai), 501, "NotImplemented", "kind")
}

// TestDeployBodySpellings: every spelling of a deploy body's resources in
// the sources deploys here (VERSIONS.md §3.3); a malformed one names its
// field.
func TestDeployBodySpellings(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, nil)
	importProject(t, srv, "offsets", []byte(offsetsProject))
	finish(t, srv, train(t, srv, "offsets", "m", "percentage"))
	// A deploy that names a resource not assigned to the project is refused
	// with the field, before any job starts.
	wantError(t, srv.Do("PUT", "/projects/offsets/deployments/early?api-version=2025-11-01", map[string]any{"trainedModelLabel": "m", "azureResourceIds": []any{"/subscriptions/x/r"}}), 400, "InvalidArgument", "azureResourceIds[0]")
	runResourceJob(t, srv, "POST", "/projects/offsets/resources/:assign?api-version=2025-11-01",
		map[string]any{"resourcesMetadata": []any{resource("/subscriptions/x/r", "westus")}}, "/projects/offsets/resources/assign/jobs/")
	for i, tc := range []struct {
		version string
		body    map[string]any
		idKey   string // the member naming the id in assignedResources; "" when none is recorded
	}{
		{"2022-10-01-preview", map[string]any{"trainedModelLabel": "m", "assignedResourceIds": []any{"/subscriptions/x/r"}}, "resourceId"},
		{"2025-11-01", map[string]any{"trainedModelLabel": "m", "assignedResources": []any{map[string]any{"resourceId": "/subscriptions/x/r", "region": "westus"}}}, "resourceId"},
		{"2025-11-01", map[string]any{"trainedModelLabel": "m", "azureResourceIds": []any{"/subscriptions/x/r"}}, "resourceId"},
		{"2025-11-15-preview", map[string]any{"trainedModelLabel": "m", "azureResourceIds": []any{map[string]any{"azureResourceId": "/subscriptions/x/r", "region": "westus"}}}, "azureResourceId"},
		{"2025-11-15-preview", map[string]any{"TrainedModelLabel": "m"}, ""},
	} {
		name := "d" + string(rune('a'+i))
		j := finish(t, srv, start(t, srv, "PUT", "/projects/offsets/deployments/"+name+"?api-version="+tc.version, tc.body))
		if j["status"] != "succeeded" {
			t.Errorf("%s %v: %v", tc.version, tc.body, j)
		}
		got := getJSON(t, srv, "/projects/offsets/deployments/"+name+"?api-version="+tc.version)["assignedResources"].([]any)
		if tc.idKey == "" {
			if len(got) != 0 {
				t.Errorf("%s %s assignedResources = %v, want []", tc.version, name, got)
			}
			continue
		}
		if len(got) != 1 || got[0].(map[string]any)[tc.idKey] != "/subscriptions/x/r" || got[0].(map[string]any)["region"] != "westus" {
			t.Errorf("%s %s assignedResources = %v, want the one resource under %s", tc.version, name, got, tc.idKey)
		}
	}
	// Deploying again without resources replaces the record.
	finish(t, srv, start(t, srv, "PUT", "/projects/offsets/deployments/da?api-version=2025-11-01", map[string]any{"trainedModelLabel": "m"}))
	if got := getJSON(t, srv, "/projects/offsets/deployments/da?api-version=2025-11-01")["assignedResources"].([]any); len(got) != 0 {
		t.Errorf("assignedResources after a deploy naming none = %v, want []", got)
	}
	wantError(t, srv.Do("PUT", "/projects/offsets/deployments/bad?api-version=2025-11-01", map[string]any{"trainedModelLabel": "m", "azureResourceIds": "x"}), 400, "InvalidArgument", "azureResourceIds")
	wantError(t, srv.Do("PUT", "/projects/offsets/deployments/bad?api-version=2025-11-01", map[string]any{"trainedModelLabel": "m", "assignedResources": []any{map[string]any{"region": "westus"}}}), 400, "InvalidArgument", "assignedResources[0]")
}

// TestDataGenerationSettings: generation turned off trains; turned on it
// is refused with the field named, as Parley has no Azure OpenAI model.
func TestDataGenerationSettings(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, nil)
	importProject(t, srv, "offsets", []byte(offsetsProject))
	off := map[string]any{"modelLabel": "m", "trainingMode": "standard", "dataGenerationSettings": map[string]any{"enableDataGeneration": false}}
	finish(t, srv, start(t, srv, "POST", "/projects/offsets/:train?api-version=2025-11-01", off))
	on := map[string]any{"modelLabel": "m2", "trainingMode": "standard", "dataGenerationSettings": map[string]any{"enableDataGeneration": true,
		"dataGenerationConnectionInfo": map[string]any{"kind": "AzureOpenAI", "deploymentName": "gpt"}}}
	wantError(t, srv.Do("POST", "/projects/offsets/:train?api-version=2025-11-01", on), 400, "InvalidArgument", "dataGenerationSettings.enableDataGeneration")
	noInfo := map[string]any{"modelLabel": "m2", "trainingMode": "standard", "dataGenerationSettings": map[string]any{"enableDataGeneration": true}}
	wantError(t, srv.Do("POST", "/projects/offsets/:train?api-version=2025-11-15-preview", noInfo), 400, "InvalidArgument", "dataGenerationSettings.dataGenerationConnectionInfo")
	noFlag := map[string]any{"modelLabel": "m2", "trainingMode": "standard", "dataGenerationSettings": map[string]any{}}
	wantError(t, srv.Do("POST", "/projects/offsets/:train?api-version=2025-11-01", noFlag), 400, "InvalidArgument", "dataGenerationSettings.enableDataGeneration")
}
