package client_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parley-dev/parley/internal/api/apitest"
	"github.com/parley-dev/parley/internal/azerr"
	"github.com/parley-dev/parley/internal/client"
)

func TestDeployAndPredict(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv := apitest.New(t, &apitest.Options{AutoRun: true, PageSize: 1})
	c := newClient(t, srv.URL, apitest.Key)
	importSmoke(t, c, readSmoke(t))
	if _, err := c.Train(ctx, smokeName, client.TrainOptions{ModelLabel: "m1", Evaluation: &client.EvaluationOptions{Kind: client.EvaluationManual}}, nil); err != nil {
		t.Fatalf("Train(m1) = %v", err)
	}
	model, err := c.GetModel(ctx, smokeName, "m1")
	if err != nil {
		t.Fatal(err)
	}

	var statuses []client.JobStatus
	d, err := c.Deploy(ctx, smokeName, "prod", "m1", &client.JobOptions{ProgressFunc: func(s *client.JobState) { statuses = append(statuses, s.Status) }})
	if err != nil {
		t.Fatalf("Deploy(prod, m1) = %v", err)
	}
	if d.DeploymentName != "prod" || d.ModelID != model.ModelID || d.LastDeployedDateTime.IsZero() ||
		!d.LastTrainedDateTime.Equal(model.LastTrainedDateTime.Time) || d.DeploymentExpirationDate == "" || len(d.Raw) == 0 {
		t.Errorf("Deploy(prod, m1) = %+v, want prod serving model %s", d, model.ModelID)
	}
	if len(statuses) == 0 || statuses[len(statuses)-1] != client.JobSucceeded {
		t.Errorf("Deploy: ProgressFunc saw %v, want it to end with succeeded", statuses)
	}
	if _, err := c.Deploy(ctx, smokeName, "staging", "m1", nil); err != nil {
		t.Fatalf("Deploy(staging, m1) = %v", err)
	}

	got, err := c.GetDeployment(ctx, smokeName, "prod")
	if err != nil || got.ModelID != d.ModelID || !got.LastDeployedDateTime.Equal(d.LastDeployedDateTime.Time) {
		t.Errorf("GetDeployment(prod) = %+v, %v, want %+v", got, err, d)
	}
	// A page holds one deployment: the list follows nextLink.
	ds, err := c.ListDeployments(ctx, smokeName)
	var names []string
	for _, d := range ds {
		names = append(names, d.DeploymentName)
	}
	slices.Sort(names)
	if err != nil || !slices.Equal(names, []string{"prod", "staging"}) {
		t.Errorf("ListDeployments() = %v, %v, want prod and staging", names, err)
	}

	const text = "add Caleigh Peters to my women of country list"
	r, err := c.Predict(ctx, client.PredictRequest{Project: smokeName, Deployment: "prod", Text: text, Language: "en-us", StringIndexType: client.Utf16CodeUnit})
	if err != nil {
		t.Fatalf("Predict(%q) = %v", text, err)
	}
	p := r.Prediction
	if r.Query != text || p.ProjectKind != "Conversation" || p.TopIntent != "AddToPlaylist" || len(p.Intents) < 2 || p.TopScore() <= 0 {
		t.Errorf("Predict(%q) = %+v", text, r)
	}
	for i := 1; i < len(p.Intents); i++ {
		if p.Intents[i].ConfidenceScore > p.Intents[i-1].ConfidenceScore {
			t.Errorf("Predict(%q).Intents = %v, want them by score, highest first", text, p.Intents)
			break
		}
	}
	for _, e := range p.Entities {
		if e.Offset < 0 || e.Offset+e.Length > len(text) || text[e.Offset:e.Offset+e.Length] != e.Text {
			t.Errorf("Predict(%q): entity %+v is not the text at its offset", text, e)
		}
	}
	var raw struct {
		Kind   string `json:"kind"`
		Result struct {
			Query string `json:"query"`
		} `json:"result"`
	}
	if err := json.Unmarshal(r.Raw, &raw); err != nil || raw.Kind != "ConversationResult" || raw.Result.Query != text {
		t.Errorf("Predict(%q).Raw = %s, want the server's whole answer", text, r.Raw)
	}

	for _, tc := range []struct {
		name    string
		call    func() error
		status  int
		code    azerr.Code
		message string // in Error()
	}{
		{"predict unknown deployment", func() error {
			_, err := c.Predict(ctx, client.PredictRequest{Project: smokeName, Deployment: "nope", Text: "hi"})
			return err
		}, 404, azerr.NotFound, "NotFound: "},
		{"predict unknown project", func() error {
			_, err := c.Predict(ctx, client.PredictRequest{Project: "nope", Deployment: "prod", Text: "hi"})
			return err
		}, 404, azerr.ProjectNotFound, "ProjectNotFound: "},
		{"predict empty text", func() error {
			_, err := c.Predict(ctx, client.PredictRequest{Project: smokeName, Deployment: "prod", Text: " "})
			return err
		}, 400, azerr.InvalidArgument, "text is empty"},
		{"predict bad index type", func() error {
			_, err := c.Predict(ctx, client.PredictRequest{Project: smokeName, Deployment: "prod", Text: "hi", StringIndexType: "Utf8"})
			return err
		}, 400, azerr.InvalidArgument, "stringIndexType"},
		{"deploy unknown model", func() error { _, err := c.Deploy(ctx, smokeName, "x", "nope", nil); return err },
			404, azerr.NotFound, "NotFound: "},
		{"deploy unknown project", func() error { _, err := c.Deploy(ctx, "nope", "x", "m1", nil); return err },
			404, azerr.ProjectNotFound, "ProjectNotFound: "},
		{"get unknown deployment", func() error { _, err := c.GetDeployment(ctx, smokeName, "nope"); return err },
			404, azerr.NotFound, "NotFound: "},
		{"list deployments of unknown project", func() error { _, err := c.ListDeployments(ctx, "nope"); return err },
			404, azerr.ProjectNotFound, "ProjectNotFound: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			var e *client.Error
			if !errors.As(err, &e) {
				t.Fatalf("error = %v (%T), want a *client.Error", err, err)
			}
			if e.StatusCode != tc.status || azerr.CodeOf(err) != tc.code || !strings.Contains(err.Error(), tc.message) {
				t.Errorf("error = %d %q, want %d, code %s, containing %q", e.StatusCode, err, tc.status, tc.code, tc.message)
			}
		})
	}
	if _, err := c.Deploy(ctx, smokeName, "prod", "", nil); err == nil {
		t.Errorf("Deploy with no label succeeded, want an error")
	}
}

