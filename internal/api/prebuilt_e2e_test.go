package api_test

import (
	"encoding/json"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/parley-dev/parley/internal/api/apitest"
)

// prebuiltProject has entities made of prebuilt components only, and one
// that requires a learned part beside its prebuilt.
const prebuiltProject = `{"projectFileVersion":"2023-04-01","stringIndexType":"Utf16CodeUnit",
"metadata":{"projectKind":"Conversation","projectName":"prebuilts","multilingual":false,"language":"en-us","settings":{"confidenceThreshold":0}},
"assets":{"projectKind":"Conversation","intents":[{"category":"Contact"},{"category":"Confirm"}],
"entities":[
 {"category":"Address","prebuilts":[{"category":"Email"},{"category":"URL"}]},
 {"category":"Answer","prebuilts":[{"category":"Choice.Boolean"}]},
 {"category":"Count","prebuilts":[{"category":"Quantity.Number"}]},
 {"category":"Rank","prebuilts":[{"category":"Quantity.Ordinal"}]},
 {"category":"Share","prebuilts":[{"category":"Quantity.Percentage"}]},
 {"category":"Amount","prebuilts":[{"category":"Quantity.Currency"}]},
 {"category":"Years","prebuilts":[{"category":"Quantity.Age"}]},
 {"category":"Heat","prebuilts":[{"category":"Quantity.Temperature"}]},
 {"category":"Phone","prebuilts":[{"category":"Phone Number"}]},
 {"category":"Size","prebuilts":[{"category":"Quantity.Dimension"}]},
 {"category":"Range","prebuilts":[{"category":"Quantity.NumberRange"}]},
 {"category":"When","prebuilts":[{"category":"DateTime"}]},
 {"category":"Server","prebuilts":[{"category":"IP Address"}],"requiredComponents":["learned"]}],
"utterances":[
 {"text":"write to me","intent":"Contact","dataset":"Train"},
 {"text":"send a mail to my address","intent":"Contact","dataset":"Train"},
 {"text":"how do I reach you","intent":"Contact","dataset":"Train"},
 {"text":"yes do it","intent":"Confirm","dataset":"Train"},
 {"text":"no thanks","intent":"Confirm","dataset":"Train"},
 {"text":"sure go ahead","intent":"Confirm","dataset":"Train"}]}}`

