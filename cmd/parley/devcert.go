package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/parley-dev/parley/internal/devcert"
)

func init() {
	clientCommands["dev-cert"] = runDevCert
}

// runDevCert implements "parley dev-cert": a local certificate authority
// (made once, then reused) and a certificate it signs for localhost,
// 127.0.0.1 and ::1, with how to serve https with them and how each client
// trusts them.
func runDevCert(_ context.Context, args []string, stdout, _ io.Writer) error {
	fs := flag.NewFlagSet("dev-cert", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		writeHelp(stdout, fs, "[--dir DIR]",
			"DIR gets ca.pem (the authority's certificate: trust it in clients, once), ca-key.pem\n"+
				"(its key, which signs the next certificate: keep it private), and cert.pem and key.pem\n"+
				"for parley serve --tls-cert and --tls-key. Run it again to renew the server certificate\n"+
				"with the same authority; a running server takes the new one on SIGHUP. For development\n"+
				"only: in production, use a certificate from your own authority.")
	}
	dir := fs.String("dir", "parley-certs", "directory of the certificates")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usageError(fs, "dev-cert: takes no arguments, got %q", pos[0])
	}
	res, err := devcert.Generate(*dir, time.Now())
	if err != nil {
		return fmt.Errorf("dev-cert: %w", err)
	}
	abs, err := filepath.Abs(res.Dir)
	if err != nil {
		abs = res.Dir
	}
	ca := filepath.Join(abs, devcert.CAFile)
	var b strings.Builder
	if res.CreatedCA {
		fmt.Fprintf(&b, "Made a development certificate authority, %s: trust it once in your clients (below).\n", ca)
	} else {
		fmt.Fprintf(&b, "Reused the development certificate authority %s.\n", ca)
	}
	fmt.Fprintf(&b, "Made a certificate for %s, valid until %s.\n\n", strings.Join(devcert.Hosts, ", "), res.NotAfter.Format(time.DateOnly))
	fmt.Fprintf(&b, "Serve https with it:\n  parley serve --tls-cert %s --tls-key %s\n\n",
		filepath.Join(abs, devcert.CertFile), filepath.Join(abs, devcert.KeyFile))
	fmt.Fprintf(&b, "Trust the authority (ca.pem only; never share ca-key.pem):\n")
	fmt.Fprintf(&b, "  curl:    curl --cacert %s https://127.0.0.1:5800/healthz\n", ca)
	fmt.Fprintf(&b, "  Python:  export REQUESTS_CA_BUNDLE=%s\n", ca)
	fmt.Fprintf(&b, "           (or pass connection_verify=%q to the Azure client)\n", ca)
	fmt.Fprintf(&b, "  Node:    export NODE_EXTRA_CA_CERTS=%s\n", ca)
	fmt.Fprintf(&b, "  Go:      export SSL_CERT_FILE=%s   (or add it to tls.Config.RootCAs)\n", ca)
	fmt.Fprintf(&b, "  parley:  export PARLEY_CA_CERT=%s   (or --ca-cert), with --endpoint https://127.0.0.1:5800\n", ca)
	_, err = io.WriteString(stdout, b.String())
	return err
}
