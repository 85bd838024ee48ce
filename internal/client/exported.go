package client

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
)

// exportedVersions are the api-versions with exported models (VERSIONS.md §4).
var exportedVersions = []string{"2024-11-15-preview", "2025-05-15-preview", "2025-11-01", "2025-11-15-preview"}

// DownloadExportedModel fetches an exported model's file through Parley's
// extension GET …/projects/{p}/exported-models/{n}/model
// (docs/compatibility.md), with the client's api-version when it has
// exported models, else 2024-11-15-preview, the first that does.
func (c *Client) DownloadExportedModel(ctx context.Context, project, name string) ([]byte, error) {
	u := c.url(projectPath(project)+"/exported-models/"+url.PathEscape(name)+"/model", nil)
	if !slices.Contains(exportedVersions, c.apiVersion) {
		q := url.Values{"api-version": {exportedVersions[0]}}
		u = c.endpoint + authoringPath + projectPath(project) + "/exported-models/" + url.PathEscape(name) + "/model?" + q.Encode()
	}
	resp, err := c.send(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", u, err)
	}
	return b, nil
}
