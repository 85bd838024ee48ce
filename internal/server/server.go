// Package server is Parley's composition root: from a Config it builds the
// store, the services, the job runner and the HTTP stack, and runs them.
// cmd/parley and the in-process test server (internal/api/apitest) both use
// it, so what the tests run is what users run.
//
// The HTTP stack is an outer mux, where the CLU API is mounted at /language
// and /healthz and where /metrics or a web studio will mount beside it,
// behind one middleware chain: a request id on every answer and in every
// log line about the request, and observer hooks (Observer) that see each
// request by the spec's operationId and each job event.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/parley-dev/parley/internal/api"
	"github.com/parley-dev/parley/internal/job"
	"github.com/parley-dev/parley/internal/metrics"
	"github.com/parley-dev/parley/internal/project"
	"github.com/parley-dev/parley/internal/store/postgres"
	"github.com/parley-dev/parley/internal/store/sqlite"
)

// DefaultListen is where the server listens unless told otherwise.
const DefaultListen = "127.0.0.1:5800"

// DefaultDataDir is the embedded store's data directory unless told otherwise.
const DefaultDataDir = "parley-data"

// DevKey is the key the server accepts when none is configured, as Azure's
// local emulators have a well-known key. It is refused on non-loopback
// addresses.
const DevKey = "parley-dev-key"

// DefaultJobResultBytes is the default budget of finished jobs' results.
var DefaultJobResultBytes = job.DefaultRetain.ResultBytes

// Config is the configuration of a Server. Zero fields take defaults.
type Config struct {
	Listen  string
	DataDir string
	// Store is a PostgreSQL URL (postgres://...) for several replicas on
	// one database; empty means the embedded SQLite store in DataDir.
	Store           string
	Keys            []string
	PublicURL       string
	MaxBodyBytes    int64
	PageSize        int
	RetryAfter      int // seconds; default 1
	JobWorkers      int
	JobLease        time.Duration
	JobPollInterval time.Duration
	ShutdownTimeout time.Duration
	// MaxConns caps open connections; zero: DefaultMaxConns. Past it,
	// idle connections are closed to make room (conns.go).
	MaxConns int
	// ReadTimeout bounds reading a request, body included; WriteTimeout
	// writing its answer; IdleTimeout a connection's wait for its next
	// request. Zero: 2 minutes, 5 minutes, 30 seconds.
	ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	Limits                                 project.Limits // zero: project.DefaultLimits
	ModelMemory                            int64          // bytes of loaded models; zero: project.DefaultModelMemory
	Jobs                                   job.Limits     // unfinished jobs per project and kind, and in all; zero: project.DefaultJobLimits
	JobResultBytes                         int64          // bytes of finished jobs' results kept; zero: job.DefaultRetain
	TrainingMemory                         int64          // estimated bytes of the trainings run at once; zero: project.DefaultTrainingMemory
	Now                                    func() time.Time
	// TimeZone is where "now" is for relative dates and times in queries:
	// the prebuilt recognisers read Now's wall clock in it, unless a request
	// names its own (docs/compatibility.md). Nil means UTC.
	TimeZone *time.Location
	Logger   *slog.Logger
	Observer Observer
	// MetricsListen, when set, serves /metrics on this address of its own,
	// without a key (for a Prometheus on a private network), and not on the
	// main listener; otherwise /metrics is on the main listener behind the
	// key. NoMetrics turns /metrics off.
	MetricsListen string
	NoMetrics     bool
	// DeploymentPoll is how often the runtime reads the store's deployments
	// version to learn of other replicas' deploys (zero:
	// project.DefaultDeploymentPoll); this process's own apply at once.
	DeploymentPoll time.Duration
	// PprofListen, when set, serves net/http/pprof on this loopback address.
	PprofListen string
	// AccessLog writes one log line per request at level Info (else Debug).
	AccessLog bool
	// TLSCert and TLSKey, when set, are the PEM files of the certificate
	// chain and private key to serve https with (both or neither);
	// Server.ReloadTLS reads them again.
	TLSCert, TLSKey string
	// Models, when set, makes a runtime-only server: it serves the exported
	// model files of this directory (project.ModelDir) for predictions, with
	// no store, no jobs and no authoring, and writes nothing.
	Models string
}

// Observer receives events as they happen, for metrics and tests. Nil
// functions are skipped; they must be fast and safe for concurrent use.
type Observer struct {
	// RequestFunc sees every HTTP request once it has been answered.
	RequestFunc func(RequestEvent)
	// JobFunc sees every job run as it ends.
	JobFunc func(job.Event)
}

// RequestEvent is one answered HTTP request.
type RequestEvent struct {
	RequestID string
	Method    string
	Path      string
	// Operation is the spec's operationId of the route that answered, or
	// empty when no route matched (an unknown path, a wrong method).
	Operation string
	Status    int
	Duration  time.Duration
}

