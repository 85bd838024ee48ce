package compat

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parley-dev/parley/internal/api/apitest"
)

// examplesDir is the spec's x-ms-examples, kept as data in the
// repository's testdata folder (docs/contract/AUTHORING.md §11).
var examplesDir = filepath.Join("..", "..", "testdata", "examples")

// example is one x-ms-examples file. Its operationId and title are not
// normative (AUTHORING.md §11); the operation comes from the replay table.
type example struct {
	File       string
	Parameters map[string]any             `json:"parameters"`
	Responses  map[string]exampleResponse `json:"responses"`
}

// exampleResponse is one response of an example, keyed by status code.
type exampleResponse struct {
	Headers map[string]string `json:"headers"`
	Body    any               `json:"body"`
}

// Parameters that are not the request's path or query.
var nonQueryParameters = map[string]bool{
	"Endpoint": true, "Ocp-Apim-Subscription-Key": true, "Content-Type": true, "body": true,
}

// exampleFiles lists the example files, sorted: the 2022 and 2023 files at
// the top of examplesDir by name, and each newer api-version's in its own
// folder as "{api-version}/{name}".
func exampleFiles(t testing.TB) []string {
	t.Helper()
	var names []string
	err := filepath.WalkDir(examplesDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".json" {
			return err
		}
		rel, err := filepath.Rel(examplesDir, path)
		names = append(names, filepath.ToSlash(rel))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 {
		t.Fatalf("no example files in %s: testdata/examples holds the spec examples (testdata/README.md)", examplesDir)
	}
	sort.Strings(names)
	return names
}

// loadExample reads and decodes an example file.
func loadExample(t testing.TB, file string) *example {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(examplesDir, filepath.FromSlash(file)))
	if err != nil {
		t.Fatal(err)
	}
	ex := &example{File: file}
	if err := json.Unmarshal(b, ex); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if len(ex.Responses) == 0 {
		t.Fatalf("%s has no responses", file)
	}
	return ex
}

// param returns a parameter of the example as it goes in a URL: strings as
// they are, numbers and booleans in JSON notation (maxpagesize is a number).
func (ex *example) param(name string) (string, bool) {
	switch v := ex.Parameters[name].(type) {
	case string:
		return v, true
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true
	case bool:
		return strconv.FormatBool(v), true
	}
	return "", false
}

// apiVersion is the api-version the example was written for.
func (ex *example) apiVersion(t testing.TB) string {
	t.Helper()
	v, ok := ex.param("api-version")
	if !ok || v == "" {
		t.Fatalf("%s has no api-version parameter", ex.File)
	}
	return v
}

// response returns the example's response with the given status.
func (ex *example) response(t testing.TB, status string) exampleResponse {
	t.Helper()
	r, ok := ex.Responses[status]
	if !ok {
		t.Fatalf("%s has no %s response; it has %v", ex.File, status, slices.Sorted(maps.Keys(ex.Responses)))
	}
	return r
}

// request builds the example's request for rt against base (the server's
// URL): path parameters fill the route's path, the other parameters become
// the query, and the body and Content-Type are the example's. override
// replaces parameter values (server-generated ids); aliases maps a path
// parameter of the route to the parameter name the example uses instead.
func (ex *example) request(t testing.TB, base string, rt route, override, aliases map[string]string) *http.Request {
	t.Helper()
	value := func(name string) (string, bool) {
		if v, ok := override[name]; ok {
			return v, true
		}
		return ex.param(name)
	}
	used := map[string]bool{}
	var missing []string
	path := pathParam.ReplaceAllStringFunc(rt.Path, func(seg string) string {
		name := seg[1 : len(seg)-1]
		src := name
		if a, ok := aliases[name]; ok {
			src = a
		}
		used[src] = true
		v, ok := value(src)
		if !ok {
			missing = append(missing, name)
		}
		return url.PathEscape(v)
	})
	if len(missing) > 0 {
		t.Fatalf("%s: no value for the path parameters %v of %s %s", ex.File, missing, rt.Method, rt.Path)
	}
	q := url.Values{}
	for name := range ex.Parameters {
		if nonQueryParameters[name] || used[name] {
			continue
		}
		v, ok := value(name)
		if !ok {
			t.Fatalf("%s: parameter %s is not a string, number or boolean", ex.File, name)
		}
		q.Set(name, v)
	}
	var body io.Reader
	b, hasBody := ex.Parameters["body"]
	if hasBody {
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		body = bytes.NewReader(j)
	}
	req, err := http.NewRequest(rt.Method, base+apitest.Prefix+path+"?"+q.Encode(), body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Ocp-Apim-Subscription-Key", apitest.Key)
	if ct, ok := ex.param("Content-Type"); ok {
		req.Header.Set("Content-Type", ct)
	} else if hasBody {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}

var pathParam = regexp.MustCompile(`\{[A-Za-z]+\}`)

// jobIDPattern is the shape of a job id: a lowercase GUID, "_", and .NET
// ticks (AUTHORING.md §2.3).
var jobIDPattern = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}_[0-9]+`)

// timePattern is a date-time as the examples write it: RFC 3339 in UTC.
var timePattern = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?Z$`)

