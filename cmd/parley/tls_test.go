package main

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/parley-dev/parley/internal/devcert"
)

var httpsServingAt = regexp.MustCompile(`serving at https://(\S+)`)

// trusting is an HTTP client that trusts only the CA of file.
func trusting(t *testing.T, file string) *http.Client {
	t.Helper()
	pem, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatalf("%s holds no certificate", file)
	}
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
}

// serveTLS starts parley serve with args and waits for /healthz over https
// with client.
func serveTLS(t *testing.T, client *http.Client, args ...string) *child {
	t.Helper()
	c := spawn(t, nil, append([]string{"serve"}, args...)...)
	deadline := time.Now().Add(20 * time.Second)
	for {
		if c.base == "" {
			if m := httpsServingAt.FindStringSubmatch(c.stdout.String()); m != nil {
				c.base = "https://" + dialable(t, m[1])
			}
		}
		if c.base != "" {
			if resp, err := client.Get(c.base + "/healthz"); err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					return c
				}
			}
		}
		select {
		case <-c.exited:
			t.Fatalf("parley serve exited before it was ready: %v\nstderr:\n%s", c.cmd.ProcessState, c.stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("parley serve not ready after 20s; stdout %q", c.stdout.String())
		}
	}
}

// TestServeTLS makes a development certificate with parley dev-cert, serves
// https with it, and renews it under a running server: SIGHUP makes new
// connections get the new certificate while an open one keeps working.
func TestServeTLS(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := spawn(t, nil, "dev-cert", "--dir", dir)
	if code := out.wait(t, 30*time.Second); code != 0 {
		t.Fatalf("parley dev-cert exited %d: %s", code, out.stderr.String())
	}
	for _, want := range []string{"Made a development certificate authority", "REQUESTS_CA_BUNDLE=", "NODE_EXTRA_CA_CERTS=", "SSL_CERT_FILE=", "curl --cacert", "--tls-cert " + filepath.Join(dir, devcert.CertFile)} {
		if !strings.Contains(out.stdout.String(), want) {
			t.Errorf("dev-cert output lacks %q:\n%s", want, out.stdout.String())
		}
	}
	if fi, err := os.Stat(filepath.Join(dir, devcert.KeyFile)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("key.pem: %v, mode %v; want 0600", err, fi.Mode())
	}
	client := trusting(t, filepath.Join(dir, devcert.CAFile))
	c := serveTLS(t, client, "--listen", "127.0.0.1:0", "--data", t.TempDir(),
		"--tls-cert", filepath.Join(dir, devcert.CertFile), "--tls-key", filepath.Join(dir, devcert.KeyFile))

	serial := func(resp *http.Response) string {
		t.Helper()
		if resp.TLS == nil || len(resp.TLS.PeerCertificates) == 0 {
			t.Fatalf("answer not over TLS")
		}
		return resp.TLS.PeerCertificates[0].SerialNumber.String()
	}
	resp, err := client.Get(c.base + "/language/authoring/analyze-conversations/projects?api-version=2023-04-01")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("GET projects without a key over https = %d, want 401", resp.StatusCode)
	}
	first := serial(resp)

	// The CLI trusts the authority with --ca-cert (or PARLEY_CA_CERT).
	for _, env := range [][]string{nil, {"PARLEY_CA_CERT=" + filepath.Join(dir, devcert.CAFile)}} {
		args := []string{"project", "list", "--endpoint", c.base, "--key", DevKey}
		if env == nil {
			args = append(args, "--ca-cert", filepath.Join(dir, devcert.CAFile))
		}
		cli := spawn(t, env, args...)
		if code := cli.wait(t, 30*time.Second); code != 0 {
			t.Errorf("parley %v (env %v) over https: exit %d, %s", args, env, code, cli.stderr.String())
		}
	}
	cli := spawn(t, nil, "project", "list", "--endpoint", c.base, "--key", DevKey)
	if code := cli.wait(t, 30*time.Second); code == 0 || !strings.Contains(cli.stderr.String(), "certificate") {
		t.Errorf("parley project without --ca-cert over https: exit %d, %q; want a certificate error", code, cli.stderr.String())
	}

	// A client that does not trust the development CA refuses the server.
	if _, err := (&http.Client{Timeout: 5 * time.Second}).Get(c.base + "/healthz"); err == nil {
		t.Errorf("a client without the development CA connected")
	} else if !errors.As(err, new(*tls.CertificateVerificationError)) && !strings.Contains(err.Error(), "certificate") {
		t.Errorf("untrusted client: %v, want a certificate verification error", err)
	}
	// Plain http to the https port is refused.
	if resp, err := procClient.Get(strings.Replace(c.base, "https://", "http://", 1) + "/healthz"); err == nil {
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Errorf("plain http to the https listener answered 200")
		}
	}

	// A connection opened before the renewal, kept open across it.
	pool := client.Transport.(*http.Transport).TLSClientConfig.RootCAs
	conn, err := tls.Dial("tcp", strings.TrimPrefix(c.base, "https://"), &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	br := bufio.NewReader(conn)
	projectsOnConn := func() {
		t.Helper()
		// With a key: answers without one close their connection.
		req := "GET /language/authoring/analyze-conversations/projects?api-version=2023-04-01 HTTP/1.1\r\nHost: 127.0.0.1\r\nOcp-Apim-Subscription-Key: " + DevKey + "\r\n\r\n"
		if _, err := io.WriteString(conn, req); err != nil {
			t.Fatalf("write on the open connection: %v", err)
		}
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("read on the open connection: %v", err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET projects on the open connection = %d", resp.StatusCode)
		}
	}
	projectsOnConn()
	if got := conn.ConnectionState().PeerCertificates[0].SerialNumber.String(); got != first {
		t.Fatalf("a new connection got certificate %s, the first %s", got, first)
	}

	// Renew: the same CA signs a new certificate; SIGHUP loads it.
	renew := spawn(t, nil, "dev-cert", "--dir", dir)
	if code := renew.wait(t, 30*time.Second); code != 0 || !strings.Contains(renew.stdout.String(), "Reused the development certificate authority") {
		t.Fatalf("second dev-cert: exit %d, %s", code, renew.stdout.String())
	}
	c.signal(t, syscall.SIGHUP)
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(c.stderr.String(), "certificate reloaded") {
		if time.Now().After(deadline) {
			t.Fatalf("no reload logged after SIGHUP; stderr:\n%s", c.stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	// The open connection still answers, on the certificate it began with.
	projectsOnConn()
	// A new connection gets the new certificate.
	fresh := trusting(t, filepath.Join(dir, devcert.CAFile))
	resp, err = fresh.Get(c.base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := serial(resp); got == first {
		t.Errorf("a new connection after SIGHUP got the old certificate %s", got)
	}

	// A broken file on SIGHUP keeps the certificate in use.
	if err := os.WriteFile(filepath.Join(dir, devcert.CertFile), []byte("not pem"), 0o644); err != nil {
		t.Fatal(err)
	}
	c.signal(t, syscall.SIGHUP)
	for !strings.Contains(c.stderr.String(), "certificate not reloaded") {
		if time.Now().After(deadline.Add(10 * time.Second)) {
			t.Fatalf("no failed reload logged; stderr:\n%s", c.stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	other := trusting(t, filepath.Join(dir, devcert.CAFile))
	if resp, err := other.Get(c.base + "/healthz"); err != nil {
		t.Errorf("after a failed reload: %v", err)
	} else {
		resp.Body.Close()
	}
}

// TestServeTLSFlags: one of the pair alone, or files that do not load, stop
// parley serve with an error naming the flags.
func TestServeTLSFlags(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--tls-cert", filepath.Join(dir, "cert.pem")}, "both --tls-cert and --tls-key"},
		{[]string{"--tls-cert", filepath.Join(dir, "nope.pem"), "--tls-key", filepath.Join(dir, "nope-key.pem")}, "--tls-cert"},
	} {
		c := spawn(t, nil, append([]string{"serve", "--listen", "127.0.0.1:0", "--data", t.TempDir()}, tc.args...)...)
		if code := c.wait(t, 20*time.Second); code == 0 || !strings.Contains(c.stderr.String(), tc.want) {
			t.Errorf("parley serve %v: exit %d, stderr %q; want an error with %q", tc.args, code, c.stderr.String(), tc.want)
		}
	}
}
