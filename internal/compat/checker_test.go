package compat

import (
	"encoding/json"
	"net/http"
	"net/url"
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
			for _, f := range compareBody(decode(t, checkerWant), decode(t, got), normalizer{endpoint: checkerEndpoint}) {
				kinds = append(kinds, f.Kind+" "+f.Path)
			}
			if diff := cmp.Diff(tc.want, kinds); diff != "" {
				t.Errorf("compareBody findings (-want +got):\n%s", diff)
			}
		})
	}
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
