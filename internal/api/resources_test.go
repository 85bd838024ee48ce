package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parley-dev/parley/internal/api/apitest"
	"github.com/parley-dev/parley/internal/azerr"
	"github.com/parley-dev/parley/internal/project"
)

const (
	vRes  = "api-version=2022-10-01-preview"
	vRes6 = "api-version=2025-05-15-preview"
)

func resource(id, region string) map[string]any {
	return map[string]any{"azureResourceId": id, "customDomain": id + ".cognitiveservices.azure.com", "region": region}
}

func createEmptyProject(t testing.TB, srv *apitest.Server, name string) {
	t.Helper()
	resp := srv.Do("PATCH", "/projects/"+name+"?"+vRes, map[string]any{"projectName": name, "projectKind": "Conversation", "language": "en"})
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		t.Fatalf("PATCH project %s = %d %s", name, resp.StatusCode, apitest.ReadBody(t, resp))
	}
	resp.Body.Close()
}

// runResourceJob starts a resource job, checks its operation-location
// path, and wants it to succeed.
func runResourceJob(t testing.TB, srv *apitest.Server, method, path string, body any, wantJobPath string) {
	t.Helper()
	loc := start(t, srv, method, path, body)
	u, _ := url.Parse(loc)
	if !strings.HasPrefix(u.Path, apitest.Prefix+wantJobPath) {
		t.Errorf("operation-location %s, want a path under %s", loc, apitest.Prefix+wantJobPath)
	}
	if j := finish(t, srv, loc); j["status"] != "succeeded" {
		t.Fatalf("%s %s: job %v", method, path, j)
	}
}

func listedResources(t testing.TB, srv *apitest.Server, path string) []any {
	t.Helper()
	return getJSON(t, srv, path)["value"].([]any)
}

// TestResourceAssignment assigns, lists and unassigns resources in every
// body spelling (VERSIONS.md §3.3) on versions of both spellings.
func TestResourceAssignment(t *testing.T) {
	t.Parallel()
	for _, v := range []string{vRes, vRes6} {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			srv := apitest.New(t, nil)
			createEmptyProject(t, srv, "p")
			base := "/projects/p/resources"
			if got := listedResources(t, srv, base+"?"+v); len(got) != 0 {
				t.Fatalf("GET resources of a new project = %v, want []", got)
			}
			runResourceJob(t, srv, "POST", base+"/:assign?"+v,
				map[string]any{"resourcesMetadata": []any{resource("/r/b", "westeurope"), resource("/r/a", "eastus")}}, "/projects/p/resources/assign/jobs/")
			runResourceJob(t, srv, "POST", base+"/:assign?"+v,
				map[string]any{"projectResources": []any{resource("/r/c", "westus"), resource("/r/a", "northeurope")}}, "/projects/p/resources/assign/jobs/")
			// In the order first assigned; /r/a keeps its place with its new region.
			want := []any{
				map[string]any{"azureResourceId": "/r/b", "region": "westeurope"},
				map[string]any{"azureResourceId": "/r/a", "region": "northeurope"},
				map[string]any{"azureResourceId": "/r/c", "region": "westus"},
			}
			if got := listedResources(t, srv, base+"?"+v); !cmp.Equal(got, want) {
				t.Errorf("GET resources = %v, want %v", got, want)
			}
			// Paged like the other lists.
			page := getJSON(t, srv, base+"?maxpagesize=2&"+v)
			if len(page["value"].([]any)) != 2 || page["nextLink"] == nil {
				t.Fatalf("first page = %v, want 2 items and a nextLink", page)
			}
			if rest := getJSON(t, srv, page["nextLink"].(string)); !cmp.Equal(rest["value"], want[2:]) || rest["nextLink"] != nil {
				t.Errorf("second page = %v, want %v and no nextLink", rest, want[2:])
			}
			runResourceJob(t, srv, "POST", base+"/:unassign?"+v, map[string]any{"assignedResourceIds": []string{"/r/a"}}, "/projects/p/resources/unassign/jobs/")
			runResourceJob(t, srv, "POST", base+"/:unassign?"+v,
				map[string]any{"azureResourceIds": []any{map[string]any{"azureResourceId": "/r/b", "region": "westeurope"}, map[string]any{"resourceId": "/r/c"}}},
				"/projects/p/resources/unassign/jobs/")
			if got := listedResources(t, srv, base+"?"+v); len(got) != 0 {
				t.Errorf("GET resources after unassigning all = %v, want []", got)
			}
		})
	}
}

