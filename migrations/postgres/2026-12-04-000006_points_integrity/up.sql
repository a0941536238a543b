-- Imported legacy records never pay (now or on any recalculation): they are
-- marked as such. Records imported before this column existed are known by
-- the import's review comment and by never having been paid an adoption.
ALTER TABLE intel ADD COLUMN imported BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE intel SET imported = TRUE
 WHERE id IN (SELECT intel_id FROM reviews WHERE comment = '历史数据导入')
   AND id NOT IN (SELECT intel_id FROM point_entries WHERE intel_id IS NOT NULL AND reason = 'adopted');

-- Sensitivity follows the value: the keys of the template that were
-- sensitive when the entry's values were written (a JSON array). Existing
-- entries take their category's current template.
ALTER TABLE intel ADD COLUMN sensitive_keys TEXT NOT NULL DEFAULT '[]';
UPDATE intel SET sensitive_keys = s.keys
  FROM (SELECT c.key, COALESCE(json_agg(f ->> 'key') FILTER (WHERE (f ->> 'sensitive')::boolean), '[]'::json)::text AS keys
          FROM categories c, json_array_elements(c.fields::json) f
         GROUP BY c.key) s
 WHERE s.key = intel.category;

-- At most one revision of an entry waits for review (or for its author).
CREATE UNIQUE INDEX intel_one_pending_revision ON intel (supersedes_id)
    WHERE supersedes_id IS NOT NULL AND status IN ('submitted', 'needs_revision');

-- Revision chains are walked both ways (retraction covers the whole chain).
CREATE INDEX intel_supersedes_idx ON intel (supersedes_id);
