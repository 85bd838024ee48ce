package nlu

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// tagger is an averaged-perceptron BIO sequence tagger with first-order
// transitions and Viterbi decoding under BIO constraints. Tag 0 is O; a
// category c has B = 1+2c and I = 2+2c.
type tagger struct {
	cats []string
	// Emission weights, sparse per feature: row r holds (tag, weight) pairs
	// rowTag/rowW[rowOff[r]:rowOff[r+1]].
	hashes []uint64
	rowOff []int32
	rowTag []uint16
	rowW   []float32
	trans  []float32 // (numTags+1) x numTags: from tag (numTags = start) to tag
	final  []float32 // tag -> end of sentence
	gaz    gazetteer
	index  rowIndex // hash -> row, rebuilt on load
	// exp(trans) (0 where BIO forbids the transition) and exp(final), both
	// shifted by the largest weight; rebuilt on load.
	expTrans, expFinal []float64
	phrases            *phraseSet // the model's phrase lists; nil when it has none
	// Prediction settings of the model's Tuning.
	intentFeatures bool    // the intent is a feature (Tuning.TaggerIntent)
	outsideBias    float32 // Tuning.OutsideBias
	// intentCats lists, per intent, the categories labelled in its
	// training utterances, sorted (Tuning.TaggerIntentTags); nil when the
	// tagger decodes every category.
	intentCats map[string][]int32
}

// lattice is the part of the tag set a sentence is decoded over: O and the
// B and I tags of some categories, in their order, with the transition
// tables restricted to them. tags[k] is the tagger's tag of lattice tag k.
// Its slices are reused from one sentence to the next.
type lattice struct {
	tags               []int
	em                 []float32
	trans, final       []float32
	expTrans, expFinal []float64
}

// restrict fills l with the lattice of cats for emissions em (n x T) and
// the transitions trans/final (and their exponentials when expTrans is not
// nil). It returns the lattice's number of tags.
func (l *lattice) restrict(cats []int32, em []float32, n, T int, trans, final []float32, expTrans, expFinal []float64) int {
	l.tags = append(l.tags[:0], 0)
	for _, c := range cats {
		l.tags = append(l.tags, 1+2*int(c), 2+2*int(c))
	}
	k := len(l.tags)
	l.em = grow(l.em, n*k)
	for i := range n {
		for a, t := range l.tags {
			l.em[i*k+a] = em[i*T+t]
		}
	}
	l.trans, l.final = grow(l.trans, (k+1)*k), grow(l.final, k)
	from := func(a int) int { // the full tag of lattice row a; k is the start
		if a == k {
			return T
		}
		return l.tags[a]
	}
	for a := 0; a <= k; a++ {
		for b, t := range l.tags {
			l.trans[a*k+b] = trans[from(a)*T+t]
		}
	}
	for b, t := range l.tags {
		l.final[b] = final[t]
	}
	if expTrans != nil {
		l.expTrans, l.expFinal = grow(l.expTrans, (k+1)*k), grow(l.expFinal, k)
		for a := 0; a <= k; a++ {
			for b, t := range l.tags {
				l.expTrans[a*k+b] = expTrans[from(a)*T+t]
			}
		}
		for b, t := range l.tags {
			l.expFinal[b] = expFinal[t]
		}
	}
	return k
}

func (tg *tagger) setTuning(t Tuning) {
	tg.intentFeatures, tg.outsideBias = t.TaggerIntent, t.OutsideBias
}

// intentKey is the feature hash of an intent for the tagger, 0 (no intent
// features) when the tagger does not use them.
func (tg *tagger) intentKey(intent string) uint64 {
	if !tg.intentFeatures || intent == "" {
		return 0
	}
	return mix(tagIntent, hashString(fnvOffset, intent))
}

func (tg *tagger) numTags() int { return 1 + 2*len(tg.cats) }

// gazetteer holds the lower-cased token sequences of the training spans (and
// of list synonyms) with their categories.
type gazetteer struct {
	keys   []uint64 // sorted; a key may repeat with several categories
	cats   []int32
	maxLen int
}

// gazKey hashes the normalised words of a token sequence.
func gazStep(h uint64, word string) uint64 { return mix(h, hashString(fnvOffset, word)) }

const gazSeed = 0x67617a6574746572

