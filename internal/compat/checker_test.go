package compat

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The checker's own tests: what compareBody, compareHeaders and excuse
// report, on small documents shaped like the examples.

const checkerEndpoint = "http://127.0.0.1:5800"

const checkerWant = `{
	"resultUrl": "{Endpoint}/language/authoring/analyze-conversations/projects/EmailApp/export/jobs/c4946bfa-4fbf-493b-bfcf-2d232eb9de69_637858368000000000/result?api-version=2023-04-01",
	"jobId": "c4946bfa-4fbf-493b-bfcf-2d232eb9de69_637858368000000000",
	"createdDateTime": "2022-04-18T15:23:07Z",
	"expirationDateTime": "2022-04-25T15:23:07Z",
	"status": "succeeded",
	"multilingual": false,
	"value": [{"languageName": "English", "languageCode": "en"}],
	"nextLink": null
}`

func decode(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return v
}

func TestCompareBody(t *testing.T) {
	t.Parallel()
	// ours is checkerWant with the volatile values changed.
	ours := strings.NewReplacer(
		"{Endpoint}", checkerEndpoint,
		"c4946bfa-4fbf-493b-bfcf-2d232eb9de69_637858368000000000", "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9_639121344000000000",
		"2022-04-18T15:23:07Z", "2026-04-18T15:23:07Z",
		"2022-04-25T15:23:07Z", "2026-04-25T15:23:07Z",
	).Replace(checkerWant)
	for _, tc := range []struct {
		name     string
		old, new string // replaced in ours
		want     []string
	}{
		{"volatile values only", "", "", nil},
		{"missing key", `,
	"nextLink": null`, "", []string{"missingKey /nextLink"}},
		{"extra key", `"status"`, `"settings": {"confidenceThreshold": 0}, "status"`, []string{"extraKey /settings"}},
		{"type", `"multilingual": false`, `"multilingual": "false"`, []string{"type /multilingual"}},
		{"null is a type", `"nextLink": null`, `"nextLink": "x"`, []string{"type /nextLink"}},
		{"enum", `"succeeded"`, `"done"`, []string{"enum /status"}},
		{"catalogue value", `"English"`, `"Anglais"`, []string{"value /value/*/languageName"}},
		{"array length", `"languageCode": "en"}]`, `"languageCode": "en"}, {"languageName": "French", "languageCode": "fr"}]`, []string{"length /value"}},
		{"time format", `"createdDateTime": "2026-04-18T15:23:07Z"`, `"createdDateTime": "2026-04-18 15:23:07"`, []string{"value /createdDateTime", "value /"}},
		{"retention", `"2026-04-25T15:23:07Z"`, `"2026-04-19T15:23:07Z"`, []string{"value /"}},
		{"other host in a URL", checkerEndpoint, "http://example.com", []string{"value /resultUrl"}},
		{"other path in a URL", "/export/jobs/", "/jobs/", []string{"value /resultUrl"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ours
			if tc.old != "" {
				if !strings.Contains(got, tc.old) {
					t.Fatalf("%q is not in the document", tc.old)
				}
				got = strings.Replace(got, tc.old, tc.new, 1)
			}
			var kinds []string
			for _, f := range compareBody(decode(t, checkerWant), decode(t, got), normalizer{endpoint: checkerEndpoint}, dataPaths{}) {
				kinds = append(kinds, f.Kind+" "+f.Path)
			}
			if diff := cmp.Diff(tc.want, kinds); diff != "" {
				t.Errorf("compareBody findings (-want +got):\n%s", diff)
			}
		})
	}
}

// checkerModel is a trained model and a running training job, with the
// values that are volatile.
const checkerModel = `{
	"label": "model1",
	"modelId": "model1-20220418T034749-299f45b8114849538c1a750b21b05a94",
	"lastTrainingDurationInSeconds": 186,
	"trainingMode": "standard",
	"trainingStatus": {"percentComplete": 3, "status": "running"},
	"evaluationStatus": {"percentComplete": 100, "status": "succeeded"}
}`

