package prebuilt

import "testing"

// One case of TemperatureModel's spec fails: "fahrenheit to celsius 101
// fahrenheit is how much celsius", where Recognizers lists the unit with a
// number before the units alone; Parley orders results by position.
func init() { floors["TemperatureModel"] = 42 }

// TestTemperature checks the general rules on phrases of Parley's own.
func TestTemperature(t *testing.T) {
	t.Parallel()
	checkUnits(t, "TemperatureModel", "it was 12.5 °C at noon and minus 3 degrees at night", []unitCase{
		{"12.5 °C", "12.5", "C"}, {"minus 3 degrees", "-3", "Degree"}})
	checkUnits(t, "TemperatureModel", "water boils at 373 kelvin", []unitCase{{"373 kelvin", "373", "K"}})
	checkUnits(t, "TemperatureModel", "show it in centigrade", []unitCase{{"centigrade", "", "C"}})
	checkUnits(t, "TemperatureModel", "tilt it 30 degrees", nil)
	checkUnits(t, "TemperatureModel", "flat 4C on floor 2F", nil)
}

func BenchmarkTemperatureModel(b *testing.B) {
	const utterance = "set the living room thermostat to seventy two degrees fahrenheit and the bedroom to 20 °C tonight"
	m, _ := Lookup("TemperatureModel")
	b.ReportAllocs()
	for b.Loop() {
		if rs := m.Recognize(utterance, Context{}); len(rs) != 2 {
			b.Fatal("want 2 temperatures")
		}
	}
}
