-- Each data value is stored with the CRC-32C of its bytes (internal/store/
-- checksum) and checked when read back. Values written before this
-- migration have a NULL checksum and are served unchecked.
ALTER TABLE blobs ADD COLUMN sum INTEGER;
ALTER TABLE models ADD COLUMN snapshot_sum INTEGER;
ALTER TABLE models ADD COLUMN model_sum INTEGER;
ALTER TABLE models ADD COLUMN evaluation_sum INTEGER;
ALTER TABLE deployments ADD COLUMN engine_sum INTEGER;
ALTER TABLE job_data ADD COLUMN payload_sum INTEGER;
ALTER TABLE job_data ADD COLUMN result_sum INTEGER;
