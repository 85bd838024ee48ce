package storetest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/parley-dev/parley/internal/job"
	"github.com/parley-dev/parley/internal/project"
)

// testMissing calls every method that names a project, model, deployment or
// job on a store where none exists, and checks the sentinel it wraps.
func testMissing(t *testing.T, s Store) {
	createProject(t, s, "p", t0) // models and deployments are missing in a project that exists
	now := t0
	for _, tc := range []struct {
		name string
		call func(ctx context.Context) error
		want error
	}{
		{"GetProject", func(ctx context.Context) error { _, err := s.GetProject(ctx, "nope"); return err }, project.ErrNotFound},
		{"UpdateProject", func(ctx context.Context) error { return s.UpdateProject(ctx, newProject("nope", now)) }, project.ErrNotFound},
		{"DeleteProject", func(ctx context.Context) error { return s.DeleteProject(ctx, "nope") }, project.ErrNotFound},
		{"ProjectContent", func(ctx context.Context) error { _, _, err := s.ProjectContent(ctx, "nope"); return err }, project.ErrNotFound},
		{"ExportContent", func(ctx context.Context) error { _, _, err := s.ExportContent(ctx, "nope", "j"); return err }, project.ErrNotFound},
		{"SaveModel", func(ctx context.Context) error {
			return s.SaveModel(ctx, newModel("nope", "m", now), modelData("m"), 10)
		}, project.ErrNotFound},
		{"GetModel", func(ctx context.Context) error { _, err := s.GetModel(ctx, "p", "m"); return err }, project.ErrModelNotFound},
		{"GetModelData", func(ctx context.Context) error {
			_, err := s.GetModelData(ctx, "p", "m", project.PartEngine)
			return err
		}, project.ErrModelNotFound},
		{"DeleteModel", func(ctx context.Context) error { return s.DeleteModel(ctx, "p", "m") }, project.ErrModelNotFound},
		{"SaveDeployment", func(ctx context.Context) error {
			return s.SaveDeployment(ctx, newDeployment("nope", "d", "m", now), []byte("engine"), 10)
		}, project.ErrNotFound},
		{"GetDeployment", func(ctx context.Context) error { _, err := s.GetDeployment(ctx, "p", "d"); return err }, project.ErrDeploymentNotFound},
		{"DeploymentEngine", func(ctx context.Context) error { _, _, err := s.DeploymentEngine(ctx, "p", "d"); return err }, project.ErrDeploymentNotFound},
		{"DeleteDeployment", func(ctx context.Context) error { return s.DeleteDeployment(ctx, "p", "d") }, project.ErrDeploymentNotFound},
		{"SwapDeployments", func(ctx context.Context) error { return s.SwapDeployments(ctx, "p", "d", "e") }, project.ErrDeploymentNotFound},
		{"GetJob", func(ctx context.Context) error { _, err := s.GetJob(ctx, "j", now); return err }, job.ErrNotFound},
		{"JobPayload", func(ctx context.Context) error { _, err := s.JobPayload(ctx, "j"); return err }, job.ErrNotFound},
		{"CancelJob", func(ctx context.Context) error { _, err := s.CancelJob(ctx, "j", now); return err }, job.ErrNotFound},
		{"JobResult", func(ctx context.Context) error { _, err := s.JobResult(ctx, "j", now); return err }, job.ErrNotFound},
		{"ExtendLease", func(ctx context.Context) error { _, err := s.ExtendLease(ctx, "j", "o", now); return err }, job.ErrLeaseLost},
		{"SetJobDetail", func(ctx context.Context) error { return s.SetJobDetail(ctx, "j", "o", []byte("{}"), now) }, job.ErrLeaseLost},
		{"FinishJob", func(ctx context.Context) error {
			return s.FinishJob(ctx, job.FinishParams{ID: "j", Owner: "o", Status: job.StatusSucceeded, Now: now})
		}, job.ErrLeaseLost},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantErr(t, tc.name, tc.call(t.Context()), tc.want)
		})
	}
}

