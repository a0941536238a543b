use std::collections::BTreeMap;

use chrono::Utc;
use serde::Serialize;
use utoipa::ToSchema;

use crate::agenda::service::{self as agenda, ReminderView, TaskView};
use crate::agenda::store as agenda_store;
use crate::api::UserRef;
use crate::auth::extract::CurrentUser;
use crate::auth::policy;
use crate::categories::store as categories;
use crate::clients::service::{self as clients, ClientError};
use crate::clients::store as client_store;
use crate::clients::view::ClientView;
use crate::db::{write_tx, DbConn};
use crate::enums::{Delivery, FollowTarget, IntelStatus};
use crate::follows::model::NewFollow;
use crate::follows::store as follows;
use crate::ids::{ClientId, ContactId, UserId};
use crate::intel::service as intel;
use crate::intel::store as intel_store;
use crate::intel::store::IntelFilter;
use crate::intel::view::IntelView;
use crate::users::view::user_refs;

/// Items of one kind that move, and how many.
#[derive(Debug, Serialize, ToSchema)]
pub struct Moving<T> {
    pub count: usize,
    pub items: Vec<T>,
}

impl<T> From<Vec<T>> for Moving<T> {
    fn from(items: Vec<T>) -> Self {
        Moving { count: items.len(), items }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContactItem {
    pub id: ContactId,
    pub name: String,
    pub title: String,
    pub is_decision_maker: bool,
}

/// What a handover moves to the new owner.
#[derive(Debug, Serialize, ToSchema)]
pub struct HandoverPreview {
    pub client: ClientView,
    pub to: UserRef,
    pub contacts: Moving<ContactItem>,
    /// The old owner's open tasks on the client.
    pub open_tasks: Moving<TaskView>,
    /// Open reminders about the client.
    pub reminders: Moving<ReminderView>,
    /// Entries waiting for review; the new owner reads them from now on.
    pub pending_entries: Moving<IntelView>,
    /// Who follows the client (the old owner's follow moves to the new owner).
    pub follows: Moving<UserRef>,
    /// What the new owner will be told.
    pub briefing: String,
}

fn check(
    conn: &mut DbConn,
    me: &CurrentUser,
    id: ClientId,
    to: UserId,
) -> Result<crate::clients::model::Client, ClientError> {
    let client = clients::find(conn, id)?;
    policy::allow(policy::may_edit_client(me, client.owner_id))?;
    clients::check_owner(conn, to, "to")?;
    Ok(client)
}

/// What handing client `id` to `to` would move (those who may hand it over).
pub fn preview(
    conn: &mut DbConn,
    me: &CurrentUser,
    id: ClientId,
    to: UserId,
) -> Result<HandoverPreview, ClientError> {
    let client = check(conn, me, id, to)?;
    let contacts = client_store::contacts_of(conn, id)?
        .into_iter()
        .map(|c| ContactItem {
            id: c.id,
            name: c.name,
            title: c.title,
            is_decision_maker: c.is_decision_maker,
        })
        .collect::<Vec<_>>();
    let tasks: Vec<_> = agenda_store::open_tasks_of_client(conn, id)?
        .into_iter()
        .filter(|t| Some(t.assignee_id) == client.owner_id)
        .collect();
    let open_tasks = agenda::task_views(conn, tasks)?;
    let reminders = agenda_store::open_reminders_of_client(conn, id)?;
    let reminders = agenda::reminder_views(conn, reminders, agenda::today())?;
    let filter =
        IntelFilter { client_id: Some(id), status: Some(IntelStatus::Submitted), ..Default::default() };
    let (pending_entries, _) = intel::list(conn, me, &filter, 0, 100).map_err(intel_error)?;
    let followers: Vec<UserId> =
        follows::of_client(conn, &id.0.to_string())?.into_iter().map(|f| f.user_id).collect();
    let people = user_refs(conn, &followers)?;
    let followers = followers.iter().filter_map(|u| people.get(u).cloned()).collect::<Vec<_>>();
    let to_ref = user_refs(conn, &[to])?.remove(&to).unwrap_or(UserRef { id: to, real_name: String::new() });
    let briefing = briefing(conn, id, &open_tasks, &reminders)?;
    Ok(HandoverPreview {
        client: crate::clients::view::client_view(conn, client)?,
        to: to_ref,
        contacts: contacts.into(),
        open_tasks: open_tasks.into(),
        reminders: reminders.into(),
        pending_entries: pending_entries.into(),
        follows: followers.into(),
        briefing,
    })
}

fn intel_error(error: crate::intel::service::IntelError) -> ClientError {
    match error {
        crate::intel::service::IntelError::Db(e) => ClientError::Db(e),
        _ => ClientError::Denied(policy::Denied),
    }
}

/// Hands client `id` to `to`: ownership (with its history and audit), the old
/// owner's open tasks and reminders on it and their follow of it move to the
/// new owner, who is told with the briefing.
pub fn hand_over(
    conn: &mut DbConn,
    me: &CurrentUser,
    id: ClientId,
    to: UserId,
    note: &str,
) -> Result<ClientView, ClientError> {
    write_tx(conn, |conn| {
        let client = check(conn, me, id, to)?;
        let open_tasks = agenda_store::open_tasks_of_client(conn, id)?;
        let open_tasks = agenda::task_views(conn, open_tasks)?;
        let reminders = agenda_store::open_reminders_of_client(conn, id)?;
        let reminders = agenda::reminder_views(conn, reminders, agenda::today())?;
        let briefing = briefing(conn, id, &open_tasks, &reminders)?;
        let view = clients::hand_over(conn, me, id, to, note, &briefing)?;
        if let Some(from) = client.owner_id {
            let now = Utc::now().naive_utc();
            agenda_store::move_client(conn, id, from, to, now)?;
            let value = id.0.to_string();
            let held = follows::of_client(conn, &value)?.into_iter().find(|f| f.user_id == from);
            if let Some(follow) = held {
                follows::delete(conn, from, follow.id)?;
                let moved = NewFollow {
                    user_id: to,
                    target: FollowTarget::Client,
                    value,
                    delivery: Delivery::Immediate,
                    created_at: now,
                };
                follows::insert(conn, &moved)?;
            }
        }
        Ok(view)
    })
}

/// What the new owner needs first: the key facts (the latest adopted entry
/// per category, newest first), open tasks and upcoming dates.
fn briefing(
    conn: &mut DbConn,
    id: ClientId,
    tasks: &[TaskView],
    reminders: &[ReminderView],
) -> diesel::QueryResult<String> {
    let names: BTreeMap<String, String> =
        categories::list(conn)?.into_iter().map(|c| (c.key, c.name)).collect();
    let mut latest: BTreeMap<String, crate::intel::model::Intel> = BTreeMap::new();
    for category in names.keys() {
        let (newest, _) = intel_store::adopted_of_client(conn, id, Some(category), 0, 1)?;
        latest.extend(newest.into_iter().map(|entry| (category.clone(), entry)));
    }
    let mut lines = vec!["【交接简报】".to_owned(), "关键信息：".to_owned()];
    if latest.is_empty() {
        lines.push("· 暂无已采纳的情报".to_owned());
    }
    for (category, entry) in &latest {
        let name = names.get(category).cloned().unwrap_or_else(|| category.clone());
        let day = entry.adopted_at.map(|d| d.date().to_string()).unwrap_or_default();
        lines.push(format!("· {name}：{}（{day}）", entry.title));
    }
    lines.push(format!("未完成待办：{} 项", tasks.len()));
    lines.extend(tasks.iter().take(10).map(|t| format!("· {} 截止 {}", t.title, t.due_on)));
    lines.push(format!("临近日期：{} 项", reminders.len()));
    lines.extend(reminders.iter().take(10).map(|r| format!("· {}（{}）", r.title, r.due_on)));
    Ok(lines.join("\n"))
}
