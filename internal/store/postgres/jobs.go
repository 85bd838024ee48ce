package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/parley-dev/parley/internal/azerr"
	"github.com/parley-dev/parley/internal/job"
	"github.com/parley-dev/parley/internal/store/checksum"
)

var _ job.Store = (*Store)(nil)

const jobColumns = `id, kind, project, api_version, status, created, updated, expires, attempt, errors, warnings, detail`

func scanJob(row scanner) (*job.Job, error) {
	var j job.Job
	var kind, status string
	var created, updated, expires int64
	var errs, warns *string
	if err := row.Scan(&j.ID, &kind, &j.Project, &j.APIVersion, &status, &created, &updated, &expires,
		&j.Attempt, &errs, &warns, &j.Detail); err != nil {
		return nil, err
	}
	j.Kind, j.Status = job.Kind(kind), job.Status(status)
	j.Created, j.Updated, j.Expires = fromMS(created), fromMS(updated), fromMS(expires)
	if errs != nil {
		if err := json.Unmarshal([]byte(*errs), &j.Errors); err != nil {
			return nil, fmt.Errorf("job %s errors: %w", j.ID, err)
		}
	}
	if warns != nil {
		if err := json.Unmarshal([]byte(*warns), &j.Warnings); err != nil {
			return nil, fmt.Errorf("job %s warnings: %w", j.ID, err)
		}
	}
	return &j, nil
}

func collectJobs(rows pgx.Rows) ([]*job.Job, error) {
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (*job.Job, error) { return scanJob(r) })
}

// statuses returns ss as strings, for a text[] parameter.
func statuses(ss []job.Status) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return out
}

// kindStrings returns kinds as strings, for a text[] parameter; never nil,
// so that no kind is excluded rather than all of them. It leaves out kinds
// that no job can have, which PostgreSQL would refuse as a parameter.
func kindStrings(kinds []job.Kind) []string {
	out := make([]string, 0, len(kinds))
	for _, k := range kinds {
		if storable(string(k)) {
			out = append(out, string(k))
		}
	}
	return out
}

// CreateJob implements job.Store. The per-kind count and the insert run
// under an advisory lock on the project and kind, so that of two processes
// creating the last allowed job of a kind at once only one succeeds. The
// total is counted without a lock: at most the jobs being created at that
// moment pass it.
func (s *Store) CreateJob(ctx context.Context, j *job.Job, payload []byte, lim job.Limits) error {
	err := s.tx(ctx, func(tx pgx.Tx) error {
		if lim.PerKind > 0 {
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2::text || '/' || $3::text))`,
				lockJobKind, string(j.Kind), j.Project); err != nil {
				return err
			}
			var n int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM jobs WHERE project = $1 AND kind = $2
				AND status IN `+job.SQL.Unfinished+` AND expires > $3`,
				j.Project, string(j.Kind), ms(j.Created)).Scan(&n); err != nil {
				return err
			}
			if n >= lim.PerKind {
				return job.ErrBusy
			}
		}
		if lim.Total > 0 {
			var n int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM jobs WHERE status IN `+job.SQL.Unfinished+`
				AND expires > $1`, ms(j.Created)).Scan(&n); err != nil {
				return err
			}
			if n >= lim.Total {
				return job.ErrQueueFull
			}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO jobs (id, kind, project, api_version, status, created, updated, expires, detail)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, j.ID, string(j.Kind), j.Project, j.APIVersion, string(j.Status),
			ms(j.Created), ms(j.Updated), ms(j.Expires), j.Detail); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO job_data (id, payload, payload_sum) VALUES ($1, $2, $3)`, j.ID, payload, checksum.Of(payload))
		return err
	})
	if err != nil {
		return fmt.Errorf("create job %s: %w", j.ID, err)
	}
	return nil
}

// GetJob implements job.Store.
func (s *Store) GetJob(ctx context.Context, id string, now time.Time) (*job.Job, error) {
	if !storable(id) {
		return nil, fmt.Errorf("job %s: %w", id, job.ErrNotFound)
	}
	j, err := scanJob(s.pool.QueryRow(ctx, `SELECT `+jobColumns+` FROM jobs WHERE id = $1 AND expires > $2`, id, ms(now)))
	if noRows(err) {
		return nil, fmt.Errorf("job %s: %w", id, job.ErrNotFound)
	} else if err != nil {
		return nil, fmt.Errorf("job %s: %w", id, err)
	}
	return j, nil
}

