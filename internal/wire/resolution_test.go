package wire

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestResolutions: every kind writes the spec's examples (PREBUILT.md §3)
// with resolutionKind first, and reads back as it was written.
func TestResolutions(t *testing.T) {
	for _, tc := range []struct {
		r    Resolution
		want string
	}{
		{&NumberResolution{NumberKind: "Integer", Value: 27}, `{"resolutionKind":"NumberResolution","numberKind":"Integer","value":27}`},
		{&OrdinalResolution{Offset: "3", RelativeTo: "Start", Value: "3"}, `{"resolutionKind":"OrdinalResolution","offset":"3","relativeTo":"Start","value":"3"}`},
		{&NumericRangeResolution{RangeKind: "Number", Minimum: 20, Maximum: 30}, `{"resolutionKind":"NumericRangeResolution","rangeKind":"Number","minimum":20,"maximum":30}`},
		{&BooleanResolution{Value: true}, `{"resolutionKind":"BooleanResolution","value":true}`},
		{&DateTimeResolution{SubKind: "Date", Timex: "1995-01-01", Value: "1995-01-01"}, `{"resolutionKind":"DateTimeResolution","dateTimeSubKind":"Date","timex":"1995-01-01","value":"1995-01-01"}`},
		{&TemporalSpanResolution{Begin: "2016-11-08", Modifier: "Since", Timex: "2016-11-08"}, `{"resolutionKind":"TemporalSpanResolution","begin":"2016-11-08","modifier":"Since","timex":"2016-11-08"}`},
		{&TemporalSpanResolution{}, `{"resolutionKind":"TemporalSpanResolution"}`},
		{&AgeResolution{Unit: "Year", Value: 10}, `{"resolutionKind":"AgeResolution","unit":"Year","value":10}`},
		{&CurrencyResolution{Unit: "Dollar", Value: 20}, `{"resolutionKind":"CurrencyResolution","unit":"Dollar","ISO4217":"","value":20}`},
		{&TemperatureResolution{Unit: "Fahrenheit", Value: 88}, `{"resolutionKind":"TemperatureResolution","unit":"Fahrenheit","value":88}`},
		{&QuantityResolution{Kind: "LengthResolution", Unit: "Mile", Value: 10.5}, `{"resolutionKind":"LengthResolution","unit":"Mile","value":10.5}`},
		{&QuantityResolution{Kind: "InformationResolution", Unit: "Megabit", Value: 100}, `{"resolutionKind":"InformationResolution","unit":"Megabit","value":100}`},
	} {
		b, err := EncodeResolution(tc.r)
		if err != nil || string(b) != tc.want {
			t.Errorf("EncodeResolution(%T) = %s, %v; want %s", tc.r, b, err, tc.want)
			continue
		}
		back, err := DecodeResolution(b)
		if err != nil || !reflect.DeepEqual(back, tc.r) {
			t.Errorf("DecodeResolution(%s) = %#v, %v; want %#v", b, back, err, tc.r)
		}
	}
	// A kind from a newer spec is kept, not refused.
	raw := json.RawMessage(`{"resolutionKind":"FutureResolution","x":1}`)
	r, err := DecodeResolution(raw)
	if u, ok := r.(UnknownResolution); err != nil || !ok || u.Kind != "FutureResolution" {
		t.Errorf("DecodeResolution(unknown kind) = %#v, %v; want an UnknownResolution", r, err)
	}
}
