package nlu

import (
	"context"
	"testing"
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
				m.Predict(test[i%len(test)].Text, "en-us")
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
