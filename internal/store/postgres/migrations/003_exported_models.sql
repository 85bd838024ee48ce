-- Exported models (issue 11): a frozen, named copy of a trained model. Like
-- a deployment, each keeps its own copy of the engine's model, so that
-- retraining or deleting the label leaves it as it was exported; the
-- per-project cap (project.MaxExportedModels) bounds the copies.
CREATE TABLE exported_models (
    project        text COLLATE "C" NOT NULL REFERENCES projects (name) ON DELETE CASCADE,
    name           text COLLATE "C" NOT NULL,
    model_label    text NOT NULL,
    model_id       text NOT NULL,
    trained        bigint NOT NULL,
    exported       bigint NOT NULL,
    config_version text NOT NULL,
    expiration     text NOT NULL,
    threshold      double precision NOT NULL,
    language       text NOT NULL,
    engine         bytea NOT NULL,
    engine_sum     bigint,
    PRIMARY KEY (project, name)
);
