CREATE TABLE clients (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('group', 'individual')),
    name TEXT NOT NULL,
    pinyin TEXT NOT NULL,
    initials TEXT NOT NULL,
    aliases TEXT NOT NULL DEFAULT '',
    industry TEXT,
    region TEXT,
    tier TEXT,
    status TEXT NOT NULL DEFAULT 'active',
    owner_id BIGINT REFERENCES users (id),
    parent_id BIGINT REFERENCES clients (id),
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (kind, name)
);
CREATE INDEX clients_owner_idx ON clients (owner_id);
CREATE INDEX clients_parent_idx ON clients (parent_id);

CREATE TABLE client_tags (
    client_id BIGINT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (client_id, tag)
);
CREATE INDEX client_tags_tag_idx ON client_tags (tag);

CREATE TABLE client_owner_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id BIGINT NOT NULL REFERENCES clients (id),
    from_owner_id BIGINT REFERENCES users (id),
    to_owner_id BIGINT REFERENCES users (id),
    changed_by BIGINT NOT NULL REFERENCES users (id),
    note TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX client_owner_history_client_idx ON client_owner_history (client_id);

CREATE TABLE contacts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id BIGINT NOT NULL REFERENCES clients (id),
    name TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    is_decision_maker BOOLEAN NOT NULL DEFAULT 0,
    phone TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX contacts_client_idx ON contacts (client_id);

CREATE TABLE categories (
    key TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    name_en TEXT NOT NULL,
    base_points INTEGER NOT NULL,
    freshness_days INTEGER NOT NULL,
    position INTEGER NOT NULL,
    fields TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE intel (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id BIGINT NOT NULL REFERENCES clients (id),
    category TEXT NOT NULL REFERENCES categories (key),
    author_id BIGINT NOT NULL REFERENCES users (id),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    fields TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('public', 'private')),
    observed_at TIMESTAMP NOT NULL,
    completeness DOUBLE PRECISION NOT NULL,
    status TEXT NOT NULL,
    revision INTEGER NOT NULL DEFAULT 1,
    supersedes_id BIGINT REFERENCES intel (id),
    duplicate_of BIGINT REFERENCES intel (id),
    quality DOUBLE PRECISION,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    submitted_at TIMESTAMP,
    decided_at TIMESTAMP,
    adopted_at TIMESTAMP,
    verified_at TIMESTAMP
);
CREATE INDEX intel_client_idx ON intel (client_id, status);
CREATE INDEX intel_author_idx ON intel (author_id, status);
CREATE INDEX intel_status_idx ON intel (status, submitted_at);

