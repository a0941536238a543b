//! A deterministic generator of realistic Chinese client-intelligence records
//! in the line format of `zhiku import` (one JSON object a line, see
//! ../shared/API.md): clients of both kinds, all seven categories with valid
//! template values, bodies of 80–300 characters in each category's
//! vocabulary. The same seed and count always give the same bytes.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Map, Value};

/// Employee numbers of the record authors the benchmark creates (E0001…).
pub const AUTHORS: usize = 120;
/// The reviewer the benchmark creates and imports with.
pub const REVIEWER: &str = "R0001";

pub fn author_no(i: usize) -> String {
    format!("E{:04}", i + 1)
}

const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴孔汤";
const GIVEN: &[&str] = &[
    "建国", "志强", "秀英", "海燕", "国庆", "明辉", "丽华", "卫东", "晓峰", "春梅", "德胜", "玉兰", "永红",
    "文杰", "小军", "桂芳", "建华", "红霞", "立新", "俊杰", "海涛", "雪梅", "勇", "静", "磊", "敏", "洋",
    "婷", "刚", "伟", "芳", "军", "杰", "涛", "明", "超", "华", "平", "辉", "鹏", "宏伟", "振华", "子豪",
    "雨轩", "佳怡", "思远", "慧敏", "承志", "学文", "金龙",
];
const PLACES: &[&str] = &[
    "芜湖", "镜湖", "鸠江", "弋江", "三山", "湾沚", "繁昌", "南陵", "无为", "江北", "城东", "皖南", "长江",
    "神山", "赭山", "大江",
];
const BRANDS: &[&str] = &[
    "奇瑞",
    "海螺",
    "华强",
    "中联",
    "恒信",
    "瑞鹄",
    "伯特利",
    "三只松鼠",
    "方特",
    "鑫科",
    "融汇",
    "江东",
    "华通",
    "天宇",
    "博晟",
    "汇通",
    "永达",
    "宏大",
    "金桥",
    "长信",
    "远大",
    "新华",
    "中电",
    "皖江",
    "鼎盛",
    "泰和",
    "安信",
    "德力",
    "顺安",
    "国元",
    "恒泰",
    "明远",
    "中铁",
    "华星",
    "云帆",
    "蓝海",
    "众诚",
    "万方",
    "联创",
    "东方",
    "正泰",
    "华宇",
    "宏图",
    "锦程",
    "瑞丰",
    "信达",
    "盛世",
    "启明",
    "华翔",
    "世纪",
];
const INDUSTRIES: &[(&str, &str)] = &[
    ("汽车零部件", "制造业"),
    ("新材料", "制造业"),
    ("机器人", "制造业"),
    ("电缆", "制造业"),
    ("建材", "制造业"),
    ("医药", "医药卫生"),
    ("人民医院", "医药卫生"),
    ("港口物流", "交通物流"),
    ("冷链物流", "交通物流"),
    ("置业", "房地产"),
    ("物业管理", "房地产"),
    ("农商银行", "金融"),
    ("小额贷款", "金融"),
    ("保险代理", "金融"),
    ("酒店管理", "住宿餐饮"),
    ("餐饮管理", "住宿餐饮"),
    ("职业技术学院", "教育"),
    ("实验学校", "教育"),
    ("新能源", "能源"),
    ("燃气", "能源"),
    ("电子商务", "互联网"),
    ("软件", "信息技术"),
    ("食品", "食品"),
    ("文化旅游", "文旅"),
    ("建设工程", "建筑"),
    ("商贸", "批发零售"),
];
const SUFFIXES: &[&str] = &["有限公司", "股份有限公司", "集团有限公司", "有限责任公司"];
const REGIONS: &[&str] =
    &["镜湖区", "鸠江区", "弋江区", "湾沚区", "繁昌区", "南陵县", "无为市", "经开区", "高新区"];
const GROUP_TAGS: &[&str] =
    &["重点客户", "战略客户", "上市公司", "专精特新", "国企", "民企", "外资", "高价值", "流失风险", "新拓展"];
const PERSON_TAGS: &[&str] = &["高端个人", "企业主", "商会会长", "家庭客户", "VIP", "流失风险"];

