//! Visits, tasks and reminders: the rules, the permissions (through the
//! policy) and the transactions.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::result::QueryResult;
use serde::Serialize;
use utoipa::ToSchema;

use crate::agenda::calendar::{self, FeedItem, FeedKeys};
use crate::agenda::model::{NewTask, NewVisit, Reminder, Task, Visit};
use crate::agenda::store;
use crate::api::UserRef;
use crate::auth::extract::CurrentUser;
use crate::auth::policy;
use crate::clients::store as clients;
use crate::db::{write_tx, DbConn};
use crate::enums::{ReminderKind, ReminderStatus, TaskStatus};
use crate::ids::{ClientId, ContactId, IntelId, ReminderId, TaskId, UserId, VisitId};
use crate::time::business_zone;
use crate::users::store as users;
use crate::users::view::user_refs;

crate::service_error! {
    pub enum AgendaError {
        #[error("客户不存在")]
        ClientNotFound => NotFound,
        #[error("待办不存在")]
        TaskNotFound => NotFound,
        #[error("提醒不存在")]
        ReminderNotFound => NotFound,
        #[error("该待办已完成")]
        TaskDone => Conflict,
        #[error("日历链接无效或已更换")]
        FeedNotFound => NotFound,
    }
}

type Result<T> = std::result::Result<T, AgendaError>;

const MAX_PURPOSE_CHARS: usize = 200;
const MAX_SUMMARY_CHARS: usize = 5000;
const MAX_TITLE_CHARS: usize = 200;
const MAX_RESULT_CHARS: usize = 2000;
const MAX_NEXT_STEPS: usize = 20;

