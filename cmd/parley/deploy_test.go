package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parley-dev/parley/internal/client"
	"github.com/parley-dev/parley/internal/wire"
)

// deployedSmoke starts a server, imports the smoke project with a list
// entity (dish) and a regex entity (order) added, trains the model m1 and
// deploys it as prod. It returns the endpoint and a client of it.
func deployedSmoke(t *testing.T) (string, *client.Client) {
	t.Helper()
	ep := startTestServer(t)
	file := editJSON(t, readFile(t, smokeFile), func(m map[string]any) {
		assets := m["assets"].(map[string]any)
		assets["entities"] = append(assets["entities"].([]any),
			map[string]any{"category": "dish", "list": map[string]any{"sublists": []any{map[string]any{
				"listKey": "Pizza", "synonyms": []any{map[string]any{"language": "en-us", "values": []any{"pizza", "margherita"}}}}}}},
			map[string]any{"category": "order", "regex": map[string]any{"expressions": []any{map[string]any{
				"regexKey": "Order", "language": "en-us", "regexPattern": `[A-Z]{2}\d{4}`}}}})
	})
	name := filepath.Join(t.TempDir(), "smoke.json")
	if err := os.WriteFile(name, file, 0o644); err != nil {
		t.Fatal(err)
	}
	mustCLI(t, ep, "import", name)
	mustCLI(t, ep, "train", smokeName, "--model", "m1", "--manual")
	mustCLI(t, ep, "deploy", smokeName, "prod", "--model", "m1")
	c, err := client.New(ep, "k", nil)
	if err != nil {
		t.Fatal(err)
	}
	return ep, c
}

// fields returns the name and value lines of parley deploy's output.
func fields(t *testing.T, out string) map[string]string {
	t.Helper()
	m := map[string]string{}
	for line := range strings.Lines(out) {
		name, value, ok := strings.Cut(strings.TrimSuffix(line, "\n"), "  ")
		if !ok {
			t.Fatalf("deploy output line %q, want a name and a value", line)
		}
		m[name] = strings.TrimSpace(value)
	}
	return m
}

// writeLines writes a temporary utterances file.
func writeLines(t *testing.T, content string) string {
	t.Helper()
	name := filepath.Join(t.TempDir(), "utterances.txt")
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return name
}

