package devcert

import (
	"crypto/tls"
	"crypto/x509"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestGenerate: the certificate verifies against the authority for every
// host, and for no other; a second run reuses the authority and renews the
// certificate.
func TestGenerate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "certs")
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	first, err := Generate(dir, now)
	if err != nil {
		t.Fatal(err)
	}
	if !first.CreatedCA || !first.NotAfter.Equal(now.Add(certValidity)) {
		t.Errorf("first run = %+v, want a new authority and a %v certificate", first, certValidity)
	}
	caPEM, err := os.ReadFile(filepath.Join(dir, CAFile))
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(caPEM)
	leaf := func() *x509.Certificate {
		t.Helper()
		pair, err := tls.LoadX509KeyPair(filepath.Join(dir, CertFile), filepath.Join(dir, KeyFile))
		if err != nil {
			t.Fatal(err)
		}
		c, err := x509.ParseCertificate(pair.Certificate[0])
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	c := leaf()
	for _, h := range append(Hosts, "example.com") {
		_, err := c.Verify(x509.VerifyOptions{Roots: roots, DNSName: h, CurrentTime: now})
		if want := h != "example.com"; (err == nil) != want {
			t.Errorf("verify for %s: %v, want valid %v", h, err, want)
		}
	}
	for _, f := range []string{CAKeyFile, KeyFile} {
		if fi, err := os.Stat(filepath.Join(dir, f)); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v, mode %v, want 0600", f, err, fi.Mode().Perm())
		}
	}
	second, err := Generate(dir, now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if second.CreatedCA {
		t.Errorf("second run made a new authority; want the first reused")
	}
	again, _ := os.ReadFile(filepath.Join(dir, CAFile))
	if string(again) != string(caPEM) {
		t.Errorf("ca.pem changed on the second run")
	}
	c2 := leaf()
	if c2.SerialNumber.Cmp(c.SerialNumber) == 0 {
		t.Errorf("the second run kept the certificate; want a new one")
	}
	if _, err := c2.Verify(x509.VerifyOptions{Roots: roots, DNSName: "127.0.0.1", CurrentTime: now.Add(time.Hour)}); err != nil {
		t.Errorf("renewed certificate: %v", err)
	}
	// A directory with an authority but no key says what to do.
	if err := os.Remove(filepath.Join(dir, CAKeyFile)); err != nil {
		t.Fatal(err)
	}
	if _, err := Generate(dir, now); err == nil {
		t.Errorf("Generate without ca-key.pem succeeded")
	}
}
