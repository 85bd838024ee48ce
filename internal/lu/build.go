package lu

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// Entity kinds, as the .lu grammar spells them after @.
const (
	kindML         = "ml"
	kindList       = "list"
	kindRegex      = "regex"
	kindPrebuilt   = "prebuilt"
	kindComposite  = "composite"
	kindPatternAny = "patternany"
	kindPhraseList = "phraselist"
	kindIntentDef  = "intent"
)

// prebuiltNames are the LUIS prebuilt entities a pattern may name only
// once they are defined with @ prebuilt.
var prebuiltNames = []string{
	"age", "datetimev2", "dimension", "email", "geographyv2", "keyphrase", "money",
	"number", "ordinal", "ordinalv2", "percentage", "personname", "phonenumber",
	"temperature", "url",
}

// maxLabels bounds the labels of one utterance (LUIS itself allows far
// fewer), which keeps nesting them cheap.
const maxLabels = 1000

// invalidNameChars cannot be in intent and entity names (bf-lu's
// InvalidCharsInIntentOrEntityName), nor braces, which end labels.
const invalidNameChars = "<>*%&:\\${}"

// phraseListName is how a phrase list's name must end (bf-lu checks the
// end only: "Application Synonyms" passes, "pl*" does not).
var phraseListName = regexp.MustCompile(`[a-zA-Z0-9@#_.,^\\\[\]]$`)

// checkName refuses names LUIS and bf-lu refuse.
func checkName(name, k string, p pos) error {
	if k == kindPhraseList {
		if !phraseListName.MatchString(name) {
			return p.errorf("phrase list name %q must end with a letter a-z or A-Z, a digit, or one of @ # _ . , ^ \\ [ ]", name)
		}
		return nil
	}
	if k != kindIntentDef && strings.ContainsAny(name, `'"`) {
		// An @ line cannot spell such a name, quoted or not.
		return p.errorf("entity name %q holds a quote, which entity names cannot", name)
	}
	if strings.ContainsAny(name, invalidNameChars) {
		return p.errorf("name %q holds one of < > * %% & : \\ $ { }, which intent and entity names cannot", name)
	}
	return nil
}

// checkRoles refuses role names an @ line could not spell.
func checkRoles(p pos, roles ...string) error {
	for _, r := range roles {
		if strings.ContainsAny(r, `'"`+invalidNameChars) {
			return p.errorf("role name %q holds a quote or one of < > * %% & : \\ $ { }, which role names cannot", r)
		}
	}
	return nil
}

// builder turns sections into an App.
type builder struct {
	app        *App
	kind       map[string]string // top-level entity name -> kind
	defined    map[string]pos    // where each name was first defined
	intents    map[string]*Intent
	entities   map[string]*Entity
	lists      map[string]*ClosedList
	regexes    map[string]*RegexEntity
	prebuilts  map[string]*PrebuiltEntity
	composites map[string]*Composite
	patternAny map[string]*PatternAny
	phrases    map[string]*PhraseList
	children   map[string]*Child          // ML children by name
	childOf    map[string]string          // child name -> parent name (entity or child)
	roleOwner  map[string]string          // role name -> entity name
	seen       map[string]bool            // intent + text of utterances and patterns
	features   []featureUse               // usesFeature lists, resolved once all is defined
	pending    []pendingUtterance         // labelled utterances, nested once all is defined
	amends     []amend                    // "@ name roles/features" lines
	files      map[string]map[string]bool // "i:"/"e:"/"p:" + name -> files it is in
	plForAll   map[string]bool            // phrase lists whose enabledForAllModels is decided
	sets       sets                       // members of lists, to add each once in constant time
	listed     map[string]bool            // intents in app.Intents
	explicit   map[string]bool            // machine-learned entities defined, not only labelled
	intentDefs []string                   // intents "@ intent" lines name
}

// sets holds, per list (keyed by a pointer to it), the members added.
type sets map[any]map[string]bool

// add records v in the set of owner, and reports whether it was new.
func (s sets) add(owner any, v string) bool {
	m := s[owner]
	if m == nil {
		m = map[string]bool{}
		s[owner] = m
	}
	if m[v] {
		return false
	}
	m[v] = true
	return true
}

// amend is an "@ name hasRoles … usesFeatures …" line without a type: it
// adds to an entity defined elsewhere.
type amend struct {
	*section
	h *entityHead
}

// applyAmends adds the roles and features of amend lines.
func (b *builder) applyAmends() error {
	for _, a := range b.amends {
		k, ok := b.kind[a.h.name]
		if !ok {
			return a.errorf("%q is not an entity type, nor an entity defined anywhere; write @ TYPE NAME with TYPE one of ml, list, regex, prebuilt, composite, patternany, phraselist, intent", a.h.name)
		}
		if roles := b.rolesOf(a.h.name); roles != nil {
			b.addRoles(a.h.name, roles, a.h.roles)
		} else if len(a.h.roles) > 0 {
			return a.errorf("%s %q has no roles", kindWord(k), a.h.name)
		}
		if k != kindPhraseList && (a.h.forAll != nil || a.h.disabled || a.h.interchangeable) {
			return a.errorf("%s %q: enabledForAllModels, disabledForAllModels, disabled and interchangeable are for phrase lists", kindWord(k), a.h.name)
		}
		var err error
		switch k {
		case kindPhraseList:
			pl := b.phrases[a.h.name]
			if a.h.forAll != nil {
				b.plForAll[a.h.name] = *a.h.forAll
			}
			if a.h.disabled {
				pl.Activated = false
			}
			pl.Mode = pl.Mode || a.h.interchangeable
			b.addWords(pl, a.items)
		case kindList:
			err = b.listBody(b.lists[a.h.name], a.items)
		case kindML:
			err = b.mlChildren(a.h.name, b.entities[a.h.name], a.items)
		case kindComposite:
			for _, it := range a.items {
				b.addCompositeChildren(b.composites[a.h.name], it.text)
			}
		}
		if err != nil {
			return err
		}
		if a.h.definition != "" {
			return a.errorf("%q: a definition after = needs the entity's type; write @ TYPE %s = …", a.h.name, a.h.name)
		}
		if len(a.h.features) == 0 {
			continue
		}
		var dst *[]*Feature
		switch k {
		case kindML:
			dst = &b.entities[a.h.name].Features
		case kindComposite:
			dst = &b.composites[a.h.name].Features
		default:
			return a.errorf("%s %q cannot use features; only machine-learned entities, composites and intents can", kindWord(k), a.h.name)
		}
		b.features = append(b.features, featureUse{pos: a.section.pos, owner: "entity " + a.h.name, dst: dst, names: a.h.features})
	}
	return nil
}

