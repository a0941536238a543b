//! The facts the statistics are computed from, each loaded by its own
//! query so that a report reads only what it needs, and the helpers the
//! reports share.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDateTime};
use diesel::prelude::*;
use diesel::result::QueryResult;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::db::schema::{categories, client_tags, clients, intel, reviews, usages, users};
use crate::db::DbConn;
use crate::enums::{ClientKind, Decision, IntelStatus, UsageOutcome};
use crate::ids::ClientId;
use crate::ids::IntelId;
use crate::ids::{DepartmentId, UserId};
use crate::time::{business_zone, Window};
use crate::users::store as user_store;
use crate::with_conn;

#[derive(Debug, Clone)]
pub struct EntryFact {
    pub id: IntelId,
    pub client_id: Option<ClientId>,
    pub category: String,
    pub author_id: UserId,
    pub title: String,
    pub fields: String,
    pub status: IntelStatus,
    pub observed_at: NaiveDateTime,
    pub submitted_at: Option<NaiveDateTime>,
    pub adopted_at: Option<NaiveDateTime>,
    pub verified_at: Option<NaiveDateTime>,
    pub supersedes_id: Option<IntelId>,
}

#[derive(Debug, Clone)]
pub struct ReviewFact {
    pub intel_id: IntelId,
    pub reviewer_id: UserId,
    pub author_id: UserId,
    pub decision: Decision,
    pub mean_score: Option<f64>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone)]
pub struct UsageFact {
    pub intel_id: IntelId,
    pub user_id: UserId,
    pub outcome: UsageOutcome,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone)]
pub struct PersonFact {
    pub id: UserId,
    pub real_name: String,
    pub employee_no: String,
    pub department_id: Option<DepartmentId>,
    pub is_active: bool,
}

#[derive(Debug, Clone)]
pub struct ClientFact {
    pub id: ClientId,
    pub kind: ClientKind,
    pub name: String,
    pub tier: Option<String>,
    pub region: Option<String>,
    pub owner_id: Option<UserId>,
    pub tags: Vec<String>,
}

/// What a report reads, for one request; each report fills only the parts it reads.
#[derive(Debug, Default)]
pub struct Facts {
    pub entries: Vec<EntryFact>,
    pub reviews: Vec<ReviewFact>,
    pub usages: Vec<UsageFact>,
    pub people: HashMap<UserId, PersonFact>,
    pub clients: HashMap<ClientId, ClientFact>,
    /// Category key → (name, freshness days).
    pub categories: HashMap<String, (String, i32)>,
}

/// Which entries to load; drafts never count.
#[derive(Debug, Clone, Copy, Default)]
pub struct EntryFilter {
    /// Only these statuses (every status but draft when empty).
    pub statuses: &'static [IntelStatus],
    pub category: Option<&'static str>,
}

type EntryRow = (
    IntelId,
    Option<ClientId>,
    String,
    UserId,
    String,
    String,
    IntelStatus,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<IntelId>,
);

pub fn entries(conn: &mut DbConn, filter: EntryFilter) -> QueryResult<Vec<EntryFact>> {
    let statuses = filter.statuses;
    let rows: Vec<EntryRow> = with_conn!(conn, |c| {
        let mut query = intel::table.filter(intel::status.ne(IntelStatus::Draft)).into_boxed();
        if !statuses.is_empty() {
            query = query.filter(intel::status.eq_any(statuses));
        }
        if let Some(category) = filter.category {
            query = query.filter(intel::category.eq(category));
        }
        query
            .select((
                intel::id,
                intel::client_id,
                intel::category,
                intel::author_id,
                intel::title,
                intel::fields,
                intel::status,
                intel::observed_at,
                intel::submitted_at,
                intel::adopted_at,
                intel::verified_at,
                intel::supersedes_id,
            ))
            .load(c)
    })?;
    Ok(rows
        .into_iter()
        .map(|e| EntryFact {
            id: e.0,
            client_id: e.1,
            category: e.2,
            author_id: e.3,
            title: e.4,
            fields: e.5,
            status: e.6,
            observed_at: e.7,
            submitted_at: e.8,
            adopted_at: e.9,
            verified_at: e.10,
            supersedes_id: e.11,
        })
        .collect())
}

pub fn reviews(conn: &mut DbConn) -> QueryResult<Vec<ReviewFact>> {
    let rows: Vec<(IntelId, UserId, UserId, Decision, Option<f64>, NaiveDateTime)> =
        with_conn!(conn, |c| reviews::table
            .select((
                reviews::intel_id,
                reviews::reviewer_id,
                reviews::author_id,
                reviews::decision,
                reviews::mean_score,
                reviews::created_at,
            ))
            .load(c))?;
    Ok(rows
        .into_iter()
        .map(|r| ReviewFact {
            intel_id: r.0,
            reviewer_id: r.1,
            author_id: r.2,
            decision: r.3,
            mean_score: r.4,
            created_at: r.5,
        })
        .collect())
}

pub fn usages(conn: &mut DbConn) -> QueryResult<Vec<UsageFact>> {
    let rows: Vec<(IntelId, UserId, UsageOutcome, NaiveDateTime)> = with_conn!(conn, |c| usages::table
        .select((usages::intel_id, usages::user_id, usages::outcome, usages::created_at))
        .load(c))?;
    Ok(rows
        .into_iter()
        .map(|u| UsageFact { intel_id: u.0, user_id: u.1, outcome: u.2, created_at: u.3 })
        .collect())
}

