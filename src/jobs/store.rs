use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::QueryResult;

use crate::db::schema::{job_runs, users};
use crate::db::DbConn;
use crate::users::model::User;
use crate::with_conn;

/// Records that this transaction runs `job` for `period`; false when some
/// process already did (on PostgreSQL a concurrent insert of the same key
/// waits for the other transaction and then loses).
pub fn claim(conn: &mut DbConn, job: &str, period: &str, now: NaiveDateTime) -> QueryResult<bool> {
    let inserted = with_conn!(conn, |c| diesel::insert_into(job_runs::table)
        .values((job_runs::job.eq(job), job_runs::period_key.eq(period), job_runs::started_at.eq(now)))
        .on_conflict_do_nothing()
        .execute(c))?;
    Ok(inserted == 1)
}

pub fn set_summary(conn: &mut DbConn, job: &str, period: &str, summary: &str) -> QueryResult<()> {
    with_conn!(conn, |c| diesel::update(job_runs::table.find((job, period)))
        .set(job_runs::summary.eq(summary))
        .execute(c))?;
    Ok(())
}

/// Whether `job` has run for `period` (a cheap look before trying to claim it).
pub fn has_run(conn: &mut DbConn, job: &str, period: &str) -> QueryResult<bool> {
    with_conn!(conn, |c| diesel::select(diesel::dsl::exists(job_runs::table.find((job, period))))
        .get_result(c))
}

/// The latest run of `job`: (period key, started at, summary).
pub fn last_run(conn: &mut DbConn, job: &str) -> QueryResult<Option<(String, NaiveDateTime, String)>> {
    with_conn!(conn, |c| job_runs::table
        .filter(job_runs::job.eq(job))
        .order(job_runs::started_at.desc())
        .select((job_runs::period_key, job_runs::started_at, job_runs::summary))
        .first(c)
        .optional())
}

pub fn active_users(conn: &mut DbConn) -> QueryResult<Vec<User>> {
    with_conn!(conn, |c| users::table
        .filter(users::is_active.eq(true))
        .order(users::id)
        .select(User::as_select())
        .load(c))
}