// noteEntity records that the entity name of kind k is in file.
func (b *builder) noteEntity(name, k, file string) {
	switch k {
	case kindML:
		b.note("e:"+name, file)
	case kindPhraseList:
		b.note("p:"+name, file)
	}
}

// note records that the intent, entity or phrase list key is in file.
func (b *builder) note(key, file string) {
	if b.files[key] == nil {
		b.files[key] = map[string]bool{}
	}
	b.files[key][file] = true
}

// sameFile reports whether a and b are both in some file.
func (b *builder) sameFile(x, y string) bool {
	for f := range b.files[x] {
		if b.files[y][f] {
			return true
		}
	}
	return false
}

// featureUse is a usesFeature list of an intent, entity or child.
type featureUse struct {
	pos
	owner string
	dst   *[]*Feature
	names []string
	child bool // the features of a child entity
}

type pendingUtterance struct {
	pos
	u     *Utterance
	spans []span
	text  string
}

func newBuilder(culture string) *builder {
	return &builder{
		app: &App{
			SchemaVersion: SchemaVersion, VersionID: "0.1", Culture: culture,
			Intents: []*Intent{}, Entities: []*Entity{}, Composites: []*Composite{}, ClosedLists: []*ClosedList{},
			RegexEntities: []*RegexEntity{}, RegexFeatures: []any{}, PrebuiltEntities: []*PrebuiltEntity{},
			PatternAnyEntities: []*PatternAny{}, PhraseLists: []*PhraseList{}, Patterns: []*Pattern{},
			Utterances: []*Utterance{}, Settings: []*Setting{},
		},
		kind: map[string]string{}, defined: map[string]pos{}, intents: map[string]*Intent{},
		entities: map[string]*Entity{}, lists: map[string]*ClosedList{}, regexes: map[string]*RegexEntity{},
		prebuilts: map[string]*PrebuiltEntity{}, composites: map[string]*Composite{},
		patternAny: map[string]*PatternAny{}, phrases: map[string]*PhraseList{},
		children: map[string]*Child{}, childOf: map[string]string{}, roleOwner: map[string]string{},
		seen: map[string]bool{}, files: map[string]map[string]bool{}, plForAll: map[string]bool{}, sets: sets{}, listed: map[string]bool{}, explicit: map[string]bool{},
	}
}

// build gives the sections of files, in order, their meaning, in the
// order bf-lu does: model information, @ definitions, $ definitions, then
// intents; then features, then the labels' nesting.
func build(files []*file, culture string) (*App, error) {
	b := newBuilder(culture)
	var all []*section
	for _, f := range files {
		all = append(all, f.sections...)
	}
	passes := []struct {
		kind sectionKind
		do   func(*section) error
	}{
		{kindModelInfo, b.modelInfo},
		{kindEntity, b.entity},
		{kindOldEntity, b.oldEntity},
		{kindIntent, b.intent},
	}
	for _, pass := range passes {
		for _, s := range all {
			if s.kind != pass.kind {
				continue
			}
			if err := pass.do(s); err != nil {
				return nil, err
			}
		}
	}
	for _, name := range b.intentDefs {
		b.ensureIntent(name, false)
	}
	if err := b.applyAmends(); err != nil {
		return nil, err
	}
	if err := b.resolveFeatures(); err != nil {
		return nil, err
	}
	for _, p := range b.pending {
		if err := b.nest(p); err != nil {
			return nil, err
		}
	}
	b.pruneForChildren()
	b.phraseListsForAll()
	return b.app, nil
}

// modelInfo reads a "> !# @app.key = value" line.
func (b *builder) modelInfo(s *section) error {
	key, value, ok := strings.Cut(s.head, "=")
	key, value = strings.TrimSpace(key), strings.TrimSpace(value)
	if !ok || !strings.HasPrefix(key, "@") {
		return s.errorf("invalid model information %q; write > !# @app.name = value", s.head)
	}
	key = key[1:]
	lower := strings.ToLower(key)
	switch {
	case lower == "app.name":
		b.app.Name = value
	case lower == "app.versionid":
		b.app.VersionID = value
	case lower == "app.culture":
		b.app.Culture = strings.ToLower(value)
	case lower == "app.desc":
		b.app.Desc = value
	case lower == "app.luis_schema_version":
		// The output is always 7.0.0, which holds every older version's content.
	case lower == "app.tokenizerversion":
		b.app.TokenizerVersion = value
	case strings.HasPrefix(lower, "app.settings."):
		name := key[len("app.settings."):]
		// LUIS settings are booleans; bf-lu writes anything but true as false.
		v := strings.EqualFold(value, "true")
		for _, st := range b.app.Settings {
			if st.Name == name {
				st.Value = v
				return nil
			}
		}
		b.app.Settings = append(b.app.Settings, &Setting{Name: name, Value: v})
		// @enableSections and @enableMergeIntents shape the sections; parseFile
		// reads them.
	}
	// Other keys (@app.onAmbiguousLabels, @enableMergeIntents, @kb, @qna …)
	// do not change a LUIS application; bf-lu ignores them too.
	return nil
}

