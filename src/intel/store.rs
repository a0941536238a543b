use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::QueryResult;

use crate::db::rollup::{self, Scope};
use crate::db::schema::{intel, intel_clients, reviews, upkeep, usages};
use crate::db::search_outbox as outbox;
use crate::db::search_outbox::Target;
use crate::db::DbConn;
use crate::enums::{Decision, IntelStatus, UpkeepKind};
use crate::ids::ClientId;
use crate::ids::IntelId;
use crate::ids::UserId;
use crate::intel::model::{Intel, IntelContent, NewIntel, Subject};
use crate::with_conn;

/// Every write below also records the change in the search outbox, in the
/// caller's transaction, so the index never misses one; those that change
/// what the statistics count keep the rollup cells (`db::rollup`) too.
fn changed(conn: &mut DbConn, entry: QueryResult<Intel>) -> QueryResult<Intel> {
    let entry = entry?;
    outbox::enqueue(conn, Target::Intel(entry.id))?;
    Ok(entry)
}

/// Stores a new entry about `subject` (whose first client is `new.client_id`).
pub fn insert(conn: &mut DbConn, new: &NewIntel, subject: &Subject) -> QueryResult<Intel> {
    let entry = with_conn!(conn, |c| diesel::insert_into(intel::table)
        .values(new)
        .returning(Intel::as_returning())
        .get_result(c))?;
    name_clients(conn, entry.id, subject.clients())?;
    rollup::added(conn, &[entry.id])?;
    changed(conn, Ok(entry))
}

/// Stores new entries each about one client (`new.client_id`) in one
/// statement a table, in order; for loading many (the import).
pub fn insert_many(conn: &mut DbConn, new: &[NewIntel]) -> QueryResult<Vec<Intel>> {
    if new.is_empty() {
        return Ok(Vec::new());
    }
    let entries: Vec<Intel> = with_conn!(conn, |c| diesel::insert_into(intel::table)
        .values(new)
        .returning(Intel::as_returning())
        .get_results(c))?;
    let named: Vec<_> = entries
        .iter()
        .filter_map(|e| {
            e.client_id.map(|client| (intel_clients::intel_id.eq(e.id), intel_clients::client_id.eq(client)))
        })
        .collect();
    with_conn!(conn, |c| diesel::insert_into(intel_clients::table).values(&named).execute(c))?;
    rollup::added(conn, &entries.iter().map(|e| e.id).collect::<Vec<_>>())?;
    for entry in &entries {
        outbox::enqueue(conn, Target::Intel(entry.id))?;
    }
    Ok(entries)
}

fn name_clients(conn: &mut DbConn, id: IntelId, clients: &[ClientId]) -> QueryResult<()> {
    let rows: Vec<_> = clients
        .iter()
        .map(|client| (intel_clients::intel_id.eq(id), intel_clients::client_id.eq(*client)))
        .collect();
    if !rows.is_empty() {
        with_conn!(conn, |c| diesel::insert_into(intel_clients::table).values(&rows).execute(c))?;
    }
    Ok(())
}

/// Makes a draft about `subject` instead.
pub fn set_subject(conn: &mut DbConn, id: IntelId, subject: &Subject) -> QueryResult<Intel> {
    let entry = rollup::track(conn, Scope::Entry(id), |conn| {
        with_conn!(conn, |c| diesel::delete(intel_clients::table.filter(intel_clients::intel_id.eq(id)))
            .execute(c))?;
        name_clients(conn, id, subject.clients())?;
        with_conn!(conn, |c| diesel::update(intel::table.find(id))
            .set(intel::client_id.eq(subject.primary()))
            .returning(Intel::as_returning())
            .get_result(c))
    });
    changed(conn, entry)
}

/// Every client each of `ids` is about.
pub fn clients_of(conn: &mut DbConn, ids: &[IntelId]) -> QueryResult<HashMap<IntelId, Vec<ClientId>>> {
    let rows: Vec<(IntelId, ClientId)> = with_conn!(conn, |c| intel_clients::table
        .filter(intel_clients::intel_id.eq_any(ids))
        .order((intel_clients::intel_id, intel_clients::client_id))
        .select((intel_clients::intel_id, intel_clients::client_id))
        .load(c))?;
    let mut clients: HashMap<IntelId, Vec<ClientId>> = HashMap::new();
    for (id, client) in rows {
        clients.entry(id).or_default().push(client);
    }
    Ok(clients)
}

/// Who `entry` is about.
pub fn subject(conn: &mut DbConn, entry: &Intel) -> QueryResult<Subject> {
    let named = clients_of(conn, &[entry.id])?.remove(&entry.id).unwrap_or_default();
    Ok(Subject::new(entry.client_id, &named))
}

