package api

import (
	"encoding/json"
	"slices"
	"strings"
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

// TestDateTimeResolutions: a DateTimeV2 result maps as PREBUILT.md §5
// says: one resolution per value, in order; a value with "value" is a
// DateTimeResolution of the type name's subkind, one with start and/or
// end a TemporalSpanResolution (duration only from a triple TIMEX); Mod
// becomes the modifier; Recognizers-only fields are dropped; the subtype
// is datetime.<suffix>; a time zone maps to nothing.
func TestDateTimeResolutions(t *testing.T) {
	vals := func(vs ...map[string]any) map[string]any { return map[string]any{"values": vs} }
	for _, tc := range []struct {
		name     string
		typeName string
		res      map[string]any
		want     []string
		subtype  string
	}{
		{"date", "datetimeV2.date", vals(map[string]any{"timex": "2022-10-29", "type": "date", "value": "2022-10-29"}),
			[]string{`{"resolutionKind":"DateTimeResolution","dateTimeSubKind":"Date","timex":"2022-10-29","value":"2022-10-29"}`}, "datetime.date"},
		{"ambiguous date, past then future", "datetimeV2.date", vals(
			map[string]any{"timex": "XXXX-WXX-7", "type": "date", "value": "2024-03-24"},
			map[string]any{"timex": "XXXX-WXX-7", "type": "date", "value": "2024-03-31"}),
			[]string{`{"resolutionKind":"DateTimeResolution","dateTimeSubKind":"Date","timex":"XXXX-WXX-7","value":"2024-03-24"}`,
				`{"resolutionKind":"DateTimeResolution","dateTimeSubKind":"Date","timex":"XXXX-WXX-7","value":"2024-03-31"}`}, "datetime.date"},
		{"time", "datetimeV2.time", vals(map[string]any{"timex": "T09:39:33", "type": "time", "value": "09:39:33"}),
			[]string{`{"resolutionKind":"DateTimeResolution","dateTimeSubKind":"Time","timex":"T09:39:33","value":"09:39:33"}`}, "datetime.time"},
		{"datetime, Recognizers-only fields dropped", "datetimeV2.datetime", vals(map[string]any{"timex": "2022-10-07T18", "type": "datetime", "value": "2022-10-07 18:00:00",
			"sourceEntity": "datetimepoint", "timezone": "UTC-08:00", "timezoneText": "pst", "utcOffsetMins": "-480", "list": "x"}),
			[]string{`{"resolutionKind":"DateTimeResolution","dateTimeSubKind":"DateTime","timex":"2022-10-07T18","value":"2022-10-07 18:00:00"}`}, "datetime.datetime"},
		{"duration", "datetimeV2.duration", vals(map[string]any{"timex": "PT3H", "type": "duration", "value": "10800"}),
			[]string{`{"resolutionKind":"DateTimeResolution","dateTimeSubKind":"Duration","timex":"PT3H","value":"10800"}`}, "datetime.duration"},
		{"duration with Mod", "datetimeV2.duration", vals(map[string]any{"timex": "PT2H", "type": "duration", "value": "7200", "Mod": "more"}),
			[]string{`{"resolutionKind":"DateTimeResolution","dateTimeSubKind":"Duration","timex":"PT2H","value":"7200","modifier":"More"}`}, "datetime.duration"},
		{"set", "datetimeV2.set", vals(map[string]any{"timex": "XXXX-WXX-1T18", "type": "set", "value": "not resolved"}),
			[]string{`{"resolutionKind":"DateTimeResolution","dateTimeSubKind":"Set","timex":"XXXX-WXX-1T18","value":"not resolved"}`}, "datetime.set"},
		{"impossible date keeps its timex", "datetimeV2.datetime", vals(map[string]any{"timex": "2019-02-30T17:20", "type": "datetime", "value": "not resolved"}),
			[]string{`{"resolutionKind":"DateTimeResolution","dateTimeSubKind":"DateTime","timex":"2019-02-30T17:20","value":"not resolved"}`}, "datetime.datetime"},
		{"approximate date: a daterange type with a value", "datetimeV2.date", vals(map[string]any{"timex": "XXXX-XX-21", "type": "daterange", "Mod": "approx", "value": "2016-10-21"}),
			[]string{`{"resolutionKind":"DateTimeResolution","dateTimeSubKind":"Date","timex":"XXXX-XX-21","value":"2016-10-21","modifier":"Approx"}`}, "datetime.date"},
		{"date range", "datetimeV2.daterange", vals(map[string]any{"timex": "(2016-03-03,2016-03-05,P2D)", "type": "daterange", "start": "2016-03-03", "end": "2016-03-05"}),
			[]string{`{"resolutionKind":"TemporalSpanResolution","begin":"2016-03-03","end":"2016-03-05","duration":"P2D","timex":"(2016-03-03,2016-03-05,P2D)"}`}, "datetime.daterange"},
		{"month: no triple, no duration", "datetimeV2.daterange", vals(
			map[string]any{"timex": "XXXX-06", "type": "daterange", "start": "2016-06-01", "end": "2016-07-01"},
			map[string]any{"timex": "XXXX-06", "type": "daterange", "start": "2017-06-01", "end": "2017-07-01"}),
			[]string{`{"resolutionKind":"TemporalSpanResolution","begin":"2016-06-01","end":"2016-07-01","timex":"XXXX-06"}`,
				`{"resolutionKind":"TemporalSpanResolution","begin":"2017-06-01","end":"2017-07-01","timex":"XXXX-06"}`}, "datetime.daterange"},
		{"time range", "datetimeV2.timerange", vals(map[string]any{"timex": "(T05,T07,PT2H)", "type": "timerange", "start": "05:00:00", "end": "07:00:00"}),
			[]string{`{"resolutionKind":"TemporalSpanResolution","begin":"05:00:00","end":"07:00:00","duration":"PT2H","timex":"(T05,T07,PT2H)"}`}, "datetime.timerange"},
		{"datetime range", "datetimeV2.datetimerange", vals(map[string]any{"timex": "(2022-01-03T06,2022-04-25T20,PT2702H)", "type": "datetimerange", "start": "2022-01-03 06:00:00", "end": "2022-04-25 20:00:00"}),
			[]string{`{"resolutionKind":"TemporalSpanResolution","begin":"2022-01-03 06:00:00","end":"2022-04-25 20:00:00","duration":"PT2702H","timex":"(2022-01-03T06,2022-04-25T20,PT2702H)"}`}, "datetime.datetimerange"},
		{"open range since", "datetimeV2.daterange", vals(map[string]any{"timex": "2016-11-08", "type": "daterange", "Mod": "since", "start": "2016-11-08", "sourceEntity": "datetimepoint"}),
			[]string{`{"resolutionKind":"TemporalSpanResolution","begin":"2016-11-08","modifier":"Since","timex":"2016-11-08"}`}, "datetime.daterange"},
		{"open range before", "datetimeV2.timerange", vals(map[string]any{"timex": "T15", "type": "timerange", "Mod": "before", "end": "15:00:00"}),
			[]string{`{"resolutionKind":"TemporalSpanResolution","end":"15:00:00","modifier":"Before","timex":"T15"}`}, "datetime.timerange"},
		{"a span in a point type", "datetimeV2.date", vals(map[string]any{"timex": "2016-11", "type": "daterange", "Mod": "end", "start": "2016-11-16", "end": "2016-12-01"}),
			[]string{`{"resolutionKind":"TemporalSpanResolution","begin":"2016-11-16","end":"2016-12-01","modifier":"End","timex":"2016-11"}`}, "datetime.date"},
		{"unknown Mod: no modifier", "datetimeV2.date", vals(map[string]any{"timex": "2016-11-07", "type": "date", "Mod": "sometime", "value": "2016-11-07"}),
			[]string{`{"resolutionKind":"DateTimeResolution","dateTimeSubKind":"Date","timex":"2016-11-07","value":"2016-11-07"}`}, "datetime.date"},
		{"values as decoded JSON", "datetimeV2.time", map[string]any{"values": []any{
			map[string]any{"timex": "T07:30", "type": "time", "value": "07:30:00"},
			map[string]any{"timex": "T19:30", "type": "time", "value": "19:30:00"}}},
			[]string{`{"resolutionKind":"DateTimeResolution","dateTimeSubKind":"Time","timex":"T07:30","value":"07:30:00"}`,
				`{"resolutionKind":"DateTimeResolution","dateTimeSubKind":"Time","timex":"T19:30","value":"19:30:00"}`}, "datetime.time"},
		{"value with neither value nor bounds skipped", "datetimeV2.date", vals(map[string]any{"timex": "XXXX-XX-XX", "type": "date"}), nil, "datetime.date"},
		{"time zone: nothing", "datetimeV2.timezone", vals(map[string]any{"type": "timezone", "value": "UTC-08:00", "utcOffsetMins": "-480"}), nil, ""},
		{"unknown DateTimeV2 type: nothing", "datetimeV2.holiday", vals(map[string]any{"timex": "XXXX-12-25", "type": "date", "value": "2016-12-25"}), nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs, subtype := prebuiltResolutions(tc.typeName, tc.res)
			var got []string
			for _, r := range rs {
				b, err := wire.EncodeResolution(r)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, string(b))
			}
			if !slices.Equal(got, tc.want) || subtype != tc.subtype {
				t.Errorf("prebuiltResolutions(%s, %v) =\n%s, %q\nwant\n%s, %q", tc.typeName, tc.res, strings.Join(got, "\n"), subtype, strings.Join(tc.want, "\n"), tc.subtype)
			}
		})
	}
}

