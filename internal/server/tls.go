package server

import (
	"crypto/tls"
	"errors"
	"fmt"
	"sync/atomic"
)

// certReloader holds the certificate Parley serves https with, read from a
// PEM certificate file (the chain, leaf first) and its key file. Reload
// reads them again: new handshakes get the new pair, connections already
// open keep theirs, so a renewed certificate takes effect without dropping
// anyone (cmd/parley calls it on SIGHUP).
type certReloader struct {
	certFile, keyFile string
	cert              atomic.Pointer[tls.Certificate]
}

// newCertReloader reads the pair once; a pair that does not load is an
// error at start, naming the flags to fix.
func newCertReloader(certFile, keyFile string) (*certReloader, error) {
	c := &certReloader{certFile: certFile, keyFile: keyFile}
	if err := c.reload(); err != nil {
		return nil, err
	}
	return c, nil
}

// reload reads the pair again. On an error the certificate in use stays.
func (c *certReloader) reload() error {
	cert, err := tls.LoadX509KeyPair(c.certFile, c.keyFile)
	if err != nil {
		return fmt.Errorf("--tls-cert %s / --tls-key %s: %w (PEM files: the certificate chain, leaf first, and its private key)", c.certFile, c.keyFile, err)
	}
	c.cert.Store(&cert)
	return nil
}

func (c *certReloader) getCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	return c.cert.Load(), nil
}

// tlsConfig is the server side of https: TLS 1.2 and later with Go's
// default cipher suites, and the reloader's certificate.
func (c *certReloader) tlsConfig() *tls.Config {
	return &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: c.getCertificate}
}

// ReloadTLS reads the certificate and key files again (see certReloader).
// It is an error on a server without TLS; on a failed read the server keeps
// serving the certificate it had.
func (s *Server) ReloadTLS() error {
	if s.certs == nil {
		return errors.New("the server has no TLS certificate to reload: start it with --tls-cert and --tls-key")
	}
	return s.certs.reload()
}

// Scheme is the scheme the server answers on: https with a certificate,
// else http.
func (s *Server) Scheme() string {
	if s.certs != nil {
		return "https"
	}
	return "http"
}
