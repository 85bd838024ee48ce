package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

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

// SaveDeployment implements project.Store.
func (s *Store) SaveDeployment(ctx context.Context, d *project.Deployment, engine []byte, maxDeployments int) error {
	err := s.growTx(ctx, func(tx *sql.Tx) error {
		var projects, same, all int
		if err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM projects WHERE name = ?1),
			(SELECT count(*) FROM deployments WHERE project = ?1 AND name = ?2),
			(SELECT count(*) FROM deployments WHERE project = ?1)`, d.Project, d.Name).Scan(&projects, &same, &all); err != nil {
			return err
		}
		switch {
		case projects == 0:
			return project.ErrNotFound
		case same == 0 && all >= maxDeployments:
			return project.ErrQuota
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO deployments (`+deploymentColumns+`, engine, engine_sum)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (project, name) DO UPDATE SET model_label = excluded.model_label, model_id = excluded.model_id,
			trained = excluded.trained, deployed = excluded.deployed, config_version = excluded.config_version,
			expiration = excluded.expiration, threshold = excluded.threshold, language = excluded.language,
			engine = excluded.engine, engine_sum = excluded.engine_sum`,
			d.Project, d.Name, d.ModelLabel, d.ModelID, ms(d.Trained), ms(d.Deployed), d.ConfigVersion,
			d.ExpirationDate, d.Threshold, d.Language, engine, checksum.Of(engine)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE projects SET last_deployed = ? WHERE name = ?`, ms(d.Deployed), d.Project)
		return err
	})
	if err != nil {
		return fmt.Errorf("save deployment %q of project %q: %w", d.Name, d.Project, err)
	}
	return nil
}

// ListDeployments implements project.Store.
func (s *Store) ListDeployments(ctx context.Context, projectName string) ([]*project.Deployment, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+deploymentColumns+` FROM deployments WHERE project = ? ORDER BY name`, projectName)
	if err != nil {
		return nil, fmt.Errorf("list deployments: %w", err)
	}
	defer rows.Close()
	var out []*project.Deployment
	for rows.Next() {
		d, err := scanDeployment(rows)
		if err != nil {
			return nil, fmt.Errorf("list deployments: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// DeploymentsVersion implements project.Store: a counter the triggers on
// deployments bump (migration deployment_version).
func (s *Store) DeploymentsVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := s.r.QueryRowContext(ctx, `SELECT version FROM deployment_version WHERE id = 1`).Scan(&v); err != nil {
		return 0, fmt.Errorf("deployments version: %w", err)
	}
	return v, nil
}

// GetDeployment implements project.Store.
func (s *Store) GetDeployment(ctx context.Context, projectName, name string) (*project.Deployment, error) {
	d, err := scanDeployment(s.r.QueryRowContext(ctx, `SELECT `+deploymentColumns+` FROM deployments WHERE project = ? AND name = ?`, projectName, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("deployment %q of project %q: %w", name, projectName, project.ErrDeploymentNotFound)
	}
	return d, err
}

// DeploymentEngine implements project.Store.
func (s *Store) DeploymentEngine(ctx context.Context, projectName, name string) (string, []byte, error) {
	var id string
	var engine []byte
	var sum *int64
	err := s.r.QueryRowContext(ctx, `SELECT model_id, engine, engine_sum FROM deployments WHERE project = ? AND name = ?`, projectName, name).Scan(&id, &engine, &sum)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, fmt.Errorf("deployment %q of project %q: %w", name, projectName, project.ErrDeploymentNotFound)
	} else if err != nil {
		return "", nil, err
	}
	return id, engine, checksum.Check(fmt.Sprintf("model of deployment %q of project %q", name, projectName), engine, sum)
}

// DeleteDeployment implements project.Store.
func (s *Store) DeleteDeployment(ctx context.Context, projectName, name string) error {
	res, err := s.exec(ctx, `DELETE FROM deployments WHERE project = ? AND name = ?`, projectName, name)
	if err != nil {
		return fmt.Errorf("delete deployment %q of project %q: %w", name, projectName, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("deployment %q of project %q: %w", name, projectName, project.ErrDeploymentNotFound)
	}
	return nil
}

// SwapDeployments implements project.Store: one transaction, so no reader
// ever sees both names on one model or a half-swapped pair.
func (s *Store) SwapDeployments(ctx context.Context, projectName, first, second string) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM deployments WHERE project = ? AND name IN (?, ?)`,
			projectName, first, second).Scan(&n); err != nil {
			return err
		}
		if n != 2 {
			return project.ErrDeploymentNotFound
		}
		// The rows exchange names, through a name no deployment can have,
		// so that each name now serves the other's model.
		const parked = "\x00swap"
		for _, mv := range [][2]string{{first, parked}, {second, first}, {parked, second}} {
			if _, err := tx.ExecContext(ctx, `UPDATE deployments SET name = ? WHERE project = ? AND name = ?`,
				mv[1], projectName, mv[0]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("swap deployments %q and %q of project %q: %w", first, second, projectName, err)
	}
	return nil
}
