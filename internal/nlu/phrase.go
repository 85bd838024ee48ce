package nlu

import (
	"fmt"
	"strconv"
	"strings"
)

// Limits of the phrase lists of one training (TrainingData.PhraseLists).
// Train refuses data over them with an error that names the list and, where
// it applies, the phrase; CheckPhraseLists applies the same checks, so that
// an import can refuse such a project before it is trained. The counts of
// phrases are of the phrases as given, before empty and duplicate ones are
// dropped. The first three are LUIS's own limits for an application, so a
// LUIS application that LUIS accepted is never refused for its counts.
const (
	// MaxPhraseLists is the largest number of phrase lists of a model.
	MaxPhraseLists = 500
	// MaxPhrasesPerList is the largest number of phrases in one list.
	MaxPhrasesPerList = 50_000
	// MaxPhrases is the largest number of phrases of all the lists of a
	// model together.
	MaxPhrases = 500_000
	// MaxPhraseTokens is the largest number of tokens (as the engine
	// tokenises text) of one phrase. It bounds the work of matching: at
	// most MaxPhraseTokens trie steps per token of the query.
	MaxPhraseTokens = 16
)

// CheckPhraseLists reports whether Train accepts lists: at most
// MaxPhraseLists lists, MaxPhrasesPerList phrases in each, MaxPhrases in
// all, and no phrase longer than MaxPhraseTokens tokens. Phrases with no
// tokens (empty, or only spaces) are accepted and ignored.
func CheckPhraseLists(lists []PhraseList) error {
	if len(lists) > MaxPhraseLists {
		return fmt.Errorf("nlu: %d phrase lists, more than the %d allowed", len(lists), MaxPhraseLists)
	}
	total := 0
	for i, l := range lists {
		if len(l.Phrases) > MaxPhrasesPerList {
			return fmt.Errorf("nlu: phrase list %d (%q): %d phrases, more than the %d allowed", i, l.Name, len(l.Phrases), MaxPhrasesPerList)
		}
		total += len(l.Phrases)
		if total > MaxPhrases {
			return fmt.Errorf("nlu: phrase lists: more than the %d phrases allowed in all", MaxPhrases)
		}
		for _, p := range l.Phrases {
			if n := len(tokenize(p)); n > MaxPhraseTokens {
				return fmt.Errorf("nlu: phrase list %d (%q): phrase %q has %d tokens, more than the %d allowed", i, l.Name, p, n, MaxPhraseTokens)
			}
		}
	}
	return nil
}

// phraseWord is the form of a token that phrase matching compares: the
// folded token text (Options.NormalizeCasing, FoldDiacritics), lower-cased
// whatever the folding, as list components compare it. Digits stay as they
// are: "12" does not match "13".
func phraseWord(s string) string { return listWord(s) }

// phraseList is a phrase list ready for matching: each phrase as its
// phraseWord token sequence, empty and duplicate phrases dropped.
type phraseList struct {
	name            string
	interchangeable bool
	phrases         [][]string
}

// phraseSet holds a model's phrase lists and the token trie that finds
// them in a query. The trie is not stored: it is rebuilt from the lists.
type phraseSet struct {
	lists []phraseList
	// scale is the weight of the classifier's phrase-list feature group
	// (groupPhrase), stored so that a later default leaves this model be.
	scale float32
	// copies is how many classifier features a list's symbol is (stored
	// for the same reason).
	copies int
	// Trie over phraseWord hashes: node 0 is the root; child maps
	// trieKey(node, word) to a node; ends[node] lists, sorted, the lists
	// with a phrase that ends at node.
	child map[uint64]int32
	ends  [][]int32
}

// phraseScale is the default weight of each of the classifier's
// phrase-list features, the word unigrams' weight (bigrams have 2). With
// symbolCopies of them, a match weighs about what a word with its
// character n-grams does. 0.5 lost the toy tests; 2 was no better on the
// LUIS apps.
const phraseScale = 1

// compilePhraseLists checks lists and prepares them under fold. It returns
// nil when there are no lists.
func compilePhraseLists(lists []PhraseList, fold textFold) (*phraseSet, error) {
	if err := CheckPhraseLists(lists); err != nil {
		return nil, err
	}
	if len(lists) == 0 {
		return nil, nil
	}
	p := &phraseSet{scale: phraseScale, copies: symbolCopies}
	for _, l := range lists {
		c := phraseList{name: l.Name, interchangeable: l.Interchangeable}
		seen := map[string]bool{}
		for _, ph := range l.Phrases {
			toks := fold.apply(tokenize(ph))
			if len(toks) == 0 {
				continue
			}
			words := make([]string, len(toks))
			for i, t := range toks {
				words[i] = phraseWord(t.Text)
			}
			k := strings.Join(words, "\x00")
			if seen[k] {
				continue
			}
			seen[k] = true
			c.phrases = append(c.phrases, words)
		}
		p.lists = append(p.lists, c)
	}
	p.buildTrie()
	return p, nil
}

