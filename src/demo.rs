//! The demo world (`zhiku seed-demo`, `zhiku serve --demo`): the 芜湖分公司
//! branch with its departments and people, forty key accounts and six months
//! of intelligence history.
//!
//! Every entry, decision, usage, revision and retraction goes through the
//! services the HTTP routes call, so points, notifications and audit rows are
//! exactly what real use produces. Each event happens "now"; the rows it wrote
//! are then moved back to the event's moment, so periods, charts and freshness
//! read like a lived-in history. A fixed seed makes the world reproducible.

use anyhow::{anyhow, bail, Context};
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Timelike, Utc};
use diesel::prelude::*;
use diesel::result::QueryResult;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::{json, Map, Value};

use crate::audit;
use crate::auth::extract::CurrentUser;
use crate::auth::password::{Password, Passwords};
use crate::clients::model::{ClientChanges, NewClient, NewContact, NewOwnerChange};
use crate::clients::{pinyin, store as clients};
use crate::db::schema::{
    audit_events, departments, intel, notifications, point_entries, reviews, usages, users,
};
use crate::db::{self, DbConn};
use crate::enums::Decision;
use crate::enums::NotificationKind;
use crate::enums::Source;
use crate::enums::{ClientKind, ClientStatus};
use crate::enums::{DepartmentKind, Role, Roles};
use crate::enums::{UsageOutcome, UsagePurpose};
use crate::error::ApiError;
use crate::ids::ClientId;
use crate::ids::DepartmentId;
use crate::ids::IntelId;
use crate::intel::service::{self as entries, Content};
use crate::notify::service as notify;
use crate::notify::service::NewNotification;
use crate::review::service::{self as review, DecisionInput, RawScores};
use crate::usage::service as usage;
use crate::users::model::{Email, EmployeeNo, RealName, User};
use crate::users::routes::create_user_row;
use crate::users::store as people;
use crate::with_conn;

/// Every demo account signs in with this password.
pub const DEMO_PASSWORD: &str = "zhiku2026";
const EMAIL_DOMAIN: &str = "wuhu.example.com";
const RANDOM_SEED: u64 = 2026;
/// How far back the history reaches, in days.
const HISTORY_DAYS: f64 = 176.0;
const USAGES: usize = 100;

/// What the seeder created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    /// (employee number, real name, roles joined with ",", password) of each account created.
    pub logins: Vec<(String, String, String, String)>,
    pub users: usize,
    pub clients: usize,
    pub entries: usize,
    pub usages: usize,
}

/// Seeds the demo world into an empty database (no clients, no intel) in one
/// write transaction; `Ok(None)` and nothing changed when it is not empty.
pub fn seed(conn: &mut DbConn, passwords: &Passwords) -> anyhow::Result<Option<DemoSummary>> {
    if !is_empty(conn)? {
        return Ok(None);
    }
    // Hashed once: argon2 is slow on purpose, and every demo account shares the password.
    let password = Password::parse(DEMO_PASSWORD).map_err(anyhow::Error::msg)?;
    let password_hash = passwords.hash(&password);
    db::write_tx(conn, |conn| {
        if !is_empty(conn)? {
            return Ok(None);
        }
        let mut seeder = Seeder::new(conn);
        seeder.run(&password_hash).map(Some)
    })
}

fn is_empty(conn: &mut DbConn) -> QueryResult<bool> {
    use crate::db::schema::clients as client_rows;
    let (clients, entries): (i64, i64) = with_conn!(conn, |c| {
        let clients = client_rows::table.count().get_result(c)?;
        let entries = intel::table.count().get_result(c)?;
        Ok::<_, diesel::result::Error>((clients, entries))
    })?;
    Ok(clients == 0 && entries == 0)
}

// ---------------------------------------------------------------------------
// The cast: departments, people, clients.

const DEPARTMENTS: [(&str, DepartmentKind); 6] = [
    ("政企客户部", DepartmentKind::Frontline),
    ("个人客户部", DepartmentKind::Frontline),
    ("营业厅", DepartmentKind::Frontline),
    ("信息管理部", DepartmentKind::Management),
    ("市场部", DepartmentKind::Usage),
    ("集团客户部", DepartmentKind::Usage),
];

struct PersonSeed {
    no: &'static str,
    name: &'static str,
    department: &'static str,
    roles: &'static [Role],
    /// How long ago they joined Zhiku, in days.
    joined_days: i64,
}

#[rustfmt::skip]
const PEOPLE: [PersonSeed; 15] = [
    PersonSeed { no: "ADMIN", name: "系统管理员", department: "信息管理部", roles: &[Role::Admin], joined_days: 200 },
    PersonSeed { no: "R001", name: "陈静", department: "信息管理部", roles: &[Role::Reviewer], joined_days: 199 },
    PersonSeed { no: "R002", name: "刘洋", department: "信息管理部", roles: &[Role::Reviewer], joined_days: 199 },
    PersonSeed { no: "M001", name: "王芳", department: "市场部", roles: &[Role::Marketer], joined_days: 198 },
    PersonSeed { no: "M002", name: "周敏", department: "集团客户部", roles: &[Role::Marketer], joined_days: 198 },
    PersonSeed { no: "AM01", name: "张伟", department: "政企客户部", roles: &[Role::AccountManager], joined_days: 198 },
    PersonSeed { no: "AM02", name: "李强", department: "政企客户部", roles: &[Role::AccountManager], joined_days: 198 },
    PersonSeed { no: "AM03", name: "赵磊", department: "个人客户部", roles: &[Role::AccountManager], joined_days: 197 },
    PersonSeed { no: "AM04", name: "孙丽", department: "政企客户部", roles: &[Role::AccountManager], joined_days: 90 },
    PersonSeed { no: "E001", name: "吴婷", department: "营业厅", roles: &[], joined_days: 196 },
    PersonSeed { no: "E002", name: "郑浩", department: "营业厅", roles: &[], joined_days: 196 },
    PersonSeed { no: "E003", name: "黄雪", department: "政企客户部", roles: &[], joined_days: 195 },
    PersonSeed { no: "E004", name: "何军", department: "个人客户部", roles: &[], joined_days: 195 },
    PersonSeed { no: "E005", name: "高洁", department: "集团客户部", roles: &[], joined_days: 150 },
    PersonSeed { no: "E006", name: "马超", department: "营业厅", roles: &[], joined_days: 120 },
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sector {
    Enterprise,
    Hospital,
    School,
    Government,
    Finance,
}

struct GroupSeed {
    name: &'static str,
    short: &'static str,
    sector: Sector,
    industry: &'static str,
    region: &'static str,
    tier: &'static str,
    status: ClientStatus,
    owner: &'static str,
    tags: &'static [&'static str],
}

/// A row of the client table; positional so the table reads as one line per client.
#[allow(clippy::too_many_arguments)]
const fn group(
    name: &'static str,
    short: &'static str,
    sector: Sector,
    industry: &'static str,
    region: &'static str,
    tier: &'static str,
    status: ClientStatus,
    owner: &'static str,
    tags: &'static [&'static str],
) -> GroupSeed {
    GroupSeed { name, short, sector, industry, region, tier, status, owner, tags }
}

use ClientStatus::{Active, AtRisk, Lost, Prospect};
use Sector::{Enterprise, Finance, Government, Hospital, School};

#[rustfmt::skip]
const GROUPS: [GroupSeed; 25] = [
    group("芜湖长江实业集团有限公司", "长江实业", Enterprise, "综合制造", "芜湖市镜湖区", "S", Active, "AM01", &["高尔夫", "机场贵宾", "商旅"]),
    group("皖江汽车零部件有限公司", "皖江汽车", Enterprise, "汽车零部件", "芜湖市鸠江区", "A", Active, "AM01", &["商旅", "自驾"]),
    group("鸠江区人民医院", "鸠江区人民医院", Hospital, "医疗卫生", "芜湖市鸠江区", "A", Active, "AM02", &["马拉松"]),
    group("芜湖江城中心医院", "江城中心医院", Hospital, "医疗卫生", "芜湖市镜湖区", "S", AtRisk, "AM02", &["摄影", "马拉松"]),
    group("镜湖区政务服务中心", "镜湖区政务服务中心", Government, "党政机关", "芜湖市镜湖区", "A", Active, "AM02", &[]),
    group("弋江区教育局", "弋江区教育局", Government, "教育", "芜湖市弋江区", "B", Active, "AM03", &[]),
    group("芜湖滨江实验学校", "滨江实验学校", School, "教育", "芜湖市镜湖区", "B", Active, "AM04", &["书法"]),
    group("芜湖三山港口物流有限公司", "三山港口物流", Enterprise, "港口物流", "芜湖市三山区", "A", Active, "AM01", &["垂钓", "自驾"]),
    group("繁昌春谷新材料股份有限公司", "春谷新材料", Enterprise, "新材料", "芜湖市繁昌区", "B", Active, "AM03", &["茶艺"]),
    group("南陵县农业农村局", "南陵县农业农村局", Government, "党政机关", "芜湖市南陵县", "B", Active, "AM02", &[]),
    group("无为市电缆产业园管理委员会", "无为电缆产业园", Government, "园区管理", "无为市", "A", Prospect, "AM03", &[]),
    group("无为皖电线缆集团有限公司", "皖电线缆", Enterprise, "电线电缆", "无为市", "A", Active, "AM01", &["高尔夫", "商旅"]),
    group("芜湖鸠兹文化旅游发展有限公司", "鸠兹文旅", Enterprise, "文化旅游", "芜湖市镜湖区", "B", Active, "AM02", &["摄影", "自驾"]),
    group("芜湖江北新区建设投资有限公司", "江北建投", Enterprise, "城市建设", "芜湖市鸠江区", "S", Active, "AM01", &["高尔夫", "垂钓"]),
    group("芜湖江城燃气有限公司", "江城燃气", Enterprise, "公用事业", "芜湖市弋江区", "A", Active, "AM03", &["马拉松"]),
    group("芜湖江淮农村商业银行股份有限公司", "江淮农商行", Finance, "金融", "芜湖市镜湖区", "S", AtRisk, "AM01", &["高尔夫", "网球", "机场贵宾"]),
    group("芜湖星河机器人科技有限公司", "星河机器人", Enterprise, "智能制造", "芜湖市鸠江区", "A", Prospect, "AM04", &["马拉松", "商旅"]),
    group("芜湖明远电子科技有限公司", "明远电子", Enterprise, "电子信息", "芜湖市弋江区", "B", Active, "AM04", &["商旅"]),
    group("三山经济开发区管理委员会", "三山经开区", Government, "园区管理", "芜湖市三山区", "B", Active, "AM02", &[]),
    group("芜湖弋江高新产业投资有限公司", "弋江高投", Finance, "产业投资", "芜湖市弋江区", "B", Lost, "AM03", &["高尔夫"]),
    group("南陵丫山旅游度假区有限公司", "丫山旅游", Enterprise, "文化旅游", "芜湖市南陵县", "C", Active, "AM03", &["自驾", "摄影"]),
    group("芜湖顺达冷链物流有限公司", "顺达冷链", Enterprise, "冷链物流", "芜湖市鸠江区", "C", Lost, "AM01", &[]),
    group("芜湖天门山大酒店有限公司", "天门山大酒店", Enterprise, "酒店餐饮", "芜湖市镜湖区", "B", AtRisk, "AM02", &["茶艺"]),
    group("繁昌区中医院", "繁昌区中医院", Hospital, "医疗卫生", "芜湖市繁昌区", "B", Active, "AM03", &["书法"]),
    group("芜湖江南职业技术学院", "江南职院", School, "教育", "芜湖市弋江区", "A", Active, "AM04", &["马拉松"]),
];

