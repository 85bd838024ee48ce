package prebuilt

import "strings"

// This file is Parley's English dimension recogniser (Quantity.Dimension,
// Recognizers' DimensionModel): a number and a unit of length, area,
// volume, weight, speed, information or angle ("10 1/2 miles", "190 km2",
// "75ml", "16-bit", "5 feet 2 inches"), or a few unit names alone
// ("metric ton", "mcg"). Units are Recognizers' English names ("Square
// meter", "Mile per hour"); PREBUILT.md §5 maps them to the spec's enums.

func init() { register("DimensionModel", ModelFunc(recognizeDimension)) }

// dimensionUnit is one unit: its name, what it measures, and how it is written.
type dimensionUnit struct {
	unit, subtype string
	names         []string // after a number
	loneNames     []string // also recognised with no number
}

// dimensionUnits is Parley's own table, written from the spec's cases and
// the units' usual English spellings.
var dimensionUnits = []dimensionUnit{
	// Length.
	{"Kilometer", "Length", []string{"km", "kms", "kilometer", "kilometers", "kilometre", "kilometres"}, nil},
	{"Hectometer", "Length", []string{"hm", "hectometer", "hectometers", "hectometre", "hectometres"}, nil},
	{"Decameter", "Length", []string{"dam", "decameter", "decameters", "decametre", "decametres"}, nil},
	{"Meter", "Length", []string{"m", "meter", "meters", "metre", "metres"}, nil},
	{"Decimeter", "Length", []string{"dm", "decimeter", "decimeters", "decimetre", "decimetres"}, nil},
	{"Centimeter", "Length", []string{"cm", "centimeter", "centimeters", "centimetre", "centimetres"}, nil},
	{"Millimeter", "Length", []string{"mm", "millimeter", "millimeters", "millimetre", "millimetres"}, nil},
	{"Micrometer", "Length", []string{"μm", "micrometer", "micrometers", "micrometre", "micrometres", "micron", "microns"}, nil},
	{"Nanometer", "Length", []string{"nm", "nanometer", "nanometers", "nanometre", "nanometres"}, nil},
	{"Picometer", "Length", []string{"pm", "picometer", "picometers", "picometre", "picometres"}, nil},
	{"Mile", "Length", []string{"mi", "mile", "miles"}, nil},
	{"Yard", "Length", []string{"yd", "yds", "yard", "yards"}, nil},
	{"Inch", "Length", []string{"in", "inch", "inches", "\""}, nil},
	{"Foot", "Length", []string{"ft", "foot", "feet", "'"}, nil},
	{"Light year", "Length", []string{"light year", "light years", "light-year", "light-years", "ly"}, nil},
	{"Pt", "Length", []string{"pt", "pts"}, nil},
	// Area.
	{"Square kilometer", "Area", []string{"km2", "km²", "sq km", "square kilometer", "square kilometers", "square kilometre", "square kilometres"}, nil},
	{"Square hectometer", "Area", []string{"hm2", "hm²", "square hectometer", "square hectometers", "hectare", "hectares", "ha"}, nil},
	{"Square decameter", "Area", []string{"dam2", "dam²", "square decameter", "square decameters"}, nil},
	{"Square meter", "Area", []string{"m2", "m²", "sq m", "square meter", "square meters", "square metre", "square metres"}, nil},
	{"Square decimeter", "Area", []string{"dm2", "dm²", "square decimeter", "square decimeters"}, nil},
	{"Square centimeter", "Area", []string{"cm2", "cm²", "sq cm", "square centimeter", "square centimeters", "square centimetre", "square centimetres"}, nil},
	{"Square millimeter", "Area", []string{"mm2", "mm²", "square millimeter", "square millimeters", "square millimetre", "square millimetres"}, nil},
	{"Square inch", "Area", []string{"sq in", "in2", "square inch", "square inches"}, nil},
	{"Square foot", "Area", []string{"sq ft", "ft2", "sqft", "square foot", "square feet"}, nil},
	{"Square mile", "Area", []string{"sq mi", "mi2", "square mile", "square miles"}, nil},
	{"Square yard", "Area", []string{"sq yd", "yd2", "square yard", "square yards"}, nil},
	{"Acre", "Area", []string{"acre", "acres"}, nil},
	// Volume.
	{"Cubic meter", "Volume", []string{"m3", "m³", "cubic meter", "cubic meters", "cubic metre", "cubic metres"}, nil},
	{"Cubic centimeter", "Volume", []string{"cm3", "cm³", "cc", "cubic centimeter", "cubic centimeters", "cubic centimetre", "cubic centimetres"}, nil},
	{"Cubic millimiter", "Volume", []string{"mm3", "mm³", "cubic millimeter", "cubic millimeters", "cubic millimetre", "cubic millimetres"}, nil},
	{"Hectoliter", "Volume", []string{"hl", "hectoliter", "hectoliters", "hectolitre", "hectolitres"}, nil},
	{"Decaliter", "Volume", []string{"dal", "decaliter", "decaliters", "decalitre", "decalitres"}, nil},
	{"Liter", "Volume", []string{"l", "liter", "liters", "litre", "litres"}, nil},
	{"Deciliter", "Volume", []string{"dl", "deciliter", "deciliters", "decilitre", "decilitres"}, nil},
	{"Centiliter", "Volume", []string{"cl", "centiliter", "centiliters", "centilitre", "centilitres"}, nil},
	{"Milliliter", "Volume", []string{"ml", "milliliter", "milliliters", "millilitre", "millilitres"}, nil},
	{"Cubic yard", "Volume", []string{"cubic yard", "cubic yards", "cu yd"}, nil},
	{"Cubic inch", "Volume", []string{"cubic inch", "cubic inches", "cu in"}, nil},
	{"Cubic foot", "Volume", []string{"cubic foot", "cubic feet", "cu ft"}, nil},
	{"Cubic mile", "Volume", []string{"cubic mile", "cubic miles"}, nil},
	{"Fluid ounce", "Volume", []string{"fl oz", "fl. oz.", "fluid ounce", "fluid ounces"}, nil},
	{"Teaspoon", "Volume", []string{"tsp", "teaspoon", "teaspoons"}, nil},
	{"Tablespoon", "Volume", []string{"tbsp", "tablespoon", "tablespoons"}, nil},
	{"Pint", "Volume", []string{"pint", "pints"}, nil},
	{"Quart", "Volume", []string{"qt", "quart", "quarts"}, nil},
	{"Cup", "Volume", []string{"cup", "cups"}, nil},
	{"Gill", "Volume", []string{"gill", "gills"}, nil},
	{"Pinch", "Volume", []string{"pinch", "pinches"}, nil},
	{"Fluid Dram", "Volume", []string{"fluid dram", "fluid drams", "fluid drachm"}, nil},
	{"Barrel", "Volume", []string{"barrel", "barrels", "bbl"}, nil},
	{"Minim", "Volume", []string{"minim", "minims"}, nil},
	{"Cord", "Volume", []string{"cord", "cords"}, nil},
	{"Peck", "Volume", []string{"peck", "pecks"}, nil},
	{"Bushel", "Volume", []string{"bushel", "bushels"}, nil},
	{"Hogshead", "Volume", []string{"hogshead", "hogsheads"}, nil},
	// Weight. Recognizers files the gallon here, and the spec follows it.
	{"Kilogram", "Weight", []string{"kg", "kgs", "kilogram", "kilograms", "kilogramme", "kilogrammes", "kilo", "kilos"}, nil},
	{"Gram", "Weight", []string{"g", "gr", "gram", "grams"}, []string{"gramme", "grammes"}},
	{"Milligram", "Weight", []string{"mg", "milligram", "milligrams", "milligramme", "milligrammes"}, nil},
	{"Microgram", "Weight", []string{"μg", "µg", "ug", "microgram", "micrograms"}, []string{"mcg", "microgramme", "microgrammes"}},
	{"Gallon", "Weight", []string{"gal", "gallon", "gallons"}, nil},
	{"Metric ton", "Weight", nil, []string{"metric ton", "metric tons"}},
	{"Ton", "Weight", []string{"t", "ton", "tons", "tonne", "tonnes"}, nil},
	{"Pound", "Weight", []string{"lb", "lbs", "pound", "pounds"}, nil},
	{"Ounce", "Weight", []string{"oz", "ounce", "ounces"}, nil},
	{"Grain", "Weight", []string{"grain", "grains"}, nil},
	{"Pennyweight", "Weight", []string{"dwt", "pennyweight", "pennyweights"}, nil},
	{"Long ton (British)", "Weight", []string{"long ton", "long tons"}, nil},
	{"Short ton (US)", "Weight", []string{"short ton", "short tons"}, nil},
	{"Short hundredweight (US)", "Weight", []string{"hundredweight", "hundredweights", "cwt"}, nil},
	{"Stone", "Weight", []string{"stone", "stones", "st"}, nil},
	{"Dram", "Weight", []string{"dram", "drams", "drachm", "drachms", "drachma", "drachmas"}, nil},
	// Information; "b" after a prefix is a bit, "B" a byte (see informationCase).
	{"Bit", "Information", []string{"bit", "bits"}, nil},
	{"Kilobit", "Information", []string{"kb", "kbit", "kilobit", "kilobits"}, nil},
	{"Megabit", "Information", []string{"mb", "mbit", "megabit", "megabits"}, nil},
	{"Gigabit", "Information", []string{"gb", "gbit", "gigabit", "gigabits"}, nil},
	{"Terabit", "Information", []string{"tb", "tbit", "terabit", "terabits"}, nil},
	{"Petabit", "Information", []string{"pb", "pbit", "petabit", "petabits"}, nil},
	{"Byte", "Information", []string{"byte", "bytes"}, nil},
	{"Kilobyte", "Information", []string{"kilobyte", "kilobytes", "kbyte"}, nil},
	{"Megabyte", "Information", []string{"megabyte", "megabytes", "mbyte"}, nil},
	{"Gigabyte", "Information", []string{"gigabyte", "gigabytes", "gbyte"}, nil},
	{"Terabyte", "Information", []string{"terabyte", "terabytes", "tbyte"}, nil},
	{"Petabyte", "Information", []string{"petabyte", "petabytes", "pbyte"}, nil},
	// Angle.
	{"Degree", "Angle", []string{"degree", "degrees", "deg", "°"}, nil},
	{"Radian", "Angle", []string{"rad", "rads", "radian", "radians"}, nil},
	{"Turn", "Angle", []string{"turn", "turns", "revolution", "revolutions"}, nil},
	// Speed, besides the "length per time" rows speedUnits builds.
	{"Kilometer per hour", "Speed", []string{"kph", "kmph", "kmh", "km/h", "km/hr"}, nil},
	{"Mile per hour", "Speed", []string{"mph"}, nil},
	{"Knot", "Speed", []string{"knot", "knots", "kn", "kt"}, nil},
	{"Meter per second", "Speed", []string{"m/s", "mps"}, nil},
}