pub fn find(conn: &mut DbConn, id: IntelId) -> QueryResult<Option<Intel>> {
    with_conn!(conn, |c| intel::table.find(id).select(Intel::as_select()).first(c).optional())
}

pub fn find_many(conn: &mut DbConn, ids: &[IntelId]) -> QueryResult<Vec<Intel>> {
    with_conn!(conn, |c| intel::table.filter(intel::id.eq_any(ids)).select(Intel::as_select()).load(c))
}

pub fn update_content(conn: &mut DbConn, id: IntelId, content: &IntelContent) -> QueryResult<Intel> {
    let entry = rollup::track(conn, Scope::Entry(id), |conn| {
        with_conn!(conn, |c| diesel::update(intel::table.find(id))
            .set(content)
            .returning(Intel::as_returning())
            .get_result(c))
    });
    changed(conn, entry)
}

/// Moves an entry from `from` to `to` only if it is still in `from` at
/// `revision`; returns whether it moved. Concurrent deciders race here and
/// exactly one wins (PostgreSQL re-checks the condition after the row lock).
pub fn transition(
    conn: &mut DbConn,
    id: IntelId,
    from: IntelStatus,
    revision: i32,
    to: IntelStatus,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let update = |conn: &mut DbConn| {
        with_conn!(conn, |c| diesel::update(
            intel::table
                .filter(intel::id.eq(id))
                .filter(intel::status.eq(from.as_str()))
                .filter(intel::revision.eq(revision))
        )
        .set((intel::status.eq(to.as_str()), intel::updated_at.eq(now)))
        .execute(c))
    };
    // Only a draft counts for nothing in the statistics.
    let moved = if from == IntelStatus::Draft || to == IntelStatus::Draft {
        rollup::track(conn, Scope::Entry(id), update)?
    } else {
        update(conn)?
    };
    if moved == 1 {
        outbox::enqueue(conn, Target::Intel(id))?;
    }
    Ok(moved == 1)
}

/// Records the outcome of a decision on the entry.
pub fn set_decided(
    conn: &mut DbConn,
    id: IntelId,
    quality: Option<f64>,
    duplicate_of: Option<IntelId>,
    adopted: bool,
    now: NaiveDateTime,
) -> QueryResult<Intel> {
    let entry = rollup::track(conn, Scope::Entry(id), |conn| {
        with_conn!(conn, |c| diesel::update(intel::table.find(id))
            .set((
                intel::quality.eq(quality),
                intel::duplicate_of.eq(duplicate_of),
                intel::decided_at.eq(now),
                intel::adopted_at.eq(adopted.then_some(now)),
            ))
            .returning(Intel::as_returning())
            .get_result(c))
    });
    changed(conn, entry)
}

pub fn set_urgent(conn: &mut DbConn, id: IntelId) -> QueryResult<Intel> {
    let entry = with_conn!(conn, |c| diesel::update(intel::table.find(id))
        .set(intel::urgent.eq(true))
        .returning(Intel::as_returning())
        .get_result(c));
    changed(conn, entry)
}

pub fn set_verified(conn: &mut DbConn, id: IntelId, now: NaiveDateTime) -> QueryResult<Intel> {
    let entry = with_conn!(conn, |c| diesel::update(intel::table.find(id))
        .set((intel::verified_at.eq(now), intel::updated_at.eq(now)))
        .returning(Intel::as_returning())
        .get_result(c));
    changed(conn, entry)
}

/// Every entry of `entry`'s revision chain, oldest first: what it revises,
/// back to the first entry, and every revision made of any of them.
pub fn revision_chain(conn: &mut DbConn, entry: &Intel) -> QueryResult<Vec<Intel>> {
    let mut root = entry.clone();
    while let Some(earlier) = root.supersedes_id {
        match find(conn, earlier)? {
            Some(found) => root = found,
            None => break,
        }
    }
    let mut chain = vec![root];
    let mut frontier: Vec<IntelId> = vec![chain[0].id];
    while !frontier.is_empty() {
        let next: Vec<Intel> = with_conn!(conn, |c| intel::table
            .filter(intel::supersedes_id.eq_any(&frontier))
            .order(intel::id)
            .select(Intel::as_select())
            .load(c))?;
        frontier = next.iter().map(|e| e.id).filter(|id| chain.iter().all(|e| e.id != *id)).collect();
        chain.extend(next.into_iter().filter(|e| frontier.contains(&e.id)));
    }
    chain.sort_by_key(|e| e.id);
    Ok(chain)
}

