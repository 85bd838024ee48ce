package storetest

import (
	"testing"
	"time"

	"github.com/parley-dev/parley/internal/project"
)

// testExportedModels covers the exported models of issue 11: save, replace,
// list in byte order, engine copy that outlives the model, quota, delete,
// and the project's deletion taking them along.
func testExportedModels(t *testing.T, s Store) {
	ctx := t.Context()
	createProject(t, s, "p", t0)
	newExported := func(name, label string, at time.Time) *project.ExportedModel {
		return &project.ExportedModel{Project: "p", Name: name, ModelLabel: label, ModelID: label + "-id", Trained: t0,
			Exported: at, ConfigVersion: "2022-09-01", ExpirationDate: "2027-05-06", Threshold: 0.25, Language: "fr"}
	}
	ex := newExported("ex", "m1", t0.Add(time.Minute))
	big := newExported("Big", "m2", t0.Add(2*time.Minute))
	for _, e := range []*project.ExportedModel{ex, big} {
		if err := s.SaveExportedModel(ctx, e, []byte("engine "+e.ModelLabel), 2); err != nil {
			t.Fatalf("SaveExportedModel(%s) = %v", e.Name, err)
		}
	}
	if got, err := s.GetExportedModel(ctx, "p", "ex"); err != nil || diff(ex, got) != "" {
		t.Errorf("GetExportedModel(p, ex) = %+v, %v; want %+v", got, err, ex)
	}
	if es, err := s.ListExportedModels(ctx, "p"); err != nil || diff([]*project.ExportedModel{big, ex}, es) != "" {
		t.Errorf("ListExportedModels(p) = %v, %v; want [Big ex]", es, err)
	}
	if es, err := s.ListExportedModels(ctx, "nope"); err != nil || len(es) != 0 {
		t.Errorf("ListExportedModels(nope) = %v, %v; want none", es, err)
	}
	if engine, err := s.ExportedModelEngine(ctx, "p", "ex"); err != nil || string(engine) != "engine m1" {
		t.Errorf("ExportedModelEngine(p, ex) = %q, %v; want engine m1", engine, err)
	}
	// A third name is past the quota; replacing a name is not.
	wantErr(t, "SaveExportedModel(third)", s.SaveExportedModel(ctx, newExported("third", "m1", t0), []byte("x"), 2), project.ErrQuota)
	ex2 := newExported("ex", "m3", t0.Add(time.Hour))
	if err := s.SaveExportedModel(ctx, ex2, []byte("engine m3"), 2); err != nil {
		t.Fatalf("SaveExportedModel(ex again) = %v", err)
	}
	if got, err := s.GetExportedModel(ctx, "p", "ex"); err != nil || diff(ex2, got) != "" {
		t.Errorf("GetExportedModel(p, ex) after replacing = %+v, %v; want %+v", got, err, ex2)
	}
	if engine, err := s.ExportedModelEngine(ctx, "p", "ex"); err != nil || string(engine) != "engine m3" {
		t.Errorf("ExportedModelEngine(p, ex) after replacing = %q, %v; want engine m3", engine, err)
	}
	// The model it came from may go; the exported model stays.
	saveModel(t, s, newModel("p", "m3", t0), modelData("m3"))
	if err := s.DeleteModel(ctx, "p", "m3"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ExportedModelEngine(ctx, "p", "ex"); err != nil {
		t.Errorf("ExportedModelEngine(p, ex) after DeleteModel = %v", err)
	}

	wantErr(t, "SaveExportedModel(gone project)", s.SaveExportedModel(ctx, &project.ExportedModel{Project: "gone", Name: "x"}, []byte("x"), 2), project.ErrNotFound)
	_, err := s.GetExportedModel(ctx, "p", "EX")
	wantErr(t, "GetExportedModel(p, EX)", err, project.ErrExportedModelNotFound)
	_, err = s.ExportedModelEngine(ctx, "p", "nope\x00")
	wantErr(t, "ExportedModelEngine(p, nope NUL)", err, project.ErrExportedModelNotFound)
	wantErr(t, "DeleteExportedModel(p, nope)", s.DeleteExportedModel(ctx, "p", "nope"), project.ErrExportedModelNotFound)
	if err := s.DeleteExportedModel(ctx, "p", "Big"); err != nil {
		t.Errorf("DeleteExportedModel(p, Big) = %v", err)
	}
	_, err = s.GetExportedModel(ctx, "p", "Big")
	wantErr(t, "GetExportedModel(p, Big) after delete", err, project.ErrExportedModelNotFound)

	if err := s.DeleteProject(ctx, "p"); err != nil {
		t.Fatal(err)
	}
	createProject(t, s, "p", t0)
	if es, err := s.ListExportedModels(ctx, "p"); err != nil || len(es) != 0 {
		t.Errorf("ListExportedModels(p) after the project's deletion and re-creation = %v, %v; want none", es, err)
	}
}
