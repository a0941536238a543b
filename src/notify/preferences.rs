//! Per-user e-mail choices per notification kind: at once, in the daily
//! digest, or not at all (the weekly digest: weekly or not at all). In-app
//! notifications are always written; these choices only govern mail.

use std::collections::{BTreeMap, HashMap};

use chrono::Utc;
use diesel::prelude::*;
use diesel::result::QueryResult;

use crate::db::schema::notification_preferences;
use crate::db::DbConn;
use crate::enums::{Delivery, NotificationKind};
use crate::error::Fields;
use crate::ids::UserId;
use crate::with_conn;

/// A kind of mail a user can choose how to receive.
#[derive(Debug)]
pub struct KindInfo {
    pub kind: NotificationKind,
    pub label: &'static str,
    pub default: Delivery,
    pub choices: &'static [Delivery],
}

const EVENT: &[Delivery] = &[Delivery::Immediate, Delivery::Daily, Delivery::Off];
const WEEKLY: &[Delivery] = &[Delivery::Weekly, Delivery::Off];

const fn event(kind: NotificationKind, label: &'static str) -> KindInfo {
    KindInfo { kind, label, default: Delivery::Immediate, choices: EVENT }
}

pub const CATALOGUE: &[KindInfo] = &[
    event(NotificationKind::IntelAdopted, "我的情报被采纳"),
    event(NotificationKind::IntelRejected, "我的情报未被采纳"),
    event(NotificationKind::IntelReturned, "我的情报被退回修改"),
    event(NotificationKind::IntelDuplicate, "我的情报被判为重复"),
    event(NotificationKind::IntelRetracted, "我的情报被撤销"),
    event(NotificationKind::IntelRevisionProposed, "他人提交了我的情报的修订"),
    event(NotificationKind::IntelRevisionAdopted, "我的情报的修订被采纳"),
    event(NotificationKind::IntelUsed, "我的情报被使用"),
    event(NotificationKind::UsageOutcome, "使用结果更新"),
    event(NotificationKind::ClientHandover, "客户交接给我"),
    event(NotificationKind::IntelStale, "我的客户或情报已过时效"),
    event(NotificationKind::ReviewQueue, "待审核情报（审核人员）"),
    event(NotificationKind::IntelSubmittedForMyClient, "我的客户有新提交的情报"),
    event(NotificationKind::IntelAdoptedForMyClient, "我的客户的情报被采纳"),
    event(NotificationKind::ReminderDue, "情报中记录的日期临近（合同到期、生日等）"),
    event(NotificationKind::TaskDue, "我的待办到期"),
    event(NotificationKind::TaskAssigned, "有人给我安排了任务（如邀请客户参加活动）"),
    KindInfo {
        kind: NotificationKind::WeeklyDigest,
        label: "每周回顾",
        default: Delivery::Weekly,
        choices: WEEKLY,
    },
];

pub fn info(kind: NotificationKind) -> Option<&'static KindInfo> {
    CATALOGUE.iter().find(|k| k.kind == kind)
}

/// Checks requested changes (kind → delivery); 422 per unknown kind or
/// delivery the kind does not offer.
pub fn parse_changes(
    requested: &BTreeMap<String, Delivery>,
) -> Result<Vec<(&'static KindInfo, Delivery)>, Fields> {
    let mut problems = Fields::new();
    let mut changes = Vec::new();
    for (kind, delivery) in requested {
        match kind.parse().ok().and_then(info) {
            None => {
                problems.insert(kind.clone(), "没有这种通知".into());
            }
            Some(info) if !info.choices.contains(delivery) => {
                let choices: Vec<&str> = info.choices.iter().map(|c| c.as_str()).collect();
                problems.insert(kind.clone(), format!("须为 {} 之一", choices.join("、")));
            }
            Some(info) => changes.push((info, *delivery)),
        }
    }
    if problems.is_empty() {
        Ok(changes)
    } else {
        Err(problems)
    }
}

