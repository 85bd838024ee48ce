-- Kind-specific job state (a training job's progress), JSON.
ALTER TABLE jobs ADD COLUMN detail BLOB;
CREATE INDEX jobs_project_kind ON jobs (project, kind, created);

-- Trained models: the engine's model, the assets it was trained on, and its
-- evaluation. A label is replaced by each training under it.
CREATE TABLE models (
    project        TEXT NOT NULL REFERENCES projects (name) ON DELETE CASCADE,
    label          TEXT NOT NULL,
    model_id       TEXT NOT NULL,
    trained        INTEGER NOT NULL,
    duration_s     INTEGER NOT NULL,
    config_version TEXT NOT NULL,
    expiration     TEXT NOT NULL,
    snapshot       BLOB NOT NULL,
    model          BLOB NOT NULL,
    evaluation     BLOB NOT NULL,
    PRIMARY KEY (project, label)
);
