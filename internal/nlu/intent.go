package nlu

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
)

// classifier is a multinomial logistic regression over hashed, TF-IDF
// weighted, L2-normalised word and character n-gram features.
type classifier struct {
	classes    []string
	spec       featureSpec
	groupScale [numGroups]float32 // weight of each feature group before normalisation
	hashes     []uint64           // feature hash of each row
	groups     []uint8            // feature group of each row
	idf        []float32          // inverse document frequency of each row
	w          []float32          // len(hashes) rows of len(classes) weights
	b          []float32          // bias per class
	index      rowIndex           // hash -> row, rebuilt on load
	phrases    *phraseSet         // the model's phrase lists; nil when it has none
}

// sparse is a sparse feature vector.
type sparse struct {
	idx []int32
	val []float32
}

var featurePool = sync.Pool{New: func() any { return new(featureBuf) }}

type featureBuf struct {
	hashes []uint64
	groups []uint8
	rows   []int32
	vec    sparse
}

// vectorize maps tokens, with their phrase-list matches pm, to a
// normalised sparse vector over the known rows; unknown features are
// dropped.
func (c *classifier) vectorize(toks []token, pm []phraseMatch, fb *featureBuf) sparse {
	fb.hashes, fb.groups = c.features(toks, pm, fb.hashes[:0], fb.groups[:0])
	fb.rows = fb.rows[:0]
	for _, h := range fb.hashes {
		if r, ok := c.index.get(c.hashes, h); ok {
			fb.rows = append(fb.rows, r)
		}
	}
	fb.vec.idx, fb.vec.val = weigh(fb.rows, c.idf, c.groups, &c.groupScale, fb.vec.idx[:0], fb.vec.val[:0])
	return fb.vec
}

// features appends the hashed features of an utterance and their groups:
// intentFeatures, or the phrase lists' version of them when there are
// matches.
func (c *classifier) features(toks []token, pm []phraseMatch, dst []uint64, groups []uint8) ([]uint64, []uint8) {
	if len(pm) > 0 {
		return c.phrases.intentFeatures(toks, pm, c.spec, dst, groups)
	}
	return intentFeatures(toks, c.spec, dst, groups)
}

// weigh turns a bag of rows into sublinear TF-IDF weights, scaled per group
// and normalised to unit length. idx comes out sorted.
func weigh(rows []int32, idf []float32, groups []uint8, scale *[numGroups]float32, idx []int32, val []float32) ([]int32, []float32) {
	slices.Sort(rows)
	var norm float64
	for i := 0; i < len(rows); {
		j := i
		for j < len(rows) && rows[j] == rows[i] {
			j++
		}
		r := rows[i]
		v := (1 + float32(math.Log(float64(j-i)))) * idf[r] * scale[groups[r]]
		idx = append(idx, r)
		val = append(val, v)
		norm += float64(v) * float64(v)
		i = j
	}
	if norm > 0 {
		inv := float32(1 / math.Sqrt(norm))
		for i := range val {
			val[i] *= inv
		}
	}
	return idx, val
}

// predict returns a probability per class.
func (c *classifier) predict(toks []token, pm []phraseMatch, lora bool) []float64 {
	fb := featurePool.Get().(*featureBuf)
	defer featurePool.Put(fb)
	x := c.vectorize(toks, pm, fb)
	k := len(c.classes)
	z := make([]float64, k)
	for j := range z {
		z[j] = float64(c.b[j])
	}
	for i, r := range x.idx {
		v := float64(x.val[i])
		row := c.w[int(r)*k : int(r)*k+k]
		for j, w := range row {
			z[j] += float64(w) * v
		}
	}
	if lora {
		loraNorm(z)
	}
	softmax(z)
	return z
}

func softmax(z []float64) {
	m := math.Inf(-1)
	for _, v := range z {
		m = max(m, v)
	}
	var s float64
	for i, v := range z {
		z[i] = math.Exp(v - m)
		s += z[i]
	}
	for i := range z {
		z[i] /= s
	}
}

