package project

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/parley-dev/parley/internal/azerr"
	"github.com/parley-dev/parley/internal/job"
	"github.com/parley-dev/parley/internal/nlu"
)

// LUIS pattern handling, the luisPatterns query parameter of
// :import?format=Luis (a Parley extension, docs/compatibility.md).
const (
	// LUISPatternsUtterances makes each pattern a labelled training
	// utterance: the default.
	LUISPatternsUtterances = "utterances"
	// LUISPatternsDrop drops patterns, as Azure's migration does.
	LUISPatternsDrop = "drop"
)

// LUISImportOptions tune ImportLUIS; nil means the defaults.
type LUISImportOptions struct {
	// Patterns is LUISPatternsUtterances (also when empty) or
	// LUISPatternsDrop.
	Patterns string
}

// CheckLUISPatterns checks the luisPatterns query parameter: empty, or one
// of utterances and drop in any casing. It returns the canonical value.
func CheckLUISPatterns(v string) (string, *azerr.Error) {
	switch {
	case v == "", strings.EqualFold(v, LUISPatternsUtterances):
		return LUISPatternsUtterances, nil
	case strings.EqualFold(v, LUISPatternsDrop):
		return LUISPatternsDrop, nil
	}
	return "", azerr.Invalid("luisPatterns", "luisPatterns %q is not one of utterances, drop.", v)
}

// luisRegexCaseless is the .NET inline option a LUIS regex pattern is
// imported with: LUIS matched regex entities ignoring case (LUIS.md §0
// #20), and the option keeps that without changing the engine for CLU
// projects. ExportLUIS strips it again.
const luisRegexCaseless = "(?i)"

// maxLUISLabelsPerUtterance bounds the labels read from one utterance:
// nesting flat labels compares every pair. A 500-character text has no
// use for more.
const maxLUISLabelsPerUtterance = 200

// ImportLUIS converts a LUIS application file (schema 3.x to 7.x) to a CLU
// project file, following LUIS.md §2.5–§3.7. It returns one warning per
// kind of loss (§4). The error is the synchronous 400 of §1.1: a file that
// is unusable as a whole. The file's metadata.projectName is left empty for
// the caller, which takes it from the URL (§0 #18); the CLU limits are not
// applied here (the import job does, §1.1).
func ImportLUIS(data []byte, o *LUISImportOptions) (*File, []job.Warning, error) {
	f, w, e := convertLUIS(data, o)
	if e != nil {
		return nil, nil, e
	}
	return f, w.list(), nil
}

// convertLUIS is ImportLUIS with the warnings uncounted.
func convertLUIS(data []byte, o *LUISImportOptions) (*File, *luisWarnings, *azerr.Error) {
	app, e := decodeLUIS(data)
	if e != nil {
		return nil, nil, e
	}
	if o == nil {
		o = &LUISImportOptions{}
	}
	patterns, e := CheckLUISPatterns(o.Patterns)
	if e != nil {
		return nil, nil, e
	}
	c := newLUISConv(app, patterns)
	f := c.convert()
	return f, &c.warn, nil
}

// luisModelKind is the kind of a top-level LUIS model.
type luisModelKind int

const (
	luisML luisModelKind = iota
	luisList
	luisPrebuilt
	luisRegex
	luisComposite
	luisPatternAnyKind
)

// luisModel is a top-level LUIS model by name.
type luisModel struct {
	kind     luisModelKind
	node     *luisNode // luisML
	list     *luisClosedList
	category string // luisPrebuilt: the CLU category; "" when unsupported
	pattern  string // luisRegex, as imported (with the caseless option)
	entity   int    // the CLU entity, -1 when none
	roles    map[string]int
	explicit []string // luisPatternAnyKind: the explicit list
	index    int      // in the file's array of its kind
}

// luisNode is a node of a machine-learned entity's definition tree.
type luisNode struct {
	name     string
	parent   *luisNode
	children []*luisNode
	features []luisFeature
	depth    int
	entity   int // the CLU entity of a leaf, -1 for parents
}

func (n *luisNode) child(name string) *luisNode {
	for _, c := range n.children {
		if c.name == name {
			return c
		}
	}
	return nil
}

