package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/parley-dev/parley/internal/project"
)

// AssignResources implements project.Store. The project's row is locked
// while the resources are counted, so that concurrent assignments cannot
// pass the limit.
func (s *Store) AssignResources(ctx context.Context, projectName string, rs []project.Resource, max int) error {
	err := s.tx(ctx, func(tx pgx.Tx) error {
		if err := lockProject(ctx, tx, projectName); err != nil {
			return err
		}
		for _, r := range rs {
			if _, err := tx.Exec(ctx, `INSERT INTO project_resources (project, resource_id, custom_domain, region, position)
				VALUES ($1, $2, $3, $4, (SELECT coalesce(max(position), 0) + 1 FROM project_resources WHERE project = $1))
				ON CONFLICT (project, resource_id) DO UPDATE
				SET custom_domain = excluded.custom_domain, region = excluded.region`,
				projectName, r.AzureResourceID, r.CustomDomain, r.Region); err != nil {
				return err
			}
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM project_resources WHERE project = $1`, projectName).Scan(&n); err != nil {
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

func collectResources(rows pgx.Rows) ([]project.Resource, error) {
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (project.Resource, error) {
		var res project.Resource
		err := r.Scan(&res.AzureResourceID, &res.CustomDomain, &res.Region)
		return res, err
	})
	if out == nil && err == nil {
		out = []project.Resource{}
	}
	return out, err
}

// ListResources implements project.Store.
func (s *Store) ListResources(ctx context.Context, projectName string) ([]project.Resource, error) {
	if !storable(projectName) {
		return []project.Resource{}, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT resource_id, custom_domain, region FROM project_resources
		WHERE project = $1 ORDER BY position`, projectName)
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
	if !storable(projectName) || !storable(ids...) {
		return nil // as a delete that matches nothing; the services check ids
	}
	if _, err := s.exec(ctx, `DELETE FROM project_resources WHERE project = $1 AND resource_id = ANY($2)`, projectName, ids); err != nil {
		return fmt.Errorf("unassign resources from project %q: %w", projectName, err)
	}
	return nil
}

// SetDeploymentResources implements project.Store.
func (s *Store) SetDeploymentResources(ctx context.Context, projectName, deployment string, ids []string) error {
	if !storable(projectName, deployment) {
		return fmt.Errorf("deployment %q of project %q: %w", deployment, projectName, project.ErrDeploymentNotFound)
	}
	err := s.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `SELECT 1 FROM deployments WHERE project = $1 AND name = $2 FOR UPDATE`, projectName, deployment)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return project.ErrDeploymentNotFound
		}
		if _, err := tx.Exec(ctx, `DELETE FROM deployment_resources WHERE project = $1 AND deployment = $2`, projectName, deployment); err != nil {
			return err
		}
		for _, id := range ids {
			if !storable(id) {
				return fmt.Errorf("resource %q: %w", id, project.ErrResourceNotAssigned)
			}
			tag, err := tx.Exec(ctx, `INSERT INTO deployment_resources (project, deployment, resource_id)
				SELECT project, $2, resource_id FROM project_resources WHERE project = $1 AND resource_id = $3
				ON CONFLICT DO NOTHING`, projectName, deployment, id)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				var assigned bool
				if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM project_resources WHERE project = $1 AND resource_id = $2)`,
					projectName, id).Scan(&assigned); err != nil {
					return err
				}
				if !assigned {
					return fmt.Errorf("resource %q: %w", id, project.ErrResourceNotAssigned)
				}
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
	if !storable(projectName, deployment) {
		return []project.Resource{}, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT r.resource_id, r.custom_domain, r.region
		FROM deployment_resources d JOIN project_resources r ON r.project = d.project AND r.resource_id = d.resource_id
		WHERE d.project = $1 AND d.deployment = $2 ORDER BY r.position`, projectName, deployment)
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
	if !storable(projectName, deployment) || !storable(ids...) {
		return nil // as a delete that matches nothing
	}
	var err error
	if ids == nil {
		_, err = s.exec(ctx, `DELETE FROM deployment_resources WHERE project = $1 AND deployment = $2`, projectName, deployment)
	} else {
		_, err = s.exec(ctx, `DELETE FROM deployment_resources WHERE project = $1 AND deployment = $2 AND resource_id = ANY($3)`,
			projectName, deployment, ids)
	}
	if err != nil {
		return fmt.Errorf("remove resources of deployment %q of project %q: %w", deployment, projectName, err)
	}
	return nil
}

// ListResourceDeployments implements project.Store.
func (s *Store) ListResourceDeployments(ctx context.Context) ([]project.ResourceDeployment, error) {
	rows, err := s.pool.Query(ctx, `SELECT d.project, d.name, d.deployed, d.expiration FROM deployments d
		WHERE EXISTS (SELECT 1 FROM deployment_resources r WHERE r.project = d.project AND r.deployment = d.name)
		ORDER BY d.project, d.name`)
	if err != nil {
		return nil, fmt.Errorf("list deployments with resources: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (project.ResourceDeployment, error) {
		var d project.ResourceDeployment
		var deployed int64
		err := r.Scan(&d.Project, &d.Deployment, &deployed, &d.ExpirationDate)
		d.Deployed = fromMS(deployed)
		return d, err
	})
	if err != nil {
		return nil, fmt.Errorf("list deployments with resources: %w", err)
	}
	if out == nil {
		out = []project.ResourceDeployment{}
	}
	return out, nil
}
