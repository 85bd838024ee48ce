package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/parley-dev/parley/internal/azerr"
	"github.com/parley-dev/parley/internal/job"
	"github.com/parley-dev/parley/internal/project"
)

func testCreateJob(t *testing.T, s Store) {
	ctx := t.Context()
	j := newJob("j", project.JobTrain, "p", t0)
	j.Detail = []byte(`{"percentComplete":0}`)
	if err := s.CreateJob(ctx, j, []byte("payload"), job.Limits{}); err != nil {
		t.Fatalf("CreateJob(j) = %v", err)
	}
	if d := diff(j, getJob(t, s, "j", t0)); d != "" {
		t.Errorf("GetJob(j) (-want +got):\n%s", d)
	}
	if b, err := s.JobPayload(ctx, "j"); err != nil || string(b) != "payload" {
		t.Errorf("JobPayload(j) = %q, %v; want payload", b, err)
	}
	if err := s.CreateJob(ctx, newJob("j", project.JobTrain, "p", t0), nil, job.Limits{}); err == nil {
		t.Errorf("CreateJob(j) again = nil, want an error")
	}
	// A job is visible until just before it expires.
	getJob(t, s, "j", j.Expires.Add(-time.Millisecond))
	wantErr(t, "GetJob(j) at expiry", func() error { _, err := s.GetJob(ctx, "j", j.Expires); return err }(), job.ErrNotFound)
}

func testJobLimits(t *testing.T, s Store) {
	ctx := t.Context()
	one := job.Limits{PerKind: 1}
	create := func(id string, kind job.Kind, proj string, now time.Time, lim job.Limits) error {
		return s.CreateJob(ctx, newJob(id, kind, proj, now), nil, lim)
	}
	if err := create("t1", project.JobTrain, "p", t0, one); err != nil {
		t.Fatalf("CreateJob(t1) = %v", err)
	}
	// A job that expired unfinished blocks nothing.
	stale := newJob("stale", project.JobDeploy, "p", t0)
	stale.Expires = t0.Add(time.Minute)
	if err := s.CreateJob(ctx, stale, nil, job.Limits{}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		id   string
		kind job.Kind
		proj string
		want error
	}{
		{"t2", project.JobTrain, "p", job.ErrBusy},
		{"t3", project.JobTrain, "q", nil},
		{"e1", project.JobExport, "p", nil},
		{"d1", project.JobDeploy, "p", nil},
	} {
		err := create(tc.id, tc.kind, tc.proj, t0.Add(time.Minute), one)
		wantErr(t, "CreateJob("+tc.id+", PerKind 1)", err, tc.want)
		if _, gerr := s.GetJob(ctx, tc.id, t0); (gerr == nil) != (tc.want == nil) {
			t.Errorf("GetJob(%s) = %v after CreateJob = %v", tc.id, gerr, err)
		}
	}
	// No limit, no check.
	if err := s.CreateJob(ctx, newJob("t4", project.JobTrain, "p", t0), nil, job.Limits{}); err != nil {
		t.Errorf("CreateJob(t4) without limits beside a running train job = %v", err)
	}
	// A limit above one counts: p has two unfinished train jobs now.
	wantErr(t, "CreateJob(t6, PerKind 2)", create("t6", project.JobTrain, "p", t0.Add(time.Minute), job.Limits{PerKind: 2}), job.ErrBusy)
	if err := create("t6", project.JobTrain, "p", t0.Add(time.Minute), job.Limits{PerKind: 3}); err != nil {
		t.Errorf("CreateJob(t6, PerKind 3) = %v", err)
	}
	// The total counts every unfinished, unexpired job: t1 t3 t4 t6 e1 d1.
	wantErr(t, "CreateJob(x, Total 6)", create("x", project.JobExport, "z", t0.Add(time.Minute), job.Limits{Total: 6}), job.ErrQueueFull)
	if err := create("x", project.JobExport, "z", t0.Add(time.Minute), job.Limits{Total: 7}); err != nil {
		t.Errorf("CreateJob(x, Total 7) = %v", err)
	}
	// Running and cancelling jobs count; terminal ones do not.
	now := t0.Add(2 * time.Minute)
	got := idSet(claim(t, s, "w", now, 10))
	if !got["t1"] || !got["t4"] || !got["t6"] {
		t.Fatalf("ClaimJobs = %v, want t1, t4 and t6 among them", got)
	}
	if _, err := s.CancelJob(ctx, "t1", now); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "CreateJob(t5) beside a cancelling and a running job", create("t5", project.JobTrain, "p", now, one), job.ErrBusy)
	finish(t, s, job.FinishParams{ID: "t1", Owner: "w", Status: job.StatusCancelled, Now: now})
	finish(t, s, job.FinishParams{ID: "t6", Owner: "w", Status: job.StatusFailed, Now: now})
	wantErr(t, "CreateJob(t5) beside a running job", create("t5", project.JobTrain, "p", now, one), job.ErrBusy)
	finish(t, s, job.FinishParams{ID: "t4", Owner: "w", Status: job.StatusSucceeded, Now: now})
	if err := create("t5", project.JobTrain, "p", now, one); err != nil {
		t.Errorf("CreateJob(t5) after the others finished = %v", err)
	}
}