// luisConv is one conversion.
type luisConv struct {
	app      *luisApp
	patterns string
	lang     string
	warn     luisWarnings

	models      map[string]*luisModel
	phraseLists map[string]bool
	nodesByName map[string][]*luisNode // nodes below the roots
	parentsOf   map[string]map[string]bool
	depthOf     map[string]int

	entities []Entity
	taken    map[string]bool // entity names, lower-cased
	labelled []bool          // by entity
	anyOwner map[int]string  // entities made from Pattern.any entities and their roles -> the LUIS name
	intents  []Intent
	intentOf map[string]string // LUIS intent name -> CLU name
	intentsT map[string]bool   // intent names, lower-cased
	hasUtt   map[string]bool   // CLU intents with utterances
	byName   map[string]int    // entity names -> index, once created (entityIndex)
}

func newLUISConv(app *luisApp, patterns string) *luisConv {
	return &luisConv{
		app: app, patterns: patterns, lang: strings.ToLower(app.Culture),
		models: map[string]*luisModel{}, phraseLists: map[string]bool{},
		nodesByName: map[string][]*luisNode{}, parentsOf: map[string]map[string]bool{}, depthOf: map[string]int{},
		taken: map[string]bool{}, anyOwner: map[int]string{}, intentOf: map[string]string{}, intentsT: map[string]bool{}, hasUtt: map[string]bool{},
	}
}

func (c *luisConv) convert() *File {
	a := c.app
	if a.major < 7 {
		c.warn.add("LuisSchemaVersionUpgraded", a.SchemaVersion)
	}
	a.upgrade()
	for _, pl := range a.PhraseLists {
		c.phraseLists[pl.Name] = true
	}
	c.convertIntents()
	c.declareModels()
	c.createEntities()
	utts := c.convertUtterances()
	if c.patterns == LUISPatternsUtterances {
		utts = append(utts, c.patternUtterances(utts)...)
	} else if n := len(a.Patterns); n > 0 {
		for range n {
			c.warn.add("LuisPatternsDropped", "")
		}
	}
	phraseLists := c.convertPhraseLists()
	if len(a.RegexFeatures) > 0 {
		for _, r := range a.RegexFeatures {
			c.warn.add("LuisRegexFeaturesDropped", r.Name)
		}
	}
	for _, s := range a.Settings {
		c.warn.add("LuisSettingsDropped", s.Name)
	}
	for _, u := range utts {
		c.hasUtt[u.Intent] = true
		for _, l := range u.Entities {
			c.labelled[c.entityIndex(l.Category)] = true
		}
	}
	for _, in := range c.intents {
		if !c.hasUtt[in.Category] {
			c.warn.add("LuisIntentsWithoutUtterances", in.Category)
		}
	}
	c.dropUnusedPatternAny()
	for i := range c.entities {
		e := &c.entities[i]
		kinds := componentKinds(e)
		if !c.labelled[i] && len(kinds) == 1 && slices.Equal(e.RequiredComponents, kinds) {
			// Requiring the only component of an entity with no learned
			// component changes nothing in CLU: left out, so that an
			// export to LUIS (which must mark it required, §5.1 E4)
			// imports back unchanged.
			e.RequiredComponents = nil
		}
		if !c.labelled[i] && len(kinds) == 0 {
			c.warn.add("LuisEntitiesWithoutComponents", e.Category)
		}
	}
	f := &File{
		ProjectFileVersion: string(V20230401),
		StringIndexType:    Utf16CodeUnit,
		Metadata: FileMetadata{ProjectKind: KindConversation, Language: c.lang, Description: a.Desc,
			Settings: &Settings{ConfidenceThreshold: 0}},
		Assets: &Assets{ProjectKind: KindConversation, Intents: c.intents, Entities: c.entities,
			Utterances: utts, PhraseLists: phraseLists},
	}
	if f.Assets.Intents == nil {
		f.Assets.Intents = []Intent{}
	}
	if f.Assets.Entities == nil {
		f.Assets.Entities = []Entity{}
	}
	if f.Assets.Utterances == nil {
		f.Assets.Utterances = []Utterance{}
	}
	return f
}

// dropUnusedPatternAny keeps the entities made from Pattern.any entities
// (and their roles) only when a pattern's utterance labels them.
func (c *luisConv) dropUnusedPatternAny() {
	used := map[string]bool{}
	for i, owner := range c.anyOwner {
		if c.labelled[i] {
			used[owner] = true
		}
	}
	for _, p := range c.app.PatternAnyEntities {
		if m := c.models[p.Name]; m.kind == luisPatternAnyKind && m.entity >= 0 {
			if used[p.Name] {
				c.warn.add("LuisPatternAnyEntitiesConverted", c.entities[m.entity].Category)
			} else {
				c.warn.add("LuisPatternAnyEntitiesDropped", p.Name)
			}
		}
	}
	var ents []Entity
	var labelled []bool
	for i := range c.entities {
		if owner, ok := c.anyOwner[i]; ok && (!used[owner] || !c.labelled[i]) {
			continue
		}
		ents = append(ents, c.entities[i])
		labelled = append(labelled, c.labelled[i])
	}
	c.entities, c.labelled = ents, labelled
}

