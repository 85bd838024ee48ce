package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/streaming"

	"github.com/parley-dev/parley/internal/api/apitest"
)

// predict sends a query to a deployment and returns the prediction.
func predict(t testing.TB, srv *apitest.Server, project, deployment, text, idx string) map[string]any {
	t.Helper()
	params := map[string]any{"projectName": project, "deploymentName": deployment}
	if idx != "" {
		params["stringIndexType"] = idx
	}
	resp := srv.Do("POST", "/language/:analyze-conversations?"+v3, map[string]any{
		"kind":          "Conversation",
		"analysisInput": map[string]any{"conversationItem": map[string]any{"id": "1", "participantId": "1", "text": text}},
		"parameters":    params,
	})
	wantStatus(t, resp, http.StatusOK)
	body := apitest.ReadJSON(t, resp)
	if body["kind"] != "ConversationResult" || body["result"].(map[string]any)["query"] != text {
		t.Fatalf("prediction = %v", body)
	}
	return body["result"].(map[string]any)["prediction"].(map[string]any)
}

func deploy(t testing.TB, srv *apitest.Server, project, deployment, label string) {
	t.Helper()
	j := finish(t, srv, start(t, srv, "PUT", "/projects/"+project+"/deployments/"+deployment+"?"+v3, map[string]any{"trainedModelLabel": label}))
	if j["status"] != "succeeded" {
		t.Fatalf("deploy %s = %v", deployment, j)
	}
}