/// Marks every entry of `ids` that is adopted, superseded or waiting for a
/// decision as retracted; returns the ids that moved.
pub fn retract_all(conn: &mut DbConn, ids: &[IntelId], now: NaiveDateTime) -> QueryResult<Vec<IntelId>> {
    let open =
        [IntelStatus::Adopted, IntelStatus::Superseded, IntelStatus::Submitted, IntelStatus::NeedsRevision];
    let moved: Vec<IntelId> = with_conn!(conn, |c| diesel::update(
        intel::table.filter(intel::id.eq_any(ids)).filter(intel::status.eq_any(open.map(|s| s.as_str())))
    )
    .set((intel::status.eq(IntelStatus::Retracted.as_str()), intel::updated_at.eq(now)))
    .returning(intel::id)
    .get_results(c))?;
    for id in &moved {
        outbox::enqueue(conn, Target::Intel(*id))?;
    }
    Ok(moved)
}

/// A pending revision of `id`, if one waits for review.
pub fn pending_revision_of(conn: &mut DbConn, id: IntelId) -> QueryResult<Option<Intel>> {
    with_conn!(conn, |c| intel::table
        .filter(intel::supersedes_id.eq(id))
        .filter(intel::status.eq_any([IntelStatus::Submitted.as_str(), IntelStatus::NeedsRevision.as_str()]))
        .select(Intel::as_select())
        .first(c)
        .optional())
}

/// Filters of the entry list; visibility is always applied on top.
#[derive(Debug, Default, Clone)]
pub struct IntelFilter {
    pub author_id: Option<UserId>,
    pub status: Option<IntelStatus>,
    pub client_id: Option<ClientId>,
    pub category: Option<String>,
}

/// What a reader may list: their own entries, the public statuses and the
/// submitted entries about the clients they own; for reviewers and admins
/// everything but other people's drafts.
#[derive(Debug, Clone)]
pub struct ReadScope {
    pub viewer: UserId,
    pub privileged: bool,
    /// The clients the reader owns (directly or through their group).
    pub owned: Vec<ClientId>,
}

pub fn list(
    conn: &mut DbConn,
    scope: ReadScope,
    filter: &IntelFilter,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<Intel>, i64)> {
    with_conn!(conn, |c| {
        // Asked for one status the reader may see anyway, the visibility test
        // is implied, and leaving it out lets the count use an index alone.
        let implied = filter.status.is_some_and(|status| {
            if scope.privileged {
                status != IntelStatus::Draft
            } else {
                IntelStatus::PUBLIC.contains(&status)
            }
        });
        let query = || {
            let mut query = intel::table.into_boxed();
            query = if implied {
                query
            } else if scope.privileged {
                query.filter(
                    intel::status.ne(IntelStatus::Draft.as_str()).or(intel::author_id.eq(scope.viewer)),
                )
            } else {
                query.filter(
                    intel::status.eq_any(IntelStatus::PUBLIC).or(intel::author_id.eq(scope.viewer)).or(
                        intel::status.eq(IntelStatus::Submitted).and(
                            intel::id.eq_any(
                                intel_clients::table
                                    .filter(intel_clients::client_id.eq_any(&scope.owned))
                                    .select(intel_clients::intel_id),
                            ),
                        ),
                    ),
                )
            };
            if let Some(author) = filter.author_id {
                query = query.filter(intel::author_id.eq(author));
            }
            if let Some(status) = filter.status {
                query = query.filter(intel::status.eq(status.as_str()));
            }
            if let Some(client) = filter.client_id {
                query = query.filter(
                    intel::id.eq_any(
                        intel_clients::table
                            .filter(intel_clients::client_id.eq(client))
                            .select(intel_clients::intel_id),
                    ),
                );
            }
            if let Some(category) = &filter.category {
                query = query.filter(intel::category.eq(category.clone()));
            }
            query
        };
        let total = query().count().get_result(c)?;
        let rows = query()
            .order((intel::updated_at.desc(), intel::id.desc()))
            .offset(offset)
            .limit(limit)
            .select(Intel::as_select())
            .load(c)?;
        Ok((rows, total))
    })
}

/// Entries waiting for a decision, oldest first, excluding the reviewer's own.
pub fn review_queue(
    conn: &mut DbConn,
    reviewer: UserId,
    category: Option<&str>,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<Intel>, i64)> {
    with_conn!(conn, |c| {
        let query = || {
            let mut query = intel::table
                .filter(intel::status.eq(IntelStatus::Submitted.as_str()))
                .filter(intel::author_id.ne(reviewer))
                .into_boxed();
            if let Some(category) = category {
                query = query.filter(intel::category.eq(category.to_owned()));
            }
            query
        };
        let total = query().count().get_result(c)?;
        let rows = query()
            .order((intel::submitted_at.asc(), intel::id.asc()))
            .offset(offset)
            .limit(limit)
            .select(Intel::as_select())
            .load(c)?;
        Ok((rows, total))
    })
}

