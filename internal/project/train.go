package project

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/parley-dev/parley/internal/azerr"
	"github.com/parley-dev/parley/internal/job"
	"github.com/parley-dev/parley/internal/nlu"
)

// MaxModels is how many trained models a project may hold.
const MaxModels = 10

// Training modes.
const (
	ModeStandard = "standard"
	ModeAdvanced = "advanced"
)

// TrainOptions is the body of :train (TRAINING.md §2.1).
type TrainOptions struct {
	ModelLabel            string             `json:"modelLabel"`
	TrainingMode          string             `json:"trainingMode"`
	TrainingConfigVersion string             `json:"trainingConfigVersion"`
	EvaluationOptions     *EvaluationOptions `json:"evaluationOptions"`
}

// SubState is the progress of one phase of a training job.
type SubState struct {
	Percent int        `json:"percentComplete"`
	Start   time.Time  `json:"start"`
	End     time.Time  `json:"end"`
	Status  job.Status `json:"status"`
}

// TrainingState is a training job's result document: its Detail.
type TrainingState struct {
	ModelLabel    string    `json:"modelLabel"`
	ConfigVersion string    `json:"trainingConfigVersion"`
	Mode          string    `json:"trainingMode"`
	Training      SubState  `json:"trainingStatus"`
	Evaluation    SubState  `json:"evaluationStatus"`
	EstimatedEnd  time.Time `json:"estimatedEndDateTime"`
}

// TrainingStateOf decodes a training job's Detail. Once the job is over, a
// phase that never ended (a job cancelled before it ran, or abandoned) takes
// the job's status.
func TrainingStateOf(j *job.Job) (*TrainingState, error) {
	var st TrainingState
	if err := json.Unmarshal(j.Detail, &st); err != nil {
		return nil, fmt.Errorf("training job %s: detail: %w", j.ID, err)
	}
	if j.Status.Terminal() && j.Status != job.StatusSucceeded {
		for _, p := range []*SubState{&st.Training, &st.Evaluation} {
			if !p.Status.Terminal() {
				p.Status = j.Status
			}
		}
	}
	return &st, nil
}

func modelNotFound(project, label string) *azerr.Error {
	e := azerr.New(azerr.NotFound, "The trained model %q of project %q was not found.", label, project)
	e.Target = "trainedModelLabel"
	return e
}

// StartTraining implements ConversationalAnalysisAuthoring_Train.
func (s *Training) StartTraining(ctx context.Context, name string, o TrainOptions, v APIVersion) (*job.Job, error) {
	p, err := s.lookupProject(ctx, name)
	if err != nil {
		return nil, err
	}
	if p.Kind != KindConversation {
		return nil, &azerr.Error{Code: azerr.InvalidRequest, Target: "projectKind",
			Message: fmt.Sprintf("Parley trains Conversation projects only; training a %s project is not supported yet.", p.Kind)}
	}
	if o.ModelLabel == "" {
		return nil, azerr.Invalid("modelLabel", "modelLabel is required: the name of the model to train.")
	}
	if e := CheckName("modelLabel", "model", o.ModelLabel); e != nil {
		return nil, e
	}
	switch o.TrainingMode {
	case ModeStandard, ModeAdvanced:
	case "":
		return nil, azerr.Invalid("trainingMode", "trainingMode is required: \"standard\" or \"advanced\".")
	default:
		return nil, azerr.Invalid("trainingMode", "trainingMode %q is not \"standard\" or \"advanced\".", o.TrainingMode)
	}
	cfg, ok := configVersion(o.TrainingConfigVersion)
	if !ok {
		return nil, azerr.Invalid("trainingConfigVersion", "trainingConfigVersion %q is not available; use \"latest\" or one that GET projects/global/training-config-versions lists.", o.TrainingConfigVersion)
	}
	o.TrainingConfigVersion = cfg.Version
	eo, err := s.evaluationOptions(ctx, name, o.EvaluationOptions, "evaluationOptions")
	if err != nil {
		return nil, err
	}
	o.EvaluationOptions = &eo
	if _, err := s.store.GetModel(ctx, name, o.ModelLabel); errors.Is(err, ErrModelNotFound) {
		models, err := s.store.ListModels(ctx, name)
		if err != nil {
			return nil, err
		}
		if len(models) >= MaxModels {
			return nil, azerr.New(azerr.QuotaExceeded, "The project already has %d trained models, the limit; delete one or train under an existing label.", MaxModels)
		}
	} else if err != nil {
		return nil, err
	}
	args := trainArgs{TrainOptions: o}
	j := s.newJob(args, name, v)
	j.Detail, err = json.Marshal(TrainingState{ModelLabel: o.ModelLabel, ConfigVersion: cfg.Version, Mode: o.TrainingMode,
		Training: SubState{Status: job.StatusNotStarted}, Evaluation: SubState{Status: job.StatusNotStarted}})
	if err != nil {
		return nil, err
	}
	// One training at a time per project, as the service does.
	return s.enqueueWithin(ctx, j, args, job.Limits{PerKind: 1, Total: s.cfg.Jobs.Total},
		azerr.New(azerr.Conflict, "The project %q is already training a model; wait for that job to finish or cancel it.", name))
}