// timeKeys name the date-time members: their values are volatile, only
// their format is compared.
var timeKeys = map[string]bool{
	"createdDateTime": true, "lastModifiedDateTime": true, "lastUpdatedDateTime": true,
	"expirationDateTime": true, "lastTrainedDateTime": true, "lastDeployedDateTime": true,
	"estimatedEndDateTime": true, "startDateTime": true, "endDateTime": true,
}

// volatileCounts name the numeric members whose values depend on when the
// answer was made: only that they are whole numbers of 0 or more is
// compared. A training takes as long as it takes.
var volatileCounts = map[string]bool{
	"lastTrainingDurationInSeconds": true,
}

// enums are the spec's enum-typed members and their values: JobStatus
// (AUTHORING.md §3.2, also the status of a training's phases), ProjectKind
// (§6.1), TrainingMode (§5.3.1) and EvaluationKind (§6.5, the only "kind"
// of the examples).
var enums = map[string][]string{
	"status":       {"notStarted", "running", "succeeded", "failed", "cancelled", "cancelling", "partiallyCompleted"},
	"projectKind":  {"Conversation", "Orchestration", "CustomConversationSummarization"},
	"trainingMode": {"standard", "advanced"},
	"kind":         {"percentage", "manual"},
}

// finding is one difference between the example's response and ours.
type finding struct {
	Kind   string // missingKey, extraKey, type, value, enum, length, header, data, dataKeys
	Path   string // JSON pointer with "*" for array indexes and data keys, as deviations name it
	Where  string // JSON pointer with the indexes, or the header's name
	Detail string
}

func (f finding) String() string { return fmt.Sprintf("%s at %s: %s", f.Kind, f.Where, f.Detail) }

// normalizer makes volatile parts of strings comparable: the endpoint, job
// ids, and the time and random part of model ids.
type normalizer struct {
	endpoint string // our server's URL
}

// modelIDTail is the volatile part of a model id (AUTHORING.md §2.3): "-",
// the training time on a 12-hour clock, "-", 32 hex digits; the label
// before it is compared.
var modelIDTail = regexp.MustCompile(`-[0-9]{8}T[0-9]{6}-[0-9a-f]{32}$`)

func (n normalizer) str(s string) string {
	s = strings.ReplaceAll(s, "{Endpoint}", "<endpoint>")
	if n.endpoint != "" {
		s = strings.ReplaceAll(s, n.endpoint, "<endpoint>")
	}
	s = modelIDTail.ReplaceAllString(s, "-<trained>")
	return jobIDPattern.ReplaceAllString(s, "<jobId>")
}

// jsonType names the JSON type of a decoded value.
func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// dataPaths say where an example's values are the data of its own project
// rather than what any server must answer (deviations of kinds data and
// dataKeys): there the comparison is by shape.
type dataPaths struct {
	data     map[string]bool // patterns whose subtree is compared by shape
	dataKeys map[string]bool // patterns of objects whose keys are data (class names)
}

// dataPathsOf collects the data paths among a response's deviations.
func dataPathsOf(devs []deviation) dataPaths {
	d := dataPaths{data: map[string]bool{}, dataKeys: map[string]bool{}}
	for _, dv := range devs {
		switch dv.Kind {
		case "data":
			d.data[dv.Path] = true
		case "dataKeys":
			d.dataKeys[dv.Path] = true
		}
	}
	return d
}

// compareBody compares our body with the example's: same keys and JSON
// types, valid enum values, equal values except volatile ones (times, job
// ids, model ids, the endpoint, durations, the progress of unfinished
// work), arrays of the same length compared item by item. Under the data
// paths it compares shapes only (see comparer.value).
func compareBody(want, got any, n normalizer, data dataPaths) []finding {
	c := &comparer{n: n, dataPaths: data}
	c.value(want, got, "", "", "", false)
	return c.out
}

// comparer walks the example's body and ours side by side.
type comparer struct {
	n normalizer
	dataPaths
	out []finding
}

