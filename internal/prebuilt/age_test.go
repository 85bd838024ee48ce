package prebuilt

import "testing"

func init() { floors["AgeModel"] = 19 }

// TestAge checks the general rules on phrases of Parley's own.
func TestAge(t *testing.T) {
	t.Parallel()
	checkUnits(t, "AgeModel", "my cat is twelve years old and the dog 7 months old", []unitCase{
		{"twelve years old", "12", "Year"}, {"7 months old", "7", "Month"}})
	checkUnits(t, "AgeModel", "a 3-week-old puppy", []unitCase{{"3-week-old", "3", "Week"}})
	checkUnits(t, "AgeModel", "a 2-day-old chick and a 4-year-old", []unitCase{
		{"2-day-old", "2", "Day"}, {"4-year-old", "4", "Year"}})
	checkUnits(t, "AgeModel", "Aged 70, she ran", []unitCase{{"Aged 70", "70", "Age"}})
	checkUnits(t, "AgeModel", "it took 5 years", nil)
}

func BenchmarkAgeModel(b *testing.B) {
	const utterance = "my grandmother turned ninety two years old last week and her cat is 15 years of age"
	m, _ := Lookup("AgeModel")
	b.ReportAllocs()
	for b.Loop() {
		if rs := m.Recognize(utterance, Context{}); len(rs) != 2 {
			b.Fatal("want 2 ages")
		}
	}
}
