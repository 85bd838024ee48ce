package project

import (
	"strings"
	"testing"
)

// TestValidateRegexPatterns: patterns are .NET regular expressions; those
// that .NET refuses, or that are longer than the limit, are refused at
// import with their pointer (issue 9).
func TestValidateRegexPatterns(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		pattern string
		ok      bool
	}{
		{`/\d{3}-\d{4}/`, true},
		{`\d{3}-\d{4}`, true},
		{`(?<=\$)\d+`, true},
		{`\d+(?=%)`, true},
		{`(\w)\1`, true},
		{`(?<year>\d{4})-\k<year>`, true},
		{`(?i)order #\d+`, true},
		{`\w{1,1000}`, true},
		{`(\d`, false},
		{`\q`, false},
		{`a{2,1}`, false},
		{strings.Repeat("a", 501), false},
	} {
		f := &File{ProjectFileVersion: "2023-04-01", StringIndexType: Utf16CodeUnit,
			Metadata: FileMetadata{ProjectKind: KindConversation, ProjectName: "p", Language: "en-us"},
			Assets: &Assets{ProjectKind: KindConversation, Entities: []Entity{{Category: "code",
				Regex: &Regex{Expressions: []Expression{{RegexKey: "k", RegexPattern: tc.pattern}}}}}}}
		e := DefaultLimits.validate(f, "p", V20230401)
		const target = "/assets/entities/0/regex/expressions/0/regexPattern"
		switch {
		case tc.ok && e != nil:
			t.Errorf("validate(pattern %.40q) = %v, want nil", tc.pattern, e)
		case !tc.ok && (e == nil || e.Target != target):
			t.Errorf("validate(pattern %.40q) = %v, want an error at %s", tc.pattern, e, target)
		}
	}
}
