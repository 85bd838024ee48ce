package project

import (
	"context"
	"errors"
	"sync"
	"time"
)

// DefaultDeploymentPoll is how often a watching runtime reads the store's
// DeploymentsVersion: the bound on how late another replica's deploy, swap
// or delete reaches this one.
const DefaultDeploymentPoll = 100 * time.Millisecond

// maxCachedDeployments bounds the deployments (and names found missing)
// kept in memory; past it the cache starts again empty.
const maxCachedDeployments = 10_000

// deploymentCache keeps the deployments predictions read, so that a
// prediction reads no store: while the runtime watches (WatchDeployments)
// the entries are valid until the store's DeploymentsVersion moves, or until
// this process changes a deployment itself (changed), which clears them at
// once. Without a watcher nothing is kept and every prediction reads its
// deployment, as it did before the cache.
type deploymentCache struct {
	mu      sync.RWMutex
	watched bool
	version int64  // the store's DeploymentsVersion the entries were read at
	gen     uint64 // bumped on every clear: a read begun before it is not kept
	entries map[[2]string]*Deployment
}

// deploymentMissing is the entry of a name found to have no deployment.
var deploymentMissing = &Deployment{}

// lookup returns the entry of (project, name), and the generation a read
// must put its result back under; ok is false when nothing is kept.
func (c *deploymentCache) lookup(project, name string) (d *Deployment, gen uint64, watched bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.entries[[2]string{project, name}], c.gen, c.watched
}

// put keeps what a read of the store found, unless the cache was cleared
// since the read began.
func (c *deploymentCache) put(project, name string, d *Deployment, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.watched || c.gen != gen {
		return
	}
	if len(c.entries) >= maxCachedDeployments {
		c.entries = map[[2]string]*Deployment{}
	}
	c.entries[[2]string{project, name}] = d
}

// clear drops every entry.
func (c *deploymentCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.entries = map[[2]string]*Deployment{}
}

// changed is called after this process changed deployments in the store.
func (c *deploymentCache) changed() { c.clear() }

// observe takes the store's version: a new one clears the entries; an error
// stops caching until the store answers again (a change could be missed).
func (c *deploymentCache) observe(v int64, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil || !c.watched || v != c.version {
		c.gen++
		c.entries = map[[2]string]*Deployment{}
	}
	c.watched, c.version = err == nil, v
}

// stop ends caching.
func (c *deploymentCache) stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.watched = false
	c.gen++
	c.entries = map[[2]string]*Deployment{}
}

// WatchDeployments keeps deployments in memory for predictions until ctx
// ends, reading the store's DeploymentsVersion every poll
// (DefaultDeploymentPoll when 0) to learn of other replicas' changes; this
// process's own changes apply at once. It returns at once.
func (s *Runtime) WatchDeployments(ctx context.Context, poll time.Duration) {
	if s.dir != nil || s.store == nil {
		return // model files do not change under a runtime-only Parley
	}
	if poll <= 0 {
		poll = DefaultDeploymentPoll
	}
	read := func() {
		rctx, cancel := context.WithTimeout(ctx, max(poll, time.Second))
		defer cancel()
		v, err := s.store.DeploymentsVersion(rctx)
		if ctx.Err() == nil {
			s.deployments.observe(v, err)
		}
	}
	read()
	go func() {
		t := time.NewTicker(poll)
		defer t.Stop()
		defer s.deployments.stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				read()
			}
		}
	}()
}

// deployment returns the deployment a prediction uses: from memory when
// the runtime watches, else from the store.
func (s *Runtime) deployment(ctx context.Context, project, name string) (*Deployment, error) {
	d, gen, watched := s.deployments.lookup(project, name)
	switch {
	case d == deploymentMissing:
		return nil, ErrDeploymentNotFound
	case d != nil:
		return d, nil
	}
	d, err := s.store.GetDeployment(ctx, project, name)
	if !watched {
		return d, err
	}
	switch {
	case err == nil:
		s.deployments.put(project, name, d, gen)
	case errors.Is(err, ErrDeploymentNotFound):
		s.deployments.put(project, name, deploymentMissing, gen)
	}
	return d, err
}

// changeNotifyingStore tells the deployment cache of every change this
// process makes to deployments, after the store call returns.
type changeNotifyingStore struct {
	Store
	changed func()
}

func (s changeNotifyingStore) SaveDeployment(ctx context.Context, d *Deployment, engine []byte, maxDeployments int) error {
	defer s.changed()
	return s.Store.SaveDeployment(ctx, d, engine, maxDeployments)
}

func (s changeNotifyingStore) SwapDeployments(ctx context.Context, project, first, second string) error {
	defer s.changed()
	return s.Store.SwapDeployments(ctx, project, first, second)
}

func (s changeNotifyingStore) DeleteDeployment(ctx context.Context, project, name string) error {
	defer s.changed()
	return s.Store.DeleteDeployment(ctx, project, name)
}

func (s changeNotifyingStore) DeleteProject(ctx context.Context, name string) error {
	defer s.changed()
	return s.Store.DeleteProject(ctx, name)
}
