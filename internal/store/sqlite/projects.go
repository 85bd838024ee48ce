package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/parley-dev/parley/internal/project"
	"github.com/parley-dev/parley/internal/store/checksum"
)

var _ project.Store = (*Store)(nil)

const projectColumns = `name, kind, language, description, multilingual, settings, storage_container, created, modified, last_trained, last_deployed`

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

func nullMS(t time.Time) sql.NullInt64 {
	return sql.NullInt64{Int64: t.UnixMilli(), Valid: !t.IsZero()}
}

type scanner interface{ Scan(...any) error }

func scanProject(row scanner) (*project.Project, error) {
	var p project.Project
	var settings sql.NullString
	var created, modified int64
	var trained, deployed sql.NullInt64
	if err := row.Scan(&p.Name, &p.Kind, &p.Language, &p.Description, &p.Multilingual, &settings,
		&p.StorageInputContainerName, &created, &modified, &trained, &deployed); err != nil {
		return nil, err
	}
	p.Created, p.Modified = fromMS(created), fromMS(modified)
	if trained.Valid {
		p.LastTrained = fromMS(trained.Int64)
	}
	if deployed.Valid {
		p.LastDeployed = fromMS(deployed.Int64)
	}
	if settings.Valid {
		p.Settings = new(project.Settings)
		if err := json.Unmarshal([]byte(settings.String), p.Settings); err != nil {
			return nil, fmt.Errorf("project %q settings: %w", p.Name, err)
		}
	}
	return &p, nil
}

func settingsText(s *project.Settings) (sql.NullString, error) {
	if s == nil {
		return sql.NullString{}, nil
	}
	b, err := json.Marshal(s)
	return sql.NullString{String: string(b), Valid: true}, err
}

