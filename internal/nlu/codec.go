package nlu

import (
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
)

// The model blob is the magic string, a format version, then named
// sections: a name, a byte length and the section's fields. A reader skips
// sections it does not know, so sections can be added without a new
// version; a change to an existing section needs one.
const (
	blobMagic   = "PARLEY-NLU"
	blobVersion = 1
)

// ErrFormat is returned by UnmarshalBinary for data that is not a model
// blob of a supported version.
var ErrFormat = errors.New("nlu: not a model blob of a supported version")

type encoder struct{ b []byte }

func (e *encoder) uint(x uint64) { e.b = binary.AppendUvarint(e.b, x) }
func (e *encoder) int(x int)     { e.b = binary.AppendVarint(e.b, int64(x)) }
func (e *encoder) str(s string)  { e.uint(uint64(len(s))); e.b = append(e.b, s...) }
func (e *encoder) strs(ss []string) {
	e.uint(uint64(len(ss)))
	for _, s := range ss {
		e.str(s)
	}
}
func (e *encoder) f32s(v []float32) {
	e.uint(uint64(len(v)))
	for _, x := range v {
		e.b = binary.LittleEndian.AppendUint32(e.b, math.Float32bits(x))
	}
}
func (e *encoder) u64s(v []uint64) {
	e.uint(uint64(len(v)))
	for _, x := range v {
		e.b = binary.LittleEndian.AppendUint64(e.b, x)
	}
}
func (e *encoder) i32s(v []int32) {
	e.uint(uint64(len(v)))
	for _, x := range v {
		e.int(int(x))
	}
}
func (e *encoder) u16s(v []uint16) {
	e.uint(uint64(len(v)))
	for _, x := range v {
		e.uint(uint64(x))
	}
}
func (e *encoder) u8s(v []uint8) { e.uint(uint64(len(v))); e.b = append(e.b, v...) }

func (e *encoder) section(name string, f func(*encoder)) {
	var s encoder
	f(&s)
	e.str(name)
	e.uint(uint64(len(s.b)))
	e.b = append(e.b, s.b...)
}

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: bad %s", ErrFormat, what)
	}
	d.b = nil
}

func (d *decoder) uint() uint64 {
	x, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail("integer")
		return 0
	}
	d.b = d.b[n:]
	return x
}

func (d *decoder) int() int {
	x, n := binary.Varint(d.b)
	if n <= 0 || x < math.MinInt32 || x > math.MaxInt32 {
		d.fail("integer")
		return 0
	}
	d.b = d.b[n:]
	return int(x)
}

// count reads a length, checking that at least size bytes per element remain.
func (d *decoder) count(size int) int {
	n := d.uint()
	if n > uint64(len(d.b)/max(size, 1)) {
		d.fail("length")
		return 0
	}
	return int(n)
}

func (d *decoder) bytes(n int) []byte {
	if n > len(d.b) {
		d.fail("length")
		return nil
	}
	b := d.b[:n]
	d.b = d.b[n:]
	return b
}

func (d *decoder) str() string { return string(d.bytes(d.count(1))) }
func (d *decoder) strs() []string {
	n := d.count(1)
	out := make([]string, n)
	for i := range out {
		out[i] = d.str()
	}
	return out
}
func (d *decoder) f32s() []float32 {
	n := d.count(4)
	out := make([]float32, n)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(d.bytes(4)))
	}
	return out
}
func (d *decoder) u64s() []uint64 {
	n := d.count(8)
	out := make([]uint64, n)
	for i := range out {
		out[i] = binary.LittleEndian.Uint64(d.bytes(8))
	}
	return out
}
func (d *decoder) i32s() []int32 {
	n := d.count(1)
	out := make([]int32, n)
	for i := range out {
		out[i] = int32(d.int())
	}
	return out
}
func (d *decoder) u16s() []uint16 {
	n := d.count(1)
	out := make([]uint16, n)
	for i := range out {
		x := d.uint()
		if x > math.MaxUint16 {
			d.fail("tag")
		}
		out[i] = uint16(x)
	}
	return out
}
func (d *decoder) u8s() []uint8 { return append([]uint8(nil), d.bytes(d.count(1))...) }