struct VipSeed {
    name: &'static str,
    title: &'static str,
    /// Short name of the group the person belongs to.
    parent: Option<&'static str>,
    industry: &'static str,
    region: &'static str,
    tier: &'static str,
    status: ClientStatus,
    owner: &'static str,
    tags: &'static [&'static str],
}

/// A row of the VIP table; positional so the table reads as one line per person.
#[allow(clippy::too_many_arguments)]
const fn vip(
    name: &'static str,
    title: &'static str,
    parent: Option<&'static str>,
    industry: &'static str,
    region: &'static str,
    tier: &'static str,
    status: ClientStatus,
    owner: &'static str,
    tags: &'static [&'static str],
) -> VipSeed {
    VipSeed { name, title, parent, industry, region, tier, status, owner, tags }
}

#[rustfmt::skip]
const VIPS: [VipSeed; 15] = [
    vip("陆国华", "董事长", Some("长江实业"), "综合制造", "芜湖市镜湖区", "S", Active, "AM01", &["高尔夫", "机场贵宾", "茶艺"]),
    vip("沈美玲", "财务副总", Some("长江实业"), "综合制造", "芜湖市镜湖区", "A", Active, "AM01", &["网球", "商旅"]),
    vip("钱志远", "总经理", Some("皖江汽车"), "汽车零部件", "芜湖市鸠江区", "A", Active, "AM03", &["自驾", "垂钓"]),
    vip("许文博", "院长", Some("江城中心医院"), "医疗卫生", "芜湖市镜湖区", "A", Active, "AM02", &["马拉松", "摄影"]),
    vip("邓雅琴", "行长", Some("江淮农商行"), "金融", "芜湖市镜湖区", "S", Active, "AM01", &["高尔夫", "书法"]),
    vip("潘建国", "副总经理", Some("江北建投"), "城市建设", "芜湖市鸠江区", "A", Active, "AM03", &["垂钓", "茶艺"]),
    vip("唐晓东", "创始人", Some("星河机器人"), "智能制造", "芜湖市鸠江区", "A", Active, "AM03", &["马拉松", "网球", "商旅"]),
    vip("韩冰", "董事长", Some("皖电线缆"), "电线电缆", "无为市", "S", Active, "AM03", &["高尔夫", "机场贵宾"]),
    vip("曹丽华", "私营业主", None, "商贸", "芜湖市弋江区", "B", Active, "AM03", &["茶艺", "书法"]),
    vip("彭飞", "律师事务所主任", None, "法律服务", "芜湖市镜湖区", "A", Active, "AM03", &["网球", "商旅", "机场贵宾"]),
    vip("蒋文静", "总经理", Some("鸠兹文旅"), "文化旅游", "芜湖市镜湖区", "B", Active, "AM03", &["摄影", "自驾"]),
    vip("姚振宇", "总经理", Some("三山港口物流"), "港口物流", "芜湖市三山区", "B", Active, "AM03", &["垂钓", "自驾"]),
    vip("董海燕", "私营企业主", None, "服装贸易", "芜湖市繁昌区", "B", AtRisk, "AM03", &["高尔夫", "网球"]),
    vip("袁明", "大学教授", None, "高等教育", "芜湖市弋江区", "C", Active, "AM03", &["书法", "摄影", "马拉松"]),
    vip("范春生", "董事长", Some("明远电子"), "电子信息", "芜湖市弋江区", "A", Prospect, "AM04", &["机场贵宾", "商旅", "高尔夫"]),
];

/// Clients handed over to the new account manager: (short name, days ago, note).
const HANDOVERS: [(&str, i64, &str); 2] = [
    ("皖江汽车", 38, "张伟调任大项目组，客户整体移交孙丽；关键联系人已当面引荐，续约材料在共享盘。"),
    ("鸠兹文旅", 21, "李强负责的文旅板块调整，移交孙丽跟进；景区5G专网项目处于方案阶段，请重点关注。"),
];

const SURNAMES: [&str; 36] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "吴", "周", "徐", "朱", "胡", "郭", "何", "林", "罗", "梁",
    "宋", "唐", "许", "冯", "邓", "曹", "彭", "曾", "田", "袁", "潘", "蒋", "蔡", "余", "杜", "汪", "程",
    "方", "葛",
];
const GIVEN_NAMES: [&str; 30] = [
    "建华", "国庆", "海燕", "志强", "丽娟", "文斌", "晓明", "秀英", "俊杰", "婷婷", "红梅", "永刚", "雪松",
    "春燕", "德明", "玉兰", "立新", "静怡", "子涵", "晨阳", "家豪", "慧敏", "振华", "桂芳", "宏伟", "敏",
    "勇", "磊", "芳", "涛",
];
const ROADS: [&str; 14] = [
    "中山北路",
    "北京东路",
    "赭山西路",
    "九华中路",
    "银湖北路",
    "长江中路",
    "神山路",
    "利民东路",
    "赤铸山路",
    "峨山路",
    "弋江中路",
    "三山大道",
    "春谷路",
    "无城大道",
];
const CONTACT_NOTES: [&str; 10] = [
    "喜欢喝黄山毛峰，周三下午方便拜访",
    "对价格敏感，沟通前需准备三家对比方案",
    "老家南陵，周末常回老家",
    "习惯微信沟通，不喜欢电话推销",
    "孩子今年高考，近期事务较多，少打扰",
    "曾在中国电信工作，对竞品资费了解深入",
    "做事严谨，方案须有数据支撑",
    "每年参加芜湖马拉松，可邀请参加跑团活动",
    "",
    "",
];

fn contact_titles(sector: Sector) -> &'static [&'static str] {
    match sector {
        Enterprise => &["总经理", "财务副总", "信息中心主任", "办公室主任", "采购部经理"],
        Hospital => &["院长", "信息科科长", "财务科科长", "办公室主任"],
        School => &["校长", "信息中心主任", "财务处处长", "后勤处处长"],
        Government => &["分管副主任", "办公室主任", "信息中心主任", "财务科科长"],
        Finance => &["行长", "科技部总经理", "办公室主任", "财务部经理"],
    }
}

fn hobby_note(hobby: &str) -> &'static str {
    match hobby {
        "高尔夫" => "周末常去南京、合肥的球场打球",
        "网球" => "每周两次在市体育中心打网球",
        "机场贵宾" => "出差频繁，经常使用机场贵宾厅",
        "商旅" => "每月出差多次，看重差旅中的通信保障",
        "垂钓" => "周末常去龙窝湖一带垂钓",
        "茶艺" => "喜欢黄山毛峰和太平猴魁，办公室常备茶具",
        "马拉松" => "坚持跑步多年，跑过芜湖马拉松全程",
        "摄影" => "热爱风光摄影，常去丫山、马仁奇峰拍摄",
        "书法" => "练习书法多年，作品参加过市书协展览",
        _ => "节假日常自驾去皖南川藏线",
    }
}

const CLUSTERS: [&str; 10] =
    ["高尔夫", "网球", "机场贵宾", "商旅", "垂钓", "茶艺", "马拉松", "摄影", "书法", "自驾"];

fn pick<T: Copy>(rng: &mut StdRng, items: &[T]) -> T {
    items[rng.gen_range(0..items.len())]
}

fn person_name(rng: &mut StdRng) -> String {
    format!("{}{}", pick(rng, &SURNAMES), pick(rng, &GIVEN_NAMES))
}

fn mobile(rng: &mut StdRng) -> String {
    let prefix =
        pick(rng, &["139", "138", "137", "136", "135", "150", "151", "152", "157", "158", "182", "187"]);
    format!("{prefix}{:08}", rng.gen_range(0..100_000_000u32))
}

fn landline(rng: &mut StdRng) -> String {
    format!("0553-{}", rng.gen_range(2_000_000..9_000_000u32))
}

fn address(rng: &mut StdRng, region: &str) -> String {
    format!("{region}{}{}号", pick(rng, &ROADS), rng.gen_range(1..300))
}

fn date(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

// ---------------------------------------------------------------------------
// The world as it is being built.

struct Actor {
    no: String,
    /// When they joined; nobody acts before.
    joined: NaiveDateTime,
    user: CurrentUser,
}

#[derive(Debug, Clone)]
enum Kind {
    Group(Sector),
    Individual { title: &'static str, company: Option<&'static str> },
}

/// A client to open, from either table.
struct ClientSpec {
    name: &'static str,
    short: &'static str,
    kind: Kind,
    industry: &'static str,
    region: &'static str,
    tier: &'static str,
    status: ClientStatus,
    /// Employee number of the account manager.
    owner: &'static str,
    parent: Option<ClientId>,
    tags: &'static [&'static str],
}

struct WorldClient {
    id: ClientId,
    name: &'static str,
    short: &'static str,
    kind: Kind,
    region: &'static str,
    tags: &'static [&'static str],
    tier: &'static str,
    owner: Option<usize>,
    /// The owner before a handover, and when it happened.
    before_handover: Option<(Option<usize>, NaiveDateTime)>,
    /// (name, title) of its contacts, the decision maker first.
    contacts: Vec<(String, &'static str)>,
}

impl WorldClient {
    fn is_group(&self) -> bool {
        matches!(self.kind, Kind::Group(_))
    }

    fn owner_at(&self, at: NaiveDateTime) -> Option<usize> {
        match self.before_handover {
            Some((before, handed_over)) if at < handed_over => before,
            _ => self.owner,
        }
    }

    /// A contact with `title`, or a plausible new name.
    fn person(&self, rng: &mut StdRng, title: &str) -> String {
        self.contacts.iter().find(|(_, t)| *t == title).map_or_else(|| person_name(rng), |(n, _)| n.clone())
    }

    fn decision_maker(&self, rng: &mut StdRng) -> (String, &'static str) {
        match (&self.kind, self.contacts.first()) {
            (Kind::Individual { title, .. }, _) => (self.short.to_owned(), title),
            (_, Some((name, title))) => (name.clone(), title),
            (Kind::Group(sector), None) => (person_name(rng), contact_titles(*sector)[0]),
        }
    }

    /// One of its interest tags, or any cluster when it has none.
    fn hobby(&self, rng: &mut StdRng) -> &'static str {
        let tags: &[&'static str] = if self.tags.is_empty() { &CLUSTERS } else { self.tags };
        pick(rng, tags)
    }

    fn tier_weight(&self) -> u32 {
        match self.tier {
            "S" => 4,
            "A" => 3,
            "B" => 2,
            _ => 1,
        }
    }
}

// ---------------------------------------------------------------------------
// Content: titles, bodies and template fields per category.

struct Composed {
    title: String,
    body: String,
    fields: Map<String, Value>,
    source: Source,
}