func (g *gazetteer) lookup(key uint64) []int32 {
	i, ok := slices.BinarySearch(g.keys, key)
	if !ok {
		return nil
	}
	j := i
	for j < len(g.keys) && g.keys[j] == key {
		j++
	}
	return g.cats[i:j]
}

// gazMatch is one gazetteer match of tokens [start, end).
type gazMatch struct {
	start, end int
	cat        int32
}

// matches returns every gazetteer match in the words (all lengths, all
// positions, overlapping). visible, if set, filters entries while training.
func (g *gazetteer) matches(words []string, lookup func(uint64) []int32) []gazMatch {
	var out []gazMatch
	for i := range words {
		h := uint64(gazSeed)
		for j := i; j < len(words) && j-i < g.maxLen; j++ {
			h = gazStep(h, words[j])
			for _, c := range lookup(h) {
				out = append(out, gazMatch{i, j + 1, c})
			}
		}
	}
	return out
}

var (
	tagBias    = hashTag("bias")
	tagW       = hashTag("w")
	tagShape   = hashTag("shape")
	tagPre     = hashTag("pre")
	tagSuf     = hashTag("suf")
	tagWm1     = hashTag("w-1")
	tagWp1     = hashTag("w+1")
	tagWm2     = hashTag("w-2")
	tagWp2     = hashTag("w+2")
	tagBm1     = hashTag("b-1")
	tagBp1     = hashTag("b+1")
	tagSm1     = hashTag("s-1")
	tagSp1     = hashTag("s+1")
	tagGazB    = hashTag("gB")
	tagGazI    = hashTag("gI")
	tagGazL    = hashTag("gL")
	tagGazU    = hashTag("gU")
	tagGazP    = hashTag("g-1")
	tagGazN    = hashTag("g+1")
	tagIntent  = hashTag("intent")
	tagIntentW = hashTag("intent-w")
)

// shape maps a word to its character classes, runs collapsed: "McDonald's"
// gives "XxXx'x", "2019" gives "d".
func shape(s string) string {
	var b strings.Builder
	var last byte
	for _, r := range s {
		var c byte
		switch {
		case unicode.IsUpper(r):
			c = 'X'
		case unicode.IsLower(r):
			c = 'x'
		case unicode.IsDigit(r):
			c = 'd'
		case unicode.IsLetter(r):
			c = 'l'
		case r < utf8.RuneSelf:
			c = byte(r)
		default:
			c = '*'
		}
		if c != last {
			b.WriteByte(c)
			last = c
		}
	}
	return b.String()
}

// tokenFeatures returns the feature hashes of every token of a sentence.
// sub, when not nil, gives the word of a token that stands for a phrase
// list ("" for the others): it replaces the token's word in every word
// feature, and the token has no prefix and suffix features. intent, when
// not 0, is the sentence's intent key (intentKey): every token has it, alone
// and with its word.
func tokenFeatures(toks []token, gm []gazMatch, cats int, sub []string, intent uint64) [][]uint64 {
	n := len(toks)
	words := make([]string, n+4)
	shapes := make([]string, n+4)
	words[0], words[1], words[n+2], words[n+3] = "<s2>", "<s>", "</s>", "</s2>"
	shapes[1], shapes[n+2] = "<s>", "</s>"
	for i, t := range toks {
		words[i+2] = normWord(t.Text)
		if sub != nil && sub[i] != "" {
			words[i+2] = sub[i]
		}
		shapes[i+2] = shape(t.Text)
	}
	hw := make([]uint64, len(words))
	for i, w := range words {
		hw[i] = hashString(fnvOffset, w)
	}
	out := make([][]uint64, n)
	var offs []int
	for i := range toks {
		p := i + 2
		f := make([]uint64, 0, 32)
		f = append(f, tagBias,
			mix(tagW, hw[p]),
			mix(tagShape, hashString(fnvOffset, shapes[p])),
			mix(tagWm1, hw[p-1]), mix(tagWp1, hw[p+1]),
			mix(tagWm2, hw[p-2]), mix(tagWp2, hw[p+2]),
			mix(tagBm1, mix(hw[p-1], hw[p])), mix(tagBp1, mix(hw[p], hw[p+1])),
			mix(tagSm1, hashString(hashString(fnvOffset, shapes[p-1]), shapes[p])),
			mix(tagSp1, hashString(hashString(fnvOffset, shapes[p]), shapes[p+1])),
		)
		// Prefixes and suffixes of up to 4 runes, shorter than the word,
		// hashed in place: offs holds the byte offset of each rune.
		w := words[p]
		offs = offs[:0]
		if sub == nil || sub[i] == "" {
			for o := range w {
				offs = append(offs, o)
			}
		}
		for k := 1; k <= 4 && k < len(offs); k++ {
			f = append(f, mix(tagPre+uint64(k), hashString(fnvOffset, w[:offs[k]])))
			f = append(f, mix(tagSuf+uint64(k), hashString(fnvOffset, w[offs[len(offs)-k]:])))
		}
		if intent != 0 {
			f = append(f, intent, mix(tagIntentW, mix(intent, hw[p])))
		}
		out[i] = f
	}
	for _, m := range gm {
		c := uint64(m.cat)
		if m.end-m.start == 1 {
			out[m.start] = append(out[m.start], mix(tagGazU, c))
		} else {
			out[m.start] = append(out[m.start], mix(tagGazB, c))
			for i := m.start + 1; i < m.end-1; i++ {
				out[i] = append(out[i], mix(tagGazI, c))
			}
			out[m.end-1] = append(out[m.end-1], mix(tagGazL, c))
		}
		if m.start > 0 {
			out[m.start-1] = append(out[m.start-1], mix(tagGazN, c))
		}
		if m.end < n {
			out[m.end] = append(out[m.end], mix(tagGazP, c))
		}
	}
	return out
}

