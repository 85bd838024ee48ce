package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/parley-dev/parley/internal/project"
	"github.com/parley-dev/parley/internal/store/checksum"
)

const exportedColumns = `project, name, model_label, model_id, trained, exported, config_version, expiration, threshold, language`

func scanExported(row scanner) (*project.ExportedModel, error) {
	var e project.ExportedModel
	var trained, exported int64
	if err := row.Scan(&e.Project, &e.Name, &e.ModelLabel, &e.ModelID, &trained, &exported, &e.ConfigVersion,
		&e.ExpirationDate, &e.Threshold, &e.Language); err != nil {
		return nil, err
	}
	e.Trained, e.Exported = fromMS(trained), fromMS(exported)
	return &e, nil
}

func exportedNotFound(projectName, name string) error {
	return fmt.Errorf("exported model %q of project %q: %w", name, projectName, project.ErrExportedModelNotFound)
}

// SaveExportedModel implements project.Store.
func (s *Store) SaveExportedModel(ctx context.Context, e *project.ExportedModel, engine []byte, maxExported int) error {
	err := s.growTx(ctx, func(tx *sql.Tx) error {
		var projects, same, all int
		if err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM projects WHERE name = ?1),
			(SELECT count(*) FROM exported_models WHERE project = ?1 AND name = ?2),
			(SELECT count(*) FROM exported_models WHERE project = ?1)`, e.Project, e.Name).Scan(&projects, &same, &all); err != nil {
			return err
		}
		switch {
		case projects == 0:
			return project.ErrNotFound
		case same == 0 && all >= maxExported:
			return project.ErrQuota
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO exported_models (`+exportedColumns+`, engine, engine_sum)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (project, name) DO UPDATE SET model_label = excluded.model_label, model_id = excluded.model_id,
			trained = excluded.trained, exported = excluded.exported, config_version = excluded.config_version,
			expiration = excluded.expiration, threshold = excluded.threshold, language = excluded.language,
			engine = excluded.engine, engine_sum = excluded.engine_sum`,
			e.Project, e.Name, e.ModelLabel, e.ModelID, ms(e.Trained), ms(e.Exported), e.ConfigVersion,
			e.ExpirationDate, e.Threshold, e.Language, engine, checksum.Of(engine))
		return err
	})
	if err != nil {
		return fmt.Errorf("save exported model %q of project %q: %w", e.Name, e.Project, err)
	}
	return nil
}

// ListExportedModels implements project.Store.
func (s *Store) ListExportedModels(ctx context.Context, projectName string) ([]*project.ExportedModel, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+exportedColumns+` FROM exported_models WHERE project = ? ORDER BY name`, projectName)
	if err != nil {
		return nil, fmt.Errorf("list exported models: %w", err)
	}
	defer rows.Close()
	out := []*project.ExportedModel{}
	for rows.Next() {
		e, err := scanExported(rows)
		if err != nil {
			return nil, fmt.Errorf("list exported models: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// GetExportedModel implements project.Store.
func (s *Store) GetExportedModel(ctx context.Context, projectName, name string) (*project.ExportedModel, error) {
	e, err := scanExported(s.r.QueryRowContext(ctx, `SELECT `+exportedColumns+` FROM exported_models WHERE project = ? AND name = ?`, projectName, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, exportedNotFound(projectName, name)
	}
	return e, err
}

// ExportedModelEngine implements project.Store.
func (s *Store) ExportedModelEngine(ctx context.Context, projectName, name string) ([]byte, error) {
	var engine []byte
	var sum *int64
	err := s.r.QueryRowContext(ctx, `SELECT engine, engine_sum FROM exported_models WHERE project = ? AND name = ?`, projectName, name).Scan(&engine, &sum)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, exportedNotFound(projectName, name)
	} else if err != nil {
		return nil, err
	}
	return engine, checksum.Check(fmt.Sprintf("model of exported model %q of project %q", name, projectName), engine, sum)
}

// DeleteExportedModel implements project.Store.
func (s *Store) DeleteExportedModel(ctx context.Context, projectName, name string) error {
	res, err := s.exec(ctx, `DELETE FROM exported_models WHERE project = ? AND name = ?`, projectName, name)
	if err != nil {
		return fmt.Errorf("delete exported model %q of project %q: %w", name, projectName, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return exportedNotFound(projectName, name)
	}
	return nil
}
