package project

import (
	"strings"
	"testing"
	"time"

	"github.com/parley-dev/parley/internal/job"
)

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

func TestJobModelID(t *testing.T) {
	created := time.Date(2022, 4, 18, 15, 47, 49, 0, time.UTC)
	a := &job.Job{ID: "a_1", Created: created}
	b := &job.Job{ID: "b_1", Created: created}
	id := jobModelID("model1", a)
	if !strings.HasPrefix(id, "model1-20220418T034749-") || len(id) != len("model1-20220418T034749-")+32 {
		t.Errorf("jobModelID = %q, want model1-20220418T034749- and 32 hex digits", id)
	}
	if jobModelID("model1", a) != id || jobModelID("model1", b) == id {
		t.Errorf("jobModelID must be the same for a job's re-runs and differ between jobs")
	}
}
