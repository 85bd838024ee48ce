package client_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/parley-dev/parley/internal/api/apitest"
	"github.com/parley-dev/parley/internal/azerr"
	"github.com/parley-dev/parley/internal/client"
)

// importSmoke imports file as the smoke project.
func importSmoke(t *testing.T, c *client.Client, file []byte) {
	t.Helper()
	if _, err := c.ImportProject(t.Context(), smokeName, file, nil); err != nil {
		t.Fatalf("ImportProject(%q) = %v", smokeName, err)
	}
}

func TestTrainAndEvaluation(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv := apitest.New(t, &apitest.Options{AutoRun: true, PageSize: 5})
	c := newClient(t, srv.URL, apitest.Key)
	importSmoke(t, c, readSmoke(t))

	for _, tc := range []struct {
		label string
		eval  *client.EvaluationOptions
		want  client.EvaluationOptions
	}{
		{"manual", &client.EvaluationOptions{Kind: client.EvaluationManual}, client.EvaluationOptions{Kind: "manual"}},
		// The testing share is the rest of the training share.
		{"split70", &client.EvaluationOptions{Kind: client.EvaluationPercentage, TrainingSplitPercentage: 70},
			client.EvaluationOptions{Kind: "percentage", TrainingSplitPercentage: 70, TestingSplitPercentage: 30}},
		{"default", nil, client.EvaluationOptions{Kind: "percentage", TrainingSplitPercentage: 80, TestingSplitPercentage: 20}},
	} {
		var progress []*client.TrainingJobResult
		st, err := c.Train(ctx, smokeName, client.TrainOptions{ModelLabel: tc.label, Evaluation: tc.eval}, &client.JobOptions{
			ProgressFunc: func(s *client.JobState) {
				r, err := s.TrainingResult()
				if err != nil {
					t.Errorf("TrainingResult() of a training job = %v", err)
					return
				}
				progress = append(progress, r)
			},
		})
		if err != nil {
			t.Fatalf("Train(%q) = %v", tc.label, err)
		}
		r := st.Result
		if st.Status != client.JobSucceeded || r.ModelLabel != tc.label || r.TrainingMode != client.TrainingModeStandard ||
			r.TrainingStatus.PercentComplete != 100 || r.EvaluationStatus.PercentComplete != 100 ||
			r.EvaluationStatus.Status != client.JobSucceeded || r.TrainingStatus.EndDateTime.IsZero() {
			t.Errorf("Train(%q) = %+v", tc.label, st)
		}
		if len(progress) == 0 || progress[len(progress)-1].EvaluationStatus.PercentComplete != 100 {
			t.Errorf("Train(%q): ProgressFunc saw %+v, want it to end at 100%%", tc.label, progress)
		}

		sum, err := c.EvaluationSummary(ctx, smokeName, tc.label)
		if err != nil {
			t.Fatalf("EvaluationSummary(%q) = %v", tc.label, err)
		}
		if sum.EvaluationOptions == nil || *sum.EvaluationOptions != tc.want {
			t.Errorf("EvaluationSummary(%q).EvaluationOptions = %+v, want %+v", tc.label, sum.EvaluationOptions, tc.want)
		}
		ie := sum.IntentsEvaluation
		if len(ie.Intents) < 2 || ie.MicroF1 <= 0 || ie.MicroF1 > 1 || len(ie.ConfusionMatrix) == 0 {
			t.Errorf("EvaluationSummary(%q).IntentsEvaluation = %+v", tc.label, ie)
		}
		// The counts agree with the confusion matrix's diagonal.
		for name, in := range ie.Intents {
			if got := ie.ConfusionMatrix[name][name].RawValue; math.Abs(float64(got)-float64(in.TruePositiveCount)) > 1e-6 {
				t.Errorf("%s: confusion[%s][%s] = %v, want truePositiveCount %d", tc.label, name, name, got, in.TruePositiveCount)
			}
		}
		if len(sum.EntitiesEvaluation.Entities) == 0 {
			t.Errorf("EvaluationSummary(%q) has no entities; the smoke project has some", tc.label)
		}
	}

	ms, err := c.ListModels(ctx, smokeName)
	if err != nil {
		t.Fatalf("ListModels() = %v", err)
	}
	var labels []string
	for _, m := range ms {
		labels = append(labels, m.Label)
	}
	if len(labels) != 3 {
		t.Errorf("ListModels() = %v, want the three trained", labels)
	}
	m, err := c.GetModel(ctx, smokeName, "manual")
	if err != nil || m.Label != "manual" || !strings.HasPrefix(m.ModelID, "manual-") || m.LastTrainedDateTime.IsZero() ||
		m.ModelExpirationDate == "" || m.ModelTrainingConfigVersion == "" || m.HasSnapshot == nil || !*m.HasSnapshot {
		t.Errorf("GetModel(manual) = %+v, %v", m, err)
	}

	// 28 Test utterances, five a page.
	rs, err := c.EvaluationResults(ctx, smokeName, "manual")
	if err != nil || len(rs) != 28 {
		t.Fatalf("EvaluationResults(manual) = %d results, %v; want 28", len(rs), err)
	}
	for _, r := range rs {
		if r.Text == "" || r.IntentsResult.ExpectedIntent == "" || r.IntentsResult.PredictedIntent == "" || r.EntitiesResult.PredictedEntities == nil {
			t.Errorf("EvaluationResults(manual) has %+v", r)
		}
	}
}

