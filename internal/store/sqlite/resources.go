package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/parley-dev/parley/internal/project"
)

// AssignResources implements project.Store.
func (s *Store) AssignResources(ctx context.Context, projectName string, rs []project.Resource, max int) error {
	err := s.growTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM projects WHERE name = ?`, projectName).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return project.ErrNotFound
		}
		for _, r := range rs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO project_resources (project, resource_id, custom_domain, region, position)
				VALUES (?1, ?2, ?3, ?4, (SELECT coalesce(max(position), 0) + 1 FROM project_resources WHERE project = ?1))
				ON CONFLICT (project, resource_id) DO UPDATE
				SET custom_domain = excluded.custom_domain, region = excluded.region`,
				projectName, r.AzureResourceID, r.CustomDomain, r.Region); err != nil {
				return err
			}
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM project_resources WHERE project = ?`, projectName).Scan(&n); err != nil {
			return err
		}
		if n > max {
			return project.ErrQuota
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("assign resources to project %q: %w", projectName, err)
	}
	return nil
}

func collectResources(rows *sql.Rows) ([]project.Resource, error) {
	defer rows.Close()
	out := []project.Resource{}
	for rows.Next() {
		var r project.Resource
		if err := rows.Scan(&r.AzureResourceID, &r.CustomDomain, &r.Region); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ListResources implements project.Store.
func (s *Store) ListResources(ctx context.Context, projectName string) ([]project.Resource, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT resource_id, custom_domain, region FROM project_resources
		WHERE project = ? ORDER BY position`, projectName)
	if err != nil {
		return nil, fmt.Errorf("list resources of project %q: %w", projectName, err)
	}
	out, err := collectResources(rows)
	if err != nil {
		return nil, fmt.Errorf("list resources of project %q: %w", projectName, err)
	}
	return out, nil
}

// UnassignResources implements project.Store; the deployments' records go
// with the project's by the foreign key.
func (s *Store) UnassignResources(ctx context.Context, projectName string, ids []string) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `DELETE FROM project_resources WHERE project = ? AND resource_id = ?`, projectName, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("unassign resources from project %q: %w", projectName, err)
	}
	return nil
}

// SetDeploymentResources implements project.Store.
func (s *Store) SetDeploymentResources(ctx context.Context, projectName, deployment string, ids []string) error {
	err := s.growTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM deployments WHERE project = ? AND name = ?`, projectName, deployment).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return project.ErrDeploymentNotFound
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM deployment_resources WHERE project = ? AND deployment = ?`, projectName, deployment); err != nil {
			return err
		}
		for _, id := range ids {
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM project_resources WHERE project = ? AND resource_id = ?`, projectName, id).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return fmt.Errorf("resource %q: %w", id, project.ErrResourceNotAssigned)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO deployment_resources (project, deployment, resource_id) VALUES (?, ?, ?)
				ON CONFLICT DO NOTHING`, projectName, deployment, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record resources of deployment %q of project %q: %w", deployment, projectName, err)
	}
	return nil
}

// DeploymentResources implements project.Store.
func (s *Store) DeploymentResources(ctx context.Context, projectName, deployment string) ([]project.Resource, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT r.resource_id, r.custom_domain, r.region
		FROM deployment_resources d JOIN project_resources r ON r.project = d.project AND r.resource_id = d.resource_id
		WHERE d.project = ? AND d.deployment = ? ORDER BY r.position`, projectName, deployment)
	if err != nil {
		return nil, fmt.Errorf("resources of deployment %q of project %q: %w", deployment, projectName, err)
	}
	out, err := collectResources(rows)
	if err != nil {
		return nil, fmt.Errorf("resources of deployment %q of project %q: %w", deployment, projectName, err)
	}
	return out, nil
}

// RemoveDeploymentResources implements project.Store.
func (s *Store) RemoveDeploymentResources(ctx context.Context, projectName, deployment string, ids []string) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if ids == nil {
			_, err := tx.ExecContext(ctx, `DELETE FROM deployment_resources WHERE project = ? AND deployment = ?`, projectName, deployment)
			return err
		}
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `DELETE FROM deployment_resources WHERE project = ? AND deployment = ? AND resource_id = ?`,
				projectName, deployment, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("remove resources of deployment %q of project %q: %w", deployment, projectName, err)
	}
	return nil
}

// ListResourceDeployments implements project.Store.
func (s *Store) ListResourceDeployments(ctx context.Context) ([]project.ResourceDeployment, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT d.project, d.name, d.deployed, d.expiration FROM deployments d
		WHERE EXISTS (SELECT 1 FROM deployment_resources r WHERE r.project = d.project AND r.deployment = d.name)
		ORDER BY d.project, d.name`)
	if err != nil {
		return nil, fmt.Errorf("list deployments with resources: %w", err)
	}
	defer rows.Close()
	out := []project.ResourceDeployment{}
	for rows.Next() {
		var d project.ResourceDeployment
		var deployed int64
		if err := rows.Scan(&d.Project, &d.Deployment, &deployed, &d.ExpirationDate); err != nil {
			return nil, fmt.Errorf("list deployments with resources: %w", err)
		}
		d.Deployed = fromMS(deployed)
		out = append(out, d)
	}
	return out, rows.Err()
}
