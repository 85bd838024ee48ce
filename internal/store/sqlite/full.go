package sqlite

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	sqlitedrv "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/parley-dev/parley/internal/store/storeerr"
)

// A full disk must not lock the store: deleting is how space is freed, and
// a delete writes too (SQLite appends it to the WAL). So the store keeps a
// reserve file in the data directory. The first write that finds the disk
// full removes it, which leaves room for deletes, and puts the store in
// full mode: writes that add data (projects, models, deployments, large
// job payloads and results) are refused at once with storeerr.Full, while
// deletes, job bookkeeping and small writes go on. Full mode ends when the
// reserve can be written again with as much room to spare.
const (
	reserveName = "parley.reserve"
	// DefaultReserve is the size of the reserve file: deleting even a large
	// project writes little (freed pages go on SQLite's free list, a few
	// pages per thousand), so this is room for many deletes.
	DefaultReserve = 8 << 20
	// smallWrite is the largest job payload or result written in full mode.
	smallWrite = 64 << 10
	// probeEvery is how often full mode checks whether space came back.
	probeEvery = 2 * time.Second
)

type fullMode struct {
	dir     string
	reserve int64

	mu        sync.Mutex
	full      bool
	lastProbe time.Time
}

// isFull reports whether err says the disk is full.
func isFull(err error) bool {
	var se *sqlitedrv.Error
	if errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_FULL {
		return true
	}
	return errors.Is(err, syscall.ENOSPC)
}

// writeErr turns a disk-full error into storeerr.Full and enters full mode,
// releasing the reserve; it reports whether it just released it, so that
// the caller may try once more. Other errors pass unchanged.
func (m *fullMode) writeErr(err error) (error, bool) {
	if err == nil || !isFull(err) {
		return err, false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	released := false
	if !m.full {
		m.full, m.lastProbe = true, time.Now()
		released = os.Remove(filepath.Join(m.dir, reserveName)) == nil
	}
	return storeerr.Full(err), released
}

// room returns storeerr.Full while the store is in full mode and space has
// not come back; writes that add data call it first, and readiness.
func (m *fullMode) room() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.full {
		return nil
	}
	if time.Since(m.lastProbe) < probeEvery {
		return storeerr.Full(nil)
	}
	m.lastProbe = time.Now()
	// The reserve stays released while the disk is full: it is the room
	// deletes use. Space is back when the reserve and as much again fit.
	probe := filepath.Join(m.dir, reserveName+".probe")
	err := writeZeros(probe, 2*m.reserve)
	os.Remove(probe)
	if err != nil {
		return storeerr.Full(err)
	}
	if err := m.ensureReserve(); err != nil {
		return storeerr.Full(err)
	}
	m.full = false
	return nil
}

// ensureReserve writes the reserve file unless it is there, whole.
func (m *fullMode) ensureReserve() error {
	path := filepath.Join(m.dir, reserveName)
	if fi, err := os.Stat(path); err == nil && fi.Size() == m.reserve {
		return nil
	}
	if err := writeZeros(path, m.reserve); err != nil {
		os.Remove(path)
		return fmt.Errorf("write the disk reserve %s: %w", reserveName, err)
	}
	return nil
}

// startReserve writes the reserve at Open; a disk too full for it starts
// the store in full mode.
func (m *fullMode) startReserve() {
	if err := m.ensureReserve(); err != nil {
		m.mu.Lock()
		m.full, m.lastProbe = true, time.Now()
		m.mu.Unlock()
	}
}

// writeZeros writes n zero bytes to path: real blocks, not a sparse file,
// so that the space is held (filesystems that allocate late still reserve
// the space when write returns, or fail it with ENOSPC).
func writeZeros(path string, n int64) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	_, err = io.CopyN(f, zeroReader{}, n)
	return errors.Join(err, f.Close())
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// writeErr is fullMode.writeErr for a write that is not retried.
func (s *Store) writeErr(err error) error {
	err, _ = s.full.writeErr(err)
	return err
}
