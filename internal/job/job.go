// Package job is Parley's durable job machinery: the Azure-visible job record
// (long-running operations of the CLU authoring API), the allowed status
// transitions, and a Runner that claims jobs from a Store under a lease.
//
// The design follows riverqueue/river: a job is claimed by a conditional
// UPDATE that sets a lease owner and expiry, a running job extends its lease
// while it works, and a job whose lease expired (its process died) is claimed
// again, up to MaxAttempts times, after which it fails. Retries never show on
// the wire: a re-claimed job stays "running".
package job

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/parley-dev/parley/internal/azerr"
)

// Status is a job status; the values are the spec's JobStatus wire strings.
type Status string

// Job statuses of the spec's JobStatus enum that authoring jobs use.
const (
	StatusNotStarted Status = "notStarted"
	StatusRunning    Status = "running"
	StatusCancelling Status = "cancelling"
	StatusSucceeded  Status = "succeeded"
	StatusFailed     Status = "failed"
	StatusCancelled  Status = "cancelled"
)

// Terminal reports whether no further transition leaves s.
func (s Status) Terminal() bool {
	return s == StatusSucceeded || s == StatusFailed || s == StatusCancelled
}

// transitions lists, for each target status, the statuses a job may move from.
// Stores apply them with a conditional UPDATE; nothing reads a row, checks it
// in Go and writes it back.
var transitions = map[Status][]Status{
	StatusRunning:    {StatusNotStarted, StatusRunning},
	StatusCancelling: {StatusNotStarted, StatusRunning},
	StatusSucceeded:  {StatusRunning, StatusCancelling}, // a cancel that came too late
	StatusFailed:     {StatusNotStarted, StatusRunning, StatusCancelling},
	StatusCancelled:  {StatusNotStarted, StatusRunning, StatusCancelling},
	StatusNotStarted: {StatusRunning},
}

// From returns the statuses a job may move to "to" from.
func From(to Status) []Status { return transitions[to] }

// Unfinished are the statuses of a job that has not ended: everything a
// cancel or a terminal status may move from.
func Unfinished() []Status { return From(StatusCancelled) }

// Leased are the statuses of a job a runner holds under a lease.
func Leased() []Status { return []Status{StatusRunning, StatusCancelling} }

// SQL renders a status as an SQL string literal, and SQLList statuses as an
// SQL list, "('running', 'cancelling')". Both stores spell statuses in
// their SQL only through these, from the constants and the transition table
// above; statuses are never input.
func (s Status) SQL() string { return "'" + string(s) + "'" }

// SQLList renders statuses as a parenthesised SQL list of literals.
func SQLList(ss []Status) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = s.SQL()
	}
	return "(" + strings.Join(q, ", ") + ")"
}

// SQL are the status literals of the stores' queries, rendered from the
// constants and the transition table: Unfinished and Leased are lists,
// "('running', 'cancelling')", the others single literals.
var SQL = struct {
	Unfinished, Leased, Terminal                       string
	NotStarted, Running, Cancelling, Cancelled, Failed string
}{
	Unfinished: SQLList(Unfinished()), Leased: SQLList(Leased()),
	Terminal:   SQLList([]Status{StatusSucceeded, StatusFailed, StatusCancelled}),
	NotStarted: StatusNotStarted.SQL(), Running: StatusRunning.SQL(), Cancelling: StatusCancelling.SQL(),
	Cancelled: StatusCancelled.SQL(), Failed: StatusFailed.SQL(),
}

// Kind says which operation a job carries out. It picks the handler, and its
// job URL, so a job id is only found under the URL of its own kind. The
// kinds are declared with their Args by the services that start them.
type Kind string

// Warning is an entry of a job's warnings array.
type Warning struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Job is the Azure-visible job record plus what the runner needs.
type Job struct {
	ID         string
	Kind       Kind
	Project    string
	APIVersion string // of the request that started the job; its URLs carry it
	Status     Status
	Created    time.Time
	Updated    time.Time
	Expires    time.Time
	Attempt    int
	Errors     []*azerr.Error
	Warnings   []Warning
	// Detail is kind-specific state that the handler reports while it runs
	// (a training job's progress); JSON, owned by the handler's package.
	Detail []byte
}

// Sentinel errors that Store methods wrap.
var (
	// ErrNotFound: no job with that id, or it has expired.
	ErrNotFound = errors.New("job not found")
	// ErrLeaseLost: the caller no longer holds the job's lease, so its
	// outcome is dropped (another claim owns the job now).
	ErrLeaseLost = errors.New("job lease lost")
	// ErrBusy: the project already has Limits.PerKind unfinished jobs of
	// that kind.
	ErrBusy = errors.New("too many unfinished jobs of that kind in the project")
	// ErrQueueFull: the store already holds Limits.Total unfinished jobs.
	ErrQueueFull = errors.New("too many unfinished jobs")
	// ErrFinished: the job is already terminal, so it cannot be cancelled.
	ErrFinished = errors.New("job already finished")
)

// NewID returns a job id in the service's shape: a lowercase GUID, "_", and
// the .NET tick count of midnight UTC of the creation day (AUTHORING.md §2.3).
func NewID(now time.Time) string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on Linux
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	day := now.UTC().Truncate(24 * time.Hour)
	const ticksAtUnixEpoch = 621355968000000000
	ticks := ticksAtUnixEpoch + day.Unix()*10_000_000
	return fmt.Sprintf("%x-%x-%x-%x-%x_%d", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16], ticks)
}

