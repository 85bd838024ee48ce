package main

// Process tests: they build the real binary and run "parley serve" as a
// child process, to check what only a process can show: that jobs survive a
// SIGKILL and a SIGTERM, that the development key is refused off loopback,
// and that a data directory has one owner. They are skipped under -short.

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite" // reads the job table after a crash
)

const (
	procKey        = "process-test-key"
	procAPIVersion = "2023-04-01"
	procPrefix     = "/language/authoring/analyze-conversations/projects/"
)

// binDir is where parleyBinary builds the binary; TestMain sets it.
var binDir string

var built struct {
	once sync.Once
	path string
	err  error
}

// parleyBinary builds the parley binary once, with -race when this test
// binary has it, and returns its path. It skips the test under -short.
func parleyBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("process test: builds and runs the parley binary; not run with -short")
	}
	built.once.Do(func() {
		goTool, err := exec.LookPath("go")
		if err != nil {
			built.err = fmt.Errorf("go tool not found: %w", err)
			return
		}
		built.path = filepath.Join(binDir, "parley")
		args := []string{"build", "-o", built.path}
		if raceEnabled() {
			args = append(args, "-race")
		}
		out, err := exec.Command(goTool, append(args, ".")...).CombinedOutput()
		if err != nil {
			built.err = fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.path
}

// raceEnabled reports whether this test binary was built with -race.
func raceEnabled() bool {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range bi.Settings {
		if s.Key == "-race" && s.Value == "true" {
			return true
		}
	}
	return false
}

// lockedBuffer is a bytes.Buffer safe for a child's writes beside our reads.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// child is a running (or exited) parley process.
type child struct {
	cmd    *exec.Cmd
	stdout lockedBuffer
	stderr lockedBuffer
	exited chan struct{} // closed once the process has exited
	base   string        // http://host:port, once serving
}

// spawn starts parley with args and an environment without PARLEY_
// variables. The process is killed at cleanup if still running, and its
// output logged if the test failed.
func spawn(t *testing.T, env []string, args ...string) *child {
	t.Helper()
	return spawnWith(t, parleyBinary(t), env, args...)
}

// spawnWith is spawn with another program in place of the parley binary
// (a wrapper that runs it under limits).
func spawnWith(t *testing.T, bin string, env []string, args ...string) *child {
	t.Helper()
	c := &child{cmd: exec.Command(bin, args...), exited: make(chan struct{})}
	c.cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "PARLEY_") })
	c.cmd.Env = append(c.cmd.Env, env...)
	c.cmd.Stdout, c.cmd.Stderr = &c.stdout, &c.stderr
	if err := c.cmd.Start(); err != nil {
		t.Fatalf("start parley %s: %v", strings.Join(args, " "), err)
	}
	go func() { c.cmd.Wait(); close(c.exited) }()
	t.Cleanup(func() {
		c.cmd.Process.Kill()
		<-c.exited
		if strings.Contains(c.stderr.String(), "WARNING: DATA RACE") {
			t.Errorf("parley %s: the race detector found a data race", strings.Join(args, " "))
		}
		if t.Failed() {
			t.Logf("parley %s (pid %d, %v)\nstdout:\n%s\nstderr:\n%.20000s", strings.Join(args, " "), c.cmd.Process.Pid, c.cmd.ProcessState, c.stdout.String(), c.stderr.String())
		}
	})
	return c
}

var servingAt = regexp.MustCompile(`serving at http://(\S+)`)

// serve spawns parley serve with args and waits until GET /healthz answers
// 200.
func serve(t *testing.T, env []string, args ...string) *child {
	t.Helper()
	return serveWith(t, parleyBinary(t), env, args...)
}

// serveWith is serve with another program in place of the parley binary.
func serveWith(t *testing.T, bin string, env []string, args ...string) *child {
	t.Helper()
	c := spawnWith(t, bin, env, append([]string{"serve"}, args...)...)
	deadline := time.Now().Add(20 * time.Second)
	for {
		if c.base == "" {
			if m := servingAt.FindStringSubmatch(c.stdout.String()); m != nil {
				c.base = "http://" + dialable(t, m[1])
			}
		}
		if c.base != "" {
			if resp, err := procClient.Get(c.base + "/healthz"); err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					return c
				}
			}
		}
		select {
		case <-c.exited:
			t.Fatalf("parley serve exited before it was ready: %v\nstderr:\n%s", c.cmd.ProcessState, c.stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("parley serve not ready after 20s; stdout %q", c.stdout.String())
		}
	}
}

