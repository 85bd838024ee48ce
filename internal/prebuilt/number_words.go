package prebuilt

// English number vocabulary, written for Parley from general English usage.

// unitWords are the cardinals below ten.
var unitWords = map[string]float64{
	"zero": 0, "nought": 0, "naught": 0,
	"one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
	"six": 6, "seven": 7, "eight": 8, "nine": 9,
}

// teenWords are ten to nineteen.
var teenWords = map[string]float64{
	"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
	"fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}

// tensWords are the multiples of ten from twenty; a unit may follow them.
var tensWords = map[string]float64{
	"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
	"sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}

// scaleWords multiply the group before them: "five million", "three lakh".
var scaleWords = map[string]float64{
	"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
	"lakh": 1e5, "lakhs": 1e5, "crore": 1e7, "crores": 1e7,
}

// digitScales are the short scales written after digits only: "10k",
// "2.33 k", "10 bln", "1MM". Case matters: "1m" is a metre, "10M" ten
// million.
var digitScales = map[string]float64{
	"k": 1e3, "K": 1e3, "M": 1e6, "MM": 1e6, "mil": 1e6, "Mil": 1e6, "MIL": 1e6,
	"G": 1e9, "B": 1e9, "b": 1e9, "bn": 1e9, "bln": 1e9, "T": 1e12, "tln": 1e12,
}

// dozenWords multiply the small group before them by twelve.
var dozenWords = map[string]bool{
	"dozen": true, "dozens": true, "dz": true, "dzs": true, "doz": true, "dozs": true,
}

// ordinal describes a word that can name the denominator of a fraction.
type ordinal struct {
	value  float64 // the denominator: 5 for "fifth", 1e6 for "millionth"
	plural bool    // "fifths"
	noun   bool    // "half", "quarter": a fraction by itself, mixed after "and"
	unit   bool    // first..ninth: may close a compound ("twenty-first")
}

// ordinalWords are the fraction denominators; plurals are derived.
var ordinalWords = map[string]ordinal{
	"first": {value: 1, unit: true}, "second": {value: 2, unit: true},
	"third": {value: 3, unit: true}, "fourth": {value: 4, unit: true},
	"fifth": {value: 5, unit: true}, "sixth": {value: 6, unit: true},
	"seventh": {value: 7, unit: true}, "eighth": {value: 8, unit: true},
	"ninth": {value: 9, unit: true}, "tenth": {value: 10}, "eleventh": {value: 11},
	"twelfth": {value: 12}, "thirteenth": {value: 13}, "fourteenth": {value: 14},
	"fifteenth": {value: 15}, "sixteenth": {value: 16}, "seventeenth": {value: 17},
	"eighteenth": {value: 18}, "nineteenth": {value: 19}, "twentieth": {value: 20},
	"thirtieth": {value: 30}, "fortieth": {value: 40}, "fiftieth": {value: 50},
	"sixtieth": {value: 60}, "seventieth": {value: 70}, "eightieth": {value: 80},
	"ninetieth": {value: 90}, "hundredth": {value: 100}, "thousandth": {value: 1e3},
	"millionth": {value: 1e6}, "billionth": {value: 1e9}, "trillionth": {value: 1e12},
	"half": {value: 2, noun: true}, "quarter": {value: 4, noun: true},
}

// lookupOrdinal returns the fraction denominator a word names, singular
// or plural ("fifths", "halves").
func lookupOrdinal(w string) (ordinal, bool) {
	if o, ok := ordinalWords[w]; ok {
		return o, true
	}
	if w == "halves" {
		return ordinal{value: 2, plural: true, noun: true}, true
	}
	if n := len(w); n > 1 && w[n-1] == 's' {
		if o, ok := ordinalWords[w[:n-1]]; ok {
			o.plural = true
			return o, true
		}
	}
	return ordinal{}, false
}

// vulgarFractions are the single-character fractions.
var vulgarFractions = map[rune]float64{
	'½': 1.0 / 2, '⅓': 1.0 / 3, '⅔': 2.0 / 3, '¼': 1.0 / 4, '¾': 3.0 / 4,
	'⅕': 1.0 / 5, '⅖': 2.0 / 5, '⅗': 3.0 / 5, '⅘': 4.0 / 5, '⅙': 1.0 / 6,
	'⅚': 5.0 / 6, '⅛': 1.0 / 8, '⅜': 3.0 / 8, '⅝': 5.0 / 8, '⅞': 7.0 / 8,
}

// pronounOne are the words after which "one" is a pronoun ("the one you
// mentioned"), not a number.
var pronounOne = map[string]bool{
	"the": true, "this": true, "that": true, "which": true, "each": true,
	"every": true, "any": true, "another": true, "no": true, "some": true,
}
