package main

import (
	"bufio"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// runCLI runs a client command of the binary against c and wants exit 0.
func runCLI(t *testing.T, c *child, args ...string) string {
	t.Helper()
	p := spawn(t, nil, append(args, "--endpoint", c.base, "--key", procKey)...)
	if code := p.wait(t, 120*time.Second); code != 0 {
		t.Fatalf("parley %v: exit %d\n%s", args, code, p.stderr.String())
	}
	return p.stdout.String()
}

// scrape GETs a /metrics URL and parses it with the Prometheus text parser.
func scrape(t *testing.T, req *http.Request) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := procClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d", req.URL, resp.StatusCode)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	return fams
}

// value returns the value of the series of family name whose labels include
// want, summing counters' and gauges' matches; histograms give their count.
func value(fams map[string]*dto.MetricFamily, name string, want map[string]string) (float64, bool) {
	f, ok := fams[name]
	if !ok {
		return 0, false
	}
	var sum float64
	found := false
next:
	for _, m := range f.Metric {
		have := map[string]string{}
		for _, l := range m.Label {
			have[l.GetName()] = l.GetValue()
		}
		for k, v := range want {
			if have[k] != v {
				continue next
			}
		}
		found = true
		switch {
		case m.Counter != nil:
			sum += m.Counter.GetValue()
		case m.Gauge != nil:
			sum += m.Gauge.GetValue()
		case m.Histogram != nil:
			sum += float64(m.Histogram.GetSampleCount())
		}
	}
	return sum, found
}

