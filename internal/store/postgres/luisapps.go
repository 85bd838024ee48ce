package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/parley-dev/parley/internal/project"
)

// SetLUISAppID implements project.Store. The project's row is locked, so
// that two writes for one project serialise; two projects racing for one
// app id meet at its primary key, whose violation is ErrLUISAppIDTaken.
func (s *Store) SetLUISAppID(ctx context.Context, projectName, appID string, replace bool) (string, error) {
	got := appID
	err := s.tx(ctx, func(tx pgx.Tx) error {
		if err := lockProject(ctx, tx, projectName); err != nil {
			return err
		}
		if !storable(appID) {
			return fmt.Errorf("app id %q is not storable text", appID)
		}
		var old string
		err := tx.QueryRow(ctx, `SELECT app_id FROM luis_apps WHERE project = $1`, projectName).Scan(&old)
		switch {
		case err == nil && !replace:
			got = old
			return nil
		case err != nil && !noRows(err):
			return err
		}
		if appID == "" {
			_, err := tx.Exec(ctx, `DELETE FROM luis_apps WHERE project = $1`, projectName)
			return err
		}
		var owner string
		err = tx.QueryRow(ctx, `SELECT project FROM luis_apps WHERE app_id = $1`, appID).Scan(&owner)
		switch {
		case err == nil && owner != projectName:
			return project.ErrLUISAppIDTaken
		case err != nil && !noRows(err):
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO luis_apps (app_id, project) VALUES ($1, $2)
			ON CONFLICT (project) DO UPDATE SET app_id = excluded.app_id`, appID, projectName)
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "23505" { // unique_violation: taken meanwhile
			return project.ErrLUISAppIDTaken
		}
		return err
	})
	if err != nil {
		return "", fmt.Errorf("set LUIS app id of project %q: %w", projectName, err)
	}
	return got, nil
}

// LUISAppID implements project.Store.
func (s *Store) LUISAppID(ctx context.Context, projectName string) (string, error) {
	if !storable(projectName) {
		return "", nil
	}
	var id string
	err := s.pool.QueryRow(ctx, `SELECT app_id FROM luis_apps WHERE project = $1`, projectName).Scan(&id)
	if err != nil && !noRows(err) {
		return "", fmt.Errorf("LUIS app id of project %q: %w", projectName, err)
	}
	return id, nil
}

// ProjectByLUISAppID implements project.Store.
func (s *Store) ProjectByLUISAppID(ctx context.Context, appID string) (string, error) {
	if !storable(appID) {
		return "", fmt.Errorf("LUIS app %q: %w", appID, project.ErrNotFound)
	}
	var name string
	err := s.pool.QueryRow(ctx, `SELECT project FROM luis_apps WHERE app_id = $1`, appID).Scan(&name)
	if noRows(err) {
		return "", fmt.Errorf("LUIS app %q: %w", appID, project.ErrNotFound)
	} else if err != nil {
		return "", fmt.Errorf("LUIS app %q: %w", appID, err)
	}
	return name, nil
}