// entityIndex returns the index of the entity of that name, -1 if none. It
// indexes the entities on first use: call it once they are all created.
func (c *luisConv) entityIndex(name string) int {
	if c.byName == nil {
		c.byName = make(map[string]int, len(c.entities))
		for i := range c.entities {
			c.byName[c.entities[i].Category] = i
		}
	}
	if i, ok := c.byName[name]; ok {
		return i
	}
	return -1
}

// componentKinds lists the requiredComponents values of the components an
// entity has besides a learned one.
func componentKinds(e *Entity) []string {
	var k []string
	if e.List != nil && len(e.List.Sublists) > 0 {
		k = append(k, "list")
	}
	if len(e.Prebuilts) > 0 {
		k = append(k, "prebuilts")
	}
	if e.Regex != nil && len(e.Regex.Expressions) > 0 {
		k = append(k, "regex")
	}
	return k
}

// --- Names (§3.4) ---

// cleanLabelName applies steps 1 and 2 of §3.4: forbidden characters out,
// at most 50 characters, "untitled" when nothing is left.
func cleanLabelName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(labelForbidden, r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, s)
	s = cutRunes(s, 50)
	if strings.TrimSpace(s) == "" {
		return "untitled"
	}
	return s
}

func cutRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// uniqueName returns the first of the candidates (cleaned) not in taken,
// or the first candidate with the smallest free suffix _1, _2, …; it
// records the result in taken (lower-cased).
func uniqueName(taken map[string]bool, candidates ...string) string {
	for _, cand := range candidates {
		n := cleanLabelName(cand)
		if !taken[strings.ToLower(n)] {
			taken[strings.ToLower(n)] = true
			return n
		}
	}
	base := cleanLabelName(candidates[0])
	for i := 1; ; i++ {
		suffix := "_" + strconv.Itoa(i)
		n := cutRunes(base, 50-len(suffix)) + suffix
		if !taken[strings.ToLower(n)] {
			taken[strings.ToLower(n)] = true
			return n
		}
	}
}

// --- Intents (R1) ---

func (c *luisConv) convertIntents() {
	if !slices.ContainsFunc(c.app.Intents, func(in luisIntent) bool { return in.Name == NoneIntent }) {
		// Every LUIS export has None; for a file without it, None is
		// declared first, as ExportLUIS declares it (§5.1 E3), so that
		// the two round-trip.
		c.addIntent(NoneIntent)
	}
	for _, in := range c.app.Intents {
		if _, dup := c.intentOf[in.Name]; dup {
			continue
		}
		name := c.addIntent(in.Name)
		if len(in.Features) > 0 {
			c.warn.add("LuisIntentFeaturesDropped", name)
		}
		if luisPresent(in.Inherits) {
			c.warn.add("LuisPrebuiltDomainIgnored", in.Name)
		}
	}
}

func (c *luisConv) addIntent(luisName string) string {
	name := uniqueName(c.intentsT, luisName)
	if name != luisName {
		c.warn.add("LuisNamesChanged", luisName+" -> "+name)
	}
	c.intentOf[luisName] = name
	c.intents = append(c.intents, Intent{Category: name})
	return name
}

// intentFor maps an utterance's or pattern's intent, adding it when the
// file did not declare it (R13). An empty intent is None.
func (c *luisConv) intentFor(luisName string) string {
	if luisName == "" {
		luisName = NoneIntent
	}
	if n, ok := c.intentOf[luisName]; ok {
		return n
	}
	n := c.addIntent(luisName)
	c.warn.add("LuisIntentsAdded", n)
	return n
}

func luisPresent(raw []byte) bool {
	s := strings.TrimSpace(string(raw))
	return s != "" && s != "null"
}

// --- Models and entities (R2–R12) ---

