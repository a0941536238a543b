-- Rollups: what the statistics count, kept per calendar period in the same
-- transaction as the event that changes it (`db::rollup`), so a report over
-- a year or all time reads a few hundred rows instead of the history.
-- `grain` is day, week, month, quarter, year or all (`starts_on` 1970-01-01);
-- periods start at local midnight (UTC+8). Derived from the other tables
-- alone: `rollup_state` empty means rebuild them (at start, after a bulk load).

-- The overview: by period, author's department (0: none), category and
-- client kind ('market': no client).
CREATE TABLE stat_cells (
    grain TEXT NOT NULL,
    starts_on DATE NOT NULL,
    department_id BIGINT NOT NULL,
    category TEXT NOT NULL,
    kind TEXT NOT NULL,
    submitted BIGINT NOT NULL DEFAULT 0,
    adopted BIGINT NOT NULL DEFAULT 0,
    adopted_used BIGINT NOT NULL DEFAULT 0,
    uses BIGINT NOT NULL DEFAULT 0,
    won BIGINT NOT NULL DEFAULT 0,
    decided BIGINT NOT NULL DEFAULT 0,
    adoptions BIGINT NOT NULL DEFAULT 0,
    -- Sum of the decisions' mean scores in millionths, and how many were scored.
    score_micro BIGINT NOT NULL DEFAULT 0,
    scored BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (grain, starts_on, department_id, category, kind)
);

-- Ratings, assessments and the leaderboard: by period and person.
CREATE TABLE author_cells (
    grain TEXT NOT NULL,
    starts_on DATE NOT NULL,
    user_id BIGINT NOT NULL,
    submitted BIGINT NOT NULL DEFAULT 0,
    updates BIGINT NOT NULL DEFAULT 0,
    adopted BIGINT NOT NULL DEFAULT 0,
    adopted_used BIGINT NOT NULL DEFAULT 0,
    uses BIGINT NOT NULL DEFAULT 0,
    decided BIGINT NOT NULL DEFAULT 0,
    adoptions BIGINT NOT NULL DEFAULT 0,
    score_micro BIGINT NOT NULL DEFAULT 0,
    scored BIGINT NOT NULL DEFAULT 0,
    points BIGINT NOT NULL DEFAULT 0,
    verifications BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (grain, starts_on, user_id)
);

-- Medians over long periods: how many delays fell in each bucket (exact
-- minutes below two hours, then 5 % wide) and their sum in seconds.
-- `measure` is review (owner: the author's department), decision (the
-- reviewer) or submission (the author).
CREATE TABLE delay_cells (
    grain TEXT NOT NULL,
    starts_on DATE NOT NULL,
    measure TEXT NOT NULL,
    owner_id BIGINT NOT NULL,
    bucket INTEGER NOT NULL,
    n BIGINT NOT NULL DEFAULT 0,
    seconds BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (grain, starts_on, measure, owner_id, bucket)
);

CREATE TABLE rollup_state (
    id INTEGER PRIMARY KEY,
    version INTEGER NOT NULL,
    built_at TIMESTAMP NOT NULL
);

-- A person's entries by submission (the live medians of short periods).
CREATE INDEX intel_author_submitted_idx ON intel (author_id, submitted_at, observed_at);

-- The entry list filtered by status alone, newest change first: a page
-- read in order (with a sampled planner estimate SQLite sorted every
-- adopted entry to show twenty).
CREATE INDEX intel_status_updated_idx ON intel (status, updated_at, id);
