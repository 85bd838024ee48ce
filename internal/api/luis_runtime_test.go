package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/parley-dev/parley/internal/api/apitest"
	"github.com/parley-dev/parley/internal/project"
)

// The LUIS apps of these tests: CLU project files shaped like the LUIS
// runtime spec's examples ("forward to frank 30 dollars through HSBC"), as
// a LUIS import would make them: prebuilt entities named as LUIS names
// them (number, money, datetimeV2), list entities, a learned entity, and a
// machine-learned entity's leaves named <parent>.<leaf>.
const (
	giveApp     = "0b6c2f7e-3d1a-4f6e-9a8b-1c2d3e4f5a6b" // app1: the GET examples'
	giveAppPost = "1d7e9f0a-2b3c-4d5e-8f9a-0b1c2d3e4f5a" // app2: the POST example's
	prebuiltApp = "2e8f0a1b-3c4d-4e5f-9a0b-1c2d3e4f5a6c" // app3: LUIS's prebuilt entities
)

// luisPrebuiltProject is app3: LUIS's prebuilt entities, named as a LUIS
// import names them, and a CLU-style entity with a prebuilt component.
const luisPrebuiltProject = `{"projectFileVersion":"2023-04-01","stringIndexType":"Utf16CodeUnit",
"metadata":{"projectKind":"Conversation","projectName":"luisprebuilt","multilingual":false,"language":"en-us","settings":{"confidenceThreshold":0}},
"assets":{"projectKind":"Conversation","intents":[{"category":"ask"},{"category":"None"}],
"entities":[
 {"category":"age","prebuilts":[{"category":"Quantity.Age"}]},
 {"category":"dimension","prebuilts":[{"category":"Quantity.Dimension"}]},
 {"category":"temperature","prebuilts":[{"category":"Quantity.Temperature"}]},
 {"category":"percentage","prebuilts":[{"category":"Quantity.Percentage"}]},
 {"category":"ordinal","prebuilts":[{"category":"Quantity.Ordinal"}]},
 {"category":"ordinalV2","prebuilts":[{"category":"Quantity.Ordinal"}]},
 {"category":"email","prebuilts":[{"category":"Email"}]},
 {"category":"url","prebuilts":[{"category":"URL"}]},
 {"category":"phonenumber","prebuilts":[{"category":"Phone Number"}]},
 {"category":"TravelDate","prebuilts":[{"category":"DateTime"}]}],
"utterances":[
 {"text":"how old is he","intent":"ask","dataset":"Train"},
 {"text":"what is the temperature","intent":"ask","dataset":"Train"},
 {"text":"hello there","intent":"None","dataset":"Train"},
 {"text":"tell me a joke","intent":"None","dataset":"Train"},
 {"text":"how far is it","intent":"ask","dataset":"Test"}]}}`

// giveProject is app1: Bank is a list that knows HSBC, frank a learned entity.
const giveProject = `{"projectFileVersion":"2023-04-01","stringIndexType":"Utf16CodeUnit",
"metadata":{"projectKind":"Conversation","projectName":"give","multilingual":false,"language":"en-us","settings":{"confidenceThreshold":0}},
"assets":{"projectKind":"Conversation","intents":[{"category":"give"},{"category":"order"},{"category":"None"}],
"entities":[
 {"category":"frank"},
 {"category":"number","prebuilts":[{"category":"Quantity.Number"}]},
 {"category":"money","prebuilts":[{"category":"Quantity.Currency"}]},
 {"category":"datetimeV2","prebuilts":[{"category":"DateTime"}]},
 {"category":"Bank","list":{"sublists":[{"listKey":"BankeName","synonyms":[{"language":"en-us","values":["HSBC","Contoso Bank"]}]}]}},
 {"category":"Employees","list":{"sublists":[{"listKey":"Alice","synonyms":[{"language":"en-us","values":["Alice"]}]}]}},
 {"category":"OrderId","regex":{"expressions":[{"regexKey":"id","language":"en-us","regexPattern":"ord-[0-9]{4}"}]}},
 {"category":"Order.Size","list":{"sublists":[{"listKey":"Large","synonyms":[{"language":"en-us","values":["large","big"]}]},{"listKey":"Small","synonyms":[{"language":"en-us","values":["small"]}]}]}},
 {"category":"Order.Topping","list":{"sublists":[{"listKey":"Cheese","synonyms":[{"language":"en-us","values":["cheese"]}]},{"listKey":"Ham","synonyms":[{"language":"en-us","values":["ham"]}]}]}}],
"utterances":[
 {"text":"forward to frank 30 dollars through HSBC","intent":"give","dataset":"Train","entities":[{"category":"frank","offset":11,"length":5}]},
 {"text":"give frank 20 dollars","intent":"give","dataset":"Train","entities":[{"category":"frank","offset":5,"length":5}]},
 {"text":"send frank 50 dollars tomorrow","intent":"give","dataset":"Train","entities":[{"category":"frank","offset":5,"length":5}]},
 {"text":"transfer 10 euros to frank through Contoso Bank","intent":"give","dataset":"Train","entities":[{"category":"frank","offset":21,"length":5}]},
 {"text":"pay frank 5 dollars","intent":"give","dataset":"Train","entities":[{"category":"frank","offset":4,"length":5}]},
 {"text":"forward money to frank","intent":"give","dataset":"Train","entities":[{"category":"frank","offset":17,"length":5}]},
 {"text":"order a large cheese pizza","intent":"order","dataset":"Train"},
 {"text":"i want two small ham pizzas","intent":"order","dataset":"Train"},
 {"text":"order one big pizza with ham","intent":"order","dataset":"Train"},
 {"text":"where is my order ord-1234","intent":"order","dataset":"Train"},
 {"text":"what is the weather like","intent":"None","dataset":"Train"},
 {"text":"tell me a joke","intent":"None","dataset":"Train"},
 {"text":"hello there","intent":"None","dataset":"Train"},
 {"text":"give bob 3 dollars","intent":"give","dataset":"Test"}]}}`