// TestResourceAssignmentErrors: bad bodies are 400s naming the field,
// limits are Azure-shaped, and versions without the operations answer the
// gateway's 404.
func TestResourceAssignmentErrors(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, nil)
	createEmptyProject(t, srv, "p")
	assign := "/projects/p/resources/:assign?" + vRes
	unassign := "/projects/p/resources/:unassign?" + vRes
	runResourceJob(t, srv, "POST", assign, map[string]any{"resourcesMetadata": []any{resource("/r/a", "eastus")}}, "/projects/p/resources/assign/jobs/")
	many := make([]any, project.MaxProjectResources+1)
	for i := range many {
		many[i] = resource(fmt.Sprintf("/r/%d", i), "eastus")
	}
	for _, tc := range []struct {
		name, path string
		body       any
		status     int
		code       string
		target     string
	}{
		{"empty body", assign, "", 400, "InvalidRequest", ""},
		{"not JSON", assign, "{", 400, "InvalidRequest", ""},
		{"no list", assign, map[string]any{}, 400, "InvalidArgument", "resourcesMetadata"},
		{"empty list", assign, map[string]any{"projectResources": []any{}}, 400, "InvalidArgument", "projectResources"},
		{"both spellings", assign, map[string]any{"resourcesMetadata": []any{resource("/r/b", "x")}, "projectResources": []any{resource("/r/b", "x")}}, 400, "InvalidArgument", "projectResources"},
		{"no region", assign, map[string]any{"resourcesMetadata": []any{map[string]any{"azureResourceId": "/r/b", "customDomain": "b"}}}, 400, "InvalidArgument", "resourcesMetadata[0].region"},
		{"no customDomain", assign, map[string]any{"projectResources": []any{resource("/r/b", "x"), map[string]any{"azureResourceId": "/r/c", "region": "x"}}}, 400, "InvalidArgument", "projectResources[1].customDomain"},
		{"no azureResourceId", assign, map[string]any{"resourcesMetadata": []any{map[string]any{"customDomain": "b", "region": "x"}}}, 400, "InvalidArgument", "resourcesMetadata[0].azureResourceId"},
		{"id of the wrong type", assign, map[string]any{"resourcesMetadata": []any{map[string]any{"azureResourceId": 7, "customDomain": "b", "region": "x"}}}, 400, "InvalidArgument", "resourcesMetadata.azureResourceId"},
		{"too long an id", assign, map[string]any{"resourcesMetadata": []any{resource("/"+strings.Repeat("r", project.MaxResourceIDLength), "x")}}, 400, "InvalidArgument", "resourcesMetadata[0].azureResourceId"},
		{"too many in one body", assign, map[string]any{"resourcesMetadata": many}, 400, "InvalidArgument", "resourcesMetadata"},
		{"over the project's limit", assign, map[string]any{"resourcesMetadata": many[:project.MaxProjectResources]}, 409, "QuotaExceeded", ""},
		{"unknown project", "/projects/nope/resources/:assign?" + vRes, map[string]any{"resourcesMetadata": []any{resource("/r/b", "x")}}, 404, "ProjectNotFound", ""},
		{"unknown project list", "/projects/nope/resources?" + vRes, nil, 404, "ProjectNotFound", ""},
		{"2023-04-01 has no resources", "/projects/p/resources/:assign?" + v3, map[string]any{"resourcesMetadata": []any{resource("/r/b", "x")}}, 404, "404", ""},
		{"unassign without ids", unassign, map[string]any{}, 400, "InvalidArgument", "assignedResourceIds"},
		{"unassign empty ids", unassign, map[string]any{"azureResourceIds": []any{}}, 400, "InvalidArgument", "azureResourceIds"},
		{"unassign not assigned", unassign, map[string]any{"assignedResourceIds": []any{"/r/a", "/r/zz"}}, 400, "InvalidArgument", "assignedResourceIds[1]"},
		{"unassign number", unassign, map[string]any{"assignedResourceIds": []any{7}}, 400, "InvalidArgument", "assignedResourceIds[0]"},
		{"unassign object without id", unassign, map[string]any{"azureResourceIds": []any{map[string]any{"region": "x"}}}, 400, "InvalidArgument", "azureResourceIds[0].azureResourceId"},
		{"unassign object id not a string", unassign, map[string]any{"azureResourceIds": []any{map[string]any{"azureResourceId": 1}}}, 400, "InvalidArgument", "azureResourceIds[0]"},
		{"unassign empty id", unassign, map[string]any{"assignedResourceIds": []any{""}}, 400, "InvalidArgument", "assignedResourceIds[0]"},
		{"unassign both spellings", unassign, map[string]any{"assignedResourceIds": []any{"/r/a"}, "azureResourceIds": []any{"/r/a"}}, 400, "InvalidArgument", "azureResourceIds"},
		{"job of another kind", "/projects/p/resources/unassign/jobs/nope?" + vRes, nil, 404, "OperationNotFound", "jobId"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			method := "POST"
			if !strings.Contains(tc.path, ":") {
				method = "GET"
			}
			wantError(t, srv.Do(method, tc.path, tc.body), tc.status, tc.code, tc.target)
		})
	}
	// 2025-11-15-preview names its own spelling when the list is missing.
	if v := project.APIVersion("2025-11-15-preview"); v.Known() {
		wantError(t, srv.Do("POST", "/projects/p/resources/:assign?api-version="+string(v), map[string]any{}), 400, "InvalidArgument", "projectResources")
		wantError(t, srv.Do("POST", "/projects/p/resources/:unassign?api-version="+string(v), map[string]any{}), 400, "InvalidArgument", "azureResourceIds")
	}
	// Nothing above changed the record.
	if got := listedResources(t, srv, "/projects/p/resources?"+vRes); len(got) != 1 {
		t.Errorf("GET resources = %v, want the one assigned", got)
	}
	// Deleting the project deletes its assignments.
	loc := start(t, srv, "DELETE", "/projects/p?"+vRes, nil)
	finish(t, srv, loc)
	createEmptyProject(t, srv, "p")
	if got := listedResources(t, srv, "/projects/p/resources?"+vRes); len(got) != 0 {
		t.Errorf("GET resources of a project made again = %v, want []", got)
	}
}