// define records that name is a top-level entity of kind k.
func (b *builder) define(name, k string, p pos) error {
	if name == "" {
		return p.errorf("entity definition without a name")
	}
	if err := checkName(name, k, p); err != nil {
		return err
	}
	if old, ok := b.kind[name]; ok && old != k {
		return p.errorf("entity %q is defined as %s here and as %s at %s:%d; give one of them another name", name, kindWord(k), kindWord(old), b.defined[name].file, b.defined[name].line)
	}
	if _, ok := b.kind[name]; !ok {
		b.kind[name] = k
		b.defined[name] = p
	}
	b.noteEntity(name, k, p.file)
	return nil
}

func kindWord(k string) string {
	switch k {
	case kindML:
		return "a machine-learned entity"
	case kindList:
		return "a list entity"
	case kindRegex:
		return "a regex entity"
	case kindPrebuilt:
		return "a prebuilt entity"
	case kindComposite:
		return "a composite entity"
	case kindPatternAny:
		return "a pattern.any entity"
	case kindPhraseList:
		return "a phrase list"
	}
	return k
}

func (b *builder) addRoles(entity string, dst *[]string, roles []string) {
	for _, r := range roles {
		if r == "" {
			continue
		}
		if b.sets.add(dst, r) {
			*dst = append(*dst, r)
		}
		if _, ok := b.roleOwner[r]; !ok {
			b.roleOwner[r] = entity
		}
	}
}

// ensureIntent returns the intent name, listing it in the application
// unless unlisted: intents that only "@ intent" lines name are listed at the
// end, so that intents keep the order of their # lines.
func (b *builder) ensureIntent(name string, unlisted bool) *Intent {
	in, ok := b.intents[name]
	if !ok {
		in = &Intent{Name: name}
		b.intents[name] = in
	}
	if !unlisted && !b.listed[name] {
		b.listed[name] = true
		b.app.Intents = append(b.app.Intents, in)
	}
	return in
}

func (b *builder) ensureEntity(name string) *Entity {
	if e, ok := b.entities[name]; ok {
		return e
	}
	e := &Entity{Name: name, Roles: []string{}}
	b.entities[name] = e
	b.app.Entities = append(b.app.Entities, e)
	return e
}

func (b *builder) ensureList(name string) *ClosedList {
	if l, ok := b.lists[name]; ok {
		return l
	}
	l := &ClosedList{Name: name, SubLists: []*SubList{}, Roles: []string{}}
	b.lists[name] = l
	b.app.ClosedLists = append(b.app.ClosedLists, l)
	return l
}

func (b *builder) ensurePrebuilt(name string) *PrebuiltEntity {
	if e, ok := b.prebuilts[name]; ok {
		return e
	}
	e := &PrebuiltEntity{Name: name, Roles: []string{}}
	b.prebuilts[name] = e
	b.app.PrebuiltEntities = append(b.app.PrebuiltEntities, e)
	return e
}

func (b *builder) ensurePatternAny(name string) *PatternAny {
	if e, ok := b.patternAny[name]; ok {
		return e
	}
	e := &PatternAny{Name: name, ExplicitList: []string{}, Roles: []string{}}
	b.patternAny[name] = e
	b.app.PatternAnyEntities = append(b.app.PatternAnyEntities, e)
	return e
}

// rolesOf returns the roles of the top-level entity name, if any.
func (b *builder) rolesOf(name string) *[]string {
	switch b.kind[name] {
	case kindML:
		return &b.entities[name].Roles
	case kindList:
		return &b.lists[name].Roles
	case kindRegex:
		return &b.regexes[name].Roles
	case kindPrebuilt:
		return &b.prebuilts[name].Roles
	case kindComposite:
		return &b.composites[name].Roles
	case kindPatternAny:
		return &b.patternAny[name].Roles
	}
	return nil
}

// entityHead is the line of an @ definition, read.
type entityHead struct {
	typ, name       string
	interchangeable bool
	roles, features []string
	forAll          *bool // phrase lists: enabledForAllModels / disabledForAllModels
	disabled        bool  // phrase lists: disabled (activated false)
	definition      string
}

var entityTypes = []string{"simple", kindList, kindRegex, kindPrebuilt, kindComposite, kindML, kindPatternAny, kindPhraseList, kindIntentDef}

// parseEntityHead reads "type name [hasRoles r, …] [usesFeatures f, …] [= definition]".
func parseEntityHead(s string, p pos) (_ *entityHead, err error) {
	h := &entityHead{}
	word, rest := cutWord(s)
	h.typ = strings.ToLower(word)
	if !slices.Contains(entityTypes, h.typ) {
		// "@ name hasRoles …" or "@ name usesFeatures …" adds to an entity
		// defined elsewhere.
		h.typ, rest = "", s
	}
	if h.typ == "simple" {
		h.typ = kindML
	}
	rest = strings.TrimLeft(rest, " \t")
	name, rest, err := cutName(rest)
	if err != nil {
		return nil, p.errorf("%v", err)
	}
	if base, label, ok := strings.Cut(name, "("); ok && strings.HasSuffix(label, ")") {
		name = base
		h.interchangeable = strings.EqualFold(strings.TrimSuffix(label, ")"), "interchangeable")
	}
	h.name = name
	defer func() {
		if err == nil {
			err = checkRoles(p, h.roles...)
		}
	}()
	mode := &h.roles
	for {
		rest = strings.TrimLeft(rest, " \t,;")
		if rest == "" {
			break
		}
		switch rest[0] {
		case '=':
			rest = rest[1:]
			continue
		case '/', '[':
			h.definition = strings.TrimSpace(rest)
			rest = ""
			continue
		case '(':
			end := strings.IndexByte(rest, ')')
			if end < 0 {
				return nil, p.errorf("( without ) after the entity name %q", name)
			}
			h.interchangeable = strings.EqualFold(strings.TrimSpace(rest[1:end]), "interchangeable")
			rest = rest[end+1:]
			continue
		}
		var w string
		w, rest, err = cutName(rest)
		if err != nil {
			return nil, p.errorf("%v", err)
		}
		switch lw := strings.ToLower(w); {
		case lw == "hasrole" || lw == "hasroles":
			mode = &h.roles
		case lw == "usesfeature" || lw == "usesfeatures":
			mode = &h.features
		case (h.typ == kindPhraseList || h.typ == "") && (lw == "enabledforallmodels" || lw == "disabledforallmodels"):
			v := lw == "enabledforallmodels"
			h.forAll = &v
		case (h.typ == kindPhraseList || h.typ == "") && lw == "disabled":
			h.disabled = true
		case (h.typ == kindPhraseList || h.typ == "") && lw == "interchangeable":
			h.interchangeable = true
		default:
			*mode = append(*mode, w)
		}
	}
	return h, nil
}

