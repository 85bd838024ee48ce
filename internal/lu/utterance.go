package lu

import (
	"errors"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf16"
)

// span is a labelled value in an utterance: start and end are inclusive
// offsets in runes of the utterance's text, as bf-lu's visitor computes
// them before they are counted in UTF-16 units.
type span struct {
	entity, role string
	start, end   int
}

// ref is an entity an utterance names without a value, {name} or
// {name:role}, which makes the utterance a pattern.
type ref struct {
	entity, role string
}

// parsedUtterance is one "- ..." line of an intent, read.
type parsedUtterance struct {
	text  string // the text, labels replaced by their values
	spans []span // labelled values, children before their parents
	refs  []ref  // entities named without a value
}

// exprNode is a piece of an {expression}: text, or an entity.
type exprNode struct {
	text string
	ent  *exprEntity
}

type exprEntity struct {
	name, role []rune
	hasValue   bool
	value      []exprNode
	parent     *exprEntity
}

var errUnbalanced = errors.New("a } closes no {; escape a literal brace as \\}")

// parseUtterance reads the text after an utterance's marker. It follows
// the lexer of the LUDown grammar: outside expressions, \{ and \} are the
// braces themselves, and {…} with balanced braces is an expression; inside
// one, {name=value}, {name:role=value}, {@name=value} label a value,
// {name} and {name:role} name an entity without one.
func parseUtterance(raw string) (*parsedUtterance, error) {
	rs := []rune(raw)
	exprEnd := newExprLexer(rs).end
	var out []rune
	pu := &parsedUtterance{}
	for i := 0; i < len(rs); {
		c := rs[i]
		switch {
		case c == '\\':
			if i+1 >= len(rs) {
				out = append(out, c)
				i++
				continue
			}
			n := rs[i+1]
			switch {
			case n == '{' || n == '}':
				out = append(out, n)
			case n == '\\' && i+2 < len(rs) && rs[i+2] == '{' && exprEnd(rs, i+2) > 0:
				out = append(out, n)
			default:
				out = append(out, c, n)
			}
			i += 2
		case c == '{':
			end := exprEnd(rs, i)
			if end < 0 {
				out = append(out, c)
				i++
				continue
			}
			nodes, err := tokenizeExpr(trimRunes(rs[i:end]))
			if err != nil {
				return nil, err
			}
			out = trimLeftRunes(out)
			out = resolveExpr(nodes, pu, out)
			i = end
		default:
			out = append(out, c)
			i++
		}
	}
	lead := len(out) - len(trimLeftRunes(out))
	text := strings.TrimRightFunc(string(out[lead:]), isSpace)
	pu.text = text
	n := len([]rune(text))
	for k := range pu.spans {
		pu.spans[k].start -= lead
		pu.spans[k].end -= lead
		if pu.spans[k].end >= n {
			pu.spans[k].end = n - 1
		}
	}
	return pu, nil
}

// exprLexer finds where an expression starting at a { ends, as the
// grammar's lexer rule EXPRESSION does:
//
//	'{' (~[\r\n{}] | ('{' ~[\r\n]* '}'))* '}'
//
// longest match first. The inner '{' … '}' may hold any braces, so the
// content between the outer braces is valid when it has no brace, or when
// its first brace is a {, a } comes after it, and no { follows the last }.
type exprLexer struct {
	rs                  []rune
	nextBrace           []int // first brace at or after j, or len(rs)
	prevOpen, prevClose []int // last { or } at or before j, or -1
	lastClose           int
}

// maxExprTries bounds the candidate ends tried for one {, so that hostile
// lines stay linear; past it the { is text.
const maxExprTries = 256

func newExprLexer(rs []rune) *exprLexer {
	n := len(rs)
	l := &exprLexer{rs: rs, nextBrace: make([]int, n+1), prevOpen: make([]int, n), prevClose: make([]int, n), lastClose: -1}
	l.nextBrace[n] = n
	for j := n - 1; j >= 0; j-- {
		l.nextBrace[j] = l.nextBrace[j+1]
		if rs[j] == '{' || rs[j] == '}' {
			l.nextBrace[j] = j
		}
	}
	po, pc := -1, -1
	for j, r := range rs {
		switch r {
		case '{':
			po = j
		case '}':
			pc = j
		}
		l.prevOpen[j], l.prevClose[j] = po, pc
	}
	l.lastClose = pc
	return l
}

// end returns the index after the expression that starts at rs[i], a {,
// or -1 when no expression starts there.
func (l *exprLexer) end(_ []rune, i int) int {
	f := l.nextBrace[i+1]
	switch {
	case f == len(l.rs):
		return -1
	case l.rs[f] == '}':
		return f + 1
	}
	// Candidate ends e, from the line's last } down: the content
	// rs[i+1:e] needs a } after f, and no { after its last }.
	e := l.lastClose
	for tries := 0; e > f && tries < maxExprTries; tries++ {
		last := l.prevClose[e-1]
		if last <= f {
			return -1
		}
		if l.prevOpen[e-1] < last {
			return e + 1
		}
		e = last
	}
	return -1
}

