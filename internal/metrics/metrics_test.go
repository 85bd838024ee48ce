package metrics

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

// TestPredictionSeriesBounded: names of deployments that do not exist never
// become series, and real ones stop at MaxDeploymentSeries.
func TestPredictionSeriesBounded(t *testing.T) {
	m := New(Sources{})
	for i := range 5000 {
		m.ObservePrediction("p", fmt.Sprintf("made-up-%d", i), time.Millisecond, errors.New("not found"))
	}
	for i := range MaxDeploymentSeries + 50 {
		m.ObservePrediction(fmt.Sprintf("p%d", i), "prod", time.Millisecond, nil)
	}
	m.ObservePrediction("p0", "prod", time.Millisecond, errors.New("a failure of a known pair"))
	if n := testutil.CollectAndCount(m.predictions); n != MaxDeploymentSeries+3 { // + _other ok, _other error, p0 error
		t.Errorf("prediction series = %d, want %d", n, MaxDeploymentSeries+3)
	}
	if v := testutil.ToFloat64(m.predictions.WithLabelValues(Other, Other, "error")); v != 5000 {
		t.Errorf("made-up names counted under _other = %v, want 5000", v)
	}
	if v := testutil.ToFloat64(m.predictions.WithLabelValues("p0", "prod", "error")); v != 1 {
		t.Errorf("a known pair's error = %v, want 1", v)
	}
}

// TestMethodBounded: an unusual method is one label value.
func TestMethodBounded(t *testing.T) {
	m := New(Sources{})
	for _, meth := range []string{"BREW", "PROPFIND", "GET"} {
		m.ObserveRequest("", meth, 405, time.Millisecond)
	}
	if n := testutil.CollectAndCount(m.requests); n != 2 {
		t.Errorf("request series = %d, want 2 (GET and _other)", n)
	}
}
