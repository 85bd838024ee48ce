package job_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parley-dev/parley/internal/azerr"
	"github.com/parley-dev/parley/internal/job"
	"github.com/parley-dev/parley/internal/store/sqlite"
)

// kindTest is the kind of the jobs these tests run; kinds belong to the
// services that start them, so the tests make up their own.
const kindTest job.Kind = "test"

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func setup(t *testing.T) (*sqlite.Store, *clock, string) {
	t.Helper()
	dir := t.TempDir()
	st, err := sqlite.Open(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}, dir
}

func newJob(t *testing.T, st job.Store, c *clock, payload string) *job.Job {
	t.Helper()
	now := c.Now()
	j := &job.Job{ID: job.NewID(now), Kind: kindTest, Project: "p", APIVersion: "2023-04-01",
		Status: job.StatusNotStarted, Created: now, Updated: now, Expires: now.Add(7 * 24 * time.Hour)}
	if err := st.CreateJob(t.Context(), j, []byte(payload), job.Limits{}); err != nil {
		t.Fatal(err)
	}
	return j
}

func get(t *testing.T, st job.Store, c *clock, id string) *job.Job {
	t.Helper()
	j, err := st.GetJob(t.Context(), id, c.Now())
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func TestRunnerOutcomes(t *testing.T) {
	for _, tc := range []struct {
		name      string
		handler   job.HandlerFunc
		want      job.Status
		wantCode  azerr.Code
		wantCalls int
	}{
		{"success", func(ctx context.Context, r *job.Run) (*job.Outcome, error) {
			return &job.Outcome{Result: append([]byte("result of "), r.Payload...), Warnings: []job.Warning{{Code: "W", Message: "m"}}}, nil
		}, job.StatusSucceeded, "", 1},
		{"client error fails at once", func(context.Context, *job.Run) (*job.Outcome, error) {
			return nil, azerr.New(azerr.ProjectNotFound, "gone")
		}, job.StatusFailed, azerr.ProjectNotFound, 1},
		{"internal error is retried, then fails", func(context.Context, *job.Run) (*job.Outcome, error) {
			return nil, errors.New("disk on fire")
		}, job.StatusFailed, azerr.InternalServerError, 3},
		{"panic is retried, then fails", func(context.Context, *job.Run) (*job.Outcome, error) {
			panic("boom")
		}, job.StatusFailed, azerr.InternalServerError, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, c, _ := setup(t)
			r := job.NewRunner(st, job.Config{Now: c.Now, MaxAttempts: 3})
			var calls atomic.Int32
			r.Handle(kindTest, func(ctx context.Context, run *job.Run) (*job.Outcome, error) {
				calls.Add(1)
				return tc.handler(ctx, run)
			})
			j := newJob(t, st, c, "payload")
			for range 5 {
				c.Advance(time.Millisecond)
				if _, err := r.RunOnce(t.Context()); err != nil {
					t.Fatal(err)
				}
			}
			got := get(t, st, c, j.ID)
			if got.Status != tc.want || int(calls.Load()) != tc.wantCalls {
				t.Fatalf("status %s after %d calls, want %s after %d", got.Status, calls.Load(), tc.want, tc.wantCalls)
			}
			if tc.wantCode != "" && (len(got.Errors) != 1 || got.Errors[0].Code != tc.wantCode) {
				t.Errorf("errors = %v, want one %s", got.Errors, tc.wantCode)
			}
			if tc.want == job.StatusSucceeded {
				res, err := st.JobResult(t.Context(), j.ID, c.Now())
				if err != nil || string(res.Data) != "result of payload" || len(got.Warnings) != 1 {
					t.Errorf("result %q, %v, warnings %v", res, err, got.Warnings)
				}
			}
		})
	}
}

