package api

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/parley-dev/parley/internal/wire"
)

// prebuiltResolution maps a recogniser's result (Recognizers-Text's shape:
// a type name and its resolution) onto the CLU wire (PREBUILT.md §5): the
// resolution, if the kind has one, and the EntitySubtype value, if CLU
// sends one for it.
func prebuiltResolution(typeName string, res map[string]any) (r wire.Resolution, subtype string) {
	str := func(k string) string { s, _ := res[k].(string); return s }
	num := func(k string) (float64, bool) {
		switch v := res[k].(type) {
		case float64:
			return v, true
		case string:
			f, err := strconv.ParseFloat(strings.TrimSuffix(v, "%"), 64)
			return f, err == nil
		}
		return 0, false
	}
	switch typeName {
	case "number":
		v, ok := num("value")
		if !ok {
			return nil, "quantity.number"
		}
		kind := map[string]string{"integer": "Integer", "decimal": "Decimal", "fraction": "Fraction", "power": "Power"}[str("subtype")]
		if kind == "" {
			kind = "Unspecified"
		}
		return &wire.NumberResolution{NumberKind: kind, Value: v}, "quantity.number"
	case "percentage":
		if v, ok := num("value"); ok {
			return &wire.NumberResolution{NumberKind: "Percent", Value: v}, "quantity.percentage"
		}
		return nil, "quantity.percentage"
	case "ordinal", "ordinal.relative":
		rel := map[string]string{"start": "Start", "end": "End", "current": "Current"}[str("relativeTo")]
		if rel == "" {
			return nil, "quantity.ordinal"
		}
		return &wire.OrdinalResolution{Offset: str("offset"), RelativeTo: rel, Value: str("value")}, "quantity.ordinal"
	case "age":
		v, ok := num("value")
		if !ok {
			return nil, "quantity.age"
		}
		unit := map[string]string{"Year": "Year", "Month": "Month", "Week": "Week", "Day": "Day"}[str("unit")]
		if unit == "" {
			unit = "Unspecified" // "Age 5": no unit
		}
		return &wire.AgeResolution{Unit: unit, Value: v}, "quantity.age"
	case "temperature":
		v, ok := num("value")
		if !ok {
			return nil, "quantity.temperature"
		}
		unit := map[string]string{"C": "Celsius", "F": "Fahrenheit", "K": "Kelvin", "R": "Rankine"}[str("unit")]
		if unit == "" {
			unit = "Unspecified" // a bare degree, or Delisle, which the enum lacks
		}
		return &wire.TemperatureResolution{Unit: unit, Value: v}, "quantity.temperature"
	case "currency":
		v, ok := num("value")
		if !ok {
			return nil, "quantity.currency"
		}
		return &wire.CurrencyResolution{Unit: str("unit"), ISO4217: str("isoCurrency"), Value: v}, "quantity.currency"
	case "numberrange":
		// "[20,30)": both ends needed; the spec's shape has no open end, so
		// "(30,)" is returned without a resolution (PREBUILT.md §3.1).
		v := strings.Trim(str("value"), "[]()")
		lo, hi, ok := strings.Cut(v, ",")
		from, err1 := strconv.ParseFloat(strings.TrimSpace(lo), 64)
		to, err2 := strconv.ParseFloat(strings.TrimSpace(hi), 64)
		if !ok || err1 != nil || err2 != nil {
			return nil, "quantity.numberrange"
		}
		return &wire.NumericRangeResolution{RangeKind: "Number", Minimum: from, Maximum: to}, "quantity.numberrange"
	case "dimension":
		d, ok := dimensionUnits[str("subtype")]
		v, okv := num("value")
		if !ok || !okv {
			return nil, "quantity.dimension" // an angle has no CLU kind; nlu drops those
		}
		unit := d.units[str("unit")]
		if unit == "" {
			unit = "Unspecified" // Deciliter, Microgram: no enum value
		}
		return &wire.QuantityResolution{Kind: d.kind, Unit: unit, Value: v}, "quantity.dimension"
	case "boolean":
		if v, ok := res["value"].(bool); ok {
			return &wire.BooleanResolution{Value: v}, ""
		}
	}
	// Email, URL, phone numbers and IP addresses carry only their span
	// (§3.4); kinds whose mapping is not built yet carry nothing rather
	// than a guess.
	return nil, ""
}

// prebuiltWire fills an answer entity's resolutions and EntitySubtype from
// the prebuilt results that made it.
func prebuiltWire(er *wire.ConversationEntity, typeName string, res map[string]any) {
	r, subtype := prebuiltResolution(typeName, res)
	if r != nil {
		if b, err := wire.EncodeResolution(r); err == nil {
			er.Resolutions = append(er.Resolutions, json.RawMessage(b))
		}
	}
	if subtype != "" && !hasSubtype(er, subtype) {
		er.ExtraInformation = append(er.ExtraInformation, wire.ExtraInformation{ExtraInformationKind: wire.ExtraEntitySubtype, Value: subtype})
	}
}

func hasSubtype(er *wire.ConversationEntity, subtype string) bool {
	for _, x := range er.ExtraInformation {
		if x.ExtraInformationKind == wire.ExtraEntitySubtype && x.Value == subtype {
			return true
		}
	}
	return false
}