func testProjectRoundTrip(t *testing.T, s Store) {
	ctx := t.Context()
	full := &project.Project{
		Name: "Full", Kind: project.KindConversation, Language: "de", Description: "all fields",
		Multilingual: true, StorageInputContainerName: "container",
		Settings: &project.Settings{ConfidenceThreshold: 0.7, Extra: map[string]json.RawMessage{
			"normalizeCasing": json.RawMessage(`true`), "x": json.RawMessage(`{"a":[1,2]}`)}},
		Created: t0, Modified: t0.Add(time.Second),
	}
	bare := newProject("bare", t0) // no settings object
	for _, p := range []*project.Project{full, bare} {
		if err := s.CreateProject(ctx, p, 10); err != nil {
			t.Fatalf("CreateProject(%q) = %v", p.Name, err)
		}
		if d := diff(p, getProject(t, s, p.Name)); d != "" {
			t.Errorf("GetProject(%q) after CreateProject (-want +got):\n%s", p.Name, d)
		}
		got, c, err := s.ProjectContent(ctx, p.Name)
		if err != nil || c.Blob != "" || len(c.Assets) != 0 || diff(p, got) != "" {
			t.Errorf("ProjectContent(%q) of a new project = %+v, %+v, %v; want the project and no content", p.Name, got, c, err)
		}
	}
	wantErr(t, "CreateProject(Full) again", s.CreateProject(ctx, newProject("Full", t0), 10), project.ErrExists)

	// UpdateProject replaces the metadata but the name and creation time;
	// the training and deployment times are the models' to set.
	before := getProject(t, s, "Full")
	upd := &project.Project{
		Name: "Full", Kind: project.KindOrchestration, Language: "fr", Description: "changed",
		Settings: &project.Settings{ConfidenceThreshold: 0.25}, Created: t0,
		Modified: t0.Add(time.Hour), LastTrained: t0.Add(2 * time.Hour), LastDeployed: t0.Add(3 * time.Hour),
	}
	if err := s.UpdateProject(ctx, upd); err != nil {
		t.Fatalf("UpdateProject(Full) = %v", err)
	}
	want := *upd
	want.LastTrained, want.LastDeployed = before.LastTrained, before.LastDeployed
	if d := diff(&want, getProject(t, s, "Full")); d != "" {
		t.Errorf("GetProject(Full) after UpdateProject (-want +got):\n%s", d)
	}
	// Saving a model records the training time in the same transaction.
	saveModel(t, s, newModel("bare", "m", t0.Add(time.Minute)), modelData("m"))
	if got := getProject(t, s, "bare"); !got.LastTrained.Equal(t0.Add(time.Minute)) || !got.Modified.Equal(t0) {
		t.Errorf("GetProject(bare) after SaveModel = trained %v, modified %v; want %v, %v", got.LastTrained, got.Modified, t0.Add(time.Minute), t0)
	}
	// A metadata update read before the training does not undo it (a
	// PATCH racing a training job).
	stale := getProject(t, s, "Full")
	saveModel(t, s, newModel("Full", "m", t0.Add(4*time.Hour)), modelData("m"))
	stale.Description = "patched"
	if err := s.UpdateProject(ctx, stale); err != nil {
		t.Fatalf("UpdateProject(Full) = %v", err)
	}
	if got := getProject(t, s, "Full"); !got.LastTrained.Equal(t0.Add(4*time.Hour)) || got.Description != "patched" {
		t.Errorf("GetProject(Full) after a stale UpdateProject = trained %v, description %q; want %v, patched", got.LastTrained, got.Description, t0.Add(4*time.Hour))
	}
	// Names are case-sensitive keys.
	wantErr(t, "GetProject(full)", func() error { _, err := s.GetProject(ctx, "full"); return err }(), project.ErrNotFound)
}

