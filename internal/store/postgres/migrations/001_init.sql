-- Parley's schema on PostgreSQL: the SQLite store's tables, with bytea for
-- blobs and bigint Unix milliseconds for times, so that both stores keep the
-- same precision. Names compare and sort byte-wise (COLLATE "C"), as SQLite's
-- do, whatever the database's collation.

-- Projects: one row of metadata each. seq is the insertion order, which
-- orders projects created in the same millisecond.
CREATE TABLE projects (
    name              text COLLATE "C" PRIMARY KEY,
    seq               bigint GENERATED ALWAYS AS IDENTITY,
    kind              text NOT NULL,
    language          text NOT NULL,
    description       text NOT NULL DEFAULT '',
    multilingual      boolean NOT NULL DEFAULT false,
    settings          text,
    storage_container text NOT NULL DEFAULT '',
    created           bigint NOT NULL,
    modified          bigint NOT NULL,
    last_trained      bigint,
    last_deployed     bigint
);
CREATE INDEX projects_created ON projects (created DESC, seq DESC);

-- Project content is an immutable blob, so that an export job can reference
-- the assets it exported instead of copying them into its result. A blob no
-- project and no unexpired job result references is deleted by the expiry
-- pass.
CREATE TABLE blobs (
    id   text PRIMARY KEY,
    data bytea NOT NULL
);
CREATE TABLE project_content (
    name text COLLATE "C" PRIMARY KEY REFERENCES projects (name) ON DELETE CASCADE,
    blob text NOT NULL
);
CREATE INDEX project_content_blob ON project_content (blob);

-- Jobs: the Azure-visible record plus the lease of the process running it.
-- seq is the insertion order: claims take the oldest first.
CREATE TABLE jobs (
    id            text PRIMARY KEY,
    seq           bigint GENERATED ALWAYS AS IDENTITY,
    kind          text NOT NULL,
    project       text COLLATE "C" NOT NULL,
    api_version   text NOT NULL,
    status        text NOT NULL,
    created       bigint NOT NULL,
    updated       bigint NOT NULL,
    expires       bigint NOT NULL,
    attempt       integer NOT NULL DEFAULT 0,
    lease_owner   text,
    lease_expires bigint,
    errors        text,
    warnings      text,
    detail        bytea
);
-- Claims and the rescuer look only at unfinished jobs.
CREATE INDEX jobs_unfinished ON jobs (seq) WHERE status IN ('notStarted', 'running', 'cancelling');
CREATE INDEX jobs_expires ON jobs (expires);
CREATE INDEX jobs_project_kind ON jobs (project, kind, created, seq);

-- Job payloads and results, apart so that status reads stay small. An
-- export's result is its head plus the assets blob, spliced when read.
CREATE TABLE job_data (
    id          text PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
    payload     bytea,
    result      bytea,
    result_blob text
);
CREATE INDEX job_data_result_blob ON job_data (result_blob) WHERE result_blob IS NOT NULL;

-- Trained models: the engine's model, the assets it was trained on, and its
-- evaluation. A label is replaced by each training under it.
CREATE TABLE models (
    project        text COLLATE "C" NOT NULL REFERENCES projects (name) ON DELETE CASCADE,
    label          text COLLATE "C" NOT NULL,
    model_id       text NOT NULL,
    trained        bigint NOT NULL,
    duration_s     bigint NOT NULL,
    config_version text NOT NULL,
    expiration     text NOT NULL,
    snapshot       bytea NOT NULL,
    model          bytea NOT NULL,
    evaluation     bytea NOT NULL,
    PRIMARY KEY (project, label)
);

-- Deployments pin a trained model version: they keep their own copy of the
-- engine's model, so retraining or deleting the label changes nothing until
-- the next deploy.
CREATE TABLE deployments (
    project        text COLLATE "C" NOT NULL REFERENCES projects (name) ON DELETE CASCADE,
    name           text COLLATE "C" NOT NULL,
    model_label    text NOT NULL,
    model_id       text NOT NULL,
    trained        bigint NOT NULL,
    deployed       bigint NOT NULL,
    config_version text NOT NULL,
    expiration     text NOT NULL,
    threshold      double precision NOT NULL,
    language       text NOT NULL,
    engine         bytea NOT NULL,
    PRIMARY KEY (project, name)
);
