package api_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/parley-dev/parley/internal/api/apitest"
)

// TestLUISRecognizerBotBuilder runs Bot Framework's LuisRecognizer
// (botbuilder-ai 4.23.3, tests/botbuilder) against the LUIS endpoint, with
// its v3 and v2 options, and checks the RecognizerResults a bot reads. It
// needs node on PATH and PARLEY_BOTBUILDER_NODE_MODULES naming the
// node_modules that `npm ci --ignore-scripts` made in tests/botbuilder
// (scripts/test does);
// without them it skips, and says so.
func TestLUISRecognizerBotBuilder(t *testing.T) {
	t.Parallel()
	modules := os.Getenv("PARLEY_BOTBUILDER_NODE_MODULES")
	node, err := exec.LookPath("node")
	if modules == "" || err != nil {
		if os.Getenv("PARLEY_TEST_STRICT") == "1" { // CI: scripts/test installs them
			t.Fatal("PARLEY_TEST_STRICT=1 but node or PARLEY_BOTBUILDER_NODE_MODULES is missing: scripts/test runs npm ci in tests/botbuilder")
		}
		t.Skip("set PARLEY_BOTBUILDER_NODE_MODULES to the node_modules of tests/botbuilder (npm ci --ignore-scripts there) and put node on PATH to run Bot Framework's LuisRecognizer")
	}
	srv := apitest.New(t, &apitest.Options{AutoRun: true})
	setupLUISApp(t, srv, "give", giveProject, giveApp, "production", "staging")
	script, err := filepath.Abs(filepath.Join("..", "..", "tests", "botbuilder", "luis_recognizer.js"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), node, script)
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules, "PARLEY_ENDPOINT="+srv.URL, "PARLEY_KEY="+apitest.Key, "PARLEY_LUIS_APP_ID="+giveApp,
		"no_proxy=127.0.0.1,localhost", "NO_PROXY=127.0.0.1,localhost")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node %s: %v\n%s", script, err, stderr.String())
	}
	var res map[string]map[string]any
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("node printed %q: %v", out, err)
	}
	for _, name := range []string{"v3", "v3staging", "v3external", "v2"} {
		if e, ok := res[name]["error"]; ok {
			t.Fatalf("%s: LuisRecognizer failed: %v", name, e)
		}
	}
	top := func(r map[string]any) string {
		best, score := "", -1.0
		for name, v := range r["intents"].(map[string]any) {
			if s := v.(map[string]any)["score"].(float64); s > score {
				best, score = name, s
			}
		}
		return best
	}
	entities := func(name string) map[string]any { return res[name]["entities"].(map[string]any) }
	want := func(name, entity string, value any) {
		t.Helper()
		if got := entities(name)[entity]; !reflect.DeepEqual(got, value) {
			t.Errorf("%s: entities.%s = %v, want %v", name, entity, got, value)
		}
	}
	for _, name := range []string{"v3", "v2"} {
		if intents := res[name]["intents"].(map[string]any); len(intents) != 3 || top(res[name]) != "give" {
			t.Errorf("%s: intents %v, want give on top of 3 (includeAllIntents)", name, intents)
		}
		want(name, "number", []any{30.0})
		want(name, "money", []any{map[string]any{"number": 30.0, "units": "Dollar"}})
		want(name, "Bank", []any{[]any{"BankeName"}})
		want(name, "frank", []any{"frank"})
		fi, _ := entities(name)["$instance"].(map[string]any)["frank"].([]any)
		if len(fi) != 1 || fi[0].(map[string]any)["startIndex"] != 11.0 || fi[0].(map[string]any)["endIndex"] != 16.0 {
			t.Errorf("%s: $instance.frank = %v, want startIndex 11, endIndex 16", name, fi)
		}
	}
	// datetimeReference (v3) and the server's clock (v2, 2026-04-18).
	want("v3", "datetime", []any{map[string]any{"type": "date", "timex": []any{"2019-05-06"}}})
	want("v2", "datetime", []any{map[string]any{"type": "date", "timex": []any{"2026-04-19"}}})
	if top(res["v3staging"]) != "give" {
		t.Errorf("v3 staging slot: intents %v, want give", res["v3staging"]["intents"])
	}
	want("v3external", "Bank", []any{map[string]any{"text": "International Bank"}})
	want("v3external", "Employees", []any{[]any{"Frank"}})
	if e, _ := res["unknownApp"]["error"].(string); !strings.Contains(e, "NotFound") {
		t.Errorf("an unknown app id: LuisRecognizer error %q, want one naming NotFound", e)
	}
}
