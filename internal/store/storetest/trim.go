package storetest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/parley-dev/parley/internal/job"
	"github.com/parley-dev/parley/internal/project"
)

// testTrimFinishedJobs: finished jobs beyond the newest few of a project
// and kind, or beyond a byte budget of results, are deleted before they
// expire, oldest first; unfinished jobs are never touched.
func testTrimFinishedJobs(t *testing.T, s Store) {
	ctx := t.Context()
	// p: five finished exports (results of 100 bytes), two finished
	// deploys, then one unfinished export; q: one finished export.
	n := 0
	add := func(kind job.Kind, proj string, done bool) string {
		n++
		id := fmt.Sprintf("%s-%s-%d", proj, kind, n)
		at := t0.Add(time.Duration(n) * time.Second)
		if err := s.CreateJob(ctx, newJob(id, kind, proj, at), nil, job.Limits{}); err != nil {
			t.Fatal(err)
		}
		if done {
			claimID(t, s, "w", id, at)
			finish(t, s, job.FinishParams{ID: id, Owner: "w", Status: job.StatusSucceeded, Now: at, Result: []byte(strings.Repeat("r", 100))})
		}
		return id
	}
	var exports []string
	for range 5 {
		exports = append(exports, add(project.JobExport, "p", true))
	}
	deploys := []string{add(project.JobDeploy, "p", true), add(project.JobDeploy, "p", true)}
	other := add(project.JobExport, "q", true)
	waiting := add(project.JobExport, "p", false)

	present := func(ids ...string) map[string]bool {
		m := map[string]bool{}
		for _, id := range ids {
			_, err := s.GetJob(ctx, id, t0)
			m[id] = err == nil
		}
		return m
	}
	// Jobs finished within the grace period stay.
	late := t0.Add(time.Duration(n) * time.Second)
	if got, err := s.TrimFinishedJobs(ctx, late, job.Retain{PerKind: 1, ResultBytes: 1, Grace: time.Hour}); err != nil || got != 0 {
		t.Fatalf("TrimFinishedJobs(within the grace period) = %d, %v; want 0", got, err)
	}
	// Two per project and kind: the three oldest exports of p go.
	later := late.Add(time.Hour)
	if got, err := s.TrimFinishedJobs(ctx, later, job.Retain{PerKind: 2, ResultBytes: 1 << 20, Grace: time.Hour}); err != nil || got != 3 {
		t.Fatalf("TrimFinishedJobs(2 per kind) = %d, %v; want 3", got, err)
	}
	want := map[string]bool{exports[0]: false, exports[1]: false, exports[2]: false, exports[3]: true, exports[4]: true,
		waiting: true, deploys[0]: true, deploys[1]: true, other: true}
	if d := diff(want, present(exports[0], exports[1], exports[2], exports[3], exports[4], waiting, deploys[0], deploys[1], other)); d != "" {
		t.Errorf("jobs after trimming to 2 per kind (-want +got):\n%s", d)
	}
	// 250 bytes of results: the two newest finished jobs (q's export and
	// p's second deploy) stay, the rest go; the unfinished job stays
	// whatever the budget.
	if got, err := s.TrimFinishedJobs(ctx, later, job.Retain{PerKind: 2, ResultBytes: 250, Grace: time.Hour}); err != nil || got != 3 {
		t.Fatalf("TrimFinishedJobs(250 bytes) = %d, %v; want 3", got, err)
	}
	want = map[string]bool{exports[3]: false, exports[4]: false, waiting: true, deploys[0]: false, deploys[1]: true, other: true}
	if d := diff(want, present(exports[3], exports[4], waiting, deploys[0], deploys[1], other)); d != "" {
		t.Errorf("jobs after trimming to 250 bytes (-want +got):\n%s", d)
	}
	if res, err := s.JobResult(ctx, other, t0); err != nil || len(res.Data) != 100 {
		t.Errorf("JobResult(%s) after trimming = %v; want its 100 bytes", other, err)
	}
}
