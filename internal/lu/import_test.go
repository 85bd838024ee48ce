package lu

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

func TestImports(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"main.lu":              {Data: []byte("[common](./lib/common.lu)\n# A\n- hi {@name=Ann}\n")},
		"lib/common.lu":        {Data: []byte("[more](more/entities.lu)\n# B\n- bye\n")},
		"lib/more/entities.lu": {Data: []byte("[back](../../main.lu)\n@ ml name hasRoles first\n")},
		"glob.lu":              {Data: []byte("[all](./parts/*.lu)\n")},
		"parts/a.lu":           {Data: []byte("# PA\n- a\n")},
		"parts/b.lu":           {Data: []byte("# PB\n- b\n")},
		"parts/notes.txt":      {Data: []byte("not lu")},
		"escape.lu":            {Data: []byte("# A\n- a\n[up](../outside.lu)\n")},
		"missing.lu":           {Data: []byte("\n[x](./nope.lu)\n")},
		"fragment.lu":          {Data: []byte("[x](./parts/a.lu#PA)\n")},
		"qna.lu":               {Data: []byte("[x](./kb.qna)\n")},
		"url.lu":               {Data: []byte("[x](https://example.com/a.lu)\n")},
		"badfile.lu":           {Data: []byte("[x](./bad.lu)\n")},
		"bad.lu":               {Data: []byte("# A\n- ok\nbroken line\n")},
		"refs.lu":              {Data: []byte("# R\n- [a](./parts/a.lu#PA)\n- [b](./parts/b.lu#*utterances*)\n- own\n")},
		"cycle1.lu":            {Data: []byte("# C\n- [x](./cycle2.lu#D)\n")},
		"cycle2.lu":            {Data: []byte("# D\n- [x](./cycle1.lu#C)\n")},
	}
	t.Run("utterance references", func(t *testing.T) {
		app, err := Parse(fsys, "refs.lu", nil)
		if err != nil {
			t.Fatal(err)
		}
		var texts []string
		for _, u := range app.Utterances {
			texts = append(texts, u.Intent+":"+u.Text)
		}
		if got := strings.Join(texts, ","); got != "R:a,R:b,R:own" || len(app.Intents) != 1 {
			t.Errorf("utterances = %s, intents %d; want R:a,R:b,R:own and one intent", got, len(app.Intents))
		}
	})
	t.Run("relative paths, cycle read once", func(t *testing.T) {
		app, err := Parse(fsys, "main.lu", nil)
		if err != nil {
			t.Fatal(err)
		}
		var intents []string
		for _, in := range app.Intents {
			intents = append(intents, in.Name)
		}
		if got := strings.Join(intents, ","); got != "A,B" {
			t.Errorf("intents = %s, want A,B", got)
		}
		if len(app.Entities) != 1 || app.Entities[0].Name != "name" || len(app.Entities[0].Roles) != 1 {
			t.Errorf("entities = %+v, want name with role first", app.Entities)
		}
	})
	t.Run("wildcard", func(t *testing.T) {
		app, err := Parse(fsys, "glob.lu", nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(app.Intents) != 2 || app.Intents[0].Name != "PA" || app.Intents[1].Name != "PB" {
			t.Errorf("intents = %v, want PA, PB", app.Intents)
		}
	})
	errs := []struct {
		file, want string
	}{
		{"escape.lu", "escape.lu:3:1: import \"../outside.lu\": the path leaves the directory"},
		{"missing.lu", "missing.lu:2:1: cannot read imported file nope.lu"},
		{"fragment.lu", "fragment.lu:1:1: import \"./parts/a.lu#PA\": importing part of a file"},
		{"qna.lu", "qna.lu:1:1: import \"./kb.qna\": .qna (QnA Maker) files are not supported"},
		{"url.lu", "url.lu:1:1: import \"https://example.com/a.lu\": only relative paths"},
		{"badfile.lu", "bad.lu:3:1: invalid intent body line"},
		{"cycle1.lu", "cycle2.lu:2:1: utterance reference \"./cycle1.lu#C\" leads back to cycle1.lu"},
	}
	for _, tt := range errs {
		t.Run(tt.file, func(t *testing.T) {
			_, err := Parse(fsys, tt.file, nil)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("Parse(%s) = %v, want %s…", tt.file, err, tt.want)
			}
		})
	}
}

func TestImportLimits(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{}
	for i := range 10 {
		fsys[fmt.Sprintf("f%d.lu", i)] = &fstest.MapFile{Data: fmt.Appendf(nil, "[next](./f%d.lu)\n# I%d\n- u%d\n", i+1, i, i)}
	}
	fsys["f10.lu"] = &fstest.MapFile{Data: []byte("# Last\n- end\n")}
	if _, err := Parse(fsys, "f0.lu", nil); err != nil {
		t.Fatalf("Parse(10 nested imports) = %v", err)
	}
	_, err := Parse(fsys, "f0.lu", &Options{Limits: Limits{MaxImportDepth: 3}})
	var le *Error
	if !errors.As(err, &le) || le.File != "f3.lu" || le.Line != 1 || !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "deeper than 3") {
		t.Errorf("Parse(depth 3) = %v, want f3.lu:1 deeper than 3", err)
	}
	_, err = Parse(fsys, "f0.lu", &Options{Limits: Limits{MaxFiles: 4}})
	if err == nil || !strings.Contains(err.Error(), "more than 4 files") {
		t.Errorf("Parse(4 files) = %v, want more than 4 files", err)
	}
	if _, err := Parse(fsys, "../f0.lu", nil); err == nil {
		t.Errorf("Parse(../f0.lu) succeeded, want an invalid path error")
	}
	if _, err := ParseBytes(nil, "x.lu", []byte("[a](./a.lu)\n"), nil); err == nil || !strings.Contains(err.Error(), "no directory") {
		t.Errorf("ParseBytes(import, nil fs) = %v, want no directory", err)
	}
}