func (c *Config) validate() error {
	if c.Listen == "" {
		c.Listen = DefaultListen
	}
	if c.DataDir == "" {
		c.DataDir = DefaultDataDir
	}
	if c.ShutdownTimeout <= 0 {
		c.ShutdownTimeout = 30 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.TimeZone == nil {
		c.TimeZone = time.UTC
	}
	if c.MaxConns <= 0 {
		c.MaxConns = DefaultMaxConns()
	}
	if c.ReadTimeout <= 0 {
		// 64 MiB, the default largest body, at half a megabyte a second.
		c.ReadTimeout = 2 * time.Minute
	}
	if c.WriteTimeout <= 0 {
		// The largest export, tens of megabytes, to a slow reader.
		c.WriteTimeout = 5 * time.Minute
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = 30 * time.Second
	}
	if len(c.Keys) == 0 {
		c.Keys = []string{DevKey}
	}
	for _, k := range c.Keys {
		if k == DevKey && !loopback(c.Listen) {
			return fmt.Errorf("refusing to listen on %s with the development key %q: pass --key (or PARLEY_KEYS) with a secret key", c.Listen, DevKey)
		}
		if k == "" {
			return errors.New("empty key: every --key needs a value")
		}
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return errors.New("https needs both --tls-cert and --tls-key (PARLEY_TLS_CERT, PARLEY_TLS_KEY): the certificate chain and its private key, PEM files")
	}
	if c.PprofListen != "" && !loopback(c.PprofListen) {
		return fmt.Errorf("--pprof %s: profiling is served on a loopback address only, such as 127.0.0.1:6060", c.PprofListen)
	}
	if c.MetricsListen != "" && c.NoMetrics {
		return errors.New("--metrics-listen with metrics turned off: drop one of them")
	}
	if c.Models != "" && c.Store != "" {
		return errors.New("--models serves model files without a store: drop --store (or --models)")
	}
	if c.Store != "" && !isPostgresURL(c.Store) {
		return fmt.Errorf("--store %q: want a postgres:// URL, or nothing for the embedded store in --data", c.Store)
	}
	return nil
}

func isPostgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// loopback reports whether addr listens on a loopback interface only.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Store is what the server keeps its state in: one of the store packages.
type Store interface {
	project.Store
	job.Store
	Close() error
}

// Server is Parley wired together.
type Server struct {
	cfg     Config
	store   Store
	runner  *job.Runner
	service *project.Services
	handler http.Handler
	certs   *certReloader // nil: plain http
	metrics *metrics.Metrics
	side    []*http.Server     // the metrics and pprof listeners
	unwatch context.CancelFunc // stops the runtime's deployment watcher

	http   *http.Server
	ln     net.Listener
	served chan error
	closed chan struct{} // runtime-only: closed by Close
}

// New validates cfg, opens the store and wires the services, the job runner
// and the HTTP handler. Nothing runs until Start (or, in tests, until the
// runner is stepped by hand); Close releases the store.
func New(ctx context.Context, cfg Config) (*Server, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg}
	if cfg.TLSCert != "" {
		var err error
		if s.certs, err = newCertReloader(cfg.TLSCert, cfg.TLSKey); err != nil {
			return nil, err
		}
	}
	if cfg.Models != "" {
		return s, s.buildRuntimeOnly()
	}
	var err error
	if isPostgresURL(cfg.Store) {
		s.store, err = postgres.Open(ctx, cfg.Store)
	} else {
		s.store, err = sqlite.Open(ctx, cfg.DataDir)
	}
	if err != nil {
		return nil, err
	}
	s.build()
	return s, nil
}

// build wires the services, the runner and the HTTP stack over s.store.
func (s *Server) build() {
	cfg := s.cfg
	s.newMetrics()
	s.runner = job.NewRunner(s.store, job.Config{
		Workers: cfg.JobWorkers, Lease: cfg.JobLease, PollInterval: cfg.JobPollInterval, Keep: job.Retain{ResultBytes: cfg.JobResultBytes},
		Now: cfg.Now, Logger: cfg.Logger, ObserveFunc: s.observeJob,
	})
	s.service = project.New(s.store, s.store, s.runner.Notify, project.Config{Limits: cfg.Limits, Jobs: cfg.Jobs, TrainingMemory: cfg.TrainingMemory, Now: cfg.Now, ModelMemory: cfg.ModelMemory,
		TimeZone: cfg.TimeZone, CopyFunc: sendCopy, PredictionFunc: s.observePrediction})
	project.RegisterJobs(s.runner, s.service)
	language := api.New(s.service, api.Config{
		Keys: cfg.Keys, PublicURL: cfg.PublicURL, MaxBodyBytes: cfg.MaxBodyBytes,
		PageSize: cfg.PageSize, RetryAfter: cfg.RetryAfter, Logger: cfg.Logger,
	})
	// The outer mux: the CLU API owns /language and /healthz (and answers
	// every other path with its own Azure-shaped 404); other surfaces mount
	// here beside it.
	mux := http.NewServeMux()
	mux.Handle("/", language)
	s.mountMetrics(mux, language)
	s.handler = s.middleware(mux)
}

