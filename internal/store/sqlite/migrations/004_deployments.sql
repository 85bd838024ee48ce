-- Deployments pin a trained model version: they keep their own copy of the
-- engine's model, so retraining or deleting the label changes nothing until
-- the next deploy. The confidence threshold and language are the project's
-- at training time, as the runtime applies them.
CREATE TABLE deployments (
    project        TEXT NOT NULL REFERENCES projects (name) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    model_label    TEXT NOT NULL,
    model_id       TEXT NOT NULL,
    trained        INTEGER NOT NULL,
    deployed       INTEGER NOT NULL,
    config_version TEXT NOT NULL,
    expiration     TEXT NOT NULL,
    threshold      REAL NOT NULL,
    language       TEXT NOT NULL,
    engine         BLOB NOT NULL,
    PRIMARY KEY (project, name)
);