struct FieldSet<'r> {
    rng: &'r mut StdRng,
    values: Map<String, Value>,
}

impl FieldSet<'_> {
    fn set(&mut self, key: &str, value: impl Into<Value>) {
        self.values.insert(key.to_owned(), value.into());
    }

    /// Optional fields are filled now and then, so completeness varies.
    fn maybe(&mut self, key: &str, value: impl Into<Value>) {
        if self.rng.gen_bool(0.65) {
            self.set(key, value);
        }
    }
}

fn composed(title: String, body: String, fields: FieldSet<'_>, source: Source) -> Composed {
    Composed { title, body, fields: fields.values, source }
}

fn source(rng: &mut StdRng, private_share: f64) -> Source {
    if rng.gen_bool(private_share) {
        Source::Private
    } else {
        Source::Public
    }
}

/// An entry of `category` about `client`, observed on `observed`.
fn compose(rng: &mut StdRng, category: &str, client: &WorldClient, observed: NaiveDate) -> Composed {
    match category {
        "basic" => basic(rng, client, observed),
        "profile" => profile(rng, client, observed),
        "business" => business(rng, client, observed),
        "credit" => credit(rng, client, observed),
        "competitor" => competitor(rng, client, observed),
        "opportunity" => opportunity(rng, client, observed),
        _ => service(rng, client, observed),
    }
}

fn basic(rng: &mut StdRng, client: &WorldClient, _observed: NaiveDate) -> Composed {
    let c = client.short;
    let sector = match client.kind {
        Kind::Group(sector) => sector,
        Kind::Individual { .. } => Enterprise,
    };
    let legal = person_name(rng);
    let registered = address(rng, client.region);
    let office = address(rng, client.region);
    let staff = match sector {
        Government => rng.gen_range(40..160),
        School | Hospital => rng.gen_range(200..1500),
        _ => rng.gen_range(80..3000),
    };
    let capital = rng.gen_range(5..300) * 100;
    let ownership = match sector {
        Government => "政府机关",
        Hospital | School => "事业单位",
        Finance => "国有",
        Enterprise => pick(rng, &["国有", "民营", "民营", "合资", "外资"]),
    };
    let initials = pinyin::keys(c).1.split(' ').next().unwrap_or_default().to_owned();
    let variant = rng.gen_range(0..4);
    let mut fields = FieldSet { rng, values: Map::new() };
    fields.set("legal_representative", legal.clone());
    fields.set("registered_address", registered.clone());
    let (title, body, private) = match variant {
        0 => (
            format!("{c}工商登记信息核实"),
            format!(
                "通过国家企业信用信息公示系统核实{c}的登记信息：法定代表人{legal}，注册地址{registered}，\
                 与系统档案一致。注册资本近期有变更，已按公示信息更新。"
            ),
            0.1,
        ),
        1 => {
            fields.set("office_address", office.clone());
            (
                format!("{c}办公地址迁至新址"),
                format!(
                    "客户经理上门拜访时获悉，{c}已整体搬迁至{office}。原址的互联网专线和固话需要移机，\
                     建议装维提前勘察新址机房和弱电井。"
                ),
                0.7,
            )
        }
        2 => {
            fields.set("staff_count", staff);
            (
                format!("{c}员工规模扩大至约{staff}人"),
                format!(
                    "{c}今年新增招聘较多，员工总数约{staff}人。现有集团V网成员数明显少于员工数，\
                     存在成员扩容和统一付费的空间。"
                ),
                0.6,
            )
        }
        _ => {
            let phone = landline(fields.rng);
            fields.set("main_phone", phone);
            fields.set("website", format!("www.{initials}.com.cn"));
            (
                format!("{c}总机电话和官网更新"),
                format!("{c}前台告知总机号码已更换，官网改版上线，已据此更新基础资料。"),
                0.2,
            )
        }
    };
    fields.maybe("office_address", office);
    fields.maybe("staff_count", staff);
    fields.maybe("registered_capital", capital);
    fields.maybe("ownership", ownership);
    let source = source(fields.rng, private);
    composed(title, body, fields, source)
}

fn profile(rng: &mut StdRng, client: &WorldClient, observed: NaiveDate) -> Composed {
    let c = client.short;
    let (person, title) = client.decision_maker(rng);
    let hobby = client.hobby(rng);
    let note = hobby_note(hobby);
    let scale = pick(rng, &["特大型", "大型", "中型", "小型"]);
    let variant = rng.gen_range(0..4);
    let birthday =
        NaiveDate::from_ymd_opt(rng.gen_range(1962..1988), rng.gen_range(1..13), rng.gen_range(1..29))
            .unwrap_or(observed);
    let gift = pick(rng, &["太平猴魁", "文房四宝", "运动手环", "摄影画册", "紫砂茶具"]);
    let mut fields = FieldSet { rng, values: Map::new() };
    let decision_makers = match &client.kind {
        Kind::Group(_) => format!("{title}{person}"),
        Kind::Individual { .. } => format!("{person}本人"),
    };
    fields.set("decision_makers", decision_makers);
    let (headline, body) = match (&client.kind, variant) {
        (Kind::Group(_), 0) => {
            fields.set("decision_process", "信息中心出具技术意见 → 分管领导审批 → 超过20万元报集团");
            (
                format!("{c}通信类采购由{title}{person}拍板"),
                format!(
                    "与{c}办公室沟通得知，通信类采购由{title}{person}最终决定，金额超过20万元须上报集团审批，\
                     一般先由信息中心出具技术意见。方案应先与信息中心对齐技术细节。"
                ),
            )
        }
        (Kind::Group(_), 1) => {
            fields.set("preferences", format!("{hobby}：{note}"));
            (
                format!("{c}{title}{person}喜爱{hobby}，可借客户活动拉近关系"),
                format!(
                    "{person}为{c}{title}，业余喜爱{hobby}，{note}。建议邀请参加分公司组织的{hobby}主题客户活动，\
                     借机介绍新业务。"
                ),
            )
        }
        (Kind::Group(_), 2) => {
            fields.set("decision_process", "数字化转型领导小组集中评审，按季度立项");
            (
                format!("{c}成立数字化转型领导小组，信息化项目集中评审"),
                format!(
                    "{c}近期成立数字化转型领导小组，由{title}{person}牵头。今后信息化项目须经领导小组评审，\
                     按季度立项，采购周期预计延长一到两个月，商机推进要提前卡位。"
                ),
            )
        }
        (Kind::Group(_), _) => {
            fields.set("communication_style", "务实，重视数据和响应速度");
            (
                format!("{c}新任{title}{person}到任"),
                format!(
                    "{c}近期人事调整，{person}接任{title}。此前在市属国企任职，作风务实，重视服务响应速度，\
                     建议尽快安排高层拜访并介绍现有服务团队。"
                ),
            )
        }
        (Kind::Individual { title, company }, 0 | 1) => {
            fields.set("preferences", format!("{hobby}：{note}"));
            let at = company.map(|co| format!("（{co}{title}）")).unwrap_or_else(|| format!("（{title}）"));
            (
                format!("{c}喜爱{hobby}，可邀请参加主题活动"),
                format!(
                    "{c}{at}业余喜爱{hobby}，{note}。可纳入{hobby}兴趣客户群，邀请参加分公司的客户沙龙。"
                ),
            )
        }
        (Kind::Individual { .. }, 2) => {
            fields.set("birthday", date(birthday));
            fields.set("preferences", format!("偏好{gift}"));
            (
                format!("{c}生日在{}月，偏好{gift}", birthday.month()),
                format!(
                    "与{c}秘书闲聊得知其生日在{}月{}日，平时偏好{gift}。可在生日前安排客户经理送上祝福和小礼品。",
                    birthday.month(),
                    birthday.day()
                ),
            )
        }
        (Kind::Individual { .. }, _) => {
            fields.set("communication_style", "微信留言优先，拜访须提前一天预约");
            (
                format!("{c}沟通偏好：微信留言优于电话"),
                format!("{c}工作日会议多，不便接听陌生来电，习惯通过微信留言沟通，拜访须提前一天预约。"),
            )
        }
    };
    fields.maybe("scale", scale);
    if client.is_group() {
        fields.maybe("communication_style", "正式，先发书面材料再约见");
    } else {
        let phone = mobile(fields.rng);
        fields.maybe("personal_phone", phone);
    }
    let source = source(fields.rng, 0.85);
    composed(headline, body, fields, source)
}

fn business(rng: &mut StdRng, client: &WorldClient, observed: NaiveDate) -> Composed {
    let c = client.short;
    let contract_end = observed + Duration::days(rng.gen_range(30..400));
    let satisfaction = pick(rng, &["很满意", "满意", "满意", "一般", "不满意"]);
    let variant = rng.gen_range(0..5);
    let finance_title = match client.kind {
        Kind::Group(Enterprise) | Kind::Individual { .. } => "财务副总",
        Kind::Group(Finance) => "财务部经理",
        Kind::Group(School) => "财务处处长",
        Kind::Group(Hospital | Government) => "财务科科长",
    };
    let finance = client.person(rng, finance_title);
    let mut fields = FieldSet { rng, values: Map::new() };
    let (title, body, private) = if client.is_group() {
        let lines = fields.rng.gen_range(60..1800);
        let spend = fields.rng.gen_range(20..400) * 500;
        fields.maybe("lines", lines);
        match variant {
            0 => {
                fields.set("current_products", "集团V网、手机部分统付");
                fields.set("monthly_spend", spend);
                fields.set("pain_points", "话费逐张报销，财务核对工作量大");
                (
                    format!("{c}{finance_title}反映话费报销流程繁琐，希望统一代付"),
                    format!(
                        "拜访{c}时，{finance_title}{finance}表示员工话费目前每月逐张贴票报销，财务部核对工作量大，\
                         希望由单位统一代付并按部门出账。现有{lines}个号码，月均通信支出约{spend}元。\
                         可推荐集团统付加分账单方案，顺带整合集团V网。"
                    ),
                    0.95,
                )
            }
            1 => {
                fields.set("current_products", "互联网专线100M、集团V网、固话");
                fields.set("monthly_spend", spend);
                fields.set("pain_points", "专线带宽不足，高峰期视频会议卡顿");
                (
                    format!("{c}互联网专线高峰期拥堵，视频会议频繁卡顿"),
                    format!(
                        "{c}信息中心反映，现用100M互联网专线在上午9点到11点使用率接近满载，\
                         视频会议和云端ERP访问明显卡顿，已向领导汇报扩容需求。"
                    ),
                    0.8,
                )
            }
            2 => {
                fields.set("current_products", "集团V网、统付套餐");
                fields.set("monthly_spend", spend);
                fields.set("contract_end", date(contract_end));
                (
                    format!("{c}集团V网合同将于{}到期", date(contract_end)),
                    format!(
                        "经查合同台账并与{c}办公室核实，集团V网及统付协议将于{}到期。客户表示续约前会比较三家运营商的报价，\
                         需提前一个月准备续约方案。",
                        date(contract_end)
                    ),
                    0.5,
                )
            }
            3 => {
                fields.set("current_products", "互联网专线、语音专线、集团V网");
                fields.set("monthly_spend", spend);
                (
                    format!("{c}月均通信消费约{}万元，以专线为主", spend / 10_000),
                    format!(
                        "根据{c}近半年账单分析，月均消费{spend}元，其中专线约占六成，语音和流量约占四成；\
                         移动办公、云服务类产品尚未使用，存在提升空间。"
                    ),
                    0.1,
                )
            }
            _ => {
                fields.set("current_products", "集团V网、固话、互联网专线");
                fields.set("monthly_spend", spend);
                fields.set("pain_points", "电子账单无法按部门拆分");
                (
                    format!("{c}对账单格式提出改进意见"),
                    format!(
                        "{c}财务人员反映现有电子账单不能按部门拆分，月底对账需人工整理，\
                         希望提供按成本中心汇总的账单，并开通对账接口。"
                    ),
                    0.7,
                )
            }
        }
    } else {
        let spend = fields.rng.gen_range(2..12) * 100 - 12;
        let lines = fields.rng.gen_range(2..5);
        fields.maybe("lines", lines);
        if variant % 2 == 0 {
            fields.set("current_products", "全球通套餐、中国电信300M宽带");
            fields.set("monthly_spend", spend);
            fields.set("pain_points", "手机和宽带分属两家，账单分散");
            (
                format!("{c}家庭宽带与手机分属两家运营商"),
                format!(
                    "{c}手机使用我公司全球通套餐，月均{spend}元；家庭宽带为中国电信300M。\
                     表示若能融合办理并提速到千兆，可以考虑把宽带转过来。"
                ),
                0.9,
            )
        } else {
            fields.set("current_products", "全球通套餐、国际漫游按次计费");
            fields.set("monthly_spend", spend);
            fields.set("pain_points", "国际漫游费用偏高");
            (
                format!("{c}出境频繁，国际漫游费用偏高"),
                format!(
                    "{c}近半年每月均有出境行程，主要往返日本和东南亚，国际漫游按次计费，月均数百元。\
                     对费用敏感，可推荐国际漫游多国包月包。"
                ),
                0.9,
            )
        }
    };
    fields.maybe("contract_end", date(contract_end));
    fields.maybe("satisfaction", satisfaction);
    let source = source(fields.rng, private);
    composed(title, body, fields, source)
}