// allowed reports whether tag b may follow tag a (a == numTags is the start).
func allowed(a, b int) bool {
	if b == 0 || b%2 == 1 {
		return true // O and B-x follow anything
	}
	return a == b || a == b-1 // I-x follows B-x or I-x
}

// viterbi returns the best tag sequence for emission scores em (n x T),
// in scratch's memory when scratch is not nil.
func viterbi(em []float32, n, T int, trans, final []float32, scratch *tagScratch) []int {
	if n == 0 {
		return nil
	}
	var score []float32
	var back []int32
	var path []int
	if scratch != nil {
		score, back, path = scratch.viterbi(n, T)
	} else {
		score, back, path = make([]float32, n*T), make([]int32, n*T), make([]int, n)
	}
	negInf := float32(math.Inf(-1))
	for t := range T {
		if allowed(T, t) {
			score[t] = em[t] + trans[T*T+t]
		} else {
			score[t] = negInf
		}
	}
	// The range of the transitions into O and B-x, to skip the tags that
	// cannot be the best predecessor of any of them.
	tMin, tMax := float32(math.Inf(1)), float32(math.Inf(-1))
	for a := range T {
		row := trans[a*T : (a+1)*T]
		for t := 0; t < T; t = nextOB(t) {
			tMin, tMax = min(tMin, row[t]), max(tMax, row[t])
		}
	}
	for i := 1; i < n; i++ {
		prev := score[(i-1)*T : i*T]
		cur := score[i*T : (i+1)*T]
		bk := back[i*T : (i+1)*T]
		// O and B-x follow any tag: sweep the rows of trans in order (the
		// first best a wins ties, as a column scan would), so that trans is
		// read contiguously. A tag a with prev[a]+tMax < max(prev)+tMin
		// loses to the best previous tag for every t, so it is skipped,
		// which changes no result. I-x follows only B-x and I-x.
		bound := slices.Max(prev) + tMin // float32 rounding is monotonic: the test is exact
		row := trans[:T]
		for t := 0; t < T; t = nextOB(t) {
			cur[t], bk[t] = prev[0]+row[t], 0
		}
		for a := 1; a < T; a++ {
			pa := prev[a]
			if pa+tMax < bound || math.IsInf(float64(pa), -1) {
				continue
			}
			row := trans[a*T : (a+1)*T]
			for t := 0; t < T; t = nextOB(t) {
				if s := pa + row[t]; s > cur[t] {
					cur[t], bk[t] = s, int32(a)
				}
			}
		}
		for t := 2; t < T; t += 2 {
			best, arg := negInf, int32(0)
			for _, a := range [2]int{t - 1, t} {
				if s := prev[a] + trans[a*T+t]; s > best {
					best, arg = s, int32(a)
				}
			}
			cur[t], bk[t] = best, arg
		}
		for t := range cur {
			cur[t] += em[i*T+t]
		}
	}
	last := score[(n-1)*T : n*T]
	best, arg := negInf, 0
	for t := range T {
		if s := last[t] + final[t]; s > best {
			best, arg = s, t
		}
	}
	path[n-1] = arg
	for i := n - 1; i > 0; i-- {
		path[i-1] = int(back[i*T+path[i]])
	}
	return path
}

