package prebuilt

import (
	"regexp"
	"strings"
)

// A "+" glued to the digits that follow it is no separator: a number that
// opens with one is read with its country code or not at all, so its
// digits must fit a layout that writes the code so. These are the layouts
// Recognizers-Text knows.
var phonePlusLayouts = []*regexp.Regexp{
	// a two-digit code, maybe the trunk "(0)", an area of 2–5 digits (the
	// code glued to it counting as part of it), an optional "-" or "/" and
	// a subscriber number: "+44 20 79460958", "+44 (0)161 123 4567"
	regexp.MustCompile(`\A\+\s?(?:[0-9]{2}\s?\s?\(0\)[-\s]?|[0-9]{2}\s|\s?\(0\)[-\s]?)?[0-9]{2,5}[/-]?\s?(?:[0-9]{5,8}|[0-9]{3,4}[-\s]?[0-9]{3,4})\z`),
	regexp.MustCompile(`\A\+\s?(?:[0-9]{2}\s?)?\(0[0-9]{3,4}\)[/-]?\s?(?:[0-9]{5,8}|[0-9]{3,4}[-\s]?[0-9]{3,4})\z`),
	// a two-digit code, maybe a one-digit prefix, an area of 2–4 digits and
	// 8–11 more characters of digits and spaces: "+49 30 1234567"
	regexp.MustCompile(`\A\+[0-9]{2}\s?(?:(?:\(0\))?[0-9]\s?)?[0-9]{2,4}\s?[-/]?[\s0-9]{7,10}[0-9]\z`),
	// the compact "+dd(d)" and ten digits
	regexp.MustCompile(`\A\+[0-9]{2}\([0-9]\)[0-9]{10}\z`),
}

// phoneNationalLayouts are the layouts of the countries whose own code
// Recognizers-Text knows, after "+" or "00".
var phoneNationalLayouts = []*regexp.Regexp{
	// China, Japan, Korea: "+86 10 1234 5678", "+86-18911111111"
	regexp.MustCompile(`\A\+(?:86|82|81)\s?-?\s?(?:(?:[0-9]{2,5}\s?-?\s?|\([0-9]{2,5}\)\s?)[0-9]{4}\s?-?\s?[0-9]{4}(?:\s?-?\s?[0-9]{4})?|[0-9]{3}\s?-?\s?[0-9]{4}\s?-?\s?[0-9]{4})\z`),
	// Brazil: "+55 11 91234-5678", "+55 (11) 91234-5678"
	regexp.MustCompile(`\A\+\s?55(?:\s\(\s?[0-9]{2,3}\s?\)|\s?[0-9]{2,3})\s?[0-9]{4,5}-?[0-9]{3,5}\z`),
	// Denmark: "+45 12 34 56 78", "+45 1234 5678"
	regexp.MustCompile(`\A\+\s?45\s?(?:\s?\(0\)\s?)?(?:[0-9]{8}|[0-9]{4}\s?-?\s?[0-9]{4,6}|(?:[0-9]{2}[\s-]){3}[0-9]{2}|[0-9]{2}\s?-?\s?[0-9]{3}\s?-?\s?[0-9]{3})\z`),
	// Italy: "+39 06 1234 5678", "+39 312 345 6789"
	regexp.MustCompile(`\A\+\s?39\s?(?:0[0-9-]{4,12}[0-9]|3[0-9-]{7,12}[0-9]|0[0-9\s]{4,12}[0-9]|3[0-9\s]{7,12}[0-9])\z`),
	// the Netherlands: "+31 20 123 4567", "+31 (0)20-1234567"
	regexp.MustCompile(`\A\+\s?31\s?(?:0?[0-9]{1,3}|\(\s?0?[0-9]{1,3}\s?\)|\(0\)[-\s]?[0-9]{1,3})(?:-?[0-9]{5,11}|\s[0-9\s]{5,11})[0-9]\z`),
}

// phonePlusFits reports whether main, a number that opens with "+", fits
// a layout that writes its country code so; a North American number
// ("+1 415 555 0199") always does.
func phonePlusFits(main string) bool {
	if !strings.HasPrefix(main, "+") || phoneNANP.MatchString(main) {
		return true
	}
	for _, re := range phonePlusLayouts {
		if re.MatchString(main) {
			return true
		}
	}
	return phoneNational(main)
}

// phoneNational reports whether main, written with a "+" code, fits the
// layout of a country whose code Recognizers-Text knows.
func phoneNational(main string) bool {
	for _, re := range phoneNationalLayouts {
		if re.MatchString(main) {
			return true
		}
	}
	return false
}