fn credit(rng: &mut StdRng, client: &WorldClient, observed: NaiveDate) -> Composed {
    let c = client.short;
    let arrears = rng.gen_range(3..90) * 1000;
    let deposit = rng.gen_range(1..20) * 5000;
    let credit_line = rng.gen_range(2..30);
    let variant = rng.gen_range(0..5);
    let due = date(observed + Duration::days(rng.gen_range(20..90)));
    let mut fields = FieldSet { rng, values: Map::new() };
    let (title, body, private) = match variant {
        0 => {
            fields.set("payment_record", "按时");
            fields.set("credit_rating", "AAA");
            (
                format!("{c}近三个月缴费及时，信用良好"),
                format!("核查{c}近三个月账务，均在账期内足额缴费，无欠费和停机记录，建议维持AAA信用等级。"),
                0.1,
            )
        }
        1 => {
            let record = pick(fields.rng, &["偶有延迟", "经常延迟"]);
            fields.set("payment_record", record);
            fields.set("arrears", arrears);
            fields.set("financial_notes", "应收账款回款慢，资金周转紧张，承诺下月初缴清");
            (
                format!("{c}出现欠费{arrears}元，财务称资金周转紧张"),
                format!(
                    "{c}本月出现欠费{arrears}元。财务负责人解释应收账款回款慢，资金周转紧张，承诺下月初缴清。\
                     建议暂缓新增业务受理，持续跟踪回款。"
                ),
                0.9,
            )
        }
        2 => {
            fields.set("payment_record", "按时");
            fields.set("financial_notes", format!("获批银行新增授信{credit_line}亿元"));
            (
                format!("{c}获得银行新增授信，经营稳定"),
                format!(
                    "据公开报道，{c}近期获批银行新增授信{credit_line}亿元，主要用于新项目建设。\
                     经营稳定，可适度放宽信用额度。"
                ),
                0.1,
            )
        }
        3 => {
            fields.set("payment_record", "偶有延迟");
            fields.set("guarantee", format!("已交押金{deposit}元"));
            (
                format!("{c}申请话费缓缴一个月，需关注回款风险"),
                format!(
                    "{c}办公室来函申请本季度话费缓缴一个月，理由是上级拨款尚未到位。\
                     已交押金{deposit}元，可覆盖约一个月费用，建议审批同意但设置提醒。"
                ),
                0.8,
            )
        }
        _ => {
            fields.set("payment_record", "按时");
            fields.set("guarantee", format!("押金{deposit}元将于{due}到期"));
            (
                format!("{c}押金到期，可转为预存话费"),
                format!(
                    "{c}的业务押金{deposit}元将于{due}到期。客户信用良好，可建议将押金转为预存话费，\
                     顺带沟通续约事宜。"
                ),
                0.4,
            )
        }
    };
    let rating = pick(fields.rng, &["AAA", "AA", "A", "B"]);
    fields.maybe("credit_rating", rating);
    let source = source(fields.rng, private);
    composed(title, body, fields, source)
}

fn competitor(rng: &mut StdRng, client: &WorldClient, observed: NaiveDate) -> Composed {
    let c = client.short;
    let deadline = date(observed + Duration::days(rng.gen_range(10..45)));
    let their_contact = format!("{}经理", pick(rng, &SURNAMES));
    let variant = rng.gen_range(0..5);
    let mut fields = FieldSet { rng, values: Map::new() };
    let (rival, offer, tariff, channel, title, body) = if client.is_group() {
        match variant {
            0 => {
                let tariff = fields.rng.gen_range(38..68) * 100;
                (
                    "中国电信",
                    "千兆互联网专线首年五折，赠送天翼云主机2台一年".to_owned(),
                    tariff,
                    "客户经理上门",
                    format!("中国电信向{c}推出千兆专线加天翼云打包优惠"),
                    format!(
                        "{c}信息中心透露，中国电信政企客户经理近期两次上门，提出千兆互联网专线首年五折、\
                         赠送天翼云主机2台一年，月费约{tariff}元。客户认为价格有吸引力，但担心割接影响业务。"
                    ),
                )
            }
            1 => (
                "中国联通",
                "每人每月38元不限量套餐，签约两年赠送5G手机".to_owned(),
                38,
                pick(fields.rng, &["代理商", "客户经理上门"]),
                format!("中国联通以低价套餐争夺{c}集团成员"),
                format!(
                    "中国联通通过代理商在{c}内部推广每人每月38元不限量套餐，签约两年赠送5G手机，\
                     已有部分员工咨询携号转网。建议尽快推出集团成员专属优惠，稳住V网成员。"
                ),
            ),
            2 => (
                "中国广电",
                "192号段套餐每月29元含30G流量，宽带电视打包".to_owned(),
                29,
                pick(fields.rng, &["营业厅", "电话营销"]),
                format!("中国广电在{c}推广192号段套餐"),
                format!(
                    "中国广电在{c}周边设点推广192号段，每月29元含30G流量，可与有线电视、宽带打包。\
                     目前影响有限，主要吸引年轻员工办理副卡。"
                ),
            ),
            3 => (
                "中国电信",
                "信息化一体化方案，报价低于我方约15%".to_owned(),
                fields.rng.gen_range(80..260) * 100,
                "招投标",
                format!("中国电信参与{c}信息化项目招标"),
                format!(
                    "{c}信息化项目已发布招标公告，中国电信联合本地集成商投标，报价低于我方约15%，\
                     并承诺驻场运维。建议在技术分和服务分上做足文章。"
                ),
            ),
            _ => {
                let tariff = fields.rng.gen_range(15..40) * 100;
                (
                    "中国联通",
                    "免费迁移IDC机柜并减免三个月租金".to_owned(),
                    tariff,
                    "客户经理上门",
                    format!("中国联通为{c}提供机房迁移方案"),
                    format!(
                        "中国联通向{c}提出IDC机柜迁移方案：免费迁移并减免三个月机柜租金，之后每月约{tariff}元。\
                         客户正在评估，预计一个月内决定。"
                    ),
                )
            }
        }
    } else if variant % 2 == 0 {
        (
            "中国电信",
            "199元融合套餐含千兆宽带和两张副卡".to_owned(),
            199,
            "营业厅",
            format!("中国电信营业厅向{c}推荐融合宽带套餐"),
            format!(
                "{c}反映近期在中国电信营业厅被推荐199元融合套餐，含千兆宽带和两张副卡。\
                 其本人对我公司网络质量满意，但觉得宽带价格偏高。"
            ),
        )
    } else {
        (
            "中国联通",
            "携号转入赠送12个月每月100元话费".to_owned(),
            129,
            "电话营销",
            format!("中国联通邀请{c}携号转网"),
            format!(
                "{c}接到中国联通电话营销，邀请携号转入，承诺赠送12个月每月100元话费，套餐月费129元。\
                 客户尚未答复，可安排客户经理上门做保有。"
            ),
        )
    };
    fields.set("competitor", rival);
    fields.set("offer", offer);
    fields.maybe("tariff", tariff);
    fields.maybe("channel", channel);
    fields.maybe("contact_person", their_contact);
    fields.maybe("deadline", deadline);
    let source = source(fields.rng, 0.7);
    composed(title, body, fields, source)
}

