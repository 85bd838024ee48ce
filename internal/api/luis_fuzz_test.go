package api

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/parley-dev/parley/internal/project"
	"github.com/parley-dev/parley/internal/wire"
)

// FuzzLUISDynamicList feeds queries and dynamic-list values to the matcher
// and the v3 answer builder: they must not panic, every match must be the
// value, ignoring case, on whole-word boundaries, and every $instance must
// be the query's text at its UTF-16 span.
func FuzzLUISDynamicList(f *testing.F) {
	f.Add("forward to frank 30 dollars through HSBC", "Frank", "hsbc", "Order.Size")
	f.Add("Zoë and ZOË met 👨‍👩‍👧 at the café", "zoë", "café", "a.b.c")
	f.Add("İstanbul or istanbul", "i̇stanbul", "İ", ".x")
	f.Add("ab", "", "b", "")
	f.Fuzz(func(t *testing.T, text, v1, v2, name string) {
		if len(text) > 500 || len(v1) > 100 || len(v2) > 100 || len(name) > 100 ||
			!utf8.ValidString(text) || !utf8.ValidString(v1) || !utf8.ValidString(v2) || !utf8.ValidString(name) {
			t.Skip()
		}
		for _, v := range []string{v1, v2} {
			if strings.TrimSpace(v) == "" {
				continue
			}
			for _, m := range findWords(text, strings.TrimSpace(v)) {
				if m[0] < 0 || m[1] > len(text) || m[0] >= m[1] || !strings.EqualFold(text[m[0]:m[1]], strings.TrimSpace(v)) {
					t.Fatalf("findWords(%q, %q) gave %v", text, v, m)
				}
			}
		}
		if name == "" || strings.TrimSpace(v1) == "" {
			return
		}
		dl := []wire.LUISDynamicList{{ListEntityName: name, RequestLists: []wire.LUISRequestList{{CanonicalForm: v1, Synonyms: []string{v2}}}}}
		lq := &luisQuery{text: text, verbose: true, dynamic: dl}
		out := luisV3Answer(lq, &project.Prediction{TopIntent: "None"})
		b, err := json.Marshal(out)
		if err != nil {
			t.Fatalf("the answer does not encode: %v", err)
		}
		var walk func(v any)
		walk = func(v any) {
			m, ok := v.(map[string]any)
			if !ok {
				if a, ok := v.([]any); ok {
					for _, x := range a {
						walk(x)
					}
				}
				return
			}
			if inst, ok := m["$instance"].(map[string]any); ok {
				for _, list := range inst {
					for _, x := range list.([]any) {
						in := x.(map[string]any)
						if got := luisText(text, int(in["startIndex"].(float64)), int(in["length"].(float64))); got != in["text"] {
							t.Fatalf("$instance %v: the query's text there is %q", in, got)
						}
					}
				}
			}
			for k, x := range m {
				if k != "$instance" {
					walk(x)
				}
			}
		}
		var got map[string]any
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatal(err)
		}
		walk(got["prediction"].(map[string]any)["entities"])
	})
}