// evaluationOptions checks the evaluation options of :train or :evaluate
// (field names the body member, "" for the body itself) and fills in the
// defaults: percentage, 80/20.
func (s *Training) evaluationOptions(ctx context.Context, name string, o *EvaluationOptions, field string) (EvaluationOptions, error) {
	eo := EvaluationOptions{Kind: EvalPercentage, TrainingSplitPercentage: 80, TestingSplitPercentage: 20}
	if o == nil {
		return eo, nil
	}
	at := func(member string) string {
		if field == "" {
			return member
		}
		return field + "." + member
	}
	eo = *o
	switch eo.Kind {
	case "", EvalPercentage:
		eo.Kind = EvalPercentage
		if eo.TrainingSplitPercentage == 0 && eo.TestingSplitPercentage == 0 {
			eo.TrainingSplitPercentage, eo.TestingSplitPercentage = 80, 20
		}
		if eo.TrainingSplitPercentage < 0 || eo.TestingSplitPercentage < 0 || eo.TrainingSplitPercentage+eo.TestingSplitPercentage != 100 {
			target := field
			if target == "" {
				target = "testingSplitPercentage"
			}
			return eo, azerr.Invalid(target, "trainingSplitPercentage (%d) and testingSplitPercentage (%d) must be 0 or more and add up to 100.", eo.TrainingSplitPercentage, eo.TestingSplitPercentage)
		}
	case EvalManual:
		eo.TrainingSplitPercentage, eo.TestingSplitPercentage = 0, 0
		if err := s.requireTestSet(ctx, name, at("kind")); err != nil {
			return eo, err
		}
	default:
		return eo, azerr.Invalid(at("kind"), "%s %q is not \"percentage\" or \"manual\".", at("kind"), eo.Kind)
	}
	return eo, nil
}

// requireTestSet checks that a manual split has a testing set.
func (s *Training) requireTestSet(ctx context.Context, name, target string) error {
	_, c, err := s.store.ProjectContent(ctx, name)
	if err != nil {
		return err
	}
	var a Assets
	if len(c.Assets) > 0 {
		if err := json.Unmarshal(c.Assets, &a); err != nil {
			return err
		}
	}
	if !slices.ContainsFunc(a.Utterances, func(u Utterance) bool { return strings.EqualFold(u.Dataset, "Test") }) {
		return &azerr.Error{Code: azerr.InvalidRequest, Target: target,
			Message: "A manual split needs utterances in the Test dataset, and this project has none; use kind \"percentage\" or mark some utterances \"dataset\": \"Test\"."}
	}
	return nil
}

// CancelTraining implements ConversationalAnalysisAuthoring_CancelTrainingJob.
func (s *Training) CancelTraining(ctx context.Context, project, id string) (*job.Job, error) {
	j, err := s.GetJob(ctx, JobTrain, project, id)
	if err != nil {
		return nil, err
	}
	if _, err := s.jobs.CancelJob(ctx, id, s.cfg.Now()); errors.Is(err, job.ErrFinished) {
		return nil, azerr.New(azerr.InvalidRequest, "The training job %q has already finished (%s); only a job that is not finished can be cancelled.", id, j.Status)
	} else if err != nil {
		return nil, err
	}
	return s.GetJob(ctx, JobTrain, project, id)
}

