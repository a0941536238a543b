-- The branch's own method (issue 16): its scoring standard, the template
-- fields its plan names, lost clients with their reasons, marketing segments.

-- Templates: the fields the plan names (basic facts, decision makers,
-- characteristics, business, credit, competitor service). None is required,
-- so every existing entry stays valid; each is added only where missing.
UPDATE categories SET fields = json_insert(fields, '$[#]', json('{"key":"owner","label":"所有者/实际控制人","label_en":"Owner","type":"text","required":false,"sensitive":false}'))
 WHERE key = 'basic' AND NOT EXISTS (SELECT 1 FROM json_each(categories.fields) WHERE json_extract(value, '$.key') = 'owner');
UPDATE categories SET fields = json_insert(fields, '$[#]', json('{"key":"general_manager","label":"总经理/经营管理者","label_en":"General manager","type":"text","required":false,"sensitive":false}'))
 WHERE key = 'basic' AND NOT EXISTS (SELECT 1 FROM json_each(categories.fields) WHERE json_extract(value, '$.key') = 'general_manager');
UPDATE categories SET fields = json_insert(fields, '$[#]', json('{"key":"founded_on","label":"创业（成立）时间","label_en":"Founded on","type":"date","required":false,"sensitive":false}'))
 WHERE key = 'basic' AND NOT EXISTS (SELECT 1 FROM json_each(categories.fields) WHERE json_extract(value, '$.key') = 'founded_on');
UPDATE categories SET fields = json_insert(fields, '$[#]', json('{"key":"client_since","label":"与本公司交易起始","label_en":"Client since","type":"date","required":false,"sensitive":false}'))
 WHERE key = 'basic' AND NOT EXISTS (SELECT 1 FROM json_each(categories.fields) WHERE json_extract(value, '$.key') = 'client_since');
UPDATE categories SET fields = json_insert(fields, '$[#]', json('{"key":"total_assets","label":"资产总额（万元）","label_en":"Total assets (10k CNY)","type":"number","required":false,"sensitive":false}'))
 WHERE key = 'basic' AND NOT EXISTS (SELECT 1 FROM json_each(categories.fields) WHERE json_extract(value, '$.key') = 'total_assets');
UPDATE categories SET fields = json_insert(fields, '$[#]', json('{"key":"family","label":"决策人家庭情况","label_en":"Decision maker''s family","type":"text","required":false,"sensitive":true}'))
 WHERE key = 'profile' AND NOT EXISTS (SELECT 1 FROM json_each(categories.fields) WHERE json_extract(value, '$.key') = 'family');
UPDATE categories SET fields = json_insert(fields, '$[#]', json('{"key":"education","label":"决策人学历","label_en":"Decision maker''s education","type":"enum","required":false,"sensitive":true,"options":["博士","硕士","本科","大专","高中及以下"]}'))
 WHERE key = 'profile' AND NOT EXISTS (SELECT 1 FROM json_each(categories.fields) WHERE json_extract(value, '$.key') = 'education');
UPDATE categories SET fields = json_insert(fields, '$[#]', json('{"key":"age_band","label":"决策人年龄段","label_en":"Decision maker''s age band","type":"enum","required":false,"sensitive":true,"options":["30岁以下","30–39岁","40–49岁","50–59岁","60岁及以上"]}'))
 WHERE key = 'profile' AND NOT EXISTS (SELECT 1 FROM json_each(categories.fields) WHERE json_extract(value, '$.key') = 'age_band');
UPDATE categories SET fields = json_insert(fields, '$[#]', json('{"key":"character","label":"决策人性格","label_en":"Decision maker''s character","type":"text","required":false,"sensitive":true}'))
 WHERE key = 'profile' AND NOT EXISTS (SELECT 1 FROM json_each(categories.fields) WHERE json_extract(value, '$.key') = 'character');
UPDATE categories SET fields = json_insert(fields, '$[#]', json('{"key":"ability","label":"决策人能力特点","label_en":"Decision maker''s abilities","type":"text","required":false,"sensitive":true}'))
 WHERE key = 'profile' AND NOT EXISTS (SELECT 1 FROM json_each(categories.fields) WHERE json_extract(value, '$.key') = 'ability');
