package compat

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/parley-dev/parley/internal/api/apitest"
	"github.com/parley-dev/parley/internal/job"
)

// Seeding for the deployment examples. They name EmailApp too: the suite
// seeds it as for the training examples, trains the models the examples
// deploy, and deploys them by PUT as SuccessfulDeployProject does.

const (
	deployExample = "SuccessfulDeployProject.json"
	swapExample   = "SuccessfulSwapDeployments.json"
)

// swapModels are the models the two deployments of SuccessfulSwapDeployments
// serve before the swap, first and second: different, so that the swap
// shows.
var swapModels = [2]string{"model1", "model2"}

// deploy deploys a trained model of a project under a deployment name by
// PUT, runs the deploy job to its end, and returns the job's id.
func (s *suite) deploy(projectName, apiVersion, deployment, label string) string {
	s.t.Helper()
	path := "/projects/" + url.PathEscape(projectName) + "/deployments/" + url.PathEscape(deployment) + "?api-version=" + apiVersion
	resp := s.srv.Do("PUT", path, map[string]any{"trainedModelLabel": label})
	raw := apitest.ReadBody(s.t, resp)
	loc := resp.Header.Get("Operation-Location")
	id := jobIDPattern.FindString(loc)
	if resp.StatusCode != http.StatusAccepted || id == "" {
		s.t.Fatalf("seeding: deploy %s of %s as %s = %d %s (operation-location %q), want 202 and a job", label, projectName, deployment, resp.StatusCode, raw, loc)
	}
	s.runJobs()
	st := s.srv.Do("GET", loc, nil)
	if body := apitest.ReadJSON(s.t, st); body["status"] != string(job.StatusSucceeded) {
		s.t.Fatalf("seeding: deploy %s of %s as %s: job %s", label, projectName, deployment, brief(body))
	}
	s.srv.Clock.Advance(time.Minute)
	return id
}

// deployEmailApp deploys a trained model of the EmailApp that the training
// examples train, at their api-version.
func (s *suite) deployEmailApp(deployment, label string) string {
	s.t.Helper()
	ex := loadExample(s.t, trainExample)
	return s.deploy(mustParam(s.t, ex, "projectName"), ex.apiVersion(s.t), deployment, label)
}

// deployTrained deploys the model that trainProject trained of a project
// that PATCH created, as the project examples that show
// lastDeployedDateTime assume, under the name SuccessfulDeployProject
// deploys to.
func (s *suite) deployTrained(apiVersion string, metadata map[string]any) {
	s.t.Helper()
	name, _ := metadata["projectName"].(string)
	s.deploy(name, apiVersion, deployedName(s), trainedLabel(s))
}

// trainedLabel is the model label SuccessfulTrainProject trains.
func trainedLabel(s *suite) string {
	s.t.Helper()
	body, _ := loadExample(s.t, trainExample).Parameters["body"].(map[string]any)
	label, _ := body["modelLabel"].(string)
	if label == "" {
		s.t.Fatalf("%s has no modelLabel in its body", trainExample)
	}
	return label
}

// deployedName is the deployment SuccessfulDeployProject deploys to.
func deployedName(s *suite) string {
	s.t.Helper()
	return mustParam(s.t, loadExample(s.t, deployExample), "deploymentName")
}

// deployedLabel is the model SuccessfulDeployProject deploys.
func deployedLabel(s *suite) string {
	s.t.Helper()
	body, _ := loadExample(s.t, deployExample).Parameters["body"].(map[string]any)
	label, _ := body["trainedModelLabel"].(string)
	if label == "" {
		s.t.Fatalf("%s has no trainedModelLabel in its body", deployExample)
	}
	return label
}

// seedModelToDeploy trains the model SuccessfulDeployProject deploys.
func seedModelToDeploy(s *suite, ex *example) map[string]string {
	s.t.Helper()
	seedTrainableProject(s, ex)
	s.trainModels(deployedLabel(s))
	return nil
}

// seedDeployJob deploys as SuccessfulDeployProject does and runs the job.
func seedDeployJob(s *suite, ex *example) map[string]string {
	s.t.Helper()
	if a, b := deployedName(s), mustParam(s.t, ex, "deploymentName"); a != b {
		s.t.Fatalf("seeding: %s deploys %q, but %s names %q", deployExample, a, ex.File, b)
	}
	seedModelToDeploy(s, ex)
	id := s.startJob(deployExample, "ConversationalAnalysisAuthoring_DeployProject", nil)
	s.runJobs()
	return map[string]string{"jobId": id}
}

// seedDeploymentsOfResponse deploys the deployments an example's response
// shows (a list's items, or the one deployment), in the order they were
// deployed, with the models their modelIds name.
func seedDeploymentsOfResponse(s *suite, ex *example) map[string]string {
	s.t.Helper()
	seedTrainableProject(s, ex)
	body, _ := ex.response(s.t, "200").Body.(map[string]any)
	items := []any{body}
	if list, ok := body["value"].([]any); ok {
		items = slices.Clone(list)
	}
	deployed := func(it any) string {
		m, _ := it.(map[string]any)
		d, _ := m["lastDeployedDateTime"].(string)
		return d
	}
	slices.SortStableFunc(items, func(a, b any) int { return cmp.Compare(deployed(a), deployed(b)) })
	var labels []string
	for _, it := range items {
		if l := labelOf(s, it); !slices.Contains(labels, l) {
			labels = append(labels, l)
		}
	}
	s.trainModels(labels...)
	for _, it := range items {
		m, _ := it.(map[string]any)
		name, _ := m["deploymentName"].(string)
		s.deployEmailApp(name, labelOf(s, it))
	}
	return nil
}

