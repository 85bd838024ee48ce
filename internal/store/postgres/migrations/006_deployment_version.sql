-- deployment_version counts the changes of deployments (deploy, swap,
-- delete, and deletions of their project): every replica keeps deployments
-- in memory and polls this one number to know when to read them again, so
-- that no prediction reads the store. A statement-level trigger bumps it in
-- the transaction of the change.
CREATE TABLE deployment_version (
    id      integer PRIMARY KEY CHECK (id = 1),
    version bigint NOT NULL
);
INSERT INTO deployment_version (id, version) VALUES (1, 0);

CREATE FUNCTION deployments_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE deployment_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER deployments_version AFTER INSERT OR UPDATE OR DELETE ON deployments
    FOR EACH STATEMENT EXECUTE FUNCTION deployments_changed();
