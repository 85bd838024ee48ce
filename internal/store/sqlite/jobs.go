package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/parley-dev/parley/internal/azerr"
	"github.com/parley-dev/parley/internal/job"
	"github.com/parley-dev/parley/internal/store/checksum"
)

var _ job.Store = (*Store)(nil)

const jobColumns = `id, kind, project, api_version, status, created, updated, expires, attempt, errors, warnings, detail`

func scanJob(row scanner) (*job.Job, error) {
	var j job.Job
	var created, updated, expires int64
	var errs, warns sql.NullString
	if err := row.Scan(&j.ID, &j.Kind, &j.Project, &j.APIVersion, &j.Status, &created, &updated, &expires,
		&j.Attempt, &errs, &warns, &j.Detail); err != nil {
		return nil, err
	}
	j.Created, j.Updated, j.Expires = fromMS(created), fromMS(updated), fromMS(expires)
	if errs.Valid {
		if err := json.Unmarshal([]byte(errs.String), &j.Errors); err != nil {
			return nil, fmt.Errorf("job %s errors: %w", j.ID, err)
		}
	}
	if warns.Valid {
		if err := json.Unmarshal([]byte(warns.String), &j.Warnings); err != nil {
			return nil, fmt.Errorf("job %s warnings: %w", j.ID, err)
		}
	}
	return &j, nil
}

