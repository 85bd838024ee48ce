package lu

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf16"
)

// ReadJSON decodes a LUIS application JSON file, as LUIS exports it or
// Parse makes it. The phrase lists of schema versions before 6.0.0
// (model_features) are read as phrase lists enabled for all models.
func ReadJSON(b []byte) (*App, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("LUIS application JSON: %w", err)
	}
	app := &App{}
	if err := json.Unmarshal(b, app); err != nil {
		return nil, fmt.Errorf("LUIS application JSON: %w", err)
	}
	if mf, ok := m["model_features"]; ok && len(app.PhraseLists) == 0 {
		var pls []struct {
			PhraseList
			EnabledForAllModels *bool `json:"enabledForAllModels"`
		}
		if err := json.Unmarshal(mf, &pls); err != nil {
			return nil, fmt.Errorf("LUIS application JSON: model_features: %w", err)
		}
		for _, p := range pls {
			pl := p.PhraseList
			pl.EnabledForAllModels = p.EnabledForAllModels == nil || *p.EnabledForAllModels
			app.PhraseLists = append(app.PhraseLists, &pl)
		}
	}
	return app, nil
}

// Write writes app as a .lu file that Parse reads back into the same
// application: application information, then the intents with their
// utterances and patterns, then the definitions.
func Write(w io.Writer, app *App) error {
	var b bytes.Buffer
	b.WriteString("> LUIS application information\n")
	info := func(key, v string) {
		if v != "" {
			fmt.Fprintf(&b, "> !# @app.%s = %s\n", key, oneLine(v))
		}
	}
	info("name", app.Name)
	info("versionId", app.VersionID)
	info("culture", app.Culture)
	info("luis_schema_version", SchemaVersion)
	info("desc", app.Desc)
	info("tokenizerVersion", app.TokenizerVersion)
	for _, s := range app.Settings {
		info("settings."+s.Name, fmt.Sprint(s.Value))
	}

	byIntent := map[string][]string{}
	var order []string
	addLine := func(intent, line string) {
		if _, ok := byIntent[intent]; !ok {
			order = append(order, intent)
		}
		byIntent[intent] = append(byIntent[intent], line)
	}
	for _, in := range app.Intents {
		if _, ok := byIntent[in.Name]; !ok {
			order = append(order, in.Name)
			byIntent[in.Name] = nil
		}
	}
	for _, u := range app.Utterances {
		line, err := utteranceLine(u)
		if err != nil {
			return err
		}
		addLine(u.Intent, line)
	}
	for _, p := range app.Patterns {
		addLine(p.Intent, "- "+oneLine(p.Pattern))
	}
	b.WriteString("\n> # Intent definitions\n")
	for _, name := range order {
		fmt.Fprintf(&b, "\n# %s\n", oneLine(name))
		for _, l := range byIntent[name] {
			b.WriteString(l + "\n")
		}
	}

	b.WriteString("\n> # Entity definitions\n")
	for _, pl := range app.PhraseLists {
		fmt.Fprintf(&b, "\n@ phraselist %s", quoteName(pl.Name))
		if pl.Mode {
			b.WriteString("(interchangeable)")
		}
		if !pl.EnabledForAllModels {
			b.WriteString(" disabledForAllModels")
		} else {
			b.WriteString(" enabledForAllModels")
		}
		if !pl.Activated {
			b.WriteString(", disabled")
		}
		b.WriteString(" =\n")
		words := splitWords(pl.Words)
		for len(words) > 0 {
			n := min(len(words), 20)
			fmt.Fprintf(&b, "    - %s\n", oneLine(strings.Join(words[:n], ",")))
			words = words[n:]
		}
	}
	for _, e := range app.PrebuiltEntities {
		fmt.Fprintf(&b, "\n@ prebuilt %s%s\n", quoteName(e.Name), roles(e.Roles))
	}
	for _, l := range app.ClosedLists {
		fmt.Fprintf(&b, "\n@ list %s%s =\n", quoteName(l.Name), roles(l.Roles))
		var withCommas []*SubList
		for _, sl := range l.SubLists {
			if slices.ContainsFunc(sl.List, func(s string) bool { return strings.ContainsAny(s, ",") }) {
				withCommas = append(withCommas, sl)
				continue
			}
			fmt.Fprintf(&b, "    - %s :\n", oneLine(sl.CanonicalForm))
			for _, syn := range sl.List {
				fmt.Fprintf(&b, "        - %s\n", oneLine(syn))
			}
		}
		// An @ list splits synonyms at commas; a $name:value= list does not.
		for _, sl := range withCommas {
			fmt.Fprintf(&b, "$%s:%s=\n", l.Name, oneLine(sl.CanonicalForm))
			for _, syn := range sl.List {
				fmt.Fprintf(&b, "- %s\n", oneLine(syn))
			}
		}
	}
	for _, r := range app.RegexEntities {
		if r.RegexPattern == "" {
			fmt.Fprintf(&b, "\n@ regex %s%s\n", quoteName(r.Name), roles(r.Roles))
			continue
		}
		fmt.Fprintf(&b, "\n@ regex %s%s = /%s/\n", quoteName(r.Name), roles(r.Roles), oneLine(r.RegexPattern))
	}
	// Parse gives the intents and entities of a file every phrase list of
	// that file enabled for all models as a feature; leave those out.
	forAll := map[string]bool{}
	for _, pl := range app.PhraseLists {
		forAll[pl.Name] = pl.EnabledForAllModels
	}
	explicit := func(fs []*Feature) []*Feature {
		return slices.DeleteFunc(slices.Clone(fs), func(f *Feature) bool { return f.FeatureName != "" && forAll[f.FeatureName] })
	}
	for _, e := range app.Entities {
		fmt.Fprintf(&b, "\n@ ml %s%s%s\n", quoteName(e.Name), roles(e.Roles), features(explicit(e.Features)))
		writeChildren(&b, e.Children, 1)
	}
	for _, c := range app.Composites {
		names := make([]string, len(c.Children))
		for i, ch := range c.Children {
			names[i] = ch.Name
		}
		fmt.Fprintf(&b, "\n@ composite %s%s%s = [%s]\n", quoteName(c.Name), roles(c.Roles), features(c.Features), strings.Join(names, ", "))
	}
	// A pattern.any that patterns name, with the roles they give it, needs
	// no definition: Parse makes it again. Leaving it out also keeps
	// bf-lu reading the file when the name is a role elsewhere.
	inPatterns := map[string]map[string]bool{}
	for _, p := range app.Patterns {
		if pu, err := parseUtterance(p.Pattern); err == nil {
			for _, r := range pu.refs {
				if inPatterns[r.entity] == nil {
					inPatterns[r.entity] = map[string]bool{}
				}
				inPatterns[r.entity][r.role] = true
			}
		}
	}
	for _, p := range app.PatternAnyEntities {
		if seen := inPatterns[p.Name]; seen != nil && !slices.ContainsFunc(p.Roles, func(r string) bool { return !seen[r] }) {
			continue
		}
		fmt.Fprintf(&b, "\n@ patternany %s%s\n", quoteName(p.Name), roles(p.Roles))
	}
	for _, in := range app.Intents {
		if fs := explicit(in.Features); len(fs) > 0 {
			fmt.Fprintf(&b, "\n@ intent %s%s\n", quoteName(in.Name), features(fs))
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

func writeChildren(b *bytes.Buffer, cs []*Child, depth int) {
	for _, c := range cs {
		typ := "ml"
		fs := c.Features
		switch {
		case c.InstanceOf != "":
			typ = quoteName(c.InstanceOf)
		default:
			// A child's required model feature is what "- @ TYPE name"
			// says (bf-lu takes no * on a child's features).
			if i := slices.IndexFunc(fs, func(f *Feature) bool { return f.ModelName != "" && f.IsRequired }); i >= 0 {
				typ = quoteName(fs[i].ModelName)
				fs = slices.Delete(slices.Clone(fs), i, i+1)
			}
		}
		fmt.Fprintf(b, "%s- @ %s %s%s\n", strings.Repeat("    ", depth), typ, quoteName(c.Name), features(fs))
		writeChildren(b, c.Children, depth+1)
	}
}

func roles(rs []string) string {
	if len(rs) == 0 {
		return ""
	}
	q := make([]string, len(rs))
	for i, r := range rs {
		q[i] = quoteName(r)
	}
	return " hasRoles " + strings.Join(q, ", ")
}

func features(fs []*Feature) string {
	if len(fs) == 0 {
		return ""
	}
	q := make([]string, len(fs))
	for i, f := range fs {
		n := f.name()
		if f.IsRequired {
			n += "*" // inside the quotes, as bf-lu writes it
		}
		q[i] = quoteName(n)
	}
	return " usesFeatures " + strings.Join(q, ", ")
}

// quoteName quotes a name that white space, a comma, a semicolon or an =
// would cut short.
func quoteName(s string) string {
	if strings.ContainsAny(s, " \t,;=") {
		return "'" + s + "'"
	}
	return s
}

func splitWords(s string) []string {
	var out []string
	for _, w := range strings.Split(s, ",") {
		if w = strings.TrimSpace(w); w != "" {
			out = append(out, w)
		}
	}
	return out
}

// oneLine replaces line breaks, which would end a .lu line, with spaces.
func oneLine(s string) string {
	return strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
}

// utteranceLine writes an utterance with its labels as {@entity=value},
// children inside their parents, roles as {@entity:role=value}.
func utteranceLine(u *Utterance) (string, error) {
	text := []rune(oneLine(u.Text))
	// Map UTF-16 offsets to rune offsets.
	runeAt := map[int]int{}
	n := 0
	for i, r := range text {
		runeAt[n] = i
		n += len(utf16.Encode([]rune{r}))
	}
	runeAt[n] = len(text)
	var conv func(ls []*Label) ([]*node, error)
	conv = func(ls []*Label) ([]*node, error) {
		var out []*node
		for _, l := range ls {
			s, ok1 := runeAt[l.StartPos]
			e, ok2 := runeAt[l.EndPos+1]
			if !ok1 || !ok2 || s >= e {
				return nil, fmt.Errorf("utterance %q: label %s at %d..%d is not within the text", u.Text, l.Entity, l.StartPos, l.EndPos)
			}
			kids, err := conv(l.Children)
			if err != nil {
				return nil, err
			}
			out = append(out, &node{l: l, start: s, end: e, kids: kids})
		}
		return nestNodes(out, u.Text)
	}
	nodes, err := conv(u.Entities)
	if err != nil {
		return "", err
	}
	var render func(start, end int, ns []*node) string
	render = func(start, end int, ns []*node) string {
		var sb strings.Builder
		at := start
		for _, nd := range ns {
			chunk := escapeText(string(text[at:nd.start]))
			if strings.HasSuffix(chunk, `\`) {
				chunk += `\` // \ before a label is one backslash; \{ would be a brace
			}
			sb.WriteString(chunk)
			sb.WriteString("{@" + nd.l.Entity)
			if nd.l.Role != "" {
				sb.WriteString(":" + nd.l.Role)
			}
			sb.WriteString("=" + render(nd.start, nd.end, nd.kids) + "}")
			at = nd.end
		}
		sb.WriteString(escapeText(string(text[at:end])))
		return sb.String()
	}
	line := render(0, len(text), nodes)
	if len(nodes) == 0 && isPattern(line) {
		line = escapePattern(line)
	}
	return "- " + line, nil
}

// node is a label being written: its place in runes, end exclusive.
type node struct {
	l          *Label
	start, end int
	kids       []*node
}

// nestNodes puts nodes contained in a sibling inside it, as Parse reads
// them, and refuses labels that cross.
func nestNodes(ns []*node, text string) ([]*node, error) {
	slices.SortStableFunc(ns, func(a, b *node) int {
		if a.start != b.start {
			return a.start - b.start
		}
		return b.end - a.end
	})
	var top []*node
	for _, nd := range ns {
		if len(top) > 0 {
			last := top[len(top)-1]
			if nd.start < last.end {
				if nd.end > last.end {
					return nil, fmt.Errorf("utterance %q: labels %s and %s cross; a .lu file can only nest labels", text, last.l.Entity, nd.l.Entity)
				}
				last.kids = append(last.kids, nd)
				continue
			}
		}
		top = append(top, nd)
	}
	for _, t := range top {
		kids, err := nestNodes(t.kids, text)
		if err != nil {
			return nil, err
		}
		t.kids = kids
	}
	return top, nil
}

// escapeText escapes the braces of plain text.
func escapeText(s string) string {
	return strings.NewReplacer("{", `\{`, "}", `\}`).Replace(s)
}

// escapePattern escapes what would make an utterance's text a pattern.
func escapePattern(s string) string {
	return strings.NewReplacer("[", `\[`, "]", `\]`, "(", `\(`, ")", `\)`).Replace(s)
}
