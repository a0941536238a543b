DROP TABLE search_misses;
DROP TABLE search_outbox;
