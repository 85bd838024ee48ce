package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	file := filepath.Join("..", "..", "testdata", "datasets", "smoke", "snips2017.smoke.clu.json")
	var out strings.Builder
	if err := run([]string{"-ask", "play some jazz", file}, &out); err != nil {
		t.Fatalf("run(%s) = %v", file, err)
	}
	for _, want := range []string{"intent accuracy", "entity micro-F1", "training", "p50", "peak RSS", `"play some jazz"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("run(%s) output lacks %q:\n%s", file, want, out.String())
		}
	}
}

func TestRunErrors(t *testing.T) {
	for _, args := range [][]string{{}, {"a", "b"}, {filepath.Join(t.TempDir(), "missing.json")}} {
		if err := run(args, &strings.Builder{}); err == nil {
			t.Errorf("run(%q) = nil, want an error", args)
		}
	}
}