// declareModels indexes the top-level models by name; the first of a
// name wins.
func (c *luisConv) declareModels() {
	a := c.app
	add := func(name string, m *luisModel) {
		if _, dup := c.models[name]; dup {
			c.warn.add("LuisDuplicateModelsDropped", name)
			return
		}
		m.entity = -1
		c.models[name] = m
	}
	for i := range a.Entities {
		e := &a.Entities[i]
		root := &luisNode{name: e.Name, features: e.Features, entity: -1}
		c.buildTree(root, e.Children)
		add(e.Name, &luisModel{kind: luisML, node: root, index: i})
	}
	for i := range a.ClosedLists {
		add(a.ClosedLists[i].Name, &luisModel{kind: luisList, list: &a.ClosedLists[i]})
	}
	for _, p := range a.PrebuiltEntities {
		add(p.Name, &luisModel{kind: luisPrebuilt, category: luisPrebuiltCategory(p.Name)})
	}
	for _, r := range a.RegexEntities {
		add(r.Name, &luisModel{kind: luisRegex, pattern: luisRegexPattern(r.RegexPattern)})
	}
	for _, p := range a.Composites {
		add(p.Name, &luisModel{kind: luisComposite})
	}
	for _, p := range a.PatternAnyEntities {
		add(p.Name, &luisModel{kind: luisPatternAnyKind, explicit: p.ExplicitList})
	}
}

// luisRegexPattern is the CLU pattern of a LUIS regex: caseless.
func luisRegexPattern(p string) string {
	if p == "" || strings.HasPrefix(p, luisRegexCaseless) {
		return p
	}
	return luisRegexCaseless + p
}

func (c *luisConv) buildTree(n *luisNode, children luisChildren) {
	for _, ch := range children {
		if n.child(ch.Name) != nil {
			continue // a repeated child name: the first wins
		}
		k := &luisNode{name: ch.Name, parent: n, features: ch.Features, depth: n.depth + 1, entity: -1}
		n.children = append(n.children, k)
		c.nodesByName[ch.Name] = append(c.nodesByName[ch.Name], k)
		if c.parentsOf[ch.Name] == nil {
			c.parentsOf[ch.Name] = map[string]bool{}
		}
		c.parentsOf[ch.Name][n.name] = true
		c.depthOf[n.name] = max(c.depthOf[n.name], n.depth)
		c.buildTree(k, ch.Children)
	}
}

// newEntity creates a CLU entity named after the first free candidate;
// regular is the name §3.4 expects, reported in LuisNamesChanged when the
// result differs.
func (c *luisConv) newEntity(regular string, candidates ...string) int {
	name := uniqueName(c.taken, append([]string{regular}, candidates...)...)
	if name != regular {
		c.warn.add("LuisNamesChanged", regular+" -> "+name)
	}
	c.entities = append(c.entities, Entity{Category: name, CompositionSetting: "combineComponents"})
	c.labelled = append(c.labelled, false)
	return len(c.entities) - 1
}

