DROP TABLE stale_notices;
DROP TABLE job_runs;
DROP TABLE mail_outbox;
DROP TABLE notification_preferences;
