package nlu

import (
	"context"
	"testing"
)

// A model trained with prediction settings other than its recipe's would
// predict differently once loaded, so it cannot be saved; training-only
// overrides (epochs) can.
func TestTuningOverridesAndSaving(t *testing.T) {
	d, _ := loadSplit(t, smokeFile("snips2017.smoke.clu.json"))
	tu := RecipeTuning(LatestRecipe)
	tu.TaggerEpochs = 3
	m, err := Train(context.Background(), d, Options{Seed: 1, Recipe: LatestRecipe, Tuning: &tu})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.MarshalBinary(); err != nil {
		t.Errorf("a model with only training settings changed: MarshalBinary: %v", err)
	}
	tu.TaggerIntent = !tu.TaggerIntent
	m, err = Train(context.Background(), d, Options{Seed: 1, Recipe: LatestRecipe, Tuning: &tu})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.MarshalBinary(); err == nil {
		t.Error("a model with TaggerIntent other than its recipe's was saved")
	}
}