func (c *luisConv) createEntities() {
	a := c.app
	for i := range a.Entities {
		e := &a.Entities[i]
		m := c.models[e.Name]
		if m.kind != luisML || m.index != i {
			continue // a repeated name: the first wins
		}
		if luisPresent(e.Inherits) {
			c.warn.add("LuisPrebuiltDomainIgnored", e.Name)
		}
		root := m.node
		if len(root.children) == 0 {
			m.entity = c.newEntity(e.Name)
			root.entity = m.entity
			c.applyFeatures(m.entity, root.features)
			continue
		}
		c.warn.add("LuisParentEntitiesDropped", e.Name)
		c.createLeaves(root)
	}
	for i := range a.ClosedLists {
		l := &a.ClosedLists[i]
		m := c.models[l.Name]
		if m.list != l {
			continue
		}
		m.entity = c.newEntity(l.Name)
		c.addList(m.entity, l)
	}
	for _, p := range a.PrebuiltEntities {
		m := c.models[p.Name]
		if m.kind != luisPrebuilt || m.entity != -1 {
			continue
		}
		if m.category == "" {
			c.warn.add("LuisPrebuiltNotSupported", p.Name)
			m.entity = -2 // handled: no entity
			continue
		}
		m.entity = c.newEntity(p.Name)
		c.entities[m.entity].Prebuilts = []Prebuilt{{Category: m.category}}
	}
	for _, r := range a.RegexEntities {
		m := c.models[r.Name]
		if m.kind != luisRegex || m.entity != -1 {
			continue
		}
		m.entity = c.newEntity(r.Name)
		c.addRegex(m.entity, r.Name, m.pattern)
	}
	for _, p := range a.Composites {
		m := c.models[p.Name]
		if m.kind != luisComposite || m.entity != -1 {
			continue
		}
		m.entity = c.newEntity(p.Name)
		c.warn.add("LuisCompositesConverted", c.entities[m.entity].Category)
	}
	for _, p := range a.PatternAnyEntities {
		m := c.models[p.Name]
		if m.kind != luisPatternAnyKind || m.entity != -1 {
			continue
		}
		if luisPresent(p.Inherits) {
			c.warn.add("LuisPrebuiltDomainIgnored", p.Name)
		}
		if c.patterns != LUISPatternsUtterances {
			c.warn.add("LuisPatternAnyEntitiesDropped", p.Name)
			m.entity = -2
			continue
		}
		m.entity = c.newEntity(p.Name)
		c.anyOwner[m.entity] = p.Name
	}
	// R9: roles last, owners in the order of the file's arrays.
	type owner struct {
		name  string
		roles []string
	}
	var owners []owner
	for _, e := range a.Entities {
		owners = append(owners, owner{e.Name, e.Roles})
	}
	for _, l := range a.ClosedLists {
		owners = append(owners, owner{l.Name, l.Roles})
	}
	for _, p := range a.PrebuiltEntities {
		owners = append(owners, owner{p.Name, p.Roles})
	}
	for _, r := range a.RegexEntities {
		owners = append(owners, owner{r.Name, r.Roles})
	}
	for _, p := range a.Composites {
		owners = append(owners, owner{p.Name, p.Roles})
	}
	if c.patterns == LUISPatternsUtterances {
		for _, p := range a.PatternAnyEntities {
			owners = append(owners, owner{p.Name, p.Roles})
		}
	}
	done := map[*luisModel]bool{}
	for _, o := range owners {
		m := c.models[o.name]
		if done[m] || len(o.roles) == 0 {
			continue
		}
		done[m] = true
		if m.entity == -2 {
			continue // an entity not imported loses its roles
		}
		ownerName := o.name
		if m.entity >= 0 {
			ownerName = c.entities[m.entity].Category
		}
		for _, role := range o.roles {
			if _, dup := m.roles[role]; dup {
				continue
			}
			name := uniqueName(c.taken, role, ownerName+"."+role)
			c.entities = append(c.entities, Entity{Category: name, CompositionSetting: "combineComponents"})
			c.labelled = append(c.labelled, false)
			idx := len(c.entities) - 1
			if m.entity >= 0 {
				src := &c.entities[m.entity]
				dst := &c.entities[idx]
				// The components are shared, not copied: nothing changes
				// them any more, and a file with many roles on a long
				// list then costs memory per role, not per synonym.
				dst.List, dst.Regex = src.List, src.Regex
				dst.Prebuilts = slices.Clone(src.Prebuilts)
				dst.RequiredComponents = slices.Clone(src.RequiredComponents)
			}
			if m.roles == nil {
				m.roles = map[string]int{}
			}
			m.roles[role] = idx
			if m.kind == luisPatternAnyKind {
				c.anyOwner[idx] = o.name
			}
			c.warn.add("LuisRolesConverted", o.name+":"+role+" -> "+name)
		}
	}
}

// createLeaves creates the entities of a tree's leaves, depth first (R3):
// <parent>.<leaf>, then with more ancestors on a collision. Features of
// parents are dropped.
func (c *luisConv) createLeaves(n *luisNode) {
	if len(n.children) == 0 {
		regular := n.parent.name + "." + n.name
		var more []string
		path := regular
		for p := n.parent.parent; p != nil && len(more) < 8; p = p.parent {
			path = p.name + "." + path
			more = append(more, path)
		}
		n.entity = c.newEntity(regular, more...)
		c.applyFeatures(n.entity, n.features)
		return
	}
	if n.parent != nil {
		c.warn.add("LuisParentEntitiesDropped", n.name)
	}
	for _, f := range n.features {
		c.warn.add("LuisEntityFeaturesDropped", n.name+" <- "+featureRef(f))
	}
	for _, k := range n.children {
		c.createLeaves(k)
	}
}

func featureRef(f luisFeature) string {
	if f.ModelName != "" {
		return f.ModelName
	}
	if f.FeatureName != "" {
		return f.FeatureName
	}
	return "(unnamed)"
}

