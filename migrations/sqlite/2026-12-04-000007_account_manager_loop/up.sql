-- Reviewers may mark an entry urgent: its notifications skip the digests.
ALTER TABLE intel ADD COLUMN urgent BOOLEAN NOT NULL DEFAULT FALSE;

-- Someone follows a client (a group includes its individuals), an interest
-- tag, a competitor, an industry or a region; mail per follow.
CREATE TABLE follows (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users (id),
    target TEXT NOT NULL CHECK (target IN ('client', 'tag', 'competitor', 'industry', 'region')),
    value TEXT NOT NULL,
    delivery TEXT NOT NULL DEFAULT 'immediate' CHECK (delivery IN ('immediate', 'daily', 'off')),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (user_id, target, value)
);
CREATE INDEX follows_target_idx ON follows (target, value);

-- 拜访记录: a visit or call, with the contacts met (a JSON array of ids).
CREATE TABLE visits (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id BIGINT NOT NULL REFERENCES clients (id),
    author_id BIGINT NOT NULL REFERENCES users (id),
    visited_on DATE NOT NULL,
    contact_ids TEXT NOT NULL DEFAULT '[]',
    purpose TEXT NOT NULL,
    summary TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX visits_client_idx ON visits (client_id, visited_on);

-- A visit's next steps: tasks with a due date and an assignee, closed with a result.
CREATE TABLE tasks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    visit_id BIGINT REFERENCES visits (id),
    client_id BIGINT NOT NULL REFERENCES clients (id),
    title TEXT NOT NULL,
    due_on DATE NOT NULL,
    assignee_id BIGINT NOT NULL REFERENCES users (id),
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
    result TEXT NOT NULL DEFAULT '',
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    done_at TIMESTAMP
);
CREATE INDEX tasks_assignee_idx ON tasks (assignee_id, status, due_on);
CREATE INDEX tasks_client_idx ON tasks (client_id, status);

-- Reminders made by the daily job from adopted dates (kind 'fact') and due
-- tasks (kind 'task'). event_key names the event (the fact, its date and the
-- offset; the task), so each is made once however many processes run.
CREATE TABLE reminders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL CHECK (kind IN ('fact', 'task')),
    client_id BIGINT REFERENCES clients (id),
    intel_id BIGINT REFERENCES intel (id),
    task_id BIGINT REFERENCES tasks (id),
    field_key TEXT NOT NULL DEFAULT '',
    fact_on DATE,
    offset_days INTEGER NOT NULL DEFAULT 0,
    due_on DATE NOT NULL,
    title TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'snoozed')),
    snoozed_until DATE,
    event_key TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX reminders_user_idx ON reminders (user_id, status, due_on);
CREATE INDEX reminders_client_idx ON reminders (client_id, status);

-- A private iCalendar feed per user: its URL carries a keyed hash of the
-- user and this generation; rotating bumps the generation, so the old URL
-- stops working. No row means generation 0.
CREATE TABLE calendar_feeds (
    user_id BIGINT PRIMARY KEY REFERENCES users (id),
    generation INTEGER NOT NULL,
    rotated_at TIMESTAMP NOT NULL
);

-- Reminder rules on template date fields (admins edit them with the template).
UPDATE categories SET fields = REPLACE(fields,
    '{"key":"contract_end","label":"合同到期日","label_en":"Contract end","type":"date","required":false,"sensitive":false}',
    '{"key":"contract_end","label":"合同到期日","label_en":"Contract end","type":"date","required":false,"sensitive":false,"remind_before_days":[60,30,7]}')
 WHERE key = 'business';
UPDATE categories SET fields = REPLACE(fields,
    '{"key":"birthday","label":"生日","label_en":"Birthday","type":"date","required":false,"sensitive":true}',
    '{"key":"birthday","label":"生日","label_en":"Birthday","type":"date","required":false,"sensitive":true,"remind_before_days":[3],"remind_yearly":true}')
 WHERE key = 'profile';
UPDATE categories SET fields = REPLACE(fields,
    '{"key":"deadline","label":"客户决定期限","label_en":"Decision deadline","type":"date","required":false,"sensitive":false}',
    '{"key":"deadline","label":"客户决定期限","label_en":"Decision deadline","type":"date","required":false,"sensitive":false,"remind_before_days":[7,1]}')
 WHERE key = 'competitor';
UPDATE categories SET fields = REPLACE(fields,
    '{"key":"timeline","label":"预计时间","label_en":"Timeline","type":"date","required":false,"sensitive":false}',
    '{"key":"timeline","label":"预计时间","label_en":"Timeline","type":"date","required":false,"sensitive":false,"remind_before_days":[14,3]}')
 WHERE key = 'opportunity';
