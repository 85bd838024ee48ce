package storetest

import (
	"context"
	"testing"

	"github.com/parley-dev/parley/internal/job"
	"github.com/parley-dev/parley/internal/project"
)

// unstorable are keys no store can hold: PostgreSQL's text refuses NUL and
// invalid UTF-8 (a lone surrogate, encoded as WTF-8, is invalid UTF-8 too),
// and the services never write such text. A name or id from a URL may still
// be one.
var unstorable = []struct{ name, s string }{
	{"NUL", "p\x00"},
	{"InvalidByte", "p\xff"},
	{"LoneSurrogate", "p\xed\xa0\x80"},
}

// testUnstorableKeys looks up projects, models, deployments and jobs by keys
// that hold NUL or invalid UTF-8, one argument at a time beside real ones. No
// such key can match, so each lookup answers as testMissing's do, with the
// not-found sentinel, and a list is empty: never an error the API would
// turn into a 500 (issue 9, finding 8). The probes change nothing.
func testUnstorableKeys(t *testing.T, s Store) {
	ctx := t.Context()
	now := t0
	createProject(t, s, "p", t0)
	saveModel(t, s, newModel("p", "m", t0), modelData("m"))
	saveDeployment(t, s, newDeployment("p", "d", "m", t0), "engine d")
	saveDeployment(t, s, newDeployment("p", "e", "m", t0), "engine e")
	createJob(t, s, "j", t0)
	claimID(t, s, "o", "j", t0)

	for _, bad := range unstorable {
		t.Run(bad.name, func(t *testing.T) {
			x := bad.s
			for _, tc := range []struct {
				name string
				call func(ctx context.Context) error
				want error
			}{
				{"GetProject", func(ctx context.Context) error { _, err := s.GetProject(ctx, x); return err }, project.ErrNotFound},
				{"UpdateProject", func(ctx context.Context) error { return s.UpdateProject(ctx, newProject(x, now)) }, project.ErrNotFound},
				{"DeleteProject", func(ctx context.Context) error { return s.DeleteProject(ctx, x) }, project.ErrNotFound},
				{"ProjectContent", func(ctx context.Context) error { _, _, err := s.ProjectContent(ctx, x); return err }, project.ErrNotFound},
				{"ExportContent", func(ctx context.Context) error { _, _, err := s.ExportContent(ctx, x, "j"); return err }, project.ErrNotFound},
				// A job that cannot exist pins nothing, as one that does not exist.
				{"ExportContent/job", func(ctx context.Context) error { _, _, err := s.ExportContent(ctx, "p", x); return err }, nil},
				{"SaveModel", func(ctx context.Context) error {
					return s.SaveModel(ctx, newModel(x, "m", now), modelData("m"), 10)
				}, project.ErrNotFound},
				{"GetModel/project", func(ctx context.Context) error { _, err := s.GetModel(ctx, x, "m"); return err }, project.ErrModelNotFound},
				{"GetModel/label", func(ctx context.Context) error { _, err := s.GetModel(ctx, "p", x); return err }, project.ErrModelNotFound},
				{"GetModelData/project", func(ctx context.Context) error {
					_, err := s.GetModelData(ctx, x, "m", project.PartEngine)
					return err
				}, project.ErrModelNotFound},
				{"GetModelData/label", func(ctx context.Context) error {
					_, err := s.GetModelData(ctx, "p", x, project.PartEngine)
					return err
				}, project.ErrModelNotFound},
				{"DeleteModel/project", func(ctx context.Context) error { return s.DeleteModel(ctx, x, "m") }, project.ErrModelNotFound},
				{"DeleteModel/label", func(ctx context.Context) error { return s.DeleteModel(ctx, "p", x) }, project.ErrModelNotFound},
				{"SaveDeployment", func(ctx context.Context) error {
					return s.SaveDeployment(ctx, newDeployment(x, "d", "m", now), []byte("engine"), 10)
				}, project.ErrNotFound},
				{"GetDeployment/project", func(ctx context.Context) error { _, err := s.GetDeployment(ctx, x, "d"); return err }, project.ErrDeploymentNotFound},
				{"GetDeployment/name", func(ctx context.Context) error { _, err := s.GetDeployment(ctx, "p", x); return err }, project.ErrDeploymentNotFound},
				{"DeploymentEngine/project", func(ctx context.Context) error { _, _, err := s.DeploymentEngine(ctx, x, "d"); return err }, project.ErrDeploymentNotFound},
				{"DeploymentEngine/name", func(ctx context.Context) error { _, _, err := s.DeploymentEngine(ctx, "p", x); return err }, project.ErrDeploymentNotFound},
				{"DeleteDeployment/project", func(ctx context.Context) error { return s.DeleteDeployment(ctx, x, "d") }, project.ErrDeploymentNotFound},
				{"DeleteDeployment/name", func(ctx context.Context) error { return s.DeleteDeployment(ctx, "p", x) }, project.ErrDeploymentNotFound},
				{"SwapDeployments/project", func(ctx context.Context) error { return s.SwapDeployments(ctx, x, "d", "e") }, project.ErrDeploymentNotFound},
				{"SwapDeployments/first", func(ctx context.Context) error { return s.SwapDeployments(ctx, "p", x, "e") }, project.ErrDeploymentNotFound},
				{"SwapDeployments/second", func(ctx context.Context) error { return s.SwapDeployments(ctx, "p", "d", x) }, project.ErrDeploymentNotFound},
				{"GetJob", func(ctx context.Context) error { _, err := s.GetJob(ctx, x, now); return err }, job.ErrNotFound},
				{"JobPayload", func(ctx context.Context) error { _, err := s.JobPayload(ctx, x); return err }, job.ErrNotFound},
				{"CancelJob", func(ctx context.Context) error { _, err := s.CancelJob(ctx, x, now); return err }, job.ErrNotFound},
				{"JobResult", func(ctx context.Context) error { _, err := s.JobResult(ctx, x, now); return err }, job.ErrNotFound},
				{"ExtendLease/id", func(ctx context.Context) error { _, err := s.ExtendLease(ctx, x, "o", now); return err }, job.ErrLeaseLost},
				{"ExtendLease/owner", func(ctx context.Context) error { _, err := s.ExtendLease(ctx, "j", x, now); return err }, job.ErrLeaseLost},
				{"SetJobDetail/id", func(ctx context.Context) error { return s.SetJobDetail(ctx, x, "o", []byte("{}"), now) }, job.ErrLeaseLost},
				{"SetJobDetail/owner", func(ctx context.Context) error { return s.SetJobDetail(ctx, "j", x, []byte("{}"), now) }, job.ErrLeaseLost},
				{"ReleaseJob/id", func(ctx context.Context) error { return s.ReleaseJob(ctx, x, "o") }, job.ErrLeaseLost},
				{"ReleaseJob/owner", func(ctx context.Context) error { return s.ReleaseJob(ctx, "j", x) }, job.ErrLeaseLost},
				{"FinishJob/id", func(ctx context.Context) error {
					return s.FinishJob(ctx, job.FinishParams{ID: x, Owner: "o", Status: job.StatusSucceeded, Now: now})
				}, job.ErrLeaseLost},
				{"FinishJob/owner", func(ctx context.Context) error {
					return s.FinishJob(ctx, job.FinishParams{ID: "j", Owner: x, Status: job.StatusSucceeded, Now: now})
				}, job.ErrLeaseLost},
			} {
				t.Run(tc.name, func(t *testing.T) {
					wantErr(t, tc.name, tc.call(ctx), tc.want)
				})
			}

			for _, tc := range []struct {
				name string
				call func(ctx context.Context) (int, error)
			}{
				{"ListModels", func(ctx context.Context) (int, error) { ms, err := s.ListModels(ctx, x); return len(ms), err }},
				{"ListDeployments", func(ctx context.Context) (int, error) { ds, err := s.ListDeployments(ctx, x); return len(ds), err }},
				{"ListJobs/project", func(ctx context.Context) (int, error) {
					js, _, err := s.ListJobs(ctx, project.JobExport, x, now, 0, 10)
					return len(js), err
				}},
				{"ListJobs/kind", func(ctx context.Context) (int, error) {
					js, _, err := s.ListJobs(ctx, job.Kind(x), "p", now, 0, 10)
					return len(js), err
				}},
				// Excluding a kind no job can have excludes nothing; no job
				// is runnable here, so the claim takes none.
				{"ClaimJobs/excludeKinds", func(ctx context.Context) (int, error) {
					p := claimParams("w", now, 10)
					p.ExcludeKinds = []job.Kind{job.Kind(x)}
					js, err := s.ClaimJobs(ctx, p)
					return len(js), err
				}},
			} {
				t.Run(tc.name, func(t *testing.T) {
					if n, err := tc.call(ctx); n != 0 || err != nil {
						t.Errorf("%s = %d items, %v; want none, nil", tc.name, n, err)
					}
				})
			}
		})
	}

	// Nothing was changed: the project, its model and deployments, and the
	// job's lease are all still there.
	getProject(t, s, "p")
	if _, err := s.GetModel(ctx, "p", "m"); err != nil {
		t.Errorf("GetModel(p, m) after the probes = %v", err)
	}
	for _, name := range []string{"d", "e"} {
		if d, err := s.GetDeployment(ctx, "p", name); err != nil || d.ModelID != "m-id" {
			t.Errorf("GetDeployment(p, %s) after the probes = %+v, %v", name, d, err)
		}
	}
	if st, err := s.ExtendLease(ctx, "j", "o", now.Add(lease)); err != nil || st != job.StatusRunning {
		t.Errorf("ExtendLease(j, o) after the probes = %v, %v; want running", st, err)
	}
}
