package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parley-dev/parley/internal/azerr"
)

// DefaultAPIVersion is the api-version requests carry unless Options say
// otherwise: the newest generally available one.
const DefaultAPIVersion = "2023-04-01"

// DefaultPollDelay is the wait between job status polls when the server
// sends no Retry-After. (The Azure SDKs wait 5 s; Parley always sends one.)
const DefaultPollDelay = time.Second

// authoringPath is where the authoring API lives under the endpoint.
const authoringPath = "/language/authoring/analyze-conversations"

// maxErrorBody caps how much of an error answer is read.
const maxErrorBody = 1 << 20

// maxBusyRetries is how many 429 or 503 answers in a row a job poll
// tolerates, waiting as their Retry-After asks, before it gives up.
const maxBusyRetries = 5

// Options configure New; nil means defaults.
type Options struct {
	// APIVersion is the api-version of every request; default
	// DefaultAPIVersion.
	APIVersion string
	// HTTPClient sends the requests; default http.DefaultClient.
	HTTPClient *http.Client
	// MaxPollDelay, when positive, caps the wait between job status polls
	// that the server asks for with Retry-After, and the wait before
	// Predict retries a 429 or 503 answer. Zero waits as asked.
	MaxPollDelay time.Duration
}

// Client calls the authoring API of one endpoint with one key. It is safe for
// concurrent use.
type Client struct {
	endpoint     string // without a trailing slash
	key          string
	apiVersion   string
	http         *http.Client
	maxPollDelay time.Duration
}

// New returns a client of the resource at endpoint (such as
// "http://127.0.0.1:5800" or "https://NAME.cognitiveservices.azure.com")
// that sends key as Ocp-Apim-Subscription-Key.
func New(endpoint, key string, opts *Options) (*Client, error) {
	if opts == nil {
		opts = &Options{}
	}
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("endpoint %q is not an http(s) URL such as http://127.0.0.1:5800", endpoint)
	}
	if key == "" {
		return nil, errors.New("no key: the API needs an Ocp-Apim-Subscription-Key")
	}
	c := &Client{
		endpoint:     strings.TrimSuffix(endpoint, "/"),
		key:          key,
		apiVersion:   opts.APIVersion,
		http:         opts.HTTPClient,
		maxPollDelay: opts.MaxPollDelay,
	}
	if c.apiVersion == "" {
		c.apiVersion = DefaultAPIVersion
	}
	if c.http == nil {
		c.http = http.DefaultClient
	}
	return c, nil
}

// Error is an error answer of the server: its HTTP status and the Azure
// error of its body. Errors that unwrap to *azerr.Error let callers use
// azerr.CodeOf and errors.As.
type Error struct {
	// Method and URL are the request's.
	Method     string
	URL        string
	StatusCode int
	// RetryAfter is the wait the server asked for (429, 503), or zero.
	RetryAfter time.Duration
	// Body is the body's error; for a body that is not an Azure error it
	// has the status as its code and the body's text as its message.
	Body *azerr.Error
}

// Error implements error: the code, message and target, then each detail's
// target, code and message on a line of its own.
func (e *Error) Error() string { return formatError(e.Body, "") }

// Unwrap returns the Azure error.
func (e *Error) Unwrap() error { return e.Body }

// JobError is a job that ended in failure or was cancelled.
type JobError struct {
	Job *JobState
}

// Error implements error: the job's status, then its errors, one a line.
func (e *JobError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "job %s %s", e.Job.JobID, e.Job.Status)
	switch len(e.Job.Errors) {
	case 0:
	case 1:
		b.WriteString(": " + formatError(e.Job.Errors[0], "  "))
	default:
		for _, x := range e.Job.Errors {
			b.WriteString("\n  " + formatError(x, "    "))
		}
	}
	return b.String()
}

// Unwrap returns the job's errors, so errors.As finds an *azerr.Error.
func (e *JobError) Unwrap() []error {
	errs := make([]error, len(e.Job.Errors))
	for i, x := range e.Job.Errors {
		errs[i] = x
	}
	return errs
}

// formatError writes "code: message (target: T)", then one
// "target: code: message" line per detail (and per detail of a detail, one
// level deeper), each line after the first starting with indent and two
// spaces. The target is what names the value to fix, such as
// /assets/utterances/2/text; the top-level one is left out when a detail
// repeats it, as a validation error's first detail does.
func formatError(e *azerr.Error, indent string) string {
	if e == nil {
		return "unknown error"
	}
	var b strings.Builder
	b.WriteString(string(e.Code))
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.Target != "" && !slices.ContainsFunc(e.Details, func(d *azerr.Error) bool { return d != nil && d.Target == e.Target }) {
		b.WriteString(" (target: " + e.Target + ")")
	}
	writeDetails(&b, e.Details, indent+"  ")
	return b.String()
}