func testListProjects(t *testing.T, s Store) {
	ctx := t.Context()
	// Newest first; of two created at the same time, the one stored last first.
	for i, name := range []string{"a", "b", "c", "d"} {
		createProject(t, s, name, t0.Add(time.Duration(i)*time.Minute))
	}
	createProject(t, s, "c2", t0.Add(2*time.Minute))
	for _, tc := range []struct {
		offset, limit int
		want          []string
		more          bool
	}{
		{0, 10, []string{"d", "c2", "c", "b", "a"}, false},
		{0, 5, []string{"d", "c2", "c", "b", "a"}, false},
		{0, 2, []string{"d", "c2"}, true},
		{2, 2, []string{"c", "b"}, true},
		{4, 2, []string{"a"}, false},
		{5, 2, nil, false},
		{1, 1, []string{"c2"}, true},
	} {
		ps, more, err := s.ListProjects(ctx, tc.offset, tc.limit)
		if err != nil || diff(tc.want, projectNames(ps)) != "" || more != tc.more {
			t.Errorf("ListProjects(%d, %d) = %v, %v, %v; want %v, %v", tc.offset, tc.limit, projectNames(ps), more, err, tc.want, tc.more)
		}
	}
	ps, _, err := s.ListProjects(ctx, 0, 1)
	if err != nil || len(ps) != 1 || diff(newProject("d", t0.Add(3*time.Minute)), ps[0]) != "" {
		t.Errorf("ListProjects(0, 1) = %+v, %v; want project d with all its fields", ps, err)
	}
}

func testProjectQuota(t *testing.T, s Store) {
	ctx := t.Context()
	createProject(t, s, "a", t0)
	createProject(t, s, "b", t0)
	const max = 2
	wantErr(t, "CreateProject(c) at the quota", s.CreateProject(ctx, newProject("c", t0), max), project.ErrQuota)
	wantErr(t, "CreateProject(a) at the quota", s.CreateProject(ctx, newProject("a", t0), max), project.ErrExists)
	wantErr(t, "ReplaceProject(c) at the quota", s.ReplaceProject(ctx, newProject("c", t0), []byte(`{}`), max), project.ErrQuota)
	if _, err := s.GetProject(ctx, "c"); err == nil {
		t.Errorf("GetProject(c) = nil error after the quota refused it")
	}
	if err := s.ReplaceProject(ctx, newProject("a", t0), []byte(`{}`), max); err != nil {
		t.Errorf("ReplaceProject(a) of an existing project at the quota = %v, want nil", err)
	}
	if err := s.DeleteProject(ctx, "b"); err != nil {
		t.Fatalf("DeleteProject(b) = %v", err)
	}
	if err := s.CreateProject(ctx, newProject("c", t0), max); err != nil {
		t.Errorf("CreateProject(c) below the quota = %v", err)
	}
}