-- One decision per submitted revision: the unique key makes it exactly once.
CREATE TABLE reviews (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    intel_id BIGINT NOT NULL REFERENCES intel (id),
    revision INTEGER NOT NULL,
    reviewer_id BIGINT NOT NULL REFERENCES users (id),
    author_id BIGINT NOT NULL REFERENCES users (id),
    decision TEXT NOT NULL CHECK (decision IN ('adopt', 'reject', 'revise', 'duplicate')),
    truthfulness INTEGER CHECK (truthfulness BETWEEN 1 AND 5),
    relevance INTEGER CHECK (relevance BETWEEN 1 AND 5),
    completeness INTEGER CHECK (completeness BETWEEN 1 AND 5),
    timeliness INTEGER CHECK (timeliness BETWEEN 1 AND 5),
    value INTEGER CHECK (value BETWEEN 1 AND 5),
    mean_score DOUBLE PRECISION,
    comment TEXT NOT NULL DEFAULT '',
    duplicate_of BIGINT REFERENCES intel (id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (intel_id, revision)
);
CREATE INDEX reviews_reviewer_idx ON reviews (reviewer_id, created_at);
CREATE INDEX reviews_author_idx ON reviews (author_id, created_at);

CREATE TABLE usages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    intel_id BIGINT NOT NULL REFERENCES intel (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    purpose TEXT NOT NULL CHECK (purpose IN ('visit', 'campaign', 'solution', 'retention', 'other')),
    outcome TEXT NOT NULL CHECK (outcome IN ('pending', 'won', 'lost')),
    note TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX usages_intel_idx ON usages (intel_id);
CREATE INDEX usages_user_idx ON usages (user_id);

CREATE TABLE point_rules (
    version INTEGER PRIMARY KEY NOT NULL,
    rules TEXT NOT NULL,
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);

-- Append-only: rows are never updated or deleted; the idempotency key makes
-- every award happen at most once, whatever races.
CREATE TABLE point_entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users (id),
    delta INTEGER NOT NULL,
    reason TEXT NOT NULL,
    intel_id BIGINT REFERENCES intel (id),
    usage_id BIGINT REFERENCES usages (id),
    rule_version INTEGER NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    note TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX point_entries_user_idx ON point_entries (user_id, created_at);
CREATE INDEX point_entries_intel_idx ON point_entries (intel_id);

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    intel_id BIGINT REFERENCES intel (id),
    client_id BIGINT REFERENCES clients (id),
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP
);
CREATE INDEX notifications_user_idx ON notifications (user_id, read_at);

INSERT INTO point_rules (version, rules, created_by, created_at) VALUES (1,
 '{"adopt_divisor":3,"private_bonus":3,"revision_share":0.5,"review":1,"usage":2,"usage_per_entry_cap":20,"usage_daily_cap":50,"won":10,"verify":1,"retract_penalty":5}',
 NULL, CURRENT_TIMESTAMP);

INSERT INTO categories (key, name, name_en, base_points, freshness_days, position, updated_at, fields) VALUES
('basic', '基础资料', 'Basic facts', 5, 365, 1, CURRENT_TIMESTAMP, '[
 {"key":"legal_representative","label":"法定代表人","label_en":"Legal representative","type":"text","required":true,"sensitive":false},
 {"key":"registered_address","label":"注册地址","label_en":"Registered address","type":"text","required":true,"sensitive":false},
 {"key":"office_address","label":"办公地址","label_en":"Office address","type":"text","required":false,"sensitive":false},
 {"key":"staff_count","label":"员工人数","label_en":"Staff count","type":"number","required":false,"sensitive":false},
 {"key":"registered_capital","label":"注册资本（万元）","label_en":"Registered capital (10k CNY)","type":"number","required":false,"sensitive":false},
 {"key":"ownership","label":"企业性质","label_en":"Ownership","type":"enum","required":false,"sensitive":false,"options":["国有","民营","外资","合资","事业单位","政府机关","其他"]},
 {"key":"main_phone","label":"总机电话","label_en":"Switchboard phone","type":"phone","required":false,"sensitive":false},
 {"key":"website","label":"官网","label_en":"Website","type":"text","required":false,"sensitive":false}
]'),
('profile', '客户特征', 'Client profile', 8, 180, 2, CURRENT_TIMESTAMP, '[
 {"key":"decision_makers","label":"关键决策人","label_en":"Decision makers","type":"text","required":true,"sensitive":false},
 {"key":"decision_process","label":"采购决策流程","label_en":"Buying process","type":"text","required":false,"sensitive":false},
 {"key":"preferences","label":"偏好与兴趣爱好","label_en":"Preferences and hobbies","type":"text","required":false,"sensitive":true},
 {"key":"birthday","label":"生日","label_en":"Birthday","type":"date","required":false,"sensitive":true},
 {"key":"personal_phone","label":"私人电话","label_en":"Personal phone","type":"phone","required":false,"sensitive":true},
 {"key":"scale","label":"客户规模","label_en":"Scale","type":"enum","required":false,"sensitive":false,"options":["特大型","大型","中型","小型"]},
 {"key":"communication_style","label":"沟通风格","label_en":"Communication style","type":"text","required":false,"sensitive":false}
]'),
('business', '业务状况', 'Current business', 10, 90, 3, CURRENT_TIMESTAMP, '[
 {"key":"current_products","label":"在用产品","label_en":"Products in use","type":"text","required":true,"sensitive":false},
 {"key":"monthly_spend","label":"月均消费（元）","label_en":"Monthly spend (CNY)","type":"number","required":true,"sensitive":false},
 {"key":"lines","label":"号码/线路数","label_en":"Lines","type":"number","required":false,"sensitive":false},
 {"key":"contract_end","label":"合同到期日","label_en":"Contract end","type":"date","required":false,"sensitive":false},
 {"key":"satisfaction","label":"满意度","label_en":"Satisfaction","type":"enum","required":false,"sensitive":false,"options":["很满意","满意","一般","不满意"]},
 {"key":"pain_points","label":"使用痛点","label_en":"Pain points","type":"text","required":false,"sensitive":false}
]'),
('credit', '资信状况', 'Credit standing', 10, 90, 4, CURRENT_TIMESTAMP, '[
 {"key":"payment_record","label":"缴费记录","label_en":"Payment record","type":"enum","required":true,"sensitive":false,"options":["按时","偶有延迟","经常延迟","欠费停机"]},
 {"key":"arrears","label":"欠费金额（元）","label_en":"Arrears (CNY)","type":"number","required":false,"sensitive":true},
 {"key":"credit_rating","label":"信用等级","label_en":"Credit rating","type":"enum","required":false,"sensitive":false,"options":["AAA","AA","A","B","C"]},
 {"key":"guarantee","label":"担保/押金情况","label_en":"Guarantee or deposit","type":"text","required":false,"sensitive":false},
 {"key":"financial_notes","label":"经营与财务动态","label_en":"Financial notes","type":"text","required":false,"sensitive":true}
]'),
('competitor', '竞争对手', 'Competitor', 12, 30, 5, CURRENT_TIMESTAMP, '[
 {"key":"competitor","label":"竞争对手","label_en":"Competitor","type":"enum","required":true,"sensitive":false,"options":["中国电信","中国联通","中国广电","其他"]},
 {"key":"offer","label":"对方方案/优惠","label_en":"Offer","type":"text","required":true,"sensitive":false},
 {"key":"tariff","label":"资费（元/月）","label_en":"Tariff (CNY/month)","type":"number","required":false,"sensitive":false},
 {"key":"channel","label":"接触渠道","label_en":"Channel","type":"enum","required":false,"sensitive":false,"options":["客户经理上门","招投标","营业厅","电话营销","代理商","其他"]},
 {"key":"contact_person","label":"对方对接人","label_en":"Their contact","type":"text","required":false,"sensitive":true},
 {"key":"deadline","label":"客户决定期限","label_en":"Decision deadline","type":"date","required":false,"sensitive":false}
]'),
('opportunity', '需求与商机', 'Need and opportunity', 15, 60, 6, CURRENT_TIMESTAMP, '[
 {"key":"need","label":"客户需求","label_en":"Need","type":"text","required":true,"sensitive":false},
 {"key":"product","label":"匹配产品","label_en":"Matching product","type":"text","required":false,"sensitive":false},
 {"key":"budget","label":"预算（万元）","label_en":"Budget (10k CNY)","type":"number","required":false,"sensitive":true},
 {"key":"timeline","label":"预计时间","label_en":"Timeline","type":"date","required":false,"sensitive":false},
 {"key":"stage","label":"商机阶段","label_en":"Stage","type":"enum","required":false,"sensitive":false,"options":["线索","需求确认","方案","商务谈判","签约"]},
 {"key":"decision_maker","label":"决策人","label_en":"Decision maker","type":"text","required":false,"sensitive":false}
]'),
('service', '服务与投诉', 'Service and complaints', 6, 60, 7, CURRENT_TIMESTAMP, '[
 {"key":"complaint_type","label":"投诉类型","label_en":"Complaint type","type":"enum","required":true,"sensitive":false,"options":["网络质量","资费争议","服务态度","装维时效","账单","其他"]},
 {"key":"severity","label":"严重程度","label_en":"Severity","type":"enum","required":true,"sensitive":false,"options":["一般","较重","严重","重大"]},
 {"key":"occurred_on","label":"发生日期","label_en":"Occurred on","type":"date","required":false,"sensitive":false},
 {"key":"resolution","label":"处理结果","label_en":"Resolution","type":"text","required":false,"sensitive":false},
 {"key":"satisfied","label":"客户是否满意","label_en":"Client satisfied","type":"enum","required":false,"sensitive":false,"options":["满意","基本满意","不满意"]}
]');
