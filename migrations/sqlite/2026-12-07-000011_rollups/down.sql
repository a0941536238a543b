DROP INDEX intel_status_updated_idx;
DROP INDEX intel_author_submitted_idx;
DROP TABLE rollup_state;
DROP TABLE delay_cells;
DROP TABLE author_cells;
DROP TABLE stat_cells;
