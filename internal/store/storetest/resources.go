package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/parley-dev/parley/internal/project"
)

// The resource-assignment cases join the suite here, so that they stay in
// one block of their own.
func init() {
	tests = append(tests,
		struct {
			name string
			fn   func(*testing.T, Store)
		}{"Resources", testResources},
		struct {
			name string
			fn   func(*testing.T, Store)
		}{"ResourceQuota", testResourceQuota},
		struct {
			name string
			fn   func(*testing.T, Store)
		}{"DeploymentResources", testDeploymentResources},
	)
}

func res(id, region string) project.Resource {
	return project.Resource{AzureResourceID: id, CustomDomain: id + ".example", Region: region}
}

func listResources(t *testing.T, s Store, proj string) []project.Resource {
	t.Helper()
	rs, err := s.ListResources(t.Context(), proj)
	if err != nil {
		t.Fatalf("ListResources(%s): %v", proj, err)
	}
	return rs
}

func deploymentResources(t *testing.T, s Store, proj, d string) []project.Resource {
	t.Helper()
	rs, err := s.DeploymentResources(t.Context(), proj, d)
	if err != nil {
		t.Fatalf("DeploymentResources(%s, %s): %v", proj, d, err)
	}
	return rs
}

func testResources(t *testing.T, s Store) {
	ctx := t.Context()
	if err := s.AssignResources(ctx, "nope", []project.Resource{res("a", "eastus")}, 10); !errors.Is(err, project.ErrNotFound) {
		t.Errorf("AssignResources(nope) = %v, want ErrNotFound", err)
	}
	createProject(t, s, "p", t0)
	createProject(t, s, "q", t0)
	if got := listResources(t, s, "p"); got == nil || len(got) != 0 {
		t.Errorf("ListResources(p) = %#v, want an empty list", got)
	}
	if err := s.AssignResources(ctx, "p", []project.Resource{res("b", "westeurope"), res("a", "eastus")}, 10); err != nil {
		t.Fatal(err)
	}
	if err := s.AssignResources(ctx, "q", []project.Resource{res("a", "eastus")}, 10); err != nil {
		t.Fatal(err)
	}
	// A known id gets its new domain and region and keeps its place; ids
	// are listed in the order they were first assigned.
	moved := project.Resource{AzureResourceID: "a", CustomDomain: "new.example", Region: "westus"}
	if err := s.AssignResources(ctx, "p", []project.Resource{moved, res("B", "eastus")}, 10); err != nil {
		t.Fatal(err)
	}
	want := []project.Resource{res("b", "westeurope"), moved, res("B", "eastus")}
	if got := listResources(t, s, "p"); diff(want, got) != "" {
		t.Errorf("ListResources(p) = %+v, want %+v", got, want)
	}
	if err := s.UnassignResources(ctx, "p", []string{"a", "missing"}); err != nil {
		t.Fatal(err)
	}
	want = []project.Resource{res("b", "westeurope"), res("B", "eastus")}
	if got := listResources(t, s, "p"); diff(want, got) != "" {
		t.Errorf("ListResources(p) after unassigning a = %+v, want %+v", got, want)
	}
	if got := listResources(t, s, "q"); diff([]project.Resource{res("a", "eastus")}, got) != "" {
		t.Errorf("ListResources(q) = %+v; unassigning from p changed it", got)
	}
	for _, name := range []string{"nope", "bad\x00name", "\xff"} {
		if got := listResources(t, s, name); len(got) != 0 {
			t.Errorf("ListResources(%q) = %+v, want none", name, got)
		}
	}
	// Deleting the project deletes its resources: a new one of the same name has none.
	if err := s.DeleteProject(ctx, "p"); err != nil {
		t.Fatal(err)
	}
	createProject(t, s, "p", t0)
	if got := listResources(t, s, "p"); len(got) != 0 {
		t.Errorf("ListResources(p) after deleting and creating p = %+v, want none", got)
	}
}