// TestPrebuiltComponents: a deployed project's prebuilt components match
// at prediction with no labels, in the query's own text and offsets, with
// the resolution of their kind; requiredComponents filters them (issue 10).
func TestPrebuiltComponents(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, &apitest.Options{AutoRun: true})
	importProject(t, srv, "prebuilts", []byte(prebuiltProject))
	j := finish(t, srv, train(t, srv, "prebuilts", "m", "percentage"))
	if j["status"] != "succeeded" {
		t.Fatalf("training = %v", j)
	}
	if w, _ := j["warnings"].([]any); len(w) > 0 {
		t.Errorf("training warnings %v, want none: every component here has a recogniser", w)
	}
	deploy(t, srv, "prebuilts", "production", "m")

	entities := func(text string) []map[string]any {
		var out []map[string]any
		for _, e := range predict(t, srv, "prebuilts", "production", text, "Utf16CodeUnit")["entities"].([]any) {
			out = append(out, e.(map[string]any))
		}
		return out
	}
	got := entities("Please write to Ann.Lee@Example.org or see www.example.com/help, server 10.0.0.1")
	byCat := map[string][]map[string]any{}
	for _, e := range got {
		byCat[e["category"].(string)] = append(byCat[e["category"].(string)], e)
	}
	if a := byCat["Address"]; len(a) != 2 || a[0]["text"] != "Ann.Lee@Example.org" || a[0]["offset"] != 16.0 || a[0]["length"] != 19.0 ||
		a[1]["text"] != "www.example.com/help" {
		t.Errorf("Address entities = %v, want the e-mail (16+19) then the URL, in the query's own case", a)
	}
	for _, e := range byCat["Address"] {
		if _, ok := e["resolutions"]; ok {
			t.Errorf("%v: an e-mail or URL has no resolution kind, want no resolutions", e)
		}
	}
	if s := byCat["Server"]; len(s) != 0 {
		t.Errorf("Server entities = %v, want none: its learned component is required and has no labels", s)
	}

	got = slices.DeleteFunc(entities("book twenty three tickets for 4.5 euros"), func(e map[string]any) bool { return e["category"] != "Count" })
	if len(got) != 2 || got[0]["text"] != "twenty three" || got[1]["text"] != "4.5" {
		t.Fatalf("entities = %v, want Count \"twenty three\" and \"4.5\"", got)
	}
	for i, want := range []string{
		`[{"resolutionKind":"NumberResolution","numberKind":"Integer","value":23}]`,
		`[{"resolutionKind":"NumberResolution","numberKind":"Decimal","value":4.5}]`,
	} {
		var w any
		json.Unmarshal([]byte(want), &w)
		x, _ := json.Marshal(got[i]["extraInformation"])
		if !reflect.DeepEqual(got[i]["resolutions"], w) || string(x) != `[{"extraInformationKind":"EntitySubtype","value":"quantity.number"}]` {
			t.Errorf("%v: resolutions %v, extraInformation %s; want %s and the quantity.number subtype", got[i]["text"], got[i]["resolutions"], x, want)
		}
	}

	// Entities are independent: Count matches "one" and "twenty" too, and
	// When "the third" (a day of the month, as in Recognizers).
	got = slices.DeleteFunc(entities("the third one at twenty percent, not the percent"), func(e map[string]any) bool { return e["category"] == "Count" || e["category"] == "When" })
	want := []map[string]any{
		{"category": "Rank", "text": "third", "resolutions": []any{map[string]any{"resolutionKind": "OrdinalResolution", "offset": "3", "relativeTo": "Start", "value": "3"}}},
		{"category": "Share", "text": "twenty percent", "resolutions": []any{map[string]any{"resolutionKind": "NumberResolution", "numberKind": "Percent", "value": 20.0}}},
	}
	wantEntities(t, got, want)

	// The service's own answer for "$20.00" (PREBUILT.md §2) has unit
	// Dollar and an empty ISO4217.
	keep := map[string]bool{"Amount": true, "Years": true, "Heat": true}
	got = slices.DeleteFunc(entities("I spent $20.00 when I was 10 years old, at 88 deg fahrenheit"), func(e map[string]any) bool { return !keep[e["category"].(string)] })
	want = []map[string]any{
		{"category": "Amount", "text": "$20.00", "resolutions": []any{map[string]any{"resolutionKind": "CurrencyResolution", "unit": "Dollar", "ISO4217": "", "value": 20.0}}},
		{"category": "Years", "text": "10 years old", "resolutions": []any{map[string]any{"resolutionKind": "AgeResolution", "unit": "Year", "value": 10.0}}},
		{"category": "Heat", "text": "88 deg fahrenheit", "resolutions": []any{map[string]any{"resolutionKind": "TemperatureResolution", "unit": "Fahrenheit", "value": 88.0}}},
	}
	wantEntities(t, got, want)

	got = slices.DeleteFunc(entities("call me at (425) 555-0100 tonight"), func(e map[string]any) bool { return e["category"] != "Phone" })
	if len(got) != 1 || got[0]["text"] != "(425) 555-0100" || got[0]["resolutions"] != nil || got[0]["extraInformation"] != nil {
		t.Errorf("Phone entities = %v, want \"(425) 555-0100\" with no resolution", got)
	}

	got = slices.DeleteFunc(entities("add 75 ml of milk and drive 10 miles"), func(e map[string]any) bool { return e["category"] != "Size" })
	want = []map[string]any{
		{"text": "75 ml", "resolutions": []any{map[string]any{"resolutionKind": "VolumeResolution", "unit": "Milliliter", "value": 75.0}}},
		{"text": "10 miles", "resolutions": []any{map[string]any{"resolutionKind": "LengthResolution", "unit": "Mile", "value": 10.0}}},
	}
	wantEntities(t, got, want)

	got = slices.DeleteFunc(entities("between 20 and 30 guests, more than 5 rooms"), func(e map[string]any) bool { return e["category"] != "Range" })
	if len(got) != 2 || !reflect.DeepEqual(got[0]["resolutions"], []any{map[string]any{"resolutionKind": "NumericRangeResolution", "rangeKind": "Number", "minimum": 20.0, "maximum": 30.0}}) ||
		got[1]["resolutions"] != nil {
		t.Errorf("Range entities = %v, want [20,30] resolved and the open \"more than 5\" without a resolution", got)
	}

	got = entities("yes please")
	if len(got) != 1 || got[0]["category"] != "Answer" || got[0]["text"] != "yes" {
		t.Fatalf("entities of %q = %v, want Answer \"yes\"", "yes please", got)
	}
	if want := []any{map[string]any{"resolutionKind": "BooleanResolution", "value": true}}; !reflect.DeepEqual(got[0]["resolutions"], want) {
		t.Errorf("resolutions = %v, want one BooleanResolution true", got[0]["resolutions"])
	}

	// DateTime, with the reference time fixed by Parley's request extension
	// (docs/compatibility.md): Monday 7 November 2016, midnight in Paris.
	paris := map[string]any{"parleyReferenceDateTime": "2016-11-07T00:00:00", "parleyTimeZone": "Europe/Paris"}
	when := func(text string, extension map[string]any) []map[string]any {
		t.Helper()
		return slices.DeleteFunc(predictWith(t, srv, "prebuilts", "production", text, extension), func(e map[string]any) bool { return e["category"] != "When" })
	}
	span := func(begin, end, duration, timex string) map[string]any {
		return map[string]any{"resolutionKind": "TemporalSpanResolution", "begin": begin, "end": end, "duration": duration, "timex": timex}
	}
	subtype := func(s string) []any {
		return []any{map[string]any{"extraInformationKind": "EntitySubtype", "value": s}}
	}
	for _, tc := range []struct {
		text string
		want []map[string]any
	}{
		{"book it for tomorrow at 5pm please", []map[string]any{{"text": "tomorrow at 5pm", "offset": 12.0, "length": 15.0,
			"resolutions":      []any{map[string]any{"resolutionKind": "DateTimeResolution", "dateTimeSubKind": "DateTime", "timex": "2016-11-08T17", "value": "2016-11-08 17:00:00"}},
			"extraInformation": subtype("datetime.datetime")}}},
		{"next monday", []map[string]any{{"text": "next monday",
			"resolutions":      []any{map[string]any{"resolutionKind": "DateTimeResolution", "dateTimeSubKind": "Date", "timex": "2016-11-14", "value": "2016-11-14"}},
			"extraInformation": subtype("datetime.date")}}},
		// A range with no year: the last one and the next one, each a span
		// whose duration comes from the triple TIMEX.
		{"from march 3 to march 5", []map[string]any{{"text": "from march 3 to march 5",
			"resolutions": []any{span("2016-03-03", "2016-03-05", "P2D", "(XXXX-03-03,XXXX-03-05,P2D)"),
				span("2017-03-03", "2017-03-05", "P2D", "(XXXX-03-03,XXXX-03-05,P2D)")},
			"extraInformation": subtype("datetime.daterange")}}},
		{"since tomorrow", []map[string]any{{"text": "since tomorrow",
			"resolutions":      []any{map[string]any{"resolutionKind": "TemporalSpanResolution", "begin": "2016-11-08", "modifier": "Since", "timex": "2016-11-08"}},
			"extraInformation": subtype("datetime.daterange")}}},
	} {
		wantEntities(t, when(tc.text, paris), tc.want)
	}

	// The reference's forms: the instant of an RFC 3339 offset is read on
	// that offset's wall clock, or on the named zone's.
	tomorrow := func(extension map[string]any) any {
		t.Helper()
		got := when("tomorrow", extension)
		if len(got) != 1 {
			t.Fatalf("entities of \"tomorrow\" with %v = %v, want one", extension, got)
		}
		rs, _ := got[0]["resolutions"].([]any)
		if len(rs) != 1 {
			t.Fatalf("resolutions of \"tomorrow\" with %v = %v, want one", extension, rs)
		}
		return rs[0].(map[string]any)["value"]
	}
	for _, tc := range []struct {
		extension map[string]any
		want      string
	}{
		{map[string]any{"parleyReferenceDateTime": "2016-11-07T23:30:00-08:00"}, "2016-11-08"},
		{map[string]any{"parleyReferenceDateTime": "2016-11-07T23:30:00-08:00", "parleyTimeZone": "Europe/Paris"}, "2016-11-09"},
		{map[string]any{"parleyReferenceDateTime": "2016-11-07T23:30:00Z", "parleyTimeZone": "Asia/Tokyo"}, "2016-11-09"},
		// No reference: the server's (fake) clock, 2026-04-18 15:23:07 UTC,
		// in UTC, the default, or in the request's zone, already the 19th in Tokyo.
		{nil, "2026-04-19"},
		{map[string]any{"parleyTimeZone": "Asia/Tokyo"}, "2026-04-20"},
	} {
		if got := tomorrow(tc.extension); got != tc.want {
			t.Errorf("\"tomorrow\" with %v = %v, want %s", tc.extension, got, tc.want)
		}
	}
}

