package job_test

import (
	"context"
	"testing"
	"time"

	"github.com/parley-dev/parley/internal/job"
)

type jsonArgs struct {
	Label string `json:"label"`
	N     int    `json:"n,omitempty"`
}

func (jsonArgs) Kind() job.Kind { return "json" }

type textArgs struct{ name string }

func (textArgs) Kind() job.Kind                  { return "text" }
func (a textArgs) MarshalText() ([]byte, error)  { return []byte(a.name), nil }
func (a *textArgs) UnmarshalText(b []byte) error { a.name = string(b); return nil }

type noArgs struct{}

func (noArgs) Kind() job.Kind { return "none" }

func TestArgsPayloads(t *testing.T) {
	cases := []struct {
		name    string
		args    job.Args
		payload string
		decode  func([]byte) (job.Args, error)
	}{
		{"json", jsonArgs{Label: "m1", N: 2}, `{"label":"m1","n":2}`, func(b []byte) (job.Args, error) { return job.DecodeArgs[jsonArgs](b) }},
		// A TextMarshaler is stored bare: the payloads jobs had before
		// they had typed arguments still decode.
		{"text", textArgs{name: "production"}, `production`, func(b []byte) (job.Args, error) { return job.DecodeArgs[textArgs](b) }},
		{"none", noArgs{}, ``, func(b []byte) (job.Args, error) { return job.DecodeArgs[noArgs](b) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, err := job.EncodeArgs(tc.args)
			if err != nil || string(b) != tc.payload {
				t.Fatalf("EncodeArgs(%+v) = %q, %v; want %q", tc.args, b, err, tc.payload)
			}
			got, err := tc.decode(b)
			if err != nil || got != tc.args {
				t.Errorf("DecodeArgs(%q) = %+v, %v; want %+v", b, got, err, tc.args)
			}
		})
	}
	if _, err := job.DecodeArgs[jsonArgs]([]byte("not json")); err == nil {
		t.Error("DecodeArgs(not json) succeeded")
	}
}

// TestAddWorker: the worker of a kind gets its job's payload decoded.
func TestAddWorker(t *testing.T) {
	store, c, _ := setup(t)
	r := job.NewRunner(store, job.Config{Now: c.Now})
	got := make(chan jsonArgs, 1)
	job.AddWorker(r, func(ctx context.Context, run *job.Run, a jsonArgs) (*job.Outcome, error) {
		got <- a
		return nil, nil
	})
	args := jsonArgs{Label: "m1"}
	payload, err := job.EncodeArgs(args)
	if err != nil {
		t.Fatal(err)
	}
	j := job.New(args, "p", "2023-04-01", c.Now(), time.Hour)
	if err := store.CreateJob(t.Context(), j, payload, job.Limits{}); err != nil {
		t.Fatal(err)
	}
	if n, err := r.RunOnce(t.Context()); n != 1 || err != nil {
		t.Fatalf("RunOnce() = %d, %v; want 1", n, err)
	}
	if a := <-got; a != args {
		t.Errorf("worker got %+v, want %+v", a, args)
	}
}
