package main

import (
	"bytes"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersion(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--version"}, {"-version"}, {"version"}} {
		var o, e bytes.Buffer
		err := run(t.Context(), args, &o, &e)
		if err != nil || e.Len() > 0 || !strings.HasPrefix(o.String(), "parley ") || !strings.HasSuffix(o.String(), " "+runtime.Version()+"\n") {
			t.Errorf("parley %s = %v, stdout %q, stderr %q; want \"parley VERSION ... %s\" on stdout", strings.Join(args, " "), err, o.String(), e.String(), runtime.Version())
		}
	}
}

func TestVersionLine(t *testing.T) {
	t.Parallel()
	info := func(version string, settings ...string) *debug.BuildInfo {
		bi := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/parley-dev/parley", Version: version}}
		for i := 0; i < len(settings); i += 2 {
			bi.Settings = append(bi.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
		}
		return bi
	}
	const rev = "0f3b87c4d1a2b3c4d5e6f708192a3b4c5d6e7f80"
	for _, tc := range []struct {
		name string
		bi   *debug.BuildInfo
		ok   bool
		want string
	}{
		{"devel with vcs", info("(devel)", "vcs.revision", rev, "vcs.modified", "false"), true, "parley (devel) 0f3b87c go1.26.8"},
		{"modified", info("(devel)", "vcs.revision", rev, "vcs.modified", "true"), true, "parley (devel) 0f3b87c (modified) go1.26.8"},
		{"tagged", info("v1.2.3", "vcs.revision", rev), true, "parley v1.2.3 0f3b87c go1.26.8"},
		{"no vcs", info(""), true, "parley (devel) go1.26.8"},
		{"no build info", nil, false, "parley (unknown) " + runtime.Version()},
	} {
		if got := versionLine(tc.bi, tc.ok); got != tc.want {
			t.Errorf("%s: versionLine() = %q, want %q", tc.name, got, tc.want)
		}
	}
}

// commandNames are every command parley has.
var commandNames = []string{"serve", "project", "import", "export", "convert", "train", "eval", "deploy", "predict", "version", "help"}

// TestHelp: parley CMD -h and parley help CMD print the same help on stdout
// and exit 0, in one shape for every command: a usage line, one sentence of
// what it does, then its flags.
func TestHelp(t *testing.T) {
	t.Setenv("PARLEY_KEY", "secret-of-the-user")
	for _, name := range commandNames {
		t.Run(name, func(t *testing.T) {
			var o1, e1, o2, e2 bytes.Buffer
			err1 := run(t.Context(), []string{name, "-h"}, &o1, &e1)
			err2 := run(t.Context(), []string{"help", name}, &o2, &e2)
			if err1 != nil || err2 != nil || e1.Len()+e2.Len() > 0 {
				t.Fatalf("parley %s -h = %v, stderr %q; parley help %s = %v, stderr %q; want both to succeed with nothing on stderr",
					name, err1, e1.String(), name, err2, e2.String())
			}
			if o1.String() != o2.String() {
				t.Errorf("parley %s -h printed\n%s\nparley help %s printed\n%s\nwant the same", name, o1.String(), name, o2.String())
			}
			help := o1.String()
			usage, rest, _ := strings.Cut(help, "\n\n")
			sentence, _, _ := strings.Cut(rest, "\n\n")
			sentence = strings.TrimSpace(sentence)
			if !strings.HasPrefix(usage, "usage: parley "+name) {
				t.Errorf("parley %s -h starts %q, want \"usage: parley %s\"", name, usage, name)
			}
			if sentence == "" || !strings.HasSuffix(sentence, ".") || strings.Count(sentence, ". ") > 0 {
				t.Errorf("parley %s -h: after the usage comes %q, want one sentence", name, sentence)
			}
			if name != "version" && name != "help" && !strings.Contains(help, "\n\nflags:\n  -") {
				t.Errorf("parley %s -h =\n%s\nwant a flags: section", name, help)
			}
			if strings.Contains(help, "secret-of-the-user") {
				t.Errorf("parley %s -h shows the PARLEY_KEY's value:\n%s", name, help)
			}
		})
	}
}

// TestHelpListsEveryCommand: parley help lists each command on a line of
// its own, with what it does.
func TestHelpListsEveryCommand(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}} {
		var o, e bytes.Buffer
		if err := run(t.Context(), args, &o, &e); err != nil || e.Len() > 0 {
			t.Fatalf("parley %s = %v, stderr %q; want success", strings.Join(args, " "), err, e.String())
		}
		for _, name := range commandNames {
			found := false
			for line := range strings.Lines(o.String()) {
				f := strings.Fields(line)
				found = found || len(f) > 1 && f[0] == name
			}
			if !found {
				t.Errorf("parley %s =\n%s\nwant a line \"%s  what it does\"", strings.Join(args, " "), o.String(), name)
			}
		}
	}
}

// TestUsageErrors: an unknown command or flag, or wrong arguments, print a
// short error that points at the help, nothing on stdout, and are usage
// errors (exit status 2).
func TestUsageErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"frob"}, `unknown command "frob" (see parley help)`},
		{[]string{"help", "frob"}, `unknown command "frob" (see parley help)`},
		{[]string{"export", "a", "--frob"}, "export: flag provided but not defined: -frob (see parley export -h)"},
		{[]string{"train", "P"}, "train: --model LABEL is required (see parley train -h)"},
		{[]string{"project", "frob"}, `project: unknown subcommand "frob" (see parley project -h)`},
		{[]string{"predict", "--concurrency", "x"}, "(see parley predict -h)"},
		{[]string{"serve", "--frob"}, "serve: flag provided but not defined: -frob (see parley serve -h)"},
		{[]string{"version", "x"}, `version takes no arguments, got "x" (see parley help version)`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Parallel()
			var o, e bytes.Buffer
			err := run(t.Context(), tc.args, &o, &e)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("parley %s = %v, want an error containing %q", strings.Join(tc.args, " "), err, tc.want)
			}
			if code := exitCode(err); code != 2 {
				t.Errorf("parley %s: exit status %d, want 2", strings.Join(tc.args, " "), code)
			}
			if o.Len() > 0 || e.Len() > 0 {
				t.Errorf("parley %s printed stdout %q, stderr %q; want only the error", strings.Join(tc.args, " "), o.String(), e.String())
			}
		})
	}
}
