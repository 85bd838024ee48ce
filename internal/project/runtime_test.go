package project

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parley-dev/parley/internal/nlu"
)

func engineBlob(t *testing.T, intents ...string) []byte {
	t.Helper()
	d := nlu.TrainingData{Language: "en-us", Intents: intents}
	for i, in := range intents {
		for j := range 3 {
			d.Examples = append(d.Examples, nlu.Example{Text: fmt.Sprintf("%s example %d %d", in, i, j), Intent: in})
		}
	}
	m, err := nlu.Train(context.Background(), d, nlu.Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestColdLoadsAreShared: 32 concurrent first predictions on one model
// fetch and decode it once (issue 9, finding 3: each decoded its own copy).
func TestColdLoadsAreShared(t *testing.T) {
	blob := engineBlob(t, "A", "B")
	c := newModelCache(0)
	var fetches atomic.Int32
	release := make(chan struct{})
	fetch := func(context.Context) (string, []byte, error) {
		fetches.Add(1)
		<-release // hold the first load until every caller waits on it
		return "m1", blob, nil
	}
	var wg sync.WaitGroup
	models := make([]*nlu.Model, 32)
	for i := range models {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m, err := c.load(t.Context(), "m1", fetch)
			if err != nil {
				t.Error(err)
			}
			models[i] = m
		}()
	}
	for c.waiting("m1") < 1 {
		// Wait until the load has started; the other callers join it.
		runtime.Gosched()
	}
	close(release)
	wg.Wait()
	if n, d := fetches.Load(), c.decoded.Load(); n != 1 || d != 1 {
		t.Errorf("32 concurrent cold loads: %d fetches, %d decodes; want 1 and 1", n, d)
	}
	for i, m := range models {
		if m != models[0] {
			t.Fatalf("load %d got another model than load 0", i)
		}
	}
}

// TestModelBudget: loaded models stay within a budget of bytes, the least
// recently used going first; one larger than the budget stays alone.
func TestModelBudget(t *testing.T) {
	blob := engineBlob(t, "A", "B")
	size := int64(len(blob))
	c := newModelCache(2*size + size/2) // room for two
	load := func(id string) {
		t.Helper()
		if _, err := c.load(t.Context(), id, func(context.Context) (string, []byte, error) { return id, blob, nil }); err != nil {
			t.Fatal(err)
		}
	}
	load("a")
	load("b")
	c.get("a") // a is now more recent than b
	load("c")  // evicts b
	if c.get("b") != nil || c.get("a") == nil || c.get("c") == nil {
		t.Errorf("after a, b, use of a, c: loaded %v, want a and c", c.ids())
	}
	if c.used > c.budget {
		t.Errorf("used %d bytes of a %d budget", c.used, c.budget)
	}
	small := newModelCache(size / 2)
	load2 := func(id string) {
		if _, err := small.load(t.Context(), id, func(context.Context) (string, []byte, error) { return id, blob, nil }); err != nil {
			t.Fatal(err)
		}
	}
	load2("x")
	load2("y")
	if ids := small.ids(); len(ids) != 1 || ids[0] != "y" {
		t.Errorf("over-budget models loaded: %v, want only the last, y", ids)
	}
}

// TestReferenceFunc: "now" for relative dates is the request's reference
// when it gives one, else the service's clock, read when the function is
// called, on the wall clock of the request's time zone or Config.TimeZone
// (UTC by default).
func TestReferenceFunc(t *testing.T) {
	paris, err := ParseTimeZone("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	tokyo, err := ParseTimeZone("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2026, 4, 18, 23, 30, 0, 0, time.UTC)
	reads := 0
	now := func() time.Time { reads++; return clock }
	fixed := time.Date(2016, 11, 7, 0, 0, 0, 0, tokyo)
	for _, tc := range []struct {
		name string
		zone *time.Location // Config.TimeZone
		o    *PredictOptions
		want time.Time
		loc  *time.Location
	}{
		{"default UTC", nil, nil, clock, time.UTC},
		{"server zone", paris, nil, clock, paris},
		{"request zone", paris, &PredictOptions{Location: tokyo}, clock, tokyo},
		{"request reference", paris, &PredictOptions{Reference: fixed, Location: paris}, fixed, tokyo},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := New(nil, nil, nil, Config{Now: now, TimeZone: tc.zone}).Runtime
			reads = 0
			f := c.referenceFunc(tc.o)
			if reads != 0 {
				t.Fatalf("referenceFunc read the clock %d times before it was called", reads)
			}
			got := f()
			if !got.Equal(tc.want) || got.Location() != tc.loc {
				t.Errorf("reference = %v, want %v in %v", got, tc.want, tc.loc)
			}
		})
	}
	if loc := New(nil, nil, nil, Config{}).Runtime.TimeZone(); loc != time.UTC {
		t.Errorf("TimeZone() = %v by default, want UTC", loc)
	}
}

// TestParseTimeZone: IANA names load; the empty name and "Local", which
// would be the machine's zone, do not, nor do unknown names.
func TestParseTimeZone(t *testing.T) {
	for _, name := range []string{"UTC", "Europe/Paris", "America/Argentina/Buenos_Aires"} {
		if loc, err := ParseTimeZone(name); err != nil || loc.String() != name {
			t.Errorf("ParseTimeZone(%q) = %v, %v; want %s", name, loc, err, name)
		}
	}
	for _, name := range []string{"", "Local", "Mars/Olympus_Mons", "../etc/passwd", "/etc/localtime", "europe/paris "} {
		if loc, err := ParseTimeZone(name); err == nil {
			t.Errorf("ParseTimeZone(%q) = %v, want an error", name, loc)
		}
	}
}