// TestLeaseExpiry: a process claims a job and dies; once its lease expires
// another process runs the job, and the first one's late outcome is dropped.
func TestLeaseExpiry(t *testing.T) {
	st, c, _ := setup(t)
	j := newJob(t, st, c, "")
	claimed, err := st.ClaimJobs(t.Context(), job.ClaimParams{Owner: "dead", Now: c.Now(), LeaseUntil: c.Now().Add(time.Second), Limit: 10, MaxAttempts: 3})
	if err != nil || len(claimed) != 1 || claimed[0].Status != job.StatusRunning || claimed[0].Attempt != 1 {
		t.Fatalf("claim = %v, %v", claimed, err)
	}
	// Not claimable while the lease holds.
	if again, _ := st.ClaimJobs(t.Context(), job.ClaimParams{Owner: "other", Now: c.Now(), LeaseUntil: c.Now().Add(time.Second), Limit: 10, MaxAttempts: 3}); len(again) != 0 {
		t.Fatalf("a leased job was claimed again: %v", again)
	}
	c.Advance(2 * time.Second)
	r := job.NewRunner(st, job.Config{Now: c.Now, Owner: "alive"})
	r.Handle(kindTest, func(context.Context, *job.Run) (*job.Outcome, error) {
		return &job.Outcome{Result: []byte("x")}, nil
	})
	if n, err := r.RunOnce(t.Context()); n != 1 || err != nil {
		t.Fatalf("RunOnce = %d, %v", n, err)
	}
	if got := get(t, st, c, j.ID); got.Status != job.StatusSucceeded || got.Attempt != 2 {
		t.Errorf("job = %+v, want succeeded on attempt 2", got)
	}
	err = st.FinishJob(t.Context(), job.FinishParams{ID: j.ID, Owner: "dead", Status: job.StatusFailed, Now: c.Now()})
	if !errors.Is(err, job.ErrLeaseLost) {
		t.Errorf("late FinishJob by the dead owner = %v, want ErrLeaseLost", err)
	}
}

// TestAbandonedJobFails: a job whose process died on its last attempt fails
// instead of staying running.
func TestAbandonedJobFails(t *testing.T) {
	st, c, _ := setup(t)
	j := newJob(t, st, c, "")
	for i := range 3 {
		c.Advance(time.Minute)
		claimed, err := st.ClaimJobs(t.Context(), job.ClaimParams{Owner: "dies", Now: c.Now(), LeaseUntil: c.Now().Add(time.Second), Limit: 1, MaxAttempts: 3})
		if err != nil || len(claimed) != 1 {
			t.Fatalf("claim %d = %v, %v", i+1, claimed, err)
		}
	}
	c.Advance(time.Minute)
	r := job.NewRunner(st, job.Config{Now: c.Now, MaxAttempts: 3})
	if n, _ := r.RunOnce(t.Context()); n != 0 {
		t.Errorf("a job past its attempts ran again")
	}
	got := get(t, st, c, j.ID)
	if got.Status != job.StatusFailed || len(got.Errors) != 1 || got.Errors[0].Code != azerr.InternalServerError {
		t.Errorf("abandoned job = %+v, want failed", got)
	}
}

// TestReopenReleasesLeases: the data directory is one process's, so a
// restart need not wait for the leases of the process that died.
func TestReopenReleasesLeases(t *testing.T) {
	st, c, dir := setup(t)
	j := newJob(t, st, c, "")
	if _, err := st.ClaimJobs(t.Context(), job.ClaimParams{Owner: "dead", Now: c.Now(), LeaseUntil: c.Now().Add(time.Hour), Limit: 1, MaxAttempts: 3}); err != nil {
		t.Fatal(err)
	}
	if _, err := sqlite.Open(t.Context(), dir); err == nil {
		t.Fatal("a second Open of a data directory in use succeeded")
	}
	st.Close()
	st2, err := sqlite.Open(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	claimed, err := st2.ClaimJobs(t.Context(), job.ClaimParams{Owner: "new", Now: c.Now(), LeaseUntil: c.Now().Add(time.Hour), Limit: 1, MaxAttempts: 3})
	if err != nil || len(claimed) != 1 || claimed[0].ID != j.ID {
		t.Errorf("claim after reopen = %v, %v; want the released job", claimed, err)
	}
}

// TestStopHandsJobsBack: a job still running when Stop gives up is released
// with its status unchanged, and runs again later.
func TestStopHandsJobsBack(t *testing.T) {
	st, c, _ := setup(t)
	j := newJob(t, st, c, "")
	started := make(chan struct{})
	r := job.NewRunner(st, job.Config{Now: c.Now, PollInterval: time.Millisecond})
	r.Handle(kindTest, func(ctx context.Context, _ *job.Run) (*job.Outcome, error) {
		close(started)
		<-ctx.Done()
		return nil, ctx.Err()
	})
	r.Start(t.Context())
	<-started
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Millisecond)
	defer cancel()
	if err := r.Stop(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Stop = %v, want DeadlineExceeded", err)
	}
	if err := r.Stop(t.Context()); err != nil {
		t.Errorf("second Stop = %v", err)
	}
	if got := get(t, st, c, j.ID); got.Status != job.StatusRunning {
		t.Errorf("job after Stop = %s, want running (handed back, not failed)", got.Status)
	}
	c.Advance(time.Millisecond)
	r2 := job.NewRunner(st, job.Config{Now: c.Now})
	r2.Handle(kindTest, func(context.Context, *job.Run) (*job.Outcome, error) { return nil, nil })
	if n, _ := r2.RunOnce(t.Context()); n != 1 {
		t.Fatalf("the handed-back job did not run again")
	}
	if got := get(t, st, c, j.ID); got.Status != job.StatusSucceeded {
		t.Errorf("job = %s, want succeeded", got.Status)
	}
}