// givePostProject is app2: no frank entity, and a Bank list that does not
// know HSBC, so that the POST example's external Bank entity stands alone.
const givePostProject = `{"projectFileVersion":"2023-04-01","stringIndexType":"Utf16CodeUnit",
"metadata":{"projectKind":"Conversation","projectName":"givepost","multilingual":false,"language":"en-us","settings":{"confidenceThreshold":0}},
"assets":{"projectKind":"Conversation","intents":[{"category":"give"},{"category":"None"}],
"entities":[
 {"category":"number","prebuilts":[{"category":"Quantity.Number"}]},
 {"category":"money","prebuilts":[{"category":"Quantity.Currency"}]},
 {"category":"Bank","list":{"sublists":[{"listKey":"Contoso","synonyms":[{"language":"en-us","values":["Contoso Bank"]}]}]}},
 {"category":"Employees","list":{"sublists":[{"listKey":"Alice","synonyms":[{"language":"en-us","values":["Alice"]}]}]}}],
"utterances":[
 {"text":"forward to frank 30 dollars through HSBC","intent":"give","dataset":"Train"},
 {"text":"give frank 20 dollars","intent":"give","dataset":"Train"},
 {"text":"send alice 50 dollars","intent":"give","dataset":"Train"},
 {"text":"pay bob 5 dollars through Contoso Bank","intent":"give","dataset":"Train"},
 {"text":"what is the weather like","intent":"None","dataset":"Train"},
 {"text":"tell me a joke","intent":"None","dataset":"Train"},
 {"text":"hello there","intent":"None","dataset":"Train"},
 {"text":"give bob 3 dollars","intent":"give","dataset":"Test"}]}}`

// luisApps returns a server with both apps imported, trained and deployed
// as production (app1 as staging too), each with its LUIS app id. TestLUIS
// builds it once for its subtests: training is the slow part.
func luisApps(t *testing.T) *apitest.Server {
	t.Helper()
	srv := apitest.New(t, &apitest.Options{AutoRun: true})
	setupLUISApp(t, srv, "give", giveProject, giveApp, "production", "staging")
	setupLUISApp(t, srv, "givepost", givePostProject, giveAppPost, "production")
	setupLUISApp(t, srv, "luisprebuilt", luisPrebuiltProject, prebuiltApp, "production")
	return srv
}

// setupLUISApp imports, trains and deploys a project and gives it a LUIS app id.
func setupLUISApp(t testing.TB, srv *apitest.Server, name, file, appID string, deployments ...string) {
	t.Helper()
	importProject(t, srv, name, []byte(file))
	j := finish(t, srv, train(t, srv, name, "m", "manual"))
	if j["status"] != "succeeded" {
		t.Fatalf("training %s = %v", name, j)
	}
	for _, d := range deployments {
		deploy(t, srv, name, d, "m")
	}
	wantStatus(t, patchProject(t, srv, name, map[string]any{"luisAppId": appID}), http.StatusOK)
}

// luisGet sends a GET to a LUIS path with the key in the header.
func luisDo(t *testing.T, srv *apitest.Server, method, path string, body any) *http.Response {
	t.Helper()
	return srv.Do(method, srv.URL+path, body)
}

func luisJSON(t *testing.T, resp *http.Response, status int) map[string]any {
	t.Helper()
	wantStatus(t, resp, status)
	return apitest.ReadJSON(t, resp)
}

// wantLUISError checks an error in the LUIS runtime's shape.
func wantLUISError(t *testing.T, resp *http.Response, status int, code, mention string) {
	t.Helper()
	body := luisJSON(t, resp, status)
	e, _ := body["error"].(map[string]any)
	msg, _ := e["message"].(string)
	if e == nil || e["code"] != code || msg == "" {
		t.Errorf("%s %s: error %v, want code %q and a message", resp.Request.Method, resp.Request.URL.Path, body, code)
	}
	if mention != "" && !strings.Contains(msg, mention) {
		t.Errorf("%s %s: message %q does not mention %q", resp.Request.Method, resp.Request.URL.Path, msg, mention)
	}
}

func v3Path(app, slot string, q url.Values) string {
	p := "/luis/prediction/v3.0/apps/" + app + "/slots/" + slot + "/predict"
	if len(q) > 0 {
		p += "?" + q.Encode()
	}
	return p
}

func v2Path(app string, q url.Values) string {
	return "/luis/v2.0/apps/" + app + "?" + q.Encode()
}

// luisExample is an x-ms-example of the LUIS runtime spec.
type luisExample struct {
	Parameters map[string]json.RawMessage `json:"parameters"`
	Responses  map[string]struct {
		Body any `json:"body"`
	} `json:"responses"`
}

// luisDeviations are where Parley's answer differs in shape from an
// example, each with its reason (docs/compatibility.md, "LUIS prediction
// endpoint", says the same). A path names a member: "prediction.sentiment";
// "[]" stands for any array element. File, when set, limits a deviation to
// one example.
var luisDeviations = []struct{ file, path, reason string }{
	{"", "prediction.sentiment", "Parley has no sentiment analysis: the member is left out, never invented"},
	{"", "sentimentAnalysis", "Parley has no sentiment analysis (v2): the member is left out"},
	{"", "prediction.entities.money[].value", "the example writes money as {units, value}; LUIS's currency docs and Bot Framework's NumberWithUnits read {number, units}, which Parley sends"},
	{"", "prediction.entities.money[].number", "see prediction.entities.money[].value"},
	{"", "entities[builtin.number].resolution.subtype", "LUIS's number docs show subtype beside value in v2; the example has none"},
	{"v3/SuccessfulGetSlotPredictionsFromEndpointViaGetRequest.json", "prediction.entities.Bank[]", "the example writes Bank, a list entity in the v2 examples of the same query, as a string; Parley writes a list entity's value as the array of its canonical forms, as LUIS v3's list docs do"},
}

// deviation reports whether a path of an example's answer is a declared deviation.
func deviation(file, path string) bool {
	return slices.ContainsFunc(luisDeviations, func(d struct{ file, path, reason string }) bool {
		return d.path == path && (d.file == "" || d.file == file)
	})
}

