package main

import (
	"fmt"
	"os"
	"testing"
)

// TestMain gives the process tests a directory for the parley binary, which
// parleyBinary builds there on first use, and removes it at the end.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "parley-test-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "TestMain:", err)
		os.Exit(1)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