// testClaimExcludesKinds: a claim that excludes kinds skips their jobs and
// takes the oldest of the others; excluding none takes any kind.
func testClaimExcludesKinds(t *testing.T, s Store) {
	ctx := t.Context()
	for i, k := range []job.Kind{project.JobTrain, project.JobTrain, project.JobExport, project.JobDeploy} {
		if err := s.CreateJob(ctx, newJob(fmt.Sprintf("j%d", i), k, "p", t0.Add(time.Duration(i)*time.Second)), nil, job.Limits{}); err != nil {
			t.Fatal(err)
		}
	}
	now := t0.Add(time.Minute)
	got, err := s.ClaimJobs(ctx, job.ClaimParams{Owner: "w", Now: now, LeaseUntil: now.Add(time.Minute), Limit: 1,
		MaxAttempts: 3, ExcludeKinds: []job.Kind{project.JobTrain}})
	if err != nil || len(got) != 1 || got[0].ID != "j2" {
		t.Fatalf("ClaimJobs(limit 1, excluding train) = %v, %v; want [j2]", ids(got), err)
	}
	got, err = s.ClaimJobs(ctx, job.ClaimParams{Owner: "w", Now: now, LeaseUntil: now.Add(time.Minute), Limit: 5,
		MaxAttempts: 3, ExcludeKinds: []job.Kind{project.JobTrain, project.JobDeploy}})
	if err != nil || len(got) != 0 {
		t.Fatalf("ClaimJobs(excluding train and deploy) = %v, %v; want none", ids(got), err)
	}
	if got := idSet(claim(t, s, "w", now, 5)); len(got) != 3 || !got["j0"] || !got["j1"] || !got["j3"] {
		t.Fatalf("ClaimJobs(excluding nothing) = %v; want j0, j1 and j3", got)
	}
}

func testClaimJobs(t *testing.T, s Store) {
	ctx := t.Context()
	for i, id := range []string{"a", "b", "c"} {
		createJob(t, s, id, t0.Add(time.Duration(i)*time.Second))
	}
	expired := newJob("expired", project.JobExport, "p", t0)
	expired.Expires = t0.Add(time.Hour)
	if err := s.CreateJob(ctx, expired, nil, job.Limits{}); err != nil {
		t.Fatal(err)
	}
	now := t0.Add(time.Hour) // the last job has just expired
	// Oldest first.
	got := claim(t, s, "w1", now, 1)
	if len(got) != 1 || got[0].ID != "a" {
		t.Fatalf("ClaimJobs(limit 1) = %v, want [a]", ids(got))
	}
	want := newJob("a", project.JobExport, "p", t0)
	want.Status, want.Attempt, want.Updated = job.StatusRunning, 1, now
	if d := diff(want, got[0]); d != "" {
		t.Errorf("ClaimJobs returned (-want +got):\n%s", d)
	}
	if d := diff(want, getJob(t, s, "a", now)); d != "" {
		t.Errorf("GetJob(a) after ClaimJobs (-want +got):\n%s", d)
	}
	got = claim(t, s, "w2", now, 5)
	if d := diff(map[string]bool{"b": true, "c": true}, idSet(got)); d != "" {
		t.Errorf("ClaimJobs(limit 5) = %v, want b and c (-want +got):\n%s", ids(got), d)
	}
	for _, j := range got {
		if j.Status != job.StatusRunning || j.Attempt != 1 {
			t.Errorf("ClaimJobs returned %s %s attempt %d, want running attempt 1", j.ID, j.Status, j.Attempt)
		}
	}
	// Leased jobs are not claimed again while their lease holds, not even at
	// the instant it ends.
	for _, at := range []time.Duration{0, lease} {
		if got := claim(t, s, "w3", now.Add(at), 5); len(got) != 0 {
			t.Errorf("ClaimJobs at +%v = %v, want none", at, ids(got))
		}
	}
	// Claims of nothing answer an empty list.
	if got := claim(t, s, "w3", now, 0); len(got) != 0 {
		t.Errorf("ClaimJobs(limit 0) = %v, want none", ids(got))
	}
}

