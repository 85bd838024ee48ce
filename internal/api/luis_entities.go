package api

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/parley-dev/parley/internal/project"
	"github.com/parley-dev/parley/internal/wire"
)

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// LUIS's model types, as "$instance" names them (modelTypeId, modelType).
const (
	luisEntityExtractor   = 1 // machine-learned (simple) entities, and external entities
	luisPrebuiltExtractor = 2
	luisListExtractor     = 5
	luisRegexExtractor    = 8
)

var luisModelTypes = map[int]string{
	luisEntityExtractor:   "Entity Extractor",
	luisPrebuiltExtractor: "Prebuilt Entity Extractor",
	luisListExtractor:     "List Entity Extractor",
	luisRegexExtractor:    "Regex Entity Extractor",
}

// luisPrebuiltNames maps a CLU prebuilt category (lower case) to the LUIS
// prebuilt entity it came from (LUIS.md §3.5, §5.2): an entity of that
// name is LUIS's prebuilt entity, reported as builtin.<type>.
var luisPrebuiltNames = map[string]string{
	"quantity.number":      "number",
	"datetime":             "datetimeV2",
	"quantity.age":         "age",
	"quantity.dimension":   "dimension",
	"quantity.currency":    "money",
	"quantity.ordinal":     "ordinal",
	"quantity.percentage":  "percentage",
	"quantity.temperature": "temperature",
	"person.name":          "personName",
	"email":                "email",
	"phone number":         "phonenumber",
	"url":                  "url",
	"geography.location":   "geographyV2",
}

// luisFound is one entity value of a LUIS answer: an entity instance of the
// prediction, an external entity or a dynamic list match. Offsets are UTF-16.
type luisFound struct {
	name           string // the entity's name; a dotted one is a path of nested entities
	offset, length int
	score          *float64 // learned and external entities only
	modelTypeID    int
	typ            string   // "$instance" type (v3) and v2's type
	v3             any      // the v3 value
	v2             any      // the v2 resolution, nil for none
	sources        []string // recognitionSources
	keys           []string // list: the canonical forms matched
}

// luisEntities turns a prediction's entities into LUIS values.
func luisEntities(text string, p *project.Prediction) []luisFound {
	out := make([]luisFound, 0, len(p.Entities))
	for _, e := range p.Entities {
		f := luisFound{name: e.Category, offset: e.Offset, length: e.Length, sources: []string{"model"}}
		sub := luisText(text, e.Offset, e.Length)
		switch {
		case len(e.Prebuilt) > 0:
			pm := e.Prebuilt[0]
			luisPrebuilt(&f, pm.Component, pm.Result.TypeName, pm.Result.Resolution, sub)
		case e.ListKey != "":
			f.modelTypeID, f.typ = luisListExtractor, e.Category
			f.keys = []string{e.ListKey}
		case e.RegexKey != "":
			f.modelTypeID, f.typ, f.v3 = luisRegexExtractor, e.Category, sub
		default:
			score := e.Score
			f.modelTypeID, f.typ, f.v3, f.score = luisEntityExtractor, e.Category, sub, &score
		}
		out = append(out, f)
	}
	return out
}

// luisText is the query's text of a UTF-16 span.
func luisText(text string, off, n int) string {
	_, _, sub := project.SpanIn(text, off, n, project.Utf16CodeUnit)
	return sub
}

// luisPrebuilt fills a value found by a prebuilt component (its catalogue
// category, and the recogniser's type name and resolution, in
// Recognizers-Text's shape, which LUIS's prebuilt entities were made of):
// LUIS's own shapes.
func luisPrebuilt(f *luisFound, component, tn string, res map[string]any, sub string) {
	str := func(k string) string { s, _ := res[k].(string); return s }
	num := func(k string) (float64, bool) {
		switch v := res[k].(type) {
		case float64:
			return v, true
		case string:
			x, err := strconv.ParseFloat(strings.TrimSuffix(v, "%"), 64)
			return x, err == nil
		}
		return 0, false
	}
	builtin := tn // LUIS's type names are Recognizers' (builtin.number, builtin.datetimeV2.date, ...)
	f.v3, f.v2 = sub, map[string]any{"value": sub}
	switch {
	case tn == "number":
		if v, ok := num("value"); ok {
			f.v3, f.v2 = v, map[string]any{"value": str("value")}
			if st := str("subtype"); st != "" {
				f.v2.(map[string]any)["subtype"] = st
			}
		}
	case tn == "percentage":
		if v, ok := num("value"); ok {
			f.v3, f.v2 = v, map[string]any{"value": str("value")}
		}
	case tn == "ordinal" || tn == "ordinal.relative":
		off, err := strconv.ParseFloat(str("offset"), 64)
		rel := str("relativeTo")
		switch {
		case err != nil:
		case tn == "ordinal.relative" || strings.EqualFold(f.name, "ordinalV2") || rel != "start":
			builtin = "ordinalV2"
			if tn == "ordinal.relative" {
				builtin = "ordinalV2.relative"
			}
			f.v3 = map[string]any{"offset": off, "relativeTo": rel}
			f.v2 = map[string]any{"offset": str("offset"), "relativeTo": rel}
		default:
			f.v3, f.v2 = off, map[string]any{"value": str("value")}
		}
	case tn == "currency", tn == "age", tn == "dimension", tn == "temperature":
		if v, ok := num("value"); ok {
			f.v3 = map[string]any{"number": v, "units": str("unit")}
			f.v2 = map[string]any{"unit": str("unit"), "value": str("value")}
			if iso := str("isoCurrency"); iso != "" && tn == "currency" {
				f.v3.(map[string]any)["isoCurrency"] = iso
			}
		}
	case strings.HasPrefix(tn, dateTimePrefix):
		f.v3, f.v2 = luisDateTime(tn, res)
	}
	f.modelTypeID, f.typ = luisEntityExtractor, f.name
	if isLUISPrebuilt(f.name, component) {
		f.modelTypeID, f.typ = luisPrebuiltExtractor, "builtin."+builtin
	}
}

