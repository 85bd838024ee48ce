package project

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/parley-dev/parley/internal/azerr"
)

// decodeFile parses a project file; errors name the offending field.
func decodeFile(data []byte) (*File, *azerr.Error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &azerr.Error{Code: azerr.InvalidRequest, Message: "The request body is empty; send the project file as JSON.",
			Inner: &azerr.InnerError{Code: azerr.InnerEmptyRequest, Message: "empty request body"}}
	}
	if e := CheckUnicode(data); e != nil {
		return nil, e
	}
	var f File
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, jsonError(data, err)
	}
	return &f, nil
}

// jsonError turns a decoding error of data into the Azure error a client
// sees; a type error's target is the JSON pointer of the offending value.
func jsonError(data []byte, err error) *azerr.Error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return azerr.BadBody("The request body is not valid JSON: %v (at byte offset %d).", syn, syn.Offset)
	case errors.As(err, &typ):
		if typ.Field == "" {
			return azerr.BadBody("The request body must be a JSON object, not %s.", typ.Value)
		}
		// The field path has no array indices; the pointer at the error's
		// offset has them, when the offset is the whole body's (errors of
		// a custom decoder, such as Settings, count from their own start).
		target := "/" + strings.ReplaceAll(typ.Field, ".", "/")
		if p, ok := pointerAt(data, typ.Offset); ok && withoutIndices(p) == target {
			target = p
		}
		return azerr.Invalid(target, "%s must be of type %s, not %s (at byte offset %d).", typ.Field, jsonTypeName(typ.Type.String()), typ.Value, typ.Offset)
	default:
		return azerr.BadBody("The request body could not be read as a project file: %v.", err)
	}
}

func jsonTypeName(goType string) string {
	switch {
	case strings.HasPrefix(goType, "[]"):
		return "array"
	case goType == "string", strings.HasSuffix(goType, "Kind"), strings.HasSuffix(goType, "IndexType"):
		return "string"
	case goType == "int":
		return "integer"
	case goType == "float64":
		return "number"
	case goType == "bool":
		return "boolean"
	}
	return "object"
}

// normalize brings a valid file to the stored form: UTF-16 offsets and the
// canonical spelling of the list component.
func normalize(f *File) {
	from := f.StringIndexType
	f.StringIndexType = Utf16CodeUnit
	if f.Assets == nil {
		return
	}
	for i := range f.Assets.Entities {
		e := &f.Assets.Entities[i]
		if e.ListAlias != nil {
			e.List, e.ListAlias = e.ListAlias, nil
		}
	}
	if from == Utf16CodeUnit {
		return
	}
	for i := range f.Assets.Utterances {
		u := &f.Assets.Utterances[i]
		for j := range u.Entities {
			lb := &u.Entities[j]
			lb.Offset, lb.Length, _ = convertSpan(u.Text, lb.Offset, lb.Length, from, Utf16CodeUnit)
		}
	}
}

// marshalJSON encodes v as the stored and exported files are: compact,
// without HTML escaping (so "<" and "&" stay readable in exported files).
func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// fileHead is the project file of p for api-version v and offsets in idx,
// without assets.
func fileHead(p *Project, v APIVersion, idx IndexType) File {
	return File{ProjectFileVersion: string(v), StringIndexType: idx, Metadata: fileMetadata(p)}
}

// encodeHead writes the head of p's project file: the file without assets,
// to which spliceAssets adds them.
func encodeHead(p *Project, v APIVersion, idx IndexType) ([]byte, error) {
	f := fileHead(p, v, idx)
	return marshalJSON(&f)
}

// encodeFile writes project p with its stored assets as the project file of
// api-version v with offsets in idx. Its output depends on nothing else, so
// exporting an unchanged project twice gives the same bytes.
//
// The stored assets were encoded by marshalJSON from the same types, so when
// they need no reshaping for v and idx they are spliced in as they are: an
// export then costs a copy, not a decode and an encode of the whole project.
func encodeFile(p *Project, stored []byte, v APIVersion, idx IndexType) ([]byte, error) {
	if len(stored) > 0 && !needsShape(stored, v, idx) {
		head, err := encodeHead(p, v, idx)
		if err != nil {
			return nil, err
		}
		return spliceAssets(head, stored), nil
	}
	f := fileHead(p, v, idx)
	if len(stored) == 0 && p.Kind == KindSummarization {
		// Parley has no summarization assets: the file has none (§7.1
		// allows that), so that it imports again.
		return marshalJSON(&f)
	}
	f.Assets = &Assets{ProjectKind: p.Kind, Intents: []Intent{}, Entities: []Entity{}, Utterances: []Utterance{}}
	if len(stored) > 0 {
		f.Assets = new(Assets)
		if err := json.Unmarshal(stored, f.Assets); err != nil {
			return nil, fmt.Errorf("project %q: stored assets: %w", p.Name, err)
		}
	}
	shape(f.Assets, v, idx)
	return marshalJSON(&f)
}

