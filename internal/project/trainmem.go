package project

import (
	"context"

	"golang.org/x/sync/semaphore"
)

// DefaultTrainingMemory is the default budget of the trainings that run at
// once: a project at the size limits takes about 4.5 GB to train, so a
// default server trains one of those at a time, beside a few small ones.
const DefaultTrainingMemory = 6 << 30

// trainingMemory estimates the peak memory of training a project whose
// stored assets take assetBytes: features and weights grow with the text.
// Measured (cmd/nlueval, peak RSS): SNIPS 2017, 3.9 MB of assets, 405 MB;
// BANKING77, 2.1 MB, 147 MB; so 128 bytes a byte of assets, plus a floor.
func trainingMemory(assetBytes int) int64 {
	return 64<<20 + 128*int64(assetBytes)
}

// memoryGate admits work while the memory it is estimated to take fits a
// budget; work larger than the whole budget runs alone.
type memoryGate struct {
	sem    *semaphore.Weighted
	budget int64
}

func newMemoryGate(budget int64) *memoryGate {
	return &memoryGate{sem: semaphore.NewWeighted(budget), budget: budget}
}

// acquire waits until n bytes fit and returns their release; ctx ends the
// wait (a cancelled job).
func (g *memoryGate) acquire(ctx context.Context, n int64) (func(), error) {
	n = min(max(n, 1), g.budget)
	if err := g.sem.Acquire(ctx, n); err != nil {
		return nil, err
	}
	return func() { g.sem.Release(n) }, nil
}
