package api

import (
	"testing"

	"github.com/parley-dev/parley/internal/wire"
)

// TestPrebuiltResolution: Recognizers' results map onto the CLU wire as
// PREBUILT.md §5 says.
func TestPrebuiltResolution(t *testing.T) {
	for _, tc := range []struct {
		typeName string
		res      map[string]any
		want     string
		subtype  string
	}{
		{"number", map[string]any{"subtype": "integer", "value": "1234"}, `{"resolutionKind":"NumberResolution","numberKind":"Integer","value":1234}`, "quantity.number"},
		{"number", map[string]any{"subtype": "decimal", "value": "0.08"}, `{"resolutionKind":"NumberResolution","numberKind":"Decimal","value":0.08}`, "quantity.number"},
		{"number", map[string]any{"subtype": "power", "value": "1E-07"}, `{"resolutionKind":"NumberResolution","numberKind":"Power","value":1e-7}`, "quantity.number"},
		{"number", map[string]any{"value": "3"}, `{"resolutionKind":"NumberResolution","numberKind":"Unspecified","value":3}`, "quantity.number"},
		{"percentage", map[string]any{"value": "20%"}, `{"resolutionKind":"NumberResolution","numberKind":"Percent","value":20}`, "quantity.percentage"},
		{"ordinal.relative", map[string]any{"offset": "-1", "relativeTo": "end", "value": "end-1"}, `{"resolutionKind":"OrdinalResolution","offset":"-1","relativeTo":"End","value":"end-1"}`, "quantity.ordinal"},
		{"boolean", map[string]any{"value": true, "score": 1.0}, `{"resolutionKind":"BooleanResolution","value":true}`, ""},
		{"age", map[string]any{"value": "10", "unit": "Year"}, `{"resolutionKind":"AgeResolution","unit":"Year","value":10}`, "quantity.age"},
		{"age", map[string]any{"value": "5", "unit": "Age"}, `{"resolutionKind":"AgeResolution","unit":"Unspecified","value":5}`, "quantity.age"},
		{"temperature", map[string]any{"value": "88", "unit": "F"}, `{"resolutionKind":"TemperatureResolution","unit":"Fahrenheit","value":88}`, "quantity.temperature"},
		{"temperature", map[string]any{"value": "30", "unit": "Degree"}, `{"resolutionKind":"TemperatureResolution","unit":"Unspecified","value":30}`, "quantity.temperature"},
		{"currency", map[string]any{"value": "30", "unit": "Egyptian pound", "isoCurrency": "EGP"}, `{"resolutionKind":"CurrencyResolution","unit":"Egyptian pound","ISO4217":"EGP","value":30}`, "quantity.currency"},
		{"currency", map[string]any{"value": "20", "unit": "Dollar"}, `{"resolutionKind":"CurrencyResolution","unit":"Dollar","ISO4217":"","value":20}`, "quantity.currency"},
		{"dimension", map[string]any{"value": "10.5", "unit": "Mile", "subtype": "Length"}, `{"resolutionKind":"LengthResolution","unit":"Mile","value":10.5}`, "quantity.dimension"},
		{"dimension", map[string]any{"value": "24", "unit": "Kilometer per hour", "subtype": "Speed"}, `{"resolutionKind":"SpeedResolution","unit":"KilometersPerHour","value":24}`, "quantity.dimension"},
		{"dimension", map[string]any{"value": "3", "unit": "Microgram", "subtype": "Weight"}, `{"resolutionKind":"WeightResolution","unit":"Unspecified","value":3}`, "quantity.dimension"},
		{"numberrange", map[string]any{"value": "[20,30)"}, `{"resolutionKind":"NumericRangeResolution","rangeKind":"Number","minimum":20,"maximum":30}`, "quantity.numberrange"},
		{"numberrange", map[string]any{"value": "(30,)"}, "", "quantity.numberrange"},
		{"email", map[string]any{"value": "a@b.com"}, "", ""},
		{"ip", map[string]any{"type": "ipv4", "value": "1.2.3.4"}, "", ""},
	} {
		r, subtype := prebuiltResolution(tc.typeName, tc.res)
		got := ""
		if r != nil {
			b, err := wire.EncodeResolution(r)
			if err != nil {
				t.Fatal(err)
			}
			got = string(b)
		}
		if got != tc.want || subtype != tc.subtype {
			t.Errorf("prebuiltResolution(%s, %v) = %s, %q; want %s, %q", tc.typeName, tc.res, got, subtype, tc.want, tc.subtype)
		}
	}
}

// TestDimensionUnits: every unit of the spec's six dimension enums is
// reachable from a Recognizers unit name, and the table names no other.
func TestDimensionUnits(t *testing.T) {
	reached := map[string]map[string]bool{}
	for _, d := range dimensionUnits {
		if reached[d.kind] == nil {
			reached[d.kind] = map[string]bool{}
		}
		for _, u := range d.units {
			reached[d.kind][u] = true
		}
	}
	for kind, units := range specDimensionUnits {
		for _, u := range units {
			if !reached[kind][u] {
				t.Errorf("%s unit %s is reached by no Recognizers unit", kind, u)
			}
			delete(reached[kind], u)
		}
		for u := range reached[kind] {
			t.Errorf("%s: the table maps to %s, which the spec's enum lacks", kind, u)
		}
	}
}