// dialable turns a listen address into one to connect to: a wildcard host
// becomes loopback.
func dialable(t *testing.T, addr string) string {
	t.Helper()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatalf("serving address %q: %v", addr, err)
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

// wait waits for the process to exit and returns its exit code (-1 when a
// signal ended it).
func (c *child) wait(t *testing.T, timeout time.Duration) int {
	t.Helper()
	select {
	case <-c.exited:
		return c.cmd.ProcessState.ExitCode()
	case <-time.After(timeout):
		t.Fatalf("parley did not exit within %v", timeout)
		return 0
	}
}

// signal sends sig to the process.
func (c *child) signal(t *testing.T, sig os.Signal) {
	t.Helper()
	if err := c.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("signal %v: %v", sig, err)
	}
}

var procClient = &http.Client{Timeout: 10 * time.Second}

// send sends a request with the test key and returns the answer read whole.
func send(method, rawURL string, body []byte) (*http.Response, []byte, error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, rawURL, r)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Ocp-Apim-Subscription-Key", procKey)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := procClient.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

// mustGet GETs rawURL and fails the test unless it answers 200.
func mustGet(t *testing.T, rawURL string) []byte {
	t.Helper()
	resp, b, err := send("GET", rawURL, nil)
	if err != nil {
		t.Fatalf("GET %s: %v", rawURL, err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d %s, want 200", rawURL, resp.StatusCode, b)
	}
	return b
}

// procJob is a job started on a server: what it is, and where its status is.
type procJob struct {
	kind    string // "export" or "import"
	project string
	url     string // operation-location
	file    []byte // what an export must return, or what an import imported
}

// id is the job id, the last segment of its URL's path.
func (j *procJob) id() string {
	u, _ := url.Parse(j.url)
	return path.Base(u.Path)
}

// startJob sends the request that starts j and fills in j.url from the 202.
func startJob(base string, j *procJob) error {
	var u string
	var body []byte
	switch j.kind {
	case "export":
		u = base + procPrefix + j.project + "/:export?stringIndexType=Utf16CodeUnit&api-version=" + procAPIVersion
	case "import":
		u, body = base+procPrefix+j.project+"/:import?api-version="+procAPIVersion, j.file
	}
	resp, b, err := send("POST", u, body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusAccepted {
		return fmt.Errorf("POST %s = %d %s, want 202", u, resp.StatusCode, b)
	}
	if j.url = resp.Header.Get("Operation-Location"); j.url == "" {
		return fmt.Errorf("POST %s: 202 without operation-location", u)
	}
	return nil
}

// jobDoc is the part of a job status document the tests read.
type jobDoc struct {
	Status    string `json:"status"`
	ResultURL string `json:"resultUrl"`
	Errors    []struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"errors"`
}

func terminal(status string) bool {
	return status == "succeeded" || status == "failed" || status == "cancelled"
}

// on returns rawURL with its scheme and host replaced by those of c, as a
// restarted server listens on another port.
func (c *child) on(t *testing.T, rawURL string) string {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatalf("job URL %q: %v", rawURL, err)
	}
	b, _ := url.Parse(c.base)
	u.Scheme, u.Host = b.Scheme, b.Host
	return u.String()
}

// waitJobs polls the status of every job on c until all are terminal or
// the deadline passes, and returns the last document of each. A job still
// unfinished at the deadline, or whose status URL fails, is an error.
func waitJobs(t *testing.T, c *child, jobs []*procJob, timeout time.Duration) map[*procJob]jobDoc {
	t.Helper()
	docs := make(map[*procJob]jobDoc, len(jobs))
	pending := slices.Clone(jobs)
	deadline := time.Now().Add(timeout)
	for len(pending) > 0 {
		pending = slices.DeleteFunc(pending, func(j *procJob) bool {
			u := c.on(t, j.url)
			resp, b, err := send("GET", u, nil)
			if err != nil {
				t.Fatalf("GET %s: %v", u, err)
			}
			var d jobDoc
			if resp.StatusCode != http.StatusOK || json.Unmarshal(b, &d) != nil {
				t.Errorf("%s job %s of %s: GET = %d %s, want 200 and its status", j.kind, j.id(), j.project, resp.StatusCode, b)
				return true
			}
			docs[j] = d
			return terminal(d.Status)
		})
		if len(pending) == 0 {
			break
		}
		if time.Now().After(deadline) {
			for _, j := range pending {
				t.Errorf("%s job %s of %s is still %s after %v, want succeeded or failed", j.kind, j.id(), j.project, docs[j].Status, timeout)
			}
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	return docs
}

// importAndWait imports file as project name and waits for the job to
// succeed.
func importAndWait(t *testing.T, c *child, name string, file []byte) {
	t.Helper()
	j := &procJob{kind: "import", project: name, file: file}
	if err := startJob(c.base, j); err != nil {
		t.Fatal(err)
	}
	if d := waitJobs(t, c, []*procJob{j}, 20*time.Second)[j]; d.Status != "succeeded" {
		t.Fatalf("import %s: job %+v, want succeeded", name, d)
	}
}

// exportAndWait exports project name and returns the file.
func exportAndWait(t *testing.T, c *child, name string) []byte {
	t.Helper()
	j := &procJob{kind: "export", project: name}
	if err := startJob(c.base, j); err != nil {
		t.Fatal(err)
	}
	d := waitJobs(t, c, []*procJob{j}, 20*time.Second)[j]
	if d.Status != "succeeded" {
		t.Fatalf("export %s: job %+v, want succeeded", name, d)
	}
	return mustGet(t, d.ResultURL)
}

// renamed returns the project file b under another project name.
func renamed(t *testing.T, b []byte, name string) []byte {
	t.Helper()
	return editJSON(t, b, func(m map[string]any) { m["metadata"].(map[string]any)["projectName"] = name })
}

// fireJobs starts, as fast as it can over a few connections, exports
// exports of the project name (whose file is file) and imports imports of
// copies of it named prefix-0, prefix-1, and so on. It returns the jobs that
// got a 202; any other answer fails the test.
func fireJobs(t *testing.T, c *child, name string, file []byte, exports, imports int, prefix string) []*procJob {
	t.Helper()
	jobs := make([]*procJob, exports+imports)
	for i := range jobs {
		jobs[i] = &procJob{kind: "export", project: name, file: file}
	}
	// Every step-th job is an import.
	step := max(1, (exports+imports)/max(1, imports))
	for n, i := 0, step-1; n < imports && i < len(jobs); n, i = n+1, i+step {
		p := fmt.Sprintf("%s-%d", prefix, n)
		jobs[i] = &procJob{kind: "import", project: p, file: renamed(t, file, p)}
	}
	next := make(chan *procJob)
	errs := make(chan error, len(jobs))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for j := range next {
				if err := startJob(c.base, j); err != nil {
					errs <- err
				}
			}
		})
	}
	for _, j := range jobs {
		next <- j
	}
	close(next)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	return slices.DeleteFunc(jobs, func(j *procJob) bool { return j.url == "" })
}

// storedJob is a job's row as the store left it.
type storedJob struct {
	status string
	lease  time.Time // lease expiry; zero when never claimed
}

// storedJobs reads every job from the data directory of a parley that is
// not running, without writing to it (no checkpoint, no recovery of
// leases), so that the next start finds the files as they were.
func storedJobs(dir string) (map[string]storedJob, error) {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "parley.db")+"?mode=ro")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rows, err := db.Query(`SELECT id, status, lease_expires FROM jobs`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	st := make(map[string]storedJob)
	for rows.Next() {
		var id string
		var j storedJob
		var lease sql.NullInt64
		if err := rows.Scan(&id, &j.status, &lease); err != nil {
			return nil, err
		}
		if lease.Valid {
			j.lease = time.UnixMilli(lease.Int64)
		}
		st[id] = j
	}
	return st, rows.Err()
}

// fileChecker checks downloaded project files against what they should
// be, comparing each distinct (file, want) pair once: recovered exports of
// one project are identical, and parsing each under -race is slow.
type fileChecker map[[2]string]bool

func (fc fileChecker) check(t *testing.T, got, want []byte) {
	t.Helper()
	k := [2]string{string(got), string(want)}
	if !fc[k] {
		fc[k] = true
		jsonEqual(t, got, want)
	}
}

// checkRecovered waits on c, a server restarted on the data of the one
// that started jobs, for every job to end, and checks what they left: a
// succeeded export returns its project's file, a succeeded import left its
// project, which exports as the file imported. before holds each job's
// status when the first server stopped (nil if unknown); the tally of
// before -> after goes to the log.
func checkRecovered(t *testing.T, c *child, jobs []*procJob, before map[string]storedJob) {
	t.Helper()
	docs := waitJobs(t, c, jobs, 20*time.Second)
	tally := make(map[string]int)
	fc := make(fileChecker)
	var reexports []*procJob // exports of the imported projects
	for _, j := range jobs {
		d, ok := docs[j]
		if !ok {
			continue // waitJobs reported it
		}
		was := "?"
		if before != nil {
			if sj, ok := before[j.id()]; ok {
				was = sj.status
			} else {
				was = "absent"
				t.Errorf("%s job %s of %s answered 202 but was not in the store when the server stopped", j.kind, j.id(), j.project)
			}
		}
		tally[fmt.Sprintf("%s %s -> %s", j.kind, was, d.Status)]++
		switch d.Status {
		case "succeeded":
			if j.kind == "export" {
				if d.ResultURL == "" {
					t.Errorf("export job %s succeeded without a resultUrl", j.id())
					continue
				}
				fc.check(t, mustGet(t, d.ResultURL), j.file)
				continue
			}
			mustGet(t, c.base+procPrefix+j.project+"?api-version="+procAPIVersion)
			x := &procJob{kind: "export", project: j.project, file: j.file}
			if err := startJob(c.base, x); err != nil {
				t.Fatal(err)
			}
			reexports = append(reexports, x)
		case "failed":
			if len(d.Errors) == 0 {
				t.Errorf("%s job %s of %s failed without errors", j.kind, j.id(), j.project)
			}
			t.Logf("%s job %s of %s failed: %+v", j.kind, j.id(), j.project, d.Errors)
		case "cancelled":
			t.Errorf("%s job %s of %s is cancelled, yet nobody cancelled it", j.kind, j.id(), j.project)
		}
	}
	for x, d := range waitJobs(t, c, reexports, 20*time.Second) {
		if d.Status != "succeeded" {
			t.Errorf("export of imported project %s: job %+v, want succeeded", x.project, d)
			continue
		}
		fc.check(t, mustGet(t, d.ResultURL), x.file)
	}
	for _, k := range slices.Sorted(maps.Keys(tally)) {
		t.Logf("%3d %s", tally[k], k)
	}
}

// pendingCount counts the jobs whose status in st is not terminal.
func pendingCount(jobs []*procJob, st map[string]storedJob) (notStarted, running int) {
	for _, j := range jobs {
		switch st[j.id()].status {
		case "notStarted":
			notStarted++
		case "running", "cancelling":
			running++
		}
	}
	return notStarted, running
}

// TestCrashRecovery kills parley with SIGKILL while it has jobs to run and
// checks that a new process on the same data finishes every job that was
// accepted, and lost nothing imported before.
func TestCrashRecovery(t *testing.T) {
	t.Parallel()
	smoke := readFile(t, smokeFile)
	data := t.TempDir()
	args := []string{"--listen", "127.0.0.1:0", "--data", data, "--key", procKey, "--job-lease", "1s", "--project-jobs", "1000"}
	c := serve(t, nil, args...)
	importAndWait(t, c, smokeName, smoke)

	jobs := fireJobs(t, c, smokeName, smoke, 50, 5, "Crash")
	c.signal(t, syscall.SIGKILL)
	c.wait(t, 10*time.Second)

	st, err := storedJobs(data)
	if err != nil {
		t.Logf("could not read the jobs at the kill: %v", err)
		st = nil
	} else {
		ns, r := pendingCount(jobs, st)
		t.Logf("at the kill, of %d accepted jobs: %d notStarted, %d running, %d ended", len(jobs), ns, r, len(jobs)-ns-r)
		if ns+r == 0 {
			t.Logf("every job had ended before the kill: this run did not exercise recovery")
		}
	}

	c = serve(t, nil, args...)
	checkRecovered(t, c, jobs, st)
	jsonEqual(t, exportAndWait(t, c, smokeName), smoke)
}

// TestGracefulShutdown stops parley with SIGTERM while it has jobs to run:
// it must exit 0 promptly without leaving a job claimed, and a new process
// on the same data must finish every accepted job.
func TestGracefulShutdown(t *testing.T) {
	t.Parallel()
	smoke := readFile(t, smokeFile)
	data := t.TempDir()
	// A long lease, so that a claim left behind is still live when read;
	// one worker, so that the runner claims often (a claim cut short by the
	// shutdown is what leaves a claim behind).
	args := []string{"--listen", "127.0.0.1:0", "--data", data, "--key", procKey, "--job-lease", "1m", "--project-jobs", "1000"}
	c := serve(t, nil, slices.Concat(args, []string{"--job-workers", "1"})...)
	importAndWait(t, c, smokeName, smoke)

	jobs := fireJobs(t, c, smokeName, smoke, 30, 3, "Term")
	c.signal(t, syscall.SIGTERM)
	if code := c.wait(t, 15*time.Second); code != 0 {
		t.Errorf("parley serve exited %d after SIGTERM, want 0; stderr:\n%s", code, c.stderr.String())
	}

	st, err := storedJobs(data)
	exited := time.Now()
	if err != nil {
		t.Logf("could not read the jobs at exit: %v", err)
		st = nil
	} else {
		ns, r := pendingCount(jobs, st)
		t.Logf("at exit, of %d accepted jobs: %d notStarted, %d running, %d ended", len(jobs), ns, r, len(jobs)-ns-r)
	}
	// Close lets running jobs finish, or hands their claims back; either
	// way no claim outlives the process, or the job would wait for the lease
	// to expire on any other process.
	for _, j := range jobs {
		if sj := st[j.id()]; (sj.status == "running" || sj.status == "cancelling") && sj.lease.After(exited) {
			t.Errorf("%s job %s of %s is %s with a lease until %v after a graceful exit at %v; want it finished or its claim released",
				j.kind, j.id(), j.project, sj.status, sj.lease.Format(time.StampMilli), exited.Format(time.StampMilli))
		}
	}

	c = serve(t, nil, args...)
	checkRecovered(t, c, jobs, st)
	jsonEqual(t, exportAndWait(t, c, smokeName), smoke)
}

// TestDevKeyOffLoopback checks that parley serve refuses the development key
// on an address other hosts can reach, and starts with a real key.
func TestDevKeyOffLoopback(t *testing.T) {
	t.Parallel()
	parleyBinary(t) // skips under -short, builds before the cases run
	for _, tc := range []struct {
		name   string
		env    []string
		args   []string
		accept string // a key the started server must accept; "" if it must refuse to start
		refuse string // a key the started server must refuse
	}{
		{name: "no key on all interfaces", args: []string{"--listen", "0.0.0.0:0"}},
		{name: "development key on all interfaces", args: []string{"--listen", "0.0.0.0:0", "--key", DevKey}},
		{name: "development key in PARLEY_KEYS", env: []string{"PARLEY_KEYS=" + DevKey}, args: []string{"--listen", "0.0.0.0:0"}},
		{name: "key on all interfaces", args: []string{"--listen", "0.0.0.0:0", "--key", procKey}, accept: procKey, refuse: DevKey},
		{name: "PARLEY_KEYS on all interfaces", env: []string{"PARLEY_KEYS=" + procKey}, args: []string{"--listen", "0.0.0.0:0"}, accept: procKey, refuse: DevKey},
		{name: "no key on loopback", args: []string{"--listen", "127.0.0.1:0"}, accept: DevKey, refuse: procKey},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := append([]string{"--data", t.TempDir()}, tc.args...)
			if tc.accept == "" {
				c := spawn(t, tc.env, append([]string{"serve"}, args...)...)
				code := c.wait(t, 20*time.Second)
				if code == 0 || !strings.Contains(c.stderr.String(), "development key") {
					t.Errorf("parley serve %s = exit %d, stderr %q; want non-zero and a message about the development key", strings.Join(args, " "), code, c.stderr.String())
				}
				return
			}
			c := serve(t, tc.env, args...)
			for key, want := range map[string]int{tc.accept: http.StatusOK, tc.refuse: http.StatusUnauthorized} {
				req, _ := http.NewRequest("GET", c.base+strings.TrimSuffix(procPrefix, "/")+"?api-version="+procAPIVersion, nil)
				req.Header.Set("Ocp-Apim-Subscription-Key", key)
				resp, err := procClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != want {
					t.Errorf("list projects with key %q = %d, want %d", key, resp.StatusCode, want)
				}
			}
		})
	}
}

// TestDataDirLock checks that a second parley serve on a data directory in
// use exits with a clear message, and that the directory is free again once
// the first has stopped.
func TestDataDirLock(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	args := []string{"--listen", "127.0.0.1:0", "--data", data, "--key", procKey}
	first := serve(t, nil, args...)

	second := spawn(t, nil, append([]string{"serve"}, args...)...)
	code := second.wait(t, 20*time.Second)
	if msg := second.stderr.String(); code == 0 || !strings.Contains(msg, "in use by another parley process") || !strings.Contains(msg, data) {
		t.Errorf("second parley serve on %s = exit %d, stderr %q; want non-zero and a message that the directory is in use", data, code, msg)
	}
	mustGet(t, first.base+strings.TrimSuffix(procPrefix, "/")+"?api-version="+procAPIVersion)

	first.signal(t, syscall.SIGTERM)
	if code := first.wait(t, 15*time.Second); code != 0 {
		t.Errorf("parley serve exited %d after SIGTERM, want 0", code)
	}
	serve(t, nil, args...) // the lock went with the first process
}

// TestIdleConnectionFlood: with 256 file descriptors, 300 connections that
// each sent an unauthenticated GET /healthz and idle, and 300 that never
// send a byte, must not keep a keyed client from an answer (issue 9,
// finding 1: they used every descriptor and keyed clients got nothing).
func TestIdleConnectionFlood(t *testing.T) {
	prlimit, err := exec.LookPath("prlimit")
	if err != nil {
		t.Skip("no prlimit (util-linux) to lower the child's file descriptor limit")
	}
	bin := parleyBinary(t)
	// Run the binary under prlimit: serve spawns parleyBinary, so wrap it.
	wrapper := filepath.Join(t.TempDir(), "parley")
	script := "#!/bin/sh\nexec " + prlimit + " --nofile=256:256 " + bin + " \"$@\"\n"
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	c := serveWith(t, wrapper, nil, "--listen", "127.0.0.1:0", "--data", t.TempDir(), "--key", procKey)
	addr := strings.TrimPrefix(c.base, "http://")

	var held []net.Conn
	defer func() {
		for _, conn := range held {
			conn.Close()
		}
	}()
	for range 300 {
		conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			break // the kernel's queue is full: the flood is on
		}
		held = append(held, conn)
		conn.SetDeadline(time.Now().Add(10 * time.Second))
		fmt.Fprintf(conn, "GET /healthz HTTP/1.1\r\nHost: %s\r\n\r\n", addr)
	}
	for range 300 {
		conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			break
		}
		held = append(held, conn) // never sends anything
	}
	client := &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	start := time.Now()
	for i := range 5 {
		req, _ := http.NewRequest("GET", c.base+"/language/authoring/analyze-conversations/projects?api-version=2023-04-01", nil)
		req.Header.Set("Ocp-Apim-Subscription-Key", procKey)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("keyed request %d during the flood, after %v: %v", i, time.Since(start).Round(time.Millisecond), err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("keyed request %d during the flood = %d, want 200", i, resp.StatusCode)
		}
	}
	t.Logf("5 keyed requests answered %v after %d flood connections", time.Since(start).Round(time.Millisecond), len(held))
}
