//! Rollups: what the statistics count, kept per calendar span (day, week,
//! month, quarter, year, all time) in the same transaction as the event that
//! changes it, so a report reads a few hundred cells however long the
//! history (migration `rollups`).
//!
//! There is one definition of what an entry contributes ([`contributions`],
//! from its row, its reviews and its uses), and three ways to apply it:
//! [`track`] takes an entry's contributions before and after a change and
//! adds the difference, [`added`] adds new entries', [`rebuild`] adds every
//! entry's to empty tables. Whatever a change does (a submission, a decision,
//! a use, a resubmission under another category, a person moving
//! department), the cells stay equal to a rebuild — the tests compare them.
//!
//! In a write transaction an entry's contributions are read before its first
//! change and once more just before the commit, and the difference written
//! then, in one order (sorted by key), so concurrent transactions lock cells
//! in the same order and never deadlock; on PostgreSQL [`track`] first locks
//! the entries it reads, so two transactions changing one entry take their
//! before-and-after in turn.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use chrono::{NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::result::QueryResult;
use diesel::upsert::excluded;

use crate::db::schema::{
    author_cells, clients, delay_cells, intel, point_entries, reviews, rollup_state, stat_cells, usages,
    users,
};
use crate::db::DbConn;
use crate::enums::{ClientKind, Decision, DelayMeasure, IntelStatus, PointReason, UsageOutcome};
use crate::ids::{DepartmentId, IntelId, UserId};
use crate::time::{local_day, Grain, Span};
use crate::with_conn;

/// Bumped when what a cell counts changes: a database built by another
/// version is rebuilt at start.
pub const VERSION: i32 = 1;

/// The client-kind key of entries about no client.
pub const MARKET: &str = "market";

/// The department key of people in none.
pub const NO_DEPARTMENT: i64 = 0;

/// The entries whose contributions a change may alter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Entry(IntelId),
    /// New entries of one load (at most one chunk of an import).
    Entries(Vec<IntelId>),
    /// Every entry of a person (their department changes).
    Author(UserId),
    /// Entries with ids in `[from, to)`, for a rebuild.
    Ids(IntelId, IntelId),
}

/// Runs `$run` with `$q` bound to `$query` (a query on `intel`) narrowed to `$scope`.
macro_rules! in_scope {
    ($scope:expr, $query:expr, |$q:ident| $run:expr) => {
        match $scope {
            Scope::Entry(id) => {
                let $q = $query.filter(intel::id.eq(*id));
                $run
            }
            Scope::Entries(ids) => {
                let $q = $query.filter(intel::id.eq_any(ids));
                $run
            }
            Scope::Author(author) => {
                let $q = $query.filter(intel::author_id.eq(*author));
                $run
            }
            Scope::Ids(from, to) => {
                let $q = $query.filter(intel::id.ge(*from)).filter(intel::id.lt(*to));
                $run
            }
        }
    };
}

/// The overview's cell key: span, author's department, category, client kind.
pub type StatKey = (Span, i64, String, String);
/// The overview's counts: submitted, adopted, adopted_used, uses, won,
/// decided, adoptions, score_micro, scored (the columns of `stat_cells`).
pub type StatCounts = [i64; 9];
/// A person's counts: submitted, updates, adopted, adopted_used, uses,
/// decided, adoptions, score_micro, scored, points, verifications.
pub type AuthorCounts = [i64; 11];
/// A histogram cell: span, measure, owner, bucket.
pub type DelayKey = (Span, DelayMeasure, i64, i32);

/// Positions in [`StatCounts`] and [`AuthorCounts`].
pub mod at {
    pub const SUBMITTED: usize = 0;
    pub const ADOPTED: usize = 1;
    pub const ADOPTED_USED: usize = 2;
    pub const USES: usize = 3;
    pub const WON: usize = 4;
    pub const DECIDED: usize = 5;
    pub const ADOPTIONS: usize = 6;
    pub const SCORE_MICRO: usize = 7;
    pub const SCORED: usize = 8;
    /// Author cells only: revisions submitted, points, verifications.
    pub const UPDATES: usize = 1;
    pub const POINTS: usize = 9;
    pub const VERIFICATIONS: usize = 10;
}

/// Where each stat column sits in an author cell (`won` is not kept per person).
const AUTHOR_OF_STAT: [Option<usize>; 9] =
    [Some(0), Some(2), Some(3), Some(4), None, Some(5), Some(6), Some(7), Some(8)];

/// The grains a delay histogram is kept at; shorter periods read their delays.
pub fn histogram_grains(measure: DelayMeasure) -> &'static [Grain] {
    match measure {
        DelayMeasure::Review | DelayMeasure::Decision => &[Grain::Quarter, Grain::Year, Grain::All],
        DelayMeasure::Submission => &[Grain::Year, Grain::All],
    }
}