func testResourceQuota(t *testing.T, s Store) {
	ctx := t.Context()
	createProject(t, s, "p", t0)
	if err := s.AssignResources(ctx, "p", []project.Resource{res("a", "x"), res("b", "x")}, 2); err != nil {
		t.Fatal(err)
	}
	// Known ids do not count twice.
	if err := s.AssignResources(ctx, "p", []project.Resource{res("a", "y"), res("b", "y")}, 2); err != nil {
		t.Errorf("AssignResources(known ids) = %v, want nil", err)
	}
	if err := s.AssignResources(ctx, "p", []project.Resource{res("a", "z"), res("c", "z")}, 2); !errors.Is(err, project.ErrQuota) {
		t.Errorf("AssignResources(third id) = %v, want ErrQuota", err)
	}
	// The refused assignment changed nothing.
	if got := listResources(t, s, "p"); diff([]project.Resource{res("a", "y"), res("b", "y")}, got) != "" {
		t.Errorf("ListResources(p) after a refused assignment = %+v", got)
	}
}

func testDeploymentResources(t *testing.T, s Store) {
	ctx := t.Context()
	createProject(t, s, "p", t0)
	createProject(t, s, "q", t0)
	if err := s.AssignResources(ctx, "p", []project.Resource{res("a", "x"), res("b", "y"), res("c", "z")}, 10); err != nil {
		t.Fatal(err)
	}
	if err := s.SetDeploymentResources(ctx, "p", "prod", []string{"a"}); !errors.Is(err, project.ErrDeploymentNotFound) {
		t.Errorf("SetDeploymentResources(no deployment) = %v, want ErrDeploymentNotFound", err)
	}
	prod := newDeployment("p", "prod", "m1", t0.Add(time.Minute))
	staging := newDeployment("p", "staging", "m2", t0.Add(2*time.Minute))
	saveDeployment(t, s, prod, "engine 1")
	saveDeployment(t, s, staging, "engine 2")
	saveDeployment(t, s, newDeployment("q", "prod", "m1", t0), "engine q")
	if got := deploymentResources(t, s, "p", "prod"); got == nil || len(got) != 0 {
		t.Errorf("DeploymentResources(p, prod) = %#v, want an empty list", got)
	}
	if err := s.SetDeploymentResources(ctx, "p", "prod", []string{"a", "zz"}); !errors.Is(err, project.ErrResourceNotAssigned) {
		t.Errorf("SetDeploymentResources(unassigned id) = %v, want ErrResourceNotAssigned", err)
	}
	if got := deploymentResources(t, s, "p", "prod"); len(got) != 0 {
		t.Errorf("DeploymentResources(p, prod) after a refused set = %+v, want none", got)
	}
	if err := s.SetDeploymentResources(ctx, "p", "prod", []string{"c", "a", "b"}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetDeploymentResources(ctx, "p", "staging", []string{"a"}); err != nil {
		t.Fatal(err)
	}
	want := []project.Resource{res("a", "x"), res("b", "y"), res("c", "z")}
	if got := deploymentResources(t, s, "p", "prod"); diff(want, got) != "" {
		t.Errorf("DeploymentResources(p, prod) = %+v, want %+v", got, want)
	}
	// A redeploy keeps the record; a set replaces it.
	saveDeployment(t, s, newDeployment("p", "prod", "m3", t0.Add(time.Hour)), "engine 3")
	if got := deploymentResources(t, s, "p", "prod"); len(got) != 3 {
		t.Errorf("DeploymentResources(p, prod) after redeploying = %+v, want 3", got)
	}
	rds, err := s.ListResourceDeployments(ctx)
	if err != nil || len(rds) != 2 || rds[0].Deployment != "prod" || rds[1].Deployment != "staging" ||
		rds[0].Project != "p" || !rds[0].Deployed.Equal(t0.Add(time.Hour)) || rds[0].ExpirationDate != prod.ExpirationDate {
		t.Errorf("ListResourceDeployments() = %+v, %v; want p/prod, p/staging", rds, err)
	}
	// Unassigning from the project removes the resource from every record.
	if err := s.UnassignResources(ctx, "p", []string{"a"}); err != nil {
		t.Fatal(err)
	}
	want = []project.Resource{res("b", "y"), res("c", "z")}
	if got := deploymentResources(t, s, "p", "prod"); diff(want, got) != "" {
		t.Errorf("DeploymentResources(p, prod) after unassigning a = %+v, want %+v", got, want)
	}
	if got := deploymentResources(t, s, "p", "staging"); len(got) != 0 {
		t.Errorf("DeploymentResources(p, staging) after unassigning a = %+v, want none", got)
	}
	if rds, err := s.ListResourceDeployments(ctx); err != nil || len(rds) != 1 || rds[0].Deployment != "prod" {
		t.Errorf("ListResourceDeployments() = %+v, %v; want p/prod", rds, err)
	}
	// A swap exchanges models; each name keeps its record.
	if err := s.SetDeploymentResources(ctx, "p", "staging", []string{"c"}); err != nil {
		t.Fatal(err)
	}
	if err := s.SwapDeployments(ctx, "p", "prod", "staging"); err != nil {
		t.Fatal(err)
	}
	if got := deploymentResources(t, s, "p", "prod"); diff(want, got) != "" {
		t.Errorf("DeploymentResources(p, prod) after a swap = %+v, want %+v", got, want)
	}
	if got := deploymentResources(t, s, "p", "staging"); diff([]project.Resource{res("c", "z")}, got) != "" {
		t.Errorf("DeploymentResources(p, staging) after a swap = %+v, want [c]", got)
	}
	// Removing named ids, then all.
	if err := s.RemoveDeploymentResources(ctx, "p", "prod", []string{"c", "missing"}); err != nil {
		t.Fatal(err)
	}
	if got := deploymentResources(t, s, "p", "prod"); diff([]project.Resource{res("b", "y")}, got) != "" {
		t.Errorf("DeploymentResources(p, prod) after removing c = %+v, want [b]", got)
	}
	if got := listResources(t, s, "p"); len(got) != 2 {
		t.Errorf("ListResources(p) after removing from a deployment = %+v; want b and c still assigned", got)
	}
	if err := s.RemoveDeploymentResources(ctx, "p", "prod", nil); err != nil {
		t.Fatal(err)
	}
	if got := deploymentResources(t, s, "p", "prod"); len(got) != 0 {
		t.Errorf("DeploymentResources(p, prod) after removing all = %+v, want none", got)
	}
	// Deleting a deployment deletes its record: a new one of that name has none.
	if err := s.DeleteDeployment(ctx, "p", "staging"); err != nil {
		t.Fatal(err)
	}
	saveDeployment(t, s, newDeployment("p", "staging", "m2", t0), "engine 2")
	if got := deploymentResources(t, s, "p", "staging"); len(got) != 0 {
		t.Errorf("DeploymentResources(p, staging) after delete and redeploy = %+v, want none", got)
	}
	for _, k := range [][2]string{{"nope", "prod"}, {"p", "nope"}, {"p\x00", "prod"}, {"p", "\xff"}} {
		if got := deploymentResources(t, s, k[0], k[1]); len(got) != 0 {
			t.Errorf("DeploymentResources(%q, %q) = %+v, want none", k[0], k[1], got)
		}
	}
	// Deleting the project deletes everything.
	if err := s.SetDeploymentResources(ctx, "p", "prod", []string{"b"}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteProject(ctx, "p"); err != nil {
		t.Fatal(err)
	}
	if rds, err := s.ListResourceDeployments(ctx); err != nil || len(rds) != 0 {
		t.Errorf("ListResourceDeployments() after deleting p = %+v, %v; want none", rds, err)
	}
}
