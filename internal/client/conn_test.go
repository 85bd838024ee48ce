package client_test

import (
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/parley-dev/parley/internal/client"
)

// TestConnError: a request that gets no answer fails with a *ConnError that
// names the server and the reason in a few words, and still unwraps to the
// transport's *url.Error and its cause.
func TestConnError(t *testing.T) {
	t.Parallel()
	// A port nothing listens on: listen, note the address, close.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	// A server that accepts connections and never answers.
	mute, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mute.Close() })
	go func() {
		for {
			c, err := mute.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
		}
	}()

	for _, tc := range []struct {
		name, endpoint string
		timeout        time.Duration
		want           string
		is             error
	}{
		{"refused", closed, 0, "cannot reach " + closed + ": connection refused", syscall.ECONNREFUSED},
		{"no such host", "http://nosuchhost.invalid:5800", 0, "cannot reach http://nosuchhost.invalid:5800: ", nil}, // no such host, or whatever the resolver says
		{"timeout", "http://" + mute.Addr().String(), 50 * time.Millisecond, "cannot reach http://" + mute.Addr().String() + ": no answer in time", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := client.New(tc.endpoint, "k", &client.Options{HTTPClient: &http.Client{Timeout: tc.timeout}})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.ListProjects(t.Context())
			var ce *client.ConnError
			if !errors.As(err, &ce) {
				t.Fatalf("ListProjects() error = %v (%T), want a *client.ConnError", err, err)
			}
			// The resolver may add detail after the host name; the start is ours.
			if !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("ListProjects() error = %q, want %q", err, tc.want)
			}
			if ce.Server != tc.endpoint {
				t.Errorf("ConnError.Server = %q, want %q", ce.Server, tc.endpoint)
			}
			var ue *url.Error
			if !errors.As(err, &ue) {
				t.Errorf("ListProjects() error = %v, want it to unwrap to a *url.Error", err)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("ListProjects() error = %v, want errors.Is %v", err, tc.is)
			}
		})
	}
}