// compareShape reports where got differs from want in shape: object keys,
// JSON types, array lengths. v2's entities are matched by type, since
// their order in the examples is not the answer's offset order.
func compareShape(file, path string, want, got any, out *[]string) {
	if deviation(file, path) {
		return
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			*out = append(*out, fmt.Sprintf("%s: got %T, want an object", path, got))
			return
		}
		for _, k := range sortedKeys(w, g) {
			p := join(path, k)
			wv, inW := w[k]
			gv, inG := g[k]
			switch {
			case !inG:
				if !deviation(file, p) {
					*out = append(*out, fmt.Sprintf("%s: missing", p))
				}
			case !inW:
				if !deviation(file, p) {
					*out = append(*out, fmt.Sprintf("%s: not in the example", p))
				}
			default:
				compareShape(file, p, wv, gv, out)
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok {
			*out = append(*out, fmt.Sprintf("%s: got %T, want an array", path, got))
			return
		}
		if len(g) != len(w) {
			*out = append(*out, fmt.Sprintf("%s: %d elements, want %d", path, len(g), len(w)))
			return
		}
		if path == "entities" { // v2: match by type
			for _, we := range w {
				typ := we.(map[string]any)["type"]
				i := slices.IndexFunc(g, func(x any) bool { m, _ := x.(map[string]any); return m["type"] == typ })
				if i < 0 {
					*out = append(*out, fmt.Sprintf("entities: no entity of type %v", typ))
					continue
				}
				compareShape(file, fmt.Sprintf("entities[%v]", typ), we, g[i], out)
			}
			return
		}
		for i := range w {
			compareShape(file, path+"[]", w[i], g[i], out)
		}
	default:
		if reflect.TypeOf(want) != reflect.TypeOf(got) {
			*out = append(*out, fmt.Sprintf("%s: got %T %v, want %T", path, got, got, want))
		}
	}
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

func sortedKeys(a, b map[string]any) []string {
	var ks []string
	for k := range a {
		ks = append(ks, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			ks = append(ks, k)
		}
	}
	sort.Strings(ks)
	return ks
}

// TestLUIS runs the LUIS prediction endpoint's tests on one server.
func TestLUIS(t *testing.T) {
	t.Parallel()
	srv := luisApps(t)
	t.Run("SpecExamples", func(t *testing.T) { testLUISSpecExamples(t, srv) })
	t.Run("V3", func(t *testing.T) { testLUISV3(t, srv) })
	t.Run("V2", func(t *testing.T) { testLUISV2(t, srv) })
	t.Run("Prebuilt", func(t *testing.T) { testLUISPrebuilt(t, srv) })
	t.Run("Errors", func(t *testing.T) { testLUISErrors(t, srv) })
	t.Run("Keys", func(t *testing.T) { testLUISKeys(t, srv) })
	t.Run("ExternalAndDynamic", func(t *testing.T) { testLUISExternalAndDynamic(t, srv) })
	t.Run("EndToEnd", func(t *testing.T) { testLUISEndToEnd(t, srv) })
}

// testLUISSpecExamples replays the LUIS runtime spec's examples (copied to
// testdata/luis-runtime, SOURCES.md there) against apps built to answer
// them, and compares the answers' shape with the examples', and the query
// and top intent exactly.
func testLUISSpecExamples(t *testing.T, srv *apitest.Server) {
	dir := filepath.Join("..", "..", "testdata", "luis-runtime")
	for _, tc := range []struct {
		file   string
		method string
		app    string
	}{
		{"v3/SuccessfulGetSlotPredictionsFromEndpointViaGetRequest.json", "GET", giveApp},
		{"v3/SuccessfulGetSlotPredictionsFromEndpointViaPostRequest.json", "POST", giveAppPost},
		{"v2/SuccessfulGetPredictionsFromEndpointViaGetRequest.json", "GET", giveApp},
		{"v2/SuccessfulGetPredictionsFromEndpointViaPostRequest.json", "POST", giveApp},
	} {
		t.Run(tc.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(tc.file)))
			if err != nil {
				t.Fatal(err)
			}
			var ex luisExample
			if err := json.Unmarshal(b, &ex); err != nil {
				t.Fatal(err)
			}
			str := func(name string) string {
				var s string
				json.Unmarshal(ex.Parameters[name], &s)
				return s
			}
			var resp *http.Response
			switch {
			case strings.HasPrefix(tc.file, "v3/") && tc.method == "GET":
				resp = luisDo(t, srv, "GET", v3Path(tc.app, "production", url.Values{"query": {str("query")}}), nil)
			case strings.HasPrefix(tc.file, "v3/"):
				resp = luisDo(t, srv, "POST", v3Path(tc.app, "production", nil), []byte(ex.Parameters["predictionRequest"]))
			case tc.method == "GET":
				resp = luisDo(t, srv, "GET", v2Path(tc.app, url.Values{"q": {str("q")}}), nil)
			default:
				q, _ := json.Marshal(str("q"))
				resp = luisDo(t, srv, "POST", v2Path(tc.app, url.Values{}), q)
			}
			got := luisJSON(t, resp, http.StatusOK)
			want := ex.Responses["200"].Body.(map[string]any)
			var diffs []string
			compareShape(tc.file, "", want, got, &diffs)
			for _, d := range diffs {
				t.Errorf("%s", d)
			}
			if got["query"] != want["query"] {
				t.Errorf("query = %v, want %v", got["query"], want["query"])
			}
			if p, ok := want["prediction"].(map[string]any); ok {
				if g := got["prediction"].(map[string]any); g["topIntent"] != p["topIntent"] {
					t.Errorf("topIntent = %v, want %v", g["topIntent"], p["topIntent"])
				}
			} else if g, w := got["topScoringIntent"].(map[string]any), want["topScoringIntent"].(map[string]any); g["intent"] != w["intent"] {
				t.Errorf("topScoringIntent = %v, want %v", g, w)
			}
			if t.Failed() {
				t.Logf("answer: %v", got)
			}
		})
	}
}

// obj and arr read a generic JSON value, failing the test on another shape.
func obj(t *testing.T, v any, what string) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%s = %v (%T), want an object", what, v, v)
	}
	return m
}

func arr(t *testing.T, v any, what string) []any {
	t.Helper()
	a, ok := v.([]any)
	if !ok {
		t.Fatalf("%s = %v (%T), want an array", what, v, v)
	}
	return a
}

// v3Predict sends a v3 GET and returns its prediction.
func v3Predict(t *testing.T, srv *apitest.Server, app, query string, params ...string) map[string]any {
	t.Helper()
	q := url.Values{"query": {query}}
	for i := 0; i+1 < len(params); i += 2 {
		q.Set(params[i], params[i+1])
	}
	body := luisJSON(t, luisDo(t, srv, "GET", v3Path(app, "production", q), nil), http.StatusOK)
	if body["query"] != query {
		t.Errorf("query = %v, want %q", body["query"], query)
	}
	return obj(t, body["prediction"], "prediction")
}

