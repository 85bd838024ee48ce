package postgres

import (
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/parley-dev/parley/internal/azerr"
)

// TestDiskFull: PostgreSQL's disk_full is the store's clear 503, not a 500.
func TestDiskFull(t *testing.T) {
	err := diskFull(fmt.Errorf("insert: %w", &pgconn.PgError{Code: "53100", Message: "could not extend file"}))
	var ae *azerr.Error
	if !errors.As(err, &ae) || ae.Code != azerr.ServiceUnavailable {
		t.Errorf("diskFull(53100) = %v, want a ServiceUnavailable error", err)
	}
	other := &pgconn.PgError{Code: "23505"}
	if got := diskFull(other); got != error(other) {
		t.Errorf("diskFull(23505) = %v, want it unchanged", got)
	}
}
