package compat

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"
)

// deviationsFile is the reviewed list of differences from the spec's
// examples, and of the examples not replayed yet. It also feeds
// docs/support-matrix.md.
const deviationsFile = "deviations.json"

// deviationKinds are the differences a deviation may excuse, with what they
// mean in the support matrix.
var deviationKinds = map[string]string{
	"missingKey": "a key of the example is absent from Parley's answer",
	"extraKey":   "Parley's answer has a key the example does not have",
	"value":      "a non-volatile value differs from the example's",
	"data":       "the example's values here are the data of its own project: compared by shape (keys, JSON types, enum values), arrays of any length",
	"dataKeys":   "the example's keys here are the classes of its own project: each of Parley's members is compared by shape with the example's",
	"header":     "a header of the example differs from Parley's",
}

// deviations is deviations.json.
type deviations struct {
	// Issues names the pieces of work that will remove deviations or
	// replay examples, by short name.
	Issues     map[string]string `json:"issues"`
	Deviations []deviation       `json:"deviations"`
	NotCovered []notCovered      `json:"notCovered"`
}

// deviation is an allowed difference between one response of an example
// and Parley's answer.
type deviation struct {
	Example     string `json:"example"`     // file name
	Status      string `json:"status"`      // response of the example
	OperationID string `json:"operationId"` // as in the route table
	Kind        string `json:"kind"`        // a key of deviationKinds
	Path        string `json:"path"`        // JSON pointer, "*" for any array index
	Issue       string `json:"issue,omitempty"`
	Reason      string `json:"reason"`
}

// notCovered is an example this suite does not replay yet.
type notCovered struct {
	Example     string `json:"example"`
	OperationID string `json:"operationId"`
	Issue       string `json:"issue"`
	// ParameterAliases maps a path parameter of the route to the name the
	// example uses for it.
	ParameterAliases map[string]string `json:"parameterAliases,omitempty"`
	Reason           string            `json:"reason"`
}

// loadDeviations reads deviations.json, rejecting unknown members.
func loadDeviations(t testing.TB) *deviations {
	t.Helper()
	b, err := os.ReadFile(deviationsFile)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	d := &deviations{}
	if err := dec.Decode(d); err != nil {
		t.Fatalf("%s: %v", deviationsFile, err)
	}
	return d
}

// forResponse returns the deviations of one response of an example.
func (d *deviations) forResponse(file, status string) []deviation {
	var out []deviation
	for _, dv := range d.Deviations {
		if dv.Example == file && dv.Status == status {
			out = append(out, dv)
		}
	}
	return out
}

// excuse splits findings into those no deviation allows, and reports the
// deviations that matched nothing (stale entries to remove).
func excuse(findings []finding, devs []deviation) (unexcused []finding, stale []deviation) {
	used := make([]bool, len(devs))
	for _, f := range findings {
		ok := false
		for i, dv := range devs {
			if dv.Kind == f.Kind && dv.Path == f.Path {
				used[i], ok = true, true
			}
		}
		if !ok {
			unexcused = append(unexcused, f)
		}
	}
	for i, dv := range devs {
		if !used[i] {
			stale = append(stale, dv)
		}
	}
	return unexcused, stale
}

// TestDeviationsFile checks that every entry of deviations.json is complete:
// a reason, a known kind and issue, an operation of the route table.
func TestDeviationsFile(t *testing.T) {
	t.Parallel()
	d := loadDeviations(t)
	ops := routeByOperation(t, loadRoutes(t))
	for i, dv := range d.Deviations {
		if dv.Example == "" || dv.Status == "" || dv.Path == "" || dv.Reason == "" {
			t.Errorf("deviations[%d] = %+v: example, status, path and reason are required", i, dv)
		}
		if _, ok := deviationKinds[dv.Kind]; !ok {
			t.Errorf("deviations[%d].kind = %q, want one of %v", i, dv.Kind, deviationKinds)
		}
		if _, ok := ops[dv.OperationID]; !ok {
			t.Errorf("deviations[%d].operationId = %q is not in %s", i, dv.OperationID, routesFile)
		}
		if _, ok := d.Issues[dv.Issue]; dv.Issue != "" && !ok {
			t.Errorf("deviations[%d].issue = %q is not in issues", i, dv.Issue)
		}
	}
	for i, nc := range d.NotCovered {
		if nc.Example == "" || nc.Reason == "" {
			t.Errorf("notCovered[%d] = %+v: example and reason are required", i, nc)
		}
		if _, ok := d.Issues[nc.Issue]; !ok {
			t.Errorf("notCovered[%d].issue = %q: name the issue that will replay %s (one of issues)", i, nc.Issue, nc.Example)
		}
		if _, ok := ops[nc.OperationID]; !ok {
			t.Errorf("notCovered[%d].operationId = %q is not in %s", i, nc.OperationID, routesFile)
		}
	}
}