// isLUISPrebuilt reports whether an entity with a prebuilt component is
// LUIS's prebuilt entity of that component: named as LUIS names it (a LUIS
// import keeps the name), ordinal and ordinalV2 both for Quantity.Ordinal,
// and the deprecated datetime for DateTime.
func isLUISPrebuilt(name, component string) bool {
	luisName := luisPrebuiltNames[strings.ToLower(component)]
	switch {
	case luisName == "":
		return false
	case strings.EqualFold(name, luisName):
		return true
	case luisName == "ordinal":
		return strings.EqualFold(name, "ordinalV2")
	case luisName == "datetimeV2":
		return strings.EqualFold(name, "datetime")
	}
	return false
}

// luisDateTime maps a DateTimeV2 result: v3 groups the values by TIMEX,
// {"type", "values": [{"timex", "resolution": [{"value"} | {"start", "end"}]}]};
// v2 lists them, {"values": [{"timex", "type", "value" | "start", "end"}]}.
// Recognizers' Mod goes along as "Mod" (v2) and "mod" (v3).
func luisDateTime(typeName string, res map[string]any) (v3, v2 any) {
	sub := strings.TrimPrefix(typeName, dateTimePrefix)
	type group struct {
		timex string
		res   []map[string]any
	}
	var groups []*group
	v2vals := []map[string]any{}
	for _, v := range dateTimeValues(res["values"]) {
		timex, _ := v["timex"].(string)
		typ, _ := v["type"].(string)
		if typ == "" {
			typ = sub
		}
		r2 := map[string]any{"timex": timex, "type": typ}
		r3 := map[string]any{}
		for _, k := range []string{"value", "start", "end"} {
			if s, ok := v[k].(string); ok {
				r2[k], r3[k] = s, s
			}
		}
		if mod, ok := v["Mod"].(string); ok && mod != "" {
			r2["Mod"], r3["mod"] = mod, mod
		}
		v2vals = append(v2vals, r2)
		i := slices.IndexFunc(groups, func(g *group) bool { return g.timex == timex })
		if i < 0 {
			groups = append(groups, &group{timex: timex})
			i = len(groups) - 1
		}
		groups[i].res = append(groups[i].res, r3)
	}
	values := make([]map[string]any, len(groups))
	for i, g := range groups {
		values[i] = map[string]any{"timex": g.timex, "resolution": g.res}
	}
	return map[string]any{"type": sub, "values": values}, map[string]any{"values": v2vals}
}

// luisExternal merges external entities into found (v3, LUIS's rule): an
// external entity that overlaps a found value of the same name replaces it
// when preferExternal, and is dropped otherwise; any other is added. Its
// value is its resolution, or its text when it has none.
func luisExternal(text string, found []luisFound, ee []wire.LUISExternalEntity, preferExternal bool) []luisFound {
	for _, e := range ee {
		x := luisFound{name: e.EntityName, offset: *e.StartIndex, length: *e.EntityLength, score: e.Score,
			modelTypeID: luisEntityExtractor, typ: e.EntityName, sources: []string{"externalEntities"}}
		x.v3 = luisText(text, x.offset, x.length)
		if len(e.Resolution) > 0 && string(e.Resolution) != "null" {
			x.v3 = e.Resolution
		}
		overlaps := func(f luisFound) bool {
			return f.name == x.name && f.offset < x.offset+x.length && x.offset < f.offset+f.length
		}
		if slices.ContainsFunc(found, overlaps) {
			if !preferExternal {
				continue
			}
			found = slices.DeleteFunc(found, overlaps)
		}
		found = append(found, x)
	}
	return found
}

