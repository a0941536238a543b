DROP TABLE calendar_feeds;
DROP TABLE reminders;
DROP TABLE tasks;
DROP TABLE visits;
DROP TABLE follows;
ALTER TABLE intel DROP COLUMN urgent;
