package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/parley-dev/parley/internal/project"
	"github.com/parley-dev/parley/internal/store/checksum"
)

var _ project.Store = (*Store)(nil)

const projectColumns = `name, kind, language, description, multilingual, settings, storage_container, created, modified, last_trained, last_deployed`

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

// nullMS is t in milliseconds, or NULL for the zero time.
func nullMS(t time.Time) *int64 {
	if t.IsZero() {
		return nil
	}
	v := t.UnixMilli()
	return &v
}

// scanProject scans a project row; extra receive the columns after it.
func scanProject(row scanner, extra ...any) (*project.Project, error) {
	var p project.Project
	var kind string
	var settings *string
	var created, modified int64
	var trained, deployed *int64
	dest := append([]any{&p.Name, &kind, &p.Language, &p.Description, &p.Multilingual, &settings,
		&p.StorageInputContainerName, &created, &modified, &trained, &deployed}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	p.Kind = project.Kind(kind)
	p.Created, p.Modified = fromMS(created), fromMS(modified)
	if trained != nil {
		p.LastTrained = fromMS(*trained)
	}
	if deployed != nil {
		p.LastDeployed = fromMS(*deployed)
	}
	if settings != nil {
		p.Settings = new(project.Settings)
		if err := json.Unmarshal([]byte(*settings), p.Settings); err != nil {
			return nil, fmt.Errorf("project %q settings: %w", p.Name, err)
		}
	}
	return &p, nil
}

func settingsText(s *project.Settings) (*string, error) {
	if s == nil {
		return nil, nil
	}
	b, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	v := string(b)
	return &v, nil
}

// ListProjects implements project.Store.
func (s *Store) ListProjects(ctx context.Context, offset, limit int) ([]*project.Project, bool, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+projectColumns+` FROM projects ORDER BY created DESC, seq DESC LIMIT $1 OFFSET $2`, limit+1, offset)
	if err != nil {
		return nil, false, fmt.Errorf("list projects: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*project.Project, error) { return scanProject(r) })
	if err != nil {
		return nil, false, fmt.Errorf("list projects: %w", err)
	}
	if len(out) > limit {
		return out[:limit], true, nil
	}
	return out, false, nil
}

// GetProject implements project.Store.
func (s *Store) GetProject(ctx context.Context, name string) (*project.Project, error) {
	if !storable(name) {
		return nil, fmt.Errorf("project %q: %w", name, project.ErrNotFound)
	}
	p, err := scanProject(s.pool.QueryRow(ctx, `SELECT `+projectColumns+` FROM projects WHERE name = $1`, name))
	if noRows(err) {
		return nil, fmt.Errorf("project %q: %w", name, project.ErrNotFound)
	} else if err != nil {
		return nil, fmt.Errorf("project %q: %w", name, err)
	}
	return p, nil
}

// lockProjectCreation takes the lock under which projects are counted
// against the quota and created.
func lockProjectCreation(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, lockProjectQuota)
	return err
}

// countProjects returns how many projects there are and whether name is one.
func countProjects(ctx context.Context, tx pgx.Tx, name string) (n int, exists bool, err error) {
	err = tx.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE name = $1) > 0 FROM projects`, name).Scan(&n, &exists)
	return n, exists, err
}

// CreateProject implements project.Store.
func (s *Store) CreateProject(ctx context.Context, p *project.Project, maxProjects int) error {
	settings, err := settingsText(p.Settings)
	if err != nil {
		return err
	}
	err = s.tx(ctx, func(tx pgx.Tx) error {
		if err := lockProjectCreation(ctx, tx); err != nil {
			return err
		}
		n, exists, err := countProjects(ctx, tx, p.Name)
		switch {
		case err != nil:
			return err
		case exists:
			return project.ErrExists
		case n >= maxProjects:
			return project.ErrQuota
		}
		_, err = tx.Exec(ctx, `INSERT INTO projects (`+projectColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			p.Name, string(p.Kind), p.Language, p.Description, p.Multilingual, settings, p.StorageInputContainerName,
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
	if !storable(p.Name) {
		return fmt.Errorf("update project %q: %w", p.Name, project.ErrNotFound)
	}
	settings, err := settingsText(p.Settings)
	if err != nil {
		return err
	}
	tag, err := s.exec(ctx, `UPDATE projects SET kind = $1, language = $2, description = $3, multilingual = $4,
		settings = $5, storage_container = $6, modified = $7 WHERE name = $8`,
		string(p.Kind), p.Language, p.Description, p.Multilingual, settings, p.StorageInputContainerName,
		ms(p.Modified), p.Name)
	if err != nil {
		return fmt.Errorf("update project %q: %w", p.Name, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("update project %q: %w", p.Name, project.ErrNotFound)
	}
	return nil
}

// DeleteProject implements project.Store. Its content blob is left to the
// expiry pass, as an export may reference it.
func (s *Store) DeleteProject(ctx context.Context, name string) error {
	if !storable(name) {
		return fmt.Errorf("delete project %q: %w", name, project.ErrNotFound)
	}
	tag, err := s.exec(ctx, `DELETE FROM projects WHERE name = $1`, name)
	if err != nil {
		return fmt.Errorf("delete project %q: %w", name, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("delete project %q: %w", name, project.ErrNotFound)
	}
	return nil
}

// contentQuery reads a project and its content in one statement, so from
// one snapshot.
var contentQuery = `SELECT ` + prefixed("p", projectColumns) + `, c.blob, b.data, b.sum FROM projects p
	LEFT JOIN project_content c ON c.name = p.name LEFT JOIN blobs b ON b.id = c.blob WHERE p.name = $1`

func scanContent(row scanner) (*project.Project, project.Content, error) {
	var blob *string
	var data []byte
	var sum *int64
	p, err := scanProject(row, &blob, &data, &sum)
	if err != nil || blob == nil || data == nil {
		return p, project.Content{}, err
	}
	if err := checksum.Check(fmt.Sprintf("content of project %q", p.Name), data, sum); err != nil {
		return nil, project.Content{}, err
	}
	return p, project.Content{Blob: *blob, Assets: data}, nil
}

// ProjectContent implements project.Store.
func (s *Store) ProjectContent(ctx context.Context, name string) (*project.Project, project.Content, error) {
	if !storable(name) {
		return nil, project.Content{}, fmt.Errorf("project %q: %w", name, project.ErrNotFound)
	}
	p, c, err := scanContent(s.pool.QueryRow(ctx, contentQuery, name))
	if noRows(err) {
		return nil, c, fmt.Errorf("project %q: %w", name, project.ErrNotFound)
	} else if err != nil {
		return nil, c, fmt.Errorf("project %q content: %w", name, err)
	}
	return p, c, nil
}

// ExportContent implements project.Store. It holds lockBlobs shared from the
// read to the pin, so the blob collection cannot delete the blob between.
// A job id that no job can have pins nothing, as an id no job has.
func (s *Store) ExportContent(ctx context.Context, name, jobID string) (*project.Project, project.Content, error) {
	if !storable(name) {
		return nil, project.Content{}, fmt.Errorf("project %q content for job %s: %w", name, jobID, project.ErrNotFound)
	}
	var p *project.Project
	var c project.Content
	err := s.tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock_shared($1)`, lockBlobs); err != nil {
			return err
		}
		var err error
		p, c, err = scanContent(tx.QueryRow(ctx, contentQuery, name))
		if noRows(err) {
			return project.ErrNotFound
		} else if err != nil || c.Blob == "" || !storable(jobID) {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE job_data SET result_blob = $1 WHERE id = $2`, c.Blob, jobID)
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

// ReplaceProject implements project.Store. Only the creation of a project
// takes the quota lock; a replacement locks the project's row.
func (s *Store) ReplaceProject(ctx context.Context, p *project.Project, assets []byte, maxProjects int) error {
	settings, err := settingsText(p.Settings)
	if err != nil {
		return err
	}
	err = s.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `SELECT 1 FROM projects WHERE name = $1 FOR NO KEY UPDATE`, p.Name)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			if err := lockProjectCreation(ctx, tx); err != nil {
				return err
			}
			// Counted after the lock: another process may have created
			// the project meanwhile, which is then not new.
			if n, exists, err := countProjects(ctx, tx, p.Name); err != nil {
				return err
			} else if !exists && n >= maxProjects {
				return project.ErrQuota
			}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO projects (`+projectColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, NULL)
			ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, language = excluded.language,
			description = excluded.description, multilingual = excluded.multilingual, settings = excluded.settings,
			storage_container = excluded.storage_container, modified = excluded.modified`,
			p.Name, string(p.Kind), p.Language, p.Description, p.Multilingual, settings, p.StorageInputContainerName,
			ms(p.Created), ms(p.Modified)); err != nil {
			return err
		}
		if len(assets) == 0 {
			_, err := tx.Exec(ctx, `DELETE FROM project_content WHERE name = $1`, p.Name)
			return err
		}
		// A new blob each time: blobs are immutable, so that exports can
		// reference them. The one replaced goes in the expiry pass.
		id := newBlobID()
		if _, err := tx.Exec(ctx, `INSERT INTO blobs (id, data, sum) VALUES ($1, $2, $3)`, id, assets, checksum.Of(assets)); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO project_content (name, blob) VALUES ($1, $2)
			ON CONFLICT (name) DO UPDATE SET blob = excluded.blob`, p.Name, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("replace project %q: %w", p.Name, err)
	}
	return nil
}
