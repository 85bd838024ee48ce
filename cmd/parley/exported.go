package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/parley-dev/parley/internal/project"
)

func init() {
	clientCommands["download-model"] = runDownloadModel
}

// runDownloadModel implements "parley download-model": an exported model
// from an authoring Parley into DIR/{project}/{exportedModel}.parley, the
// layout parley serve --models serves.
func runDownloadModel(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cf := newClientFlags("download-model", "PROJECT EXPORTED_MODEL [--dir DIR]",
		"The file goes to DIR/PROJECT/EXPORTED_MODEL.parley; parley serve --models DIR then\n"+
			"answers :analyze-conversations for it with deploymentName EXPORTED_MODEL.", stdout)
	dir := fs.String("dir", "models", "directory of model files to download into")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usageError(fs, "download-model: want PROJECT and EXPORTED_MODEL, got %d arguments", len(pos))
	}
	c, err := cf.client()
	if err != nil {
		return err
	}
	p, name := pos[0], pos[1]
	for _, n := range []string{p, name} {
		if n == "" || n == "." || n == ".." || strings.ContainsAny(n, `/\`) {
			return usageError(fs, "download-model: %q cannot name a file of DIR/PROJECT/EXPORTED_MODEL.parley", n)
		}
	}
	b, err := c.DownloadExportedModel(ctx, p, name)
	if err != nil {
		return fmt.Errorf("download-model %s %s: %w", p, name, err)
	}
	if _, _, err := project.DecodeModelFile(b); err != nil {
		return fmt.Errorf("download-model %s %s: %w", p, name, err)
	}
	to := filepath.Join(*dir, p)
	if err := os.MkdirAll(to, 0o755); err != nil {
		return err
	}
	file := filepath.Join(to, name+project.ModelFileExt)
	// Written beside, then renamed, so a server reading the directory never
	// sees half a file.
	tmp := file + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, file); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Downloaded %s (%d bytes)\n", file, len(b))
	return nil
}