func idSet(js []*job.Job) map[string]bool {
	m := make(map[string]bool, len(js))
	for _, j := range js {
		m[j.ID] = true
	}
	return m
}

// testClaimExpiredLease: a job whose lease expired (its process died) is
// claimed again with its attempt counted, up to maxAttempts.
func testClaimExpiredLease(t *testing.T, s Store) {
	createJob(t, s, "j", t0)
	claimed := t0.Add(time.Second)
	claimID(t, s, "dead", "j", claimed)
	for attempt := 2; attempt <= maxAttempts; attempt++ {
		now := claimed.Add(time.Duration(attempt-1) * 2 * lease)
		j := claimID(t, s, "next", "j", now)
		if j.Attempt != attempt || j.Status != job.StatusRunning || !j.Updated.Equal(claimed) {
			t.Errorf("re-claim %d = attempt %d, %s, updated %v; want attempt %d, running, updated %v (a retry does not show)",
				attempt, j.Attempt, j.Status, j.Updated, attempt, claimed)
		}
	}
	if got := claim(t, s, "late", claimed.Add(10*lease), 5); len(got) != 0 {
		t.Errorf("ClaimJobs after %d attempts = %v, want none", maxAttempts, ids(got))
	}
}

// testLeaseHolder: only the lease holder may extend the lease, report detail
// and finish the job.
func testLeaseHolder(t *testing.T, s Store) {
	ctx := t.Context()
	createJob(t, s, "j", t0)
	claimID(t, s, "first", "j", t0)
	now := t0.Add(time.Second)
	if st, err := s.ExtendLease(ctx, "j", "first", now.Add(lease)); err != nil || st != job.StatusRunning {
		t.Errorf("ExtendLease(first) = %s, %v; want running", st, err)
	}
	if err := s.SetJobDetail(ctx, "j", "first", []byte(`{"p":1}`), now); err != nil {
		t.Errorf("SetJobDetail(first) = %v", err)
	}
	if got := getJob(t, s, "j", now); string(got.Detail) != `{"p":1}` || !got.Updated.Equal(now) {
		t.Errorf("GetJob(j) after SetJobDetail = detail %s, updated %v; want {\"p\":1}, %v", got.Detail, got.Updated, now)
	}
	// The extended lease holds past the first one's end.
	if got := claim(t, s, "second", t0.Add(lease+time.Millisecond), 1); len(got) != 0 {
		t.Fatalf("ClaimJobs within an extended lease = %v, want none", ids(got))
	}

	later := now.Add(lease + time.Second)
	j := claimID(t, s, "second", "j", later)
	if j.Attempt != 2 || string(j.Detail) != `{"p":1}` {
		t.Errorf("ClaimJobs(second) = attempt %d, detail %s; want 2 and the detail kept", j.Attempt, j.Detail)
	}
	_, err := s.ExtendLease(ctx, "j", "first", later.Add(lease))
	wantErr(t, "ExtendLease(first) after another claim", err, job.ErrLeaseLost)
	wantErr(t, "SetJobDetail(first) after another claim", s.SetJobDetail(ctx, "j", "first", []byte(`{}`), later), job.ErrLeaseLost)
	wantErr(t, "FinishJob(first) after another claim", s.FinishJob(ctx, job.FinishParams{ID: "j", Owner: "first",
		Status: job.StatusFailed, Now: later, Errors: []*azerr.Error{azerr.New(azerr.InternalServerError, "x")}}), job.ErrLeaseLost)
	if got := getJob(t, s, "j", later); got.Status != job.StatusRunning || string(got.Detail) != `{"p":1}` {
		t.Errorf("GetJob(j) after the old owner's calls = %s, detail %s; want running and detail unchanged", got.Status, got.Detail)
	}

	// A cancel shows on the holder's next lease extension.
	if _, err := s.CancelJob(ctx, "j", later); err != nil {
		t.Fatal(err)
	}
	if st, err := s.ExtendLease(ctx, "j", "second", later.Add(lease)); err != nil || st != job.StatusCancelling {
		t.Errorf("ExtendLease(second) of a cancelled job = %s, %v; want cancelling", st, err)
	}
	if err := s.SetJobDetail(ctx, "j", "second", []byte(`{"p":2}`), later); err != nil {
		t.Errorf("SetJobDetail(second) while cancelling = %v", err)
	}
	finish(t, s, job.FinishParams{ID: "j", Owner: "second", Status: job.StatusCancelled, Now: later})
	_, err = s.ExtendLease(ctx, "j", "second", later.Add(lease))
	wantErr(t, "ExtendLease(second) of a finished job", err, job.ErrLeaseLost)
	wantErr(t, "SetJobDetail(second) of a finished job", s.SetJobDetail(ctx, "j", "second", nil, later), job.ErrLeaseLost)
}

