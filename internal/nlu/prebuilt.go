package nlu

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/parley-dev/parley/internal/prebuilt"
)

// PrebuiltMatch is what a prebuilt component contributed to an entity: the
// component (its catalogue category, "Quantity.Number") and the
// recogniser's result, whose resolution the answer carries.
type PrebuiltMatch struct {
	Component string
	Result    prebuilt.Result
}

// prebuiltModels names, per catalogue category (lower case), the
// recogniser of internal/prebuilt that backs it; a category Parley has no
// recogniser for is missing, or its model is not registered yet.
var prebuiltModels = map[string]string{
	"quantity.number":      "NumberModel",
	"quantity.percentage":  "PercentModel",
	"quantity.ordinal":     "OrdinalModel",
	"quantity.numberrange": "NumberRangeModel",
	"quantity.age":         "AgeModel",
	"quantity.currency":    "CurrencyModel",
	"quantity.dimension":   "DimensionModel",
	"quantity.temperature": "TemperatureModel",
	"datetime":             "DateTimeModel",
	"email":                "EmailModel",
	"url":                  "URLModel",
	"phone number":         "PhoneNumberModel",
	"ip address":           "IpAddressModel",
	"choice.boolean":       "BooleanModel",
}

// prebuiltModel returns the recogniser of a prebuilt component, if Parley
// has one.
func prebuiltModel(component string) (string, prebuilt.Model, bool) {
	name, ok := prebuiltModels[strings.ToLower(component)]
	if !ok {
		return "", nil, false
	}
	m, ok := prebuilt.Lookup(name)
	return name, m, ok
}

// PrebuiltSupported reports whether Parley recognises a prebuilt component
// (in English, the one language its recognisers know).
func PrebuiltSupported(component string) bool {
	_, _, ok := prebuiltModel(component)
	return ok
}

// prebuiltQuery runs each recogniser once per query, however many entities
// use it (PREBUILT.md §4).
type prebuiltQuery struct {
	text string
	// reference returns "now" for relative dates (PREBUILT.md §3.2); nil
	// means time.Now in UTC. It is called when a recogniser first runs, so
	// a query no recogniser looks at never reads the clock.
	reference func() time.Time
	ctx       prebuilt.Context
	results   map[string][]prebuilt.Result
}

func (q *prebuiltQuery) run(name string, m prebuilt.Model) []prebuilt.Result {
	if r, ok := q.results[name]; ok {
		return r
	}
	if q.results == nil {
		q.results = map[string][]prebuilt.Result{}
		if q.reference != nil {
			q.ctx.Reference = q.reference()
		} else {
			q.ctx.Reference = time.Now().UTC()
		}
	}
	r := m.Recognize(q.text, q.ctx)
	q.results[name] = r
	return r
}

// prebuiltMatches are the entity's prebuilt components' matches: among
// overlapping ones the longest is kept, and matches of exactly one span
// become one match carrying each result (PREBUILT.md §4). The recognisers
// are English: another query language gets none.
func (e *entityRuntime) prebuiltMatches(q *prebuiltQuery, lang string) []match {
	if primaryTag(lang) != "en" {
		return nil
	}
	var all []match
	for _, p := range e.prebuilts {
		name, m, ok := prebuiltModel(p)
		if !ok {
			continue
		}
		for _, r := range q.run(name, m) {
			if !matchesInCLU(r) {
				continue
			}
			all = append(all, match{start: r.Start, end: r.End + 1, kind: ComponentPrebuilt, score: 1,
				prebuilt: []PrebuiltMatch{{Component: p, Result: r}}})
		}
	}
	slices.SortStableFunc(all, func(a, b match) int {
		return cmp.Or(cmp.Compare(b.end-b.start, a.end-a.start), cmp.Compare(a.start, b.start))
	})
	var kept []match
next:
	for _, x := range all {
		for i := range kept {
			k := &kept[i]
			if k.start == x.start && k.end == x.end {
				k.prebuilt = append(k.prebuilt, x.prebuilt...)
				continue next
			}
			if k.start < x.end && x.start < k.end {
				continue next
			}
		}
		kept = append(kept, x)
	}
	return kept
}

// matchesInCLU reports whether a recogniser's result is a match in CLU's
// answer (PREBUILT.md §5): a bare "percent" with no number is one in
// Recognizers (value "null") but resolves to nothing, an angle is a
// dimension with no CLU kind, and a time zone ("PST") is a DateTimeV2
// result CLU drops.
func matchesInCLU(r prebuilt.Result) bool {
	switch {
	case r.TypeName == "datetimeV2.timezone":
		return false
	case r.TypeName == "percentage" && r.Resolution["value"] == "null":
		return false
	case r.TypeName == "dimension" && r.Resolution["subtype"] == "Angle":
		return false
	}
	return true
}
