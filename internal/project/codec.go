package project

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/parley-dev/parley/internal/azerr"
)

// decodeFile parses a project file; errors name the offending field.
func decodeFile(data []byte) (*File, *azerr.Error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &azerr.Error{Code: azerr.InvalidRequest, Message: "The request body is empty; send the project file as JSON.",
			Inner: &azerr.InnerError{Code: azerr.InnerEmptyRequest, Message: "empty request body"}}
	}
	var f File
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, jsonError(err)
	}
	return &f, nil
}

// jsonError turns a decoding error into the Azure error a client sees.
func jsonError(err error) *azerr.Error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return azerr.BadBody("The request body is not valid JSON: %v (at byte offset %d).", syn, syn.Offset)
	case errors.As(err, &typ):
		if typ.Field == "" {
			return azerr.BadBody("The request body must be a JSON object, not %s.", typ.Value)
		}
		target := "/" + strings.ReplaceAll(typ.Field, ".", "/")
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
	case goType == "int", goType == "float64":
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

// encodeFile writes project p with its stored assets as the project file of
// api-version v with offsets in idx. Its output depends on nothing else, so
// exporting an unchanged project twice gives the same bytes.
func encodeFile(p *Project, stored []byte, v APIVersion, idx IndexType) ([]byte, error) {
	assets := &Assets{ProjectKind: p.Kind, Intents: []Intent{}, Entities: []Entity{}, Utterances: []Utterance{}}
	if len(stored) > 0 {
		assets = new(Assets)
		if err := json.Unmarshal(stored, assets); err != nil {
			return nil, fmt.Errorf("project %q: stored assets: %w", p.Name, err)
		}
	}
	shape(assets, v, idx)
	f := File{
		ProjectFileVersion: string(v),
		StringIndexType:    idx,
		Metadata: FileMetadata{
			ProjectKind:               p.Kind,
			Settings:                  p.Settings,
			StorageInputContainerName: p.StorageInputContainerName,
			ProjectName:               p.Name,
			Multilingual:              p.Multilingual,
			Description:               p.Description,
			Language:                  p.Language,
		},
		Assets: assets,
	}
	var buf bytes.Buffer
	buf.Grow(len(stored) + 1024)
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep "<" and "&" readable in exported files
	if err := enc.Encode(&f); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
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