/// Cells and what to add to each.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cells {
    pub stat: BTreeMap<StatKey, StatCounts>,
    pub author: BTreeMap<(Span, UserId), AuthorCounts>,
    /// (how many, their sum in seconds).
    pub delay: BTreeMap<DelayKey, [i64; 2]>,
}

fn add_into<K: Ord, const N: usize>(
    into: &mut BTreeMap<K, [i64; N]>,
    from: BTreeMap<K, [i64; N]>,
    sign: i64,
) {
    for (key, values) in from {
        let cell = into.entry(key).or_insert([0; N]);
        for (c, v) in cell.iter_mut().zip(values) {
            *c += sign * v;
        }
    }
}

fn drop_zeros<K: Ord, const N: usize>(cells: &mut BTreeMap<K, [i64; N]>) {
    cells.retain(|_, values| values.iter().any(|v| *v != 0));
}

impl Cells {
    /// Adds `other` times `sign` (1 or −1).
    pub fn add(&mut self, other: Cells, sign: i64) {
        add_into(&mut self.stat, other.stat, sign);
        add_into(&mut self.author, other.author, sign);
        add_into(&mut self.delay, other.delay, sign);
    }

    /// `after − before`, without the cells that did not change.
    pub fn difference(after: Cells, before: Cells) -> Cells {
        let mut delta = after;
        delta.add(before, -1);
        drop_zeros(&mut delta.stat);
        drop_zeros(&mut delta.author);
        drop_zeros(&mut delta.delay);
        delta
    }

    pub fn is_empty(&self) -> bool {
        self.stat.is_empty() && self.author.is_empty() && self.delay.is_empty()
    }

    fn stat_at(&mut self, day: NaiveDate, key: &(i64, String, String), column: usize, value: i64) {
        for span in Span::every_containing(day) {
            let cell = self.stat.entry((span, key.0, key.1.clone(), key.2.clone())).or_insert([0; 9]);
            cell[column] += value;
        }
    }

    fn author_at(&mut self, day: NaiveDate, author: UserId, column: usize, value: i64) {
        for span in Span::every_containing(day).into_iter().filter(|s| s.grain != Grain::Day) {
            self.author.entry((span, author)).or_insert([0; 11])[column] += value;
        }
    }

    /// Both at once: a stat column and its author counterpart.
    fn count(
        &mut self,
        day: NaiveDate,
        key: &(i64, String, String),
        author: UserId,
        column: usize,
        value: i64,
    ) {
        self.stat_at(day, key, column, value);
        if let Some(column) = AUTHOR_OF_STAT[column] {
            self.author_at(day, author, column, value);
        }
    }

    fn delay_at(&mut self, day: NaiveDate, measure: DelayMeasure, owner: i64, seconds: i64) {
        let bucket = bucket_of(seconds);
        for grain in histogram_grains(measure) {
            let cell =
                self.delay.entry((Span::containing(*grain, day), measure, owner, bucket)).or_insert([0; 2]);
            cell[0] += 1;
            cell[1] += seconds;
        }
    }
}

/// The histogram bucket of a delay: exact minutes below two hours, then
/// buckets 5 % wide (their mean is exact when their delays are equal).
pub fn bucket_of(seconds: i64) -> i32 {
    const EXACT: i64 = 7_200;
    let seconds = seconds.max(0);
    if seconds < EXACT {
        return (seconds / 60) as i32;
    }
    let steps = ((seconds as f64 / EXACT as f64).ln() / 1.05f64.ln()).floor();
    120 + steps as i32
}

/// A decision's mean score in millionths (exact for the rubric's fifths and
/// for any score given to three decimals).
pub fn score_micro(mean_score: f64) -> i64 {
    (mean_score * 1_000_000.0).round() as i64
}

