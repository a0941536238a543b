//! Recording a use of an adopted entry and changing its outcome; both pay the
//! author (within the caps) and tell them.

use chrono::Utc;

use crate::auth::extract::CurrentUser;
use crate::auth::policy::{self, Denied};
use crate::db::{write_tx, DbConn};
use crate::enums::{IntelStatus, NotificationKind, PointReason, UsageOutcome, UsagePurpose};
use crate::ids::{IntelId, UsageId};
use crate::intel::model::Intel;
use crate::intel::service::{readable, IntelError};
use crate::notify::service as notify;
use crate::notify::service::NewNotification;
use crate::points::rules;
use crate::points::store::{self as points, Award};
use crate::time::day_window;
use crate::usage::model::{NewUsage, Usage};
use crate::usage::store::{self, UsageView};

crate::service_error! {
    pub enum UsageError {
        #[error("情报不存在")]
        IntelNotFound => NotFound,
        #[error("使用记录不存在")]
        NotFound => NotFound,
        #[error("只能对已采纳的情报记录使用")]
        NotAdopted => Conflict,
        #[error("只有记录人可以修改结果")]
        NotRecorder => Forbidden,
    }
}

impl From<IntelError> for UsageError {
    fn from(error: IntelError) -> Self {
        match error {
            IntelError::NotFound => UsageError::IntelNotFound,
            IntelError::Forbidden(_) | IntelError::Denied(_) => UsageError::Denied(Denied),
            IntelError::Invalid(fields) => UsageError::Invalid(fields),
            IntelError::Conflict(_) => UsageError::NotAdopted,
            IntelError::Db(error) => UsageError::Db(error),
        }
    }
}

type Result<T> = std::result::Result<T, UsageError>;

fn note_too_long() -> UsageError {
    UsageError::field("note", format!("备注不能超过 {MAX_NOTE_CHARS} 个字符"))
}

const MAX_NOTE_CHARS: usize = 2000;

pub fn record(
    conn: &mut DbConn,
    user: &CurrentUser,
    id: IntelId,
    purpose: UsagePurpose,
    outcome: UsageOutcome,
    note: &str,
) -> Result<Usage> {
    if note.chars().count() > MAX_NOTE_CHARS {
        return Err(note_too_long());
    }
    let entry = readable(conn, user, id)?;
    if entry.status != IntelStatus::Adopted {
        return Err(UsageError::NotAdopted);
    }
    let now = Utc::now().naive_utc();
    let usage = store::insert(
        conn,
        &NewUsage {
            intel_id: id,
            user_id: user.id,
            purpose,
            outcome,
            note: note.trim().to_owned(),
            created_at: now,
            updated_at: now,
        },
    )?;
    if entry.author_id != user.id {
        let paid = pay_usage(conn, &entry, user, &usage)?;
        let won = if outcome == UsageOutcome::Won { pay_won(conn, &entry, &usage)? } else { 0 };
        let paid_note = if entry.imported {
            "历史导入的情报不计积分。".to_owned()
        } else {
            format!("获得 {} 积分。", paid + won)
        };
        notify::notify(
            conn,
            NewNotification::new(
                entry.author_id,
                NotificationKind::IntelUsed,
                format!("{}使用了你的情报“{}”", user.real_name, entry.title),
                format!("用途：{}；结果：{}。{paid_note}", purpose.label(), outcome.label()),
            )
            .intel(id)
            .client(entry.client_id),
        )?;
    }
    Ok(usage)
}

