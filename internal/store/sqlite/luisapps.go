package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/parley-dev/parley/internal/project"
)

// SetLUISAppID implements project.Store. SQLite has one writer, so the
// checks and the write in one transaction cannot race another.
func (s *Store) SetLUISAppID(ctx context.Context, projectName, appID string, replace bool) (string, error) {
	got := appID
	err := s.growTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM projects WHERE name = ?`, projectName).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return project.ErrNotFound
		}
		var old string
		err := tx.QueryRowContext(ctx, `SELECT app_id FROM luis_apps WHERE project = ?`, projectName).Scan(&old)
		switch {
		case err == nil && !replace:
			got = old
			return nil
		case err != nil && !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if appID == "" {
			_, err := tx.ExecContext(ctx, `DELETE FROM luis_apps WHERE project = ?`, projectName)
			return err
		}
		var owner string
		err = tx.QueryRowContext(ctx, `SELECT project FROM luis_apps WHERE app_id = ?`, appID).Scan(&owner)
		switch {
		case err == nil && owner != projectName:
			return project.ErrLUISAppIDTaken
		case err != nil && !errors.Is(err, sql.ErrNoRows):
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO luis_apps (app_id, project) VALUES (?, ?)
			ON CONFLICT (project) DO UPDATE SET app_id = excluded.app_id`, appID, projectName)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("set LUIS app id of project %q: %w", projectName, err)
	}
	return got, nil
}

// LUISAppID implements project.Store.
func (s *Store) LUISAppID(ctx context.Context, projectName string) (string, error) {
	var id string
	err := s.r.QueryRowContext(ctx, `SELECT app_id FROM luis_apps WHERE project = ?`, projectName).Scan(&id)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("LUIS app id of project %q: %w", projectName, err)
	}
	return id, nil
}

// ProjectByLUISAppID implements project.Store.
func (s *Store) ProjectByLUISAppID(ctx context.Context, appID string) (string, error) {
	var name string
	err := s.r.QueryRowContext(ctx, `SELECT project FROM luis_apps WHERE app_id = ?`, appID).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("LUIS app %q: %w", appID, project.ErrNotFound)
	} else if err != nil {
		return "", fmt.Errorf("LUIS app %q: %w", appID, err)
	}
	return name, nil
}