func cutWord(s string) (string, string) {
	i := strings.IndexAny(s, " \t")
	if i < 0 {
		return s, ""
	}
	return s[:i], s[i:]
}

// cutName reads a name: quoted, or up to white space, a comma, a
// semicolon or an =.
func cutName(s string) (string, string, error) {
	if s == "" {
		return "", "", nil
	}
	if s[0] == '\'' || s[0] == '"' {
		end := strings.IndexAny(s[1:], `'"`)
		if end < 0 {
			return "", "", fmt.Errorf("name %s has no closing quote", s)
		}
		return s[1 : end+1], s[end+2:], nil
	}
	i := strings.IndexAny(s, " \t,;=")
	if i < 0 {
		return s, "", nil
	}
	return s[:i], s[i:], nil
}

// entity reads an @ definition and its body.
func (b *builder) entity(s *section) error {
	h, err := parseEntityHead(s.head, s.pos)
	if err != nil {
		return err
	}
	if h.name == "" {
		return s.errorf("@ %s without a name; write @ %s NAME", h.typ, h.typ)
	}
	if slices.Contains([]string{"hasrole", "hasroles", "usesfeature", "usesfeatures"}, strings.ToLower(h.name)) {
		return s.errorf("entity line without a name: %q is a keyword; write @ TYPE NAME %s …", h.name, h.name)
	}
	if h.typ == "" {
		b.amends = append(b.amends, amend{s, h})
		return nil
	}
	if h.typ == kindIntentDef {
		in := b.ensureIntent(h.name, true)
		b.intentDefs = append(b.intentDefs, h.name)
		b.note("i:"+in.Name, s.file)
		if len(h.roles) > 0 {
			return s.errorf("intent %q: intents have no roles; write @ intent %s usesFeatures …", h.name, h.name)
		}
		b.features = append(b.features, featureUse{pos: s.pos, owner: "intent " + h.name, dst: &in.Features, names: h.features})
		return nil // bf-lu ignores - lines under it, and so does the converter
	}
	if err := b.define(h.name, h.typ, s.pos); err != nil {
		return err
	}
	if h.typ != kindML && h.typ != kindComposite && len(h.features) > 0 {
		return s.errorf("%s %q cannot use features; only machine-learned entities, composites and intents can", h.typ, h.name)
	}
	switch h.typ {
	case kindML:
		e := b.ensureEntity(h.name)
		b.explicit[h.name] = true
		b.addRoles(h.name, &e.Roles, h.roles)
		if len(h.features) > 0 {
			b.features = append(b.features, featureUse{pos: s.pos, owner: "entity " + h.name, dst: &e.Features, names: h.features})
		}
		if h.definition != "" {
			return s.errorf("machine-learned entity %q takes no = definition; list its children as - @ ml child lines", h.name)
		}
		return b.mlChildren(h.name, e, s.items)
	case kindList:
		l := b.ensureList(h.name)
		b.addRoles(h.name, &l.Roles, h.roles)
		return b.listBody(l, s.items)
	case kindRegex:
		r, ok := b.regexes[h.name]
		if !ok {
			r = &RegexEntity{Name: h.name, Roles: []string{}}
			b.regexes[h.name] = r
			b.app.RegexEntities = append(b.app.RegexEntities, r)
		}
		b.addRoles(h.name, &r.Roles, h.roles)
		if h.definition != "" {
			pat, err := regexBody(h.definition)
			if err != nil {
				return s.errorf("regex entity %q: %v", h.name, err)
			}
			r.RegexPattern = pat
		}
		return nil // bf-lu ignores - lines under it, and so does the converter
	case kindPrebuilt:
		e := b.ensurePrebuilt(h.name)
		b.addRoles(h.name, &e.Roles, h.roles)
		return nil // bf-lu ignores - lines under it, and so does the converter
	case kindComposite:
		c := b.ensureComposite(h.name)
		b.addRoles(h.name, &c.Roles, h.roles)
		if len(h.features) > 0 {
			b.features = append(b.features, featureUse{pos: s.pos, owner: "composite " + h.name, dst: &c.Features, names: h.features})
		}
		if h.definition != "" {
			if !strings.HasPrefix(h.definition, "[") || !strings.HasSuffix(h.definition, "]") {
				return s.errorf("composite %q: write its children as = [child1, child2]", h.name)
			}
			b.addCompositeChildren(c, h.definition)
		}
		for _, it := range s.items {
			b.addCompositeChildren(c, it.text)
		}
		return nil
	case kindPatternAny:
		e := b.ensurePatternAny(h.name)
		b.addRoles(h.name, &e.Roles, h.roles)
		// bf-lu reads no explicit list from the body; neither does this.
		return nil
	case kindPhraseList:
		pl, ok := b.phrases[h.name]
		if !ok {
			pl = &PhraseList{Name: h.name, Activated: true, EnabledForAllModels: true}
			b.phrases[h.name] = pl
			b.app.PhraseLists = append(b.app.PhraseLists, pl)
		}
		pl.Mode = pl.Mode || h.interchangeable
		if h.forAll != nil {
			b.plForAll[h.name] = *h.forAll
		}
		if h.disabled {
			pl.Activated = false
		}
		if len(h.roles) > 0 {
			return s.errorf("phrase list %q: phrase lists have no roles", h.name)
		}
		b.addWords(pl, s.items)
		return nil
	}
	return nil
}

