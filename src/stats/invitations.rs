//! A cluster's invitation list handed to the account managers: marketers see
//! the members' phones masked, so each member client's owner gets a task to
//! invite them (and is told), once per client and title while it is open.

use chrono::{NaiveDate, Utc};
use diesel::prelude::*;
use diesel::result::QueryResult;
use serde::Serialize;
use utoipa::ToSchema;

use crate::agenda::model::NewTask;
use crate::agenda::service::{task_views, TaskView};
use crate::agenda::store as agenda;
use crate::auth::extract::CurrentUser;
use crate::db::schema::{clients, tasks};
use crate::db::DbConn;
use crate::enums::{NotificationKind, TaskStatus};
use crate::ids::ClientId;
use crate::notify::service::{self as notify, NewNotification};
use crate::stats::clusters::{self, ClientFilter, Members};
use crate::with_conn;

/// A client of the cluster nobody owns: nobody to hand the invitation to.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Unowned {
    pub id: ClientId,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Invitations {
    /// Tasks created now.
    pub created: i64,
    /// Members whose owner already has this invitation open.
    pub already_open: i64,
    pub without_owner: Vec<Unowned>,
    /// The tasks created.
    pub tasks: Vec<TaskView>,
}

/// What to ask the owners.
#[derive(Debug, Clone)]
pub struct Invitation {
    pub title: String,
    pub due_on: NaiveDate,
    pub note: String,
}

/// One task per member client for its owner, in the caller's transaction;
/// on PostgreSQL the member clients are locked first, so two marketers
/// handing the same invitation over at once create each task once.
pub fn hand_over(
    conn: &mut DbConn,
    me: &CurrentUser,
    tag: &str,
    filter: &ClientFilter,
    invitation: &Invitation,
) -> QueryResult<Invitations> {
    let (members, _, _) = clusters::members(conn, me, tag, filter, Members::All)?;
    let ids: Vec<ClientId> = members.iter().map(|m| m.client.id).collect();
    if let DbConn::Pg(c) = conn {
        for chunk in ids.chunks(1000) {
            clients::table
                .filter(clients::id.eq_any(chunk))
                .select(clients::id)
                .for_update()
                .load::<ClientId>(c)?;
        }
    }
    let now = Utc::now().naive_utc();
    let (mut created, mut already_open, mut without_owner) = (Vec::new(), 0, Vec::new());
    for member in members {
        let client = member.client;
        let Some(owner) = client.owner else {
            without_owner.push(Unowned { id: client.id, name: client.name });
            continue;
        };
        let open: i64 = with_conn!(conn, |c| tasks::table
            .filter(tasks::client_id.eq(client.id))
            .filter(tasks::assignee_id.eq(owner.id))
            .filter(tasks::title.eq(&invitation.title))
            .filter(tasks::status.eq(TaskStatus::Open.as_str()))
            .count()
            .get_result(c))?;
        if open > 0 {
            already_open += 1;
            continue;
        }
        let task = agenda::insert_task(
            conn,
            &NewTask {
                visit_id: None,
                client_id: client.id,
                title: invitation.title.clone(),
                due_on: invitation.due_on,
                assignee_id: owner.id,
                status: TaskStatus::Open,
                created_by: me.id,
                created_at: now,
            },
        )?;
        let body = if invitation.note.is_empty() {
            format!("请在 {} 前邀请“{}”（兴趣群体：{tag}）。", invitation.due_on, client.name)
        } else {
            format!(
                "请在 {} 前邀请“{}”（兴趣群体：{tag}）。\n{}",
                invitation.due_on, client.name, invitation.note
            )
        };
        notify::notify(
            conn,
            NewNotification::new(
                owner.id,
                NotificationKind::TaskAssigned,
                format!("{}安排了邀请任务：{}", me.real_name, invitation.title),
                body,
            )
            .client(Some(client.id)),
        )?;
        created.push(task);
    }
    let tasks = task_views(conn, created)?;
    Ok(Invitations { created: tasks.len() as i64, already_open, without_owner, tasks })
}
