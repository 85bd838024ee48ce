package main

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeOnATakenPort: parley serve on a port another program holds says
// so in the flag's terms, and creates no data directory.
func TestServeOnATakenPort(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	dir := filepath.Join(t.TempDir(), "data")
	var stdout, stderr bytes.Buffer
	err = run(t.Context(), []string{"serve", "--listen", taken.Addr().String(), "--data", dir, "--key", "k"}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "another program is using that address") || !strings.Contains(err.Error(), "--listen") {
		t.Errorf("serve on a taken port: error %v, want one that names the address in use and --listen", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("data directory %s exists after the failed start (Stat: %v)", dir, err)
	}
}
