package prebuilt

import "testing"

func init() { floors["DimensionModel"] = 93 }

// TestDimension checks the general rules on phrases of Parley's own.
func TestDimension(t *testing.T) {
	t.Parallel()
	checkUnits(t, "DimensionModel", "a 12-foot boat and 3 kg of fish", []unitCase{
		{"12-foot", "12", "Foot"}, {"3 kg", "3", "Kilogram"}})
}
