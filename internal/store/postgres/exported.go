package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

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

// SaveExportedModel implements project.Store. The project's row is locked
// while the exported models are counted, so that concurrent exports cannot
// pass the quota.
func (s *Store) SaveExportedModel(ctx context.Context, e *project.ExportedModel, engine []byte, maxExported int) error {
	err := s.tx(ctx, func(tx pgx.Tx) error {
		if err := lockProject(ctx, tx, e.Project); err != nil {
			return err
		}
		var all int
		var same bool
		if err := tx.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE name = $2) > 0 FROM exported_models WHERE project = $1`,
			e.Project, e.Name).Scan(&all, &same); err != nil {
			return err
		}
		if !same && all >= maxExported {
			return project.ErrQuota
		}
		_, err := tx.Exec(ctx, `INSERT INTO exported_models (`+exportedColumns+`, engine, engine_sum)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
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
	if !storable(projectName) {
		return []*project.ExportedModel{}, nil // as a query that finds none
	}
	rows, err := s.pool.Query(ctx, `SELECT `+exportedColumns+` FROM exported_models WHERE project = $1 ORDER BY name`, projectName)
	if err != nil {
		return nil, fmt.Errorf("list exported models: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*project.ExportedModel, error) { return scanExported(r) })
	if err != nil {
		return nil, fmt.Errorf("list exported models: %w", err)
	}
	if out == nil {
		out = []*project.ExportedModel{}
	}
	return out, nil
}

// GetExportedModel implements project.Store.
func (s *Store) GetExportedModel(ctx context.Context, projectName, name string) (*project.ExportedModel, error) {
	if !storable(projectName, name) {
		return nil, exportedNotFound(projectName, name)
	}
	e, err := scanExported(s.pool.QueryRow(ctx, `SELECT `+exportedColumns+` FROM exported_models WHERE project = $1 AND name = $2`, projectName, name))
	if noRows(err) {
		return nil, exportedNotFound(projectName, name)
	} else if err != nil {
		return nil, fmt.Errorf("exported model %q of project %q: %w", name, projectName, err)
	}
	return e, nil
}

// ExportedModelEngine implements project.Store.
func (s *Store) ExportedModelEngine(ctx context.Context, projectName, name string) ([]byte, error) {
	if !storable(projectName, name) {
		return nil, exportedNotFound(projectName, name)
	}
	var engine []byte
	var sum *int64
	err := s.pool.QueryRow(ctx, `SELECT engine, engine_sum FROM exported_models WHERE project = $1 AND name = $2`, projectName, name).Scan(&engine, &sum)
	if noRows(err) {
		return nil, exportedNotFound(projectName, name)
	} else if err != nil {
		return nil, fmt.Errorf("exported model %q of project %q: %w", name, projectName, err)
	}
	return engine, checksum.Check(fmt.Sprintf("model of exported model %q of project %q", name, projectName), engine, sum)
}

// DeleteExportedModel implements project.Store.
func (s *Store) DeleteExportedModel(ctx context.Context, projectName, name string) error {
	if !storable(projectName, name) {
		return exportedNotFound(projectName, name)
	}
	tag, err := s.exec(ctx, `DELETE FROM exported_models WHERE project = $1 AND name = $2`, projectName, name)
	if err != nil {
		return fmt.Errorf("delete exported model %q of project %q: %w", name, projectName, err)
	}
	if tag.RowsAffected() == 0 {
		return exportedNotFound(projectName, name)
	}
	return nil
}
