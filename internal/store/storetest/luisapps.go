package storetest

import (
	"sync"
	"testing"

	"github.com/parley-dev/parley/internal/project"
)

// The LUIS app id cases (issue 12) join the suite here.
func init() {
	tests = append(tests,
		struct {
			name string
			fn   func(*testing.T, Store)
		}{"LUISAppIDs", testLUISAppIDs},
		struct {
			name string
			fn   func(*testing.T, Store)
		}{"LUISAppIDGoesWithProject", testLUISAppIDGoesWithProject},
		struct {
			name string
			fn   func(*testing.T, Store)
		}{"ConcurrentLUISAppIDs", testConcurrentLUISAppIDs},
		struct {
			name string
			fn   func(*testing.T, Store)
		}{"UnstorableLUISKeys", testUnstorableLUISKeys},
	)
}

const (
	appA = "86226c53-b7a6-416f-876b-226b2b5ab07b"
	appB = "0c4b7a43-1f0e-4d7b-9b3c-2a6f1e0d9c11"
)

func setAppID(t *testing.T, s Store, name, id string, replace bool) string {
	t.Helper()
	got, err := s.SetLUISAppID(t.Context(), name, id, replace)
	if err != nil {
		t.Fatalf("SetLUISAppID(%q, %q, %v) = %v", name, id, replace, err)
	}
	return got
}

func wantAppID(t *testing.T, s Store, name, want string) {
	t.Helper()
	if got, err := s.LUISAppID(t.Context(), name); err != nil || got != want {
		t.Errorf("LUISAppID(%q) = %q, %v; want %q", name, got, err, want)
	}
}

func wantAppOwner(t *testing.T, s Store, id, want string) {
	t.Helper()
	got, err := s.ProjectByLUISAppID(t.Context(), id)
	if want == "" {
		wantErr(t, "ProjectByLUISAppID("+id+")", err, project.ErrNotFound)
		return
	}
	if err != nil || got != want {
		t.Errorf("ProjectByLUISAppID(%q) = %q, %v; want %q", id, got, err, want)
	}
}

func testLUISAppIDs(t *testing.T, s Store) {
	ctx := t.Context()
	createProject(t, s, "p", t0)
	createProject(t, s, "q", t0)
	wantAppID(t, s, "p", "")
	wantAppID(t, s, "nope", "")
	wantAppOwner(t, s, appA, "")
	_, err := s.SetLUISAppID(ctx, "nope", appA, true)
	wantErr(t, "SetLUISAppID(nope)", err, project.ErrNotFound)

	if got := setAppID(t, s, "p", appA, false); got != appA {
		t.Errorf("SetLUISAppID(p, A, keep) of a project with none = %q, want %q", got, appA)
	}
	wantAppID(t, s, "p", appA)
	wantAppOwner(t, s, appA, "p")
	// Without replace the old id stays; with it the new one takes its place.
	if got := setAppID(t, s, "p", appB, false); got != appA {
		t.Errorf("SetLUISAppID(p, B, keep) = %q, want the old %q", got, appA)
	}
	if got := setAppID(t, s, "p", appB, true); got != appB {
		t.Errorf("SetLUISAppID(p, B, replace) = %q, want %q", got, appB)
	}
	wantAppOwner(t, s, appA, "")
	wantAppOwner(t, s, appB, "p")
	// Setting the id a project has already is no conflict.
	if got := setAppID(t, s, "p", appB, true); got != appB {
		t.Errorf("SetLUISAppID(p, B, replace) again = %q, want %q", got, appB)
	}
	// An id belongs to one project.
	_, err = s.SetLUISAppID(ctx, "q", appB, true)
	wantErr(t, "SetLUISAppID(q, B)", err, project.ErrLUISAppIDTaken)
	_, err = s.SetLUISAppID(ctx, "q", appB, false)
	wantErr(t, "SetLUISAppID(q, B, keep)", err, project.ErrLUISAppIDTaken)
	wantAppID(t, s, "q", "")
	setAppID(t, s, "q", appA, true)
	wantAppOwner(t, s, appA, "q")
	// Removing.
	if got := setAppID(t, s, "p", "", true); got != "" {
		t.Errorf("SetLUISAppID(p, \"\", replace) = %q, want \"\"", got)
	}
	wantAppID(t, s, "p", "")
	wantAppOwner(t, s, appB, "")
	setAppID(t, s, "p", "", true) // removing none is no error
	// The metadata round trip leaves the id alone, and does not carry it.
	p := getProject(t, s, "q")
	if p.LUISAppID != "" {
		t.Errorf("GetProject(q).LUISAppID = %q; stores leave it to the services", p.LUISAppID)
	}
	p.Description = "changed"
	if err := s.UpdateProject(ctx, p); err != nil {
		t.Fatal(err)
	}
	replaceProject(t, s, newProject("q", t0), `{"a":1}`)
	wantAppID(t, s, "q", appA)
}

func testLUISAppIDGoesWithProject(t *testing.T, s Store) {
	ctx := t.Context()
	createProject(t, s, "p", t0)
	setAppID(t, s, "p", appA, true)
	if err := s.DeleteProject(ctx, "p"); err != nil {
		t.Fatal(err)
	}
	wantAppOwner(t, s, appA, "")
	createProject(t, s, "p", t0)
	wantAppID(t, s, "p", "")
	createProject(t, s, "other", t0)
	setAppID(t, s, "other", appA, true) // the id is free again
	wantAppOwner(t, s, appA, "other")
}

// testConcurrentLUISAppIDs races projects for one id: exactly one gets it.
func testConcurrentLUISAppIDs(t *testing.T, s Store) {
	const n = 8
	names := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	for _, name := range names {
		createProject(t, s, name, t0)
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.SetLUISAppID(t.Context(), names[i], appA, true)
		}()
	}
	wg.Wait()
	won := 0
	for i, err := range errs {
		switch {
		case err == nil:
			won++
			wantAppOwner(t, s, appA, names[i])
		default:
			wantErr(t, "SetLUISAppID("+names[i]+")", err, project.ErrLUISAppIDTaken)
		}
	}
	if won != 1 {
		t.Errorf("%d projects got app id %s, want 1", won, appA)
	}
}

// testUnstorableLUISKeys: names and ids no store can hold (NUL, invalid
// UTF-8) match nothing, as for the other methods (testUnstorableKeys).
func testUnstorableLUISKeys(t *testing.T, s Store) {
	ctx := t.Context()
	createProject(t, s, "p", t0)
	setAppID(t, s, "p", appA, true)
	for _, bad := range []string{"p\x00", "\xff", "a\x00b"} {
		if id, err := s.LUISAppID(ctx, bad); err != nil || id != "" {
			t.Errorf("LUISAppID(%q) = %q, %v; want \"\", nil", bad, id, err)
		}
		_, err := s.ProjectByLUISAppID(ctx, bad)
		wantErr(t, "ProjectByLUISAppID(unstorable)", err, project.ErrNotFound)
		_, err = s.SetLUISAppID(ctx, bad, appB, true)
		wantErr(t, "SetLUISAppID(unstorable project)", err, project.ErrNotFound)
	}
	wantAppOwner(t, s, appA, "p")
}
