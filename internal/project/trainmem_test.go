package project

import (
	"context"
	"testing"
	"time"
)

// TestMemoryGate: trainings wait while their estimated memory does not fit
// the budget, one larger than the budget runs alone, and a cancelled wait
// returns (issue 9: concurrent trainings at the size limits took 4.45 GB
// each with nothing to bound them).
func TestMemoryGate(t *testing.T) {
	g := newMemoryGate(100)
	ctx := t.Context()
	release80, err := g.acquire(ctx, 80)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan func(), 1)
	go func() {
		r, err := g.acquire(ctx, 50)
		if err != nil {
			t.Error(err)
		}
		got <- r
	}()
	select {
	case <-got:
		t.Fatal("50 bytes admitted beside 80 within a budget of 100")
	case <-time.After(50 * time.Millisecond):
	}
	release80()
	release50 := <-got
	// Larger than the whole budget: waits for everything, then runs.
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := g.acquire(short, 1000); err == nil {
		t.Fatal("1000 bytes admitted beside 50 within a budget of 100")
	}
	release50()
	releaseAll, err := g.acquire(ctx, 1000)
	if err != nil {
		t.Fatalf("1000 bytes on an idle gate = %v, want it admitted alone", err)
	}
	releaseAll()
	if e := trainingMemory(4_000_000); e < 400<<20 || e > 700<<20 {
		t.Errorf("trainingMemory(4 MB) = %d MB, want about the 405 MB measured on SNIPS 2017", e>>20)
	}
}