// TestDeleteDeploymentFromResources: the named (or all) resources leave a
// deployment's record; the deployment stays and keeps predicting here.
// Unassigning from the project removes a resource from the records too.
func TestDeleteDeploymentFromResources(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, nil)
	importProject(t, srv, smokeName, smokeSnips(t))
	finish(t, srv, train(t, srv, smokeName, "m1", "manual"))
	deploy(t, srv, smokeName, "prod", "m1")
	deploy(t, srv, smokeName, "staging", "m1")
	p := "/projects/" + smokeName
	runResourceJob(t, srv, "POST", p+"/resources/:assign?"+vRes,
		map[string]any{"resourcesMetadata": []any{resource("/r/a", "eastus"), resource("/r/b", "westus"), resource("/r/c", "x")}}, p+"/resources/assign/jobs/")
	ctx := t.Context()
	deps := srv.Services.Deployments
	if err := deps.CheckDeploymentResources(ctx, smokeName, "assignedResourceIds", []string{"/r/a", "/r/zz"}); azerr.CodeOf(err) != azerr.InvalidArgument {
		t.Errorf("CheckDeploymentResources(unassigned id) = %v, want InvalidArgument", err)
	}
	for d, ids := range map[string][]string{"prod": {"/r/a", "/r/b"}, "staging": {"/r/c"}} {
		if err := deps.RecordDeploymentResources(ctx, smokeName, d, ids); err != nil {
			t.Fatal(err)
		}
	}
	global := "/projects/global/deployments/resources?" + vRes
	g := getJSON(t, srv, global)["value"].([]any)
	if len(g) != 1 || g[0].(map[string]any)["projectName"] != smokeName || len(g[0].(map[string]any)["deploymentsMetadata"].([]any)) != 2 {
		t.Fatalf("GET global/deployments/resources = %v, want %s with prod and staging", g, smokeName)
	}
	dm := g[0].(map[string]any)["deploymentsMetadata"].([]any)[0].(map[string]any)
	if dm["deploymentName"] != "prod" || dm["lastDeployedDateTime"] == nil || dm["deploymentExpirationDate"] == nil || len(dm) != 3 {
		t.Errorf("deploymentsMetadata[0] = %v", dm)
	}

	dfr := p + "/deployments/prod/:delete-from-resources?"
	for _, tc := range []struct {
		name, path string
		body       any
		status     int
		code       string
		target     string
	}{
		{"unknown deployment", p + "/deployments/nope/:delete-from-resources?" + vRes, map[string]any{}, 404, "NotFound", ""},
		{"unknown project", "/projects/nope/deployments/prod/:delete-from-resources?" + vRes, map[string]any{}, 404, "ProjectNotFound", ""},
		{"not on the deployment", dfr + vRes, map[string]any{"assignedResourceIds": []any{"/r/c"}}, 400, "InvalidArgument", "assignedResourceIds[0]"},
		{"bad item", dfr + vRes, map[string]any{"azureResourceIds": []any{true}}, 400, "InvalidArgument", "azureResourceIds[0]"},
		{"not JSON", dfr + vRes, "{", 400, "InvalidRequest", ""},
		{"2023-04-01", dfr + v3, map[string]any{}, 404, "404", ""},
	} {
		t.Run(tc.name, func(t *testing.T) { wantError(t, srv.Do("POST", tc.path, tc.body), tc.status, tc.code, tc.target) })
	}

	assigned := func(d string) []string {
		rs, err := deps.DeploymentResources(ctx, smokeName, d)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range rs {
			ids = append(ids, r.AzureResourceID)
		}
		return ids
	}
	loc := start(t, srv, "POST", dfr+vRes6, map[string]any{"azureResourceIds": []any{map[string]any{"azureResourceId": "/r/a", "region": "eastus"}}})
	u, _ := url.Parse(loc)
	if want := apitest.Prefix + p + "/deployments/prod/delete-from-resources/jobs/"; !strings.HasPrefix(u.Path, want) {
		t.Errorf("operation-location %s, want a path under %s", loc, want)
	}
	if j := finish(t, srv, loc); j["status"] != "succeeded" {
		t.Fatalf("delete-from-resources job = %v", j)
	}
	// The job is not found under another deployment's URL.
	wantError(t, srv.Do("GET", strings.Replace(loc, "/deployments/prod/", "/deployments/staging/", 1), nil), 404, "OperationNotFound", "jobId")
	if got := assigned("prod"); !slices.Equal(got, []string{"/r/b"}) {
		t.Errorf("prod's resources = %v, want [/r/b]", got)
	}
	// The project keeps /r/a; the deployment keeps serving.
	if got := listedResources(t, srv, p+"/resources?"+vRes); len(got) != 3 {
		t.Errorf("project resources = %v, want all three still assigned", got)
	}
	getJSON(t, srv, p+"/deployments/prod?"+vRes)
	predict(t, srv, smokeName, "prod", "play some music", "")

	// An empty body removes every resource of the deployment.
	runResourceJob(t, srv, "POST", dfr+vRes, nil, p+"/deployments/prod/delete-from-resources/jobs/")
	if got := assigned("prod"); len(got) != 0 {
		t.Errorf("prod's resources after an empty body = %v, want none", got)
	}
	getJSON(t, srv, p+"/deployments/prod?"+vRes)

	// Unassigning /r/c from the project takes it off staging.
	runResourceJob(t, srv, "POST", p+"/resources/:unassign?"+vRes, map[string]any{"assignedResourceIds": []string{"/r/c"}}, p+"/resources/unassign/jobs/")
	if got := assigned("staging"); len(got) != 0 {
		t.Errorf("staging's resources after unassigning /r/c = %v, want none", got)
	}
	if g := getJSON(t, srv, global)["value"].([]any); len(g) != 0 {
		t.Errorf("GET global/deployments/resources = %v, want []", g)
	}
	getJSON(t, srv, p+"/deployments/staging?"+vRes)

	// A deploy's record: ids unassigned since its check are left out, and
	// a deploy that names none leaves it empty.
	if err := deps.RecordDeploymentResources(ctx, smokeName, "prod", []string{"/r/a", "/r/c"}); err != nil {
		t.Fatal(err)
	}
	if got := assigned("prod"); !slices.Equal(got, []string{"/r/a"}) {
		t.Errorf("prod's resources = %v, want [/r/a] (/r/c was unassigned)", got)
	}
	if err := deps.RecordDeploymentResources(ctx, smokeName, "prod", nil); err != nil {
		t.Fatal(err)
	}
	if got := assigned("prod"); len(got) != 0 {
		t.Errorf("prod's resources after a deploy naming none = %v, want none", got)
	}
	if err := deps.RecordDeploymentResources(ctx, smokeName, "nope", nil); azerr.CodeOf(err) != azerr.NotFound {
		t.Errorf("RecordDeploymentResources(unknown deployment) = %v, want NotFound", err)
	}
}

