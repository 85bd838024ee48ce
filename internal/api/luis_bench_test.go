package api_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/parley-dev/parley/internal/api/apitest"
)

// BenchmarkLUISPredict measures a LUIS prediction round trip over HTTP, v3
// (verbose, every intent) and v2, beside the same query through
// :analyze-conversations: the LUIS routes add an app id lookup and their own
// answer shape to the same prediction.
func BenchmarkLUISPredict(b *testing.B) {
	srv := apitest.New(b, &apitest.Options{AutoRun: true})
	setupLUISApp(b, srv, "give", giveProject, giveApp, "production")
	query := "forward to frank 30 dollars through HSBC tomorrow"
	run := func(b *testing.B, method, path string, body any) {
		b.ReportAllocs()
		for b.Loop() {
			resp := srv.Do(method, path, body)
			apitest.ReadBody(b, resp)
			if resp.StatusCode != http.StatusOK {
				b.Fatal(resp.Status)
			}
		}
	}
	b.Run("api=luis-v3", func(b *testing.B) {
		run(b, "GET", srv.URL+v3Path(giveApp, "production", url.Values{"query": {query}, "verbose": {"true"}, "show-all-intents": {"true"}}), nil)
	})
	b.Run("api=luis-v2", func(b *testing.B) {
		run(b, "GET", srv.URL+v2Path(giveApp, url.Values{"q": {query}, "verbose": {"true"}}), nil)
	})
	b.Run("api=clu", func(b *testing.B) {
		run(b, "POST", "/language/:analyze-conversations?"+v3, map[string]any{
			"kind":          "Conversation",
			"analysisInput": map[string]any{"conversationItem": map[string]any{"id": "1", "participantId": "1", "text": query}},
			"parameters":    map[string]any{"projectName": "give", "deploymentName": "production"},
		})
	})
}
