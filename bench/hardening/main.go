// Command hardening is the load generator of bench/hardening.sh: it floods a
// Parley server with idle connections, fires concurrent cold predictions,
// and times a short job queued behind trainings. The server's file
// descriptors and memory are read from /proc/PID, so it must run on the
// server's machine.
//
//	go run ./bench/hardening flood -addr 127.0.0.1:5800 -pid PID -key KEY -n 2000 -mode healthz
//	go run ./bench/hardening predict -addr 127.0.0.1:5800 -pid PID -key KEY -project NAME -n 32
//	go run ./bench/hardening queue -addr 127.0.0.1:5800 -pid PID -key KEY -export NAME TRAIN1 TRAIN2 ...
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const api = "api-version=2023-04-01"

func main() {
	log.SetFlags(0)
	if len(os.Args) < 2 {
		log.Fatal("usage: hardening flood|predict|queue [flags]")
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	addr := fs.String("addr", "127.0.0.1:5800", "server address")
	pid := fs.Int("pid", 0, "server process id, to read its file descriptors and memory")
	key := fs.String("key", "", "subscription key")
	n := fs.Int("n", 2000, "flood: connections; predict: concurrent predictions")
	mode := fs.String("mode", "healthz", "flood: what each connection sends before idling: healthz (GET /healthz, no key), silent (nothing), keyed (a keyed GET)")
	hold := fs.Duration("hold", 31*time.Second, "flood: how long to keep the connections and sample")
	probes := fs.Int("probes", 5, "flood: keyed requests made during the flood, each on a new connection")
	projectName := fs.String("project", "", "predict: deployed project")
	export := fs.String("export", "", "queue: project to export behind the trainings")
	fs.Parse(os.Args[2:])
	c := &client{addr: *addr, key: *key, pid: *pid, http: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: 10 * time.Minute}}
	switch os.Args[1] {
	case "flood":
		c.flood(*n, *mode, *hold, *probes)
	case "predict":
		c.predict(*projectName, *n)
	case "queue":
		c.queue(*export, fs.Args())
	default:
		log.Fatalf("unknown command %q", os.Args[1])
	}
}

type client struct {
	addr, key string
	pid       int
	http      *http.Client
}

// fds counts the server's open file descriptors, and those of them that
// are sockets.
func (c *client) fds() (all, sockets int) {
	d := fmt.Sprintf("/proc/%d/fd", c.pid)
	es, err := os.ReadDir(d)
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range es {
		if t, err := os.Readlink(d + "/" + e.Name()); err == nil && strings.HasPrefix(t, "socket:") {
			sockets++
		}
	}
	return len(es), sockets
}

// status reads a field (VmRSS, VmHWM) of /proc/PID/status in kB.
func (c *client) status(field string) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", c.pid))
	if err != nil {
		log.Fatal(err)
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			var kb int
			fmt.Sscan(v, &kb)
			return kb
		}
	}
	return 0
}

const listPath = "/language/authoring/analyze-conversations/projects?" + api