func testLUISV3(t *testing.T, srv *apitest.Server) {
	query := "order a large cheese pizza and a small ham pizza, order ord-1234 for tomorrow"
	p := v3Predict(t, srv, giveApp, query, "verbose", "true", "show-all-intents", "true")
	if p["topIntent"] != "order" {
		t.Errorf("topIntent = %v, want order", p["topIntent"])
	}
	intents := obj(t, p["intents"], "intents")
	if len(intents) != 3 || intents["give"] == nil || intents["None"] == nil {
		t.Errorf("show-all-intents: intents = %v, want give, order and None", intents)
	}
	ents := obj(t, p["entities"], "entities")
	inst := obj(t, ents["$instance"], "entities.$instance")

	// Order.Size and Order.Topping nest under Order: one object per pizza,
	// since Size comes again; list values are arrays of canonical forms.
	orders := arr(t, ents["Order"], "Order")
	if len(orders) != 2 {
		t.Fatalf("Order = %v, want two objects (one per pizza)", orders)
	}
	first := obj(t, orders[0], "Order[0]")
	if !reflect.DeepEqual(first["Size"], []any{[]any{"Large"}}) || !reflect.DeepEqual(first["Topping"], []any{[]any{"Cheese"}}) {
		t.Errorf("Order[0] = %v, want Size [[Large]] and Topping [[Cheese]]", first)
	}
	second := obj(t, orders[1], "Order[1]")
	if !reflect.DeepEqual(second["Size"], []any{[]any{"Small"}}) || !reflect.DeepEqual(second["Topping"], []any{[]any{"Ham"}}) {
		t.Errorf("Order[1] = %v, want Size [[Small]] and Topping [[Ham]]", second)
	}
	oi := obj(t, arr(t, inst["Order"], "$instance.Order")[0], "$instance.Order[0]")
	if oi["type"] != "Order" || oi["text"] != "large cheese" || oi["startIndex"] != 8.0 || oi["length"] != 12.0 ||
		oi["modelType"] != "Entity Extractor" || oi["modelTypeId"] != 1.0 {
		t.Errorf("$instance.Order[0] = %v, want the span of its children, large cheese at 8+12", oi)
	}
	si := obj(t, arr(t, obj(t, first["$instance"], "Order[0].$instance")["Size"], "Size instances")[0], "Size instance")
	if si["type"] != "Size" || si["text"] != "large" || si["startIndex"] != 8.0 || si["length"] != 5.0 ||
		si["modelType"] != "List Entity Extractor" || si["modelTypeId"] != 5.0 || !reflect.DeepEqual(si["recognitionSources"], []any{"model"}) {
		t.Errorf("Order[0].$instance.Size[0] = %v", si)
	}
	if _, ok := si["score"]; ok {
		t.Errorf("a list instance has a score: %v", si)
	}
	// Regex entities are strings.
	if !reflect.DeepEqual(ents["OrderId"], []any{"ord-1234"}) {
		t.Errorf("OrderId = %v, want [ord-1234]", ents["OrderId"])
	}
	ri := obj(t, arr(t, inst["OrderId"], "$instance.OrderId")[0], "OrderId instance")
	if ri["modelType"] != "Regex Entity Extractor" || ri["modelTypeId"] != 8.0 || ri["type"] != "OrderId" {
		t.Errorf("$instance.OrderId[0] = %v", ri)
	}
	// datetimeV2 in LUIS v3's shape, resolved against the server's clock
	// (2026-04-18 15:23 UTC).
	dt := obj(t, arr(t, ents["datetimeV2"], "datetimeV2")[0], "datetimeV2[0]")
	want := map[string]any{"type": "date", "values": []any{map[string]any{"timex": "2026-04-19", "resolution": []any{map[string]any{"value": "2026-04-19"}}}}}
	if !reflect.DeepEqual(dt, want) {
		t.Errorf("datetimeV2[0] = %v, want %v", dt, want)
	}
	di := obj(t, arr(t, inst["datetimeV2"], "$instance.datetimeV2")[0], "datetimeV2 instance")
	if di["type"] != "builtin.datetimeV2.date" || di["text"] != "tomorrow" || di["modelType"] != "Prebuilt Entity Extractor" || di["modelTypeId"] != 2.0 {
		t.Errorf("$instance.datetimeV2[0] = %v", di)
	}

	// Without verbose: no $instance, at any depth; without show-all-intents:
	// the top intent only.
	p = v3Predict(t, srv, giveApp, query)
	ents = obj(t, p["entities"], "entities")
	if _, ok := ents["$instance"]; ok {
		t.Errorf("verbose absent: entities have $instance")
	}
	if _, ok := obj(t, arr(t, ents["Order"], "Order")[0], "Order[0]")["$instance"]; ok {
		t.Errorf("verbose absent: Order[0] has $instance")
	}
	if intents := obj(t, p["intents"], "intents"); len(intents) != 1 || intents["order"] == nil {
		t.Errorf("show-all-intents absent: intents = %v, want order only", intents)
	}

	// POST: datetimeReference fixes "now"; money and number in LUIS's shapes;
	// the learned entity's instance has a score.
	body := map[string]any{"query": "send frank 50 dollars tomorrow", "options": map[string]any{"datetimeReference": "2019-05-05T12:00:00"}}
	resp := luisDo(t, srv, "POST", v3Path(giveApp, "Production", url.Values{"verbose": {"true"}, "log": {"false"}}), body)
	p = obj(t, luisJSON(t, resp, http.StatusOK)["prediction"], "prediction")
	ents = obj(t, p["entities"], "entities")
	if p["topIntent"] != "give" || !reflect.DeepEqual(ents["money"], []any{map[string]any{"number": 50.0, "units": "Dollar"}}) {
		t.Errorf("POST: topIntent %v, money %v; want give, [{number 50, units Dollar}]", p["topIntent"], ents["money"])
	}
	if n := arr(t, ents["number"], "number"); len(n) != 1 || n[0] != 50.0 {
		t.Errorf("number = %v, want [50]", n)
	}
	dt = obj(t, arr(t, ents["datetimeV2"], "datetimeV2")[0], "datetimeV2[0]")
	if v := obj(t, arr(t, dt["values"], "values")[0], "values[0]"); v["timex"] != "2019-05-06" {
		t.Errorf("datetimeV2 with datetimeReference 2019-05-05: %v, want timex 2019-05-06", dt)
	}
	if !reflect.DeepEqual(ents["frank"], []any{"frank"}) {
		t.Errorf("frank = %v, want [frank]", ents["frank"])
	}
	fi := obj(t, arr(t, obj(t, ents["$instance"], "$instance")["frank"], "frank instances")[0], "frank instance")
	if sc, ok := fi["score"].(float64); !ok || sc <= 0 || sc > 1 || fi["modelType"] != "Entity Extractor" {
		t.Errorf("$instance.frank[0] = %v, want a learned instance with a score in (0, 1]", fi)
	}
	mi := obj(t, arr(t, obj(t, ents["$instance"], "$instance")["money"], "money instances")[0], "money instance")
	if mi["type"] != "builtin.currency" || mi["text"] != "50 dollars" {
		t.Errorf("$instance.money[0] = %v, want builtin.currency on 50 dollars", mi)
	}

	// The spec's host template, /luis/v3.0, answers too.
	resp = luisDo(t, srv, "GET", "/luis/v3.0/apps/"+giveApp+"/slots/staging/predict?query=hello+there", nil)
	if p := obj(t, luisJSON(t, resp, http.StatusOK)["prediction"], "prediction"); p["topIntent"] != "None" {
		t.Errorf("/luis/v3.0 staging: topIntent %v, want None", p["topIntent"])
	}
}

