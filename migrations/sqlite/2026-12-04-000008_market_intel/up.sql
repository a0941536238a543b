-- A competitor entry may concern the whole market (no client) or several
-- clients: `intel.client_id` becomes nullable (the entry's first client) and
-- `intel_clients` lists every client an entry is about.
PRAGMA foreign_keys = OFF;
BEGIN;

CREATE TABLE intel_rebuilt (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id BIGINT REFERENCES clients (id),
    category TEXT NOT NULL REFERENCES categories (key),
    author_id BIGINT NOT NULL REFERENCES users (id),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    fields TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('public', 'private')),
    observed_at TIMESTAMP NOT NULL,
    completeness DOUBLE PRECISION NOT NULL,
    status TEXT NOT NULL,
    revision INTEGER NOT NULL DEFAULT 1,
    supersedes_id BIGINT REFERENCES intel (id),
    duplicate_of BIGINT REFERENCES intel (id),
    quality DOUBLE PRECISION,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    submitted_at TIMESTAMP,
    decided_at TIMESTAMP,
    adopted_at TIMESTAMP,
    verified_at TIMESTAMP,
    imported BOOLEAN NOT NULL DEFAULT FALSE,
    sensitive_keys TEXT NOT NULL DEFAULT '[]',
    urgent BOOLEAN NOT NULL DEFAULT FALSE
);
INSERT INTO intel_rebuilt
SELECT id, client_id, category, author_id, title, body, fields, source, observed_at, completeness,
       status, revision, supersedes_id, duplicate_of, quality, created_at, updated_at, submitted_at,
       decided_at, adopted_at, verified_at, imported, sensitive_keys, urgent
  FROM intel;
-- Keep AUTOINCREMENT's high-water mark: ids are never reused.
UPDATE sqlite_sequence
   SET seq = MAX(seq, COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'intel'), 0))
 WHERE name = 'intel_rebuilt';
DROP TABLE intel;
ALTER TABLE intel_rebuilt RENAME TO intel;

CREATE INDEX intel_client_idx ON intel (client_id, status);
CREATE INDEX intel_author_idx ON intel (author_id, status);
CREATE INDEX intel_status_idx ON intel (status, submitted_at);
CREATE UNIQUE INDEX intel_one_pending_revision ON intel (supersedes_id)
    WHERE supersedes_id IS NOT NULL AND status IN ('submitted', 'needs_revision');
CREATE INDEX intel_supersedes_idx ON intel (supersedes_id);

CREATE TABLE intel_clients (
    intel_id BIGINT NOT NULL REFERENCES intel (id),
    client_id BIGINT NOT NULL REFERENCES clients (id),
    PRIMARY KEY (intel_id, client_id)
);
CREATE INDEX intel_clients_client_idx ON intel_clients (client_id, intel_id);
INSERT INTO intel_clients (intel_id, client_id) SELECT id, client_id FROM intel;

COMMIT;
PRAGMA foreign_keys = ON;