/// Adopted entries about a client, newest adoption first.
/// One page of the adopted entries about `client` (of `category`, when
/// given), newest first, and how many there are.
pub fn adopted_of_client(
    conn: &mut DbConn,
    client: ClientId,
    category: Option<&str>,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<Intel>, i64)> {
    with_conn!(conn, |c| {
        let about = || {
            let mut query = intel::table
                .filter(
                    intel::id.eq_any(
                        intel_clients::table
                            .filter(intel_clients::client_id.eq(client))
                            .select(intel_clients::intel_id),
                    ),
                )
                .filter(intel::status.eq(IntelStatus::Adopted.as_str()))
                .into_boxed();
            if let Some(category) = category {
                query = query.filter(intel::category.eq(category.to_owned()));
            }
            query
        };
        let total = about().count().get_result(c)?;
        let page = about()
            .order((intel::adopted_at.desc(), intel::id.desc()))
            .offset(offset)
            .limit(limit)
            .select(Intel::as_select())
            .load(c)?;
        Ok((page, total))
    })
}

/// How many adopted entries about `client` have gone stale at `now`: those of
/// each category whose freshness clock (see `intel::freshness`) started
/// before `now` less the category's window.
pub fn stale_of_client(
    conn: &mut DbConn,
    client: ClientId,
    windows: &[(String, i32)],
    now: NaiveDateTime,
) -> QueryResult<i64> {
    let mut stale = 0;
    for (category, days) in windows {
        let Some(cutoff) = now.checked_sub_signed(chrono::Duration::days(i64::from(*days))) else { continue };
        let count: i64 = with_conn!(conn, |c| intel::table
            .filter(
                intel::id.eq_any(
                    intel_clients::table
                        .filter(intel_clients::client_id.eq(client))
                        .select(intel_clients::intel_id),
                )
            )
            .filter(intel::status.eq(IntelStatus::Adopted.as_str()))
            .filter(intel::category.eq(category))
            .filter(intel::adopted_at.lt(cutoff))
            .filter(intel::verified_at.is_null().or(intel::verified_at.lt(cutoff)))
            .count()
            .get_result(c))?;
        stale += count;
    }
    Ok(stale)
}

/// Number of recorded uses per entry.
pub fn usage_counts(conn: &mut DbConn, ids: &[IntelId]) -> QueryResult<HashMap<IntelId, i64>> {
    let rows: Vec<(IntelId, i64)> = with_conn!(conn, |c| usages::table
        .filter(usages::intel_id.eq_any(ids))
        .group_by(usages::intel_id)
        .select((usages::intel_id, diesel::dsl::count_star()))
        .load(c))?;
    Ok(rows.into_iter().collect())
}

/// The latest decision on an entry, as its view shows it.
#[derive(Debug, Clone, Queryable)]
pub struct LatestReview {
    pub intel_id: IntelId,
    pub reviewer_id: UserId,
    pub decision: Decision,
    pub comment: String,
    pub mean_score: Option<f64>,
    pub created_at: NaiveDateTime,
}

/// The latest decision on each of `ids` (a page of entries).
pub fn latest_reviews(conn: &mut DbConn, ids: &[IntelId]) -> QueryResult<HashMap<IntelId, LatestReview>> {
    let rows: Vec<LatestReview> = with_conn!(conn, |c| reviews::table
        .filter(reviews::intel_id.eq_any(ids))
        .order(reviews::id.asc())
        .select((
            reviews::intel_id,
            reviews::reviewer_id,
            reviews::decision,
            reviews::comment,
            reviews::mean_score,
            reviews::created_at,
        ))
        .load(c))?;
    Ok(rows.into_iter().map(|r| (r.intel_id, r)).collect())
}

/// Records one act of upkeep (the appraisal's updating activity): when it
/// fell due and when it was done.
pub fn record_upkeep(
    conn: &mut DbConn,
    user: UserId,
    intel_id: IntelId,
    kind: UpkeepKind,
    due_at: NaiveDateTime,
    done_at: NaiveDateTime,
) -> QueryResult<()> {
    with_conn!(conn, |c| diesel::insert_into(upkeep::table)
        .values((
            upkeep::user_id.eq(user),
            upkeep::intel_id.eq(intel_id),
            upkeep::kind.eq(kind.as_str()),
            upkeep::due_at.eq(due_at),
            upkeep::done_at.eq(done_at),
        ))
        .execute(c))?;
    Ok(())
}
