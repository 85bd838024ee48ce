package sqlite

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/parley-dev/parley/internal/azerr"
	"github.com/parley-dev/parley/internal/project"
)

// TestFullMode injects SQLITE_FULL (a page limit on the write connection)
// where TestDiskFull in cmd/parley fills a real disk, which needs root:
// a write that adds data is a 503 that says the disk is full, the reserve
// is released, readiness fails, and deleting still works.
func TestFullMode(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p := &project.Project{Name: "p", Kind: project.KindConversation, Language: "en-us"}
	if err := s.ReplaceProject(t.Context(), p, []byte(`{"intents":[]}`), 10); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, reserveName)); err != nil {
		t.Fatalf("no reserve after Open: %v", err)
	}
	var pages int
	if err := s.w.QueryRowContext(t.Context(), `PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.ExecContext(t.Context(), `PRAGMA max_page_count = `+strconv.Itoa(pages)); err != nil {
		t.Fatal(err)
	}
	big := []byte(`{"intents":[{"category":"` + strings.Repeat("x", 1<<20) + `"}]}`)
	for i := range 2 {
		err := s.ReplaceProject(t.Context(), &project.Project{Name: "q", Kind: project.KindConversation, Language: "en-us"}, big, 10)
		var ae *azerr.Error
		if !errors.As(err, &ae) || ae.Code != azerr.ServiceUnavailable || !strings.Contains(ae.Message, "disk is full") {
			t.Fatalf("write %d on a full store = %v, want ServiceUnavailable saying the disk is full", i, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, reserveName)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("reserve after the disk filled: %v, want it released", err)
	}
	if err := s.Ping(t.Context()); err == nil {
		t.Error("Ping on a full store = nil, want an error (readiness)")
	}
	if err := s.DeleteProject(t.Context(), "p"); err != nil {
		t.Errorf("DeleteProject on a full store = %v", err)
	}
}