// ListProjects implements project.Store.
func (s *Store) ListProjects(ctx context.Context, offset, limit int) ([]*project.Project, bool, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+projectColumns+` FROM projects ORDER BY created DESC, rowid DESC LIMIT ? OFFSET ?`, limit+1, offset)
	if err != nil {
		return nil, false, fmt.Errorf("list projects: %w", err)
	}
	defer rows.Close()
	var out []*project.Project
	for rows.Next() {
		p, err := scanProject(rows)
		if err != nil {
			return nil, false, fmt.Errorf("list projects: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("list projects: %w", err)
	}
	if len(out) > limit {
		return out[:limit], true, nil
	}
	return out, false, nil
}

// GetProject implements project.Store.
func (s *Store) GetProject(ctx context.Context, name string) (*project.Project, error) {
	p, err := scanProject(s.r.QueryRowContext(ctx, `SELECT `+projectColumns+` FROM projects WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("project %q: %w", name, project.ErrNotFound)
	}
	return p, err
}

func countProjects(ctx context.Context, tx *sql.Tx) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM projects`).Scan(&n)
	return n, err
}

// CreateProject implements project.Store.
func (s *Store) CreateProject(ctx context.Context, p *project.Project, maxProjects int) error {
	settings, err := settingsText(p.Settings)
	if err != nil {
		return err
	}
	err = s.growTx(ctx, func(tx *sql.Tx) error {
		var exists int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM projects WHERE name = ?`, p.Name).Scan(&exists); err != nil {
			return err
		}
		if exists > 0 {
			return project.ErrExists
		}
		if n, err := countProjects(ctx, tx); err != nil {
			return err
		} else if n >= maxProjects {
			return project.ErrQuota
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO projects (`+projectColumns+`) VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
			p.Name, p.Kind, p.Language, p.Description, p.Multilingual, settings, p.StorageInputContainerName,
			ms(p.Created), ms(p.Modified), nullMS(p.LastTrained), nullMS(p.LastDeployed))
		return err
	})
	if err != nil {
		return fmt.Errorf("create project %q: %w", p.Name, err)
	}
	return nil
}

// UpdateProject implements project.Store.
func (s *Store) UpdateProject(ctx context.Context, p *project.Project) error {
	settings, err := settingsText(p.Settings)
	if err != nil {
		return err
	}
	res, err := s.exec(ctx, `UPDATE projects SET kind = ?, language = ?, description = ?, multilingual = ?,
		settings = ?, storage_container = ?, modified = ? WHERE name = ?`,
		p.Kind, p.Language, p.Description, p.Multilingual, settings, p.StorageInputContainerName,
		ms(p.Modified), p.Name)
	if err != nil {
		return fmt.Errorf("update project %q: %w", p.Name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("update project %q: %w", p.Name, project.ErrNotFound)
	}
	return nil
}

// DeleteProject implements project.Store.
func (s *Store) DeleteProject(ctx context.Context, name string) error {
	res, err := s.exec(ctx, `DELETE FROM projects WHERE name = ?`, name)
	if err != nil {
		return fmt.Errorf("delete project %q: %w", name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("delete project %q: %w", name, project.ErrNotFound)
	}
	return nil
}

// ProjectContent implements project.Store.
func (s *Store) ProjectContent(ctx context.Context, name string) (*project.Project, project.Content, error) {
	var c project.Content
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, c, fmt.Errorf("project %q content: %w", name, err)
	}
	defer tx.Rollback()
	p, err := scanProject(tx.QueryRowContext(ctx, `SELECT `+projectColumns+` FROM projects WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, c, fmt.Errorf("project %q: %w", name, project.ErrNotFound)
	} else if err != nil {
		return nil, c, fmt.Errorf("project %q content: %w", name, err)
	}
	var sum *int64
	err = tx.QueryRowContext(ctx, `SELECT c.blob, b.data, b.sum FROM project_content c JOIN blobs b ON b.id = c.blob
		WHERE c.name = ?`, name).Scan(&c.Blob, &c.Assets, &sum)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, c, fmt.Errorf("project %q content: %w", name, err)
	}
	if err := checksum.Check(fmt.Sprintf("content of project %q", name), c.Assets, sum); err != nil {
		return nil, project.Content{}, err
	}
	return p, c, nil
}

// ExportContent implements project.Store.
func (s *Store) ExportContent(ctx context.Context, name, jobID string) (*project.Project, project.Content, error) {
	var p *project.Project
	var c project.Content
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		p, err = scanProject(tx.QueryRowContext(ctx, `SELECT `+projectColumns+` FROM projects WHERE name = ?`, name))
		if errors.Is(err, sql.ErrNoRows) {
			return project.ErrNotFound
		} else if err != nil {
			return err
		}
		var sum *int64
		err = tx.QueryRowContext(ctx, `SELECT c.blob, b.data, b.sum FROM project_content c JOIN blobs b ON b.id = c.blob
			WHERE c.name = ?`, name).Scan(&c.Blob, &c.Assets, &sum)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		} else if err != nil {
			return err
		}
		if err := checksum.Check(fmt.Sprintf("content of project %q", name), c.Assets, sum); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE job_data SET result_blob = ? WHERE id = ?`, c.Blob, jobID)
		return err
	})
	if err != nil {
		return nil, project.Content{}, fmt.Errorf("project %q content for job %s: %w", name, jobID, err)
	}
	return p, c, nil
}

// newBlobID returns a fresh blob id.
func newBlobID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// ReplaceProject implements project.Store.
func (s *Store) ReplaceProject(ctx context.Context, p *project.Project, assets []byte, maxProjects int) error {
	settings, err := settingsText(p.Settings)
	if err != nil {
		return err
	}
	err = s.growTx(ctx, func(tx *sql.Tx) error {
		var exists int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM projects WHERE name = ?`, p.Name).Scan(&exists); err != nil {
			return err
		}
		if exists == 0 {
			if n, err := countProjects(ctx, tx); err != nil {
				return err
			} else if n >= maxProjects {
				return project.ErrQuota
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO projects (`+projectColumns+`) VALUES (?,?,?,?,?,?,?,?,?,NULL,NULL)
			ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, language = excluded.language,
			description = excluded.description, multilingual = excluded.multilingual, settings = excluded.settings,
			storage_container = excluded.storage_container, modified = excluded.modified`,
			p.Name, p.Kind, p.Language, p.Description, p.Multilingual, settings, p.StorageInputContainerName,
			ms(p.Created), ms(p.Modified)); err != nil {
			return err
		}
		if len(assets) == 0 {
			_, err := tx.ExecContext(ctx, `DELETE FROM project_content WHERE name = ?`, p.Name)
			return err
		}
		// A new blob each time: blobs are immutable, so that exports can
		// reference them. The one replaced goes in the expiry pass.
		id := newBlobID()
		if _, err := tx.ExecContext(ctx, `INSERT INTO blobs (id, data, sum) VALUES (?, ?, ?)`, id, assets, checksum.Of(assets)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO project_content (name, blob) VALUES (?, ?)
			ON CONFLICT (name) DO UPDATE SET blob = excluded.blob`, p.Name, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("replace project %q: %w", p.Name, err)
	}
	return nil
}
