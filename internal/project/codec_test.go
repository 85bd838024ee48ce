package project

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestSpliceMatchesReencode checks that the fast export path (stored assets
// spliced in) gives the bytes of the slow path (decode, shape, encode).
func TestSpliceMatchesReencode(t *testing.T) {
	for _, name := range []string{"smoke/snips2017.smoke.clu.json", "smoke/banking77.smoke.clu.json"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "datasets", name))
		if err != nil {
			t.Fatal(err)
		}
		f, e := decodeFile(b)
		if e != nil {
			t.Fatal(e)
		}
		// Text that needs no HTML escaping must not be escaped either way.
		f.Assets.Utterances[0].Text = "R&B <3 " + f.Assets.Utterances[0].Text
		for i := range f.Assets.Utterances[0].Entities {
			f.Assets.Utterances[0].Entities[i].Offset += 7
		}
		stored, err := marshalJSON(f.Assets)
		if err != nil {
			t.Fatal(err)
		}
		p := &Project{Name: f.Metadata.ProjectName, Kind: f.Metadata.ProjectKind, Language: f.Metadata.Language,
			Description: f.Metadata.Description, Settings: f.Metadata.Settings}
		fast, err := encodeFile(p, stored, V20230401, Utf16CodeUnit)
		if err != nil {
			t.Fatal(err)
		}
		if needsShape(stored, V20230401, Utf16CodeUnit) {
			t.Fatalf("%s: needsShape = true for assets without descriptions", name)
		}
		var slowAssets Assets
		if err := json.Unmarshal(stored, &slowAssets); err != nil {
			t.Fatal(err)
		}
		fSlow := File{ProjectFileVersion: string(V20230401), StringIndexType: Utf16CodeUnit, Metadata: FileMetadata{
			ProjectKind: p.Kind, Settings: p.Settings, ProjectName: p.Name, Description: p.Description, Language: p.Language,
		}, Assets: &slowAssets}
		slow, err := marshalJSON(&fSlow)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(fast, slow) {
			t.Errorf("%s: spliced export differs from re-encoded export", name)
		}
		if !bytes.Contains(fast, []byte("R&B <3")) {
			t.Errorf("%s: export escapes HTML characters", name)
		}
	}
}

func TestNeedsShape(t *testing.T) {
	withDesc := []byte(`{"projectKind":"Conversation","intents":[{"category":"a","description":"d"}]}`)
	plain := []byte(`{"projectKind":"Conversation","intents":[{"category":"a"}]}`)
	for _, tc := range []struct {
		name   string
		stored []byte
		v      APIVersion
		idx    IndexType
		want   bool
	}{
		{"plain", plain, V20230401, Utf16CodeUnit, false},
		{"descriptions for an old version", withDesc, V20230401, Utf16CodeUnit, true},
		{"descriptions for a new version", withDesc, V20250515Preview, Utf16CodeUnit, false},
		{"other index type", plain, V20250515Preview, Utf8CodeUnit, true},
	} {
		if got := needsShape(tc.stored, tc.v, tc.idx); got != tc.want {
			t.Errorf("%s: needsShape = %v, want %v", tc.name, got, tc.want)
		}
	}
}