// writeDetails writes each of details on a line of its own: its target, code
// and message, whichever it has.
func writeDetails(b *strings.Builder, details []*azerr.Error, indent string) {
	for _, d := range details {
		if d == nil {
			continue
		}
		var parts []string
		for _, p := range []string{d.Target, string(d.Code), d.Message} {
			if p != "" {
				parts = append(parts, p)
			}
		}
		b.WriteString("\n" + indent + strings.Join(parts, ": "))
		writeDetails(b, d.Details, indent+"  ")
	}
}

// JobOptions configure how a long-running operation is followed; nil means
// defaults.
type JobOptions struct {
	// ProgressFunc, when set, is called with the job's state after each
	// status poll, the last one included.
	ProgressFunc func(*JobState)
}

// ImportOptions configure ImportProject; nil means defaults.
type ImportOptions struct {
	// Format is the file's format: "" or "Conversation" for a CLU project
	// file, "Luis" for a LUIS application.
	Format string
	// LUISAppID and LUISPatterns are the luisAppId and luisPatterns query
	// parameters of a format=Luis import (Parley extensions); "" sends none.
	LUISAppID, LUISPatterns string
	JobOptions
}

// ExportOptions configure ExportProject; nil means defaults.
type ExportOptions struct {
	// StringIndexType is the offsets' unit in the file; default
	// "Utf16CodeUnit", which every api-version takes.
	StringIndexType string
	// Format is the file's format: "" or "Conversation", or "Luis".
	Format string
	// TrainedModelLabel exports that trained model's snapshot instead of
	// the project's working copy.
	TrainedModelLabel string
	JobOptions
}

