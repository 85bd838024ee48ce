package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/parley-dev/parley/internal/job"
	"github.com/parley-dev/parley/internal/project"
	"github.com/parley-dev/parley/internal/store/postgres"
	"github.com/parley-dev/parley/internal/store/storetest"
)

// envURL names the variable that points the tests at a PostgreSQL database.
const envURL = "PARLEY_TEST_POSTGRES_URL"

// admin returns a pool on the test database, or skips the test.
func admin(t *testing.T) (*pgxpool.Pool, string) {
	t.Helper()
	base := os.Getenv(envURL)
	if base == "" {
		t.Skipf("%s is not set; set it to a PostgreSQL URL (postgres://user@host:port/db) to run the store suite on PostgreSQL", envURL)
	}
	pool, err := pgxpool.New(t.Context(), base)
	if err != nil {
		t.Fatalf("connect to %s: %v", envURL, err)
	}
	t.Cleanup(pool.Close)
	return pool, base
}

// freshSchema creates a schema of its own for test t, dropped when t ends,
// and returns base with that schema as its search_path: tests sharing a
// database never see each other's rows.
func freshSchema(t *testing.T, pool *pgxpool.Pool, base string) string {
	t.Helper()
	var b [6]byte
	rand.Read(b[:])
	schema := "parley_test_" + hex.EncodeToString(b[:])
	if _, err := pool.Exec(t.Context(), `CREATE SCHEMA `+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := pool.Exec(context.WithoutCancel(t.Context()), `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return withSearchPath(t, base, schema)
}

// withSearchPath adds search_path to a URL or a key=value connection string.
func withSearchPath(t *testing.T, base, schema string) string {
	t.Helper()
	if !strings.HasPrefix(base, "postgres://") && !strings.HasPrefix(base, "postgresql://") {
		return base + " search_path=" + schema
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", envURL, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func open(t *testing.T, url string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(t.Context(), url)
	if err != nil {
		t.Fatalf("Open = %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestStore runs the stores' conformance suite on PostgreSQL.
func TestStore(t *testing.T) {
	pool, base := admin(t)
	storetest.Run(t, func(t *testing.T) storetest.Store {
		t.Helper()
		return open(t, freshSchema(t, pool, base))
	})
}

// TestOpenTogether: processes starting together on an empty database each
// migrate under the advisory lock, and every migration is applied once.
func TestOpenTogether(t *testing.T) {
	pool, base := admin(t)
	u := freshSchema(t, pool, base)
	const n = 4
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			s, err := postgres.Open(t.Context(), u)
			if err == nil {
				s.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Open %d = %v", i, err)
		}
	}
	conn, err := pgxpool.New(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var rows, versions int
	if err := conn.QueryRow(t.Context(), `SELECT count(*), count(DISTINCT version) FROM schema_migrations`).Scan(&rows, &versions); err != nil {
		t.Fatal(err)
	}
	if rows == 0 || rows != versions {
		t.Errorf("schema_migrations has %d rows for %d versions, want one row per version", rows, versions)
	}
}

// TestOpenKeepsLeases: unlike SQLite's data directory, a database is shared,
// so a process starting must not take the jobs other processes hold.
func TestOpenKeepsLeases(t *testing.T) {
	pool, base := admin(t)
	u := freshSchema(t, pool, base)
	first := open(t, u)
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	j := &job.Job{ID: "j", Kind: project.JobExport, Project: "p", APIVersion: "2023-04-01", Status: job.StatusNotStarted,
		Created: now, Updated: now, Expires: now.Add(time.Hour)}
	if err := first.CreateJob(t.Context(), j, nil, job.Limits{}); err != nil {
		t.Fatal(err)
	}
	p := job.ClaimParams{Owner: "first", Now: now, LeaseUntil: now.Add(time.Minute), Limit: 1, MaxAttempts: 3}
	if got, err := first.ClaimJobs(t.Context(), p); err != nil || len(got) != 1 {
		t.Fatalf("ClaimJobs(first) = %v, %v", got, err)
	}
	second := open(t, u)
	p.Owner = "second"
	if got, err := second.ClaimJobs(t.Context(), p); err != nil || len(got) != 0 {
		t.Errorf("ClaimJobs(second) after a second Open = %d jobs, %v; want none, the lease holds", len(got), err)
	}
	if _, err := first.ExtendLease(t.Context(), "j", "first", now.Add(time.Minute)); err != nil {
		t.Errorf("ExtendLease(first) after a second Open = %v", err)
	}
}

// TestCorruption: a value damaged on disk is never returned.
func TestCorruption(t *testing.T) {
	storetest.RunCorruption(t, func(t *testing.T) (storetest.Store, storetest.Corrupter) {
		pool, base := admin(t)
		url := freshSchema(t, pool, base)
		s := open(t, url)
		raw, err := pgxpool.New(t.Context(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(raw.Close)
		return s, func(t *testing.T, table, column string) {
			t.Helper()
			tag, err := raw.Exec(t.Context(), `UPDATE `+table+` SET `+column+` = set_byte(`+column+`, 0, get_byte(`+column+`, 0) # 1)
				WHERE octet_length(`+column+`) > 0`)
			if err != nil || tag.RowsAffected() == 0 {
				t.Fatalf("damage %s.%s: %v rows, %v", table, column, tag.RowsAffected(), err)
			}
		}
	})
}