// TestServerTimeZone: without a reference in the request, relative dates
// resolve on the server's clock in its time zone (parley serve --timezone);
// a request's parleyTimeZone overrides it.
func TestServerTimeZone(t *testing.T) {
	t.Parallel()
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	srv := apitest.New(t, &apitest.Options{AutoRun: true, TimeZone: tokyo})
	importProject(t, srv, "prebuilts", []byte(prebuiltProject))
	finish(t, srv, train(t, srv, "prebuilts", "m", "percentage"))
	deploy(t, srv, "prebuilts", "production", "m")
	// The fake clock is 2026-04-18 15:23:07 UTC: 00:23 on the 19th in Tokyo.
	for _, tc := range []struct {
		extension map[string]any
		want      string
	}{
		{nil, "2026-04-20"},
		{map[string]any{"parleyTimeZone": "UTC"}, "2026-04-19"},
		{map[string]any{"parleyReferenceDateTime": "2016-11-07T23:30:00"}, "2016-11-08"}, // local to the server's zone
	} {
		var got []any
		for _, e := range predictWith(t, srv, "prebuilts", "production", "tomorrow", tc.extension) {
			if e["category"] == "When" {
				got = append(got, e["resolutions"])
			}
		}
		want := []any{[]any{map[string]any{"resolutionKind": "DateTimeResolution", "dateTimeSubKind": "Date", "timex": tc.want, "value": tc.want}}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("\"tomorrow\" with %v: When resolutions %v, want %v", tc.extension, got, want)
		}
	}
}

