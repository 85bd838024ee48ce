package nlu

import (
	"math"
	"slices"
	"sync"
)

// oosDetector scores how much a query looks like the training utterances:
// the cosine similarity of its word TF-IDF vector to the nearest training
// utterance, where words never seen in training count at the highest IDF
// (so they lower the similarity), mapped through a logistic curve fitted
// on the training data's own leave-one-out similarities.
type oosDetector struct {
	words    []uint64 // hash of each known word
	idf      []float32
	unknown  float32   // IDF of an unseen word
	postDoc  []int32   // postings, grouped by word
	postW    []float32 // weight of the word in the document
	postOff  []int32   // postings of word i: postOff[i]:postOff[i+1]
	numDocs  int       // 1 + the highest document number in the postings
	center   float32   // similarity that maps to 0.5
	width    float32   // logistic scale
	index    rowIndex  // word hash -> row of words, rebuilt on load
	scratchP sync.Pool
	phrases  *phraseSet // the model's phrase lists; nil when it has none
}

// oosWords returns the hashes of the words of a query that count for
// similarity: its word tokens, lower-cased.
func oosWords(toks []token, dst []uint64) []uint64 {
	for _, t := range toks {
		if runeKind(firstRune(t.Text)) == kindSymbol {
			continue
		}
		dst = append(dst, hashString(fnvOffset, normWord(t.Text)))
	}
	return dst
}

func firstRune(s string) rune {
	for _, r := range s {
		return r
	}
	return 0
}

// tfidf returns the query's vector over known words (sorted by word) and its
// full norm, unknown words included.
func (o *oosDetector) tfidf(ws []uint64) (idx []int32, val []float32, norm float64) {
	slices.Sort(ws)
	for i := 0; i < len(ws); {
		j := i
		for j < len(ws) && ws[j] == ws[i] {
			j++
		}
		tf := 1 + math.Log(float64(j-i))
		if r, ok := o.index.get(o.words, ws[i]); ok {
			v := float32(tf) * o.idf[r]
			idx = append(idx, r)
			val = append(val, v)
			norm += float64(v) * float64(v)
		} else {
			v := tf * float64(o.unknown)
			norm += v * v
		}
		i = j
	}
	return idx, val, math.Sqrt(norm)
}

// trainOOS fits the detector on docs; pms holds each document's
// phrase-list matches (nil without phrase lists).
func trainOOS(docs [][]token, pms [][]phraseMatch, phrases *phraseSet, exs []Example) *oosDetector {
	o := &oosDetector{phrases: phrases}
	var df []int32
	wordsOf := make([][]uint64, len(docs))
	for i, toks := range docs {
		var ws []uint64
		if pms != nil {
			ws = phrases.oosWords(toks, pms[i], nil)
		} else {
			ws = oosWords(toks, nil)
		}
		wordsOf[i] = ws
		u := slices.Clone(ws)
		slices.Sort(u)
		for _, h := range slices.Compact(u) {
			r, ok := o.index.get(o.words, h)
			if !ok {
				r = int32(len(o.words))
				o.words = append(o.words, h)
				o.index.add(o.words, r)
				df = append(df, 0)
			}
			df[r]++
		}
	}
	n := float64(len(docs))
	o.idf = make([]float32, len(df))
	for r, d := range df {
		o.idf[r] = float32(math.Log((1+n)/(1+float64(d))) + 1)
	}
	o.unknown = float32(math.Log(1+n) + 1)

	// Postings, normalised per document.
	counts := make([]int32, len(o.words)+1)
	vecs := make([]struct {
		idx []int32
		val []float32
	}, len(docs))
	for i, ws := range wordsOf {
		idx, val, norm := o.tfidf(ws)
		for a := range val {
			val[a] = float32(float64(val[a]) / norm)
		}
		vecs[i].idx, vecs[i].val = idx, val
		for _, r := range idx {
			counts[r+1]++
		}
	}
	o.postOff = make([]int32, len(o.words)+1)
	for r := range o.words {
		o.postOff[r+1] = o.postOff[r] + counts[r+1]
	}
	o.postDoc = make([]int32, o.postOff[len(o.words)])
	o.postW = make([]float32, len(o.postDoc))
	fill := slices.Clone(o.postOff[:len(o.words)])
	for d, v := range vecs {
		if len(v.idx) > 0 {
			o.numDocs = d + 1
		}
		for a, r := range v.idx {
			o.postDoc[fill[r]] = int32(d)
			o.postW[fill[r]] = v.val[a]
			fill[r]++
		}
	}

	// Leave-one-out similarity of (a sample of) the training utterances:
	// the nearest other utterance with different text.
	step := max(1, len(docs)/2000)
	var sims []float64
	sc := &oosScratch{acc: make([]float32, o.numDocs)}
	for i := 0; i < len(docs); i += step {
		s := o.nearest(wordsOf[i], sc, func(d int32) bool { return exs[d].Text == exs[i].Text })
		sims = append(sims, s)
	}
	slices.Sort(sims)
	q := func(p float64) float64 { return sims[min(len(sims)-1, int(p*float64(len(sims))))] }
	lo, mid := q(0.02), q(0.5)
	// The curve's midpoint sits below the 2nd percentile, so that nearly all
	// in-domain queries keep their scores; a query whose nearest training
	// utterance is much less similar than that is out of scope. The factors
	// were chosen with cmd/nlueval on SNIPS and BANKING77.
	o.center = float32(lo * 0.65)
	o.width = float32(max((mid-lo)/4, 0.02))
	return o
}

// oosScratch is the memory of one nearest search: acc has one entry per
// document, all zero between searches; touched lists the entries a search
// made non-zero.
type oosScratch struct {
	acc     []float32
	touched []int32
}

// nearest returns the highest cosine similarity between the words ws and a
// training utterance other than those skip rejects, in sc's memory (left
// as it found it).
func (o *oosDetector) nearest(ws []uint64, sc *oosScratch, skip func(int32) bool) float64 {
	idx, val, norm := o.tfidf(slices.Clone(ws))
	if norm == 0 {
		return 0
	}
	acc, touched := sc.acc, sc.touched[:0]
	defer func() { sc.touched = touched[:0] }()
	for a, r := range idx {
		v := val[a] / float32(norm)
		lo, hi := o.postOff[r], o.postOff[r+1]
		docs, ws := o.postDoc[lo:hi], o.postW[lo:hi]
		ws = ws[:len(docs)] // no bounds checks in the loop
		for i, d := range docs {
			x := acc[d]
			if x == 0 {
				touched = append(touched, d)
			}
			acc[d] = x + v*ws[i]
		}
	}
	best := 0.0
	for _, d := range touched {
		if float64(acc[d]) > best && (skip == nil || !skip(d)) {
			best = float64(acc[d])
		}
		acc[d] = 0
	}
	return best
}

// score is the probability that the query, with its phrase-list matches
// pm, is in the model's domain.
func (o *oosDetector) score(toks []token, pm []phraseMatch) float64 {
	var ws []uint64
	if o.phrases != nil {
		ws = o.phrases.oosWords(toks, pm, nil)
	} else {
		ws = oosWords(toks, nil)
	}
	sc, _ := o.scratchP.Get().(*oosScratch)
	if sc == nil || len(sc.acc) != o.numDocs {
		sc = &oosScratch{acc: make([]float32, o.numDocs)}
	}
	s := o.nearest(ws, sc, nil)
	o.scratchP.Put(sc)
	return 1 / (1 + math.Exp(-(s-float64(o.center))/float64(o.width)))
}
