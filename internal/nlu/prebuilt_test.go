package nlu

import (
	"testing"
	"time"

	"github.com/parley-dev/parley/internal/prebuilt"
)

// TestPrebuiltReference: the recognisers get PredictOptions.ReferenceFunc's
// time as their Context.Reference, in its own location (the wall clock of
// relative dates); the function is called once a query, when a recogniser
// first runs, and never for a query no recogniser looks at.
func TestPrebuiltReference(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	ref := time.Date(2016, 11, 7, 0, 30, 0, 0, paris)
	calls := 0
	q := &prebuiltQuery{text: "tomorrow", reference: func() time.Time { calls++; return ref }}
	var got []time.Time
	m := prebuilt.ModelFunc(func(_ string, ctx prebuilt.Context) []prebuilt.Result {
		got = append(got, ctx.Reference)
		return nil
	})
	q.run("A", m)
	q.run("B", m)
	q.run("A", m) // cached: not run again
	if calls != 1 || len(got) != 2 {
		t.Fatalf("reference called %d times, recognisers run %d times; want 1 and 2", calls, len(got))
	}
	for _, g := range got {
		if !g.Equal(ref) || g.Location() != paris || g.Day() != 7 {
			t.Errorf("Context.Reference = %v, want %v on Paris's wall clock", g, ref)
		}
	}

	// Without a function: the clock, in UTC.
	q = &prebuiltQuery{text: "tomorrow"}
	q.run("A", m)
	if r := got[len(got)-1]; r.Location() != time.UTC || time.Since(r) > time.Minute {
		t.Errorf("default Context.Reference = %v, want now in UTC", r)
	}

	// Through Predict: an entity with a prebuilt component reads the
	// reference once however many entities use recognisers; a model with
	// none never reads it.
	calls = 0
	withPrebuilts := componentData(EntityDef{Category: "count", Prebuilts: []string{"Quantity.Number", "Quantity.Ordinal"}})
	withPrebuilts.Entities = append(withPrebuilts.Entities, EntityDef{Category: "rank", Prebuilts: []string{"Quantity.Ordinal"}})
	mp, err := Train(t.Context(), withPrebuilts, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	o := &PredictOptions{ReferenceFunc: func() time.Time { calls++; return ref }}
	mp.Predict("the third of 3 items", "en-us", o)
	if calls != 1 {
		t.Errorf("Predict with prebuilt entities called ReferenceFunc %d times, want 1", calls)
	}
	mp.Predict("the third of 3 items", "fr-fr", o) // no English recogniser runs
	if calls != 1 {
		t.Errorf("Predict of a French query called ReferenceFunc %d times, want none", calls-1)
	}
	ml, err := Train(t.Context(), componentData(EntityDef{Category: "code", Regex: &RegexComponent{Expressions: []Regex{{Key: "k", Pattern: `X\d`}}}}), Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	ml.Predict("order X1 tomorrow", "en-us", o)
	if calls != 1 {
		t.Errorf("Predict with no prebuilt entity called ReferenceFunc %d times, want none", calls-1)
	}
}

// TestMatchesInCLU: results that CLU does not answer as matches are
// dropped: a bare "percent", an angle, a time zone.
func TestMatchesInCLU(t *testing.T) {
	for _, tc := range []struct {
		r    prebuilt.Result
		want bool
	}{
		{prebuilt.Result{TypeName: "percentage", Resolution: map[string]any{"value": "null"}}, false},
		{prebuilt.Result{TypeName: "percentage", Resolution: map[string]any{"value": "20%"}}, true},
		{prebuilt.Result{TypeName: "dimension", Resolution: map[string]any{"subtype": "Angle"}}, false},
		{prebuilt.Result{TypeName: "datetimeV2.timezone", Resolution: map[string]any{"values": []map[string]any{{"type": "timezone", "value": "UTC-08:00"}}}}, false},
		{prebuilt.Result{TypeName: "datetimeV2.date", Resolution: map[string]any{"values": []map[string]any{{"timex": "2016-11-08", "type": "date", "value": "2016-11-08"}}}}, true},
	} {
		if got := matchesInCLU(tc.r); got != tc.want {
			t.Errorf("matchesInCLU(%s %v) = %v, want %v", tc.r.TypeName, tc.r.Resolution, got, tc.want)
		}
	}
}
