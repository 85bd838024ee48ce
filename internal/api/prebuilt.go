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

// prebuiltResolutions maps a recogniser's result onto the CLU wire: its
// resolutions, in order (several for an ambiguous date), and the
// EntitySubtype value, if CLU sends one for it.
func prebuiltResolutions(typeName string, res map[string]any) ([]wire.Resolution, string) {
	if strings.HasPrefix(typeName, dateTimePrefix) {
		return dateTimeResolutions(typeName, res)
	}
	r, subtype := prebuiltResolution(typeName, res)
	if r == nil {
		return nil, subtype
	}
	return []wire.Resolution{r}, subtype
}

// dateTimePrefix starts the type names of Recognizers' DateTimeV2 results.
const dateTimePrefix = "datetimeV2."

// dateTimeSubKinds maps the suffix of a DateTimeV2 type name to the
// dateTimeSubKind of its values that have a "value" (PREBUILT.md §5); the
// suffix also names the EntitySubtype, "datetime.<suffix>" (§2). A range
// type's value with a "value" rather than start and end is a point of the
// range's own granularity. "timezone" is missing: a time zone is no match
// in CLU (nlu drops it).
var dateTimeSubKinds = map[string]string{
	"date":          "Date",
	"time":          "Time",
	"datetime":      "DateTime",
	"duration":      "Duration",
	"set":           "Set",
	"daterange":     "Date",
	"timerange":     "Time",
	"datetimerange": "DateTime",
}

// temporalModifiers maps Recognizers' Mod onto the spec's TemporalModifier,
// one row per enum value (PREBUILT.md §5). A Mod missing here is sent as no
// modifier: the enum takes no other value.
var temporalModifiers = map[string]string{
	"before":        "Before",
	"after":         "After",
	"since":         "Since",
	"until":         "Until",
	"start":         "Start",
	"mid":           "Mid",
	"end":           "End",
	"approx":        "Approx",
	"more":          "More",
	"less":          "Less",
	"ref_undef":     "ReferenceUndefined",
	"since-end":     "SinceEnd",
	"before-start":  "BeforeStart",
	"before-end":    "BeforeEnd",
	"before-approx": "BeforeApprox",
	"after-start":   "AfterStart",
	"after-mid":     "AfterMid",
	"after-approx":  "AfterApprox",
}

// dateTimeResolutions maps a DateTimeV2 result: one resolution per element
// of its "values", in order. The choice of kind is made per value: one
// with a "value" is a DateTimeResolution of the type name's subkind, one
// with "start" and/or "end" (an open range has one) a
// TemporalSpanResolution. Recognizers-only fields (sourceEntity, list,
// timezone, timezoneText, utcOffsetMins) are dropped.
func dateTimeResolutions(typeName string, res map[string]any) ([]wire.Resolution, string) {
	suffix := strings.TrimPrefix(typeName, dateTimePrefix)
	subKind, ok := dateTimeSubKinds[suffix]
	if !ok {
		return nil, "" // datetimeV2.timezone, or a type CLU has no kind for
	}
	var out []wire.Resolution
	for _, v := range dateTimeValues(res["values"]) {
		str := func(k string) (string, bool) { s, ok := v[k].(string); return s, ok }
		timex, _ := str("timex")
		mod, _ := str("Mod")
		modifier := temporalModifiers[mod]
		if value, ok := str("value"); ok {
			if timex == "" {
				continue // timex is required in a DateTimeResolution
			}
			out = append(out, &wire.DateTimeResolution{SubKind: subKind, Timex: timex, Value: value, Modifier: modifier})
			continue
		}
		begin, hasBegin := str("start")
		end, hasEnd := str("end")
		if !hasBegin && !hasEnd {
			continue
		}
		out = append(out, &wire.TemporalSpanResolution{Begin: begin, End: end, Duration: timexDuration(timex), Modifier: modifier, Timex: timex})
	}
	return out, "datetime." + suffix
}

// dateTimeValues reads a DateTimeV2 resolution's "values": the
// recognisers build []map[string]any; decoded JSON is []any of maps.
func dateTimeValues(v any) []map[string]any {
	switch vs := v.(type) {
	case []map[string]any:
		return vs
	case []any:
		out := make([]map[string]any, 0, len(vs))
		for _, x := range vs {
			if m, ok := x.(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	}
	return nil
}

// timexDuration is the duration of a range TIMEX written as a triple,
// "(2016-11-07T05,2016-11-07T07,PT2H)" -> "PT2H", or "" for any other TIMEX:
// a span's duration is sent only when explicit (PREBUILT.md §3.2).
func timexDuration(timex string) string {
	inner, open := strings.CutPrefix(timex, "(")
	inner, closed := strings.CutSuffix(inner, ")")
	if !open || !closed {
		return ""
	}
	parts := strings.Split(inner, ",")
	if len(parts) != 3 {
		return ""
	}
	return strings.TrimSpace(parts[2])
}

// prebuiltWire fills an answer entity's resolutions and EntitySubtype from
// the prebuilt results that made it.
func prebuiltWire(er *wire.ConversationEntity, typeName string, res map[string]any) {
	rs, subtype := prebuiltResolutions(typeName, res)
	for _, r := range rs {
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