// predictWith predicts text with the extra members in the request's
// parameters (Parley's extension) and returns the answer's entities.
func predictWith(t testing.TB, srv *apitest.Server, project, deployment, text string, extra map[string]any) []map[string]any {
	t.Helper()
	params := map[string]any{"projectName": project, "deploymentName": deployment, "stringIndexType": "Utf16CodeUnit"}
	maps.Copy(params, extra)
	resp := srv.Do("POST", "/language/:analyze-conversations?"+v3, map[string]any{
		"kind":          "Conversation",
		"analysisInput": map[string]any{"conversationItem": map[string]any{"id": "1", "participantId": "1", "text": text}},
		"parameters":    params,
	})
	wantStatus(t, resp, http.StatusOK)
	var out []map[string]any
	for _, e := range apitest.ReadJSON(t, resp)["result"].(map[string]any)["prediction"].(map[string]any)["entities"].([]any) {
		out = append(out, e.(map[string]any))
	}
	return out
}

// wantEntities checks that got holds as many entities as want, each with
// the members its want names, equal.
func wantEntities(t *testing.T, got, want []map[string]any) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("entities = %v, want %v", got, want)
	}
	for i, w := range want {
		for k, v := range w {
			if !reflect.DeepEqual(got[i][k], v) {
				t.Errorf("entity %d %s = %v, want %v", i, k, got[i][k], v)
			}
		}
	}
}

