package wire_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/parley-dev/parley/internal/wire"
)

func TestDateTime(t *testing.T) {
	cases := []struct {
		in   time.Time
		want string
	}{
		{time.Date(2026, 4, 18, 15, 23, 7, 987_000_000, time.UTC), `"2026-04-18T15:23:07Z"`},
		{time.Date(2026, 4, 18, 17, 23, 7, 0, time.FixedZone("CEST", 2*3600)), `"2026-04-18T15:23:07Z"`},
		{time.Time{}, `""`},
	}
	for _, tc := range cases {
		b, err := json.Marshal(wire.At(tc.in))
		if err != nil || string(b) != tc.want {
			t.Errorf("Marshal(At(%v)) = %s, %v; want %s", tc.in, b, err, tc.want)
		}
	}
	var d wire.DateTime
	if err := json.Unmarshal([]byte(`"2022-04-18T15:52:48.4334381Z"`), &d); err != nil || d.Nanosecond() != 433438100 {
		t.Errorf("Unmarshal(fractional) = %v, %v", d, err)
	}
	if err := json.Unmarshal([]byte(`""`), &d); err != nil || !d.IsZero() {
		t.Errorf(`Unmarshal("") = %v, %v; want zero`, d, err)
	}
	if err := json.Unmarshal([]byte(`"yesterday"`), &d); err == nil {
		t.Error(`Unmarshal("yesterday") succeeded`)
	}
	// omitzero leaves an unset optional timestamp out.
	b, _ := json.Marshal(wire.SubTrainingJobState{Status: wire.JobRunning})
	if string(b) != `{"percentComplete":0,"status":"running"}` {
		t.Errorf("SubTrainingJobState without times = %s", b)
	}
}

func TestEvaluationOptions(t *testing.T) {
	cases := []struct {
		in   wire.EvaluationOptions
		want string
	}{
		{wire.EvaluationOptions{Kind: "percentage", TrainingSplitPercentage: 100}, `{"kind":"percentage","trainingSplitPercentage":100,"testingSplitPercentage":0}`},
		{wire.EvaluationOptions{Kind: "manual"}, `{"kind":"manual"}`},
		{wire.EvaluationOptions{TrainingSplitPercentage: 80, TestingSplitPercentage: 20}, `{"trainingSplitPercentage":80,"testingSplitPercentage":20}`},
	}
	for _, tc := range cases {
		if b, err := json.Marshal(tc.in); err != nil || string(b) != tc.want {
			t.Errorf("Marshal(%+v) = %s, %v; want %s", tc.in, b, err, tc.want)
		}
	}
}