/// Today in the branch's time zone.
pub fn today() -> NaiveDate {
    Utc::now().with_timezone(&business_zone()).date_naive()
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClientBrief {
    pub id: ClientId,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ContactBrief {
    pub id: ContactId,
    pub name: String,
    pub title: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TaskView {
    pub id: TaskId,
    pub title: String,
    pub due_on: NaiveDate,
    pub status: TaskStatus,
    pub client: ClientBrief,
    pub visit_id: Option<VisitId>,
    pub assignee: UserRef,
    pub result: String,
    pub done_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VisitView {
    pub id: VisitId,
    pub client: ClientBrief,
    pub author: UserRef,
    pub visited_on: NaiveDate,
    pub contacts: Vec<ContactBrief>,
    pub purpose: String,
    pub summary: String,
    pub created_at: DateTime<Utc>,
    /// The next steps agreed, as tasks.
    pub tasks: Vec<TaskView>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReminderView {
    pub id: ReminderId,
    pub kind: ReminderKind,
    /// The day it is for (the date falls due, or the task is due).
    pub due_on: NaiveDate,
    pub client: Option<ClientBrief>,
    pub intel_id: Option<IntelId>,
    pub task_id: Option<TaskId>,
    pub title: String,
    /// `snoozed` until `snoozed_until`, then `open` again.
    pub status: ReminderStatus,
    pub snoozed_until: Option<NaiveDate>,
    /// The date the entry records (for a fact), and how many days before it this reminds.
    pub fact_on: Option<NaiveDate>,
    pub offset_days: i32,
}

/// One next step of a visit, as sent.
#[derive(Debug, Clone)]
pub struct NextStep {
    pub title: String,
    pub due_on: NaiveDate,
    pub assignee_id: Option<UserId>,
}

/// A visit or call, as sent.
#[derive(Debug, Clone)]
pub struct VisitInput {
    pub client_id: ClientId,
    pub visited_on: NaiveDate,
    pub contact_ids: Vec<ContactId>,
    pub purpose: String,
    pub summary: String,
    pub next_steps: Vec<NextStep>,
}

fn owners_of(conn: &mut DbConn, client: ClientId) -> Result<Vec<UserId>> {
    clients::find(conn, client)?.ok_or(AgendaError::ClientNotFound)?;
    Ok(clients::owners(conn, &[client])?.remove(&client).unwrap_or_default())
}

/// Records a visit and its next steps as tasks (the client's owners,
/// reviewers and admins); each task goes to its assignee (me by default).
pub fn record_visit(conn: &mut DbConn, me: &CurrentUser, input: VisitInput) -> Result<VisitView> {
    let owners = owners_of(conn, input.client_id)?;
    policy::allow(policy::may_work_on_client(me, &owners))?;
    let mut problems = crate::error::Fields::new();
    let purpose = input.purpose.trim().to_owned();
    if purpose.is_empty() || purpose.chars().count() > MAX_PURPOSE_CHARS {
        problems.insert("purpose".into(), format!("须为 1–{MAX_PURPOSE_CHARS} 个字符"));
    }
    if input.summary.chars().count() > MAX_SUMMARY_CHARS {
        problems.insert("summary".into(), format!("不能超过 {MAX_SUMMARY_CHARS} 个字符"));
    }
    if input.visited_on > today() {
        problems.insert("visited_on".into(), "不能晚于今天".into());
    }
    let known: Vec<ContactId> = clients::contacts_of(conn, input.client_id)?.iter().map(|c| c.id).collect();
    for (i, contact) in input.contact_ids.iter().enumerate() {
        if !known.contains(contact) {
            problems.insert(format!("contact_ids[{i}]"), "不是该客户的联系人".into());
        }
    }
    if input.next_steps.len() > MAX_NEXT_STEPS {
        problems.insert("next_steps".into(), format!("至多 {MAX_NEXT_STEPS} 项"));
    }
    for (i, step) in input.next_steps.iter().enumerate() {
        let length = step.title.trim().chars().count();
        if length == 0 || length > MAX_TITLE_CHARS {
            problems.insert(format!("next_steps[{i}].title"), format!("须为 1–{MAX_TITLE_CHARS} 个字符"));
        }
        if let Some(assignee) = step.assignee_id {
            if !users::find_user(conn, assignee)?.is_some_and(|u| u.is_active) {
                problems.insert(format!("next_steps[{i}].assignee_id"), "用户不存在或已停用".into());
            }
        }
    }
    if !problems.is_empty() {
        return Err(AgendaError::Invalid(problems));
    }
    write_tx(conn, |conn| {
        let now = Utc::now().naive_utc();
        let contact_ids = serde_json::to_string(&input.contact_ids).unwrap_or_else(|_| "[]".into());
        let visit = store::insert_visit(
            conn,
            &NewVisit {
                client_id: input.client_id,
                author_id: me.id,
                visited_on: input.visited_on,
                contact_ids,
                purpose,
                summary: input.summary.trim().to_owned(),
                created_at: now,
            },
        )?;
        for step in &input.next_steps {
            store::insert_task(
                conn,
                &NewTask {
                    visit_id: Some(visit.id),
                    client_id: input.client_id,
                    title: step.title.trim().to_owned(),
                    due_on: step.due_on,
                    assignee_id: step.assignee_id.unwrap_or(me.id),
                    status: TaskStatus::Open,
                    created_by: me.id,
                    created_at: now,
                },
            )?;
        }
        Ok(visit_views(conn, vec![visit])?.remove(0))
    })
}

/// A client's visits, latest first (its owners, reviewers and admins).
pub fn visits(
    conn: &mut DbConn,
    me: &CurrentUser,
    client: ClientId,
    offset: i64,
    limit: i64,
) -> Result<(Vec<VisitView>, i64)> {
    let owners = owners_of(conn, client)?;
    policy::allow(policy::may_work_on_client(me, &owners))?;
    let (rows, total) = store::visits_of(conn, client, offset, limit)?;
    Ok((visit_views(conn, rows)?, total))
}

/// My tasks (我的待办), soonest due first.
pub fn my_tasks(
    conn: &mut DbConn,
    me: &CurrentUser,
    status: Option<TaskStatus>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<TaskView>, i64)> {
    let (rows, total) = store::tasks_of(conn, me.id, status, offset, limit)?;
    Ok((task_views(conn, rows)?, total))
}

/// Closes a task with its result (its assignee, the client's owners,
/// reviewers, admins); its reminder is done too.
pub fn complete_task(conn: &mut DbConn, me: &CurrentUser, id: TaskId, result: &str) -> Result<TaskView> {
    let result = result.trim();
    if result.chars().count() > MAX_RESULT_CHARS {
        return Err(AgendaError::field("result", format!("不能超过 {MAX_RESULT_CHARS} 个字符")));
    }
    write_tx(conn, |conn| {
        let task = store::find_task(conn, id)?.ok_or(AgendaError::TaskNotFound)?;
        let owners = clients::owners(conn, &[task.client_id])?.remove(&task.client_id).unwrap_or_default();
        if task.assignee_id != me.id && !policy::may_work_on_client(me, &owners) {
            return Err(AgendaError::TaskNotFound);
        }
        let now = Utc::now().naive_utc();
        let done = store::close_task(conn, id, result, now)?.ok_or(AgendaError::TaskDone)?;
        store::close_task_reminders(conn, id, now)?;
        Ok(task_views(conn, vec![done])?.remove(0))
    })
}

/// My reminders in `status` (open ones by default), soonest first.
pub fn my_reminders(
    conn: &mut DbConn,
    me: &CurrentUser,
    status: Option<ReminderStatus>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<ReminderView>, i64)> {
    let today = today();
    let (rows, total) =
        store::reminders_of(conn, me.id, Some(status.unwrap_or(ReminderStatus::Open)), today, offset, limit)?;
    Ok((reminder_views(conn, rows, today)?, total))
}

/// What one can do with one's reminder.
#[derive(Debug, Clone, Copy)]
pub enum ReminderChange {
    Done,
    Snooze(NaiveDate),
    Reassign(UserId),
}

/// Marks my reminder done, snoozes it until a later day, or hands it to
/// someone else (404 for another's reminder).
pub fn change_reminder(
    conn: &mut DbConn,
    me: &CurrentUser,
    id: ReminderId,
    change: ReminderChange,
) -> Result<ReminderView> {
    let today = today();
    if let ReminderChange::Snooze(until) = change {
        if until <= today {
            return Err(AgendaError::field("until", "须晚于今天"));
        }
    }
    write_tx(conn, |conn| {
        let reminder = store::find_reminder(conn, id)?
            .filter(|r| r.user_id == me.id)
            .ok_or(AgendaError::ReminderNotFound)?;
        let now = Utc::now().naive_utc();
        let changed = match change {
            ReminderChange::Done => store::set_reminder(conn, reminder.id, ReminderStatus::Done, None, now)?,
            ReminderChange::Snooze(until) => {
                store::set_reminder(conn, reminder.id, ReminderStatus::Snoozed, Some(until), now)?
            }
            ReminderChange::Reassign(user) => {
                if !users::find_user(conn, user)?.is_some_and(|u| u.is_active) {
                    return Err(AgendaError::field("user_id", "用户不存在或已停用"));
                }
                store::reassign_reminder(conn, reminder.id, user, now)?
            }
        };
        Ok(reminder_views(conn, vec![changed], today)?.remove(0))
    })
}

/// The path of my private calendar feed (under `/api/v1`).
pub fn calendar_path(conn: &mut DbConn, keys: &FeedKeys, me: &CurrentUser) -> Result<String> {
    let generation = store::feed_generation(conn, me.id)?;
    Ok(format!("/api/v1/calendar/{}.ics", keys.token(me.id, generation)))
}

/// Replaces my feed's URL: the old one stops working.
pub fn rotate_calendar(conn: &mut DbConn, keys: &FeedKeys, me: &CurrentUser) -> Result<String> {
    let generation = write_tx(conn, |conn| store::rotate_feed(conn, me.id, Utc::now().naive_utc()))?;
    Ok(format!("/api/v1/calendar/{}.ics", keys.token(me.id, generation)))
}

/// The feed behind `token`: the open reminders and tasks of its user, as
/// iCalendar (404 for a wrong, rotated or deactivated user's token).
pub fn calendar_feed(conn: &mut DbConn, keys: &FeedKeys, token: &str, link_base: &str) -> Result<String> {
    let (user, signature) = calendar::parse_token(token).ok_or(AgendaError::FeedNotFound)?;
    let generation = store::feed_generation(conn, user)?;
    if !keys.verify(user, generation, signature)
        || !users::find_user(conn, user)?.is_some_and(|u| u.is_active)
    {
        return Err(AgendaError::FeedNotFound);
    }
    let today = today();
    let (reminders, _) = store::reminders_of(conn, user, Some(ReminderStatus::Open), today, 0, 1000)?;
    let (tasks, _) = store::tasks_of(conn, user, Some(TaskStatus::Open), 0, 1000)?;
    let client_ids: Vec<ClientId> =
        reminders.iter().filter_map(|r| r.client_id).chain(tasks.iter().map(|t| t.client_id)).collect();
    let names = client_names(conn, &client_ids)?;
    let name = |id: Option<ClientId>| id.and_then(|id| names.get(&id).cloned()).unwrap_or_default();
    let mut items: Vec<FeedItem> = reminders
        .iter()
        .filter(|r| r.task_id.is_none())
        .map(|r| FeedItem {
            uid: format!("reminder-{}@zhiku", r.id),
            on: r.fact_on.unwrap_or(r.due_on),
            summary: r.title.clone(),
            description: name(r.client_id),
            url: r.intel_id.map(|i| format!("{link_base}/intel/{i}")),
        })
        .collect();
    items.extend(tasks.iter().map(|t| FeedItem {
        uid: format!("task-{}@zhiku", t.id),
        on: t.due_on,
        summary: format!("待办：{}", t.title),
        description: name(Some(t.client_id)),
        url: Some(format!("{link_base}/agenda")),
    }));
    Ok(calendar::render("智库 · 我的提醒与待办", &items))
}

fn client_names(conn: &mut DbConn, ids: &[ClientId]) -> QueryResult<HashMap<ClientId, String>> {
    Ok(clients::find_many(conn, ids)?.into_values().map(|c| (c.id, c.name)).collect())
}

fn brief(names: &HashMap<ClientId, String>, id: ClientId) -> ClientBrief {
    ClientBrief { id, name: names.get(&id).cloned().unwrap_or_default() }
}

fn person(people: &HashMap<UserId, UserRef>, id: UserId) -> UserRef {
    people.get(&id).cloned().unwrap_or(UserRef { id, real_name: String::new() })
}

pub fn task_views(conn: &mut DbConn, tasks: Vec<Task>) -> QueryResult<Vec<TaskView>> {
    let names = client_names(conn, &tasks.iter().map(|t| t.client_id).collect::<Vec<_>>())?;
    let people = user_refs(conn, &tasks.iter().map(|t| t.assignee_id).collect::<Vec<_>>())?;
    Ok(tasks
        .into_iter()
        .map(|t| TaskView {
            client: brief(&names, t.client_id),
            assignee: person(&people, t.assignee_id),
            id: t.id,
            title: t.title,
            due_on: t.due_on,
            status: t.status,
            visit_id: t.visit_id,
            result: t.result,
            done_at: t.done_at.map(|d| d.and_utc()),
        })
        .collect())
}

fn visit_views(conn: &mut DbConn, visits: Vec<Visit>) -> QueryResult<Vec<VisitView>> {
    let ids: Vec<VisitId> = visits.iter().map(|v| v.id).collect();
    let mut tasks: HashMap<VisitId, Vec<TaskView>> = HashMap::new();
    let of_visits = store::tasks_of_visits(conn, &ids)?;
    for task in task_views(conn, of_visits)? {
        if let Some(visit) = task.visit_id {
            tasks.entry(visit).or_default().push(task);
        }
    }
    let names = client_names(conn, &visits.iter().map(|v| v.client_id).collect::<Vec<_>>())?;
    let people = user_refs(conn, &visits.iter().map(|v| v.author_id).collect::<Vec<_>>())?;
    let mut contacts: HashMap<ContactId, ContactBrief> = HashMap::new();
    let mut clients: Vec<ClientId> = visits.iter().map(|v| v.client_id).collect();
    clients.sort();
    clients.dedup();
    for client in clients {
        for c in clients::contacts_of(conn, client)? {
            contacts.insert(c.id, ContactBrief { id: c.id, name: c.name, title: c.title });
        }
    }
    Ok(visits
        .into_iter()
        .map(|v| {
            let met: Vec<ContactId> = serde_json::from_str(&v.contact_ids).unwrap_or_default();
            VisitView {
                client: brief(&names, v.client_id),
                author: person(&people, v.author_id),
                contacts: met.iter().filter_map(|id| contacts.get(id).cloned()).collect(),
                tasks: tasks.remove(&v.id).unwrap_or_default(),
                id: v.id,
                visited_on: v.visited_on,
                purpose: v.purpose,
                summary: v.summary,
                created_at: v.created_at.and_utc(),
            }
        })
        .collect())
}

pub fn reminder_views(
    conn: &mut DbConn,
    reminders: Vec<Reminder>,
    today: NaiveDate,
) -> QueryResult<Vec<ReminderView>> {
    let names = client_names(conn, &reminders.iter().filter_map(|r| r.client_id).collect::<Vec<_>>())?;
    Ok(reminders
        .into_iter()
        .map(|r| {
            let status = match (r.status, r.snoozed_until) {
                (ReminderStatus::Snoozed, Some(until)) if until <= today => ReminderStatus::Open,
                (status, _) => status,
            };
            ReminderView {
                client: r.client_id.map(|id| brief(&names, id)),
                id: r.id,
                kind: r.kind,
                due_on: r.due_on,
                intel_id: r.intel_id,
                task_id: r.task_id,
                title: r.title,
                status,
                snoozed_until: r.snoozed_until,
                fact_on: r.fact_on,
                offset_days: r.offset_days,
            }
        })
        .collect())
}
