//! What the reports share: the people they are about, department names and
//! time buckets. Each report runs its own aggregate queries.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDateTime};
use diesel::prelude::*;
use diesel::result::QueryResult;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::db::schema::users;
use crate::db::DbConn;
use crate::ids::{DepartmentId, UserId};
use crate::time::business_zone;
use crate::users::store as user_store;
use crate::with_conn;

#[derive(Debug, Clone)]
pub struct PersonFact {
    pub id: UserId,
    pub real_name: String,
    pub employee_no: String,
    pub department_id: Option<DepartmentId>,
    pub is_active: bool,
}

/// The active people (of `department`, when given).
pub fn people(conn: &mut DbConn, department: Option<DepartmentId>) -> QueryResult<Vec<PersonFact>> {
    let rows: Vec<(UserId, String, String, Option<DepartmentId>, bool)> = with_conn!(conn, |c| {
        let mut query = users::table.filter(users::is_active.eq(true)).into_boxed();
        if let Some(department) = department {
            query = query.filter(users::department_id.eq(department));
        }
        query
            .select((users::id, users::real_name, users::employee_no, users::department_id, users::is_active))
            .load(c)
    })?;
    Ok(rows
        .into_iter()
        .map(|p| PersonFact { id: p.0, real_name: p.1, employee_no: p.2, department_id: p.3, is_active: p.4 })
        .collect())
}

pub fn department_names(conn: &mut DbConn) -> QueryResult<HashMap<DepartmentId, String>> {
    Ok(user_store::list_departments(conn)?.into_iter().map(|d| (d.id, d.name)).collect())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum Interval {
    Week,
    #[default]
    Month,
}

/// `YYYY-MM` for months, the Monday `YYYY-MM-DD` for weeks (UTC+8).
pub fn bucket_of(t: NaiveDateTime, interval: Interval) -> String {
    let local = t.and_utc().with_timezone(&business_zone()).date_naive();
    match interval {
        Interval::Month => format!("{:04}-{:02}", local.year(), local.month()),
        Interval::Week => {
            let monday = local - Duration::days(i64::from(local.weekday().num_days_from_monday()));
            monday.format("%Y-%m-%d").to_string()
        }
    }
}

/// Times for the reports' unit tests.
#[cfg(test)]
pub mod fixture {
    use chrono::NaiveDateTime;

    /// 2026-11-`day` `hour`:00 UTC.
    pub fn t(day: u32, hour: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 11, day).unwrap().and_hms_opt(hour, 0, 0).unwrap()
    }
}