// MarshalBinary encodes the model as a versioned, self-describing blob.
// The same model always gives the same bytes.
func (m *Model) MarshalBinary() ([]byte, error) {
	if m.tuning.predictSettings() != RecipeTuning(m.recipe).predictSettings() {
		return nil, errors.New("nlu: a model trained with prediction settings other than its recipe's (Options.Tuning) cannot be saved")
	}
	e := &encoder{b: []byte(blobMagic)}
	e.uint(blobVersion)
	if m.recipe > RecipeBase || m.fold != 0 {
		// Written only when it says more than the default, so that a
		// RecipeBase model keeps the bytes it had before recipes existed.
		e.section("recipe", func(e *encoder) {
			e.uint(uint64(m.recipe))
			e.uint(uint64(m.fold))
		})
	}
	e.section("model", func(e *encoder) {
		e.str(m.language)
		e.strs(m.intents)
		e.strs(m.warnings)
	})
	e.section("entities", func(e *encoder) {
		e.uint(uint64(len(m.entities)))
		for _, x := range m.entities {
			e.str(x.category)
			e.str(x.composition)
			e.strs(x.required)
			e.uint(uint64(len(x.sublists)))
			for _, sl := range x.sublists {
				e.str(sl.key)
				e.strs(sl.langs)
				for _, vs := range sl.values {
					e.strs(vs)
				}
			}
			e.uint(uint64(len(x.regexes)))
			for _, r := range x.regexes {
				e.str(r.key)
				e.str(r.language)
				e.str(r.pattern)
			}
			e.strs(x.prebuilts)
		}
	})
	c := m.clf
	e.section("classifier", func(e *encoder) {
		e.strs(c.classes)
		e.int(c.spec.minN)
		e.int(c.spec.maxN)
		e.int(c.spec.wordN)
		e.int(c.spec.crossChar)
		e.f32s(c.groupScale[:storedGroups])
		e.u64s(c.hashes)
		e.u8s(c.groups)
		e.f32s(c.idf)
		e.f32s(c.w)
		e.f32s(c.b)
	})
	if o := m.oos; o != nil {
		e.section("oos", func(e *encoder) {
			e.u64s(o.words)
			e.f32s(o.idf)
			e.f32s([]float32{o.unknown, o.center, o.width})
			e.i32s(o.postDoc)
			e.f32s(o.postW)
			e.i32s(o.postOff)
		})
	}
	if t := m.tagger; t != nil {
		e.section("tagger", func(e *encoder) {
			e.strs(t.cats)
			e.u64s(t.hashes)
			e.i32s(t.rowOff)
			e.u16s(t.rowTag)
			e.f32s(t.rowW)
			e.f32s(t.trans)
			e.f32s(t.final)
			e.u64s(t.gaz.keys)
			e.i32s(t.gaz.cats)
			e.int(t.gaz.maxLen)
		})
		if t.intentCats != nil {
			// Its own section, so that the tagger section keeps its bytes.
			e.section("tagger-intents", func(e *encoder) {
				names := slices.Sorted(maps.Keys(t.intentCats))
				e.strs(names)
				for _, name := range names {
					e.i32s(t.intentCats[name])
				}
			})
		}
	}
	if m.phrases != nil {
		// Written only with phrase lists, so that a model without them
		// keeps the bytes it had before they existed.
		e.section("phrases", m.phrases.encode)
	}
	return e.b, nil
}

