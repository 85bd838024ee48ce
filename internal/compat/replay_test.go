package compat

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/parley-dev/parley/internal/api/apitest"
)

// replayCase replays one response of one example.
type replayCase struct {
	example   string // file name
	status    string // the example's response to compare with
	operation string // operationId in the route table
	// seed puts the server in the state the example assumes and returns
	// parameter values that replace the example's (server-generated ids).
	seed func(s *suite, ex *example) map[string]string
}

// replays are the examples this suite replays. Every example file is here
// or in deviations.json's notCovered (TestEveryExampleAccountedFor).
var replays = []replayCase{
	{"SuccessfulListProjects.json", "200", "ConversationalAnalysisAuthoring_ListProjects", seedProjectsOfResponse("200")},
	{"SuccessfulGetProject.json", "200", "ConversationalAnalysisAuthoring_GetProject", seedProjectsOfResponse("200")},
	{"SuccessfulCreateProject.json", "201", "ConversationalAnalysisAuthoring_CreateProject", nil},
	{"SuccessfulCreateProject.json", "200", "ConversationalAnalysisAuthoring_CreateProject", seedByCreateRequest},
	{"SuccessfulDeleteProject.json", "202", "ConversationalAnalysisAuthoring_DeleteProject", seedNamedProject},
	{"SuccessfulGetProjectDeletionStatus.json", "200", "ConversationalAnalysisAuthoring_GetProjectDeletionStatus", seedDeletionJob},
	{"SuccessfulExportProject.json", "202", "ConversationalAnalysisAuthoring_Export", seedImportedProject},
	{"SuccessfulGetExportStatus.json", "200", "ConversationalAnalysisAuthoring_GetExportStatus", seedExportJob},
	{"SuccessfulImportProject.json", "202", "ConversationalAnalysisAuthoring_Import", nil},
	{"SuccessfulGetImportStatus.json", "200", "ConversationalAnalysisAuthoring_GetImportStatus", seedImportJob},
	{"SuccessfulGetSupportedLanguages.json", "200", "ConversationalAnalysisAuthoring_GetSupportedLanguages", nil},
	{"SuccessfulGetSupportedPrebuiltEntities.json", "200", "ConversationalAnalysisAuthoring_GetSupportedPrebuiltEntities", nil},
	{"SuccessfulGetSupportedTrainingConfigVersions.json", "200", "ConversationalAnalysisAuthoring_ListTrainingConfigVersions", nil},
}

// suite is one replay's server and what it needs to send examples.
type suite struct {
	t      *testing.T
	srv    *apitest.Server
	routes map[string]route
}

// send sends an example's request for an operation and returns the
// response with its body read.
func (s *suite) send(ex *example, operation string, override, aliases map[string]string) (*http.Response, []byte) {
	s.t.Helper()
	rt, ok := s.routes[operation]
	if !ok {
		s.t.Fatalf("operation %s is not in %s", operation, routesFile)
	}
	resp, err := s.srv.Client().Do(ex.request(s.t, s.srv.URL, rt, override, aliases))
	if err != nil {
		s.t.Fatal(err)
	}
	return resp, apitest.ReadBody(s.t, resp)
}

// startJob sends an example that starts a job and returns the job's id,
// from the operation-location of the 202.
func (s *suite) startJob(file, operation string, override map[string]string) string {
	s.t.Helper()
	resp, body := s.send(loadExample(s.t, file), operation, override, nil)
	if resp.StatusCode != http.StatusAccepted {
		s.t.Fatalf("seeding: %s %s = %d %s, want 202", resp.Request.Method, resp.Request.URL, resp.StatusCode, body)
	}
	id := jobIDPattern.FindString(resp.Header.Get("Operation-Location"))
	if id == "" {
		s.t.Fatalf("seeding: %s: operation-location %q has no job id", file, resp.Header.Get("Operation-Location"))
	}
	return id
}

// runJobs runs the queued jobs to their end.
func (s *suite) runJobs() {
	s.t.Helper()
	if s.srv.RunJobs(s.t.Context()) == 0 {
		s.t.Fatal("seeding: no job ran")
	}
}

// createProject creates a project by PATCH with the given members.
func (s *suite) createProject(apiVersion string, members map[string]any) {
	s.t.Helper()
	name, _ := members["projectName"].(string)
	resp := s.srv.Do("PATCH", "/projects/"+name+"?api-version="+apiVersion, members)
	if resp.StatusCode != http.StatusCreated {
		s.t.Fatalf("seeding: PATCH project %q = %d %s, want 201", name, resp.StatusCode, apitest.ReadBody(s.t, resp))
	}
	resp.Body.Close()
}

// creatable are the ProjectMetadata members a PATCH can set (AUTHORING.md
// §5.1.3).
var creatable = []string{"projectName", "projectKind", "language", "description", "multilingual", "settings", "storageInputContainerName"}

// seedProjectsOfResponse creates the projects an example's response shows
// (a list's items, or the one project), oldest first, with the members a
// PATCH can set.
func seedProjectsOfResponse(status string) func(s *suite, ex *example) map[string]string {
	return func(s *suite, ex *example) map[string]string {
		s.t.Helper()
		body, _ := ex.response(s.t, status).Body.(map[string]any)
		items := []any{body}
		if list, ok := body["value"].([]any); ok {
			items = slices.Clone(list)
			slices.Reverse(items) // lists show the newest first
		}
		for _, it := range items {
			p, _ := it.(map[string]any)
			members := map[string]any{}
			for _, k := range creatable {
				if v, ok := p[k]; ok {
					members[k] = v
				}
			}
			s.createProject(ex.apiVersion(s.t), members)
			s.srv.Clock.Advance(time.Second)
		}
		return nil
	}
}

