use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::result::QueryResult;

use crate::agenda::model::{NewReminder, NewTask, NewVisit, Reminder, Task, Visit};
use crate::db::schema::{calendar_feeds, intel, reminders, tasks, visits};
use crate::db::DbConn;
use crate::enums::{IntelStatus, ReminderKind, ReminderStatus, TaskStatus};
use crate::ids::{ClientId, IntelId, ReminderId, TaskId, UserId};
use crate::with_conn;

pub fn insert_visit(conn: &mut DbConn, visit: &NewVisit) -> QueryResult<Visit> {
    with_conn!(conn, |c| diesel::insert_into(visits::table)
        .values(visit)
        .returning(Visit::as_returning())
        .get_result(c))
}

/// A client's visits, latest first, with the total.
pub fn visits_of(
    conn: &mut DbConn,
    client: ClientId,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<Visit>, i64)> {
    with_conn!(conn, |c| {
        let total = visits::table.filter(visits::client_id.eq(client)).count().get_result(c)?;
        let rows = visits::table
            .filter(visits::client_id.eq(client))
            .order((visits::visited_on.desc(), visits::id.desc()))
            .offset(offset)
            .limit(limit)
            .select(Visit::as_select())
            .load(c)?;
        Ok((rows, total))
    })
}

pub fn insert_task(conn: &mut DbConn, task: &NewTask) -> QueryResult<Task> {
    with_conn!(conn, |c| diesel::insert_into(tasks::table)
        .values(task)
        .returning(Task::as_returning())
        .get_result(c))
}

pub fn find_task(conn: &mut DbConn, id: TaskId) -> QueryResult<Option<Task>> {
    with_conn!(conn, |c| tasks::table.find(id).select(Task::as_select()).first(c).optional())
}

/// Tasks of the given visits.
pub fn tasks_of_visits(conn: &mut DbConn, ids: &[crate::ids::VisitId]) -> QueryResult<Vec<Task>> {
    with_conn!(conn, |c| tasks::table
        .filter(tasks::visit_id.eq_any(ids))
        .order(tasks::id)
        .select(Task::as_select())
        .load(c))
}

/// `user`'s tasks with `status`, soonest due first, with the total.
pub fn tasks_of(
    conn: &mut DbConn,
    user: UserId,
    status: Option<TaskStatus>,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<Task>, i64)> {
    with_conn!(conn, |c| {
        let query = || {
            let mut query = tasks::table.filter(tasks::assignee_id.eq(user)).into_boxed();
            if let Some(status) = status {
                query = query.filter(tasks::status.eq(status));
            }
            query
        };
        let total = query().count().get_result(c)?;
        let rows = query()
            .order((tasks::due_on.asc(), tasks::id.asc()))
            .offset(offset)
            .limit(limit)
            .select(Task::as_select())
            .load(c)?;
        Ok((rows, total))
    })
}

/// A client's open tasks, soonest due first.
pub fn open_tasks_of_client(conn: &mut DbConn, client: ClientId) -> QueryResult<Vec<Task>> {
    open_tasks_of_clients(conn, &[client])
}

/// The open tasks of any of `clients`, soonest due first.
pub fn open_tasks_of_clients(conn: &mut DbConn, clients: &[ClientId]) -> QueryResult<Vec<Task>> {
    with_conn!(conn, |c| tasks::table
        .filter(tasks::client_id.eq_any(clients))
        .filter(tasks::status.eq(TaskStatus::Open))
        .order((tasks::due_on.asc(), tasks::id.asc()))
        .select(Task::as_select())
        .load(c))
}

