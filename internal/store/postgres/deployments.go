package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/parley-dev/parley/internal/project"
	"github.com/parley-dev/parley/internal/store/checksum"
)

const deploymentColumns = `project, name, model_label, model_id, trained, deployed, config_version, expiration, threshold, language`

func scanDeployment(row scanner) (*project.Deployment, error) {
	var d project.Deployment
	var trained, deployed int64
	if err := row.Scan(&d.Project, &d.Name, &d.ModelLabel, &d.ModelID, &trained, &deployed, &d.ConfigVersion,
		&d.ExpirationDate, &d.Threshold, &d.Language); err != nil {
		return nil, err
	}
	d.Trained, d.Deployed = fromMS(trained), fromMS(deployed)
	return &d, nil
}

// SaveDeployment implements project.Store. The project's row is locked while
// the deployments are counted, so that concurrent deployments cannot pass
// the quota.
func (s *Store) SaveDeployment(ctx context.Context, d *project.Deployment, engine []byte, maxDeployments int) error {
	err := s.tx(ctx, func(tx pgx.Tx) error {
		if err := lockProject(ctx, tx, d.Project); err != nil {
			return err
		}
		var all int
		var same bool
		if err := tx.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE name = $2) > 0 FROM deployments WHERE project = $1`,
			d.Project, d.Name).Scan(&all, &same); err != nil {
			return err
		}
		if !same && all >= maxDeployments {
			return project.ErrQuota
		}
		if _, err := tx.Exec(ctx, `INSERT INTO deployments (`+deploymentColumns+`, engine, engine_sum)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
			ON CONFLICT (project, name) DO UPDATE SET model_label = excluded.model_label, model_id = excluded.model_id,
			trained = excluded.trained, deployed = excluded.deployed, config_version = excluded.config_version,
			expiration = excluded.expiration, threshold = excluded.threshold, language = excluded.language,
			engine = excluded.engine, engine_sum = excluded.engine_sum`,
			d.Project, d.Name, d.ModelLabel, d.ModelID, ms(d.Trained), ms(d.Deployed), d.ConfigVersion,
			d.ExpirationDate, d.Threshold, d.Language, engine, checksum.Of(engine)); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE projects SET last_deployed = $1 WHERE name = $2`, ms(d.Deployed), d.Project)
		return err
	})
	if err != nil {
		return fmt.Errorf("save deployment %q of project %q: %w", d.Name, d.Project, err)
	}
	return nil
}

// ListDeployments implements project.Store.
func (s *Store) ListDeployments(ctx context.Context, projectName string) ([]*project.Deployment, error) {
	if !storable(projectName) {
		return []*project.Deployment{}, nil // as a query that finds none
	}
	rows, err := s.pool.Query(ctx, `SELECT `+deploymentColumns+` FROM deployments WHERE project = $1 ORDER BY name`, projectName)
	if err != nil {
		return nil, fmt.Errorf("list deployments: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*project.Deployment, error) { return scanDeployment(r) })
	if err != nil {
		return nil, fmt.Errorf("list deployments: %w", err)
	}
	return out, nil
}

// DeploymentsVersion implements project.Store: a counter the triggers on
// deployments bump (migration deployment_version).
func (s *Store) DeploymentsVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := s.pool.QueryRow(ctx, `SELECT version FROM deployment_version WHERE id = 1`).Scan(&v); err != nil {
		return 0, fmt.Errorf("deployments version: %w", err)
	}
	return v, nil
}

// GetDeployment implements project.Store.
func (s *Store) GetDeployment(ctx context.Context, projectName, name string) (*project.Deployment, error) {
	if !storable(projectName, name) {
		return nil, fmt.Errorf("deployment %q of project %q: %w", name, projectName, project.ErrDeploymentNotFound)
	}
	d, err := scanDeployment(s.pool.QueryRow(ctx, `SELECT `+deploymentColumns+` FROM deployments WHERE project = $1 AND name = $2`, projectName, name))
	if noRows(err) {
		return nil, fmt.Errorf("deployment %q of project %q: %w", name, projectName, project.ErrDeploymentNotFound)
	} else if err != nil {
		return nil, fmt.Errorf("deployment %q of project %q: %w", name, projectName, err)
	}
	return d, nil
}

// DeploymentEngine implements project.Store.
func (s *Store) DeploymentEngine(ctx context.Context, projectName, name string) (string, []byte, error) {
	if !storable(projectName, name) {
		return "", nil, fmt.Errorf("deployment %q of project %q: %w", name, projectName, project.ErrDeploymentNotFound)
	}
	var id string
	var engine []byte
	var sum *int64
	err := s.pool.QueryRow(ctx, `SELECT model_id, engine, engine_sum FROM deployments WHERE project = $1 AND name = $2`, projectName, name).Scan(&id, &engine, &sum)
	if noRows(err) {
		return "", nil, fmt.Errorf("deployment %q of project %q: %w", name, projectName, project.ErrDeploymentNotFound)
	} else if err != nil {
		return "", nil, fmt.Errorf("deployment %q of project %q: %w", name, projectName, err)
	}
	return id, engine, checksum.Check(fmt.Sprintf("model of deployment %q of project %q", name, projectName), engine, sum)
}

// DeleteDeployment implements project.Store.
func (s *Store) DeleteDeployment(ctx context.Context, projectName, name string) error {
	if !storable(projectName, name) {
		return fmt.Errorf("deployment %q of project %q: %w", name, projectName, project.ErrDeploymentNotFound)
	}
	tag, err := s.exec(ctx, `DELETE FROM deployments WHERE project = $1 AND name = $2`, projectName, name)
	if err != nil {
		return fmt.Errorf("delete deployment %q of project %q: %w", name, projectName, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("deployment %q of project %q: %w", name, projectName, project.ErrDeploymentNotFound)
	}
	return nil
}

// SwapDeployments implements project.Store. It locks both rows, in name
// order so that two swaps of one pair cannot deadlock, and then exchanges
// everything but their names in one UPDATE, whose snapshot, taken after the
// locks, sees any swap that committed before.
func (s *Store) SwapDeployments(ctx context.Context, projectName, first, second string) error {
	if !storable(projectName, first, second) {
		return fmt.Errorf("swap deployments %q and %q of project %q: %w", first, second, projectName, project.ErrDeploymentNotFound)
	}
	err := s.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `SELECT 1 FROM deployments WHERE project = $1 AND name IN ($2, $3)
			ORDER BY name FOR UPDATE`, projectName, first, second)
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 2 {
			return project.ErrDeploymentNotFound
		}
		_, err = tx.Exec(ctx, `UPDATE deployments d SET model_label = o.model_label, model_id = o.model_id,
			trained = o.trained, deployed = o.deployed, config_version = o.config_version, expiration = o.expiration,
			threshold = o.threshold, language = o.language, engine = o.engine, engine_sum = o.engine_sum
			FROM deployments o WHERE d.project = $1 AND o.project = $1
			AND ((d.name = $2 AND o.name = $3) OR (d.name = $3 AND o.name = $2))`, projectName, first, second)
		return err
	})
	if err != nil {
		return fmt.Errorf("swap deployments %q and %q of project %q: %w", first, second, projectName, err)
	}
	return nil
}
