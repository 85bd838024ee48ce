package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/parley-dev/parley/internal/project"
)

func newModel(proj, label string, trained time.Time) *project.Model {
	return &project.Model{Project: proj, Label: label, ID: label + "-" + trained.Format("20060102T150405.000"),
		Trained: trained, Duration: 90 * time.Second, ConfigVersion: "2022-05-01", ExpirationDate: "2027-05-06"}
}

func modelData(tag string) *project.ModelData {
	return &project.ModelData{Snapshot: []byte("snapshot " + tag), Engine: []byte("engine " + tag),
		Evaluation: []byte(`{"tag":"` + tag + `"}`)}
}

func newDeployment(proj, name, label string, deployed time.Time) *project.Deployment {
	return &project.Deployment{Project: proj, Name: name, ModelLabel: label, ModelID: label + "-id",
		Trained: deployed.Add(-time.Hour), Deployed: deployed, ConfigVersion: "2022-05-01",
		ExpirationDate: "2027-05-06", Threshold: 0.35, Language: "en-us"}
}

func saveModel(t *testing.T, s Store, m *project.Model, d *project.ModelData) {
	t.Helper()
	if err := s.SaveModel(t.Context(), m, d, 10); err != nil {
		t.Fatalf("SaveModel(%q, %q) = %v", m.Project, m.Label, err)
	}
}

func saveDeployment(t *testing.T, s Store, d *project.Deployment, engine string) {
	t.Helper()
	if err := s.SaveDeployment(t.Context(), d, []byte(engine), 10); err != nil {
		t.Fatalf("SaveDeployment(%q, %q) = %v", d.Project, d.Name, err)
	}
}

func labels(ms []*project.Model) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Label
	}
	return out
}

func deploymentNames(ds []*project.Deployment) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.Name
	}
	return out
}

func testModels(t *testing.T, s Store) {
	ctx := t.Context()
	createProject(t, s, "p", t0)
	createProject(t, s, "q", t0)
	b := newModel("p", "b", t0)
	a := newModel("p", "a", t0.Add(time.Minute))
	saveModel(t, s, b, modelData("b"))
	saveModel(t, s, a, modelData("a"))
	saveModel(t, s, newModel("q", "a", t0), modelData("qa"))

	got, err := s.GetModel(ctx, "p", "a")
	if err != nil {
		t.Fatalf("GetModel(p, a) = %v", err)
	}
	if d := diff(a, got); d != "" {
		t.Errorf("GetModel(p, a) (-want +got):\n%s", d)
	}
	for _, tc := range []struct {
		part project.ModelPart
		want string
	}{
		{project.PartSnapshot, "snapshot a"},
		{project.PartEngine, "engine a"},
		{project.PartEvaluation, `{"tag":"a"}`},
	} {
		if b, err := s.GetModelData(ctx, "p", "a", tc.part); err != nil || string(b) != tc.want {
			t.Errorf("GetModelData(p, a, %s) = %q, %v; want %q", tc.part, b, err, tc.want)
		}
	}
	if _, err := s.GetModelData(ctx, "p", "a", "bogus"); err == nil {
		t.Errorf("GetModelData(p, a, bogus) = nil error, want an error")
	}

	// Ordered by label, per project.
	ms, err := s.ListModels(ctx, "p")
	if err != nil || diff([]string{"a", "b"}, labels(ms)) != "" {
		t.Fatalf("ListModels(p) = %v, %v; want [a b]", labels(ms), err)
	}
	if d := diff([]*project.Model{a, b}, ms); d != "" {
		t.Errorf("ListModels(p) (-want +got):\n%s", d)
	}
	if ms, err := s.ListModels(ctx, "nope"); err != nil || len(ms) != 0 {
		t.Errorf("ListModels(nope) = %v, %v; want none", labels(ms), err)
	}

	// Training under a label again replaces the model and all its parts.
	a2 := newModel("p", "a", t0.Add(time.Hour))
	a2.Duration, a2.ConfigVersion = 3*time.Second, "2022-09-01"
	saveModel(t, s, a2, &project.ModelData{Snapshot: []byte("s2"), Engine: []byte("e2"), Evaluation: []byte("{}")})
	if got, err := s.GetModel(ctx, "p", "a"); err != nil || diff(a2, got) != "" {
		t.Errorf("GetModel(p, a) after retraining = %+v, %v; want %+v", got, err, a2)
	}
	if b, err := s.GetModelData(ctx, "p", "a", project.PartEngine); err != nil || string(b) != "e2" {
		t.Errorf("GetModelData(p, a, engine) after retraining = %q, %v; want e2", b, err)
	}
	if ms, _ := s.ListModels(ctx, "p"); len(ms) != 2 {
		t.Errorf("ListModels(p) after retraining = %v, want two models", labels(ms))
	}

	if err := s.DeleteModel(ctx, "p", "a"); err != nil {
		t.Fatalf("DeleteModel(p, a) = %v", err)
	}
	wantErr(t, "DeleteModel(p, a) again", s.DeleteModel(ctx, "p", "a"), project.ErrModelNotFound)
	_, err = s.GetModel(ctx, "p", "a")
	wantErr(t, "GetModel(p, a) after DeleteModel", err, project.ErrModelNotFound)
	_, err = s.GetModelData(ctx, "p", "a", project.PartSnapshot)
	wantErr(t, "GetModelData(p, a) after DeleteModel", err, project.ErrModelNotFound)
	if ms, err := s.ListModels(ctx, "p"); err != nil || diff([]string{"b"}, labels(ms)) != "" {
		t.Errorf("ListModels(p) after DeleteModel = %v, %v; want [b]", labels(ms), err)
	}
	// The other project's model of the same label is another model.
	if b, err := s.GetModelData(ctx, "q", "a", project.PartEngine); err != nil || string(b) != "engine qa" {
		t.Errorf("GetModelData(q, a, engine) = %q, %v; want engine qa", b, err)
	}
}

