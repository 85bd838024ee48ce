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
	// aliases maps a path parameter of the route to the name the example
	// uses for it.
	aliases map[string]string
	// check, if set, checks what the comparison with the example cannot:
	// the answer's own consistency where the example's values are data.
	check func(s *suite, ex *example, resp *http.Response, body any)
}

// replays are the examples this suite replays. Every example file is here
// or in deviations.json's notCovered (TestEveryExampleAccountedFor).
var replays = []replayCase{
	{example: "SuccessfulListProjects.json", status: "200", operation: "ConversationalAnalysisAuthoring_ListProjects", seed: seedProjectsOfResponse("200")},
	{example: "SuccessfulGetProject.json", status: "200", operation: "ConversationalAnalysisAuthoring_GetProject", seed: seedProjectsOfResponse("200")},
	{example: "SuccessfulCreateProject.json", status: "201", operation: "ConversationalAnalysisAuthoring_CreateProject"},
	{example: "SuccessfulCreateProject.json", status: "200", operation: "ConversationalAnalysisAuthoring_CreateProject", seed: seedByCreateRequest},
	{example: "SuccessfulDeleteProject.json", status: "202", operation: "ConversationalAnalysisAuthoring_DeleteProject", seed: seedNamedProject},
	{example: "SuccessfulGetProjectDeletionStatus.json", status: "200", operation: "ConversationalAnalysisAuthoring_GetProjectDeletionStatus", seed: seedDeletionJob},
	{example: "SuccessfulExportProject.json", status: "202", operation: "ConversationalAnalysisAuthoring_Export", seed: seedImportedProject},
	{example: "SuccessfulGetExportStatus.json", status: "200", operation: "ConversationalAnalysisAuthoring_GetExportStatus", seed: seedExportJob},
	{example: "SuccessfulImportProject.json", status: "202", operation: "ConversationalAnalysisAuthoring_Import"},
	{example: "SuccessfulGetImportStatus.json", status: "200", operation: "ConversationalAnalysisAuthoring_GetImportStatus", seed: seedImportJob},
	{example: "SuccessfulTrainProject.json", status: "202", operation: "ConversationalAnalysisAuthoring_Train", seed: seedTrainableProject},
	{example: "SuccessfulGetTrainStatus.json", status: "200", operation: "ConversationalAnalysisAuthoring_GetTrainingStatus", seed: seedRunningTraining},
	{example: "SuccessfulListTrainingJobs.json", status: "200", operation: "ConversationalAnalysisAuthoring_ListTrainingJobs", seed: seedTrainingJobsOfResponse},
	{example: "SuccessfulCancelTrainingJob.json", status: "202", operation: "ConversationalAnalysisAuthoring_CancelTrainingJob", seed: seedCancellableTraining, check: checkCancelled},
	{example: "SuccessfulListModels.json", status: "200", operation: "ConversationalAnalysisAuthoring_ListTrainedModels", seed: seedModelsOfResponse},
	{example: "SuccessfulGetModel.json", status: "200", operation: "ConversationalAnalysisAuthoring_GetTrainedModel", seed: seedModelsOfResponse, aliases: map[string]string{"trainedModelLabel": "label"}},
	{example: "SuccessfulDeleteModel.json", status: "204", operation: "ConversationalAnalysisAuthoring_DeleteTrainedModel", seed: seedNamedModel},
	{example: "SuccessfulLoadSnapshot.json", status: "202", operation: "ConversationalAnalysisAuthoring_LoadSnapshot", seed: seedNamedModel},
	{example: "SuccessfulGetLoadSnapshotStatus.json", status: "200", operation: "ConversationalAnalysisAuthoring_GetLoadSnapshotStatus", seed: seedRunningLoadSnapshot},
	{example: "SuccessfulGetModelEvaluationSummary.json", status: "200", operation: "ConversationalAnalysisAuthoring_GetModelEvaluationSummary", seed: seedNamedModel},
	{example: "SuccessfulGetModelEvaluation.json", status: "200", operation: "ConversationalAnalysisAuthoring_GetModelEvaluationResults", seed: seedNamedModel, check: checkEvaluationPages},
	{example: "SuccessfulDeployProject.json", status: "202", operation: "ConversationalAnalysisAuthoring_DeployProject", seed: seedModelToDeploy, check: checkDeployed},
	{example: "SuccessfulGetDeploymentStatus.json", status: "200", operation: "ConversationalAnalysisAuthoring_GetDeploymentStatus", seed: seedDeployJob},
	{example: "SuccessfulGetDeployment.json", status: "200", operation: "ConversationalAnalysisAuthoring_GetDeployment", seed: seedDeploymentsOfResponse, check: checkDeploymentOfResponse},
	{example: "SuccessfulListDeployments.json", status: "200", operation: "ConversationalAnalysisAuthoring_ListDeployments", seed: seedDeploymentsOfResponse, check: checkDeploymentsOfResponse},
	{example: "SuccessfulDeleteDeployment.json", status: "202", operation: "ConversationalAnalysisAuthoring_DeleteDeployment", seed: seedNamedDeployment, check: checkUndeployed},
	{example: "SuccessfulSwapDeployments.json", status: "202", operation: "ConversationalAnalysisAuthoring_SwapDeployments", seed: seedSwappableDeployments, check: checkSwapJob},
	{example: "SuccessfulGetSwapDeploymentsStatus.json", status: "200", operation: "ConversationalAnalysisAuthoring_GetSwapDeploymentsStatus", seed: seedSwapJob, check: checkSwapped},
	{example: "SuccessfulGetSupportedLanguages.json", status: "200", operation: "ConversationalAnalysisAuthoring_GetSupportedLanguages"},
	{example: "SuccessfulGetSupportedPrebuiltEntities.json", status: "200", operation: "ConversationalAnalysisAuthoring_GetSupportedPrebuiltEntities"},
	{example: "SuccessfulGetSupportedTrainingConfigVersions.json", status: "200", operation: "ConversationalAnalysisAuthoring_ListTrainingConfigVersions"},

	// 2025-11-01 (VERSIONS.md §9).
	{example: assignExample, status: "202", operation: "ConversationalAnalysisAuthoring_AssignDeploymentResources", seed: seedNamedProject, check: checkAssigned},
	{example: "2025-11-01/SuccessfulGetAssignDeploymentResourcesStatus.json", status: "200", operation: "ConversationalAnalysisAuthoring_GetAssignDeploymentResourcesStatus", seed: seedAssignJob},
	{example: "2025-11-01/SuccessfulGetDeployment.json", status: "200", operation: "ConversationalAnalysisAuthoring_GetDeployment", seed: seedDeploymentsOfResponse, check: checkDeploymentOfResponse},
	{example: "2025-11-01/SuccessfulGetDeploymentDeleteFromResourcesStatus.json", status: "200", operation: "ConversationalAnalysisAuthoring_GetDeploymentDeleteFromResourcesStatus", seed: seedDeleteFromResourcesJob},
	{example: "2025-11-01/SuccessfulGetExportResult.json", status: "200", operation: "ConversationalAnalysisAuthoring_GetExportResult", seed: seedExportJobOfResult},
	{example: "2025-11-01/SuccessfulGetSupportedLanguages.json", status: "200", operation: "ConversationalAnalysisAuthoring_GetSupportedLanguages"},
	{example: "2025-11-01/SuccessfulGetUnassignDeploymentResourcesStatus.json", status: "200", operation: "ConversationalAnalysisAuthoring_GetUnassignDeploymentResourcesStatus", seed: seedUnassignJob},
	{example: "2025-11-01/SuccessfulListDeploymentResources.json", status: "200", operation: "ConversationalAnalysisAuthoring_ListDeploymentResources", seed: seedResourcesOfProject},
	{example: "2025-11-01/SuccessfulListDeployments.json", status: "200", operation: "ConversationalAnalysisAuthoring_ListDeployments", seed: seedDeploymentsOfResponse, check: checkDeploymentsOfResponse},
	{example: "2025-11-01/SuccessfulListProjectResources.json", status: "200", operation: "ConversationalAnalysisAuthoring_ListDeploymentResources", seed: seedResourcesOfProject},
	{example: unassignExample, status: "202", operation: "ConversationalAnalysisAuthoring_UnassignDeploymentResources", seed: seedResourcesOfProject, check: checkUnassigned},
	// 2025-11-15-preview.
	{example: "2025-11-15-preview/SuccessfulDeleteExportedModel.json", status: "202", operation: "ConversationAuthoringExportedModel_DeleteExportedModel", seed: seedExportedModel, check: checkExportedModelDeleted},
	{example: "2025-11-15-preview/SuccessfulGetExportResult.json", status: "200", operation: "ConversationalAnalysisAuthoring_GetExportResult", seed: seedExportJobOfResult},
	{example: "2025-11-15-preview/SuccessfulGetSupportedPrebuiltEntities.json", status: "200", operation: "ConversationalAnalysisAuthoring_GetSupportedPrebuiltEntities"},
	{example: "2025-11-15-preview/SuccessfulGetTrainStatus.json", status: "200", operation: "ConversationalAnalysisAuthoring_GetTrainingStatus", seed: seedRunningTraining},
	{example: "2025-11-15-preview/SuccessfulGetUnassignProjectResourcesStatus.json", status: "200", operation: "ConversationalAnalysisAuthoring_GetUnassignDeploymentResourcesStatus", seed: seedUnassignJob},
	{example: "2025-11-15-preview/SuccessfulImportProject.json", status: "202", operation: "ConversationalAnalysisAuthoring_Import"},
	{example: "2025-11-15-preview/SuccessfulListTrainingJobs.json", status: "200", operation: "ConversationalAnalysisAuthoring_ListTrainingJobs", seed: seedTrainingJobsOfResponse},
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
// PATCH can set, trains those that show lastTrainedDateTime and deploys
// those that show lastDeployedDateTime.
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
			if _, ok := p["lastTrainedDateTime"]; ok {
				s.trainProject(ex.apiVersion(s.t), members)
			}
			if _, ok := p["lastDeployedDateTime"]; ok {
				s.deployTrained(ex.apiVersion(s.t), members)
			}
			s.srv.Clock.Advance(time.Second)
		}
		return nil
	}
}

