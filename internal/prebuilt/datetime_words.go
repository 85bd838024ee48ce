package prebuilt

// English calendar vocabulary of the DateTime recogniser, written for
// Parley from general English usage.

var dtMonths = map[string]int{
	"january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3,
	"april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7,
	"august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
	"october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}

// dtAmbiguousMonths are month names that are also common English words;
// alone they name a month only where a date is expected.
var dtAmbiguousMonths = map[string]bool{"may": true, "march": true, "mar": true, "jan": true, "dec": true, "jun": true, "sep": true}

var dtWeekdays = map[string]int{
	"monday": 1, "mon": 1, "tuesday": 2, "tue": 2, "tues": 2, "wednesday": 3, "wed": 3,
	"thursday": 4, "thu": 4, "thur": 4, "thurs": 4, "friday": 5, "fri": 5,
	"saturday": 6, "sat": 6, "sunday": 7, "sun": 7,
}

// dtAmbiguousWeekdays are weekday abbreviations that are also words.
var dtAmbiguousWeekdays = map[string]bool{"sat": true, "sun": true, "wed": true, "mon": true}

// dtUnit is a unit of time.
type dtUnit int

const (
	uNone dtUnit = iota
	uSecond
	uMinute
	uHour
	uDay
	uBusinessDay
	uWeek
	uFortnight
	uMonth
	uQuarter
	uYear
	uDecade
	uCentury
	uWeekend
)

var dtUnitWords = map[string]dtUnit{
	"second": uSecond, "seconds": uSecond, "sec": uSecond, "secs": uSecond, "s": uSecond,
	"minute": uMinute, "minutes": uMinute, "min": uMinute, "mins": uMinute,
	"hour": uHour, "hours": uHour, "hr": uHour, "hrs": uHour, "h": uHour,
	"day": uDay, "days": uDay, "d": uDay,
	"week": uWeek, "weeks": uWeek, "wk": uWeek, "wks": uWeek, "w": uWeek,
	"fortnight": uFortnight, "fortnights": uFortnight,
	"month": uMonth, "months": uMonth,
	"quarter": uQuarter, "quarters": uQuarter,
	"year": uYear, "years": uYear, "yr": uYear, "yrs": uYear, "y": uYear,
	"decade": uDecade, "decades": uDecade, "century": uCentury, "centuries": uCentury,
}

// dtShortUnits are the one-letter units, written glued to their number
// only ("3h", "10D").
var dtShortUnits = map[string]bool{"s": true, "h": true, "d": true, "w": true, "y": true}

// seconds of one unit, as Recognizers counts them (a month is 30 days, a
// year 365).
func (u dtUnit) seconds() float64 {
	switch u {
	case uSecond:
		return 1
	case uMinute:
		return 60
	case uHour:
		return 3600
	case uDay, uBusinessDay:
		return 86400
	case uWeek:
		return 7 * 86400
	case uFortnight:
		return 14 * 86400
	case uMonth:
		return 30 * 86400
	case uQuarter:
		return 90 * 86400
	case uYear:
		return 365 * 86400
	case uDecade:
		return 3650 * 86400
	case uCentury:
		return 36500 * 86400
	case uWeekend:
		return 2 * 86400
	}
	return 0
}

// timexLetter is the unit's letter in an ISO 8601 duration, and whether
// it goes after the T.
func (u dtUnit) timexLetter() (string, bool) {
	switch u {
	case uSecond:
		return "S", true
	case uMinute:
		return "M", true
	case uHour:
		return "H", true
	case uDay:
		return "D", false
	case uBusinessDay:
		return "BD", false
	case uWeek:
		return "W", false
	case uMonth:
		return "M", false
	case uYear:
		return "Y", false
	case uWeekend:
		return "WE", false
	}
	return "", false
}

var dtUnitWordsSmall = map[string]int{
	"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
	"eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
	"fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}

var dtTensWords = map[string]int{
	"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}

var dtOrdinalWords = map[string]int{
	"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
	"eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
	"fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
	"nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}

// dtPartsOfDay are the parts of a day and their hours, as Recognizers
// writes them: timex suffix, first and last hour (24 is the day's end).
var dtPartsOfDay = map[string]struct {
	timex      string
	from, to   int
	fromM, toM int
}{
	"morning": {"MO", 8, 12, 0, 0}, "afternoon": {"AF", 12, 16, 0, 0},
	"evening": {"EV", 16, 20, 0, 0}, "night": {"NI", 20, 24, 0, 0},
	"daytime": {"DT", 8, 18, 0, 0}, "nighttime": {"NT", 0, 8, 0, 0},
}
