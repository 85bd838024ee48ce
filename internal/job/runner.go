package job

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/parley-dev/parley/internal/azerr"
)

// HandlerFunc carries out one job. A returned *azerr.Error fails the job with
// that error, as the client will see it; any other error is retried until
// the job's attempts run out. When the job is cancelled, ctx is cancelled
// with the cause ErrCancelled. Handlers must be idempotent: a job whose
// process died is run again.
type HandlerFunc func(ctx context.Context, r *Run) (*Outcome, error)

// Run is a claimed job as its handler sees it.
type Run struct {
	*Job
	Payload []byte
	report  func(ctx context.Context, detail []byte) error
}

// Report replaces the job's Detail while it runs (progress, for example).
func (r *Run) Report(ctx context.Context, detail []byte) error { return r.report(ctx, detail) }

// ErrCancelled is the cause of a handler's context when its job is cancelled.
var ErrCancelled = errors.New("job cancelled")

// Outcome is what a handler leaves on its job. A handler that fails or is
// cancelled may return an Outcome too, for its Detail.
type Outcome struct {
	Result     []byte
	ResultBlob string // see FinishParams.ResultBlob
	Warnings   []Warning
	Detail     []byte
}

// Config configures a Runner. Zero fields take the defaults in validate.
type Config struct {
	Owner        string        // lease owner; default a random id per process
	Workers      int           // jobs run at once; default 4
	Lease        time.Duration // how long a claim lasts without renewal; default 30s
	PollInterval time.Duration // how often the store is checked without Notify; default 1s
	MaxAttempts  int           // claims per job before it fails; default 2: a job that crashed its process once runs once more
	Keep         Retain        // finished jobs kept before they expire; default DefaultRetain
	Now          func() time.Time
	Logger       *slog.Logger
	// ObserveFunc, when set, sees every run of a job as it ends.
	ObserveFunc func(Event)
}

// Event is the end of one run of a job: its outcome (a terminal status, or
// Released when the run gave the job back to run again) and how long it ran.
type Event struct {
	JobID    string
	Kind     Kind
	Attempt  int
	Outcome  Status
	Duration time.Duration
	// Waited is how long the job waited from its creation to this run's
	// start: its time in the queue, on the first attempt.
	Waited time.Duration
}

// Released is the Outcome of a run that handed its job back to the store
// (shutdown, a lost lease, a transient failure): the job runs again. It is
// never a job's status.
const Released Status = "released"

// DefaultRetain keeps the last 100 finished jobs of each kind in each
// project, within 1 GiB of results in all, and every job for 10 minutes
// after it finished.
var DefaultRetain = Retain{PerKind: 100, ResultBytes: 1 << 30, Grace: 10 * time.Minute}