// ListTrainingJobs implements ConversationalAnalysisAuthoring_ListTrainingJobs.
func (s *Training) ListTrainingJobs(ctx context.Context, project string, offset, limit int) ([]*job.Job, bool, error) {
	if _, err := s.lookupProject(ctx, project); err != nil {
		return nil, false, err
	}
	return s.jobs.ListJobs(ctx, JobTrain, project, s.cfg.Now(), offset, limit)
}

// trainer reports a training job's progress, at most every 2%.
type trainer struct {
	run   *job.Run
	state TrainingState
	last  int
}

func (t *trainer) report(ctx context.Context) {
	b, err := json.Marshal(t.state)
	if err == nil {
		t.run.Report(ctx, b)
	}
}

func (t *trainer) detail() []byte {
	b, _ := json.Marshal(t.state)
	return b
}

// fail ends the job: the running phase takes status st.
func (t *trainer) fail(now time.Time, st job.Status, err error) (*job.Outcome, error) {
	for _, p := range []*SubState{&t.state.Training, &t.state.Evaluation} {
		if p.Status == job.StatusRunning || p.Status == job.StatusNotStarted && st == job.StatusCancelled {
			p.Status, p.End = st, now
		}
	}
	return &job.Outcome{Detail: t.detail()}, err
}