// jobIn creates job id and moves it to status st through the store's own
// transitions; a running job is leased to owner "w" until t0+lease.
func jobIn(t *testing.T, s Store, id string, st job.Status) {
	t.Helper()
	createJob(t, s, id, t0)
	if st == job.StatusNotStarted {
		return
	}
	claimID(t, s, "w", id, t0)
	switch st {
	case job.StatusRunning:
	case job.StatusCancelling:
		if got, err := s.CancelJob(t.Context(), id, t0); err != nil || got != job.StatusCancelling {
			t.Fatalf("CancelJob(%s) = %s, %v", id, got, err)
		}
	default:
		finish(t, s, job.FinishParams{ID: id, Owner: "w", Status: st, Now: t0})
	}
}

func testCancelJob(t *testing.T, s Store) {
	now := t0.Add(time.Minute)
	for _, tc := range []struct {
		from job.Status
		want job.Status
		err  error
	}{
		{job.StatusNotStarted, job.StatusCancelled, nil},
		{job.StatusRunning, job.StatusCancelling, nil},
		{job.StatusCancelling, job.StatusCancelling, nil}, // cancelling twice is harmless
		{job.StatusSucceeded, job.StatusSucceeded, job.ErrFinished},
		{job.StatusFailed, job.StatusFailed, job.ErrFinished},
		{job.StatusCancelled, job.StatusCancelled, job.ErrFinished},
	} {
		t.Run(string(tc.from), func(t *testing.T) {
			id := "job-" + string(tc.from)
			jobIn(t, s, id, tc.from)
			got, err := s.CancelJob(t.Context(), id, now)
			wantErr(t, "CancelJob("+id+")", err, tc.err)
			if tc.err == nil && got != tc.want {
				t.Errorf("CancelJob(%s) = %s, want %s", id, got, tc.want)
			}
			j := getJob(t, s, id, now)
			wantUpdated := t0
			if tc.err == nil {
				wantUpdated = now
			}
			if j.Status != tc.want || !j.Updated.Equal(wantUpdated) {
				t.Errorf("GetJob(%s) after CancelJob = %s, updated %v; want %s, %v", id, j.Status, j.Updated, tc.want, wantUpdated)
			}
		})
	}
	t.Run("cancelled is not claimed", func(t *testing.T) {
		if got := claim(t, s, "w2", now.Add(10*lease), 10); len(got) != 0 {
			t.Errorf("ClaimJobs = %v; want none of the cancelled, cancelling and finished jobs", ids(got))
		}
	})
	t.Run("unknown", func(t *testing.T) {
		_, err := s.CancelJob(t.Context(), "nope", now)
		wantErr(t, "CancelJob(nope)", err, job.ErrNotFound)
	})
	t.Run("expired", func(t *testing.T) {
		j := createJob(t, s, "expired", t0)
		_, err := s.CancelJob(t.Context(), "expired", j.Expires)
		wantErr(t, "CancelJob(expired)", err, job.ErrNotFound)
	})
}