/// What an entry is, as its contributions need it.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryFacts {
    pub id: IntelId,
    pub author: UserId,
    pub department: Option<DepartmentId>,
    pub category: String,
    pub kind: Option<ClientKind>,
    pub status: IntelStatus,
    pub observed_at: NaiveDateTime,
    pub submitted_at: Option<NaiveDateTime>,
    pub adopted_at: Option<NaiveDateTime>,
    pub revises: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReviewFacts {
    pub intel_id: IntelId,
    pub reviewer: UserId,
    pub decision: Decision,
    pub mean_score: Option<f64>,
    pub at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UseFacts {
    pub intel_id: IntelId,
    pub user: UserId,
    pub outcome: UsageOutcome,
    pub at: NaiveDateTime,
}

fn seconds_between(from: NaiveDateTime, to: NaiveDateTime) -> i64 {
    (to - from).num_seconds().max(0)
}

/// What `entry` adds to the cells, given its reviews and uses. Drafts add
/// nothing; uses count only by someone other than the author.
pub fn contributions(entry: &EntryFacts, reviews: &[&ReviewFacts], uses: &[&UseFacts], cells: &mut Cells) {
    if entry.status == IntelStatus::Draft {
        return;
    }
    let department = entry.department.map_or(NO_DEPARTMENT, |d| d.0);
    let key = (department, entry.category.clone(), entry.kind.map_or(MARKET, ClientKind::as_str).to_owned());
    let author = entry.author;
    if let Some(submitted) = entry.submitted_at {
        let day = local_day(submitted);
        cells.count(day, &key, author, at::SUBMITTED, 1);
        if entry.revises {
            cells.author_at(day, author, at::UPDATES, 1);
        }
        cells.delay_at(
            day,
            DelayMeasure::Submission,
            author.0,
            seconds_between(entry.observed_at, submitted),
        );
    }
    let by_others: Vec<&&UseFacts> = uses.iter().filter(|u| u.user != author).collect();
    if let Some(adopted) = entry.adopted_at {
        let day = local_day(adopted);
        cells.count(day, &key, author, at::ADOPTED, 1);
        if !by_others.is_empty() {
            cells.count(day, &key, author, at::ADOPTED_USED, 1);
        }
    }
    for review in reviews {
        let day = local_day(review.at);
        cells.count(day, &key, author, at::DECIDED, 1);
        if review.decision == Decision::Adopt {
            cells.count(day, &key, author, at::ADOPTIONS, 1);
        }
        if let Some(score) = review.mean_score {
            cells.count(day, &key, author, at::SCORE_MICRO, score_micro(score));
            cells.count(day, &key, author, at::SCORED, 1);
        }
        if let Some(submitted) = entry.submitted_at {
            let delay = seconds_between(submitted, review.at);
            cells.delay_at(day, DelayMeasure::Review, department, delay);
            cells.delay_at(day, DelayMeasure::Decision, review.reviewer.0, delay);
        }
    }
    for used in by_others {
        let day = local_day(used.at);
        cells.count(day, &key, author, at::USES, 1);
        if used.outcome == UsageOutcome::Won {
            cells.stat_at(day, &key, at::WON, 1);
        }
    }
}

/// The contributions of every entry in `scope`, read from the tables.
pub fn of_scope(conn: &mut DbConn, scope: &Scope) -> QueryResult<Cells> {
    type EntryRow = (
        IntelId,
        UserId,
        Option<DepartmentId>,
        String,
        Option<ClientKind>,
        IntelStatus,
        NaiveDateTime,
        Option<NaiveDateTime>,
        Option<NaiveDateTime>,
        bool,
    );
    let (entries, reviews, uses) = with_conn!(conn, |c| {
        let entries: Vec<EntryRow> = in_scope!(
            scope,
            intel::table
                .inner_join(users::table.on(users::id.eq(intel::author_id)))
                .left_join(clients::table.on(intel::client_id.eq(clients::id.nullable()))),
            |q| q
                .select((
                    intel::id,
                    intel::author_id,
                    users::department_id,
                    intel::category,
                    clients::kind.nullable(),
                    intel::status,
                    intel::observed_at,
                    intel::submitted_at,
                    intel::adopted_at,
                    intel::supersedes_id.is_not_null(),
                ))
                .load(c)
        )?;
        let reviews: Vec<(IntelId, UserId, Decision, Option<f64>, NaiveDateTime)> = in_scope!(
            scope,
            reviews::table.inner_join(intel::table.on(intel::id.eq(reviews::intel_id))),
            |q| q
                .select((
                    reviews::intel_id,
                    reviews::reviewer_id,
                    reviews::decision,
                    reviews::mean_score,
                    reviews::created_at,
                ))
                .load(c)
        )?;
        let uses: Vec<(IntelId, UserId, UsageOutcome, NaiveDateTime)> = in_scope!(
            scope,
            usages::table.inner_join(intel::table.on(intel::id.eq(usages::intel_id))),
            |q| q.select((usages::intel_id, usages::user_id, usages::outcome, usages::created_at)).load(c)
        )?;
        Ok::<_, diesel::result::Error>((entries, reviews, uses))
    })?;
    let reviews: Vec<ReviewFacts> = reviews
        .into_iter()
        .map(|(intel_id, reviewer, decision, mean_score, at)| ReviewFacts {
            intel_id,
            reviewer,
            decision,
            mean_score,
            at,
        })
        .collect();
    let uses: Vec<UseFacts> = uses
        .into_iter()
        .map(|(intel_id, user, outcome, at)| UseFacts { intel_id, user, outcome, at })
        .collect();
    let mut reviews_of: BTreeMap<IntelId, Vec<&ReviewFacts>> = BTreeMap::new();
    for review in &reviews {
        reviews_of.entry(review.intel_id).or_default().push(review);
    }
    let mut uses_of: BTreeMap<IntelId, Vec<&UseFacts>> = BTreeMap::new();
    for used in &uses {
        uses_of.entry(used.intel_id).or_default().push(used);
    }
    let mut cells = Cells::default();
    for (id, author, department, category, kind, status, observed_at, submitted_at, adopted_at, revises) in
        entries
    {
        let entry = EntryFacts {
            id,
            author,
            department,
            category,
            kind,
            status,
            observed_at,
            submitted_at,
            adopted_at,
            revises,
        };
        contributions(
            &entry,
            reviews_of.get(&id).map_or(&[][..], Vec::as_slice),
            uses_of.get(&id).map_or(&[][..], Vec::as_slice),
            &mut cells,
        );
    }
    Ok(cells)
}

/// Runs `change`, which may alter the contributions of the entries in
/// `scope`, and records the difference it made. In a write transaction the
/// entries' contributions are read before their first change and once more
/// at the end (see [`Deferred`]); outside one, before and after `change`.
pub fn track<T>(
    conn: &mut DbConn,
    scope: Scope,
    change: impl FnOnce(&mut DbConn) -> QueryResult<T>,
) -> QueryResult<T> {
    if !collecting() {
        lock(conn, &scope)?;
        let before = of_scope(conn, &scope)?;
        let value = change(conn)?;
        let after = of_scope(conn, &scope)?;
        write(conn, Cells::difference(after, before))?;
        return Ok(value);
    }
    let ids = match &scope {
        Scope::Entry(id) => vec![*id],
        Scope::Entries(ids) => ids.clone(),
        Scope::Author(_) | Scope::Ids(..) => with_conn!(conn, |c| in_scope!(&scope, intel::table, |q| q
            .order(intel::id)
            .select(intel::id)
            .load(c)))?,
    };
    let first: Vec<IntelId> = PENDING.with(|p| {
        let p = p.borrow();
        let touched = p.as_ref().map(|p| &p.touched);
        ids.into_iter().filter(|id| touched.is_none_or(|t| !t.contains(id))).collect()
    });
    for chunk in first.chunks(ENTRIES_AT_ONCE) {
        let chunk = Scope::Entries(chunk.to_vec());
        lock(conn, &chunk)?;
        let before = of_scope(conn, &chunk)?;
        PENDING.with(|p| {
            if let Some(p) = p.borrow_mut().as_mut() {
                p.before.add(before, 1);
                if let Scope::Entries(ids) = chunk {
                    p.touched.extend(ids);
                }
            }
        });
    }
    change(conn)
}

/// Records what new entries (with their reviews and uses) contribute.
pub fn added(conn: &mut DbConn, ids: &[IntelId]) -> QueryResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    if collecting() {
        // New: they contributed nothing when the transaction began.
        PENDING.with(|p| {
            if let Some(p) = p.borrow_mut().as_mut() {
                p.touched.extend(ids.iter().copied());
            }
        });
        return Ok(());
    }
    let cells = of_scope(conn, &Scope::Entries(ids.to_vec()))?;
    write(conn, cells)
}