// seedByCreateRequest sends the create example once, so that sending it
// again updates the project (the example's 200), and trains and deploys
// the project if the example's 200 shows lastTrainedDateTime and
// lastDeployedDateTime.
func seedByCreateRequest(s *suite, ex *example) map[string]string {
	s.t.Helper()
	resp, body := s.send(ex, "ConversationalAnalysisAuthoring_CreateProject", nil, nil)
	if resp.StatusCode != http.StatusCreated {
		s.t.Fatalf("seeding: first PATCH = %d %s, want 201", resp.StatusCode, body)
	}
	s.srv.Clock.Advance(time.Second)
	b, _ := ex.response(s.t, "200").Body.(map[string]any)
	members, _ := ex.Parameters["body"].(map[string]any)
	if b["lastTrainedDateTime"] != nil {
		s.trainProject(ex.apiVersion(s.t), members)
	}
	if b["lastDeployedDateTime"] != nil {
		s.deployTrained(ex.apiVersion(s.t), members)
	}
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
			resp, raw := s.send(ex, tc.operation, override, tc.aliases)
			if got := resp.Status[:3]; got != tc.status {
				t.Fatalf("%s %s = %s %s, want %s", resp.Request.Method, resp.Request.URL, resp.Status, raw, tc.status)
			}
			n := normalizer{endpoint: s.srv.URL}
			allowed := devs.forResponse(tc.example, tc.status)
			findings := compareHeaders(want.Headers, resp, raw, n)
			var got any
			if want.Body != nil {
				if err := json.Unmarshal(raw, &got); err != nil {
					t.Fatalf("body %q is not JSON: %v", raw, err)
				}
				findings = append(findings, compareBody(want.Body, got, n, dataPathsOf(allowed))...)
			}
			unexcused, stale := excuse(findings, allowed)
			for _, f := range unexcused {
				t.Errorf("%s %s: %v", resp.Request.Method, resp.Request.URL.Path, f)
			}
			for _, dv := range stale {
				t.Errorf("deviation %s %s at %s is not observed any more: remove it from %s", dv.Kind, dv.Example, dv.Path, deviationsFile)
			}
			ids := jobIDs(resp.Header.Get("Operation-Location"), got)
			wantIDs := jobIDs(headerOf(want.Headers, "Operation-Location"), want.Body)
			if len(ids) != len(wantIDs) {
				t.Errorf("the answer names the job ids %v, the example %d distinct ones (a job document names one job, by one id)", ids, len(wantIDs))
			}
			// A job's status names the job; a job's result (an export's file) need not.
			if id, ok := override["jobId"]; ok && len(wantIDs) > 0 && !slices.Equal(ids, []string{id}) {
				t.Errorf("the status of job %s names the job ids %v", id, ids)
			}
			if resp.StatusCode == http.StatusAccepted && len(ids) != 1 {
				t.Errorf("operation-location %q names no job id of the service's shape", resp.Header.Get("Operation-Location"))
			}
			if tc.check != nil {
				tc.check(s, ex, resp, got)
			}
		})
	}
}