func testFinishJob(t *testing.T, s Store) {
	ctx := t.Context()
	now := t0.Add(time.Minute)
	e := &azerr.Error{Code: azerr.InvalidRequest, Message: "bad", Target: "x",
		Details: []*azerr.Error{{Code: azerr.InvalidArgument, Message: "inner"}},
		Inner:   &azerr.InnerError{Code: azerr.InnerInvalidParameterValue, Message: "m"}}
	warns := []job.Warning{{Code: "W1", Message: "first"}, {Code: "W2", Message: "second"}}

	t.Run("succeeded", func(t *testing.T) {
		jobIn(t, s, "ok", job.StatusRunning)
		if err := s.SetJobDetail(ctx, "ok", "w", []byte(`{"d":1}`), t0); err != nil {
			t.Fatal(err)
		}
		finish(t, s, job.FinishParams{ID: "ok", Owner: "w", Status: job.StatusSucceeded, Now: now,
			Warnings: warns, Result: []byte("result")}) // nil Detail keeps it
		want := newJob("ok", project.JobExport, "p", t0)
		want.Status, want.Attempt, want.Updated, want.Warnings, want.Detail = job.StatusSucceeded, 1, now, warns, []byte(`{"d":1}`)
		if d := diff(want, getJob(t, s, "ok", now)); d != "" {
			t.Errorf("GetJob(ok) after FinishJob (-want +got):\n%s", d)
		}
		if b, err := s.JobPayload(ctx, "ok"); err != nil || len(b) != 0 {
			t.Errorf("JobPayload(ok) of a finished job = %q, %v; want it dropped", b, err)
		}
		wantErr(t, "FinishJob(ok) again", s.FinishJob(ctx, job.FinishParams{ID: "ok", Owner: "w", Status: job.StatusFailed, Now: now}), job.ErrLeaseLost)
	})
	t.Run("failed", func(t *testing.T) {
		jobIn(t, s, "bad", job.StatusRunning)
		finish(t, s, job.FinishParams{ID: "bad", Owner: "w", Status: job.StatusFailed, Now: now,
			Errors: []*azerr.Error{e}, Detail: []byte(`{"d":2}`)})
		want := newJob("bad", project.JobExport, "p", t0)
		want.Status, want.Attempt, want.Updated, want.Errors, want.Detail = job.StatusFailed, 1, now, []*azerr.Error{e}, []byte(`{"d":2}`)
		if d := diff(want, getJob(t, s, "bad", now)); d != "" {
			t.Errorf("GetJob(bad) after FinishJob (-want +got):\n%s", d)
		}
	})
	t.Run("cancelling", func(t *testing.T) {
		for _, st := range []job.Status{job.StatusCancelled, job.StatusSucceeded, job.StatusFailed} {
			id := "cancelling-" + string(st)
			jobIn(t, s, id, job.StatusCancelling)
			finish(t, s, job.FinishParams{ID: id, Owner: "w", Status: st, Now: now})
			if got := getJob(t, s, id, now); got.Status != st {
				t.Errorf("GetJob(%s) = %s, want %s", id, got.Status, st)
			}
		}
	})
	t.Run("handed back", func(t *testing.T) {
		// A claim given up runs again at once, its attempt counted.
		jobIn(t, s, "back", job.StatusRunning)
		finish(t, s, job.FinishParams{ID: "back", Owner: "w", Status: job.StatusNotStarted, Now: now})
		if got := getJob(t, s, "back", now); got.Status != job.StatusNotStarted {
			t.Errorf("GetJob(back) = %s, want notStarted", got.Status)
		}
		_, err := s.ExtendLease(ctx, "back", "w", now.Add(lease))
		wantErr(t, "ExtendLease(back) after handing it back", err, job.ErrLeaseLost)
		if j := claimID(t, s, "w2", "back", now); j.Attempt != 2 {
			t.Errorf("ClaimJobs(back) = attempt %d, want 2", j.Attempt)
		}
	})
	t.Run("not from there", func(t *testing.T) {
		// A job cancelled before it started has no owner to finish it.
		jobIn(t, s, "never", job.StatusNotStarted)
		if _, err := s.CancelJob(ctx, "never", now); err != nil {
			t.Fatal(err)
		}
		wantErr(t, "FinishJob(never)", s.FinishJob(ctx, job.FinishParams{ID: "never", Owner: "w", Status: job.StatusSucceeded, Now: now}), job.ErrLeaseLost)
		// notStarted is only reached from running.
		jobIn(t, s, "cancel-back", job.StatusCancelling)
		wantErr(t, "FinishJob(cancel-back, notStarted)", s.FinishJob(ctx, job.FinishParams{ID: "cancel-back", Owner: "w",
			Status: job.StatusNotStarted, Now: now}), job.ErrLeaseLost)
		if got := getJob(t, s, "cancel-back", now); got.Status != job.StatusCancelling {
			t.Errorf("GetJob(cancel-back) = %s, want cancelling", got.Status)
		}
	})
}

