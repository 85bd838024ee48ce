// Command driver is the load generator of tests/cluster/run.sh: it sends a
// mixed authoring and prediction load round-robin across parley replicas
// that share one PostgreSQL database, kills one replica with SIGKILL partway
// through, and then checks that every job reached a terminal state, that
// every succeeded export equals its project as imported, and that no request
// failed except those open on the killed replica when it died.
//
// Usage: driver -key KEY [-seconds N] [-kill-at F] [-datasets DIR] PID=URL...
//
// It exits 1 when a check fails. It uses the standard library only and
// speaks HTTP by hand, as a client of the service would.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

const (
	apiVersion = "2023-04-01"
	authoring  = "/language/authoring/analyze-conversations"
	workers    = 6
)

func main() {
	key := flag.String("key", "", "the replicas' subscription key")
	seconds := flag.Float64("seconds", 10, "how long to send load")
	killAt := flag.Float64("kill-at", 0.4, "when to kill a replica, as a fraction of the load's duration")
	datasets := flag.String("datasets", "testdata/datasets/smoke", "folder of *.clu.json project files to import")
	pollDeadline := flag.Duration("poll-deadline", 60*time.Second, "how long to wait for the jobs after the load")
	flag.Parse()
	if *key == "" || flag.NArg() < 2 {
		fmt.Fprintln(os.Stderr, "usage: driver -key KEY [-seconds N] [-kill-at F] [-datasets DIR] PID=URL PID=URL...")
		os.Exit(2)
	}
	d, err := newDriver(*key, flag.Args(), *datasets)
	if err != nil {
		fmt.Fprintln(os.Stderr, "driver:", err)
		os.Exit(2)
	}
	ok := d.run(time.Duration(*seconds*float64(time.Second)), *killAt, *pollDeadline)
	if !ok {
		os.Exit(1)
	}
}

// replica is one parley serve process.
type replica struct {
	n    int
	pid  int
	base string // http://host:port
	dead bool
}

// record is one request the driver sent.
type record struct {
	id         int64
	replica    int
	op         string
	method     string
	path       string
	status     int
	err        string
	failed     bool
	openAtKill bool // in flight on the killed replica when it died
	afterKill  bool // sent to the killed replica after it died (never, by design)
}

// dataset is a project file to import.
type dataset struct {
	name    string
	doc     map[string]any
	intents map[string]bool
}

// jobRec is a job a request started (a 202 with an Operation-Location).
type jobRec struct {
	kind    string
	project string
	path    string // path and query of the job URL, without the replica's host
	// want is the project file an export job must return (exports only).
	want   map[string]any
	status string
	result string // why an export's result check failed, or ""
}

type driver struct {
	key      string
	replicas []*replica
	datasets []dataset
	client   *http.Client

	mu       sync.Mutex
	next     int
	inflight map[int64]*record
	records  []*record
	jobs     []*jobRec
	killed   *replica
	ids      atomic.Int64

	wrongModel  atomic.Int64 // predictions whose intent is not the deployed dataset's
	predictions atomic.Int64
}

func newDriver(key string, args []string, dir string) (*driver, error) {
	d := &driver{
		key:      key,
		client:   &http.Client{Timeout: 30 * time.Second},
		inflight: map[int64]*record{},
	}
	for i, a := range args {
		pid, base, ok := strings.Cut(a, "=")
		n, err := strconv.Atoi(pid)
		if !ok || err != nil {
			return nil, fmt.Errorf("replica %q: want PID=URL", a)
		}
		d.replicas = append(d.replicas, &replica{n: i, pid: n, base: strings.TrimRight(base, "/")})
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.clu.json"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no *.clu.json files in %s", dir)
	}
	sort.Strings(files)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var doc map[string]any
		if err := json.Unmarshal(b, &doc); err != nil {
			return nil, fmt.Errorf("%s: %v", f, err)
		}
		ds := dataset{name: filepath.Base(f), doc: doc, intents: map[string]bool{"None": true}}
		assets, _ := doc["assets"].(map[string]any)
		intents, _ := assets["intents"].([]any)
		for _, in := range intents {
			if m, ok := in.(map[string]any); ok {
				ds.intents[fmt.Sprint(m["category"])] = true
			}
		}
		d.datasets = append(d.datasets, ds)
	}
	return d, nil
}

// pick returns the next live replica, round-robin.
func (d *driver) pick() *replica {
	for {
		r := d.replicas[d.next%len(d.replicas)]
		d.next++
		if !r.dead {
			return r
		}
	}
}

// response is what do returns.
type response struct {
	status int
	header http.Header
	body   []byte
}

