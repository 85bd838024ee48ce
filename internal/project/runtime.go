package project

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/parley-dev/parley/internal/nlu"
)

// Prediction is a deployment's answer to a query, offsets in UTF-16 code units.
type Prediction struct {
	TopIntent string
	nlu.Prediction
}

// modelCache holds loaded engine models by model id: a model is loaded once,
// and a redeploy or swap only changes which id a deployment names.
type modelCache struct {
	mu     sync.RWMutex
	models map[string]*nlu.Model
}

// maxLoadedModels bounds the cache; past it, an arbitrary model is dropped
// (and loaded again on its next use).
const maxLoadedModels = 64

func (c *modelCache) get(id string) *nlu.Model {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.models[id]
}

func (c *modelCache) put(id string, m *nlu.Model) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.models == nil {
		c.models = map[string]*nlu.Model{}
	}
	if len(c.models) >= maxLoadedModels {
		for k := range c.models {
			delete(c.models, k)
			break
		}
	}
	c.models[id] = m
}

// Predict answers a query with the model a deployment serves. Each call
// reads which model the deployment names, so a redeploy or swap applies to
// the next request while requests in flight finish on the model they got.
func (s *Runtime) Predict(ctx context.Context, project, deployment, text, language string) (*Prediction, error) {
	d, err := s.store.GetDeployment(ctx, project, deployment)
	if errors.Is(err, ErrDeploymentNotFound) {
		if _, err := s.lookupProject(ctx, project); err != nil {
			return nil, err
		}
		return nil, deploymentNotFound(project, deployment)
	} else if err != nil {
		return nil, err
	}
	m := s.models.get(d.ModelID)
	if m == nil {
		id, engine, err := s.store.DeploymentEngine(ctx, project, deployment)
		if errors.Is(err, ErrDeploymentNotFound) {
			return nil, deploymentNotFound(project, deployment)
		} else if err != nil {
			return nil, err
		}
		if m = s.models.get(id); m == nil {
			m = new(nlu.Model)
			if err := m.UnmarshalBinary(engine); err != nil {
				return nil, fmt.Errorf("deployment %q: model %s: %w", deployment, id, err)
			}
			s.models.put(id, m)
		}
	}
	if language == "" {
		language = d.Language
	}
	p := &Prediction{Prediction: m.Predict(text, language)}
	if len(p.Intents) > 0 {
		p.TopIntent = p.Intents[0].Intent
		if p.Intents[0].Score < d.Threshold {
			p.TopIntent = NoneIntent
		}
	}
	return p, nil
}