func testModelQuota(t *testing.T, s Store) {
	ctx := t.Context()
	createProject(t, s, "p", t0)
	createProject(t, s, "q", t0)
	const max = 2
	for _, label := range []string{"a", "b"} {
		if err := s.SaveModel(ctx, newModel("p", label, t0), modelData(label), max); err != nil {
			t.Fatalf("SaveModel(p, %s) = %v", label, err)
		}
	}
	wantErr(t, "SaveModel(p, c) at the quota", s.SaveModel(ctx, newModel("p", "c", t0), modelData("c"), max), project.ErrQuota)
	if err := s.SaveModel(ctx, newModel("p", "a", t0.Add(time.Hour)), modelData("a2"), max); err != nil {
		t.Errorf("SaveModel(p, a) replacing at the quota = %v", err)
	}
	if err := s.SaveModel(ctx, newModel("q", "c", t0), modelData("c"), max); err != nil {
		t.Errorf("SaveModel(q, c): the quota is per project; got %v", err)
	}
	if ms, _ := s.ListModels(ctx, "p"); diff([]string{"a", "b"}, labels(ms)) != "" {
		t.Errorf("ListModels(p) = %v, want [a b]", labels(ms))
	}
}

func testDeployments(t *testing.T, s Store) {
	ctx := t.Context()
	createProject(t, s, "p", t0)
	prod := newDeployment("p", "prod", "m1", t0.Add(time.Minute))
	prod.Threshold, prod.Language = 0.125, "de"
	staging := newDeployment("p", "Staging", "m2", t0.Add(2*time.Minute))
	saveDeployment(t, s, prod, "engine 1")
	if got := getProject(t, s, "p"); !got.LastDeployed.Equal(prod.Deployed) {
		t.Errorf("GetProject(p).LastDeployed = %v, want %v", got.LastDeployed, prod.Deployed)
	}
	saveDeployment(t, s, staging, "engine 2")
	if got := getProject(t, s, "p"); !got.LastDeployed.Equal(staging.Deployed) || !got.Modified.Equal(t0) {
		t.Errorf("GetProject(p) = deployed %v, modified %v; want %v, %v", got.LastDeployed, got.Modified, staging.Deployed, t0)
	}

	got, err := s.GetDeployment(ctx, "p", "prod")
	if err != nil || diff(prod, got) != "" {
		t.Errorf("GetDeployment(p, prod) = %+v, %v; want %+v", got, err, prod)
	}
	if id, engine, err := s.DeploymentEngine(ctx, "p", "prod"); err != nil || id != "m1-id" || string(engine) != "engine 1" {
		t.Errorf("DeploymentEngine(p, prod) = %q, %q, %v; want m1-id, engine 1", id, engine, err)
	}
	ds, err := s.ListDeployments(ctx, "p")
	if err != nil || diff([]*project.Deployment{staging, prod}, ds) != "" { // byte order: "S" < "p"
		t.Errorf("ListDeployments(p) = %v, %v; want [Staging prod]", deploymentNames(ds), err)
	}
	if ds, err := s.ListDeployments(ctx, "nope"); err != nil || len(ds) != 0 {
		t.Errorf("ListDeployments(nope) = %v, %v; want none", deploymentNames(ds), err)
	}

	// Deploying under a name again replaces the deployment.
	prod2 := newDeployment("p", "prod", "m3", t0.Add(time.Hour))
	saveDeployment(t, s, prod2, "engine 3")
	if got, err := s.GetDeployment(ctx, "p", "prod"); err != nil || diff(prod2, got) != "" {
		t.Errorf("GetDeployment(p, prod) after redeploying = %+v, %v; want %+v", got, err, prod2)
	}
	if id, engine, err := s.DeploymentEngine(ctx, "p", "prod"); err != nil || id != "m3-id" || string(engine) != "engine 3" {
		t.Errorf("DeploymentEngine(p, prod) after redeploying = %q, %q, %v; want m3-id, engine 3", id, engine, err)
	}
	// Deleting the model a deployment came from leaves the deployment.
	saveModel(t, s, newModel("p", "m3", t0), modelData("m3"))
	if err := s.DeleteModel(ctx, "p", "m3"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.DeploymentEngine(ctx, "p", "prod"); err != nil {
		t.Errorf("DeploymentEngine(p, prod) after DeleteModel = %v", err)
	}

	if err := s.DeleteDeployment(ctx, "p", "prod"); err != nil {
		t.Fatalf("DeleteDeployment(p, prod) = %v", err)
	}
	wantErr(t, "DeleteDeployment(p, prod) again", s.DeleteDeployment(ctx, "p", "prod"), project.ErrDeploymentNotFound)
	_, err = s.GetDeployment(ctx, "p", "prod")
	wantErr(t, "GetDeployment(p, prod) after DeleteDeployment", err, project.ErrDeploymentNotFound)
	if ds, err := s.ListDeployments(ctx, "p"); err != nil || diff([]string{"Staging"}, deploymentNames(ds)) != "" {
		t.Errorf("ListDeployments(p) after DeleteDeployment = %v, %v; want [Staging]", deploymentNames(ds), err)
	}
}

func testDeploymentQuota(t *testing.T, s Store) {
	ctx := t.Context()
	createProject(t, s, "p", t0)
	createProject(t, s, "q", t0)
	const max = 2
	for _, name := range []string{"a", "b"} {
		if err := s.SaveDeployment(ctx, newDeployment("p", name, "m", t0), []byte("e"), max); err != nil {
			t.Fatalf("SaveDeployment(p, %s) = %v", name, err)
		}
	}
	late := t0.Add(time.Hour)
	wantErr(t, "SaveDeployment(p, c) at the quota", s.SaveDeployment(ctx, newDeployment("p", "c", "m", late), []byte("e"), max), project.ErrQuota)
	if got := getProject(t, s, "p"); !got.LastDeployed.Equal(t0) {
		t.Errorf("GetProject(p).LastDeployed after a refused deployment = %v, want %v", got.LastDeployed, t0)
	}
	if err := s.SaveDeployment(ctx, newDeployment("p", "a", "m2", late), []byte("e2"), max); err != nil {
		t.Errorf("SaveDeployment(p, a) replacing at the quota = %v", err)
	}
	if err := s.SaveDeployment(ctx, newDeployment("q", "c", "m", t0), []byte("e"), max); err != nil {
		t.Errorf("SaveDeployment(q, c): the quota is per project; got %v", err)
	}
}

func testSwapDeployments(t *testing.T, s Store) {
	ctx := t.Context()
	createProject(t, s, "p", t0)
	createProject(t, s, "q", t0)
	one := newDeployment("p", "one", "m1", t0)
	two := newDeployment("p", "two", "m2", t0.Add(time.Minute))
	two.Threshold, two.Language, two.ExpirationDate = 0.9, "fr", "2028-01-01"
	saveDeployment(t, s, one, "engine 1")
	saveDeployment(t, s, two, "engine 2")
	saveDeployment(t, s, newDeployment("q", "three", "m3", t0), "engine 3")

	check := func(when string, wantOne, wantTwo *project.Deployment, engineOne, engineTwo string) {
		t.Helper()
		ds, err := s.ListDeployments(ctx, "p")
		if err != nil || diff([]*project.Deployment{wantOne, wantTwo}, ds) != "" {
			t.Errorf("ListDeployments(p) %s (-want +got):\n%s", when, diff([]*project.Deployment{wantOne, wantTwo}, ds))
		}
		for name, want := range map[string]string{"one": engineOne, "two": engineTwo} {
			if _, e, err := s.DeploymentEngine(ctx, "p", name); err != nil || string(e) != want {
				t.Errorf("DeploymentEngine(p, %s) %s = %q, %v; want %q", name, when, e, err, want)
			}
		}
	}

	// Each name now serves the other's model, with all that came with it.
	if err := s.SwapDeployments(ctx, "p", "one", "two"); err != nil {
		t.Fatalf("SwapDeployments(p, one, two) = %v", err)
	}
	swappedOne, swappedTwo := *two, *one
	swappedOne.Name, swappedTwo.Name = "one", "two"
	check("after a swap", &swappedOne, &swappedTwo, "engine 2", "engine 1")

	// A swap with a missing deployment changes nothing.
	for _, tc := range []struct{ proj, first, second string }{
		{"p", "one", "nope"},
		{"p", "nope", "two"},
		{"p", "one", "three"}, // another project's
		{"nope", "one", "two"},
	} {
		err := s.SwapDeployments(ctx, tc.proj, tc.first, tc.second)
		wantErr(t, "SwapDeployments("+tc.proj+", "+tc.first+", "+tc.second+")", err, project.ErrDeploymentNotFound)
	}
	check("after failed swaps", &swappedOne, &swappedTwo, "engine 2", "engine 1")

	// Swapping back restores both.
	if err := s.SwapDeployments(ctx, "p", "two", "one"); err != nil {
		t.Fatalf("SwapDeployments(p, two, one) = %v", err)
	}
	check("after swapping back", one, two, "engine 1", "engine 2")
	if _, e, err := s.DeploymentEngine(ctx, "q", "three"); err != nil || string(e) != "engine 3" {
		t.Errorf("DeploymentEngine(q, three) = %q, %v; want engine 3", e, err)
	}
}

// testSetModelEvaluation: :evaluate replaces a model's evaluation, and only
// that of the model it evaluated.
func testSetModelEvaluation(t *testing.T, s Store) {
	ctx := t.Context()
	createProject(t, s, "p", t0)
	m := newModel("p", "a", t0)
	saveModel(t, s, m, modelData("1"))
	if err := s.SetModelEvaluation(ctx, "p", "a", m.ID, []byte(`{"tag":"2"}`)); err != nil {
		t.Fatalf("SetModelEvaluation = %v", err)
	}
	for part, want := range map[project.ModelPart]string{project.PartEvaluation: `{"tag":"2"}`, project.PartEngine: "engine 1", project.PartSnapshot: "snapshot 1"} {
		if b, err := s.GetModelData(ctx, "p", "a", part); err != nil || string(b) != want {
			t.Errorf("GetModelData(%s) = %q, %v; want %q", part, b, err, want)
		}
	}
	for _, tc := range []struct{ label, id string }{{"a", "another-id"}, {"nope", m.ID}} {
		if err := s.SetModelEvaluation(ctx, "p", tc.label, tc.id, []byte(`{}`)); !errors.Is(err, project.ErrModelNotFound) {
			t.Errorf("SetModelEvaluation(%q, %q) = %v, want ErrModelNotFound", tc.label, tc.id, err)
		}
	}
	if b, _ := s.GetModelData(ctx, "p", "a", project.PartEvaluation); string(b) != `{"tag":"2"}` {
		t.Errorf("evaluation after refused updates = %q", b)
	}
}

// testDeploymentsVersion: the version moves with every change of a
// deployment, by any path, and with nothing else.
func testDeploymentsVersion(t *testing.T, s Store) {
	ctx := t.Context()
	version := func() int64 {
		t.Helper()
		v, err := s.DeploymentsVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	last := version()
	moved := func(what string, want bool) {
		t.Helper()
		v := version()
		if (v != last) != want {
			t.Errorf("DeploymentsVersion after %s: %d, then %d; want moved %v", what, last, v, want)
		}
		last = v
	}
	createProject(t, s, "p", t0)
	createProject(t, s, "q", t0)
	moved("creating projects", false)
	saveDeployment(t, s, newDeployment("p", "one", "m1", t0), "engine 1")
	moved("a deploy", true)
	saveDeployment(t, s, newDeployment("p", "two", "m2", t0), "engine 2")
	saveDeployment(t, s, newDeployment("q", "three", "m3", t0), "engine 3")
	moved("more deploys", true)
	saveDeployment(t, s, newDeployment("p", "one", "m2", t0.Add(time.Minute)), "engine 2")
	moved("a redeploy", true)
	if err := s.SwapDeployments(ctx, "p", "one", "two"); err != nil {
		t.Fatal(err)
	}
	moved("a swap", true)
	createJob(t, s, "j1", t0)
	moved("a job", false)
	if err := s.DeleteDeployment(ctx, "p", "two"); err != nil {
		t.Fatal(err)
	}
	moved("a deletion", true)
	if err := s.DeleteProject(ctx, "q"); err != nil {
		t.Fatal(err)
	}
	moved("deleting a project with a deployment", true)
}