// luisDynamic matches the dynamic lists in the query: each canonical form
// and synonym, case-insensitively, as whole words. Within one list entity
// the longest matches win and do not overlap; a span matched by several
// sublists carries each canonical form, as LUIS's list values do.
func luisDynamic(text string, found []luisFound, dl []wire.LUISDynamicList) []luisFound {
	type cand struct {
		start, end int // bytes
		key        string
	}
	for _, d := range dl {
		var cs []cand
		for _, rl := range d.RequestLists {
			for _, v := range append([]string{rl.CanonicalForm}, rl.Synonyms...) {
				v = strings.TrimSpace(v)
				if v == "" {
					continue
				}
				for _, m := range findWords(text, v) {
					cs = append(cs, cand{m[0], m[1], rl.CanonicalForm})
				}
			}
		}
		slices.SortStableFunc(cs, func(a, b cand) int {
			return cmp.Or(cmp.Compare(b.end-b.start, a.end-a.start), cmp.Compare(a.start, b.start))
		})
		var kept []luisFound
	next:
		for _, c := range cs {
			off, n := utf16Len(text[:c.start]), utf16Len(text[c.start:c.end])
			for i := range kept {
				k := &kept[i]
				if k.offset == off && k.length == n {
					if !slices.Contains(k.keys, c.key) {
						k.keys = append(k.keys, c.key)
					}
					continue next
				}
				if k.offset < off+n && off < k.offset+k.length {
					continue next
				}
			}
			kept = append(kept, luisFound{name: d.ListEntityName, offset: off, length: n, modelTypeID: luisListExtractor,
				typ: d.ListEntityName, keys: []string{c.key}, sources: []string{"model"}})
		}
		found = append(found, kept...)
	}
	return found
}

// findWords returns the byte spans of text that equal v ignoring case and
// stand as whole words (no letter or digit right before or after).
func findWords(text, v string) [][2]int {
	runes := utf8.RuneCountInString(v)
	var out [][2]int
	for i := 0; i < len(text); {
		if i == 0 || !isWordRune(lastRune(text[:i])) {
			j, k := i, 0
			for k < runes && j < len(text) {
				_, w := utf8.DecodeRuneInString(text[j:])
				j += w
				k++
			}
			if k == runes && strings.EqualFold(text[i:j], v) {
				if r, _ := utf8.DecodeRuneInString(text[j:]); j == len(text) || !isWordRune(r) {
					out = append(out, [2]int{i, j})
				}
			}
		}
		_, w := utf8.DecodeRuneInString(text[i:])
		i += w
	}
	return out
}

func lastRune(s string) rune { r, _ := utf8.DecodeLastRuneInString(s); return r }

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// luisV3Answer builds the v3 PredictionResponse.
func luisV3Answer(lq *luisQuery, p *project.Prediction) wire.LUISPredictionResponse {
	out := wire.LUISPredictionResponse{Query: lq.text}
	pred := &out.Prediction
	pred.TopIntent = p.TopIntent
	pred.Intents = map[string]wire.LUISIntent{}
	for _, in := range p.Intents {
		if lq.allIntents || in.Intent == p.TopIntent {
			pred.Intents[in.Intent] = wire.LUISIntent{Score: in.Score}
		}
	}
	found := luisEntities(lq.text, p)
	found = luisDynamic(lq.text, found, lq.dynamic)
	found = luisExternal(lq.text, found, lq.external, lq.preferExternal)
	slices.SortStableFunc(found, func(a, b luisFound) int {
		return cmp.Or(cmp.Compare(a.offset, b.offset), cmp.Compare(b.length, a.length))
	})
	pred.Entities = luisV3Entities(lq.text, found, lq.verbose)
	return out
}

// luisNode is an entity object of a v3 answer under construction: values
// by name, "$instance" metadata beside them.
type luisNode struct {
	values   map[string][]any
	instance map[string][]wire.LUISInstance
	// spans of the node's own instance (a parent built from its children)
	offset, end int
	children    map[string]*luisNode // the open child objects, by name
}

func newLUISNode() *luisNode {
	return &luisNode{values: map[string][]any{}, instance: map[string][]wire.LUISInstance{}, offset: -1, children: map[string]*luisNode{}}
}