// applyFeatures adds the components the features of a kept entity name
// (R5): lists, prebuilts and regex entities; the rest is dropped.
func (c *luisConv) applyFeatures(idx int, fs []luisFeature) {
	for _, f := range fs {
		var m *luisModel
		switch {
		case f.ModelName != "":
			m = c.models[f.ModelName]
		case f.FeatureName != "" && !c.phraseLists[f.FeatureName]:
			m = c.models[f.FeatureName]
		}
		name := c.entities[idx].Category
		kind := ""
		switch {
		case m == nil:
		case m.kind == luisList:
			c.addList(idx, m.list)
			kind = "list"
		case m.kind == luisPrebuilt && m.category != "":
			e := &c.entities[idx]
			if !slices.Contains(e.Prebuilts, Prebuilt{Category: m.category}) {
				e.Prebuilts = append(e.Prebuilts, Prebuilt{Category: m.category})
			}
			kind = "prebuilts"
		case m.kind == luisRegex:
			if m.pattern != "" {
				c.addRegex(idx, featureRef(f), m.pattern)
				kind = "regex"
			}
		}
		if kind == "" {
			c.warn.add("LuisEntityFeaturesDropped", name+" <- "+featureRef(f))
			continue
		}
		if e := &c.entities[idx]; f.IsRequired && !slices.Contains(e.RequiredComponents, kind) {
			e.RequiredComponents = append(e.RequiredComponents, kind)
		}
	}
}

// addList adds a closed list's sublists to an entity's list component (R6).
func (c *luisConv) addList(idx int, l *luisClosedList) {
	e := &c.entities[idx]
	if e.List == nil {
		e.List = &List{}
	}
	for _, sl := range l.SubLists {
		values := dedupe(sl.List)
		if sl.CanonicalForm != "" && !slices.ContainsFunc(values, func(v string) bool { return strings.EqualFold(v, sl.CanonicalForm) }) {
			values = append(values, sl.CanonicalForm)
		}
		if len(values) == 0 {
			continue
		}
		e.List.Sublists = append(e.List.Sublists, Sublist{ListKey: sl.CanonicalForm,
			Synonyms: []Synonym{{Language: c.lang, Values: values}}})
	}
	if len(e.List.Sublists) == 0 {
		e.List = nil
	}
}

// addRegex adds one expression, if the engine accepts the pattern.
func (c *luisConv) addRegex(idx int, key, pattern string) {
	if pattern == "" || nlu.CheckRegex(pattern) != nil {
		c.warn.add("LuisRegexPatternsDropped", key)
		return
	}
	e := &c.entities[idx]
	if e.Regex == nil {
		e.Regex = &Regex{}
	}
	x := Expression{RegexKey: key, Language: c.lang, RegexPattern: pattern}
	if !slices.Contains(e.Regex.Expressions, x) {
		e.Regex.Expressions = append(e.Regex.Expressions, x)
	}
}

// --- Utterances and labels (R13–R16) ---

// luisCandidate is a CLU label before overlaps are resolved.
type luisCandidate struct {
	entity         int
	offset, length int
	order          int
}

func (c *luisConv) convertUtterances() []Utterance {
	var out []Utterance
	for _, u := range c.app.Utterances {
		if strings.TrimSpace(u.Text) == "" || textLen(u.Text, Utf16CodeUnit) > DefaultLimits.UtteranceLength {
			c.warn.add("LuisUtterancesDropped", "")
			continue
		}
		labels := u.Entities
		if n := countLabels(labels); n > maxLUISLabelsPerUtterance {
			labels = nil
			for range n {
				c.warn.add("LuisLabelsDropped", "")
			}
		}
		if c.app.major < 7 {
			labels = c.nestLabels(labels)
		}
		var cands []luisCandidate
		c.walkTop(labels, &cands)
		out = append(out, Utterance{Text: u.Text, Intent: c.intentFor(u.Intent), Dataset: "Train",
			Entities: c.layout(u.Text, cands)})
	}
	return out
}

func countLabels(ls []luisLabel) int {
	n := len(ls)
	for _, l := range ls {
		n += countLabels(l.Children)
	}
	return n
}

