DROP INDEX intel_supersedes_idx;
DROP INDEX intel_one_pending_revision;
ALTER TABLE intel DROP COLUMN sensitive_keys;
ALTER TABLE intel DROP COLUMN imported;
