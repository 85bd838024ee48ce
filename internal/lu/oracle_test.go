package lu

import (
	"cmp"
	"encoding/json"
	"errors"
	"os"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
)

// TestOracle converts each .lu file under testdata/oracle that has a .json
// beside it, and compares the result with that JSON, which bf-lu wrote
// (testdata/oracle/README.md says how). The expected file holds either a
// LUIS application or {"error": "..."}: then Parse must fail too.
func TestOracle(t *testing.T) {
	fsys := os.DirFS("testdata/oracle")
	var cases []string
	for _, dir := range []string{"ms", "own"} {
		ents, err := os.ReadDir(path.Join("testdata/oracle", dir))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			if name, ok := strings.CutSuffix(e.Name(), ".json"); ok {
				cases = append(cases, path.Join(dir, name))
			}
		}
	}
	if len(cases) < 20 {
		t.Fatalf("found %d oracle cases, want at least 20", len(cases))
	}
	for _, c := range cases {
		t.Run(c, func(t *testing.T) {
			t.Parallel()
			raw, err := os.ReadFile(path.Join("testdata/oracle", c+".json"))
			if err != nil {
				t.Fatal(err)
			}
			var probe struct {
				Error *string `json:"error"`
			}
			if err := json.Unmarshal(raw, &probe); err != nil {
				t.Fatal(err)
			}
			got, err := Parse(fsys, c+".lu", nil)
			if probe.Error != nil {
				if err == nil {
					t.Fatalf("Parse(%s) succeeded; bf-lu fails with %s", c, *probe.Error)
				}
				// Where bf-lu names lines ("[ERROR] line 3:0 - …"), the
				// converter's error is on one of them, in the same file.
				var lines []string
				for _, m := range bfLine.FindAllStringSubmatch(*probe.Error, -1) {
					lines = append(lines, m[1])
				}
				var le *Error
				if len(lines) > 0 && (!errors.As(err, &le) || le.File != c+".lu" || !slices.Contains(lines, strconv.Itoa(le.Line))) {
					t.Errorf("Parse(%s) = %v; bf-lu refuses line %v: %s", c, err, lines, *probe.Error)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%s): %v", c, err)
			}
			want, err := decodeOracle(raw)
			if err != nil {
				t.Fatal(err)
			}
			if diff := gocmp.Diff(normalize(want), normalize(got)); diff != "" {
				t.Errorf("Parse(%s) differs from bf-lu (-bf-lu +parley):\n%s", c, diff)
			}
		})
	}
}

// bfLine finds the lines bf-lu's errors name.
var bfLine = regexp.MustCompile(`\[ERROR\] line (\d+):`)

// decodeOracle reads bf-lu's output as an App. bf-lu writes schema 3.2.0
// (model_features, fewer members) when a file uses nothing of 7.x; Parse
// always writes 7.0.0, which holds the same content: phrase lists are
// "phraselists", and a 3.2.0 phrase list is enabled for all models.
func decodeOracle(raw []byte) (*App, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	if mf, ok := m["model_features"]; ok {
		var pls []map[string]any
		if err := json.Unmarshal(mf, &pls); err != nil {
			return nil, err
		}
		for _, pl := range pls {
			if _, ok := pl["enabledForAllModels"]; !ok {
				pl["enabledForAllModels"] = true
			}
		}
		b, _ := json.Marshal(pls)
		m["phraselists"] = b
		delete(m, "model_features")
	}
	m["luis_schema_version"] = json.RawMessage(`"` + SchemaVersion + `"`)
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	app := &App{}
	return app, json.Unmarshal(b, app)
}