func testLUISV2(t *testing.T, srv *apitest.Server) {
	query := "order a large cheese pizza from HSBC tomorrow"
	body := luisJSON(t, luisDo(t, srv, "GET", v2Path(giveApp, url.Values{"q": {query}, "verbose": {"true"}}), nil), http.StatusOK)
	top := obj(t, body["topScoringIntent"], "topScoringIntent")
	intents := arr(t, body["intents"], "intents")
	if top["intent"] != "order" || len(intents) != 3 || obj(t, intents[0], "intents[0]")["intent"] != "order" {
		t.Errorf("verbose v2: topScoringIntent %v, intents %v; want order first of 3", top, intents)
	}
	byType := map[string]map[string]any{}
	for _, e := range arr(t, body["entities"], "entities") {
		m := obj(t, e, "entity")
		byType[m["type"].(string)] = m
	}
	size := byType["Order.Size"]
	if size == nil || size["entity"] != "large" || size["startIndex"] != 8.0 || size["endIndex"] != 12.0 ||
		!reflect.DeepEqual(size["resolution"], map[string]any{"values": []any{"Large"}}) {
		t.Errorf("v2 Order.Size = %v, want large 8..12 (inclusive) with values [Large]", size)
	}
	if b := byType["Bank"]; b == nil || b["entity"] != "hsbc" {
		t.Errorf("v2 Bank = %v, want the text lower-cased, hsbc, as LUIS v2 wrote it", b)
	}
	dt := byType["builtin.datetimeV2.date"]
	wantRes := map[string]any{"values": []any{map[string]any{"timex": "2026-04-19", "type": "date", "value": "2026-04-19"}}}
	if dt == nil || !reflect.DeepEqual(dt["resolution"], wantRes) {
		t.Errorf("v2 datetimeV2 = %v, want resolution %v", dt, wantRes)
	}
	// Without verbose: no intents member.
	body = luisJSON(t, luisDo(t, srv, "GET", v2Path(giveApp, url.Values{"q": {query}}), nil), http.StatusOK)
	if _, ok := body["intents"]; ok {
		t.Errorf("v2 without verbose has intents: %v", body["intents"])
	}
	// timezoneOffset: at UTC+10 the clock reads 2026-04-19 01:23, so
	// tomorrow is the 20th.
	body = luisJSON(t, luisDo(t, srv, "GET", v2Path(giveApp, url.Values{"q": {"pay frank tomorrow"}, "timezoneOffset": {"600"}}), nil), http.StatusOK)
	found := false
	for _, e := range arr(t, body["entities"], "entities") {
		if m := obj(t, e, "entity"); m["type"] == "builtin.datetimeV2.date" {
			found = true
			v := obj(t, arr(t, obj(t, m["resolution"], "resolution")["values"], "values")[0], "value")
			if v["timex"] != "2026-04-20" {
				t.Errorf("timezoneOffset=600: tomorrow = %v, want 2026-04-20", v)
			}
		}
	}
	if !found {
		t.Errorf("timezoneOffset=600: no datetimeV2 entity in %v", body["entities"])
	}
	// staging=true reads the staging deployment: app2 has none.
	wantStatus(t, luisDo(t, srv, "GET", v2Path(giveApp, url.Values{"q": {"hello"}, "staging": {"true"}}), nil), http.StatusOK)
	wantLUISError(t, luisDo(t, srv, "GET", v2Path(giveAppPost, url.Values{"q": {"hello"}, "staging": {"true"}}), nil), http.StatusNotFound, "NotFound", "staging")
	wantStatus(t, luisDo(t, srv, "GET", v2Path(giveAppPost, url.Values{"q": {"hello"}, "staging": {"false"}}), nil), http.StatusOK)
}

func testLUISErrors(t *testing.T, srv *apitest.Server) {
	q := url.Values{"query": {"hello"}}
	for _, tc := range []struct {
		name, method, path string
		body               any
		status             int
		code, mention      string
	}{
		{"unknown app", "GET", v3Path("11111111-2222-4333-8444-555555555555", "production", q), nil, 404, "NotFound", "luisAppId"},
		{"app id not a GUID", "GET", v3Path("my-app", "production", q), nil, 404, "NotFound", "my-app"},
		{"unknown slot", "GET", v3Path(giveApp, "dev", q), nil, 400, "BadArgument", "production"},
		{"slot not deployed", "GET", v3Path(giveAppPost, "staging", q), nil, 404, "NotFound", "staging"},
		{"no query", "GET", v3Path(giveApp, "production", nil), nil, 400, "BadArgument", "query"},
		{"blank query", "GET", v3Path(giveApp, "production", url.Values{"query": {"  "}}), nil, 400, "BadArgument", "empty"},
		{"query too long", "GET", v3Path(giveApp, "production", url.Values{"query": {strings.Repeat("a", 501)}}), nil, 414, "BadArgument", "500"},
		{"bad verbose", "GET", v3Path(giveApp, "production", url.Values{"query": {"hi"}, "verbose": {"yes please"}}), nil, 400, "BadArgument", "verbose"},
		{"bad show-all-intents", "GET", v3Path(giveApp, "production", url.Values{"query": {"hi"}, "show-all-intents": {"2"}}), nil, 400, "BadArgument", "show-all-intents"},
		{"bad log", "GET", v3Path(giveApp, "production", url.Values{"query": {"hi"}, "log": {"x"}}), nil, 400, "BadArgument", "log"},
		{"POST without query", "POST", v3Path(giveApp, "production", nil), map[string]any{"options": map[string]any{}}, 400, "BadArgument", "query"},
		{"POST not JSON", "POST", v3Path(giveApp, "production", nil), "{nope", 400, "BadArgument", "JSON"},
		{"POST query not a string", "POST", v3Path(giveApp, "production", nil), `{"query": 5}`, 400, "BadArgument", "JSON"},
		{"bad datetimeReference", "POST", v3Path(giveApp, "production", nil), map[string]any{"query": "hi", "options": map[string]any{"datetimeReference": "last week"}}, 400, "BadArgument", "datetimeReference"},
		{"external entity outside the query", "POST", v3Path(giveApp, "production", nil), map[string]any{"query": "hi there",
			"externalEntities": []any{map[string]any{"entityName": "Bank", "startIndex": 3, "entityLength": 10}}}, 400, "BadArgument", "externalEntities[0]"},
		{"external entity without name", "POST", v3Path(giveApp, "production", nil), map[string]any{"query": "hi there",
			"externalEntities": []any{map[string]any{"startIndex": 0, "entityLength": 2}}}, 400, "BadArgument", "entityName"},
		{"external entity without length", "POST", v3Path(giveApp, "production", nil), map[string]any{"query": "hi there",
			"externalEntities": []any{map[string]any{"entityName": "Bank", "startIndex": 0}}}, 400, "BadArgument", "entityLength"},
		{"external entity score", "POST", v3Path(giveApp, "production", nil), map[string]any{"query": "hi there",
			"externalEntities": []any{map[string]any{"entityName": "Bank", "startIndex": 0, "entityLength": 2, "score": 3}}}, 400, "BadArgument", "score"},
		{"too many external entities", "POST", v3Path(giveApp, "production", nil), map[string]any{"query": "hi there",
			"externalEntities": slices.Repeat([]any{map[string]any{"entityName": "Bank", "startIndex": 0, "entityLength": 2}}, 101)}, 400, "BadArgument", "100"},
		{"dynamic list without canonical form", "POST", v3Path(giveApp, "production", nil), map[string]any{"query": "hi there",
			"dynamicLists": []any{map[string]any{"listEntityName": "Employees", "requestLists": []any{map[string]any{"synonyms": []any{"x"}}}}}}, 400, "BadArgument", "canonicalForm"},
		{"dynamic list without name", "POST", v3Path(giveApp, "production", nil), map[string]any{"query": "hi there",
			"dynamicLists": []any{map[string]any{"requestLists": []any{map[string]any{"canonicalForm": "x"}}}}}, 400, "BadArgument", "listEntityName"},
		{"dynamic lists too large", "POST", v3Path(giveApp, "production", nil), map[string]any{"query": "hi there",
			"dynamicLists": []any{map[string]any{"listEntityName": "Employees", "requestLists": []any{map[string]any{"canonicalForm": "x", "synonyms": slices.Repeat([]any{"y"}, 1000)}}}}}, 400, "BadArgument", "1000"},
		{"dynamic list value too long", "POST", v3Path(giveApp, "production", nil), map[string]any{"query": "hi there",
			"dynamicLists": []any{map[string]any{"listEntityName": "Employees", "requestLists": []any{map[string]any{"canonicalForm": strings.Repeat("x", 101)}}}}}, 400, "BadArgument", "100"},
		{"body too large", "POST", v3Path(giveApp, "production", nil), `{"query": "` + strings.Repeat("a", 1<<20) + `"}`, 413, "BadArgument", "bytes"},
		{"by version", "GET", "/luis/prediction/v3.0/apps/" + giveApp + "/versions/0.1/predict?query=hi", nil, 404, "NotFound", "slot"},
		{"v2 no q", "GET", v2Path(giveApp, url.Values{}), nil, 400, "BadArgument", "q"},
		{"v2 unknown app", "GET", v2Path("11111111-2222-4333-8444-555555555555", url.Values{"q": {"hi"}}), nil, 404, "NotFound", ""},
		{"v2 spellCheck", "GET", v2Path(giveApp, url.Values{"q": {"hi"}, "spellCheck": {"true"}}), nil, 400, "BadArgument", "spell"},
		{"v2 bad staging", "GET", v2Path(giveApp, url.Values{"q": {"hi"}, "staging": {"maybe"}}), nil, 400, "BadArgument", "staging"},
		{"v2 bad timezoneOffset", "GET", v2Path(giveApp, url.Values{"q": {"hi"}, "timezoneOffset": {"east"}}), nil, 400, "BadArgument", "timezoneOffset"},
		{"v2 POST not a string", "POST", v2Path(giveApp, url.Values{}), `{"q": "hi"}`, 400, "BadArgument", "JSON"},
		{"v2 query too long", "GET", v2Path(giveApp, url.Values{"q": {strings.Repeat("a", 501)}}), nil, 414, "BadArgument", "500"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantLUISError(t, luisDo(t, srv, tc.method, tc.path, tc.body), tc.status, tc.code, tc.mention)
		})
	}
	// A method the route lacks gets the API's 405.
	resp := luisDo(t, srv, "DELETE", v3Path(giveApp, "production", nil), nil)
	wantStatus(t, resp, http.StatusMethodNotAllowed)
	resp.Body.Close()
	if a := resp.Header.Get("Allow"); a != "GET, POST" {
		t.Errorf("Allow = %q, want GET, POST", a)
	}
}

