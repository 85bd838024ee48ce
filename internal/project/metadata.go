package project

import (
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/parley-dev/parley/internal/azerr"
)

// Limits on a project's free-text metadata. Azure documents none for them;
// these keep every stored project, and so every list of projects, small
// (docs/deploy.md, "Limits"), and keep stored JSON shallow enough for any
// client to read (the Azure SDK for Python recurses into it).
const (
	// MaxDescriptionLength is the longest description, in characters.
	MaxDescriptionLength = 1000
	// MaxStorageContainerNameLength is Azure Blob storage's own limit on
	// a container name.
	MaxStorageContainerNameLength = 63
	// MaxSettingsBytes bounds the settings object as stored.
	MaxSettingsBytes = 4096
	// MaxSettingsDepth bounds the nesting of the settings object, itself
	// included: {"a":{"b":[1]}} is 3 deep.
	MaxSettingsDepth = 4
)

// storableText reports whether s is text that every store keeps as it is:
// valid UTF-8 without NUL. PostgreSQL's text refuses any other, and SQLite
// would hand back bytes that no JSON answer can carry unchanged.
func storableText(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

// checkMetadata checks the free-text metadata of a project, from a PATCH or
// an import. target joins a member's name to where the metadata sits: "" for
// a PATCH body, "/metadata/" for a project file.
func checkMetadata(target, description, container string, s *Settings) *azerr.Error {
	name := func(member string) string {
		if target == "" {
			return member
		}
		return target + member
	}
	for _, m := range []struct{ member, text string }{{"description", description}, {"storageInputContainerName", container}} {
		if !storableText(m.text) {
			return azerr.Invalid(name(m.member), "%s holds a NUL character (\\u0000) or invalid UTF-8; remove it.", m.member)
		}
	}
	if n := utf8.RuneCountInString(description); n > MaxDescriptionLength {
		return azerr.Invalid(name("description"), "description has %d characters; the limit is %d.", n, MaxDescriptionLength)
	}
	if n := utf8.RuneCountInString(container); n > MaxStorageContainerNameLength {
		return azerr.Invalid(name("storageInputContainerName"), "storageInputContainerName has %d characters; the limit is %d.", n, MaxStorageContainerNameLength)
	}
	if s == nil {
		return nil
	}
	b, err := json.Marshal(s)
	if err != nil {
		return azerr.Invalid(name("settings"), "settings cannot be encoded: %v.", err)
	}
	if !utf8.Valid(b) {
		// A member's raw JSON keeps the bytes it was sent with; NUL
		// cannot be among them unescaped, but invalid UTF-8 can.
		return azerr.Invalid(name("settings"), "settings hold a string that is not valid UTF-8.")
	}
	if len(b) > MaxSettingsBytes {
		return azerr.Invalid(name("settings"), "settings take %d bytes as JSON; the limit is %d.", len(b), MaxSettingsBytes)
	}
	if d := jsonDepth(b); d > MaxSettingsDepth {
		return azerr.Invalid(name("settings"), "settings nest %d levels deep; the limit is %d.", d, MaxSettingsDepth)
	}
	return nil
}

// jsonDepth returns how deeply objects and arrays nest in a valid JSON text.
func jsonDepth(b []byte) int {
	depth, deepest, inString, escaped := 0, 0, false, false
	for _, c := range b {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
			deepest = max(deepest, depth)
		case c == '}' || c == ']':
			depth--
		}
	}
	return deepest
}