// walkLabel resolves a label under parent (nil at the top) and adds what it
// yields; it reports whether a leaf label came out of it (R14), and the
// parent labels lost for want of one: a lost label counts once, whatever
// lost parent labels it holds.
func (c *luisConv) walkLabel(l luisLabel, parent *luisNode, out *[]luisCandidate) (bool, []string) {
	var node *luisNode
	if parent != nil {
		node = parent.child(l.Entity)
	}
	if node == nil {
		var entity int
		node, entity = c.resolveTop(l)
		if node == nil {
			if entity < 0 {
				c.warn.add("LuisLabelsDropped", l.Entity)
				return false, nil
			}
			return true, c.leafLabel(l, entity, out)
		}
	}
	if len(node.children) == 0 {
		return true, c.leafLabel(l, node.entity, out)
	}
	produced := false
	var lost []string
	for _, k := range l.Children {
		ok, kl := c.walkLabel(k, node, out)
		produced = produced || ok
		lost = append(lost, kl...)
	}
	if !produced {
		return false, []string{node.name}
	}
	return true, lost
}

// walkTop walks the top-level labels of an utterance.
func (c *luisConv) walkTop(labels []luisLabel, out *[]luisCandidate) {
	for _, l := range labels {
		_, lost := c.walkLabel(l, nil, out)
		for _, name := range lost {
			c.warn.add("LuisParentLabelsDropped", name)
		}
	}
}

// resolveTop resolves a label that no parent label holds: a tree node, or
// a CLU entity, or neither (-1).
func (c *luisConv) resolveTop(l luisLabel) (*luisNode, int) {
	if p, k, ok := strings.Cut(l.Entity, "::"); ok {
		if m := c.models[p]; m != nil && m.kind == luisML {
			if n := m.node.child(k); n != nil {
				return n, -1
			}
		}
		return nil, -1
	}
	m := c.models[l.Entity]
	if m == nil {
		if ns := c.nodesByName[l.Entity]; len(ns) == 1 {
			return ns[0], -1
		}
		return nil, -1
	}
	if l.Role != "" {
		if idx, ok := m.roles[l.Role]; ok {
			return nil, idx
		}
		return nil, -1
	}
	if m.kind == luisML {
		return m.node, -1
	}
	if m.entity < 0 {
		return nil, -1
	}
	return nil, m.entity
}

// leafLabel adds a label of a CLU entity, checking its span (R15). The
// label's own children are read as top-level labels.
func (c *luisConv) leafLabel(l luisLabel, entity int, out *[]luisCandidate) []string {
	var lost []string
	for _, k := range l.Children {
		_, kl := c.walkLabel(k, nil, out)
		lost = append(lost, kl...)
	}
	if entity < 0 || l.StartPos == nil || l.EndPos == nil {
		c.warn.add("LuisLabelsDropped", l.Entity)
		return lost
	}
	*out = append(*out, luisCandidate{entity: entity, offset: *l.StartPos, length: *l.EndPos - *l.StartPos + 1, order: len(*out)})
	return lost
}

// layout checks and adjusts spans (R15) and resolves overlaps (R16).
func (c *luisConv) layout(text string, cands []luisCandidate) []Label {
	units := utf16.Encode([]rune(text))
	n := len(units)
	var ok []luisCandidate
	for _, cd := range cands {
		name := c.entities[cd.entity].Category
		start, end := cd.offset, cd.offset+cd.length-1
		if start < 0 || end < start || end >= n {
			c.warn.add("LuisLabelsDropped", name)
			continue
		}
		adjusted := false
		if utf16.IsSurrogate(rune(units[start])) && units[start] >= 0xDC00 && start > 0 {
			start--
			adjusted = true
		}
		if utf16.IsSurrogate(rune(units[end])) && units[end] < 0xDC00 && end+1 < n {
			end++
			adjusted = true
		}
		if adjusted {
			c.warn.add("LuisLabelsAdjusted", name)
		}
		cd.offset, cd.length = start, end-start+1
		if slices.ContainsFunc(ok, func(o luisCandidate) bool {
			return o.entity == cd.entity && o.offset == cd.offset && o.length == cd.length
		}) {
			continue // an exact duplicate
		}
		ok = append(ok, cd)
	}
	slices.SortStableFunc(ok, func(a, b luisCandidate) int {
		if a.length != b.length {
			return b.length - a.length
		}
		if a.offset != b.offset {
			return a.offset - b.offset
		}
		return a.order - b.order
	})
	var kept []luisCandidate
	for _, cd := range ok {
		if slices.ContainsFunc(kept, func(k luisCandidate) bool {
			return cd.offset < k.offset+k.length && k.offset < cd.offset+cd.length
		}) {
			c.warn.add("LuisOverlappingLabelsDropped", c.entities[cd.entity].Category)
			continue
		}
		kept = append(kept, cd)
	}
	slices.SortStableFunc(kept, func(a, b luisCandidate) int { return a.offset - b.offset })
	labels := make([]Label, 0, len(kept))
	for _, k := range kept {
		labels = append(labels, Label{Category: c.entities[k.entity].Category, Offset: k.offset, Length: k.length})
	}
	return labels
}

