package nlu

import (
	"slices"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

func TestTokenize(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"words", "Add another song", []string{"Add", "another", "song"}},
		{"punctuation", "Hello, world!", []string{"Hello", ",", "world", "!"}},
		{"apostrophe", "dan's alarm", []string{"dan", "'", "s", "alarm"}},
		{"digits", "at 7pm on 10:30", []string{"at", "7pm", "on", "10", ":", "30"}},
		{"emoji", "Pop Punk 🍕 off", []string{"Pop", "Punk", "🍕", "off"}},
		{"emoji glued", "pizza🍕🍕", []string{"pizza", "🍕", "🍕"}},
		{"zwj family", "Send 👨‍👩‍👧 photos", []string{"Send", "👨‍👩‍👧", "photos"}},
		{"skin tone", "👍🏽 ok", []string{"👍🏽", "ok"}},
		{"flags", "🇫🇷🇩🇪", []string{"🇫🇷", "🇩🇪"}},
		{"keycap", "press 1️⃣ now", []string{"press", "1️⃣", "now"}},
		{"combining", "Zoe\u0308 cafe\u0301", []string{"Zoe\u0308", "cafe\u0301"}},
		{"leading mark", "\u0301x", []string{"\u0301", "x"}},
		{"cjk", "我想听音乐", []string{"我", "想", "听", "音", "乐"}},
		{"kana with mark", "か\u3099な", []string{"か\u3099", "な"}},
		{"mixed", "play 周杰伦 songs", []string{"play", "周", "杰", "伦", "songs"}},
		{"spaces", "  a \t b  ", []string{"a", "b"}},
		{"empty", "", nil},
		{"trailing zwj", "a\u200d", []string{"a\u200d"}},
		{"zwj before space", "👨\u200d x", []string{"👨\u200d", "x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, tok := range tokenize(tt.text) {
				got = append(got, tok.Text)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("tokenize(%q) = %q, want %q", tt.text, got, tt.want)
			}
			checkTokens(t, tt.text)
		})
	}
}

func TestTokenizeOffsets(t *testing.T) {
	// RUNTIME.md §4: "Zoë" is at UTF-16 offset 24, length 3.
	text := "Send 👨‍👩‍👧 photos to Zoë tomorrow"
	for _, tok := range tokenize(text) {
		if tok.Text == "Zoë" {
			if tok.Off != 24 || tok.Len != 3 {
				t.Errorf("tokenize(%q): Zoë at %d+%d, want 24+3", text, tok.Off, tok.Len)
			}
			return
		}
	}
	t.Fatalf("tokenize(%q): no token Zoë", text)
}

// checkTokens verifies the invariants of tokenize on text: tokens are in
// order and do not overlap, their UTF-16 spans start and end on code point
// boundaries, and the text at each span equals the token.
func checkTokens(t *testing.T, text string) {
	t.Helper()
	u := utf16.Encode([]rune(text))
	toks := tokenize(text)
	lastEnd, lastOff := 0, 0
	for _, tok := range toks {
		if tok.Start < lastEnd || tok.End <= tok.Start || tok.End > len(text) {
			t.Fatalf("tokenize(%q): token %q at bytes [%d,%d) after %d", text, tok.Text, tok.Start, tok.End, lastEnd)
		}
		if tok.Text != text[tok.Start:tok.End] {
			t.Fatalf("tokenize(%q): token %q != text[%d:%d] %q", text, tok.Text, tok.Start, tok.End, text[tok.Start:tok.End])
		}
		if tok.Off < lastOff || tok.Len <= 0 || tok.Off+tok.Len > len(u) {
			t.Fatalf("tokenize(%q): token %q at UTF-16 %d+%d out of range (len %d)", text, tok.Text, tok.Off, tok.Len, len(u))
		}
		for _, at := range []int{tok.Off, tok.Off + tok.Len} {
			if at < len(u) && u[at] >= 0xDC00 && u[at] <= 0xDFFF {
				t.Fatalf("tokenize(%q): token %q boundary %d splits a surrogate pair", text, tok.Text, at)
			}
		}
		if utf8.ValidString(text) {
			if got := string(utf16.Decode(u[tok.Off : tok.Off+tok.Len])); got != tok.Text {
				t.Fatalf("tokenize(%q): UTF-16 span %d+%d is %q, want token %q", text, tok.Off, tok.Len, got, tok.Text)
			}
		}
		lastEnd, lastOff = tok.End, tok.Off+tok.Len
	}
}

func FuzzTokenize(f *testing.F) {
	for _, s := range []string{
		"I want toi hear some Pop Punk Perfection 🍕 off of Deezer",
		"Send 👨‍👩‍👧 photos to Zoë tomorrow",
		"cafe\u0301 👍🏽 🇫🇷 1️⃣ 我想听音乐 か\u3099",
		"\u200d\u200d x \u0301\u0301",
		"\xff\xfe bad \xc3",
		"🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F scotland",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > 1000 {
			return
		}
		checkTokens(t, text)
		// The regex components' offsets (rune index -> UTF-16) agree with
		// the tokens'.
		m := newRegexInput(text).u16
		for _, tok := range tokenize(text) {
			i, j := utf8.RuneCountInString(text[:tok.Start]), utf8.RuneCountInString(text[:tok.End])
			if m[i] != tok.Off || m[j] != tok.Off+tok.Len {
				t.Fatalf("newRegexInput(%q).u16 disagrees with token %q: %d,%d vs %d+%d", text, tok.Text, m[i], m[j], tok.Off, tok.Len)
			}
		}
	})
}
