-- Resources assigned to a project (:assign) and the subset recorded for each
-- of its deployments. Parley serves every deployment itself: these are
-- records a client reads back, not places a model is served.
CREATE TABLE project_resources (
    project       text COLLATE "C" NOT NULL REFERENCES projects (name) ON DELETE CASCADE,
    resource_id   text COLLATE "C" NOT NULL,
    custom_domain text NOT NULL,
    region        text NOT NULL,
    -- position orders the record as it was assigned (the examples list in
    -- assignment order); a reassigned id keeps its place.
    position      bigint NOT NULL,
    PRIMARY KEY (project, resource_id)
);

-- A swap keeps the deployments' names on their rows, so each name keeps its
-- record.
CREATE TABLE deployment_resources (
    project     text COLLATE "C" NOT NULL,
    deployment  text COLLATE "C" NOT NULL,
    resource_id text COLLATE "C" NOT NULL,
    PRIMARY KEY (project, deployment, resource_id),
    FOREIGN KEY (project, deployment) REFERENCES deployments (project, name) ON DELETE CASCADE,
    FOREIGN KEY (project, resource_id) REFERENCES project_resources (project, resource_id) ON DELETE CASCADE
);

CREATE INDEX deployment_resources_resource ON deployment_resources (project, resource_id);
