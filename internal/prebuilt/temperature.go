package prebuilt

import "strings"

// This file is Parley's English temperature recogniser
// (Quantity.Temperature, Recognizers' TemperatureModel): a number and a
// scale ("20 degrees celsius", "98.6 F" only after "degrees"), a bare
// "degrees" or "°" (unit "Degree"), or a scale named alone ("to fahrenheit").

func init() { register("TemperatureModel", ModelFunc(recognizeTemperature)) }

var temperatureScanner = &unitScanner{typeName: "temperature", phrases: temperaturePhrases(), veto: angleDegrees}

func temperaturePhrases() []unitPhrase {
	scales := []struct {
		unit  string
		names []string // spelled out, misspellings included
		abbr  string   // only after "degrees" or "°"
	}{
		{"C", []string{"celsius", "celcius", "centigrade", "centigrate"}, "c"},
		{"F", []string{"fahrenheit", "farenheit", "fahrenhiet", "fahreneit"}, "f"},
		{"K", []string{"kelvin", "kelvins"}, "k"},
		{"R", []string{"rankine"}, "r"},
	}
	degrees := []string{"degrees", "degree", "deg.", "deg", "°"}
	var t []unitPhrase
	for _, s := range scales {
		for _, n := range s.names {
			t = append(t, unitPhrase{text: n, unit: s.unit, where: after | alone})
			for _, d := range degrees {
				t = append(t, unitPhrase{text: d + " " + n, unit: s.unit, where: after | alone})
			}
		}
		for _, d := range degrees {
			t = append(t, unitPhrase{text: d + " " + s.abbr, unit: s.unit, where: after})
		}
	}
	return append(t, phrases("Degree", "", after, degrees...)...)
}

// angleDegrees rejects a bare "degrees" that measures an angle: "a 45
// degrees angle", "rotate 90°".
func angleDegrees(low string, f unitFound) bool {
	if f.phrase.unit != "Degree" {
		return false
	}
	next := strings.Fields(low[f.end:])
	if len(next) > 0 && strings.HasPrefix(next[0], "angle") {
		return true
	}
	prev := strings.Fields(low[:f.start])
	for i := len(prev) - 1; i >= 0 && i >= len(prev)-2; i-- {
		switch prev[i] {
		case "rotate", "rotated", "turn", "turned", "angle", "angles", "bend", "tilt", "tilted":
			return true
		}
	}
	return false
}

func recognizeTemperature(text string, _ Context) []Result { return temperatureScanner.results(text) }
