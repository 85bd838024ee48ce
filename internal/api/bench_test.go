package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	goruntime "runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parley-dev/parley/internal/api/apitest"
	"github.com/parley-dev/parley/internal/project"
)

// pollDone polls a job URL without pause until the job is terminal, as a
// client measuring latency would, and returns its document.
func pollDone(b *testing.B, srv *apitest.Server, url string) map[string]any {
	b.Helper()
	for {
		j := apitest.ReadJSON(b, srv.Do("GET", url, nil))
		switch j["status"] {
		case "succeeded":
			return j
		case "failed", "cancelled":
			b.Fatalf("job %v", j)
		}
	}
}

func startJob(b *testing.B, srv *apitest.Server, method, path string, body any) string {
	b.Helper()
	resp := srv.Do(method, path, body)
	if resp.StatusCode != http.StatusAccepted {
		b.Fatalf("%s %s = %d %s", method, path, resp.StatusCode, apitest.ReadBody(b, resp))
	}
	resp.Body.Close()
	return resp.Header.Get("Operation-Location")
}

// BenchmarkImportSNIPS measures an import of snips2017.clu.json (14,484
// utterances, 3.9 MB) over HTTP, from the POST to the job's succeeded.
func BenchmarkImportSNIPS(b *testing.B) {
	file := testdata(b, "datasets", "snips2017.clu.json")
	srv := apitest.New(b, &apitest.Options{AutoRun: true})
	b.SetBytes(int64(len(file)))
	b.ReportAllocs()
	for b.Loop() {
		pollDone(b, srv, startJob(b, srv, "POST", "/projects/SNIPS2017/:import?"+v3, file))
	}
}

// BenchmarkExportSNIPS measures an export of the SNIPS project over HTTP,
// from the POST to the result downloaded.
func BenchmarkExportSNIPS(b *testing.B) {
	file := testdata(b, "datasets", "snips2017.clu.json")
	srv := apitest.New(b, &apitest.Options{AutoRun: true})
	pollDone(b, srv, startJob(b, srv, "POST", "/projects/SNIPS2017/:import?"+v3, file))
	b.ReportAllocs()
	for b.Loop() {
		j := pollDone(b, srv, startJob(b, srv, "POST", "/projects/SNIPS2017/:export?stringIndexType=Utf16CodeUnit&"+v3, nil))
		apitest.ReadBody(b, srv.Do("GET", j["resultUrl"].(string), nil))
	}
}

// BenchmarkMarshalSNIPS is the yardstick of BenchmarkExportSNIPS: a bare
// json.Marshal of the same project file, already in memory.
func BenchmarkMarshalSNIPS(b *testing.B) {
	var f project.File
	if err := json.Unmarshal(testdata(b, "datasets", "snips2017.clu.json"), &f); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(&f); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkJobStatus measures GET of a job's status over HTTP, from
// parallel clients.
func BenchmarkJobStatus(b *testing.B) {
	srv := apitest.New(b, &apitest.Options{AutoRun: true})
	if resp := srv.Do("PATCH", "/projects/p?"+v3, `{"projectName":"p","language":"en","projectKind":"Conversation"}`); resp.StatusCode != http.StatusCreated {
		b.Fatal(resp.Status)
	}
	url := startJob(b, srv, "POST", "/projects/p/:export?stringIndexType=Utf16CodeUnit&"+v3, nil)
	pollDone(b, srv, url)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp := srv.Do("GET", url, nil)
			apitest.ReadBody(b, resp)
			if resp.StatusCode != http.StatusOK {
				b.Fatal(resp.Status)
			}
		}
	})
}

// deployDataset imports a dataset, trains it with its manual split and
// deploys it as "production"; it returns the Test utterances.
func deployDataset(b *testing.B, srv *apitest.Server, file string) (name string, queries []string) {
	b.Helper()
	data := testdata(b, "datasets", file)
	var f struct {
		Metadata struct{ ProjectName string }
		Assets   struct {
			Utterances []struct{ Text, Dataset string }
		}
	}
	if err := json.Unmarshal(data, &f); err != nil {
		b.Fatal(err)
	}
	name = f.Metadata.ProjectName
	pollDone(b, srv, startJob(b, srv, "POST", "/projects/"+name+"/:import?"+v3, data))
	pollDone(b, srv, startJob(b, srv, "POST", "/projects/"+name+"/:train?"+v3,
		`{"modelLabel":"m","trainingMode":"standard","evaluationOptions":{"kind":"manual"}}`))
	pollDone(b, srv, startJob(b, srv, "PUT", "/projects/"+name+"/deployments/production?"+v3, `{"trainedModelLabel":"m"}`))
	for _, u := range f.Assets.Utterances {
		if u.Dataset == "Test" {
			queries = append(queries, u.Text)
		}
	}
	return name, queries
}

// BenchmarkPredict measures a prediction in-process (the service, store
// read included, no HTTP) on SNIPS- and BANKING77-sized models, over their
// Test utterances. It reports p50 and p99 latency, and the heap the loaded
// deployment holds.
func BenchmarkPredict(b *testing.B) {
	for _, file := range []string{"snips2017.clu.json", "banking77.clu.json"} {
		b.Run(strings.TrimSuffix(file, ".clu.json"), func(b *testing.B) {
			srv := apitest.New(b, &apitest.Options{AutoRun: true, WatchDeployments: true}) // deployments in memory, as parley serve keeps them
			name, queries := deployDataset(b, srv, file)
			ctx := context.Background()
			var before, after goruntime.MemStats
			goruntime.GC()
			goruntime.ReadMemStats(&before)
			if _, err := srv.Services.Runtime.Predict(ctx, name, "production", queries[0], "", nil); err != nil { // loads the model
				b.Fatal(err)
			}
			goruntime.GC()
			goruntime.ReadMemStats(&after)
			modelMiB := float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / (1 << 20)
			var lat []time.Duration
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				t0 := time.Now()
				if _, err := srv.Services.Runtime.Predict(ctx, name, "production", queries[i%len(queries)], "", nil); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
				i++
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
			b.ReportMetric(modelMiB, "model-MiB")
		})
	}
}