/// Entries whose facts one query reads, at most.
const ENTRIES_AT_ONCE: usize = 500;

/// Records a ledger row: the points in its person's cells.
pub fn paid(
    conn: &mut DbConn,
    user: UserId,
    delta: i32,
    reason: PointReason,
    at: NaiveDateTime,
) -> QueryResult<()> {
    let mut cells = Cells::default();
    let day = local_day(at);
    cells.author_at(day, user, at::POINTS, i64::from(delta));
    if reason == PointReason::Verified {
        cells.author_at(day, user, at::VERIFICATIONS, 1);
    }
    record(conn, cells)
}

/// On PostgreSQL, locks the entries of `scope` to the end of the transaction.
fn lock(conn: &mut DbConn, scope: &Scope) -> QueryResult<()> {
    if let DbConn::Pg(c) = conn {
        let _: Vec<IntelId> =
            in_scope!(scope, intel::table, |q| q.order(intel::id).select(intel::id).for_update().load(c))?;
    }
    Ok(())
}

/// What one write transaction has recorded so far.
#[derive(Debug, Clone, Default)]
struct Pending {
    /// Differences already known (ledger rows).
    cells: Cells,
    /// The entries changed or added, and what those changed contributed
    /// before their first change: at the end, their contributions then
    /// minus these are the difference.
    touched: BTreeSet<IntelId>,
    before: Cells,
}