// CreateJob implements job.Store. SQLite's single writer makes the counts
// and the insert atomic.
func (s *Store) CreateJob(ctx context.Context, j *job.Job, payload []byte, lim job.Limits) error {
	run := s.tx
	if len(payload) > smallWrite {
		run = s.growTx
	}
	err := run(ctx, func(tx *sql.Tx) error {
		if lim.PerKind > 0 {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM jobs WHERE project = ? AND kind = ?
				AND status IN `+job.SQL.Unfinished+` AND expires > ?`, j.Project, j.Kind, ms(j.Created)).Scan(&n); err != nil {
				return err
			}
			if n >= lim.PerKind {
				return job.ErrBusy
			}
		}
		if lim.Total > 0 {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM jobs WHERE status IN `+job.SQL.Unfinished+`
				AND expires > ?`, ms(j.Created)).Scan(&n); err != nil {
				return err
			}
			if n >= lim.Total {
				return job.ErrQueueFull
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO jobs (id, kind, project, api_version, status, created, updated, expires, detail)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, j.ID, j.Kind, j.Project, j.APIVersion, j.Status,
			ms(j.Created), ms(j.Updated), ms(j.Expires), j.Detail); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO job_data (id, payload, payload_sum) VALUES (?, ?, ?)`, j.ID, payload, checksum.Of(payload))
		return err
	})
	if err != nil {
		return fmt.Errorf("create job %s: %w", j.ID, err)
	}
	return nil
}

// GetJob implements job.Store.
func (s *Store) GetJob(ctx context.Context, id string, now time.Time) (*job.Job, error) {
	j, err := scanJob(s.getJob.QueryRowContext(ctx, id, ms(now)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("job %s: %w", id, job.ErrNotFound)
	}
	return j, err
}

// ClaimJobs implements job.Store with one UPDATE ... RETURNING, which SQLite's
// single writer makes atomic. It runs in a transaction so that a claim whose
// rows could not all be read is rolled back, never left leased to a caller
// that did not get the jobs.
func (s *Store) ClaimJobs(ctx context.Context, p job.ClaimParams) ([]*job.Job, error) {
	now := ms(p.Now)
	var out []*job.Job
	err := s.tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `UPDATE jobs SET status = `+job.SQL.Running+`, lease_owner = ?1, lease_expires = ?2,
			attempt = attempt + 1, updated = CASE WHEN status = `+job.SQL.NotStarted+` THEN ?3 ELSE updated END
			WHERE id IN (SELECT id FROM jobs WHERE expires > ?3 AND (status = `+job.SQL.NotStarted+`
				OR (status = `+job.SQL.Running+` AND lease_expires < ?3 AND attempt < ?4))
				AND kind NOT IN (SELECT value FROM json_each(?6)) ORDER BY rowid LIMIT ?5)
			RETURNING `+jobColumns, p.Owner, ms(p.LeaseUntil), now, p.MaxAttempts, p.Limit, kindList(p.ExcludeKinds))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			j, err := scanJob(rows)
			if err != nil {
				return err
			}
			out = append(out, j)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("claim jobs: %w", err)
	}
	return out, nil
}

// kindList renders kinds as a JSON array for json_each: "[]" for none, as
// json_each("null") would yield a NULL that excludes every kind.
func kindList(kinds []job.Kind) string {
	if len(kinds) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(kinds) // strings cannot fail to encode
	return string(b)
}

// JobPayload implements job.Store.
func (s *Store) JobPayload(ctx context.Context, id string) ([]byte, error) {
	var b []byte
	var sum *int64
	err := s.r.QueryRowContext(ctx, `SELECT payload, payload_sum FROM job_data WHERE id = ?`, id).Scan(&b, &sum)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("job %s payload: %w", id, job.ErrNotFound)
	} else if err != nil {
		return nil, err
	}
	return b, checksum.Check("payload of job "+id, b, sum)
}

// ExtendLease implements job.Store.
func (s *Store) ExtendLease(ctx context.Context, id, owner string, until time.Time) (job.Status, error) {
	var st job.Status
	err := s.w.QueryRowContext(ctx, `UPDATE jobs SET lease_expires = ? WHERE id = ? AND lease_owner = ?
		AND status IN `+job.SQL.Leased+` RETURNING status`, ms(until), id, owner).Scan(&st)
	err = s.writeErr(err)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("extend lease of job %s: %w", id, job.ErrLeaseLost)
	} else if err != nil {
		return "", fmt.Errorf("extend lease of job %s: %w", id, err)
	}
	return st, nil
}

// ReleaseJob implements job.Store: the lease is dropped and expired at
// once, so the next claim takes the job.
func (s *Store) ReleaseJob(ctx context.Context, id, owner string) error {
	res, err := s.exec(ctx, `UPDATE jobs SET lease_owner = NULL, lease_expires = 0
		WHERE id = ? AND lease_owner = ? AND status IN `+job.SQL.Leased, id, owner)
	if err != nil {
		return fmt.Errorf("release job %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("release job %s: %w", id, job.ErrLeaseLost)
	}
	return nil
}

// SetJobDetail implements job.Store.
func (s *Store) SetJobDetail(ctx context.Context, id, owner string, detail []byte, now time.Time) error {
	res, err := s.exec(ctx, `UPDATE jobs SET detail = ?, updated = ? WHERE id = ? AND lease_owner = ?
		AND status IN `+job.SQL.Leased, detail, ms(now), id, owner)
	if err != nil {
		return fmt.Errorf("set detail of job %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("set detail of job %s: %w", id, job.ErrLeaseLost)
	}
	return nil
}

// CancelJob implements job.Store.
func (s *Store) CancelJob(ctx context.Context, id string, now time.Time) (job.Status, error) {
	var st job.Status
	err := s.w.QueryRowContext(ctx, `UPDATE jobs SET updated = ?1,
		status = CASE status WHEN `+job.SQL.NotStarted+` THEN `+job.SQL.Cancelled+` ELSE `+job.SQL.Cancelling+` END
		WHERE id = ?2 AND expires > ?1 AND status IN `+job.SQL.Unfinished+` RETURNING status`, ms(now), id).Scan(&st)
	err = s.writeErr(err)
	if errors.Is(err, sql.ErrNoRows) {
		if _, err := s.GetJob(ctx, id, now); err != nil {
			return "", err
		}
		return "", fmt.Errorf("cancel job %s: %w", id, job.ErrFinished)
	} else if err != nil {
		return "", fmt.Errorf("cancel job %s: %w", id, err)
	}
	return st, nil
}

// QueuedJobs implements job.Store.
func (s *Store) QueuedJobs(ctx context.Context, now time.Time) (map[job.Kind]int, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT kind, count(*) FROM jobs WHERE status = `+job.SQL.NotStarted+` AND expires > ? GROUP BY kind`, ms(now))
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
	rows, err := s.r.QueryContext(ctx, `SELECT `+jobColumns+` FROM jobs WHERE project = ? AND kind = ? AND expires > ?
		ORDER BY created, rowid LIMIT ? OFFSET ?`, project, kind, ms(now), limit+1, offset)
	if err != nil {
		return nil, false, fmt.Errorf("list jobs: %w", err)
	}
	defer rows.Close()
	var out []*job.Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, false, fmt.Errorf("list jobs: %w", err)
		}
		out = append(out, j)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("list jobs: %w", err)
	}
	if len(out) > limit {
		return out[:limit], true, nil
	}
	return out, false, nil
}

func jsonText[T any](v []T) (sql.NullString, error) {
	if len(v) == 0 {
		return sql.NullString{}, nil
	}
	b, err := json.Marshal(v)
	return sql.NullString{String: string(b), Valid: true}, err
}

