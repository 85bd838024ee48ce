-- Exported models (issue 11): a frozen, named copy of a trained model. Like
-- a deployment, each keeps its own copy of the engine's model, so that
-- retraining or deleting the label leaves it as it was exported; the
-- per-project cap (project.MaxExportedModels) bounds the copies.
CREATE TABLE exported_models (
    project        TEXT NOT NULL REFERENCES projects (name) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    model_label    TEXT NOT NULL,
    model_id       TEXT NOT NULL,
    trained        INTEGER NOT NULL,
    exported       INTEGER NOT NULL,
    config_version TEXT NOT NULL,
    expiration     TEXT NOT NULL,
    threshold      REAL NOT NULL,
    language       TEXT NOT NULL,
    engine         BLOB NOT NULL,
    engine_sum     INTEGER,
    PRIMARY KEY (project, name)
);