// TestImportTrainDeployPredict runs the whole flow on the smoke set: the
// deploy through the Azure SDK for Go's poller (whose final GET fetches the
// deployment), then predictions of the Test utterances.
func TestImportTrainDeployPredict(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, &apitest.Options{AutoRun: true})
	file := smokeSnips(t)
	importProject(t, srv, smokeName, file)
	finish(t, srv, train(t, srv, smokeName, "m1", "manual"))

	pl := runtime.NewPipeline("parley-test", "v0", runtime.PipelineOptions{PerCall: []policy.Policy{keyPolicy{}}},
		&policy.ClientOptions{Transport: srv.Client()})
	req, _ := runtime.NewRequest(t.Context(), "PUT", srv.URL+apitest.Prefix+"/projects/"+smokeName+"/deployments/production?"+v3)
	req.SetBody(streaming.NopCloser(strings.NewReader(`{"trainedModelLabel":"m1"}`)), "application/json")
	resp, err := pl.Do(req)
	if err != nil || resp.StatusCode != http.StatusAccepted {
		t.Fatalf("PUT deployment = %v, %v", resp.Status, err)
	}
	poller, err := runtime.NewPoller[map[string]any](resp, pl, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	got, err := poller.PollUntilDone(ctx, &runtime.PollUntilDoneOptions{Frequency: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	model := getJSON(t, srv, "/projects/"+smokeName+"/models/m1?"+v3)
	if got["deploymentName"] != "production" || got["modelId"] != model["modelId"] || got["deploymentExpirationDate"] != "9999-12-31" { // a year after latest's far-future expiry
		t.Fatalf("poller result (the deployment) = %v", got)
	}
	if getJSON(t, srv, "/projects/"+smokeName+"?"+v3)["lastDeployedDateTime"] == nil {
		t.Errorf("project has no lastDeployedDateTime after a deploy")
	}

	var f struct {
		Assets struct {
			Intents    []struct{ Category string }
			Utterances []struct{ Text, Intent, Dataset string }
		}
	}
	json.Unmarshal(file, &f)
	right, total := 0, 0
	for _, u := range f.Assets.Utterances {
		if u.Dataset != "Test" {
			continue
		}
		p := predict(t, srv, smokeName, "production", u.Text, "Utf16CodeUnit")
		intents := p["intents"].([]any)
		if len(intents) != len(f.Assets.Intents)+1 || p["projectKind"] != "Conversation" {
			t.Fatalf("prediction intents = %v, want every intent and None", intents)
		}
		scores := make([]float64, len(intents))
		for i, in := range intents {
			scores[i] = in.(map[string]any)["confidenceScore"].(float64)
		}
		if !slices.IsSortedFunc(scores, func(a, b float64) int { return int(b*1e9) - int(a*1e9) }) {
			t.Errorf("intents are not sorted by score: %v", scores)
		}
		for _, e := range p["entities"].([]any) {
			e := e.(map[string]any)
			off, n := int(e["offset"].(float64)), int(e["length"].(float64))
			units := []rune(u.Text) // the smoke Test set is BMP-only, so runes are UTF-16 units
			if string(units[off:off+n]) != e["text"] {
				t.Errorf("entity %v: text is not the query's substring at its offset", e)
			}
		}
		total++
		if p["topIntent"] == u.Intent {
			right++
		}
	}
	if right*10 < total*7 {
		t.Errorf("deployment got %d of %d smoke Test intents right, want at least 70%%", right, total)
	}
}

// offsetsProject has a regex entity, so that predictions are exact, over
// text with an emoji ZWJ sequence, a combining accent and CJK.
const offsetsProject = `{"projectFileVersion":"2023-04-01","stringIndexType":"Utf16CodeUnit",
"metadata":{"projectKind":"Conversation","projectName":"offsets","multilingual":false,"language":"en-us","settings":{"confidenceThreshold":0}},
"assets":{"projectKind":"Conversation","intents":[{"category":"Send"},{"category":"Weather"}],
"entities":[{"category":"place","regex":{"expressions":[{"regexKey":"places","language":"en-us","regexPattern":"Zoe\u0301|東京"}]}}],
"utterances":[
 {"text":"send photos to Zoe\u0301","intent":"Send","dataset":"Train"},
 {"text":"send the pictures to my mother","intent":"Send","dataset":"Train"},
 {"text":"send a message to 東京","intent":"Send","dataset":"Train"},
 {"text":"what is the weather like","intent":"Weather","dataset":"Train"},
 {"text":"will it rain tomorrow","intent":"Weather","dataset":"Train"},
 {"text":"is it sunny in 東京","intent":"Weather","dataset":"Train"}]}}`

func TestPredictionOffsets(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, nil)
	importProject(t, srv, "offsets", []byte(offsetsProject))
	finish(t, srv, train(t, srv, "offsets", "m", "percentage"))
	deploy(t, srv, "offsets", "prod", "m")

	// "Send 👨‍👩‍👧 photos to Zoé in 東京": the emoji is 5 code points (8
	// UTF-16 units, 1 text element); "é" is "e" plus U+0301 (2 code points,
	// 1 text element).
	const text = "Send \U0001F468\u200D\U0001F469\u200D\U0001F467 photos to Zoe\u0301 in 東京"
	for _, tc := range []struct {
		idx  string
		want []int // offset, length of Zoé, then of 東京
	}{
		{"Utf16CodeUnit", []int{24, 4, 32, 2}},
		{"UnicodeCodePoint", []int{21, 4, 29, 2}},
		{"TextElements_v8", []int{17, 3, 24, 2}},
		{"TextElement_V8", []int{17, 3, 24, 2}},
		{"", []int{17, 3, 24, 2}}, // the default
	} {
		t.Run(tc.idx, func(t *testing.T) {
			p := predict(t, srv, "offsets", "prod", text, tc.idx)
			var got []int
			var texts []string
			for _, e := range p["entities"].([]any) {
				e := e.(map[string]any)
				if e["category"] != "place" {
					continue
				}
				got = append(got, int(e["offset"].(float64)), int(e["length"].(float64)))
				texts = append(texts, e["text"].(string))
				extra, _ := e["extraInformation"].([]any)
				if len(extra) != 1 || extra[0].(map[string]any)["extraInformationKind"] != "RegexKey" || extra[0].(map[string]any)["key"] != "places" {
					t.Errorf("extraInformation = %v, want the RegexKey places", extra)
				}
			}
			if !slices.Equal(got, tc.want) || !slices.Equal(texts, []string{"Zoe\u0301", "東京"}) {
				t.Errorf("place entities in %s: spans %v texts %q, want %v [Zoé 東京]", tc.idx, got, texts, tc.want)
			}
		})
	}
}

func TestPredictionErrors(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, nil)
	importProject(t, srv, "offsets", []byte(offsetsProject))
	finish(t, srv, train(t, srv, "offsets", "m", "percentage"))
	deploy(t, srv, "offsets", "prod", "m")
	item := func(text string) map[string]any {
		return map[string]any{"conversationItem": map[string]any{"id": "1", "participantId": "1", "text": text}}
	}
	params := map[string]any{"projectName": "offsets", "deploymentName": "prod"}
	for _, tc := range []struct {
		name   string
		body   any
		status int
		code   string
		target string
	}{
		{"not JSON", `{"kind":`, 400, "InvalidRequest", ""},
		{"bad kind", map[string]any{"kind": "Summary", "analysisInput": item("hi"), "parameters": params}, 400, "InvalidArgument", "kind"},
		{"no item", map[string]any{"kind": "Conversation", "parameters": params}, 400, "InvalidArgument", "analysisInput.conversationItem"},
		{"empty text", map[string]any{"kind": "Conversation", "analysisInput": item(" "), "parameters": params}, 400, "InvalidArgument", "analysisInput.conversationItem.text"},
		{"text too long", map[string]any{"kind": "Conversation", "analysisInput": item(strings.Repeat("a", 1001)), "parameters": params}, 400, "InvalidArgument", "analysisInput.conversationItem.text"},
		{"no project", map[string]any{"kind": "Conversation", "analysisInput": item("hi"), "parameters": map[string]any{"deploymentName": "prod"}}, 400, "InvalidArgument", "parameters.projectName"},
		{"bad index type", map[string]any{"kind": "Conversation", "analysisInput": item("hi"), "parameters": map[string]any{"projectName": "offsets", "deploymentName": "prod", "stringIndexType": "Utf8CodeUnit"}}, 400, "InvalidArgument", "parameters.stringIndexType"},
		{"bad reference time", map[string]any{"kind": "Conversation", "analysisInput": item("hi"), "parameters": map[string]any{"projectName": "offsets", "deploymentName": "prod", "parleyReferenceDateTime": "next tuesday"}}, 400, "InvalidArgument", "parameters.parleyReferenceDateTime"},
		{"reference time not a string", map[string]any{"kind": "Conversation", "analysisInput": item("hi"), "parameters": map[string]any{"projectName": "offsets", "deploymentName": "prod", "parleyReferenceDateTime": 1478476800}}, 400, "InvalidArgument", "parameters.parleyReferenceDateTime"},
		{"unknown time zone", map[string]any{"kind": "Conversation", "analysisInput": item("hi"), "parameters": map[string]any{"projectName": "offsets", "deploymentName": "prod", "parleyTimeZone": "Europe/Pariss"}}, 400, "InvalidArgument", "parameters.parleyTimeZone"},
		{"unknown project", map[string]any{"kind": "Conversation", "analysisInput": item("hi"), "parameters": map[string]any{"projectName": "nope", "deploymentName": "prod"}}, 404, "ProjectNotFound", ""},
		{"unknown deployment", map[string]any{"kind": "Conversation", "analysisInput": item("hi"), "parameters": map[string]any{"projectName": "offsets", "deploymentName": "nope"}}, 404, "NotFound", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, srv.Do("POST", "/language/:analyze-conversations?"+v3, tc.body), tc.status, tc.code, tc.target)
		})
	}
	t.Run("missing api-version", func(t *testing.T) {
		wantError(t, srv.Do("POST", "/language/:analyze-conversations", map[string]any{"kind": "Conversation", "analysisInput": item("hi"), "parameters": params}), 404, "404", "")
	})
}

