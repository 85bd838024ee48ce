package lu

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Limits bound what Parse reads; zero fields take the defaults of
// DefaultLimits.
type Limits struct {
	// MaxFileSize is the largest .lu file, in bytes.
	MaxFileSize int
	// MaxLineLength is the longest line, in bytes.
	MaxLineLength int
	// MaxImportDepth is how deep imports may nest: 1 lets the main file
	// import files that import nothing.
	MaxImportDepth int
	// MaxFiles is how many files, the main one included, one Parse reads.
	MaxFiles int
}

// DefaultLimits are the limits Parse applies when Options leave them zero.
var DefaultLimits = Limits{
	MaxFileSize:    16 << 20,
	MaxLineLength:  64 << 10,
	MaxImportDepth: 16,
	MaxFiles:       256,
}

// Options configure Parse; nil means defaults.
type Options struct {
	// Limits bound the input; zero fields take DefaultLimits.
	Limits Limits
	// Culture is the culture of an application whose files set none
	// (> !# @app.culture); default "en-us".
	Culture string
}

func (o *Options) limits() Limits {
	l := DefaultLimits
	if o == nil {
		return l
	}
	if o.Limits.MaxFileSize > 0 {
		l.MaxFileSize = o.Limits.MaxFileSize
	}
	if o.Limits.MaxLineLength > 0 {
		l.MaxLineLength = o.Limits.MaxLineLength
	}
	if o.Limits.MaxImportDepth > 0 {
		l.MaxImportDepth = o.Limits.MaxImportDepth
	}
	if o.Limits.MaxFiles > 0 {
		l.MaxFiles = o.Limits.MaxFiles
	}
	return l
}

// Error is a problem in a .lu file: File is the path of the file as Parse
// was given it or as an import named it (relative to the fs.FS), Line and
// Col count from 1, Col in characters. Line is 0 for a problem of the
// application as a whole (a name defined twice in different files, say).
type Error struct {
	File string
	Line int
	Col  int
	Msg  string
	// Err is ErrTooLarge for inputs beyond Limits, else nil.
	Err error
}

// Unwrap returns Err.
func (e *Error) Unwrap() error { return e.Err }

