package compat

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"testing"

	"github.com/parley-dev/parley/internal/api/apitest"
)

// TestEveryExampleAccountedFor checks that every example file is either
// replayed (every one of its responses) or listed as not covered yet, so
// that no example is skipped silently; and that deviations name replayed
// responses.
func TestEveryExampleAccountedFor(t *testing.T) {
	t.Parallel()
	d := loadDeviations(t)
	routes := routeByOperation(t, loadRoutes(t))
	files := exampleFiles(t)

	replayed := map[string][]string{} // example file -> statuses replayed
	operation := map[string]string{}  // example file -> operationId
	for _, rc := range replays {
		if slices.Contains(replayed[rc.example], rc.status) {
			t.Errorf("replays: %s %s appears twice", rc.example, rc.status)
		}
		replayed[rc.example] = append(replayed[rc.example], rc.status)
		if op, ok := operation[rc.example]; ok && op != rc.operation {
			t.Errorf("replays: %s is replayed as %s and as %s", rc.example, op, rc.operation)
		}
		operation[rc.example] = rc.operation
		if rt, ok := routes[rc.operation]; !ok || !rt.Implemented {
			t.Errorf("replays: %s replays %s, which is not an implemented operation of %s", rc.example, rc.operation, routesFile)
		}
	}
	notCov := map[string]bool{}
	for _, nc := range d.NotCovered {
		if notCov[nc.Example] {
			t.Errorf("%s: %s is listed twice in notCovered", deviationsFile, nc.Example)
		}
		notCov[nc.Example] = true
	}

	for _, f := range files {
		statuses, isReplayed := replayed[f]
		switch {
		case isReplayed && notCov[f]:
			t.Errorf("%s is replayed and listed in notCovered: remove it from %s", f, deviationsFile)
		case !isReplayed && !notCov[f]:
			t.Errorf("%s is neither replayed (replay_test.go) nor listed in %s's notCovered with the issue that will cover it", f, deviationsFile)
		case isReplayed:
			ex := loadExample(t, f)
			for _, st := range slices.Sorted(maps.Keys(ex.Responses)) {
				if !slices.Contains(statuses, st) {
					t.Errorf("%s: its %s response is not replayed", f, st)
				}
			}
			for _, st := range statuses {
				if _, ok := ex.Responses[st]; !ok {
					t.Errorf("replays: %s has no %s response", f, st)
				}
			}
		}
	}
	for _, name := range append(slices.Collect(maps.Keys(replayed)), slices.Collect(maps.Keys(notCov))...) {
		if !slices.Contains(files, name) {
			t.Errorf("%s is replayed or listed, but there is no such example file", name)
		}
	}
	for i, dv := range d.Deviations {
		if !slices.Contains(replayed[dv.Example], dv.Status) {
			t.Errorf("%s: deviations[%d] is about %s %s, which is not replayed", deviationsFile, i, dv.Example, dv.Status)
		}
		if op := operation[dv.Example]; op != "" && op != dv.OperationID {
			t.Errorf("%s: deviations[%d].operationId = %s, but %s is replayed as %s", deviationsFile, i, dv.OperationID, dv.Example, op)
		}
	}
}

// TestNotCoveredAnswerNotImplemented sends the request of every example not
// replayed yet and expects 501 NotImplemented: once an operation is built,
// this fails until its example is replayed and leaves notCovered.
func TestNotCoveredAnswerNotImplemented(t *testing.T) {
	t.Parallel()
	d := loadDeviations(t)
	s := &suite{t: t, srv: apitest.New(t, nil), routes: routeByOperation(t, loadRoutes(t))}
	for _, nc := range d.NotCovered {
		ex := loadExample(t, nc.Example)
		resp, raw := s.send(ex, nc.OperationID, nil, nc.ParameterAliases)
		var body struct {
			Error struct{ Code string } `json:"error"`
		}
		_ = json.Unmarshal(raw, &body)
		if resp.StatusCode != http.StatusNotImplemented || body.Error.Code != "NotImplemented" {
			t.Errorf("%s %s (%s) = %d %s, want 501 NotImplemented: the operation exists now, so replay %s in replay_test.go and remove it from notCovered in %s",
				resp.Request.Method, resp.Request.URL.Path, nc.Example, resp.StatusCode, raw, nc.Example, deviationsFile)
		}
	}
}