// TestMetricsAndAccessLog drives real traffic through the binary (import,
// train, deploy, predictions, errors) and checks the /metrics series with
// the Prometheus text parser, the access log lines, and pprof.
func TestMetricsAndAccessLog(t *testing.T) {
	t.Parallel()
	c := serve(t, nil, "--listen", "127.0.0.1:0", "--data", t.TempDir(), "--key", procKey, "--log-format", "json", "--pprof", "127.0.0.1:0")
	runCLI(t, c, "import", smokeFile, "--project", "metrics-smoke")
	runCLI(t, c, "train", "metrics-smoke", "--model", "m1", "--manual")
	runCLI(t, c, "deploy", "metrics-smoke", "production", "--model", "m1")
	for range 3 {
		runCLI(t, c, "predict", "metrics-smoke", "production", "play some jazz")
	}
	body := []byte(`{"kind":"Conversation","analysisInput":{"conversationItem":{"id":"1","participantId":"1","text":"hi"}},"parameters":{"projectName":"metrics-smoke","deploymentName":"nowhere"}}`)
	req, _ := http.NewRequest("POST", c.base+"/language/:analyze-conversations?api-version=2023-04-01", strings.NewReader(string(body)))
	req.Header.Set("Ocp-Apim-Subscription-Key", procKey)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-ms-client-request-id", "client-id-42")
	resp, err := procClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound || resp.Header.Get("x-ms-client-request-id") != "client-id-42" || resp.Header.Get("apim-request-id") == "" {
		t.Fatalf("prediction of a missing deployment = %d, headers %v", resp.StatusCode, resp.Header)
	}
	requestID := resp.Header.Get("apim-request-id")

	// /metrics is behind the key on the main listener.
	noKey, _ := http.NewRequest("GET", c.base+"/metrics", nil)
	if r, err := procClient.Do(noKey); err != nil || r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("GET /metrics without a key = %v %v, want 401", r.Status, err)
	}
	scrapeReq, _ := http.NewRequest("GET", c.base+"/metrics", nil)
	scrapeReq.Header.Set("Authorization", "Bearer "+procKey) // as a Prometheus scrape config sends it
	fams := scrape(t, scrapeReq)
	for _, tc := range []struct {
		name   string
		labels map[string]string
		min    float64
	}{
		{"parley_http_requests_total", map[string]string{"operation": "ConversationAnalysis_AnalyzeConversation", "method": "POST", "code": "200"}, 3},
		{"parley_http_requests_total", map[string]string{"operation": "ConversationAnalysis_AnalyzeConversation", "code": "404"}, 1},
		{"parley_http_request_duration_seconds", map[string]string{"operation": "ConversationalAnalysisAuthoring_Train"}, 1},
		{"parley_jobs_total", map[string]string{"kind": "train", "status": "succeeded"}, 1},
		{"parley_jobs_total", map[string]string{"kind": "import", "status": "succeeded"}, 1},
		{"parley_job_duration_seconds", map[string]string{"kind": "deploy"}, 1},
		{"parley_job_wait_seconds", map[string]string{"kind": "train"}, 1},
		{"parley_predictions_total", map[string]string{"project": "metrics-smoke", "deployment": "production", "outcome": "ok"}, 3},
		{"parley_predictions_total", map[string]string{"project": "_other", "deployment": "_other", "outcome": "error"}, 1},
		{"parley_prediction_duration_seconds", map[string]string{"project": "metrics-smoke", "deployment": "production"}, 3},
		{"parley_models_loaded", nil, 1},
		{"parley_models_loaded_bytes", nil, 1000},
		{"parley_model_loads_total", nil, 1},
		{"parley_model_cache_hits_total", nil, 2},
		{"go_goroutines", nil, 1},
		{"process_resident_memory_bytes", nil, 1},
	} {
		if v, ok := value(fams, tc.name, tc.labels); !ok || v < tc.min {
			t.Errorf("%s%v = %v (found %v), want at least %v", tc.name, tc.labels, v, ok, tc.min)
		}
	}
	if _, ok := fams["parley_store_errors_total"]; ok {
		t.Errorf("parley_store_errors_total has series without a store error")
	}
	// No label value carries user text beyond project and deployment names.
	for name, f := range fams {
		for _, m := range f.Metric {
			for _, l := range m.Label {
				if strings.Contains(l.GetValue(), "jazz") || strings.Contains(l.GetValue(), procKey) {
					t.Errorf("%s has the label %s=%q", name, l.GetName(), l.GetValue())
				}
			}
		}
	}

	// The access log: one JSON line per request, with the request id the
	// client saw, its own id, and never the key.
	deadline := time.Now().Add(5 * time.Second)
	var line map[string]any
	for line == nil {
		sc := bufio.NewScanner(strings.NewReader(c.stderr.String()))
		for sc.Scan() {
			var m map[string]any
			if json.Unmarshal(sc.Bytes(), &m) == nil && m["msg"] == "request" && m["request_id"] == requestID {
				line = m
			}
		}
		if line == nil && time.Now().After(deadline) {
			t.Fatalf("no access log line with request_id %s in:\n%s", requestID, c.stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	for k, want := range map[string]any{"operation": "ConversationAnalysis_AnalyzeConversation", "method": "POST", "status": float64(404),
		"client_request_id": "client-id-42", "path": "/language/:analyze-conversations?api-version=2023-04-01"} {
		if line[k] != want {
			t.Errorf("access log %s = %v, want %v (line %v)", k, line[k], want, line)
		}
	}
	if b, ok := line["bytes"].(float64); !ok || b <= 0 {
		t.Errorf("access log bytes = %v", line["bytes"])
	}
	if strings.Contains(c.stderr.String(), procKey) {
		t.Errorf("the log holds the key")
	}

	// pprof on its loopback address.
	m := regexp.MustCompile(`"msg":"parley serving pprof","addr":"(http://[^"]+)"`).FindStringSubmatch(c.stderr.String())
	if m == nil {
		t.Fatalf("no pprof address logged:\n%s", c.stderr.String())
	}
	if r, err := procClient.Get(m[1] + "/debug/pprof/goroutine?debug=1"); err != nil || r.StatusCode != http.StatusOK {
		t.Errorf("GET pprof goroutine = %v, %v", r, err)
	} else {
		r.Body.Close()
	}
}

// TestMetricsListen: --metrics-listen serves /metrics there without a key,
// and not on the main listener; --pprof off loopback is refused; a secret
// query parameter is redacted in the access log.
func TestMetricsListen(t *testing.T) {
	t.Parallel()
	c := serve(t, nil, "--listen", "127.0.0.1:0", "--data", t.TempDir(), "--key", procKey, "--metrics-listen", "127.0.0.1:0")
	m := regexp.MustCompile(`msg="parley serving metrics" addr=(http://\S+)`).FindStringSubmatch(c.stderr.String())
	if m == nil {
		t.Fatalf("no metrics address logged:\n%s", c.stderr.String())
	}
	req, _ := http.NewRequest("GET", m[1]+"/metrics", nil)
	if fams := scrape(t, req); fams["go_goroutines"] == nil {
		t.Errorf("the metrics listener has no go_goroutines")
	}
	withKey, _ := http.NewRequest("GET", c.base+"/metrics", nil)
	withKey.Header.Set("Ocp-Apim-Subscription-Key", procKey)
	if r, err := procClient.Do(withKey); err != nil || r.StatusCode != http.StatusNotFound {
		t.Errorf("GET /metrics on the main listener with --metrics-listen = %v %v, want 404", r.Status, err)
	}
	if r, err := procClient.Get(c.base + "/language/authoring/analyze-conversations/projects?api-version=2023-04-01&subscription-key=" + procKey); err == nil {
		r.Body.Close()
	}
	time.Sleep(100 * time.Millisecond)
	if strings.Contains(c.stderr.String(), procKey) || !strings.Contains(c.stderr.String(), "subscription-key=REDACTED") {
		t.Errorf("the access log does not redact subscription-key:\n%s", c.stderr.String())
	}

	bad := spawn(t, nil, "serve", "--listen", "127.0.0.1:0", "--data", t.TempDir(), "--pprof", "0.0.0.0:6060")
	if code := bad.wait(t, 20*time.Second); code == 0 || !strings.Contains(bad.stderr.String(), "loopback") {
		t.Errorf("--pprof 0.0.0.0:6060: exit %d, %q", code, bad.stderr.String())
	}
}