thread_local! {
    static PENDING: RefCell<Option<Pending>> = const { RefCell::new(None) };
}

fn collecting() -> bool {
    PENDING.with(|p| p.borrow().is_some())
}

/// The cell differences of one write transaction, written just before its
/// commit (see [`crate::db::write_tx`]); dropped unwritten on a rollback.
/// The entries it touched are read once more at the end, so a transaction
/// that changes an entry in several steps reads it twice, not twice a step.
pub struct Deferred(());

impl Deferred {
    pub fn begin() -> Deferred {
        PENDING.with(|p| *p.borrow_mut() = Some(Pending::default()));
        Deferred(())
    }

    /// Writes what was recorded, in key order; call last before the commit.
    pub fn flush(self, conn: &mut DbConn) -> QueryResult<()> {
        let Pending { mut cells, touched, before } =
            PENDING.with(|p| p.borrow_mut().take()).unwrap_or_default();
        let touched: Vec<IntelId> = touched.into_iter().collect();
        for chunk in touched.chunks(ENTRIES_AT_ONCE) {
            cells.add(of_scope(conn, &Scope::Entries(chunk.to_vec()))?, 1);
        }
        cells.add(before, -1);
        write(conn, cells)
    }
}

impl Drop for Deferred {
    fn drop(&mut self) {
        PENDING.with(|p| *p.borrow_mut() = None);
    }
}

/// What was pending when a savepoint opened, to go back to if it rolls back.
pub struct Savepoint(Option<Pending>);

impl Savepoint {
    pub fn open() -> Savepoint {
        Savepoint(PENDING.with(|p| p.borrow().clone()))
    }

    /// The savepoint rolled back: forget what was recorded since it opened.
    pub fn rolled_back(self) {
        PENDING.with(|p| *p.borrow_mut() = self.0);
    }
}

/// Adds `cells` to the transaction's pending differences, or writes them
/// now when no write transaction collects them.
fn record(conn: &mut DbConn, cells: Cells) -> QueryResult<()> {
    let held = PENDING.with(|p| match p.borrow_mut().as_mut() {
        Some(pending) => {
            pending.cells.add(cells, 1);
            None
        }
        None => Some(cells),
    });
    match held {
        Some(cells) => write(conn, cells),
        None => Ok(()),
    }
}

/// Rows a statement upserts at most (SQLite binds at most 32,766 values).
const CHUNK: usize = 1_000;