// luisV3Entities builds the entities object. A dotted name is a path of
// nested entities (a LUIS import names a machine-learned entity's leaves
// <parent>.<leaf>): its value goes into an object of the parent, which
// gathers the following children of that parent until a child name comes
// again, and whose span is its children's.
func luisV3Entities(text string, found []luisFound, verbose bool) map[string]any {
	root := newLUISNode()
	type open struct {
		node *luisNode
		used map[string]bool
	}
	opened := map[string]*open{} // by parent path
	for _, f := range found {
		path := strings.Split(f.name, ".")
		if slices.Contains(path, "") {
			path = []string{f.name} // "a..b", ".a": not a path
		}
		node := root
		for depth := 0; depth < len(path)-1; depth++ {
			key := strings.Join(path[:depth+1], ".")
			o := opened[key]
			child := path[depth+1]
			if depth+1 < len(path)-1 {
				child = "" // an intermediate level reuses its open object
			}
			if o == nil || (child != "" && o.used[child]) {
				o = &open{node: newLUISNode(), used: map[string]bool{}}
				opened[key] = o
				node.values[path[depth]] = append(node.values[path[depth]], o.node)
				node.instance[path[depth]] = append(node.instance[path[depth]], wire.LUISInstance{})
				for k := range opened { // deeper levels start afresh in the new object
					if strings.HasPrefix(k, key+".") {
						delete(opened, k)
					}
				}
			}
			if child != "" {
				o.used[child] = true
			}
			o.node.grow(f.offset, f.offset+f.length)
			node = o.node
		}
		leaf := path[len(path)-1]
		node.values[leaf] = append(node.values[leaf], f.value())
		node.instance[leaf] = append(node.instance[leaf], f.instance(text, leaf))
	}
	return root.render(text, verbose)
}

func (n *luisNode) grow(start, end int) {
	if n.offset < 0 || start < n.offset {
		n.offset = start
	}
	n.end = max(n.end, end)
}

// render writes a node as the v3 object: values by name, and "$instance"
// when verbose. A parent's instance is filled from its span here.
func (n *luisNode) render(text string, verbose bool) map[string]any {
	out := map[string]any{}
	inst := map[string][]wire.LUISInstance{}
	for name, vs := range n.values {
		rvs := make([]any, len(vs))
		for i, v := range vs {
			if child, ok := v.(*luisNode); ok {
				rvs[i] = child.render(text, verbose)
				in := wire.LUISInstance{Type: name, Text: luisText(text, child.offset, child.end-child.offset),
					StartIndex: child.offset, Length: child.end - child.offset, ModelTypeID: luisEntityExtractor,
					ModelType: luisModelTypes[luisEntityExtractor], RecognitionSources: []string{"model"}}
				n.instance[name][i] = in
				continue
			}
			rvs[i] = v
		}
		out[name] = rvs
		inst[name] = n.instance[name]
	}
	if verbose {
		out["$instance"] = inst
	}
	return out
}

// value is the v3 value of a found entity.
func (f luisFound) value() any {
	if f.modelTypeID == luisListExtractor {
		return slices.Clone(f.keys)
	}
	if raw, ok := f.v3.(json.RawMessage); ok {
		return raw
	}
	return f.v3
}

// instance is the "$instance" entry of a found entity; leaf is its name
// within its parent.
func (f luisFound) instance(text, leaf string) wire.LUISInstance {
	typ := f.typ
	if typ == f.name {
		typ = leaf
	}
	return wire.LUISInstance{Type: typ, Text: luisText(text, f.offset, f.length), StartIndex: f.offset, Length: f.length,
		Score: f.score, ModelTypeID: f.modelTypeID, ModelType: luisModelTypes[f.modelTypeID], RecognitionSources: f.sources}
}

// luisV2Answer builds the v2 LuisResult: the top intent, every intent when
// verbose, and the entities as a flat list with inclusive end indices and
// lower-cased text, as LUIS v2 wrote them.
func luisV2Answer(text string, verbose bool, p *project.Prediction) wire.LUISResult {
	out := wire.LUISResult{Query: text, Entities: []wire.LUISEntityModel{}}
	top := wire.LUISIntentModel{Intent: p.TopIntent}
	for _, in := range p.Intents {
		if in.Intent == p.TopIntent {
			top.Score = in.Score
		}
		if verbose {
			out.Intents = append(out.Intents, wire.LUISIntentModel{Intent: in.Intent, Score: in.Score})
		}
	}
	out.TopScoringIntent = &top
	for _, f := range luisEntities(text, p) {
		em := wire.LUISEntityModel{Entity: strings.ToLower(luisText(text, f.offset, f.length)), Type: f.typ,
			StartIndex: f.offset, EndIndex: f.offset + f.length - 1, Score: f.score}
		switch f.modelTypeID {
		case luisListExtractor:
			em.Resolution = map[string]any{"values": f.keys}
		case luisPrebuiltExtractor, luisEntityExtractor:
			if f.v2 != nil {
				em.Resolution = f.v2
			}
		}
		out.Entities = append(out.Entities, em)
	}
	return out
}
