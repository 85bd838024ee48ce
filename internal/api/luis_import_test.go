package api_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parley-dev/parley/internal/api/apitest"
	"github.com/parley-dev/parley/internal/project"
)

// luisApp reads one of the LUIS apps the project package keeps as testdata.
func luisApp(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "project", "testdata", "luis", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// importLUIS imports a LUIS app and returns the finished job document.
func importLUIS(t testing.TB, srv *apitest.Server, name, query string, app []byte) map[string]any {
	t.Helper()
	return finish(t, srv, start(t, srv, "POST", "/projects/"+name+"/:import?"+v3+query, app))
}

// warningCodes returns the codes of a job's warnings.
func warningCodes(j map[string]any) map[string]string {
	out := map[string]string{}
	ws, _ := j["warnings"].([]any)
	for _, w := range ws {
		m := w.(map[string]any)
		out[m["code"].(string)] = m["message"].(string)
	}
	return out
}

func exportedAssets(t testing.TB, srv *apitest.Server, name string) project.Assets {
	t.Helper()
	var f project.File
	if err := json.Unmarshal(export(t, srv, name, v3), &f); err != nil {
		t.Fatal(err)
	}
	if f.Assets == nil {
		t.Fatalf("export of %s has no assets", name)
	}
	return *f.Assets
}

// TestLUISImportJob imports LUIS apps over HTTP: the job succeeds with the
// warnings of LUIS.md §4, format is matched in any casing, and the project
// is what ImportLUIS makes.
func TestLUISImportJob(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, nil)
	for _, format := range []string{"Luis", "luis", "LUIS"} {
		j := importLUIS(t, srv, "hr", "&format="+format+"&luisPatterns=drop", luisApp(t, "hr-review.v7.json"))
		if j["status"] != "succeeded" {
			t.Fatalf("import format=%s: job %v", format, j)
		}
		codes := warningCodes(j)
		for _, c := range []string{"LuisParentEntitiesDropped", "LuisParentLabelsDropped", "LuisPrebuiltNotSupported", "LuisPhraseListsKept"} {
			if _, ok := codes[c]; !ok {
				t.Errorf("import format=%s: warnings %v lack %s", format, codes, c)
			}
		}
		if !strings.HasPrefix(codes["LuisParentLabelsDropped"], "19 ") {
			t.Errorf("LuisParentLabelsDropped = %q, want a count of 19", codes["LuisParentLabelsDropped"])
		}
	}
	a := exportedAssets(t, srv, "hr")
	if len(a.Intents) != 11 || len(a.Entities) != 17 || len(a.PhraseLists) != 4 {
		t.Errorf("exported project: %d intents, %d entities, %d phrase lists; want 11, 17, 4", len(a.Intents), len(a.Entities), len(a.PhraseLists))
	}
	p := getJSON(t, srv, "/projects/hr?"+v3)
	if p["language"] != "en-us" || p["projectKind"] != "Conversation" {
		t.Errorf("project = %v", p)
	}

	// The default makes patterns into utterances.
	j := importLUIS(t, srv, "pizza", "&format=Luis", luisApp(t, "pizza-nested.v7.json"))
	if codes := warningCodes(j); j["status"] != "succeeded" || codes["LuisPatternsConverted"] == "" || codes["LuisPatternsDropped"] != "" {
		t.Errorf("import with default luisPatterns: job %v", j)
	}
	if n := len(exportedAssets(t, srv, "pizza").Utterances); n != 134 {
		t.Errorf("pizza utterances = %d, want 130 and 4 from patterns", n)
	}
}

