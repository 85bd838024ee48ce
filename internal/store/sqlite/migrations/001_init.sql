-- Projects: one row of metadata each; their content is one assets document.
CREATE TABLE projects (
    name              TEXT PRIMARY KEY,
    kind              TEXT NOT NULL,
    language          TEXT NOT NULL,
    description       TEXT NOT NULL DEFAULT '',
    multilingual      INTEGER NOT NULL DEFAULT 0,
    settings          TEXT,
    storage_container TEXT NOT NULL DEFAULT '',
    created           INTEGER NOT NULL,
    modified          INTEGER NOT NULL,
    last_trained      INTEGER,
    last_deployed     INTEGER
);
CREATE INDEX projects_created ON projects (created DESC);

CREATE TABLE project_assets (
    name   TEXT PRIMARY KEY REFERENCES projects (name) ON DELETE CASCADE,
    assets BLOB NOT NULL
);

-- Jobs: the Azure-visible record plus the lease of the process running it.
-- Times are Unix milliseconds.
CREATE TABLE jobs (
    id            TEXT PRIMARY KEY,
    kind          TEXT NOT NULL,
    project       TEXT NOT NULL,
    api_version   TEXT NOT NULL,
    status        TEXT NOT NULL,
    created       INTEGER NOT NULL,
    updated       INTEGER NOT NULL,
    expires       INTEGER NOT NULL,
    attempt       INTEGER NOT NULL DEFAULT 0,
    lease_owner   TEXT,
    lease_expires INTEGER,
    errors        TEXT,
    warnings      TEXT
);
CREATE INDEX jobs_runnable ON jobs (status, lease_expires);
CREATE INDEX jobs_expires ON jobs (expires);

-- Job payloads and results, apart so that status reads stay small.
CREATE TABLE job_data (
    id      TEXT PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
    payload BLOB,
    result  BLOB
);