func TestNewIDShape(t *testing.T) {
	id := job.NewID(time.Date(2022, 4, 18, 15, 23, 7, 0, time.UTC))
	const suffix = "_637858368000000000" // the spec example's day
	if len(id) != 36+len(suffix) || id[36:] != suffix || id[14] != '4' {
		t.Errorf("NewID = %q, want a v4 GUID and %s", id, suffix)
	}
}

// TestCancel: a job not started yet is cancelled at once; a running one is
// told through its context, promptly, and ends cancelled with its detail.
func TestCancel(t *testing.T) {
	st, c, _ := setup(t)
	waiting := newJob(t, st, c, "")
	if got, err := st.CancelJob(t.Context(), waiting.ID, c.Now()); err != nil || got != job.StatusCancelled {
		t.Fatalf("CancelJob(not started) = %s, %v; want cancelled", got, err)
	}
	if _, err := st.CancelJob(t.Context(), waiting.ID, c.Now()); !errors.Is(err, job.ErrFinished) {
		t.Errorf("CancelJob(cancelled) = %v, want ErrFinished", err)
	}
	if _, err := st.CancelJob(t.Context(), "nope", c.Now()); !errors.Is(err, job.ErrNotFound) {
		t.Errorf("CancelJob(unknown) = %v, want ErrNotFound", err)
	}

	running := newJob(t, st, c, "")
	started := make(chan struct{})
	r := job.NewRunner(st, job.Config{Now: c.Now, Lease: 300 * time.Millisecond})
	r.Handle(kindTest, func(ctx context.Context, run *job.Run) (*job.Outcome, error) {
		if err := run.Report(ctx, []byte(`{"percent":50}`)); err != nil {
			return nil, err
		}
		close(started)
		<-ctx.Done()
		if !errors.Is(context.Cause(ctx), job.ErrCancelled) {
			t.Errorf("cause = %v, want ErrCancelled", context.Cause(ctx))
		}
		return &job.Outcome{Detail: []byte(`{"percent":50,"stopped":true}`)}, ctx.Err()
	})
	done := make(chan struct{})
	go func() { r.RunOnce(t.Context()); close(done) }()
	<-started
	if got := get(t, st, c, running.ID); string(got.Detail) != `{"percent":50}` {
		t.Errorf("detail while running = %s", got.Detail)
	}
	if got, err := st.CancelJob(t.Context(), running.ID, c.Now()); err != nil || got != job.StatusCancelling {
		t.Fatalf("CancelJob(running) = %s, %v; want cancelling", got, err)
	}
	<-done
	got := get(t, st, c, running.ID)
	if got.Status != job.StatusCancelled || string(got.Detail) != `{"percent":50,"stopped":true}` {
		t.Errorf("cancelled job = %s %s", got.Status, got.Detail)
	}
}

func TestFinishedCache(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := job.NewFinishedCache(2)
	running := &job.Job{ID: "r", Status: job.StatusRunning, Expires: now.Add(time.Hour)}
	c.Put(running)
	if _, ok := c.Get("r", now); ok {
		t.Errorf("a running job was cached")
	}
	for _, id := range []string{"a", "b", "c"} {
		c.Put(&job.Job{ID: id, Status: job.StatusSucceeded, Expires: now.Add(time.Hour)})
	}
	n := 0
	for _, id := range []string{"a", "b", "c"} {
		if j, ok := c.Get(id, now); ok {
			n++
			j.Status = job.StatusFailed // a copy: the cache keeps its own
			if again, _ := c.Get(id, now); again.Status != job.StatusSucceeded {
				t.Errorf("Get returned the cached job itself, not a copy")
			}
		}
	}
	if n != 2 {
		t.Errorf("cache of 2 holds %d jobs", n)
	}
	if _, ok := c.Get("c", now.Add(2*time.Hour)); ok {
		t.Errorf("an expired job came from the cache")
	}
}

