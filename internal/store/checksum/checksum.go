// Package checksum guards the stores' data columns against corruption on
// disk: each is written with the CRC-32C of its bytes beside it and checked
// when it is read back, so that a damaged project, model or export fails
// with a clear error instead of being served (SQLite's quick_check does not
// see a changed byte inside a value). CRC-32C finds any change of up to 32
// consecutive bits and runs at memory speed on amd64 and arm64; it guards
// against damage, not against someone who can write the database.
package checksum

import (
	"fmt"
	"hash/crc32"

	"github.com/parley-dev/parley/internal/azerr"
)

var table = crc32.MakeTable(crc32.Castagnoli)

// Of returns the checksum of b as stored beside it; nil for nil data, so
// that a NULL value has a NULL checksum.
func Of(b []byte) *int64 {
	if b == nil {
		return nil
	}
	s := int64(crc32.Checksum(b, table))
	return &s
}

// Check verifies b, read back as what (for the error message), against the
// stored sum. A nil sum is a value written before checksums were stored,
// and passes. A mismatch is an *azerr.Error that fails the request or the
// job: nothing damaged is served, and nothing retries in vain.
func Check(what string, b []byte, sum *int64) error {
	if sum == nil {
		return nil
	}
	if got := int64(crc32.Checksum(b, table)); got != *sum {
		return fmt.Errorf("%s: checksum %08x, stored %08x: %w", what, got, *sum, damaged(what))
	}
	return nil
}

func damaged(what string) *azerr.Error {
	return azerr.New(azerr.InternalServerError,
		"The stored %s is damaged: it no longer matches the checksum written with it. Restore the data from a backup, or import or train again; the server log names the value.", what)
}