// tokenizeExpr splits an expression into text and entities, with the
// rules of bf-lu's visitor: \{, \} and \\ escape; = starts a value unless
// one is being read; : after a name starts a role; a value's leading
// spaces are dropped.
func tokenizeExpr(exp []rune) ([]exprNode, error) {
	var top []exprNode
	list := &top
	var cur *exprEntity
	var nameCap, valueCap, roleCap, escape bool
	push := func(c rune) { *list = append(*list, exprNode{text: string(c)}) }
	for i, c := range exp {
		switch {
		case c == '\\' && !escape && i+1 < len(exp) && (exp[i+1] == '{' || exp[i+1] == '}' || exp[i+1] == '\\'):
			escape = true
		case c == '{' && !escape:
			e := &exprEntity{parent: cur}
			*list = append(*list, exprNode{ent: e})
			cur = e
			nameCap, roleCap, valueCap = true, false, false
		case c == '}' && !escape:
			if cur == nil {
				return nil, errUnbalanced
			}
			cur = cur.parent
			if cur != nil {
				list = &cur.value
			} else {
				list = &top
			}
			nameCap, roleCap, valueCap = false, false, false
		case c == '=' && !valueCap:
			if cur == nil {
				return nil, errUnbalanced
			}
			cur.hasValue = true
			cur.value = nil
			list = &cur.value
			nameCap, roleCap, valueCap = false, false, true
		case c == ':' && !roleCap:
			if cur != nil && len(cur.name) > 0 && nameCap {
				roleCap, nameCap, valueCap = true, false, false
			} else {
				push(c)
			}
		default:
			escape = false
			switch {
			case nameCap:
				cur.name = append(cur.name, c)
			case valueCap:
				if c != ' ' || len(*list) != 0 {
					push(c)
				}
			case roleCap:
				cur.role = append(cur.role, c)
			default:
				push(c)
			}
		}
	}
	return top, nil
}

// resolveExpr appends the text of nodes to out, recording spans and refs.
func resolveExpr(nodes []exprNode, pu *parsedUtterance, out []rune) []rune {
	for _, n := range nodes {
		if n.ent == nil {
			out = append(out, []rune(n.text)...)
			continue
		}
		name := strings.TrimPrefix(strings.TrimSpace(string(n.ent.name)), "@")
		name = strings.TrimSpace(name)
		role := strings.TrimSpace(string(n.ent.role))
		if !n.ent.hasValue {
			s := "{" + name
			if role != "" {
				s += ":" + role
			}
			out = append(out, []rune(s+"}")...)
			pu.refs = append(pu.refs, ref{entity: name, role: role})
			continue
		}
		start := len(out)
		out = resolveExpr(n.ent.value, pu, out)
		out = trimLeftRunes(out)
		pu.spans = append(pu.spans, span{entity: name, role: role, start: start, end: len(out) - 1})
	}
	return out
}

func isSpace(r rune) bool { return unicode.IsSpace(r) || r == '\ufeff' }

func trimLeftRunes(rs []rune) []rune {
	i := 0
	for i < len(rs) && isSpace(rs[i]) {
		i++
	}
	return rs[i:]
}

func trimRunes(rs []rune) []rune {
	rs = trimLeftRunes(rs)
	j := len(rs)
	for j > 0 && isSpace(rs[j-1]) {
		j--
	}
	return rs[:j]
}

// patternSyntax finds what makes a plain utterance a pattern: an [optional]
// part or a (this|that) group, unescaped (bf-lu's isUtterancePattern).
var patternSyntax = regexp.MustCompile(`\[.*[^\\]\]|\[\]|\(.*?\|(?:.*[^\\])?\)`)

// isPattern reports whether a text without expressions is a pattern.
func isPattern(text string) bool { return patternSyntax.MatchString(text) }

// unescapeText turns \[ \] \( \) into the characters, as bf-lu does for
// utterances that are not patterns.
var escapedPunct = regexp.MustCompile(`\\[\[\]()]`)

func unescapeText(s string) string {
	return escapedPunct.ReplaceAllStringFunc(s, func(m string) string { return m[1:] })
}

// utf16Offsets converts rune offsets of text to UTF-16 offsets: the result
// has an entry per rune, and one more for the end.
func utf16Offsets(text string) []int {
	offs := []int{0}
	n := 0
	for _, r := range text {
		n += len(utf16.Encode([]rune{r}))
		offs = append(offs, n)
	}
	return offs
}
