package compat

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parley-dev/parley/internal/api/apitest"
	"github.com/parley-dev/parley/internal/job"
	"github.com/parley-dev/parley/internal/project"
)

// Seeding for the training, model, evaluation and snapshot examples. They
// all name the project EmailApp that SuccessfulImportProject imports, but
// that file has two utterances, one of them in the Test set: too few to
// train. The suite imports it with utterances added for each of its
// intents, and trains the models the examples name through :train.

const (
	importExample = "SuccessfulImportProject.json"
	trainExample  = "SuccessfulTrainProject.json"
)

// senderNames and senderTemplates make the utterances added to EmailApp:
// every template with every name, the name labelled as the Sender entity.
var (
	senderNames     = []string{"Anna", "Chris", "Dana", "Eli", "Fatima", "Grace", "Hiro", "Ivan", "Jules", "Kemal", "Lena"}
	senderTemplates = []struct{ intent, text string }{
		{"Read", "Open %s's email"},
		{"Read", "Show me the last mail from %s"},
		{"Delete", "Delete %s's email"},
		{"Delete", "Remove the message from %s"},
	}
)

// senderUtterances makes the utterances added to a project to train it,
// every third in the Test set (of each template in turn), and returns them
// with the texts of the Test set.
func senderUtterances() (utterances []any, test []string) {
	i := 0
	for _, name := range senderNames {
		for _, tpl := range senderTemplates {
			text := fmt.Sprintf(tpl.text, name)
			u := map[string]any{
				"text":     text,
				"intent":   tpl.intent,
				"entities": []any{map[string]any{"category": "Sender", "offset": strings.Index(tpl.text, "%s"), "length": len(name)}},
			}
			if i%3 == 0 {
				u["dataset"] = "Test"
				test = append(test, text)
			}
			utterances = append(utterances, u)
			i++
		}
	}
	return utterances, test
}

// trainableImport returns the body of SuccessfulImportProject with the
// sender utterances added, their Test set alone more than a page of
// evaluation results at the evaluation example's maxpagesize; and the
// texts of its Test set.
func trainableImport(t testing.TB) (body map[string]any, test []string) {
	t.Helper()
	imp := loadExample(t, importExample)
	var file map[string]any
	b, _ := json.Marshal(imp.Parameters["body"])
	if err := json.Unmarshal(b, &file); err != nil { // a deep copy
		t.Fatal(err)
	}
	assets, _ := file["assets"].(map[string]any)
	utterances, _ := assets["utterances"].([]any)
	names := func(member string) []string {
		var out []string
		list, _ := assets[member].([]any)
		for _, x := range list {
			m, _ := x.(map[string]any)
			c, _ := m["category"].(string)
			out = append(out, c)
		}
		return out
	}
	for _, tpl := range senderTemplates {
		if !slices.Contains(names("intents"), tpl.intent) || !slices.Contains(names("entities"), "Sender") {
			t.Fatalf("seeding: %s has intents %v and entities %v; the utterances added to it need the intent %s and the entity Sender", importExample, names("intents"), names("entities"), tpl.intent)
		}
	}
	for _, u := range utterances {
		m, _ := u.(map[string]any)
		if d, _ := m["dataset"].(string); strings.EqualFold(d, "Test") {
			test = append(test, m["text"].(string))
		}
	}
	added, addedTest := senderUtterances()
	assets["utterances"] = append(utterances, added...)
	return file, append(test, addedTest...)
}

// trainProject trains a model of a project that PATCH created, as the
// project examples that show lastTrainedDateTime assume: it imports the
// project's own metadata with the sender utterances, and trains.
func (s *suite) trainProject(apiVersion string, metadata map[string]any) {
	s.t.Helper()
	name, _ := metadata["projectName"].(string)
	utterances, _ := senderUtterances()
	var intents []any
	seen := map[string]bool{}
	for _, tpl := range senderTemplates {
		if !seen[tpl.intent] {
			seen[tpl.intent] = true
			intents = append(intents, map[string]any{"category": tpl.intent})
		}
	}
	file := map[string]any{
		"projectFileVersion": apiVersion,
		"stringIndexType":    "Utf16CodeUnit",
		"metadata":           metadata,
		"assets": map[string]any{
			"projectKind": metadata["projectKind"],
			"intents":     intents,
			"entities":    []any{map[string]any{"category": "Sender"}},
			"utterances":  utterances,
		},
	}
	base := "/projects/" + url.PathEscape(name)
	resp := s.srv.Do("POST", base+"/:import?api-version="+apiVersion, file)
	if raw := apitest.ReadBody(s.t, resp); resp.StatusCode != http.StatusAccepted {
		s.t.Fatalf("seeding: import %s = %d %s, want 202", name, resp.StatusCode, raw)
	}
	s.runJobs()
	body := maps.Clone(loadExample(s.t, trainExample).Parameters["body"].(map[string]any))
	resp = s.srv.Do("POST", base+"/:train?api-version="+apiVersion, body)
	if raw := apitest.ReadBody(s.t, resp); resp.StatusCode != http.StatusAccepted {
		s.t.Fatalf("seeding: train %s = %d %s, want 202", name, resp.StatusCode, raw)
	}
	s.runJobs()
	s.srv.Clock.Advance(time.Second)
}

