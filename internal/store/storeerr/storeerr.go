// Package storeerr holds the errors both stores give for conditions of the
// machine under them, as Azure-shaped errors so that a request answers them
// and a job fails with them, each in its one usual way.
package storeerr

import (
	"fmt"

	"github.com/parley-dev/parley/internal/azerr"
)

// Full returns the error of a write refused, or failed, because the disk
// under the store is full; cause is the driver's error, for the log.
func Full(cause error) error {
	e := azerr.New(azerr.ServiceUnavailable,
		"The server's disk is full, so it cannot store this. Free space by deleting projects, trained models or deployments (deleting works while the disk is full), or give the server more disk; then try again.")
	if cause == nil {
		return e
	}
	return fmt.Errorf("%w (%v)", e, cause)
}