// countProject has one entity whose only component is Quantity.Number: the
// Train utterances label nothing, so no learned part exists, and the Test
// utterances label the numbers the recogniser finds.
const countProject = `{"projectFileVersion":"2023-04-01","stringIndexType":"Utf16CodeUnit",
"metadata":{"projectKind":"Conversation","projectName":"counts","multilingual":false,"language":"en-us","settings":{"confidenceThreshold":0}},
"assets":{"projectKind":"Conversation","intents":[{"category":"Book"},{"category":"Cancel"}],
"entities":[{"category":"Count","prebuilts":[{"category":"Quantity.Number"}]}],
"utterances":[
 {"text":"book some seats","intent":"Book","dataset":"Train"},
 {"text":"reserve a table for us","intent":"Book","dataset":"Train"},
 {"text":"I want tickets for the show","intent":"Book","dataset":"Train"},
 {"text":"cancel my booking","intent":"Cancel","dataset":"Train"},
 {"text":"drop the reservation","intent":"Cancel","dataset":"Train"},
 {"text":"call it off","intent":"Cancel","dataset":"Train"},
 {"text":"book 3 seats","intent":"Book","dataset":"Test","entities":[{"category":"Count","offset":5,"length":1}]},
 {"text":"reserve twenty tickets","intent":"Book","dataset":"Test","entities":[{"category":"Count","offset":8,"length":6}]},
 {"text":"cancel 2 of the 7 bookings","intent":"Cancel","dataset":"Test","entities":[{"category":"Count","offset":7,"length":1},{"category":"Count","offset":16,"length":1}]}]}}`

// TestEvaluationCountsPrebuiltEntities: a training's evaluation scores an
// entity made of a prebuilt component like any other, so the entity
// metrics that parley eval --min-entity-f1 gates on count its matches: four
// labelled numbers predicted are four true positives.
func TestEvaluationCountsPrebuiltEntities(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, &apitest.Options{AutoRun: true})
	importProject(t, srv, "counts", []byte(countProject))
	if j := finish(t, srv, train(t, srv, "counts", "m", "manual")); j["status"] != "succeeded" {
		t.Fatalf("training = %v", j)
	}
	sum := getJSON(t, srv, "/projects/counts/models/m/evaluation/summary-result?"+v3)
	ents := sum["entitiesEvaluation"].(map[string]any)
	count, ok := ents["entities"].(map[string]any)["Count"].(map[string]any)
	if !ok {
		t.Fatalf("entitiesEvaluation = %v, want the Count entity scored", ents)
	}
	for k, want := range map[string]float64{"truePositiveCount": 4, "falsePositiveCount": 0, "falseNegativeCount": 0, "f1": 1, "precision": 1, "recall": 1} {
		if count[k] != want {
			t.Errorf("Count %s = %v, want %v (Count: %v)", k, count[k], want, count)
		}
	}
	if ents["microF1"] != 1.0 {
		t.Errorf("entity microF1 = %v, want 1", ents["microF1"])
	}
}