/// How `user` wants mail of `kind`: their choice, else the kind's default
/// (immediately for kinds outside the catalogue).
pub fn delivery_for(conn: &mut DbConn, user: UserId, kind: NotificationKind) -> QueryResult<Delivery> {
    let stored: Option<Delivery> = with_conn!(conn, |c| notification_preferences::table
        .filter(notification_preferences::user_id.eq(user))
        .filter(notification_preferences::kind.eq(kind))
        .select(notification_preferences::delivery)
        .first(c)
        .optional())?;
    Ok(stored.or_else(|| info(kind).map(|i| i.default)).unwrap_or(Delivery::Immediate))
}

/// Every kind of the catalogue with `user`'s choice.
pub fn list(conn: &mut DbConn, user: UserId) -> QueryResult<Vec<(&'static KindInfo, Delivery)>> {
    let stored: HashMap<NotificationKind, Delivery> = with_conn!(conn, |c| notification_preferences::table
        .filter(notification_preferences::user_id.eq(user))
        .select((notification_preferences::kind, notification_preferences::delivery))
        .load::<(NotificationKind, Delivery)>(c))?
    .into_iter()
    .collect();
    Ok(CATALOGUE
        .iter()
        .map(|info| {
            let chosen = stored.get(&info.kind).copied().unwrap_or(info.default);
            (info, chosen)
        })
        .collect())
}

pub fn set(conn: &mut DbConn, user: UserId, changes: &[(&'static KindInfo, Delivery)]) -> QueryResult<()> {
    let now = Utc::now().naive_utc();
    for (info, delivery) in changes {
        with_conn!(conn, |c| diesel::insert_into(notification_preferences::table)
            .values((
                notification_preferences::user_id.eq(user),
                notification_preferences::kind.eq(info.kind),
                notification_preferences::delivery.eq(*delivery),
                notification_preferences::updated_at.eq(now),
            ))
            .on_conflict((notification_preferences::user_id, notification_preferences::kind))
            .do_update()
            .set((
                notification_preferences::delivery.eq(*delivery),
                notification_preferences::updated_at.eq(now),
            ))
            .execute(c))?;
    }
    Ok(())
}

/// Users who chose `delivery` for `kind` explicitly.
pub fn users_choosing(
    conn: &mut DbConn,
    kind: NotificationKind,
    delivery: Delivery,
) -> QueryResult<Vec<UserId>> {
    with_conn!(conn, |c| notification_preferences::table
        .filter(notification_preferences::kind.eq(kind))
        .filter(notification_preferences::delivery.eq(delivery))
        .select(notification_preferences::user_id)
        .load(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(pairs: &[(&str, Delivery)]) -> BTreeMap<String, Delivery> {
        pairs.iter().map(|(k, d)| ((*k).to_owned(), *d)).collect()
    }

    #[test]
    fn every_kind_offers_its_default_and_off() {
        for info in CATALOGUE {
            assert!(info.choices.contains(&info.default), "{:?}", info.kind);
            assert!(info.choices.contains(&Delivery::Off), "{:?}", info.kind);
        }
        let mut kinds: Vec<NotificationKind> = CATALOGUE.iter().map(|i| i.kind).collect();
        kinds.sort_unstable();
        kinds.dedup();
        assert_eq!(kinds.len(), CATALOGUE.len());
    }

    #[test]
    fn changes_name_each_bad_kind_and_delivery() {
        let ok =
            parse_changes(&request(&[("intel_adopted", Delivery::Daily), ("weekly_digest", Delivery::Off)]))
                .unwrap();
        assert_eq!(ok.len(), 2);
        let problems = parse_changes(&request(&[
            ("nonsense", Delivery::Off),
            ("intel_used", Delivery::Weekly),
            ("weekly_digest", Delivery::Daily),
            ("intel_returned", Delivery::Off),
        ]))
        .unwrap_err();
        let keys: Vec<&str> = problems.keys().map(String::as_str).collect();
        assert_eq!(keys, ["intel_used", "nonsense", "weekly_digest"]);
    }
}