// intentConfig holds the classifier's hyper-parameters.
type intentConfig struct {
	spec       featureSpec
	groupScale [numGroups]float32
	epochs     int
	l2         float64
	eta0       float64
	balance    float64 // 0: no class weighting, 1: inverse class frequency
	idfPow     float64
	dropout    float64
	avgFrom    float64 // average the weights at the end of epochs from this fraction on (1: no averaging)
}

func defaultIntentConfig(o Options) intentConfig {
	// Tuned on BANKING77 and SNIPS (cmd/nlueval): feature dropout is what
	// lifts a linear model from about 91% to 92% on BANKING77.
	return intentConfig{
		spec:       featureSpec{minN: 2, maxN: o.Tuning.IntentCharMax, wordN: 2, crossChar: o.Tuning.IntentCrossChar},
		groupScale: [numGroups]float32{groupWord: 1, groupBigram: o.Tuning.IntentBigramScale, groupChar: 1},
		epochs:     o.IntentEpochs,
		l2:         o.IntentL2,
		eta0:       0.5,
		balance:    1,
		idfPow:     1,
		dropout:    o.Tuning.IntentDropout,
		avgFrom:    0.5,
	}
}

// trainIntents trains the intent classifier and the out-of-scope detector.
// pms holds the phrase-list matches of each document of docs (nil without
// phrase lists).
func trainIntents(ctx context.Context, exs []Example, docs [][]token, pms [][]phraseMatch, phrases *phraseSet, intents []string, o Options, report func(float64)) (*classifier, *oosDetector, error) {
	cfg := defaultIntentConfig(o)
	c := &classifier{spec: cfg.spec, groupScale: cfg.groupScale, phrases: phrases}
	if phrases != nil {
		c.groupScale[groupPhrase] = phrases.scale
	}
	classOf := map[string]int{}
	for _, name := range intents {
		for _, ex := range exs {
			if ex.Intent == name {
				classOf[name] = len(c.classes)
				c.classes = append(c.classes, name)
				break
			}
		}
	}
	y := make([]int, len(exs))
	counts := make([]int, len(c.classes))
	for i, ex := range exs {
		y[i] = classOf[ex.Intent]
		counts[y[i]]++
	}

	// Vocabulary, in order of first appearance, and document frequencies.
	var df []int32
	rowsOf := make([][]int32, len(exs))
	var hs []uint64
	var gs []uint8
	for i, toks := range docs {
		var pm []phraseMatch
		if pms != nil {
			pm = pms[i]
		}
		hs, gs = c.features(toks, pm, hs[:0], gs[:0])
		rows := make([]int32, len(hs))
		for j, h := range hs {
			r, ok := c.index.get(c.hashes, h)
			if !ok {
				r = int32(len(c.hashes))
				c.hashes = append(c.hashes, h)
				c.index.add(c.hashes, r)
				c.groups = append(c.groups, gs[j])
				df = append(df, 0)
			}
			rows[j] = r
		}
		rowsOf[i] = rows
		seen := slices.Clone(rows)
		slices.Sort(seen)
		for _, r := range slices.Compact(seen) {
			df[r]++
		}
	}
	if min := o.Tuning.IntentMinDF; min > 1 {
		df, rowsOf = c.dropRare(df, rowsOf, int32(min))
	}
	n := float64(len(exs))
	c.idf = make([]float32, len(df))
	for r, d := range df {
		c.idf[r] = float32(math.Pow(math.Log((1+n)/(1+float64(d)))+1, cfg.idfPow))
	}
	xs := make([]sparse, len(exs))
	for i, rows := range rowsOf {
		xs[i].idx, xs[i].val = weigh(rows, c.idf, c.groups, &c.groupScale, nil, nil)
	}
	rowsOf = nil

	k := len(c.classes)
	c.w = make([]float32, len(c.hashes)*k)
	c.b = make([]float32, k)
	cw := make([]float64, k)
	for j := range cw {
		cw[j] = math.Pow(n/float64(k)/float64(counts[j]), cfg.balance)
	}
	// The out-of-scope detector learns from the documents alone: it trains
	// on the other core while the classifier's SGD, which is sequential,
	// runs on this one.
	oosDone := make(chan *oosDetector, 1)
	go func() { oosDone <- trainOOS(docs, pms, phrases, exs) }()
	if k > 1 {
		if err := sgd(ctx, c, xs, y, cw, cfg, o.Seed, report); err != nil {
			<-oosDone
			return nil, nil, err
		}
	}
	oos := <-oosDone
	return c, oos, nil
}