/// Adds `cells` to the tables: one upsert per chunk of rows, in key order.
fn write(conn: &mut DbConn, mut cells: Cells) -> QueryResult<()> {
    drop_zeros(&mut cells.stat);
    drop_zeros(&mut cells.author);
    drop_zeros(&mut cells.delay);
    let stat: Vec<_> = cells
        .stat
        .into_iter()
        .map(|((span, department, category, kind), v)| {
            (
                stat_cells::grain.eq(span.grain.as_str()),
                stat_cells::starts_on.eq(span.starts_on),
                stat_cells::department_id.eq(department),
                stat_cells::category.eq(category),
                stat_cells::kind.eq(kind),
                (
                    stat_cells::submitted.eq(v[0]),
                    stat_cells::adopted.eq(v[1]),
                    stat_cells::adopted_used.eq(v[2]),
                    stat_cells::uses.eq(v[3]),
                    stat_cells::won.eq(v[4]),
                    stat_cells::decided.eq(v[5]),
                    stat_cells::adoptions.eq(v[6]),
                    stat_cells::score_micro.eq(v[7]),
                    stat_cells::scored.eq(v[8]),
                ),
            )
        })
        .collect();
    let author: Vec<_> = cells
        .author
        .into_iter()
        .map(|((span, user), v)| {
            (
                author_cells::grain.eq(span.grain.as_str()),
                author_cells::starts_on.eq(span.starts_on),
                author_cells::user_id.eq(user),
                (
                    author_cells::submitted.eq(v[0]),
                    author_cells::updates.eq(v[1]),
                    author_cells::adopted.eq(v[2]),
                    author_cells::adopted_used.eq(v[3]),
                    author_cells::uses.eq(v[4]),
                    author_cells::decided.eq(v[5]),
                    author_cells::adoptions.eq(v[6]),
                    author_cells::score_micro.eq(v[7]),
                    author_cells::scored.eq(v[8]),
                    author_cells::points.eq(v[9]),
                    author_cells::verifications.eq(v[10]),
                ),
            )
        })
        .collect();
    let delay: Vec<_> = cells
        .delay
        .into_iter()
        .map(|((span, measure, owner, bucket), v)| {
            (
                delay_cells::grain.eq(span.grain.as_str()),
                delay_cells::starts_on.eq(span.starts_on),
                delay_cells::measure.eq(measure),
                delay_cells::owner_id.eq(owner),
                delay_cells::bucket.eq(bucket),
                delay_cells::n.eq(v[0]),
                delay_cells::seconds.eq(v[1]),
            )
        })
        .collect();
    with_conn!(conn, |c| {
        for rows in stat.chunks(CHUNK) {
            use stat_cells::dsl as s;
            diesel::insert_into(stat_cells::table)
                .values(rows)
                .on_conflict((s::grain, s::starts_on, s::department_id, s::category, s::kind))
                .do_update()
                .set((
                    s::submitted.eq(s::submitted + excluded(s::submitted)),
                    s::adopted.eq(s::adopted + excluded(s::adopted)),
                    s::adopted_used.eq(s::adopted_used + excluded(s::adopted_used)),
                    s::uses.eq(s::uses + excluded(s::uses)),
                    s::won.eq(s::won + excluded(s::won)),
                    s::decided.eq(s::decided + excluded(s::decided)),
                    s::adoptions.eq(s::adoptions + excluded(s::adoptions)),
                    s::score_micro.eq(s::score_micro + excluded(s::score_micro)),
                    s::scored.eq(s::scored + excluded(s::scored)),
                ))
                .execute(c)?;
        }
        for rows in author.chunks(CHUNK) {
            use author_cells::dsl as a;
            diesel::insert_into(author_cells::table)
                .values(rows)
                .on_conflict((a::grain, a::starts_on, a::user_id))
                .do_update()
                .set((
                    a::submitted.eq(a::submitted + excluded(a::submitted)),
                    a::updates.eq(a::updates + excluded(a::updates)),
                    a::adopted.eq(a::adopted + excluded(a::adopted)),
                    a::adopted_used.eq(a::adopted_used + excluded(a::adopted_used)),
                    a::uses.eq(a::uses + excluded(a::uses)),
                    a::decided.eq(a::decided + excluded(a::decided)),
                    a::adoptions.eq(a::adoptions + excluded(a::adoptions)),
                    a::score_micro.eq(a::score_micro + excluded(a::score_micro)),
                    a::scored.eq(a::scored + excluded(a::scored)),
                    a::points.eq(a::points + excluded(a::points)),
                    a::verifications.eq(a::verifications + excluded(a::verifications)),
                ))
                .execute(c)?;
        }
        for rows in delay.chunks(CHUNK) {
            use delay_cells::dsl as d;
            diesel::insert_into(delay_cells::table)
                .values(rows)
                .on_conflict((d::grain, d::starts_on, d::measure, d::owner_id, d::bucket))
                .do_update()
                .set((d::n.eq(d::n + excluded(d::n)), d::seconds.eq(d::seconds + excluded(d::seconds))))
                .execute(c)?;
        }
        Ok(())
    })
}

/// Entries a rebuild reads at once.
const REBUILD_CHUNK: i64 = 20_000;

/// Empties the cells and adds every entry's and every ledger row's
/// contributions again, in chunks (memory stays bounded); marks them built.
/// Run in the caller's write transaction, whose differences recorded so far
/// it forgets (the tables it reads hold them).
pub fn rebuild(conn: &mut DbConn) -> QueryResult<()> {
    // What the transaction recorded so far is in the tables the rebuild reads.
    PENDING.with(|p| {
        if let Some(pending) = p.borrow_mut().as_mut() {
            *pending = Pending::default();
        }
    });
    with_conn!(conn, |c| {
        diesel::delete(stat_cells::table).execute(c)?;
        diesel::delete(author_cells::table).execute(c)?;
        diesel::delete(delay_cells::table).execute(c)?;
        diesel::delete(rollup_state::table).execute(c)
    })?;
    let last: Option<IntelId> =
        with_conn!(conn, |c| intel::table.select(diesel::dsl::max(intel::id)).first(c))?;
    let mut from = 0;
    while from <= last.map_or(-1, |l| l.0) {
        let cells = of_scope(conn, &Scope::Ids(IntelId(from), IntelId(from + REBUILD_CHUNK)))?;
        write(conn, cells)?;
        from += REBUILD_CHUNK;
    }
    let mut after = 0i64;
    loop {
        let rows: Vec<(i64, UserId, i32, PointReason, NaiveDateTime)> =
            with_conn!(conn, |c| point_entries::table
                .filter(point_entries::id.gt(after))
                .order(point_entries::id)
                .limit(REBUILD_CHUNK * 5)
                .select((
                    point_entries::id,
                    point_entries::user_id,
                    point_entries::delta,
                    point_entries::reason,
                    point_entries::created_at,
                ))
                .load(c))?;
        let Some(last) = rows.last() else { break };
        after = last.0;
        let mut cells = Cells::default();
        for (_, user, delta, reason, at) in rows {
            let day = local_day(at);
            cells.author_at(day, user, at::POINTS, i64::from(delta));
            if reason == PointReason::Verified {
                cells.author_at(day, user, at::VERIFICATIONS, 1);
            }
        }
        write(conn, cells)?;
    }
    let now = Utc::now().naive_utc();
    with_conn!(conn, |c| diesel::insert_into(rollup_state::table)
        .values((rollup_state::id.eq(1), rollup_state::version.eq(VERSION), rollup_state::built_at.eq(now)))
        .execute(c))?;
    Ok(())
}

