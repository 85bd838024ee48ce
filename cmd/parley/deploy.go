package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/parley-dev/parley/internal/client"
)

func init() {
	clientCommands["deploy"] = runDeploy
	clientCommands["predict"] = runPredict
}

// maxIntentsShown is how many intents the prediction table lists; --json
// has them all.
const maxIntentsShown = 10

// maxBatchTextWidth is the widest an utterance is shown, in runes, in the
// table of a batch prediction.
const maxBatchTextWidth = 50

// maxLineBytes is the longest line of an utterances file; the service takes
// 1,000 characters at most, so anything longer fails anyway.
const maxLineBytes = 1 << 20

// runDeploy implements "parley deploy PROJECT DEPLOYMENT --model LABEL".
func runDeploy(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cf := newClientFlags("deploy", "PROJECT DEPLOYMENT --model LABEL",
		"It deploys the trained model LABEL of PROJECT as DEPLOYMENT, creating the\n"+
			"deployment or replacing the model it serves, then prints the deployment. On a\n"+
			"terminal the job's progress is drawn on stderr.", stdout)
	model := fs.String("model", "", "`LABEL` of the trained model to deploy (required)")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) != 2:
		return usageError(fs, "deploy: want PROJECT and DEPLOYMENT, got %d arguments", len(pos))
	case *model == "":
		return usageError(fs, "deploy: --model LABEL is required")
	}
	c, err := cf.client()
	if err != nil {
		return err
	}
	name, deployment := pos[0], pos[1]
	pr := startProgress(stderr, "deploy "+name+" "+deployment)
	d, err := c.Deploy(ctx, name, deployment, *model, &client.JobOptions{ProgressFunc: pr.job})
	pr.finish(err)
	if err != nil {
		return fmt.Errorf("deploy %s %s: %w", name, deployment, err)
	}
	return writeDeployment(stdout, d)
}

// writeDeployment prints a deployment as aligned name and value lines, times
// in RFC 3339 and UTC.
func writeDeployment(w io.Writer, d *client.Deployment) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "deployment\t%s\n", d.DeploymentName)
	fmt.Fprintf(tw, "model id\t%s\n", d.ModelID)
	fmt.Fprintf(tw, "last trained\t%s\n", formatUTC(d.LastTrainedDateTime.Time))
	fmt.Fprintf(tw, "last deployed\t%s\n", formatUTC(d.LastDeployedDateTime.Time))
	fmt.Fprintf(tw, "expires\t%s\n", d.DeploymentExpirationDate)
	fmt.Fprintf(tw, "training config\t%s\n", d.ModelTrainingConfigVersion)
	return tw.Flush()
}

// outputFormat is how a batch prediction prints its results.
type outputFormat int

const (
	// formatLines prints text, top intent and its score, tab-separated,
	// one utterance a line: for scripts.
	formatLines outputFormat = iota
	// formatTable prints an aligned table with a header: for a terminal.
	formatTable
	// formatJSON prints each answer of the server on a line (JSON Lines).
	formatJSON
)

// runPredict implements "parley predict PROJECT DEPLOYMENT TEXT" and
// "parley predict PROJECT DEPLOYMENT --file FILE".
func runPredict(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cf := newClientFlags("predict", "PROJECT DEPLOYMENT TEXT [--json] [--language LANG] [--string-index-type UNIT]\n"+
		"PROJECT DEPLOYMENT --file FILE [--json] [--concurrency N]",
		"It asks DEPLOYMENT of PROJECT what TEXT means and prints the top intent, the\n"+
			"intents with their scores, and the entities found. --json prints the server's\n"+
			"answer.\n\n"+
			"With --file, it predicts each non-blank line of FILE (- is standard input) and\n"+
			"prints, in the file's order, one line per utterance: text, top intent and score,\n"+
			"tab-separated (an aligned table on a terminal; with --json the answers as JSON\n"+
			"Lines). Utterances that fail are reported on stderr, with their line number,\n"+
			"after the others are printed, and the command exits with status 1; an error\n"+
			"that every utterance would meet (a wrong key, an unknown deployment) stops it\n"+
			"at once.", stdout)
	asJSON := fs.Bool("json", false, "print the server's JSON answer (with --file, one answer a line)")
	language := fs.String("language", "", "`LANG` of the text, such as en-us; default the project's language")
	indexType := fs.String("string-index-type", "", "`UNIT` of the entities' offsets and lengths: TextElements_v8 (the server's default), UnicodeCodePoint or Utf16CodeUnit")
	file := fs.String("file", "", "predict each non-blank line of `FILE`; - is standard input")
	workers := fs.Int("concurrency", 4, "with --file, send up to `N` requests at once (1 to 16)")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	switch {
	case *file == "" && len(pos) != 3:
		return usageError(fs, "predict: want PROJECT, DEPLOYMENT and TEXT (or --file FILE), got %d arguments", len(pos))
	case *file != "" && len(pos) != 2:
		return usageError(fs, "predict: want PROJECT and DEPLOYMENT with --file, got %d arguments", len(pos))
	case *workers < 1 || *workers > 16:
		return usageError(fs, "predict: --concurrency %d is not from 1 to 16", *workers)
	}
	var utts []utterance
	if *file != "" {
		if utts, err = openUtterances(*file); err != nil {
			return fmt.Errorf("predict: %w", err)
		}
	}
	c, err := cf.client()
	if err != nil {
		return err
	}
	req := client.PredictRequest{Project: pos[0], Deployment: pos[1], Language: *language, StringIndexType: *indexType}
	if *file != "" {
		format := formatLines
		switch {
		case *asJSON:
			format = formatJSON
		case isTerminal(stdout):
			format = formatTable
		}
		return predictBatch(ctx, c, req, utts, format, *workers, stdout, stderr)
	}
	req.Text = pos[2]
	r, err := c.Predict(ctx, req)
	if err != nil {
		return fmt.Errorf("predict %s %s: %w", req.Project, req.Deployment, err)
	}
	if *asJSON {
		return writeJSON(stdout, r.Raw)
	}
	return writePrediction(stdout, r)
}

