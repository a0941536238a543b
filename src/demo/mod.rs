//! The demo world (`zhiku seed-demo`, `zhiku serve --demo`): the 芜湖分公司
//! branch with its departments and people, forty key accounts and six months
//! of intelligence history.
//!
//! Every entry, decision, usage, revision and retraction goes through the
//! services the HTTP routes call, so points, notifications and audit rows are
//! exactly what real use produces. Each event happens "now"; the rows it wrote
//! are then moved back to the event's moment, so periods, charts and freshness
//! read like a lived-in history. A fixed seed makes the world reproducible.

use anyhow::{anyhow, Context};
use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::result::QueryResult;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::auth::password::{Password, Passwords};
use crate::db::schema::{audit_events, intel, notifications, point_entries, reviews, upkeep, usages};
use crate::db::{self, DbConn};
use crate::enums::Role;
use crate::with_conn;
use cast::{Actor, WorldClient};
use plan::Clock;

mod cast;
mod content;
mod data;
mod plan;
mod play;

/// Every demo account signs in with this password.
pub const DEMO_PASSWORD: &str = "zhiku2026";
const RANDOM_SEED: u64 = 2026;

/// What the seeder created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    /// (employee number, real name, roles joined with ",", password) of each account created.
    pub logins: Vec<(String, String, String, String)>,
    pub users: usize,
    pub clients: usize,
    pub entries: usize,
    pub usages: usize,
}

/// Seeds the demo world into an empty database (no clients, no intel) in one
/// write transaction; `Ok(None)` and nothing changed when it is not empty.
pub fn seed(conn: &mut DbConn, passwords: &Passwords) -> anyhow::Result<Option<DemoSummary>> {
    if !is_empty(conn)? {
        return Ok(None);
    }
    // Hashed once: argon2 is slow on purpose, and every demo account shares the password.
    let password = Password::parse(DEMO_PASSWORD).map_err(anyhow::Error::msg)?;
    let password_hash = passwords.hash(&password);
    db::write_tx(conn, |conn| {
        if !is_empty(conn)? {
            return Ok(None);
        }
        let summary = Seeder::new(conn).run(&password_hash)?;
        // The history was moved into the past row by row (`restamp`): count it where it now lies.
        db::rollup::rebuild(conn)?;
        crate::clients::store::refresh_all_contract_ends(conn)?;
        Ok(Some(summary))
    })
}

fn is_empty(conn: &mut DbConn) -> QueryResult<bool> {
    use crate::db::schema::clients as client_rows;
    let (clients, entries): (i64, i64) = with_conn!(conn, |c| {
        let clients = client_rows::table.count().get_result(c)?;
        let entries = intel::table.count().get_result(c)?;
        Ok::<_, diesel::result::Error>((clients, entries))
    })?;
    Ok(clients == 0 && entries == 0)
}

/// The world as it is being built: the cast (`cast`), then the plan decided
/// (`plan`) and played (`play`).
struct Seeder<'c> {
    conn: &'c mut DbConn,
    /// Draws the seed of each step, so that one step's randomness never shifts another's.
    master: StdRng,
    rng: StdRng,
    clock: Clock,
    /// Rows written at or after this moment have not been moved into the past yet.
    since: NaiveDateTime,
    actors: Vec<Actor>,
    clients: Vec<WorldClient>,
    entries: usize,
    usages: usize,
}

/// Turns a service error into one that says which step failed.
fn failed<E: std::fmt::Debug>(step: &'static str) -> impl Fn(E) -> anyhow::Error {
    move |error| anyhow!("{step}: {error:?}")
}

impl<'c> Seeder<'c> {
    fn new(conn: &'c mut DbConn) -> Self {
        let now = Utc::now().naive_utc();
        Seeder {
            conn,
            master: StdRng::seed_from_u64(RANDOM_SEED),
            rng: StdRng::seed_from_u64(RANDOM_SEED + 1),
            clock: Clock { now },
            since: now,
            actors: Vec::new(),
            clients: Vec::new(),
            entries: 0,
            usages: 0,
        }
    }

    fn run(&mut self, password_hash: &str) -> anyhow::Result<DemoSummary> {
        let logins = self.people(password_hash)?;
        self.clients()?;
        self.handovers()?;
        let plans = self.plan()?;
        self.play(&plans)?;
        self.market_news()?;
        self.renewal_due()?;
        self.read_old_notifications()?;
        // The history is made up: none of its mail is ever sent.
        crate::notify::outbox::suppress_unsent(self.conn)?;
        Ok(DemoSummary {
            users: logins.len(),
            logins,
            clients: self.clients.len(),
            entries: self.entries,
            usages: self.usages,
        })
    }

    /// Moves every row written since the last move to `at`.
    fn settle(&mut self, at: NaiveDateTime) -> anyhow::Result<()> {
        restamp(self.conn, self.since, at).context("moving the demo history into the past")
    }

    /// Starts a fresh random stream for the next step.
    fn reseed(&mut self) {
        self.rng = StdRng::seed_from_u64(self.master.gen());
    }

    fn actor(&self, no: &str) -> Option<usize> {
        self.actors.iter().position(|a| a.no == no)
    }

    /// Actors for whom `wanted` holds.
    fn pool(&self, wanted: impl Fn(&Actor) -> bool) -> Vec<usize> {
        (0..self.actors.len()).filter(|i| wanted(&self.actors[*i])).collect()
    }

    /// Reviewers decide; admins stand in when no reviewer could be created.
    fn reviewers(&self) -> Vec<usize> {
        let reviewers = self.pool(|a| a.user.has(Role::Reviewer));
        if reviewers.is_empty() {
            self.pool(|a| a.user.has(Role::Admin))
        } else {
            reviewers
        }
    }

    /// People who collect and use intelligence: everyone but reviewers and admins.
    fn contributors(&self) -> Vec<usize> {
        self.pool(|a| !a.user.has(Role::Reviewer) && !a.user.has(Role::Admin))
    }
}

/// Sets `$column` of every row of `$table` written at or after `$since` to `$at`.
macro_rules! move_back {
    ($c:expr, $since:expr, $at:expr, $($table:ident . $column:ident),+ $(,)?) => {
        $(
            diesel::update($table::table.filter($table::$column.ge($since)))
                .set($table::$column.eq($at))
                .execute($c)?;
        )+
    };
}

/// Moves the rows one event wrote (at the real "now", at or after `since`)
/// to the moment `at` the event happened in the demo's history.
fn restamp(conn: &mut DbConn, since: NaiveDateTime, at: NaiveDateTime) -> QueryResult<()> {
    with_conn!(conn, |c| {
        move_back!(
            c,
            since,
            at,
            intel.created_at,
            intel.updated_at,
            intel.submitted_at,
            intel.decided_at,
            intel.adopted_at,
            intel.verified_at,
            reviews.created_at,
            usages.created_at,
            usages.updated_at,
            upkeep.done_at,
            point_entries.created_at,
            notifications.created_at,
            audit_events.created_at,
        );
        Ok(())
    })
}