// UnmarshalBinary decodes a blob made by MarshalBinary, replacing m.
func (m *Model) UnmarshalBinary(data []byte) error {
	if len(data) < len(blobMagic) || string(data[:len(blobMagic)]) != blobMagic {
		return ErrFormat
	}
	d := &decoder{b: data[len(blobMagic):]}
	if v := d.uint(); d.err != nil || v != blobVersion {
		return fmt.Errorf("%w: version %d", ErrFormat, v)
	}
	n := Model{recipe: RecipeBase}
	var regexWarnings []string
	var intentCats map[string][]int32
	seen := map[string]bool{}
	for len(d.b) > 0 && d.err == nil {
		name := d.str()
		body := d.bytes(d.count(1))
		if d.err != nil {
			break
		}
		seen[name] = true
		s := &decoder{b: body}
		switch name {
		case "recipe":
			r, f := s.uint(), s.uint()
			if r < RecipeBase || r > LatestRecipe || f > uint64(foldCase|foldDiacritics) {
				s.fail("recipe")
				break
			}
			n.recipe, n.fold = int(r), textFold(f)
		case "model":
			n.language = s.str()
			n.intents = s.strs()
			n.warnings = s.strs()
		case "entities":
			k := s.count(1)
			for range k {
				x := &entityRuntime{category: s.str(), composition: s.str(), required: s.strs()}
				for range s.count(1) {
					sl := compiledSublist{key: s.str(), langs: s.strs()}
					for range sl.langs {
						sl.values = append(sl.values, s.strs())
					}
					x.sublists = append(x.sublists, sl)
				}
				for range s.count(1) {
					key, lang, pattern := s.str(), s.str(), s.str()
					r, err := compileRegex(pattern, false)
					if err != nil {
						// Saved before Parley read patterns as .NET does:
						// an RE2-only pattern ((?P<n>...), \C) is skipped
						// with training's warning, and the model loads.
						regexWarnings = append(regexWarnings, regexWarning(x.category, pattern, key, err))
						continue
					}
					r.key, r.language = key, lang
					x.regexes = append(x.regexes, r)
				}
				x.prebuilts = s.strs()
				n.entities = append(n.entities, x)
			}
		case "classifier":
			c := &classifier{classes: s.strs(), spec: featureSpec{minN: s.int(), maxN: s.int(), wordN: s.int(), crossChar: s.int()}}
			copy(c.groupScale[:], s.f32s())
			c.hashes = s.u64s()
			c.groups = s.u8s()
			c.idf = s.f32s()
			c.w = s.f32s()
			c.b = s.f32s()
			f, k := len(c.hashes), len(c.classes)
			if len(c.groups) != f || len(c.idf) != f || len(c.w) != f*k || len(c.b) != k || k == 0 {
				s.fail("classifier")
				break
			}
			for _, g := range c.groups {
				if g >= numGroups {
					s.fail("classifier")
				}
			}
			c.index = newRowIndex(c.hashes)
			n.clf = c
		case "oos":
			o := &oosDetector{words: s.u64s(), idf: s.f32s()}
			p := s.f32s()
			o.postDoc = s.i32s()
			o.postW = s.f32s()
			o.postOff = s.i32s()
			if len(p) != 3 || len(o.idf) != len(o.words) || len(o.postOff) != len(o.words)+1 || len(o.postW) != len(o.postDoc) {
				s.fail("oos")
				break
			}
			o.unknown, o.center, o.width = p[0], p[1], p[2]
			for i, off := range o.postOff {
				if off < 0 || int(off) > len(o.postDoc) || (i > 0 && off < o.postOff[i-1]) {
					s.fail("oos")
				}
			}
			for _, doc := range o.postDoc {
				if doc < 0 {
					s.fail("oos")
				}
				o.numDocs = max(o.numDocs, int(doc)+1)
			}
			o.index = newRowIndex(o.words)
			n.oos = o
		case "tagger":
			t := &tagger{cats: s.strs(), hashes: s.u64s(), rowOff: s.i32s(), rowTag: s.u16s(), rowW: s.f32s(),
				trans: s.f32s(), final: s.f32s()}
			t.gaz.keys = s.u64s()
			t.gaz.cats = s.i32s()
			t.gaz.maxLen = s.int()
			T := t.numTags()
			if len(t.rowOff) != len(t.hashes)+1 || len(t.rowTag) != len(t.rowW) || len(t.trans) != (T+1)*T ||
				len(t.final) != T || len(t.gaz.keys) != len(t.gaz.cats) {
				s.fail("tagger")
				break
			}
			for i, off := range t.rowOff {
				if off < 0 || int(off) > len(t.rowTag) || (i > 0 && off < t.rowOff[i-1]) {
					s.fail("tagger")
				}
			}
			for _, tag := range t.rowTag {
				if int(tag) >= T {
					s.fail("tagger")
				}
			}
			for _, c := range t.gaz.cats {
				if c < 0 || int(c) >= len(t.cats) {
					s.fail("tagger")
				}
			}
			t.buildIndex()
			n.tagger = t
		case "phrases":
			n.phrases = decodePhrases(s)
		case "tagger-intents":
			intentCats = map[string][]int32{}
			for _, name := range s.strs() {
				intentCats[name] = s.i32s()
			}
		}
		if s.err != nil {
			return fmt.Errorf("section %q: %w", name, s.err)
		}
	}
	if d.err != nil {
		return d.err
	}
	if !seen["model"] || n.clf == nil {
		return fmt.Errorf("%w: missing sections", ErrFormat)
	}
	for _, name := range n.clf.classes {
		if !contains(n.intents, name) {
			return fmt.Errorf("%w: class %q is not an intent", ErrFormat, name)
		}
	}
	if !contains(n.intents, NoneIntent) {
		return fmt.Errorf("%w: no None intent", ErrFormat)
	}
	for _, x := range n.entities {
		x.buildListIndex(n.fold) // after every section: the recipe's may come later
	}
	if intentCats != nil {
		if n.tagger == nil {
			return fmt.Errorf("%w: tagger intents without a tagger", ErrFormat)
		}
		for _, cs := range intentCats {
			for i, c := range cs {
				if c < 0 || int(c) >= len(n.tagger.cats) || (i > 0 && c <= cs[i-1]) {
					return fmt.Errorf("%w: tagger intent category %d", ErrFormat, c)
				}
			}
		}
		n.tagger.intentCats = intentCats
	}
	n.tuning = RecipeTuning(n.recipe)
	if n.tagger != nil {
		n.tagger.setTuning(n.tuning)
	}
	if err := n.attachPhrases(); err != nil {
		return err
	}
	n.warnings = append(n.warnings, regexWarnings...)
	*m = n
	return nil
}

// attachPhrases gives the decoded phrase lists to the parts that use them.
// A classifier with phrase-list features needs the lists: a blob that has
// such features without its "phrases" section is damaged.
func (m *Model) attachPhrases() error {
	if m.phrases == nil {
		if slices.Contains(m.clf.groups, groupPhrase) {
			return fmt.Errorf("%w: phrase-list features without phrase lists", ErrFormat)
		}
		return nil
	}
	m.clf.phrases = m.phrases
	m.clf.groupScale[groupPhrase] = m.phrases.scale
	if m.oos != nil {
		m.oos.phrases = m.phrases
	}
	if m.tagger != nil {
		m.tagger.phrases = m.phrases
	}
	return nil
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