func TestTrainFails(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv := apitest.New(t, &apitest.Options{AutoRun: true})
	c := newClient(t, srv.URL, apitest.Key)
	var f map[string]any
	if err := json.Unmarshal(readSmoke(t), &f); err != nil {
		t.Fatal(err)
	}
	assets := f["assets"].(map[string]any)
	assets["intents"] = append(assets["intents"].([]any), map[string]any{"category": "Lonely"})
	b, _ := json.Marshal(f)
	importSmoke(t, c, b)

	st, err := c.Train(ctx, smokeName, client.TrainOptions{ModelLabel: "m"}, nil)
	var je *client.JobError
	if !errors.As(err, &je) || azerr.CodeOf(err) != azerr.InvalidRequest || !strings.Contains(err.Error(), `"Lonely"`) {
		t.Errorf("Train() with an empty intent = %v, want a *client.JobError naming it", err)
	}
	if st == nil || st.Status != client.JobFailed || st.Result.TrainingStatus.Status != client.JobFailed || st.Result.ModelLabel != "m" {
		t.Errorf("Train() with an empty intent = %+v, want the failed job's state", st)
	}

	for _, tc := range []struct {
		name string
		call func() error
		code azerr.Code
	}{
		{"train unknown project", func() error {
			_, err := c.Train(ctx, "nope", client.TrainOptions{ModelLabel: "m"}, nil)
			return err
		}, azerr.ProjectNotFound},
		{"bad label", func() error {
			_, err := c.Train(ctx, smokeName, client.TrainOptions{ModelLabel: "a b"}, nil)
			return err
		}, azerr.InvalidArgument},
		{"list models of unknown project", func() error { _, err := c.ListModels(ctx, "nope"); return err }, azerr.ProjectNotFound},
		{"unknown model", func() error { _, err := c.GetModel(ctx, smokeName, "nope"); return err }, azerr.NotFound},
		{"summary of unknown model", func() error { _, err := c.EvaluationSummary(ctx, smokeName, "nope"); return err }, azerr.NotFound},
		{"results of unknown model", func() error { _, err := c.EvaluationResults(ctx, smokeName, "nope"); return err }, azerr.NotFound},
	} {
		if err := tc.call(); azerr.CodeOf(err) != tc.code {
			t.Errorf("%s: error = %v, want code %s", tc.name, err, tc.code)
		}
	}
	if _, err := c.Train(ctx, smokeName, client.TrainOptions{}, nil); err == nil {
		t.Errorf("Train() without a label succeeded, want an error")
	}
}

// TestTrainingResultOfOtherJobs checks that a job without a result (an
// import, a deletion) says so rather than decoding to zeros.
func TestTrainingResultOfOtherJobs(t *testing.T) {
	t.Parallel()
	srv, _ := fakeJob(t, []string{"succeeded"})
	st, err := newClient(t, srv.URL, "k").DeleteProject(t.Context(), "p", nil)
	if err != nil {
		t.Fatal(err)
	}
	if r, err := st.TrainingResult(); err == nil {
		t.Errorf("TrainingResult() of a deletion job = %+v, want an error", r)
	}
}

// TestTrainRequest checks the body Train sends.
func TestTrainRequest(t *testing.T) {
	t.Parallel()
	var got map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			if r.URL.EscapedPath() != "/language/authoring/analyze-conversations/projects/a%20b/:train" {
				t.Errorf("POST %s, want the project's :train", r.URL.EscapedPath())
			}
			json.NewDecoder(r.Body).Decode(&got)
			w.Header().Set("Operation-Location", "/job?api-version=2023-04-01")
			w.WriteHeader(http.StatusAccepted)
			return
		}
		fmt.Fprint(w, `{"jobId":"j","status":"succeeded","result":{"modelLabel":"m","trainingConfigVersion":"2022-05-01",
			"trainingStatus":{"percentComplete":100,"status":"succeeded"},"evaluationStatus":{"percentComplete":100,"status":"succeeded"}}}`)
	}))
	defer srv.Close()
	c := newClient(t, srv.URL, "k")
	for _, tc := range []struct {
		opts client.TrainOptions
		want string
	}{
		{client.TrainOptions{ModelLabel: "m"}, `{"modelLabel":"m","trainingMode":"standard"}`},
		{client.TrainOptions{ModelLabel: "m", TrainingMode: "advanced", TrainingConfigVersion: "latest",
			Evaluation: &client.EvaluationOptions{Kind: client.EvaluationManual}},
			`{"modelLabel":"m","trainingMode":"advanced","trainingConfigVersion":"latest","evaluationOptions":{"kind":"manual"}}`},
		{client.TrainOptions{ModelLabel: "m", Evaluation: &client.EvaluationOptions{Kind: client.EvaluationPercentage, TrainingSplitPercentage: 90}},
			`{"modelLabel":"m","trainingMode":"standard","evaluationOptions":{"kind":"percentage","trainingSplitPercentage":90,"testingSplitPercentage":10}}`},
	} {
		got = nil
		st, err := c.Train(t.Context(), "a b", tc.opts, nil)
		if err != nil || st.Result.TrainingConfigVersion != "2022-05-01" {
			t.Fatalf("Train(%+v) = %+v, %v", tc.opts, st, err)
		}
		b, _ := json.Marshal(got)
		jsonEqual(t, b, []byte(tc.want))
	}
}