// TestDeploymentLifecycle: a deployment pins its model version; the
// threshold of training time applies; delete and the deployment limit.
func TestDeploymentLifecycle(t *testing.T) {
	t.Parallel()
	forDeploymentCache(t, func(t *testing.T, watch bool) {
		testDeploymentLifecycle(t, apitest.New(t, &apitest.Options{WatchDeployments: watch, DeploymentPoll: time.Hour}))
	})
}

// forDeploymentCache runs f with deployments read from the store on every
// prediction, and kept in memory as parley serve does (with a poll too slow
// to matter: this process's own changes must apply at once).
func forDeploymentCache(t *testing.T, f func(t *testing.T, watch bool)) {
	for _, watch := range []bool{false, true} {
		t.Run(map[bool]string{false: "store", true: "cached"}[watch], func(t *testing.T) {
			t.Parallel()
			f(t, watch)
		})
	}
}

func testDeploymentLifecycle(t *testing.T, srv *apitest.Server) {
	// A threshold no score can reach: topIntent is always None.
	high := strings.Replace(offsetsProject, `"confidenceThreshold":0`, `"confidenceThreshold":1`, 1)
	importProject(t, srv, "offsets", []byte(high))
	finish(t, srv, train(t, srv, "offsets", "strict", "percentage"))
	importProject(t, srv, "offsets", []byte(offsetsProject))
	finish(t, srv, train(t, srv, "offsets", "m", "percentage"))
	deploy(t, srv, "offsets", "prod", "m")
	deploy(t, srv, "offsets", "strict", "strict")
	if p := predict(t, srv, "offsets", "strict", "will it rain tomorrow", ""); p["topIntent"] != "None" ||
		p["intents"].([]any)[0].(map[string]any)["category"] == "None" {
		t.Errorf("below the threshold: topIntent %v, intents %v; want None on top, intents as scored", p["topIntent"], p["intents"])
	}
	if p := predict(t, srv, "offsets", "prod", "will it rain tomorrow", ""); p["topIntent"] != "Weather" {
		t.Errorf("topIntent = %v, want Weather", p["topIntent"])
	}

	pinned := getJSON(t, srv, "/projects/offsets/deployments/prod?"+v3)["modelId"]
	srv.Clock.Advance(time.Minute)
	finish(t, srv, train(t, srv, "offsets", "m", "percentage"))
	if got := getJSON(t, srv, "/projects/offsets/deployments/prod?"+v3)["modelId"]; got != pinned {
		t.Errorf("retraining changed the deployment's modelId to %v", got)
	}
	// Deleting the model leaves the deployment serving.
	resp := srv.Do("DELETE", "/projects/offsets/models/m?"+v3, nil)
	wantStatus(t, resp, http.StatusNoContent)
	resp.Body.Close()
	predict(t, srv, "offsets", "prod", "send photos", "")

	list := getJSON(t, srv, "/projects/offsets/deployments?"+v3)["value"].([]any)
	if len(list) != 2 || list[0].(map[string]any)["deploymentName"] != "prod" {
		t.Errorf("deployments = %v", list)
	}
	if _, ok := getJSON(t, srv, "/projects/offsets/deployments/prod?api-version=2022-10-01-preview")["assignedResources"]; !ok {
		t.Errorf("2022-10-01-preview deployment has no assignedResources")
	}
	j := finish(t, srv, start(t, srv, "DELETE", "/projects/offsets/deployments/strict?"+v3, nil))
	if j["status"] != "succeeded" {
		t.Fatalf("delete deployment = %v", j)
	}
	wantError(t, srv.Do("GET", "/projects/offsets/deployments/strict?"+v3, nil), 404, "NotFound", "")
	wantError(t, srv.Do("POST", "/language/:analyze-conversations?"+v3, map[string]any{"kind": "Conversation",
		"analysisInput": map[string]any{"conversationItem": map[string]any{"id": "1", "participantId": "1", "text": "hi"}},
		"parameters":    map[string]any{"projectName": "offsets", "deploymentName": "strict"}}), 404, "NotFound", "")
	wantError(t, srv.Do("PUT", "/projects/offsets/deployments/x?"+v3, `{"trainedModelLabel":"nope"}`), 404, "NotFound", "")
	wantError(t, srv.Do("PUT", "/projects/offsets/deployments/x?"+v3, `{}`), 400, "InvalidArgument", "trainedModelLabel")
	wantError(t, srv.Do("POST", "/projects/offsets/deployments/:swap?"+v3, `{"firstDeploymentName":"prod","secondDeploymentName":"prod"}`), 400, "InvalidArgument", "")
	wantError(t, srv.Do("POST", "/projects/offsets/deployments/:swap?"+v3, `{"firstDeploymentName":"prod","secondDeploymentName":"gone"}`), 404, "NotFound", "")

	for i := range 9 {
		deploy(t, srv, "offsets", fmt.Sprintf("d%d", i), "strict")
	}
	wantError(t, srv.Do("PUT", "/projects/offsets/deployments/eleventh?"+v3, `{"trainedModelLabel":"strict"}`), 409, "QuotaExceeded", "")
}