func testLUISKeys(t *testing.T, srv *apitest.Server) {
	path := v3Path(giveApp, "production", url.Values{"query": {"hello"}})
	for _, tc := range []struct {
		name, url, header string
		status            int
	}{
		{"no key", srv.URL + path, "", 401},
		{"wrong key", srv.URL + path, "wrong", 401},
		{"header", srv.URL + path, apitest.Key, 200},
		{"v3 subscription-key parameter", srv.URL + path + "&subscription-key=" + url.QueryEscape(apitest.Key), "", 200},
		{"v2 subscription-key parameter", srv.URL + v2Path(giveApp, url.Values{"q": {"hi"}, "subscription-key": {apitest.Key}}), "", 200},
		{"wrong subscription-key parameter", srv.URL + path + "&subscription-key=wrong", "", 401},
		// The parameter is for old LUIS URLs only, not the rest of the API.
		{"parameter elsewhere", srv.URL + apitest.Prefix + "/projects?" + v3 + "&subscription-key=" + url.QueryEscape(apitest.Key), "", 401},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := srv.DoWithKey("GET", tc.url, nil, tc.header)
			b := apitest.ReadBody(t, resp)
			if resp.StatusCode != tc.status {
				t.Errorf("GET = %d %s, want %d", resp.StatusCode, b, tc.status)
			}
			if strings.Contains(string(b), apitest.Key) {
				t.Errorf("the answer echoes the key: %s", b)
			}
		})
	}
}

