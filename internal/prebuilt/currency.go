package prebuilt

// This file is Parley's English currency recogniser (Quantity.Currency,
// Recognizers' CurrencyModel): a number with a currency symbol, ISO code
// or name before or after it ("$5", "USD 5", "5 euros"), cents joined to
// whole units ("3 dollars 50 cents"), or a currency named alone.

func init() { register("CurrencyModel", ModelFunc(recognizeCurrency)) }

var currencyScanner = &unitScanner{typeName: "currency", phrases: currencyPhrases(), extend: currencyCents}

// currency is one row of the table: its name (the result's unit), ISO
// code, and how it is written.
type currency struct {
	unit, iso string
	symbols   []string // before or after the number
	names     []string // after the number, or alone
	codes     []string // ISO codes and the like, before or after the number
}

var currencies = []currency{
	{unit: "Dollar", symbols: []string{"$"}, names: []string{"dollar", "dollars", "buck", "bucks"}},
	{unit: "United States dollar", iso: "USD", symbols: []string{"us $", "u.s $", "u.s. $", "us$", "usd$"},
		names: []string{"us dollar", "us dollars", "u.s. dollar", "u.s. dollars", "united states dollar", "united states dollars", "american dollar", "american dollars"}, codes: []string{"usd"}},
	{unit: "Canadian dollar", iso: "CAD", symbols: []string{"c $", "c$", "ca$", "cad$"}, names: []string{"canadian dollar", "canadian dollars"}, codes: []string{"cad"}},
	{unit: "Australian dollar", iso: "AUD", symbols: []string{"a$", "au$", "aud$"}, names: []string{"australian dollar", "australian dollars"}, codes: []string{"aud"}},
	{unit: "New Zealand dollar", iso: "NZD", symbols: []string{"nz$", "nzd$"}, names: []string{"new zealand dollar", "new zealand dollars"}, codes: []string{"nzd"}},
	{unit: "Hong Kong dollar", iso: "HKD", symbols: []string{"hk $", "hk$", "hkd$"}, names: []string{"hong kong dollar", "hong kong dollars"}, codes: []string{"hkd"}},
	{unit: "Singapore dollar", iso: "SGD", symbols: []string{"s$", "sgd$"}, names: []string{"singapore dollar", "singapore dollars"}, codes: []string{"sgd"}},
	{unit: "Mexican peso", iso: "MXN", symbols: []string{"mex$", "mxn$"}, names: []string{"mexican peso", "mexican pesos"}, codes: []string{"mxn"}},
	{unit: "Euro", iso: "EUR", symbols: []string{"€"}, names: []string{"euro", "euros"}, codes: []string{"eur"}},
	{unit: "Pound", symbols: []string{"£"}, names: []string{"pound", "pounds", "pound sterling", "pounds sterling", "quid"}},
	{unit: "British pound", iso: "GBP", names: []string{"british pound", "british pounds"}, codes: []string{"gbp"}},
	{unit: "Pence", names: []string{"pence", "p"}},
	{unit: "Penny", names: []string{"penny", "pennies"}},
	{unit: "Cent", names: []string{"cent", "cents", "¢"}},
	{unit: "Japanese yen", iso: "JPY", symbols: []string{"¥"}, names: []string{"yen", "japanese yen"}, codes: []string{"jpy"}},
	{unit: "Chinese yuan", iso: "CNY", symbols: []string{"元"}, names: []string{"yuan", "chinese yuan", "renminbi", "rmb", "kuai"}, codes: []string{"cny"}},
	{unit: "Franc", names: []string{"franc", "francs"}},
	{unit: "Swiss franc", iso: "CHF", names: []string{"swiss franc", "swiss francs"}, codes: []string{"chf"}},
	{unit: "Indian rupee", iso: "INR", symbols: []string{"₹"}, names: []string{"indian rupee", "indian rupees"}, codes: []string{"inr"}},
	{unit: "Rupee", names: []string{"rupee", "rupees"}},
	{unit: "Sri Lankan rupee", iso: "LKR", symbols: []string{"ரூ"}, names: []string{"sri lankan rupee", "sri lankan rupees"}, codes: []string{"lkr"}},
	{unit: "Turkish lira", iso: "TRY", symbols: []string{"₺"}, names: []string{"turkish lira", "turkish liras"}},
	{unit: "Russian ruble", iso: "RUB", symbols: []string{"₽"}, names: []string{"russian ruble", "russian rubles", "ruble", "rubles", "rouble", "roubles"}, codes: []string{"rub"}},
	{unit: "South Korean won", iso: "KRW", symbols: []string{"₩"}, names: []string{"south korean won", "korean won"}, codes: []string{"krw"}},
	{unit: "Costa Rican colón", iso: "CRC", symbols: []string{"₡"}},
	{unit: "Georgian lari", iso: "GEL", symbols: []string{"₾"}},
	{unit: "Lao kip", iso: "LAK", symbols: []string{"₭"}},
	{unit: "Peseta", names: []string{"peseta", "pesetas"}},
	{unit: "Finnish markka", names: []string{"finnish markka", "finnish markkaa"}},
	{unit: "Netherlands guilder", names: []string{"dutch guilder", "dutch guilders", "netherlands guilder", "netherlands guilders"}},
	{unit: "Bitcoin", symbols: []string{"₿"}, names: []string{"bitcoin", "bitcoins"}, codes: []string{"btc"}},
	{unit: "Satoshi", names: []string{"satoshi", "satoshis"}},
	{unit: "Sen", codes: []string{"sen"}},
}

