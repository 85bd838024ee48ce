package storetest

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/parley-dev/parley/internal/azerr"
	"github.com/parley-dev/parley/internal/job"
	"github.com/parley-dev/parley/internal/project"
)

// Corrupter flips a bit in the first byte of column in every row of table,
// behind the store's back, as damage on disk would.
type Corrupter func(t *testing.T, table, column string)

// RunCorruption checks that every data value a store returns is checked
// against the checksum written with it: a value damaged on disk fails the
// read with an Azure-shaped error that says so, and is never returned
// (issue 9, finding 6). open returns a new, empty store and a Corrupter of
// its data.
func RunCorruption(t *testing.T, open func(t *testing.T) (Store, Corrupter)) {
	t.Helper()
	ctx := context.Background()
	reads := []struct {
		table, column string
		read          func(s Store) error
	}{
		{"blobs", "data", func(s Store) error { _, _, err := s.ProjectContent(ctx, "p"); return err }},
		{"blobs", "data", func(s Store) error { _, _, err := s.ExportContent(ctx, "p", "result"); return err }},
		{"models", "snapshot", func(s Store) error { _, err := s.GetModelData(ctx, "p", "m", project.PartSnapshot); return err }},
		{"models", "model", func(s Store) error { _, err := s.GetModelData(ctx, "p", "m", project.PartEngine); return err }},
		{"models", "evaluation", func(s Store) error { _, err := s.GetModelData(ctx, "p", "m", project.PartEvaluation); return err }},
		{"deployments", "engine", func(s Store) error { _, _, err := s.DeploymentEngine(ctx, "p", "d"); return err }},
		{"job_data", "payload", func(s Store) error { _, err := s.JobPayload(ctx, "waiting"); return err }},
		{"job_data", "result", func(s Store) error { _, err := s.JobResult(ctx, "result", t0); return err }},
	}
	for _, tc := range reads {
		t.Run(tc.table+"."+tc.column, func(t *testing.T) {
			t.Parallel()
			s, corrupt := open(t)
			fill(t, s)
			if err := tc.read(s); err != nil {
				t.Fatalf("read before the damage = %v", err)
			}
			corrupt(t, tc.table, tc.column)
			err := tc.read(s)
			var ae *azerr.Error
			if !errors.As(err, &ae) || ae.Code != azerr.InternalServerError || !strings.Contains(ae.Message, "damaged") {
				t.Fatalf("read of a damaged %s.%s = %v, want an InternalServerError that says the data is damaged", tc.table, tc.column, err)
			}
		})
	}
}

// fill stores one of each data value: project content, a model, a
// deployment, an unfinished job's payload and a finished job's result.
func fill(t *testing.T, s Store) {
	t.Helper()
	ctx := t.Context()
	if err := s.ReplaceProject(ctx, newProject("p", t0), []byte(`{"intents":[{"category":"Book"}]}`), 10); err != nil {
		t.Fatal(err)
	}
	saveModel(t, s, newModel("p", "m", t0), modelData("m"))
	if err := s.SaveDeployment(ctx, newDeployment("p", "d", "m", t0), []byte("engine of d"), 10); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateJob(ctx, newJob("result", project.JobExport, "p", t0), []byte("payload of result"), job.Limits{}); err != nil {
		t.Fatal(err)
	}
	claimID(t, s, "w", "result", t0)
	finish(t, s, job.FinishParams{ID: "result", Owner: "w", Status: job.StatusSucceeded, Now: t0, Result: []byte(`{"metadata":{}}`)})
	if err := s.CreateJob(ctx, newJob("waiting", project.JobImport, "p", t0), []byte("payload of waiting"), job.Limits{}); err != nil {
		t.Fatal(err)
	}
}
