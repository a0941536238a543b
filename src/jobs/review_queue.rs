//! The daily review-queue reminder: each reviewer hears once how many
//! entries wait for them, and which have waited longest.

use serde_json::json;

use crate::enums::NotificationKind;
use crate::enums::Role;
use crate::intel::store as entries;
use crate::jobs::store;
use crate::notify::service as notify;
use crate::notify::service::NewNotification;
use crate::time::business_zone;

/// The oldest waiting entries named in a reminder.
const OLDEST: i64 = 5;

pub fn run(conn: &mut crate::db::DbConn) -> anyhow::Result<serde_json::Value> {
    let reviewers: Vec<_> =
        store::active_users(conn)?.into_iter().filter(|u| u.roles.has(Role::Reviewer)).collect();
    let mut notified = 0;
    for reviewer in &reviewers {
        let (oldest, waiting) = entries::review_queue(conn, reviewer.id, None, 0, OLDEST)?;
        if waiting == 0 {
            continue;
        }
        let mut body = String::from("等待时间最长的：\n");
        for entry in &oldest {
            let submitted = entry
                .submitted_at
                .map(|t| t.and_utc().with_timezone(&business_zone()).format("%m-%d %H:%M").to_string())
                .unwrap_or_default();
            body.push_str(&format!("· {}（{submitted} 提交）\n", entry.title));
        }
        notify::notify(
            conn,
            NewNotification::new(
                reviewer.id,
                NotificationKind::ReviewQueue,
                format!("有 {waiting} 条情报等待审核"),
                body,
            ),
        )?;
        notified += 1;
    }
    Ok(json!({"reviewers": notified}))
}
