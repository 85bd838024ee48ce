-- Each data value is stored with the CRC-32C of its bytes (internal/store/
-- checksum) and checked when read back. Values written before this
-- migration have a NULL checksum and are served unchecked.
ALTER TABLE blobs ADD COLUMN sum bigint;
ALTER TABLE models ADD COLUMN snapshot_sum bigint;
ALTER TABLE models ADD COLUMN model_sum bigint;
ALTER TABLE models ADD COLUMN evaluation_sum bigint;
ALTER TABLE deployments ADD COLUMN engine_sum bigint;
ALTER TABLE job_data ADD COLUMN payload_sum bigint;
ALTER TABLE job_data ADD COLUMN result_sum bigint;
