package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/parley-dev/parley/internal/project"
	"github.com/parley-dev/parley/internal/store/checksum"
)

const modelColumns = `project, label, model_id, trained, duration_s, config_version, expiration`

func scanModel(row scanner) (*project.Model, error) {
	var m project.Model
	var trained, duration int64
	if err := row.Scan(&m.Project, &m.Label, &m.ID, &trained, &duration, &m.ConfigVersion, &m.ExpirationDate); err != nil {
		return nil, err
	}
	m.Trained, m.Duration = fromMS(trained), time.Duration(duration)*time.Second
	return &m, nil
}

// lockProject locks a project's row against other writers of its models
// and deployments (and its deletion) until the transaction ends; it
// returns project.ErrNotFound when there is no such project.
func lockProject(ctx context.Context, tx pgx.Tx, name string) error {
	if !storable(name) {
		return project.ErrNotFound
	}
	tag, err := tx.Exec(ctx, `SELECT 1 FROM projects WHERE name = $1 FOR NO KEY UPDATE`, name)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return project.ErrNotFound
	}
	return nil
}

// SaveModel implements project.Store. The project's row is locked while the
// models are counted, so that concurrent trainings cannot pass the quota.
func (s *Store) SaveModel(ctx context.Context, m *project.Model, d *project.ModelData, maxModels int) error {
	err := s.tx(ctx, func(tx pgx.Tx) error {
		if err := lockProject(ctx, tx, m.Project); err != nil {
			return err
		}
		var all int
		var same bool
		if err := tx.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE label = $2) > 0 FROM models WHERE project = $1`,
			m.Project, m.Label).Scan(&all, &same); err != nil {
			return err
		}
		if !same && all >= maxModels {
			return project.ErrQuota
		}
		_, err := tx.Exec(ctx, `INSERT INTO models (`+modelColumns+`, snapshot, model, evaluation, snapshot_sum, model_sum, evaluation_sum)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
			ON CONFLICT (project, label) DO UPDATE SET model_id = excluded.model_id, trained = excluded.trained,
			duration_s = excluded.duration_s, config_version = excluded.config_version, expiration = excluded.expiration,
			snapshot = excluded.snapshot, model = excluded.model, evaluation = excluded.evaluation,
			snapshot_sum = excluded.snapshot_sum, model_sum = excluded.model_sum, evaluation_sum = excluded.evaluation_sum`,
			m.Project, m.Label, m.ID, ms(m.Trained), int64(m.Duration/time.Second), m.ConfigVersion, m.ExpirationDate,
			d.Snapshot, d.Engine, d.Evaluation, checksum.Of(d.Snapshot), checksum.Of(d.Engine), checksum.Of(d.Evaluation))
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE projects SET last_trained = $1 WHERE name = $2`, ms(m.Trained), m.Project)
		return err
	})
	if err != nil {
		return fmt.Errorf("save model %q of project %q: %w", m.Label, m.Project, err)
	}
	return nil
}

// ListModels implements project.Store.
func (s *Store) ListModels(ctx context.Context, projectName string) ([]*project.Model, error) {
	if !storable(projectName) {
		return []*project.Model{}, nil // as a query that finds none
	}
	rows, err := s.pool.Query(ctx, `SELECT `+modelColumns+` FROM models WHERE project = $1 ORDER BY label`, projectName)
	if err != nil {
		return nil, fmt.Errorf("list models: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*project.Model, error) { return scanModel(r) })
	if err != nil {
		return nil, fmt.Errorf("list models: %w", err)
	}
	return out, nil
}

// GetModel implements project.Store.
func (s *Store) GetModel(ctx context.Context, projectName, label string) (*project.Model, error) {
	if !storable(projectName, label) {
		return nil, fmt.Errorf("model %q of project %q: %w", label, projectName, project.ErrModelNotFound)
	}
	m, err := scanModel(s.pool.QueryRow(ctx, `SELECT `+modelColumns+` FROM models WHERE project = $1 AND label = $2`, projectName, label))
	if noRows(err) {
		return nil, fmt.Errorf("model %q of project %q: %w", label, projectName, project.ErrModelNotFound)
	} else if err != nil {
		return nil, fmt.Errorf("model %q of project %q: %w", label, projectName, err)
	}
	return m, nil
}

// GetModelData implements project.Store.
func (s *Store) GetModelData(ctx context.Context, projectName, label string, part project.ModelPart) ([]byte, error) {
	var col string
	switch part {
	case project.PartSnapshot, project.PartEngine, project.PartEvaluation:
		col = string(part) // a column name
	default:
		return nil, fmt.Errorf("unknown model part %q", part)
	}
	if !storable(projectName, label) {
		return nil, fmt.Errorf("model %q of project %q: %w", label, projectName, project.ErrModelNotFound)
	}
	var b []byte
	var sum *int64
	err := s.pool.QueryRow(ctx, `SELECT `+col+`, `+col+`_sum FROM models WHERE project = $1 AND label = $2`, projectName, label).Scan(&b, &sum)
	if noRows(err) {
		return nil, fmt.Errorf("model %q of project %q: %w", label, projectName, project.ErrModelNotFound)
	} else if err != nil {
		return nil, fmt.Errorf("model %q of project %q: %w", label, projectName, err)
	}
	return b, checksum.Check(fmt.Sprintf("%s of model %q of project %q", part, label, projectName), b, sum)
}

// DeleteModel implements project.Store.
func (s *Store) DeleteModel(ctx context.Context, projectName, label string) error {
	if !storable(projectName, label) {
		return fmt.Errorf("model %q of project %q: %w", label, projectName, project.ErrModelNotFound)
	}
	tag, err := s.exec(ctx, `DELETE FROM models WHERE project = $1 AND label = $2`, projectName, label)
	if err != nil {
		return fmt.Errorf("delete model %q of project %q: %w", label, projectName, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("model %q of project %q: %w", label, projectName, project.ErrModelNotFound)
	}
	return nil
}

// SetModelEvaluation implements project.Store.
func (s *Store) SetModelEvaluation(ctx context.Context, projectName, label, modelID string, evaluation []byte) error {
	if !storable(projectName, label) {
		return fmt.Errorf("model %q of project %q: %w", label, projectName, project.ErrModelNotFound)
	}
	tag, err := s.exec(ctx, `UPDATE models SET evaluation = $1, evaluation_sum = $2 WHERE project = $3 AND label = $4 AND model_id = $5`,
		evaluation, checksum.Of(evaluation), projectName, label, modelID)
	if err != nil {
		return fmt.Errorf("set the evaluation of model %q of project %q: %w", label, projectName, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("model %q (%s) of project %q: %w", label, modelID, projectName, project.ErrModelNotFound)
	}
	return nil
}
