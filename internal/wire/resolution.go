package wire

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Resolution is one of the spec's 15 BaseResolution kinds: what a prebuilt
// component's match resolves to (docs/contract/PREBUILT.md §3). Each is
// written with its discriminator, resolutionKind, first.
type Resolution interface {
	ResolutionKind() string
}

// EncodeResolution writes r as the spec's JSON: {"resolutionKind": ..., fields}.
func EncodeResolution(r Resolution) (json.RawMessage, error) {
	body, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"resolutionKind":%q`, r.ResolutionKind())
	if inner := bytes.TrimSpace(body[1 : len(body)-1]); len(inner) > 0 {
		b.WriteByte(',')
		b.Write(inner)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// DecodeResolution reads one resolution; a kind it does not know (the enum
// is modelAsString) is returned as an UnknownResolution, never an error.
func DecodeResolution(raw json.RawMessage) (Resolution, error) {
	var head struct {
		Kind string `json:"resolutionKind"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return nil, err
	}
	var r Resolution
	switch head.Kind {
	case "BooleanResolution":
		r = &BooleanResolution{}
	case "DateTimeResolution":
		r = &DateTimeResolution{}
	case "NumberResolution":
		r = &NumberResolution{}
	case "OrdinalResolution":
		r = &OrdinalResolution{}
	case "NumericRangeResolution":
		r = &NumericRangeResolution{}
	case "TemporalSpanResolution":
		r = &TemporalSpanResolution{}
	case "AgeResolution":
		r = &AgeResolution{}
	case "CurrencyResolution":
		r = &CurrencyResolution{}
	case "TemperatureResolution":
		r = &TemperatureResolution{}
	case "LengthResolution", "AreaResolution", "VolumeResolution", "WeightResolution", "SpeedResolution", "InformationResolution":
		r = &QuantityResolution{Kind: head.Kind}
	default:
		return UnknownResolution{Kind: head.Kind, Raw: raw}, nil
	}
	if err := json.Unmarshal(raw, r); err != nil {
		return nil, fmt.Errorf("%s: %w", head.Kind, err)
	}
	return r, nil
}

// BooleanResolution is Choice.Boolean's.
type BooleanResolution struct {
	Value bool `json:"value"`
}

// DateTimeResolution is a date, time, date-time, duration or set.
type DateTimeResolution struct {
	SubKind  string `json:"dateTimeSubKind"` // Time, Date, DateTime, Duration, Set
	Timex    string `json:"timex"`
	Value    string `json:"value"`
	Modifier string `json:"modifier,omitempty"`
}

// TemporalSpanResolution is a range of dates or times; every field is optional.
type TemporalSpanResolution struct {
	Begin    string `json:"begin,omitempty"`
	End      string `json:"end,omitempty"`
	Duration string `json:"duration,omitempty"`
	Modifier string `json:"modifier,omitempty"`
	Timex    string `json:"timex,omitempty"`
}

// NumberResolution is Quantity.Number's and Quantity.Percentage's.
type NumberResolution struct {
	NumberKind string  `json:"numberKind"` // Integer, Decimal, Power, Fraction, Percent, Unspecified
	Value      float64 `json:"value"`
}

// OrdinalResolution is Quantity.Ordinal's; offset and value pass through as
// the recogniser writes them.
type OrdinalResolution struct {
	Offset     string `json:"offset"`
	RelativeTo string `json:"relativeTo"` // Current, End, Start
	Value      string `json:"value"`
}

// NumericRangeResolution is Quantity.NumberRange's.
type NumericRangeResolution struct {
	RangeKind string  `json:"rangeKind"`
	Minimum   float64 `json:"minimum"`
	Maximum   float64 `json:"maximum"`
}

// AgeResolution is Quantity.Age's.
type AgeResolution struct {
	Unit  string  `json:"unit"` // Unspecified, Year, Month, Week, Day
	Value float64 `json:"value"`
}

// CurrencyResolution is Quantity.Currency's. ISO4217 is sent even when empty,
// as the service does for a bare "$".
type CurrencyResolution struct {
	Unit    string  `json:"unit"`
	ISO4217 string  `json:"ISO4217"`
	Value   float64 `json:"value"`
}

// TemperatureResolution is Quantity.Temperature's.
type TemperatureResolution struct {
	Unit  string  `json:"unit"` // Unspecified, Fahrenheit, Kelvin, Rankine, Celsius
	Value float64 `json:"value"`
}

// QuantityResolution is one of Quantity.Dimension's six kinds, which share
// their shape: LengthResolution, AreaResolution, VolumeResolution,
// WeightResolution, SpeedResolution, InformationResolution.
type QuantityResolution struct {
	Kind  string  `json:"-"`
	Unit  string  `json:"unit"`
	Value float64 `json:"value"`
}

// UnknownResolution is a resolution of a kind this build does not know,
// kept as it came.
type UnknownResolution struct {
	Kind string
	Raw  json.RawMessage
}

func (BooleanResolution) ResolutionKind() string      { return "BooleanResolution" }
func (DateTimeResolution) ResolutionKind() string     { return "DateTimeResolution" }
func (TemporalSpanResolution) ResolutionKind() string { return "TemporalSpanResolution" }
func (NumberResolution) ResolutionKind() string       { return "NumberResolution" }
func (OrdinalResolution) ResolutionKind() string      { return "OrdinalResolution" }
func (NumericRangeResolution) ResolutionKind() string { return "NumericRangeResolution" }
func (AgeResolution) ResolutionKind() string          { return "AgeResolution" }
func (CurrencyResolution) ResolutionKind() string     { return "CurrencyResolution" }
func (TemperatureResolution) ResolutionKind() string  { return "TemperatureResolution" }
func (r QuantityResolution) ResolutionKind() string   { return r.Kind }
func (r UnknownResolution) ResolutionKind() string    { return r.Kind }