func (b *builder) ensureComposite(name string) *Composite {
	if c, ok := b.composites[name]; ok {
		return c
	}
	c := &Composite{Name: name, Children: []CompositeChild{}, Roles: []string{}}
	b.composites[name] = c
	b.app.Composites = append(b.app.Composites, c)
	return c
}

func (b *builder) addCompositeChildren(c *Composite, def string) {
	def = strings.NewReplacer("[", "", "]", "").Replace(def)
	for _, f := range strings.FieldsFunc(def, func(r rune) bool { return r == ',' || r == ';' }) {
		if f = strings.TrimSpace(f); f != "" && b.sets.add(c, f) {
			c.Children = append(c.Children, CompositeChild{Name: f})
		}
	}
}

func (b *builder) addWords(pl *PhraseList, items []item) {
	var words []string
	if pl.Words != "" {
		words = strings.Split(pl.Words, ",")
	}
	for _, it := range items {
		for _, w := range strings.FieldsFunc(it.text, func(r rune) bool { return r == ',' || r == ';' }) {
			if w = strings.TrimSpace(w); w != "" && b.sets.add(pl, w) {
				words = append(words, w)
			}
		}
	}
	pl.Words = strings.Join(words, ",")
}

// regexBody returns the pattern of a /pattern/ definition.
func regexBody(def string) (string, error) {
	if !strings.HasPrefix(def, "/") || len(def) < 2 || !strings.HasSuffix(def, "/") {
		return "", fmt.Errorf("write the pattern between slashes, as = /pattern/")
	}
	return def[1 : len(def)-1], nil
}

// listBody reads a list entity's body: "- canonical :" lines, each
// followed by its synonyms, one or more comma-separated per line.
func (b *builder) listBody(l *ClosedList, items []item) error {
	var cur *SubList
	for _, it := range items {
		if strings.HasSuffix(it.text, ":") {
			canon := strings.TrimSpace(strings.TrimSuffix(it.text, ":"))
			cur = nil
			for _, sl := range l.SubLists {
				if sl.CanonicalForm == canon {
					cur = sl
				}
			}
			if cur == nil {
				cur = &SubList{CanonicalForm: canon, List: []string{}}
				l.SubLists = append(l.SubLists, cur)
			}
			continue
		}
		if cur == nil {
			return it.errorf("list entity %q: synonym %q comes before any normalized value; write - value : first, then the synonyms under it", l.Name, it.text)
		}
		for _, syn := range strings.Split(it.text, ",") {
			if syn = strings.TrimSpace(syn); syn != "" && b.sets.add(cur, syn) {
				cur.List = append(cur.List, syn)
			}
		}
	}
	return nil
}

// mlChildren reads the "- @ type name" lines of a machine-learned entity;
// deeper indentation nests a child under the line before it.
func (b *builder) mlChildren(parent string, e *Entity, items []item) error {
	type level struct {
		indent int
		name   string
		dst    *[]*Child
	}
	stack := []level{{indent: -1, name: parent, dst: &e.Children}}
	for _, it := range items {
		if !strings.HasPrefix(it.text, "@") {
			return it.errorf("entity %q: a machine-learned entity's body lists children as - @ ml NAME (or - @ LIST_OR_PREBUILT NAME); got %q", parent, it.text)
		}
		head := strings.TrimSpace(it.text[1:])
		typ, rest, err := cutName(head)
		if err != nil {
			return it.errorf("%v", err)
		}
		rest = strings.TrimLeft(rest, " \t")
		var name string
		name, rest, err = cutName(rest)
		if err != nil {
			return it.errorf("%v", err)
		}
		if name == "" {
			return it.errorf("child entity without a name; write - @ ml NAME")
		}
		var feats []string
		rest = strings.TrimSpace(rest)
		if rest != "" {
			w, r := cutWord(rest)
			if lw := strings.ToLower(w); lw != "usesfeature" && lw != "usesfeatures" {
				return it.errorf("child entity %q: expected usesFeatures after the name, got %q (children have no roles)", name, w)
			}
			feats = strings.FieldsFunc(r, func(c rune) bool { return c == ',' || c == ' ' || c == '\t' })
		}
		for len(stack) > 1 && stack[len(stack)-1].indent >= it.indent {
			stack = stack[:len(stack)-1]
		}
		top := stack[len(stack)-1]
		if _, dup := b.children[name]; dup || name == parent {
			return it.errorf("child entity %q is defined twice; child names are unique in an application", name)
		}
		c := &Child{Name: name, Children: []*Child{}}
		var instanceOf string // written as a required feature, as bf-lu does
		if lt := strings.ToLower(typ); lt != kindML && lt != "simple" {
			instanceOf = strings.Trim(typ, `'"`)
		}
		*top.dst = append(*top.dst, c)
		b.children[name] = c
		b.childOf[name] = top.name
		if instanceOf != "" || len(feats) > 0 {
			names := feats
			if instanceOf != "" {
				names = append([]string{"\x00" + instanceOf}, feats...)
			}
			b.features = append(b.features, featureUse{pos: it.pos, owner: "child entity " + name, dst: &c.Features, names: names, child: true})
		}
		stack = append(stack, level{indent: it.indent, name: name, dst: &c.Children})
	}
	return nil
}