func TestDeployAndPredict(t *testing.T) {
	t.Parallel()
	ep, c := deployedSmoke(t)
	ctx := t.Context()
	model, err := c.GetModel(ctx, smokeName, "m1")
	if err != nil {
		t.Fatal(err)
	}

	t.Run("deploy", func(t *testing.T) {
		out := mustCLI(t, ep, "deploy", smokeName, "staging", "--model", "m1")
		got := fields(t, out)
		if got["deployment"] != "staging" || got["model id"] != model.ModelID || got["last trained"] != model.LastTrainedDateTime.UTC().Format("2006-01-02T15:04:05Z07:00") ||
			got["last deployed"] == "" || got["expires"] == "" || got["training config"] != model.ModelTrainingConfigVersion {
			t.Errorf("parley deploy printed\n%s\nwant staging serving %s", out, model.ModelID)
		}
		d, err := c.GetDeployment(ctx, smokeName, "staging")
		if err != nil || d.ModelID != model.ModelID {
			t.Errorf("GetDeployment(staging) = %+v, %v, want model %s", d, err, model.ModelID)
		}
	})

	t.Run("table", func(t *testing.T) {
		const text = "book a margherita pizza place for order AB1234"
		out := mustCLI(t, ep, "predict", smokeName, "prod", text)
		r, err := c.Predict(ctx, client.PredictRequest{Project: smokeName, Deployment: "prod", Text: text})
		if err != nil {
			t.Fatal(err)
		}
		p := r.Prediction
		want := []string{
			"query       " + text + "\n",
			"top intent  " + p.TopIntent + " (" + formatScore(p.TopScore()) + ")\n",
		}
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Errorf("parley predict %q printed\n%s\nwant it to contain %q", text, out, w)
			}
		}
		_, intents, _ := strings.Cut(out, "\n\nINTENT ")
		intents, entities, _ := strings.Cut(intents, "\n\nENTITY ")
		var gotIntents []string
		for line := range strings.Lines(intents) {
			gotIntents = append(gotIntents, strings.Join(strings.Fields(line), " "))
		}
		wantIntents := []string{"SCORE"}
		for _, in := range p.Intents {
			wantIntents = append(wantIntents, in.Category+" "+formatScore(in.ConfidenceScore))
		}
		if !slices.Equal(gotIntents, wantIntents) {
			t.Errorf("parley predict %q: intents table %q, want %q", text, gotIntents, wantIntents)
		}
		var gotEntities [][]string
		for line := range strings.Lines(entities) {
			gotEntities = append(gotEntities, strings.Fields(line))
		}
		for _, w := range [][]string{
			{"TEXT", "OFFSET", "LENGTH", "SCORE", "KEY"},
			{"dish", "margherita", "7", "10", "1.0000", "list:Pizza"},
			{"dish", "pizza", "18", "5", "1.0000", "list:Pizza"},
			{"order", "AB1234", "40", "6", "1.0000", "regex:Order"},
		} {
			if !slices.ContainsFunc(gotEntities, func(f []string) bool { return slices.Equal(f, w) }) {
				t.Errorf("parley predict %q: entities table %q, want a row %q", text, gotEntities, w)
			}
		}
	})

	t.Run("json", func(t *testing.T) {
		const text = "🎵 order AB1234"
		for _, tc := range []struct {
			indexType string
			offset    float64
		}{
			{"Utf16CodeUnit", 9},
			{"UnicodeCodePoint", 8},
		} {
			out := mustCLI(t, ep, "predict", smokeName, "prod", text, "--json", "--string-index-type", tc.indexType, "--language", "en-us")
			if !strings.HasPrefix(out, "{\n  \"kind\": \"ConversationResult\",\n") || !strings.HasSuffix(out, "}\n") {
				t.Errorf("parley predict --json printed %q, want indented JSON", out)
			}
			r, err := c.Predict(ctx, client.PredictRequest{Project: smokeName, Deployment: "prod", Text: text, StringIndexType: tc.indexType})
			if err != nil {
				t.Fatal(err)
			}
			jsonEqual(t, []byte(out), r.Raw)
			var got struct {
				Result struct {
					Prediction struct {
						Entities []struct {
							Category string
							Offset   float64
						}
					}
				}
			}
			json.Unmarshal([]byte(out), &got)
			i := slices.IndexFunc(got.Result.Prediction.Entities, func(e struct {
				Category string
				Offset   float64
			}) bool {
				return e.Category == "order"
			})
			if i < 0 || got.Result.Prediction.Entities[i].Offset != tc.offset {
				t.Errorf("parley predict --string-index-type %s: entities %+v, want order at %v", tc.indexType, got.Result.Prediction.Entities, tc.offset)
			}
		}
	})

	// The file has a blank line, a line of spaces and CRLF line ends.
	texts := []string{"add Caleigh Peters to my women of country list", "what is the weather in Paris", "play some jazz", "book a table for two"}
	file := writeLines(t, "\uFEFF"+texts[0]+"\r\n\r\n"+texts[1]+"\n   \n"+texts[2]+"\n"+texts[3])
	want := make([]*client.PredictResult, len(texts))
	for i, text := range texts {
		if want[i], err = c.Predict(ctx, client.PredictRequest{Project: smokeName, Deployment: "prod", Text: text}); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("batch", func(t *testing.T) {
		out := mustCLI(t, ep, "predict", smokeName, "prod", "--file", file)
		var wantOut strings.Builder
		for i, r := range want {
			fmt.Fprintf(&wantOut, "%s\t%s\t%s\n", texts[i], r.Prediction.TopIntent, formatScore(r.Prediction.TopScore()))
		}
		if out != wantOut.String() {
			t.Errorf("parley predict --file printed\n%s\nwant\n%s", out, wantOut.String())
		}
	})

	t.Run("batch json", func(t *testing.T) {
		out := mustCLI(t, ep, "predict", smokeName, "prod", "--file", file, "--json", "--concurrency", "2")
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(lines) != len(texts) {
			t.Fatalf("parley predict --file --json printed %d lines, want %d:\n%s", len(lines), len(texts), out)
		}
		for i, line := range lines {
			jsonEqual(t, []byte(line), want[i].Raw)
		}
	})

	t.Run("batch table", func(t *testing.T) {
		utts, err := openUtterances(file)
		if err != nil {
			t.Fatal(err)
		}
		var out, errOut bytes.Buffer
		if err := predictBatch(ctx, c, client.PredictRequest{Project: smokeName, Deployment: "prod"}, utts, formatTable, 4, &out, &errOut); err != nil {
			t.Fatalf("predictBatch() = %v, stderr %q", err, errOut.String())
		}
		lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
		if len(lines) != len(texts)+1 || !slices.Equal(strings.Fields(lines[0]), []string{"LINE", "TEXT", "TOP", "INTENT", "SCORE", "ENTITIES"}) {
			t.Fatalf("table =\n%s\nwant a header and %d rows", out.String(), len(texts))
		}
		for i, line := range lines[1:] {
			f := strings.Fields(line)
			if f[0] != fmt.Sprint(utts[i].line) || !strings.Contains(line, "  "+texts[i]+"  ") || !strings.Contains(line, "  "+want[i].Prediction.TopIntent+"  ") {
				t.Errorf("table row %q, want line %d, %q and %s", line, utts[i].line, texts[i], want[i].Prediction.TopIntent)
			}
		}
	})

	t.Run("errors", func(t *testing.T) { checkDeployAndPredictErrors(t, ep) })

	t.Run("batch with a failure", func(t *testing.T) {
		long := strings.Repeat("a", 1001)
		name := writeLines(t, "play some jazz\n"+long+"\nbook a table for two\n")
		out, errOut, err := cli(t, ep, "k", "predict", smokeName, "prod", "--file", name)
		if err == nil || !strings.Contains(err.Error(), "1 of 3 utterances failed") {
			t.Errorf("parley predict --file with a too long line = %v, want 1 of 3 failed", err)
		}
		if n := strings.Count(out, "\n"); n != 2 || !strings.HasPrefix(out, "play some jazz\t") || !strings.Contains(out, "\nbook a table for two\t") {
			t.Errorf("parley predict --file printed %q, want the two other lines", out)
		}
		if !strings.HasPrefix(errOut, "line 2: InvalidArgument: ") {
			t.Errorf("parley predict --file stderr %q, want line 2's error", errOut)
		}
	})
}

