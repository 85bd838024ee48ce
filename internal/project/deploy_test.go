package project

import "testing"

func TestDeploymentExpiration(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"2022-10-28", "2023-10-28"},
		{"2024-02-29", "2025-03-01"},
		{"not a date", "not a date"},
	} {
		if got := deploymentExpiration(tc.in); got != tc.want {
			t.Errorf("deploymentExpiration(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