/// Changes a usage's outcome (its recorder or an admin); `won` pays once per
/// recording user and entry.
pub fn change_outcome(
    conn: &mut DbConn,
    user: &CurrentUser,
    usage_id: UsageId,
    outcome: UsageOutcome,
    note: Option<&str>,
) -> Result<Usage> {
    let usage = store::find(conn, usage_id)?.ok_or(UsageError::NotFound)?;
    if !policy::may_see_person(user, usage.user_id) {
        return Err(UsageError::NotRecorder);
    }
    if note.is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS) {
        return Err(note_too_long());
    }
    let entry = crate::intel::store::find(conn, usage.intel_id)?.ok_or(UsageError::IntelNotFound)?;
    let changed = usage.outcome != outcome;
    let updated = store::set_outcome(conn, usage_id, outcome, note.map(str::trim), Utc::now().naive_utc())?;
    if changed && entry.author_id != usage.user_id {
        let won = if outcome == UsageOutcome::Won && entry.status != IntelStatus::Retracted {
            pay_won(conn, &entry, &updated)?
        } else {
            0
        };
        notify::notify(
            conn,
            NewNotification::new(
                entry.author_id,
                NotificationKind::UsageOutcome,
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
/// Imported legacy records never pay.
fn pay_usage(conn: &mut DbConn, entry: &Intel, user: &CurrentUser, usage: &Usage) -> Result<i32> {
    if entry.imported {
        return Ok(0);
    }
    points::lock_user(conn, entry.author_id)?;
    let (version, rules) = points::current_rules(conn)?;
    let entry_so_far = points::sum(conn, entry.author_id, Some(entry.id), &[PointReason::Usage], None)?;
    let today = usage_points_today(conn, entry)?;
    let delta = rules::usage(entry_so_far, today, &rules);
    let key = format!("usage:{}:{}", entry.id.0, user.id.0);
    let note = if delta < rules.usage { "已达积分上限" } else { "" };
    let award = Award::new(entry.author_id, delta, PointReason::Usage, key, version)
        .intel(entry.id)
        .usage(usage.id)
        .note(note);
    Ok(points::award(conn, &award)?.map_or(0, |row| row.delta))
}

/// +won to the author, once per recording user and entry, within the
/// entry's and the day's caps. Imported legacy records never pay.
fn pay_won(conn: &mut DbConn, entry: &Intel, usage: &Usage) -> Result<i32> {
    if entry.imported {
        return Ok(0);
    }
    points::lock_user(conn, entry.author_id)?;
    let (version, rules) = points::current_rules(conn)?;
    let entry_so_far = points::sum(conn, entry.author_id, Some(entry.id), &[PointReason::UsageWon], None)?;
    let delta = rules::won(entry_so_far, usage_points_today(conn, entry)?, &rules);
    let key = format!("usage_won:{}:{}", entry.id.0, usage.user_id.0);
    let note = if delta < rules.won { "已达积分上限" } else { "" };
    let award = Award::new(entry.author_id, delta, PointReason::UsageWon, key, version)
        .intel(entry.id)
        .usage(usage.id)
        .note(note);
    Ok(points::award(conn, &award)?.map_or(0, |row| row.delta))
}

fn usage_points_today(conn: &mut DbConn, entry: &Intel) -> Result<i64> {
    let window = day_window(Utc::now());
    Ok(points::sum(conn, entry.author_id, None, &[PointReason::Usage, PointReason::UsageWon], Some(window))?)
}

/// Records a use (see [`record`]) and shows it, in one transaction.
pub fn record_shown(
    conn: &mut DbConn,
    me: &CurrentUser,
    id: IntelId,
    purpose: UsagePurpose,
    outcome: UsageOutcome,
    note: &str,
) -> Result<UsageView> {
    write_tx(conn, |conn| {
        let usage = record(conn, me, id, purpose, outcome, note)?;
        Ok(store::views(conn, vec![usage])?.remove(0))
    })
}

/// Changes an outcome (see [`change_outcome`]) and shows the use, in one transaction.
pub fn change_outcome_shown(
    conn: &mut DbConn,
    me: &CurrentUser,
    id: UsageId,
    outcome: UsageOutcome,
    note: Option<&str>,
) -> Result<UsageView> {
    write_tx(conn, |conn| {
        let usage = change_outcome(conn, me, id, outcome, note)?;
        Ok(store::views(conn, vec![usage])?.remove(0))
    })
}

/// The uses of an entry `me` may read, newest first.
pub fn of_entry(conn: &mut DbConn, me: &CurrentUser, id: IntelId) -> Result<Vec<UsageView>> {
    readable(conn, me, id)?;
    let usages = store::for_intel(conn, &[id])?;
    Ok(store::views(conn, usages)?)
}
