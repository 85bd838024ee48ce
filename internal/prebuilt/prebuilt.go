package prebuilt

import (
	"sort"
	"time"
)

// Result is one recognised span, in the shape of Recognizers' specs.
type Result struct {
	Text     string // the span of the input, as it is there
	TypeName string // "number", "email", "boolean", "datetimeV2.date", ...
	// Start and End are inclusive indices in UTF-16 code units.
	Start, End int
	Resolution map[string]any
}

// Context is what a recogniser may need beside the text.
type Context struct {
	// Reference is "now" for relative dates and times.
	Reference time.Time
}

// Model recognises one family of results in a text.
type Model interface {
	Recognize(text string, ctx Context) []Result
}

// ModelFunc adapts a function to Model.
type ModelFunc func(text string, ctx Context) []Result

// Recognize implements Model.
func (f ModelFunc) Recognize(text string, ctx Context) []Result { return f(text, ctx) }

// registered are the models by the name of their spec file ("NumberModel",
// "EmailModel", ...), as Recognizers' test runners name them.
var registered = map[string]Model{}

// register makes m the model of spec file name; each recogniser's file
// registers its own in an init function.
func register(name string, m Model) {
	if _, dup := registered[name]; dup {
		panic("prebuilt: model " + name + " registered twice")
	}
	registered[name] = m
}

// Lookup returns the model of a spec file's name, if Parley has one.
func Lookup(name string) (Model, bool) {
	m, ok := registered[name]
	return m, ok
}

// Models returns the names of the registered models, sorted.
func Models() []string {
	names := make([]string, 0, len(registered))
	for n := range registered {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// span returns the Result of text[start:end] (byte offsets), with its
// inclusive UTF-16 indices.
func span(text string, start, end int, typeName string, res map[string]any) Result {
	return Result{Text: text[start:end], TypeName: typeName, Start: utf16Len(text[:start]),
		End: utf16Len(text[:end]) - 1, Resolution: res}
}

// utf16Len is the length of s in UTF-16 code units.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}