// ClaimJobs implements job.Store. The subquery locks the oldest runnable
// jobs, skipping those another claim has locked, so that processes claiming
// at once never wait for each other nor get the same job. It runs in a
// transaction so that a claim whose rows could not all be read is rolled
// back, never left leased to a caller that did not get the jobs.
func (s *Store) ClaimJobs(ctx context.Context, p job.ClaimParams) ([]*job.Job, error) {
	var out []*job.Job
	err := s.tx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `UPDATE jobs SET status = `+job.SQL.Running+`, lease_owner = $1, lease_expires = $2,
			attempt = attempt + 1, updated = CASE WHEN status = `+job.SQL.NotStarted+` THEN $3 ELSE updated END
			WHERE id IN (SELECT id FROM jobs WHERE expires > $3 AND (status = `+job.SQL.NotStarted+`
				OR (status = `+job.SQL.Running+` AND lease_expires < $3 AND attempt < $4))
				AND NOT (kind = ANY($6::text[])) ORDER BY seq LIMIT $5 FOR UPDATE SKIP LOCKED)
			RETURNING `+jobColumns, p.Owner, ms(p.LeaseUntil), ms(p.Now), p.MaxAttempts, p.Limit, kindStrings(p.ExcludeKinds))
		if err != nil {
			return err
		}
		out, err = collectJobs(rows)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("claim jobs: %w", err)
	}
	return out, nil
}

// JobPayload implements job.Store.
func (s *Store) JobPayload(ctx context.Context, id string) ([]byte, error) {
	if !storable(id) {
		return nil, fmt.Errorf("job %s payload: %w", id, job.ErrNotFound)
	}
	var b []byte
	var sum *int64
	err := s.pool.QueryRow(ctx, `SELECT payload, payload_sum FROM job_data WHERE id = $1`, id).Scan(&b, &sum)
	if noRows(err) {
		return nil, fmt.Errorf("job %s payload: %w", id, job.ErrNotFound)
	} else if err != nil {
		return nil, fmt.Errorf("job %s payload: %w", id, err)
	}
	return b, checksum.Check("payload of job "+id, b, sum)
}

// ExtendLease implements job.Store.
func (s *Store) ExtendLease(ctx context.Context, id, owner string, until time.Time) (job.Status, error) {
	if !storable(id, owner) {
		return "", fmt.Errorf("extend lease of job %s: %w", id, job.ErrLeaseLost)
	}
	var st string
	err := s.pool.QueryRow(ctx, `UPDATE jobs SET lease_expires = $1 WHERE id = $2 AND lease_owner = $3
		AND status IN `+job.SQL.Leased+` RETURNING status`, ms(until), id, owner).Scan(&st)
	if noRows(err) {
		return "", fmt.Errorf("extend lease of job %s: %w", id, job.ErrLeaseLost)
	} else if err != nil {
		return "", fmt.Errorf("extend lease of job %s: %w", id, err)
	}
	return job.Status(st), nil
}

