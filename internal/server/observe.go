package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/parley-dev/parley/internal/api"
	"github.com/parley-dev/parley/internal/job"
	"github.com/parley-dev/parley/internal/metrics"
)

// newMetrics makes the Prometheus collectors, reading the job queue from the
// store and the loaded models from the runtime at scrape time.
func (s *Server) newMetrics() {
	if s.cfg.NoMetrics {
		return
	}
	src := metrics.Sources{Models: func() (int, int64, int64, int64) {
		if s.service == nil {
			return 0, 0, 0, 0
		}
		st := s.service.Runtime.ModelStats()
		return st.Loaded, st.Bytes, st.Hits, st.Loads
	}}
	if s.store != nil {
		src.QueuedJobs = func(ctx context.Context) (map[string]int, error) {
			counts, err := s.store.QueuedJobs(ctx, s.cfg.Now())
			out := make(map[string]int, len(counts))
			for k, n := range counts {
				if s.runner == nil || !s.runner.Dormant(k) { // copy tokens are records, not work
					out[string(k)] = n
				}
			}
			return out, err
		}
	}
	s.metrics = metrics.New(src)
}

// observeJob feeds a job event to the metrics and the configured observer.
func (s *Server) observeJob(e job.Event) {
	if s.metrics != nil {
		s.metrics.ObserveJob(string(e.Kind), string(e.Outcome), e.Attempt, e.Duration, e.Waited)
	}
	if f := s.cfg.Observer.JobFunc; f != nil {
		f(e)
	}
}

// observePrediction feeds a prediction to the metrics.
func (s *Server) observePrediction(project, deployment string, d time.Duration, err error) {
	if s.metrics != nil {
		s.metrics.ObservePrediction(project, deployment, d, err)
	}
}

// observeRequest feeds an answered request to the metrics and the
// configured observer.
func (s *Server) observeRequest(e RequestEvent, storeError string) {
	if s.metrics != nil {
		s.metrics.ObserveRequest(e.Operation, e.Method, e.Status, e.Duration)
		if storeError != "" {
			s.metrics.ObserveStoreError(storeError)
		}
	}
	if f := s.cfg.Observer.RequestFunc; f != nil {
		f(e)
	}
}

// mountMetrics serves /metrics on the main listener behind the key, unless
// it has a listener of its own (MetricsListen) or is off.
func (s *Server) mountMetrics(mux *http.ServeMux, language *api.Server) {
	if s.metrics == nil || s.cfg.MetricsListen != "" {
		return
	}
	mux.Handle("GET /metrics", language.RequireKey(s.metrics.Handler()))
}

// startSide starts the listeners beside the main one: /metrics without a key
// on MetricsListen, pprof on PprofListen. A listener that cannot open is
// logged and left out; the API keeps serving.
func (s *Server) startSide(log *slog.Logger) {
	serve := func(what, addr string, h http.Handler) {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			log.Error("cannot listen for "+what, "addr", addr, "err", err)
			return
		}
		hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
		s.side = append(s.side, hs)
		go func() {
			if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Error(what+" stopped", "err", err)
			}
		}()
		log.Info("parley serving "+what, "addr", "http://"+ln.Addr().String())
	}
	if s.metrics != nil && s.cfg.MetricsListen != "" {
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", s.metrics.Handler())
		serve("metrics", s.cfg.MetricsListen, mux)
	}
	if s.cfg.PprofListen != "" {
		mux := http.NewServeMux()
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
		serve("pprof", s.cfg.PprofListen, mux)
	}
}

// stopSide closes the side listeners.
func (s *Server) stopSide(ctx context.Context) {
	for _, hs := range s.side {
		hs.Shutdown(ctx)
	}
	s.side = nil
}