/// Closes an open task; `None` when it was not open (a concurrent close won).
pub fn close_task(
    conn: &mut DbConn,
    id: TaskId,
    result: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<Task>> {
    with_conn!(conn, |c| diesel::update(
        tasks::table.filter(tasks::id.eq(id)).filter(tasks::status.eq(TaskStatus::Open))
    )
    .set((tasks::status.eq(TaskStatus::Done), tasks::result.eq(result), tasks::done_at.eq(Some(now))))
    .returning(Task::as_returning())
    .get_result(c)
    .optional())
}

/// Open tasks due on or before `by` that have no reminder yet.
pub fn tasks_due_without_reminder(conn: &mut DbConn, by: NaiveDate) -> QueryResult<Vec<Task>> {
    with_conn!(conn, |c| tasks::table
        .filter(tasks::status.eq(TaskStatus::Open))
        .filter(tasks::due_on.le(by))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            reminders::table.filter(reminders::task_id.eq(tasks::id.nullable()))
        )))
        .order(tasks::id)
        .select(Task::as_select())
        .load(c))
}

/// Inserts a reminder unless its event already reminded; the row written.
pub fn insert_reminder(conn: &mut DbConn, reminder: &NewReminder) -> QueryResult<Option<Reminder>> {
    with_conn!(conn, |c| diesel::insert_into(reminders::table)
        .values(reminder)
        .on_conflict(reminders::event_key)
        .do_nothing()
        .returning(Reminder::as_returning())
        .get_result(c)
        .optional())
}

pub fn find_reminder(conn: &mut DbConn, id: ReminderId) -> QueryResult<Option<Reminder>> {
    with_conn!(conn, |c| reminders::table.find(id).select(Reminder::as_select()).first(c).optional())
}

/// `user`'s reminders in the effective `status` on `today` (a snoozed one is
/// open again from its day), soonest due first, with the total.
pub fn reminders_of(
    conn: &mut DbConn,
    user: UserId,
    status: Option<ReminderStatus>,
    today: NaiveDate,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<Reminder>, i64)> {
    with_conn!(conn, |c| {
        let query = || {
            let query = reminders::table.filter(reminders::user_id.eq(user)).into_boxed();
            let snoozed = reminders::status.eq(ReminderStatus::Snoozed);
            match status {
                None => query,
                Some(ReminderStatus::Open) => query.filter(
                    reminders::status
                        .eq(ReminderStatus::Open)
                        .or(snoozed.and(reminders::snoozed_until.le(today))),
                ),
                Some(ReminderStatus::Snoozed) => {
                    query.filter(snoozed.and(reminders::snoozed_until.gt(today)))
                }
                Some(ReminderStatus::Done) => query.filter(reminders::status.eq(ReminderStatus::Done)),
            }
        };
        let total = query().count().get_result(c)?;
        let rows = query()
            .order((reminders::due_on.asc(), reminders::id.asc()))
            .offset(offset)
            .limit(limit)
            .select(Reminder::as_select())
            .load(c)?;
        Ok((rows, total))
    })
}

/// Open (or snoozed) reminders about a client.
pub fn open_reminders_of_client(conn: &mut DbConn, client: ClientId) -> QueryResult<Vec<Reminder>> {
    with_conn!(conn, |c| reminders::table
        .filter(reminders::client_id.eq(client))
        .filter(reminders::status.ne(ReminderStatus::Done))
        .order((reminders::due_on.asc(), reminders::id.asc()))
        .select(Reminder::as_select())
        .load(c))
}

pub fn set_reminder(
    conn: &mut DbConn,
    id: ReminderId,
    status: ReminderStatus,
    snoozed_until: Option<NaiveDate>,
    now: NaiveDateTime,
) -> QueryResult<Reminder> {
    with_conn!(conn, |c| diesel::update(reminders::table.find(id))
        .set((
            reminders::status.eq(status),
            reminders::snoozed_until.eq(snoozed_until),
            reminders::updated_at.eq(now)
        ))
        .returning(Reminder::as_returning())
        .get_result(c))
}

pub fn reassign_reminder(
    conn: &mut DbConn,
    id: ReminderId,
    user: UserId,
    now: NaiveDateTime,
) -> QueryResult<Reminder> {
    with_conn!(conn, |c| diesel::update(reminders::table.find(id))
        .set((reminders::user_id.eq(user), reminders::updated_at.eq(now)))
        .returning(Reminder::as_returning())
        .get_result(c))
}