// writePrediction prints a prediction as aligned plain text: the query and
// top intent, the best-scored intents, and the entities with their list and
// regex keys.
func writePrediction(w io.Writer, r *client.PredictResult) error {
	p := &r.Prediction
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "query\t%s\n", cell(r.Query))
	if r.DetectedLanguage != "" {
		fmt.Fprintf(tw, "language\t%s\n", r.DetectedLanguage)
	}
	if p.TopIntent == "" {
		fmt.Fprint(tw, "top intent\t(none)\n")
	} else {
		fmt.Fprintf(tw, "top intent\t%s (%s)\n", p.TopIntent, formatScore(p.TopScore()))
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	if len(p.Intents) > 0 {
		fmt.Fprint(tw, "\nINTENT\tSCORE\n")
		for _, in := range p.Intents[:min(len(p.Intents), maxIntentsShown)] {
			fmt.Fprintf(tw, "%s\t%s\n", cell(in.Category), formatScore(in.ConfidenceScore))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		if n := len(p.Intents) - maxIntentsShown; n > 0 {
			fmt.Fprintf(w, "... and %d more intents, each scoring at most %s (--json lists them all)\n",
				n, formatScore(p.Intents[maxIntentsShown].ConfidenceScore))
		}
	}

	if len(p.Entities) == 0 {
		_, err := fmt.Fprint(w, "\nno entities\n")
		return err
	}
	fmt.Fprint(tw, "\nENTITY\tTEXT\tOFFSET\tLENGTH\tSCORE\tKEY\n")
	for _, e := range p.Entities {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%s\n", cell(e.Category), cell(e.Text), e.Offset, e.Length,
			formatScore(e.ConfidenceScore), cell(entityKeys(e)))
	}
	return tw.Flush()
}

// entityKeys names the list keys, regex keys and subtypes of an entity's
// extra information, such as "list:Seattle, regex:OrderId".
func entityKeys(e client.Entity) string {
	var keys []string
	for _, x := range e.ExtraInformation {
		switch x.ExtraInformationKind {
		case client.ExtraListKey:
			keys = append(keys, "list:"+x.Key)
		case client.ExtraRegexKey:
			keys = append(keys, "regex:"+x.Key)
		case client.ExtraEntitySubtype:
			keys = append(keys, "subtype:"+x.Value)
		}
	}
	return strings.Join(keys, ", ")
}

// cell makes s fit a table cell or a tab-separated field: tabs and line
// breaks become spaces.
func cell(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '\t', '\n', '\r', '\v', '\f':
			return ' '
		}
		return r
	}, s)
}

// utterance is a non-blank line of an utterances file.
type utterance struct {
	line int // from 1
	text string
}

