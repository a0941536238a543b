//! Recording a use of an adopted entry and changing its outcome; both pay the
//! author (within the caps) and tell them.

use chrono::Utc;

use crate::auth::extract::CurrentUser;
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::intel::model::{Intel, IntelId, IntelStatus};
use crate::intel::service::readable;
use crate::notify::store::{self as notify, kind, NewNotification};
use crate::points::rules;
use crate::points::store::{self as points, reason, Award};
use crate::ratings::period::day_window;
use crate::usage::model::{NewUsage, Outcome, Purpose, Usage};
use crate::usage::store;
use crate::users::model::Role;

const MAX_NOTE_CHARS: usize = 2000;

pub fn record(
    conn: &mut DbConn,
    user: &CurrentUser,
    id: IntelId,
    purpose: Purpose,
    outcome: Outcome,
    note: &str,
) -> ApiResult<Usage> {
    if note.chars().count() > MAX_NOTE_CHARS {
        return Err(ApiError::field("note", format!("备注不能超过 {MAX_NOTE_CHARS} 个字符")));
    }
    let entry = readable(conn, user, id)?;
    if entry.status() != IntelStatus::Adopted {
        return Err(ApiError::Conflict("只能对已采纳的情报记录使用".into()));
    }
    let now = Utc::now().naive_utc();
    let usage = store::insert(
        conn,
        &NewUsage {
            intel_id: id,
            user_id: user.id,
            purpose: purpose.as_str().to_owned(),
            outcome: outcome.as_str().to_owned(),
            note: note.trim().to_owned(),
            created_at: now,
            updated_at: now,
        },
    )?;
    if entry.author_id != user.id {
        let paid = pay_usage(conn, &entry, user, &usage)?;
        let won = if outcome == Outcome::Won { pay_won(conn, &entry, &usage)? } else { 0 };
        notify::notify(
            conn,
            NewNotification::new(
                entry.author_id,
                kind::INTEL_USED,
                format!("{}使用了你的情报“{}”", user.real_name, entry.title),
                format!("用途：{}；结果：{}。获得 {} 积分。", purpose.label(), outcome.label(), paid + won),
            )
            .intel(id)
            .client(entry.client_id),
        )?;
    }
    Ok(usage)
}

/// Changes a usage's outcome (its recorder or an admin); `won` pays once.
pub fn change_outcome(
    conn: &mut DbConn,
    user: &CurrentUser,
    usage_id: i64,
    outcome: Outcome,
    note: Option<&str>,
) -> ApiResult<Usage> {
    let usage = store::find(conn, usage_id)?.ok_or_else(|| ApiError::not_found("使用记录"))?;
    if usage.user_id != user.id && !user.has(Role::Admin) {
        return Err(ApiError::Forbidden("只有记录人可以修改结果".into()));
    }
    if note.is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS) {
        return Err(ApiError::field("note", format!("备注不能超过 {MAX_NOTE_CHARS} 个字符")));
    }
    let entry =
        crate::intel::store::find(conn, usage.intel_id)?.ok_or_else(|| ApiError::not_found("情报"))?;
    let changed = usage.outcome != outcome.as_str();
    let updated =
        store::set_outcome(conn, usage_id, outcome.as_str(), note.map(str::trim), Utc::now().naive_utc())?;
    if changed && entry.author_id != usage.user_id {
        let won = if outcome == Outcome::Won && entry.status() != IntelStatus::Retracted {
            pay_won(conn, &entry, &updated)?
        } else {
            0
        };
        notify::notify(
            conn,
            NewNotification::new(
                entry.author_id,
                kind::USAGE_OUTCOME,
                format!("你的情报“{}”的使用结果更新为：{}", entry.title, outcome.label()),
                if won > 0 { format!("获得 {won} 积分。") } else { String::new() },
            )
            .intel(entry.id)
            .client(entry.client_id),
        )?;
    }
    Ok(updated)
}

/// +usage to the author for each distinct other user, within both caps.
fn pay_usage(conn: &mut DbConn, entry: &Intel, user: &CurrentUser, usage: &Usage) -> ApiResult<i32> {
    points::lock_user(conn, entry.author_id)?;
    let (version, rules) = points::current_rules(conn)?;
    let entry_so_far = points::sum(conn, entry.author_id, Some(entry.id), &[reason::USAGE], None)?;
    let today = usage_points_today(conn, entry)?;
    let delta = rules::usage(entry_so_far, today, &rules);
    let key = format!("usage:{}:{}", entry.id.0, user.id.0);
    let note = if delta < rules.usage { "已达积分上限" } else { "" };
    let award = Award::new(entry.author_id, delta, reason::USAGE, key, version)
        .intel(entry.id)
        .usage(usage.id)
        .note(note);
    Ok(points::award(conn, &award)?.unwrap_or(0))
}

/// +won to the author, once per usage, within the daily cap.
fn pay_won(conn: &mut DbConn, entry: &Intel, usage: &Usage) -> ApiResult<i32> {
    points::lock_user(conn, entry.author_id)?;
    let (version, rules) = points::current_rules(conn)?;
    let delta = rules::won(usage_points_today(conn, entry)?, &rules);
    let key = format!("usage_won:{}", usage.id);
    let note = if delta < rules.won { "已达每日积分上限" } else { "" };
    let award = Award::new(entry.author_id, delta, reason::USAGE_WON, key, version)
        .intel(entry.id)
        .usage(usage.id)
        .note(note);
    Ok(points::award(conn, &award)?.unwrap_or(0))
}

fn usage_points_today(conn: &mut DbConn, entry: &Intel) -> ApiResult<i64> {
    let window = day_window(Utc::now());
    Ok(points::sum(conn, entry.author_id, None, &[reason::USAGE, reason::USAGE_WON], Some(window))?)
}