func testLUISExternalAndDynamic(t *testing.T, srv *apitest.Server) {
	query := "forward to frank 30 dollars through HSBC"
	post := func(body map[string]any) map[string]any {
		t.Helper()
		body["query"] = query
		resp := luisDo(t, srv, "POST", v3Path(giveApp, "production", url.Values{"verbose": {"true"}}), body)
		return obj(t, obj(t, luisJSON(t, resp, http.StatusOK)["prediction"], "prediction")["entities"], "entities")
	}
	bank := []any{map[string]any{"entityName": "Bank", "startIndex": 36, "entityLength": 4, "resolution": map[string]any{"text": "International Bank"}, "score": 0.9}}
	// preferExternalEntities: the external Bank replaces the model's.
	ents := post(map[string]any{"options": map[string]any{"preferExternalEntities": true}, "externalEntities": bank})
	if !reflect.DeepEqual(ents["Bank"], []any{map[string]any{"text": "International Bank"}}) {
		t.Errorf("preferExternalEntities: Bank = %v, want the external resolution", ents["Bank"])
	}
	bi := obj(t, arr(t, obj(t, ents["$instance"], "$instance")["Bank"], "Bank instances")[0], "Bank instance")
	if !reflect.DeepEqual(bi["recognitionSources"], []any{"externalEntities"}) || bi["score"] != 0.9 || bi["text"] != "HSBC" {
		t.Errorf("external $instance = %v, want source externalEntities, score 0.9, text HSBC", bi)
	}
	// The preview's name of the option works too.
	ents = post(map[string]any{"options": map[string]any{"overridePredictions": true}, "externalEntities": bank})
	if !reflect.DeepEqual(ents["Bank"], []any{map[string]any{"text": "International Bank"}}) {
		t.Errorf("overridePredictions: Bank = %v, want the external resolution", ents["Bank"])
	}
	// Without it the model's overlapping prediction stays.
	ents = post(map[string]any{"externalEntities": bank})
	if !reflect.DeepEqual(ents["Bank"], []any{[]any{"BankeName"}}) {
		t.Errorf("preferExternalEntities absent: Bank = %v, want the model's [[BankeName]]", ents["Bank"])
	}
	// One that overlaps nothing of its name is added, its text its value.
	ents = post(map[string]any{"externalEntities": []any{map[string]any{"entityName": "Person", "startIndex": 11, "entityLength": 5}}})
	if !reflect.DeepEqual(ents["Person"], []any{"frank"}) {
		t.Errorf("external Person = %v, want [frank]", ents["Person"])
	}
	// Dynamic lists: canonical forms and synonyms, whole words, any case;
	// two sublists on one span give both canonical forms.
	ents = post(map[string]any{"dynamicLists": []any{
		map[string]any{"listEntityName": "Employees", "requestLists": []any{
			map[string]any{"name": "Management", "canonicalForm": "Frank", "synonyms": []any{}},
			map[string]any{"canonicalForm": "Francis", "synonyms": []any{"FRANK", "fran"}},
		}},
		map[string]any{"listEntityName": "Banks", "requestLists": []any{map[string]any{"canonicalForm": "hsbc holdings", "synonyms": []any{"hsbc"}}}},
	}})
	if !reflect.DeepEqual(ents["Employees"], []any{[]any{"Frank", "Francis"}}) {
		t.Errorf("dynamic Employees = %v, want [[Frank Francis]] (fran is no whole word of the query)", ents["Employees"])
	}
	if !reflect.DeepEqual(ents["Banks"], []any{[]any{"hsbc holdings"}}) {
		t.Errorf("dynamic Banks = %v, want [[hsbc holdings]]", ents["Banks"])
	}
	ei := obj(t, arr(t, obj(t, ents["$instance"], "$instance")["Employees"], "Employees instances")[0], "Employees instance")
	if ei["startIndex"] != 11.0 || ei["length"] != 5.0 || ei["modelType"] != "List Entity Extractor" {
		t.Errorf("dynamic $instance = %v", ei)
	}
}

// testLUISEndToEnd predicts the same queries through the CLU endpoint and
// both LUIS endpoints, on production and staging: the top intents agree,
// and so do the entities' spans.
func testLUISEndToEnd(t *testing.T, srv *apitest.Server) {
	type span struct{ off, n int }
	for _, query := range []string{
		"forward to frank 30 dollars through HSBC",
		"order a large cheese pizza and a small ham pizza",
		"where is my order ord-1234 for tomorrow",
		"tell me a joke",
	} {
		for _, slot := range []string{"production", "staging"} {
			t.Run(slot+"/"+query, func(t *testing.T) {
				clu := predictIn(t, srv, "give", slot, query)
				var cluSpans []span
				for _, e := range arr(t, clu["entities"], "entities") {
					m := obj(t, e, "entity")
					cluSpans = append(cluSpans, span{int(m["offset"].(float64)), int(m["length"].(float64))})
				}
				q := url.Values{"query": {query}, "verbose": {"true"}}
				v3 := obj(t, luisJSON(t, luisDo(t, srv, "GET", v3Path(giveApp, slot, q), nil), http.StatusOK)["prediction"], "prediction")
				var v3Spans []span
				var walk func(node map[string]any)
				walk = func(node map[string]any) {
					inst, _ := node["$instance"].(map[string]any)
					for name, vs := range node {
						if name == "$instance" {
							continue
						}
						for i, v := range arr(t, vs, name) {
							if child, ok := v.(map[string]any); ok && child["$instance"] != nil {
								walk(child) // a parent: its leaves carry the spans
								continue
							}
							in := obj(t, arr(t, inst[name], "$instance."+name)[i], "instance")
							v3Spans = append(v3Spans, span{int(in["startIndex"].(float64)), int(in["length"].(float64))})
						}
					}
				}
				walk(obj(t, v3["entities"], "entities"))
				v2q := url.Values{"q": {query}}
				if slot == "staging" {
					v2q.Set("staging", "true")
				}
				v2 := luisJSON(t, luisDo(t, srv, "GET", v2Path(giveApp, v2q), nil), http.StatusOK)
				var v2Spans []span
				for _, e := range arr(t, v2["entities"], "entities") {
					m := obj(t, e, "entity")
					s, end := int(m["startIndex"].(float64)), int(m["endIndex"].(float64))
					v2Spans = append(v2Spans, span{s, end - s + 1})
				}
				top2 := obj(t, v2["topScoringIntent"], "topScoringIntent")["intent"]
				if clu["topIntent"] != v3["topIntent"] || clu["topIntent"] != top2 {
					t.Errorf("top intents: CLU %v, v3 %v, v2 %v", clu["topIntent"], v3["topIntent"], top2)
				}
				bySpan := func(a, b span) int { return cmpSpan(a.off, b.off, a.n, b.n) }
				slices.SortFunc(cluSpans, bySpan)
				slices.SortFunc(v3Spans, bySpan)
				slices.SortFunc(v2Spans, bySpan)
				if !slices.Equal(cluSpans, v3Spans) || !slices.Equal(cluSpans, v2Spans) {
					t.Errorf("entity spans: CLU %v, v3 %v, v2 %v", cluSpans, v3Spans, v2Spans)
				}
				if query != "tell me a joke" && len(cluSpans) == 0 {
					t.Errorf("no entities in %q: the comparison would prove nothing", query)
				}
			})
		}
	}
}

func cmpSpan(o1, o2, n1, n2 int) int {
	if o1 != o2 {
		return o1 - o2
	}
	return n1 - n2
}

// predictIn is predict for a deployment, offsets in UTF-16 code units.
func predictIn(t *testing.T, srv *apitest.Server, project, deployment, text string) map[string]any {
	t.Helper()
	return predict(t, srv, project, deployment, text, "Utf16CodeUnit")
}