// fakeRuntime serves the prediction API: each request gets the next of
// answers (a status code and a body), the last one repeated. It records the
// request bodies.
func fakeRuntime(t *testing.T, answers ...string) (*httptest.Server, *[]string) {
	t.Helper()
	var n atomic.Int32
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/language/:analyze-conversations" || r.URL.Query().Get("api-version") != client.DefaultAPIVersion {
			t.Errorf("request %s %s, want POST /language/:analyze-conversations?api-version=%s", r.Method, r.URL, client.DefaultAPIVersion)
		}
		if r.Header.Get("Ocp-Apim-Subscription-Key") != "k" || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("request headers %v, want the key and a JSON body", r.Header)
		}
		b, _ := io.ReadAll(r.Body)
		bodies = append(bodies, string(b)) // requests are sequential
		a := answers[min(int(n.Add(1))-1, len(answers)-1)]
		var status int
		fmt.Sscanf(a, "%d ", &status)
		if status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After-Ms", "1")
		}
		w.WriteHeader(status)
		io.WriteString(w, a[4:])
	}))
	t.Cleanup(srv.Close)
	return srv, &bodies
}

const okAnswer = `200 {"kind":"ConversationResult","result":{"query":"play Abba","prediction":{"projectKind":"Conversation","topIntent":"Play",
"intents":[{"category":"Play","confidenceScore":0.9},{"category":"None","confidenceScore":0.1}],
"entities":[{"category":"artist","text":"Abba","offset":5,"length":4,"confidenceScore":1,
"extraInformation":[{"extraInformationKind":"ListKey","key":"ABBA"}],"resolutions":[{"resolutionKind":"X"}]}]},"unknown":true}}`

