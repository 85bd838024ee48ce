package job

import (
	"sync"
	"time"
)

// FinishedCache holds terminal jobs in memory. A terminal job never changes
// again (it only expires), in this process or any other sharing the store,
// so status reads of finished jobs need not reach the store: clients poll a
// job once more after it ends, and tools poll finished jobs for their
// resultUrl. It is bounded; when full it forgets an arbitrary entry.
type FinishedCache struct {
	mu  sync.RWMutex
	m   map[string]*Job
	max int
}

// NewFinishedCache returns a cache of at most max jobs.
func NewFinishedCache(max int) *FinishedCache {
	return &FinishedCache{m: make(map[string]*Job), max: max}
}

// Get returns a copy of the cached job id if it has not expired at now.
func (c *FinishedCache) Get(id string, now time.Time) (*Job, bool) {
	c.mu.RLock()
	j, ok := c.m[id]
	c.mu.RUnlock()
	if !ok || !j.Expires.After(now) {
		return nil, false
	}
	cp := *j
	return &cp, true
}

// Put caches a copy of j if it is terminal.
func (c *FinishedCache) Put(j *Job) {
	if !j.Status.Terminal() || c.max <= 0 {
		return
	}
	cp := *j
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.max {
		for k := range c.m {
			delete(c.m, k)
			break
		}
	}
	c.m[j.ID] = &cp
}