// TestLUISImportErrors checks the synchronous 400s of LUIS.md §1.1: each
// names the member to fix.
func TestLUISImportErrors(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, nil)
	good := string(luisApp(t, "foo.fr-fr.v4.json"))
	for _, tc := range []struct {
		name, project, query, body string
		target                     string
	}{
		{"not an object", "p", "&format=Luis", `[1]`, "body"},
		{"not JSON", "p", "&format=Luis", `{"luis_schema_version":`, "body"},
		{"no schema version", "p", "&format=Luis", `{"culture":"en-us","intents":[]}`, "luis_schema_version"},
		{"schema version 2", "p", "&format=Luis", `{"luis_schema_version":"2.0.0","culture":"en-us"}`, "luis_schema_version"},
		{"no culture", "p", "&format=Luis", `{"luis_schema_version":"7.0.0"}`, "culture"},
		{"utterances not an array", "p", "&format=Luis", `{"luis_schema_version":"7.0.0","culture":"en-us","utterances":{}}`, "utterances"},
		{"endPos not an integer", "p", "&format=luis", `{"luis_schema_version":"7.0.0","culture":"en-us","utterances":[{"text":"a","intent":"None","entities":[{"entity":"x","startPos":0,"endPos":0.5}]}]}`, "utterances/entities/endPos"},
		{"bad project name", "a~b", "&format=Luis", good, "projectName"},
		{"bad luisPatterns", "p", "&format=Luis&luisPatterns=keep", good, "luisPatterns"},
		{"luisPatterns without format=Luis", "p", "&luisPatterns=drop", good, "luisPatterns"},
		{"unknown format", "p", "&format=Lu", good, "format"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, srv.Do("POST", "/projects/"+tc.project+"/:import?"+v3+tc.query, tc.body), http.StatusBadRequest, "InvalidArgument", tc.target)
		})
	}
	resp := srv.Do("GET", "/projects/p?"+v3, nil)
	wantError(t, resp, http.StatusNotFound, "ProjectNotFound", "")
}

// TestLUISImportReplacesAtomically: a LUIS import replaces a project
// whole, and one that breaks a CLU limit fails the job naming the limit and
// the roles, leaving the project as it was.
func TestLUISImportReplacesAtomically(t *testing.T) {
	t.Parallel()
	limits := project.DefaultLimits
	limits.Entities = 40
	srv := apitest.New(t, &apitest.Options{Limits: limits})
	importProject(t, srv, "app", withName(t, smokeSnips(t), "app"))
	before := export(t, srv, "app", v3)

	j := importLUIS(t, srv, "app", "&format=Luis", luisApp(t, "contoso-all-entity-types.v3.2.json"))
	if j["status"] != "failed" {
		t.Fatalf("import of 58 entities with a limit of 40: job %v, want failed", j)
	}
	errs, _ := j["errors"].([]any)
	if len(errs) != 1 {
		t.Fatalf("errors = %v, want one", j["errors"])
	}
	e := errs[0].(map[string]any)
	msg, _ := e["message"].(string)
	if e["code"] != "InvalidArgument" || !strings.Contains(msg, "limit is 40") || !strings.Contains(msg, "roles") {
		t.Errorf("error = %v, want InvalidArgument naming the limit of 40 and the roles", e)
	}
	jsonEqual(t, export(t, srv, "app", v3), before)

	j = importLUIS(t, srv, "app", "&format=Luis", luisApp(t, "flightbooking-corebot.v3.2.json"))
	if j["status"] != "succeeded" {
		t.Fatalf("import: job %v", j)
	}
	a := exportedAssets(t, srv, "app")
	var intents []string
	for _, in := range a.Intents {
		intents = append(intents, in.Category)
	}
	if strings.Join(intents, ",") != "BookFlight,Cancel,GetWeather,None" || len(a.Utterances) != 27 || len(a.Entities) != 4 {
		t.Errorf("replaced project: intents %v, %d utterances, %d entities; want the LUIS app's only", intents, len(a.Utterances), len(a.Entities))
	}
}

