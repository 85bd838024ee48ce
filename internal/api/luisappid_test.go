package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/parley-dev/parley/internal/api/apitest"
)

const testLUISAppID = "86226c53-b7a6-416f-876b-226b2b5ab07b"

// patchProject sends a merge patch to a project.
func patchProject(t testing.TB, srv *apitest.Server, name string, body any) *http.Response {
	t.Helper()
	return srv.Do("PATCH", "/projects/"+name+"?"+v3, body)
}

func newProjectBody(name string) map[string]any {
	return map[string]any{"projectName": name, "projectKind": "Conversation", "language": "en-us"}
}

// TestLUISAppIDMember: luisAppId is shown only when set, set and removed by
// PATCH, refused when not a GUID or when another project has it, and gone
// with its project.
func TestLUISAppIDMember(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, nil)
	wantStatus(t, patchProject(t, srv, "a", newProjectBody("a")), http.StatusCreated)
	if got := getJSON(t, srv, "/projects/a?"+v3); got["luisAppId"] != nil {
		t.Fatalf("GET project without an app id shows luisAppId %v", got["luisAppId"])
	}

	// Set on an existing project, in any casing; shown canonical.
	resp := patchProject(t, srv, "a", map[string]any{"luisAppId": "{86226C53-B7A6-416F-876B-226B2B5AB07B}"})
	wantStatus(t, resp, http.StatusOK)
	if got := apitest.ReadJSON(t, resp); got["luisAppId"] != testLUISAppID {
		t.Errorf("PATCH answer luisAppId = %v, want %s", got["luisAppId"], testLUISAppID)
	}
	if got := getJSON(t, srv, "/projects/a?"+v3); got["luisAppId"] != testLUISAppID {
		t.Errorf("GET project luisAppId = %v, want %s", got["luisAppId"], testLUISAppID)
	}
	// A PATCH that does not name it keeps it.
	resp = patchProject(t, srv, "a", map[string]any{"description": "d"})
	wantStatus(t, resp, http.StatusOK)
	if got := apitest.ReadJSON(t, resp); got["luisAppId"] != testLUISAppID {
		t.Errorf("PATCH without luisAppId answers luisAppId %v, want %s kept", got["luisAppId"], testLUISAppID)
	}

	for _, tc := range []struct {
		name string
		val  any
	}{
		{"not a GUID", "my-app"},
		{"empty", ""},
		{"a number", 42},
		{"GUID without dashes", "86226c53b7a6416f876b226b2b5ab07b"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, patchProject(t, srv, "a", map[string]any{"luisAppId": tc.val}), http.StatusBadRequest, "InvalidArgument", "luisAppId")
		})
	}
	// A new project with a bad id is not created.
	body := newProjectBody("b")
	body["luisAppId"] = "nope"
	wantError(t, patchProject(t, srv, "b", body), http.StatusBadRequest, "InvalidArgument", "luisAppId")
	wantStatus(t, srv.Do("GET", "/projects/b?"+v3, nil), http.StatusNotFound)

	// Another project cannot take it, neither at creation nor later.
	body["luisAppId"] = testLUISAppID
	wantError(t, patchProject(t, srv, "b", body), http.StatusConflict, "Conflict", "luisAppId")
	wantStatus(t, srv.Do("GET", "/projects/b?"+v3, nil), http.StatusNotFound)
	other := "0c4b7a43-1f0e-4d7b-9b3c-2a6f1e0d9c11"
	body["luisAppId"] = other
	resp = patchProject(t, srv, "b", body)
	wantStatus(t, resp, http.StatusCreated)
	if got := apitest.ReadJSON(t, resp); got["luisAppId"] != other {
		t.Errorf("created project luisAppId = %v, want %s", got["luisAppId"], other)
	}
	wantError(t, patchProject(t, srv, "b", map[string]any{"luisAppId": testLUISAppID}), http.StatusConflict, "Conflict", "luisAppId")

	// null removes it; then b may take it.
	resp = patchProject(t, srv, "a", map[string]any{"luisAppId": nil})
	wantStatus(t, resp, http.StatusOK)
	if got := apitest.ReadJSON(t, resp); got["luisAppId"] != nil {
		t.Errorf("PATCH luisAppId null answers luisAppId %v", got["luisAppId"])
	}
	wantStatus(t, patchProject(t, srv, "b", map[string]any{"luisAppId": testLUISAppID}), http.StatusOK)

	// Deleting b frees it.
	j := finish(t, srv, start(t, srv, "DELETE", "/projects/b?"+v3, nil))
	if j["status"] != "succeeded" {
		t.Fatalf("delete b: %v", j)
	}
	wantStatus(t, patchProject(t, srv, "a", map[string]any{"luisAppId": testLUISAppID}), http.StatusOK)
}

// TestEnsureLUISAppID is the call the LUIS import makes after importing.
func TestEnsureLUISAppID(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, nil)
	ctx := t.Context()
	ps := srv.Services.Projects
	if _, err := ps.EnsureLUISAppID(ctx, "nope", ""); err == nil {
		t.Errorf("EnsureLUISAppID of a missing project = nil error")
	}
	wantStatus(t, patchProject(t, srv, "a", newProjectBody("a")), http.StatusCreated)
	wantStatus(t, patchProject(t, srv, "b", newProjectBody("b")), http.StatusCreated)
	id, err := ps.EnsureLUISAppID(ctx, "a", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(id) != 36 || id[14] != '4' {
		t.Errorf("EnsureLUISAppID(a, \"\") = %q, want a random (v4) GUID", id)
	}
	if again, err := ps.EnsureLUISAppID(ctx, "a", ""); err != nil || again != id {
		t.Errorf("EnsureLUISAppID(a, \"\") again = %q, %v; want the id kept, %q", again, err, id)
	}
	if got, err := ps.EnsureLUISAppID(ctx, "a", "86226C53-B7A6-416F-876B-226B2B5AB07B"); err != nil || got != testLUISAppID {
		t.Errorf("EnsureLUISAppID(a, requested) = %q, %v; want %q", got, err, testLUISAppID)
	}
	if _, err := ps.EnsureLUISAppID(ctx, "b", testLUISAppID); err == nil {
		t.Errorf("EnsureLUISAppID(b, a's id) = nil error, want a conflict")
	}
	if _, err := ps.EnsureLUISAppID(ctx, "b", "x"); err == nil {
		t.Errorf("EnsureLUISAppID(b, \"x\") = nil error, want invalid")
	}
	if got := getJSON(t, srv, "/projects/a?"+v3); got["luisAppId"] != testLUISAppID {
		t.Errorf("GET project a luisAppId = %v, want %s", got["luisAppId"], testLUISAppID)
	}
}

// TestLUISAppIDSurvivesImport: importing a project file again replaces the
// content, not the app id, and the export does not carry it (it is no
// member of the CLU project file).
func TestLUISAppIDSurvivesImport(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, nil)
	file := []byte(luisPrebuiltProject)
	importProject(t, srv, "luisprebuilt", file)
	wantStatus(t, patchProject(t, srv, "luisprebuilt", map[string]any{"luisAppId": testLUISAppID}), http.StatusOK)
	importProject(t, srv, "luisprebuilt", file)
	if got := getJSON(t, srv, "/projects/luisprebuilt?"+v3); got["luisAppId"] != testLUISAppID {
		t.Errorf("after a second import luisAppId = %v, want %s kept", got["luisAppId"], testLUISAppID)
	}
	if out := export(t, srv, "luisprebuilt", v3); strings.Contains(string(out), testLUISAppID) {
		t.Errorf("the exported project file carries the app id: %s", out)
	}
}
