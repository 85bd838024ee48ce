// Package postgres is Parley's shared store: PostgreSQL through pgx. It
// implements project.Store and job.Store with the semantics of the SQLite
// store (package storetest is the judge), for several Parley processes
// sharing one database.
//
// Because processes share the database, nothing here assumes a single
// writer: jobs are claimed with FOR UPDATE SKIP LOCKED, status transitions
// are conditional updates, quotas and exclusive jobs are checked under
// transaction-scoped advisory locks, and Open does not release job leases
// (another live process may hold them; the runner's rescuer handles leases
// that expire).
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/parley-dev/parley/internal/store/storeerr"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Advisory lock keys. Session and transaction locks on one bigint key share
// a key space; the two-int4 keys of lockJobKind are a space of their own.
const (
	// lockMigrations is held while a process migrates the schema, so that
	// processes starting together apply each migration once.
	lockMigrations int64 = 0x7061726c65790001 // "parley" 1
	// lockProjectQuota serializes the creation of projects, so that
	// concurrent creations cannot pass the quota together.
	lockProjectQuota int64 = 0x7061726c65790002
	// lockBlobs is held shared by ExportContent, from reading a project's
	// blob to pinning it, and exclusively by the blob collection, so that a
	// blob being pinned is never collected.
	lockBlobs int64 = 0x7061726c65790003
	// lockJobKind is the first key of the lock on a (project, kind)
	// pair taken by CreateJob to count its jobs; the second is a hash of the pair.
	lockJobKind int32 = 0x70617201
)

// Store is the Postgres store.
type Store struct {
	pool *pgxpool.Pool
}

// Open connects to the database at url (a libpq URL or key=value string),
// applies the migrations it has not applied yet, and returns the store.
// Runtime parameters in url, such as search_path, apply to every connection;
// pool settings such as pool_max_conns may be given too (pgxpool.ParseConfig).
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	if err := migrate(ctx, cfg.ConnConfig); err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	return &Store{pool: pool}, nil
}

// Close closes the store's connections; it is safe to call twice.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

// Close closes the store's connections; it is safe to call twice.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// migrate applies the migrations not applied yet, in order, each in its own
// transaction, holding lockMigrations on a connection of its own. Closing
// that connection releases the lock whatever happens.
func migrate(ctx context.Context, cfg *pgx.ConnConfig) (err error) {
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer func() { err = errors.Join(err, conn.Close(context.WithoutCancel(ctx))) }()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, lockMigrations); err != nil {
		return fmt.Errorf("migrate: lock: %w", err)
	}
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version text PRIMARY KEY,
		applied timestamptz NOT NULL DEFAULT now())`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	slices.Sort(names)
	for _, name := range names {
		version := strings.TrimSuffix(path.Base(name), ".sql")
		if err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			var applied bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $1)`, version).Scan(&applied); err != nil || applied {
				return err
			}
			body, err := migrations.ReadFile(name)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, string(body)); err != nil {
				return err
			}
			_, err = tx.Exec(ctx, `INSERT INTO schema_migrations (version) VALUES ($1)`, version)
			return err
		}); err != nil {
			return fmt.Errorf("migrate %s: %w", version, err)
		}
	}
	_, err = conn.Exec(ctx, `SELECT pg_advisory_unlock($1)`, lockMigrations)
	return err
}

// tx runs fn in a read-committed transaction.
func (s *Store) tx(ctx context.Context, fn func(pgx.Tx) error) error {
	return diskFull(pgx.BeginFunc(ctx, s.pool, fn))
}

// exec runs one statement outside a transaction, as tx maps its errors.
func (s *Store) exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	tag, err := s.pool.Exec(ctx, sql, args...)
	return tag, diskFull(err)
}

// diskFull turns PostgreSQL's "disk full" (SQLSTATE 53100) into
// storeerr.Full, so a client learns why its write failed. The database's
// disk is the database's: deletes there need room in its WAL, which the
// operator keeps (docs/deploy.md); Parley holds no reserve for it.
func diskFull(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "53100" {
		return storeerr.Full(err)
	}
	return err
}

type scanner interface{ Scan(...any) error }

// noRows reports whether err says that a query returned no row.
func noRows(err error) bool { return errors.Is(err, pgx.ErrNoRows) }

// storable reports whether PostgreSQL's text can hold every one of ss: it
// refuses NUL and invalid UTF-8 (a lone surrogate among them) with an error,
// where SQLite compares the bytes and matches nothing. No stored name or id
// is unstorable, so a lookup by such a key answers not found without asking
// the database, as it does on SQLite (storetest's UnstorableKeys); the
// services refuse such text before they write it.
func storable(ss ...string) bool {
	for _, s := range ss {
		if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
			return false
		}
	}
	return true
}

// prefixed qualifies each column of a comma-separated list with alias.
func prefixed(alias, columns string) string {
	cols := strings.Split(columns, ", ")
	for i, c := range cols {
		cols[i] = alias + "." + c
	}
	return strings.Join(cols, ", ")
}