// runTrain trains a model on the project's training set, evaluates it on
// the testing set, and stores it under its label. The model of that label is
// replaced only at the end, so a failed or cancelled training leaves it be.
func (s *Training) runTrain(ctx context.Context, run *job.Run, args trainArgs) (*job.Outcome, error) {
	o := args.TrainOptions
	st, err := TrainingStateOf(run.Job)
	if err != nil {
		return nil, err
	}
	t := &trainer{run: run, state: *st}
	modelID := jobModelID(o.ModelLabel, run.Job)
	if m, err := s.store.GetModel(ctx, run.Project, o.ModelLabel); err == nil && m.ID == modelID {
		// An earlier attempt of this job saved the model, then its process
		// died before finishing the job: finish it without training again,
		// so that the job's effect shows once.
		t.state.Training = SubState{Status: job.StatusSucceeded, Percent: 100, Start: m.Trained.Add(-m.Duration), End: m.Trained}
		t.state.Evaluation = SubState{Status: job.StatusSucceeded, Percent: 100, Start: m.Trained, End: m.Trained}
		return &job.Outcome{Detail: t.detail()}, nil
	}
	started := s.cfg.Now()
	t.state.Training = SubState{Status: job.StatusRunning, Start: started}
	t.state.Evaluation = SubState{Status: job.StatusNotStarted}
	t.report(ctx)

	p, c, err := s.store.ProjectContent(ctx, run.Project)
	if errors.Is(err, ErrNotFound) {
		return t.fail(s.cfg.Now(), job.StatusFailed, projectNotFound(run.Project))
	} else if err != nil {
		return nil, err
	}
	stored := c.Assets
	// Wait for room in the training memory budget; the job shows running
	// at 0% meanwhile.
	release, err := s.training.acquire(ctx, trainingMemory(len(stored)))
	if err != nil {
		return nil, err
	}
	defer release()
	var a Assets
	if len(stored) > 0 {
		if err := json.Unmarshal(stored, &a); err != nil {
			return nil, fmt.Errorf("project %q: stored assets: %w", p.Name, err)
		}
	}
	trainIdx, testIdx := split(p.Name, a.Utterances, *o.EvaluationOptions)
	data, e := trainingData(p, &a, trainIdx)
	if e != nil {
		return t.fail(s.cfg.Now(), job.StatusFailed, e)
	}
	if o.EvaluationOptions.Kind == EvalManual && len(testIdx) == 0 {
		return t.fail(s.cfg.Now(), job.StatusFailed, &azerr.Error{Code: azerr.InvalidRequest,
			Message: "A manual split needs utterances in the Test dataset, and this project has none."})
	}

	cfg, ok := configVersion(o.TrainingConfigVersion)
	if !ok {
		// Queued by a Parley that knew this config version.
		return t.fail(s.cfg.Now(), job.StatusFailed, azerr.Invalid("trainingConfigVersion", "trainingConfigVersion %q is not available in this version of Parley.", o.TrainingConfigVersion))
	}
	opts := engineOptions(cfg, p.Settings)
	opts.Progress = func(f float64) {
		pct := min(int(f*100), 99)
		if pct >= t.last+2 {
			t.last = pct
			t.state.Training.Percent = pct
			if f > 0.05 {
				elapsed := s.cfg.Now().Sub(started)
				t.state.EstimatedEnd = started.Add(time.Duration(float64(elapsed) / f * 1.1))
			}
			t.report(ctx)
		}
	}
	model, err := nlu.Train(ctx, data, opts)
	if ctx.Err() != nil {
		return t.fail(s.cfg.Now(), job.StatusCancelled, ctx.Err())
	}
	if err != nil {
		return t.fail(s.cfg.Now(), job.StatusFailed, azerr.New(azerr.InvalidRequest, "Training failed: %v.", err))
	}
	// Evaluate the model as deployments will serve it: decoded from the
	// stored blob, whose weights are narrower than training's.
	engine, err := model.MarshalBinary()
	if err != nil {
		return nil, err
	}
	model = new(nlu.Model)
	if err := model.UnmarshalBinary(engine); err != nil {
		return nil, fmt.Errorf("training job %s: decode the trained model: %w", run.ID, err)
	}
	now := s.cfg.Now()
	t.state.Training = SubState{Status: job.StatusSucceeded, Percent: 100, Start: started, End: now}
	t.state.Evaluation = SubState{Status: job.StatusRunning, Start: now}
	t.report(ctx)

	results, err := s.predictTestSet(ctx, model, p, &a, testIdx, func(pct int) {
		if pct >= t.state.Evaluation.Percent+5 && pct < 100 {
			t.state.Evaluation.Percent = pct
			t.report(ctx)
		}
	})
	if err != nil {
		return t.fail(s.cfg.Now(), job.StatusCancelled, err)
	}
	eval, err := json.Marshal(Evaluate(results, *o.EvaluationOptions))
	if err != nil {
		return nil, err
	}
	snapshot, err := json.Marshal(importPayload{Metadata: fileMetadata(p), Assets: stored})
	if err != nil {
		return nil, err
	}
	end := s.cfg.Now()
	m := &Model{Project: p.Name, Label: o.ModelLabel, ID: modelID, Trained: end.UTC().Truncate(time.Second),
		Duration: end.Sub(started), ConfigVersion: cfg.Version, ExpirationDate: cfg.ExpirationDate}
	switch err := s.store.SaveModel(ctx, m, &ModelData{Snapshot: snapshot, Engine: engine, Evaluation: eval}, MaxModels); {
	case errors.Is(err, ErrQuota):
		return t.fail(end, job.StatusFailed, azerr.New(azerr.QuotaExceeded, "The project already has %d trained models, the limit.", MaxModels))
	case errors.Is(err, ErrNotFound):
		return t.fail(end, job.StatusFailed, projectNotFound(p.Name))
	case err != nil:
		return nil, err
	}
	t.state.Evaluation = SubState{Status: job.StatusSucceeded, Percent: 100, Start: now, End: end}
	t.state.EstimatedEnd = time.Time{}
	var warnings []job.Warning
	for _, w := range model.Warnings() {
		warnings = append(warnings, job.Warning{Code: "Warning", Message: w})
	}
	return &job.Outcome{Detail: t.detail(), Warnings: warnings}, nil
}