func testReplaceProject(t *testing.T, s Store) {
	ctx := t.Context()
	// A new project.
	p := newProject("p", t0)
	p.Description = "first"
	replaceProject(t, s, p, `{"intents":[1]}`)
	got, c1, err := s.ProjectContent(ctx, "p")
	if err != nil || diff(p, got) != "" || c1.Blob == "" || string(c1.Assets) != `{"intents":[1]}` {
		t.Fatalf("ProjectContent(p) = %+v, %+v, %v; want the project and its assets", got, c1, err)
	}
	if err := s.SaveModel(ctx, newModel("p", "m", t0.Add(time.Minute)), modelData("m"), 10); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveDeployment(ctx, newDeployment("p", "prod", "m", t0.Add(2*time.Minute)), []byte("e"), 10); err != nil {
		t.Fatal(err)
	}

	// A replacement keeps the creation time, and the training and deployment
	// times: an import replaces the assets, not the models.
	later := t0.Add(time.Hour)
	r := &project.Project{Name: "p", Kind: project.KindConversation, Language: "fr", Description: "second",
		Settings: &project.Settings{ConfidenceThreshold: 0.5}, Created: later, Modified: later}
	replaceProject(t, s, r, `{"intents":[2]}`)
	want := *r
	want.Created, want.LastTrained, want.LastDeployed = t0, t0.Add(time.Minute), t0.Add(2*time.Minute)
	got, c2, err := s.ProjectContent(ctx, "p")
	if err != nil || string(c2.Assets) != `{"intents":[2]}` {
		t.Fatalf("ProjectContent(p) after ReplaceProject = %+v, %v; want the new assets", c2, err)
	}
	if d := diff(&want, got); d != "" {
		t.Errorf("ProjectContent(p) after ReplaceProject (-want +got):\n%s", d)
	}
	if c2.Blob == c1.Blob || c2.Blob == "" {
		t.Errorf("ReplaceProject kept blob %q (was %q); want a new blob, as blobs are immutable", c2.Blob, c1.Blob)
	}
	if _, err := s.GetDeployment(ctx, "p", "prod"); err != nil {
		t.Errorf("GetDeployment(p, prod) after ReplaceProject = %v", err)
	}

	// No assets: the project has no content.
	replaceProject(t, s, r, "")
	if _, c, err := s.ProjectContent(ctx, "p"); err != nil || c.Blob != "" || len(c.Assets) != 0 {
		t.Errorf("ProjectContent(p) after ReplaceProject without assets = %+v, %v; want no content", c, err)
	}
}

func testDeleteProject(t *testing.T, s Store) {
	ctx := t.Context()
	replaceProject(t, s, newProject("p", t0), `{"a":1}`)
	replaceProject(t, s, newProject("other", t0), `{"b":2}`)
	for _, p := range []string{"p", "other"} {
		if err := s.SaveModel(ctx, newModel(p, "m", t0), modelData("m"), 10); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveDeployment(ctx, newDeployment(p, "d", "m", t0), []byte("engine"), 10); err != nil {
			t.Fatal(err)
		}
	}
	createJob(t, s, "j", t0)
	if err := s.DeleteProject(ctx, "p"); err != nil {
		t.Fatalf("DeleteProject(p) = %v", err)
	}
	wantErr(t, "DeleteProject(p) again", s.DeleteProject(ctx, "p"), project.ErrNotFound)

	// The name is free again, with nothing left of the old project.
	createProject(t, s, "p", t0.Add(time.Hour))
	if _, c, err := s.ProjectContent(ctx, "p"); err != nil || c.Blob != "" || len(c.Assets) != 0 {
		t.Errorf("ProjectContent(p) of a re-created project = %+v, %v; want no content", c, err)
	}
	if ms, err := s.ListModels(ctx, "p"); err != nil || len(ms) != 0 {
		t.Errorf("ListModels(p) of a re-created project = %v, %v; want none", ms, err)
	}
	if ds, err := s.ListDeployments(ctx, "p"); err != nil || len(ds) != 0 {
		t.Errorf("ListDeployments(p) of a re-created project = %v, %v; want none", ds, err)
	}
	wantErr(t, "DeploymentEngine(p, d)", func() error { _, _, err := s.DeploymentEngine(ctx, "p", "d"); return err }(), project.ErrDeploymentNotFound)
	// Jobs outlive their project: a deletion job reports on it.
	getJob(t, s, "j", t0)
	// The other project keeps everything.
	if _, c, err := s.ProjectContent(ctx, "other"); err != nil || string(c.Assets) != `{"b":2}` {
		t.Errorf("ProjectContent(other) = %+v, %v; want its assets", c, err)
	}
	if _, err := s.GetModel(ctx, "other", "m"); err != nil {
		t.Errorf("GetModel(other, m) = %v", err)
	}
	if _, err := s.GetDeployment(ctx, "other", "d"); err != nil {
		t.Errorf("GetDeployment(other, d) = %v", err)
	}
}

