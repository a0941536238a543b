//! Who is asking and what they may do: argon2id passwords, short-lived JWT
//! access tokens, rotating refresh tokens and their sessions, login
//! throttling, the client's address and origin, the request's user, and the one policy module with every role
//! and visibility rule.

pub mod client;
pub mod extract;
pub mod limiter;
pub mod password;
pub mod policy;
pub mod store;
pub mod tokens;

use std::sync::Arc;
use std::time::Duration;

use crate::config::Settings;

/// The auth machinery, registered as app data of its own.
pub struct Auth {
    pub tokens: tokens::TokenKeys,
    pub passwords: Arc<password::Passwords>,
    pub login_limiter: limiter::LoginLimiter,
}

impl Auth {
    pub fn new(settings: &Settings, jwt_secret: &[u8]) -> Self {
        Auth {
            tokens: tokens::TokenKeys::new(jwt_secret, settings.access_token_minutes * 60),
            passwords: Arc::new(password::Passwords::new()),
            login_limiter: limiter::LoginLimiter::new(limiter::Limits {
                per_account: settings.login_failures_per_account,
                per_address: settings.login_failures_per_ip,
                window: Duration::from_secs(settings.login_window_seconds),
                backoff: Duration::from_secs(settings.login_backoff_seconds),
            }),
        }
    }
}
