//! The admin's view of sign-in throttles.

use chrono::{DateTime, Utc};
use diesel::result::QueryResult;
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::UserRef;
use crate::auth::limiter::{Account, Key, Throttle};
use crate::db::DbConn;
use crate::enums::ThrottleKind;
use crate::users::view::user_refs;

/// A throttle key with recent sign-in failures.
#[derive(Debug, Serialize, ToSchema)]
pub struct ThrottleView {
    /// What is counted, and what `POST /auth/throttles/clear` takes:
    /// `account:<user id>`, `login:<login naming nobody>`, `address:<ip>`
    /// (IPv6: `address:<network>/64`) or `password:<user id>`.
    #[schema(example = "account:42")]
    pub key: String,
    pub kind: ThrottleKind,
    /// The user of an account or password-change key.
    pub user: Option<UserRef>,
    /// The login of a `login` key, the address of an `address` key.
    pub value: Option<String>,
    /// Failures not yet forgotten.
    pub failures: u32,
    /// The free attempts are used up: every further attempt waits its delay.
    pub throttled: bool,
    /// Seconds until the next attempt is let through; 0 when one may try now.
    pub retry_after_secs: u64,
    pub last_failure_at: Option<DateTime<Utc>>,
}

pub fn throttle_views(conn: &mut DbConn, throttles: Vec<Throttle>) -> QueryResult<Vec<ThrottleView>> {
    let ids: Vec<_> = throttles.iter().filter_map(|t| t.key.user()).collect();
    let names = user_refs(conn, &ids)?;
    Ok(throttles
        .into_iter()
        .map(|t| {
            let (kind, value) = match &t.key {
                Key::Account(Account::User(_)) => (ThrottleKind::Account, None),
                Key::Account(Account::Unknown(login)) => (ThrottleKind::Login, Some(login.clone())),
                // Pairs are never listed; an address is shown as its key writes it.
                Key::Address(_) | Key::Pair(..) => {
                    let key = t.key.to_string();
                    (ThrottleKind::Address, key.strip_prefix("address:").map(str::to_owned))
                }
                Key::PasswordChange(_) => (ThrottleKind::PasswordChange, None),
            };
            ThrottleView {
                key: t.key.to_string(),
                kind,
                user: t.key.user().and_then(|id| names.get(&id).cloned()),
                value,
                failures: t.failures,
                throttled: t.throttled,
                retry_after_secs: t.retry_after_secs,
                last_failure_at: t.last_failure_at,
            }
        })
        .collect())
}
