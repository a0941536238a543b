//! The search outbox: written in the same transaction as every change to
//! something searchable, read in id order by each process's indexer.

use std::cell::RefCell;

use chrono::Utc;
use diesel::prelude::*;
use diesel::result::QueryResult;

use crate::db::schema::{intel, search_outbox};
use crate::db::DbConn;
use crate::ids::ClientId;
use crate::ids::IntelId;
use crate::ids::UserId;
use crate::with_conn;

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Intel(IntelId),
    /// Every entry about the client (name, tags, kind changed).
    Client(ClientId),
    /// Every entry by the user (name or department changed).
    User(UserId),
}

impl Target {
    fn parts(self) -> (&'static str, i64) {
        match self {
            Target::Intel(id) => ("intel", id.0),
            Target::Client(id) => ("client", id.0),
            Target::User(id) => ("user", id.0),
        }
    }

    fn from_parts(kind: &str, id: i64) -> Option<Target> {
        match kind {
            "intel" => Some(Target::Intel(IntelId(id))),
            "client" => Some(Target::Client(ClientId(id))),
            "user" => Some(Target::User(UserId(id))),
            _ => None,
        }
    }
}

/// Any constant shared by all processes: the advisory lock that orders outbox writers.
const OUTBOX_LOCK: i64 = 0x7A68_696B_7531;

/// Records a change in the caller's transaction. On PostgreSQL, writers take a
/// transaction-scoped advisory lock first, so outbox ids become visible in
/// commit order and the indexer, reading in id order, never skips a row that
/// commits late; inside [`crate::db::write_tx`] the row waits for the end of
/// the transaction (see [`Deferred`]), so the lock is held only to commit.
pub fn enqueue(conn: &mut DbConn, target: Target) -> QueryResult<()> {
    if matches!(conn, DbConn::Pg(_)) && Deferred::push(target) {
        return Ok(());
    }
    insert(conn, &[target])
}

/// The rows of `targets`, written under the ordering lock on PostgreSQL.
fn insert(conn: &mut DbConn, targets: &[Target]) -> QueryResult<()> {
    if targets.is_empty() {
        return Ok(());
    }
    if let DbConn::Pg(c) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
            .bind::<diesel::sql_types::BigInt, _>(OUTBOX_LOCK)
            .execute(c)?;
    }
    let now = Utc::now().naive_utc();
    let rows: Vec<_> = targets
        .iter()
        .map(|target| {
            let (kind, id) = target.parts();
            (
                search_outbox::target.eq(kind),
                search_outbox::target_id.eq(id),
                search_outbox::created_at.eq(now),
            )
        })
        .collect();
    with_conn!(conn, |c| diesel::insert_into(search_outbox::table).values(&rows).execute(c))?;
    Ok(())
}

thread_local! {
    /// The changes recorded so far by the PostgreSQL write transaction open on this thread.
    static DEFERRED: RefCell<Option<Vec<Target>>> = const { RefCell::new(None) };
}

/// The outbox rows of one PostgreSQL write transaction, held back to its end.
///
/// The advisory lock that orders outbox ids is held from the first row to
/// the commit; taken mid-transaction it serialised all the work after it
/// (163 submit-and-adopt pairs a second under 8 clients). Collected here and
/// written by [`Deferred::flush`] just before the commit, the lock covers
/// one multi-row insert and the commit. A database transaction runs on one
/// thread from begin to commit (the blocking pool), so the collection is
/// per thread; dropping the scope (an error, a rollback) discards it.
pub struct Deferred(());

impl Deferred {
    /// Starts collecting for the transaction just begun on this thread.
    pub fn begin() -> Deferred {
        DEFERRED.with(|d| *d.borrow_mut() = Some(Vec::new()));
        Deferred(())
    }

    /// Adds `target` when a transaction on this thread collects; false otherwise.
    fn push(target: Target) -> bool {
        DEFERRED.with(|d| match d.borrow_mut().as_mut() {
            Some(targets) => {
                if !targets.contains(&target) {
                    targets.push(target);
                }
                true
            }
            None => false,
        })
    }

    /// Writes what was collected, in the order first recorded; call last before the commit.
    pub fn flush(self, conn: &mut DbConn) -> QueryResult<()> {
        let targets = DEFERRED.with(|d| d.borrow_mut().take()).unwrap_or_default();
        insert(conn, &targets)
    }
}

impl Drop for Deferred {
    fn drop(&mut self) {
        DEFERRED.with(|d| *d.borrow_mut() = None);
    }
}

/// Records a change of every entry in category `key` (its template changed
/// what may be indexed), one row an entry, so the indexer takes them in its
/// usual batches.
pub fn enqueue_category(conn: &mut DbConn, key: &str) -> QueryResult<usize> {
    use diesel::sql_types::{Text, Timestamp};
    if let DbConn::Pg(c) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
            .bind::<diesel::sql_types::BigInt, _>(OUTBOX_LOCK)
            .execute(c)?;
    }
    let now = Utc::now().naive_utc();
    let key = key.to_owned();
    with_conn!(conn, |c| {
        let rows = intel::table.filter(intel::category.eq(&key)).order(intel::id).select((
            "intel".into_sql::<Text>(),
            intel::id,
            now.into_sql::<Timestamp>(),
        ));
        diesel::insert_into(search_outbox::table)
            .values(rows)
            .into_columns((search_outbox::target, search_outbox::target_id, search_outbox::created_at))
            .execute(c)
    })
}

/// Up to `limit` changes after outbox id `after`, in order.
pub fn after(conn: &mut DbConn, after: i64, limit: i64) -> QueryResult<Vec<(i64, Target)>> {
    let rows: Vec<(i64, String, i64)> = with_conn!(conn, |c| search_outbox::table
        .filter(search_outbox::id.gt(after))
        .order(search_outbox::id)
        .limit(limit)
        .select((search_outbox::id, search_outbox::target, search_outbox::target_id))
        .load(c))?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, kind, target)| Target::from_parts(&kind, target).map(|t| (id, t)))
        .collect())
}

/// The newest outbox id (0 when empty).
pub fn last_id(conn: &mut DbConn) -> QueryResult<i64> {
    with_conn!(conn, |c| search_outbox::table
        .select(diesel::dsl::max(search_outbox::id))
        .first::<Option<i64>>(c)
        .map(Option::unwrap_or_default))
}

/// What is still to apply after outbox id `applied`: the number of rows (by
/// id, from the oldest pending row to the newest, so on PostgreSQL the ids of
/// rolled-back transactions in between count too — an upper bound, exact when
/// nothing is pending) and when the oldest pending row was written. One query
/// that reads two entries of the primary key, however far behind.
pub fn pending_after(conn: &mut DbConn, applied: i64) -> QueryResult<(i64, Option<chrono::NaiveDateTime>)> {
    let all = diesel::alias!(search_outbox as all_rows);
    let newest = all.select(diesel::dsl::max(all.field(search_outbox::id))).single_value();
    let oldest: Option<(i64, chrono::NaiveDateTime, Option<i64>)> =
        with_conn!(conn, |c| search_outbox::table
            .filter(search_outbox::id.gt(applied))
            .order(search_outbox::id)
            .select((search_outbox::id, search_outbox::created_at, newest))
            .first(c)
            .optional())?;
    Ok(match oldest {
        Some((first, created_at, newest)) => (newest.unwrap_or(first) - first + 1, Some(created_at)),
        None => (0, None),
    })
}