func TestCompareBodyVolatile(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		old, new string // replaced in checkerModel to make ours
		want     []string
	}{
		{"model id of another training", "20220418T034749-299f45b8114849538c1a750b21b05a94", "20260418T032307-c09e4572ef976b9a423bbcb818530ddb", nil},
		{"model id of another label", `"model1-`, `"model2-`, []string{"value /modelId"}},
		{"model id of another shape", "299f45b8114849538c1a750b21b05a94", "299f45b8", []string{"value /modelId"}},
		{"training duration", "186", "0", nil},
		{"fractional duration", "186", "1.5", []string{"value /lastTrainingDurationInSeconds"}},
		{"progress of a running phase", `"percentComplete": 3`, `"percentComplete": 8`, nil},
		{"progress beyond 100", `"percentComplete": 3`, `"percentComplete": 101`, []string{"value /trainingStatus/percentComplete"}},
		{"progress of a finished phase", `"percentComplete": 100`, `"percentComplete": 99`, []string{"value /evaluationStatus/percentComplete"}},
		{"training mode", `"standard"`, `"basic"`, []string{"enum /trainingMode"}},
		{"phase status", `"running"`, `"stopped"`, []string{"enum /trainingStatus/status"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if !strings.Contains(checkerModel, tc.old) {
				t.Fatalf("%q is not in the document", tc.old)
			}
			ours := strings.Replace(checkerModel, tc.old, tc.new, 1)
			var kinds []string
			for _, f := range compareBody(decode(t, checkerModel), decode(t, ours), normalizer{}, dataPaths{}) {
				kinds = append(kinds, f.Kind+" "+f.Path)
			}
			if diff := cmp.Diff(tc.want, kinds); diff != "" {
				t.Errorf("compareBody findings (-want +got):\n%s", diff)
			}
		})
	}
}

// checkerEvaluation is shaped like an evaluation summary and a page of
// results: class names and numbers are data.
const checkerEvaluation = `{
	"intentsEvaluation": {
		"confusionMatrix": {"AddFlag": {"AddFlag": {"normalizedValue": 100.0, "rawValue": 6.0}}, "Cancel": {"Cancel": {"normalizedValue": 90.0, "rawValue": 9.0}, "AddFlag": {"normalizedValue": 10.0, "rawValue": 1.0}}},
		"intents": {"AddFlag": {"f1": 1.0, "truePositiveCount": 6}, "Cancel": {"f1": 0.9, "truePositiveCount": 9}},
		"microF1": 0.95
	},
	"value": [
		{"text": "send the email", "entities": [], "status": "succeeded"},
		{"text": "send a mail to daniel", "entities": [{"category": "ContactName", "offset": 15}], "status": "succeeded"}
	],
	"evaluationOptions": {"kind": "percentage", "trainingSplitPercentage": 80}
}`

// checkerData says where checkerEvaluation's values are data.
var checkerData = dataPaths{
	data:     map[string]bool{"/intentsEvaluation": true, "/value": true},
	dataKeys: map[string]bool{"/intentsEvaluation/confusionMatrix": true, "/intentsEvaluation/confusionMatrix/*": true, "/intentsEvaluation/intents": true},
}