// labelOf is the label of the model a deployment of an example serves:
// its modelId without the training time and random part.
func labelOf(s *suite, deployment any) string {
	s.t.Helper()
	m, _ := deployment.(map[string]any)
	id, _ := m["modelId"].(string)
	label := modelIDTail.ReplaceAllString(id, "")
	if label == id || label == "" {
		s.t.Fatalf("seeding: the modelId %q of %s is not a model id", id, brief(deployment))
	}
	return label
}

// seedNamedDeployment deploys the model SuccessfulTrainProject trains under
// the deployment name the example names.
func seedNamedDeployment(s *suite, ex *example) map[string]string {
	s.t.Helper()
	seedTrainableProject(s, ex)
	label := trainedLabel(s)
	s.trainModels(label)
	s.deployEmailApp(mustParam(s.t, ex, "deploymentName"), label)
	return nil
}

// swapNames are the deployments SuccessfulSwapDeployments swaps.
func swapNames(s *suite) [2]string {
	s.t.Helper()
	body, _ := loadExample(s.t, swapExample).Parameters["body"].(map[string]any)
	first, _ := body["firstDeploymentName"].(string)
	second, _ := body["secondDeploymentName"].(string)
	if first == "" || second == "" {
		s.t.Fatalf("%s does not name two deployments in its body", swapExample)
	}
	return [2]string{first, second}
}

// seedSwappableDeployments deploys the two deployments that
// SuccessfulSwapDeployments swaps, with swapModels.
func seedSwappableDeployments(s *suite, ex *example) map[string]string {
	s.t.Helper()
	seedTrainableProject(s, ex)
	s.trainModels(swapModels[:]...)
	for i, name := range swapNames(s) {
		s.deployEmailApp(name, swapModels[i])
	}
	return nil
}

// seedSwapJob swaps as SuccessfulSwapDeployments does and runs the job.
func seedSwapJob(s *suite, ex *example) map[string]string {
	s.t.Helper()
	seedSwappableDeployments(s, ex)
	id := s.startJob(swapExample, "ConversationalAnalysisAuthoring_SwapDeployments", nil)
	s.runJobs()
	return map[string]string{"jobId": id}
}

// followJob follows the operation-location of a 202 as a poller does: the
// job is there before it runs, and has succeeded once the server ran it.
// It returns the last job document.
func (s *suite) followJob(resp *http.Response) map[string]any {
	s.t.Helper()
	loc := resp.Header.Get("Operation-Location")
	before := s.srv.Do("GET", loc, nil)
	if before.StatusCode != http.StatusOK {
		s.t.Fatalf("GET operation-location %s before the job ran = %d %s, want 200", loc, before.StatusCode, apitest.ReadBody(s.t, before))
	}
	if body := apitest.ReadJSON(s.t, before); body["status"] != string(job.StatusNotStarted) {
		s.t.Errorf("GET operation-location %s before the job ran: status %v, want %s", loc, body["status"], job.StatusNotStarted)
	}
	s.runJobs()
	after := s.srv.Do("GET", loc, nil)
	if after.StatusCode != http.StatusOK {
		s.t.Fatalf("GET operation-location %s after the job ran = %d %s, want 200", loc, after.StatusCode, apitest.ReadBody(s.t, after))
	}
	body := apitest.ReadJSON(s.t, after)
	if body["status"] != string(job.StatusSucceeded) {
		s.t.Fatalf("GET operation-location %s after the job ran: %s, want status %s", loc, brief(body), job.StatusSucceeded)
	}
	return body
}

// getDeployment gets a deployment of EmailApp.
func (s *suite) getDeployment(name string) (int, map[string]any) {
	s.t.Helper()
	resp := s.srv.Do("GET", s.trainingPath("/deployments/"+url.PathEscape(name)), nil)
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, nil
	}
	return resp.StatusCode, apitest.ReadJSON(s.t, resp)
}

