package prebuilt

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// floors are, per spec file, how many of its cases must pass; a model's
// test file sets its own. Raise a floor as coverage grows; never lower one
// without saying why in the commit.
var floors = map[string]int{}

// specDir holds Recognizers-Text's English test specifications.
var specDir = filepath.Join("..", "..", "testdata", "datasets", "recognizers")

type specCase struct {
	Input   string
	Context struct {
		ReferenceDateTime string
	}
	NotSupported, NotSupportedByDesign, NotSupportedBy string
	Results                                            []map[string]any
}

// runsOnDotNet reports whether Microsoft's .NET build is expected to pass c:
// the cases it is, are the ones Parley replays (PREBUILT.md §6).
func (c *specCase) runsOnDotNet() bool {
	for _, f := range []string{c.NotSupported, c.NotSupportedByDesign, c.NotSupportedBy} {
		if strings.Contains(strings.ToLower(f), "dotnet") {
			return false
		}
	}
	return true
}

func loadSpec(t *testing.T, model string) []specCase {
	t.Helper()
	paths, _ := filepath.Glob(filepath.Join(specDir, "*", model+".json"))
	if len(paths) != 1 {
		t.Fatalf("spec file of %s: found %v", model, paths)
	}
	b, err := os.ReadFile(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	var cases []specCase
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")) // DateTimeModel.json starts with a BOM
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatalf("%s: %v", paths[0], err)
	}
	return cases
}

// TestSpecs replays every registered model's spec file and fails when a
// file passes fewer cases than its floor. It prints, per file, the cases
// run and passed.
func TestSpecs(t *testing.T) {
	names := Models()
	if len(names) == 0 {
		t.Skip("no prebuilt model is registered yet")
	}
	var report []string
	for _, name := range names {
		cases := loadSpec(t, name)
		run, passed := 0, 0
		var failures []string
		for _, c := range cases {
			if !c.runsOnDotNet() {
				continue
			}
			run++
			ctx := Context{Reference: time.Date(2016, 11, 7, 0, 0, 0, 0, time.UTC)}
			if c.Context.ReferenceDateTime != "" {
				ref, err := time.Parse("2006-01-02T15:04:05", strings.TrimSuffix(c.Context.ReferenceDateTime, "Z"))
				if err == nil {
					ctx.Reference = ref
				}
			}
			got := registered[name].Recognize(c.Input, ctx)
			if why := compareCase(name, c.Results, got); why != "" {
				failures = append(failures, fmt.Sprintf("%q: %s", c.Input, why))
				continue
			}
			passed++
		}
		report = append(report, fmt.Sprintf("%-16s %4d run %4d passed (%.1f%%), floor %d", name, run, passed, 100*float64(passed)/float64(max(run, 1)), floors[name]))
		if passed < floors[name] {
			t.Errorf("%s: %d of %d cases pass, below the floor of %d; first failures:\n  %s", name, passed, run, floors[name],
				strings.Join(failures[:min(len(failures), 15)], "\n  "))
		} else if testing.Verbose() && len(failures) > 0 {
			t.Logf("%s failures (%d):\n  %s", name, len(failures), strings.Join(failures[:min(len(failures), 30)], "\n  "))
		}
	}
	t.Logf("Recognizers-Text English specs:\n%s", strings.Join(report, "\n"))
}

