package prebuilt

import (
	"sort"
	"strings"
	"unicode"
)

// This file is Parley's English percentage recogniser
// (Quantity.Percentage, Recognizers' PercentModel): a number followed by
// "%", "percent" or "per cent" ("20%", "minus five percent"), the word
// before "of" and a number ("percent of 10"), and the word alone ("a
// small percent"), which has no value.

func init() { register("PercentModel", ModelFunc(recognizePercents)) }

// percentWordAt returns the index of the token after the percent word at
// toks[i] ("%", "percent", "percents", "percentage", "per cent"), or 0.
func percentWordAt(toks []token, i int) int {
	if i >= len(toks) {
		return 0
	}
	t := toks[i]
	switch {
	case t.kind == tokOther && t.raw == "%":
		return i + 1
	case t.kind != tokWord:
		return 0
	case t.word == "percent" || t.word == "percents" || t.word == "percentage" || t.word == "percentages":
		return i + 1
	case (t.word == "per" || t.word == "pr") && i+1 < len(toks) && (toks[i+1].word == "cent" || toks[i+1].word == "cents"):
		return i + 2
	}
	return 0
}

func recognizePercents(text string, _ Context) []Result {
	toks := tokenize(text)
	nums := parseNumbers(text)
	// numAt maps a token index to the number starting there.
	numAt := map[int]numberSpan{}
	tokAt := map[int]int{} // byte offset of a token's start -> index
	for k, t := range toks {
		tokAt[t.start] = k
	}
	for _, n := range nums {
		if k, ok := tokAt[n.start]; ok {
			numAt[k] = n
		}
	}
	// tokAfter returns the index of the first token at or after byte end.
	tokAfter := func(end int) int {
		return sort.Search(len(toks), func(k int) bool { return toks[k].start >= end })
	}
	var out []Result
	add := func(r Result, start int) {
		if !inURL(text, start) {
			out = append(out, r)
		}
	}
	for i := 0; i < len(toks); {
		if n, ok := numAt[i]; ok {
			j := tokAfter(n.end)
			if e := percentWordAt(toks, j); e > 0 {
				add(span(text, n.start, toks[e-1].end, "percentage",
					map[string]any{"value": formatNumber(n.value) + "%"}), n.start)
				i = e
				continue
			}
			i = j
			continue
		}
		e := percentWordAt(toks, i)
		if e == 0 {
			i++
			continue
		}
		if e < len(toks) && toks[e].word == "of" {
			if n, ok := numAt[e+1]; ok {
				add(span(text, toks[i].start, n.end, "percentage",
					map[string]any{"value": formatNumber(n.value) + "%"}), toks[i].start)
				i = tokAfter(n.end)
				continue
			}
		}
		// Recognizers writes "null" for a percentage without a number.
		add(span(text, toks[i].start, toks[e-1].end, "percentage", map[string]any{"value": "null"}), toks[i].start)
		i = e
	}
	return out
}

// inURL reports whether the byte offset at lies in a web address: a run
// without spaces holding "://" or starting "www.".
func inURL(text string, at int) bool {
	start := strings.LastIndexFunc(text[:at], unicode.IsSpace) + 1
	end := strings.IndexFunc(text[at:], unicode.IsSpace)
	if end < 0 {
		end = len(text)
	} else {
		end += at
	}
	word := strings.ToLower(text[start:end])
	return strings.Contains(word, "://") || strings.HasPrefix(word, "www.")
}
