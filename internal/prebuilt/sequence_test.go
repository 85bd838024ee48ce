package prebuilt

import (
	"reflect"
	"testing"
)

func init() {
	floors["EmailModel"] = 20
	floors["URLModel"] = 45
	floors["IpAddressModel"] = 38
}

// seqGot is a result reduced to what the unit tests check.
type seqGot struct {
	Text       string
	Start, End int
	Value      any
}

func seqReduce(rs []Result) []seqGot {
	out := []seqGot{}
	for _, r := range rs {
		out = append(out, seqGot{r.Text, r.Start, r.End, r.Resolution["value"]})
	}
	return out
}

func TestEmailRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     []seqGot
	}{
		{"lower-cased value", "write to Jo.Smith@Example.ORG today", []seqGot{{"Jo.Smith@Example.ORG", 9, 28, "jo.smith@example.org"}}},
		{"apostrophe inside the local part", "ask pat.o'hara@example.net", []seqGot{{"pat.o'hara@example.net", 4, 25, "pat.o'hara@example.net"}}},
		{"quote before is not part", "'kim@example.net'", []seqGot{{"kim@example.net", 1, 15, "kim@example.net"}}},
		{"two addresses", "a@b.io, c+d@e.co.uk", []seqGot{{"a@b.io", 0, 5, "a@b.io"}, {"c+d@e.co.uk", 8, 18, "c+d@e.co.uk"}}},
		{"trailing dot is the sentence's", "mail ops@corp.example.", []seqGot{{"ops@corp.example", 5, 20, "ops@corp.example"}}},
		{"address literal", "x@[10.1.2.3]", []seqGot{{"x@[10.1.2.3]", 0, 11, "x@[10.1.2.3]"}}},
		{"address literal out of range", "x@[10.1.2.300]", []seqGot{}},
		{"no dot in the domain", "root@localhost", []seqGot{}},
		{"numeric top-level label", "x@10.1.2.3", []seqGot{}},
		{"doubled dot poisons the whole local part", "x..y@example.com", []seqGot{}},
		{"domain glued to a word", "x@example.com_old", []seqGot{}},
		{"utf-16 offsets after an astral character", "😀 me@ex.com", []seqGot{{"me@ex.com", 3, 11, "me@ex.com"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := seqReduce(recognizeEmail(tt.in, Context{})); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("recognizeEmail(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestURLRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     []seqGot
	}{
		{"scheme, port, path, fragment", "see HTTPS://Docs.Example.org:8443/a/b?x=1#Top now", []seqGot{{"HTTPS://Docs.Example.org:8443/a/b?x=1#Top", 4, 44, "https://docs.example.org:8443/a/b?x=1#top"}}},
		{"sentence punctuation trimmed", "go to go.dev/doc, then example.net.", []seqGot{{"go.dev/doc", 6, 15, "go.dev/doc"}, {"example.net", 23, 33, "example.net"}}},
		{"websocket scheme", "wss://push.example.com/v1", []seqGot{{"wss://push.example.com/v1", 0, 24, "wss://push.example.com/v1"}}},
		{"IPv4 host only after a scheme", "ftp://10.0.0.7/pub or 10.0.0.7", []seqGot{{"ftp://10.0.0.7/pub", 0, 17, "ftp://10.0.0.7/pub"}}},
		{"localhost only after a scheme", "http://localhost/x and localhost", []seqGot{{"http://localhost/x", 0, 17, "http://localhost/x"}}},
		{"unknown top-level domain", "open notes.txt and photo.jpeg", []seqGot{}},
		{"unknown top-level domain after a scheme", "http://intranet.corp", []seqGot{}},
		{"a clock time is not a domain", "lunch at 11.am, ship 42.am", []seqGot{{"42.am", 21, 25, "42.am"}}},
		{"an e-mail's domain is not a URL", "sales@shop.example.com", []seqGot{}},
		{"unknown scheme hides the host", "gopher://example.com", []seqGot{}},
		{"scheme with no host", "see http:// and https://?", []seqGot{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := seqReduce(recognizeURL(tt.in, Context{})); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("recognizeURL(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestIPRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     []seqGot
	}{
		{"several IPv4", "gw 10.0.0.1, mask 255.255.255.0", []seqGot{{"10.0.0.1", 3, 10, "10.0.0.1"}, {"255.255.255.0", 18, 30, "255.255.255.0"}}},
		{"leading zeros dropped", "host 010.001.000.009", []seqGot{{"010.001.000.009", 5, 19, "10.1.0.9"}}},
		{"part over 255", "300.1.1.1", []seqGot{}},
		{"five parts", "1.2.3.4.5", []seqGot{}},
		{"three parts", "1.2.3", []seqGot{}},
		{"IPv6 compressed, case kept", "route 2001:DB8::A:1 via", []seqGot{{"2001:DB8::A:1", 6, 18, "2001:DB8::A:1"}}},
		{"IPv6 full, zeros trimmed", "2001:0db8:0000:0000:0000:ff00:0042:8329", []seqGot{{"2001:0db8:0000:0000:0000:ff00:0042:8329", 0, 38, "2001:db8:0:0:0:ff00:42:8329"}}},
		{"IPv6 with an embedded IPv4", "mapped ::ffff:192.0.2.010.", []seqGot{{"::ffff:192.0.2.010", 7, 24, "::ffff:192.0.2.10"}}},
		{"IPv6 with seven groups and no ::", "1:2:3:4:5:6:7", []seqGot{}},
		{"IPv6 with nine groups", "1:2:3:4:5:6:7:8:9", []seqGot{}},
		{"IPv6 :: with eight groups", "1:2:3:4::5:6:7:8", []seqGot{}},
		{"group of five digits", "12345::1", []seqGot{}},
		{"clock times are not addresses", "from 09:30 to 17:45:10", []seqGot{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := seqReduce(recognizeIP(tt.in, Context{})); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("recognizeIP(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

// seqBenchText is a short utterance with one of each sequence and some
// distractors (a time, a file name, a bare number).
const seqBenchText = "Mail Ana.Lima@contoso.com or see https://contoso.com/help?q=vpn#top; " +
	"the VPN at 10.20.30.40 and fe80::1ff:fe23:4567:890a is down since 09:30, log in report.txt, ticket 4411."

func seqBenchmarkModel(b *testing.B, name string) {
	m, ok := Lookup(name)
	if !ok {
		b.Fatalf("%s is not registered", name)
	}
	b.ReportAllocs()
	for b.Loop() {
		m.Recognize(seqBenchText, Context{})
	}
}

func BenchmarkEmailModel(b *testing.B)     { seqBenchmarkModel(b, "EmailModel") }
func BenchmarkURLModel(b *testing.B)       { seqBenchmarkModel(b, "URLModel") }
func BenchmarkIpAddressModel(b *testing.B) { seqBenchmarkModel(b, "IpAddressModel") }