fn opportunity(rng: &mut StdRng, client: &WorldClient, observed: NaiveDate) -> Composed {
    let c = client.short;
    let (person, person_title) = client.decision_maker(rng);
    let stage = pick(rng, &["线索", "线索", "需求确认", "方案", "商务谈判", "签约"]);
    let timeline = date(observed + Duration::days(rng.gen_range(20..150)));
    let variant = rng.gen_range(0..6);
    let mut fields = FieldSet { rng, values: Map::new() };
    let (title, body, need, product, budget) = if client.is_group() {
        match variant {
            0 => (
                format!("{c}拟将互联网专线扩容至千兆"),
                format!(
                    "{c}业务系统陆续上云，现有100M专线已不够用。信息中心计划年内扩容至千兆，并要求双路由备份，\
                     预算已列入明年计划。"
                ),
                "互联网专线由100M扩容至1000M，双路由备份",
                "专线扩容",
                fields.rng.gen_range(8..30),
            ),
            1 => (
                format!("{c}计划建设视频会议系统，可推荐云视讯"),
                format!(
                    "{c}下属单位分布在多个区县，每周例会需要集中开会。客户计划建设视频会议系统，\
                     要求支持50方以上并能在手机入会，可推荐云视讯。"
                ),
                "50方以上视频会议，支持手机入会",
                "云视讯",
                fields.rng.gen_range(5..20),
            ),
            2 => (
                format!("{c}车辆和设备需要物联网卡与定位服务"),
                format!(
                    "{c}新增车辆和生产设备需要联网监控，计划采购物联网卡并接入车辆定位和能耗监测平台，\
                     首批约300张卡。"
                ),
                "车辆定位与设备监控，首批约300张物联网卡",
                "物联网卡+定位平台",
                fields.rng.gen_range(3..15),
            ),
            3 => (
                format!("{c}新址需要5G专网覆盖"),
                format!(
                    "{c}新区建设接近完工，计划部署5G专网支撑移动巡检和高清监控，\
                     希望运营商提供从勘察到运维的整体方案。"
                ),
                "新址5G专网覆盖，支撑移动巡检和高清监控",
                "5G专网",
                fields.rng.gen_range(50..300),
            ),
            4 => (
                format!("{c}有意采购移动办公和企业云盘"),
                format!(
                    "{c}推行无纸化办公，计划采购移动办公OA和企业云盘，要求数据存放在本地机房，\
                     可推荐移动办公加和彩云企业版。"
                ),
                "移动办公OA与企业云盘，数据本地化",
                "移动办公、和彩云企业版",
                fields.rng.gen_range(10..40),
            ),
            _ => (
                format!("{c}年会计划定制流量包作为员工福利"),
                format!(
                    "{c}工会计划在年会上给员工发放福利，有意定制一年期流量包，约500人，\
                     希望能印上单位标识。"
                ),
                "约500名员工的一年期流量包福利",
                "定向流量包",
                fields.rng.gen_range(3..10),
            ),
        }
    } else if variant % 2 == 0 {
        (
            format!("{c}新购住宅需全屋千兆WiFi"),
            format!("{c}新购独栋住宅即将入住，对网络要求高，希望全屋无死角千兆覆盖，可推荐FTTR全屋光宽带。"),
            "新宅全屋千兆WiFi覆盖",
            "FTTR全屋光宽带",
            fields.rng.gen_range(1..3),
        )
    } else {
        (
            format!("{c}计划为家人办理亲情网和副卡"),
            format!(
                "{c}家中老人和孩子分别使用其他运营商号码，计划统一办理亲情网和副卡，方便互打和共享流量。"
            ),
            "家庭成员亲情网和副卡",
            "家庭亲情网",
            1,
        )
    };
    fields.set("need", need);
    fields.maybe("product", product);
    fields.maybe("budget", budget);
    fields.maybe("timeline", timeline);
    fields.maybe("stage", stage);
    let decision_maker = if client.is_group() { format!("{person_title}{person}") } else { person };
    fields.maybe("decision_maker", decision_maker);
    let source = source(fields.rng, 0.85);
    composed(title, body, fields, source)
}

fn service(rng: &mut StdRng, client: &WorldClient, observed: NaiveDate) -> Composed {
    let c = client.short;
    let refund = rng.gen_range(2..60) * 10;
    let variant = rng.gen_range(0..5);
    let mut fields = FieldSet { rng, values: Map::new() };
    let (title, body, kind, severity, resolution) = if client.is_group() {
        match variant {
            0 => (
                format!("{c}投诉办公楼地下室手机信号弱"),
                format!("{c}反映办公楼地下一层和电梯内手机信号弱，员工经常漏接电话，已多次口头投诉。"),
                "网络质量",
                pick(fields.rng, &["一般", "较重"]),
                "网优工程师已现场测试，计划加装室内分布系统".to_owned(),
            ),
            1 => (
                format!("{c}对专线故障修复超时不满"),
                format!("{c}互联网专线上周发生故障，报修后六小时才恢复，超出服务协议承诺的四小时，客户信息中心表达不满。"),
                "装维时效",
                pick(fields.rng, &["较重", "严重"]),
                "已向客户书面致歉并按协议减免当月专线费用".to_owned(),
            ),
            2 => (
                format!("{c}质疑账单中的增值业务扣费"),
                format!("{c}财务在核对账单时发现部分号码被扣取增值业务费，质疑未经授权订购，要求退费并说明原因。"),
                pick(fields.rng, &["账单", "资费争议"]),
                "一般",
                format!("已核实为误订，退费{refund}元并关闭相关业务"),
            ),
            3 => (
                format!("{c}互联网专线中断两小时影响业务"),
                format!("{c}互联网专线因市政施工挖断光缆中断约两小时，期间对外服务系统无法访问，客户要求说明原因并提出整改措施。"),
                "网络质量",
                pick(fields.rng, &["严重", "重大"]),
                "已完成光缆抢修，建议客户增加备份路由".to_owned(),
            ),
            _ => (
                format!("{c}员工在营业厅办理业务排队过久"),
                format!("{c}办公室反映员工集中到营业厅办理换卡，排队超过一小时，建议为集团客户开设上门或预约服务。"),
                "服务态度",
                "一般",
                "已安排营业厅为该单位预约上门办理".to_owned(),
            ),
        }
    } else if variant % 2 == 0 {
        (
            format!("{c}反映国际漫游扣费异常"),
            format!("{c}出境期间未主动使用数据，回国后发现产生数百元漫游费用，认为扣费异常，情绪较大。"),
            "资费争议",
            "较重",
            format!("核查为后台应用自动更新产生流量，已协商减免{refund}元并开通漫游包提醒"),
        )
    } else {
        (
            format!("{c}对营业厅服务态度不满"),
            format!("{c}在营业厅办理业务时认为工作人员解释不耐心，拨打客服投诉。作为高价值客户，建议由客户经理回访致歉。"),
            "服务态度",
            "一般",
            "客户经理已上门回访致歉，并赠送VIP专属服务权益".to_owned(),
        )
    };
    fields.set("complaint_type", kind);
    fields.set("severity", severity);
    fields.maybe("occurred_on", date(observed));
    fields.maybe("resolution", resolution);
    let satisfied = pick(fields.rng, &["满意", "基本满意", "不满意"]);
    fields.maybe("satisfied", satisfied);
    let source = source(fields.rng, 0.6);
    composed(title, body, fields, source)
}

const REVISE_COMMENTS: [&str; 6] = [
    "请补充竞争对手的具体资费和有效期",
    "请写明决策人的姓名和职务",
    "请注明信息来源和获取时间",
    "正文与模板字段不一致，请核对金额",
    "请补充客户的具体诉求和预算区间",
    "描述过于笼统，请补充具体时间和涉及的业务",
];
const REJECT_COMMENTS: [&str; 6] = [
    "信息来源无法核实，请补充佐证后再报",
    "属于公开新闻转载，对营销价值有限",
    "内容与该客户无直接关联",
    "信息已过时，客户情况已发生变化",
    "与客户经理核实后确认不属实",
    "涉及客户隐私且与业务无关，不予采纳",
];
const RETRACT_COMMENTS: [&str; 2] =
    ["经客户经理回访核实，客户并未更换运营商，原信息不实", "客户书面澄清该项目已取消，原信息与事实不符"];

fn usage_note(purpose: UsagePurpose) -> &'static str {
    match purpose {
        UsagePurpose::Visit => "据此安排上门拜访，客户认可我方思路",
        UsagePurpose::Campaign => "纳入兴趣客户沙龙邀约名单",
        UsagePurpose::Solution => "据此制定解决方案并报价",
        UsagePurpose::Retention => "针对竞争对手优惠制定挽留方案",
        UsagePurpose::Other => "用于季度重点客户分析报告",
    }
}

// ---------------------------------------------------------------------------
// The plan: what happens to each entry and when.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Draft,
    Pending,
    Returned,
    Rejected,
    Duplicate,
    Adopted,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Afterwards {
    /// Stays adopted; verified when it would otherwise have gone stale.
    Kept,
    /// Left to go stale.
    Stale,
    Revised,
    Retracted,
}

struct UsagePlan {
    user: usize,
    purpose: UsagePurpose,
    outcome: UsageOutcome,
    at: NaiveDateTime,
    /// A later change of outcome.
    changed: Option<(UsageOutcome, NaiveDateTime)>,
}

struct Plan {
    /// Seeds the randomness of playing this plan, whatever order plans are played in.
    seed: u64,
    client: usize,
    category: &'static str,
    author: usize,
    reviewer: usize,
    fate: Fate,
    afterwards: Afterwards,
    submitted: NaiveDateTime,
    decided: NaiveDateTime,
    duplicate_of: Option<usize>,
    usages: Vec<UsagePlan>,
    verified: Option<NaiveDateTime>,
    /// (proposed, adopted) of a revision.
    revised: Option<(NaiveDateTime, NaiveDateTime)>,
    retracted: Option<NaiveDateTime>,
}

fn freshness_days(category: &str) -> f64 {
    match category {
        "basic" => 365.0,
        "profile" => 180.0,
        "business" | "credit" => 90.0,
        "competitor" => 30.0,
        _ => 60.0,
    }
}

/// Times of the history, relative to the moment seeding started.
struct Clock {
    now: NaiveDateTime,
}

impl Clock {
    fn ago(&self, days: f64) -> NaiveDateTime {
        self.now - Duration::seconds((days * 86_400.0) as i64)
    }

    fn days_since(&self, at: NaiveDateTime) -> f64 {
        (self.now - at).num_seconds() as f64 / 86_400.0
    }

    /// Moves a moment more than a day old into office hours (08–18, UTC+8).
    fn at_work(&self, rng: &mut StdRng, at: NaiveDateTime) -> NaiveDateTime {
        // Drawn every time, so the random stream (and so the world) does not
        // depend on the time of day the seeding runs.
        let (hour, minute, second) = (rng.gen_range(8..18), rng.gen_range(0..60), rng.gen_range(0..60));
        let local = at + Duration::hours(8);
        if self.now - at < Duration::days(1) || (8..18).contains(&local.hour()) {
            return at;
        }
        local.date().and_hms_opt(hour, minute, second).map_or(at, |m| m - Duration::hours(8))
    }

    /// A moment about `hours` after `previous`, in office hours when old enough,
    /// never before `previous` and never later than half a minute ago.
    fn after(&self, rng: &mut StdRng, previous: NaiveDateTime, hours: f64) -> NaiveDateTime {
        let latest = self.now - Duration::seconds(30);
        let wanted = previous + Duration::seconds((hours * 3600.0) as i64);
        let at = self.at_work(rng, wanted).max(previous + Duration::minutes(5));
        if at <= latest {
            at
        } else {
            previous + (latest - previous) / 2
        }
    }

    fn between(&self, rng: &mut StdRng, from: NaiveDateTime, to: NaiveDateTime) -> NaiveDateTime {
        // One draw whatever the span, so the stream does not depend on the wall clock.
        let share: f64 = rng.gen();
        let at = from + Duration::seconds(((to - from).num_seconds().max(0) as f64 * share) as i64);
        self.at_work(rng, at).clamp(from, to)
    }
}

// ---------------------------------------------------------------------------
// The seeder.

struct Seeder<'c> {
    conn: &'c mut DbConn,
    /// Draws the seed of each step, so that one step's randomness never shifts another's.
    master: StdRng,
    rng: StdRng,
    clock: Clock,
    /// Rows written at or after this moment have not been moved into the past yet.
    since: NaiveDateTime,
    actors: Vec<Actor>,
    clients: Vec<WorldClient>,
    entries: usize,
    usages: usize,
}

/// Turns a service error into one that says which step failed.
fn failed(step: &'static str) -> impl Fn(ApiError) -> anyhow::Error {
    move |error| match error {
        ApiError::Internal(cause) => cause.context(step),
        ApiError::Validation { message, fields } => anyhow!("{step}: {message} {fields:?}"),
        other => anyhow!("{step}: {other}"),
    }
}

