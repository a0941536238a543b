-- Every change to something searchable writes a row here in the same
-- transaction; each process's indexer applies rows in id order and stores the
-- last applied id in its index's commit payload.
CREATE TABLE search_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    target TEXT NOT NULL CHECK (target IN ('intel', 'client', 'user')),
    target_id BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- Queries that found nothing, for admins to improve templates and dictionaries.
CREATE TABLE search_misses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT REFERENCES users (id),
    query TEXT NOT NULL,
    filters TEXT NOT NULL DEFAULT '{}',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX search_misses_created_idx ON search_misses (created_at);