// ReleaseJob implements job.Store: the lease is dropped and expired at
// once, so the next claim, by any replica, takes the job.
func (s *Store) ReleaseJob(ctx context.Context, id, owner string) error {
	if !storable(id, owner) {
		return fmt.Errorf("release job %s: %w", id, job.ErrLeaseLost)
	}
	tag, err := s.exec(ctx, `UPDATE jobs SET lease_owner = NULL, lease_expires = 0
		WHERE id = $1 AND lease_owner = $2 AND status IN `+job.SQL.Leased, id, owner)
	if err != nil {
		return fmt.Errorf("release job %s: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("release job %s: %w", id, job.ErrLeaseLost)
	}
	return nil
}

// SetJobDetail implements job.Store.
func (s *Store) SetJobDetail(ctx context.Context, id, owner string, detail []byte, now time.Time) error {
	if !storable(id, owner) {
		return fmt.Errorf("set detail of job %s: %w", id, job.ErrLeaseLost)
	}
	tag, err := s.exec(ctx, `UPDATE jobs SET detail = $1, updated = $2 WHERE id = $3 AND lease_owner = $4
		AND status IN `+job.SQL.Leased, detail, ms(now), id, owner)
	if err != nil {
		return fmt.Errorf("set detail of job %s: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("set detail of job %s: %w", id, job.ErrLeaseLost)
	}
	return nil
}

// CancelJob implements job.Store.
func (s *Store) CancelJob(ctx context.Context, id string, now time.Time) (job.Status, error) {
	if !storable(id) {
		return "", fmt.Errorf("cancel job %s: %w", id, job.ErrNotFound)
	}
	var st string
	err := s.pool.QueryRow(ctx, `UPDATE jobs SET updated = $1,
		status = CASE status WHEN `+job.SQL.NotStarted+` THEN `+job.SQL.Cancelled+` ELSE `+job.SQL.Cancelling+` END
		WHERE id = $2 AND expires > $1 AND status IN `+job.SQL.Unfinished+` RETURNING status`,
		ms(now), id).Scan(&st)
	if noRows(err) {
		if _, err := s.GetJob(ctx, id, now); err != nil {
			return "", err
		}
		return "", fmt.Errorf("cancel job %s: %w", id, job.ErrFinished)
	} else if err != nil {
		return "", fmt.Errorf("cancel job %s: %w", id, err)
	}
	return job.Status(st), nil
}

// QueuedJobs implements job.Store.
func (s *Store) QueuedJobs(ctx context.Context, now time.Time) (map[job.Kind]int, error) {
	rows, err := s.pool.Query(ctx, `SELECT kind, count(*) FROM jobs WHERE status = `+job.SQL.NotStarted+` AND expires > $1 GROUP BY kind`, ms(now))
	if err != nil {
		return nil, fmt.Errorf("count queued jobs: %w", err)
	}
	defer rows.Close()
	out := map[job.Kind]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, fmt.Errorf("count queued jobs: %w", err)
		}
		out[job.Kind(k)] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count queued jobs: %w", err)
	}
	return out, nil
}

// ListJobs implements job.Store.
func (s *Store) ListJobs(ctx context.Context, kind job.Kind, project string, now time.Time, offset, limit int) ([]*job.Job, bool, error) {
	if !storable(string(kind), project) {
		return []*job.Job{}, false, nil // as a query that finds none
	}
	rows, err := s.pool.Query(ctx, `SELECT `+jobColumns+` FROM jobs WHERE project = $1 AND kind = $2 AND expires > $3
		ORDER BY created, seq LIMIT $4 OFFSET $5`, project, string(kind), ms(now), limit+1, offset)
	if err != nil {
		return nil, false, fmt.Errorf("list jobs: %w", err)
	}
	out, err := collectJobs(rows)
	if err != nil {
		return nil, false, fmt.Errorf("list jobs: %w", err)
	}
	if len(out) > limit {
		return out[:limit], true, nil
	}
	return out, false, nil
}

// jsonText is v as JSON, or NULL when v is empty.
func jsonText[T any](v []T) (*string, error) {
	if len(v) == 0 {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	s := string(b)
	return &s, nil
}

// FinishJob implements job.Store.
func (s *Store) FinishJob(ctx context.Context, p job.FinishParams) error {
	if !storable(p.ID, p.Owner) {
		return fmt.Errorf("finish job %s: %w", p.ID, job.ErrLeaseLost)
	}
	errs, err := jsonText(p.Errors)
	if err != nil {
		return err
	}
	warns, err := jsonText(p.Warnings)
	if err != nil {
		return err
	}
	err = s.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE jobs SET status = $1, updated = $2, errors = $3, warnings = $4,
			detail = coalesce($5, detail), lease_owner = NULL, lease_expires = NULL
			WHERE id = $6 AND lease_owner = $7 AND status = ANY($8)`,
			string(p.Status), ms(p.Now), errs, warns, p.Detail, p.ID, p.Owner, statuses(job.From(p.Status)))
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return job.ErrLeaseLost
		}
		if p.Result != nil {
			var blob *string
			if p.ResultBlob != "" {
				blob = &p.ResultBlob
			}
			_, err = tx.Exec(ctx, `UPDATE job_data SET result = $1, result_sum = $4, result_blob = $2, payload = NULL, payload_sum = NULL WHERE id = $3`,
				p.Result, blob, p.ID, checksum.Of(p.Result))
		} else {
			_, err = tx.Exec(ctx, `UPDATE job_data SET payload = NULL, payload_sum = NULL WHERE id = $1`, p.ID)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("finish job %s: %w", p.ID, err)
	}
	return nil
}

// FailAbandonedJobs implements job.Store.
func (s *Store) FailAbandonedJobs(ctx context.Context, now time.Time, maxAttempts int, e *azerr.Error) (int, error) {
	errs, err := jsonText([]*azerr.Error{e})
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE jobs SET status = `+job.SQL.Failed+`, errors = $1, updated = $2,
			lease_owner = NULL, lease_expires = NULL
			WHERE status = `+job.SQL.Running+` AND lease_expires < $2 AND attempt >= $3`, errs, ms(now), maxAttempts)
		if err != nil {
			return err
		}
		n = tag.RowsAffected()
		// A job being cancelled when its process died is cancelled now.
		tag, err = tx.Exec(ctx, `UPDATE jobs SET status = `+job.SQL.Cancelled+`, updated = $1,
			lease_owner = NULL, lease_expires = NULL WHERE status = `+job.SQL.Cancelling+` AND lease_expires < $1`, ms(now))
		if err != nil {
			return err
		}
		n += tag.RowsAffected()
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("fail abandoned jobs: %w", err)
	}
	return int(n), nil
}

