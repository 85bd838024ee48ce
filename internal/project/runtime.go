package project

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/parley-dev/parley/internal/nlu"
	"golang.org/x/sync/singleflight"
)

// Prediction is a deployment's answer to a query, offsets in UTF-16 code units.
type Prediction struct {
	TopIntent string
	nlu.Prediction
}

// modelCache holds decoded engine models by model id, within a budget of
// bytes, evicting the least recently used. A model is decoded once however
// many requests wait for it (a redeploy or swap only changes which id a
// deployment names), and at most two models are decoded at a time, since a
// decode needs memory of its own beside the model it makes.
type modelCache struct {
	budget   int64 // bytes of engine blobs the loaded models may take
	mu       sync.Mutex
	lru      list.List // of *loadedModel, most recently used first
	byID     map[string]*list.Element
	used     int64
	loads    singleflight.Group
	decoded  atomic.Int64 // decodes done: loads from the store or a file
	hits     atomic.Int64 // predictions that found their model loaded
	inflight map[string]int
	slots    chan struct{}
}

type loadedModel struct {
	id    string
	model *nlu.Model
	size  int64
}

// DefaultModelMemory is the default budget of loaded models: the sum of
// their engine blobs, which measure their decoded size within a factor of
// about one (SNIPS 2017: 7.3 MB of blob, 4.6 MB of live heap).
const DefaultModelMemory = 1 << 30

func newModelCache(budget int64) *modelCache {
	if budget <= 0 {
		budget = DefaultModelMemory
	}
	return &modelCache{budget: budget, byID: map[string]*list.Element{}, inflight: map[string]int{}, slots: make(chan struct{}, 2)}
}

// get returns the loaded model id, marking it used.
func (c *modelCache) get(id string) *nlu.Model {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byID[id]; ok {
		c.lru.MoveToFront(e)
		c.hits.Add(1)
		return e.Value.(*loadedModel).model
	}
	return nil
}

// ModelStats describes the loaded models, for metrics.
type ModelStats struct {
	Loaded int   // models loaded now
	Bytes  int64 // their engine blobs' bytes, the measure of the budget
	Hits   int64 // lookups that found their model loaded, since start
	Loads  int64 // models decoded, since start
}

// ModelStats returns the state of the loaded models.
func (s *Runtime) ModelStats() ModelStats {
	c := s.models
	c.mu.Lock()
	defer c.mu.Unlock()
	return ModelStats{Loaded: c.lru.Len(), Bytes: c.used, Hits: c.hits.Load(), Loads: c.decoded.Load()}
}

// load returns model id, decoding the blob fetch returns when it is not
// loaded yet; concurrent callers for one id share one fetch and one decode.
func (c *modelCache) load(ctx context.Context, id string, fetch func(context.Context) (string, []byte, error)) (*nlu.Model, error) {
	if m := c.get(id); m != nil {
		return m, nil
	}
	v, err, _ := c.loads.Do(id, func() (any, error) {
		if m := c.get(id); m != nil { // loaded while this caller waited
			return m, nil
		}
		c.mu.Lock()
		c.inflight[id]++
		c.mu.Unlock()
		defer func() {
			c.mu.Lock()
			c.inflight[id]--
			c.mu.Unlock()
		}()
		// The load outlives the caller that started it: others wait on it.
		ctx := context.WithoutCancel(ctx)
		c.slots <- struct{}{}
		defer func() { <-c.slots }()
		gotID, engine, err := fetch(ctx)
		if err != nil {
			return nil, err
		}
		m := new(nlu.Model)
		if err := m.UnmarshalBinary(engine); err != nil {
			return nil, fmt.Errorf("model %s: %w", gotID, err)
		}
		c.decoded.Add(1)
		c.put(gotID, m, int64(len(engine)))
		return m, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*nlu.Model), nil
}

// waiting reports whether a load of id is under way (for tests): 1 when it
// is, else 0.
func (c *modelCache) waiting(id string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.inflight[id]
}

// ids lists the loaded models, most recently used first (for tests).
func (c *modelCache) ids() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for e := c.lru.Front(); e != nil; e = e.Next() {
		out = append(out, e.Value.(*loadedModel).id)
	}
	return out
}

// put adds a model and evicts the least recently used ones past the budget.
// A model larger than the whole budget stays alone in the cache.
func (c *modelCache) put(id string, m *nlu.Model, size int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byID[id]; ok {
		c.lru.MoveToFront(e)
		return
	}
	c.byID[id] = c.lru.PushFront(&loadedModel{id: id, model: m, size: size})
	c.used += size
	for c.used > c.budget && c.lru.Len() > 1 {
		e := c.lru.Back()
		lm := e.Value.(*loadedModel)
		c.lru.Remove(e)
		delete(c.byID, lm.id)
		c.used -= lm.size
	}
}