// nextOB returns the O or B tag after tag t: 0, 1, 3, 5, ...
func nextOB(t int) int {
	if t == 0 {
		return 1
	}
	return t + 2
}

// goldTags converts the spans of an example into BIO tags over its tokens.
// A span that does not start and end on token boundaries is widened to the
// tokens it touches.
func goldTags(toks []token, spans []Span, catIndex map[string]int) []int {
	tags := make([]int, len(toks))
	for _, s := range spans {
		c, ok := catIndex[s.Category]
		if !ok || s.Length <= 0 {
			continue
		}
		first := true
		for i, t := range toks {
			if t.Off+t.Len <= s.Offset || t.Off >= s.Offset+s.Length {
				continue
			}
			if tags[i] != 0 {
				break // labels never overlap in valid data; keep the first
			}
			if first {
				tags[i] = 1 + 2*c
				first = false
			} else {
				tags[i] = 2 + 2*c
			}
		}
	}
	return tags
}

const gazFolds = 5

// tagWeight is a training weight of the tagger for one feature and tag,
// with the sum of its count-weighted updates (averaged perceptron).
type tagWeight struct {
	tag uint16
	w   float32
	u   float64
}

// trainTagger trains the entity tagger on the labelled spans. pms holds the
// phrase-list matches of each document (nil without phrase lists). It
// returns nil when no example has a span of a known category.
func trainTagger(ctx context.Context, exs []Example, docs [][]token, pms [][]phraseMatch, phrases *phraseSet, defs []EntityDef, o Options, report func(float64)) (*tagger, error) {
	tg := &tagger{phrases: phrases}
	tg.setTuning(*o.Tuning)
	restrict := o.Tuning.TaggerIntentTags
	catIndex := map[string]int{}
	addCat := func(name string) {
		if _, ok := catIndex[name]; !ok {
			catIndex[name] = len(tg.cats)
			tg.cats = append(tg.cats, name)
		}
	}
	labelled := map[string]bool{}
	for _, ex := range exs {
		for _, s := range ex.Spans {
			labelled[s.Category] = true
		}
	}
	for _, d := range defs {
		if labelled[d.Category] {
			addCat(d.Category)
		}
	}
	for _, ex := range exs {
		for _, s := range ex.Spans {
			addCat(s.Category)
		}
	}
	if len(tg.cats) == 0 || len(tg.cats) > 30000 {
		report(1)
		return nil, nil
	}
	T := tg.numTags()

	// Gazetteer: every labelled span, remembering which folds it came from,
	// plus list synonyms (visible to every fold).
	type entry struct {
		key   uint64
		cat   int32
		folds uint8
	}
	seen := map[[2]uint64]int{}
	var entries []entry
	add := func(words []string, cat int, folds uint8) {
		if len(words) == 0 {
			return
		}
		h := uint64(gazSeed)
		for _, w := range words {
			h = gazStep(h, w)
		}
		k := [2]uint64{h, uint64(cat)}
		if i, ok := seen[k]; ok {
			entries[i].folds |= folds
			return
		}
		seen[k] = len(entries)
		entries = append(entries, entry{h, int32(cat), folds})
		tg.gaz.maxLen = max(tg.gaz.maxLen, len(words))
	}
	golds := make([][]int, len(exs))
	expanded := map[[3]int32]bool{} // list, tag, fold: phrases already added
	for i, ex := range exs {
		toks := docs[i]
		golds[i] = goldTags(toks, ex.Spans, catIndex)
		if restrict {
			if tg.intentCats == nil {
				tg.intentCats = map[string][]int32{}
			}
			cs := tg.intentCats[ex.Intent]
			for _, t := range golds[i] {
				if c := int32((t - 1) / 2); t != 0 && !slices.Contains(cs, c) {
					cs = append(cs, c)
				}
			}
			tg.intentCats[ex.Intent] = cs
		}
		var subst []phraseMatch
		if pms != nil {
			subst = phrases.substitutions(pms[i])
		}
		for a := 0; a < len(toks); a++ {
			t := golds[i][a]
			if t == 0 || t%2 == 0 {
				continue
			}
			b := a + 1
			for b < len(toks) && golds[i][b] == t+1 {
				b++
			}
			words := make([]string, 0, b-a)
			for _, tk := range toks[a:b] {
				words = append(words, normWord(tk.Text))
			}
			add(words, (t-1)/2, 1<<(i%gazFolds))
			// A span that is a phrase of an interchangeable list makes every
			// phrase of the list a value of the entity: they are synonyms.
			for _, m := range subst {
				k := [3]int32{m.list, int32(t), int32(i % gazFolds)}
				if int(m.start) == a && int(m.end) == b && !expanded[k] {
					expanded[k] = true
					for _, ph := range phrases.lists[m.list].phrases {
						ws := make([]string, len(ph))
						for k, w := range ph {
							ws[k] = normWord(w)
						}
						add(ws, (t-1)/2, 1<<(i%gazFolds))
					}
				}
			}
		}
	}
	for _, d := range defs {
		c, ok := catIndex[d.Category]
		if !ok || d.List == nil {
			continue
		}
		for _, sl := range d.List.Sublists {
			for _, v := range listValues(sl, "") {
				var words []string
				for _, tk := range foldOf(o).apply(tokenize(v)) {
					words = append(words, normWord(tk.Text))
				}
				add(words, c, 0xFF)
			}
		}
	}
	tg.gaz.maxLen = min(tg.gaz.maxLen, 12)
	slices.SortFunc(entries, func(a, b entry) int {
		if a.key != b.key {
			if a.key < b.key {
				return -1
			}
			return 1
		}
		return int(a.cat - b.cat)
	})
	for _, e := range entries {
		tg.gaz.keys = append(tg.gaz.keys, e.key)
		tg.gaz.cats = append(tg.gaz.cats, e.cat)
	}

	// Features of every training sentence; the gazetteer hides the entries
	// that come only from the sentence's own fold.
	feats := make([][][]int32, len(exs))
	var wRows int
	for i := range exs {
		fold := uint8(1) << (i % gazFolds)
		lookup := func(h uint64) []int32 {
			a, ok := slices.BinarySearchFunc(entries, h, func(e entry, h uint64) int {
				if e.key < h {
					return -1
				} else if e.key > h {
					return 1
				}
				return 0
			})
			if !ok {
				return nil
			}
			var cs []int32
			for ; a < len(entries) && entries[a].key == h; a++ {
				if entries[a].folds&^fold != 0 {
					cs = append(cs, entries[a].cat)
				}
			}
			return cs
		}
		words := make([]string, len(docs[i]))
		for j, t := range docs[i] {
			words[j] = normWord(t.Text)
		}
		var sub []string
		if pms != nil && len(pms[i]) > 0 {
			sub = phrases.tagWords(len(docs[i]), pms[i])
		}
		hs := tokenFeatures(docs[i], tg.gaz.matches(words, lookup), len(tg.cats), sub, tg.intentKey(exs[i].Intent))
		if pms != nil && len(pms[i]) > 0 {
			phrases.tagFeatures(hs, pms[i])
		}
		rows := make([][]int32, len(hs))
		for j, fs := range hs {
			rows[j] = make([]int32, len(fs))
			for a, h := range fs {
				r, ok := tg.index.get(tg.hashes, h)
				if !ok {
					r = int32(len(tg.hashes))
					tg.hashes = append(tg.hashes, h)
					tg.index.add(tg.hashes, r)
				}
				rows[j][a] = r
			}
		}
		feats[i] = rows
		if i%1024 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	wRows = len(tg.hashes)

	// Averaged perceptron: w holds the current weights, u the sum of
	// count-weighted updates; the average is w - u/count. The emission
	// weights are sparse, a row holding only the tags it was ever updated
	// for: most features meet few tags, and a dense rows x tags table of a
	// SNIPS-sized training took some 200 MB. The sums are those of the dense
	// table (the missing entries are zeros).
	ws := make([][]tagWeight, wRows)
	tw := make([]float32, (T+1)*T+T) // transitions then finals
	tu := make([]float64, len(tw))
	rng := rand.New(rand.NewPCG(uint64(o.Seed), 0x7461676765720000))
	order := make([]int, len(exs))
	for i := range order {
		order[i] = i
	}
	for _, cs := range tg.intentCats {
		slices.Sort(cs)
	}
	count := 1.0
	var em []float32
	var lat lattice
	for epoch := range o.TaggerEpochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for k, i := range order {
			if k%512 == 0 && ctx.Err() != nil {
				return nil, ctx.Err()
			}
			rows := feats[i]
			n := len(rows)
			if n == 0 {
				continue
			}
			em = slices.Grow(em[:0], n*T)[:n*T]
			clear(em)
			for j, rs := range rows {
				e := em[j*T : (j+1)*T]
				for _, r := range rs {
					for _, x := range ws[r] {
						e[x.tag] += x.w
					}
				}
			}
			var pred []int
			if restrict {
				cats := tg.intentCats[exs[i].Intent]
				k := lat.restrict(cats, em, n, T, tw[:(T+1)*T], tw[(T+1)*T:], nil, nil)
				pred = viterbi(lat.em, n, k, lat.trans, lat.final, nil)
				for j, t := range pred {
					pred[j] = lat.tags[t]
				}
			} else {
				pred = viterbi(em, n, T, tw[:(T+1)*T], tw[(T+1)*T:], nil)
			}
			gold := golds[i]
			upd := func(arr []float32, acc []float64, idx int, d float32) {
				arr[idx] += d
				acc[idx] += count * float64(d)
			}
			updW := func(r int32, tag int, d float32) {
				row := ws[r]
				i := slices.IndexFunc(row, func(x tagWeight) bool { return int(x.tag) == tag })
				if i < 0 {
					i = len(row)
					ws[r] = append(row, tagWeight{tag: uint16(tag)})
				}
				ws[r][i].w += d
				ws[r][i].u += count * float64(d)
			}
			for j := range n {
				if pred[j] != gold[j] {
					for _, r := range rows[j] {
						updW(r, gold[j], 1)
						updW(r, pred[j], -1)
					}
				}
				pg, pp := T, T
				if j > 0 {
					pg, pp = gold[j-1], pred[j-1]
				}
				if pg != pp || gold[j] != pred[j] {
					upd(tw, tu, pg*T+gold[j], 1)
					upd(tw, tu, pp*T+pred[j], -1)
				}
			}
			if gold[n-1] != pred[n-1] {
				upd(tw, tu, (T+1)*T+gold[n-1], 1)
				upd(tw, tu, (T+1)*T+pred[n-1], -1)
			}
			count++
		}
		report(float64(epoch+1) / float64(o.TaggerEpochs))
	}

	// Average and keep the non-zero weights.
	tg.rowOff = make([]int32, 1, wRows+1)
	keep := tg.hashes[:0]
	for r := range wRows {
		start := len(tg.rowTag)
		row := ws[r]
		slices.SortFunc(row, func(a, b tagWeight) int { return int(a.tag) - int(b.tag) })
		for _, x := range row {
			v := float32(float64(x.w) - x.u/count)
			if v != 0 {
				tg.rowTag = append(tg.rowTag, x.tag)
				tg.rowW = append(tg.rowW, v)
			}
		}
		ws[r] = nil
		if len(tg.rowTag) > start {
			keep = append(keep, tg.hashes[r])
			tg.rowOff = append(tg.rowOff, int32(len(tg.rowTag)))
		}
	}
	tg.hashes = slices.Clip(keep)
	tg.trans = make([]float32, (T+1)*T)
	tg.final = make([]float32, T)
	for a := range tw {
		v := float32(float64(tw[a]) - tu[a]/count)
		if a < len(tg.trans) {
			tg.trans[a] = v
		} else {
			tg.final[a-len(tg.trans)] = v
		}
	}
	tg.buildIndex()
	return tg, nil
}