// speedUnits are the speeds written as a length per a time: "miles an
// hour", "meters per second", "km/ms".
func speedUnits() []dimensionUnit {
	lengths := []struct {
		unit  string
		names []string
	}{
		{"Kilometer", []string{"km", "kilometer", "kilometers", "kilometre", "kilometres"}},
		{"Meter", []string{"m", "meter", "meters", "metre", "metres"}},
		{"Centimeter", []string{"cm", "centimeter", "centimeters", "centimetre", "centimetres"}},
		{"Mile", []string{"mi", "mile", "miles"}},
		{"Foot", []string{"ft", "foot", "feet"}},
		{"Yard", []string{"yd", "yard", "yards"}},
	}
	times := []struct {
		unit  string
		names []string
	}{
		{"hour", []string{"hour", "hr", "h"}},
		{"minute", []string{"minute", "min"}},
		{"second", []string{"second", "sec", "s"}},
		{"millisecond", []string{"millisecond", "ms"}},
	}
	var out []dimensionUnit
	for _, l := range lengths {
		for _, tm := range times {
			u := dimensionUnit{unit: l.unit + " per " + tm.unit, subtype: "Speed"}
			for _, ln := range l.names {
				for _, tn := range tm.names {
					u.names = append(u.names, ln+"/"+tn, ln+" per "+tn)
				}
				if tm.unit == "hour" {
					u.names = append(u.names, ln+" an hour")
				}
			}
			out = append(out, u)
		}
	}
	return out
}

