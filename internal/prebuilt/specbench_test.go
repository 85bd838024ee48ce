package prebuilt

import (
	"runtime"
	"sort"
	"testing"
	"time"
)

// BenchmarkSpecTexts runs each registered model over every input of its
// spec file, after a warm-up pass, and reports the median and the 90th
// percentile time per utterance (the measure: per-utterance
// recognition over each spec file's texts).
func BenchmarkSpecTexts(b *testing.B) {
	for _, name := range Models() {
		b.Run(name, func(b *testing.B) {
			cases := loadSpec(&testing.T{}, name)
			m := registered[name]
			ctx := Context{Reference: time.Date(2016, 11, 7, 0, 0, 0, 0, time.UTC)}
			for _, c := range cases { // warm-up
				m.Recognize(c.Input, ctx)
			}
			per := make([]time.Duration, 0, len(cases)*b.N)
			b.ResetTimer()
			for b.Loop() {
				for _, c := range cases {
					start := time.Now()
					m.Recognize(c.Input, ctx)
					per = append(per, time.Since(start))
				}
			}
			b.StopTimer()
			sort.Slice(per, func(i, j int) bool { return per[i] < per[j] })
			b.ReportMetric(float64(per[len(per)/2].Nanoseconds()), "median-ns/utterance")
			b.ReportMetric(float64(per[len(per)*9/10].Nanoseconds()), "p90-ns/utterance")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// BenchmarkRecognizerMemory reports the live heap after every model has
// run once: the recognisers' tables, built once per process at init, and
// whatever the first runs keep. It is an upper bound (the test binary's
// own heap is in it).
func BenchmarkRecognizerMemory(b *testing.B) {
	ctx := Context{Reference: time.Date(2016, 11, 7, 0, 0, 0, 0, time.UTC)}
	for b.Loop() {
		for _, name := range Models() {
			registered[name].Recognize("from march 3 to may 5 2020 at 5pm for $20, 3 km, call 555-0100", ctx)
		}
	}
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "heap-MiB")
	b.ReportMetric(0, "ns/op")
}