func (c *Config) validate() {
	if c.Owner == "" {
		c.Owner = "parley-" + NewID(time.Now())[:8]
	}
	if c.Workers <= 0 {
		c.Workers = 4
	}
	if c.Lease <= 0 {
		c.Lease = 30 * time.Second
	}
	if c.PollInterval <= 0 {
		c.PollInterval = time.Second
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 2
	}
	if c.Keep.PerKind <= 0 {
		c.Keep.PerKind = DefaultRetain.PerKind
	}
	if c.Keep.ResultBytes <= 0 {
		c.Keep.ResultBytes = DefaultRetain.ResultBytes
	}
	if c.Keep.Grace <= 0 {
		c.Keep.Grace = DefaultRetain.Grace
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
}

// errAbandoned is the error of a job whose process died on every attempt.
var errAbandoned = azerr.New(azerr.InternalServerError, "The job was interrupted too many times and did not complete; start it again.")

// Runner claims jobs from a Store and runs their handlers.
type Runner struct {
	cfg      Config
	store    Store
	handlers map[Kind]HandlerFunc
	long     []Kind // see MarkLong
	dormant  []Kind // see MarkDormant
	wake     chan struct{}

	mu      sync.Mutex
	stop    context.CancelFunc // stops claiming
	abort   context.CancelFunc // cancels running handlers
	done    chan struct{}
	running sync.WaitGroup
	slots   chan struct{}
	// longRunning counts the running jobs of long kinds; claims keep it
	// within longCap.
	longRunning int
}

// NewRunner returns a Runner over store; register handlers with Handle before Start.
func NewRunner(store Store, cfg Config) *Runner {
	cfg.validate()
	return &Runner{
		cfg:      cfg,
		store:    store,
		handlers: make(map[Kind]HandlerFunc),
		wake:     make(chan struct{}, 1),
		slots:    make(chan struct{}, cfg.Workers),
	}
}

// Handle registers the handler of kind.
func (r *Runner) Handle(kind Kind, h HandlerFunc) { r.handlers[kind] = h }

// MarkLong declares jobs of kind long (training): they never take the last
// worker, so that short jobs (an export, a deploy) do not queue behind
// them. With one worker, nothing is kept free.
func (r *Runner) MarkLong(kind Kind) { r.long = append(r.long, kind) }

// MarkDormant declares jobs of kind records that are never run (a copy
// authorization, whose status is the token's state): the runner never
// claims them, and they end when cancelled or when they expire.
func (r *Runner) MarkDormant(kind Kind) { r.dormant = append(r.dormant, kind) }

// Dormant reports whether jobs of kind are records that never run.
func (r *Runner) Dormant(kind Kind) bool { return slices.Contains(r.dormant, kind) }

// longCap is how many long jobs run at once at most.
func (r *Runner) longCap() int { return max(r.cfg.Workers-1, 1) }

// Notify wakes the runner: a job was just created.
func (r *Runner) Notify() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Start runs the runner in the background until Stop; after Stop it may
// be started again.
func (r *Runner) Start(ctx context.Context) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done != nil {
		return
	}
	claimCtx, stop := context.WithCancel(ctx)
	workCtx, abort := context.WithCancel(context.WithoutCancel(ctx))
	r.stop, r.abort, r.done = stop, abort, make(chan struct{})
	go r.loop(claimCtx, workCtx, r.done)
}

// Stop stops claiming and waits for running jobs until ctx ends; then it
// cancels them, and their claims are released so that the next process runs
// them again. Stop is safe to call twice.
func (r *Runner) Stop(ctx context.Context) error {
	r.mu.Lock()
	stop, abort, done := r.stop, r.abort, r.done
	r.stop, r.abort, r.done = nil, nil, nil // a later Start starts afresh
	r.mu.Unlock()
	if done == nil {
		return nil
	}
	stop()
	<-done
	finished := make(chan struct{})
	go func() { r.running.Wait(); close(finished) }()
	select {
	case <-finished:
		abort()
		return nil
	case <-ctx.Done():
		abort()
		<-finished
		return ctx.Err()
	}
}

func (r *Runner) loop(claimCtx, workCtx context.Context, done chan struct{}) {
	defer close(done)
	tick := time.NewTicker(r.cfg.PollInterval)
	defer tick.Stop()
	lastMaintenance := time.Time{}
	for {
		if now := r.cfg.Now(); now.Sub(lastMaintenance) >= 10*r.cfg.PollInterval {
			r.maintain(claimCtx, now)
			lastMaintenance = now
		}
		for r.claimAndStart(claimCtx, workCtx) {
		}
		select {
		case <-claimCtx.Done():
			return
		case <-r.wake:
		case <-tick.C:
		}
	}
}

// maintain fails abandoned jobs, trims finished ones and deletes expired
// ones (and then the blobs nothing references any more).
func (r *Runner) maintain(ctx context.Context, now time.Time) {
	if n, err := r.store.FailAbandonedJobs(ctx, now, r.cfg.MaxAttempts, errAbandoned); err != nil {
		r.logErr(ctx, "fail abandoned jobs", err)
	} else if n > 0 {
		r.cfg.Logger.Warn("failed abandoned jobs", "count", n)
	}
	if _, err := r.store.TrimFinishedJobs(ctx, now, r.cfg.Keep); err != nil {
		r.logErr(ctx, "trim finished jobs", err)
	}
	if _, err := r.store.DeleteExpiredJobs(ctx, now); err != nil {
		r.logErr(ctx, "delete expired jobs", err)
	}
}