// dimensionSubtypes maps a unit to what it measures.
var dimensionSubtypes = map[string]string{}

var dimensionScanner = &unitScanner{typeName: "dimension", phrases: dimensionPhrases(), veto: vetoDimension, extend: feetAndInches}

func dimensionPhrases() []unitPhrase {
	var t []unitPhrase
	for _, u := range append(append([]dimensionUnit(nil), dimensionUnits...), speedUnits()...) {
		dimensionSubtypes[u.unit] = u.subtype
		for _, n := range u.names {
			t = append(t, phrases(u.unit, "", after, n)...)
			if isASCIILetter(n[len(n)-1]) && !strings.Contains(n, " ") {
				// "20 (kg)", "20 [kg]", "20 {kg}", "20 <kg>".
				t = append(t, phrases(u.unit, "", after, "("+n+")", "["+n+"]", "{"+n+"}", "<"+n+">")...)
			}
		}
		t = append(t, phrases(u.unit, "", after|alone, u.loneNames...)...)
	}
	return t
}

// vetoDimension rejects a number that is part of a code ("scp-173m",
// "24703 L-202"), a bare "in" followed by more words ("2 in april"), a
// clock time read as picometres ("2:00 pm", "6pm"), and a bare "degrees"
// with no sign of an angle ("24 degrees" is a temperature).
func vetoDimension(low string, f unitFound) bool {
	if !f.hasValue {
		return false
	}
	numStart := f.start
	if i := numStart; i > 0 {
		c := low[i-1]
		if isASCIILetter(c) || (c == '-' && i > 1 && (isASCIILetter(low[i-2]) || isDigit(low[i-2]))) {
			return true
		}
	}
	if f.end+1 < len(low) && low[f.end] == '-' && isDigit(low[f.end+1]) {
		return true // "24703 L-202"
	}
	unitText := strings.TrimSpace(low[f.start:f.end])
	switch {
	case unitText[len(unitText)-2:] == "in" && f.end < len(low) && (low[f.end] == ' ' && f.end+1 < len(low) && (isASCIILetter(low[f.end+1]) || isDigit(low[f.end+1]))):
		return true // "2 in april", "50,000 in 2020": the preposition
	case f.phrase.unit == "Picometer" && strings.HasSuffix(unitText, "pm"):
		glued := f.end >= 3 && isDigit(low[f.end-3])
		clock := f.start > 0 && low[f.start-1] == ':'
		return glued || clock
	case f.phrase.unit == "Degree":
		return !angleDegrees(low, f)
	}
	return false
}

