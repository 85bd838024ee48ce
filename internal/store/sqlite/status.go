package sqlite

import "github.com/parley-dev/parley/internal/job"

// The job statuses of this package's SQL, rendered from package job's
// constants and transition table (job.From), so that no status is spelt out
// here by hand.
var (
	sqlUnfinished = job.SQLList(job.Unfinished())
	sqlLeased     = job.SQLList(job.Leased())
	sqlNotStarted = job.StatusNotStarted.SQL()
	sqlRunning    = job.StatusRunning.SQL()
	sqlCancelling = job.StatusCancelling.SQL()
	sqlCancelled  = job.StatusCancelled.SQL()
	sqlFailed     = job.StatusFailed.SQL()
)
