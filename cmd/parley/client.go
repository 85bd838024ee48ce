package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/parley-dev/parley/internal/azerr"
	"github.com/parley-dev/parley/internal/client"
	"github.com/parley-dev/parley/internal/project"
)

func init() {
	clientCommands["project"] = runProject
	clientCommands["import"] = runImport
	clientCommands["export"] = runExport
}

// clientFlags are the flags every client command takes.
type clientFlags struct {
	endpoint     string
	key          keyFlag
	apiVersion   string
	maxPollDelay time.Duration
	caCert       string
}

// newClientFlags returns the flag set of the client command name, with the
// connection flags defined. Its help, which -h prints on stdout, is the
// synopsis (what follows "parley NAME", a line per form), the sentence of
// commands that says what the command does, details unless empty, and the
// flags.
func newClientFlags(name, synopsis, details string, stdout io.Writer) (*flag.FlagSet, *clientFlags) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // parseArgs reports bad flags, pointing at the help
	fs.Usage = func() { writeHelp(stdout, fs, synopsis, details) }
	cf := &clientFlags{}
	fs.StringVar(&cf.endpoint, "endpoint", envOr("PARLEY_ENDPOINT", "http://"+DefaultListen), "`URL` of the server (PARLEY_ENDPOINT)")
	// The key's value is not the flag's default, which -h would show.
	fs.Var(&cf.key, "key", "`KEY` to send as Ocp-Apim-Subscription-Key (PARLEY_KEY); default the development key of parley serve")
	fs.StringVar(&cf.apiVersion, "api-version", client.DefaultAPIVersion, "api-version of the requests")
	fs.DurationVar(&cf.maxPollDelay, "max-poll-delay", 0, "longest wait between job status polls; 0 waits as long as the server's Retry-After asks")
	fs.StringVar(&cf.caCert, "ca-cert", envOr("PARLEY_CA_CERT", ""), "PEM `FILE` of a certificate authority to trust beside the system's, for an https server with a certificate of its own (parley dev-cert's ca.pem) (PARLEY_CA_CERT)")
	return fs, cf
}

// writeHelp prints the help of a client command; see newClientFlags.
func writeHelp(w io.Writer, fs *flag.FlagSet, synopsis, details string) {
	var b strings.Builder
	for i, form := range strings.Split(synopsis, "\n") {
		lead := "usage: "
		if i > 0 {
			lead = "       "
		}
		b.WriteString(lead + "parley " + fs.Name() + " " + form + "\n")
	}
	b.WriteString("\n" + does(fs.Name()) + "\n")
	if details != "" {
		b.WriteString("\n" + details + "\n")
	}
	b.WriteString("\nflags:\n")
	fs.SetOutput(&b)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	io.WriteString(w, b.String())
}

// keyFlag is the --key flag: the flag's value once set, else PARLEY_KEY,
// else the development key.
type keyFlag struct {
	v   string
	set bool
}

func (k *keyFlag) String() string { return "" }

func (k *keyFlag) Set(v string) error {
	k.v, k.set = v, true
	return nil
}

func (k *keyFlag) value() string {
	if k.set {
		return k.v
	}
	return envOr("PARLEY_KEY", DevKey)
}

func (cf *clientFlags) client() (*client.Client, error) {
	key := cf.key.value()
	if key == "" {
		return nil, errors.New("no key: pass --key or set PARLEY_KEY to a key the server accepts")
	}
	opts := &client.Options{APIVersion: cf.apiVersion, MaxPollDelay: cf.maxPollDelay}
	if cf.caCert != "" {
		hc, err := httpClientTrusting(cf.caCert)
		if err != nil {
			return nil, err
		}
		opts.HTTPClient = hc
	}
	c, err := client.New(cf.endpoint, key, opts)
	if err != nil {
		return nil, fmt.Errorf("%w; set --endpoint (PARLEY_ENDPOINT) to the server's URL", err)
	}
	return c, nil
}

