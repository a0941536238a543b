//! The daily stale check: adopted entries whose freshness window passed
//! (DESIGN §3) since they were adopted or last verified are announced once
//! per window to their author and to the client's owner, one notification per
//! person and client.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use diesel::result::QueryResult;
use serde_json::json;

use crate::categories::store as categories;
use crate::clients::store as clients;
use crate::db::schema::{intel, stale_notices};
use crate::db::DbConn;
use crate::enums::IntelStatus;
use crate::enums::NotificationKind;
use crate::ids::ClientId;
use crate::ids::IntelId;
use crate::ids::UserId;
use crate::notify::service as notify;
use crate::notify::service::NewNotification;
use crate::with_conn;

/// Titles listed in one notification before "…".
const LISTED: usize = 10;

/// A newly stale entry: its id, client (none when market-wide), author and title.
type StaleEntry = (IntelId, Option<ClientId>, UserId, String);
/// Stale entries to tell one person about, per client.
type Notices = BTreeMap<(UserId, Option<ClientId>), Vec<(IntelId, String)>>;

pub fn run(conn: &mut DbConn, now: NaiveDateTime) -> anyhow::Result<serde_json::Value> {
    let mut entries = Vec::new();
    for category in categories::list(conn)? {
        let cutoff = now - Duration::days(i64::from(category.freshness_days));
        entries.extend(newly_stale(conn, &category.key, cutoff)?);
    }
    let client_ids: Vec<ClientId> = entries.iter().filter_map(|e| e.1).collect();
    let client_rows = clients::find_many(conn, &client_ids)?;

    // A market-wide entry (no client) is announced to its author alone.
    let mut groups = Notices::new();
    for (id, client, author, title) in &entries {
        let owner = client.and_then(|c| client_rows.get(&c)).and_then(|c| c.owner_id);
        for user in [Some(*author), owner.filter(|o| o != author)].into_iter().flatten() {
            groups.entry((user, *client)).or_default().push((*id, title.clone()));
        }
    }
    for ((user, client), items) in &groups {
        let name = client.and_then(|c| client_rows.get(&c)).map(|c| c.name.as_str());
        notify::notify(conn, notice(*user, *client, name, items))?;
    }
    for (id, ..) in &entries {
        record_notice(conn, *id, now)?;
    }
    Ok(json!({"entries": entries.len(), "notifications": groups.len()}))
}

fn notice(
    user: UserId,
    client: Option<ClientId>,
    client_name: Option<&str>,
    items: &[(IntelId, String)],
) -> NewNotification {
    let whose = client_name.map(|name| format!("客户“{name}”")).unwrap_or_default();
    let title = match (items, client_name) {
        ([(_, only)], Some(_)) => format!("{whose}的情报“{only}”已过时效，请核实"),
        ([(_, only)], None) => format!("情报“{only}”已过时效，请核实"),
        _ => format!("{whose}有 {} 条情报已过时效，请核实", items.len()),
    };
    let mut body = String::new();
    if items.len() > 1 {
        body.extend(items.iter().take(LISTED).map(|(_, t)| format!("· {t}\n")));
    }
    if items.len() > LISTED {
        body.push_str(&format!("……等 {} 条\n", items.len()));
    }
    body.push_str("仍然属实请在条目页确认“仍然有效”；情况有变请提交修订。");
    let notification = NewNotification::new(user, NotificationKind::IntelStale, title, body).client(client);
    match items {
        [(id, _)] => notification.intel(*id),
        _ => notification,
    }
}

/// Adopted entries of `category` stale at `cutoff` (their clock started
/// before it) that nobody was told about since their clock started.
fn newly_stale(conn: &mut DbConn, category: &str, cutoff: NaiveDateTime) -> QueryResult<Vec<StaleEntry>> {
    with_conn!(conn, |c| intel::table
        .left_join(stale_notices::table)
        .filter(intel::status.eq(IntelStatus::Adopted.as_str()))
        .filter(intel::category.eq(category))
        .filter(intel::adopted_at.lt(cutoff))
        .filter(intel::verified_at.is_null().or(intel::verified_at.lt(cutoff).assume_not_null()))
        .filter(
            stale_notices::noticed_at
                .nullable()
                .is_null()
                .or(stale_notices::noticed_at.nullable().lt(intel::adopted_at).assume_not_null())
                .or(stale_notices::noticed_at.nullable().lt(intel::verified_at).assume_not_null()),
        )
        .order(intel::id)
        .select((intel::id, intel::client_id, intel::author_id, intel::title))
        .load(c))
}

fn record_notice(conn: &mut DbConn, id: IntelId, now: NaiveDateTime) -> QueryResult<()> {
    with_conn!(conn, |c| diesel::insert_into(stale_notices::table)
        .values((stale_notices::intel_id.eq(id), stale_notices::noticed_at.eq(now)))
        .on_conflict(stale_notices::intel_id)
        .do_update()
        .set(stale_notices::noticed_at.eq(now))
        .execute(c))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_entry_is_named_and_linked_many_are_counted() {
        let one = notice(UserId(1), Some(ClientId(2)), Some("芜湖长江"), &[(IntelId(3), "专线需求".into())]);
        assert_eq!(one.title, "客户“芜湖长江”的情报“专线需求”已过时效，请核实");
        assert_eq!((one.intel_id, one.client_id), (Some(IntelId(3)), Some(ClientId(2))));
        assert!(!one.body.contains("· "), "the title is not repeated: {}", one.body);
        let items: Vec<(IntelId, String)> = (0..12).map(|i| (IntelId(i), format!("条目{i}"))).collect();
        let many = notice(UserId(1), Some(ClientId(2)), Some("芜湖长江"), &items);
        assert_eq!(many.title, "客户“芜湖长江”有 12 条情报已过时效，请核实");
        assert_eq!(many.intel_id, None);
        assert!(many.body.contains("· 条目9\n") && !many.body.contains("条目10"));
        assert!(many.body.contains("……等 12 条"));
        let market = notice(UserId(1), None, None, &[(IntelId(4), "联通全省降价".into())]);
        assert_eq!(market.title, "情报“联通全省降价”已过时效，请核实");
        assert_eq!(market.client_id, None);
        let markets = notice(UserId(1), None, None, &items);
        assert_eq!(markets.title, "有 12 条情报已过时效，请核实");
    }
}