// buildIndex prepares the derived tables that are not stored in the blob.
func (tg *tagger) buildIndex() {
	tg.index = newRowIndex(tg.hashes)
	T := tg.numTags()
	tmax := float32(math.Inf(-1))
	for _, v := range tg.trans {
		tmax = max(tmax, v)
	}
	for _, v := range tg.final {
		tmax = max(tmax, v)
	}
	tg.expTrans = make([]float64, len(tg.trans))
	for a := 0; a <= T; a++ {
		for t := range T {
			if allowed(a, t) {
				tg.expTrans[a*T+t] = math.Exp(float64(tg.trans[a*T+t] - tmax))
			}
		}
	}
	tg.expFinal = make([]float64, T)
	for t, v := range tg.final {
		tg.expFinal[t] = math.Exp(float64(v - tmax))
	}
}

// emissions returns the emission scores of a sentence (n x T) with its
// phrase-list matches pm.
func (tg *tagger) emissions(toks []token, pm []phraseMatch, intent string, scratch *tagScratch) []float32 {
	T := tg.numTags()
	words := make([]string, len(toks))
	for j, t := range toks {
		words[j] = normWord(t.Text)
	}
	var sub []string
	if len(pm) > 0 {
		sub = tg.phrases.tagWords(len(toks), pm)
	}
	fs := tokenFeatures(toks, tg.gaz.matches(words, tg.gaz.lookup), len(tg.cats), sub, tg.intentKey(intent))
	if len(pm) > 0 {
		tg.phrases.tagFeatures(fs, pm)
	}
	em := scratch.emissions(len(toks), T)
	for j, hs := range fs {
		e := em[j*T : (j+1)*T]
		for _, h := range hs {
			r, ok := tg.index.get(tg.hashes, h)
			if !ok {
				continue
			}
			for p := tg.rowOff[r]; p < tg.rowOff[r+1]; p++ {
				e[tg.rowTag[p]] += tg.rowW[p]
			}
		}
		if tg.outsideBias != 0 {
			e[0] -= tg.outsideBias
		}
	}
	return em
}

