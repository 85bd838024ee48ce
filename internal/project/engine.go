package project

import (
	"fmt"

	"github.com/parley-dev/parley/internal/nlu"
)

// ManualSplit reads a project file as :import does (decoded, checked
// against DefaultLimits, normalised, offsets in UTF-16 code units) and
// converts it for the engine as a training with evaluationOptions kind
// manual does: the training data from every utterance outside the Test
// dataset, and the Test utterances as the examples to score. cmd/nlueval
// uses it, so that its figures describe what the server trains.
func ManualSplit(file []byte) (nlu.TrainingData, []nlu.Example, error) {
	f, e := decodeFile(file)
	if e != nil {
		return nlu.TrainingData{}, nil, e
	}
	name := f.Metadata.ProjectName
	if e := DefaultLimits.validate(f, name, V20230401); e != nil {
		return nlu.TrainingData{}, nil, e
	}
	normalize(f)
	a := f.Assets
	if a == nil {
		a = &Assets{}
	}
	p := &Project{Name: name, Language: f.Metadata.Language}
	trainIdx, testIdx := split(name, a.Utterances, EvaluationOptions{Kind: EvalManual})
	d, e := trainingData(p, a, trainIdx)
	if e != nil {
		return nlu.TrainingData{}, nil, e
	}
	if len(testIdx) == 0 {
		return d, nil, fmt.Errorf("project %q has no utterances in the Test dataset", name)
	}
	test := make([]nlu.Example, len(testIdx))
	for i, j := range testIdx {
		u := &a.Utterances[j]
		test[i] = nlu.Example{Text: u.Text, Intent: u.Intent}
		for _, l := range u.Entities {
			test[i].Spans = append(test[i].Spans, nlu.Span{Category: l.Category, Offset: l.Offset, Length: l.Length})
		}
	}
	return d, test, nil
}
