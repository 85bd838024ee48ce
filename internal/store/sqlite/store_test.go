package sqlite_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parley-dev/parley/internal/store/sqlite"
	"github.com/parley-dev/parley/internal/store/storetest"
)

// TestStore runs the stores' conformance suite on SQLite.
func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Store {
		t.Helper()
		s, err := sqlite.Open(t.Context(), t.TempDir())
		if err != nil {
			t.Fatalf("Open = %v", err)
		}
		t.Cleanup(func() {
			if err := s.Close(); err != nil {
				t.Errorf("Close = %v", err)
			}
		})
		return s
	})
}

// TestDataDirectoryLock: the lock is the directory's own, so deleting a
// file in it does not let a second store in (issue 9: deleting parley.lock
// let a second server take over).
func TestDataDirectoryLock(t *testing.T) {
	dir := t.TempDir()
	s, err := sqlite.Open(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	os.Remove(filepath.Join(dir, "parley.lock"))
	if s2, err := sqlite.Open(t.Context(), dir); err == nil {
		s2.Close()
		t.Fatal("a second Open of a locked data directory succeeded")
	}
}

// TestEmptyDatabaseFile: a zero-length parley.db is refused with a word,
// not opened as a new empty store; a new directory still starts empty, and
// the database is its owner's only.
func TestEmptyDatabaseFile(t *testing.T) {
	dir := t.TempDir()
	s, err := sqlite.Open(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, "parley.db"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("parley.db mode = %v (%v), want 0600", fi.Mode().Perm(), err)
	}
	s.Close()
	if err := os.Truncate(filepath.Join(dir, "parley.db"), 0); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(dir, "parley.db-wal"))
	os.Remove(filepath.Join(dir, "parley.db-shm"))
	s, err = sqlite.Open(t.Context(), dir)
	if err == nil {
		s.Close()
		t.Fatal("Open of a zero-length parley.db succeeded")
	}
	if !strings.Contains(err.Error(), "is empty (0 bytes)") {
		t.Errorf("Open(zero-length parley.db) = %v, want it to say the file is empty", err)
	}
}
