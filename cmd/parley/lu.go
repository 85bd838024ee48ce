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
	"github.com/parley-dev/parley/internal/project"
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

// luisImportFlags are parley import's flags for LUIS files.
type luisImportFlags struct{ appID, patterns string }

// isLUISJSON reports whether b is a LUIS application JSON file: an object
// with luis_schema_version.
func isLUISJSON(b []byte) bool {
	var f struct {
		Version *json.RawMessage `json:"luis_schema_version"`
	}
	return json.Unmarshal(b, &f) == nil && f.Version != nil
}

// importLUISJSON implements "parley import APP.json" for a LUIS
// application: it is sent as it is with format=Luis, into --project or the
// project its name names.
func importLUISJSON(ctx context.Context, cf *clientFlags, file string, body []byte, project string, lo luisImportFlags, stdout, stderr io.Writer) error {
	name := project
	if name == "" {
		var f struct {
			Name string `json:"name"`
		}
		json.Unmarshal(body, &f)
		name = f.Name
	}
	if name == "" {
		return fmt.Errorf("import: the LUIS application %s has no name; pass --project NAME", file)
	}
	return sendLUIS(ctx, cf, name, body, lo, stdout, stderr)
}

// sendLUIS imports a LUIS application into project name, prints its
// warnings and its LUIS app id.
func sendLUIS(ctx context.Context, cf *clientFlags, name string, body []byte, lo luisImportFlags, stdout, stderr io.Writer) error {
	c, err := cf.client()
	if err != nil {
		return err
	}
	pr := startProgress(stderr, "import "+name)
	j, err := c.ImportProject(ctx, name, body, &client.ImportOptions{Format: "Luis", LUISAppID: lo.appID, LUISPatterns: lo.patterns,
		JobOptions: client.JobOptions{ProgressFunc: pr.job}})
	pr.finish(err)
	if err != nil {
		return fmt.Errorf("import %s: %w", name, err)
	}
	for _, w := range j.Warnings {
		fmt.Fprintf(stderr, "warning: %s: %s\n", w.Code, w.Message)
	}
	p, err := c.GetProject(ctx, name)
	if err != nil {
		return fmt.Errorf("import %s: %w", name, err)
	}
	fmt.Fprintf(stdout, "imported %s; LUIS app id %s\n", name, p.LUISAppID)
	return nil
}

// importLU implements "parley import FILE.lu": it converts the file to
// LUIS JSON and imports it with format=Luis.
func importLU(ctx context.Context, cf *clientFlags, file, project, root string, lo luisImportFlags, stdout, stderr io.Writer) error {
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
	return sendLUIS(ctx, cf, name, body, lo, stdout, stderr)
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
func runConvert(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("convert", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	synopsis := "FILE [--to luis|lu|clu] [-o FILE] [--lu-root DIR] [--luis-patterns utterances|drop]"
	fs.Usage = func() {
		writeHelp(stdout, fs, synopsis,
			"FILE is a .lu file, whose imports ([text](./other.lu)) are read relative to\n"+
				"it, or a LUIS application JSON file. --to luis writes LUIS JSON\n"+
				"(luis_schema_version 7.0.0, as bf luis:convert writes it), --to lu a .lu\n"+
				"file, --to clu the CLU project file a format=Luis import makes of it (its\n"+
				"warnings, what CLU cannot hold, on stderr). It works offline: no server is\n"+
				"needed.")
	}
	to := fs.String("to", "", "what to write: luis (LUIS JSON), lu, or clu (a CLU project file); default the other format than FILE's")
	patterns := fs.String("luis-patterns", "", "--to clu: utterances (default) makes each pattern a labelled utterance, drop drops them")
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
	case "", "luis", "lu", "clu":
	default:
		return usageError(fs, "convert: --to %q is not luis, lu or clu", *to)
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
	switch *to {
	case "luis":
		b, err = encodeLUIS(app)
	case "clu":
		luis := src // a LUIS JSON file goes to the importer as it is (3.x to 7.x)
		if isLUFile(pos[0], src) {
			luis, err = encodeLUIS(app)
		}
		if err == nil {
			b, err = convertToCLU(luis, app.Name, *patterns, stderr)
		}
	default:
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

// convertToCLU makes the CLU project file a format=Luis import makes of
// app (project.ImportLUIS), writing its warnings to stderr.
func convertToCLU(luis []byte, name, patterns string, stderr io.Writer) ([]byte, error) {
	if _, e := project.CheckLUISPatterns(patterns); e != nil {
		return nil, fmt.Errorf("--luis-patterns: %s", e.Message)
	}
	f, warnings, err := project.ImportLUIS(luis, &project.LUISImportOptions{Patterns: patterns})
	if err != nil {
		return nil, err
	}
	f.ProjectFileVersion = client.DefaultAPIVersion
	f.Metadata.ProjectName = name
	for _, w := range warnings {
		fmt.Fprintf(stderr, "warning: %s: %s\n", w.Code, w.Message)
	}
	b, err := json.MarshalIndent(f, "", "  ")
	return append(b, '\n'), err
}