// PredictOptions are a prediction's optional inputs; a nil *PredictOptions
// means the defaults.
type PredictOptions struct {
	// Reference is "now" for relative dates and times, read on its wall
	// clock in its own Location. Zero means the service's clock, read only
	// when a prebuilt recogniser runs, in Location.
	Reference time.Time
	// Location is the time zone of the clock when Reference is zero; nil
	// means Config.TimeZone.
	Location *time.Location
}

// TimeZone is the time zone of "now" for relative dates and times, unless
// a request names its own (Config.TimeZone).
func (s *Runtime) TimeZone() *time.Location { return s.cfg.TimeZone }

// referenceFunc returns the "now" of relative dates and times for a
// prediction with options o: o's reference, else the clock read in o's time
// zone or the service's. The clock is read when the function is called,
// which the engine does only when a prebuilt recogniser runs.
func (s *core) referenceFunc(o *PredictOptions) func() time.Time {
	loc := s.cfg.TimeZone
	if o != nil {
		if !o.Reference.IsZero() {
			ref := o.Reference
			return func() time.Time { return ref }
		}
		if o.Location != nil {
			loc = o.Location
		}
	}
	return func() time.Time { return s.cfg.Now().In(loc) }
}

// Predict answers a query with the model a deployment serves. Each call
// looks up which model the deployment names (in memory while the runtime
// watches deployments, deploycache.go), so a redeploy or swap applies to
// the next request while requests in flight finish on the model they got.
// o may be nil.
func (s *Runtime) Predict(ctx context.Context, project, deployment, text, language string, o *PredictOptions) (p *Prediction, err error) {
	if f := s.cfg.PredictionFunc; f != nil {
		start := time.Now()
		defer func() { f(project, deployment, time.Since(start), err) }()
	}
	if s.dir != nil {
		return s.predictFromDir(ctx, project, deployment, text, language, o)
	}
	d, err := s.deployment(ctx, project, deployment)
	if errors.Is(err, ErrDeploymentNotFound) {
		if _, err := s.lookupProject(ctx, project); err != nil {
			return nil, err
		}
		return nil, deploymentNotFound(project, deployment)
	} else if err != nil {
		return nil, err
	}
	m, err := s.models.load(ctx, d.ModelID, func(ctx context.Context) (string, []byte, error) {
		id, engine, err := s.store.DeploymentEngine(ctx, project, deployment)
		if errors.Is(err, ErrDeploymentNotFound) {
			return "", nil, deploymentNotFound(project, deployment)
		}
		return id, engine, err
	})
	if err != nil {
		return nil, err
	}
	return s.predictWith(m, d, text, language, o), nil
}

// predictFromDir is Predict in a runtime-only Parley: the deployment is a
// model file of the directory.
func (s *Runtime) predictFromDir(ctx context.Context, project, deployment, text, language string, o *PredictOptions) (*Prediction, error) {
	d, err := s.dir.deployment(project, deployment)
	if err != nil {
		return nil, err
	}
	m, err := s.models.load(ctx, d.ModelID, func(ctx context.Context) (string, []byte, error) {
		return s.dir.engine(ctx, project, deployment)
	})
	if err != nil {
		return nil, err
	}
	return s.predictWith(m, d, text, language, o), nil
}

// predictWith answers a query with model m of deployment d.
func (s *Runtime) predictWith(m *nlu.Model, d *Deployment, text, language string, o *PredictOptions) *Prediction {
	if language == "" {
		language = d.Language
	}
	p := &Prediction{Prediction: m.Predict(text, language, &nlu.PredictOptions{ReferenceFunc: s.referenceFunc(o)})}
	if len(p.Intents) > 0 {
		p.TopIntent = p.Intents[0].Intent
		if p.Intents[0].Score < d.Threshold {
			p.TopIntent = NoneIntent
		}
	}
	return p
}

// timeZones caches the time zones ParseTimeZone has loaded, by name: a
// request may name one, and loading reads the time zone database. Only
// names that load are kept, so the cache is bounded by the database.
var timeZones sync.Map // string -> *time.Location

// ParseTimeZone returns the IANA time zone name ("Europe/Paris", "UTC").
// It refuses "" and "Local", which name no zone but the machine's.
func ParseTimeZone(name string) (*time.Location, error) {
	if name == "" || name == "Local" {
		return nil, fmt.Errorf("time zone %q: not an IANA time zone name", name)
	}
	if loc, ok := timeZones.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	timeZones.Store(name, loc)
	return loc, nil
}
