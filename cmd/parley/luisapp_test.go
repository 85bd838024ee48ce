package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestProjectShowLUISAppID: parley project show prints the project's LUIS
// app id (the luisAppId member, issue 12), and only when it has one.
func TestProjectShowLUISAppID(t *testing.T) {
	t.Parallel()
	ep := startTestServer(t)
	patch := func(body string) {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), "PATCH", ep+"/language/authoring/analyze-conversations/projects/bot?api-version=2023-04-01", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Ocp-Apim-Subscription-Key", "k")
		req.Header.Set("Content-Type", "application/merge-patch+json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode >= 300 {
			t.Fatalf("PATCH %s = %s", body, resp.Status)
		}
	}
	show := func() map[string]any {
		t.Helper()
		var meta map[string]any
		out := mustCLI(t, ep, "project", "show", "bot")
		if err := json.Unmarshal([]byte(out), &meta); err != nil {
			t.Fatalf("project show = %q: %v", out, err)
		}
		return meta
	}
	patch(`{"projectName": "bot", "projectKind": "Conversation", "language": "en-us"}`)
	if got, ok := show()["luisAppId"]; ok {
		t.Errorf("project show without an app id prints luisAppId %v", got)
	}
	patch(`{"luisAppId": "86226C53-B7A6-416F-876B-226B2B5AB07B"}`)
	if got := show()["luisAppId"]; got != "86226c53-b7a6-416f-876b-226b2b5ab07b" {
		t.Errorf("project show luisAppId = %v, want the id, lower-cased", got)
	}
}