impl<'c> Seeder<'c> {
    fn new(conn: &'c mut DbConn) -> Self {
        let now = Utc::now().naive_utc();
        Seeder {
            conn,
            master: StdRng::seed_from_u64(RANDOM_SEED),
            rng: StdRng::seed_from_u64(RANDOM_SEED + 1),
            clock: Clock { now },
            since: now,
            actors: Vec::new(),
            clients: Vec::new(),
            entries: 0,
            usages: 0,
        }
    }

    fn run(&mut self, password_hash: &str) -> anyhow::Result<DemoSummary> {
        let logins = self.people(password_hash)?;
        self.clients()?;
        self.handovers()?;
        let plans = self.plan()?;
        self.play(&plans)?;
        self.read_old_notifications()?;
        // The history is made up: none of its mail is ever sent.
        crate::notify::outbox::suppress_unsent(self.conn)?;
        Ok(DemoSummary {
            users: logins.len(),
            logins,
            clients: self.clients.len(),
            entries: self.entries,
            usages: self.usages,
        })
    }

    /// Moves every row written since the last move to `at`.
    fn settle(&mut self, at: NaiveDateTime) -> anyhow::Result<()> {
        restamp(self.conn, self.since, at).context("moving the demo history into the past")
    }

    /// Starts a fresh random stream for the next step.
    fn reseed(&mut self) {
        self.rng = StdRng::seed_from_u64(self.master.gen());
    }

    fn actor(&self, no: &str) -> Option<usize> {
        self.actors.iter().position(|a| a.no == no)
    }

    /// Actors for whom `wanted` holds.
    fn pool(&self, wanted: impl Fn(&Actor) -> bool) -> Vec<usize> {
        (0..self.actors.len()).filter(|i| wanted(&self.actors[*i])).collect()
    }

    /// Reviewers decide; admins stand in when no reviewer could be created.
    fn reviewers(&self) -> Vec<usize> {
        let reviewers = self.pool(|a| a.user.has(Role::Reviewer));
        if reviewers.is_empty() {
            self.pool(|a| a.user.has(Role::Admin))
        } else {
            reviewers
        }
    }

    /// People who collect and use intelligence: everyone but reviewers and admins.
    fn contributors(&self) -> Vec<usize> {
        self.pool(|a| !a.user.has(Role::Reviewer) && !a.user.has(Role::Admin))
    }

    fn departments(&mut self) -> anyhow::Result<Vec<(&'static str, DepartmentId)>> {
        let existing = people::list_departments(self.conn)?;
        let mut ids = Vec::new();
        for (name, kind) in DEPARTMENTS {
            let id = match existing.iter().find(|d| d.name == name) {
                Some(department) => department.id,
                None => people::create_department(self.conn, name, kind.as_str())?.id,
            };
            ids.push((name, id));
        }
        let founded = self.clock.ago(210.0);
        let since = self.since;
        with_conn!(self.conn, |c| diesel::update(
            departments::table.filter(departments::created_at.ge(since))
        )
        .set(departments::created_at.eq(founded))
        .execute(c))?;
        Ok(ids)
    }

    /// Creates the demo accounts, skipping any whose employee number or e-mail
    /// is taken (an administrator made with `create-admin`, say). Such an
    /// existing account plays its part only if it has the part's roles.
    fn people(&mut self, password_hash: &str) -> anyhow::Result<Vec<(String, String, String, String)>> {
        let departments = self.departments()?;
        let mut logins = Vec::new();
        for person in &PEOPLE {
            let employee_no = EmployeeNo::parse(person.no).map_err(anyhow::Error::msg)?;
            let name = RealName::parse(person.name).map_err(anyhow::Error::msg)?;
            let email = Email::parse(&format!("{}@{EMAIL_DOMAIN}", person.no.to_ascii_lowercase()))
                .map_err(anyhow::Error::msg)?;
            let roles = Roles::new(person.roles.iter().copied());
            let taken =
                people::taken_identifiers(self.conn, Some(employee_no.as_str()), Some(email.as_str()), None)?;
            let (user, joined) = if taken.is_empty() {
                let department = departments.iter().find(|(n, _)| *n == person.department).map(|(_, id)| *id);
                let user = create_user_row(
                    self.conn,
                    &employee_no,
                    &name,
                    &email,
                    department,
                    &roles,
                    password_hash.to_owned(),
                )
                .map_err(failed("creating a demo user"))?;
                let joined = self.clock.ago(person.joined_days as f64);
                with_conn!(self.conn, |c| diesel::update(users::table.find(user.id))
                    .set((users::created_at.eq(joined), users::updated_at.eq(joined)))
                    .execute(c))?;
                logins.push((
                    user.employee_no.clone(),
                    user.real_name.clone(),
                    roles.names().join(","),
                    DEMO_PASSWORD.to_owned(),
                ));
                (user, joined)
            } else {
                let existing = match people::find_by_login(self.conn, employee_no.as_str())? {
                    Some(user) => Some(user),
                    None => people::find_by_login(self.conn, email.as_str())?,
                };
                let fits = |u: &User| u.is_active && person.roles.iter().all(|r| u.roles().has(*r));
                match existing.filter(fits) {
                    Some(user) => {
                        let joined = user.created_at.min(self.clock.ago(person.joined_days as f64));
                        (user, joined)
                    }
                    None => continue,
                }
            };
            self.actors.push(Actor { no: person.no.to_owned(), joined, user: CurrentUser::acting_as(user) });
        }
        if self.reviewers().is_empty() || self.contributors().is_empty() {
            bail!("the demo world needs a reviewer and a contributor, but their accounts exist with other roles");
        }
        Ok(logins)
    }

    /// The account manager `no`, or another one when that account is missing.
    fn account_manager(&self, no: &str) -> Option<usize> {
        let managers = self.pool(|a| a.user.has(Role::AccountManager));
        self.actor(no).filter(|i| managers.contains(i)).or_else(|| managers.first().copied())
    }

    /// Opens a client about half a year ago with its tags, contacts and owner history.
    fn add_client(&mut self, spec: ClientSpec) -> anyhow::Result<()> {
        let ClientSpec { name, short, kind, industry, region, tier, status, owner, parent, tags } = spec;
        let owner = self.account_manager(owner);
        let creator = owner.unwrap_or(0);
        let created_by = self.actors[creator].user.id;
        let opened = self.clock.ago(self.rng.gen_range(185.0..200.0));
        let opened = self.clock.at_work(&mut self.rng, opened);
        let (full, initials) = pinyin::keys(name);
        let group_kind = matches!(kind, Kind::Group(_));
        let client = clients::insert(
            self.conn,
            &NewClient {
                kind: if group_kind { ClientKind::Group } else { ClientKind::Individual }.as_str().to_owned(),
                name: name.to_owned(),
                pinyin: full,
                initials,
                aliases: if short == name { String::new() } else { short.to_owned() },
                industry: Some(industry.to_owned()),
                region: Some(region.to_owned()),
                tier: Some(tier.to_owned()),
                status: status.as_str().to_owned(),
                owner_id: owner.map(|o| self.actors[o].user.id),
                parent_id: parent,
                created_by,
                created_at: opened,
                updated_at: opened,
            },
        )?;
        let tag_list: Vec<String> = tags.iter().map(|t| (*t).to_owned()).collect();
        clients::set_tags(self.conn, client.id, &tag_list)?;
        if let Some(owner) = owner {
            let change = NewOwnerChange {
                client_id: client.id,
                from_owner_id: None,
                to_owner_id: Some(self.actors[owner].user.id),
                changed_by: created_by,
                note: "建档",
                created_at: opened,
            };
            clients::record_owner_change(self.conn, &change)?;
        }
        let mut contacts = Vec::new();
        if let Kind::Group(sector) = kind {
            let titles = contact_titles(sector);
            let count = self.rng.gen_range(1..=3).min(titles.len());
            let mut chosen = vec![titles[0]];
            let mut others: Vec<&'static str> = titles[1..].to_vec();
            others.shuffle(&mut self.rng);
            chosen.extend(others.into_iter().take(count - 1));
            for (position, title) in chosen.into_iter().enumerate() {
                let name = person_name(&mut self.rng);
                let met = opened + Duration::days(self.rng.gen_range(1..20));
                clients::insert_contact(
                    self.conn,
                    &NewContact {
                        client_id: client.id,
                        name: name.clone(),
                        title: title.to_owned(),
                        is_decision_maker: position == 0,
                        phone: mobile(&mut self.rng),
                        notes: (pick(&mut self.rng, &CONTACT_NOTES)).to_owned(),
                        created_by,
                        created_at: met,
                        updated_at: met,
                    },
                )?;
                contacts.push((name, title));
            }
        }
        self.clients.push(WorldClient {
            id: client.id,
            name,
            short,
            kind,
            region,
            tags,
            tier,
            owner,
            before_handover: None,
            contacts,
        });
        Ok(())
    }

    fn clients(&mut self) -> anyhow::Result<()> {
        for g in &GROUPS {
            self.add_client(ClientSpec {
                name: g.name,
                short: g.short,
                kind: Kind::Group(g.sector),
                industry: g.industry,
                region: g.region,
                tier: g.tier,
                status: g.status,
                owner: g.owner,
                parent: None,
                tags: g.tags,
            })?;
        }
        for v in &VIPS {
            let parent = v.parent.and_then(|p| self.clients.iter().find(|c| c.short == p)).map(|c| c.id);
            self.add_client(ClientSpec {
                name: v.name,
                short: v.name,
                kind: Kind::Individual { title: v.title, company: v.parent },
                industry: v.industry,
                region: v.region,
                tier: v.tier,
                status: v.status,
                owner: v.owner,
                parent,
                tags: v.tags,
            })?;
        }
        Ok(())
    }

    /// The new account manager takes over two clients, as `PUT /clients/{id}/owner` would.
    fn handovers(&mut self) -> anyhow::Result<()> {
        let Some(to) = self.account_manager("AM04") else { return Ok(()) };
        for (short, days, note) in HANDOVERS {
            let Some(index) = self.clients.iter().position(|c| c.short == short) else { continue };
            let from = self.clients[index].owner;
            if from == Some(to) {
                continue;
            }
            let at = self.clock.ago(days as f64);
            let at = self.clock.at_work(&mut self.rng, at);
            let (id, name) = (self.clients[index].id, self.clients[index].name);
            let to_id = self.actors[to].user.id;
            let from_id = from.map(|f| self.actors[f].user.id);
            let changes =
                ClientChanges { owner_id: Some(Some(to_id)), updated_at: Some(at), ..Default::default() };
            clients::update(self.conn, id, &changes)?;
            let by = from_id.unwrap_or(to_id);
            let change = NewOwnerChange {
                client_id: id,
                from_owner_id: from_id,
                to_owner_id: Some(to_id),
                changed_by: by,
                note,
                created_at: at,
            };
            clients::record_owner_change(self.conn, &change)?;
            notify::notify(
                self.conn,
                NewNotification::new(
                    to_id,
                    NotificationKind::ClientHandover,
                    format!("客户“{name}”已交接给你"),
                    format!("交接说明：{note}"),
                )
                .client(id),
            )?;
            audit::record(
                self.conn,
                Some(by),
                "client.handover",
                "client",
                Some(id.0),
                json!({"from": from_id, "to": to_id}),
            )?;
            self.settle(at)?;
            self.clients[index].before_handover = Some((from, at));
            self.clients[index].owner = Some(to);
        }
        Ok(())
    }

