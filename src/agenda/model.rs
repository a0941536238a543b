use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{reminders, tasks, visits};
use crate::enums::{ReminderKind, ReminderStatus, TaskStatus};
use crate::ids::{ClientId, IntelId, ReminderId, TaskId, UserId, VisitId};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = visits)]
pub struct Visit {
    pub id: VisitId,
    pub client_id: ClientId,
    pub author_id: UserId,
    pub visited_on: NaiveDate,
    /// The contacts met, a JSON array of ids.
    pub contact_ids: String,
    pub purpose: String,
    pub summary: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = visits)]
pub struct NewVisit {
    pub client_id: ClientId,
    pub author_id: UserId,
    pub visited_on: NaiveDate,
    pub contact_ids: String,
    pub purpose: String,
    pub summary: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = tasks)]
pub struct Task {
    pub id: TaskId,
    pub visit_id: Option<VisitId>,
    pub client_id: ClientId,
    pub title: String,
    pub due_on: NaiveDate,
    pub assignee_id: UserId,
    pub status: TaskStatus,
    pub result: String,
    pub created_by: UserId,
    pub created_at: NaiveDateTime,
    pub done_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = tasks)]
pub struct NewTask {
    pub visit_id: Option<VisitId>,
    pub client_id: ClientId,
    pub title: String,
    pub due_on: NaiveDate,
    pub assignee_id: UserId,
    pub status: TaskStatus,
    pub created_by: UserId,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = reminders)]
pub struct Reminder {
    pub id: ReminderId,
    pub user_id: UserId,
    pub kind: ReminderKind,
    pub client_id: Option<ClientId>,
    pub intel_id: Option<IntelId>,
    pub task_id: Option<TaskId>,
    pub field_key: String,
    pub fact_on: Option<NaiveDate>,
    pub offset_days: i32,
    pub due_on: NaiveDate,
    pub title: String,
    pub status: ReminderStatus,
    pub snoozed_until: Option<NaiveDate>,
    pub event_key: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = reminders)]
pub struct NewReminder {
    pub user_id: UserId,
    pub kind: ReminderKind,
    pub client_id: Option<ClientId>,
    pub intel_id: Option<IntelId>,
    pub task_id: Option<TaskId>,
    pub field_key: String,
    pub fact_on: Option<NaiveDate>,
    pub offset_days: i32,
    pub due_on: NaiveDate,
    pub title: String,
    pub status: ReminderStatus,
    /// Names the event, so that it reminds once however many processes run.
    pub event_key: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}
