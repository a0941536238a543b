//! What is learnt about the client itself: basic facts, profile, business and credit.

use chrono::{Datelike, Duration, NaiveDate};
use rand::rngs::StdRng;
use rand::Rng;
use serde_json::Map;

use super::{composed, source, Composed, FieldSet};
use crate::clients::pinyin;
use crate::demo::cast::{Kind, WorldClient};
use crate::demo::data::Sector::{Enterprise, Finance, Government, Hospital, School};
use crate::demo::data::{address, date, hobby_note, landline, mobile, person_name, pick};

pub(super) fn basic(rng: &mut StdRng, client: &WorldClient, _observed: NaiveDate) -> Composed {
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

pub(super) fn profile(rng: &mut StdRng, client: &WorldClient, observed: NaiveDate) -> Composed {
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

pub(super) fn business(rng: &mut StdRng, client: &WorldClient, observed: NaiveDate) -> Composed {
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

pub(super) fn credit(rng: &mut StdRng, client: &WorldClient, observed: NaiveDate) -> Composed {
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