// predict returns the learned entity spans of a sentence, with its
// phrase-list matches pm, each scored by the smallest marginal probability
// of its tags.
func (tg *tagger) predict(toks []token, pm []phraseMatch, intent string) []Entity {
	n := len(toks)
	if n == 0 {
		return nil
	}
	T := tg.numTags()
	var cats []int32
	if tg.intentCats != nil {
		if cats = tg.intentCats[intent]; len(cats) == 0 {
			return nil // the intent has no entities
		}
	}
	scratch := getTagScratch()
	defer putTagScratch(scratch)
	em := tg.emissions(toks, pm, intent, scratch)
	var path []int
	var marg []float64
	if cats == nil {
		path = viterbi(em, n, T, tg.trans, tg.final, scratch)
		if !slices.ContainsFunc(path, func(t int) bool { return t != 0 }) {
			return nil
		}
		marg = marginals(em, n, T, tg.expTrans, tg.expFinal, scratch)
	} else {
		// Decode over the intent's lattice, then map its tags back: the
		// marginals are kept at the full tags' places.
		l := &scratch.lat
		k := l.restrict(cats, em, n, T, tg.trans, tg.final, tg.expTrans, tg.expFinal)
		path = viterbi(l.em, n, k, l.trans, l.final, scratch)
		if !slices.ContainsFunc(path, func(t int) bool { return t != 0 }) {
			return nil
		}
		lm := marginals(l.em, n, k, l.expTrans, l.expFinal, scratch)
		full := grow(scratch.full, n*T)
		for i := range n {
			for a, t := range l.tags {
				full[i*T+t] = lm[i*k+a]
			}
		}
		scratch.full = full
		for i, t := range path {
			path[i] = l.tags[t]
		}
		marg = full
	}
	var out []Entity
	for a := 0; a < n; a++ {
		t := path[a]
		if t == 0 {
			continue
		}
		p := marg[a*T+t]
		b := a + 1
		for b < n && path[b] == 2+2*((t-1)/2) {
			p = min(p, marg[b*T+path[b]])
			b++
		}
		out = append(out, Entity{
			Category: tg.cats[(t-1)/2],
			Offset:   toks[a].Off,
			Length:   toks[b-1].Off + toks[b-1].Len - toks[a].Off,
			Score:    p,
		})
		a = b - 1
	}
	return out
}

