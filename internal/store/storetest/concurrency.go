package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/parley-dev/parley/internal/job"
	"github.com/parley-dev/parley/internal/project"
)

// testConcurrentClaims: workers claiming at once from the same jobs never
// get one job twice, and together they get every job.
func testConcurrentClaims(t *testing.T, s Store) {
	const workers, jobs = 8, 40
	for i := range jobs {
		createJob(t, s, fmt.Sprintf("j%02d", i), t0)
	}
	var (
		mu    sync.Mutex
		owner = make(map[string]string) // job id -> worker
		errs  []error
		wg    sync.WaitGroup
	)
	for w := range workers {
		name := fmt.Sprintf("w%d", w)
		wg.Go(func() {
			for {
				js, err := s.ClaimJobs(t.Context(), claimParams(name, t0, 1+w%3))
				mu.Lock()
				if err != nil {
					errs = append(errs, fmt.Errorf("ClaimJobs(%s) = %w", name, err))
				}
				for _, j := range js {
					if prev, ok := owner[j.ID]; ok {
						errs = append(errs, fmt.Errorf("job %s claimed by %s and by %s", j.ID, prev, name))
					}
					owner[j.ID] = name
				}
				mu.Unlock()
				if err != nil || len(js) == 0 {
					return
				}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Error(err)
	}
	if len(owner) != jobs {
		t.Errorf("claimed %d jobs, want all %d", len(owner), jobs)
	}
	for id, w := range owner {
		if _, err := s.ExtendLease(t.Context(), id, w, t0.Add(lease)); err != nil {
			t.Errorf("ExtendLease(%s, %s) = %v; want the claimer to hold the lease", id, w, err)
		}
	}
}

// testConcurrentExclusiveJobs: of exclusive jobs created at once for one
// project and kind, exactly one is created.
func testConcurrentExclusiveJobs(t *testing.T, s Store) {
	const n = 8
	results := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			results[i] = s.CreateExclusiveJob(t.Context(), newJob(fmt.Sprintf("t%d", i), job.KindTrain, "p", t0), nil)
		})
	}
	wg.Wait()
	created := 0
	for i, err := range results {
		switch {
		case err == nil:
			created++
		case !errors.Is(err, job.ErrBusy):
			t.Errorf("CreateExclusiveJob(t%d) = %v, want nil or ErrBusy", i, err)
		}
	}
	if js, _, err := s.ListJobs(t.Context(), job.KindTrain, "p", t0, 0, 100); created != 1 || err != nil || len(js) != 1 {
		t.Errorf("%d of %d concurrent CreateExclusiveJob succeeded, ListJobs = %v, %v; want exactly one", created, n, ids(js), err)
	}
}

// testConcurrentProjectQuota: projects created at once never exceed the quota.
func testConcurrentProjectQuota(t *testing.T, s Store) {
	const n, max = 8, 3
	results := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			p := newProject(fmt.Sprintf("p%d", i), t0)
			if i%2 == 0 {
				results[i] = s.CreateProject(t.Context(), p, max)
			} else {
				results[i] = s.ReplaceProject(t.Context(), p, []byte(`{}`), max)
			}
		})
	}
	wg.Wait()
	created := 0
	for i, err := range results {
		switch {
		case err == nil:
			created++
		case !errors.Is(err, project.ErrQuota):
			t.Errorf("creating p%d = %v, want nil or ErrQuota", i, err)
		}
	}
	ps, _, err := s.ListProjects(t.Context(), 0, 100)
	if created != max || err != nil || len(ps) != max {
		t.Errorf("%d of %d concurrent creations succeeded, ListProjects = %v, %v; want %d", created, n, projectNames(ps), err, max)
	}
}