// testLUISPrebuilt: each LUIS prebuilt entity in LUIS's shapes, v3 and v2
// (LUIS's reference pages, luis-reference-prebuilt-*.md).
func testLUISPrebuilt(t *testing.T, srv *apitest.Server) {
	for _, tc := range []struct {
		query, entity string
		v3            any    // the first v3 value
		typ           string // v3 $instance type and v2 type
		v2            any    // v2 resolution
	}{
		{"he is 30 years old", "age", map[string]any{"number": 30.0, "units": "Year"}, "builtin.age", map[string]any{"unit": "Year", "value": "30"}},
		{"it is 2 miles away", "dimension", map[string]any{"number": 2.0, "units": "Mile"}, "builtin.dimension", map[string]any{"unit": "Mile", "value": "2"}},
		{"set it to 70 degrees fahrenheit", "temperature", map[string]any{"number": 70.0, "units": "F"}, "builtin.temperature", map[string]any{"unit": "F", "value": "70"}},
		{"set the temperature to 30 degrees", "temperature", map[string]any{"number": 30.0, "units": "Degree"}, "builtin.temperature", map[string]any{"unit": "Degree", "value": "30"}},
		{"give me 10 percent", "percentage", 10.0, "builtin.percentage", map[string]any{"value": "10%"}},
		{"Order the second option", "ordinal", 2.0, "builtin.ordinal", map[string]any{"value": "2"}},
		{"Order the second option", "ordinalV2", map[string]any{"offset": 2.0, "relativeTo": "start"}, "builtin.ordinalV2", map[string]any{"offset": "2", "relativeTo": "start"}},
		{"pick the last one", "ordinal", map[string]any{"offset": 0.0, "relativeTo": "end"}, "builtin.ordinalV2.relative", map[string]any{"offset": "0", "relativeTo": "end"}},
		{"what is the second to last choice", "ordinalV2", map[string]any{"offset": -1.0, "relativeTo": "end"}, "builtin.ordinalV2.relative", map[string]any{"offset": "-1", "relativeTo": "end"}},
		{"mail patti@contoso.com", "email", "patti@contoso.com", "builtin.email", map[string]any{"value": "patti@contoso.com"}},
		{"see https://www.contoso.com/help", "url", "https://www.contoso.com/help", "builtin.url", map[string]any{"value": "https://www.contoso.com/help"}},
		{"call 425-555-1234", "phonenumber", "425-555-1234", "builtin.phonenumber", map[string]any{"value": "425-555-1234"}},
		{"fly on may 2nd 2019", "TravelDate", map[string]any{"type": "date", "values": []any{map[string]any{"timex": "2019-05-02", "resolution": []any{map[string]any{"value": "2019-05-02"}}}}},
			"TravelDate", map[string]any{"values": []any{map[string]any{"timex": "2019-05-02", "type": "date", "value": "2019-05-02"}}}},
	} {
		t.Run(tc.entity+"/"+tc.query, func(t *testing.T) {
			p := v3Predict(t, srv, prebuiltApp, tc.query, "verbose", "true")
			ents := obj(t, p["entities"], "entities")
			vs, _ := ents[tc.entity].([]any)
			if len(vs) == 0 || !reflect.DeepEqual(vs[0], tc.v3) {
				t.Fatalf("v3 %s = %v, want first %v (entities %v)", tc.entity, ents[tc.entity], tc.v3, ents)
			}
			in := obj(t, arr(t, obj(t, ents["$instance"], "$instance")[tc.entity], "instances")[0], "instance")
			wantModel := "Prebuilt Entity Extractor"
			if !strings.HasPrefix(tc.typ, "builtin.") {
				wantModel = "Entity Extractor"
			}
			if in["type"] != tc.typ || in["modelType"] != wantModel {
				t.Errorf("v3 $instance.%s[0] = %v, want type %s, modelType %s", tc.entity, in, tc.typ, wantModel)
			}
			body := luisJSON(t, luisDo(t, srv, "GET", v2Path(prebuiltApp, url.Values{"q": {tc.query}}), nil), http.StatusOK)
			var got any
			for _, e := range arr(t, body["entities"], "entities") {
				if m := obj(t, e, "entity"); m["type"] == tc.typ {
					got = m["resolution"]
					break
				}
			}
			if !reflect.DeepEqual(got, tc.v2) {
				t.Errorf("v2 %s resolution = %v, want %v (entities %v)", tc.typ, got, tc.v2, body["entities"])
			}
		})
	}
}

// TestLUISRuntimeOnly: parley serve --models has no projects, so no app ids.
func TestLUISRuntimeOnly(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, nil)
	importProject(t, srv, "luisprebuilt", []byte(luisPrebuiltProject))
	finish(t, srv, train(t, srv, "luisprebuilt", "m", "manual"))
	if j := finish(t, srv, start(t, srv, "PUT", "/projects/luisprebuilt/exported-models/ex?"+vExported, `{"trainedModelLabel":"m"}`)); j["status"] != "succeeded" {
		t.Fatalf("export job = %v", j)
	}
	resp := srv.Do("GET", "/projects/luisprebuilt/exported-models/ex/model?"+vExported, nil)
	wantStatus(t, resp, http.StatusOK)
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "luisprebuilt"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "luisprebuilt", "ex"+project.ModelFileExt), apitest.ReadBody(t, resp), 0o644); err != nil {
		t.Fatal(err)
	}
	rt := apitest.NewRuntimeOnly(t, dir)
	resp = luisDo(t, rt, "GET", v3Path(prebuiltApp, "production", url.Values{"query": {"hi"}}), nil)
	body := luisJSON(t, resp, http.StatusNotImplemented)
	if e := obj(t, body["error"], "error"); e["code"] != "NotImplemented" || !strings.Contains(e["message"].(string), "--models") {
		t.Errorf("runtime-only LUIS prediction: %v, want NotImplemented naming --models", e)
	}
}

// TestLUISThreshold: the project's confidence threshold (captured at
// training) makes the top intent None on the LUIS routes as on CLU's, the
// scores left as they are.
func TestLUISThreshold(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, &apitest.Options{AutoRun: true})
	file := strings.Replace(luisPrebuiltProject, `"settings":{"confidenceThreshold":0}`, `"settings":{"confidenceThreshold":1}`, 1)
	setupLUISApp(t, srv, "luisprebuilt", file, prebuiltApp, "production")
	query := "how old is he"
	clu := predictIn(t, srv, "luisprebuilt", "production", query)
	if clu["topIntent"] != "None" {
		t.Fatalf("CLU topIntent = %v with threshold 1, want None", clu["topIntent"])
	}
	p := v3Predict(t, srv, prebuiltApp, query, "show-all-intents", "true")
	intents := obj(t, p["intents"], "intents")
	if p["topIntent"] != "None" || len(intents) != 2 || obj(t, intents["ask"], "ask")["score"].(float64) <= obj(t, intents["None"], "None")["score"].(float64) {
		t.Errorf("v3: topIntent %v, intents %v; want None on top though ask scores higher", p["topIntent"], intents)
	}
	p = v3Predict(t, srv, prebuiltApp, query)
	if intents := obj(t, p["intents"], "intents"); len(intents) != 1 || intents["None"] == nil {
		t.Errorf("v3 without show-all-intents: intents %v, want None only", intents)
	}
	v2 := luisJSON(t, luisDo(t, srv, "GET", v2Path(prebuiltApp, url.Values{"q": {query}}), nil), http.StatusOK)
	if top := obj(t, v2["topScoringIntent"], "topScoringIntent"); top["intent"] != "None" {
		t.Errorf("v2: topScoringIntent %v, want None", top)
	}
}
