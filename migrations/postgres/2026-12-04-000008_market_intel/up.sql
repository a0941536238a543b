-- A competitor entry may concern the whole market (no client) or several
-- clients: `intel.client_id` becomes nullable (the entry's first client) and
-- `intel_clients` lists every client an entry is about.
ALTER TABLE intel ALTER COLUMN client_id DROP NOT NULL;

CREATE TABLE intel_clients (
    intel_id BIGINT NOT NULL REFERENCES intel (id),
    client_id BIGINT NOT NULL REFERENCES clients (id),
    PRIMARY KEY (intel_id, client_id)
);
CREATE INDEX intel_clients_client_idx ON intel_clients (client_id, intel_id);
INSERT INTO intel_clients (intel_id, client_id) SELECT id, client_id FROM intel;