// TestPredictFlagsPassThrough checks the request parley predict sends.
func TestPredictFlagsPassThrough(t *testing.T) {
	t.Parallel()
	bodies := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		bodies <- string(b)
		fmt.Fprint(w, `{"kind":"ConversationResult","result":{"query":"hola","prediction":{"projectKind":"Conversation","topIntent":"Greet",
			"intents":[{"category":"Greet","confidenceScore":1}],"entities":[]}}}`)
	}))
	defer srv.Close()
	mustCLI(t, srv.URL, "predict", "p", "d", "hola", "--language", "es", "--string-index-type", "UnicodeCodePoint")
	jsonEqual(t, []byte(<-bodies), []byte(`{"kind":"Conversation",
		"analysisInput":{"conversationItem":{"id":"1","participantId":"1","text":"hola","language":"es"}},
		"parameters":{"projectName":"p","deploymentName":"d","stringIndexType":"UnicodeCodePoint"}}`))
}

func TestWritePrediction(t *testing.T) {
	t.Parallel()
	r := &client.PredictResult{AnalyzeConversationResult: wire.AnalyzeConversationResult{Query: "fly\tto Paris", Prediction: client.Prediction{TopIntent: "Book"}}}
	for i := range 12 {
		r.Prediction.Intents = append(r.Prediction.Intents, client.Intent{Category: fmt.Sprintf("I%02d", i), ConfidenceScore: 0.5 - float64(i)/100})
	}
	r.Prediction.Intents[0].Category = "Book"
	r.Prediction.Entities = []client.Entity{{Category: "city", Text: "Paris", Offset: 7, Length: 5, ConfidenceScore: 0.75, ExtraInformation: []client.ExtraInformation{
		{ExtraInformationKind: client.ExtraListKey, Key: "PAR"}, {ExtraInformationKind: client.ExtraEntitySubtype, Value: "geo.city"}}}}
	var b bytes.Buffer
	if err := writePrediction(&b, r); err != nil {
		t.Fatal(err)
	}
	want := `query       fly to Paris
top intent  Book (0.5000)

INTENT  SCORE
Book    0.5000
I01     0.4900
I02     0.4800
I03     0.4700
I04     0.4600
I05     0.4500
I06     0.4400
I07     0.4300
I08     0.4200
I09     0.4100
... and 2 more intents, each scoring at most 0.4000 (--json lists them all)

ENTITY  TEXT   OFFSET  LENGTH  SCORE   KEY
city    Paris  7       5       0.7500  list:PAR, subtype:geo.city
`
	if got := b.String(); got != want {
		t.Errorf("writePrediction() =\n%s\nwant\n%s", got, want)
	}

	b.Reset()
	if err := writePrediction(&b, &client.PredictResult{AnalyzeConversationResult: wire.AnalyzeConversationResult{Query: "x"}}); err != nil {
		t.Fatal(err)
	}
	if want := "query       x\ntop intent  (none)\n\nno entities\n"; b.String() != want {
		t.Errorf("writePrediction(no prediction) = %q, want %q", b.String(), want)
	}
}

func TestTruncate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		s    string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"much too long", 5, "much…"},
		{"héllo wörld", 6, "héllo…"},
	} {
		if got := truncate(tc.s, tc.n); got != tc.want {
			t.Errorf("truncate(%q, %d) = %q, want %q", tc.s, tc.n, got, tc.want)
		}
	}
}