// TestCrashedJobRunsOnceMore: by default a job whose process died runs once
// more, and fails if that attempt dies too (issue 9: it was tried three
// times, so a job that crashes the server took it down three times).
func TestCrashedJobRunsOnceMore(t *testing.T) {
	st, c, _ := setup(t)
	j := newJob(t, st, c, "")
	// The first attempt's process dies: its lease runs out.
	if claimed, err := st.ClaimJobs(t.Context(), job.ClaimParams{Owner: "dies", Now: c.Now(), LeaseUntil: c.Now().Add(time.Second), Limit: 1, MaxAttempts: 10}); err != nil || len(claimed) != 1 {
		t.Fatalf("first claim = %v, %v", claimed, err)
	}
	c.Advance(time.Minute)
	r := job.NewRunner(st, job.Config{Now: c.Now})
	ran := 0
	r.Handle(kindTest, func(ctx context.Context, run *job.Run) (*job.Outcome, error) {
		ran++
		panic("the second attempt crashes too") // a panic stands for the crash; the lease is what matters
	})
	// Claim it as a process that dies again, then let the runner look.
	if claimed, err := st.ClaimJobs(t.Context(), job.ClaimParams{Owner: "dies-again", Now: c.Now(), LeaseUntil: c.Now().Add(time.Second), Limit: 1, MaxAttempts: 2}); err != nil || len(claimed) != 1 {
		t.Fatalf("second claim = %v, %v; want the job to run once more", claimed, err)
	}
	c.Advance(time.Minute)
	if n, _ := r.RunOnce(t.Context()); n != 0 || ran != 0 {
		t.Errorf("a job that died on its second attempt ran a third time")
	}
	if got := get(t, st, c, j.ID); got.Status != job.StatusFailed {
		t.Errorf("job after two crashed attempts = %s, want failed", got.Status)
	}
}

// TestShortJobsPassLongOnes: with long jobs queued first, a short job runs
// at once on the worker long jobs may not take, and long jobs never hold
// more than all workers but one.
func TestShortJobsPassLongOnes(t *testing.T) {
	const kindLong job.Kind = "long"
	st, c, _ := setup(t)
	r := job.NewRunner(st, job.Config{Now: c.Now, Workers: 3, PollInterval: 5 * time.Millisecond})
	release := make(chan struct{})
	var running, most atomic.Int32
	r.Handle(kindLong, func(ctx context.Context, _ *job.Run) (*job.Outcome, error) {
		n := running.Add(1)
		defer running.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		select {
		case <-release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		return &job.Outcome{}, nil
	})
	r.MarkLong(kindLong)
	short := make(chan struct{}, 8)
	r.Handle(kindTest, func(context.Context, *job.Run) (*job.Outcome, error) {
		short <- struct{}{}
		return &job.Outcome{}, nil
	})
	var long []*job.Job
	for range 5 {
		now := c.Now()
		j := &job.Job{ID: job.NewID(now), Kind: kindLong, Project: "p", APIVersion: "2023-04-01",
			Status: job.StatusNotStarted, Created: now, Updated: now, Expires: now.Add(time.Hour)}
		if err := st.CreateJob(t.Context(), j, nil, job.Limits{}); err != nil {
			t.Fatal(err)
		}
		long = append(long, j)
	}
	r.Start(t.Context())
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		r.Stop(ctx) // cancels the long jobs of a failed test
	}()
	for range 2 {
		newJob(t, st, c, "")
		r.Notify()
		select {
		case <-short:
		case <-time.After(10 * time.Second):
			t.Fatal("a short job queued behind five long ones did not run within 10s")
		}
	}
	// Two long jobs hold two workers (they may still be starting).
	deadline := time.Now().Add(10 * time.Second)
	for running.Load() < 2 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	close(release)
	for _, j := range long {
		for get(t, st, c, j.ID).Status != job.StatusSucceeded {
			if time.Now().After(deadline) {
				t.Fatalf("long job %s is %s, want succeeded", j.ID, get(t, st, c, j.ID).Status)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	if m := most.Load(); m != 2 {
		t.Errorf("at most %d long jobs ran at once on 3 workers, want 2", m)
	}
}