pub fn people(conn: &mut DbConn) -> QueryResult<HashMap<UserId, PersonFact>> {
    let rows: Vec<(UserId, String, String, Option<DepartmentId>, bool)> = with_conn!(conn, |c| users::table
        .select((users::id, users::real_name, users::employee_no, users::department_id, users::is_active))
        .load(c))?;
    Ok(rows
        .into_iter()
        .map(|p| {
            let person =
                PersonFact { id: p.0, real_name: p.1, employee_no: p.2, department_id: p.3, is_active: p.4 };
            (p.0, person)
        })
        .collect())
}

type ClientRow = (ClientId, ClientKind, String, Option<String>, Option<String>, Option<UserId>);

/// Every client with its tags.
pub fn clients(conn: &mut DbConn) -> QueryResult<HashMap<ClientId, ClientFact>> {
    let (rows, tags): (Vec<ClientRow>, Vec<(ClientId, String)>) = with_conn!(conn, |c| {
        let rows = clients::table
            .select((
                clients::id,
                clients::kind,
                clients::name,
                clients::tier,
                clients::region,
                clients::owner_id,
            ))
            .load(c)?;
        let tags = client_tags::table.select((client_tags::client_id, client_tags::tag)).load(c)?;
        Ok::<_, diesel::result::Error>((rows, tags))
    })?;
    let mut tags_of: HashMap<ClientId, Vec<String>> = HashMap::new();
    for (client, tag) in tags {
        tags_of.entry(client).or_default().push(tag);
    }
    Ok(rows
        .into_iter()
        .map(|c| {
            let tags = tags_of.remove(&c.0).unwrap_or_default();
            let client =
                ClientFact { id: c.0, kind: c.1, name: c.2, tier: c.3, region: c.4, owner_id: c.5, tags };
            (c.0, client)
        })
        .collect())
}

/// Category key → (name, freshness days).
pub fn categories(conn: &mut DbConn) -> QueryResult<HashMap<String, (String, i32)>> {
    let rows: Vec<(String, String, i32)> = with_conn!(conn, |c| categories::table
        .select((categories::key, categories::name, categories::freshness_days))
        .load(c))?;
    Ok(rows.into_iter().map(|(key, name, days)| (key, (name, days))).collect())
}

pub fn department_names(conn: &mut DbConn) -> QueryResult<HashMap<DepartmentId, String>> {
    Ok(user_store::list_departments(conn)?.into_iter().map(|d| (d.id, d.name)).collect())
}

pub fn within(t: Option<NaiveDateTime>, window: Window) -> bool {
    match (t, window) {
        (None, _) => false,
        (Some(_), None) => true,
        (Some(t), Some((from, to))) => t >= from && t < to,
    }
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

/// A small known world for the reports' unit tests: four entries by 张伟
/// (three adopted), decided by 陈静 and 刘洋, used by 王芳.
#[cfg(test)]
pub mod fixture {
    use super::*;

    pub fn t(day: u32, hour: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 11, day).unwrap().and_hms_opt(hour, 0, 0).unwrap()
    }

    fn entry(
        id: i64,
        author: i64,
        category: &str,
        submitted: NaiveDateTime,
        adopted: Option<NaiveDateTime>,
    ) -> EntryFact {
        EntryFact {
            id: IntelId(id),
            client_id: Some(ClientId(1)),
            category: category.into(),
            author_id: UserId(author),
            title: format!("e{id}"),
            fields: "{}".into(),
            status: if adopted.is_some() { IntelStatus::Adopted } else { IntelStatus::Rejected },
            observed_at: submitted - Duration::hours(10),
            submitted_at: Some(submitted),
            adopted_at: adopted,
            verified_at: None,
            supersedes_id: None,
        }
    }

    fn review(
        id: i64,
        reviewer: i64,
        author: i64,
        decision: Decision,
        at: NaiveDateTime,
        score: f64,
    ) -> ReviewFact {
        ReviewFact {
            intel_id: IntelId(id),
            reviewer_id: UserId(reviewer),
            author_id: UserId(author),
            decision,
            mean_score: Some(score),
            created_at: at,
        }
    }

    pub fn facts() -> Facts {
        let mut facts = Facts::default();
        for (id, name) in [(1, "张伟"), (2, "陈静"), (3, "刘洋"), (4, "王芳")] {
            facts.people.insert(
                UserId(id),
                PersonFact {
                    id: UserId(id),
                    real_name: name.into(),
                    employee_no: format!("E{id}"),
                    department_id: None,
                    is_active: true,
                },
            );
        }
        facts.clients.insert(
            ClientId(1),
            ClientFact {
                id: ClientId(1),
                kind: ClientKind::Group,
                name: "长江".into(),
                tier: Some("A".into()),
                region: None,
                owner_id: Some(UserId(4)),
                tags: vec!["高尔夫".into()],
            },
        );
        facts.categories.insert("business".into(), ("业务状况".into(), 90));
        facts.entries = vec![
            entry(1, 1, "business", t(2, 9), Some(t(2, 13))),
            entry(2, 1, "business", t(3, 9), None),
            entry(3, 1, "business", t(4, 9), Some(t(5, 9))),
            entry(4, 1, "business", t(6, 9), Some(t(6, 10))),
        ];
        facts.reviews = vec![
            review(1, 2, 1, Decision::Adopt, t(2, 13), 4.0),
            review(2, 3, 1, Decision::Reject, t(3, 11), 2.0),
            review(3, 2, 1, Decision::Adopt, t(5, 9), 3.0),
            review(4, 2, 1, Decision::Adopt, t(6, 10), 5.0),
        ];
        facts.usages = vec![
            UsageFact {
                intel_id: IntelId(1),
                user_id: UserId(4),
                outcome: UsageOutcome::Won,
                created_at: t(7, 9),
            },
            UsageFact {
                intel_id: IntelId(1),
                user_id: UserId(1),
                outcome: UsageOutcome::Pending,
                created_at: t(7, 9),
            },
        ];
        facts
    }
}