// oldEntity reads a $name:type definition, the grammar before @.
func (b *builder) oldEntity(s *section) error {
	name, typ, ok := strings.Cut(s.head, ":")
	name, typ = strings.TrimSpace(name), strings.TrimSpace(typ)
	if !ok || name == "" || typ == "" {
		return s.errorf("invalid entity definition %q; write $name:type", s.head)
	}
	word, rest := cutWord(typ)
	roles := oldRoles(rest)
	lw := strings.ToLower(word)
	// $list:value= and $list:value= Roles=a, b
	isList := false
	if i := strings.IndexByte(typ, '='); i > 0 && !strings.HasPrefix(typ, "/") && !strings.HasPrefix(typ, "[") {
		after := strings.TrimSpace(typ[i+1:])
		if la := strings.ToLower(after); after == "" || strings.HasPrefix(la, "roles") || strings.HasPrefix(la, "hasrole") {
			isList, roles, typ = true, oldRoles(after), typ[:i+1]
		}
	}
	if err := checkRoles(s.pos, roles...); err != nil {
		return err
	}
	switch {
	case isList && strings.EqualFold(strings.TrimSpace(strings.TrimSuffix(typ, "=")), "qna-alterations"):
		return nil // QnA Maker alterations, not part of a LUIS application
	case slices.Contains(prebuiltNames, lw):
		// $name:number, like $PREBUILT:number, uses the prebuilt entity.
		if err := b.define(word, kindPrebuilt, s.pos); err != nil {
			return err
		}
		e := b.ensurePrebuilt(word)
		b.addRoles(word, &e.Roles, roles)
		return nil // bf-lu ignores - lines under it, and so does the converter
	case strings.EqualFold(name, "prebuilt"):
		if err := b.define(word, kindPrebuilt, s.pos); err != nil {
			return err
		}
		e := b.ensurePrebuilt(word)
		b.addRoles(word, &e.Roles, roles)
		return nil // bf-lu ignores - lines under it, and so does the converter
	case lw == "simple" || lw == "ml":
		if err := b.define(name, kindML, s.pos); err != nil {
			return err
		}
		e := b.ensureEntity(name)
		b.explicit[name] = true
		b.addRoles(name, &e.Roles, roles)
		return nil // bf-lu ignores - lines under it, and so does the converter
	case strings.HasPrefix(typ, "/"):
		if err := b.define(name, kindRegex, s.pos); err != nil {
			return err
		}
		pat, err := regexBody(typ)
		if err != nil {
			return s.errorf("regex entity %q: %v", name, err)
		}
		r := &RegexEntity{Name: name, RegexPattern: pat, Roles: []string{}}
		if old, ok := b.regexes[name]; ok {
			old.RegexPattern = pat
		} else {
			b.regexes[name] = r
			b.app.RegexEntities = append(b.app.RegexEntities, r)
		}
		return nil // bf-lu ignores - lines under it, and so does the converter
	case strings.HasPrefix(typ, "["):
		if err := b.define(name, kindComposite, s.pos); err != nil {
			return err
		}
		b.addCompositeChildren(b.ensureComposite(name), typ)
		return nil // bf-lu ignores - lines under it, and so does the converter
	case lw == "phraselist":
		if err := b.define(name, kindPhraseList, s.pos); err != nil {
			return err
		}
		pl, ok := b.phrases[name]
		if !ok {
			pl = &PhraseList{Name: name, Activated: true, EnabledForAllModels: true}
			b.phrases[name] = pl
			b.app.PhraseLists = append(b.app.PhraseLists, pl)
		}
		pl.Mode = pl.Mode || strings.Contains(strings.ToLower(rest), "interchangeable")
		b.addWords(pl, s.items)
		return nil
	case isList:
		if err := b.define(name, kindList, s.pos); err != nil {
			return err
		}
		l := b.ensureList(name)
		b.addRoles(name, &l.Roles, roles)
		canon := strings.TrimSpace(strings.TrimSuffix(typ, "="))
		var sl *SubList
		for _, x := range l.SubLists {
			if x.CanonicalForm == canon {
				sl = x
			}
		}
		if sl == nil {
			sl = &SubList{CanonicalForm: canon, List: []string{}}
			l.SubLists = append(l.SubLists, sl)
		}
		// Unlike @ list bodies, a $ list's item is one synonym, commas and all.
		for _, it := range s.items {
			if it.text != "" && b.sets.add(sl, it.text) {
				sl.List = append(sl.List, it.text)
			}
		}
		return nil
	}
	return s.errorf("unknown entity type %q in $%s:%s; write simple, a /regex/, a [composite], phraseList, or a list value followed by =", word, name, typ)
}

// oldRoles reads "Roles=a,b" or "hasRoles a, b" after a $ definition's type.
func oldRoles(s string) []string {
	s = strings.TrimSpace(s)
	lower := strings.ToLower(s)
	for _, p := range []string{"roles=", "roles =", "hasroles", "hasrole"} {
		if strings.HasPrefix(lower, p) {
			s = s[len(p):]
			break
		}
	}
	return strings.FieldsFunc(s, func(c rune) bool { return c == ',' || c == ' ' || c == '\t' || c == '=' })
}

// intent reads a # Intent section: its utterances and patterns.
func (b *builder) intent(s *section) error {
	if err := checkName(s.head, kindIntentDef, s.pos); err != nil {
		return err
	}
	in := b.ensureIntent(s.head, false)
	b.note("i:"+in.Name, s.file)
	for _, it := range s.items {
		if err := b.utterance(in, it); err != nil {
			return err
		}
	}
	return nil
}