func testFailAbandonedJobs(t *testing.T, s Store) {
	ctx := t.Context()
	m := time.Minute
	// A: died on its last attempt. B: died on its first. C: died while
	// being cancelled. D and E: leases that still hold. F: not started.
	createJob(t, s, "A", t0)
	for i := range maxAttempts {
		claimID(t, s, "dies", "A", t0.Add(time.Duration(2*i)*m))
	}
	at := t0.Add(time.Duration(2*maxAttempts-2) * m) // A's last claim; its lease ends at +lease
	createJob(t, s, "B", at)
	claimID(t, s, "dies", "B", at)
	createJob(t, s, "C", at)
	claimID(t, s, "dies", "C", at)
	if _, err := s.CancelJob(ctx, "C", at); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"D", "E"} {
		createJob(t, s, id, at)
		if got, err := s.ClaimJobs(ctx, job.ClaimParams{Owner: "alive", Now: at, LeaseUntil: at.Add(time.Hour),
			Limit: 1, MaxAttempts: maxAttempts}); err != nil || len(got) != 1 || got[0].ID != id {
			t.Fatalf("ClaimJobs(%s) = %v, %v", id, ids(got), err)
		}
	}
	if _, err := s.CancelJob(ctx, "E", at); err != nil {
		t.Fatal(err)
	}
	createJob(t, s, "F", at)

	now := at.Add(lease + time.Second)
	e := azerr.New(azerr.InternalServerError, "abandoned")
	n, err := s.FailAbandonedJobs(ctx, now, maxAttempts, e)
	if err != nil || n != 2 {
		t.Errorf("FailAbandonedJobs = %d, %v; want 2", n, err)
	}
	for _, tc := range []struct {
		id      string
		want    job.Status
		updated time.Time
		errs    bool
	}{
		{"A", job.StatusFailed, now, true},
		{"B", job.StatusRunning, at, false},
		{"C", job.StatusCancelled, now, false},
		{"D", job.StatusRunning, at, false},
		{"E", job.StatusCancelling, at, false},
		{"F", job.StatusNotStarted, at, false},
	} {
		j := getJob(t, s, tc.id, now)
		if j.Status != tc.want || !j.Updated.Equal(tc.updated) {
			t.Errorf("GetJob(%s) = %s, updated %v; want %s, %v", tc.id, j.Status, j.Updated, tc.want, tc.updated)
		}
		var wantErrs []*azerr.Error
		if tc.errs {
			wantErrs = []*azerr.Error{e}
		}
		if d := diff(wantErrs, j.Errors); d != "" {
			t.Errorf("GetJob(%s).Errors (-want +got):\n%s", tc.id, d)
		}
	}
	// Their owners have lost them.
	_, err = s.ExtendLease(ctx, "A", "dies", now.Add(lease))
	wantErr(t, "ExtendLease(A)", err, job.ErrLeaseLost)
	wantErr(t, "FinishJob(C)", s.FinishJob(ctx, job.FinishParams{ID: "C", Owner: "dies", Status: job.StatusCancelled, Now: now}), job.ErrLeaseLost)
	// B is claimed again: it has attempts left.
	if got := claim(t, s, "next", now, 10); diff(map[string]bool{"B": true, "F": true}, idSet(got)) != "" {
		t.Errorf("ClaimJobs after FailAbandonedJobs = %v, want B and F", ids(got))
	}
	if n, err := s.FailAbandonedJobs(ctx, now, maxAttempts, e); err != nil || n != 0 {
		t.Errorf("FailAbandonedJobs again = %d, %v; want 0", n, err)
	}
}

func testDeleteExpiredJobs(t *testing.T, s Store) {
	ctx := t.Context()
	short := newJob("short", project.JobExport, "p", t0)
	short.Expires = t0.Add(time.Hour)
	long := newJob("long", project.JobExport, "p", t0)
	long.Expires = t0.Add(2 * time.Hour)
	for _, j := range []*job.Job{short, long} {
		if err := s.CreateJob(ctx, j, []byte("payload"), job.Limits{}); err != nil {
			t.Fatal(err)
		}
	}
	claimID(t, s, "w", "short", t0)
	finish(t, s, job.FinishParams{ID: "short", Owner: "w", Status: job.StatusSucceeded, Now: t0, Result: []byte("r")})

	if n, err := s.DeleteExpiredJobs(ctx, short.Expires.Add(-time.Millisecond)); err != nil || n != 0 {
		t.Errorf("DeleteExpiredJobs before expiry = %d, %v; want 0", n, err)
	}
	if n, err := s.DeleteExpiredJobs(ctx, short.Expires); err != nil || n != 1 {
		t.Errorf("DeleteExpiredJobs at expiry = %d, %v; want 1", n, err)
	}
	// Gone for good, whatever the clock says.
	for _, tc := range []struct {
		name string
		call func(ctx context.Context) error
	}{
		{"GetJob", func(ctx context.Context) error { _, err := s.GetJob(ctx, "short", t0); return err }},
		{"JobPayload", func(ctx context.Context) error { _, err := s.JobPayload(ctx, "short"); return err }},
		{"JobResult", func(ctx context.Context) error { _, err := s.JobResult(ctx, "short", t0); return err }},
		{"CancelJob", func(ctx context.Context) error { _, err := s.CancelJob(ctx, "short", t0); return err }},
	} {
		wantErr(t, tc.name+"(short) after DeleteExpiredJobs", tc.call(ctx), job.ErrNotFound)
	}
	if js, _, err := s.ListJobs(ctx, project.JobExport, "p", t0, 0, 10); err != nil || diff([]string{"long"}, ids(js)) != "" {
		t.Errorf("ListJobs = %v, %v; want [long]", ids(js), err)
	}
	if b, err := s.JobPayload(ctx, "long"); err != nil || string(b) != "payload" {
		t.Errorf("JobPayload(long) = %q, %v; want payload", b, err)
	}
}