// flood opens n connections, each sends what mode says and then idles until
// the server closes it. It samples the server's descriptors and the
// connections still open at 1 s and at the end of hold, and times keyed
// requests made meanwhile on new connections.
func (c *client) flood(n int, mode string, hold time.Duration, probes int) {
	var req string
	switch mode {
	case "healthz":
		req = "GET /healthz HTTP/1.1\r\nHost: bench\r\n\r\n"
	case "keyed":
		req = "GET " + listPath + " HTTP/1.1\r\nHost: bench\r\nOcp-Apim-Subscription-Key: " + c.key + "\r\n\r\n"
	case "silent":
	default:
		log.Fatalf("unknown mode %q", mode)
	}
	base, baseSockets := c.fds()
	var open, dialFailed, answered atomic.Int64
	var wg sync.WaitGroup
	sem := make(chan struct{}, 256) // dials in flight
	start := time.Now()
	for range n {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn, err := net.DialTimeout("tcp", c.addr, 10*time.Second)
			<-sem
			if err != nil {
				dialFailed.Add(1)
				return
			}
			defer conn.Close()
			open.Add(1)
			defer open.Add(-1)
			conn.SetDeadline(start.Add(hold + 5*time.Second))
			br := bufio.NewReader(conn)
			if req != "" {
				if _, err := io.WriteString(conn, req); err != nil {
					return
				}
				resp, err := http.ReadResponse(br, nil)
				if err != nil {
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				answered.Add(1)
			}
			// Idle: a read returns only when the server closes (or the
			// deadline passes).
			br.ReadByte()
		}()
	}
	opened := time.Since(start)

	// Keyed requests of a real client, made during the flood.
	var lat []time.Duration
	var failed int
	for range probes {
		t0 := time.Now()
		err := c.get(listPath)
		d := time.Since(t0)
		if err != nil {
			failed++
			log.Printf("keyed request after %v: %v", d.Round(time.Millisecond), err)
			continue
		}
		lat = append(lat, d)
	}

	sample := func(at time.Duration) {
		time.Sleep(time.Until(start.Add(at)))
		all, sockets := c.fds()
		fmt.Printf("  at %4.0f s: server holds %4d descriptors, %4d of them sockets (before the flood %d, %d); flood connections still open %4d\n",
			at.Seconds(), all, sockets, base, baseSockets, open.Load())
	}
	fmt.Printf("flood: %d connections (%s), dialled in %v; %d refused or timed out; answered so far %d\n",
		n, mode, opened.Round(time.Millisecond), dialFailed.Load(), answered.Load())
	if len(lat) > 0 {
		fmt.Printf("  %d keyed requests during the flood: %s (max %v), %d failed\n", probes, durations(lat), slices.Max(lat).Round(time.Microsecond), failed)
	} else {
		fmt.Printf("  %d keyed requests during the flood: all failed\n", probes)
	}
	sample(time.Second)
	sample(hold)
	wg.Wait()
}

func durations(ds []time.Duration) string {
	s := make([]string, len(ds))
	for i, d := range ds {
		s[i] = d.Round(time.Microsecond).String()
	}
	return strings.Join(s, " ")
}

// get makes a keyed GET on a new connection, as a new client would.
func (c *client) get(path string) error {
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 30 * time.Second}
	req, _ := http.NewRequest("GET", "http://"+c.addr+path, nil)
	req.Header.Set("Ocp-Apim-Subscription-Key", c.key)
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != 200 {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}

// predict fires n predictions at once at a deployment nobody has loaded
// yet, and prints their latencies and the server's memory.
func (c *client) predict(projectName string, n int) {
	body := `{"kind":"Conversation","analysisInput":{"conversationItem":{"id":"1","participantId":"1","text":"play the latest album by phil collins on spotify"}},"parameters":{"projectName":"` + projectName + `","deploymentName":"production"}}`
	rss := c.status("VmRSS")
	lat := make([]time.Duration, n)
	errs := make([]error, n)
	tops := make([]string, n)
	var wg sync.WaitGroup
	gate := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-gate
			t0 := time.Now()
			var top string
			errs[i] = c.predictOne(body, &top)
			lat[i] = time.Since(t0)
			if errs[i] == nil && top == "" {
				errs[i] = fmt.Errorf("prediction without a top intent")
			}
			tops[i] = top
		}()
	}
	close(gate)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			log.Fatal(err)
		}
	}
	slices.Sort(lat)
	fmt.Printf("top intent %s\n", tops[0])
	fmt.Printf("%d concurrent cold predictions: p50 %v, max %v; server RSS before %d MB, peak (VmHWM) %d MB, after %d MB\n",
		n, lat[(n-1)/2].Round(time.Millisecond), lat[n-1].Round(time.Millisecond), rss/1000, c.status("VmHWM")/1000, c.status("VmRSS")/1000)
}

