package api

import (
	"time"

	"github.com/parley-dev/parley/internal/azerr"
	"github.com/parley-dev/parley/internal/project"
	"github.com/parley-dev/parley/internal/wire"
)

// The reference time of a query is a Parley extension of
// ConversationalTask's parameters (docs/compatibility.md, "The reference
// time of a query"): CLU resolves "tomorrow" against its own clock and has
// no input for it, but tests and replays need a fixed "now".
// parameters.parleyReferenceDateTime fixes it for one query and
// parameters.parleyTimeZone names the time zone it (or, alone, the server's
// clock) is read in. They are body fields beside the spec's own
// parameters, so a recorded request replays with its reference time, the
// official SDKs' dict bodies carry them unchanged, and a request written
// for Azure, which never has them, is answered as before.

// localDateTime is the layout of a reference date-time with no offset;
// time.Parse also takes fractional seconds after the seconds.
const localDateTime = "2006-01-02T15:04:05"

const (
	targetReference = "parameters.parleyReferenceDateTime"
	targetTimeZone  = "parameters.parleyTimeZone"
)

// referenceOptions reads the reference-time extension of a prediction
// request. zone is the server's time zone: that of a local reference
// date-time when the request names none. A request with neither field
// gets nil, the defaults.
func referenceOptions(p *wire.ConversationTaskParameters, zone *time.Location) (*project.PredictOptions, *azerr.Error) {
	if p.ReferenceDateTime == nil && p.TimeZone == nil {
		return nil, nil
	}
	var o project.PredictOptions
	if p.TimeZone != nil {
		name := *p.TimeZone
		if name == "" {
			return nil, azerr.Invalid(targetTimeZone, "parleyTimeZone is empty; give an IANA time zone name such as \"Europe/Paris\" or \"UTC\", or leave it out for the server's time zone.")
		}
		loc, err := project.ParseTimeZone(name)
		if err != nil {
			return nil, azerr.Invalid(targetTimeZone, "parleyTimeZone %q is not a time zone Parley knows; give an IANA time zone name such as \"Europe/Paris\" or \"UTC\", or leave it out for the server's time zone.", name)
		}
		o.Location = loc
	}
	if p.ReferenceDateTime != nil {
		s := *p.ReferenceDateTime
		t, err := time.Parse(time.RFC3339, s)
		switch {
		case err == nil && o.Location != nil:
			t = t.In(o.Location) // the instant, on the named zone's wall clock
		case err != nil:
			loc := zone
			if o.Location != nil {
				loc = o.Location
			}
			if t, err = time.ParseInLocation(localDateTime, s, loc); err != nil {
				return nil, azerr.Invalid(targetReference, "parleyReferenceDateTime %q is not a date-time; give a local date-time such as \"2016-11-07T00:00:00\" (read in parleyTimeZone, else in the server's time zone) or RFC 3339 with an offset such as \"2016-11-07T00:00:00+01:00\".", s)
			}
		}
		if y := t.Year(); y < 1000 || y > 9999 {
			return nil, azerr.Invalid(targetReference, "parleyReferenceDateTime %q is out of range; give a date-time from year 1000 to 9999.", s)
		}
		o.Reference = t
	}
	return &o, nil
}
