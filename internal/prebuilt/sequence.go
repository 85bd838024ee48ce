package prebuilt

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// This file holds the sequence recognisers: e-mail addresses, URLs and IP
// addresses. Their rules are Parley's own, written from the standards
// (RFC 5322 addr-spec, simplified; RFC 3986 URL syntax; RFC 4291 IPv6 text
// form) and from the behaviour the spec files show:
//
//   - results are lower-cased in their resolution value (e-mail, URL), as
//     Recognizers lower-cases the text before matching;
//   - a match must stand on its own: a candidate glued to a neighbouring
//     word character is not a match (no searching inside words);
//   - a bare domain (no scheme) needs a known top-level domain, and one that
//     reads as a clock time ("7.am") is not a URL.

func init() {
	register("EmailModel", ModelFunc(recognizeEmail))
	register("URLModel", ModelFunc(recognizeURL))
	register("IpAddressModel", ModelFunc(recognizeIP))
}

// seqLabel is a DNS label: letters, digits and inner hyphens.
const seqLabel = `[a-z0-9](?:[a-z0-9-]*[a-z0-9])?`

// seqIPv4 is a dotted quad of one- to three-digit parts; the range of each
// part is checked in code.
const seqIPv4 = `[0-9]{1,3}(?:\.[0-9]{1,3}){3}`

var (
	// seqEmailDomain is the part after "@": a host name whose last label is
	// alphabetic (two letters or more), or an address literal "[a.b.c.d]".
	seqEmailDomain = regexp.MustCompile(`(?i)\A(?:(?:` + seqLabel + `\.)+[a-z]{2,}|\[(` + seqIPv4 + `)\])`)

	// seqURL is a URL from its first character: an optional scheme, a host
	// (name, IPv4 literal or localhost), an optional port, and an optional
	// path, query and fragment.
	seqURL = regexp.MustCompile(`(?i)\A(?P<scheme>(?:https?|ftps?|sftp|wss?)://)?` +
		`(?P<host>localhost|` + seqIPv4 + `|` + seqLabel + `(?:\.` + seqLabel + `)+)` +
		`(?::[0-9]{1,5})?` +
		`(?:[/?#][a-z0-9\-._~!$&*+,;=:@/?#%]*)?`)

	seqURLScheme = seqURL.SubexpIndex("scheme")
	seqURLHost   = seqURL.SubexpIndex("host")
)

// seqAtext reports whether c may appear in the local part of an address
// (RFC 5322 atext, less the characters that in running text more often
// delimit than belong: quotes, slashes, braces, "?" and "|").
func seqAtext(c byte) bool {
	return seqAlnum(c) || strings.IndexByte("!#$%&*+=^_~-", c) >= 0
}

func seqAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// seqHostChar reports whether c continues a host name, so that a host
// followed by it is not a whole host.
func seqHostChar(c byte) bool { return seqAlnum(c) || c == '-' || c == '_' }

// recognizeEmail finds addr-specs: a dot-atom local part, "@", a domain.
// The local part is the whole run of address characters before the "@";
// if that run is not a valid dot-atom (leading, trailing or doubled dots)
// there is no address, rather than a shorter one cut out of it.
func recognizeEmail(text string, _ Context) []Result {
	var out []Result
	from := 0
	for {
		at := strings.IndexByte(text[from:], '@')
		if at < 0 {
			return out
		}
		at += from
		from = at + 1
		start := at
		for start > 0 && (seqAtext(text[start-1]) || text[start-1] == '.' || text[start-1] == '\'') {
			start--
		}
		for start < at && text[start] == '\'' {
			start++ // an apostrophe inside ("o'neil") belongs, a quote before does not
		}
		local := text[start:at]
		if local == "" || local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
			continue
		}
		loc := seqEmailDomain.FindStringSubmatchIndex(text[at+1:])
		if loc == nil {
			continue
		}
		end := at + 1 + loc[1]
		if end < len(text) && (seqHostChar(text[end]) || text[end] == '@') {
			continue
		}
		if loc[2] >= 0 && !seqValidIPv4(text[at+1+loc[2]:at+1+loc[3]]) {
			continue
		}
		out = append(out, span(text, start, end, "email", map[string]any{"value": strings.ToLower(text[start:end])}))
		from = end
	}
}

// recognizeURL finds URLs with a scheme and bare host names with a known
// top-level domain.
func recognizeURL(text string, _ Context) []Result {
	var out []Result
	for i := 0; i < len(text); i++ {
		if !seqAlnum(text[i]) {
			continue
		}
		var prev byte
		if i > 0 {
			prev = text[i-1]
		}
		if seqAlnum(prev) {
			continue // inside a word
		}
		m := seqURL.FindStringSubmatchIndex(text[i:])
		if m == nil {
			continue
		}
		hasScheme := m[2*seqURLScheme] >= 0
		if !hasScheme && (prev == '.' || prev == '@' || prev == '/' || prev == ':' || prev == '-' || prev == '_') {
			continue // the tail of a host, address, path or unknown scheme
		}
		host := strings.ToLower(text[i+m[2*seqURLHost] : i+m[2*seqURLHost+1]])
		hostEnd := i + m[2*seqURLHost+1]
		if hostEnd < len(text) && (seqHostChar(text[hostEnd]) || text[hostEnd] == '@') {
			continue
		}
		if !seqURLHostOK(host, hasScheme) {
			continue
		}
		end := i + m[1]
		for end > hostEnd && strings.IndexByte(".,;:!?", text[end-1]) >= 0 {
			end-- // sentence punctuation after a URL is not part of it
		}
		out = append(out, span(text, i, end, "url", map[string]any{"value": strings.ToLower(text[i:end])}))
		i = end - 1
	}
	return out
}

