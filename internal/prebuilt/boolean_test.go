package prebuilt

import (
	"math"
	"testing"
)

func init() { floors["BooleanModel"] = 21 }

func TestBooleanRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		text     string // "" when nothing is found
		value    bool
		tokens   int // tokens of the match
		of       int // tokens of the utterance
	}{
		{"alone", "Okay.", "Okay", true, 1, 1},
		{"score falls with length", "nope, not today", "nope", false, 1, 3},
		{"apostrophes split tokens", "we'll go, absolutely", "absolutely", true, 1, 4},
		{"longer phrase wins", "ok, of course not", "of course not", false, 3, 4},
		{"earliest of equal scores", "true or false", "true", true, 1, 3},
		{"negated agreement", "I do not agree", "do not agree", false, 3, 4},
		{"thumbs down with a skin tone", "👎🏽 sorry", "👎🏽", false, 2, 3},
		{"variation selector is not a token", "✔️ done", "✔️", true, 1, 2},
		{"inside a word is no answer", "nobody knows", "", false, 0, 0},
		{"no answer", "maybe later", "", false, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := recognizeBoolean(tt.in, Context{})
			if tt.text == "" {
				if len(got) != 0 {
					t.Errorf("recognizeBoolean(%q) = %v, want nothing", tt.in, got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("recognizeBoolean(%q) = %v, want one result", tt.in, got)
			}
			score := 0.4 + 0.6*float64(tt.tokens)/float64(tt.of)
			r := got[0]
			if r.Text != tt.text || r.Resolution["value"] != tt.value || math.Abs(r.Resolution["score"].(float64)-score) > 1e-12 {
				t.Errorf("recognizeBoolean(%q) = %q %v, want %q value %v score %v", tt.in, r.Text, r.Resolution, tt.text, tt.value, score)
			}
		})
	}
}

func BenchmarkBooleanModel(b *testing.B) {
	m, _ := Lookup("BooleanModel")
	const in = "Well, I think that would work for me, so yes, let's do it on Friday 👍"
	b.ReportAllocs()
	for b.Loop() {
		m.Recognize(in, Context{})
	}
}