func TestCompareBodyShape(t *testing.T) {
	t.Parallel()
	// ours has other classes, numbers and items than checkerEvaluation,
	// in the same shape.
	const ours = `{
	"intentsEvaluation": {
		"confusionMatrix": {"Read": {"Read": {"normalizedValue": 100.0, "rawValue": 13.0}}},
		"intents": {"Read": {"f1": 1.0, "truePositiveCount": 13}, "Delete": {"f1": 0.5, "truePositiveCount": 2}},
		"microF1": 1.0
	},
	"value": [
		{"text": "open Anna's email", "entities": [{"category": "Sender", "offset": 5}, {"category": "Sender", "offset": 7}], "status": "succeeded"},
		{"text": "delete it", "entities": [], "status": "succeeded"},
		{"text": "read it", "entities": [], "status": "failed"}
	],
	"evaluationOptions": {"kind": "percentage", "trainingSplitPercentage": 80}
}`
	always := []string{"data /intentsEvaluation", "dataKeys /intentsEvaluation/confusionMatrix", "dataKeys /intentsEvaluation/confusionMatrix/*", "dataKeys /intentsEvaluation/intents", "data /value"}
	for _, tc := range []struct {
		name     string
		old, new string   // replaced in ours
		want     []string // besides always
		gone     string   // of always, not reached
	}{
		{"same shape", "", "", nil, ""},
		{"a class without a field", `"f1": 0.5, `, "", []string{"missingKey /intentsEvaluation/intents/*/f1"}, ""},
		{"a class with another field", `"f1": 0.5,`, `"f1": 0.5, "f2": 0,`, []string{"extraKey /intentsEvaluation/intents/*/f2"}, ""},
		{"a cell of another type", `"rawValue": 13.0`, `"rawValue": "13"`, []string{"type /intentsEvaluation/confusionMatrix/*/*/rawValue"}, ""},
		{"an empty matrix", `{"Read": {"Read": {"normalizedValue": 100.0, "rawValue": 13.0}}}`, `{}`, []string{"length /intentsEvaluation/confusionMatrix"}, "dataKeys /intentsEvaluation/confusionMatrix/*"},
		{"an average of another type", `"microF1": 1.0`, `"microF1": null`, []string{"type /intentsEvaluation/microF1"}, ""},
		{"an item without a field", `"text": "delete it", `, "", []string{"missingKey /value/*/text"}, ""},
		{"a label without a field", `, "offset": 7`, "", []string{"missingKey /value/*/entities/*/offset"}, ""},
		{"an enum value", `"failed"`, `"done"`, []string{"enum /value/*/status"}, ""},
		{"options outside the data", `"trainingSplitPercentage": 80`, `"trainingSplitPercentage": 70`, []string{"value /evaluationOptions/trainingSplitPercentage"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := ours
			if tc.old != "" {
				if !strings.Contains(got, tc.old) {
					t.Fatalf("%q is not in the document", tc.old)
				}
				got = strings.Replace(got, tc.old, tc.new, 1)
			}
			var kinds []string
			for _, f := range compareBody(decode(t, checkerEvaluation), decode(t, got), normalizer{}, checkerData) {
				kinds = append(kinds, f.Kind+" "+f.Path)
			}
			want := slices.Concat(slices.DeleteFunc(slices.Clone(always), func(k string) bool { return k == tc.gone }), tc.want)
			slices.Sort(want)
			slices.Sort(kinds)
			if diff := cmp.Diff(want, kinds); diff != "" {
				t.Errorf("compareBody findings (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("without data paths", func(t *testing.T) {
		t.Parallel()
		kinds := map[string]bool{}
		for _, f := range compareBody(decode(t, checkerEvaluation), decode(t, ours), normalizer{}, dataPaths{}) {
			kinds[f.Kind] = true
		}
		for _, k := range []string{"missingKey", "extraKey", "value", "length"} {
			if !kinds[k] {
				t.Errorf("compareBody without data paths found no %s difference; found %v", k, kinds)
			}
		}
	})
}

func TestCompareHeaders(t *testing.T) {
	t.Parallel()
	want := map[string]string{
		"operation-location": "{Endpoint}/language/authoring/analyze-conversations/projects/global/deletion-jobs/129d3182-625d-496c-bcf9-43686e85160b_637858368000000000?api-version=2023-04-01",
	}
	good := checkerEndpoint + "/language/authoring/analyze-conversations/projects/global/deletion-jobs/0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9_639121344000000000?api-version=2023-04-01"
	for _, tc := range []struct {
		name    string
		headers map[string]string
		body    string
		want    []string
	}{
		{"as the example", map[string]string{"Operation-Location": good}, "", nil},
		{"missing", nil, "", []string{"operation-location", "operation-location"}},
		{"relative", map[string]string{"Operation-Location": strings.TrimPrefix(good, checkerEndpoint)}, "", []string{"operation-location", "operation-location"}},
		{"other api-version", map[string]string{"Operation-Location": strings.Replace(good, "2023-04-01", "2022-05-01", 1)}, "", []string{"operation-location", "operation-location"}},
		{"Location", map[string]string{"Operation-Location": good, "Location": good}, "", []string{"Location"}},
		{"body", map[string]string{"Operation-Location": good, "Content-Type": "application/json"}, "{}", []string{"body"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, _ := url.Parse(checkerEndpoint + "/language/authoring/analyze-conversations/projects/myproject?api-version=2023-04-01")
			resp := &http.Response{StatusCode: http.StatusAccepted, Header: http.Header{}, Request: &http.Request{Method: "DELETE", URL: u}}
			for k, v := range tc.headers {
				resp.Header.Set(k, v)
			}
			var got []string
			for _, f := range compareHeaders(want, resp, []byte(tc.body), normalizer{endpoint: checkerEndpoint}) {
				got = append(got, f.Path)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("compareHeaders findings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestExcuse(t *testing.T) {
	t.Parallel()
	findings := []finding{
		{Kind: "missingKey", Path: "/lastTrainedDateTime"},
		{Kind: "value", Path: "/language"},
	}
	devs := []deviation{
		{Kind: "missingKey", Path: "/lastTrainedDateTime"},
		{Kind: "extraKey", Path: "/settings"},
	}
	unexcused, stale := excuse(findings, devs)
	if diff := cmp.Diff([]finding{findings[1]}, unexcused); diff != "" {
		t.Errorf("excuse: unexcused findings (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]deviation{devs[1]}, stale); diff != "" {
		t.Errorf("excuse: stale deviations (-want +got):\n%s", diff)
	}
}