// checkDeployAndPredictErrors checks the errors of parley deploy and parley
// predict against the server at ep, where deployedSmoke deployed prod.
func checkDeployAndPredictErrors(t *testing.T, ep string) {
	lines := writeLines(t, "play some jazz\nbook a table for two\n")
	blank := writeLines(t, "\n  \n")
	for _, tc := range []struct {
		name string
		args []string
		want []string // each in the error
	}{
		{"unknown deployment", []string{"predict", smokeName, "nope", "hi"}, []string{"predict " + smokeName + " nope: NotFound: ", `"nope"`}},
		{"unknown deployment, batch", []string{"predict", smokeName, "nope", "--file", lines}, []string{"predict " + smokeName + " nope: NotFound: "}},
		{"unknown project", []string{"predict", "nope", "prod", "hi"}, []string{"ProjectNotFound: "}},
		{"empty text", []string{"predict", smokeName, "prod", ""}, []string{"InvalidArgument: ", "text is empty"}},
		{"bad index type", []string{"predict", smokeName, "prod", "hi", "--string-index-type", "Utf8"}, []string{"InvalidArgument: ", "stringIndexType"}},
		{"deploy unknown model", []string{"deploy", smokeName, "x", "--model", "nope"}, []string{"deploy " + smokeName + " x: NotFound: ", `"nope"`}},
		{"deploy unknown project", []string{"deploy", "nope", "x", "--model", "m1"}, []string{"ProjectNotFound: "}},
		{"deploy without model", []string{"deploy", smokeName, "x"}, []string{"--model LABEL is required"}},
		{"deploy one argument", []string{"deploy", smokeName, "--model", "m1"}, []string{"want PROJECT and DEPLOYMENT, got 1"}},
		{"predict no text", []string{"predict", smokeName, "prod"}, []string{"want PROJECT, DEPLOYMENT and TEXT"}},
		{"predict text and file", []string{"predict", smokeName, "prod", "hi", "--file", lines}, []string{"with --file, got 3 arguments"}},
		{"blank file", []string{"predict", smokeName, "prod", "--file", blank}, []string{"has no utterances"}},
		{"missing file", []string{"predict", smokeName, "prod", "--file", filepath.Join(t.TempDir(), "none.txt")}, []string{"none.txt"}},
		{"bad concurrency", []string{"predict", smokeName, "prod", "--file", lines, "--concurrency", "0"}, []string{"--concurrency 0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, _, err := cli(t, ep, "k", tc.args...)
			if err == nil {
				t.Fatalf("parley %s succeeded, want an error", strings.Join(tc.args, " "))
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("parley %s = %q, want it to contain %q", strings.Join(tc.args, " "), err, w)
				}
			}
			if out != "" {
				t.Errorf("parley %s printed %q, want nothing", strings.Join(tc.args, " "), out)
			}
		})
	}

	// A batch stops at an error every request would meet: the error is
	// reported once, not per utterance.
	_, errOut, err := cli(t, ep, "wrong", "predict", smokeName, "prod", "--file", lines)
	if err == nil || !strings.Contains(err.Error(), "401: ") || strings.Contains(errOut, "line ") {
		t.Errorf("parley predict --file with a wrong key = %v, stderr %q, want a 401 and no per-line errors", err, errOut)
	}
}

func TestReadUtterances(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, in string
		want     []utterance
		wantErr  string // "" for success
	}{
		{"lines", "a\nb\n", []utterance{{1, "a"}, {2, "b"}}, ""},
		{"no final newline", "a\nb", []utterance{{1, "a"}, {2, "b"}}, ""},
		{"blank lines", "\n  \t\na\n\n b \n", []utterance{{3, "a"}, {5, " b "}}, ""},
		{"CRLF and BOM", "\uFEFFa\r\n\r\nb\r\n", []utterance{{1, "a"}, {3, "b"}}, ""},
		{"empty", "", nil, "in has no utterances"},
		{"only blank lines", "\n \r\n", nil, "in has no utterances"},
		{"line too long", "a\n" + strings.Repeat("x", maxLineBytes+1), nil, "in: bufio.Scanner: token too long"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := readUtterances(strings.NewReader(tc.in), "in")
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("readUtterances(%.20q) = %v, %v, want an error containing %q", tc.in, got, err, tc.wantErr)
				}
				return
			}
			if err != nil || !slices.Equal(got, tc.want) {
				t.Errorf("readUtterances(%q) = %v, %v, want %v", tc.in, got, err, tc.want)
			}
		})
	}
}