// claimAndStart claims as many jobs as there are free workers and starts
// them; it reports whether it filled every free slot (so there may be more).
func (r *Runner) claimAndStart(claimCtx, workCtx context.Context) bool {
	free := 0
	for free < cap(r.slots) {
		select {
		case r.slots <- struct{}{}:
			free++
			continue
		default:
		}
		break
	}
	if free == 0 {
		// Wait for a worker to finish, or for Stop.
		select {
		case r.slots <- struct{}{}:
			free = 1
		case <-claimCtx.Done():
			return false
		}
	}
	jobs, err := r.claim(claimCtx, free)
	if err != nil {
		r.logErr(claimCtx, "claim jobs", err)
	}
	for range free - len(jobs) {
		<-r.slots
	}
	for _, j := range jobs {
		r.running.Add(1)
		go func() {
			defer func() {
				r.countLong([]*Job{j}, -1)
				<-r.slots
				r.running.Done()
				r.Notify() // a freed long slot may let a waiting long job run
			}()
			r.run(workCtx, j)
		}()
	}
	return err == nil && len(jobs) == free
}

// claim claims up to n jobs, of which no more long ones than the long cap
// leaves room for: first as many of any kind as that room allows, then the
// rest among short kinds only. The long jobs it returns are counted in
// longRunning until their run ends.
func (r *Runner) claim(ctx context.Context, n int) ([]*Job, error) {
	if ctx.Err() != nil {
		return nil, nil
	}
	r.mu.Lock()
	room := r.longCap() - r.longRunning
	r.mu.Unlock()
	if len(r.long) == 0 {
		room = n
	}
	var jobs []*Job
	if first := min(n, room); first > 0 {
		got, err := r.claimExcluding(ctx, first, nil)
		if err != nil {
			return nil, err
		}
		jobs = got
		if len(got) < first { // nothing else to claim
			r.countLong(jobs, 1)
			return jobs, nil
		}
	}
	if rest := n - len(jobs); rest > 0 {
		got, err := r.claimExcluding(ctx, rest, r.long)
		jobs = append(jobs, got...)
		if err != nil {
			r.countLong(jobs, 1)
			return jobs, err
		}
	}
	r.countLong(jobs, 1)
	return jobs, nil
}

func (r *Runner) claimExcluding(ctx context.Context, n int, exclude []Kind) ([]*Job, error) {
	now := r.cfg.Now()
	// The claim itself is not cancelled by Stop: a claim that committed
	// while its caller gave up would leave jobs leased to nobody. Stop waits
	// for the jobs a claim returns.
	return r.store.ClaimJobs(context.WithoutCancel(ctx), ClaimParams{
		Owner: r.cfg.Owner, Now: now, LeaseUntil: now.Add(r.cfg.Lease),
		Limit: n, MaxAttempts: r.cfg.MaxAttempts, ExcludeKinds: append(slices.Clip(r.dormant), exclude...),
	})
}

// countLong adds d to longRunning for each long job of jobs.
func (r *Runner) countLong(jobs []*Job, d int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, j := range jobs {
		if slices.Contains(r.long, j.Kind) {
			r.longRunning += d
		}
	}
}

// RunOnce claims up to Workers jobs and runs them to the end before it
// returns how many it ran. Tests step the runner with it.
func (r *Runner) RunOnce(ctx context.Context) (int, error) {
	r.maintain(ctx, r.cfg.Now())
	jobs, err := r.claim(ctx, r.cfg.Workers)
	if err != nil {
		return 0, err
	}
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Go(func() { defer r.countLong([]*Job{j}, -1); r.run(ctx, j) })
	}
	wg.Wait()
	return len(jobs), nil
}

// heartbeat is how often a running job renews its lease and checks whether
// it was cancelled: often, so that a cancelled job stops promptly.
func (r *Runner) heartbeat() time.Duration { return min(r.cfg.Lease/3, 250*time.Millisecond) }

