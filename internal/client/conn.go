package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/url"
	"os"
	"syscall"
)

// ConnError is a request that got no answer: the server could not be
// reached, or did not answer in time. It unwraps to the transport's
// *url.Error, so errors.Is(err, syscall.ECONNREFUSED) and errors.As with a
// *net.DNSError still work on it.
type ConnError struct {
	Method string
	URL    string
	// Server is the scheme and host the request went to, such as
	// http://127.0.0.1:5800.
	Server string
	// Reason says what went wrong in a few words, such as "connection
	// refused".
	Reason string
	Err    error
}

// Error implements error: "cannot reach SERVER: REASON".
func (e *ConnError) Error() string { return "cannot reach " + e.Server + ": " + e.Reason }

// Unwrap returns the transport's error.
func (e *ConnError) Unwrap() error { return e.Err }

// connError makes the error of a request to u that got no answer a
// *ConnError; an ended ctx (an interrupt, a deadline of the caller's) stays
// the error it is.
func connError(ctx context.Context, method string, u *url.URL, err error) error {
	if ctx.Err() != nil {
		return err
	}
	return &ConnError{Method: method, URL: u.String(), Server: u.Scheme + "://" + u.Host, Reason: connReason(err), Err: err}
}

// connReason names the cause of a failed request in a few words.
func connReason(err error) string {
	var dns *net.DNSError
	var ne net.Error
	var cert *tls.CertificateVerificationError
	var unknownCA x509.UnknownAuthorityError
	var hostname x509.HostnameError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.As(err, &dns) && dns.IsNotFound:
		return "no such host " + dns.Name
	case errors.As(err, &dns):
		return "cannot look up " + dns.Name + ": " + dns.Err
	case errors.Is(err, syscall.ETIMEDOUT), errors.Is(err, os.ErrDeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "no answer in time"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "the connection closed before an answer"
	case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH):
		return "no route to the host"
	case errors.As(err, &cert), errors.As(err, &unknownCA), errors.As(err, &hostname):
		return "its TLS certificate is not valid: " + innermost(err).Error()
	}
	return innermost(err).Error()
}

// innermost is the error a *url.Error wraps, which leaves out the method
// and URL the ConnError names already.
func innermost(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
