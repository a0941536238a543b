//! The static demo world: departments, people, clients, and the words the
//! history is told in.

use chrono::NaiveDate;
use rand::rngs::StdRng;
use rand::Rng;

use crate::enums::ClientStatus;
use crate::enums::UsagePurpose;
use crate::enums::{DepartmentKind, Role};
use ClientStatus::{Active, AtRisk, Lost, Prospect};
use Sector::{Enterprise, Finance, Government, Hospital, School};

pub(super) const EMAIL_DOMAIN: &str = "wuhu.example.com";

pub(super) const DEPARTMENTS: [(&str, DepartmentKind); 6] = [
    ("政企客户部", DepartmentKind::Frontline),
    ("个人客户部", DepartmentKind::Frontline),
    ("营业厅", DepartmentKind::Frontline),
    ("信息管理部", DepartmentKind::Management),
    ("市场部", DepartmentKind::Usage),
    ("集团客户部", DepartmentKind::Usage),
];

pub(super) struct PersonSeed {
    pub(super) no: &'static str,
    pub(super) name: &'static str,
    pub(super) department: &'static str,
    pub(super) roles: &'static [Role],
    /// How long ago they joined Zhiku, in days.
    pub(super) joined_days: i64,
}

#[rustfmt::skip]
pub(super) const PEOPLE: [PersonSeed; 15] = [
    PersonSeed { no: "ADMIN", name: "系统管理员", department: "信息管理部", roles: &[Role::Admin], joined_days: 200 },
    PersonSeed { no: "R001", name: "陈静", department: "信息管理部", roles: &[Role::Reviewer, Role::DepartmentHead], joined_days: 199 },
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
pub(super) enum Sector {
    Enterprise,
    Hospital,
    School,
    Government,
    Finance,
}

pub(super) struct GroupSeed {
    pub(super) name: &'static str,
    pub(super) short: &'static str,
    pub(super) sector: Sector,
    pub(super) industry: &'static str,
    pub(super) region: &'static str,
    pub(super) tier: &'static str,
    pub(super) status: ClientStatus,
    pub(super) owner: &'static str,
    pub(super) tags: &'static [&'static str],
}

/// A row of the client table; positional so the table reads as one line per client.
#[allow(clippy::too_many_arguments)]
pub(super) const fn group(
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

#[rustfmt::skip]
pub(super) const GROUPS: [GroupSeed; 25] = [
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

pub(super) struct VipSeed {
    pub(super) name: &'static str,
    pub(super) title: &'static str,
    /// Short name of the group the person belongs to.
    pub(super) parent: Option<&'static str>,
    pub(super) industry: &'static str,
    pub(super) region: &'static str,
    pub(super) tier: &'static str,
    pub(super) status: ClientStatus,
    pub(super) owner: &'static str,
    pub(super) tags: &'static [&'static str],
}

/// A row of the VIP table; positional so the table reads as one line per person.
#[allow(clippy::too_many_arguments)]
pub(super) const fn vip(
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
pub(super) const VIPS: [VipSeed; 15] = [
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
pub(super) const HANDOVERS: [(&str, i64, &str); 2] = [
    ("皖江汽车", 38, "张伟调任大项目组，客户整体移交孙丽；关键联系人已当面引荐，续约材料在共享盘。"),
    ("鸠兹文旅", 21, "李强负责的文旅板块调整，移交孙丽跟进；景区5G专网项目处于方案阶段，请重点关注。"),
];

pub(super) const SURNAMES: [&str; 36] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "吴", "周", "徐", "朱", "胡", "郭", "何", "林", "罗", "梁",
    "宋", "唐", "许", "冯", "邓", "曹", "彭", "曾", "田", "袁", "潘", "蒋", "蔡", "余", "杜", "汪", "程",
    "方", "葛",
];
pub(super) const GIVEN_NAMES: [&str; 30] = [
    "建华", "国庆", "海燕", "志强", "丽娟", "文斌", "晓明", "秀英", "俊杰", "婷婷", "红梅", "永刚", "雪松",
    "春燕", "德明", "玉兰", "立新", "静怡", "子涵", "晨阳", "家豪", "慧敏", "振华", "桂芳", "宏伟", "敏",
    "勇", "磊", "芳", "涛",
];
pub(super) const ROADS: [&str; 14] = [
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
pub(super) const CONTACT_NOTES: [&str; 10] = [
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

pub(super) fn contact_titles(sector: Sector) -> &'static [&'static str] {
    match sector {
        Enterprise => &["总经理", "财务副总", "信息中心主任", "办公室主任", "采购部经理"],
        Hospital => &["院长", "信息科科长", "财务科科长", "办公室主任"],
        School => &["校长", "信息中心主任", "财务处处长", "后勤处处长"],
        Government => &["分管副主任", "办公室主任", "信息中心主任", "财务科科长"],
        Finance => &["行长", "科技部总经理", "办公室主任", "财务部经理"],
    }
}

pub(super) fn hobby_note(hobby: &str) -> &'static str {
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

pub(super) const CLUSTERS: [&str; 10] =
    ["高尔夫", "网球", "机场贵宾", "商旅", "垂钓", "茶艺", "马拉松", "摄影", "书法", "自驾"];

pub(super) fn pick<T: Copy>(rng: &mut StdRng, items: &[T]) -> T {
    items[rng.gen_range(0..items.len())]
}

pub(super) fn person_name(rng: &mut StdRng) -> String {
    format!("{}{}", pick(rng, &SURNAMES), pick(rng, &GIVEN_NAMES))
}

pub(super) fn mobile(rng: &mut StdRng) -> String {
    let prefix =
        pick(rng, &["139", "138", "137", "136", "135", "150", "151", "152", "157", "158", "182", "187"]);
    format!("{prefix}{:08}", rng.gen_range(0..100_000_000u32))
}

pub(super) fn landline(rng: &mut StdRng) -> String {
    format!("0553-{}", rng.gen_range(2_000_000..9_000_000u32))
}

pub(super) fn address(rng: &mut StdRng, region: &str) -> String {
    format!("{region}{}{}号", pick(rng, &ROADS), rng.gen_range(1..300))
}

pub(super) fn date(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

pub(super) const REVISE_COMMENTS: [&str; 6] = [
    "请补充竞争对手的具体资费和有效期",
    "请写明决策人的姓名和职务",
    "请注明信息来源和获取时间",
    "正文与模板字段不一致，请核对金额",
    "请补充客户的具体诉求和预算区间",
    "描述过于笼统，请补充具体时间和涉及的业务",
];
pub(super) const REJECT_COMMENTS: [&str; 6] = [
    "信息来源无法核实，请补充佐证后再报",
    "属于公开新闻转载，对营销价值有限",
    "内容与该客户无直接关联",
    "信息已过时，客户情况已发生变化",
    "与客户经理核实后确认不属实",
    "涉及客户隐私且与业务无关，不予采纳",
];
pub(super) const RETRACT_COMMENTS: [&str; 2] =
    ["经客户经理回访核实，客户并未更换运营商，原信息不实", "客户书面澄清该项目已取消，原信息与事实不符"];

pub(super) fn usage_note(purpose: UsagePurpose) -> &'static str {
    match purpose {
        UsagePurpose::Visit => "据此安排上门拜访，客户认可我方思路",
        UsagePurpose::Campaign => "纳入兴趣客户沙龙邀约名单",
        UsagePurpose::Solution => "据此制定解决方案并报价",
        UsagePurpose::Retention => "针对竞争对手优惠制定挽留方案",
        UsagePurpose::Other => "用于季度重点客户分析报告",
    }
}
