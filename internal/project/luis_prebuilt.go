package project

import "strings"

// luisPrebuiltTable pairs LUIS prebuilt entity names with CLU prebuilt
// categories (LUIS.md §3.5); "" marks the LUIS prebuilts CLU lacks.
var luisPrebuiltTable = []struct{ luis, clu string }{
	{"number", "Quantity.Number"},
	{"datetimeV2", "DateTime"},
	{"datetime", "DateTime"},
	{"age", "Quantity.Age"},
	{"dimension", "Quantity.Dimension"},
	{"money", "Quantity.Currency"},
	{"ordinal", "Quantity.Ordinal"},
	{"ordinalV2", "Quantity.Ordinal"},
	{"percentage", "Quantity.Percentage"},
	{"temperature", "Quantity.Temperature"},
	{"personName", "Person.Name"},
	{"email", "Email"},
	{"phonenumber", "Phone Number"},
	{"url", "URL"},
	{"geographyV2", "Geography.Location"},
	{"keyPhrase", ""},
	{"geography", ""},
	{"encyclopedia", ""},
}

// luisPrebuiltCategory returns the CLU category of a LUIS prebuilt name,
// matched ignoring case; "" when CLU has none.
func luisPrebuiltCategory(name string) string {
	for _, p := range luisPrebuiltTable {
		if strings.EqualFold(p.luis, name) {
			return p.clu
		}
	}
	return ""
}

// luisPrebuiltName returns the LUIS prebuilt name of a CLU category
// (LUIS.md §5.2), matched ignoring case; "" when LUIS has none. ordinal,
// not ordinalV2, because LUIS offered ordinalV2 in English only.
func luisPrebuiltName(category string) string {
	if strings.EqualFold(category, "Datetime") {
		return "datetimeV2"
	}
	for _, p := range luisPrebuiltTable {
		if p.clu != "" && strings.EqualFold(p.clu, category) {
			return p.luis
		}
	}
	return ""
}
