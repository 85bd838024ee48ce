package project

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestModelFile checks that a model file round-trips and that a damaged or
// cut one is refused, by DecodeModelFile and so by OpenModelDir.
func TestModelFile(t *testing.T) {
	t.Parallel()
	e := &ExportedModel{Project: "p", Name: "v1", ModelLabel: "m", ModelID: "m-id", Trained: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Exported: time.Date(2026, 1, 2, 4, 0, 0, 0, time.UTC), ExpirationDate: "2027-01-02", ConfigVersion: "2022-09-01", Threshold: 0.5, Language: "en-us"}
	b, err := EncodeModelFile(e, []byte("engine\nbytes"))
	if err != nil {
		t.Fatal(err)
	}
	got, engine, err := DecodeModelFile(b)
	if err != nil || string(engine) != "engine\nbytes" || cmp.Diff(e, got) != "" {
		t.Fatalf("DecodeModelFile = %+v, %q, %v; want %+v", got, engine, err, e)
	}
	for name, bad := range map[string][]byte{"cut": b[:len(b)-1], "flipped": append(b[:len(b)-1:len(b)-1], 'X'), "other": []byte("{}"), "no header": []byte(modelFileMagic)} {
		if _, _, err := DecodeModelFile(bad); err == nil {
			t.Errorf("DecodeModelFile(%s) = nil error, want one", name)
		}
	}
	dir := t.TempDir()
	if _, err := OpenModelDir(dir); err == nil || !strings.Contains(err.Error(), "no model file") {
		t.Errorf("OpenModelDir(empty) = %v, want no model file", err)
	}
	os.MkdirAll(filepath.Join(dir, "p"), 0o755)
	os.WriteFile(filepath.Join(dir, "p", "v1"+ModelFileExt), b, 0o644)
	md, err := OpenModelDir(dir)
	if err != nil || md.Len() != 1 {
		t.Fatalf("OpenModelDir = %v, %v; want one model", md, err)
	}
	if _, err := md.deployment("p", "v2"); err == nil || !strings.Contains(err.Error(), "deployment") {
		t.Errorf("deployment(p, v2) = %v, want deployment not found", err)
	}
	os.WriteFile(filepath.Join(dir, "p", "v2"+ModelFileExt), b[:len(b)-3], 0o644)
	if _, err := OpenModelDir(dir); err == nil {
		t.Errorf("OpenModelDir with a cut file = nil error, want one")
	}
}
