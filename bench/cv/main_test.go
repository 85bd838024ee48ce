package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestCrossValidation(t *testing.T) {
	var out bytes.Buffer
	err := run([]string{"-folds", "2", "-oos", "0.2", "-variants", "few:taggerEpochs=1,intentEpochs=2",
		"../../testdata/datasets/smoke/snips2017.smoke.clu.json"}, &out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"recipe ", "few ", "chosen: "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if err := run([]string{"-variants", "bad:nope=1", "x.json"}, &out); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("unknown key: err = %v", err)
	}
}