    /// A client for a new entry: groups more often, higher tiers more often.
    fn pick_client(&mut self) -> usize {
        let groups = self.rng.gen_bool(0.72);
        let weights: Vec<u32> =
            self.clients.iter().map(|c| if c.is_group() == groups { c.tier_weight() } else { 0 }).collect();
        weighted(&mut self.rng, &weights)
    }

    fn pick_category(&mut self, client: usize, stale: bool) -> &'static str {
        let group = self.clients[client].is_group();
        let table: &[(&'static str, u32)] = match (group, stale) {
            (true, false) => &[
                ("basic", 12),
                ("profile", 14),
                ("business", 18),
                ("credit", 9),
                ("competitor", 16),
                ("opportunity", 18),
                ("service", 13),
            ],
            (false, false) => {
                &[("profile", 30), ("business", 22), ("competitor", 14), ("opportunity", 20), ("service", 14)]
            }
            (true, true) => {
                &[("business", 3), ("credit", 1), ("competitor", 4), ("opportunity", 3), ("service", 2)]
            }
            (false, true) => &[("business", 1), ("competitor", 2), ("opportunity", 1), ("service", 1)],
        };
        // Only companies and banks have a credit standing worth recording.
        let has_credit = matches!(self.clients[client].kind, Kind::Group(Enterprise | Finance));
        let weights: Vec<u32> =
            table.iter().map(|(key, w)| if *key == "credit" && !has_credit { 0 } else { *w }).collect();
        table[weighted(&mut self.rng, &weights)].0
    }

    /// Someone from `pool` (other than `not`) who had joined by `at`.
    fn someone(&mut self, pool: &[usize], not: Option<usize>, at: NaiveDateTime) -> Option<usize> {
        let eligible: Vec<usize> =
            pool.iter().copied().filter(|i| Some(*i) != not && self.actors[*i].joined < at).collect();
        eligible.choose(&mut self.rng).copied()
    }

    fn plan(&mut self) -> anyhow::Result<Vec<Plan>> {
        let contributors = self.contributors();
        let reviewers = self.reviewers();
        let mut specs: Vec<(Fate, Afterwards, bool)> = Vec::new();
        let fates = [(Fate::Draft, 10), (Fate::Pending, 20), (Fate::Returned, 16), (Fate::Rejected, 16)];
        for (fate, count) in fates {
            specs.extend(std::iter::repeat_n((fate, Afterwards::Kept, false), count));
        }
        let adopted = [
            (Afterwards::Stale, false, 10),
            (Afterwards::Revised, false, 3),
            (Afterwards::Retracted, false, 2),
            (Afterwards::Kept, true, 6),
            (Afterwards::Kept, false, 106),
        ];
        for (afterwards, recent, count) in adopted {
            specs.extend(std::iter::repeat_n((Fate::Adopted, afterwards, recent), count));
        }

        let mut plans = Vec::new();
        for (fate, afterwards, recent) in specs {
            self.reseed();
            let play_seed = self.master.gen();
            let client = self.pick_client();
            let category = self.pick_category(client, afterwards == Afterwards::Stale);
            let window = freshness_days(category);
            let rng = &mut self.rng;
            let age = match (fate, afterwards) {
                (Fate::Draft, _) => rng.gen_range(0.02..20.0),
                (Fate::Pending, _) => rng.gen_range(0.01..9.0),
                (Fate::Returned | Fate::Rejected, _) => rng.gen_range(2.0..HISTORY_DAYS),
                (_, Afterwards::Stale) => (window + rng.gen_range(6.0..50.0)).min(HISTORY_DAYS),
                (_, Afterwards::Revised | Afterwards::Retracted) => rng.gen_range(25.0..HISTORY_DAYS),
                _ if recent => rng.gen_range(0.004..0.05),
                _ if rng.gen_bool(0.55) => rng.gen_range(0.3..(window * 0.85).min(HISTORY_DAYS)),
                _ => rng.gen_range(0.3..HISTORY_DAYS),
            };
            let submitted = self.clock.ago(age);
            let submitted = self.clock.at_work(&mut self.rng, submitted);
            let delay = self.rng.gen_range(1.0..72.0);
            let decided = self.clock.after(&mut self.rng, submitted, delay);
            let owner = self.clients[client].owner_at(submitted).filter(|o| contributors.contains(o));
            let author = match owner {
                Some(owner) if self.rng.gen_bool(0.45) && self.actors[owner].joined < submitted => {
                    Some(owner)
                }
                _ => self.someone(&contributors, None, submitted),
            };
            let Some(author) = author.or(owner).or(contributors.first().copied()) else {
                bail!("no one to write the demo entries");
            };
            let reviewer = pick(&mut self.rng, &reviewers);
            let mut plan = Plan {
                seed: play_seed,
                client,
                category,
                author,
                reviewer,
                fate,
                afterwards,
                submitted,
                decided,
                duplicate_of: None,
                usages: Vec::new(),
                verified: None,
                revised: None,
                retracted: None,
            };
            self.plan_afterwards(&mut plan);
            plans.push(plan);
        }
        self.reseed();
        self.plan_duplicates(&mut plans, &contributors, &reviewers);
        self.plan_usages(&mut plans, &contributors);
        Ok(plans)
    }

    fn plan_afterwards(&mut self, plan: &mut Plan) {
        if plan.fate != Fate::Adopted {
            return;
        }
        let clock = &self.clock;
        let rng = &mut self.rng;
        let window = freshness_days(plan.category);
        match plan.afterwards {
            Afterwards::Kept if clock.days_since(plan.decided) > window - 0.5 => {
                // Confirmed "still true" once it had gone stale, and recently enough to be fresh now.
                let lower = (plan.decided + Duration::hours(((window + 0.5) * 24.0) as i64))
                    .max(clock.ago(window * 0.8));
                let upper = clock.ago(0.1);
                plan.verified =
                    Some(if lower < upper { clock.between(rng, lower, upper) } else { clock.ago(0.05) });
            }
            Afterwards::Revised => {
                let from = (plan.decided + Duration::days(5)).max(clock.ago(20.0));
                let proposed = clock.between(rng, from, clock.ago(0.5));
                let hours = rng.gen_range(2.0..30.0);
                plan.revised = Some((proposed, clock.after(rng, proposed, hours)));
            }
            Afterwards::Retracted => {
                plan.retracted = Some(clock.between(rng, plan.decided + Duration::days(3), clock.ago(1.0)));
            }
            Afterwards::Kept | Afterwards::Stale => {}
        }
    }

    /// The same fact reported again by someone else, after the first report was adopted.
    fn plan_duplicates(&mut self, plans: &mut Vec<Plan>, contributors: &[usize], reviewers: &[usize]) {
        let mut targets: Vec<usize> = (0..plans.len())
            .filter(|i| {
                let p = &plans[*i];
                p.fate == Fate::Adopted
                    && matches!(p.afterwards, Afterwards::Kept | Afterwards::Stale)
                    && self.clients[p.client].is_group()
                    && self.clock.days_since(p.decided) > 3.0
            })
            .collect();
        targets.shuffle(&mut self.rng);
        for target in targets.into_iter().take(8) {
            self.reseed();
            let (client, category, target_author, target_decided) = {
                let t = &plans[target];
                (t.client, t.category, t.author, t.decided)
            };
            let from = target_decided + Duration::days(1);
            let to = self.clock.ago(0.5);
            let submitted = self.clock.between(&mut self.rng, from, to);
            let Some(author) = self.someone(contributors, Some(target_author), submitted) else { continue };
            let delay = self.rng.gen_range(2.0..48.0);
            let decided = self.clock.after(&mut self.rng, submitted, delay);
            plans.push(Plan {
                seed: self.rng.gen(),
                client,
                category,
                author,
                reviewer: pick(&mut self.rng, reviewers),
                fate: Fate::Duplicate,
                afterwards: Afterwards::Kept,
                submitted,
                decided,
                duplicate_of: Some(target),
                usages: Vec::new(),
                verified: None,
                revised: None,
                retracted: None,
            });
        }
    }

    /// About a hundred uses of adopted entries by people other than the author.
    fn plan_usages(&mut self, plans: &mut [Plan], contributors: &[usize]) {
        let weights: Vec<u32> = plans
            .iter()
            .map(|p| {
                let usable = p.fate == Fate::Adopted && self.clock.days_since(p.decided) > 0.3;
                match p.category {
                    _ if !usable => 0,
                    "opportunity" | "competitor" => 4,
                    "business" | "profile" => 3,
                    "service" => 2,
                    _ => 1,
                }
            })
            .collect();
        if weights.iter().all(|w| *w == 0) {
            return;
        }
        let mut planned = 0;
        for _attempt in 0..USAGES * 20 {
            if planned == USAGES {
                break;
            }
            self.reseed();
            let index = weighted(&mut self.rng, &weights);
            let plan = &plans[index];
            if plan.usages.len() >= 4 {
                continue;
            }
            let start = plan.decided + Duration::hours(1);
            let end = match (plan.revised, plan.retracted) {
                (Some((proposed, _)), _) => proposed - Duration::hours(1),
                (_, Some(retracted)) => retracted - Duration::hours(1),
                _ => self.clock.ago(0.01),
            };
            if end - start < Duration::hours(1) {
                continue;
            }
            let at = self.clock.between(&mut self.rng, start, end);
            let taken: Vec<usize> = plan.usages.iter().map(|u| u.user).collect();
            let eligible: Vec<usize> = contributors
                .iter()
                .copied()
                .filter(|u| *u != plan.author && !taken.contains(u) && self.actors[*u].joined < at)
                .collect();
            let Some(user) = eligible.choose(&mut self.rng).copied() else { continue };
            let purposes: &[UsagePurpose] = match plan.category {
                "competitor" => &[UsagePurpose::Retention, UsagePurpose::Solution, UsagePurpose::Retention],
                "opportunity" => &[UsagePurpose::Solution, UsagePurpose::Visit, UsagePurpose::Solution],
                "profile" => &[UsagePurpose::Visit, UsagePurpose::Campaign],
                "business" => &[UsagePurpose::Solution, UsagePurpose::Visit, UsagePurpose::Retention],
                "service" => &[UsagePurpose::Retention, UsagePurpose::Visit],
                _ => &[UsagePurpose::Other, UsagePurpose::Visit],
            };
            let purpose = pick(&mut self.rng, purposes);
            let roll = self.rng.gen_range(0..100);
            let retracted = plan.retracted.is_some();
            let (outcome, later) = match roll {
                0..=15 => (UsageOutcome::Won, None),
                16..=23 if !retracted => (UsageOutcome::Pending, Some(UsageOutcome::Won)),
                24..=33 => (UsageOutcome::Lost, None),
                34..=39 if !retracted => (UsageOutcome::Pending, Some(UsageOutcome::Lost)),
                _ => (UsageOutcome::Pending, None),
            };
            let changed = later.map(|o| {
                let hours = self.rng.gen_range(72.0..600.0);
                (o, self.clock.after(&mut self.rng, at, hours))
            });
            plans[index].usages.push(UsagePlan { user, purpose, outcome, at, changed });
            planned += 1;
        }
    }