// Store keeps jobs durably. Methods that take now compare times with it, so
// tests can inject a clock.
//
// An id, owner or kind a method looks up may hold any bytes (a job id comes
// from a URL): one with NUL or invalid UTF-8 matches nothing, as project.Store
// says of names.
type Store interface {
	// CreateJob stores a new job in StatusNotStarted with its payload,
	// unless the project already has lim.PerKind unfinished jobs of its
	// kind (ErrBusy) or the store lim.Total unfinished jobs (ErrQueueFull).
	// PerKind is exact however many processes create jobs at once; Total
	// may be passed by as many jobs as are being created at that moment.
	CreateJob(ctx context.Context, j *Job, payload []byte, lim Limits) error
	// GetJob returns a job that has not expired; ErrNotFound otherwise.
	GetJob(ctx context.Context, id string, now time.Time) (*Job, error)
	// ClaimJobs leases up to p.Limit runnable jobs to p.Owner: jobs not
	// started yet, and running jobs whose lease expired before p.Now with
	// fewer than p.MaxAttempts attempts. Claimed jobs are running.
	ClaimJobs(ctx context.Context, p ClaimParams) ([]*Job, error)
	// QueuedJobs counts, by kind, the jobs not started yet that have not
	// expired at now: the queue's depth, for metrics.
	QueuedJobs(ctx context.Context, now time.Time) (map[Kind]int, error)
	// JobPayload returns what CreateJob stored with the job.
	JobPayload(ctx context.Context, id string) ([]byte, error)
	// ExtendLease moves the lease of a job owner still holds and returns
	// the job's status, which tells a running job it is being cancelled;
	// ErrLeaseLost when owner holds the lease no more.
	ExtendLease(ctx context.Context, id, owner string, until time.Time) (Status, error)
	// SetJobDetail replaces the Detail of a job owner holds; ErrLeaseLost.
	SetJobDetail(ctx context.Context, id, owner string, detail []byte, now time.Time) error
	// CancelJob cancels a job: one not started yet becomes cancelled, a
	// running one cancelling (its runner then stops it). It returns the new
	// status; ErrNotFound, or ErrFinished for a terminal job.
	CancelJob(ctx context.Context, id string, now time.Time) (Status, error)
	// ListJobs returns the unexpired jobs of kind in project, oldest first,
	// after skipping offset, up to limit, and whether more follow.
	ListJobs(ctx context.Context, kind Kind, project string, now time.Time, offset, limit int) ([]*Job, bool, error)
	// FinishJob moves a job owner holds to a terminal status (p.Status);
	// ErrLeaseLost if the lease is not owner's any more.
	FinishJob(ctx context.Context, p FinishParams) error
	// ReleaseJob gives up owner's claim on a job without finishing it
	// (shutdown, a transient failure): its status stays as it is, so
	// retries never show on the wire, and it can be claimed again at once.
	// ErrLeaseLost if the lease is not owner's any more.
	ReleaseJob(ctx context.Context, id, owner string) error
	// FailAbandonedJobs fails jobs whose lease expired on their last
	// attempt, and cancels cancelling jobs whose lease expired.
	FailAbandonedJobs(ctx context.Context, now time.Time, maxAttempts int, e *azerr.Error) (int, error)
	// DeleteExpiredJobs removes jobs, payloads and results expired before now.
	DeleteExpiredJobs(ctx context.Context, now time.Time) (int, error)
	// TrimFinishedJobs deletes finished jobs, oldest first, beyond the
	// newest keep.PerKind of each project and kind, and beyond the newest
	// whose results add up to keep.ResultBytes, before they expire; jobs
	// that finished within keep.Grace of now are kept whatever the bounds.
	TrimFinishedJobs(ctx context.Context, now time.Time, keep Retain) (int, error)
	// JobResult returns the result stored by FinishJob for a job that has
	// not expired; ErrNotFound otherwise.
	JobResult(ctx context.Context, id string, now time.Time) (*Result, error)
}

// Limits bound the unfinished jobs (not started, running or cancelling)
// that Store.CreateJob accepts; zero is no limit.
type Limits struct {
	PerKind int // of one kind in one project
	Total   int // in the whole store
}

// Retain bounds what finished jobs keep on disk until they expire: a
// client that exports in a loop cannot fill the disk with results.
type Retain struct {
	PerKind     int           // finished jobs of one kind in one project
	ResultBytes int64         // bytes of the results of all finished jobs
	Grace       time.Duration // how long a finished job is kept at least, for its client to read it
}

// ClaimParams are the arguments of Store.ClaimJobs.
type ClaimParams struct {
	Owner       string
	Now         time.Time
	LeaseUntil  time.Time
	Limit       int
	MaxAttempts int
	// ExcludeKinds are kinds not to claim: the runner keeps a worker free
	// of long jobs so that short ones never queue behind them.
	ExcludeKinds []Kind
}

// FinishParams are the arguments of Store.FinishJob.
type FinishParams struct {
	ID       string
	Owner    string
	Status   Status
	Now      time.Time
	Errors   []*azerr.Error
	Warnings []Warning
	Result   []byte
	// ResultBlob names a stored blob that belongs to the result, kept
	// as long as the job (an export's assets, which it does not copy).
	ResultBlob string
	Detail     []byte // nil keeps the job's Detail
}

// Result is a job's stored result: its data, and the data of the blob it
// references, if any.
type Result struct {
	Data []byte
	Blob []byte
}
