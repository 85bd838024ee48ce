-- Project content moves to immutable blobs, so that an export job can
-- reference the assets it exported instead of copying them into its result.
-- A blob no project and no unexpired export references is deleted by the
-- expiry pass.
CREATE TABLE blobs (
    id   TEXT PRIMARY KEY,
    data BLOB NOT NULL
);
CREATE TABLE project_content (
    name TEXT PRIMARY KEY REFERENCES projects (name) ON DELETE CASCADE,
    blob TEXT NOT NULL
);
INSERT INTO blobs (id, data) SELECT 'assets-' || name, assets FROM project_assets;
INSERT INTO project_content (name, blob) SELECT name, 'assets-' || name FROM project_assets;
DROP TABLE project_assets;

-- An export's result is its head (the file without its assets) plus the
-- assets blob, spliced together when the result is read.
ALTER TABLE job_data ADD COLUMN result_blob TEXT;
CREATE INDEX job_data_result_blob ON job_data (result_blob) WHERE result_blob IS NOT NULL;