// sgd minimises the L2-regularised cross-entropy of c on xs by stochastic
// gradient descent with a decreasing step (Bottou's schedule) and the
// weight-scale trick for the regulariser.
func sgd(ctx context.Context, c *classifier, xs []sparse, y []int, cw []float64, cfg intentConfig, seed int64, report func(float64)) error {
	k := len(c.classes)
	rng := rand.New(rand.NewPCG(uint64(seed), 0x6e6c75696e74656e))
	order := make([]int, len(xs))
	for i := range order {
		order[i] = i
	}
	w := make([]float64, len(c.w)) // float64 while training
	b := make([]float64, k)
	z := make([]float64, k)
	scale := 1.0
	lambda := cfg.l2
	var avgW, avgB []float64
	avgFrom := int(float64(cfg.epochs) * cfg.avgFrom)
	snapshots := 0
	var dx sparse
	keepScale := float32(1 / (1 - cfg.dropout))
	t := 0.0
	for epoch := range cfg.epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for n, i := range order {
			if n%512 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			x := xs[i]
			if cfg.dropout > 0 {
				dx.idx, dx.val = dx.idx[:0], dx.val[:0]
				for a, r := range x.idx {
					if rng.Float64() >= cfg.dropout {
						dx.idx = append(dx.idx, r)
						dx.val = append(dx.val, x.val[a]*keepScale)
					}
				}
				x = dx
			}
			eta := cfg.eta0 / (1 + cfg.eta0*lambda*t)
			t++
			copy(z, b)
			for a, r := range x.idx {
				v := float64(x.val[a]) * scale
				row := w[int(r)*k : int(r)*k+k]
				for j, wj := range row {
					z[j] += wj * v
				}
			}
			softmax(z)
			z[y[i]] -= 1
			g := eta * cw[y[i]]
			for j := range z {
				z[j] *= g
			}
			scale *= 1 - eta*lambda
			if scale < 1e-6 {
				for j := range w {
					w[j] *= scale
				}
				scale = 1
			}
			for a, r := range x.idx {
				v := float64(x.val[a]) / scale
				row := w[int(r)*k : int(r)*k+k]
				for j := range row {
					row[j] -= z[j] * v
				}
			}
			for j := range b {
				b[j] -= z[j]
			}
		}
		if cfg.avgFrom < 1 && epoch >= avgFrom {
			if avgW == nil {
				avgW, avgB = make([]float64, len(w)), make([]float64, len(b))
			}
			for j, v := range w {
				avgW[j] += v * scale
			}
			for j, v := range b {
				avgB[j] += v
			}
			snapshots++
		}
		report(float64(epoch+1) / float64(cfg.epochs))
	}
	if snapshots > 0 {
		w, b, scale = avgW, avgB, 1/float64(snapshots)
		for j := range b {
			b[j] *= scale
		}
	}
	for j := range w {
		c.w[j] = float32(w[j] * scale)
	}
	for j := range b {
		c.b[j] = float32(b[j])
	}
	return nil
}

// dropRare removes the rows found in fewer than min documents from c and
// from the documents' rows, and returns the kept rows' document
// frequencies and the documents' rows.
func (c *classifier) dropRare(df []int32, rowsOf [][]int32, min int32) ([]int32, [][]int32) {
	newRow := make([]int32, len(df))
	var hashes []uint64
	var groups []uint8
	var kept []int32
	for r, d := range df {
		if d < min {
			newRow[r] = -1
			continue
		}
		newRow[r] = int32(len(hashes))
		hashes = append(hashes, c.hashes[r])
		groups = append(groups, c.groups[r])
		kept = append(kept, d)
	}
	for i, rows := range rowsOf {
		rowsOf[i] = slices.DeleteFunc(rows, func(r int32) bool { return newRow[r] < 0 })
		for j, r := range rowsOf[i] {
			rowsOf[i][j] = newRow[r]
		}
	}
	c.hashes, c.groups = hashes, groups
	c.index = newRowIndex(c.hashes)
	return kept, rowsOf
}
