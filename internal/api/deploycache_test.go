package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/parley-dev/parley/internal/api/apitest"
)

// TestPredictionsReadNoStore: with deployments kept in memory, a prediction
// does not read the store: a deployment removed behind the services' back
// (no version poll in the test's time) still answers, where a server that
// reads the store per prediction answers 404.
func TestPredictionsReadNoStore(t *testing.T) {
	t.Parallel()
	for _, watch := range []bool{false, true} {
		srv := apitest.New(t, &apitest.Options{AutoRun: true, WatchDeployments: watch, DeploymentPoll: time.Hour})
		importProject(t, srv, smokeName, smokeSnips(t))
		finish(t, srv, train(t, srv, smokeName, "m1", "manual"))
		deploy(t, srv, smokeName, "prod", "m1")
		predict(t, srv, smokeName, "prod", "play some jazz", "")
		if err := srv.Store.DeleteDeployment(t.Context(), smokeName, "prod"); err != nil {
			t.Fatal(err)
		}
		body := `{"kind":"Conversation","analysisInput":{"conversationItem":{"id":"1","participantId":"1","text":"play some jazz"}},"parameters":{"projectName":"` + smokeName + `","deploymentName":"prod"}}`
		resp := srv.Do("POST", "/language/:analyze-conversations?"+v3, body)
		raw := apitest.ReadBody(t, resp)
		if want := map[bool]int{false: http.StatusNotFound, true: http.StatusOK}[watch]; resp.StatusCode != want || !watch && !strings.Contains(string(raw), "was not found") {
			t.Errorf("watch %v: prediction of a deployment deleted in the store = %d %s, want %d", watch, resp.StatusCode, raw, want)
		}
	}
}

// TestDeployReachesOtherReplicas: two servers on one PostgreSQL database,
// each keeping deployments in memory; a redeploy, a swap and a delete made
// on one reach predictions on the other within a few polls.
func TestDeployReachesOtherReplicas(t *testing.T) {
	t.Parallel()
	url := postgresURL(t)
	if url == "" {
		t.Skipf("%s is not set", envPostgres)
	}
	const poll = 50 * time.Millisecond
	a := apitest.New(t, &apitest.Options{Store: url, AutoRun: true, WatchDeployments: true, DeploymentPoll: poll})
	b := apitest.New(t, &apitest.Options{Store: url, AutoRun: true, WatchDeployments: true, DeploymentPoll: poll})
	importProject(t, a, "p", withName(t, smokeSnips(t), "p"))
	finish(t, a, train(t, a, "p", "snips", "manual"))
	importProject(t, a, "p", withName(t, testdata(t, "datasets", "smoke", "banking77.smoke.clu.json"), "p"))
	finish(t, a, train(t, a, "p", "bank", "manual"))
	deploy(t, a, "p", "prod", "snips")
	deploy(t, a, "p", "other", "bank")
	const query = "play the latest album by phil collins"
	snipsTop := predict(t, b, "p", "prod", query, "")["topIntent"]
	bankTop := predict(t, b, "p", "other", query, "")["topIntent"]
	if snipsTop == bankTop {
		t.Fatalf("the two models answer alike (%v): the test cannot tell them apart", snipsTop)
	}
	// within waits until b's prediction of prod has top intent want, or a
	// 404 when want is "", and returns how long that took.
	within := func(what string, want any) time.Duration {
		t.Helper()
		start := time.Now()
		for {
			body := `{"kind":"Conversation","analysisInput":{"conversationItem":{"id":"1","participantId":"1","text":"` + query + `"}},"parameters":{"projectName":"p","deploymentName":"prod"}}`
			resp := b.Do("POST", "/language/:analyze-conversations?"+v3, body)
			raw := apitest.ReadBody(t, resp)
			if want == "" && resp.StatusCode == http.StatusNotFound || want != "" && resp.StatusCode == http.StatusOK && strings.Contains(string(raw), `"topIntent":"`+want.(string)+`"`) {
				return time.Since(start)
			}
			if time.Since(start) > 40*poll {
				t.Fatalf("%s: replica b still answers %d %s after %v", what, resp.StatusCode, raw, time.Since(start))
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	finish(t, a, start(t, a, "POST", "/projects/p/deployments/:swap?"+v3, map[string]any{"firstDeploymentName": "prod", "secondDeploymentName": "other"}))
	t.Logf("a swap on a reached b in %v", within("swap", bankTop))
	deploy(t, a, "p", "prod", "snips")
	t.Logf("a redeploy on a reached b in %v", within("redeploy", snipsTop))
	finish(t, a, start(t, a, "DELETE", "/projects/p/deployments/prod?"+v3, nil))
	t.Logf("a delete on a reached b in %v", within("delete", ""))
}