// DeleteExpiredJobs implements job.Store. It also deletes the blobs that
// neither a project nor an unexpired job result references any more, in a
// transaction of its own that holds lockBlobs: an export pinning a blob
// either committed before (and its pin shows) or waits.
func (s *Store) DeleteExpiredJobs(ctx context.Context, now time.Time) (int, error) {
	tag, err := s.exec(ctx, `DELETE FROM jobs WHERE expires <= $1`, ms(now))
	if err != nil {
		return 0, fmt.Errorf("delete expired jobs: %w", err)
	}
	err = s.tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, lockBlobs); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM blobs b WHERE NOT EXISTS (SELECT 1 FROM project_content c WHERE c.blob = b.id)
			AND NOT EXISTS (SELECT 1 FROM job_data d WHERE d.result_blob = b.id)`)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("delete expired jobs: collect blobs: %w", err)
	}
	return int(tag.RowsAffected()), nil
}

// TrimFinishedJobs implements job.Store.
func (s *Store) TrimFinishedJobs(ctx context.Context, now time.Time, keep job.Retain) (int, error) {
	tag, err := s.exec(ctx, `DELETE FROM jobs WHERE id IN (SELECT id FROM (
			SELECT j.id, row_number() OVER (PARTITION BY j.project, j.kind ORDER BY j.created DESC, j.id DESC) AS n,
				sum(coalesce(octet_length(d.result), 0)) OVER (ORDER BY j.created DESC, j.id DESC ROWS UNBOUNDED PRECEDING) AS bytes
			FROM jobs j LEFT JOIN job_data d ON d.id = j.id WHERE j.status IN `+job.SQL.Terminal+`) t
		WHERE n > $1 OR bytes > $2) AND updated < $3`, keep.PerKind, keep.ResultBytes, ms(now.Add(-keep.Grace)))
	if err != nil {
		return 0, fmt.Errorf("trim finished jobs: %w", err)
	}
	return int(tag.RowsAffected()), nil
}

// JobResult implements job.Store.
func (s *Store) JobResult(ctx context.Context, id string, now time.Time) (*job.Result, error) {
	if !storable(id) {
		return nil, fmt.Errorf("job %s result: %w", id, job.ErrNotFound)
	}
	var r job.Result
	var sum, blobSum *int64
	err := s.pool.QueryRow(ctx, `SELECT d.result, d.result_sum, b.data, b.sum FROM job_data d JOIN jobs j ON j.id = d.id
		LEFT JOIN blobs b ON b.id = d.result_blob
		WHERE d.id = $1 AND j.expires > $2 AND d.result IS NOT NULL`, id, ms(now)).Scan(&r.Data, &sum, &r.Blob, &blobSum)
	if noRows(err) {
		return nil, fmt.Errorf("job %s result: %w", id, job.ErrNotFound)
	} else if err != nil {
		return nil, fmt.Errorf("job %s result: %w", id, err)
	}
	if err := errors.Join(checksum.Check("result of job "+id, r.Data, sum), checksum.Check("project content exported by job "+id, r.Blob, blobSum)); err != nil {
		return nil, err
	}
	return &r, nil
}