// seqURLHostOK reports whether a matched host makes a URL: localhost and
// IPv4 literals only after a scheme, names only with a known top-level
// domain, and bare names that read as a time of day ("7.am") never.
func seqURLHostOK(host string, hasScheme bool) bool {
	if host == "localhost" {
		return hasScheme
	}
	labels := strings.Split(host, ".")
	tld := labels[len(labels)-1]
	if tld[0] >= '0' && tld[0] <= '9' {
		return hasScheme && seqValidIPv4(host)
	}
	if !seqTLDs[tld] {
		return false
	}
	if !hasScheme && len(labels) == 2 && (tld == "am" || tld == "pm") {
		if h, err := strconv.Atoi(labels[0]); err == nil && h <= 12 {
			return false
		}
	}
	return true
}

// recognizeIP finds IPv4 dotted quads and IPv6 addresses in their text forms.
func recognizeIP(text string, _ Context) []Result {
	var out []Result
	// A run is a maximal stretch of letters, digits, dots and colons; an
	// IPv6 address is a whole run (less trailing dots), never a piece of one,
	// so "FE06::1::2" or "JKLN:ssej::1" yield nothing.
	for i := 0; i < len(text); {
		if !seqIPRunChar(text[i]) {
			i++
			continue
		}
		j := i
		for j < len(text) && seqIPRunChar(text[j]) {
			j++
		}
		run := strings.TrimRight(text[i:j], ".")
		if strings.Contains(run, ":") {
			if v, ok := seqIPv6(run); ok {
				out = append(out, span(text, i, i+len(run), "ip", map[string]any{"type": "ipv6", "value": v}))
			}
		}
		i = j
	}
	for _, loc := range seqIPv4Any.FindAllStringIndex(text, -1) {
		s, e := loc[0], loc[1]
		if s > 0 && (seqAlnum(text[s-1]) || text[s-1] == '.') {
			continue
		}
		if e < len(text) && (seqAlnum(text[e]) || text[e] == '.' && e+1 < len(text) && seqAlnum(text[e+1])) {
			continue
		}
		if !seqValidIPv4(text[s:e]) {
			continue
		}
		out = append(out, span(text, s, e, "ip", map[string]any{"type": "ipv4", "value": seqNormIPv4(text[s:e])}))
	}
	return seqNonOverlapping(out)
}

var seqIPv4Any = regexp.MustCompile(`[0-9]+(?:\.[0-9]+){3}`)

func seqIPRunChar(c byte) bool { return seqAlnum(c) || c == '.' || c == ':' }

// seqValidIPv4 reports whether s is four dot-separated decimal parts of at
// most three digits, each 0-255.
func seqValidIPv4(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		if len(p) == 0 || len(p) > 3 || strings.Trim(p, "0123456789") != "" {
			return false
		}
		if n, _ := strconv.Atoi(p); n > 255 {
			return false
		}
	}
	return true
}

// seqNormIPv4 drops leading zeros: "08.008.08.08" is 8.8.8.8.
func seqNormIPv4(s string) string {
	parts := strings.Split(s, ".")
	for i, p := range parts {
		n, _ := strconv.Atoi(p)
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ".")
}

// seqIPv6 validates an IPv6 address (RFC 4291 §2.2: eight groups of one to
// four hex digits, one "::" standing for one or more zero groups, and an
// optional dotted quad in place of the last two groups) and returns its
// value: each group without leading zeros, letters as written, "::" kept.
func seqIPv6(s string) (string, bool) {
	if strings.Count(s, "::") > 1 || strings.Contains(s, ":::") {
		return "", false
	}
	head, tail, compressed := strings.Cut(s, "::")
	var groups int
	norm := func(part string, last bool) (string, bool) {
		if part == "" {
			return "", true
		}
		gs := strings.Split(part, ":")
		for k, g := range gs {
			if last && k == len(gs)-1 && strings.Contains(g, ".") {
				if !seqValidIPv4(g) {
					return "", false
				}
				gs[k] = seqNormIPv4(g)
				groups += 2
				continue
			}
			if len(g) == 0 || len(g) > 4 || strings.Trim(g, "0123456789abcdefABCDEF") != "" {
				return "", false
			}
			if t := strings.TrimLeft(g, "0"); t != "" {
				gs[k] = t
			} else {
				gs[k] = "0"
			}
			groups++
		}
		return strings.Join(gs, ":"), true
	}
	h, ok := norm(head, !compressed)
	if !ok {
		return "", false
	}
	if !compressed {
		return h, groups == 8
	}
	t, ok := norm(tail, true)
	if !ok || groups > 7 {
		return "", false
	}
	return h + "::" + t, true
}

// seqNonOverlapping orders results by position and keeps, of overlapping
// ones, the one that starts first (the longer at the same start).
func seqNonOverlapping(rs []Result) []Result {
	sort.SliceStable(rs, func(i, j int) bool {
		if rs[i].Start != rs[j].Start {
			return rs[i].Start < rs[j].Start
		}
		return rs[i].End > rs[j].End
	})
	out := rs[:0]
	for _, r := range rs {
		if len(out) > 0 && r.Start <= out[len(out)-1].End {
			continue
		}
		out = append(out, r)
	}
	return out
}
