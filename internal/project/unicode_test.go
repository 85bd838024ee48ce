package project

import (
	"strings"
	"testing"

	"github.com/parley-dev/parley/internal/azerr"
)

// TestDecodeFileRefusesBadUnicode: text that is not Unicode (bytes that are
// not UTF-8, escapes of lone surrogates) is refused with the value's
// pointer, not replaced with U+FFFD (issue 9, low).
func TestDecodeFileRefusesBadUnicode(t *testing.T) {
	t.Parallel()
	file := func(text string) []byte {
		return []byte(`{"projectFileVersion":"2022-05-01","stringIndexType":"Utf16CodeUnit",` +
			`"metadata":{"projectKind":"Conversation","projectName":"p","language":"en-us"},` +
			`"assets":{"projectKind":"Conversation","intents":[{"category":"A"}],` +
			`"utterances":[{"text":"fine","intent":"A"},{"text":"` + text + `","intent":"A"}]}}`)
	}
	for _, tc := range []struct {
		name, text, target, inMessage string
	}{
		{"invalid byte", "caf\xe9", "/assets/utterances/1/text", "0xE9"},
		{"truncated sequence", "x\xe2\x82", "/assets/utterances/1/text", "0xE2"},
		{"lone high surrogate", `a\ud800b`, "/assets/utterances/1/text", `\ud800`},
		{"high surrogate at the end", `a\uD83D`, "/assets/utterances/1/text", `\uD83D`},
		{"high surrogate then not a low one", `\ud83d\u0041`, "/assets/utterances/1/text", `\ud83d`},
		{"lone low surrogate", `\udc00`, "/assets/utterances/1/text", `\udc00`},
		{"two high surrogates", `\ud83d\ud83d\ude00`, "/assets/utterances/1/text", `\ud83d`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, e := decodeFile(file(tc.text))
			switch {
			case e == nil:
				t.Fatalf("decodeFile(%q) accepted the file", tc.text)
			case e.Code != azerr.InvalidArgument || e.Target != tc.target:
				t.Errorf("decodeFile(%q) = %v, want InvalidArgument at %s", tc.text, e, tc.target)
			case !strings.Contains(e.Message, tc.inMessage) || !strings.Contains(e.Message, "byte offset"):
				t.Errorf("decodeFile(%q): message %q does not name %s and its offset", tc.text, e.Message, tc.inMessage)
			}
		})
	}
	for _, text := range []string{`\ud83d\ude00`, "😀", `\\ud800`, `\u00e9\"`, `\uFFFD`, "\uFFFD"} {
		if _, e := decodeFile(file(text)); e != nil {
			t.Errorf("decodeFile(%q) = %v, want it accepted", text, e)
		}
	}
}

func TestCheckUnicode(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, body string
		code       azerr.Code
		target     string
	}{
		{"valid", `{"a":"\ud83d\ude00 é"}`, "", ""},
		{"in a key", `{"k\ud800":1}`, azerr.InvalidArgument, "/k\ufffd"},
		{"in an array", "{\"a\":[1,\"x\",\"\xff\"]}", azerr.InvalidArgument, "/a/2"},
		{"body not JSON after it", "{\"a\":\"\xff", azerr.InvalidRequest, ""},
		{"outside strings", "\xff{}", azerr.InvalidRequest, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := CheckUnicode([]byte(tc.body))
			switch {
			case tc.code == "" && e != nil:
				t.Errorf("CheckUnicode(%q) = %v, want nil", tc.body, e)
			case tc.code != "" && (e == nil || e.Code != tc.code || e.Target != tc.target):
				t.Errorf("CheckUnicode(%q) = %v, want %s at %q", tc.body, e, tc.code, tc.target)
			}
		})
	}
}