// ListProjects implements ConversationalAnalysisAuthoring_ListProjects: every
// project, following nextLink from page to page.
func (c *Client) ListProjects(ctx context.Context) ([]*ProjectMetadata, error) {
	var out []*ProjectMetadata
	err := c.listPages(ctx, "list projects", c.url("/projects", nil), func(raw json.RawMessage) error {
		p, err := decodeProject(raw)
		if err == nil {
			out = append(out, p)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// listPages GETs the paged list at first and each page its nextLink names,
// calling item with each member of each page's value.
func (c *Client) listPages(ctx context.Context, what, first string, item func(json.RawMessage) error) error {
	next := first
	seen := map[string]bool{}
	for next != "" {
		if seen[next] {
			return fmt.Errorf("%s: the server's nextLink %s repeats a page", what, next)
		}
		seen[next] = true
		var page struct {
			Value    []json.RawMessage `json:"value"`
			NextLink *string           `json:"nextLink"`
		}
		resp, err := c.send(ctx, http.MethodGet, next, nil)
		if err != nil {
			return err
		}
		if err := decode(resp, &page); err != nil {
			return err
		}
		for _, raw := range page.Value {
			if err := item(raw); err != nil {
				return fmt.Errorf("GET %s: %w", next, err)
			}
		}
		next = ""
		if page.NextLink != nil && *page.NextLink != "" {
			// Like the Azure SDKs, keep the link's continuation but send
			// our own api-version (AUTHORING.md §4.5).
			if next, err = c.resolve(resp.Request.URL, *page.NextLink, true); err != nil {
				return fmt.Errorf("%s: nextLink: %w", what, err)
			}
		}
	}
	return nil
}

// GetProject implements ConversationalAnalysisAuthoring_GetProject.
func (c *Client) GetProject(ctx context.Context, name string) (*ProjectMetadata, error) {
	resp, err := c.send(ctx, http.MethodGet, c.url(projectPath(name), nil), nil)
	if err != nil {
		return nil, err
	}
	var raw json.RawMessage
	if err := decode(resp, &raw); err != nil {
		return nil, err
	}
	p, err := decodeProject(raw)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", resp.Request.URL, err)
	}
	return p, nil
}

func decodeProject(raw json.RawMessage) (*ProjectMetadata, error) {
	p := &ProjectMetadata{}
	if err := json.Unmarshal(raw, p); err != nil {
		return nil, fmt.Errorf("project metadata: %w", err)
	}
	p.Raw = raw
	return p, nil
}

// DeleteProject implements ConversationalAnalysisAuthoring_DeleteProject and
// follows the deletion job to its end.
func (c *Client) DeleteProject(ctx context.Context, name string, opts *JobOptions) (*JobState, error) {
	if opts == nil {
		opts = &JobOptions{}
	}
	return c.runJob(ctx, http.MethodDelete, c.url(projectPath(name), nil), nil, opts.ProgressFunc)
}

// ImportProject implements ConversationalAnalysisAuthoring_Import: it sends
// file, a project file whose metadata.projectName must be name, as is, and
// follows the import job to its end.
func (c *Client) ImportProject(ctx context.Context, name string, file []byte, opts *ImportOptions) (*JobState, error) {
	if opts == nil {
		opts = &ImportOptions{}
	}
	q := url.Values{}
	for k, v := range map[string]string{"format": opts.Format, "luisAppId": opts.LUISAppID, "luisPatterns": opts.LUISPatterns} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return c.runJob(ctx, http.MethodPost, c.url(projectPath(name)+"/:import", q), file, opts.ProgressFunc)
}

// ExportProject implements ConversationalAnalysisAuthoring_Export: it starts
// an export, follows the job, and returns the exported file as the job's
// resultUrl serves it (ConversationalAnalysisAuthoring_GetExportResult).
func (c *Client) ExportProject(ctx context.Context, name string, opts *ExportOptions) ([]byte, error) {
	if opts == nil {
		opts = &ExportOptions{}
	}
	q := url.Values{}
	q.Set("stringIndexType", opts.StringIndexType)
	if opts.StringIndexType == "" {
		q.Set("stringIndexType", "Utf16CodeUnit")
	}
	for k, v := range map[string]string{"format": opts.Format, "trainedModelLabel": opts.TrainedModelLabel} {
		if v != "" {
			q.Set(k, v)
		}
	}
	st, err := c.runJob(ctx, http.MethodPost, c.url(projectPath(name)+"/:export", q), nil, opts.ProgressFunc)
	if err != nil {
		return nil, err
	}
	if st.ResultURL == "" {
		return nil, fmt.Errorf("export job %s succeeded without a resultUrl", st.JobID)
	}
	base, err := url.Parse(st.URL)
	if err != nil {
		return nil, err
	}
	// The resultUrl carries its api-version (AUTHORING.md §3.2); add ours
	// only when it does not.
	result, err := c.resolve(base, st.ResultURL, false)
	if err != nil {
		return nil, fmt.Errorf("export job %s: resultUrl: %w", st.JobID, err)
	}
	resp, err := c.send(ctx, http.MethodGet, result, nil)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", result, err)
	}
	return b, nil
}

// WaitJob polls the job at jobURL (an operation-location) until it is over,
// waiting between polls as the server's Retry-After asks. It returns the
// final state, and a *JobError too when the job did not succeed.
func (c *Client) WaitJob(ctx context.Context, jobURL string, opts *JobOptions) (*JobState, error) {
	if opts == nil {
		opts = &JobOptions{}
	}
	return c.wait(ctx, jobURL, 0, opts.ProgressFunc)
}

// runJob starts a long-running operation and follows its job.
func (c *Client) runJob(ctx context.Context, method, u string, body []byte, progress func(*JobState)) (*JobState, error) {
	resp, err := c.send(ctx, method, u, body)
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	loc := resp.Header.Get("Operation-Location")
	if loc == "" {
		return nil, fmt.Errorf("%s %s: the server answered %s without an operation-location", method, u, resp.Status)
	}
	jobURL, err := c.resolve(resp.Request.URL, loc, false)
	if err != nil {
		return nil, fmt.Errorf("%s %s: operation-location: %w", method, u, err)
	}
	return c.wait(ctx, jobURL, c.pollDelay(resp.Header), progress)
}

// wait polls jobURL after delay, and again until the job is over.
func (c *Client) wait(ctx context.Context, jobURL string, delay time.Duration, progress func(*JobState)) (*JobState, error) {
	busy := 0
	for {
		if err := sleep(ctx, delay); err != nil {
			return nil, fmt.Errorf("waiting for job %s: %w", jobURL, err)
		}
		resp, err := c.send(ctx, http.MethodGet, jobURL, nil)
		var e *Error
		if errors.As(err, &e) && (e.StatusCode == http.StatusTooManyRequests || e.StatusCode == http.StatusServiceUnavailable) && busy < maxBusyRetries {
			busy++
			delay = e.RetryAfter
			if delay == 0 {
				delay = DefaultPollDelay
			}
			delay = c.capDelay(delay)
			continue
		}
		if err != nil {
			return nil, err
		}
		busy = 0
		var raw json.RawMessage
		if err := decode(resp, &raw); err != nil {
			return nil, err
		}
		st := &JobState{Raw: raw}
		if err := json.Unmarshal(raw, st); err != nil {
			return nil, fmt.Errorf("GET %s: the job document is not the JSON expected: %w", jobURL, err)
		}
		if st.Status == "" {
			return nil, fmt.Errorf("GET %s: the job document has no status", jobURL)
		}
		st.URL = jobURL
		if progress != nil {
			progress(st)
		}
		if st.Status.Terminal() {
			if strings.EqualFold(string(st.Status), string(JobSucceeded)) {
				return st, nil
			}
			return st, &JobError{Job: st}
		}
		delay = c.pollDelay(resp.Header)
	}
}

// pollDelay is the wait the server asks for in h, DefaultPollDelay when it
// asks for none, capped by MaxPollDelay.
func (c *Client) pollDelay(h http.Header) time.Duration {
	d, ok := retryAfter(h, time.Now())
	if !ok {
		d = DefaultPollDelay
	}
	return c.capDelay(d)
}

func (c *Client) capDelay(d time.Duration) time.Duration {
	if c.maxPollDelay > 0 && d > c.maxPollDelay {
		return c.maxPollDelay
	}
	return d
}

// retryAfter reads the wait a response asks for: retry-after-ms or
// x-ms-retry-after-ms in milliseconds, as the Azure SDKs read them first,
// else Retry-After in seconds or as an HTTP date.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	for _, name := range []string{"Retry-After-Ms", "X-Ms-Retry-After-Ms"} {
		if ms, err := strconv.Atoi(strings.TrimSpace(h.Get(name))); err == nil && ms >= 0 {
			return time.Duration(ms) * time.Millisecond, true
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// projectPath is the path of a project under the authoring API.
func projectPath(name string) string { return "/projects/" + url.PathEscape(name) }

// url returns the absolute URL of path under the authoring API, with q and
// the api-version.
func (c *Client) url(path string, q url.Values) string {
	if q == nil {
		q = url.Values{}
	}
	q.Set("api-version", c.apiVersion)
	return c.endpoint + authoringPath + path + "?" + q.Encode()
}

// resolve resolves a URL the server sent (nextLink, operation-location,
// resultUrl) against the request it answered. The api-version becomes ours
// when force is set, or when the URL has none.
func (c *Client) resolve(base *url.URL, ref string, force bool) (string, error) {
	u, err := url.Parse(ref)
	if err != nil {
		return "", err
	}
	u = base.ResolveReference(u)
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("%q is not an http(s) URL", ref)
	}
	q := u.Query()
	if force || q.Get("api-version") == "" {
		q.Set("api-version", c.apiVersion)
		u.RawQuery = q.Encode()
	}
	return u.String(), nil
}

// send sends a request with the key and returns the response of a 2xx
// answer; any other answer becomes an *Error.
func (c *Client) send(ctx context.Context, method, u string, body []byte) (*http.Response, error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, r)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Ocp-Apim-Subscription-Key", c.key)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "parley-client")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, connError(ctx, method, req.URL, err)
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return resp, nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	e := &Error{Method: method, URL: req.URL.String(), StatusCode: resp.StatusCode, Body: errorBody(resp.StatusCode, b)}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		e.RetryAfter, _ = retryAfter(resp.Header, time.Now())
	}
	return nil, e
}

// errorBody decodes an Azure error body; anything else becomes an error
// whose code is the status and whose message is the body's first line.
func errorBody(status int, b []byte) *azerr.Error {
	var body struct {
		Error *azerr.Error `json:"error"`
	}
	if json.Unmarshal(b, &body) == nil && body.Error != nil && (body.Error.Code != "" || body.Error.Message != "") {
		if body.Error.Code == "" {
			body.Error.Code = azerr.Code(strconv.Itoa(status))
		}
		return body.Error
	}
	msg, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	if len(msg) > 200 {
		msg = msg[:200] + "..."
	}
	if msg == "" {
		msg = http.StatusText(status)
	}
	return &azerr.Error{Code: azerr.Code(strconv.Itoa(status)), Message: msg}
}

// decode reads and closes resp's body, decoding it as JSON into v.
func decode(resp *http.Response, v any) error {
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("%s %s: %w", resp.Request.Method, resp.Request.URL, err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s %s: the answer is not the JSON expected: %w", resp.Request.Method, resp.Request.URL, err)
	}
	return nil
}
