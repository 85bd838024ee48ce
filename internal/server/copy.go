package server

import (
	"context"
	"net/http"
	"time"

	"github.com/parley-dev/parley/internal/client"
	"github.com/parley-dev/parley/internal/project"
)

// copyHTTP sends the requests of copy jobs. It follows no redirects: the
// token goes only to the endpoint the target named.
var copyHTTP = &http.Client{
	Timeout:       2 * time.Minute,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// sendCopy is the project.CopyFunc of a server: it imports the file into
// the target Parley with the copy token as the credential, and follows the
// target's import job to its end (docs/compatibility.md, "Copy").
func sendCopy(ctx context.Context, t project.CopyTransfer) error {
	c, err := client.New(t.Endpoint, t.AccessToken, &client.Options{
		APIVersion: string(t.APIVersion), HTTPClient: copyHTTP, MaxPollDelay: 5 * time.Second,
	})
	if err != nil {
		return err
	}
	_, err = c.ImportProject(ctx, t.Project, t.File, nil)
	return err
}
