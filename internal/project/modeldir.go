package project

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ModelFileExt ends the name of an exported model's file in a model
// directory: DIR/{projectName}/{exportedModelName}.parley.
const ModelFileExt = ".parley"

// ModelDir is the exported model files of a directory, which a
// runtime-only Parley (parley serve --models) serves read-only: a request's
// projectName picks DIR/{projectName}, its deploymentName the exported
// model of that name in it. The headers are read once, at start; an engine
// model is read again when it is loaded.
type ModelDir struct {
	models map[[2]string]modelDirEntry // by project, exported model name
}

type modelDirEntry struct {
	path string
	d    *Deployment
}

// OpenModelDir reads the model files of dir, checking each whole.
func OpenModelDir(dir string) (*ModelDir, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*", "*"+ModelFileExt))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("--models %s holds no model file: download one with parley exported-model download into %s/{project}/{exportedModel}%s", dir, dir, ModelFileExt)
	}
	md := &ModelDir{models: map[[2]string]modelDirEntry{}}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		e, _, err := DecodeModelFile(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		p, name := filepath.Base(filepath.Dir(f)), strings.TrimSuffix(filepath.Base(f), ModelFileExt)
		md.models[[2]string{p, name}] = modelDirEntry{path: f, d: &Deployment{Project: p, Name: name, ModelLabel: e.ModelLabel,
			ModelID: e.ModelID, Trained: e.Trained, Deployed: e.Exported, ConfigVersion: e.ConfigVersion,
			ExpirationDate: e.ExpirationDate, Threshold: e.Threshold, Language: e.Language}}
	}
	return md, nil
}

// Len is how many models the directory holds.
func (md *ModelDir) Len() int { return len(md.models) }

func (md *ModelDir) deployment(project, name string) (*Deployment, error) {
	e, ok := md.models[[2]string{project, name}]
	if !ok {
		for k := range md.models {
			if k[0] == project {
				return nil, deploymentNotFound(project, name)
			}
		}
		return nil, projectNotFound(project)
	}
	return e.d, nil
}

func (md *ModelDir) engine(_ context.Context, project, name string) (string, []byte, error) {
	e, ok := md.models[[2]string{project, name}]
	if !ok {
		return "", nil, deploymentNotFound(project, name)
	}
	b, err := os.ReadFile(e.path)
	if err != nil {
		return "", nil, err
	}
	m, engine, err := DecodeModelFile(b)
	if err != nil {
		return "", nil, fmt.Errorf("%s: %w", e.path, err)
	}
	return m.ModelID, engine, nil
}

// NewRuntimeOnly returns services that answer predictions from the models
// of dir and nothing else: no store, no jobs, no authoring.
func NewRuntimeOnly(dir *ModelDir, cfg Config) *Services {
	svc := New(nil, nil, nil, cfg)
	rt := svc.Runtime
	rt.dir = dir
	return &Services{Runtime: rt}
}
