DROP TABLE intel_clients;
ALTER TABLE intel ALTER COLUMN client_id SET NOT NULL;