func (c *comparer) add(kind, pattern, where, format string, args ...any) {
	c.out = append(c.out, finding{kind, rootOr(pattern), rootOr(where), fmt.Sprintf(format, args...)})
}

// value compares one value. In shape mode (under a data path) it compares
// JSON types, keys and enum values but no other values: each array item of
// ours, and each member of an object with data keys, is compared with a
// template that merges the example's items or members; arrays may have any
// length.
func (c *comparer) value(want, got any, pattern, where, key string, shape bool) {
	if !shape && c.data[pattern] {
		c.add("data", pattern, where, "the example's values are the data of its own project: compared by shape only")
		shape = true
	}
	if wt, gt := jsonType(want), jsonType(got); wt != gt {
		c.add("type", pattern, where, "ours is %s %s, the example's is %s %s", gt, brief(got), wt, brief(want))
		return
	}
	switch w := want.(type) {
	case map[string]any:
		g := got.(map[string]any)
		if c.dataKeys[pattern] {
			c.add("dataKeys", pattern, where, "the example's keys are the classes of its own project: our %d members are compared by shape with its %d", len(g), len(w))
			if len(g) == 0 && len(w) > 0 {
				c.add("length", pattern, where, "ours has no members, the example %d", len(w))
			}
			tmpl := merge(slices.Collect(maps.Values(w)))
			for _, k := range slices.Sorted(maps.Keys(g)) {
				c.value(tmpl, g[k], pattern+"/*", where+"/"+k, "", true)
			}
			return
		}
		for _, k := range slices.Sorted(maps.Keys(w)) {
			p, wh := pattern+"/"+k, where+"/"+k
			gv, ok := g[k]
			switch {
			case !ok:
				c.out = append(c.out, finding{"missingKey", p, wh, fmt.Sprintf("the example has %s, ours has no such key", brief(w[k]))})
			case k == "percentComplete" && !shape && unfinished(g):
				// The progress of work under way is volatile.
				if f, ok := gv.(float64); !ok || f < 0 || f > 100 || f != math.Trunc(f) {
					c.add("value", p, wh, "ours is %s, want a whole percentage", brief(gv))
				}
			default:
				c.value(w[k], gv, p, wh, k, shape)
			}
		}
		for _, k := range slices.Sorted(maps.Keys(g)) {
			if _, ok := w[k]; !ok {
				c.out = append(c.out, finding{"extraKey", pattern + "/" + k, where + "/" + k, fmt.Sprintf("ours has %s, the example has no such key", brief(g[k]))})
			}
		}
		if ws, gs, ok := durationOK(w, g); !ok && !shape {
			c.add("value", pattern, where, "expirationDateTime - createdDateTime is %v in ours, %v in the example", gs, ws)
		}
	case []any:
		g := got.([]any)
		if shape {
			if len(g) > 0 && len(w) == 0 {
				c.add("length", pattern, where, "ours has %d items, the example none to compare their shape with", len(g))
				return
			}
			tmpl := merge(w)
			for i := range g {
				c.value(tmpl, g[i], pattern+"/*", fmt.Sprintf("%s/%d", where, i), "", true)
			}
			return
		}
		if len(g) != len(w) {
			c.add("length", pattern, where, "ours has %d items, the example %d", len(g), len(w))
		}
		for i := range min(len(w), len(g)) {
			c.value(w[i], g[i], pattern+"/*", fmt.Sprintf("%s/%d", where, i), "", false)
		}
	case string:
		g := got.(string)
		if allowed, ok := enums[key]; ok && !slices.Contains(allowed, g) {
			c.add("enum", pattern, where, "%q is not a %s value (%v)", g, key, allowed)
			return
		}
		if timeKeys[key] {
			if !timePattern.MatchString(g) {
				c.add("value", pattern, where, "%q is not an RFC 3339 UTC date-time like the example's %q", g, w)
			}
			return
		}
		if !shape && c.n.str(w) != c.n.str(g) {
			c.add("value", pattern, where, "ours is %q, the example's %q", g, w)
		}
	case float64:
		g := got.(float64)
		switch {
		case volatileCounts[key]:
			if g < 0 || g != math.Trunc(g) {
				c.add("value", pattern, where, "ours is %v, want a whole number of 0 or more", g)
			}
		case !shape && g != w:
			c.add("value", pattern, where, "ours is %v, the example's %v", g, w)
		}
	default:
		if !shape && want != got {
			c.add("value", pattern, where, "ours is %v, the example's %v", got, want)
		}
	}
}

