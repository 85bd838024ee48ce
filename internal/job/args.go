package job

import (
	"context"
	"encoding"
	"encoding/json"
	"fmt"
	"time"
)

// Args are the typed arguments of one kind of job, as River's JobArgs are:
// Kind names the kind, which picks the worker and the job's URL, and the
// value is the payload stored with the job. The kinds and their Args live
// with the services that start them, not here.
//
// A payload is the Args' MarshalText when they implement
// encoding.TextMarshaler (a bare label, as early payloads were), and their
// JSON otherwise. An Args type with no fields has an empty payload.
type Args interface {
	Kind() Kind
}

// EncodeArgs returns the payload of a job with args.
func EncodeArgs(args Args) ([]byte, error) {
	if t, ok := args.(encoding.TextMarshaler); ok {
		return t.MarshalText()
	}
	b, err := json.Marshal(args)
	if err != nil {
		return nil, fmt.Errorf("encode %s arguments: %w", args.Kind(), err)
	}
	if string(b) == "{}" {
		return nil, nil
	}
	return b, nil
}

// DecodeArgs reads a payload written by EncodeArgs into T.
func DecodeArgs[T Args](payload []byte) (T, error) {
	var args T
	if t, ok := any(&args).(encoding.TextUnmarshaler); ok {
		return args, t.UnmarshalText(payload)
	}
	if len(payload) == 0 {
		return args, nil
	}
	if err := json.Unmarshal(payload, &args); err != nil {
		return args, fmt.Errorf("decode %s arguments: %w", args.Kind(), err)
	}
	return args, nil
}

// WorkFunc carries out a job whose arguments are T; see HandlerFunc for what
// its errors mean.
type WorkFunc[T Args] func(ctx context.Context, run *Run, args T) (*Outcome, error)

// AddWorker registers work as the handler of T's kind: the runner decodes
// each job's payload into T and calls work with it. It is the one place a
// kind is bound to its code.
func AddWorker[T Args](r *Runner, work WorkFunc[T]) {
	var zero T
	r.Handle(zero.Kind(), func(ctx context.Context, run *Run) (*Outcome, error) {
		args, err := DecodeArgs[T](run.Payload)
		if err != nil {
			return nil, fmt.Errorf("job %s: %w", run.ID, err)
		}
		return work(ctx, run, args)
	})
}

// New returns a job of args' kind for project, not started, created now and
// kept until now+retention, started by a request of apiVersion.
func New(args Args, project, apiVersion string, now time.Time, retention time.Duration) *Job {
	return &Job{
		ID: NewID(now), Kind: args.Kind(), Project: project, APIVersion: apiVersion,
		Status: StatusNotStarted, Created: now, Updated: now, Expires: now.Add(retention),
	}
}