// FinishJob implements job.Store.
func (s *Store) FinishJob(ctx context.Context, p job.FinishParams) error {
	run := s.tx
	if len(p.Result) > smallWrite {
		run = s.growTx
	}
	errs, err := jsonText(p.Errors)
	if err != nil {
		return err
	}
	warns, err := jsonText(p.Warnings)
	if err != nil {
		return err
	}
	err = run(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE jobs SET status = ?, updated = ?, errors = ?, warnings = ?,
			detail = coalesce(?, detail), lease_owner = NULL, lease_expires = NULL
			WHERE id = ? AND lease_owner = ? AND status IN `+job.SQLList(job.From(p.Status)),
			p.Status, ms(p.Now), errs, warns, p.Detail, p.ID, p.Owner)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return job.ErrLeaseLost
		}
		if p.Result != nil {
			_, err = tx.ExecContext(ctx, `UPDATE job_data SET result = ?, result_sum = ?, result_blob = ?, payload = NULL, payload_sum = NULL WHERE id = ?`,
				p.Result, checksum.Of(p.Result), sql.NullString{String: p.ResultBlob, Valid: p.ResultBlob != ""}, p.ID)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE job_data SET payload = NULL, payload_sum = NULL WHERE id = ?`, p.ID)
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
	err = s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE jobs SET status = `+job.SQL.Failed+`, errors = ?, updated = ?,
			lease_owner = NULL, lease_expires = NULL
			WHERE status = `+job.SQL.Running+` AND lease_expires < ? AND attempt >= ?`,
			errs, ms(now), ms(now), maxAttempts)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		// A job being cancelled when its process died is cancelled now.
		res, err = tx.ExecContext(ctx, `UPDATE jobs SET status = `+job.SQL.Cancelled+`, updated = ?,
			lease_owner = NULL, lease_expires = NULL WHERE status = `+job.SQL.Cancelling+` AND lease_expires < ?`, ms(now), ms(now))
		if err != nil {
			return err
		}
		m, _ := res.RowsAffected()
		n += m
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("fail abandoned jobs: %w", err)
	}
	return int(n), nil
}

// DeleteExpiredJobs implements job.Store. It also deletes the blobs that
// neither a project nor an unexpired job result references any more.
func (s *Store) DeleteExpiredJobs(ctx context.Context, now time.Time) (int, error) {
	var n int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM jobs WHERE expires <= ?`, ms(now))
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		_, err = tx.ExecContext(ctx, `DELETE FROM blobs WHERE id NOT IN (SELECT blob FROM project_content)
			AND id NOT IN (SELECT result_blob FROM job_data WHERE result_blob IS NOT NULL)`)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("delete expired jobs: %w", err)
	}
	return int(n), nil
}

// TrimFinishedJobs implements job.Store.
func (s *Store) TrimFinishedJobs(ctx context.Context, now time.Time, keep job.Retain) (int, error) {
	res, err := s.exec(ctx, `DELETE FROM jobs WHERE id IN (SELECT id FROM (
			SELECT j.id, row_number() OVER (PARTITION BY j.project, j.kind ORDER BY j.created DESC, j.id DESC) AS n,
				sum(coalesce(length(d.result), 0)) OVER (ORDER BY j.created DESC, j.id DESC ROWS UNBOUNDED PRECEDING) AS bytes
			FROM jobs j LEFT JOIN job_data d ON d.id = j.id WHERE j.status IN `+job.SQL.Terminal+`)
		WHERE n > ? OR bytes > ?) AND updated < ?`, keep.PerKind, keep.ResultBytes, ms(now.Add(-keep.Grace)))
	if err != nil {
		return 0, fmt.Errorf("trim finished jobs: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// JobResult implements job.Store.
func (s *Store) JobResult(ctx context.Context, id string, now time.Time) (*job.Result, error) {
	var r job.Result
	var sum, blobSum *int64
	err := s.r.QueryRowContext(ctx, `SELECT d.result, d.result_sum, b.data, b.sum FROM job_data d JOIN jobs j ON j.id = d.id
		LEFT JOIN blobs b ON b.id = d.result_blob
		WHERE d.id = ? AND j.expires > ? AND d.result IS NOT NULL`, id, ms(now)).Scan(&r.Data, &sum, &r.Blob, &blobSum)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("job %s result: %w", id, job.ErrNotFound)
	} else if err != nil {
		return nil, fmt.Errorf("job %s result: %w", id, err)
	}
	if err := errors.Join(checksum.Check("result of job "+id, r.Data, sum), checksum.Check("project content exported by job "+id, r.Blob, blobSum)); err != nil {
		return nil, err
	}
	return &r, nil
}
