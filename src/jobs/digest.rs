//! The digests: daily, one mail per person with the notifications they chose
//! to receive that way; weekly, points, rank and the entries adopted on one's
//! clients in the week that ended.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::result::QueryResult;
use serde_json::json;

use crate::db::schema::{clients, intel};
use crate::db::DbConn;
use crate::enums::Delivery;
use crate::enums::IntelStatus;
use crate::enums::MailStatus;
use crate::enums::NotificationKind;
use crate::ids::IntelId;
use crate::ids::UserId;
use crate::jobs::store;
use crate::notify::mail::NewMail;
use crate::notify::outbox;
use crate::notify::preferences;
use crate::notify::render::{AdoptedEntry, WeeklyDigest};
use crate::points::store as points;
use crate::ratings::rules::dense_ranks;
use crate::time::{business_zone, Period};
use crate::users::model::User;
use crate::with_conn;

/// New entries listed in a weekly digest (the total is always told).
const LISTED: usize = 10;

pub fn daily_subject(count: usize) -> String {
    format!("【智库】每日通知摘要：{count} 条新通知")
}

pub fn daily(conn: &mut DbConn, now: NaiveDateTime) -> anyhow::Result<serde_json::Value> {
    let mut waiting: BTreeMap<UserId, Vec<i64>> = BTreeMap::new();
    for (id, user) in outbox::waiting_for_digest(conn)? {
        waiting.entry(user).or_default().push(id);
    }
    let people: HashMap<UserId, User> = store::active_users(conn)?.into_iter().map(|u| (u.id, u)).collect();
    let (mut digests, mut items) = (0, 0);
    for (user, ids) in waiting {
        // Someone deactivated since gets nothing; their rows stay unsent.
        let Some(person) = people.get(&user) else { continue };
        let digest_id = outbox::insert(
            conn,
            &NewMail {
                user_id: user,
                recipient: person.email.clone(),
                kind: NotificationKind::DailyDigest,
                subject: daily_subject(ids.len()),
                notification_id: None,
                payload: String::new(),
                status: MailStatus::Pending,
                next_attempt_at: now,
                created_at: now,
            },
        )?;
        let moved = outbox::fold_into_digest(conn, &ids, digest_id)?;
        if moved == 0 {
            outbox::delete(conn, digest_id)?;
            continue;
        }
        if moved != ids.len() {
            outbox::set_subject(conn, digest_id, &daily_subject(moved))?;
        }
        digests += 1;
        items += moved;
    }
    Ok(json!({"digests": digests, "notifications": items}))
}

/// The week before the one containing `now`, as a UTC window and a label in local dates.
fn last_week(now: DateTime<Utc>) -> ((NaiveDateTime, NaiveDateTime), String) {
    let today = now.with_timezone(&business_zone()).date_naive();
    let day = today - Duration::days(7);
    let window = Period::Week.window_containing(day).unwrap_or_else(crate::time::all_time);
    let monday = day - Duration::days(i64::from(chrono::Datelike::weekday(&day).num_days_from_monday()));
    let label =
        format!("{} 至 {}", monday.format("%Y-%m-%d"), (monday + Duration::days(6)).format("%Y-%m-%d"));
    (window, label)
}

pub fn weekly(conn: &mut DbConn, now: DateTime<Utc>) -> anyhow::Result<serde_json::Value> {
    let ((from, to), week) = last_week(now);
    let people = store::active_users(conn)?;
    let active: HashSet<UserId> = people.iter().map(|u| u.id).collect();
    let mut earned: Vec<(UserId, i64)> = points::totals(conn, Some((from, to)))?
        .into_iter()
        .filter(|(id, total)| *total != 0 && active.contains(id))
        .collect();
    earned.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let ranks = dense_ranks(&earned.iter().map(|(_, t)| *t).collect::<Vec<_>>());
    let standing: HashMap<UserId, (i64, i64)> =
        earned.iter().zip(ranks).map(|((id, points), rank)| (*id, (*points, rank))).collect();
    let opted_out: HashSet<UserId> =
        preferences::users_choosing(conn, NotificationKind::WeeklyDigest, Delivery::Off)?
            .into_iter()
            .collect();
    let names: HashMap<UserId, String> = people.iter().map(|u| (u.id, u.real_name.clone())).collect();
    let mut adopted: HashMap<UserId, Vec<AdoptedEntry>> = HashMap::new();
    for row in adopted_on_owned_clients(conn, from, to)? {
        let author = names.get(&row.author).cloned().unwrap_or_default();
        let entry = AdoptedEntry { intel_id: row.id, title: row.title, client: row.client, author };
        adopted.entry(row.owner).or_default().push(entry);
    }
    let recipients: Vec<&User> = people
        .iter()
        .filter(|u| !opted_out.contains(&u.id))
        .filter(|u| standing.contains_key(&u.id) || adopted.contains_key(&u.id))
        .collect();
    let ids: Vec<UserId> = recipients.iter().map(|u| u.id).collect();
    let balances = points::balances(conn, &ids)?;
    let at = now.naive_utc();
    for user in &recipients {
        let (points, rank) = standing.get(&user.id).map_or((0, None), |(p, r)| (*p, Some(*r)));
        let mut entries = adopted.remove(&user.id).unwrap_or_default();
        let adopted_total = entries.len() as i64;
        entries.truncate(LISTED);
        let digest = WeeklyDigest {
            week: week.clone(),
            points,
            rank,
            balance: balances.get(&user.id).copied().unwrap_or(0),
            adopted: entries,
            adopted_total,
        };
        outbox::insert(
            conn,
            &NewMail {
                user_id: user.id,
                recipient: user.email.clone(),
                kind: NotificationKind::WeeklyDigest,
                subject: format!("【智库】每周回顾（{week}）：获得 {points} 积分"),
                notification_id: None,
                payload: serde_json::to_string(&digest)?,
                status: MailStatus::Pending,
                next_attempt_at: at,
                created_at: at,
            },
        )?;
    }
    Ok(json!({"week": week, "digests": recipients.len()}))
}

struct OwnedAdoption {
    id: IntelId,
    title: String,
    client: String,
    owner: UserId,
    author: UserId,
}

/// Entries adopted in `[from, to)` (and not retracted since) on clients that
/// have an owner, newest first.
fn adopted_on_owned_clients(
    conn: &mut DbConn,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<OwnedAdoption>> {
    type Row = (IntelId, String, String, Option<UserId>, UserId);
    let rows: Vec<Row> = with_conn!(conn, |c| intel::table
        .inner_join(clients::table)
        .filter(intel::adopted_at.ge(from))
        .filter(intel::adopted_at.lt(to))
        .filter(intel::status.eq_any([IntelStatus::Adopted.as_str(), IntelStatus::Superseded.as_str()]))
        .filter(clients::owner_id.is_not_null())
        .order((intel::adopted_at.desc(), intel::id.desc()))
        .select((intel::id, intel::title, clients::name, clients::owner_id, intel::author_id))
        .load(c))?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, title, client, owner, author)| {
            owner.map(|owner| OwnedAdoption { id, title, client, owner, author })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_weekly_digest_tells_the_week_that_ended() {
        // Monday 30 Nov 2026, 00:30 in UTC+8.
        let now = Utc.with_ymd_and_hms(2026, 11, 29, 16, 30, 0).unwrap();
        let ((from, to), label) = last_week(now);
        assert_eq!(label, "2026-11-23 至 2026-11-29");
        assert_eq!(from.to_string(), "2026-11-22 16:00:00");
        assert_eq!(to.to_string(), "2026-11-29 16:00:00");
    }
}