// seedByCreateRequest sends the create example once, so that sending it
// again updates the project (the example's 200).
func seedByCreateRequest(s *suite, ex *example) map[string]string {
	s.t.Helper()
	resp, body := s.send(ex, "ConversationalAnalysisAuthoring_CreateProject", nil, nil)
	if resp.StatusCode != http.StatusCreated {
		s.t.Fatalf("seeding: first PATCH = %d %s, want 201", resp.StatusCode, body)
	}
	s.srv.Clock.Advance(time.Second)
	return nil
}

// seedNamedProject creates the project the example names.
func seedNamedProject(s *suite, ex *example) map[string]string {
	s.t.Helper()
	name, _ := ex.param("projectName")
	s.createProject(ex.apiVersion(s.t), map[string]any{"projectName": name, "projectKind": "Conversation", "language": "en"})
	return nil
}

// seedDeletionJob deletes a project as SuccessfulDeleteProject does and
// runs the deletion job.
func seedDeletionJob(s *suite, _ *example) map[string]string {
	s.t.Helper()
	const file = "SuccessfulDeleteProject.json"
	seedNamedProject(s, loadExample(s.t, file))
	id := s.startJob(file, "ConversationalAnalysisAuthoring_DeleteProject", nil)
	s.runJobs()
	return map[string]string{"jobId": id}
}

// seedImportedProject imports the project of SuccessfulImportProject
// (EmailApp, the project the export and job examples name).
func seedImportedProject(s *suite, ex *example) map[string]string {
	s.t.Helper()
	const file = "SuccessfulImportProject.json"
	imp := loadExample(s.t, file)
	if a, b := mustParam(s.t, imp, "projectName"), mustParam(s.t, ex, "projectName"); a != b {
		s.t.Fatalf("seeding: %s imports %q, but %s names %q", file, a, ex.File, b)
	}
	s.startJob(file, "ConversationalAnalysisAuthoring_Import", nil)
	s.runJobs()
	return nil
}

// seedExportJob exports the imported project as SuccessfulExportProject
// does, and runs the export.
func seedExportJob(s *suite, ex *example) map[string]string {
	s.t.Helper()
	seedImportedProject(s, ex)
	id := s.startJob("SuccessfulExportProject.json", "ConversationalAnalysisAuthoring_Export", nil)
	s.runJobs()
	return map[string]string{"jobId": id}
}

// seedImportJob imports as SuccessfulImportProject does and runs the job.
func seedImportJob(s *suite, _ *example) map[string]string {
	s.t.Helper()
	id := s.startJob("SuccessfulImportProject.json", "ConversationalAnalysisAuthoring_Import", nil)
	s.runJobs()
	return map[string]string{"jobId": id}
}

func mustParam(t testing.TB, ex *example, name string) string {
	t.Helper()
	v, ok := ex.param(name)
	if !ok {
		t.Fatalf("%s has no parameter %s", ex.File, name)
	}
	return v
}

// TestExamples replays the spec's examples: seed, send the example's
// request, and compare status, headers and body with the example's
// response, allowing only the differences deviations.json lists.
func TestExamples(t *testing.T) {
	t.Parallel()
	devs := loadDeviations(t)
	routes := routeByOperation(t, loadRoutes(t))
	for _, tc := range replays {
		t.Run(tc.example+"/"+tc.status, func(t *testing.T) {
			t.Parallel()
			ex := loadExample(t, tc.example)
			want := ex.response(t, tc.status)
			s := &suite{t: t, srv: apitest.New(t, nil), routes: routes}
			var override map[string]string
			if tc.seed != nil {
				override = tc.seed(s, ex)
			}
			resp, raw := s.send(ex, tc.operation, override, nil)
			if got := resp.Status[:3]; got != tc.status {
				t.Fatalf("%s %s = %s %s, want %s", resp.Request.Method, resp.Request.URL, resp.Status, raw, tc.status)
			}
			n := normalizer{endpoint: s.srv.URL}
			findings := compareHeaders(want.Headers, resp, raw, n)
			var got any
			if want.Body != nil {
				if err := json.Unmarshal(raw, &got); err != nil {
					t.Fatalf("body %q is not JSON: %v", raw, err)
				}
				findings = append(findings, compareBody(want.Body, got, n)...)
			}
			unexcused, stale := excuse(findings, devs.forResponse(tc.example, tc.status))
			for _, f := range unexcused {
				t.Errorf("%s %s: %v", resp.Request.Method, resp.Request.URL.Path, f)
			}
			for _, dv := range stale {
				t.Errorf("deviation %s %s at %s is not observed any more: remove it from %s", dv.Kind, dv.Example, dv.Path, deviationsFile)
			}
			ids := jobIDs(resp, got)
			if len(ids) > 1 {
				t.Errorf("the answer names several job ids %v; one job, one id", ids)
			}
			if id, ok := override["jobId"]; ok && !slices.Equal(ids, []string{id}) {
				t.Errorf("the status of job %s names the job ids %v", id, ids)
			}
			if resp.StatusCode == http.StatusAccepted && len(ids) != 1 {
				t.Errorf("operation-location %q names no job id of the service's shape", resp.Header.Get("Operation-Location"))
			}
		})
	}
}
