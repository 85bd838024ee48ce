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