// errOpenAtKill marks a failed request that was open on the killed replica.
var errOpenAtKill = errors.New("open on the killed replica when it died")

// do sends one request to the next live replica and records it. want is the
// status that counts as success. A failure that is allowed (open on the
// killed replica) returns errOpenAtKill; any other failure another error.
func (d *driver) do(op, method, path string, body []byte, want int) (*response, error) {
	rec := &record{id: d.ids.Add(1), op: op, method: method, path: path}
	d.mu.Lock()
	r := d.pick()
	rec.replica = r.n
	d.inflight[rec.id] = rec
	d.records = append(d.records, rec)
	d.mu.Unlock()

	resp, err := d.send(r.base, method, path, body)

	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.inflight, rec.id)
	switch {
	case err != nil:
		rec.err = err.Error()
	case resp.status != want:
		rec.status = resp.status
		rec.err = fmt.Sprintf("status %d, want %d: %.300s", resp.status, want, resp.body)
	default:
		rec.status = resp.status
		return resp, nil
	}
	rec.failed = true
	if rec.openAtKill {
		return nil, errOpenAtKill
	}
	return nil, fmt.Errorf("%s %s on replica %d: %s", method, path, r.n, rec.err)
}

// send is one HTTP exchange, by hand.
func (d *driver) send(base, method, path string, body []byte) (*response, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, base+path, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Ocp-Apim-Subscription-Key", d.key)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := d.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: b}, nil
}

// kill marks a replica dead, notes the requests open on it, and kills it.
// It waits up to a second for a request to be open on it, so that the
// allowed failures are exercised too.
func (d *driver) kill(r *replica) {
	for end := time.Now().Add(time.Second); ; time.Sleep(time.Millisecond) {
		d.mu.Lock()
		if time.Now().After(end) || d.openOn(r) {
			break
		}
		d.mu.Unlock()
	}
	r.dead = true
	d.killed = r
	for _, rec := range d.inflight {
		if rec.replica == r.n {
			rec.openAtKill = true
		}
	}
	d.mu.Unlock()
	if err := syscall.Kill(r.pid, syscall.SIGKILL); err != nil {
		fmt.Fprintf(os.Stderr, "driver: kill %d: %v\n", r.pid, err)
	}
}

// openOn reports whether a request is in flight on r; d.mu is held.
func (d *driver) openOn(r *replica) bool {
	for _, rec := range d.inflight {
		if rec.replica == r.n {
			return true
		}
	}
	return false
}

// jobPath is the path and query of an Operation-Location.
func jobPath(loc string) (string, error) {
	u, err := url.Parse(loc)
	if err != nil || u.Path == "" {
		return "", fmt.Errorf("bad Operation-Location %q", loc)
	}
	return u.RequestURI(), nil
}

// startJob sends a request that answers 202 and records its job.
func (d *driver) startJob(op, method, path string, body []byte, project string, want map[string]any) (*jobRec, error) {
	resp, err := d.do(op, method, path, body, http.StatusAccepted)
	if err != nil {
		return nil, err
	}
	p, err := jobPath(resp.header.Get("Operation-Location"))
	if err != nil {
		return nil, err
	}
	j := &jobRec{kind: op, project: project, path: p, want: want}
	d.mu.Lock()
	d.jobs = append(d.jobs, j)
	d.mu.Unlock()
	return j, nil
}

// terminal reports whether a job status is final.
func terminal(s string) bool {
	return s == "succeeded" || s == "failed" || s == "cancelled"
}

