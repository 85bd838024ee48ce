package api

import (
	"encoding/json"
	"testing"

	"github.com/parley-dev/parley/internal/project"
)

// TestToAssignedResources checks the assignedResources of a deployment in
// each version's spelling (VERSIONS.md §3.2), and [] for none.
func TestToAssignedResources(t *testing.T) {
	rs := []project.Resource{{AzureResourceID: "/subscriptions/s/a", CustomDomain: "a.example", Region: "eastus"}}
	for _, tc := range []struct {
		v    project.APIVersion
		want string
	}{
		{project.V20221001Preview, `[{"resourceId":"/subscriptions/s/a","region":"eastus"}]`},
		{project.V20250515Preview, `[{"resourceId":"/subscriptions/s/a","region":"eastus"}]`},
		{"2025-11-01", `[{"resourceId":"/subscriptions/s/a","region":"eastus"}]`},
		{"2025-11-15-preview", `[{"azureResourceId":"/subscriptions/s/a","region":"eastus"}]`},
	} {
		b, _ := json.Marshal(toAssignedResources(rs, tc.v))
		if string(b) != tc.want {
			t.Errorf("toAssignedResources(%s) = %s, want %s", tc.v, b, tc.want)
		}
	}
	if b, _ := json.Marshal(toAssignedResources(nil, project.V20250515Preview)); string(b) != "[]" {
		t.Errorf("toAssignedResources(none) = %s, want []", b)
	}
}
