-- Indexes for a province's whole history (a million entries and more): the
-- statistics filter on time windows, lists walk their order, and the
-- freshness report walks the freshness clock. Each named by what uses it.

-- Statistics windows: submitted, adopted, decided, used, paid.
CREATE INDEX intel_submitted_idx ON intel (submitted_at);
CREATE INDEX intel_adopted_idx ON intel (adopted_at);
CREATE INDEX reviews_created_idx ON reviews (created_at);
CREATE INDEX usages_created_idx ON usages (created_at);
CREATE INDEX point_entries_created_idx ON point_entries (created_at);

-- The oldest facts: the freshness clock (the later of adoption and
-- verification) exactly as `stats::freshness` orders by it.
CREATE INDEX intel_clock_idx ON intel (
    status,
    (CASE WHEN adopted_at IS NULL THEN verified_at WHEN verified_at > adopted_at THEN verified_at ELSE adopted_at END),
    id
);

-- The entry list, newest change first: filtered by status and category (the
-- web app's filters) it stops after the page; the same index holds what
-- freshness counts by category (one index, so the planner never has to
-- choose between two with the same prefix). A person's ledger, newest first.
CREATE INDEX intel_updated_idx ON intel (updated_at, id);
CREATE INDEX intel_status_category_idx ON intel (status, category, updated_at, id, adopted_at, verified_at, client_id);
CREATE INDEX point_entries_user_id_idx ON point_entries (user_id, id);

-- The clients behind a tag, index-only.
DROP INDEX client_tags_tag_idx;
CREATE INDEX client_tags_tag_idx ON client_tags (tag, client_id);