// predictTestSet predicts the utterances testIdx of a with model, as a
// deployment would, and reports the percentage done to progress. It
// returns ctx's error when ctx is cancelled. The predictions of a chunk
// run on every core (a Model predicts concurrently); the results keep the
// order of testIdx.
func (s *Training) predictTestSet(ctx context.Context, model *nlu.Model, p *Project, a *Assets, testIdx []int, progress func(pct int)) ([]UtteranceResult, error) {
	results := make([]UtteranceResult, len(testIdx))
	predict := func(k int) {
		u := &a.Utterances[testIdx[k]]
		lang := u.Language
		if lang == "" {
			lang = p.Language
		}
		pred := model.Predict(u.Text, lang, &nlu.PredictOptions{ReferenceFunc: s.referenceFunc(nil)})
		r := UtteranceResult{Text: u.Text, Language: lang, ExpectedIntent: u.Intent, PredictedIntent: pred.Intents[0].Intent,
			Expected: slices.Clone(u.Entities), Predicted: []Label{}}
		if r.Expected == nil {
			r.Expected = []Label{}
		}
		for _, e := range pred.Entities {
			r.Predicted = append(r.Predicted, Label{Category: e.Category, Offset: e.Offset, Length: e.Length})
		}
		results[k] = r
	}
	const chunk = 64
	workers := max(1, min(runtime.GOMAXPROCS(0), 4))
	for start := 0; start < len(testIdx); start += chunk {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		end := min(start+chunk, len(testIdx))
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for k := start + w; k < end; k += workers {
					predict(k)
				}
			})
		}
		wg.Wait()
		progress(end * 100 / len(testIdx))
	}
	return results, nil
}

// trainingData converts a project's training utterances for the engine.
func trainingData(p *Project, a *Assets, trainIdx []int) (nlu.TrainingData, *azerr.Error) {
	d := nlu.TrainingData{Language: p.Language}
	count := map[string]int{}
	for _, i := range trainIdx {
		u := &a.Utterances[i]
		ex := nlu.Example{Text: u.Text, Intent: u.Intent}
		for _, l := range u.Entities {
			ex.Spans = append(ex.Spans, nlu.Span{Category: l.Category, Offset: l.Offset, Length: l.Length})
		}
		d.Examples = append(d.Examples, ex)
		count[u.Intent]++
	}
	if len(d.Examples) == 0 {
		return d, &azerr.Error{Code: azerr.InvalidRequest, Target: "assets.utterances",
			Message: "The project has no utterances in its training set; import labelled utterances before training."}
	}
	for _, in := range a.Intents {
		if in.Category != NoneIntent && count[in.Category] == 0 {
			return d, &azerr.Error{Code: azerr.InvalidRequest, Target: "assets.intents",
				Message: fmt.Sprintf("The intent %q has no utterances in the training set; add utterances to it or remove it.", in.Category)}
		}
		d.Intents = append(d.Intents, in.Category)
	}
	if !slices.Contains(d.Intents, NoneIntent) {
		d.Intents = append(d.Intents, NoneIntent)
	}
	for _, e := range a.Entities {
		def := nlu.EntityDef{Category: e.Category, Composition: e.CompositionSetting, Required: e.RequiredComponents}
		if e.List != nil {
			def.List = &nlu.ListComponent{}
			for _, sl := range e.List.Sublists {
				syn := map[string][]string{}
				for _, sy := range sl.Synonyms {
					syn[sy.Language] = append(syn[sy.Language], sy.Values...)
				}
				def.List.Sublists = append(def.List.Sublists, nlu.Sublist{Key: sl.ListKey, Synonyms: syn})
			}
		}
		if e.Regex != nil {
			def.Regex = &nlu.RegexComponent{}
			for _, x := range e.Regex.Expressions {
				def.Regex.Expressions = append(def.Regex.Expressions, nlu.Regex{Key: x.RegexKey, Language: x.Language, Pattern: x.RegexPattern})
			}
		}
		for _, pb := range e.Prebuilts {
			def.Prebuilts = append(def.Prebuilts, pb.Category)
		}
		d.Entities = append(d.Entities, def)
	}
	d.PhraseLists = enginePhraseLists(a)
	return d, nil
}

// jobModelID returns the model id a training job gives its model, in the
// service's shape (AUTHORING.md §2.3): the label, the job's creation time on
// a 12-hour clock, and 32 hex digits. It derives from the job, so that a
// re-run of the job knows whether it saved the model already.
func jobModelID(label string, j *job.Job) string {
	sum := sha256.Sum256([]byte(j.ID))
	t := j.Created.UTC()
	return fmt.Sprintf("%s-%sT%s-%s", label, t.Format("20060102"), t.Format("030405"), hex.EncodeToString(sum[:16]))
}