// checkDeploymentOfModel checks a deployment of EmailApp against the model
// it serves: the model's id, training time and config version, and an
// expiration twelve months after the model's (AUTHORING.md §6.2).
func (s *suite) checkDeploymentOfModel(got map[string]any, name, label string) {
	s.t.Helper()
	resp := s.srv.Do("GET", s.trainingPath("/models/"+url.PathEscape(label)), nil)
	if resp.StatusCode != http.StatusOK {
		s.t.Fatalf("GET model %s = %d %s", label, resp.StatusCode, apitest.ReadBody(s.t, resp))
	}
	model := apitest.ReadJSON(s.t, resp)
	expires := "(model expiration not a date)"
	if d, err := time.Parse(time.DateOnly, fmt.Sprint(model["modelExpirationDate"])); err == nil {
		expires = d.AddDate(1, 0, 0).Format(time.DateOnly)
	}
	for _, c := range []struct{ member, want string }{
		{"deploymentName", name},
		{"modelId", fmt.Sprint(model["modelId"])},
		{"lastTrainedDateTime", fmt.Sprint(model["lastTrainedDateTime"])},
		{"modelTrainingConfigVersion", fmt.Sprint(model["modelTrainingConfigVersion"])},
		{"deploymentExpirationDate", expires},
	} {
		if g := fmt.Sprint(got[c.member]); g != c.want {
			s.t.Errorf("deployment %s serving model %s: %s = %q, want %q", name, label, c.member, g, c.want)
		}
	}
	if d, _ := got["lastDeployedDateTime"].(string); !timePattern.MatchString(d) {
		s.t.Errorf("deployment %s: lastDeployedDateTime = %s, want a date-time", name, brief(got["lastDeployedDateTime"]))
	}
}

// checkDeployed follows the deploy job to its end; then, as the Python SDK
// does after a PUT (AUTHORING.md §3.4), GETs the PUT's own URL, which
// answers the deployment of the model deployed, with the members of
// SuccessfulGetDeployment's.
func checkDeployed(s *suite, ex *example, resp *http.Response, _ any) {
	s.t.Helper()
	s.followJob(resp)
	u := resp.Request.URL.String()
	final := s.srv.Do("GET", u, nil)
	if final.StatusCode != http.StatusOK {
		s.t.Fatalf("GET %s (the PUT's URL) after the deploy job = %d %s, want 200 and the deployment", u, final.StatusCode, apitest.ReadBody(s.t, final))
	}
	got := apitest.ReadJSON(s.t, final)
	s.checkDeploymentOfModel(got, mustParam(s.t, ex, "deploymentName"), deployedLabel(s))
	want := loadExample(s.t, "SuccessfulGetDeployment.json").response(s.t, "200").Body
	for _, f := range compareBody(want, any(got), normalizer{endpoint: s.srv.URL}, dataPaths{}) {
		if f.Kind == "missingKey" || f.Kind == "extraKey" || f.Kind == "type" {
			s.t.Errorf("GET %s: %v (compared with SuccessfulGetDeployment.json)", u, f)
		}
	}
}

// checkDeploymentOfResponse checks the deployment the answer shows against
// the model it serves (the example's modelTrainingConfigVersion is not its
// model's: AUTHORING.md §11).
func checkDeploymentOfResponse(s *suite, ex *example, _ *http.Response, body any) {
	s.t.Helper()
	got, _ := body.(map[string]any)
	s.checkDeploymentOfModel(got, mustParam(s.t, ex, "deploymentName"), labelOf(s, ex.response(s.t, "200").Body))
}

// checkDeploymentsOfResponse checks each deployment listed against the
// model it serves.
func checkDeploymentsOfResponse(s *suite, ex *example, _ *http.Response, body any) {
	s.t.Helper()
	want, _ := ex.response(s.t, "200").Body.(map[string]any)
	wantItems, _ := want["value"].([]any)
	page, _ := body.(map[string]any)
	items, _ := page["value"].([]any)
	for i := range min(len(items), len(wantItems)) {
		got, _ := items[i].(map[string]any)
		w, _ := wantItems[i].(map[string]any)
		name, _ := w["deploymentName"].(string)
		s.checkDeploymentOfModel(got, name, labelOf(s, w))
	}
}

// checkUndeployed follows the delete job to its end: then the deployment
// is gone (404 NotFound) and the job stays at its URL, a deployment job's.
func checkUndeployed(s *suite, ex *example, resp *http.Response, _ any) {
	s.t.Helper()
	s.followJob(resp)
	name := mustParam(s.t, ex, "deploymentName")
	r := s.srv.Do("GET", s.trainingPath("/deployments/"+url.PathEscape(name)), nil)
	var e struct {
		Error struct{ Code string } `json:"error"`
	}
	raw := apitest.ReadBody(s.t, r)
	if err := json.Unmarshal(raw, &e); err != nil || r.StatusCode != http.StatusNotFound || e.Error.Code != "NotFound" {
		s.t.Errorf("GET deployment %s after the delete job = %d %s, want 404 NotFound", name, r.StatusCode, raw)
	}
}

// checkSwapJob follows the swap job to its end, then checks the swap.
func checkSwapJob(s *suite, ex *example, resp *http.Response, body any) {
	s.t.Helper()
	s.followJob(resp)
	checkSwapped(s, ex, resp, body)
}

// checkSwapped checks that the deployments swapped their models.
func checkSwapped(s *suite, _ *example, _ *http.Response, _ any) {
	s.t.Helper()
	names := swapNames(s)
	for i, name := range names {
		code, got := s.getDeployment(name)
		if code != http.StatusOK {
			s.t.Fatalf("GET deployment %s after the swap = %d, want 200", name, code)
		}
		s.checkDeploymentOfModel(got, name, swapModels[1-i])
	}
}
