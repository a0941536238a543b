//! What is learnt about the market around the client: competitors,
//! opportunities and service.

use chrono::{Duration, NaiveDate};
use rand::rngs::StdRng;
use rand::Rng;
use serde_json::Map;

use super::{composed, source, Composed, FieldSet};
use crate::demo::cast::WorldClient;
use crate::demo::data::{date, pick, SURNAMES};

pub(super) fn competitor(rng: &mut StdRng, client: &WorldClient, observed: NaiveDate) -> Composed {
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

pub(super) fn opportunity(rng: &mut StdRng, client: &WorldClient, observed: NaiveDate) -> Composed {
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

pub(super) fn service(rng: &mut StdRng, client: &WorldClient, observed: NaiveDate) -> Composed {
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
