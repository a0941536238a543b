//! What every handler can reach: the settings and the database. Feature
//! handles (the auth keys, the search index, the mail sender) are registered
//! as app data of their own, so this layer knows no feature.
//!
//! Database work runs on the blocking pool within a budget: a request that
//! has not got its answer from the database in time is told `503
//! unavailable`, and a write still unfinished at its deadline is rolled back
//! rather than committed after the client was answered.

use std::time::{Duration, Instant};

use actix_web::web;

use crate::config::Settings;
use crate::db::{write_tx, DbConn, Pool};
use crate::error::ApiError;

pub struct AppState {
    pub settings: Settings,
    pub pool: Pool,
}

/// How long a piece of work may take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Budget {
    /// An ordinary request (`request_budget_seconds`).
    Request,
    /// A report over the whole history (`report_budget_seconds`).
    Report,
}

impl AppState {
    pub fn new(settings: Settings, pool: Pool) -> Self {
        AppState { settings, pool }
    }

    fn budget(&self, budget: Budget) -> Duration {
        Duration::from_secs(match budget {
            Budget::Request => self.settings.request_budget_seconds,
            Budget::Report => self.settings.report_budget_seconds,
        })
    }

    /// Runs `work` on a pooled connection on the blocking pool, never on an
    /// async worker, outside any transaction: for reads, and for services
    /// that open their own write transaction only after slow work (argon2,
    /// a search), so that writers never wait on it.
    pub async fn read<T, E, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: Send + 'static,
        ApiError: From<E>,
    {
        self.run(Budget::Request, move |conn| work(conn).map_err(ApiError::from)).await
    }

    /// [`AppState::read`] for reports over the whole history (statistics, exports).
    pub async fn report<T, E, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: Send + 'static,
        ApiError: From<E>,
    {
        self.run(Budget::Report, move |conn| work(conn).map_err(ApiError::from)).await
    }

    /// Runs `work` in one write transaction (on SQLite `BEGIN IMMEDIATE`),
    /// on the blocking pool; an error rolls everything back, and so does
    /// running past the request's budget.
    pub async fn write<T, E, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<diesel::result::Error> + Send + 'static,
        ApiError: From<E>,
    {
        self.write_within(Budget::Request, work).await
    }

    /// [`AppState::write`] for writes over the whole history (recalculation).
    pub async fn write_report<T, E, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<diesel::result::Error> + Send + 'static,
        ApiError: From<E>,
    {
        self.write_within(Budget::Report, work).await
    }

    async fn write_within<T, E, F>(&self, budget: Budget, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<diesel::result::Error> + Send + 'static,
        ApiError: From<E>,
    {
        let deadline = Instant::now() + self.budget(budget);
        self.run(budget, move |conn| {
            let mut late = false;
            let result = write_tx(conn, |conn| {
                let value = work(conn)?;
                // The client is about to be (or was) told 503: never commit behind its back.
                if Instant::now() >= deadline {
                    late = true;
                    return Err(E::from(diesel::result::Error::RollbackTransaction));
                }
                Ok(value)
            });
            if late {
                tracing::warn!("a write ran past its budget and was rolled back");
                return Err(ApiError::database_unavailable());
            }
            result.map_err(ApiError::from)
        })
        .await
    }

    /// Runs `work` on the blocking pool and answers `503 unavailable` once
    /// the budget is spent (the work itself may still finish; see `write_within`).
    async fn run<T, F>(&self, budget: Budget, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        let task = web::block(move || {
            let mut conn = pool.get()?;
            work(&mut conn)
        });
        match tokio::time::timeout(self.budget(budget), task).await {
            Ok(done) => done?,
            Err(_) => {
                tracing::warn!(?budget, "database work ran past its budget");
                Err(ApiError::database_unavailable())
            }
        }
    }
}

pub type State = web::Data<AppState>;
