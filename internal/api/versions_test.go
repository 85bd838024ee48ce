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
	for i, tc := range []struct {
		version string
		body    map[string]any
	}{
		{"2022-10-01-preview", map[string]any{"trainedModelLabel": "m", "assignedResourceIds": []any{"/subscriptions/x/r"}}},
		{"2025-11-01", map[string]any{"trainedModelLabel": "m", "assignedResources": []any{map[string]any{"resourceId": "/subscriptions/x/r", "region": "westus"}}}},
		{"2025-11-01", map[string]any{"trainedModelLabel": "m", "azureResourceIds": []any{"/subscriptions/x/r"}}},
		{"2025-11-15-preview", map[string]any{"trainedModelLabel": "m", "azureResourceIds": []any{map[string]any{"azureResourceId": "/subscriptions/x/r", "region": "westus"}}}},
		{"2025-11-15-preview", map[string]any{"TrainedModelLabel": "m"}},
	} {
		name := "d" + string(rune('a'+i))
		j := finish(t, srv, start(t, srv, "PUT", "/projects/offsets/deployments/"+name+"?api-version="+tc.version, tc.body))
		if j["status"] != "succeeded" {
			t.Errorf("%s %v: %v", tc.version, tc.body, j)
		}
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