/// Every stored cell that is not all zeros (what a rebuild must reproduce).
pub fn stored(conn: &mut DbConn) -> QueryResult<Cells> {
    type StatRow = (String, NaiveDate, i64, String, String, (i64, i64, i64, i64, i64, i64, i64, i64, i64));
    type AuthorRow = (String, NaiveDate, UserId, (i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64));
    type DelayRow = (String, NaiveDate, DelayMeasure, i64, i32, i64, i64);
    let (stat, author, delay) = with_conn!(conn, |c| {
        use author_cells::dsl as a;
        use stat_cells::dsl as s;
        let stat: Vec<StatRow> = s::stat_cells
            .select((
                s::grain,
                s::starts_on,
                s::department_id,
                s::category,
                s::kind,
                (
                    s::submitted,
                    s::adopted,
                    s::adopted_used,
                    s::uses,
                    s::won,
                    s::decided,
                    s::adoptions,
                    s::score_micro,
                    s::scored,
                ),
            ))
            .load(c)?;
        let author: Vec<AuthorRow> = a::author_cells
            .select((
                a::grain,
                a::starts_on,
                a::user_id,
                (
                    a::submitted,
                    a::updates,
                    a::adopted,
                    a::adopted_used,
                    a::uses,
                    a::decided,
                    a::adoptions,
                    a::score_micro,
                    a::scored,
                    a::points,
                    a::verifications,
                ),
            ))
            .load(c)?;
        let delay: Vec<DelayRow> = delay_cells::table
            .select((
                delay_cells::grain,
                delay_cells::starts_on,
                delay_cells::measure,
                delay_cells::owner_id,
                delay_cells::bucket,
                delay_cells::n,
                delay_cells::seconds,
            ))
            .load(c)?;
        Ok::<_, diesel::result::Error>((stat, author, delay))
    })?;
    let span = |grain: String, starts_on| {
        let grain = Grain::parse(&grain).ok_or_else(|| {
            diesel::result::Error::DeserializationError(
                format!("unknown grain {grain:?} in the database").into(),
            )
        })?;
        Ok::<_, diesel::result::Error>(Span { grain, starts_on })
    };
    let mut cells = Cells::default();
    for (grain, starts_on, department, category, kind, v) in stat {
        cells.stat.insert(
            (span(grain, starts_on)?, department, category, kind),
            [v.0, v.1, v.2, v.3, v.4, v.5, v.6, v.7, v.8],
        );
    }
    for (grain, starts_on, user, v) in author {
        cells.author.insert(
            (span(grain, starts_on)?, user),
            [v.0, v.1, v.2, v.3, v.4, v.5, v.6, v.7, v.8, v.9, v.10],
        );
    }
    for (grain, starts_on, measure, owner, bucket, n, seconds) in delay {
        cells.delay.insert((span(grain, starts_on)?, measure, owner, bucket), [n, seconds]);
    }
    drop_zeros(&mut cells.stat);
    drop_zeros(&mut cells.author);
    drop_zeros(&mut cells.delay);
    Ok(cells)
}

/// Whether the cells were built by this version.
pub fn is_built(conn: &mut DbConn) -> QueryResult<bool> {
    let version: Option<i32> =
        with_conn!(conn, |c| rollup_state::table.select(rollup_state::version).first(c).optional())?;
    Ok(version == Some(VERSION))
}