// TestPrebuiltWireDateTime: an entity gets one resolution per value and
// the EntitySubtype once, after any list key.
func TestPrebuiltWireDateTime(t *testing.T) {
	er := wire.ConversationEntity{Category: "When", ExtraInformation: []wire.ExtraInformation{{ExtraInformationKind: "ListKey", Key: "k"}}}
	res := map[string]any{"values": []map[string]any{
		{"timex": "XXXX-WXX-1", "type": "date", "value": "2016-10-31"},
		{"timex": "XXXX-WXX-1", "type": "date", "value": "2016-11-07"}}}
	prebuiltWire(&er, "datetimeV2.date", res)
	b, err := json.Marshal(er)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"category":"When","text":"","offset":0,"length":0,"confidenceScore":0,"resolutions":[` +
		`{"resolutionKind":"DateTimeResolution","dateTimeSubKind":"Date","timex":"XXXX-WXX-1","value":"2016-10-31"},` +
		`{"resolutionKind":"DateTimeResolution","dateTimeSubKind":"Date","timex":"XXXX-WXX-1","value":"2016-11-07"}],` +
		`"extraInformation":[{"extraInformationKind":"ListKey","key":"k"},{"extraInformationKind":"EntitySubtype","value":"datetime.date"}]}`
	if string(b) != want {
		t.Errorf("entity = %s\nwant     %s", b, want)
	}
	prebuiltWire(&er, "datetimeV2.timezone", map[string]any{"values": []map[string]any{{"type": "timezone", "value": "UTC-08:00"}}})
	if b2, _ := json.Marshal(er); string(b2) != want {
		t.Errorf("a time zone result changed the entity: %s", b2)
	}
}

// specTemporalModifiers is the spec's TemporalModifier enum (PREBUILT.md §3.2).
var specTemporalModifiers = []string{"AfterApprox", "Before", "BeforeStart", "Approx", "ReferenceUndefined", "SinceEnd", "AfterMid", "Start",
	"After", "BeforeEnd", "Until", "End", "Less", "Since", "AfterStart", "BeforeApprox", "Mid", "More"}

// recognizersMods are the Mod values Recognizers-Text writes (PREBUILT.md §5).
var recognizersMods = []string{"before", "after", "since", "until", "start", "mid", "end", "approx", "more", "less", "ref_undef",
	"since-end", "before-start", "before-end", "before-approx", "after-start", "after-mid", "after-approx"}

// TestTemporalModifiers: every Mod of Recognizers maps, every value of the
// spec's TemporalModifier enum is reached by one, and the table names no
// other; each reaches the wire.
func TestTemporalModifiers(t *testing.T) {
	reached := map[string]string{}
	for _, mod := range recognizersMods {
		m, ok := temporalModifiers[mod]
		if !ok {
			t.Errorf("Mod %q has no modifier", mod)
			continue
		}
		if other, dup := reached[m]; dup {
			t.Errorf("Mods %q and %q both map to %s", other, mod, m)
		}
		reached[m] = mod
		rs, _ := prebuiltResolutions("datetimeV2.date", map[string]any{"values": []map[string]any{{"timex": "2016-11-07", "type": "date", "value": "2016-11-07", "Mod": mod}}})
		if len(rs) != 1 || rs[0].(*wire.DateTimeResolution).Modifier != m {
			t.Errorf("Mod %q: resolutions %+v, want modifier %s", mod, rs, m)
		}
	}
	if len(temporalModifiers) != len(recognizersMods) {
		t.Errorf("the table has %d rows, want one per Mod (%d)", len(temporalModifiers), len(recognizersMods))
	}
	for _, m := range specTemporalModifiers {
		if _, ok := reached[m]; !ok {
			t.Errorf("TemporalModifier %s is reached by no Mod", m)
		}
		delete(reached, m)
	}
	for m := range reached {
		t.Errorf("the table maps to %s, which the spec's enum lacks", m)
	}
}
