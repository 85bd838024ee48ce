// Package storetest is the conformance suite of Parley's stores: every
// implementation of project.Store and job.Store runs Run and must pass it.
// The SQLite store runs it always; the Postgres store runs it when
// PARLEY_TEST_POSTGRES_URL is set.
//
// The suite is the judge of what the stores' interface comments leave open
// (orders, boundaries, what a replacement keeps), so that the stores cannot
// drift apart. Every time is passed in from a fixed clock.
package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/parley-dev/parley/internal/job"
	"github.com/parley-dev/parley/internal/project"
)

// Store is what a Parley store implements.
type Store interface {
	project.Store
	job.Store
}

// Run runs the suite. open returns a new, empty store for each subtest, and
// closes it with t.Cleanup. Subtests run in parallel, each on its own store.
func Run(t *testing.T, open func(t *testing.T) Store) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, open(t))
		})
	}
}

// tests are the suite's subtests; each gets a fresh store.
var tests = []struct {
	name string
	fn   func(*testing.T, Store)
}{
	{"Missing", testMissing},
	{"UnstorableKeys", testUnstorableKeys},
	{"ProjectRoundTrip", testProjectRoundTrip},
	{"ListProjects", testListProjects},
	{"ProjectQuota", testProjectQuota},
	{"ReplaceProject", testReplaceProject},
	{"DeleteProject", testDeleteProject},
	{"ExportContent", testExportContent},
	{"CreateJob", testCreateJob},
	{"JobLimits", testJobLimits},
	{"ClaimExcludesKinds", testClaimExcludesKinds},
	{"ClaimJobs", testClaimJobs},
	{"ClaimExpiredLease", testClaimExpiredLease},
	{"LeaseHolder", testLeaseHolder},
	{"ReleaseJob", testReleaseJob},
	{"CancelJob", testCancelJob},
	{"FinishJob", testFinishJob},
	{"FailAbandonedJobs", testFailAbandonedJobs},
	{"DeleteExpiredJobs", testDeleteExpiredJobs},
	{"TrimFinishedJobs", testTrimFinishedJobs},
	{"ListJobs", testListJobs},
	{"QueuedJobs", testQueuedJobs},
	{"JobResult", testJobResult},
	{"Models", testModels},
	{"ModelQuota", testModelQuota},
	{"SetModelEvaluation", testSetModelEvaluation},
	{"Deployments", testDeployments},
	{"DeploymentQuota", testDeploymentQuota},
	{"SwapDeployments", testSwapDeployments},
	{"DeploymentsVersion", testDeploymentsVersion},
	{"ConcurrentClaims", testConcurrentClaims},
	{"ConcurrentJobLimits", testConcurrentJobLimits},
	{"ConcurrentQuotas", testConcurrentQuotas},
	{"ExportedModels", testExportedModels},
}

// t0 is the suite's clock: whole milliseconds, as the stores keep them.
var t0 = time.Date(2026, 5, 6, 7, 8, 9, 123_000_000, time.UTC)

const (
	lease       = time.Minute // how long claims in the suite last
	maxAttempts = 3
)

// equate compares stored values with what was stored: a nil and an empty
// slice or map are the same, times compare with Equal.
var equate = cmpopts.EquateEmpty()

func diff(want, got any) string { return cmp.Diff(want, got, equate) }

func wantErr(t *testing.T, call string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s = %v, want %v", call, err, want)
	}
}

func newProject(name string, created time.Time) *project.Project {
	return &project.Project{Name: name, Kind: project.KindConversation, Language: "en-us", Created: created, Modified: created}
}

func createProject(t *testing.T, s Store, name string, created time.Time) *project.Project {
	t.Helper()
	p := newProject(name, created)
	if err := s.CreateProject(t.Context(), p, 100); err != nil {
		t.Fatalf("CreateProject(%q) = %v", name, err)
	}
	return p
}

func getProject(t *testing.T, s Store, name string) *project.Project {
	t.Helper()
	p, err := s.GetProject(t.Context(), name)
	if err != nil {
		t.Fatalf("GetProject(%q) = %v", name, err)
	}
	return p
}

func replaceProject(t *testing.T, s Store, p *project.Project, assets string) {
	t.Helper()
	if err := s.ReplaceProject(t.Context(), p, []byte(assets), 100); err != nil {
		t.Fatalf("ReplaceProject(%q) = %v", p.Name, err)
	}
}

func newJob(id string, kind job.Kind, proj string, now time.Time) *job.Job {
	return &job.Job{ID: id, Kind: kind, Project: proj, APIVersion: "2023-04-01", Status: job.StatusNotStarted,
		Created: now, Updated: now, Expires: now.Add(48 * time.Hour)}
}

func createJob(t *testing.T, s Store, id string, now time.Time) *job.Job {
	t.Helper()
	j := newJob(id, project.JobExport, "p", now)
	if err := s.CreateJob(t.Context(), j, []byte("payload of "+id), job.Limits{}); err != nil {
		t.Fatalf("CreateJob(%s) = %v", id, err)
	}
	return j
}

func getJob(t *testing.T, s Store, id string, now time.Time) *job.Job {
	t.Helper()
	j, err := s.GetJob(t.Context(), id, now)
	if err != nil {
		t.Fatalf("GetJob(%s) = %v", id, err)
	}
	return j
}

func claimParams(owner string, now time.Time, limit int) job.ClaimParams {
	return job.ClaimParams{Owner: owner, Now: now, LeaseUntil: now.Add(lease), Limit: limit, MaxAttempts: maxAttempts}
}

func claim(t *testing.T, s Store, owner string, now time.Time, limit int) []*job.Job {
	t.Helper()
	js, err := s.ClaimJobs(t.Context(), claimParams(owner, now, limit))
	if err != nil {
		t.Fatalf("ClaimJobs(%s) = %v", owner, err)
	}
	return js
}

// claimID claims one job at now and fails unless it is job id.
func claimID(t *testing.T, s Store, owner, id string, now time.Time) *job.Job {
	t.Helper()
	js := claim(t, s, owner, now, 1)
	if len(js) != 1 || js[0].ID != id {
		t.Fatalf("ClaimJobs(%s) = %v, want job %s", owner, ids(js), id)
	}
	return js[0]
}

func finish(t *testing.T, s Store, p job.FinishParams) {
	t.Helper()
	if err := s.FinishJob(t.Context(), p); err != nil {
		t.Fatalf("FinishJob(%s, %s) = %v", p.ID, p.Status, err)
	}
}

func ids(js []*job.Job) []string {
	out := make([]string, len(js))
	for i, j := range js {
		out[i] = j.ID
	}
	return out
}

func projectNames(ps []*project.Project) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Name
	}
	return out
}