// run runs one claimed job, renewing its lease while the handler works.
func (r *Runner) run(ctx context.Context, j *Job) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	log := r.cfg.Logger.With("job", j.ID, "kind", j.Kind, "attempt", j.Attempt)
	start, outcome := time.Now(), Released
	waited := max(r.cfg.Now().Sub(j.Created), 0) // on the store's clock, as Created
	if f := r.cfg.ObserveFunc; f != nil {
		defer func() {
			f(Event{JobID: j.ID, Kind: j.Kind, Attempt: j.Attempt, Outcome: outcome, Duration: time.Since(start), Waited: waited})
		}()
	}

	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		t := time.NewTicker(r.heartbeat())
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				st, err := r.store.ExtendLease(ctx, j.ID, r.cfg.Owner, r.cfg.Now().Add(r.cfg.Lease))
				switch {
				case errors.Is(err, ErrLeaseLost):
					log.Warn("job lease lost; abandoning this run")
					cancel(err)
					return
				case st == StatusCancelling:
					cancel(ErrCancelled)
					return
				}
			}
		}
	}()

	out, err := r.call(ctx, j)
	cancelled := errors.Is(context.Cause(ctx), ErrCancelled)
	interrupted := ctx.Err() != nil // stopped, or the lease was lost
	cancel(nil)
	<-renewed

	p := FinishParams{ID: j.ID, Owner: r.cfg.Owner, Now: r.cfg.Now()}
	if out != nil {
		p.Detail = out.Detail
	}
	var ae *azerr.Error
	switch {
	case cancelled && err != nil:
		p.Status = StatusCancelled
	case err == nil:
		p.Status = StatusSucceeded
		if out != nil {
			p.Result, p.ResultBlob, p.Warnings = out.Result, out.ResultBlob, out.Warnings
		}
	case errors.As(err, &ae):
		p.Status, p.Errors = StatusFailed, []*azerr.Error{ae}
	case interrupted || j.Attempt < r.cfg.MaxAttempts:
		// Stopped or a transient failure: give the claim up so that this or
		// another process runs the job again. Its status stays running.
		log.Warn("job interrupted; it will run again", "err", err)
		if err := r.store.ReleaseJob(context.WithoutCancel(ctx), j.ID, r.cfg.Owner); err != nil && !errors.Is(err, ErrLeaseLost) {
			r.logErr(ctx, "release job", err)
		}
		r.Notify()
		return
	default:
		log.Error("job failed", "err", err)
		p.Status, p.Errors = StatusFailed, []*azerr.Error{azerr.New(azerr.InternalServerError, "The job failed because of an internal error.")}
	}
	outcome = p.Status
	err = r.store.FinishJob(context.WithoutCancel(ctx), p)
	if errors.As(err, &ae) && p.Status != StatusFailed {
		// The store refused the outcome (a full disk): the job fails with
		// the store's reason rather than run again into the same wall.
		log.Warn("job outcome refused by the store; failing the job", "err", err)
		p.Status, p.Errors, p.Result, p.ResultBlob, p.Warnings = StatusFailed, []*azerr.Error{ae}, nil, "", nil
		outcome = p.Status
		err = r.store.FinishJob(context.WithoutCancel(ctx), p)
	}
	if err != nil {
		if errors.Is(err, ErrLeaseLost) {
			outcome = Released
			log.Warn("job finished after its lease was lost; outcome dropped")
			return
		}
		r.logErr(ctx, "finish job", err)
	}
}

// call runs the handler, turning a panic into an error.
func (r *Runner) call(ctx context.Context, j *Job) (out *Outcome, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("job %s panicked: %v", j.ID, p)
		}
	}()
	h, ok := r.handlers[j.Kind]
	if !ok {
		return nil, azerr.New(azerr.InternalServerError, "No handler for jobs of kind %q.", j.Kind)
	}
	payload, err := r.store.JobPayload(ctx, j.ID)
	if err != nil {
		return nil, fmt.Errorf("job %s payload: %w", j.ID, err)
	}
	run := &Run{Job: j, Payload: payload, report: func(ctx context.Context, detail []byte) error {
		j.Detail = detail
		return r.store.SetJobDetail(ctx, j.ID, r.cfg.Owner, detail, r.cfg.Now())
	}}
	return h(ctx, run)
}

func (r *Runner) logErr(ctx context.Context, what string, err error) {
	if ctx.Err() != nil {
		return
	}
	r.cfg.Logger.Error(what, "err", err)
}
