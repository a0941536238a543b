//! What every handler can reach: settings, the pool and the auth machinery.

use std::sync::Arc;
use std::time::Duration;

use actix_web::web;

use crate::auth::limiter::LoginLimiter;
use crate::auth::password::Passwords;
use crate::auth::tokens::TokenKeys;
use crate::config::Settings;
use crate::db::{DbConn, Pool};
use crate::error::{ApiError, ApiResult};
use crate::mail::sender::MailHandle;
use crate::search::indexer::SearchHandle;

pub struct AppState {
    pub settings: Settings,
    pub pool: Pool,
    pub tokens: TokenKeys,
    pub passwords: Arc<Passwords>,
    pub login_limiter: LoginLimiter,
    pub search: Arc<SearchHandle>,
    /// Rings the mail sender; the sender and scheduler threads stop when it is dropped.
    pub mail: Arc<MailHandle>,
}

impl AppState {
    pub fn new(settings: Settings, pool: Pool, jwt_secret: &[u8], search: Arc<SearchHandle>) -> Self {
        let tokens = TokenKeys::new(jwt_secret, settings.access_token_minutes * 60);
        let login_limiter = LoginLimiter::new(
            Duration::from_secs(settings.login_window_seconds),
            settings.login_failures_per_account,
            settings.login_failures_per_ip,
        );
        AppState {
            settings,
            pool,
            tokens,
            passwords: Arc::new(Passwords::new()),
            login_limiter,
            search,
            mail: Arc::new(MailHandle::new()),
        }
    }

    /// Runs blocking database work on the blocking pool, never on an async worker.
    pub async fn db<T, F>(&self, work: F) -> ApiResult<T>
    where
        F: FnOnce(&mut DbConn) -> ApiResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        web::block(move || {
            let mut conn = pool.get()?;
            work(&mut conn)
        })
        .await
        .map_err(ApiError::from)?
    }
}

pub type State = web::Data<AppState>;