    /// Plays every plan through the services, oldest submission first.
    fn play(&mut self, plans: &[Plan]) -> anyhow::Result<()> {
        let mut order: Vec<usize> = (0..plans.len()).collect();
        order.sort_by_key(|i| plans[*i].submitted);
        let mut played: Vec<Option<(IntelId, Composed)>> = (0..plans.len()).map(|_| None).collect();
        for index in order {
            let plan = &plans[index];
            self.rng = StdRng::seed_from_u64(plan.seed);
            let duplicate_of = plan.duplicate_of.and_then(|t| played[t].as_ref());
            let (id, composed) = self.write(plan, duplicate_of)?;
            if plan.fate != Fate::Draft && plan.fate != Fate::Pending {
                let target = duplicate_of.map(|(target, _)| *target);
                self.decide(plan, id, target)?;
            }
            for planned in &plan.usages {
                self.use_entry(id, planned)?;
            }
            if let Some(at) = plan.verified {
                self.verify(plan, id, at)?;
            }
            if let Some((proposed, adopted)) = plan.revised {
                self.revise(plan, id, proposed, adopted)?;
            }
            if let Some(at) = plan.retracted {
                let reviewer = &self.actors[plan.reviewer].user;
                let comment = pick(&mut self.rng, &RETRACT_COMMENTS);
                entries::retract(self.conn, reviewer, id, comment).map_err(failed("retracting an entry"))?;
                self.settle(at)?;
            }
            played[index] = Some((id, composed));
        }
        Ok(())
    }

    fn observed(&mut self, submitted: NaiveDateTime) -> NaiveDateTime {
        // A local date at least a day before submission, so it is never in the future.
        let local_day = (submitted + Duration::hours(8)).date();
        let day = local_day - Duration::days(self.rng.gen_range(1..9));
        day.and_hms_opt(0, 0, 0).unwrap_or(submitted)
    }

    fn write(
        &mut self,
        plan: &Plan,
        duplicate_of: Option<&(IntelId, Composed)>,
    ) -> anyhow::Result<(IntelId, Composed)> {
        let observed_at = self.observed(plan.submitted);
        let mut composed = match duplicate_of {
            Some((_, original)) => Composed {
                title: original.title.clone(),
                body: format!("{}（据近期走访了解）", original.body),
                fields: original.fields.clone(),
                source: original.source,
            },
            None => compose(&mut self.rng, plan.category, &self.clients[plan.client], observed_at.date()),
        };
        let draft = plan.fate == Fate::Draft;
        if draft {
            // A draft is unfinished: some of its fields are still empty.
            let keys: Vec<String> = composed.fields.keys().cloned().collect();
            for key in keys {
                if self.rng.gen_bool(0.5) {
                    composed.fields.remove(&key);
                }
            }
        }
        let content = Content {
            title: composed.title.clone(),
            body: composed.body.clone(),
            fields: composed.fields.clone(),
            source: composed.source,
            observed_at,
        };
        let author = &self.actors[plan.author].user;
        let client = self.clients[plan.client].id;
        let entry = entries::create(self.conn, author, client, plan.category, content, draft)
            .map_err(failed("writing an entry"))?;
        self.entries += 1;
        self.settle(plan.submitted)?;
        Ok((entry.id, composed))
    }

    fn decide(&mut self, plan: &Plan, id: IntelId, duplicate_of: Option<IntelId>) -> anyhow::Result<()> {
        let rng = &mut self.rng;
        let (decision, scores, comment) = match (plan.fate, duplicate_of) {
            (Fate::Duplicate, Some(_)) => {
                (Decision::Duplicate, RawScores::default(), "与已采纳的情报内容重复".to_owned())
            }
            (Fate::Adopted | Fate::Duplicate, _) => {
                let level = pick(rng, &[3, 4, 4, 4, 5, 5]);
                let comment = pick(
                    rng,
                    &["信息真实，价值较高", "内容完整，可直接用于营销", "来源可靠，建议客户经理跟进", ""],
                );
                (Decision::Adopt, rubric(rng, level), comment.to_owned())
            }
            (Fate::Rejected, _) => {
                let scores = if rng.gen_bool(0.4) { rubric(rng, 2) } else { RawScores::default() };
                (Decision::Reject, scores, pick(rng, &REJECT_COMMENTS).to_owned())
            }
            _ => (Decision::Revise, RawScores::default(), pick(rng, &REVISE_COMMENTS).to_owned()),
        };
        let input = DecisionInput { decision, scores, comment, duplicate_of };
        let reviewer = &self.actors[plan.reviewer].user;
        review::decide(self.conn, reviewer, id, input).map_err(failed("deciding an entry"))?;
        self.settle(plan.decided)
    }

    fn use_entry(&mut self, id: IntelId, planned: &UsagePlan) -> anyhow::Result<()> {
        let user = self.actors[planned.user].user.clone();
        let note = usage_note(planned.purpose);
        let used = usage::record(self.conn, &user, id, planned.purpose, planned.outcome, note)
            .map_err(failed("recording a usage"))?;
        self.usages += 1;
        self.settle(planned.at)?;
        if let Some((outcome, at)) = planned.changed {
            let note = match outcome {
                UsageOutcome::Won => "客户已签约，方案落地",
                UsageOutcome::Lost => "客户最终选择了其他方案",
                UsageOutcome::Pending => note,
            };
            usage::change_outcome(self.conn, &user, used.id, outcome, Some(note))
                .map_err(failed("changing a usage outcome"))?;
            self.settle(at)?;
        }
        Ok(())
    }

    /// The author, or now and then the client's owner, confirms the entry is still true.
    fn verify(&mut self, plan: &Plan, id: IntelId, at: NaiveDateTime) -> anyhow::Result<()> {
        let owner = self.clients[plan.client].owner_at(at);
        let who = match owner {
            Some(owner) if self.rng.gen_bool(0.5) => owner,
            _ => plan.author,
        };
        entries::verify(self.conn, &self.actors[who].user, id).map_err(failed("verifying an entry"))?;
        self.settle(at)
    }

    fn revise(
        &mut self,
        plan: &Plan,
        id: IntelId,
        proposed: NaiveDateTime,
        adopted: NaiveDateTime,
    ) -> anyhow::Result<()> {
        let observed_at = self.observed(proposed);
        let fresh = compose(&mut self.rng, plan.category, &self.clients[plan.client], observed_at.date());
        let content = Content {
            title: format!("【更新】{}", fresh.title),
            body: format!("据最新走访，情况有变化：{}", fresh.body),
            fields: fresh.fields,
            source: fresh.source,
            observed_at,
        };
        let author = &self.actors[plan.author].user;
        let revision = entries::propose_revision(self.conn, author, id, content)
            .map_err(failed("proposing a revision"))?;
        self.entries += 1;
        self.settle(proposed)?;
        let input = DecisionInput {
            decision: Decision::Adopt,
            scores: rubric(&mut self.rng, 4),
            comment: "更新及时，予以采纳".to_owned(),
            duplicate_of: None,
        };
        let reviewer = &self.actors[plan.reviewer].user;
        review::decide(self.conn, reviewer, revision.id, input).map_err(failed("adopting a revision"))?;
        self.settle(adopted)
    }

    /// Notifications older than a few days have been read.
    fn read_old_notifications(&mut self) -> anyhow::Result<()> {
        let before = self.clock.ago(4.0);
        with_conn!(self.conn, |c| diesel::update(
            notifications::table
                .filter(notifications::read_at.is_null())
                .filter(notifications::created_at.lt(before))
        )
        .set(notifications::read_at.eq(notifications::created_at.nullable()))
        .execute(c))?;
        Ok(())
    }
}

/// An index drawn with probability proportional to its weight (some weight must be positive).
fn weighted(rng: &mut StdRng, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    let mut roll = rng.gen_range(0..total.max(1));
    for (index, weight) in weights.iter().enumerate() {
        if roll < *weight {
            return index;
        }
        roll -= weight;
    }
    0
}

/// Five scores around `level`.
fn rubric(rng: &mut StdRng, level: i64) -> RawScores {
    let mut score = || Some((level + rng.gen_range(-1..=1)).clamp(1, 5));
    RawScores {
        truthfulness: score(),
        relevance: score(),
        completeness: score(),
        timeliness: score(),
        value: score(),
    }
}

/// Sets `$column` of every row of `$table` written at or after `$since` to `$at`.
macro_rules! move_back {
    ($c:expr, $since:expr, $at:expr, $($table:ident . $column:ident),+ $(,)?) => {
        $(
            diesel::update($table::table.filter($table::$column.ge($since)))
                .set($table::$column.eq($at))
                .execute($c)?;
        )+
    };
}

/// Moves the rows one event wrote (at the real "now", at or after `since`)
/// to the moment `at` the event happened in the demo's history.
fn restamp(conn: &mut DbConn, since: NaiveDateTime, at: NaiveDateTime) -> QueryResult<()> {
    with_conn!(conn, |c| {
        move_back!(
            c,
            since,
            at,
            intel.created_at,
            intel.updated_at,
            intel.submitted_at,
            intel.decided_at,
            intel.adopted_at,
            intel.verified_at,
            reviews.created_at,
            usages.created_at,
            usages.updated_at,
            point_entries.created_at,
            notifications.created_at,
            audit_events.created_at,
        );
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn clock() -> Clock {
        Clock { now: NaiveDate::from_ymd_opt(2026, 11, 28).unwrap().and_hms_opt(19, 0, 0).unwrap() }
    }

    #[test]
    fn old_moments_move_into_office_hours() {
        let clock = clock();
        let mut rng = StdRng::seed_from_u64(1);
        for days in [1.5, 7.3, 40.9, 170.2] {
            let moved = clock.at_work(&mut rng, clock.ago(days));
            let local_hour = (moved + Duration::hours(8)).hour();
            assert!((8..18).contains(&local_hour), "{moved} is {local_hour}h local");
        }
        let recent = clock.ago(0.2);
        assert_eq!(clock.at_work(&mut rng, recent), recent);
    }

    #[test]
    fn weighted_never_draws_a_zero_weight() {
        let mut rng = StdRng::seed_from_u64(2);
        for _ in 0..1000 {
            assert_ne!(weighted(&mut rng, &[0, 3, 0, 1]) % 2, 0);
        }
    }

    proptest! {
        #[test]
        fn a_later_event_is_after_the_previous_and_never_in_the_future(
            days_ago in 0.0f64..180.0,
            hours in 0.0f64..2000.0,
            seed in any::<u64>(),
        ) {
            let clock = clock();
            let mut rng = StdRng::seed_from_u64(seed);
            let previous = clock.ago(days_ago).min(clock.now - Duration::seconds(30));
            let next = clock.after(&mut rng, previous, hours);
            prop_assert!(next >= previous);
            prop_assert!(next <= clock.now - Duration::seconds(30));
        }
    }
}
