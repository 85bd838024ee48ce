package compat

import (
	"net/http"
	"net/url"
	"slices"

	"github.com/parley-dev/parley/internal/api/apitest"
)

// Seeding for the examples of the 2025-11 api-versions (VERSIONS.md §9):
// resource assignment, the export result, exported models. They are kept
// in folders named after their api-version and replayed at it; the other
// examples of those folders reuse the seeds of the 2023 files.

const (
	assignExample   = "2025-11-01/SuccessfulAssignDeploymentResources.json"
	unassignExample = "2025-11-01/SuccessfulUnassignDeploymentResources.json"
)

// seedAssignedResources creates the project the example names and assigns
// it the resources of the assign example, running the job; it returns that
// job's id.
func seedAssignedResources(s *suite, ex *example) string {
	s.t.Helper()
	seedNamedProject(s, ex)
	return s.assignResources(ex)
}

// assignResources sends the assign example to the project the example
// names, which exists, and runs the job; it returns the job's id.
func (s *suite) assignResources(ex *example) string {
	s.t.Helper()
	assign := loadExample(s.t, assignExample)
	if a, b := mustParam(s.t, assign, "projectName"), mustParam(s.t, ex, "projectName"); a != b {
		s.t.Fatalf("seeding: %s assigns to %q, but %s names %q", assignExample, a, ex.File, b)
	}
	id := s.startJob(assignExample, "ConversationalAnalysisAuthoring_AssignDeploymentResources", nil)
	s.runJobs()
	return id
}

// seedResourcesOfProject assigns the resources the assign example does.
func seedResourcesOfProject(s *suite, ex *example) map[string]string {
	s.t.Helper()
	seedAssignedResources(s, ex)
	return nil
}

// seedAssignJob gives the assign example's job, finished.
func seedAssignJob(s *suite, ex *example) map[string]string {
	s.t.Helper()
	return map[string]string{"jobId": seedAssignedResources(s, ex)}
}

// seedUnassignJob assigns and then unassigns as the two examples do.
func seedUnassignJob(s *suite, ex *example) map[string]string {
	s.t.Helper()
	seedAssignedResources(s, ex)
	id := s.startJob(unassignExample, "ConversationalAnalysisAuthoring_UnassignDeploymentResources", nil)
	s.runJobs()
	return map[string]string{"jobId": id}
}

// seedDeleteFromResourcesJob deploys the deployment the example names,
// records the assigned resources on it by deploying with them, and removes
// them from it, running each job.
func seedDeleteFromResourcesJob(s *suite, ex *example) map[string]string {
	s.t.Helper()
	seedNamedDeployment(s, ex)
	s.assignResources(ex)
	base := "/projects/" + url.PathEscape(mustParam(s.t, ex, "projectName")) + "/deployments/" + url.PathEscape(mustParam(s.t, ex, "deploymentName"))
	v := "?api-version=" + ex.apiVersion(s.t)
	resp := s.srv.Do("PUT", base+v, map[string]any{"trainedModelLabel": trainedLabel(s), "assignedResourceIds": assignedIDs(s)})
	if raw := apitest.ReadBody(s.t, resp); resp.StatusCode != http.StatusAccepted {
		s.t.Fatalf("seeding: deploy with resources = %d %s, want 202", resp.StatusCode, raw)
	}
	s.runJobs()
	resp = s.srv.Do("POST", base+"/:delete-from-resources"+v, map[string]any{"assignedResourceIds": assignedIDs(s)[:1]})
	raw := apitest.ReadBody(s.t, resp)
	id := jobIDPattern.FindString(resp.Header.Get("Operation-Location"))
	if resp.StatusCode != http.StatusAccepted || id == "" {
		s.t.Fatalf("seeding: delete-from-resources = %d %s, want 202 and a job", resp.StatusCode, raw)
	}
	s.runJobs()
	return map[string]string{"jobId": id}
}

// assignedIDs are the resource ids the assign example assigns, in its
// order.
func assignedIDs(s *suite) []string {
	s.t.Helper()
	body, _ := loadExample(s.t, assignExample).Parameters["body"].(map[string]any)
	items, _ := body["resourcesMetadata"].([]any)
	var ids []string
	for _, it := range items {
		m, _ := it.(map[string]any)
		id, _ := m["azureResourceId"].(string)
		ids = append(ids, id)
	}
	if len(ids) < 2 {
		s.t.Fatalf("%s assigns %v; the seeds need two resources", assignExample, ids)
	}
	return ids
}