// nestLabels turns the flat labels of a 3.x–6.x utterance into the nested
// layout of 7.x (§2.5 step 4): a label of a child entity goes under the
// smallest label of one of its parents that contains it.
func (c *luisConv) nestLabels(flat []luisLabel) []luisLabel {
	n := len(flat)
	span := func(l luisLabel) (int, int, bool) {
		if l.StartPos == nil || l.EndPos == nil {
			return 0, 0, false
		}
		return *l.StartPos, *l.EndPos, true
	}
	childName := func(l luisLabel) string {
		if _, k, ok := strings.Cut(l.Entity, "::"); ok {
			return k
		}
		return l.Entity
	}
	parent := make([]int, n)
	for i, l := range flat {
		parent[i] = -1
		cs, ce, ok := span(l)
		if !ok || l.Role != "" {
			continue
		}
		name := childName(l)
		parents := c.parentsOf[name]
		if p, _, explicit := strings.Cut(l.Entity, "::"); explicit {
			parents = map[string]bool{p: true}
		}
		if len(parents) == 0 {
			continue
		}
		best, bestLen, bestDepth := -1, 0, 0
		for j, p := range flat {
			ps, pe, ok := span(p)
			if j == i || !ok || !parents[childName(p)] || ps > cs || ce > pe {
				continue
			}
			plen := pe - ps
			if plen == ce-cs && j > i && c.parentsOf[childName(p)][name] {
				continue // equal spans naming each other: the earlier is the parent
			}
			d := c.depthOf[childName(p)]
			if best == -1 || plen < bestLen || plen == bestLen && d > bestDepth {
				best, bestLen, bestDepth = j, plen, d
			}
		}
		parent[i] = best
	}
	// Break cycles: a chain longer than n loops.
	for i := range n {
		steps := 0
		for p := parent[i]; p != -1; p = parent[p] {
			if steps++; steps > n {
				parent[i] = -1
				break
			}
		}
	}
	var build func(i int) luisLabel
	kids := make([][]int, n)
	var top []int
	for i := range n {
		if parent[i] == -1 {
			top = append(top, i)
		} else {
			kids[parent[i]] = append(kids[parent[i]], i)
		}
	}
	build = func(i int) luisLabel {
		l := flat[i]
		l.Children = nil
		if _, k, ok := strings.Cut(l.Entity, "::"); ok && parent[i] != -1 {
			l.Entity = k
		}
		for _, k := range kids[i] {
			l.Children = append(l.Children, build(k))
		}
		return l
	}
	out := make([]luisLabel, 0, len(top))
	for _, i := range top {
		out = append(out, build(i))
	}
	return out
}

// --- Phrase lists (Parley extension) ---

// convertPhraseLists keeps LUIS phrase lists as the project's phraseLists:
// words split at commas; deactivated or empty lists are dropped.
func (c *luisConv) convertPhraseLists() []PhraseList {
	var out []PhraseList
	taken := map[string]bool{}
	for _, pl := range c.app.PhraseLists {
		if pl.Activated != nil && !*pl.Activated {
			c.warn.add("LuisPhraseListsDropped", pl.Name)
			continue
		}
		words := strings.Split(pl.Words, ",")
		for i := range words {
			words[i] = strings.TrimSpace(words[i])
		}
		phrases := dedupe(words)
		if len(phrases) == 0 {
			c.warn.add("LuisPhraseListsDropped", pl.Name)
			continue
		}
		name := uniqueName(taken, pl.Name)
		if name != pl.Name {
			c.warn.add("LuisNamesChanged", pl.Name+" -> "+name)
		}
		out = append(out, PhraseList{Name: name, Phrases: phrases, Interchangeable: pl.Mode})
		c.warn.add("LuisPhraseListsKept", name)
	}
	return out
}

// dedupe returns the non-blank values in order, each once.
func dedupe(values []string) []string {
	var out []string
	seen := make(map[string]bool, len(values))
	for _, v := range values {
		if strings.TrimSpace(v) != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}