const ROLES: &[&str] = &[
    "董事长",
    "总经理",
    "分管副总",
    "财务总监",
    "财务副总",
    "信息中心主任",
    "办公室主任",
    "采购部经理",
    "行政经理",
    "IT负责人",
    "副院长",
    "后勤处长",
    "运营总监",
];
const PRODUCTS: &[&str] = &[
    "互联网专线",
    "数据专线",
    "云专线",
    "5G专网",
    "物联网卡",
    "集团V网",
    "云视讯",
    "千兆宽带",
    "企业云盘",
    "和对讲",
    "移动云主机",
    "云桌面",
    "视频监控",
    "智慧园区",
    "集团彩铃",
    "400电话",
    "语音专线",
    "短信平台",
    "政企宽带",
    "双千兆",
    "移动办公",
    "云电脑",
    "车联网",
    "和商务",
    "机房托管",
];
const COMPETITORS: &[&str] = &["中国电信", "中国联通", "中国广电", "其他"];
const CHANNELS: &[&str] = &["客户经理上门", "招投标", "营业厅", "电话营销", "代理商", "其他"];
const HOBBIES: &[&str] = &[
    "打高尔夫",
    "钓鱼",
    "打羽毛球",
    "喝茶",
    "收藏字画",
    "跑马拉松",
    "打网球",
    "骑行",
    "登山",
    "下围棋",
    "书法",
];
const OPENERS: &[&str] = &[
    "拜访时了解到",
    "据客户反映",
    "经与对方沟通",
    "本周走访得知",
    "从对方办公室获悉",
    "电话回访时",
    "据悉",
    "在行业交流会上了解到",
    "经多方核实",
    "客户经理反馈",
];
const CLOSERS: &[&str] = &[
    "建议尽快安排高层拜访。",
    "需要持续跟进。",
    "下一步计划约对方技术负责人交流方案。",
    "请支撑团队协助准备报价。",
    "已同步给片区经理。",
    "后续有变化再补充。",
    "建议纳入本季度重点跟进清单。",
    "需关注对方态度变化。",
];

pub struct Client {
    pub kind: &'static str,
    pub name: String,
    pub industry: Option<String>,
    pub region: String,
    pub tags: Vec<String>,
}

/// One generated line and what a search should find in it.
pub struct Generated {
    pub line: String,
    pub category: &'static str,
    pub client_kind: &'static str,
    /// Title, body, non-sensitive template values and client name, lower-cased,
    /// separated by U+001E: the ground truth of "contains every query word".
    pub searchable: String,
}

pub struct Generator {
    rng: StdRng,
    clients: Vec<Client>,
}