// example reads a spec example of testdata/examples.
func example(t testing.TB, parts ...string) map[string]any {
	t.Helper()
	var ex map[string]any
	if err := json.Unmarshal(testdata(t, append([]string{"examples"}, parts...)...), &ex); err != nil {
		t.Fatal(err)
	}
	return ex
}

// TestResourceExamples sends the 2025-11-01 and 2025-11-15-preview
// examples' bodies and compares what they show: the assign, unassign and
// list examples, and the job documents' keys.
func TestResourceExamples(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, nil)
	createEmptyProject(t, srv, "EmailApp")
	version := func(v string) string {
		if !project.APIVersion(v).Known() {
			t.Fatalf("api-version %s of the examples is not served", v)
		}
		return "api-version=" + v
	}
	assign := example(t, "2025-11-01", "SuccessfulAssignDeploymentResources.json")
	v := version("2025-11-01")
	body := assign["parameters"].(map[string]any)["body"]
	loc := start(t, srv, "POST", "/projects/EmailApp/resources/:assign?"+v, body)
	wantLoc := assign["responses"].(map[string]any)["202"].(map[string]any)["headers"].(map[string]any)["operation-location"].(string)
	pathOf := func(s string) string {
		s = s[strings.Index(s, "/language/"):]
		return s[:strings.LastIndex(s, "/")]
	}
	if pathOf(loc) != pathOf(wantLoc) {
		t.Errorf("operation-location %s, want the path of %s", loc, wantLoc)
	}
	j := finish(t, srv, loc)
	status := example(t, "2025-11-01", "SuccessfulGetAssignDeploymentResourcesStatus.json")
	wantKeys := func(got map[string]any, ex map[string]any) {
		t.Helper()
		want := ex["responses"].(map[string]any)["200"].(map[string]any)["body"].(map[string]any)
		for k := range want {
			if _, ok := got[k]; !ok {
				t.Errorf("job document %v lacks %q", got, k)
			}
		}
		if got["status"] != want["status"] {
			t.Errorf("job status = %v, want %v", got["status"], want["status"])
		}
	}
	wantKeys(j, status)

	for _, name := range []string{"SuccessfulListDeploymentResources.json", "SuccessfulListProjectResources.json"} {
		list := example(t, "2025-11-01", name)
		want := list["responses"].(map[string]any)["200"].(map[string]any)["body"].(map[string]any)
		got := getJSON(t, srv, "/projects/EmailApp/resources?"+v)
		if !cmp.Equal(got, want) {
			t.Errorf("GET resources = %v, want %s's %v", got, name, want)
		}
	}

	unassign := example(t, "2025-11-01", "SuccessfulUnassignDeploymentResources.json")
	loc = start(t, srv, "POST", "/projects/EmailApp/resources/:unassign?"+v, unassign["parameters"].(map[string]any)["body"])
	wantLoc = unassign["responses"].(map[string]any)["202"].(map[string]any)["headers"].(map[string]any)["operation-location"].(string)
	if pathOf(loc) != pathOf(wantLoc) {
		t.Errorf("operation-location %s, want the path of %s", loc, wantLoc)
	}
	wantKeys(finish(t, srv, loc), example(t, "2025-11-01", "SuccessfulGetUnassignDeploymentResourcesStatus.json"))
	wantKeys(finish(t, srv, start(t, srv, "POST", "/projects/EmailApp/resources/:unassign?"+version("2025-11-15-preview"),
		map[string]any{"azureResourceIds": []any{"/subscriptions/8ff19748-59ed-4e8a-af4b-7ce285849735/resourceGroups/test-rg/providers/Microsoft.CognitiveServices/accounts/LangTestEus"}})),
		example(t, "2025-11-15-preview", "SuccessfulGetUnassignProjectResourcesStatus.json"))
	if got := listedResources(t, srv, "/projects/EmailApp/resources?"+v); len(got) != 0 {
		t.Errorf("GET resources after the unassign examples = %v, want []", got)
	}
}