// compareCase compares a case's expected results with the model's, as
// Recognizers' own runners do: same count, paired by position, text
// (case-insensitive: Recognizers lower-cases some) and type equal, Start and
// End where the spec gives them, and the resolution fields of the family.
// It returns why they differ, or "".
func compareCase(model string, want []map[string]any, got []Result) string {
	if len(want) != len(got) {
		return fmt.Sprintf("%d results, want %d (%v)", len(got), len(want), texts(got))
	}
	for i, w := range want {
		g := got[i]
		if wt, _ := w["Text"].(string); !strings.EqualFold(wt, g.Text) {
			return fmt.Sprintf("result %d text %q, want %q", i, g.Text, wt)
		}
		typ, _ := w["TypeName"].(string)
		if typ == "" {
			typ, _ = w["Typename"].(string)
		}
		if typ != g.TypeName {
			return fmt.Sprintf("result %d %q type %q, want %q", i, g.Text, g.TypeName, typ)
		}
		if s, ok := w["Start"].(float64); ok && int(s) != g.Start {
			return fmt.Sprintf("result %d %q start %d, want %d", i, g.Text, g.Start, int(s))
		}
		if e, ok := w["End"].(float64); ok && int(e) != g.End {
			return fmt.Sprintf("result %d %q end %d, want %d", i, g.Text, g.End, int(e))
		}
		wr, _ := w["Resolution"].(map[string]any)
		if why := compareResolution(model, wr, g.Resolution); why != "" {
			return fmt.Sprintf("result %d %q: %s", i, g.Text, why)
		}
	}
	return ""
}

// resolutionFields are the fields compared per model; nil compares the
// whole resolution.
var resolutionFields = map[string][]string{
	"NumberModel": {"value"}, "OrdinalModel": {"value"}, "PercentModel": {"value"}, "NumberRangeModel": {"value"},
	"AgeModel": {"value", "unit"}, "CurrencyModel": {"value", "unit", "isoCurrency"},
	"DimensionModel": {"value", "unit"}, "TemperatureModel": {"value", "unit"},
	"BooleanModel": {"value", "score"},
}

func compareResolution(model string, want, got map[string]any) string {
	if model == "DateTimeModel" {
		return compareDateTime(want, got)
	}
	fields, ok := resolutionFields[model]
	if !ok {
		if !equalJSON(want, got) {
			return fmt.Sprintf("resolution %v, want %v", got, want)
		}
		return ""
	}
	for _, f := range fields {
		if !equalJSON(want[f], got[f]) {
			return fmt.Sprintf("resolution %s = %v, want %v", f, got[f], want[f])
		}
	}
	return ""
}

// compareDateTime compares the values lists sorted by value, then each
// object's timex, type, value, start, end and Mod.
func compareDateTime(want, got map[string]any) string {
	wv, gv := sortedValues(want), sortedValues(got)
	if len(wv) != len(gv) {
		return fmt.Sprintf("%d values, want %d", len(gv), len(wv))
	}
	for i := range wv {
		for _, f := range []string{"timex", "type", "value", "start", "end", "Mod"} {
			if !equalJSON(wv[i][f], gv[i][f]) {
				return fmt.Sprintf("values[%d].%s = %v, want %v", i, f, gv[i][f], wv[i][f])
			}
		}
	}
	return ""
}

func sortedValues(res map[string]any) []map[string]any {
	raw, _ := res["values"].([]any)
	var out []map[string]any
	for _, v := range raw {
		if m, ok := v.(map[string]any); ok {
			out = append(out, m)
		}
	}
	if typed, ok := res["values"].([]map[string]any); ok {
		out = append(out, typed...)
	}
	sort.SliceStable(out, func(i, j int) bool { return fmt.Sprint(out[i]["value"]) < fmt.Sprint(out[j]["value"]) })
	return out
}

// equalJSON compares two values as their JSON would: numbers by value
// (a spec's "value" strings of numbers compare as numbers), maps and
// lists member by member.
func equalJSON(a, b any) bool {
	if as, ok := a.(string); ok {
		if bs, ok := b.(string); ok {
			if as == bs {
				return true
			}
			af, aerr := strconv.ParseFloat(as, 64)
			bf, berr := strconv.ParseFloat(bs, 64)
			return aerr == nil && berr == nil && closeTo(af, bf)
		}
	}
	ab, _ := json.Marshal(a)
	bb, _ := json.Marshal(b)
	var an, bn any
	json.Unmarshal(ab, &an)
	json.Unmarshal(bb, &bn)
	if af, ok := an.(float64); ok {
		bf, ok := bn.(float64)
		return ok && closeTo(af, bf)
	}
	return reflect.DeepEqual(an, bn)
}

func closeTo(a, b float64) bool {
	return a == b || math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b))
}

func texts(rs []Result) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Text
	}
	return out
}