/// Marks the cells for a rebuild (after rows were written around the app).
pub fn invalidate(conn: &mut DbConn) -> QueryResult<()> {
    with_conn!(conn, |c| diesel::delete(rollup_state::table).execute(c))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(day: u32, hour: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, day).unwrap().and_hms_opt(hour, 0, 0).unwrap()
    }

    fn entry() -> EntryFacts {
        EntryFacts {
            id: IntelId(1),
            author: UserId(7),
            department: Some(DepartmentId(3)),
            category: "business".into(),
            kind: Some(ClientKind::Group),
            status: IntelStatus::Adopted,
            observed_at: t(2, 0),
            submitted_at: Some(t(2, 4)),
            adopted_at: Some(t(2, 10)),
            revises: false,
        }
    }

    fn review(decision: Decision, score: Option<f64>, at: NaiveDateTime) -> ReviewFacts {
        ReviewFacts { intel_id: IntelId(1), reviewer: UserId(9), decision, mean_score: score, at }
    }

    fn used(user: i64, outcome: UsageOutcome) -> UseFacts {
        UseFacts { intel_id: IntelId(1), user: UserId(user), outcome, at: t(5, 1) }
    }

    fn stat(cells: &Cells, grain: Grain) -> StatCounts {
        cells.stat.iter().filter(|((s, ..), _)| s.grain == grain).fold([0; 9], |mut acc, (_, v)| {
            acc.iter_mut().zip(v).for_each(|(a, v)| *a += v);
            acc
        })
    }

    #[test]
    fn an_adopted_entry_counts_in_every_grain_and_its_authors_cells() {
        let mut cells = Cells::default();
        let adopt = review(Decision::Adopt, Some(4.2), t(2, 10));
        let (by_author, by_other) = (used(7, UsageOutcome::Won), used(8, UsageOutcome::Won));
        contributions(&entry(), &[&adopt], &[&by_author, &by_other], &mut cells);
        for grain in Grain::ALL {
            assert_eq!(stat(&cells, grain), [1, 1, 1, 1, 1, 1, 1, 4_200_000, 1], "{grain:?}");
        }
        let all = cells.author[&(Span::ALL, UserId(7))];
        assert_eq!(all, [1, 0, 1, 1, 1, 1, 1, 4_200_000, 1, 0, 0]);
        assert!(!cells.author.keys().any(|(s, _)| s.grain == Grain::Day), "no day cells for people");
        // 4 h to submit (year, all), 6 h to decide (quarter, year, all; by department and by reviewer).
        assert_eq!(cells.delay.len(), 2 + 3 * 2);
        assert_eq!(cells.delay[&(Span::ALL, DelayMeasure::Decision, 9, bucket_of(6 * 3600))], [1, 6 * 3600]);
    }

    #[test]
    fn a_local_day_starts_at_sixteen_utc() {
        let mut cells = Cells::default();
        let mut late = entry();
        late.submitted_at = Some(t(2, 16)); // 00:00 on the 3rd in UTC+8
        late.adopted_at = None;
        contributions(&late, &[], &[], &mut cells);
        let days: Vec<String> = cells
            .stat
            .keys()
            .filter(|(s, ..)| s.grain == Grain::Day)
            .map(|(s, ..)| s.starts_on.to_string())
            .collect();
        assert_eq!(days, ["2026-11-03"]);
    }

    #[test]
    fn drafts_add_nothing_and_differences_drop_unchanged_cells() {
        let mut cells = Cells::default();
        let draft = EntryFacts { status: IntelStatus::Draft, ..entry() };
        contributions(&draft, &[], &[], &mut cells);
        assert!(cells.is_empty());

        let (mut before, mut after) = (Cells::default(), Cells::default());
        contributions(&entry(), &[], &[], &mut before);
        let by_other = used(8, UsageOutcome::Pending);
        contributions(&entry(), &[], &[&by_other], &mut after);
        let delta = Cells::difference(after, before);
        // The use (the 5th) and the adoption now used (the 2nd): two days, and
        // one week, month, quarter, year and all time.
        assert_eq!(delta.stat.len(), 7);
        assert_eq!(stat(&delta, Grain::All), [0, 0, 1, 1, 0, 0, 0, 0, 0]);
        assert!(delta.delay.is_empty());
    }

    #[test]
    fn buckets_are_exact_minutes_then_five_percent_wide() {
        assert_eq!(bucket_of(0), 0);
        assert_eq!(bucket_of(59), 0);
        assert_eq!(bucket_of(3_600), 60);
        assert_eq!(bucket_of(7_199), 119);
        assert_eq!(bucket_of(7_200), 120);
        assert_eq!(bucket_of(-5), 0);
        let mut last = 0;
        for s in (0..10_000_000).step_by(997) {
            let b = bucket_of(s);
            assert!(b >= last, "buckets grow with the delay");
            last = b;
        }
        // Two delays in one bucket differ by less than 5 %.
        let edge = (7_200.0 * 1.05f64.powi(10)).ceil() as i64;
        assert_eq!(bucket_of(edge), bucket_of(edge * 104 / 100));
        assert_ne!(bucket_of(edge), bucket_of(edge * 106 / 100));
    }

    #[test]
    fn scores_are_kept_in_millionths() {
        assert_eq!(score_micro(4.2), 4_200_000);
        assert_eq!(score_micro(3.0 + 1.0 / 3.0), 3_333_333);
    }
}