func (b *builder) utterance(in *Intent, it item) error {
	if r := it.ref; r != nil {
		// An utterance or pattern another file's intent lent (see
		// expandRefs): utterances come without labels, as in bf-lu.
		if r.pattern {
			for _, x := range r.refs {
				if err := b.patternRef(it, x); err != nil {
					return err
				}
			}
			// bf-lu adds a lent pattern even when another intent has it;
			// here it is kept once, like every other text.
			if !b.seen[r.text] {
				b.seen[r.text] = true
				b.app.Patterns = append(b.app.Patterns, &Pattern{Pattern: r.text, Intent: in.Name})
			}
			return nil
		}
		if !b.seen[r.text] {
			b.seen[r.text] = true
			b.app.Utterances = append(b.app.Utterances, &Utterance{Text: r.text, Intent: in.Name, Entities: []*Label{}})
		}
		return nil
	}
	if linkRef.MatchString(it.text) {
		return it.errorf("utterance reference %s was not resolved", it.text)
	}
	pu, err := parseUtterance(it.raw)
	if err != nil {
		return it.errorf("utterance %q: %v", it.text, err)
	}
	if pu.text == "" {
		return it.errorf("empty utterance; write text after the -")
	}
	if len(pu.spans)+len(pu.refs) > maxLabels {
		return it.tooLarge("the utterance has %d labels, more than %d", len(pu.spans)+len(pu.refs), maxLabels)
	}
	// Like bf-lu, an utterance or pattern text is kept once, in the first
	// intent that has it (LUIS refuses one text in two intents).
	key := pu.text
	switch {
	case len(pu.refs) > 0:
		if len(pu.spans) > 0 {
			return it.at(pu.refs[0].entity).errorf("utterance %q mixes labelled entities {name=value} with entities without a value {name}; label all of them (an utterance) or none (a pattern)", it.text)
		}
		for _, r := range pu.refs {
			if err := b.patternRef(it, r); err != nil {
				return err
			}
		}
		if !b.seen[key] {
			b.seen[key] = true
			b.app.Patterns = append(b.app.Patterns, &Pattern{Pattern: pu.text, Intent: in.Name})
		}
		return nil
	case len(pu.spans) == 0:
		if b.seen[key] {
			return nil
		}
		b.seen[key] = true
		if isPattern(pu.text) {
			b.app.Patterns = append(b.app.Patterns, &Pattern{Pattern: pu.text, Intent: in.Name})
			return nil
		}
		b.app.Utterances = append(b.app.Utterances, &Utterance{Text: unescapeText(pu.text), Intent: in.Name, Entities: []*Label{}})
		return nil
	}
	for k := range pu.spans {
		sp := &pu.spans[k]
		if sp.end < sp.start {
			return it.at(sp.entity).errorf("no labelled value for entity %q in utterance %q; write {@%s=value}", sp.entity, it.text, sp.entity)
		}
		if err := b.labelEntity(it, sp, pu.spans); err != nil {
			return err
		}
	}
	if b.seen[key] {
		return nil
	}
	b.seen[key] = true
	u := &Utterance{Text: pu.text, Intent: in.Name, Entities: []*Label{}}
	b.app.Utterances = append(b.app.Utterances, u)
	b.pending = append(b.pending, pendingUtterance{pos: it.pos, u: u, spans: pu.spans, text: it.text})
	return nil
}

// labelEntity resolves the entity of a label: an entity, a child, a role,
// or a new machine-learned entity.
func (b *builder) labelEntity(it item, sp *span, all []span) error {
	if err := checkRoles(it.at(sp.entity), sp.role); err != nil {
		return err
	}
	if _, isChild := b.children[sp.entity]; isChild {
		if _, top := b.kind[sp.entity]; !top {
			return nil
		}
	}
	k, ok := b.kind[sp.entity]
	if !ok {
		if owner, isRole := b.roleOwner[sp.entity]; isRole && sp.role == "" {
			sp.entity, sp.role = owner, sp.entity
			k = b.kind[owner]
		} else {
			if err := b.define(sp.entity, kindML, it.pos); err != nil {
				return err
			}
			b.ensureEntity(sp.entity)
			k = kindML
		}
	}
	switch k {
	case kindPhraseList:
		return it.at(sp.entity).errorf("%q is a phrase list, which cannot be labelled in an utterance", sp.entity)
	case kindPatternAny:
		// A labelled pattern.any becomes a machine-learned entity, as in bf-lu.
		pa := b.patternAny[sp.entity]
		b.app.PatternAnyEntities = slices.DeleteFunc(b.app.PatternAnyEntities, func(p *PatternAny) bool { return p == pa })
		delete(b.patternAny, sp.entity)
		b.kind[sp.entity] = kindML
		e := b.ensureEntity(sp.entity)
		b.addRoles(sp.entity, &e.Roles, pa.Roles)
	case kindList, kindPrebuilt, kindRegex:
		if sp.role == "" && !inside(*sp, all) {
			return it.at(sp.entity).errorf("%q is %s; label it only with a role ({@%s:ROLE=value}) or inside its parent's label", sp.entity, kindWord(k), sp.entity)
		}
	}
	b.noteEntity(sp.entity, b.kind[sp.entity], it.file)
	if sp.role != "" {
		if roles := b.rolesOf(sp.entity); roles != nil {
			b.addRoles(sp.entity, roles, []string{sp.role})
		}
	}
	return nil
}

// inside reports whether another span of all contains sp.
func inside(sp span, all []span) bool {
	for _, o := range all {
		if o != sp && o.start <= sp.start && sp.end <= o.end {
			return true
		}
	}
	return false
}

// patternRef records an entity a pattern names.
func (b *builder) patternRef(it item, r ref) error {
	if err := checkRoles(it.at(r.entity), r.role); err != nil {
		return err
	}
	if _, ok := b.kind[r.entity]; ok {
		if r.role != "" {
			if roles := b.rolesOf(r.entity); roles != nil {
				b.addRoles(r.entity, roles, []string{r.role})
			}
		}
		return nil
	}
	// A child's or a role's name is no entity here: like bf-lu, the
	// pattern gets a pattern.any of that name.
	if slices.Contains(prebuiltNames, strings.ToLower(r.entity)) {
		return it.at(r.entity).errorf("pattern %q names the prebuilt entity %s, which is not defined; add @ prebuilt %s", it.text, r.entity, r.entity)
	}
	if err := b.define(r.entity, kindPatternAny, it.pos); err != nil {
		return err
	}
	pa := b.ensurePatternAny(r.entity)
	b.addRoles(r.entity, &pa.Roles, []string{r.role})
	return nil
}

