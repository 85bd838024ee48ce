// Command cluster measures the export flow and job-status GETs against one
// or more Parley replicas, round-robin, for a fixed time, and prints the
// throughput of each. bench/cluster.sh runs it against SQLite, one replica
// on PostgreSQL and three replicas on the same PostgreSQL.
//
//	go run ./bench/cluster -key KEY -project NAME -seconds 8 http://127.0.0.1:5800 http://127.0.0.1:5801
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

const api = "api-version=2023-04-01"

func main() {
	key := flag.String("key", "", "subscription key")
	projectName := flag.String("project", "", "project to export (imported already)")
	seconds := flag.Int("seconds", 8, "seconds of load for each measure")
	workers := flag.Int("workers", 8, "concurrent clients")
	flag.Parse()
	endpoints := flag.Args()
	if *key == "" || *projectName == "" || len(endpoints) == 0 {
		log.Fatal("usage: cluster -key KEY -project NAME [-seconds N] ENDPOINT...")
	}
	c := &client{key: *key, http: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}
	d := time.Duration(*seconds) * time.Second

	// Export flow: POST :export, poll the job until it succeeds, GET resultUrl.
	exports, exportLat := c.run(endpoints, *workers, d, func(ep string) error {
		loc, err := c.start(ep + "/language/authoring/analyze-conversations/projects/" + *projectName + "/:export?stringIndexType=Utf16CodeUnit&" + api)
		if err != nil {
			return err
		}
		for {
			var j struct{ Status, ResultURL string }
			if err := c.getJSON(loc, &j); err != nil {
				return err
			}
			switch j.Status {
			case "succeeded":
				_, err := c.get(j.ResultURL)
				return err
			case "failed", "cancelled":
				return fmt.Errorf("export job %s", j.Status)
			}
			time.Sleep(5 * time.Millisecond)
		}
	})
	// Status GETs of one finished job (through every replica).
	loc, err := c.start(endpoints[0] + "/language/authoring/analyze-conversations/projects/" + *projectName + "/:export?stringIndexType=Utf16CodeUnit&" + api)
	if err != nil {
		log.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	path := loc[len(endpoints[0]):]
	statuses, statusLat := c.run(endpoints, *workers, d, func(ep string) error {
		_, err := c.get(ep + path)
		return err
	})
	fmt.Printf("replicas %d: exports %.1f/s (p50 %v), status GETs %.0f/s (p50 %v)\n", len(endpoints),
		exports, exportLat, statuses, statusLat)
}

type client struct {
	key  string
	http *http.Client
}

func (c *client) do(method, url string) (*http.Response, []byte, error) {
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Ocp-Apim-Subscription-Key", c.key)
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode >= 300 {
		err = fmt.Errorf("%s %s: %s %s", method, url, resp.Status, b)
	}
	return resp, b, err
}

func (c *client) start(url string) (string, error) {
	resp, _, err := c.do("POST", url)
	if err != nil {
		return "", err
	}
	return resp.Header.Get("Operation-Location"), nil
}

func (c *client) get(url string) ([]byte, error) {
	_, b, err := c.do("GET", url)
	return b, err
}

func (c *client) getJSON(url string, v any) error {
	b, err := c.get(url)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// run calls op from workers goroutines for d, each call on the next
// endpoint, and returns operations per second and the median latency.
func (c *client) run(endpoints []string, workers int, d time.Duration, op func(ep string) error) (float64, time.Duration) {
	var n atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			var mine []time.Duration
			for i := w; time.Now().Before(deadline); i++ {
				t0 := time.Now()
				if err := op(endpoints[i%len(endpoints)]); err != nil {
					log.Fatal(err)
				}
				mine = append(mine, time.Since(t0))
				n.Add(1)
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	var p50 time.Duration
	if len(lat) > 0 {
		p50 = lat[len(lat)/2].Round(time.Microsecond)
	}
	return float64(n.Load()) / d.Seconds(), p50
}
