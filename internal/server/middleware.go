package server

import (
	"net/http"
	"time"

	"github.com/parley-dev/parley/internal/api"
)

// middleware is the chain every request goes through, outermost first: a
// request id (the apim-request-id header Azure sends, and the request_id of
// every log line about the request), then the observer and the request log.
func (s *Server) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := api.NewRequestID()
		w.Header().Set("apim-request-id", id)
		if c := r.Header.Get("x-ms-client-request-id"); c != "" {
			w.Header().Set("x-ms-client-request-id", c)
		}
		info := &api.RequestInfo{ID: id, Logger: s.cfg.Logger.With("request_id", id)}
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r.WithContext(api.WithRequestInfo(r.Context(), info)))
		d := time.Since(start)
		info.Logger.Debug("request", "method", r.Method, "path", r.URL.Path,
			"operation", info.Operation, "status", rec.status, "duration", d)
		if f := s.cfg.Observer.RequestFunc; f != nil {
			f(RequestEvent{RequestID: id, Method: r.Method, Path: r.URL.Path,
				Operation: info.Operation, Status: rec.status, Duration: d})
		}
	})
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (r *statusRecorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the real writer (flushes,
// deadlines).
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