// wait polls a job on the live replicas until it is terminal or ctx ends.
func (d *driver) wait(ctx context.Context, j *jobRec) (string, error) {
	for {
		resp, err := d.do("status", "GET", j.path, nil, http.StatusOK)
		if err != nil && !errors.Is(err, errOpenAtKill) {
			return "", err
		}
		if err == nil {
			var st struct {
				Status string `json:"status"`
			}
			if e := json.Unmarshal(resp.body, &st); e != nil {
				return "", fmt.Errorf("job %s: %v", j.path, e)
			}
			if terminal(st.Status) {
				return st.Status, nil
			}
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func marshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// asImported is ds's project file under the name project.
func asImported(ds dataset, project string) map[string]any {
	var doc map[string]any
	if err := json.Unmarshal(marshal(ds.doc), &doc); err != nil {
		panic(err)
	}
	meta, _ := doc["metadata"].(map[string]any)
	meta["projectName"] = project
	return doc
}

// worker runs the workflow on its own projects until ctx ends: import,
// project GET, export, train, deploy, predictions. One project's steps are
// sequential, so what an export must return is known. A step that fails
// (allowed or not) or whose job does not succeed moves the worker to a fresh
// project, as that project's state is then unknown.
func (d *driver) worker(ctx context.Context, w int, fail func(error)) {
	gen := 0
	for cycle := 0; ctx.Err() == nil; cycle++ {
		project := fmt.Sprintf("Cluster-w%d-g%d", w, gen)
		ds := d.datasets[(w+cycle)%len(d.datasets)]
		if err := d.cycle(ctx, project, ds); err != nil {
			if ctx.Err() != nil {
				return
			}
			if !errors.Is(err, errOpenAtKill) && !errors.Is(err, errJobNotSucceeded) {
				fail(err)
			}
			gen++
		}
	}
}

var errJobNotSucceeded = errors.New("job did not succeed")

func (d *driver) runJob(ctx context.Context, op, method, path string, body []byte, project string, want map[string]any) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	j, err := d.startJob(op, method, path, body, project, want)
	if err != nil {
		return err
	}
	st, err := d.wait(ctx, j)
	if err != nil {
		return err
	}
	if st != "succeeded" {
		return fmt.Errorf("%s job %s: %s: %w", op, j.path, st, errJobNotSucceeded)
	}
	return nil
}

func (d *driver) cycle(ctx context.Context, project string, ds dataset) error {
	q := "?api-version=" + apiVersion
	p := authoring + "/projects/" + project
	doc := asImported(ds, project)
	if err := d.runJob(ctx, "import", "POST", p+"/:import"+q, marshal(doc), project, nil); err != nil {
		return err
	}
	if _, err := d.do("get-project", "GET", p+q, nil, http.StatusOK); err != nil {
		return err
	}
	if err := d.runJob(ctx, "export", "POST", p+"/:export"+q+"&stringIndexType=Utf16CodeUnit", nil, project, doc); err != nil {
		return err
	}
	if _, err := d.do("list-projects", "GET", authoring+"/projects"+q, nil, http.StatusOK); err != nil {
		return err
	}
	train := map[string]any{"modelLabel": "m", "trainingMode": "standard"}
	if err := d.runJob(ctx, "train", "POST", p+"/:train"+q, marshal(train), project, nil); err != nil {
		return err
	}
	if err := d.runJob(ctx, "deploy", "PUT", p+"/deployments/prod"+q, marshal(map[string]any{"trainedModelLabel": "m"}), project, nil); err != nil {
		return err
	}
	if _, err := d.do("get-deployment", "GET", p+"/deployments/prod"+q, nil, http.StatusOK); err != nil {
		return err
	}
	// Predictions on every live replica in turn: the deployment was made on
	// one, and each must now serve the model trained on ds.
	assets, _ := ds.doc["assets"].(map[string]any)
	utts, _ := assets["utterances"].([]any)
	for i := 0; i < len(d.replicas) && i < len(utts) && ctx.Err() == nil; i++ {
		u, _ := utts[i].(map[string]any)
		req := map[string]any{
			"kind": "Conversation",
			"analysisInput": map[string]any{"conversationItem": map[string]any{
				"id": "1", "participantId": "1", "text": u["text"]}},
			"parameters": map[string]any{"projectName": project, "deploymentName": "prod"},
		}
		resp, err := d.do("predict", "POST", "/language/:analyze-conversations"+q, marshal(req), http.StatusOK)
		if err != nil {
			return err
		}
		var out struct {
			Result struct {
				Prediction struct {
					TopIntent string `json:"topIntent"`
				} `json:"prediction"`
			} `json:"result"`
		}
		if err := json.Unmarshal(resp.body, &out); err != nil {
			return fmt.Errorf("prediction: %v: %.200s", err, resp.body)
		}
		d.predictions.Add(1)
		if !ds.intents[out.Result.Prediction.TopIntent] {
			d.wrongModel.Add(1)
			fmt.Fprintf(os.Stderr, "driver: %s predicted intent %q, not one of %s's\n", project, out.Result.Prediction.TopIntent, ds.name)
		}
	}
	return nil
}

// withoutVersion is a project file without its projectFileVersion.
func withoutVersion(doc map[string]any) map[string]any {
	c := map[string]any{}
	for k, v := range doc {
		if k != "projectFileVersion" {
			c[k] = v
		}
	}
	return c
}

// finish polls every job until terminal and checks the exports' results.
func (d *driver) finish(deadline time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for _, j := range d.jobs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			st, err := d.wait(ctx, j)
			if err != nil {
				j.status = "unfinished: " + err.Error()
				return
			}
			j.status = st
			if j.kind != "export" || st != "succeeded" {
				return
			}
			resp, err := d.do("status", "GET", j.path, nil, http.StatusOK)
			if err != nil {
				j.result = err.Error()
				return
			}
			var s struct {
				ResultURL string `json:"resultUrl"`
			}
			json.Unmarshal(resp.body, &s)
			rp, err := jobPath(s.ResultURL)
			if err != nil {
				j.result = err.Error()
				return
			}
			resp, err = d.do("export-result", "GET", rp, nil, http.StatusOK)
			if err != nil {
				j.result = err.Error()
				return
			}
			var got map[string]any
			if err := json.Unmarshal(resp.body, &got); err != nil {
				j.result = err.Error()
				return
			}
			if !reflect.DeepEqual(withoutVersion(got), withoutVersion(j.want)) {
				j.result = fmt.Sprintf("export of %s differs from the project as imported: got %.300s", j.project, resp.body)
			}
		}()
	}
	wg.Wait()
}

