package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/parley-dev/parley/internal/api/apitest"
)

// TestLUISMigrationEndToEnd is the migration a bot's team makes: a LUIS app
// file imported with its old app id, trained, deployed to the production and
// staging slots, and predicted through the CLU endpoint and both LUIS
// endpoints with the same answer.
func TestLUISMigrationEndToEnd(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, nil)
	const appID = "0b7f5d2c-1e6a-4c3b-9d8e-2f4a6b8c0d1e"
	if j := importLUIS(t, srv, "flights", "&format=Luis&luisAppId="+strings.ToUpper(appID), luisApp(t, "flightbooking-corebot.v3.2.json")); j["status"] != "succeeded" {
		t.Fatalf("import: job %v", j)
	}
	if got := getJSON(t, srv, "/projects/flights?"+v3)["luisAppId"]; got != appID {
		t.Fatalf("GET project luisAppId = %v, want %s, the one the import asked for", got, appID)
	}
	finish(t, srv, train(t, srv, "flights", "m1", "percentage"))
	deploy(t, srv, "flights", "production", "m1")
	deploy(t, srv, "flights", "staging", "m1")

	const query = "book a flight from paris to berlin"
	clu := predict(t, srv, "flights", "production", query, "")
	lv3 := v3Predict(t, srv, appID, query, "verbose", "true", "show-all-intents", "true")
	if clu["topIntent"] != "BookFlight" || lv3["topIntent"] != clu["topIntent"] {
		t.Errorf("top intents: CLU %v, LUIS v3 %v; want BookFlight from both", clu["topIntent"], lv3["topIntent"])
	}
	if _, ok := obj(t, lv3["entities"], "entities")["$instance"]; !ok {
		t.Errorf("verbose v3 entities have no $instance: %v", lv3["entities"])
	}
	staging := luisJSON(t, luisDo(t, srv, "GET", v3Path(appID, "staging", url.Values{"query": {query}}), nil), http.StatusOK)
	if obj(t, staging["prediction"], "prediction")["topIntent"] != clu["topIntent"] {
		t.Errorf("staging slot: %v", staging)
	}
	v2 := luisJSON(t, luisDo(t, srv, "GET", v2Path(appID, url.Values{"q": {query}, "verbose": {"true"}}), nil), http.StatusOK)
	top := obj(t, v2["topScoringIntent"], "topScoringIntent")
	if top["intent"] != clu["topIntent"] {
		t.Errorf("LUIS v2 topScoringIntent = %v, want %v", top, clu["topIntent"])
	}
	// The same entities, by category, through the CLU and v2 endpoints.
	cluCats, v2Cats := map[string]bool{}, map[string]bool{}
	for _, e := range clu["entities"].([]any) {
		cluCats[e.(map[string]any)["category"].(string)] = true
	}
	for _, e := range arr(t, v2["entities"], "entities") {
		v2Cats[e.(map[string]any)["type"].(string)] = true
	}
	for c := range cluCats {
		if !v2Cats[c] && !v2Cats["builtin."+strings.ToLower(c)] {
			t.Errorf("CLU entity %s is not among the v2 entities %v", c, v2Cats)
		}
	}

	// Importing the app again keeps its app id; another project cannot take it.
	importLUIS(t, srv, "flights", "&format=Luis", luisApp(t, "flightbooking-corebot.v3.2.json"))
	if got := getJSON(t, srv, "/projects/flights?"+v3)["luisAppId"]; got != appID {
		t.Errorf("luisAppId after a second import = %v, want %s kept", got, appID)
	}
	wantError(t, srv.Do("POST", "/projects/other/:import?format=Luis&luisAppId="+appID+"&"+v3, luisApp(t, "flightbooking-corebot.v3.2.json")), http.StatusConflict, "Conflict", "luisAppId")
	wantError(t, srv.Do("POST", "/projects/other/:import?format=Luis&luisAppId=not-a-guid&"+v3, luisApp(t, "flightbooking-corebot.v3.2.json")), http.StatusBadRequest, "InvalidArgument", "luisAppId")
	wantError(t, srv.Do("POST", "/projects/other/:import?luisAppId="+appID+"&"+v3, smokeSnips(t)), http.StatusBadRequest, "InvalidArgument", "luisAppId")
	// An import without an id draws one.
	importLUIS(t, srv, "todo", "&format=Luis", luisApp(t, "todo-prebuilt-domain.v4.json"))
	if id, _ := getJSON(t, srv, "/projects/todo?"+v3)["luisAppId"].(string); len(id) != 36 || id == appID {
		t.Errorf("luisAppId of an app imported without one = %q, want a new GUID", id)
	}
}