func (e *Error) Error() string {
	switch {
	case e.Line == 0:
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	case e.Col == 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// ErrTooLarge is wrapped by the errors of inputs beyond Limits.
var ErrTooLarge = errors.New("input beyond the converter's limits")

// pos is a place in a file.
type pos struct {
	file      string
	line, col int
}

func (p pos) errorf(format string, args ...any) *Error {
	return &Error{File: p.file, Line: p.line, Col: p.col, Msg: fmt.Sprintf(format, args...)}
}

// tooLarge is errorf for an input beyond Limits: it wraps ErrTooLarge.
func (p pos) tooLarge(format string, args ...any) *Error {
	e := p.errorf("%v: "+format, append([]any{ErrTooLarge}, args...)...)
	e.Err = ErrTooLarge
	return e
}

// sectionKind is what a section of a .lu file defines.
type sectionKind int

const (
	kindIntent    sectionKind = iota // # Name and its utterances
	kindEntity                       // @ type name ... and its body
	kindOldEntity                    // $name:type and its body
	kindModelInfo                    // > !# @app.x = y
)

// item is one "- text" line of a section's body.
type item struct {
	pos
	indent int    // columns of white space before the marker
	text   string // what follows the marker and one space, right-trimmed
	raw    string // what follows the marker, untrimmed
	ref    *lent  // set for what an utterance reference brought in
}

// lent is an utterance or pattern of another file's intent that an
// utterance reference, - [text](file.lu#Intent), brings in.
type lent struct {
	text    string
	pattern bool
	refs    []ref
}

// at returns the place of the entity name in the item's text, preferring
// a {@name or {name to a bare name, or of the item's marker when the text
// has no name.
func (it item) at(name string) pos {
	p := it.pos
	if name == "" {
		return p
	}
	for _, lead := range []string{"{@", "{", ""} {
		if i := strings.Index(it.raw, lead+name); i >= 0 {
			p.col += 1 + utf8.RuneCountInString(it.raw[:i+len(lead)])
			return p
		}
	}
	return p
}

// section is an intent, an entity definition or a model-info line.
type section struct {
	kind  sectionKind
	pos          // where the section's head line starts
	head  string // the head line after its marker (#, @, $, >), trimmed
	items []item
}

// file is a parsed .lu file: its sections in order and its imports.
type file struct {
	name     string
	sections []*section
	imports  []importRef
}

// importRef is a [text](target) line.
type importRef struct {
	pos
	target string
}

// Parse reads the .lu file name from fsys, and the .lu files it imports
// by paths relative to it (which must stay inside fsys), into a LUIS
// application. Errors are *Error values naming file, line and column.
func Parse(fsys fs.FS, name string, opts *Options) (*App, error) {
	lim := opts.limits()
	files, err := readAll(fsys, name, lim)
	if err != nil {
		return nil, err
	}
	culture := "en-us"
	if opts != nil && opts.Culture != "" {
		culture = strings.ToLower(opts.Culture)
	}
	return build(files, culture)
}

// ParseBytes is Parse for a file already read: src is the content of the
// file called name, whose imports are read from fsys (which may be nil
// when src imports nothing).
func ParseBytes(fsys fs.FS, name string, src []byte, opts *Options) (*App, error) {
	lim := opts.limits()
	files, err := readFrom(fsys, name, src, lim)
	if err != nil {
		return nil, err
	}
	culture := "en-us"
	if opts != nil && opts.Culture != "" {
		culture = strings.ToLower(opts.Culture)
	}
	return build(files, culture)
}

func readAll(fsys fs.FS, name string, lim Limits) ([]*file, error) {
	if !fs.ValidPath(name) {
		return nil, &Error{File: name, Msg: "not a valid path inside the directory read from (no leading /, no .. elements)"}
	}
	src, err := readLimited(fsys, name, lim)
	if err != nil {
		return nil, err
	}
	return readFrom(fsys, name, src, lim)
}

func readLimited(fsys fs.FS, name string, lim Limits) ([]byte, error) {
	if fsys == nil {
		return nil, &Error{File: name, Msg: "cannot read imported files here: no directory to read them from"}
	}
	if st, err := fs.Stat(fsys, name); err == nil && st.Size() > int64(lim.MaxFileSize) {
		return nil, &Error{File: name, Err: ErrTooLarge, Msg: fmt.Sprintf("%v: the file has %d bytes, more than the limit of %d", ErrTooLarge, st.Size(), lim.MaxFileSize)}
	}
	src, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return src, nil
}

// readFrom parses src and, breadth first, the files it imports, as bf-lu
// collates them: the main file's content first, then each import's.
func readFrom(fsys fs.FS, name string, src []byte, lim Limits) ([]*file, error) {
	type queued struct {
		name  string
		src   []byte
		depth int
	}
	seen := map[string]bool{path.Clean(name): true}
	queue := []queued{{name, src, 0}}
	var files []*file
	for len(queue) > 0 {
		q := queue[0]
		queue = queue[1:]
		f, err := parseFile(q.name, q.src, lim)
		if err != nil {
			return nil, err
		}
		if err := expandRefs(fsys, f, lim, &refState{cache: map[string]*file{}, active: map[string]bool{q.name: true}, files: &seenCount{n: len(seen)}}, 0); err != nil {
			return nil, err
		}
		files = append(files, f)
		for _, imp := range f.imports {
			targets, err := resolveImport(fsys, q.name, imp)
			if err != nil {
				return nil, err
			}
			for _, t := range targets {
				if seen[t] {
					continue // a cycle, or a file imported twice: read once
				}
				if q.depth+1 > lim.MaxImportDepth {
					return nil, imp.tooLarge("imports nest deeper than %d files; flatten the imports", lim.MaxImportDepth)
				}
				if len(seen) >= lim.MaxFiles {
					return nil, imp.tooLarge("more than %d files imported", lim.MaxFiles)
				}
				seen[t] = true
				b, err := readLimited(fsys, t, lim)
				if err != nil {
					var pe *fs.PathError
					if errors.As(err, &pe) {
						return nil, imp.errorf("cannot read imported file %s: %v", t, pe.Err)
					}
					return nil, err
				}
				queue = append(queue, queued{t, b, q.depth + 1})
			}
		}
	}
	return files, nil
}

// linkRef is an utterance that is only a link, "[text](file.lu#Intent)":
// bf-lu's reference to another file's utterances and patterns.
var linkRef = regexp.MustCompile(`^\[[^\[]+\](\([^|]+\)|\[[^\[]+\])$`)

// refState is what expandRefs shares while it follows references.
type refState struct {
	cache  map[string]*file // referenced files, parsed, their references expanded
	active map[string]bool  // files whose references are being expanded
	files  *seenCount
}

type seenCount struct{ n int }

// expandRefs replaces each utterance reference of f's intents,
//
//   - [text](other.lu#Intent)                 its utterances and patterns
//   - [text](other.lu#Intent*utterances*)     its utterances (*patterns*: its patterns)
//   - [text](other.lu#*utterances*)           every intent's (also *patterns*,
//     *utterancesandpatterns*); no # at all: both
//
// by what it names, as bf-lu does: the intent name matches case-insensitively,
// with - for a space; utterances come as text, without their labels; the
// referenced file adds nothing else to the application.
func expandRefs(fsys fs.FS, f *file, lim Limits, st *refState, depth int) error {
	for _, s := range f.sections {
		if s.kind != kindIntent {
			continue
		}
		var out []item
		for _, it := range s.items {
			if it.ref != nil || !linkRef.MatchString(it.text) {
				out = append(out, it)
				continue
			}
			got, err := resolveRef(fsys, f.name, it, lim, st, depth)
			if err != nil {
				return err
			}
			out = append(out, got...)
		}
		s.items = out
	}
	return nil
}

func resolveRef(fsys fs.FS, from string, it item, lim Limits, st *refState, depth int) ([]item, error) {
	target, ok := importTarget(it.text)
	if !ok {
		return nil, it.errorf("invalid utterance reference %s; write - [text](file.lu#Intent)", it.text)
	}
	target = strings.TrimSpace(target)
	file, frag, _ := strings.Cut(target, "#")
	if strings.Contains(file, "://") || strings.HasPrefix(file, "/") || strings.Contains(file, `\`) {
		return nil, it.errorf("utterance reference %q: only relative paths with / separators are supported", target)
	}
	p := path.Join(path.Dir(from), file)
	switch {
	case !fs.ValidPath(p):
		return nil, it.errorf("utterance reference %q: the path leaves the directory the files are read from", target)
	case strings.EqualFold(path.Ext(p), ".qna"):
		return nil, it.errorf("utterance reference %q: .qna (QnA Maker) files are not supported", target)
	case !strings.EqualFold(path.Ext(p), ".lu"):
		return nil, it.errorf("utterance reference %q: only .lu files can be referenced", target)
	case strings.ContainsAny(p, "*?["):
		return nil, it.errorf("utterance reference %q: wildcard file names are not supported; name the file", target)
	case depth+1 > lim.MaxImportDepth:
		return nil, it.tooLarge("utterance references nest deeper than %d files", lim.MaxImportDepth)
	case st.active[p]:
		return nil, it.errorf("utterance reference %q leads back to %s: references form a cycle", target, p)
	}
	tf, ok := st.cache[p]
	if !ok {
		if st.files.n >= lim.MaxFiles {
			return nil, it.tooLarge("more than %d files read", lim.MaxFiles)
		}
		st.files.n++
		src, err := readLimited(fsys, p, lim)
		if err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) {
				return nil, it.errorf("cannot read referenced file %s: %v", p, pe.Err)
			}
			return nil, err
		}
		if tf, err = parseFile(p, src, lim); err != nil {
			return nil, err
		}
		st.active[p] = true
		err = expandRefs(fsys, tf, lim, st, depth+1)
		delete(st.active, p)
		if err != nil {
			return nil, err
		}
		st.cache[p] = tf
	}
	utterances, patterns := true, true
	intent := strings.ToLower(frag)
	for _, suf := range []string{"*utterancesandpatterns*", "*utterances*", "*patterns*"} {
		if strings.HasSuffix(intent, suf) {
			intent = strings.TrimSuffix(intent, suf)
			utterances, patterns = suf != "*patterns*", suf != "*utterances*"
			break
		}
	}
	intent = strings.TrimSpace(strings.ReplaceAll(intent, "-", " "))
	if intent == "*" {
		intent = ""
	}
	var out []item
	for _, s := range tf.sections {
		if s.kind != kindIntent || (intent != "" && strings.ToLower(s.head) != intent) {
			continue
		}
		for _, x := range s.items {
			l := x.ref
			if l == nil {
				pu, err := parseUtterance(x.raw)
				if err != nil {
					return nil, x.errorf("utterance %q: %v", x.text, err)
				}
				l = &lent{text: pu.text, refs: pu.refs}
				switch {
				case len(pu.refs) > 0:
					l.pattern = true
				case len(pu.spans) == 0 && isPattern(pu.text):
					l.pattern = true
				case len(pu.spans) == 0:
					l.text = unescapeText(pu.text)
				}
				if l.text == "" {
					continue
				}
			}
			if l.pattern && patterns || !l.pattern && utterances {
				y := x
				y.ref = l
				out = append(out, y)
			}
		}
	}
	return out, nil
}

// resolveImport returns the files an import names, relative to the
// directory of from: one file, or the .lu files a *.lu pattern matches.
func resolveImport(fsys fs.FS, from string, imp importRef) ([]string, error) {
	target := strings.TrimSpace(imp.target)
	if i := strings.IndexByte(target, '#'); i >= 0 {
		return nil, imp.errorf("import %q: importing part of a file (#intent, #*utterances*) is not supported; import the whole file", target)
	}
	if strings.Contains(target, "://") || strings.HasPrefix(target, "/") || strings.Contains(target, `\`) {
		return nil, imp.errorf("import %q: only relative paths with / separators are supported", target)
	}
	p := path.Join(path.Dir(from), target)
	if !fs.ValidPath(p) {
		return nil, imp.errorf("import %q: the path leaves the directory the files are read from", target)
	}
	ext := strings.ToLower(path.Ext(p))
	if ext == ".qna" {
		return nil, imp.errorf("import %q: .qna (QnA Maker) files are not supported", target)
	}
	if ext != ".lu" {
		return nil, imp.errorf("import %q: only .lu files can be imported", target)
	}
	if strings.HasSuffix(p, "/**/*.lu") || strings.Contains(p, "**") {
		return nil, imp.errorf("import %q: recursive ** imports are not supported; import each folder's *.lu", target)
	}
	if !strings.ContainsAny(p, "*?[") {
		return []string{p}, nil
	}
	if fsys == nil {
		return nil, imp.errorf("import %q: no directory to read imports from", target)
	}
	m, err := fs.Glob(fsys, p)
	if err != nil {
		return nil, imp.errorf("import %q: %v", target, err)
	}
	if len(m) == 0 {
		return nil, imp.errorf("import %q matches no file", target)
	}
	return m, nil
}

// parseFile splits a .lu file into sections. It knows the lines' kinds;
// build gives them meaning.
func parseFile(name string, src []byte, lim Limits) (*file, error) {
	if len(src) > lim.MaxFileSize {
		return nil, &Error{File: name, Err: ErrTooLarge, Msg: fmt.Sprintf("%v: the file has %d bytes, more than the limit of %d", ErrTooLarge, len(src), lim.MaxFileSize)}
	}
	if !utf8.Valid(src) {
		return nil, &Error{File: name, Line: firstInvalidLine(src), Msg: "the file is not valid UTF-8; save it as UTF-8"}
	}
	text := strings.TrimPrefix(string(src), "\ufeff")
	if strings.TrimSpace(text) == "" {
		return nil, &Error{File: name, Msg: "the file is empty; add content to it or remove it"}
	}
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	f := &file{name: name}
	var cur *section // the section "- " lines belong to
	// QnA Maker pairs (# ? question, - more questions, a ``` answer ```,
	// **Filters:**, **Prompts:**) may share a .lu file with the LUIS
	// content; like bf-lu's LUIS build, the converter skips them.
	var inQnA, inFence bool
	// With > !# @enableSections = true, a # Parent line followed by
	// ## Child lines is a nested section: the children's utterances go to
	// Parent (or to Parent.Child with @enableMergeIntents = false).
	sections, merge := false, true
	var parent *section // the last # line's section, while it may nest
	nested := false     // parent has ## children
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		p := pos{file: name, line: i + 1}
		if len(line) > lim.MaxLineLength {
			return nil, p.tooLarge("the line has %d bytes, more than the limit of %d", len(line), lim.MaxLineLength)
		}
		trimmed := strings.TrimLeft(line, " \t\u00a0\ufeff")
		indent := utf8.RuneCountInString(line[:len(line)-len(trimmed)])
		p.col = indent + 1
		trimmed = strings.TrimRight(trimmed, " \t\u00a0")
		if inFence {
			if strings.Contains(trimmed, "```") {
				inFence = false
			}
			continue
		}
		if inQnA {
			if strings.HasPrefix(trimmed, "```") {
				inFence = !strings.Contains(trimmed[3:], "```")
				continue
			}
			if trimmed == "" || !strings.ContainsAny(trimmed[:1], "#@$[>") {
				continue
			}
			inQnA = false
		}
		if strings.HasPrefix(trimmed, "<a ") && strings.HasSuffix(trimmed, "</a>") {
			continue // the id of the QnA pair that follows
		}
		switch {
		case trimmed == "":
		case strings.HasPrefix(trimmed, "```"):
			return nil, p.errorf("multi-line text (```) belongs to QnA Maker content, which is not supported in a LUIS .lu file")
		case trimmed[0] == '>':
			rest := strings.TrimLeft(trimmed[1:], " \t")
			if strings.HasPrefix(rest, "!#") {
				if strings.HasPrefix(strings.TrimLeft(rest[2:], " \t"), "@qna") {
					continue
				}
				head := strings.TrimSpace(rest[2:])
				f.sections = append(f.sections, &section{kind: kindModelInfo, pos: p, head: head})
				if k, v, ok := strings.Cut(head, "="); ok {
					switch strings.ToLower(strings.TrimSpace(k)) {
					case "@enablesections":
						sections = strings.EqualFold(strings.TrimSpace(v), "true")
					case "@enablemergeintents":
						merge = !strings.EqualFold(strings.TrimSpace(v), "false")
					}
				}
			}
			// Any other > line is a comment; it ends nothing.
		case trimmed[0] == '#':
			rest := strings.TrimLeft(trimmed, "#")
			if strings.HasPrefix(strings.TrimSpace(rest), "?") {
				inQnA, cur = true, nil
				continue
			}
			if len(trimmed)-len(rest) > 2 {
				return nil, p.errorf("an intent line starts with # or ##, not %s", trimmed[:len(trimmed)-len(rest)])
			}
			name := strings.TrimSpace(rest)
			if name == "" {
				return nil, p.errorf("intent line without a name; write # IntentName")
			}
			level := len(trimmed) - len(rest)
			if sections && level == 2 && parent != nil && (nested || len(parent.items) == 0) {
				if !nested && !merge {
					// The parent is only a heading: drop its section.
					f.sections = slices.DeleteFunc(f.sections, func(x *section) bool { return x == parent })
				}
				nested = true
				if !merge {
					name = parent.head + "." + name
				} else {
					name = parent.head
				}
				cur = &section{kind: kindIntent, pos: p, head: name}
				f.sections = append(f.sections, cur)
				continue
			}
			cur = &section{kind: kindIntent, pos: p, head: name}
			f.sections = append(f.sections, cur)
			parent, nested = nil, false
			if sections && level == 1 {
				parent = cur
			}
		case trimmed[0] == '@':
			cur = &section{kind: kindEntity, pos: p, head: strings.TrimSpace(trimmed[1:])}
			f.sections = append(f.sections, cur)
		case trimmed[0] == '$':
			cur = &section{kind: kindOldEntity, pos: p, head: strings.TrimSpace(trimmed[1:])}
			f.sections = append(f.sections, cur)
		case trimmed[0] == '-' || trimmed[0] == '*' || trimmed[0] == '+':
			if cur == nil {
				return nil, p.errorf("list item outside an intent or entity definition; put it under a # Intent or @ entity line")
			}
			raw := trimmed[1:]
			cur.items = append(cur.items, item{pos: p, indent: indent, raw: raw, text: strings.TrimSpace(raw)})
		case trimmed[0] == '[':
			target, ok := importTarget(trimmed)
			if !ok {
				if isReference(trimmed) {
					continue // a [name]: target link definition, as in Markdown
				}
				return nil, p.errorf("invalid import; write [description](./file.lu)")
			}
			f.imports = append(f.imports, importRef{pos: p, target: target})
		default:
			if cur != nil && cur.kind == kindIntent {
				return nil, p.errorf("invalid intent body line %q; did you miss '-' at the line's start?", trimmed)
			}
			return nil, p.errorf("invalid line %q: a .lu line starts with #, @, $, -, >, or [ for an import", trimmed)
		}
	}
	return f, nil
}

// importTarget returns the target of "[text](target)" or "[text][target]".
func importTarget(s string) (string, bool) {
	end := strings.IndexByte(s, ']')
	if end < 0 || strings.ContainsAny(s[1:end], "[\n") {
		return "", false
	}
	rest := strings.TrimLeft(s[end+1:], " \t")
	if len(rest) < 2 {
		return "", false
	}
	var closer byte
	switch rest[0] {
	case '(':
		closer = ')'
	case '[':
		closer = ']'
	default:
		return "", false
	}
	j := strings.IndexByte(rest, closer)
	if j < 0 || strings.TrimSpace(rest[j+1:]) != "" {
		return "", false
	}
	return rest[1:j], true
}

// isReference reports whether s is a Markdown link reference "[x]: y".
func isReference(s string) bool {
	end := strings.IndexByte(s, ']')
	return end > 0 && strings.HasPrefix(strings.TrimLeft(s[end+1:], " \t"), ":")
}

func firstInvalidLine(b []byte) int {
	line := 1
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n == 1 {
			return line
		}
		if r == '\n' {
			line++
		}
		b = b[n:]
	}
	return line
}