fn pick(rng: &mut StdRng, items: &[&'static str]) -> &'static str {
    items[rng.gen_range(0..items.len())]
}

fn person(rng: &mut StdRng) -> String {
    let surnames: Vec<char> = SURNAMES.chars().collect();
    format!("{}{}", surnames[rng.gen_range(0..surnames.len())], pick(rng, GIVEN))
}

fn date(rng: &mut StdRng, from_days_ago: i64, to_days_ago: i64) -> String {
    let base = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap_or_default();
    let back = rng.gen_range(to_days_ago..=from_days_ago);
    (base - chrono::Duration::days(back)).format("%Y-%m-%d").to_string()
}

fn future(rng: &mut StdRng) -> String {
    let base = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap_or_default();
    (base + chrono::Duration::days(rng.gen_range(10..540))).format("%Y-%m-%d").to_string()
}

fn phone(rng: &mut StdRng) -> String {
    let prefix = pick(rng, &["139", "138", "136", "150", "182", "187", "195"]);
    format!("{prefix}{:08}", rng.gen_range(0..100_000_000u64))
}

impl Generator {
    /// A generator for about `entries` records: one client per ~40 entries.
    pub fn new(seed: u64, entries: usize) -> Generator {
        let mut rng = StdRng::seed_from_u64(seed);
        let wanted = (entries / 40).clamp(200, 25_000);
        let mut seen = std::collections::HashSet::new();
        let mut clients = Vec::with_capacity(wanted);
        while clients.len() < wanted {
            let client = if rng.gen_bool(0.8) {
                let (industry, sector) = INDUSTRIES[rng.gen_range(0..INDUSTRIES.len())];
                let name = format!(
                    "{}{}{}{}",
                    pick(&mut rng, PLACES),
                    pick(&mut rng, BRANDS),
                    industry,
                    if industry.ends_with("医院") || industry.ends_with("学院") || industry.ends_with("学校")
                    {
                        ""
                    } else {
                        pick(&mut rng, SUFFIXES)
                    }
                );
                let tags = (0..rng.gen_range(0..3)).map(|_| pick(&mut rng, GROUP_TAGS).to_owned()).collect();
                Client {
                    kind: "group",
                    name,
                    industry: Some(sector.to_owned()),
                    region: pick(&mut rng, REGIONS).to_owned(),
                    tags,
                }
            } else {
                let name = person(&mut rng);
                let tags = (0..rng.gen_range(0..2)).map(|_| pick(&mut rng, PERSON_TAGS).to_owned()).collect();
                Client {
                    kind: "individual",
                    name,
                    industry: None,
                    region: pick(&mut rng, REGIONS).to_owned(),
                    tags,
                }
            };
            if seen.insert((client.kind, client.name.clone())) {
                clients.push(client);
            }
        }
        Generator { rng, clients }
    }

    pub fn clients(&self) -> &[Client] {
        &self.clients
    }

    /// The next record.
    pub fn next_record(&mut self) -> Generated {
        let rng = &mut self.rng;
        // Skewed towards the big accounts, as real notes are.
        let c = {
            let x: f64 = rng.gen();
            ((x * x) * self.clients.len() as f64) as usize
        };
        let client = &self.clients[c.min(self.clients.len() - 1)];
        let category = pick(
            rng,
            &[
                "basic",
                "profile",
                "profile",
                "business",
                "business",
                "business",
                "credit",
                "competitor",
                "competitor",
                "opportunity",
                "opportunity",
                "opportunity",
                "service",
                "service",
            ],
        );
        let (title, sentences, fields, public) = content(rng, category, client);
        let target = rng.gen_range(80..=300usize);
        let mut body = String::new();
        let mut pool = sentences.into_iter();
        let mut extra = 0;
        while body.chars().count() < target {
            let next = match pool.next() {
                Some(s) => s,
                None => {
                    extra += 1;
                    if extra > 12 {
                        break;
                    }
                    general(rng, category, client)
                }
            };
            if body.chars().count() + next.chars().count() > 300 {
                if body.chars().count() >= 80 {
                    break;
                }
                body.extend(next.chars().take(300 - body.chars().count()));
                break;
            }
            body.push_str(&next);
        }
        while body.chars().count() < 80 {
            body.push_str(pick(rng, CLOSERS));
        }
        let body: String = body.chars().take(300).collect();
        let author = author_no(rng.gen_range(0..AUTHORS));
        let observed_at = date(rng, 1000, 1);
        let mut record = json!({
            "client": {"kind": client.kind, "name": client.name, "region": client.region, "tags": client.tags},
            "category": category,
            "title": title,
            "body": body,
            "fields": Value::Object(fields.clone()),
            "source": if public { "public" } else { "private" },
            "observed_at": observed_at,
            "author_employee_no": author,
        });
        if let Some(industry) = &client.industry {
            record["client"]["industry"] = json!(industry);
        }
        let mut parts = vec![title.clone(), body];
        for key in template_order(category) {
            if sensitive(category, key) {
                continue;
            }
            match fields.get(*key) {
                Some(Value::String(s)) => parts.push(s.clone()),
                Some(Value::Number(n)) => parts.push(n.to_string()),
                _ => {}
            }
        }
        parts.push(client.name.clone());
        Generated {
            line: record.to_string(),
            category,
            client_kind: client.kind,
            searchable: parts.join("\u{1E}").to_lowercase(),
        }
    }
}

/// Field keys of each category's template, in template order (migration 000002).
fn template_order(category: &str) -> &'static [&'static str] {
    match category {
        "basic" => &[
            "legal_representative",
            "registered_address",
            "office_address",
            "staff_count",
            "registered_capital",
            "ownership",
            "main_phone",
            "website",
        ],
        "profile" => &[
            "decision_makers",
            "decision_process",
            "preferences",
            "birthday",
            "personal_phone",
            "scale",
            "communication_style",
        ],
        "business" => {
            &["current_products", "monthly_spend", "lines", "contract_end", "satisfaction", "pain_points"]
        }
        "credit" => &["payment_record", "arrears", "credit_rating", "guarantee", "financial_notes"],
        "competitor" => &["competitor", "offer", "tariff", "channel", "contact_person", "deadline"],
        "opportunity" => &["need", "product", "budget", "timeline", "stage", "decision_maker"],
        _ => &["complaint_type", "severity", "occurred_on", "resolution", "satisfied"],
    }
}

fn sensitive(category: &str, key: &str) -> bool {
    matches!(
        (category, key),
        ("profile", "preferences" | "birthday" | "personal_phone")
            | ("credit", "arrears" | "financial_notes")
            | ("competitor", "contact_person")
            | ("opportunity", "budget")
    )
}

fn general(rng: &mut StdRng, category: &str, client: &Client) -> String {
    let role = pick(rng, ROLES);
    let product = pick(rng, PRODUCTS);
    match rng.gen_range(0..6) {
        0 => format!("{}，{}对{}的稳定性比较关注。", pick(rng, OPENERS), role, product),
        1 => format!("{}近期内部调整，{}换人，需重新建立关系。", client.name, role),
        2 => format!("此条{}类情报已与片区经理核对。", category_label(category)),
        3 => format!("对方{}提到今年信息化投入会向{}倾斜。", role, product),
        4 => pick(rng, CLOSERS).to_owned(),
        _ => format!("{}整体合作关系稳定，{}评价尚可。", client.name, role),
    }
}

fn category_label(category: &str) -> &'static str {
    match category {
        "basic" => "基础资料",
        "profile" => "客户特征",
        "business" => "业务状况",
        "credit" => "资信状况",
        "competitor" => "竞争对手",
        "opportunity" => "需求与商机",
        _ => "服务与投诉",
    }
}