UPDATE categories SET fields = json_insert(fields, '$[#]', json('{"key":"service_area","label":"服务区域","label_en":"Service area","type":"text","required":false,"sensitive":false}'))
 WHERE key = 'profile' AND NOT EXISTS (SELECT 1 FROM json_each(categories.fields) WHERE json_extract(value, '$.key') = 'service_area');
UPDATE categories SET fields = json_insert(fields, '$[#]', json('{"key":"sales_volume","label":"年销售额（万元）","label_en":"Annual sales (10k CNY)","type":"number","required":false,"sensitive":false}'))
 WHERE key = 'profile' AND NOT EXISTS (SELECT 1 FROM json_each(categories.fields) WHERE json_extract(value, '$.key') = 'sales_volume');
UPDATE categories SET fields = json_insert(fields, '$[#]', json('{"key":"growth_potential","label":"发展潜力","label_en":"Growth potential","type":"enum","required":false,"sensitive":false,"options":["高","中","低"]}'))
 WHERE key = 'profile' AND NOT EXISTS (SELECT 1 FROM json_each(categories.fields) WHERE json_extract(value, '$.key') = 'growth_potential');
UPDATE categories SET fields = json_insert(fields, '$[#]', json('{"key":"management_philosophy","label":"经营观念与方针","label_en":"Management philosophy","type":"text","required":false,"sensitive":false}'))
 WHERE key = 'profile' AND NOT EXISTS (SELECT 1 FROM json_each(categories.fields) WHERE json_extract(value, '$.key') = 'management_philosophy');
UPDATE categories SET fields = json_insert(fields, '$[#]', json('{"key":"sales_record","label":"销售实绩（目前及以往）","label_en":"Sales record","type":"text","required":false,"sensitive":false}'))
 WHERE key = 'business' AND NOT EXISTS (SELECT 1 FROM json_each(categories.fields) WHERE json_extract(value, '$.key') = 'sales_record');
UPDATE categories SET fields = json_insert(fields, '$[#]', json('{"key":"cooperation_attitude","label":"与本公司合作态度","label_en":"Attitude to working with us","type":"enum","required":false,"sensitive":false,"options":["积极","一般","消极"]}'))
 WHERE key = 'business' AND NOT EXISTS (SELECT 1 FROM json_each(categories.fields) WHERE json_extract(value, '$.key') = 'cooperation_attitude');
UPDATE categories SET fields = json_insert(fields, '$[#]', json('{"key":"tax_record","label":"纳税情况","label_en":"Tax record","type":"enum","required":false,"sensitive":false,"options":["按时足额","偶有延迟","有欠税记录","不详"]}'))
 WHERE key = 'credit' AND NOT EXISTS (SELECT 1 FROM json_each(categories.fields) WHERE json_extract(value, '$.key') = 'tax_record');
UPDATE categories SET fields = json_insert(fields, '$[#]', json('{"key":"reputation","label":"信誉与形象","label_en":"Reputation and image","type":"text","required":false,"sensitive":false}'))
 WHERE key = 'credit' AND NOT EXISTS (SELECT 1 FROM json_each(categories.fields) WHERE json_extract(value, '$.key') = 'reputation');
UPDATE categories SET fields = json_insert(fields, '$[#]', json('{"key":"service_measures","label":"对方服务举措","label_en":"Their service measures","type":"text","required":false,"sensitive":false}'))
 WHERE key = 'competitor' AND NOT EXISTS (SELECT 1 FROM json_each(categories.fields) WHERE json_extract(value, '$.key') = 'service_measures');

-- Clients: a marketing segment, and the contract end of the latest adopted
-- business entry (kept by the review and import paths) for list filters.
ALTER TABLE clients ADD COLUMN segment TEXT;
ALTER TABLE clients ADD COLUMN contract_end DATE;
CREATE INDEX clients_segment_idx ON clients (segment);
CREATE INDEX clients_contract_end_idx ON clients (contract_end);
CREATE INDEX clients_industry_idx ON clients (industry);
UPDATE clients SET contract_end = (
    SELECT json_extract(i.fields, '$.contract_end') FROM intel i
     WHERE i.client_id = clients.id AND i.category = 'business' AND i.status = 'adopted'
       AND json_extract(i.fields, '$.contract_end') IS NOT NULL
     ORDER BY i.adopted_at DESC, i.id DESC LIMIT 1);

