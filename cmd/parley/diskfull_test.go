package main

import (
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestDiskFull fills the disk under a data directory (a small tmpfs) while
// parley serves from it (issue 9, finding 9): writes must answer a clear
// 503, readiness must say the store cannot write, deleting must still
// work and free space, and once space is back everything works again.
// It needs root, to mount the tmpfs; elsewhere it is skipped.
func TestDiskFull(t *testing.T) {
	t.Parallel()
	mnt := t.TempDir()
	if os.Geteuid() != 0 {
		t.Skip("mounting a small tmpfs needs root")
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v: %s)", err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() { exec.Command("umount", "-l", mnt).Run() })
	data := filepath.Join(mnt, "data")
	c := serve(t, nil, "--listen", "127.0.0.1:0", "--data", data, "--key", procKey)
	smoke := readFile(t, smokeFile)
	importAndWait(t, c, "keep", renamed(t, smoke, "keep"))
	importAndWait(t, c, "drop", renamed(t, smoke, "drop"))

	// Fill the disk to the last byte.
	filler := filepath.Join(mnt, "filler")
	if err := fill(filler); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("filling the disk: %v, want ENOSPC", err)
	}

	// A write that adds data is refused, clearly, and so is the next one
	// (small writes may still fit in what SQLite has allocated already).
	big := readFile(t, filepath.Join("..", "..", "testdata", "datasets", "snips2017.clu.json"))
	for i := range 2 {
		resp, b, err := send("POST", c.base+procPrefix+"big/:import?api-version="+procAPIVersion, renamed(t, big, "big"))
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(b), "disk is full") || resp.Header.Get("Retry-After") == "" {
			t.Fatalf("import %d of a 3.9 MB project on a full disk = %d %s (Retry-After %q), want 503 saying the disk is full",
				i, resp.StatusCode, b, resp.Header.Get("Retry-After"))
		}
	}
	// Readiness probes for space (every 2 s at most); a probe that finds
	// none must leave the released reserve released, for the deletes.
	time.Sleep(2500 * time.Millisecond)
	if resp, b, err := send("GET", c.base+"/readyz", nil); err != nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("GET /readyz on a full disk = %v %s, %v; want 503", resp.StatusCode, b, err)
	}
	if resp, _, err := send("GET", c.base+"/healthz", nil); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("GET /healthz on a full disk = %v, %v; want 200 (the process is alive)", resp.StatusCode, err)
	}
	// Reads work; deleting works.
	mustGet(t, c.base+procPrefix+"keep?api-version="+procAPIVersion)
	resp, b, err := send("DELETE", c.base+procPrefix+"drop?api-version="+procAPIVersion, nil)
	if err != nil || resp.StatusCode != http.StatusAccepted {
		t.Fatalf("DELETE on a full disk = %v %s, %v; want 202", resp.StatusCode, b, err)
	}
	loc := c.on(t, resp.Header.Get("Operation-Location"))
	deadline := time.Now().Add(20 * time.Second)
	for {
		if strings.Contains(string(mustGet(t, loc)), `"succeeded"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("deletion job on a full disk did not succeed: %s", mustGet(t, loc))
		}
		time.Sleep(50 * time.Millisecond)
	}
	if resp, _, _ := send("GET", c.base+procPrefix+"drop?api-version="+procAPIVersion, nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET of the deleted project = %d, want 404", resp.StatusCode)
	}

	// Space comes back: readiness and writes recover without a restart.
	os.Remove(filler)
	deadline = time.Now().Add(20 * time.Second)
	for {
		resp, _, err := send("GET", c.base+"/readyz", nil)
		if err == nil && resp.StatusCode == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET /readyz after space came back = %v, %v; want 200 within 20s", resp.StatusCode, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	importAndWait(t, c, "new", renamed(t, smoke, "new"))
}

// fill writes zeros to path until the disk is full.
func fill(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	buf := make([]byte, 1<<20)
	for {
		if _, err := f.Write(buf); err != nil {
			// Then the last bytes, a block at a time.
			for small := buf[:4096]; ; {
				if _, err := f.Write(small); err != nil {
					return err
				}
			}
		}
	}
}
