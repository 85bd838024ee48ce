package wire

import (
	"encoding/json"
	"fmt"
	"time"
)

// DateTime is a timestamp of the API. It goes out as the service writes
// them, in UTC and whole seconds ("2026-04-18T15:23:07Z"), and comes in as
// any RFC 3339 time. The zero DateTime is "" on the way out; fields that the
// spec makes optional are tagged omitzero instead.
type DateTime struct{ time.Time }

// At returns t as a DateTime.
func At(t time.Time) DateTime { return DateTime{t} }

// MarshalJSON implements json.Marshaler.
func (d DateTime) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte(`""`), nil
	}
	return []byte(`"` + d.UTC().Format("2006-01-02T15:04:05Z") + `"`), nil
}

// UnmarshalJSON implements json.Unmarshaler.
func (d *DateTime) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a date-time must be a string: %w", err)
	}
	if s == "" {
		*d = DateTime{}
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("date-time %q: %w", s, err)
	}
	*d = DateTime{t}
	return nil
}