type Content = (String, Vec<String>, Map<String, Value>, bool);

/// Title, body sentences, template values and whether the source is public.
fn content(rng: &mut StdRng, category: &str, client: &Client) -> Content {
    let name = client.name.as_str();
    let mut f = Map::new();
    let mut s = Vec::new();
    let fill = |rng: &mut StdRng, p: f64| rng.gen_bool(p);
    let opener = pick(rng, OPENERS);
    match category {
        "basic" => {
            let legal = person(rng);
            let road = format!(
                "{}{}路{}号",
                pick(rng, REGIONS),
                pick(
                    rng,
                    &["九华山", "北京", "银湖", "长江", "赭山", "中山", "鸠兹", "峨山", "花津", "万春"]
                ),
                rng.gen_range(1..999)
            );
            let staff = rng.gen_range(20..8000);
            let capital = rng.gen_range(50..200_000);
            let ownership = pick(rng, &["国有", "民营", "外资", "合资", "事业单位", "政府机关", "其他"]);
            f.insert("legal_representative".into(), json!(legal));
            f.insert("registered_address".into(), json!(format!("芜湖市{road}")));
            if fill(rng, 0.6) {
                f.insert("office_address".into(), json!(format!("芜湖市{road}{}楼", rng.gen_range(2..30))));
            }
            if fill(rng, 0.7) {
                f.insert("staff_count".into(), json!(staff));
            }
            if fill(rng, 0.5) {
                f.insert("registered_capital".into(), json!(capital));
            }
            if fill(rng, 0.7) {
                f.insert("ownership".into(), json!(ownership));
            }
            if fill(rng, 0.4) {
                f.insert("main_phone".into(), json!(format!("0553-{}", rng.gen_range(2_000_000..9_000_000))));
            }
            s.push(format!("{opener}，{name}法定代表人为{legal}，注册地址在芜湖市{road}。"));
            s.push(format!("企业性质为{ownership}，现有员工约{staff}人，注册资本{capital}万元。"));
            s.push(format!(
                "主营{}，在{}设有分支机构，办公场所为自有物业。",
                client.industry.as_deref().unwrap_or("个人业务"),
                pick(rng, REGIONS)
            ));
            s.push(format!("总部通信业务由{}统一管理，下属单位各自采购。", pick(rng, ROLES)));
            let title = format!("{name}工商登记与组织架构");
            (title, s, f, true)
        }
        "profile" => {
            let who = person(rng);
            let role = pick(rng, ROLES);
            let hobby = pick(rng, HOBBIES);
            f.insert("decision_makers".into(), json!(format!("{role}{who}")));
            if fill(rng, 0.6) {
                f.insert(
                    "decision_process".into(),
                    json!(pick(
                        rng,
                        &["办公会集体决策", "分管副总审批后报董事长", "招标采购", "信息中心提需求，财务审批"]
                    )),
                );
            }
            if fill(rng, 0.5) {
                f.insert("preferences".into(), json!(format!("喜欢{hobby}")));
            }
            if fill(rng, 0.3) {
                f.insert("birthday".into(), json!(date(rng, 20000, 9000)));
            }
            if fill(rng, 0.3) {
                f.insert("personal_phone".into(), json!(phone(rng)));
            }
            if fill(rng, 0.6) {
                f.insert("scale".into(), json!(pick(rng, &["特大型", "大型", "中型", "小型"])));
            }
            let style =
                pick(rng, &["务实直接", "注重细节", "偏好书面材料", "重视关系", "决策谨慎", "性格爽快"]);
            if fill(rng, 0.5) {
                f.insert("communication_style".into(), json!(style));
            }
            s.push(format!("{opener}，{name}的关键决策人是{role}{who}，沟通风格{style}。"));
            s.push(format!("{who}平时喜欢{hobby}，周末常去{}一带。", pick(rng, PLACES)));
            s.push(format!("采购一般由{}提出需求，最终由{}拍板。", pick(rng, ROLES), role));
            s.push(format!("对{}比较认可，但对价格较为敏感。", pick(rng, PRODUCTS)));
            s.push(format!(
                "与我方客户经理关系{}，可通过{}引荐。",
                pick(rng, &["良好", "一般", "较熟", "刚建立"]),
                pick(rng, ROLES)
            ));
            (format!("{name}{role}{who}个人特征"), s, f, false)
        }
        "business" => {
            let products: Vec<&str> = (0..rng.gen_range(1..4)).map(|_| pick(rng, PRODUCTS)).collect();
            let spend = rng.gen_range(2..800) * 100;
            let lines = rng.gen_range(5..3000);
            let sat = pick(rng, &["很满意", "满意", "一般", "不满意"]);
            let pain = pick(
                rng,
                &["话费报销流程繁琐", "专线带宽不足", "信号覆盖差", "账单看不懂", "装维响应慢", "套餐不灵活"],
            );
            f.insert("current_products".into(), json!(products.join("、")));
            f.insert("monthly_spend".into(), json!(spend));
            if fill(rng, 0.7) {
                f.insert("lines".into(), json!(lines));
            }
            if fill(rng, 0.6) {
                f.insert("contract_end".into(), json!(future(rng)));
            }
            if fill(rng, 0.7) {
                f.insert("satisfaction".into(), json!(sat));
            }
            if fill(rng, 0.6) {
                f.insert("pain_points".into(), json!(pain));
            }
            s.push(format!(
                "{opener}，{name}目前在用{}，月均消费约{spend}元，号码和线路共{lines}条。",
                products.join("、")
            ));
            s.push(format!("对现有业务总体评价{sat}，主要痛点是{pain}。"));
            s.push(format!(
                "{}表示月费用户数量本季度有增长，计划扩容{}。",
                pick(rng, ROLES),
                pick(rng, PRODUCTS)
            ));
            s.push(format!(
                "合同预计{}到期，续约意向{}。",
                future(rng),
                pick(rng, &["较强", "一般", "不明确"])
            ));
            s.push("希望统一代付话费，减少财务对账工作量。".to_owned());
            (format!("{name}在网业务与消费情况"), s, f, true)
        }
        "credit" => {
            let record = pick(rng, &["按时", "偶有延迟", "经常延迟", "欠费停机"]);
            let rating = pick(rng, &["AAA", "AA", "A", "B", "C"]);
            f.insert("payment_record".into(), json!(record));
            if fill(rng, 0.4) {
                f.insert("arrears".into(), json!(rng.gen_range(1..500) * 100));
            }
            if fill(rng, 0.7) {
                f.insert("credit_rating".into(), json!(rating));
            }
            if fill(rng, 0.4) {
                f.insert("guarantee".into(), json!(pick(rng, &["预存话费", "银行保函", "押金两万元", "无"])));
            }
            if fill(rng, 0.4) {
                f.insert("financial_notes".into(), json!("近期回款放缓，资金链偏紧"));
            }
            s.push(format!("{opener}，{name}缴费记录{record}，信用等级{rating}。"));
            s.push(format!(
                "据{}透露，公司近期{}。",
                pick(rng, ROLES),
                pick(rng, &["新增银行授信", "回款周期拉长", "营收同比增长", "有涉诉记录", "完成新一轮融资"])
            ));
            s.push("建议对新增业务适当收取预存款，关注资信变化。".to_owned());
            s.push(format!(
                "上月账单{}，财务对接人已换为{}。",
                pick(rng, &["已结清", "部分欠费", "逾期十天"]),
                person(rng)
            ));
            (format!("{name}资信与缴费情况"), s, f, false)
        }
        "competitor" => {
            let competitor = pick(rng, COMPETITORS);
            let offer = format!(
                "{}{}，{}",
                pick(rng, &["免费提速", "首年五折", "赠送宽带", "送终端", "三年锁价"]),
                pick(rng, PRODUCTS),
                pick(rng, &["报价每月低两成", "承诺七日开通", "附送云视讯账号", "免收安装费"])
            );
            let tariff = rng.gen_range(1..200) * 50;
            let channel = pick(rng, CHANNELS);
            f.insert("competitor".into(), json!(competitor));
            f.insert("offer".into(), json!(offer));
            if fill(rng, 0.6) {
                f.insert("tariff".into(), json!(tariff));
            }
            if fill(rng, 0.6) {
                f.insert("channel".into(), json!(channel));
            }
            if fill(rng, 0.3) {
                f.insert(
                    "contact_person".into(),
                    json!(format!("{}经理", person(rng).chars().next().unwrap_or('王'))),
                );
            }
            if fill(rng, 0.5) {
                f.insert("deadline".into(), json!(future(rng)));
            }
            s.push(format!("{opener}，{competitor}通过{channel}接触{name}，方案为{offer}。"));
            s.push(format!("对方资费约{tariff}元每月，比我方现有报价低。"));
            s.push(format!("{}对此有兴趣，但担心切换影响业务连续性。", pick(rng, ROLES)));
            s.push(format!(
                "建议我方以{}加{}组合应对，避免客户流失。",
                pick(rng, PRODUCTS),
                pick(rng, PRODUCTS)
            ));
            (format!("{competitor}向{name}推{}", pick(rng, PRODUCTS)), s, f, false)
        }
        "opportunity" => {
            let product = pick(rng, PRODUCTS);
            let need = format!(
                "{}{}",
                pick(
                    rng,
                    &["新厂区部署", "总部搬迁需要", "数字化转型规划", "分支机构组网", "安防升级", "远程办公"]
                ),
                product
            );
            let stage = pick(rng, &["线索", "需求确认", "方案", "商务谈判", "签约"]);
            let dm = format!("{}{}", pick(rng, ROLES), person(rng));
            f.insert("need".into(), json!(need));
            if fill(rng, 0.6) {
                f.insert("product".into(), json!(product));
            }
            if fill(rng, 0.4) {
                f.insert("budget".into(), json!(rng.gen_range(5..500)));
            }
            if fill(rng, 0.5) {
                f.insert("timeline".into(), json!(future(rng)));
            }
            if fill(rng, 0.7) {
                f.insert("stage".into(), json!(stage));
            }
            if fill(rng, 0.5) {
                f.insert("decision_maker".into(), json!(dm));
            }
            s.push(format!("{opener}，{name}因{need}，正在征集方案，目前处于{stage}阶段。"));
            s.push(format!("决策人为{dm}，年底有信息化预算约{}万元。", rng.gen_range(10..300)));
            s.push(format!("可匹配我方{}与{}，建议联合政企支撑中心出具方案。", product, pick(rng, PRODUCTS)));
            s.push(format!("对方希望{}前完成上线。", future(rng)));
            (format!("{name}{need}商机"), s, f, rng.gen_bool(0.5))
        }
        _ => {
            let kind = pick(rng, &["网络质量", "资费争议", "服务态度", "装维时效", "账单", "其他"]);
            let severity = pick(rng, &["一般", "较重", "严重", "重大"]);
            let resolution = pick(
                rng,
                &[
                    "已安排网优人员现场测试",
                    "已退还多收费用",
                    "已向客户致歉并整改",
                    "装维经理上门处理",
                    "仍在协调中",
                ],
            );
            f.insert("complaint_type".into(), json!(kind));
            f.insert("severity".into(), json!(severity));
            if fill(rng, 0.6) {
                f.insert("occurred_on".into(), json!(date(rng, 300, 1)));
            }
            if fill(rng, 0.6) {
                f.insert("resolution".into(), json!(resolution));
            }
            if fill(rng, 0.5) {
                f.insert("satisfied".into(), json!(pick(rng, &["满意", "基本满意", "不满意"])));
            }
            s.push(format!("{opener}，{name}投诉{kind}问题，严重程度{severity}。"));
            s.push(format!(
                "{}反映{}，影响日常办公。",
                pick(rng, ROLES),
                pick(
                    rng,
                    &["会议室信号差", "专线频繁中断", "营业厅排队时间长", "账单多收了费用", "装维人员迟到"]
                )
            ));
            s.push(format!("处理情况：{resolution}。"));
            s.push("客户表示如再发生将考虑更换运营商。".to_owned());
            (format!("{name}{kind}投诉"), s, f, true)
        }
    }
}
