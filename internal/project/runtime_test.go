package project

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

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
