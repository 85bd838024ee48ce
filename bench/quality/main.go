// Command quality measures Parley's trained models the way a user would:
// it starts the real binary, imports each dataset, trains it with the
// manual split (the datasets' official Train/Test), reads the evaluation
// through the API, and prints intent accuracy, entity micro-F1, training
// seconds and the server's peak RSS.
//
//	go build -o bin/parley ./cmd/parley
//	go run ./bench/quality testdata/datasets/snips2017.clu.json testdata/datasets/banking77.clu.json
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
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

const api = "api-version=2023-04-01"

func main() {
	bin := flag.String("bin", "bin/parley", "the parley binary to measure")
	flag.Parse()
	if flag.NArg() == 0 {
		log.Fatal("usage: quality [-bin bin/parley] DATASET.clu.json...")
	}
	s, err := startServer(*bin)
	if err != nil {
		log.Fatal(err)
	}
	defer s.stop()
	fmt.Printf("%-24s %8s %8s %10s %9s %12s %10s\n", "dataset", "test", "intents", "entity F1", "train s", "job total s", "peak RSS")
	for _, path := range flag.Args() {
		r, err := s.measure(path)
		if err != nil {
			log.Fatalf("%s: %v", path, err)
		}
		entity := "n/a"
		if r.hasEntities {
			entity = fmt.Sprintf("%.4f", r.entityF1)
		}
		fmt.Printf("%-24s %8d %7.2f%% %10s %9.1f %12.1f %7d MiB\n", filepath.Base(path), r.tested, 100*r.accuracy, entity,
			r.trainSeconds, r.jobSeconds, s.peakRSS()/1024)
	}
}

type server struct {
	cmd  *exec.Cmd
	base string
	key  string
	dir  string
}

func startServer(bin string) (*server, error) {
	dir, err := os.MkdirTemp("", "parley-quality-")
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	s := &server{base: "http://" + addr + "/language/authoring/analyze-conversations", key: "quality-key", dir: dir}
	s.cmd = exec.Command(bin, "serve", "--listen", addr, "--data", filepath.Join(dir, "data"), "--key", s.key)
	s.cmd.Stderr = io.Discard
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	for range 200 {
		if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			return s, nil
		}
		time.Sleep(25 * time.Millisecond)
	}
	s.stop()
	return nil, fmt.Errorf("the server at %s did not start", addr)
}

func (s *server) stop() {
	s.cmd.Process.Kill()
	s.cmd.Wait()
	os.RemoveAll(s.dir)
}

// peakRSS returns the server's VmHWM in KiB.
func (s *server) peakRSS() int {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			var kb int
			fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(v), " kB"), &kb)
			return kb
		}
	}
	return 0
}

func (s *server) do(method, url string, body []byte) (*http.Response, []byte, error) {
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Ocp-Apim-Subscription-Key", s.key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if resp.StatusCode >= 400 {
		return resp, b, fmt.Errorf("%s %s: %s %s", method, url, resp.Status, b)
	}
	return resp, b, err
}

// run starts a job and polls it until it ends; it returns the final document.
func (s *server) run(method, url string, body []byte) (map[string]any, error) {
	resp, _, err := s.do(method, url, body)
	if err != nil {
		return nil, err
	}
	loc := resp.Header.Get("Operation-Location")
	for {
		_, b, err := s.do("GET", loc, nil)
		if err != nil {
			return nil, err
		}
		var j map[string]any
		if err := json.Unmarshal(b, &j); err != nil {
			return nil, err
		}
		switch j["status"] {
		case "succeeded":
			return j, nil
		case "failed", "cancelled":
			return nil, fmt.Errorf("job %s: %s", j["status"], b)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

type result struct {
	tested                   int
	accuracy, entityF1       float64
	hasEntities              bool
	trainSeconds, jobSeconds float64
}

func (s *server) measure(path string) (*result, error) {
	file, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var meta struct {
		Metadata struct{ ProjectName string } `json:"metadata"`
	}
	if err := json.Unmarshal(file, &meta); err != nil {
		return nil, err
	}
	name := meta.Metadata.ProjectName
	if _, err := s.run("POST", s.base+"/projects/"+name+"/:import?"+api, file); err != nil {
		return nil, err
	}
	t0 := time.Now()
	j, err := s.run("POST", s.base+"/projects/"+name+"/:train?"+api,
		[]byte(`{"modelLabel":"quality","trainingMode":"standard","evaluationOptions":{"kind":"manual"}}`))
	if err != nil {
		return nil, err
	}
	r := &result{jobSeconds: time.Since(t0).Seconds()}
	ts := j["result"].(map[string]any)["trainingStatus"].(map[string]any)
	start, _ := time.Parse(time.RFC3339, ts["startDateTime"].(string))
	end, _ := time.Parse(time.RFC3339, ts["endDateTime"].(string))
	r.trainSeconds = end.Sub(start).Seconds()

	_, b, err := s.do("GET", s.base+"/projects/"+name+"/models/quality/evaluation/summary-result?"+api, nil)
	if err != nil {
		return nil, err
	}
	var sum struct {
		EntitiesEvaluation struct {
			Entities map[string]any `json:"entities"`
			MicroF1  float64        `json:"microF1"`
		} `json:"entitiesEvaluation"`
	}
	if err := json.Unmarshal(b, &sum); err != nil {
		return nil, err
	}
	r.entityF1, r.hasEntities = sum.EntitiesEvaluation.MicroF1, len(sum.EntitiesEvaluation.Entities) > 0

	right := 0
	next := s.base + "/projects/" + name + "/models/quality/evaluation/result?stringIndexType=Utf16CodeUnit&maxpagesize=1000&" + api
	for next != "" {
		_, b, err := s.do("GET", next, nil)
		if err != nil {
			return nil, err
		}
		var page struct {
			Value []struct {
				IntentsResult struct{ ExpectedIntent, PredictedIntent string } `json:"intentsResult"`
			} `json:"value"`
			NextLink *string `json:"nextLink"`
		}
		if err := json.Unmarshal(b, &page); err != nil {
			return nil, err
		}
		for _, v := range page.Value {
			r.tested++
			if v.IntentsResult.ExpectedIntent == v.IntentsResult.PredictedIntent {
				right++
			}
		}
		next = ""
		if page.NextLink != nil {
			next = *page.NextLink
		}
	}
	if r.tested > 0 {
		r.accuracy = float64(right) / float64(r.tested)
	}
	return r, nil
}