func testListJobs(t *testing.T, s Store) {
	ctx := t.Context()
	add := func(id string, kind job.Kind, proj string, created time.Time, expires time.Duration) {
		j := newJob(id, kind, proj, created)
		j.Expires = created.Add(expires)
		if err := s.CreateJob(ctx, j, nil, job.Limits{}); err != nil {
			t.Fatal(err)
		}
	}
	// Oldest first; of two created at the same time, the one stored first first.
	add("j3", project.JobTrain, "p", t0.Add(2*time.Minute), time.Hour)
	add("j1", project.JobTrain, "p", t0.Add(time.Minute), time.Hour)
	add("j2", project.JobTrain, "p", t0.Add(time.Minute), time.Hour)
	add("other-kind", project.JobDeploy, "p", t0, time.Hour)
	add("other-project", project.JobTrain, "q", t0, time.Hour)
	add("expired", project.JobTrain, "p", t0, 5*time.Minute)
	now := t0.Add(5 * time.Minute)
	for _, tc := range []struct {
		offset, limit int
		want          []string
		more          bool
	}{
		{0, 10, []string{"j1", "j2", "j3"}, false},
		{0, 3, []string{"j1", "j2", "j3"}, false},
		{0, 2, []string{"j1", "j2"}, true},
		{1, 1, []string{"j2"}, true},
		{2, 2, []string{"j3"}, false},
		{3, 2, nil, false},
	} {
		js, more, err := s.ListJobs(ctx, project.JobTrain, "p", now, tc.offset, tc.limit)
		if err != nil || diff(tc.want, ids(js)) != "" || more != tc.more {
			t.Errorf("ListJobs(train, p, %d, %d) = %v, %v, %v; want %v, %v", tc.offset, tc.limit, ids(js), more, err, tc.want, tc.more)
		}
	}
	js, _, err := s.ListJobs(ctx, project.JobTrain, "p", t0, 0, 10)
	if err != nil || diff([]string{"expired", "j1", "j2", "j3"}, ids(js)) != "" {
		t.Errorf("ListJobs(train, p) before expiry = %v, %v; want [expired j1 j2 j3]", ids(js), err)
	}
	want := newJob("j1", project.JobTrain, "p", t0.Add(time.Minute))
	want.Expires = want.Created.Add(time.Hour)
	if len(js) > 1 {
		if d := diff(want, js[1]); d != "" {
			t.Errorf("ListJobs returned (-want +got):\n%s", d)
		}
	}
	if js, more, err := s.ListJobs(ctx, project.JobDeploy, "q", now, 0, 10); err != nil || len(js) != 0 || more {
		t.Errorf("ListJobs(deploy, q) = %v, %v, %v; want none", ids(js), more, err)
	}
}