// resolveFeatures turns the names of usesFeatures lists into features:
// a phrase list is a featureName, an entity or intent a modelName; a
// trailing * makes the feature required.
func (b *builder) resolveFeatures() error {
	for _, fu := range b.features {
		for _, n := range fu.names {
			instance := strings.HasPrefix(n, "\x00")
			n = strings.Trim(strings.TrimPrefix(n, "\x00"), `'"`)
			required := instance
			if strings.HasSuffix(n, "*") {
				n, required = strings.TrimSuffix(n, "*"), true
			}
			if n == "" {
				continue
			}
			f := &Feature{IsRequired: required}
			switch k, ok := b.kind[n]; {
			case ok && k == kindPhraseList:
				if instance {
					return fu.errorf("%s cannot be an instance of the phrase list %q; use it as a feature: usesFeature %s", fu.owner, n, n)
				}
				f.FeatureName = n
				// A phrase list an intent or entity uses is not also
				// enabled for all models, unless its definition says so;
				// a child's use does not count (bf-lu).
				if _, decided := b.plForAll[n]; !decided && !fu.child {
					b.plForAll[n] = false
				}
			case ok && k == kindPatternAny:
				return fu.errorf("%s uses the pattern.any entity %q as a feature; pattern.any entities cannot be features", fu.owner, n)
			case ok && instance && k == kindComposite:
				return fu.errorf("%s cannot be an instance of the composite %q; a child is an instance of ml, list, regex or prebuilt entities", fu.owner, n)
			case ok:
				f.ModelName = n
			case b.intents[n] != nil && !instance, b.children[n] != nil && !instance:
				f.ModelName = n
			default:
				if instance {
					return fu.errorf("%s is an instance of %q, which is not defined; define it (@ list %s, @ prebuilt %s …) or write - @ ml NAME", fu.owner, n, n, n)
				}
				return fu.errorf("%s uses the feature %q, which is not defined; define it as a phrase list, entity or intent", fu.owner, n)
			}
			key := "m:" + f.ModelName
			if f.FeatureName != "" {
				key = "f:" + f.FeatureName
			}
			if b.sets.add(fu.dst, key) {
				*fu.dst = append(*fu.dst, f)
			}
		}
	}
	return nil
}

// phraseListsForAll adds each phrase list enabled for all models as a
// feature of every intent and machine-learned entity of the file that
// defines it, as bf-lu does (it adds them file by file, before it collates
// the files).
func (b *builder) phraseListsForAll() {
	for _, pl := range b.app.PhraseLists {
		if v, decided := b.plForAll[pl.Name]; decided {
			pl.EnabledForAllModels = v
		}
		if !pl.EnabledForAllModels {
			continue
		}
		add := func(dst *[]*Feature) {
			if b.sets.add(dst, "f:"+pl.Name) {
				*dst = append(*dst, &Feature{FeatureName: pl.Name})
			}
		}
		for _, in := range b.app.Intents {
			if b.sameFile("p:"+pl.Name, "i:"+in.Name) {
				add(&in.Features)
			}
		}
		for _, e := range b.app.Entities {
			if b.sameFile("p:"+pl.Name, "e:"+e.Name) {
				add(&e.Features)
			}
		}
	}
}

// nest turns an utterance's spans into labels in UTF-16 units, children
// under the label of their parent entity.
func (b *builder) nest(p pendingUtterance) error {
	// Spans come children first; of labels over the same text, the one
	// written outermost is the last.
	spans := slices.Clone(p.spans)
	slices.Reverse(spans)
	sort.SliceStable(spans, func(i, j int) bool {
		if spans[i].start != spans[j].start {
			return spans[i].start < spans[j].start
		}
		if spans[i].end != spans[j].end {
			return spans[i].end > spans[j].end
		}
		return b.depth(spans[i].entity) < b.depth(spans[j].entity)
	})
	offs := utf16Offsets(p.u.Text)
	conv := func(i int) int {
		if i < 0 {
			return 0
		}
		if i >= len(offs) {
			return offs[len(offs)-1]
		}
		return offs[i]
	}
	type placed struct {
		sp    span
		label *Label
	}
	var done []placed
	for _, sp := range spans {
		l := &Label{Entity: sp.entity, Role: sp.role, StartPos: conv(sp.start), EndPos: conv(sp.end+1) - 1}
		var parent *placed
		for i := len(done) - 1; i >= 0; i-- {
			d := &done[i]
			if d.sp.start <= sp.start && sp.end <= d.sp.end && b.childOf[sp.entity] == d.sp.entity {
				parent = d
				break
			}
		}
		_, isTop := b.kind[sp.entity]
		if parent == nil && !isTop {
			return p.errorf("every child entity labelled in an utterance must have its parent labelled around it: child %q of %q is not inside a %q label in utterance %q", sp.entity, b.childOf[sp.entity], b.childOf[sp.entity], p.text)
		}
		dup := false
		siblings := &p.u.Entities
		if parent != nil {
			siblings = &parent.label.Children
		}
		for _, x := range *siblings {
			if x.Entity == l.Entity && x.Role == l.Role && x.StartPos == l.StartPos && x.EndPos == l.EndPos {
				dup = true
			}
		}
		if dup {
			continue
		}
		*siblings = append(*siblings, l)
		done = append(done, placed{sp, l})
	}
	return nil
}

// pruneForChildren does what bf-lu does to an application once one of
// its machine-learned entities has children (its 7.x layout): entities
// only labelled, never defined, go (unless a composite or phrase list
// names them), and so do the top-level labels of anything but a
// machine-learned entity (list, prebuilt, regex, composite labels).
func (b *builder) pruneForChildren() {
	if !slices.ContainsFunc(b.app.Entities, func(e *Entity) bool { return len(e.Children) > 0 }) {
		return
	}
	named := map[string]bool{}
	for _, c := range b.app.Composites {
		for _, ch := range c.Children {
			named[ch.Name] = true
		}
	}
	for _, pl := range b.app.PhraseLists {
		named[pl.Name] = true
	}
	b.app.Entities = slices.DeleteFunc(b.app.Entities, func(e *Entity) bool {
		gone := !b.explicit[e.Name] && !named[e.Name]
		if gone {
			delete(b.entities, e.Name)
		}
		return gone
	})
	for _, u := range b.app.Utterances {
		u.Entities = slices.DeleteFunc(u.Entities, func(l *Label) bool { return b.entities[l.Entity] == nil })
	}
}

// depth is 0 for a top-level entity, 1 for its children, and so on.
func (b *builder) depth(name string) int {
	d := 0
	for p, ok := b.childOf[name]; ok && d < 64; p, ok = b.childOf[p] {
		d++
	}
	return d
}
