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
		start = make(chan struct{})
	)
	for w := range workers {
		name := fmt.Sprintf("w%d", w)
		wg.Go(func() {
			<-start
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
	close(start)
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

// concurrently calls fn(0) to fn(n-1), each in its own goroutine, released
// together, and returns their errors.
func concurrently(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = fn(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// succeeded counts the nil errors of errs, failing t for any error but want.
func succeeded(t *testing.T, call string, errs []error, want error) int {
	t.Helper()
	n := 0
	for i, err := range errs {
		switch {
		case err == nil:
			n++
		case !errors.Is(err, want):
			t.Errorf("%s %d = %v, want nil or %v", call, i, err, want)
		}
	}
	return n
}

// testConcurrentJobLimits: of jobs created at once for one project and
// kind, exactly as many as the limit allows are created.
func testConcurrentJobLimits(t *testing.T, s Store) {
	const n = 8
	for _, perKind := range []int{1, 3} {
		kind := job.Kind(fmt.Sprintf("kind%d", perKind))
		errs := concurrently(n, func(i int) error {
			return s.CreateJob(t.Context(), newJob(fmt.Sprintf("%s-%d", kind, i), kind, "p", t0), nil, job.Limits{PerKind: perKind})
		})
		created := succeeded(t, "CreateJob", errs, job.ErrBusy)
		if js, _, err := s.ListJobs(t.Context(), kind, "p", t0, 0, 100); created != perKind || err != nil || len(js) != perKind {
			t.Errorf("%d of %d concurrent CreateJob(PerKind %d) succeeded, ListJobs = %v, %v; want exactly %d",
				created, n, perKind, ids(js), err, perKind)
		}
	}
}

// testConcurrentQuotas: projects, models and deployments created at once
// never exceed their quotas. Each round has three free slots.
func testConcurrentQuotas(t *testing.T, s Store) {
	const rounds, n, free = 3, 8, 3
	createProject(t, s, "models", t0)
	createProject(t, s, "deployments", t0)
	for r := range rounds {
		max := free * (r + 1)
		errs := concurrently(n, func(i int) error {
			p := newProject(fmt.Sprintf("r%d-p%d", r, i), t0)
			if i%2 == 0 {
				return s.CreateProject(t.Context(), p, max+2) // +2: the projects above
			}
			return s.ReplaceProject(t.Context(), p, []byte(`{}`), max+2)
		})
		created := succeeded(t, "creating a project", errs, project.ErrQuota)
		ps, _, err := s.ListProjects(t.Context(), 0, 100)
		if created != free || err != nil || len(ps) != max+2 {
			t.Errorf("round %d: %d of %d concurrent project creations succeeded, ListProjects = %v, %v; want %d and %d projects",
				r, created, n, projectNames(ps), err, free, max+2)
		}

		errs = concurrently(n, func(i int) error {
			return s.SaveModel(t.Context(), newModel("models", fmt.Sprintf("r%d-m%d", r, i), t0), modelData("x"), max)
		})
		created = succeeded(t, "SaveModel", errs, project.ErrQuota)
		if ms, err := s.ListModels(t.Context(), "models"); created != free || err != nil || len(ms) != max {
			t.Errorf("round %d: %d of %d concurrent SaveModel succeeded, ListModels = %v, %v; want %d and %d models",
				r, created, n, labels(ms), err, free, max)
		}

		errs = concurrently(n, func(i int) error {
			d := newDeployment("deployments", fmt.Sprintf("r%d-d%d", r, i), "m", t0)
			return s.SaveDeployment(t.Context(), d, []byte("e"), max)
		})
		created = succeeded(t, "SaveDeployment", errs, project.ErrQuota)
		if ds, err := s.ListDeployments(t.Context(), "deployments"); created != free || err != nil || len(ds) != max {
			t.Errorf("round %d: %d of %d concurrent SaveDeployment succeeded, ListDeployments = %v, %v; want %d and %d deployments",
				r, created, n, deploymentNames(ds), err, free, max)
		}
	}
}