const trieSeed = 0x7068726173657472

func trieKey(node int32, word uint64) uint64 { return mix(trieSeed+uint64(node), word) }

// buildTrie builds the token trie of the lists.
func (p *phraseSet) buildTrie() {
	p.child = map[uint64]int32{}
	p.ends = [][]int32{nil}
	for li, l := range p.lists {
		for _, words := range l.phrases {
			node := int32(0)
			for _, w := range words {
				k := trieKey(node, hashString(fnvOffset, w))
				next, ok := p.child[k]
				if !ok {
					next = int32(len(p.ends))
					p.child[k] = next
					p.ends = append(p.ends, nil)
				}
				node = next
			}
			// Lists are added in order, so ends[node] stays sorted.
			if e := p.ends[node]; len(e) == 0 || e[len(e)-1] != int32(li) {
				p.ends[node] = append(e, int32(li))
			}
		}
	}
}

// phraseMatch is a phrase of list list over tokens [start, end).
type phraseMatch struct {
	start, end int32
	list       int32
}

// match returns every phrase of every list found in toks: all positions,
// all lengths, overlapping, ordered by start, then end, then list. It takes
// at most MaxPhraseTokens trie steps per token. A nil set matches nothing.
func (p *phraseSet) match(toks []token) []phraseMatch {
	out, _ := p.matchSteps(toks)
	return out
}

// matchSteps is match, also returning the number of trie lookups it made.
func (p *phraseSet) matchSteps(toks []token) (out []phraseMatch, steps int) {
	if p == nil || len(toks) == 0 {
		return nil, 0
	}
	hs := make([]uint64, len(toks))
	for i, t := range toks {
		hs[i] = hashString(fnvOffset, phraseWord(t.Text))
	}
	for i := range hs {
		node := int32(0)
		for j := i; j < len(hs) && j-i < MaxPhraseTokens; j++ {
			steps++
			next, ok := p.child[trieKey(node, hs[j])]
			if !ok {
				break
			}
			node = next
			for _, l := range p.ends[node] {
				out = append(out, phraseMatch{int32(i), int32(j + 1), l})
			}
		}
	}
	return out, steps
}

// interchangeable reports whether list l is interchangeable.
func (p *phraseSet) interchangeable(l int32) bool { return p.lists[l].interchangeable }

// substitutions picks, from the matches pm (in match's order), the phrases
// of interchangeable lists that stand in for their tokens: leftmost first,
// then longest, then the list given first, and never overlapping.
func (p *phraseSet) substitutions(pm []phraseMatch) []phraseMatch {
	var out []phraseMatch
	next := int32(0) // first token not yet substituted
	for a := 0; a < len(pm); {
		b := a
		for b < len(pm) && pm[b].start == pm[a].start {
			b++
		}
		// pm[a:b] start at the same token, by end then list: take the
		// longest interchangeable one, the first list of that length.
		best := -1
		for k := a; k < b; k++ {
			if p.interchangeable(pm[k].list) && (best < 0 || pm[k].end > pm[best].end) {
				best = k
			}
		}
		if best >= 0 && pm[a].start >= next {
			out = append(out, pm[best])
			next = pm[best].end
		}
		a = b
	}
	return out
}

var tagPhrase = hashTag("pl")

// phraseSymbol is the hash of list l as a word: the feature every match of
// the list fires, and the word an interchangeable list's phrase becomes.
func phraseSymbol(l int32) uint64 { return mix(tagPhrase, uint64(l)) }

// symbolCopies is how many classifier features a list's symbol is by
// default. A word is its unigram and some twenty character n-grams, and
// feature dropout (0.7) seldom drops them all; one feature would be
// dropped at 70% of the steps and learn too little. symbolCopies features,
// each dropped on its own, make the symbol about as sure to be seen as a
// word. (8 and 16 tie on the toy tests; 16 was no worse than 4 or 8 on
// the LUIS apps of TestPhraseListQualityLUIS, within one utterance.)
const symbolCopies = 16

// appendSymbol appends the copies classifier features of a list's symbol
// sym, in groupPhrase.
func appendSymbol(dst []uint64, groups []uint8, sym uint64, copies int) ([]uint64, []uint8) {
	for k := range uint64(copies) {
		dst = append(dst, mix(sym, k))
		groups = append(groups, groupPhrase)
	}
	return dst, groups
}

// phraseSymbolWord is list l as the tagger's word: no token is a control
// character followed by letters, so it is never a real word.
func phraseSymbolWord(l int32) string { return "\x01pl" + strconv.Itoa(int(l)) }

