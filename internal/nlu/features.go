package nlu

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// FNV-1a, 64 bits: feature names are hashed, never stored.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func hashString(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return h
}

// hashTag starts a hash for a feature template.
func hashTag(tag string) uint64 { return hashString(fnvOffset, tag) }

// mix combines two hashes.
func mix(a, b uint64) uint64 {
	a ^= b + 0x9E3779B97F4A7C15 + (a << 6) + (a >> 2)
	a ^= a >> 33
	a *= 0xff51afd7ed558ccd
	a ^= a >> 33
	return a
}

// normWord is the form of a token the features see: lower case, with every
// decimal digit replaced by 0.
func normWord(s string) string {
	lower := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || ('A' <= c && c <= 'Z') || ('1' <= c && c <= '9') {
			lower = false
			break
		}
	}
	if lower {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsDigit(r) {
			return '0'
		}
		return unicode.ToLower(r)
	}, s)
}

// Intent feature groups. Each group has its own scale.
const (
	groupWord = iota
	groupBigram
	groupChar
	groupPhrase // phrase-list features (phrase.go); only models with phrase lists have them
	numGroups
)

// storedGroups is the number of group scales the classifier section holds:
// the phrase group's scale lives in the "phrases" section, so that the
// classifier section of a model without phrase lists keeps its bytes.
const storedGroups = groupPhrase

var (
	tagUni  = hashTag("w")
	tagBi   = hashTag("b")
	tagChar = hashTag("c")
)

// featureSpec says which intent features to extract.
type featureSpec struct {
	minN, maxN int // character n-gram sizes within words
	wordN      int // longest word n-gram (2: unigrams and bigrams)
	crossChar  int // longest character n-gram across word boundaries (0: none)
}

// intentFeatures appends the hashed features of an utterance to dst, with
// their groups: lower-cased word n-grams (with sentence boundaries), and
// character n-grams of each word with word-boundary marks.
func intentFeatures(toks []token, spec featureSpec, dst []uint64, groups []uint8) ([]uint64, []uint8) {
	return intentFeaturesSub(toks, nil, 0, spec, dst, groups)
}

// intentFeaturesSub is intentFeatures with the phrases of subst (matches of
// interchangeable phrase lists, sorted and not overlapping) standing in for
// their tokens: a phrase is one word, its list's symbol (copies features
// in groupPhrase, see appendSymbol) with no character n-grams, and the word
// n-grams run over the symbol.
// Cross-word character n-grams still see the tokens.
func intentFeaturesSub(toks []token, subst []phraseMatch, copies int, spec featureSpec, dst []uint64, groups []uint8) ([]uint64, []uint8) {
	var rs []rune
	hw := make([]uint64, 0, len(toks)+2)
	hw = append(hw, hashString(fnvOffset, "\x02"))
	for i := 0; i < len(toks); i++ {
		if len(subst) > 0 && int(subst[0].start) == i {
			sym := phraseSymbol(subst[0].list)
			dst, groups = appendSymbol(dst, groups, sym, copies)
			hw = append(hw, sym)
			i = int(subst[0].end) - 1
			subst = subst[1:]
			continue
		}
		t := toks[i]
		w := normWord(t.Text)
		dst = append(dst, hashString(tagUni, w))
		groups = append(groups, groupWord)
		hw = append(hw, hashString(fnvOffset, w))

		rs = rs[:0]
		rs = append(rs, '\x02')
		for _, r := range w {
			rs = append(rs, r)
		}
		rs = append(rs, '\x03')
		for n := spec.minN; n <= spec.maxN; n++ {
			for i := 0; i+n <= len(rs); i++ {
				if n == len(rs) && n > 2 {
					break // the whole word is already a unigram
				}
				h := tagChar
				for _, r := range rs[i : i+n] {
					h ^= uint64(r)
					h *= fnvPrime
				}
				dst = append(dst, h)
				groups = append(groups, groupChar)
			}
		}
	}
	hw = append(hw, hashString(fnvOffset, "\x03"))
	for n := 2; n <= spec.wordN; n++ {
		for i := 0; i+n <= len(hw); i++ {
			h := tagBi + uint64(n)
			for _, x := range hw[i : i+n] {
				h = mix(h, x)
			}
			dst = append(dst, h)
			groups = append(groups, groupBigram)
		}
	}
	if spec.crossChar > 0 {
		// Character n-grams that span a word boundary: the end of one word, a
		// space, the start of the next.
		rs = rs[:0]
		for i, t := range toks {
			if i > 0 {
				rs = append(rs, ' ')
			}
			rs = append(rs, []rune(normWord(t.Text))...)
		}
		for n := 3; n <= spec.crossChar; n++ {
			for i := 0; i+n <= len(rs); i++ {
				sp := false
				for _, r := range rs[i+1 : i+n-1] {
					sp = sp || r == ' '
				}
				if !sp {
					continue
				}
				h := tagChar + 1
				for _, r := range rs[i : i+n] {
					h ^= uint64(r)
					h *= fnvPrime
				}
				dst = append(dst, h)
				groups = append(groups, groupChar)
			}
		}
	}
	return dst, groups
}