// marginals runs forward-backward over the same constrained lattice as
// viterbi and returns P(tag at i = t) (n x T). tr and final are the
// exponentiated transition weights. It works in probability space with
// every row rescaled, which is exact because every path takes one emission
// per position and the same number of transitions.
//
// The result is in scratch's memory: it is valid until scratch is used again.
func marginals(em []float32, n, T int, tr, final []float64, scratch *tagScratch) []float64 {
	e, alpha, beta, next := scratch.marginals(n, T)
	for i := range n {
		row := em[i*T : (i+1)*T]
		m := slices.Max(row)
		for t, v := range row {
			e[i*T+t] = math.Exp(float64(v - m))
		}
	}
	normalize := func(v []float64) {
		var s float64
		for _, x := range v {
			s += x
		}
		if s > 0 {
			for i := range v {
				v[i] /= s
			}
		}
	}
	for t := range T {
		alpha[t] = e[t] * tr[T*T+t]
	}
	normalize(alpha[:T])
	// Only allowed transitions are summed, in the order of a sum over every
	// tag, so the sums are those of the dense loops (the others add exact
	// zeros): O and B-x come from any tag, I-x from B-x and I-x.
	for i := 1; i < n; i++ {
		prev, cur := alpha[(i-1)*T:i*T], alpha[i*T:(i+1)*T]
		for a, pa := range prev {
			if pa == 0 {
				continue
			}
			row := tr[a*T : (a+1)*T]
			for t := 0; t < T; t = nextOB(t) {
				cur[t] += pa * row[t]
			}
		}
		for t := 2; t < T; t += 2 {
			cur[t] = prev[t-1]*tr[(t-1)*T+t] + prev[t]*tr[t*T+t]
		}
		for t := range cur {
			cur[t] *= e[i*T+t]
		}
		normalize(cur)
	}
	copy(beta[(n-1)*T:], final)
	normalize(beta[(n-1)*T:])
	for i := n - 2; i >= 0; i-- {
		for t := range T {
			next[t] = e[(i+1)*T+t] * beta[(i+1)*T+t]
		}
		cur := beta[i*T : (i+1)*T]
		for a := range T {
			row := tr[a*T : (a+1)*T]
			iTag := -1 // the I tag a may move to
			if a != 0 {
				iTag = 2 + 2*((a-1)/2)
			}
			s := row[0] * next[0]
			for t := 1; t < T; t += 2 {
				s += row[t] * next[t]
				if t+1 == iTag {
					s += row[t+1] * next[t+1]
				}
			}
			cur[a] = s
		}
		normalize(cur)
	}
	out := e // the emissions are read no more
	for i := range n {
		for t := range T {
			out[i*T+t] = alpha[i*T+t] * beta[i*T+t]
		}
		normalize(out[i*T : (i+1)*T])
	}
	return out
}

