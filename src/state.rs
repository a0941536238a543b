//! What every handler can reach: the settings and the database. Feature
//! handles (the auth keys, the search index, the mail sender) are registered
//! as app data of their own, so this layer knows no feature.

use actix_web::web;

use crate::config::Settings;
use crate::db::{write_tx, DbConn, Pool};
use crate::error::ApiError;

pub struct AppState {
    pub settings: Settings,
    pub pool: Pool,
}

impl AppState {
    pub fn new(settings: Settings, pool: Pool) -> Self {
        AppState { settings, pool }
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
        let pool = self.pool.clone();
        let result = web::block(move || {
            let mut conn = pool.get()?;
            Ok::<_, ApiError>(work(&mut conn))
        })
        .await??;
        Ok(result?)
    }

    /// Runs `work` in one write transaction (on SQLite `BEGIN IMMEDIATE`),
    /// on the blocking pool; an error rolls everything back.
    pub async fn write<T, E, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<diesel::result::Error> + Send + 'static,
        ApiError: From<E>,
    {
        self.read(move |conn| write_tx(conn, work)).await
    }
}

pub type State = web::Data<AppState>;
