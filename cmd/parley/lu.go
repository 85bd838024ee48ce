package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/parley-dev/parley/internal/client"
	"github.com/parley-dev/parley/internal/lu"
)

// isLUFile reports whether the file name, with content b, is a .lu file:
// by its extension, or, for other names, by content that is not JSON.
func isLUFile(name string, b []byte) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".lu":
		return true
	case ".json":
		return false
	}
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(b, []byte("\ufeff")), " \t\r\n")
	return len(trimmed) > 0 && trimmed[0] != '{'
}

// readLU converts the .lu file name, reading its imports from root (the
// file's own directory when root is ""), into LUIS JSON. Errors name the
// files as the user can find them.
func readLU(name, root string) (*lu.App, error) {
	if root == "" {
		root = filepath.Dir(name)
	}
	rel, err := filepath.Rel(root, name)
	if err != nil || !filepath.IsLocal(rel) {
		return nil, fmt.Errorf("%s is not inside --lu-root %s; pass a --lu-root that holds it and its imports", name, root)
	}
	app, err := lu.Parse(os.DirFS(root), filepath.ToSlash(rel), nil)
	var le *lu.Error
	if errors.As(err, &le) {
		shown := *le
		shown.File = filepath.Join(root, filepath.FromSlash(le.File))
		return nil, &shown
	}
	return app, err
}

// encodeLUIS returns app as indented LUIS JSON, with a final newline.
func encodeLUIS(app *lu.App) ([]byte, error) {
	b, err := json.MarshalIndent(app, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// importLU implements "parley import FILE.lu": it converts the file to
// LUIS JSON and imports it with format=Luis.
func importLU(ctx context.Context, cf *clientFlags, file, project, root string, stderr io.Writer) error {
	app, err := readLU(file, root)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	name := project
	if name == "" {
		name = app.Name
	}
	if name == "" {
		return fmt.Errorf("import: %s names no application (> !# @app.name = NAME); pass --project NAME", file)
	}
	app.Name = name
	body, err := encodeLUIS(app)
	if err != nil {
		return err
	}
	c, err := cf.client()
	if err != nil {
		return err
	}
	pr := startProgress(stderr, "import "+name)
	_, err = c.ImportProject(ctx, name, body, &client.ImportOptions{Format: "Luis", JobOptions: client.JobOptions{ProgressFunc: pr.job}})
	pr.finish(err)
	if err != nil {
		return fmt.Errorf("import %s: %w", name, err)
	}
	return nil
}

// exportLU converts the LUIS JSON a server exported to a .lu file.
func exportLU(b []byte) ([]byte, error) {
	app, err := lu.ReadJSON(b)
	if err != nil {
		return nil, fmt.Errorf("the server's LUIS export: %w", err)
	}
	var out bytes.Buffer
	if err := lu.Write(&out, app); err != nil {
		return nil, fmt.Errorf("the server's LUIS export has no .lu spelling: %w", err)
	}
	return out.Bytes(), nil
}

// runConvert implements "parley convert FILE [--to luis|lu] [-o FILE]".
func runConvert(_ context.Context, args []string, stdout, _ io.Writer) error {
	fs := flag.NewFlagSet("convert", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	synopsis := "FILE [--to luis|lu] [-o FILE] [--lu-root DIR]"
	fs.Usage = func() {
		writeHelp(stdout, fs, synopsis,
			"FILE is a .lu file, whose imports ([text](./other.lu)) are read relative to\n"+
				"it, or a LUIS application JSON file. --to luis writes LUIS JSON\n"+
				"(luis_schema_version 7.0.0, as bf luis:convert writes it), --to lu a .lu\n"+
				"file. It works offline: no server is needed.")
	}
	to := fs.String("to", "", "what to write: luis (LUIS JSON) or lu; default the other format than FILE's")
	out := fs.String("o", "-", "file to write to; - is standard output")
	root := fs.String("lu-root", "", "`DIR` that .lu imports may read from; default the directory of FILE")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError(fs, "convert: want one FILE, got %d arguments", len(pos))
	}
	switch *to {
	case "", "luis", "lu":
	case "clu":
		return usageError(fs, "convert: --to clu is not available; import the .lu file with parley import and export the project")
	default:
		return usageError(fs, "convert: --to %q is not luis or lu", *to)
	}
	src, err := os.ReadFile(pos[0])
	if err != nil {
		return err
	}
	var app *lu.App
	if isLUFile(pos[0], src) {
		if app, err = readLU(pos[0], *root); err != nil {
			return fmt.Errorf("convert: %w", err)
		}
		if *to == "" {
			*to = "luis"
		}
	} else {
		if app, err = lu.ReadJSON(src); err != nil {
			return fmt.Errorf("convert: %s: %w", pos[0], err)
		}
		if *to == "" {
			*to = "lu"
		}
	}
	var b []byte
	if *to == "luis" {
		b, err = encodeLUIS(app)
	} else {
		var buf bytes.Buffer
		err = lu.Write(&buf, app)
		b = buf.Bytes()
	}
	if err != nil {
		return fmt.Errorf("convert: %s: %w", pos[0], err)
	}
	if *out != "-" {
		return os.WriteFile(*out, b, 0o644)
	}
	_, err = stdout.Write(b)
	return err
}
