package prebuilt

import "testing"

func init() { floors["DimensionModel"] = 98 }

// TestDimension checks the general rules on phrases of Parley's own.
func TestDimension(t *testing.T) {
	t.Parallel()
	checkUnits(t, "DimensionModel", "a 12-foot boat and 3 kg of fish", []unitCase{
		{"12-foot", "12", "Foot"}, {"3 kg", "3", "Kilogram"}})
	checkUnits(t, "DimensionModel", "she is 6 ft and 1 in", []unitCase{{"6 ft and 1 in", "6.08333333333333", "Foot"}})
	checkUnits(t, "DimensionModel", "a 4 GB card holds 32 gb", []unitCase{
		{"4 GB", "4", "Gigabyte"}, {"32 gb", "32", "Gigabit"}})
	checkUnits(t, "DimensionModel", "drive at 30 mph, or 48 kilometres per hour", []unitCase{
		{"30 mph", "30", "Mile per hour"}, {"48 kilometres per hour", "48", "Kilometer per hour"}})
	checkUnits(t, "DimensionModel", "pack 7 {lbs} into 2 [l]", []unitCase{
		{"7 {lbs}", "7", "Pound"}, {"2 [l]", "2", "Liter"}})
	checkUnits(t, "DimensionModel", "lunch at 1pm, room ab-12m, 3 in the box, 30 degrees outside", nil)
	checkUnits(t, "DimensionModel", "tilt it 30 degrees", []unitCase{{"30 degrees", "30", "Degree"}})
}

func TestDimensionSubtype(t *testing.T) {
	t.Parallel()
	m, _ := Lookup("DimensionModel")
	for in, want := range map[string]string{"9 acres": "Area", "2 cups": "Volume", "5 GB": "Information", "3 knots": "Speed"} {
		rs := m.Recognize(in, Context{})
		if len(rs) != 1 || rs[0].Resolution["subtype"] != want {
			t.Errorf("%q: %v, want one %s", in, rs, want)
		}
	}
}

func BenchmarkDimensionModel(b *testing.B) {
	const utterance = "the 20-foot container weighs 2.5 metric tons, holds 33 cubic meters and ships at 18 knots over 400 miles"
	m, _ := Lookup("DimensionModel")
	b.ReportAllocs()
	for b.Loop() {
		if rs := m.Recognize(utterance, Context{}); len(rs) != 5 {
			b.Fatal("want 5 dimensions")
		}
	}
}
