package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
	// The IANA time zone database, built in, so that --timezone and a
	// request's parleyTimeZone know every name on a machine without one
	// (a minimal container image); it adds about 450 kB to the binary.
	_ "time/tzdata"

	"github.com/parley-dev/parley/internal/project"
	"github.com/parley-dev/parley/internal/server"
)

// DefaultListen is where parley serve listens unless told otherwise.
const DefaultListen = server.DefaultListen

// DevKey is the key parley serve accepts when none is configured.
const DevKey = server.DevKey

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

const serveUsage = `usage: parley serve [flags]

Starts the server.

It serves the CLU authoring and runtime API on one port, with the embedded
store in --data, or PostgreSQL shared by replicas with --store.

flags:
`

// serveFlags parses the flags and environment of parley serve into a Config.
func serveFlags(args []string, stderr io.Writer) (server.Config, error) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), serveUsage)
		fs.PrintDefaults()
	}
	var cfg server.Config
	var keys keyList
	fs.StringVar(&cfg.Listen, "listen", envOr("PARLEY_LISTEN", DefaultListen), "address to listen on (PARLEY_LISTEN)")
	fs.StringVar(&cfg.DataDir, "data", envOr("PARLEY_DATA", server.DefaultDataDir), "data directory of the embedded store (PARLEY_DATA)")
	fs.StringVar(&cfg.Store, "store", envOr("PARLEY_STORE", ""), "postgres://... URL of a PostgreSQL store shared by replicas (PARLEY_STORE); default the embedded store in --data")
	fs.Var(&keys, "key", "accepted Ocp-Apim-Subscription-Key; repeat for two keys (PARLEY_KEYS, comma-separated); visible to ps, so prefer --key-file")
	keyFile := fs.String("key-file", envOr("PARLEY_KEY_FILE", ""), "file of accepted keys, one a line; # starts a comment (PARLEY_KEY_FILE)")
	fs.StringVar(&cfg.PublicURL, "public-url", envOr("PARLEY_PUBLIC_URL", ""), "endpoint URL clients use, when behind a proxy (PARLEY_PUBLIC_URL)")
	fs.Int64Var(&cfg.MaxBodyBytes, "max-body", 64<<20, "largest request body in bytes")
	fs.IntVar(&cfg.PageSize, "page-size", 100, "default page size of list operations")
	fs.IntVar(&cfg.JobWorkers, "job-workers", 4, "jobs run at once")
	fs.IntVar(&cfg.Jobs.PerKind, "project-jobs", project.DefaultJobLimits.PerKind, "unfinished jobs of one kind (export, import ...) a project may have; past it, 429 (training: one, always)")
	fs.IntVar(&cfg.Jobs.Total, "job-queue", project.DefaultJobLimits.Total, "unfinished jobs the server holds in all; past it, 429")
	fs.Int64Var(&cfg.JobResultBytes, "job-result-bytes", server.DefaultJobResultBytes, "bytes of finished jobs' results (exports) kept; past it the oldest finished jobs go before they expire")
	fs.DurationVar(&cfg.JobLease, "job-lease", 30*time.Second, "how long a job claim lasts without renewal")
	fs.IntVar(&cfg.MaxConns, "max-conns", 0, "open connections at most; past it idle ones are closed to make room (default: 3/4 of the file descriptor limit)")
	fs.DurationVar(&cfg.ReadTimeout, "read-timeout", 2*time.Minute, "time to read a request, body included")
	fs.DurationVar(&cfg.WriteTimeout, "write-timeout", 5*time.Minute, "time to write an answer")
	fs.DurationVar(&cfg.IdleTimeout, "idle-timeout", 30*time.Second, "how long a connection may wait for its next request")
	fs.Int64Var(&cfg.TrainingMemory, "training-memory", project.DefaultTrainingMemory, "estimated bytes the trainings running at once may take; a training waits for room (one larger than this runs alone)")
	fs.Int64Var(&cfg.ModelMemory, "model-memory", project.DefaultModelMemory, "bytes of trained models kept loaded for predictions, least recently used evicted first")
	fs.StringVar(&cfg.MetricsListen, "metrics-listen", envOr("PARLEY_METRICS_LISTEN", ""), "serve /metrics on this address instead, without a key, for a Prometheus on a private network (PARLEY_METRICS_LISTEN); default /metrics on --listen, behind the key")
	metricsOn := fs.Bool("metrics", true, "serve Prometheus metrics at /metrics")
	fs.DurationVar(&cfg.DeploymentPoll, "deployment-poll", project.DefaultDeploymentPoll, "how often to check the store for deployments changed by other replicas: the bound on how late a deploy or swap reaches this one (its own apply at once)")
	fs.StringVar(&cfg.PprofListen, "pprof", envOr("PARLEY_PPROF", ""), "serve Go's pprof profiles at /debug/pprof/ on this loopback address, such as 127.0.0.1:6060 (PARLEY_PPROF)")
	logFormat := fs.String("log-format", envOr("PARLEY_LOG_FORMAT", "text"), "log lines as text or json (PARLEY_LOG_FORMAT)")
	fs.BoolVar(&cfg.AccessLog, "access-log", true, "log one line per request (request id, operation, method, path without secrets, status, bytes, duration, x-ms-client-request-id)")
	fs.StringVar(&cfg.TLSCert, "tls-cert", envOr("PARLEY_TLS_CERT", ""), "PEM file of the certificate chain (leaf first) to serve https with, read again on SIGHUP; with --tls-key (PARLEY_TLS_CERT; parley dev-cert makes one for localhost)")
	fs.StringVar(&cfg.TLSKey, "tls-key", envOr("PARLEY_TLS_KEY", ""), "PEM file of the private key of --tls-cert (PARLEY_TLS_KEY)")
	fs.StringVar(&cfg.Models, "models", envOr("PARLEY_MODELS", ""), "runtime only: serve predictions for the exported model files DIR/{project}/{exportedModel}.parley (deploymentName = exportedModel); no authoring, no store, nothing written (PARLEY_MODELS)")
	timeZone := fs.String("timezone", envOr("PARLEY_TIMEZONE", "UTC"), "IANA time zone (Europe/Paris) whose wall clock is \"now\" for relative dates and times in queries (PARLEY_TIMEZONE)")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("serve takes no arguments, got %q (see parley serve -h)", fs.Arg(0))
	}
	if *timeZone == "" {
		*timeZone = "UTC" // PARLEY_TIMEZONE set empty: the default, as with the other variables
	}
	loc, err := project.ParseTimeZone(*timeZone)
	if err != nil {
		return cfg, fmt.Errorf("--timezone %q: not a time zone Parley knows; give an IANA name such as Europe/Paris, or UTC (PARLEY_TIMEZONE)", *timeZone)
	}
	cfg.TimeZone = loc
	cfg.NoMetrics = !*metricsOn
	switch *logFormat {
	case "text", "":
		cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	case "json":
		cfg.Logger = slog.New(slog.NewJSONHandler(os.Stderr, nil))
	default:
		return cfg, fmt.Errorf("--log-format %q: want text or json (PARLEY_LOG_FORMAT)", *logFormat)
	}
	cfg.Keys = keys
	if len(keys) == 0 {
		if env := os.Getenv("PARLEY_KEYS"); env != "" {
			cfg.Keys = strings.Split(env, ",")
		}
	}
	if *keyFile != "" {
		fileKeys, err := readKeyFile(*keyFile)
		if err != nil {
			return cfg, err
		}
		cfg.Keys = append(cfg.Keys, fileKeys...)
	}
	return cfg, nil
}