// httpClientTrusting is an HTTP client that trusts the certificate
// authorities of the PEM file beside the system's.
func httpClientTrusting(file string) (*http.Client, error) {
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("--ca-cert (PARLEY_CA_CERT): %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("--ca-cert (PARLEY_CA_CERT) %s holds no PEM certificate", file)
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return &http.Client{Transport: t}, nil
}

// hintedError is an error of a client command followed by what to do about
// it, in the terms of the flags and environment variables to fix.
type hintedError struct {
	err  error
	hint string
}

func (e *hintedError) Error() string { return e.err.Error() + e.hint }
func (e *hintedError) Unwrap() error { return e.err }

// withHint adds to err, which a client command returned, a hint of what to
// fix, when it is one a flag or environment variable can fix.
func withHint(err error) error {
	if err == nil {
		return nil
	}
	if h := hint(err); h != "" {
		return &hintedError{err, h}
	}
	return err
}

// hint is what withHint adds to err: "" or text that starts with "; " (after
// a transport error) or a line break (after the server's message, which it
// keeps).
func hint(err error) string {
	var ce *client.ConnError
	var e *client.Error
	switch {
	case errors.As(err, &ce):
		var dns *net.DNSError
		switch {
		case errors.Is(err, syscall.ECONNREFUSED):
			return "; is a Parley server running there? Start one with `parley serve`, or point --endpoint (PARLEY_ENDPOINT) at yours"
		case errors.As(err, &dns):
			return "; check the host name in --endpoint (PARLEY_ENDPOINT)"
		}
		return "; check --endpoint (PARLEY_ENDPOINT), and that the server there is up"
	case errors.As(err, &e):
		return serverHint(e)
	}
	return ""
}

// serverHint explains the gateway's answers that a flag fixes: 401 for a
// key the server does not take (AUTHORING.md §4.3), and 404 for an unknown
// route or api-version (§4.4).
func serverHint(e *client.Error) string {
	u, err := url.Parse(e.URL)
	if err != nil {
		return ""
	}
	endpoint := u.Scheme + "://" + u.Host
	if i := strings.Index(u.Path, "/language/"); i > 0 {
		endpoint += u.Path[:i]
	}
	v := u.Query().Get("api-version")
	switch {
	case e.StatusCode == http.StatusUnauthorized:
		return fmt.Sprintf("\n  check --key or PARLEY_KEY: the server at %s does not accept the key sent", endpoint)
	case e.StatusCode != http.StatusNotFound || azerr.CodeOf(e) != azerr.GatewayNotFound:
		return ""
	case !project.APIVersion(v).Known():
		served := make([]string, len(project.APIVersions))
		for i, s := range project.APIVersions {
			served[i] = string(s)
		}
		return fmt.Sprintf("\n  check --api-version: the server at %s does not serve api-version %s; Parley serves %s",
			endpoint, v, strings.Join(served, ", "))
	}
	return fmt.Sprintf("\n  check --endpoint (PARLEY_ENDPOINT): the server at %s has no such operation at api-version %s;"+
		" the endpoint is the server's root URL, such as http://%s", endpoint, v, DefaultListen)
}

// parseArgs parses args with flags anywhere among the positional arguments
// (flag.Parse stops at the first of them), and returns those. Everything
// after "--" is positional. For -h it prints the help (fs.Usage) and returns
// flag.ErrHelp; a bad flag is a usage error that points at the help.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	help := fs.Usage
	fs.Usage = func() {} // the flag package calls it for bad flags too
	defer func() { fs.Usage = help }()
	var pos []string
	for {
		if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
			if help != nil {
				help()
			}
			return nil, err
		} else if err != nil {
			return nil, usageErrorf(fs.Name(), "%s: %v", fs.Name(), err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// usageError reports wrong arguments to the command of fs, pointing at its
// help.
func usageError(fs *flag.FlagSet, format string, args ...any) error {
	return usageErrorf(fs.Name(), format, args...)
}

// runProject implements "parley project list|show NAME|delete NAME".
func runProject(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cf := newClientFlags("project", "list | show NAME | delete NAME",
		"list prints tab-separated name, kind, language and last modification (RFC 3339,\n"+
			"UTC) of each project, or an aligned table on a terminal; show prints a project's\n"+
			"metadata as JSON; delete deletes a project.", stdout)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usageError(fs, "project: missing subcommand list, show or delete")
	}
	sub, pos := pos[0], pos[1:]
	want := 1
	if sub == "list" {
		want = 0
	}
	switch {
	case sub != "list" && sub != "show" && sub != "delete":
		return usageError(fs, "project: unknown subcommand %q", sub)
	case len(pos) != want && want == 0:
		return usageError(fs, "project list: unexpected argument %q", pos[0])
	case len(pos) != want:
		return usageError(fs, "project %s: want one project NAME, got %d arguments", sub, len(pos))
	}
	c, err := cf.client()
	if err != nil {
		return err
	}
	switch sub {
	case "list":
		return listProjects(ctx, c, stdout, stderr)
	case "show":
		p, err := c.GetProject(ctx, pos[0])
		if err != nil {
			return fmt.Errorf("project show %s: %w", pos[0], err)
		}
		return writeJSON(stdout, p.Raw)
	default:
		name := pos[0]
		pr := startProgress(stderr, "delete "+name)
		_, err := c.DeleteProject(ctx, name, &client.JobOptions{ProgressFunc: pr.job})
		pr.finish(err)
		if err != nil {
			return fmt.Errorf("project delete %s: %w", name, err)
		}
		return nil
	}
}

// listProjects prints the projects: an aligned table with a header on a
// terminal, and tab-separated name, kind, language and last modification
// (RFC 3339, UTC) without a header otherwise, for scripts.
func listProjects(ctx context.Context, c *client.Client, stdout, stderr io.Writer) error {
	ps, err := c.ListProjects(ctx)
	if err != nil {
		return fmt.Errorf("project list: %w", err)
	}
	if !isTerminal(stdout) {
		var b strings.Builder
		for _, p := range ps {
			fmt.Fprintf(&b, "%s\t%s\t%s\t%s\n", p.ProjectName, p.ProjectKind, p.Language, formatUTC(p.LastModifiedDateTime.Time))
		}
		_, err := io.WriteString(stdout, b.String())
		return err
	}
	if len(ps) == 0 {
		fmt.Fprintln(stderr, "no projects")
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tKIND\tLANGUAGE\tMODIFIED")
	for _, p := range ps {
		modified := ""
		if !p.LastModifiedDateTime.IsZero() {
			modified = p.LastModifiedDateTime.Local().Format("2006-01-02 15:04:05")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", p.ProjectName, p.ProjectKind, p.Language, modified)
	}
	return tw.Flush()
}

func formatUTC(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// runImport implements "parley import FILE [--project NAME]".
func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cf := newClientFlags("import", "FILE [--project NAME] [--luis-app-id GUID] [--luis-patterns utterances|drop]",
		"FILE is a CLU project file; it is imported into the project its\n"+
			"metadata.projectName names, or --project. A LUIS application JSON file (it has\n"+
			"luis_schema_version) is imported with format=Luis into --project, or the\n"+
			"project its name names. A .lu (LUDown) file, known by its extension or by\n"+
			"content that is not JSON, is converted to LUIS JSON, its imports read relative\n"+
			"to it, and imported with format=Luis into the project its > !# @app.name\n"+
			"names, or --project. A LUIS import prints the project's LUIS app id, which\n"+
			"the LUIS prediction endpoints know it by. On a terminal the job's progress is\n"+
			"drawn on stderr.", stdout)
	project := fs.String("project", "", "project to import into; default the file's metadata.projectName (a .lu file's @app.name), which is rewritten when they differ")
	luRoot := fs.String("lu-root", "", "`DIR` that a .lu file's imports may read from; default the directory of FILE")
	var lo luisImportFlags
	fs.StringVar(&lo.appID, "luis-app-id", "", "LUIS imports: the LUIS app `GUID` to give the project (your bot's), so that its LUIS URL finds it; default the project's own, or a new one")
	fs.StringVar(&lo.patterns, "luis-patterns", "", "LUIS imports: utterances (the server's default) makes each pattern a labelled utterance, drop drops them")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError(fs, "import: want one FILE, got %d arguments", len(pos))
	}
	file, err := os.ReadFile(pos[0])
	if err != nil {
		return err
	}
	if isLUFile(pos[0], file) {
		return importLU(ctx, cf, pos[0], *project, *luRoot, lo, stdout, stderr)
	}
	if isLUISJSON(file) {
		return importLUISJSON(ctx, cf, pos[0], file, *project, lo, stdout, stderr)
	}
	if lo != (luisImportFlags{}) {
		return usageError(fs, "import: --luis-app-id and --luis-patterns apply to LUIS files; %s is a CLU project file", pos[0])
	}
	name, err := projectFileName(file)
	if err != nil {
		return fmt.Errorf("import: %s is not a JSON project file: %w", pos[0], err)
	}
	if *project != "" && *project != name {
		if file, err = withProjectName(file, *project); err != nil {
			return fmt.Errorf("import: %s: %w", pos[0], err)
		}
		name = *project
	}
	if name == "" {
		return fmt.Errorf("import: %s has no metadata.projectName; pass --project NAME", pos[0])
	}
	c, err := cf.client()
	if err != nil {
		return err
	}
	pr := startProgress(stderr, "import "+name)
	_, err = c.ImportProject(ctx, name, file, &client.ImportOptions{JobOptions: client.JobOptions{ProgressFunc: pr.job}})
	pr.finish(err)
	if err != nil {
		return fmt.Errorf("import %s: %w", name, err)
	}
	return nil
}

// runExport implements "parley export PROJECT [-o FILE]".
func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cf := newClientFlags("export", "PROJECT [-o FILE] [--format clu|luis|lu]",
		"The exported project file goes to standard output, or to FILE: a CLU project\n"+
			"file, a LUIS application JSON file (format=Luis), or that converted to a .lu\n"+
			"file.", stdout)
	out := fs.String("o", "-", "file to write the exported project to; - is standard output")
	format := fs.String("format", "clu", "format of the file: clu, luis or lu")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError(fs, "export: want one PROJECT, got %d arguments", len(pos))
	}
	var wire string
	switch *format {
	case "clu":
	case "luis", "lu":
		wire = "Luis"
	default:
		return usageError(fs, "export: --format %q is not clu, luis or lu", *format)
	}
	c, err := cf.client()
	if err != nil {
		return err
	}
	name := pos[0]
	pr := startProgress(stderr, "export "+name)
	b, err := c.ExportProject(ctx, name, &client.ExportOptions{Format: wire, JobOptions: client.JobOptions{ProgressFunc: func(s *client.JobState) {
		if s.Status == client.JobSucceeded {
			pr.set("downloading")
			return
		}
		pr.job(s)
	}}})
	if err == nil {
		pr.set(string(client.JobSucceeded))
	}
	pr.finish(err)
	if err != nil {
		return fmt.Errorf("export %s: %w", name, err)
	}
	if *format == "lu" {
		if b, err = exportLU(b); err != nil {
			return fmt.Errorf("export %s: %w", name, err)
		}
	}
	if *out != "-" {
		// The file holds exactly what the server exported.
		return os.WriteFile(*out, b, 0o644)
	}
	if !bytes.HasSuffix(b, []byte("\n")) {
		b = append(b, '\n')
	}
	_, err = stdout.Write(b)
	return err
}

// writeJSON prints the JSON raw indented, on lines of its own.
func writeJSON(w io.Writer, raw json.RawMessage) error {
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		return err
	}
	buf.WriteByte('\n')
	_, err := w.Write(buf.Bytes())
	return err
}

