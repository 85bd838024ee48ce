package server

import (
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/parley-dev/parley/internal/api"
)

// middleware is the chain every request goes through, outermost first: a
// request id (the apim-request-id header Azure sends, and the request_id of
// every log line about the request), then the observers and the access log.
func (s *Server) middleware(next http.Handler) http.Handler {
	level := slog.LevelDebug
	if s.cfg.AccessLog {
		level = slog.LevelInfo
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := api.NewRequestID()
		w.Header().Set("apim-request-id", id)
		client := r.Header.Get("x-ms-client-request-id")
		if client != "" {
			w.Header().Set("x-ms-client-request-id", client)
		}
		info := &api.RequestInfo{ID: id, Logger: s.cfg.Logger.With("request_id", id)}
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r.WithContext(api.WithRequestInfo(r.Context(), info)))
		d := time.Since(start)
		attrs := []slog.Attr{slog.String("operation", info.Operation), slog.String("method", r.Method),
			slog.String("path", logPath(r.URL)), slog.Int("status", rec.status), slog.Int64("bytes", rec.bytes),
			slog.Duration("duration", d)}
		if client != "" {
			attrs = append(attrs, slog.String("client_request_id", truncate(client, 128)))
		}
		info.Logger.LogAttrs(r.Context(), level, "request", attrs...)
		s.observeRequest(RequestEvent{RequestID: id, Method: r.Method, Path: r.URL.Path,
			Operation: info.Operation, Status: rec.status, Duration: d}, info.StoreError)
	})
}

// secretParam reports whether the values of a query parameter must never
// reach a log: keys
// (LUIS v2 URLs carry subscription-key) and anything named like a secret.
func secretParam(name string) bool {
	n := strings.ToLower(name)
	for _, s := range []string{"key", "token", "secret", "password", "sig", "code"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

// logPath is the path and query of u for the access log, with the values of
// secret parameters replaced and the whole cut to 2,048 bytes.
func logPath(u *url.URL) string {
	if u.RawQuery == "" {
		return truncate(u.Path, 2048)
	}
	q := u.Query()
	for name := range q {
		if secretParam(name) {
			q[name] = []string{"REDACTED"}
		}
	}
	return truncate(u.Path+"?"+q.Encode(), 2048)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
	bytes  int64 // of the body written
}

func (r *statusRecorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	r.wrote = true
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the real writer (flushes,
// deadlines).
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
