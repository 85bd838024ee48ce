package main

import (
	"bytes"
	"net"
	"strings"
	"testing"
)

// runErr runs parley with args and returns its error, after checking that it
// failed with nothing on stdout.
func runErr(t *testing.T, args ...string) error {
	t.Helper()
	var o, e bytes.Buffer
	err := run(t.Context(), args, &o, &e)
	if err == nil {
		t.Fatalf("parley %s succeeded, want an error", strings.Join(args, " "))
	}
	if o.Len() > 0 {
		t.Errorf("parley %s printed %q on stdout, want nothing", strings.Join(args, " "), o.String())
	}
	return err
}

// wantAll checks that err's message contains each of want and none of not.
func wantAll(t *testing.T, err error, want, not []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q, want it to contain %q", err, w)
		}
	}
	for _, n := range not {
		if strings.Contains(err.Error(), n) {
			t.Errorf("error %q, want it without %q", err, n)
		}
	}
}

// TestUnreachableServer: a client command that cannot reach its server, or
// is given an endpoint or key it cannot use, says so in one line and names
// the flag and environment variable to fix, without Go's raw transport text.
func TestUnreachableServer(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	for _, tc := range []struct {
		name      string
		args      []string
		want, not []string
	}{
		{"connection refused", []string{"project", "list", "--endpoint", closed, "--key", "k"},
			[]string{"project list: cannot reach " + closed + ": connection refused", "parley serve", "--endpoint (PARLEY_ENDPOINT)"},
			[]string{"dial tcp", "Get \"", "\n"}},
		{"refused during a job", []string{"import", smokeFile, "--endpoint", closed, "--key", "k"},
			[]string{"cannot reach " + closed + ": connection refused", "parley serve"}, []string{"dial tcp"}},
		{"not a URL", []string{"project", "list", "--endpoint", "127.0.0.1:1", "--key", "k"},
			[]string{"not an http(s) URL", "--endpoint (PARLEY_ENDPOINT)"}, []string{"\n"}},
		{"empty key", []string{"project", "list", "--endpoint", closed, "--key", ""},
			[]string{"no key", "--key", "PARLEY_KEY"}, []string{"\n"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			wantAll(t, runErr(t, tc.args...), tc.want, tc.not)
		})
	}
}