// run sends the load, kills a replica at killAt, waits for the jobs and
// prints the checks. It reports whether they all passed.
func (d *driver) run(dur time.Duration, killAt float64, pollDeadline time.Duration) bool {
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), dur)
	defer cancel()
	var unexpected []error
	var umu sync.Mutex
	fail := func(err error) {
		umu.Lock()
		unexpected = append(unexpected, err)
		umu.Unlock()
	}
	victim := d.replicas[len(d.replicas)-1]
	killTimer := time.AfterFunc(time.Duration(killAt*float64(dur)), func() { d.kill(victim) })
	defer killTimer.Stop()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d.worker(ctx, w, fail)
		}()
	}
	wg.Wait()
	loadTime := time.Since(start)
	if d.killed == nil {
		fmt.Println("FAIL: the load ended before the replica was killed")
		return false
	}
	d.finish(pollDeadline)

	ok := true
	// 1. Jobs.
	counts := map[string]int{}
	var unfinished []string
	for _, j := range d.jobs {
		counts[j.status]++
		if !terminal(j.status) {
			unfinished = append(unfinished, fmt.Sprintf("%s %s: %s", j.kind, j.path, j.status))
		}
	}
	kinds := map[string]int{}
	for _, j := range d.jobs {
		kinds[j.kind]++
	}
	verdict := "ok"
	if len(unfinished) > 0 {
		verdict, ok = "FAIL", false
	}
	fmt.Printf("%s: %d of %d jobs reached a terminal state (%s; %s)\n", verdict,
		len(d.jobs)-len(unfinished), len(d.jobs), summary(counts), summary(kinds))
	for _, u := range unfinished {
		fmt.Println("    not terminal:", u)
	}
	// 2. Exports.
	exports, bad := 0, []string{}
	for _, j := range d.jobs {
		if j.kind == "export" && j.status == "succeeded" {
			exports++
			if j.result != "" {
				bad = append(bad, j.result)
			}
		}
	}
	verdict = "ok"
	if len(bad) > 0 || exports == 0 {
		verdict, ok = "FAIL", false
	}
	fmt.Printf("%s: %d of %d succeeded exports equal their project as imported\n", verdict, exports-len(bad), exports)
	for _, b := range bad {
		fmt.Println("    ", b)
	}
	// 3. Requests.
	var total, failed, allowed, openAtKill, after int
	ops := map[string]int{}
	var others []string
	for _, r := range d.records {
		total++
		ops[r.op]++
		if r.openAtKill {
			openAtKill++
		}
		if r.afterKill {
			after++
		}
		if !r.failed {
			continue
		}
		failed++
		if r.openAtKill {
			allowed++
		} else {
			others = append(others, fmt.Sprintf("%s %s on replica %d: %s", r.method, r.path, r.replica, r.err))
		}
	}
	verdict = "ok"
	if len(others) > 0 || len(unexpected) > 0 || after > 0 {
		verdict, ok = "FAIL", false
	}
	fmt.Printf("%s: %d requests over %.1fs (%s); %d failed: %d open on the killed replica %d when it died (of %d open then), %d otherwise; %d sent to it after it died\n",
		verdict, total, loadTime.Seconds(), summary(ops), failed, allowed, d.killed.n, openAtKill, len(others), after)
	for _, o := range others {
		fmt.Println("    failed:", o)
	}
	for _, e := range unexpected {
		fmt.Println("    workflow:", e)
	}
	// 4. Deployments seen by every replica.
	verdict = "ok"
	if d.wrongModel.Load() > 0 || d.predictions.Load() == 0 {
		verdict, ok = "FAIL", false
	}
	fmt.Printf("%s: %d of %d predictions came from the model just deployed (through any replica)\n",
		verdict, d.predictions.Load()-d.wrongModel.Load(), d.predictions.Load())
	return ok
}

// summary is "k1 n1, k2 n2" in key order.
func summary(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}
