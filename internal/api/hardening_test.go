package api_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/parley-dev/parley/internal/api/apitest"
)

// TestMetadataIsBounded: free-text metadata and settings have limits, on a
// PATCH and on an import alike, so that no stored project (and no list of
// them) can grow without bound, and no stored JSON nests deeply enough to
// break a client that recurses into it (issue 9, findings 2 and 7).
func TestMetadataIsBounded(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, nil)
	create := `{"projectName":"p","projectKind":"Conversation","language":"en-us"}`
	wantStatus(t, srv.Do("PATCH", "/projects/p?"+v3, create), http.StatusCreated)

	deep := strings.Repeat(`{"a":`, 1000) + "1" + strings.Repeat("}", 1000)
	for _, tc := range []struct {
		name, body, target string
	}{
		{"long description", `{"description":"` + strings.Repeat("x", 60<<10) + `"}`, "description"},
		{"description one past the limit", `{"description":"` + strings.Repeat("é", 1001) + `"}`, "description"},
		{"long container name", `{"storageInputContainerName":"` + strings.Repeat("c", 64) + `"}`, "storageInputContainerName"},
		{"large settings", `{"settings":{"x":"` + strings.Repeat("s", 5000) + `"}}`, "settings"},
		{"deep settings", `{"settings":{"x":` + deep + `}}`, "settings"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, srv.Do("PATCH", "/projects/p?"+v3, tc.body), http.StatusBadRequest, "InvalidArgument", tc.target)
		})
	}
	// At the limits, accepted.
	ok := `{"description":"` + strings.Repeat("é", 1000) + `","settings":{"confidenceThreshold":0.5,"x":{"y":[1]}}}`
	wantStatus(t, srv.Do("PATCH", "/projects/p?"+v3, ok), http.StatusOK)
	// Nothing of the refused PATCHes was stored.
	got := apitest.ReadJSON(t, srv.Do("GET", "/projects/p?"+v3, nil))
	if d, _ := got["description"].(string); len([]rune(d)) != 1000 {
		t.Errorf("description after the refused PATCHes has %d characters, want the 1000 of the accepted one", len([]rune(d)))
	}

	// An import is held to the same limits.
	var f map[string]any
	if err := json.Unmarshal(smokeSnips(t), &f); err != nil {
		t.Fatal(err)
	}
	f["metadata"].(map[string]any)["description"] = strings.Repeat("x", 1001)
	file, _ := json.Marshal(f)
	wantError(t, srv.Do("POST", "/projects/SNIPS2017-smoke/:import?"+v3, file), http.StatusBadRequest, "InvalidArgument", "")
	f["metadata"].(map[string]any)["description"] = "ok"
	f["metadata"].(map[string]any)["settings"] = map[string]any{"confidenceThreshold": 0, "x": json.RawMessage(deep)}
	file, _ = json.Marshal(f)
	body := wantError(t, srv.Do("POST", "/projects/SNIPS2017-smoke/:import?"+v3, file), http.StatusBadRequest, "InvalidArgument", "")
	if !strings.Contains(mustJSON(t, body), "/metadata/settings") {
		t.Errorf("import with deep settings: error %s does not name /metadata/settings", mustJSON(t, body))
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestShortBody: a body shorter than its Content-Length is the client's
// fault: 400, not 500 (issue 9, low).
func TestShortBody(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, nil)
	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "PATCH %s/projects/p?%s HTTP/1.1\r\nHost: x\r\nOcp-Apim-Subscription-Key: %s\r\nContent-Length: 100\r\n\r\n{\"projectName\":",
		apitest.Prefix, v3, apitest.Key)
	conn.(*net.TCPConn).CloseWrite()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("x-ms-error-code") != "InvalidRequest" {
		t.Errorf("a body 84 bytes short = %d %s, want 400 InvalidRequest", resp.StatusCode, resp.Header.Get("x-ms-error-code"))
	}
}