-- A client marked lost or at risk: why, to whom, when; closed when won back.
CREATE TABLE client_losses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id BIGINT NOT NULL REFERENCES clients (id),
    status TEXT NOT NULL,
    reasons TEXT NOT NULL,
    competitor TEXT,
    occurred_on DATE NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    recorded_by BIGINT NOT NULL REFERENCES users (id),
    recorded_at TIMESTAMP NOT NULL,
    outcome TEXT,
    closed_on DATE,
    closed_by BIGINT REFERENCES users (id),
    closed_at TIMESTAMP
);
CREATE UNIQUE INDEX client_losses_open_idx ON client_losses (client_id) WHERE closed_at IS NULL;
CREATE INDEX client_losses_occurred_idx ON client_losses (occurred_on);
CREATE INDEX client_losses_client_idx ON client_losses (client_id, recorded_at);

-- Interest tags on contact persons (a group client's golfer), like clients'.
CREATE TABLE contact_tags (
    contact_id BIGINT NOT NULL REFERENCES contacts (id),
    tag TEXT NOT NULL,
    PRIMARY KEY (contact_id, tag)
);
CREATE INDEX contact_tags_tag_idx ON contact_tags (tag, contact_id);

-- Upkeep: every verification, revision of an adopted entry and correction of
-- a returned one, with when it fell due (the appraisal's updating time).
-- Earlier verifications are known only by the entry's last one.
CREATE TABLE upkeep (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users (id),
    intel_id BIGINT NOT NULL REFERENCES intel (id),
    kind TEXT NOT NULL,
    due_at TIMESTAMP NOT NULL,
    done_at TIMESTAMP NOT NULL
);
CREATE INDEX upkeep_user_idx ON upkeep (user_id, done_at);
CREATE INDEX upkeep_intel_idx ON upkeep (intel_id, kind, done_at);
INSERT INTO upkeep (user_id, intel_id, kind, due_at, done_at)
SELECT author_id, id, 'verify', verified_at, verified_at FROM intel WHERE verified_at IS NOT NULL;

-- The scoring standard: versioned like the point rules.
CREATE TABLE appraisal_rules (
    version INTEGER PRIMARY KEY,
    rules TEXT NOT NULL,
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
INSERT INTO appraisal_rules (version, rules, created_by, created_at) VALUES (1,
 '{"weights":{"saving_time":10,"saving_quality":10,"reporting_time":15,"reporting_quality":25,"updating_time":10,"updating_quality":10,"use_time":10,"use_quality":10},"targets":{"saving":10,"reporting":4,"updating":2,"use":2},"report_full_hours":24,"report_zero_hours":720,"update_full_days":7,"update_zero_days":30,"feedback_full_days":14,"feedback_zero_days":60}',
 NULL, CURRENT_TIMESTAMP);

-- A published period: frozen with the rules it was computed by.
CREATE TABLE appraisals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    period TEXT NOT NULL UNIQUE,
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    rules_version INTEGER NOT NULL REFERENCES appraisal_rules (version),
    published_by BIGINT NOT NULL REFERENCES users (id),
    published_at TIMESTAMP NOT NULL,
    people INTEGER NOT NULL
);
CREATE TABLE appraisal_results (
    appraisal_id BIGINT NOT NULL REFERENCES appraisals (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    employee_no TEXT NOT NULL,
    real_name TEXT NOT NULL,
    department_id BIGINT,
    department TEXT,
    total_milli BIGINT NOT NULL,
    rank INTEGER NOT NULL,
    department_rank INTEGER NOT NULL,
    detail TEXT NOT NULL,
    PRIMARY KEY (appraisal_id, user_id)
);
CREATE INDEX appraisal_results_department_idx ON appraisal_results (appraisal_id, department_id);
