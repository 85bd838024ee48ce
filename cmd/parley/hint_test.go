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

// TestServerErrorHints: a wrong key and an api-version the server does not
// serve keep the server's message and add the flag and variable to fix.
func TestServerErrorHints(t *testing.T) {
	t.Parallel()
	ep := startTestServer(t)
	for _, tc := range []struct {
		name      string
		key       string
		args      []string
		want, not []string
	}{
		{"wrong key", "wrong", []string{"project", "list"},
			[]string{"401: Access denied due to invalid subscription key", "check --key or PARLEY_KEY", "the server at " + ep}, nil},
		{"wrong key during a job", "wrong", []string{"import", smokeFile},
			[]string{"401: Access denied", "check --key or PARLEY_KEY"}, nil},
		{"mistyped api-version", "k", []string{"project", "list", "--api-version", "2023-04-0"},
			[]string{"404: Resource not found", "check --api-version", "api-version 2023-04-0", "2023-04-01, 2023-04-15-preview"}, []string{"PARLEY_ENDPOINT"}},
		{"endpoint with a path", "k", []string{"project", "list", "--endpoint", ep + "/foo"},
			[]string{"404: Resource not found", "check --endpoint (PARLEY_ENDPOINT)", ep + "/foo", "root URL"}, []string{"check --api-version"}},
		{"unknown project has no hint", "k", []string{"project", "show", "nope"}, []string{"ProjectNotFound"}, []string{"check --"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// The test's --endpoint comes last, so it must not override the case's.
			args := append([]string{}, tc.args...)
			if !strings.Contains(strings.Join(args, " "), "--endpoint") {
				args = append(args, "--endpoint", ep)
			}
			args = append(args, "--key", tc.key, "--max-poll-delay", "5ms")
			wantAll(t, runErr(t, args...), tc.want, tc.not)
		})
	}
}