/// Marks the reminder of a task done (the task was closed).
pub fn close_task_reminders(conn: &mut DbConn, task: TaskId, now: NaiveDateTime) -> QueryResult<usize> {
    with_conn!(conn, |c| diesel::update(reminders::table.filter(reminders::task_id.eq(task)))
        .set((reminders::status.eq(ReminderStatus::Done), reminders::updated_at.eq(now)))
        .execute(c))
}

/// Closes fact reminders whose entry left circulation (superseded, retracted).
pub fn close_reminders_of_withdrawn_facts(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<usize> {
    with_conn!(conn, |c| diesel::update(
        reminders::table
            .filter(reminders::kind.eq(ReminderKind::Fact))
            .filter(reminders::status.ne(ReminderStatus::Done))
            .filter(reminders::intel_id.eq_any(
                intel::table.filter(intel::status.ne(IntelStatus::Adopted)).select(intel::id.nullable())
            ))
    )
    .set((reminders::status.eq(ReminderStatus::Done), reminders::updated_at.eq(now)))
    .execute(c))
}

/// An adopted entry as the reminder job reads it: id, client, category,
/// title and template values.
pub type DatedFact = (IntelId, Option<ClientId>, String, String, String);

/// One page of adopted entries in `categories` after `after`, in id order.
pub fn adopted_facts_after(
    conn: &mut DbConn,
    categories: &[String],
    after: IntelId,
    limit: i64,
) -> QueryResult<Vec<DatedFact>> {
    with_conn!(conn, |c| intel::table
        .filter(intel::status.eq(IntelStatus::Adopted))
        .filter(intel::category.eq_any(categories))
        .filter(intel::id.gt(after))
        .order(intel::id)
        .limit(limit)
        .select((intel::id, intel::client_id, intel::category, intel::title, intel::fields))
        .load(c))
}

/// Moves a client's open tasks and reminders from one owner to the next (a handover).
pub fn move_client(
    conn: &mut DbConn,
    client: ClientId,
    from: UserId,
    to: UserId,
    now: NaiveDateTime,
) -> QueryResult<(usize, usize)> {
    with_conn!(conn, |c| {
        let tasks = diesel::update(
            tasks::table
                .filter(tasks::client_id.eq(client))
                .filter(tasks::assignee_id.eq(from))
                .filter(tasks::status.eq(TaskStatus::Open)),
        )
        .set(tasks::assignee_id.eq(to))
        .execute(c)?;
        let reminders = diesel::update(
            reminders::table
                .filter(reminders::client_id.eq(client))
                .filter(reminders::user_id.eq(from))
                .filter(reminders::status.ne(ReminderStatus::Done)),
        )
        .set((reminders::user_id.eq(to), reminders::updated_at.eq(now)))
        .execute(c)?;
        Ok((tasks, reminders))
    })
}

/// The generation of `user`'s calendar feed (0 before the first rotation).
pub fn feed_generation(conn: &mut DbConn, user: UserId) -> QueryResult<i32> {
    with_conn!(conn, |c| calendar_feeds::table
        .find(user)
        .select(calendar_feeds::generation)
        .first::<i32>(c)
        .optional()
        .map(Option::unwrap_or_default))
}

/// Moves `user`'s feed to the next generation; returns it.
pub fn rotate_feed(conn: &mut DbConn, user: UserId, now: NaiveDateTime) -> QueryResult<i32> {
    let next = feed_generation(conn, user)? + 1;
    with_conn!(conn, |c| diesel::insert_into(calendar_feeds::table)
        .values((
            calendar_feeds::user_id.eq(user),
            calendar_feeds::generation.eq(next),
            calendar_feeds::rotated_at.eq(now)
        ))
        .on_conflict(calendar_feeds::user_id)
        .do_update()
        .set((calendar_feeds::generation.eq(next), calendar_feeds::rotated_at.eq(now)))
        .execute(c))?;
    Ok(next)
}