// seedTrainableProject imports EmailApp with enough utterances to train.
func seedTrainableProject(s *suite, ex *example) map[string]string {
	s.t.Helper()
	imp := loadExample(s.t, importExample)
	name := mustParam(s.t, imp, "projectName")
	if p := mustParam(s.t, ex, "projectName"); p != name {
		s.t.Fatalf("seeding: %s imports %q, but %s names %q", importExample, name, ex.File, p)
	}
	body, _ := trainableImport(s.t)
	resp := s.srv.Do("POST", "/projects/"+name+"/:import?api-version="+imp.apiVersion(s.t), body)
	if raw := apitest.ReadBody(s.t, resp); resp.StatusCode != http.StatusAccepted {
		s.t.Fatalf("seeding: import %s = %d %s, want 202", name, resp.StatusCode, raw)
	}
	s.runJobs()
	return nil
}

// exampleConfigVersion is the training config version of every model and
// training job the examples show: the examples' "latest" was 2022-05-01, then
// the service's only config. Parley's "latest" is newer (VERSIONS.md §6), so
// the suite seeds the examples' state with the version they show.
const exampleConfigVersion = "2022-05-01"

// startTraining sends SuccessfulTrainProject's request with the model
// label, training mode and config version given ("" keeps the example's,
// but exampleConfigVersion for its "latest"), and returns the job id.
func (s *suite) startTraining(label, mode, config string) string {
	s.t.Helper()
	ex := loadExample(s.t, trainExample)
	body := maps.Clone(ex.Parameters["body"].(map[string]any))
	if config == "" && body["trainingConfigVersion"] == "latest" {
		config = exampleConfigVersion
	}
	for k, v := range map[string]string{"modelLabel": label, "trainingMode": mode, "trainingConfigVersion": config} {
		if v != "" {
			body[k] = v
		}
	}
	resp := s.srv.Do("POST", s.trainingPath("/:train"), body)
	raw := apitest.ReadBody(s.t, resp)
	id := jobIDPattern.FindString(resp.Header.Get("Operation-Location"))
	if resp.StatusCode != http.StatusAccepted || id == "" {
		s.t.Fatalf("seeding: train %s = %d %s (operation-location %q), want 202 and a job", label, resp.StatusCode, raw, resp.Header.Get("Operation-Location"))
	}
	return id
}

// trainModels trains models under the labels given, one after the other,
// as SuccessfulTrainProject does.
func (s *suite) trainModels(labels ...string) {
	s.t.Helper()
	for _, label := range labels {
		s.startTraining(label, "", "")
		s.runJobs()
		s.srv.Clock.Advance(time.Minute)
	}
	// Every training must have made its model.
	for _, label := range labels {
		resp := s.srv.Do("GET", s.trainingPath("/models/"+label), nil)
		if raw := apitest.ReadBody(s.t, resp); resp.StatusCode != http.StatusOK {
			s.t.Fatalf("seeding: model %s after training = %d %s; the training failed: %s", label, resp.StatusCode, raw, s.trainingErrors())
		}
	}
}

// trainingErrors describes the training jobs, for a seeding failure.
func (s *suite) trainingErrors() string {
	s.t.Helper()
	resp := s.srv.Do("GET", s.trainingPath("/train/jobs"), nil)
	return string(apitest.ReadBody(s.t, resp))
}

// trainingPath is a path under the project SuccessfulTrainProject trains,
// with its api-version.
func (s *suite) trainingPath(sub string) string {
	s.t.Helper()
	ex := loadExample(s.t, trainExample)
	return "/projects/" + url.PathEscape(mustParam(s.t, ex, "projectName")) + sub + "?api-version=" + ex.apiVersion(s.t)
}

