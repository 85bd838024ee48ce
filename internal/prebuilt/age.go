package prebuilt

// This file is Parley's English age recogniser (Quantity.Age,
// Recognizers' AgeModel): a number and "years old", "months of age", ...,
// or "age" before a number.

func init() { register("AgeModel", ModelFunc(recognizeAge)) }

var ageScanner = &unitScanner{typeName: "age", phrases: agePhrases()}

func agePhrases() []unitPhrase {
	var t []unitPhrase
	for _, u := range []struct{ unit, sg, pl string }{
		{"Year", "year", "years"}, {"Month", "month", "months"}, {"Week", "week", "weeks"}, {"Day", "day", "days"},
	} {
		for _, w := range []string{u.sg, u.pl} {
			t = append(t, phrases(u.unit, "", after, w+" old", w+" of age", w+"-old", w+" - old")...)
		}
	}
	t = append(t, phrases("Year", "", after, "yo", "y/o", "yrs old", "yr old")...)
	return append(t, phrases("Age", "", before, "age", "aged")...)
}

func recognizeAge(text string, _ Context) []Result { return ageScanner.results(text) }