// testExportContent: an export pins the blob it read, so a later import and
// an expiry pass cannot take the assets from under its result.
func testExportContent(t *testing.T, s Store) {
	ctx := t.Context()
	p := newProject("p", t0)
	replaceProject(t, s, p, `{"v":1}`)
	createProject(t, s, "empty", t0)
	exp := createJob(t, s, "export", t0)
	claimID(t, s, "w", "export", t0)

	got, c, err := s.ExportContent(ctx, "p", "export")
	if err != nil || diff(p, got) != "" || c.Blob == "" || string(c.Assets) != `{"v":1}` {
		t.Fatalf("ExportContent(p) = %+v, %+v, %v; want the project and its assets", got, c, err)
	}
	if _, c, err := s.ExportContent(ctx, "empty", "export2"); err != nil || c.Blob != "" || len(c.Assets) != 0 {
		t.Errorf("ExportContent(empty) = %+v, %v; want no content", c, err)
	}

	// An import replaces the content while the export runs; the expiry
	// pass collects unreferenced blobs; then the export finishes.
	replaceProject(t, s, newProject("p", t0), `{"v":2}`)
	if _, err := s.DeleteExpiredJobs(ctx, t0.Add(time.Minute)); err != nil {
		t.Fatalf("DeleteExpiredJobs = %v", err)
	}
	finish(t, s, job.FinishParams{ID: "export", Owner: "w", Status: job.StatusSucceeded, Now: t0.Add(time.Minute),
		Result: []byte("head"), ResultBlob: c.Blob})
	replaceProject(t, s, newProject("p", t0), `{"v":3}`)
	if _, err := s.DeleteExpiredJobs(ctx, t0.Add(2*time.Minute)); err != nil {
		t.Fatalf("DeleteExpiredJobs = %v", err)
	}
	res, err := s.JobResult(ctx, "export", t0.Add(2*time.Minute))
	if err != nil || string(res.Data) != "head" || string(res.Blob) != `{"v":1}` {
		t.Errorf("JobResult(export) = %+v, %v; want head and the pinned assets {\"v\":1}", res, err)
	}
	if _, c, err := s.ProjectContent(ctx, "p"); err != nil || string(c.Assets) != `{"v":3}` {
		t.Errorf("ProjectContent(p) = %+v, %v; want the latest assets", c, err)
	}

	// Once the export expires its result is gone, and the project's
	// current content is still there.
	if n, err := s.DeleteExpiredJobs(ctx, exp.Expires); err != nil || n != 1 {
		t.Errorf("DeleteExpiredJobs(at expiry) = %d, %v; want 1", n, err)
	}
	wantErr(t, "JobResult(export) after expiry", func() error { _, err := s.JobResult(ctx, "export", t0); return err }(), job.ErrNotFound)
	if _, c, err := s.ProjectContent(ctx, "p"); err != nil || string(c.Assets) != `{"v":3}` {
		t.Errorf("ProjectContent(p) after the expiry pass = %+v, %v; want the latest assets", c, err)
	}

	// Without a pin the expiry pass collects a replaced blob: a result that
	// names it afterwards finds no data. (This is what the pin prevents.)
	_, old, err := s.ProjectContent(ctx, "p")
	if err != nil {
		t.Fatal(err)
	}
	late := exp.Expires.Add(time.Minute)
	createJob(t, s, "unpinned", late)
	claimID(t, s, "w", "unpinned", late)
	replaceProject(t, s, newProject("p", t0), `{"v":4}`)
	if _, err := s.DeleteExpiredJobs(ctx, late); err != nil {
		t.Fatalf("DeleteExpiredJobs = %v", err)
	}
	finish(t, s, job.FinishParams{ID: "unpinned", Owner: "w", Status: job.StatusSucceeded, Now: late,
		Result: []byte("head"), ResultBlob: old.Blob})
	if res, err := s.JobResult(ctx, "unpinned", late); err != nil || string(res.Data) != "head" || res.Blob != nil {
		t.Errorf("JobResult(unpinned) = %+v, %v; want head and no blob data, the blob was collected", res, err)
	}
}