// tagScratch is the memory of one prediction's tagging: the emission,
// Viterbi and forward-backward arrays, reused across predictions through
// tagScratchPool so that tagging allocates nothing in the steady state.
type tagScratch struct {
	f32  []float32
	i32  []int32
	ints []int
	f64  []float64
	lat  lattice   // the restricted lattice (Tuning.TaggerIntentTags)
	full []float64 // its marginals at the full tags' places
}

var tagScratchPool = sync.Pool{New: func() any { return new(tagScratch) }}

// maxPooledScratch is the largest scratch (in float64s) kept for reuse: a
// rare very long query does not pin its memory.
const maxPooledScratch = 1 << 17

func getTagScratch() *tagScratch { return tagScratchPool.Get().(*tagScratch) }

func putTagScratch(s *tagScratch) {
	if cap(s.f64) <= maxPooledScratch && cap(s.f32) <= 2*maxPooledScratch {
		tagScratchPool.Put(s)
	}
}

func grow[T any](b []T, n int) []T {
	if cap(b) < n {
		return make([]T, n)
	}
	return b[:n]
}

// emissions returns zeroed room for n x T emission scores.
func (s *tagScratch) emissions(n, T int) []float32 {
	s.f32 = grow(s.f32, 2*n*T)
	em := s.f32[:n*T]
	clear(em)
	return em
}

// viterbi returns Viterbi's score, back-pointer and path arrays; score is
// the second half of f32, after the emissions.
func (s *tagScratch) viterbi(n, T int) ([]float32, []int32, []int) {
	s.f32 = grow(s.f32, 2*n*T)
	s.i32 = grow(s.i32, n*T)
	s.ints = grow(s.ints, n)
	return s.f32[n*T : 2*n*T], s.i32, s.ints
}

// marginals returns forward-backward's arrays, alpha and beta zeroed.
func (s *tagScratch) marginals(n, T int) (e, alpha, beta, next []float64) {
	s.f64 = grow(s.f64, 3*n*T+T)
	clear(s.f64)
	return s.f64[:n*T], s.f64[n*T : 2*n*T], s.f64[2*n*T : 3*n*T], s.f64[3*n*T:]
}
