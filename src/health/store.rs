//! The queries readiness runs: each is one aggregate over an indexed column.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::dsl::{count_star, max, min};
use diesel::prelude::*;
use diesel::result::QueryResult;

use crate::db::schema::{job_runs, mail_outbox};
use crate::db::DbConn;
use crate::enums::MailStatus;
use crate::with_conn;

/// A round trip to the database.
pub fn ping(conn: &mut DbConn) -> QueryResult<()> {
    with_conn!(conn, |c| diesel::select(diesel::dsl::sql::<diesel::sql_types::Integer>("1"))
        .execute(c)
        .map(|_| ()))
}

/// The mail due by `now`: how many, the oldest due time, and how many are retried.
pub fn mail_due(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<(i64, Option<NaiveDateTime>, i64)> {
    with_conn!(conn, |c| {
        let due = || {
            mail_outbox::table
                .filter(mail_outbox::status.eq_any([MailStatus::Pending, MailStatus::Sending]))
                .filter(mail_outbox::next_attempt_at.le(now))
        };
        let (count, oldest): (i64, Option<NaiveDateTime>) =
            due().select((count_star(), min(mail_outbox::created_at))).first(c)?;
        let retrying: i64 = due().filter(mail_outbox::attempts.gt(0)).count().get_result(c)?;
        Ok((count, oldest, retrying))
    })
}

pub fn mail_failed(conn: &mut DbConn) -> QueryResult<i64> {
    with_conn!(conn, |c| mail_outbox::table
        .filter(mail_outbox::status.eq(MailStatus::Failed))
        .count()
        .get_result(c))
}

/// The latest delivery error of a mail not yet sent.
pub fn last_mail_error(conn: &mut DbConn) -> QueryResult<Option<String>> {
    with_conn!(conn, |c| mail_outbox::table
        .filter(mail_outbox::status.eq_any([MailStatus::Pending, MailStatus::Sending, MailStatus::Failed]))
        .filter(mail_outbox::last_error.is_not_null())
        .order(mail_outbox::id.desc())
        .select(mail_outbox::last_error)
        .first::<Option<String>>(c)
        .optional()
        .map(Option::flatten))
}

/// When each job last ran.
pub fn last_job_runs(conn: &mut DbConn) -> QueryResult<BTreeMap<String, NaiveDateTime>> {
    let rows: Vec<(String, Option<NaiveDateTime>)> = with_conn!(conn, |c| job_runs::table
        .group_by(job_runs::job)
        .select((job_runs::job, max(job_runs::started_at)))
        .load(c))?;
    Ok(rows.into_iter().filter_map(|(job, at)| at.map(|at| (job, at))).collect())
}