// seedRunningTraining starts a training as SuccessfulTrainProject does and
// holds it while it trains, as the example shows it: running, with an
// estimated end, its evaluation not started.
func seedRunningTraining(s *suite, ex *example) map[string]string {
	s.t.Helper()
	seedTrainableProject(s, ex)
	id := s.startTraining("", "", "")
	s.holdJob(func(detail []byte) bool {
		var st project.TrainingState
		return json.Unmarshal(detail, &st) == nil &&
			st.Training.Status == job.StatusRunning && !st.EstimatedEnd.IsZero() &&
			st.Evaluation.Status == job.StatusNotStarted
	})
	return map[string]string{"jobId": id}
}

// seedTrainingJobsOfResponse runs the trainings the example lists, oldest
// first, with their model labels, modes and config versions.
func seedTrainingJobsOfResponse(s *suite, ex *example) map[string]string {
	s.t.Helper()
	seedTrainableProject(s, ex)
	body, _ := ex.response(s.t, "200").Body.(map[string]any)
	items, _ := body["value"].([]any)
	for _, it := range items {
		m, _ := it.(map[string]any)
		r, _ := m["result"].(map[string]any)
		label, _ := r["modelLabel"].(string)
		mode, _ := r["trainingMode"].(string)
		config, _ := r["trainingConfigVersion"].(string)
		s.startTraining(label, mode, config)
		s.runJobs()
		s.srv.Clock.Advance(time.Minute)
	}
	return nil
}

// seedCancellableTraining starts a training as SuccessfulTrainProject does
// and leaves it not started, so that the example can cancel it.
func seedCancellableTraining(s *suite, ex *example) map[string]string {
	s.t.Helper()
	seedTrainableProject(s, ex)
	return map[string]string{"jobId": s.startTraining("", "", "")}
}

// checkCancelled follows the operation-location of the cancel: the job
// it names was not started, so it is cancelled at once.
func checkCancelled(s *suite, _ *example, resp *http.Response, _ any) {
	s.t.Helper()
	loc := resp.Header.Get("Operation-Location")
	st := s.srv.Do("GET", loc, nil)
	if st.StatusCode != http.StatusOK {
		s.t.Fatalf("GET operation-location %s = %d %s", loc, st.StatusCode, apitest.ReadBody(s.t, st))
	}
	if body := apitest.ReadJSON(s.t, st); body["status"] != string(job.StatusCancelled) {
		s.t.Errorf("GET operation-location %s: status %v, want %s", loc, body["status"], job.StatusCancelled)
	}
}

// seedModelsOfResponse trains the models an example's response shows (a
// list's items, or the one model).
func seedModelsOfResponse(s *suite, ex *example) map[string]string {
	s.t.Helper()
	seedTrainableProject(s, ex)
	body, _ := ex.response(s.t, "200").Body.(map[string]any)
	items := []any{body}
	if list, ok := body["value"].([]any); ok {
		items = list
	}
	var labels []string
	for _, it := range items {
		m, _ := it.(map[string]any)
		label, _ := m["label"].(string)
		labels = append(labels, label)
	}
	s.trainModels(labels...)
	return nil
}

// seedNamedModel trains the model the example names.
func seedNamedModel(s *suite, ex *example) map[string]string {
	s.t.Helper()
	seedTrainableProject(s, ex)
	s.trainModels(mustParam(s.t, ex, "trainedModelLabel"))
	return nil
}

// seedRunningLoadSnapshot loads the snapshot of the model the example
// names and holds the job while it runs, as the example shows it.
func seedRunningLoadSnapshot(s *suite, ex *example) map[string]string {
	s.t.Helper()
	seedNamedModel(s, ex)
	const file = "SuccessfulLoadSnapshot.json"
	if a, b := mustParam(s.t, loadExample(s.t, file), "trainedModelLabel"), mustParam(s.t, ex, "trainedModelLabel"); a != b {
		s.t.Fatalf("seeding: %s loads %q, but %s names %q", file, a, ex.File, b)
	}
	id := s.startJob(file, "ConversationalAnalysisAuthoring_LoadSnapshot", nil)
	s.holdJob(nil)
	return map[string]string{"jobId": id}
}