// readKeyFile reads the keys of a --key-file: one a line, blank lines and
// lines starting with # skipped.
func readKeyFile(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--key-file: %w", err)
	}
	var keys []string
	for line := range strings.Lines(string(b)) {
		k := strings.TrimSpace(line)
		if k != "" && !strings.HasPrefix(k, "#") {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("--key-file %s holds no key: write one key a line", path)
	}
	return keys, nil
}

// startServer listens, then opens the store and starts serving. It listens
// first so that a taken port fails before a data directory is created.
func startServer(ctx context.Context, cfg server.Config) (*server.Server, error) {
	ln, err := server.Listen(cfg)
	if err != nil {
		return nil, listenError(cfg.Listen, err)
	}
	srv, err := server.New(ctx, cfg)
	if err != nil {
		ln.Close()
		return nil, err
	}
	srv.Start(ctx, ln)
	return srv, nil
}

// listenError says what to do about a failed listen in the flag's terms.
func listenError(addr string, err error) error {
	if addr == "" {
		addr = DefaultListen
	}
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		return fmt.Errorf("cannot listen on %s: another program is using that address; stop it, or pick another with --listen (PARLEY_LISTEN)", addr)
	case errors.Is(err, syscall.EACCES):
		return fmt.Errorf("cannot listen on %s: permission denied (ports below 1024 need privileges); pick another with --listen (PARLEY_LISTEN)", addr)
	}
	return fmt.Errorf("cannot listen on %q: %v; --listen (PARLEY_LISTEN) takes host:port, such as %s", addr, err, DefaultListen)
}

// runServe implements "parley serve".
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := serveFlags(args, stderr)
	if err != nil {
		return err
	}
	srv, err := startServer(ctx, cfg)
	if err != nil {
		return err
	}
	used := srv.Config()
	if len(used.Keys) == 1 && used.Keys[0] == DevKey {
		fmt.Fprintf(stdout, "Parley is serving at %s://%s with the development key: %s\n", srv.Scheme(), srv.Addr(), DevKey)
	} else {
		fmt.Fprintf(stdout, "Parley is serving at %s://%s\n", srv.Scheme(), srv.Addr())
	}
	// SIGHUP reads the certificate and key files again (a renewal); the
	// connections open keep theirs.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for {
		select {
		case <-ctx.Done():
			used.Logger.Info("shutting down")
			return srv.Close()
		case err := <-srv.Served():
			srv.Close()
			return err
		case <-hup:
			if err := srv.ReloadTLS(); err != nil {
				used.Logger.Error("SIGHUP: certificate not reloaded; serving the one in use", "err", err)
			} else {
				used.Logger.Info("SIGHUP: certificate reloaded", "cert", used.TLSCert)
			}
		}
	}
}
