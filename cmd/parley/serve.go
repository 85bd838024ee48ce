package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/parley-dev/parley/internal/api"
	"github.com/parley-dev/parley/internal/job"
	"github.com/parley-dev/parley/internal/project"
	"github.com/parley-dev/parley/internal/store/postgres"
	"github.com/parley-dev/parley/internal/store/sqlite"
)

// DefaultListen is where parley serve listens unless told otherwise.
const DefaultListen = "127.0.0.1:5800"

// DevKey is the key parley serve accepts when none is configured, as Azure's
// local emulators have a well-known key. It is refused on non-loopback
// addresses.
const DevKey = "parley-dev-key"

// Config is the configuration of parley serve.
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
	JobWorkers      int
	JobLease        time.Duration
	ShutdownTimeout time.Duration
	Logger          *slog.Logger
}

func (c *Config) validate() error {
	if c.Listen == "" {
		c.Listen = DefaultListen
	}
	if c.DataDir == "" {
		c.DataDir = "parley-data"
	}
	if c.ShutdownTimeout <= 0 {
		c.ShutdownTimeout = 30 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
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
	return nil
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

// store is what the server keeps its state in: one of the store packages.
type store interface {
	project.Store
	job.Store
	Close() error
}

// openStore opens the configured store.
func (c *Config) openStore(ctx context.Context) (store, error) {
	if strings.HasPrefix(c.Store, "postgres://") || strings.HasPrefix(c.Store, "postgresql://") {
		return postgres.Open(ctx, c.Store)
	}
	if c.Store != "" {
		return nil, fmt.Errorf("--store %q: want a postgres:// URL, or nothing for the embedded store in --data", c.Store)
	}
	return sqlite.Open(ctx, c.DataDir)
}

// Main is the server program: store, job runner and HTTP server.
type Main struct {
	cfg    Config
	store  store
	runner *job.Runner
	http   *http.Server
	ln     net.Listener
	served chan error
}

// NewMain returns the program for cfg.
func NewMain(cfg Config) *Main { return &Main{cfg: cfg} }

// Addr is the address the server listens on, once Run has returned.
func (m *Main) Addr() string { return m.ln.Addr().String() }

// Run opens the store, starts the job runner and starts serving; it returns
// once the server listens.
func (m *Main) Run(ctx context.Context) error {
	if err := m.cfg.validate(); err != nil {
		return err
	}
	log := m.cfg.Logger
	var err error
	if m.store, err = m.cfg.openStore(ctx); err != nil {
		return err
	}
	m.runner = job.NewRunner(m.store, job.Config{Workers: m.cfg.JobWorkers, Lease: m.cfg.JobLease, Logger: log})
	svc := project.NewService(m.store, m.store, m.runner.Notify, project.Config{})
	for kind, h := range svc.Handlers() {
		m.runner.Handle(kind, h)
	}
	srv := api.New(svc, api.Config{
		Keys: m.cfg.Keys, PublicURL: m.cfg.PublicURL, MaxBodyBytes: m.cfg.MaxBodyBytes,
		PageSize: m.cfg.PageSize, Logger: log,
	})
	if m.ln, err = net.Listen("tcp", m.cfg.Listen); err != nil {
		m.store.Close()
		return err
	}
	m.runner.Start(context.WithoutCancel(ctx))
	m.http = &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	m.served = make(chan error, 1)
	go func() { m.served <- m.http.Serve(m.ln) }()
	where := "sqlite:" + m.cfg.DataDir
	if m.cfg.Store != "" {
		where = "postgres" // the URL may hold a password: not logged
	}
	log.Info("parley serving", "addr", "http://"+m.Addr(), "store", where)
	return nil
}

// Close shuts down gracefully: it stops taking requests, lets running jobs
// finish (or hands them back to the store to run after restart), and closes
// the store. It is safe to call twice.
func (m *Main) Close() error {
	if m.http == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), m.cfg.ShutdownTimeout)
	defer cancel()
	errs := []error{m.http.Shutdown(ctx), m.runner.Stop(ctx), m.store.Close()}
	m.http = nil
	return errors.Join(errs...)
}

// envOr returns the environment variable name, or def when it is unset.
func envOr(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

// keyList is a repeatable --key flag.
type keyList []string

func (k *keyList) String() string     { return strings.Join(*k, ",") }
func (k *keyList) Set(v string) error { *k = append(*k, v); return nil }

// runServe implements "parley serve".
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg Config
	var keys keyList
	fs.StringVar(&cfg.Listen, "listen", envOr("PARLEY_LISTEN", DefaultListen), "address to listen on (PARLEY_LISTEN)")
	fs.StringVar(&cfg.DataDir, "data", envOr("PARLEY_DATA", "parley-data"), "data directory of the embedded store (PARLEY_DATA)")
	fs.StringVar(&cfg.Store, "store", envOr("PARLEY_STORE", ""), "postgres://... URL of a PostgreSQL store shared by replicas (PARLEY_STORE); default the embedded store in --data")
	fs.Var(&keys, "key", "accepted Ocp-Apim-Subscription-Key; repeat for two keys (PARLEY_KEYS, comma-separated)")
	fs.StringVar(&cfg.PublicURL, "public-url", envOr("PARLEY_PUBLIC_URL", ""), "endpoint URL clients use, when behind a proxy (PARLEY_PUBLIC_URL)")
	fs.Int64Var(&cfg.MaxBodyBytes, "max-body", 64<<20, "largest request body in bytes")
	fs.IntVar(&cfg.PageSize, "page-size", 100, "default page size of list operations")
	fs.IntVar(&cfg.JobWorkers, "job-workers", 4, "jobs run at once")
	fs.DurationVar(&cfg.JobLease, "job-lease", 30*time.Second, "how long a job claim lasts without renewal")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg.Keys = keys
	if len(keys) == 0 {
		if env := os.Getenv("PARLEY_KEYS"); env != "" {
			cfg.Keys = strings.Split(env, ",")
		}
	}
	m := NewMain(cfg)
	if err := m.Run(ctx); err != nil {
		return err
	}
	if len(m.cfg.Keys) == 1 && m.cfg.Keys[0] == DevKey {
		fmt.Fprintf(stdout, "Parley is serving at http://%s with the development key: %s\n", m.Addr(), DevKey)
	} else {
		fmt.Fprintf(stdout, "Parley is serving at http://%s\n", m.Addr())
	}
	select {
	case <-ctx.Done():
	case err := <-m.served:
		m.Close()
		return err
	}
	m.cfg.Logger.Info("shutting down")
	return m.Close()
}