// holdJob runs the queued job with the service's own handler and holds it
// in the middle, in the state an example shows, until the test ends: from
// when its handler reports a detail that at accepts, or, with at nil, from
// when it is claimed (running) until its handler starts.
//
// The job runs on a runner of the test's own, over the server's store and
// clock, whose store holds the handler's report; the server's own runner
// is stepped by hand and stays idle meanwhile.
func (s *suite) holdJob(at func(detail []byte) bool) {
	s.t.Helper()
	h := &holdingStore{Store: s.srv.Store, at: at, held: make(chan struct{}), release: make(chan struct{})}
	svc := project.New(s.srv.Store, s.srv.Store, func() {}, project.Config{Now: s.srv.Clock.Now})
	rn := job.NewRunner(h, job.Config{Now: s.srv.Clock.Now, Workers: 1, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	project.RegisterJobs(rn, svc)
	done := make(chan int, 1)
	go func() {
		n, err := rn.RunOnce(context.Background())
		if err != nil {
			s.t.Error(err)
		}
		done <- n
	}()
	select {
	case <-h.held:
		s.t.Cleanup(func() {
			close(h.release)
			<-done
		})
	case n := <-done:
		s.t.Fatalf("seeding: %d jobs ran to their end without reaching the state the example shows: %s", n, s.trainingErrors())
	}
}

// holdingStore is the server's job store; it holds the job it runs once,
// when the handler reports a detail that at accepts (or when hold is
// called), until release is closed.
type holdingStore struct {
	job.Store
	at      func(detail []byte) bool
	once    sync.Once
	held    chan struct{}
	release chan struct{}
}

func (h *holdingStore) SetJobDetail(ctx context.Context, id, owner string, detail []byte, now time.Time) error {
	err := h.Store.SetJobDetail(ctx, id, owner, detail, now)
	if err == nil && h.at != nil && h.at(detail) {
		h.hold()
	}
	return err
}

// JobPayload is read by the runner just before it calls the handler: with
// at nil, the job is held there, claimed but not yet started.
func (h *holdingStore) JobPayload(ctx context.Context, id string) ([]byte, error) {
	if h.at == nil {
		h.hold()
	}
	return h.Store.JobPayload(ctx, id)
}

func (h *holdingStore) hold() {
	h.once.Do(func() {
		close(h.held)
		<-h.release
	})
}

// checkEvaluationPages follows the pages of evaluation results: each page
// has the example's maxpagesize items, its nextLink is absolute on our host
// and carries the request's parameters with skip moved on, and the pages
// together hold each utterance of the Test set once. (The example's own
// nextLink contradicts its request: AUTHORING.md §11.)
func checkEvaluationPages(s *suite, ex *example, resp *http.Response, body any) {
	s.t.Helper()
	size, err := strconv.Atoi(mustParam(s.t, ex, "maxpagesize"))
	if err != nil {
		s.t.Fatal(err)
	}
	_, test := trainableImport(s.t)
	if len(test) <= size {
		s.t.Fatalf("the seeded Test set has %d utterances: too few for more than one page of %d", len(test), size)
	}
	first := resp.Request.URL
	seen := map[string]int{}
	page, _ := body.(map[string]any)
	for n := 0; ; n++ {
		items, _ := page["value"].([]any)
		for _, it := range items {
			m, _ := it.(map[string]any)
			text, _ := m["text"].(string)
			seen[text]++
		}
		link, ok := page["nextLink"].(string)
		if !ok {
			if page["nextLink"] != nil {
				s.t.Errorf("page %d: nextLink = %s, want a string or null", n, brief(page["nextLink"]))
			}
			break
		}
		if len(items) != size {
			s.t.Errorf("page %d has %d items and a nextLink, want maxpagesize=%d", n, len(items), size)
		}
		u, err := url.Parse(link)
		switch {
		case err != nil || !u.IsAbs():
			s.t.Fatalf("page %d: nextLink %q is not an absolute URL", n, link)
		case u.Scheme+"://"+u.Host != s.srv.URL || u.Path != first.Path:
			s.t.Errorf("page %d: nextLink %q is not %s%s", n, link, s.srv.URL, first.Path)
		}
		q := u.Query()
		for name, vs := range first.Query() {
			if name != "skip" && q.Get(name) != vs[0] {
				s.t.Errorf("page %d: nextLink %q has %s=%q, want the request's %q", n, link, name, q.Get(name), vs[0])
			}
		}
		if want := strconv.Itoa((n + 1) * size); q.Get("skip") != want {
			s.t.Errorf("page %d: nextLink %q has skip=%q, want %s", n, link, q.Get("skip"), want)
		}
		if n > len(test)/size+1 {
			s.t.Fatalf("page %d: more pages than the Test set fills", n)
		}
		next := s.srv.Do("GET", link, nil)
		if next.StatusCode != http.StatusOK {
			s.t.Fatalf("GET nextLink %s = %d %s", link, next.StatusCode, apitest.ReadBody(s.t, next))
		}
		page = apitest.ReadJSON(s.t, next)
	}
	for _, text := range test {
		if seen[text] != 1 {
			s.t.Errorf("the evaluation results show the Test utterance %q %d times, want once", text, seen[text])
		}
	}
	for text, k := range seen {
		if k > 1 {
			s.t.Errorf("the evaluation results show %q %d times", text, k)
		}
	}
}
