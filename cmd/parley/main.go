// Command parley is a self-hosted server that speaks the Azure AI Language
// Conversational Language Understanding (CLU) REST API, and a client for it.
//
//	parley serve [flags]                      start the server
//	parley project list|show|delete [NAME]    manage projects
//	parley import FILE [--project NAME]       import a project file
//	parley export PROJECT [-o FILE]           export a project file
//	parley convert FILE [--to luis|lu]        convert a .lu file to LUIS JSON, or back
//	parley train PROJECT --model LABEL [--split N|--manual]   train a model, print its evaluation
//	parley eval PROJECT MODEL [--min-accuracy X] ...          print a model's evaluation; fail below thresholds
//	parley deploy PROJECT DEPLOYMENT --model LABEL            deploy a trained model
//	parley predict PROJECT DEPLOYMENT TEXT | --file FILE      predict a text, or each line of a file
//	parley download-model PROJECT EXPORTED_MODEL [--dir DIR]  download an exported model for serve --models
//	parley version                            print the version
//	parley help [COMMAND]                     print the help of parley or of a command
package main

import (
	"bytes"
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
	"text/tabwriter"
)

// commands lists every command with what it does, for parley help; each
// command's own help starts with the same sentence.
var commands = []struct{ name, does string }{
	{"serve", "Starts the server."},
	{"project", "Lists, shows or deletes projects."},
	{"import", "Imports a project file."},
	{"export", "Exports a project file."},
	{"convert", "Converts a .lu file to LUIS JSON, or LUIS JSON to a .lu file."},
	{"train", "Trains a model, then prints its evaluation."},
	{"eval", "Prints a trained model's evaluation, and fails below thresholds."},
	{"deploy", "Deploys a trained model."},
	{"download-model", "Downloads an exported model for parley serve --models."},
	{"dev-cert", "Makes a development certificate for https on localhost."},
	{"predict", "Predicts the intent and entities of a text, or of each line of a file."},
	{"version", "Prints the version of parley."},
	{"help", "Prints the help of parley or of a command."},
}

// does is the sentence of commands that says what the command name does.
func does(name string) string {
	for _, c := range commands {
		if c.name == name {
			return c.does
		}
	}
	return ""
}

// writeUsage prints the help of parley.
func writeUsage(w io.Writer) {
	var b strings.Builder
	b.WriteString("usage: parley COMMAND [ARGUMENTS] [FLAGS]\n\n" +
		"Parley serves the Azure AI Language CLU REST API, and is a client for it.\n\ncommands:\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, c := range commands {
		fmt.Fprintf(tw, "  %s\t%s\n", c.name, c.does)
	}
	tw.Flush()
	b.WriteString("\nThe client commands (all but serve, convert, version and help) take --endpoint\n" +
		"(PARLEY_ENDPOINT), --key (PARLEY_KEY) and --api-version, before or after\n" +
		"their arguments. Run parley help COMMAND, or parley COMMAND -h, for a\n" +
		"command's usage and flags.\n")
	io.WriteString(w, b.String())
}

// badUsage is an error in how parley was called (an unknown command or
// flag, a missing argument): parley exits with status 2.
type badUsage struct{ err error }

func (e *badUsage) Error() string { return e.err.Error() }
func (e *badUsage) Unwrap() error { return e.err }

// usageErrorf returns a *badUsage that points at the help of cmd.
func usageErrorf(cmd, format string, args ...any) error {
	see := "parley help"
	if cmd != "" {
		see = "parley " + cmd + " -h"
	}
	return &badUsage{fmt.Errorf(format+" (see "+see+")", args...)}
}

// exitCode is parley's exit status after err: 0 for none (or help that was
// asked for), 2 for a usage error, 1 for anything else.
func exitCode(err error) int {
	var bu *badUsage
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &bu):
		return 2
	}
	return 1
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	if code := exitCode(err); code != 0 {
		fmt.Fprintln(os.Stderr, "parley:", err)
		os.Exit(code)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		writeUsage(stderr)
		return usageErrorf("", "no command")
	}
	switch args[0] {
	case "serve":
		return runServeCommand(ctx, args[1:], stdout, stderr)
	case "convert":
		if err := runConvert(ctx, args[1:], stdout, stderr); !errors.Is(err, flag.ErrHelp) {
			return err
		}
		return nil // it printed its help
	case "help", "-h", "--help", "-help":
		if len(args) == 2 && (args[1] == "-h" || args[1] == "--help" || args[1] == "-help") {
			args = []string{"help", "help"}
		}
		switch {
		case len(args) == 1:
			writeUsage(stdout)
			return nil
		case len(args) > 2:
			return usageErrorf("", "help takes one COMMAND, got %d arguments", len(args)-1)
		case args[1] == "help":
			fmt.Fprintf(stdout, "usage: parley help [COMMAND]\n\n%s\n", does("help"))
			return nil
		case args[1] == "version":
			fmt.Fprintf(stdout, "usage: parley version\n\n%s\n\nIt prints the main module's version, the VCS revision the binary was built\n"+
				"from (and (modified) when the tree had changes), and the Go version.\n", does("version"))
			return nil
		}
		if does(args[1]) == "" {
			return usageErrorf("", "unknown command %q", args[1])
		}
		return run(ctx, []string{args[1], "-h"}, stdout, stderr)
	case "version", "--version", "-version":
		if len(args) == 2 && (args[1] == "-h" || args[1] == "--help" || args[1] == "-help") {
			return run(ctx, []string{"help", "version"}, stdout, stderr)
		}
		if len(args) > 1 {
			return &badUsage{fmt.Errorf("version takes no arguments, got %q (see parley help version)", args[1])}
		}
		fmt.Fprintln(stdout, versionLine(debug.ReadBuildInfo()))
		return nil
	}
	if cmd, ok := clientCommands[args[0]]; ok {
		err := cmd(ctx, args[1:], stdout, stderr)
		if errors.Is(err, flag.ErrHelp) {
			return nil // the command printed its help
		}
		return withHint(err)
	}
	return usageErrorf("", "unknown command %q", args[0])
}

// runServeCommand runs parley serve. Its flag set writes to flagOut: when that is
// help that was asked for, it goes to stdout, and when it is a flag error, the
// error alone is reported, pointing at the help.
func runServeCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var flagOut bytes.Buffer
	err := runServe(ctx, args, stdout, &flagOut)
	switch {
	case errors.Is(err, flag.ErrHelp):
		_, err := stdout.Write(flagOut.Bytes())
		return err
	case err != nil && flagOut.Len() > 0: // the flag package reported a bad flag
		return usageErrorf("serve", "serve: %v", err)
	}
	stderr.Write(flagOut.Bytes())
	return err
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