// buildRuntimeOnly wires the runtime over the model files of cfg.Models.
func (s *Server) buildRuntimeOnly() error {
	cfg := s.cfg
	dir, err := project.OpenModelDir(cfg.Models)
	if err != nil {
		return err
	}
	s.newMetrics()
	s.service = project.NewRuntimeOnly(dir, project.Config{Now: cfg.Now, ModelMemory: cfg.ModelMemory, TimeZone: cfg.TimeZone, PredictionFunc: s.observePrediction})
	language := api.New(s.service, api.Config{
		Keys: cfg.Keys, PublicURL: cfg.PublicURL, MaxBodyBytes: cfg.MaxBodyBytes,
		PageSize: cfg.PageSize, RetryAfter: cfg.RetryAfter, Logger: cfg.Logger, RuntimeOnly: true,
	})
	mux := http.NewServeMux()
	mux.Handle("/", language)
	s.mountMetrics(mux, language)
	s.handler = s.middleware(mux)
	s.closed = make(chan struct{})
	return nil
}

// Handler is the HTTP stack: the outer mux behind the middleware chain.
func (s *Server) Handler() http.Handler { return s.handler }

// Store is the store the server runs on.
func (s *Server) Store() Store { return s.store }

// Runner is the job runner; tests step it by hand with RunOnce.
func (s *Server) Runner() *job.Runner { return s.runner }

// Services are the project services, for in-process benchmarks that skip HTTP.
func (s *Server) Services() *project.Services { return s.service }

// Listen opens cfg.Listen. It is separate from New so that a program can
// fail on a taken port before it creates a data directory.
func Listen(cfg Config) (net.Listener, error) {
	addr := cfg.Listen
	if addr == "" {
		addr = DefaultListen
	}
	return net.Listen("tcp", addr)
}

// Start starts the job runner and serves HTTP on ln; it returns at once.
// Served reports when serving stops on its own.
func (s *Server) Start(ctx context.Context, ln net.Listener) {
	s.ln = ln
	if s.runner != nil {
		s.runner.Start(context.WithoutCancel(ctx))
	}
	s.WatchDeployments(ctx)
	log := s.cfg.Logger
	limited := newConnLimiter(ln, s.cfg.MaxConns)
	s.http = &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		ConnState:         limited.connState,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	s.served = make(chan error, 1)
	if s.certs != nil {
		s.http.TLSConfig = s.certs.tlsConfig()
		go func() { s.served <- s.http.ServeTLS(limited, "", "") }()
	} else {
		go func() { s.served <- s.http.Serve(limited) }()
	}
	where := "sqlite:" + s.cfg.DataDir
	if s.cfg.Models != "" {
		where = "models:" + s.cfg.Models + " (runtime only)"
	} else if s.cfg.Store != "" {
		where = "postgres" // the URL may hold a password: not logged
	}
	log.Info("parley serving", "addr", s.Scheme()+"://"+s.Addr(), "store", where)
	s.startSide(log)
}

// WatchDeployments makes predictions take deployments from memory, read
// again when the store says they changed (project.Runtime.WatchDeployments),
// until Close. Start calls it; in-process tests may.
func (s *Server) WatchDeployments(ctx context.Context) {
	if s.service == nil || s.unwatch != nil {
		return
	}
	var wctx context.Context
	wctx, s.unwatch = context.WithCancel(context.WithoutCancel(ctx))
	s.service.Runtime.WatchDeployments(wctx, s.cfg.DeploymentPoll)
}

// Addr is the address the server listens on, once started.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Served receives the error that stopped serving, if it stops on its own.
func (s *Server) Served() <-chan error { return s.served }

// Config is the configuration in use, defaults filled in.
func (s *Server) Config() Config { return s.cfg }

// Close shuts down gracefully: it stops taking requests, lets running jobs
// finish (or hands them back to the store to run after a restart), and
// closes the store. It is safe to call twice.
func (s *Server) Close() error {
	if s.closed != nil {
		select {
		case <-s.closed:
			return nil
		default:
			close(s.closed)
		}
		if s.http == nil {
			return nil
		}
		ctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
		defer cancel()
		s.stopSide(ctx)
		return s.http.Shutdown(ctx)
	}
	if s.unwatch != nil {
		s.unwatch()
	}
	if s.store == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	var errs []error
	s.stopSide(ctx)
	if s.http != nil {
		errs = append(errs, s.http.Shutdown(ctx))
	}
	errs = append(errs, s.runner.Stop(ctx), s.store.Close())
	s.http, s.store = nil, nil
	return errors.Join(errs...)
}