// unfinished reports whether a job or a phase of one is under way, so that
// its percentComplete is volatile.
func unfinished(m map[string]any) bool {
	st, _ := m["status"].(string)
	return st == "notStarted" || st == "running" || st == "cancelling"
}

// merge makes one template of the example's values of one place: the
// union of objects' members (each merged in turn), an array of the merged
// items of arrays, or the first value.
func merge(vs []any) any {
	if len(vs) == 0 {
		return nil
	}
	switch vs[0].(type) {
	case map[string]any:
		members := map[string][]any{}
		for _, v := range vs {
			if m, ok := v.(map[string]any); ok {
				for k, x := range m {
					members[k] = append(members[k], x)
				}
			}
		}
		out := map[string]any{}
		for k, xs := range members {
			out[k] = merge(xs)
		}
		return out
	case []any:
		var items []any
		for _, v := range vs {
			if a, ok := v.([]any); ok {
				items = append(items, a...)
			}
		}
		if len(items) == 0 {
			return []any{}
		}
		return []any{merge(items)}
	}
	return vs[0]
}

// durationOK checks that a job's retention (expirationDateTime after
// createdDateTime) is the example's.
func durationOK(w, g map[string]any) (want, got time.Duration, ok bool) {
	span := func(m map[string]any) (time.Duration, bool) {
		c, ok1 := m["createdDateTime"].(string)
		e, ok2 := m["expirationDateTime"].(string)
		if !ok1 || !ok2 {
			return 0, false
		}
		ct, err1 := time.Parse(time.RFC3339, c)
		et, err2 := time.Parse(time.RFC3339, e)
		if err1 != nil || err2 != nil {
			return 0, false
		}
		return et.Sub(ct), true
	}
	want, okw := span(w)
	if !okw {
		return 0, 0, true
	}
	got, okg := span(g)
	return want, got, okg && got == want
}

// rootOr names the whole body "/" in JSON-pointer style.
func rootOr(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// brief renders a JSON value for a message, shortened.
func brief(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 80 {
		return string(b[:77]) + "..."
	}
	return string(b)
}

// compareHeaders checks the example's headers in our response, after
// normalising the endpoint and job ids, and the LRO rules: a 202 has an
// absolute operation-location on our host that keeps the request's
// api-version, no Location and no body (AUTHORING.md §2.2, §3.1).
func compareHeaders(want map[string]string, resp *http.Response, body []byte, n normalizer) []finding {
	var out []finding
	add := func(name, format string, args ...any) {
		out = append(out, finding{"header", name, name, fmt.Sprintf(format, args...)})
	}
	for _, name := range slices.Sorted(maps.Keys(want)) {
		got := resp.Header.Get(name)
		if got == "" {
			add(name, "missing; the example has %q", want[name])
			continue
		}
		if n.str(got) != n.str(want[name]) {
			add(name, "ours is %q, the example's %q (after replacing {Endpoint} and job ids)", got, want[name])
		}
	}
	if resp.StatusCode == http.StatusAccepted {
		loc := resp.Header.Get("Operation-Location")
		u, err := url.Parse(loc)
		switch {
		case err != nil || !u.IsAbs():
			add("operation-location", "%q is not an absolute URL", loc)
		case u.Scheme+"://"+u.Host != n.endpoint:
			add("operation-location", "%q is not on the request's host %s", loc, n.endpoint)
		case u.Query().Get("api-version") != resp.Request.URL.Query().Get("api-version"):
			add("operation-location", "%q does not keep the request's api-version %s", loc, resp.Request.URL.Query().Get("api-version"))
		}
		if l := resp.Header.Get("Location"); l != "" {
			add("Location", "a 202 must not carry Location (azure-core would GET it); ours is %q", l)
		}
		if len(bytes.TrimSpace(body)) > 0 {
			add("body", "a 202 has an empty body; ours is %q", body)
		}
	}
	if len(body) > 0 && !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		add("Content-Type", "ours is %q, want application/json", resp.Header.Get("Content-Type"))
	}
	return out
}

// headerOf returns the example's header of that name, in any case.
func headerOf(headers map[string]string, name string) string {
	for k, v := range headers {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// jobIDs returns the distinct job ids of an answer: those in its
// operation-location and in every string of its body.
func jobIDs(operationLocation string, body any) []string {
	seen := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			for _, id := range jobIDPattern.FindAllString(v, -1) {
				seen[id] = true
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		case map[string]any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(operationLocation)
	walk(body)
	return slices.Sorted(maps.Keys(seen))
}