// intentFeatures appends the classifier's features of a query with phrase
// matches pm (not empty): intentFeaturesSub over the substitutions, then
// the symbol of each other match's list, in groupPhrase. So every match
// fires its list's feature; the phrases of an interchangeable list are,
// besides, one word to the classifier (synonyms), while the phrases of the
// other lists keep their own features too.
func (p *phraseSet) intentFeatures(toks []token, pm []phraseMatch, spec featureSpec, dst []uint64, groups []uint8) ([]uint64, []uint8) {
	subst := p.substitutions(pm)
	dst, groups = intentFeaturesSub(toks, subst, p.copies, spec, dst, groups)
	for _, m := range pm {
		if len(subst) > 0 && m == subst[0] {
			subst = subst[1:]
			continue
		}
		dst, groups = appendSymbol(dst, groups, phraseSymbol(m.list), p.copies)
	}
	return dst, groups
}

// oosWords returns the out-of-scope detector's words of a query with
// phrase matches pm, rewritten as the classifier sees them: a substituted
// phrase is its list's symbol, and every other match adds its list's
// symbol, so that synonyms count as the same word.
func (p *phraseSet) oosWords(toks []token, pm []phraseMatch, dst []uint64) []uint64 {
	if len(pm) == 0 {
		return oosWords(toks, dst)
	}
	subst := p.substitutions(pm)
	s := subst
	for i := 0; i < len(toks); i++ {
		if len(s) > 0 && int(s[0].start) == i {
			dst = append(dst, phraseSymbol(s[0].list))
			i = int(s[0].end) - 1
			s = s[1:]
			continue
		}
		dst = oosWords(toks[i:i+1], dst)
	}
	for _, m := range pm {
		if len(subst) > 0 && m == subst[0] {
			subst = subst[1:]
			continue
		}
		dst = append(dst, phraseSymbol(m.list))
	}
	return dst
}

var (
	tagPhraseU = hashTag("pU") // tagger: a one-token phrase
	tagPhraseB = hashTag("pB") // tagger: the first token of a longer phrase
	tagPhraseI = hashTag("pI") // tagger: a token inside it, after the first
)

// tagWords returns, for the tagger, the word each token of a substituted
// phrase becomes (its list's symbol word), "" for the other tokens; nil
// when no phrase is substituted.
func (p *phraseSet) tagWords(n int, pm []phraseMatch) []string {
	subst := p.substitutions(pm)
	if len(subst) == 0 {
		return nil
	}
	out := make([]string, n)
	for _, m := range subst {
		for i := m.start; i < m.end; i++ {
			out[i] = phraseSymbolWord(m.list)
		}
	}
	return out
}

// tagFeatures appends the tagger's phrase-list features to the token
// features f: on the tokens of every match, its list as a one-token phrase,
// or as the beginning or inside of a longer one.
func (p *phraseSet) tagFeatures(f [][]uint64, pm []phraseMatch) {
	for _, m := range pm {
		l := uint64(m.list)
		if m.end-m.start == 1 {
			f[m.start] = append(f[m.start], mix(tagPhraseU, l))
			continue
		}
		f[m.start] = append(f[m.start], mix(tagPhraseB, l))
		for i := m.start + 1; i < m.end; i++ {
			f[i] = append(f[i], mix(tagPhraseI, l))
		}
	}
}

// encode writes the lists, the scale and the copies (the "phrases"
// section).
func (p *phraseSet) encode(e *encoder) {
	e.f32s([]float32{p.scale})
	e.uint(uint64(p.copies))
	e.uint(uint64(len(p.lists)))
	for _, l := range p.lists {
		e.str(l.name)
		if l.interchangeable {
			e.uint(1)
		} else {
			e.uint(0)
		}
		e.uint(uint64(len(l.phrases)))
		for _, words := range l.phrases {
			e.strs(words)
		}
	}
}

// decodePhrases reads what encode wrote and rebuilds the trie.
func decodePhrases(s *decoder) *phraseSet {
	p := &phraseSet{}
	sc := s.f32s()
	if len(sc) != 1 {
		s.fail("phrases")
		return nil
	}
	p.scale = sc[0]
	c := s.uint()
	if c == 0 || c > 64 {
		s.fail("phrases")
		return nil
	}
	p.copies = int(c)
	n := s.count(1)
	if n == 0 || n > MaxPhraseLists {
		s.fail("phrases")
		return nil
	}
	for range n {
		l := phraseList{name: s.str()}
		switch s.uint() {
		case 0:
		case 1:
			l.interchangeable = true
		default:
			s.fail("phrases")
		}
		for range s.count(1) {
			words := s.strs()
			if len(words) == 0 || len(words) > MaxPhraseTokens {
				s.fail("phrases")
			}
			l.phrases = append(l.phrases, words)
		}
		p.lists = append(p.lists, l)
	}
	if s.err != nil {
		return nil
	}
	p.buildTrie()
	return p
}
