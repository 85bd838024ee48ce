package sqlite_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parley-dev/parley/internal/project"
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

// TestCorruption: a value damaged on disk is never returned.
func TestCorruption(t *testing.T) {
	storetest.RunCorruption(t, func(t *testing.T) (storetest.Store, storetest.Corrupter) {
		dir := t.TempDir()
		s, err := sqlite.Open(t.Context(), dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		db, err := sql.Open("sqlite", filepath.Join(dir, "parley.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return s, func(t *testing.T, table, column string) {
			t.Helper()
			if _, err := db.ExecContext(t.Context(), `PRAGMA busy_timeout = 5000`); err != nil {
				t.Fatal(err)
			}
			flipFirstBytes(t, db, table, column)
		}
	})
}

// flipFirstBytes flips the lowest bit of the first byte of column in every
// row of table.
func flipFirstBytes(t *testing.T, db *sql.DB, table, column string) {
	t.Helper()
	rows, err := db.QueryContext(t.Context(), `SELECT rowid, `+column+` FROM `+table+` WHERE length(`+column+`) > 0`)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		id int64
		b  []byte
	}
	var all []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.b); err != nil {
			t.Fatal(err)
		}
		r.b[0] ^= 1
		all = append(all, r)
	}
	rows.Close()
	for _, r := range all {
		if _, err := db.ExecContext(t.Context(), `UPDATE `+table+` SET `+column+` = ? WHERE rowid = ?`, r.b, r.id); err != nil {
			t.Fatal(err)
		}
	}
	if len(all) == 0 {
		t.Fatalf("no %s.%s to damage", table, column)
	}
}

// TestDataDirectoryWithURICharacters: a data directory whose path holds
// '#', '?' or '%' keeps its database inside it (the path goes into an SQLite
// URI, where '#' would cut it short and '?' start its parameters).
func TestDataDirectoryWithURICharacters(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a#b?c%41d")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	s, err := sqlite.Open(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateProject(t.Context(), &project.Project{Name: "p", Kind: project.KindConversation, Language: "en-us"}, 10); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if fi, err := os.Stat(filepath.Join(dir, "parley.db")); err != nil || fi.Size() == 0 {
		t.Fatalf("parley.db in %q: %v, %v; want a database there", dir, fi, err)
	}
	entries, _ := os.ReadDir(filepath.Dir(dir))
	if len(entries) != 1 {
		t.Errorf("beside the data directory: %d entries, want only the directory itself", len(entries))
	}
	s, err = sqlite.Open(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.GetProject(t.Context(), "p"); err != nil {
		t.Errorf("GetProject after reopening = %v", err)
	}
}