// TestSwapUnderLoad swaps and redeploys two deployments while clients
// predict on them: no request fails, and every answer comes whole from one of
// the two models (run it with -race).
func TestSwapUnderLoad(t *testing.T) {
	t.Parallel()
	forDeploymentCache(t, func(t *testing.T, watch bool) {
		testSwapUnderLoad(t, apitest.New(t, &apitest.Options{AutoRun: true, WatchDeployments: watch, DeploymentPoll: time.Hour}))
	})
}

func testSwapUnderLoad(t *testing.T, srv *apitest.Server) {
	importProject(t, srv, "p", withName(t, smokeSnips(t), "p"))
	finish(t, srv, train(t, srv, "p", "snips", "manual"))
	importProject(t, srv, "p", withName(t, testdata(t, "datasets", "smoke", "banking77.smoke.clu.json"), "p"))
	finish(t, srv, train(t, srv, "p", "bank", "manual"))
	deploy(t, srv, "p", "a", "snips")
	deploy(t, srv, "p", "b", "bank")

	intentsOf := func(file []byte) map[string]bool {
		var f struct {
			Assets struct{ Intents []struct{ Category string } }
		}
		json.Unmarshal(file, &f)
		m := map[string]bool{"None": true}
		for _, in := range f.Assets.Intents {
			m[in.Category] = true
		}
		return m
	}
	snipsIntents := intentsOf(smokeSnips(t))
	bankIntents := intentsOf(testdata(t, "datasets", "smoke", "banking77.smoke.clu.json"))

	var stop atomic.Bool
	var requests, fromSnips, fromBank atomic.Int64
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for !stop.Load() {
				p := predict(t, srv, "p", []string{"a", "b"}[w%2], "play some music by phil collins", "")
				requests.Add(1)
				var inSnips, inBank int
				for _, in := range p["intents"].([]any) {
					c := in.(map[string]any)["category"].(string)
					if snipsIntents[c] {
						inSnips++
					}
					if bankIntents[c] {
						inBank++
					}
				}
				switch n := len(p["intents"].([]any)); {
				case inSnips == n && n == len(snipsIntents):
					fromSnips.Add(1)
				case inBank == n && n == len(bankIntents):
					fromBank.Add(1)
				default:
					t.Errorf("a prediction mixes models: %v", p["intents"])
					return
				}
			}
		})
	}
	for i := range 6 {
		j := finish(t, srv, start(t, srv, "POST", "/projects/p/deployments/:swap?"+v3, map[string]any{"firstDeploymentName": "a", "secondDeploymentName": "b"}))
		if j["status"] != "succeeded" {
			t.Fatalf("swap %d = %v", i, j)
		}
		deploy(t, srv, "p", "a", []string{"bank", "snips"}[i%2])
	}
	stop.Store(true)
	wg.Wait()
	if fromSnips.Load() == 0 || fromBank.Load() == 0 {
		t.Errorf("%d requests: %d answered by the SNIPS model, %d by the BANKING model; want both", requests.Load(), fromSnips.Load(), fromBank.Load())
	}
	t.Logf("%d predictions during 6 swaps and 6 redeploys: %d SNIPS, %d BANKING, none failed", requests.Load(), fromSnips.Load(), fromBank.Load())
}

// TestEvaluationMatchesDeployment: the evaluation scores the model that a
// deployment serves, so its predicted intents are the runtime's (the smoke
// project's threshold is 0).
func TestEvaluationMatchesDeployment(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, nil)
	for _, name := range []string{"snips2017.smoke.clu.json", "banking77.smoke.clu.json"} {
		importProject(t, srv, "p", withName(t, testdata(t, "datasets", "smoke", name), "p"))
		finish(t, srv, train(t, srv, "p", "m1", "manual"))
		deploy(t, srv, "p", "production", "m1")
		page := getJSON(t, srv, "/projects/p/models/m1/evaluation/result?stringIndexType=Utf16CodeUnit&maxpagesize=1000&"+v3)
		for _, r := range page["value"].([]any) {
			r := r.(map[string]any)
			want := r["intentsResult"].(map[string]any)["predictedIntent"]
			p := predict(t, srv, "p", "production", r["text"].(string), "")
			if got := p["intents"].([]any)[0].(map[string]any)["category"]; got != want {
				t.Errorf("%s %q: runtime top intent %v, evaluation predictedIntent %v", name, r["text"], got, want)
			}
		}
	}
}