// feetAndInches grows "5 feet" into "5 feet 2 inches" or "5 feet and 2
// inches", valued in feet.
func feetAndInches(sc *unitScanner, low string, f unitFound, nums []numberSpan, k int) (unitFound, int) {
	if f.phrase.unit != "Foot" || k+1 >= len(nums) {
		return f, k
	}
	n := nums[k+1]
	gap := strings.TrimSpace(low[f.end:n.start])
	if gap != "" && gap != "and" {
		return f, k
	}
	i := skipSpaces(low, n.end)
	p, e := sc.longestAfter(low, i, after)
	if p == nil || p.unit != "Inch" || (e < len(low) && isDigit(low[e])) {
		return f, k
	}
	f.value += n.value / 12
	f.end = e
	return f, k + 1
}

// informationUnit reads a prefixed "b" in the text as written: "100 mb"
// is megabits, "100 MB" megabytes.
func informationUnit(written, unit string) string {
	if strings.HasSuffix(unit, "bit") && strings.HasSuffix(written, "B") {
		return strings.TrimSuffix(unit, "bit") + "byte"
	}
	return unit
}

func recognizeDimension(text string, _ Context) []Result {
	var out []Result
	for _, f := range dimensionScanner.scan(text) {
		unit := informationUnit(strings.TrimRight(text[f.start:f.end], ")]}> "), f.phrase.unit)
		res := map[string]any{"unit": unit, "subtype": dimensionSubtypes[unit], "value": nil}
		if f.hasValue {
			res["value"] = formatNumber(f.value)
		}
		out = append(out, span(text, f.start, f.end, "dimension", res))
	}
	return out
}
