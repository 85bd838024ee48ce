// Package sqlite is Parley's embedded store: SQLite through the pure-Go
// modernc.org/sqlite driver, in WAL mode, in a data directory. It implements
// project.Store and job.Store.
//
// A data directory belongs to one process at a time: Open takes an exclusive
// lock on the directory itself (flock, held for the process's life), so no
// file anyone could delete stands in for it. So at start no other process can hold a job lease, and Open
// releases the leases a crashed predecessor left, letting its jobs run again
// at once instead of after their lease expires.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/parley-dev/parley/internal/job"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is the SQLite store. Writes go through one connection, as SQLite has
// one writer; reads use a pool, which WAL lets run beside the writer.
type Store struct {
	w, r *sql.DB
	lock *os.File
	full fullMode // see full.go

	getJob *sql.Stmt
}

// Open opens (creating it if needed) the store in dir.
func Open(ctx context.Context, dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	lock, err := os.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		lock.Close()
		return nil, fmt.Errorf("open store: data directory %s is in use by another parley process: %w", dir, err)
	}
	s := &Store{lock: lock, full: fullMode{dir: dir, reserve: DefaultReserve}}
	path := filepath.Join(dir, "parley.db")
	// Create the database readable by its owner only (it holds every
	// project), and refuse an empty file, which SQLite would take for a
	// new database: a truncated store must not start as an empty one.
	switch fi, err := os.Stat(path); {
	case errors.Is(err, fs.ErrNotExist):
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("open store: %w", err)
		}
		f.Close()
		if err := os.WriteFile(filepath.Join(dir, ".parley-new"), nil, 0o600); err != nil {
			s.Close()
			return nil, fmt.Errorf("open store: %w", err)
		}
	case err != nil:
		s.Close()
		return nil, fmt.Errorf("open store: %w", err)
	case fi.Size() == 0:
		if _, err := os.Stat(filepath.Join(dir, ".parley-new")); err != nil {
			s.Close()
			return nil, fmt.Errorf("open store: %s is empty (0 bytes), so it is not a Parley database: restore it from a backup, or remove it to start an empty store", path)
		}
	}
	// The path goes into a URI: escaped, so that '#', '?' and '%' in it
	// name the file and do not cut it short.
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(ON)"
	if s.w, err = sql.Open("sqlite", dsn+"&_txlock=immediate"); err != nil {
		s.Close()
		return nil, fmt.Errorf("open store: %w", err)
	}
	s.w.SetMaxOpenConns(1)
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	s.full.startReserve()
	// The marker says "created here and not set up yet"; with the schema
	// in place the file is a database, and an empty one is an accident.
	if err := os.Remove(filepath.Join(dir, ".parley-new")); err != nil && !errors.Is(err, fs.ErrNotExist) {
		s.Close()
		return nil, fmt.Errorf("open store: %w", err)
	}
	if s.r, err = sql.Open("sqlite", dsn+"&_pragma=query_only(ON)"); err != nil {
		s.Close()
		return nil, fmt.Errorf("open store: %w", err)
	}
	s.r.SetMaxOpenConns(8)
	s.r.SetMaxIdleConns(8)
	if s.getJob, err = s.r.PrepareContext(ctx, `SELECT `+jobColumns+` FROM jobs WHERE id = ? AND expires > ?`); err != nil {
		s.Close()
		return nil, fmt.Errorf("open store: %w", err)
	}
	if _, err := s.w.ExecContext(ctx, `UPDATE jobs SET lease_expires = 0 WHERE status IN `+job.SQL.Leased); err != nil {
		s.Close()
		return nil, fmt.Errorf("open store: release leases: %w", err)
	}
	return s, nil
}

// Ping implements project.Store: the store answers and has room to write.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.w.PingContext(ctx); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if err := s.full.room(); err != nil {
		return fmt.Errorf("store cannot write: %w", err)
	}
	if err := s.r.PingContext(ctx); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

// Close closes the store and unlocks its directory; it is safe to call twice.
func (s *Store) Close() error {
	var errs []error
	if s.getJob != nil {
		errs = append(errs, s.getJob.Close())
		s.getJob = nil
	}
	for _, db := range []**sql.DB{&s.r, &s.w} {
		if *db != nil {
			errs = append(errs, (*db).Close())
			*db = nil
		}
	}
	if s.lock != nil {
		errs = append(errs, s.lock.Close())
		s.lock = nil
	}
	return errors.Join(errs...)
}

// migrate applies the migrations not applied yet, each in a transaction.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	slices.Sort(names)
	for _, name := range names {
		version := strings.TrimSuffix(filepath.Base(name), ".sql")
		if err := s.tx(ctx, func(tx *sql.Tx) error {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n); err != nil || n > 0 {
				return err
			}
			body, err := migrations.ReadFile(name)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO schema_migrations (version) VALUES (?)`, version)
			return err
		}); err != nil {
			return fmt.Errorf("migrate %s: %w", version, err)
		}
	}
	return nil
}

// tx runs fn in a write transaction. One that finds the disk full is run
// once more if that released the reserve (full.go), so that a delete works
// on a full disk the first time.
func (s *Store) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	err, retry := s.full.writeErr(s.tryTx(ctx, fn))
	if retry {
		err, _ = s.full.writeErr(s.tryTx(ctx, fn))
	}
	return err
}

func (s *Store) tryTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// growTx runs fn, a write that adds data, in a write transaction, unless
// the store is in full mode (full.go); it is never retried, so that it
// cannot use up the room the reserve left for deletes.
func (s *Store) growTx(ctx context.Context, fn func(*sql.Tx) error) error {
	if err := s.full.room(); err != nil {
		return err
	}
	err, _ := s.full.writeErr(s.tryTx(ctx, fn))
	return err
}

// exec runs one write statement as tx does.
func (s *Store) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	var res sql.Result
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		res, err = tx.ExecContext(ctx, query, args...)
		return err
	})
	return res, err
}