// projectFileName returns metadata.projectName of a project file.
func projectFileName(file []byte) (string, error) {
	var f struct {
		Metadata struct {
			ProjectName string `json:"projectName"`
		} `json:"metadata"`
	}
	err := json.Unmarshal(file, &f)
	return f.Metadata.ProjectName, err
}

// withProjectName returns a project file with metadata.projectName set to
// name; every other member stays as it was, in its place.
func withProjectName(file []byte, name string) ([]byte, error) {
	return setMember(file, "metadata", func(meta json.RawMessage) (json.RawMessage, error) {
		if meta == nil {
			meta = json.RawMessage("{}")
		}
		b, err := setMember(meta, "projectName", func(json.RawMessage) (json.RawMessage, error) { return json.Marshal(name) })
		if err != nil {
			return nil, fmt.Errorf("metadata: %w", err)
		}
		return b, nil
	})
}

// setMember returns the JSON object obj with its member key replaced by what
// edit makes of it (edit gets nil, and the member is added, when obj has no
// such member). The other members keep their order and their bytes.
func setMember(obj []byte, key string, edit func(json.RawMessage) (json.RawMessage, error)) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(obj))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errors.New("not a JSON object")
	}
	var buf bytes.Buffer
	buf.WriteByte('{')
	write := func(k string, v json.RawMessage) {
		if buf.Len() > 1 {
			buf.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		buf.Write(kb)
		buf.WriteByte(':')
		buf.Write(v)
	}
	found := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		k, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		if k == key && !found {
			found = true
			if v, err = edit(v); err != nil {
				return nil, err
			}
		}
		write(k, v)
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the JSON object")
	}
	if !found {
		v, err := edit(nil)
		if err != nil {
			return nil, err
		}
		write(key, v)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progressTick is how often a progress line's elapsed time is redrawn.
const progressTick = 100 * time.Millisecond

// progress is the one-line status of a command that follows a job, such as
// "import SNIPS2017: running (1.2s)", redrawn in place with \r on a terminal.
// When its output is not a terminal it prints nothing.
type progress struct {
	w     io.Writer // nil: print nothing
	label string
	now   func() time.Time
	start time.Time

	mu     sync.Mutex
	status string
	width  int // of the longest line drawn, to blank a longer one's tail
	stop   chan struct{}
	done   chan struct{}
}

// startProgress draws "label: starting" on stderr if it is a terminal, and
// redraws it every progressTick until finish.
func startProgress(stderr io.Writer, label string) *progress {
	if !isTerminal(stderr) {
		return &progress{}
	}
	return newProgress(stderr, label, time.Now, progressTick)
}

func newProgress(w io.Writer, label string, now func() time.Time, tick time.Duration) *progress {
	p := &progress{w: w, label: label, now: now, start: now(), status: "starting",
		stop: make(chan struct{}), done: make(chan struct{})}
	p.draw()
	go func() {
		defer close(p.done)
		t := time.NewTicker(tick)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-t.C:
				p.mu.Lock()
				p.draw()
				p.mu.Unlock()
			}
		}
	}()
	return p
}

// draw writes the line over the previous one; p.mu is held (or p is not
// shared yet).
func (p *progress) draw() {
	line := fmt.Sprintf("%s: %s (%.1fs)", p.label, p.status, p.now().Sub(p.start).Seconds())
	pad := max(p.width-len(line), 0)
	p.width = max(p.width, len(line))
	fmt.Fprintf(p.w, "\r%s%s", line, strings.Repeat(" ", pad))
}

// set shows status.
func (p *progress) set(status string) {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.status = status
	p.draw()
}

// job shows a job's status; it is a client.JobOptions.ProgressFunc.
func (p *progress) job(s *client.JobState) { p.set(string(s.Status)) }

// finish stops the redrawing and ends the line with the final status: the
// job's, or "interrupted" or "error" when err is not the job's failure.
func (p *progress) finish(err error) {
	if p.w == nil {
		return
	}
	close(p.stop)
	<-p.done
	var je *client.JobError
	switch {
	case err == nil, errors.As(err, &je):
	case errors.Is(err, context.Canceled):
		p.status = "interrupted"
	default:
		p.status = "error"
	}
	p.draw()
	fmt.Fprintln(p.w)
}