func (c *client) predictOne(body string, top *string) error {
	req, _ := http.NewRequest("POST", "http://"+c.addr+"/language/:analyze-conversations?"+api, strings.NewReader(body))
	req.Header.Set("Ocp-Apim-Subscription-Key", c.key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("prediction: %d %s", resp.StatusCode, bytes.TrimSpace(b))
	}
	var r struct {
		Result struct {
			Prediction struct {
				TopIntent string `json:"topIntent"`
			} `json:"prediction"`
		} `json:"result"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return err
	}
	*top = r.Result.Prediction.TopIntent
	return nil
}

func (c *client) do(method, path, body string, hdr *http.Header) error {
	req, _ := http.NewRequest(method, "http://"+c.addr+path, strings.NewReader(body))
	req.Header.Set("Ocp-Apim-Subscription-Key", c.key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, bytes.TrimSpace(b))
	}
	if hdr != nil {
		*hdr = resp.Header
	}
	return nil
}

// start starts a job and returns its status URL.
func (c *client) start(method, path, body string) string {
	var h http.Header
	if err := c.do(method, path, body, &h); err != nil {
		log.Fatal(err)
	}
	loc := h.Get("Operation-Location")
	if loc == "" {
		log.Fatalf("%s %s: no operation-location", method, path)
	}
	return loc
}

type jobStatus struct {
	Status string `json:"status"`
	Result struct {
		TrainingStatus struct {
			PercentComplete int `json:"percentComplete"`
		} `json:"trainingStatus"`
	} `json:"result"`
}

func (c *client) job(loc string) jobStatus {
	req, _ := http.NewRequest("GET", loc, nil)
	req.Header.Set("Ocp-Apim-Subscription-Key", c.key)
	resp, err := c.http.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	var st jobStatus
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		log.Fatal(err)
	}
	if st.Status == "failed" || st.Status == "cancelled" {
		log.Fatalf("job %s %s", loc, st.Status)
	}
	return st
}

const authoring = "/language/authoring/analyze-conversations/projects/"

// queue starts a training of each project in trains, then an export of
// exportName, and times the export from POST to succeeded while it polls
// the trainings to see how many run at once.
func (c *client) queue(exportName string, trains []string) {
	exportPath := authoring + exportName + "/:export?stringIndexType=Utf16CodeUnit&" + api
	// The export alone first, as the reference.
	t0 := time.Now()
	c.wait(c.start("POST", exportPath, ""))
	alone := time.Since(t0)

	t0 = time.Now()
	locs := make([]string, len(trains))
	for i, name := range trains {
		locs[i] = c.start("POST", authoring+name+"/:train?"+api, `{"modelLabel":"m","trainingMode":"standard","evaluationOptions":{"kind":"manual"}}`)
	}
	queued := time.Since(t0)
	t1 := time.Now()
	exportLoc := c.start("POST", exportPath, "")
	var behindNs atomic.Int64
	go func() {
		c.wait(exportLoc)
		behindNs.Store(int64(time.Since(t1)))
	}()
	maxRunning, maxTraining := 0, 0
	var running []int // trainings running (status running) at each poll
	for {
		// All statuses at once, so that one poll is close to a snapshot.
		sts := make([]jobStatus, len(locs))
		var wg sync.WaitGroup
		for i, loc := range locs {
			wg.Go(func() { sts[i] = c.job(loc) })
		}
		wg.Wait()
		nRun, nTrain, done := 0, 0, 0
		for _, st := range sts {
			switch {
			case st.Status == "succeeded":
				done++
			case st.Status == "running":
				nRun++
				if st.Result.TrainingStatus.PercentComplete > 0 {
					nTrain++
				}
			}
		}
		running = append(running, nRun)
		maxRunning, maxTraining = max(maxRunning, nRun), max(maxTraining, nTrain)
		if done == len(locs) && behindNs.Load() > 0 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	all := time.Since(t0)
	behind := time.Duration(behindNs.Load())
	fmt.Printf("export of %s alone: %v\n", exportName, alone.Round(time.Millisecond))
	fmt.Printf("%d trainings queued in %v; the export queued behind them: POST to succeeded %v\n", len(trains), queued.Round(time.Millisecond), behind.Round(time.Millisecond))
	hist := map[int]int{}
	for _, n := range running {
		hist[n]++
	}
	fmt.Printf("trainings running at once (status running), over %d polls: at most %d, of which past 0%% at most %d; polls seeing 0..%d running: %v; all %d succeeded after %.1f s\n",
		len(running), maxRunning, maxTraining, maxRunning, histogram(hist, maxRunning), len(trains), all.Seconds())
	fmt.Printf("server peak RSS (VmHWM) %d MB\n", c.status("VmHWM")/1000)
}

func (c *client) wait(loc string) {
	for c.job(loc).Status != "succeeded" {
		time.Sleep(10 * time.Millisecond)
	}
}

func histogram(h map[int]int, top int) []int {
	out := make([]int, top+1)
	for n, k := range h {
		out[n] = k
	}
	return out
}