// TestLUISExport exports as LUIS (LUIS.md §5): a LUIS 7.0.0 file at
// resultUrl, warnings for what LUIS cannot hold, 400 for Orchestration.
func TestLUISExport(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, nil)
	j := importLUIS(t, srv, "pizza", "&format=Luis&luisPatterns=drop", luisApp(t, "pizza.v6.json"))
	if j["status"] != "succeeded" {
		t.Fatalf("import: job %v", j)
	}
	b := export(t, srv, "pizza", v3+"&format=Luis")
	var app map[string]any
	if err := json.Unmarshal(b, &app); err != nil {
		t.Fatal(err)
	}
	if app["luis_schema_version"] != "7.0.0" || app["culture"] != "en-us" || app["name"] != "pizza" {
		t.Errorf("exported head = %v %v %v", app["luis_schema_version"], app["culture"], app["name"])
	}
	if n := len(app["utterances"].([]any)); n != 168 {
		t.Errorf("exported utterances = %d, want 168", n)
	}
	if n := len(app["phraselists"].([]any)); n != 5 {
		t.Errorf("exported phrase lists = %d, want 5", n)
	}
	// Importing the export again gives the same project.
	before := exportedAssets(t, srv, "pizza")
	if j := importLUIS(t, srv, "pizza", "&format=Luis&luisPatterns=drop", b); j["status"] != "succeeded" {
		t.Fatalf("re-import: job %v", j)
	}
	after := exportedAssets(t, srv, "pizza")
	if len(after.Entities) != len(before.Entities) || len(after.Utterances) != len(before.Utterances) {
		t.Errorf("re-import: %d entities, %d utterances; want %d, %d", len(after.Entities), len(after.Utterances), len(before.Entities), len(before.Utterances))
	}

	// The smoke set has a test set, which LUIS files cannot hold.
	importProject(t, srv, "snips", withName(t, smokeSnips(t), "snips"))
	j = finish(t, srv, start(t, srv, "POST", "/projects/snips/:export?stringIndexType=Utf16CodeUnit&format=luis&"+v3, nil))
	if j["status"] != "succeeded" || warningCodes(j)["LuisExportTestUtterancesDropped"] == "" {
		t.Errorf("export of a project with a test set: job %v, want a LuisExportTestUtterancesDropped warning", j)
	}

	wantStatus(t, srv.Do("PATCH", "/projects/orch?"+v3, `{"projectName":"orch","language":"en","projectKind":"Orchestration"}`), http.StatusCreated)
	wantError(t, srv.Do("POST", "/projects/orch/:export?stringIndexType=Utf16CodeUnit&format=Luis&"+v3, nil), http.StatusBadRequest, "InvalidArgument", "format")
}

// TestLUISImportTrainPredict imports a LUIS app, trains, deploys and
// predicts with it.
func TestLUISImportTrainPredict(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, nil)
	if j := importLUIS(t, srv, "flights", "&format=Luis", luisApp(t, "flightbooking-corebot.v3.2.json")); j["status"] != "succeeded" {
		t.Fatalf("import: job %v", j)
	}
	if j := finish(t, srv, train(t, srv, "flights", "m1", "percentage")); j["status"] != "succeeded" {
		t.Fatalf("train: job %v", j)
	}
	deploy(t, srv, "flights", "prod", "m1")
	pred := predict(t, srv, "flights", "prod", "book a flight from london to berlin", "")
	if pred["topIntent"] != "BookFlight" {
		t.Errorf("topIntent = %v, want BookFlight (%v)", pred["topIntent"], pred)
	}
	found := false
	for _, e := range pred["entities"].([]any) {
		if e.(map[string]any)["category"] == "Airport" {
			found = true
		}
	}
	if !found {
		t.Errorf("entities = %v, want an Airport from the LUIS list entity", pred["entities"])
	}
}

// TestPhraseListsRoundTrip: phrase lists a LUIS import keeps come out of a
// CLU export as assets.phraseLists and go back in with a CLU import; a
// project without them has no such member.
func TestPhraseListsRoundTrip(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, nil)
	if j := importLUIS(t, srv, "hr", "&format=Luis", luisApp(t, "hr-review.v7.json")); j["status"] != "succeeded" {
		t.Fatalf("import: job %v", j)
	}
	clu := export(t, srv, "hr", v3)
	var f map[string]any
	if err := json.Unmarshal(clu, &f); err != nil {
		t.Fatal(err)
	}
	lists, _ := f["assets"].(map[string]any)["phraseLists"].([]any)
	if len(lists) != 4 {
		t.Fatalf("exported phraseLists = %v, want 4 lists", lists)
	}
	importProject(t, srv, "copy", withName(t, clu, "copy"))
	jsonEqual(t, export(t, srv, "copy", v3), withName(t, clu, "copy"))

	importProject(t, srv, "snips", withName(t, smokeSnips(t), "snips"))
	if b := export(t, srv, "snips", v3); strings.Contains(string(b), `"phraseLists"`) {
		t.Error("a CLU project without phrase lists exports a phraseLists member")
	}
}