func TestPredictWire(t *testing.T) {
	t.Parallel()
	want := client.Prediction{ProjectKind: "Conversation", TopIntent: "Play",
		Intents: []client.Intent{{Category: "Play", ConfidenceScore: 0.9}, {Category: "None", ConfidenceScore: 0.1}},
		Entities: []client.Entity{{Category: "artist", Text: "Abba", Offset: 5, Length: 4, ConfidenceScore: 1,
			ExtraInformation: []client.ExtraInformation{{ExtraInformationKind: client.ExtraListKey, Key: "ABBA"}},
			Resolutions:      []json.RawMessage{json.RawMessage(`{"resolutionKind":"X"}`)}}}}
	for _, tc := range []struct {
		name     string
		req      client.PredictRequest
		answers  []string
		wantBody string
		wantErr  string // "" for success
		requests int
	}{
		{"defaults", client.PredictRequest{Project: "p", Deployment: "d", Text: "play Abba"}, []string{okAnswer},
			`{"kind":"Conversation","analysisInput":{"conversationItem":{"id":"1","participantId":"1","text":"play Abba"}},"parameters":{"projectName":"p","deploymentName":"d"}}`, "", 1},
		{"language and index type", client.PredictRequest{Project: "p", Deployment: "d", Text: "play Abba", Language: "en-gb", StringIndexType: client.UnicodeCodePoint}, []string{okAnswer},
			`{"kind":"Conversation","analysisInput":{"conversationItem":{"id":"1","participantId":"1","text":"play Abba","language":"en-gb"}},"parameters":{"projectName":"p","deploymentName":"d","stringIndexType":"UnicodeCodePoint"}}`, "", 1},
		{"busy then ok", client.PredictRequest{Project: "p", Deployment: "d", Text: "play Abba"},
			[]string{`429 {"error":{"code":"TooManyRequests","message":"slow down"}}`, `503 not now`, okAnswer}, "", "", 3},
		{"always busy", client.PredictRequest{Project: "p", Deployment: "d", Text: "play Abba"},
			[]string{`429 {"error":{"code":"TooManyRequests","message":"slow down"}}`}, "", "TooManyRequests: slow down", 6},
		{"orchestration", client.PredictRequest{Project: "p", Deployment: "d", Text: "x"},
			[]string{`200 {"kind":"ConversationResult","result":{"query":"x","prediction":{"projectKind":"Orchestration","topIntent":"a","intents":{"a":{}}}}}`},
			"", `is of kind "Orchestration"`, 1},
		{"not a result", client.PredictRequest{Project: "p", Deployment: "d", Text: "x"}, []string{`200 {"kind":"Other"}`},
			"", "not a ConversationResult", 1},
		{"bad request", client.PredictRequest{Project: "p", Deployment: "d", Text: ""},
			[]string{`400 {"error":{"code":"InvalidArgument","message":"text is empty"}}`}, "", "InvalidArgument: text is empty", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, bodies := fakeRuntime(t, tc.answers...)
			r, err := newClient(t, srv.URL, "k").Predict(t.Context(), tc.req)
			if len(*bodies) != tc.requests {
				t.Errorf("Predict sent %d requests, want %d", len(*bodies), tc.requests)
			}
			if tc.wantBody != "" && len(*bodies) > 0 {
				jsonEqual(t, []byte((*bodies)[0]), []byte(tc.wantBody))
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Predict() = %v, want an error containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Predict() = %v", err)
			}
			if r.Query != "play Abba" {
				t.Errorf("Predict().Query = %q, want %q", r.Query, "play Abba")
			}
			if diff := cmp.Diff(want, r.Prediction); diff != "" {
				t.Errorf("Predict().Prediction differs (-want +got):\n%s", diff)
			}
			jsonEqual(t, r.Raw, []byte(okAnswer[4:]))
			if got := r.Prediction.TopScore(); got != 0.9 {
				t.Errorf("TopScore() = %v, want 0.9", got)
			}
		})
	}
}