// projectResourceIDs lists the ids GET …/resources answers for the
// example's project, in order.
func (s *suite) projectResourceIDs(ex *example) []string {
	s.t.Helper()
	resp := s.srv.Do("GET", "/projects/"+url.PathEscape(mustParam(s.t, ex, "projectName"))+"/resources?api-version="+ex.apiVersion(s.t), nil)
	if resp.StatusCode != http.StatusOK {
		s.t.Fatalf("GET resources = %d %s", resp.StatusCode, apitest.ReadBody(s.t, resp))
	}
	var ids []string
	items, _ := apitest.ReadJSON(s.t, resp)["value"].([]any)
	for _, it := range items {
		m, _ := it.(map[string]any)
		id, _ := m["azureResourceId"].(string)
		ids = append(ids, id)
	}
	return ids
}

// checkAssigned follows the assign job: then the project lists the
// example's resources.
func checkAssigned(s *suite, ex *example, resp *http.Response, _ any) {
	s.t.Helper()
	s.followJob(resp)
	if got, want := s.projectResourceIDs(ex), assignedIDs(s); !slices.Equal(got, want) {
		s.t.Errorf("resources after the assign job = %v, want %v", got, want)
	}
}

// checkUnassigned follows the unassign job: then the project lists the
// resources the example did not unassign.
func checkUnassigned(s *suite, ex *example, resp *http.Response, _ any) {
	s.t.Helper()
	s.followJob(resp)
	body, _ := ex.Parameters["body"].(map[string]any)
	gone, _ := body["assignedResourceIds"].([]any)
	want := slices.DeleteFunc(assignedIDs(s), func(id string) bool { return slices.Contains(gone, any(id)) })
	if got := s.projectResourceIDs(ex); !slices.Equal(got, want) {
		s.t.Errorf("resources after the unassign job = %v, want %v", got, want)
	}
}

// seedExportJobOfResult creates the project an export result shows, with
// the metadata a PATCH can set, exports it at the example's api-version and
// runs the export.
func seedExportJobOfResult(s *suite, ex *example) map[string]string {
	s.t.Helper()
	body, _ := ex.response(s.t, "200").Body.(map[string]any)
	meta, _ := body["metadata"].(map[string]any)
	members := map[string]any{}
	for _, k := range creatable {
		if v, ok := meta[k]; ok {
			members[k] = v
		}
	}
	if members["projectName"] != mustParam(s.t, ex, "projectName") {
		s.t.Fatalf("seeding: %s exports %v but names %q", ex.File, members["projectName"], mustParam(s.t, ex, "projectName"))
	}
	s.createProject(ex.apiVersion(s.t), members)
	resp := s.srv.Do("POST", "/projects/"+url.PathEscape(mustParam(s.t, ex, "projectName"))+"/:export?stringIndexType=Utf16CodeUnit&api-version="+ex.apiVersion(s.t), nil)
	raw := apitest.ReadBody(s.t, resp)
	id := jobIDPattern.FindString(resp.Header.Get("Operation-Location"))
	if resp.StatusCode != http.StatusAccepted || id == "" {
		s.t.Fatalf("seeding: export = %d %s, want 202 and a job", resp.StatusCode, raw)
	}
	s.runJobs()
	return map[string]string{"jobId": id}
}

// seedExportedModel trains a model of the project the example names and
// exports it under the example's exported model name.
func seedExportedModel(s *suite, ex *example) map[string]string {
	s.t.Helper()
	v := ex.apiVersion(s.t)
	meta := map[string]any{"projectName": mustParam(s.t, ex, "projectName"), "projectKind": "Conversation", "language": "en"}
	s.createProject(v, meta)
	s.trainProject(v, meta)
	path := "/projects/" + url.PathEscape(mustParam(s.t, ex, "projectName")) + "/exported-models/" + url.PathEscape(mustParam(s.t, ex, "exportedModelName")) + "?api-version=" + v
	resp := s.srv.Do("PUT", path, map[string]any{"trainedModelLabel": trainedLabel(s)})
	if raw := apitest.ReadBody(s.t, resp); resp.StatusCode != http.StatusAccepted {
		s.t.Fatalf("seeding: PUT exported model = %d %s, want 202", resp.StatusCode, raw)
	}
	s.runJobs()
	if got := s.srv.Do("GET", path, nil); got.StatusCode != http.StatusOK {
		s.t.Fatalf("seeding: GET exported model after its job = %d %s", got.StatusCode, apitest.ReadBody(s.t, got))
	}
	return nil
}

// checkExportedModelDeleted follows the delete job: then the exported model
// is gone.
func checkExportedModelDeleted(s *suite, ex *example, resp *http.Response, _ any) {
	s.t.Helper()
	s.followJob(resp)
	got := s.srv.Do("GET", resp.Request.URL.String(), nil)
	if raw := apitest.ReadBody(s.t, got); got.StatusCode != http.StatusNotFound {
		s.t.Errorf("GET %s after the delete job = %d %s, want 404", resp.Request.URL.Path, got.StatusCode, raw)
	}
}
