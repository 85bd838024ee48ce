// Command parley is a self-hosted server that speaks the Azure AI Language
// Conversational Language Understanding (CLU) REST API, and a client for it.
//
//	parley serve [flags]                      start the server
//	parley project list|show|delete [NAME]    manage projects
//	parley import FILE [--project NAME]       import a project file
//	parley export PROJECT [-o FILE]           export a project file
//	parley train PROJECT --model LABEL [--split N|--manual]   train a model, print its evaluation
//	parley eval PROJECT MODEL [--min-accuracy X] ...          print a model's evaluation; fail below thresholds
//	parley deploy PROJECT DEPLOYMENT --model LABEL            deploy a trained model
//	parley predict PROJECT DEPLOYMENT TEXT | --file FILE      predict a text, or each line of a file
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
)

const usage = `usage:
  parley serve [--listen ADDR] [--data DIR] [--key KEY]... [--public-url URL]
  parley project list|show NAME|delete NAME
  parley import FILE [--project NAME]
  parley export PROJECT [-o FILE]
  parley train PROJECT --model LABEL [--split N | --manual]
  parley eval PROJECT MODEL [--min-accuracy X] [--min-f1 Y] [--min-entity-f1 Z]
  parley deploy PROJECT DEPLOYMENT --model LABEL
  parley predict PROJECT DEPLOYMENT TEXT [--json] [--language LANG] [--string-index-type UNIT]
  parley predict PROJECT DEPLOYMENT --file FILE [--json] [--concurrency N]

Client commands take --endpoint (PARLEY_ENDPOINT) and --key (PARLEY_KEY).
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return // -h printed the command's usage
		}
		fmt.Fprintln(os.Stderr, "parley:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command")
	}
	switch args[0] {
	case "serve":
		return runServe(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	case "version", "--version", "-version":
		if len(args) > 1 {
			return fmt.Errorf("version takes no arguments, got %q", args[1])
		}
		fmt.Fprintln(stdout, versionLine(debug.ReadBuildInfo()))
		return nil
	}
	if cmd, ok := clientCommands[args[0]]; ok {
		return withHint(cmd(ctx, args[1:], stdout, stderr))
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

// clientCommands are the commands that talk to a server over HTTP; they are
// registered by client.go.
var clientCommands = map[string]func(ctx context.Context, args []string, stdout, stderr io.Writer) error{}

// versionLine is what parley version prints: the main module's version, the
// VCS revision the binary was built from (and whether the work tree had
// changes), and the Go version, such as "parley (devel) 0f3b87c go1.26.8".
func versionLine(bi *debug.BuildInfo, ok bool) string {
	if !ok {
		return "parley (unknown) " + runtime.Version()
	}
	parts := []string{"parley", bi.Main.Version}
	if parts[1] == "" {
		parts[1] = "(devel)"
	}
	var modified bool
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			parts = append(parts, s.Value[:min(len(s.Value), 7)])
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if modified {
		parts = append(parts, "(modified)")
	}
	return strings.Join(append(parts, bi.GoVersion), " ")
}
