package nlu

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func BenchmarkTrain(b *testing.B) {
	for _, name := range []string{"snips2017.smoke.clu.json", "banking77.smoke.clu.json"} {
		d, _ := loadSplit(b, smokeFile(name))
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Train(context.Background(), d, Options{Seed: 1}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkPredict(b *testing.B) {
	for _, name := range []string{"snips2017.smoke.clu.json", "banking77.smoke.clu.json"} {
		d, test := loadSplit(b, smokeFile(name))
		m, err := Train(context.Background(), d, Options{Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				m.Predict(test[i%len(test)].Text, "en-us", nil)
				i++
			}
		})
	}
}

func BenchmarkMarshal(b *testing.B) {
	d, _ := loadSplit(b, smokeFile("snips2017.smoke.clu.json"))
	m, err := Train(context.Background(), d, Options{Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	blob, _ := m.MarshalBinary()
	b.Run("marshal", func(b *testing.B) {
		for b.Loop() {
			m.MarshalBinary()
		}
	})
	b.Run("unmarshal", func(b *testing.B) {
		var m2 Model
		for b.Loop() {
			if err := m2.UnmarshalBinary(blob); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// heavyRegexes are 20 patterns that compile, each within MaxRegexLength
// and MaxRegexProgram, chosen to be slow on Go's regexp: many threads alive
// at once (counted repetitions of classes and alternations), and matches
// whose search runs on to the end of the text after each one.
func heavyRegexes() []Regex {
	kinds := []string{
		`(\w+\s?){1,100}%c`,
		`(?:.?){498}%c`,
		`(?:(?:.*a){20}%c|.)`,
		`(?:\w|\s){1,499}%c`,
		`(.*.*.*.*.*.*.*.*.*.*.*.*.*.*){10}%c`,
	}
	var out []Regex
	for i := range 20 {
		out = append(out, Regex{Key: fmt.Sprint(i), Pattern: fmt.Sprintf(kinds[i%len(kinds)], 'Q'+i%5)})
	}
	return out
}

// catastrophicRegexes are 20 patterns that a backtracking engine (.NET's,
// regexp2) takes exponential time on when they fail: nested quantifiers
// over the words of regexQuery, followed by a letter it lacks.
func catastrophicRegexes() []Regex {
	kinds := []string{
		`(\w+\s?)+%c`,
		`(a+|\w+|\s)+%c$`,
		`(?:\S+\s*)+%c`,
		`(.*)*%c`,
	}
	var out []Regex
	for i := range 20 {
		out = append(out, Regex{Key: fmt.Sprint(i), Pattern: fmt.Sprintf(kinds[i%len(kinds)], 'Q'+i%5)})
	}
	return out
}

// regexQuery is a query of 500 characters, the authoring limit of an
// utterance, in words the patterns above keep threads alive on.
func regexQuery() string {
	words := strings.Fields("book a table for two at seven tonight in the italian place near the station please and call me back on 555 0123 if anything changes")
	var b strings.Builder
	for i := 0; b.Len() < 500; i++ {
		b.WriteString(words[i%len(words)])
		b.WriteByte(' ')
	}
	return b.String()[:500]
}

// BenchmarkPredictRegex is a prediction on a 500-character query, without
// regex components, with 20 heavy ones (issue 9: they made a prediction
// of about 4 ms take over 100 ms), and with 20 catastrophic ones for a
// backtracking engine.
func BenchmarkPredictRegex(b *testing.B) {
	d, _ := loadSplit(b, smokeFile("snips2017.smoke.clu.json"))
	q := regexQuery()
	for _, tc := range []struct {
		name    string
		regexes []Regex
	}{{"regexes=0", nil}, {"regexes=20-heavy", heavyRegexes()}, {"regexes=20-catastrophic", catastrophicRegexes()}} {
		d := d
		d.Entities = slices.Clone(d.Entities)
		if tc.regexes != nil {
			d.Entities = append(d.Entities, EntityDef{Category: "code", Regex: &RegexComponent{Expressions: tc.regexes}})
		}
		m, err := Train(context.Background(), d, Options{Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		if len(m.Warnings()) > 0 && tc.regexes != nil {
			b.Fatalf("warnings: %v", m.Warnings())
		}
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				m.Predict(q, "en-us", nil)
			}
		})
	}
}

// BenchmarkPredictPrebuilt is a prediction on SNIPS queries without
// prebuilt components and with five (issue 10's measure: five add at most
// 0.3 ms at p50). It reports the median and 90th percentile per query.
func BenchmarkPredictPrebuilt(b *testing.B) {
	d, test := loadSplit(b, smokeFile("snips2017.smoke.clu.json"))
	five := []EntityDef{
		{Category: "when", Prebuilts: []string{"DateTime"}},
		{Category: "howmany", Prebuilts: []string{"Quantity.Number"}},
		{Category: "price", Prebuilts: []string{"Quantity.Currency"}},
		{Category: "size", Prebuilts: []string{"Quantity.Dimension"}},
		{Category: "phone", Prebuilts: []string{"Phone Number"}},
	}
	for _, tc := range []struct {
		name     string
		entities []EntityDef
	}{{"prebuilts=0", nil}, {"prebuilts=5", five}} {
		d := d
		d.Entities = append(slices.Clone(d.Entities), tc.entities...)
		m, err := Train(context.Background(), d, Options{Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(tc.name, func(b *testing.B) {
			for _, q := range test { // warm-up
				m.Predict(q.Text, "en-us", nil)
			}
			var per []time.Duration
			i := 0
			for b.Loop() {
				start := time.Now()
				m.Predict(test[i%len(test)].Text, "en-us", nil)
				per = append(per, time.Since(start))
				i++
			}
			slices.Sort(per)
			b.ReportMetric(float64(per[len(per)/2].Nanoseconds()), "p50-ns/query")
			b.ReportMetric(float64(per[len(per)*9/10].Nanoseconds()), "p90-ns/query")
		})
	}
}

// benchPhraseLists makes n phrase lists of size phrases from the words of
// d's utterances, in order of first appearance: every fifth phrase is two
// consecutive words, and every other list is interchangeable. The words
// are the training data's own, so the lists match in the queries.
func benchPhraseLists(d TrainingData, n, size int) []PhraseList {
	var words []string
	seen := map[string]bool{}
	for _, ex := range d.Examples {
		for _, t := range tokenize(ex.Text) {
			if w := strings.ToLower(t.Text); !seen[w] {
				seen[w] = true
				words = append(words, w)
			}
		}
	}
	lists := make([]PhraseList, n)
	k := 0
	for i := range lists {
		lists[i] = PhraseList{Name: fmt.Sprint("list", i), Interchangeable: i%2 == 0}
		for j := range size {
			p := words[k%len(words)]
			if j%5 == 4 {
				p += " " + words[(k+1)%len(words)]
			}
			lists[i].Phrases = append(lists[i].Phrases, p)
			k++
		}
	}
	return lists
}

// BenchmarkPredictPhraseLists is a prediction on SNIPS queries by a model
// trained without phrase lists and by one with 20 lists of 50 phrases
// (issue 12). Compare the two with benchstat -col /phraselists.
func BenchmarkPredictPhraseLists(b *testing.B) {
	d, test := loadSplit(b, smokeFile("snips2017.smoke.clu.json"))
	for _, tc := range []struct {
		name  string
		lists []PhraseList
	}{{"phraselists=0", nil}, {"phraselists=20x50", benchPhraseLists(d, 20, 50)}} {
		d := d
		d.PhraseLists = tc.lists
		m, err := Train(context.Background(), d, Options{Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				m.Predict(test[i%len(test)].Text, "en-us", nil)
				i++
			}
		})
	}
}

// BenchmarkPhraseMatch is the phrase-list matching alone, with 20 lists of
// 50 phrases, on queries of 20 and 2,000 tokens, with its time per token
// (matching is linear in the query: at most MaxPhraseTokens trie steps a
// token).
func BenchmarkPhraseMatch(b *testing.B) {
	d, test := loadSplit(b, smokeFile("snips2017.smoke.clu.json"))
	p, err := compilePhraseLists(benchPhraseLists(d, 20, 50), 0)
	if err != nil {
		b.Fatal(err)
	}
	var all []token
	for _, ex := range test {
		all = append(all, tokenize(ex.Text)...)
	}
	for _, n := range []int{20, 2000} {
		toks := slices.Repeat(all, n/len(all)+1)[:n]
		b.Run(fmt.Sprint("tokens=", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				p.match(toks)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/token")
		})
	}
}

// datasetFile is a full dataset of testdata/datasets.
func datasetFile(name string) string {
	return filepath.Join("..", "..", "testdata", "datasets", name+".clu.json")
}

// BenchmarkTrainFull trains the latest recipe on the Train split of the
// full datasets (docs/benchmarks.md).
func BenchmarkTrainFull(b *testing.B) {
	for _, name := range []string{"snips2017", "banking77"} {
		d, _ := loadSplit(b, datasetFile(name))
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := Train(context.Background(), d, Options{Seed: 1, Recipe: LatestRecipe}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPredictFull predicts the Test utterances of the full datasets
// with a model of the latest recipe, engine only (internal/api's
// BenchmarkPredict measures the service around it).
func BenchmarkPredictFull(b *testing.B) {
	for _, name := range []string{"snips2017", "banking77"} {
		d, test := loadSplit(b, datasetFile(name))
		m, err := Train(context.Background(), d, Options{Seed: 1, Recipe: LatestRecipe})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				m.Predict(test[i%len(test)].Text, "en-us", nil)
				i++
			}
		})
	}
}