// openUtterances reads the utterances of the file name, or of standard
// input when name is "-".
func openUtterances(name string) ([]utterance, error) {
	if name == "-" {
		return readUtterances(os.Stdin, "standard input")
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readUtterances(f, name)
}

// readUtterances reads the non-blank lines of r, which is called name in
// errors. Line ends (LF or CRLF) and a leading byte order mark are not part
// of the text.
func readUtterances(r io.Reader, name string) ([]utterance, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLineBytes)
	var out []utterance
	for n := 1; sc.Scan(); n++ {
		text := strings.TrimSuffix(sc.Text(), "\r")
		if n == 1 {
			text = strings.TrimPrefix(text, "\uFEFF")
		}
		if strings.TrimSpace(text) != "" {
			out = append(out, utterance{n, text})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s has no utterances: every line is blank", name)
	}
	return out, nil
}

// predictBatch predicts utts with at most workers requests in flight and
// prints the results in utts' order, each as soon as it and those before it
// are in. Utterances that fail are reported on stderr after the others are
// printed. An error that every request would meet (a wrong key, an unknown
// project or deployment, an unreachable server, an interruption) stops the
// batch at once.
func predictBatch(ctx context.Context, c *client.Client, base client.PredictRequest, utts []utterance,
	format outputFormat, workers int, stdout, stderr io.Writer) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type outcome struct {
		r   *client.PredictResult
		err error
	}
	outs := make([]outcome, len(utts))
	todo, done := make(chan int), make(chan int)
	var wg sync.WaitGroup
	for range min(workers, len(utts)) {
		wg.Go(func() {
			for i := range todo {
				req := base
				req.Text = utts[i].text
				r, err := c.Predict(ctx, req)
				outs[i] = outcome{r, err} // read after done passes i on
				done <- i
			}
		})
	}
	go func() {
		defer close(todo)
		for i := range utts {
			select {
			case todo <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() {
		wg.Wait()
		close(done)
	}()

	pr := startProgress(stderr, "predict "+base.Project+" "+base.Deployment)
	out := &batchWriter{w: stdout, format: format}
	in := make([]bool, len(utts))
	next, count := 0, 0
	var fatal error
	var failed []string
	for i := range done { // until every worker is through, even after a fatal error
		count++
		in[i] = true
		pr.set(fmt.Sprintf("%d/%d", count, len(utts)))
		if fatal != nil {
			continue
		}
		if err := outs[i].err; stopsBatch(err) {
			fatal = err
			cancel()
			continue
		}
		for ; fatal == nil && next < len(utts) && in[next]; next++ {
			u, o := utts[next], outs[next]
			if o.err != nil {
				failed = append(failed, fmt.Sprintf("line %d: %v", u.line, o.err))
			} else if err := out.write(u, o.r); err != nil {
				fatal = err
				cancel()
			}
		}
	}
	pr.finish(fatal)
	ferr := out.flush()
	for _, f := range failed {
		fmt.Fprintln(stderr, f)
	}
	switch {
	case fatal != nil:
		return fmt.Errorf("predict %s %s: %w", base.Project, base.Deployment, fatal)
	case ferr != nil:
		return ferr
	case len(failed) > 0:
		return fmt.Errorf("predict %s %s: %d of %d utterances failed", base.Project, base.Deployment, len(failed), len(utts))
	}
	return nil
}

// stopsBatch reports whether err is one that every prediction of the batch
// would meet too, so that going on is pointless.
func stopsBatch(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var e *client.Error
	if errors.As(err, &e) {
		switch e.StatusCode {
		case http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound:
			return true
		}
		return false
	}
	var ue *url.Error // the request did not get an answer
	return errors.As(err, &ue)
}

// batchWriter prints the results of a batch prediction.
type batchWriter struct {
	w      io.Writer
	format outputFormat
	tw     *tabwriter.Writer // formatTable, from the first row on
}

func (b *batchWriter) write(u utterance, r *client.PredictResult) error {
	p := &r.Prediction
	switch b.format {
	case formatJSON:
		var buf bytes.Buffer
		if err := json.Compact(&buf, r.Raw); err != nil {
			return err
		}
		buf.WriteByte('\n')
		_, err := b.w.Write(buf.Bytes())
		return err
	case formatTable:
		if b.tw == nil {
			b.tw = tabwriter.NewWriter(b.w, 0, 0, 2, ' ', 0)
			fmt.Fprint(b.tw, "LINE\tTEXT\tTOP INTENT\tSCORE\tENTITIES\n")
		}
		ents := make([]string, len(p.Entities))
		for i, e := range p.Entities {
			ents[i] = e.Category + "=" + e.Text
		}
		_, err := fmt.Fprintf(b.tw, "%d\t%s\t%s\t%s\t%s\n", u.line, cell(truncate(u.text, maxBatchTextWidth)),
			cell(p.TopIntent), topScore(p), cell(strings.Join(ents, ", ")))
		return err
	default:
		_, err := fmt.Fprintf(b.w, "%s\t%s\t%s\n", cell(u.text), cell(p.TopIntent), topScore(p))
		return err
	}
}

func (b *batchWriter) flush() error {
	if b.tw == nil {
		return nil
	}
	return b.tw.Flush()
}

// topScore formats the top intent's score, or is "" without a top intent.
func topScore(p *client.Prediction) string {
	if p.TopIntent == "" {
		return ""
	}
	return formatScore(p.TopScore())
}

// truncate shortens s to n runes, the last of them an ellipsis.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
