package main

import (
	"bytes"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
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

// TestKeyFile: keys can come from a file, so they need not show in ps.
func TestKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys")
	if err := os.WriteFile(path, []byte("# rotated monthly\nfirst-key\n\n  second-key  \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := serveFlags([]string{"--key-file", path}, io.Discard)
	if err != nil || !slices.Equal(cfg.Keys, []string{"first-key", "second-key"}) {
		t.Errorf("serveFlags(--key-file) keys = %q, %v; want first-key, second-key", cfg.Keys, err)
	}
	empty := filepath.Join(t.TempDir(), "empty")
	os.WriteFile(empty, []byte("# none\n"), 0o600)
	if _, err := serveFlags([]string{"--key-file", empty}, io.Discard); err == nil || !strings.Contains(err.Error(), "holds no key") {
		t.Errorf("serveFlags(--key-file of comments) = %v, want an error that says it holds no key", err)
	}
}

// TestTimeZoneFlag: --timezone (or PARLEY_TIMEZONE) names the IANA time
// zone of "now" for relative dates, UTC by default; a name that is no time
// zone stops the start with an error naming the flag.
func TestTimeZoneFlag(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		env  string // PARLEY_TIMEZONE; "-" unset
		want string // the location's name, or "" for an error
	}{
		{"default", nil, "-", "UTC"},
		{"flag", []string{"--timezone", "Europe/Paris"}, "-", "Europe/Paris"},
		{"env", nil, "America/New_York", "America/New_York"},
		{"flag over env", []string{"--timezone", "Asia/Tokyo"}, "America/New_York", "Asia/Tokyo"},
		{"empty env", nil, "", "UTC"},
		{"unknown", []string{"--timezone", "Mars/Olympus_Mons"}, "-", ""},
		{"unknown env", nil, "Europe/Pariss", ""},
		{"machine's", []string{"--timezone", "Local"}, "-", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.env != "-" {
				t.Setenv("PARLEY_TIMEZONE", tc.env)
			} else {
				t.Setenv("PARLEY_TIMEZONE", "")
				os.Unsetenv("PARLEY_TIMEZONE")
			}
			cfg, err := serveFlags(tc.args, io.Discard)
			if tc.want == "" {
				if err == nil || !strings.Contains(err.Error(), "--timezone") || !strings.Contains(err.Error(), "PARLEY_TIMEZONE") {
					t.Errorf("serveFlags(%q) = %v, want an error naming --timezone and PARLEY_TIMEZONE", tc.args, err)
				}
				return
			}
			if err != nil || cfg.TimeZone == nil || cfg.TimeZone.String() != tc.want {
				t.Errorf("serveFlags(%q) time zone = %v, %v; want %s", tc.args, cfg.TimeZone, err, tc.want)
			}
		})
	}
}
