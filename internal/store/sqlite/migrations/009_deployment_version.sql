-- deployment_version counts the changes of deployments (deploy, swap,
-- delete, and deletions of their project): the runtime keeps deployments in
-- memory and reads this one number to know when to read them again, so that
-- no prediction reads the store.
CREATE TABLE deployment_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO deployment_version (id, version) VALUES (1, 0);

CREATE TRIGGER deployments_version_insert AFTER INSERT ON deployments
BEGIN
    UPDATE deployment_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER deployments_version_update AFTER UPDATE ON deployments
BEGIN
    UPDATE deployment_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER deployments_version_delete AFTER DELETE ON deployments
BEGIN
    UPDATE deployment_version SET version = version + 1 WHERE id = 1;
END;