// cents are the fractional units a whole amount may be followed by.
var cents = map[string]bool{"Cent": true, "Pence": true, "Penny": true}

// hundredths are the currencies whose amounts may end in cents.
var hundredths = map[string]bool{"Dollar": true, "United States dollar": true, "Canadian dollar": true,
	"Australian dollar": true, "New Zealand dollar": true, "Hong Kong dollar": true, "Singapore dollar": true,
	"Mexican peso": true, "Euro": true, "Pound": true, "British pound": true}

func currencyPhrases() []unitPhrase {
	var t []unitPhrase
	for _, c := range currencies {
		t = append(t, phrases(c.unit, c.iso, before|after, c.symbols...)...)
		t = append(t, phrases(c.unit, c.iso, after|alone, c.names...)...)
		t = append(t, phrases(c.unit, c.iso, before|after, c.codes...)...)
		for _, code := range c.codes {
			if c.iso != "" {
				// "30 MUSD": millions of the currency.
				t = append(t, unitPhrase{text: "m" + code, unit: c.unit, iso: c.iso, where: before | after, mult: 1e6})
			}
		}
	}
	// A bare "p" of pence only after a number.
	for i := range t {
		if t[i].text == "p" {
			t[i].where = after
		}
	}
	return t
}

var currencyScales = map[string]float64{"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}

// currencyCents grows a whole amount by a scale written after its unit
// ("75 USD million") or by cents ("3 dollars 50 cents", "15 dollars and
// 50", "thirteen dollars forty five"). A number followed by a currency
// that is not cents is an amount of its own ("50 dollar 50 dollar").
func currencyCents(sc *unitScanner, low string, f unitFound, nums []numberSpan, k int) (unitFound, int) {
	i := skipSpaces(low, f.end)
	for w, m := range currencyScales {
		if e := matchFwd(low, i, w); e > 0 && nums[k].end <= f.end && f.value == float64(int64(f.value)) {
			f.value *= m
			f.end = e
			return f, k
		}
	}
	if !hundredths[f.phrase.unit] || f.value != float64(int64(f.value)) || k+1 >= len(nums) {
		return f, k
	}
	n := nums[k+1]
	if e := matchFwd(low, i, "and"); e > 0 {
		i = skipSpaces(low, e)
	}
	if n.start != i || isLetterAt(low, n.end) || n.value < 1 || n.value > 99 || n.value != float64(int64(n.value)) {
		return f, k
	}
	end := n.end
	j := skipSpaces(low, n.end)
	if p, e := sc.longestAfter(low, j, after); p != nil {
		if !cents[p.unit] {
			return f, k
		}
		end = e
	}
	f.value += n.value / 100
	f.end = end
	return f, k + 1
}

func recognizeCurrency(text string, _ Context) []Result { return currencyScanner.results(text) }
