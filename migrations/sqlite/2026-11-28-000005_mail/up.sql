-- E-mail choice per user and notification kind; no row means the kind's default.
CREATE TABLE notification_preferences (
    user_id BIGINT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    delivery TEXT NOT NULL CHECK (delivery IN ('immediate', 'daily', 'weekly', 'off')),
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, kind)
);

-- Mail waiting to be sent, written in the same transaction as its event.
-- A row waits for the daily digest ('digest', then 'digested' into the digest
-- row that lists it) or for the sender ('pending'); a sender claims it
-- ('sending', with a lease so that a crashed process's rows are taken over
-- when the lease ends) and leaves it 'sent', back to 'pending' with a later
-- next_attempt_at, or 'failed' after the last attempt. Mail about events that
-- never happened for real (the demo history) is 'suppressed'.
CREATE TABLE mail_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users (id),
    recipient TEXT NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    notification_id BIGINT REFERENCES notifications (id),
    digest_id BIGINT REFERENCES mail_outbox (id),
    payload TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL
        CHECK (status IN ('digest', 'digested', 'pending', 'sending', 'sent', 'failed', 'suppressed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_until TIMESTAMP,
    claim TEXT,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX mail_outbox_due_idx ON mail_outbox (status, next_attempt_at);
CREATE INDEX mail_outbox_user_idx ON mail_outbox (user_id, status);
CREATE INDEX mail_outbox_digest_idx ON mail_outbox (digest_id);

-- One row per scheduled job and period: whichever process inserts it runs the job.
CREATE TABLE job_runs (
    job TEXT NOT NULL,
    period_key TEXT NOT NULL,
    started_at TIMESTAMP NOT NULL,
    summary TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (job, period_key)
);

-- When the owner and author were last told that an entry went stale; a
-- verification (or a new adoption) after that starts a new window to remind about.
CREATE TABLE stale_notices (
    intel_id BIGINT PRIMARY KEY REFERENCES intel (id),
    noticed_at TIMESTAMP NOT NULL
);