// spliceAssets adds stored assets to the head of a project file (the file
// without assets) as its last member.
func spliceAssets(head, assets []byte) []byte {
	out := make([]byte, 0, len(head)+len(assets)+16)
	out = append(out, head[:len(head)-1]...) // without the closing brace
	out = append(out, `,"assets":`...)
	out = append(out, assets...)
	return append(out, '}')
}

// needsShape reports whether stored assets must be decoded and reshaped to
// be exported in api-version v with offsets in idx. It may answer true
// needlessly (a text that is just "description"), never false wrongly: the
// members that older versions lack are keys, which appear quoted as is.
func needsShape(stored []byte, v APIVersion, idx IndexType) bool {
	if idx != Utf16CodeUnit {
		return true
	}
	return !v.HasDescriptions() &&
		(bytes.Contains(stored, []byte(`"description"`)) || bytes.Contains(stored, []byte(`"associatedEntities"`)))
}

// shape fits stored assets to the project file of api-version v: members
// that v does not define are left out, and offsets are given in idx.
func shape(a *Assets, v APIVersion, idx IndexType) {
	if !v.HasDescriptions() {
		for i := range a.Intents {
			a.Intents[i].Description, a.Intents[i].AssociatedEntities = "", nil
		}
		for i := range a.Entities {
			a.Entities[i].Description = ""
		}
	}
	if idx == Utf16CodeUnit {
		return
	}
	for i := range a.Utterances {
		u := &a.Utterances[i]
		for j := range u.Entities {
			lb := &u.Entities[j]
			lb.Offset, lb.Length, _ = convertSpan(u.Text, lb.Offset, lb.Length, Utf16CodeUnit, idx)
		}
	}
}

// fileMetadata is the metadata object of p's project file.
func fileMetadata(p *Project) FileMetadata {
	return FileMetadata{ProjectKind: p.Kind, Settings: p.Settings, StorageInputContainerName: p.StorageInputContainerName,
		ProjectName: p.Name, Multilingual: p.Multilingual, Description: p.Description, Language: p.Language}
}

// pointerAt returns the JSON pointer of the value of data that ends at or
// after byte offset off: where encoding/json reports a type error. Unlike
// the error's Field, it names array elements by index
// (/assets/utterances/3/entities/0/offset).
func pointerAt(data []byte, off int64) (string, bool) {
	type frame struct {
		array   bool
		index   int
		key     string
		wantKey bool
	}
	var stack []*frame
	advance := func() {
		if n := len(stack); n > 0 {
			if f := stack[n-1]; f.array {
				f.index++
			} else {
				f.wantKey = true
			}
		}
	}
	pointer := func() string {
		var b strings.Builder
		for _, f := range stack {
			b.WriteByte('/')
			if f.array {
				b.WriteString(strconv.Itoa(f.index))
			} else {
				b.WriteString(strings.ReplaceAll(strings.ReplaceAll(f.key, "~", "~0"), "/", "~1"))
			}
		}
		return b.String()
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", false
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			advance()
			continue
		}
		if n := len(stack); n > 0 && !stack[n-1].array && stack[n-1].wantKey {
			stack[n-1].key, stack[n-1].wantKey = tok.(string), false
			continue
		}
		if dec.InputOffset() >= off {
			return pointer(), true
		}
		if d, ok := tok.(json.Delim); ok {
			stack = append(stack, &frame{array: d == '[', wantKey: d == '{'})
			continue
		}
		advance()
	}
}

// withoutIndices drops the array indices of a JSON pointer.
func withoutIndices(p string) string {
	parts := strings.Split(p, "/")
	out := parts[:0]
	for _, part := range parts {
		if _, err := strconv.Atoi(part); err != nil || part == "" {
			out = append(out, part)
		}
	}
	return strings.Join(out, "/")
}