// normalize sorts what has no meaningful order (entities by name, labels
// by position, roles and features by name) and makes absent lists empty,
// on a copy.
func normalize(a *App) *App {
	b, _ := json.Marshal(a)
	n := &App{}
	json.Unmarshal(b, n)
	byName := func(x, y string) int { return cmp.Compare(x, y) }
	fixFeatures := func(fs []*Feature) []*Feature {
		if fs == nil {
			fs = []*Feature{}
		}
		slices.SortFunc(fs, func(x, y *Feature) int { return byName(x.name(), y.name()) })
		return fs
	}
	var fixChildren func(cs []*Child) []*Child
	fixChildren = func(cs []*Child) []*Child {
		if cs == nil {
			cs = []*Child{}
		}
		for _, c := range cs {
			c.Children = fixChildren(c.Children)
			c.Features = fixFeatures(c.Features)
		}
		return cs
	}
	roles := func(r []string) []string {
		if r == nil {
			r = []string{}
		}
		slices.Sort(r)
		return r
	}
	// A phrase list enabled for all models is a feature of every model,
	// listed or not; bf-lu lists it on the models of its own file only.
	forAll := map[string]bool{}
	for _, pl := range n.PhraseLists {
		forAll[pl.Name] = pl.EnabledForAllModels
	}
	global := func(f *Feature) bool { return f.FeatureName != "" && forAll[f.FeatureName] }
	slices.SortFunc(n.Intents, func(x, y *Intent) int { return byName(x.Name, y.Name) })
	for _, in := range n.Intents {
		in.Features = fixFeatures(slices.DeleteFunc(in.Features, global))
	}
	slices.SortFunc(n.Entities, func(x, y *Entity) int { return byName(x.Name, y.Name) })
	for _, e := range n.Entities {
		e.Children = fixChildren(e.Children)
		e.Features = fixFeatures(slices.DeleteFunc(e.Features, global))
		e.Roles = roles(e.Roles)
	}
	slices.SortFunc(n.Composites, func(x, y *Composite) int { return byName(x.Name, y.Name) })
	for _, c := range n.Composites {
		c.Roles = roles(c.Roles)
		c.Features = fixFeatures(c.Features)
	}
	slices.SortFunc(n.ClosedLists, func(x, y *ClosedList) int { return byName(x.Name, y.Name) })
	for _, c := range n.ClosedLists {
		c.Roles = roles(c.Roles)
		slices.SortFunc(c.SubLists, func(x, y *SubList) int { return byName(x.CanonicalForm, y.CanonicalForm) })
	}
	slices.SortFunc(n.RegexEntities, func(x, y *RegexEntity) int { return byName(x.Name, y.Name) })
	for _, c := range n.RegexEntities {
		c.Roles = roles(c.Roles)
	}
	slices.SortFunc(n.PrebuiltEntities, func(x, y *PrebuiltEntity) int { return byName(x.Name, y.Name) })
	for _, c := range n.PrebuiltEntities {
		c.Roles = roles(c.Roles)
	}
	slices.SortFunc(n.PatternAnyEntities, func(x, y *PatternAny) int { return byName(x.Name, y.Name) })
	for _, c := range n.PatternAnyEntities {
		c.Roles = roles(c.Roles)
	}
	slices.SortFunc(n.PhraseLists, func(x, y *PhraseList) int { return byName(x.Name, y.Name) })
	slices.SortFunc(n.Patterns, func(x, y *Pattern) int {
		return cmp.Or(cmp.Compare(x.Intent, y.Intent), cmp.Compare(x.Pattern, y.Pattern))
	})
	var fixLabels func(ls []*Label) []*Label
	fixLabels = func(ls []*Label) []*Label {
		if ls == nil {
			ls = []*Label{}
		}
		for _, l := range ls {
			l.Children = fixLabels(l.Children)
		}
		slices.SortFunc(ls, func(x, y *Label) int {
			return cmp.Or(cmp.Compare(x.StartPos, y.StartPos), cmp.Compare(y.EndPos, x.EndPos), cmp.Compare(x.Entity, y.Entity))
		})
		return ls
	}
	slices.SortFunc(n.Utterances, func(x, y *Utterance) int {
		return cmp.Or(cmp.Compare(x.Intent, y.Intent), cmp.Compare(x.Text, y.Text))
	})
	for _, u := range n.Utterances {
		u.Entities = fixLabels(u.Entities)
	}
	for _, p := range []*[]*Setting{&n.Settings} {
		if *p == nil {
			*p = []*Setting{}
		}
	}
	if n.RegexFeatures == nil {
		n.RegexFeatures = []any{}
	}
	return n
}
