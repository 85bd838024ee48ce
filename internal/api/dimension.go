package api

// dimensionUnits maps Recognizers-Text's English unit names, per dimension
// subtype, onto the spec's unit enums (PREBUILT.md §3.3 and §5), one row
// per enum value, written out rather than derived by string rules. A unit
// missing here resolves as Unspecified, keeping its value.
var dimensionUnits = map[string]struct {
	kind  string
	units map[string]string
}{
	"Length": {"LengthResolution", map[string]string{
		"Kilometer": "Kilometer", "Hectometer": "Hectometer", "Decameter": "Decameter", "Meter": "Meter",
		"Decimeter": "Decimeter", "Centimeter": "Centimeter", "Millimeter": "Millimeter", "Micrometer": "Micrometer",
		"Nanometer": "Nanometer", "Picometer": "Picometer", "Mile": "Mile", "Yard": "Yard", "Inch": "Inch",
		"Foot": "Foot", "Light year": "LightYear", "Pt": "Pt",
	}},
	"Area": {"AreaResolution", map[string]string{
		"Square kilometer": "SquareKilometer", "Square hectometer": "SquareHectometer", "Square decameter": "SquareDecameter",
		"Square decimeter": "SquareDecimeter", "Square meter": "SquareMeter", "Square centimeter": "SquareCentimeter",
		"Square millimeter": "SquareMillimeter", "Square inch": "SquareInch", "Square foot": "SquareFoot",
		"Square mile": "SquareMile", "Square yard": "SquareYard", "Acre": "Acre",
	}},
	"Volume": {"VolumeResolution", map[string]string{
		"Cubic meter": "CubicMeter", "Cubic centimeter": "CubicCentimeter", "Cubic millimiter": "CubicMillimeter",
		"Cubic millimeter": "CubicMillimeter", "Hectoliter": "Hectoliter", "Decaliter": "Decaliter", "Liter": "Liter",
		"Centiliter": "Centiliter", "Milliliter": "Milliliter", "Cubic yard": "CubicYard", "Cubic inch": "CubicInch",
		"Cubic foot": "CubicFoot", "Cubic mile": "CubicMile", "Fluid ounce": "FluidOunce", "Teaspoon": "Teaspoon",
		"Tablespoon": "Tablespoon", "Pint": "Pint", "Quart": "Quart", "Cup": "Cup", "Gill": "Gill", "Pinch": "Pinch",
		"Fluid Dram": "FluidDram", "Barrel": "Barrel", "Minim": "Minim", "Cord": "Cord", "Peck": "Peck",
		"Bushel": "Bushel", "Hogshead": "Hogshead",
	}},
	"Weight": {"WeightResolution", map[string]string{
		"Kilogram": "Kilogram", "Gram": "Gram", "Milligram": "Milligram", "Gallon": "Gallon", "Metric ton": "MetricTon",
		"Ton": "Ton", "Pound": "Pound", "Ounce": "Ounce", "Grain": "Grain", "Pennyweight": "PennyWeight",
		"Long ton (British)": "LongTonBritish", "Short ton (US)": "ShortTonUS",
		"Short hundredweight (US)": "ShortHundredWeightUS", "Stone": "Stone", "Dram": "Dram",
	}},
	"Speed": {"SpeedResolution", map[string]string{
		"Meter per second": "MetersPerSecond", "Kilometer per hour": "KilometersPerHour",
		"Kilometer per minute": "KilometersPerMinute", "Kilometer per second": "KilometersPerSecond",
		"Mile per hour": "MilesPerHour", "Knot": "Knot", "Foot per second": "FootPerSecond",
		"Foot per minute": "FootPerMinute", "Yard per minute": "YardsPerMinute", "Yard per second": "YardsPerSecond",
		"Meter per millisecond": "MetersPerMillisecond", "Centimeter per millisecond": "CentimetersPerMillisecond",
		"Kilometer per millisecond": "KilometersPerMillisecond",
	}},
	"Information": {"InformationResolution", map[string]string{
		"Bit": "Bit", "Kilobit": "Kilobit", "Megabit": "Megabit", "Gigabit": "Gigabit", "Terabit": "Terabit",
		"Petabit": "Petabit", "Byte": "Byte", "Kilobyte": "Kilobyte", "Megabyte": "Megabyte", "Gigabyte": "Gigabyte",
		"Terabyte": "Terabyte", "Petabyte": "Petabyte",
	}},
}

// specDimensionUnits are the spec's unit enums of the six dimension kinds
// (PREBUILT.md §3.3), Unspecified left out; TestDimensionUnits checks that
// the table above reaches each.
var specDimensionUnits = map[string][]string{
	"LengthResolution": {"Kilometer", "Hectometer", "Decameter", "Meter", "Decimeter", "Centimeter", "Millimeter",
		"Micrometer", "Nanometer", "Picometer", "Mile", "Yard", "Inch", "Foot", "LightYear", "Pt"},
	"AreaResolution": {"SquareKilometer", "SquareHectometer", "SquareDecameter", "SquareDecimeter", "SquareMeter",
		"SquareCentimeter", "SquareMillimeter", "SquareInch", "SquareFoot", "SquareMile", "SquareYard", "Acre"},
	"VolumeResolution": {"CubicMeter", "CubicCentimeter", "CubicMillimeter", "Hectoliter", "Decaliter", "Liter",
		"Centiliter", "Milliliter", "CubicYard", "CubicInch", "CubicFoot", "CubicMile", "FluidOunce", "Teaspoon",
		"Tablespoon", "Pint", "Quart", "Cup", "Gill", "Pinch", "FluidDram", "Barrel", "Minim", "Cord", "Peck",
		"Bushel", "Hogshead"},
	"WeightResolution": {"Kilogram", "Gram", "Milligram", "Gallon", "MetricTon", "Ton", "Pound", "Ounce", "Grain",
		"PennyWeight", "LongTonBritish", "ShortTonUS", "ShortHundredWeightUS", "Stone", "Dram"},
	"SpeedResolution": {"MetersPerSecond", "KilometersPerHour", "KilometersPerMinute", "KilometersPerSecond",
		"MilesPerHour", "Knot", "FootPerSecond", "FootPerMinute", "YardsPerMinute", "YardsPerSecond",
		"MetersPerMillisecond", "CentimetersPerMillisecond", "KilometersPerMillisecond"},
	"InformationResolution": {"Bit", "Kilobit", "Megabit", "Gigabit", "Terabit", "Petabit", "Byte", "Kilobyte",
		"Megabyte", "Gigabyte", "Terabyte", "Petabyte"},
}
