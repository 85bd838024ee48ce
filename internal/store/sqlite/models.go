package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

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

// SaveModel implements project.Store.
func (s *Store) SaveModel(ctx context.Context, m *project.Model, d *project.ModelData, maxModels int) error {
	err := s.growTx(ctx, func(tx *sql.Tx) error {
		var projects, same, all int
		if err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM projects WHERE name = ?1),
			(SELECT count(*) FROM models WHERE project = ?1 AND label = ?2),
			(SELECT count(*) FROM models WHERE project = ?1)`, m.Project, m.Label).Scan(&projects, &same, &all); err != nil {
			return err
		}
		switch {
		case projects == 0:
			return project.ErrNotFound
		case same == 0 && all >= maxModels:
			return project.ErrQuota
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO models (`+modelColumns+`, snapshot, model, evaluation, snapshot_sum, model_sum, evaluation_sum)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (project, label) DO UPDATE SET model_id = excluded.model_id, trained = excluded.trained,
			duration_s = excluded.duration_s, config_version = excluded.config_version, expiration = excluded.expiration,
			snapshot = excluded.snapshot, model = excluded.model, evaluation = excluded.evaluation,
			snapshot_sum = excluded.snapshot_sum, model_sum = excluded.model_sum, evaluation_sum = excluded.evaluation_sum`,
			m.Project, m.Label, m.ID, ms(m.Trained), int64(m.Duration/time.Second), m.ConfigVersion, m.ExpirationDate,
			d.Snapshot, d.Engine, d.Evaluation, checksum.Of(d.Snapshot), checksum.Of(d.Engine), checksum.Of(d.Evaluation))
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE projects SET last_trained = ? WHERE name = ?`, ms(m.Trained), m.Project)
		return err
	})
	if err != nil {
		return fmt.Errorf("save model %q of project %q: %w", m.Label, m.Project, err)
	}
	return nil
}

// ListModels implements project.Store.
func (s *Store) ListModels(ctx context.Context, projectName string) ([]*project.Model, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+modelColumns+` FROM models WHERE project = ? ORDER BY label`, projectName)
	if err != nil {
		return nil, fmt.Errorf("list models: %w", err)
	}
	defer rows.Close()
	var out []*project.Model
	for rows.Next() {
		m, err := scanModel(rows)
		if err != nil {
			return nil, fmt.Errorf("list models: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// GetModel implements project.Store.
func (s *Store) GetModel(ctx context.Context, projectName, label string) (*project.Model, error) {
	m, err := scanModel(s.r.QueryRowContext(ctx, `SELECT `+modelColumns+` FROM models WHERE project = ? AND label = ?`, projectName, label))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("model %q of project %q: %w", label, projectName, project.ErrModelNotFound)
	}
	return m, err
}

// GetModelData implements project.Store.
func (s *Store) GetModelData(ctx context.Context, projectName, label string, part project.ModelPart) ([]byte, error) {
	var col string
	switch part {
	case project.PartSnapshot, project.PartEngine, project.PartEvaluation:
		col = string(part)
	default:
		return nil, fmt.Errorf("unknown model part %q", part)
	}
	var b []byte
	var sum *int64
	err := s.r.QueryRowContext(ctx, `SELECT `+col+`, `+col+`_sum FROM models WHERE project = ? AND label = ?`, projectName, label).Scan(&b, &sum)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("model %q of project %q: %w", label, projectName, project.ErrModelNotFound)
	} else if err != nil {
		return nil, err
	}
	return b, checksum.Check(fmt.Sprintf("%s of model %q of project %q", part, label, projectName), b, sum)
}

// DeleteModel implements project.Store.
func (s *Store) DeleteModel(ctx context.Context, projectName, label string) error {
	res, err := s.exec(ctx, `DELETE FROM models WHERE project = ? AND label = ?`, projectName, label)
	if err != nil {
		return fmt.Errorf("delete model %q of project %q: %w", label, projectName, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("model %q of project %q: %w", label, projectName, project.ErrModelNotFound)
	}
	return nil
}

// SetModelEvaluation implements project.Store.
func (s *Store) SetModelEvaluation(ctx context.Context, projectName, label, modelID string, evaluation []byte) error {
	res, err := s.exec(ctx, `UPDATE models SET evaluation = ?, evaluation_sum = ? WHERE project = ? AND label = ? AND model_id = ?`,
		evaluation, checksum.Of(evaluation), projectName, label, modelID)
	if err != nil {
		return fmt.Errorf("set the evaluation of model %q of project %q: %w", label, projectName, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("model %q (%s) of project %q: %w", label, modelID, projectName, project.ErrModelNotFound)
	}
	return nil
}
