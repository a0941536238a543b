//! The facts statistics are computed from, loaded in bulk.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::QueryResult;

use crate::db::schema::{categories, client_tags, clients, intel, point_entries, reviews, usages, users};
use crate::db::DbConn;
use crate::enums::Roles;
use crate::ids::ClientId;
use crate::ids::IntelId;
use crate::ids::{DepartmentId, UserId};
use crate::with_conn;

#[derive(Debug, Clone)]
pub struct EntryFact {
    pub id: IntelId,
    pub client_id: ClientId,
    pub category: String,
    pub author_id: UserId,
    pub title: String,
    pub fields: String,
    pub status: String,
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
    pub decision: String,
    pub mean_score: Option<f64>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone)]
pub struct UsageFact {
    pub intel_id: IntelId,
    pub user_id: UserId,
    pub outcome: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone)]
pub struct PersonFact {
    pub id: UserId,
    pub real_name: String,
    pub employee_no: String,
    pub department_id: Option<DepartmentId>,
    pub roles: Roles,
    pub is_active: bool,
}

#[derive(Debug, Clone)]
pub struct ClientFact {
    pub id: ClientId,
    pub kind: String,
    pub name: String,
    pub tier: Option<String>,
    pub region: Option<String>,
    pub owner_id: Option<UserId>,
    pub tags: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct PointFact {
    pub user_id: UserId,
    pub delta: i32,
    pub reason: String,
    pub created_at: NaiveDateTime,
}

/// Everything the statistics read, for one request.
#[derive(Debug, Default)]
pub struct Facts {
    pub entries: Vec<EntryFact>,
    pub reviews: Vec<ReviewFact>,
    pub usages: Vec<UsageFact>,
    pub points: Vec<PointFact>,
    pub people: HashMap<UserId, PersonFact>,
    pub clients: HashMap<ClientId, ClientFact>,
    /// Category key → (name, freshness days).
    pub categories: HashMap<String, (String, i32)>,
}

type ClientRow = (ClientId, String, String, Option<String>, Option<String>, Option<UserId>);

type EntryRow = (
    IntelId,
    ClientId,
    String,
    UserId,
    String,
    String,
    String,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<IntelId>,
);

impl Facts {
    pub fn load(conn: &mut DbConn) -> QueryResult<Facts> {
        with_conn!(conn, |c| {
            let entries: Vec<EntryRow> = intel::table
                .filter(intel::status.ne("draft"))
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
                .load(c)?;
            let reviews: Vec<(IntelId, UserId, UserId, String, Option<f64>, NaiveDateTime)> = reviews::table
                .select((
                    reviews::intel_id,
                    reviews::reviewer_id,
                    reviews::author_id,
                    reviews::decision,
                    reviews::mean_score,
                    reviews::created_at,
                ))
                .load(c)?;
            let usages: Vec<(IntelId, UserId, String, NaiveDateTime)> = usages::table
                .select((usages::intel_id, usages::user_id, usages::outcome, usages::created_at))
                .load(c)?;
            let points: Vec<(UserId, i32, String, NaiveDateTime)> = point_entries::table
                .select((
                    point_entries::user_id,
                    point_entries::delta,
                    point_entries::reason,
                    point_entries::created_at,
                ))
                .load(c)?;
            let people: Vec<(UserId, String, String, Option<DepartmentId>, String, bool)> = users::table
                .select((
                    users::id,
                    users::real_name,
                    users::employee_no,
                    users::department_id,
                    users::roles,
                    users::is_active,
                ))
                .load(c)?;
            let client_rows: Vec<ClientRow> = clients::table
                .select((
                    clients::id,
                    clients::kind,
                    clients::name,
                    clients::tier,
                    clients::region,
                    clients::owner_id,
                ))
                .load(c)?;
            let tags: Vec<(ClientId, String)> =
                client_tags::table.select((client_tags::client_id, client_tags::tag)).load(c)?;
            let categories: Vec<(String, String, i32)> = categories::table
                .select((categories::key, categories::name, categories::freshness_days))
                .load(c)?;

            let mut tags_of: HashMap<ClientId, Vec<String>> = HashMap::new();
            for (client, tag) in tags {
                tags_of.entry(client).or_default().push(tag);
            }
            Ok(Facts {
                entries: entries
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
                    .collect(),
                reviews: reviews
                    .into_iter()
                    .map(|r| ReviewFact {
                        intel_id: r.0,
                        reviewer_id: r.1,
                        author_id: r.2,
                        decision: r.3,
                        mean_score: r.4,
                        created_at: r.5,
                    })
                    .collect(),
                usages: usages
                    .into_iter()
                    .map(|u| UsageFact { intel_id: u.0, user_id: u.1, outcome: u.2, created_at: u.3 })
                    .collect(),
                points: points
                    .into_iter()
                    .map(|p| PointFact { user_id: p.0, delta: p.1, reason: p.2, created_at: p.3 })
                    .collect(),
                people: people
                    .into_iter()
                    .map(|p| {
                        let roles = Roles::from_column(&p.4);
                        (
                            p.0,
                            PersonFact {
                                id: p.0,
                                real_name: p.1,
                                employee_no: p.2,
                                department_id: p.3,
                                roles,
                                is_active: p.5,
                            },
                        )
                    })
                    .collect(),
                clients: client_rows
                    .into_iter()
                    .map(|c| {
                        let tags = tags_of.remove(&c.0).unwrap_or_default();
                        (
                            c.0,
                            ClientFact {
                                id: c.0,
                                kind: c.1,
                                name: c.2,
                                tier: c.3,
                                region: c.4,
                                owner_id: c.5,
                                tags,
                            },
                        )
                    })
                    .collect(),
                categories: categories.into_iter().map(|(k, n, d)| (k, (n, d))).collect(),
            })
        })
    }
}