func testJobResult(t *testing.T, s Store) {
	ctx := t.Context()
	replaceProject(t, s, newProject("p", t0), `{"assets":true}`)
	for _, id := range []string{"job-running", "plain", "blob", "failed", "noresult"} {
		jobIn(t, s, id, job.StatusRunning)
	}
	jobIn(t, s, "job-notStarted", job.StatusNotStarted)
	_, c, err := s.ExportContent(ctx, "p", "blob")
	if err != nil {
		t.Fatal(err)
	}
	finish(t, s, job.FinishParams{ID: "plain", Owner: "w", Status: job.StatusSucceeded, Now: t0, Result: []byte("plain result")})
	finish(t, s, job.FinishParams{ID: "blob", Owner: "w", Status: job.StatusSucceeded, Now: t0, Result: []byte("head"), ResultBlob: c.Blob})
	finish(t, s, job.FinishParams{ID: "failed", Owner: "w", Status: job.StatusFailed, Now: t0,
		Errors: []*azerr.Error{azerr.New(azerr.InvalidRequest, "x")}})
	finish(t, s, job.FinishParams{ID: "noresult", Owner: "w", Status: job.StatusSucceeded, Now: t0})
	now := t0.Add(time.Minute)
	for _, tc := range []struct {
		id         string
		data, blob string
		err        error
	}{
		{"plain", "plain result", "", nil},
		{"blob", "head", `{"assets":true}`, nil},
		{"failed", "", "", job.ErrNotFound},
		{"noresult", "", "", job.ErrNotFound},
		{"job-running", "", "", job.ErrNotFound},
		{"job-notStarted", "", "", job.ErrNotFound},
		{"unknown", "", "", job.ErrNotFound},
	} {
		r, err := s.JobResult(ctx, tc.id, now)
		wantErr(t, "JobResult("+tc.id+")", err, tc.err)
		if tc.err == nil && (r == nil || string(r.Data) != tc.data || string(r.Blob) != tc.blob) {
			t.Errorf("JobResult(%s) = %+v, want data %q and blob %q", tc.id, r, tc.data, tc.blob)
		}
	}
	j := getJob(t, s, "plain", now)
	_, err = s.JobResult(ctx, "plain", j.Expires)
	wantErr(t, "JobResult(plain) at expiry", err, job.ErrNotFound)
}

// testReleaseJob: a released job stays running on the wire and is claimed
// again at once by anyone; only its holder may release it.
func testReleaseJob(t *testing.T, s Store) {
	ctx := t.Context()
	createJob(t, s, "j", t0)
	claimID(t, s, "first", "j", t0)
	wantErr(t, "ReleaseJob(other)", s.ReleaseJob(ctx, "j", "other"), job.ErrLeaseLost)
	if err := s.ReleaseJob(ctx, "j", "first"); err != nil {
		t.Fatalf("ReleaseJob(first) = %v", err)
	}
	if got := getJob(t, s, "j", t0); got.Status != job.StatusRunning || got.Attempt != 1 {
		t.Errorf("GetJob(j) after ReleaseJob = %s, attempt %d; want running, 1", got.Status, got.Attempt)
	}
	wantErr(t, "ReleaseJob(first) twice", s.ReleaseJob(ctx, "j", "first"), job.ErrLeaseLost)
	_, err := s.ExtendLease(ctx, "j", "first", t0.Add(lease))
	wantErr(t, "ExtendLease(first) after ReleaseJob", err, job.ErrLeaseLost)
	// Claimable again at once, within the lease the first claim had.
	if j := claimID(t, s, "second", "j", t0.Add(time.Millisecond)); j.Attempt != 2 {
		t.Errorf("ClaimJobs after ReleaseJob = attempt %d, want 2", j.Attempt)
	}
	wantErr(t, "ReleaseJob(nope)", s.ReleaseJob(ctx, "nope", "second"), job.ErrLeaseLost)
}

// testQueuedJobs: jobs not started and not expired, counted by kind.
func testQueuedJobs(t *testing.T, s Store) {
	ctx := t.Context()
	for i, k := range []job.Kind{project.JobTrain, project.JobTrain, project.JobExport, project.JobDeploy} {
		j := newJob(fmt.Sprintf("j%d", i), k, "p", t0)
		if err := s.CreateJob(ctx, j, nil, job.Limits{}); err != nil {
			t.Fatal(err)
		}
	}
	short := newJob("expired", project.JobImport, "p", t0)
	short.Expires = t0.Add(time.Minute)
	if err := s.CreateJob(ctx, short, nil, job.Limits{}); err != nil {
		t.Fatal(err)
	}
	// A claimed job is running, no longer queued.
	if _, err := s.ClaimJobs(ctx, job.ClaimParams{Owner: "o", Now: t0, LeaseUntil: t0.Add(time.Minute), Limit: 1, MaxAttempts: 3,
		ExcludeKinds: []job.Kind{project.JobTrain, project.JobExport, project.JobImport}}); err != nil {
		t.Fatal(err)
	}
	got, err := s.QueuedJobs(ctx, t0.Add(2*time.Minute))
	want := map[job.Kind]int{project.JobTrain: 2, project.JobExport: 1}
	if err != nil || diff(want, got) != "" {
		t.Errorf("QueuedJobs = %v, %v; want %v", got, err, want)
	}
}
