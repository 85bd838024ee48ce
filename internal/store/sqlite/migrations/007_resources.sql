-- Resources assigned to a project (:assign) and the subset recorded for each
-- of its deployments. Parley serves every deployment itself: these are
-- records a client reads back, not places a model is served.
CREATE TABLE project_resources (
    project       TEXT NOT NULL REFERENCES projects (name) ON DELETE CASCADE,
    resource_id   TEXT NOT NULL,
    custom_domain TEXT NOT NULL,
    region        TEXT NOT NULL,
    -- position orders the record as it was assigned (the examples list in
    -- assignment order); a reassigned id keeps its place.
    position      INTEGER NOT NULL,
    PRIMARY KEY (project, resource_id)
);

-- A deployment's record is keyed by its name, which a swap keeps (the rows
-- of deployments exchange names there, so there is no foreign key to them:
-- the trigger deletes the record with the deployment).
CREATE TABLE deployment_resources (
    project     TEXT NOT NULL,
    deployment  TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    PRIMARY KEY (project, deployment, resource_id),
    FOREIGN KEY (project, resource_id) REFERENCES project_resources (project, resource_id) ON DELETE CASCADE
);

CREATE INDEX deployment_resources_resource ON deployment_resources (project, resource_id);

CREATE TRIGGER deployment_resources_gone AFTER DELETE ON deployments
BEGIN
    DELETE FROM deployment_resources WHERE project = old.project AND deployment = old.name;
END;
