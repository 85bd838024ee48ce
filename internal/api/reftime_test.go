package api

import (
	"strings"
	"testing"
	"time"

	"github.com/parley-dev/parley/internal/azerr"
	"github.com/parley-dev/parley/internal/wire"
)

// TestReferenceOptions: the request extension's parleyReferenceDateTime
// and parleyTimeZone become the prediction's reference time; a request
// without them gets the defaults, and a bad value a 400 naming its field.
func TestReferenceOptions(t *testing.T) {
	zone := func(name string) *time.Location {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		return loc
	}
	paris, server := zone("Europe/Paris"), zone("America/New_York")
	str := func(s string) *string { return &s }
	for _, tc := range []struct {
		name     string
		ref, tz  *string
		wantRef  string // the reference's wall clock and offset, RFC 3339; "" for none
		wantZone *time.Location
	}{
		{"neither", nil, nil, "", nil},
		{"local, server's zone", str("2016-11-07T00:00:00"), nil, "2016-11-07T00:00:00-05:00", nil},
		{"local, request's zone", str("2016-11-07T00:00:00"), str("Europe/Paris"), "2016-11-07T00:00:00+01:00", paris},
		{"local with fraction", str("2016-11-07T10:20:30.5"), str("UTC"), "2016-11-07T10:20:30.5Z", time.UTC},
		{"offset kept", str("2016-11-07T23:30:00+05:30"), nil, "2016-11-07T23:30:00+05:30", nil},
		{"UTC", str("2016-11-07T23:30:00Z"), nil, "2016-11-07T23:30:00Z", nil},
		{"offset moved to zone", str("2016-11-07T23:30:00Z"), str("Europe/Paris"), "2016-11-08T00:30:00+01:00", paris},
		{"zone alone", nil, str("Europe/Paris"), "", paris},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, e := referenceOptions(&wire.ConversationTaskParameters{ReferenceDateTime: tc.ref, TimeZone: tc.tz}, server)
			if e != nil {
				t.Fatalf("referenceOptions = %v", e)
			}
			if tc.ref == nil && tc.tz == nil {
				if o != nil {
					t.Errorf("referenceOptions = %+v, want nil (the defaults)", o)
				}
				return
			}
			got := ""
			if !o.Reference.IsZero() {
				got = o.Reference.Format(time.RFC3339Nano)
			}
			if got != tc.wantRef || zoneName(o.Location) != zoneName(tc.wantZone) {
				t.Errorf("referenceOptions(%v, %v) = %s in %v, want %s in %v", deref(tc.ref), deref(tc.tz), got, o.Location, tc.wantRef, tc.wantZone)
			}
		})
	}
	for _, tc := range []struct {
		name    string
		ref, tz *string
		target  string
		says    string
	}{
		{"words", str("tomorrow"), nil, targetReference, "2016-11-07T00:00:00"},
		{"date only", str("2016-11-07"), nil, targetReference, "RFC 3339"},
		{"offset without colon", str("2016-11-07T00:00:00+0100"), nil, targetReference, "not a date-time"},
		{"no seconds", str("2016-11-07T00:00"), nil, targetReference, "not a date-time"},
		{"empty", str(""), nil, targetReference, "not a date-time"},
		{"impossible date", str("2016-02-30T00:00:00"), nil, targetReference, "not a date-time"},
		{"year 0001", str("0001-01-01T00:00:00Z"), nil, targetReference, "year 1000"},
		{"unknown zone", nil, str("Mars/Olympus_Mons"), targetTimeZone, "IANA"},
		{"machine's zone", nil, str("Local"), targetTimeZone, "IANA"},
		{"empty zone", str("2016-11-07T00:00:00"), str(""), targetTimeZone, "empty"},
		{"zone checked first", str("tomorrow"), str("Nowhere"), targetTimeZone, "Nowhere"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, e := referenceOptions(&wire.ConversationTaskParameters{ReferenceDateTime: tc.ref, TimeZone: tc.tz}, server)
			if e == nil {
				t.Fatalf("referenceOptions(%v, %v) = %+v, want an error", deref(tc.ref), deref(tc.tz), o)
			}
			if e.Code != azerr.InvalidArgument || e.Target != tc.target || !strings.Contains(e.Message, tc.says) {
				t.Errorf("error = %s %s %q, want InvalidArgument on %s saying %q", e.Code, e.Target, e.Message, tc.target, tc.says)
			}
		})
	}
}

func deref(s *string) string {
	if s == nil {
		return "<absent>"
	}
	return *s
}

func zoneName(loc *time.Location) string {
	if loc == nil {
		return "<none>"
	}
	return loc.String()
}
