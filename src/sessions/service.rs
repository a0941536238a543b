//! Signing in, refreshing, signing out and changing one's password, and the
//! admin's view of sign-in throttles. Password hashing is CPU work: these
//! functions run on the blocking pool (the routes call them through
//! `AppState::read`) and open their own write transaction only after the
//! password check, so writers never wait on argon2. Every password check
//! holds an attempt of the limiter, taken before the check.

use std::net::{IpAddr, Ipv4Addr};

use chrono::Duration;
use serde_json::json;

use crate::api::Page;
use crate::audit;
use crate::auth::extract::CurrentUser;
use crate::auth::limiter::{Account, Key, RetryAfter};
use crate::auth::password::{Password, Verified};
use crate::auth::policy::{self, Denied};
use crate::auth::store::{self, ClientInfo, Rotation};
use crate::auth::tokens::{hash_refresh_token, new_refresh_token};
use crate::auth::Auth;
use crate::db::{write_tx, DbConn};
use crate::enums::AuditAction;
use crate::error::{ApiError, Fields};
use crate::ids::SessionId;
use crate::sessions::view::{throttle_views, ThrottleView};
use crate::users::store as users;
use crate::users::view::{user_view, UserView};

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("登录名或密码错误")]
    InvalidCredentials,
    #[error("尝试次数过多，请稍后再试")]
    RateLimited { retry_after_secs: u64 },
    #[error("刷新令牌无效或已失效，请重新登录")]
    RefreshInvalid,
    #[error("未登录或登录已失效")]
    SignedOut,
    #[error("输入有误，请检查标出的字段")]
    Invalid(Fields),
    #[error(transparent)]
    Denied(#[from] Denied),
    #[error("没有这条登录限制（可能已过期）")]
    ThrottleNotFound,
    #[error("cannot sign an access token: {0}")]
    Token(anyhow::Error),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

impl SessionError {
    fn field(path: &str, problem: &str) -> Self {
        SessionError::Invalid(Fields::from([(path.to_owned(), problem.to_owned())]))
    }
}

impl From<RetryAfter> for SessionError {
    fn from(RetryAfter(retry_after_secs): RetryAfter) -> Self {
        SessionError::RateLimited { retry_after_secs }
    }
}

impl From<SessionError> for ApiError {
    fn from(error: SessionError) -> Self {
        match error {
            SessionError::InvalidCredentials => ApiError::InvalidCredentials,
            SessionError::RateLimited { retry_after_secs } => ApiError::RateLimited { retry_after_secs },
            SessionError::RefreshInvalid => ApiError::Unauthorized(error.to_string()),
            SessionError::SignedOut => ApiError::unauthorized(),
            SessionError::Invalid(fields) => ApiError::fields(fields),
            SessionError::Denied(_) => ApiError::forbidden(),
            SessionError::ThrottleNotFound => ApiError::NotFound(error.to_string()),
            SessionError::Token(cause) => ApiError::internal(cause),
            SessionError::Db(error) => error.into(),
        }
    }
}

type Result<T> = std::result::Result<T, SessionError>;

/// A new session's tokens and its user.
#[derive(Debug)]
pub struct Tokens {
    pub access_token: String,
    pub expires_in: i64,
    pub refresh_token: String,
    pub user: UserView,
}

fn tokens(auth: &Auth, user: UserView, session: SessionId, refresh_token: String) -> Result<Tokens> {
    let access_token = auth.tokens.issue(user.id, session).map_err(SessionError::Token)?;
    Ok(Tokens { access_token, expires_in: auth.tokens.access_ttl_seconds, refresh_token, user })
}

/// Signs in with employee number or e-mail. The attempt is throttled per
/// account (whichever login names it), per client address and per pair, and
/// reserved before the password is checked.
pub fn login(
    conn: &mut DbConn,
    auth: &Auth,
    login: &str,
    password: &str,
    client: ClientInfo,
    lifetime: Duration,
) -> Result<Tokens> {
    let user = users::find_by_login(conn, login)?;
    let account = user.as_ref().map_or_else(|| Account::unknown(login), |user| Account::User(user.id));
    let address = client.ip.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    let attempt = auth.login_limiter.begin_login(account, address)?;
    let verified = auth.passwords.verify(password, user.as_ref().map(|u| u.password_hash.as_str()));
    let (user, rehash) = match (user, verified) {
        (Some(user), Verified::Yes) if user.is_active => (user, None),
        (Some(user), Verified::YesRehashed(hash)) if user.is_active => (user, Some(hash)),
        _ => {
            attempt.failed();
            return Err(SessionError::InvalidCredentials);
        }
    };
    attempt.succeeded();
    let refresh_token = new_refresh_token();
    let token_hash = hash_refresh_token(&refresh_token);
    let (session, view) = write_tx(conn, |conn| {
        if let Some(hash) = &rehash {
            users::set_password_hash(conn, user.id, hash)?;
        }
        let session = store::open_session(conn, user.id, &token_hash, lifetime, &client)?;
        Ok::<_, SessionError>((session, user_view(conn, user)?))
    })?;
    tokens(auth, view, session, refresh_token)
}

/// Spends a refresh token for new tokens; presenting a spent one revokes its session.
pub fn refresh(conn: &mut DbConn, auth: &Auth, presented: &str) -> Result<Tokens> {
    let refresh_token = new_refresh_token();
    let new_hash = hash_refresh_token(&refresh_token);
    let presented_hash = hash_refresh_token(presented);
    let rotated = write_tx(conn, |conn| -> Result<Option<(UserView, SessionId)>> {
        match store::rotate(conn, &presented_hash, &new_hash)? {
            Rotation::Rotated { user, session } => {
                let user = users::find_user(conn, user)?.ok_or(SessionError::RefreshInvalid)?;
                Ok(Some((user_view(conn, user)?, session)))
            }
            Rotation::Reused => {
                audit::record(conn, None, AuditAction::SessionRefreshReuse, "session", None, json!({}))?;
                Ok(None)
            }
            Rotation::Invalid => Ok(None),
        }
    })?;
    let (user, session) = rotated.ok_or(SessionError::RefreshInvalid)?;
    tokens(auth, user, session, refresh_token)
}

/// Ends `me`'s session: its access and refresh tokens stop working at once.
pub fn logout(conn: &mut DbConn, me: &CurrentUser) -> Result<()> {
    write_tx(conn, |conn| store::revoke(conn, me.session, "logout"))?;
    Ok(())
}

/// The signed-in user.
pub fn me(conn: &mut DbConn, me: &CurrentUser) -> Result<UserView> {
    let user = users::find_user(conn, me.id)?.ok_or(SessionError::SignedOut)?;
    Ok(user_view(conn, user)?)
}

/// Changes `me`'s password after checking the current one (throttled like
/// an account, under a key of its own); every other session of the user is revoked.
pub fn change_password(
    conn: &mut DbConn,
    auth: &Auth,
    me: &CurrentUser,
    current: &str,
    new: &str,
) -> Result<()> {
    let new = Password::parse(new).map_err(|problem| SessionError::field("new_password", problem))?;
    if new.expose() == current {
        return Err(SessionError::field("new_password", "新密码不能与当前密码相同"));
    }
    let attempt = auth.login_limiter.begin_password_change(me.id)?;
    let user = users::find_user(conn, me.id)?.ok_or(SessionError::SignedOut)?;
    if auth.passwords.verify(current, Some(&user.password_hash)) == Verified::No {
        attempt.failed();
        return Err(SessionError::field("current_password", "当前密码不正确"));
    }
    attempt.succeeded();
    let new_hash = auth.passwords.hash(&new);
    write_tx(conn, |conn| {
        users::set_password_hash(conn, me.id, &new_hash)?;
        store::revoke_all_except(conn, me.id, Some(me.session), "password_changed")?;
        audit::record(conn, Some(me.id), AuditAction::UserPasswordChange, "user", Some(me.id.0), json!({}))
    })?;
    Ok(())
}

/// Accounts, logins, addresses and password changes with recent failures,
/// throttled ones first (admin).
pub fn throttles(
    conn: &mut DbConn,
    auth: &Auth,
    me: &CurrentUser,
    offset: i64,
    limit: i64,
) -> Result<Page<ThrottleView>> {
    policy::require_admin(me)?;
    let all = auth.login_limiter.throttles();
    let total = i64::try_from(all.len()).unwrap_or(i64::MAX);
    let page =
        all.into_iter().skip(usize::try_from(offset).unwrap_or(0)).take(usize::try_from(limit).unwrap_or(0));
    Ok(Page { items: throttle_views(conn, page.collect())?, total })
}

/// Forgets the failures of one throttle key (admin, audited): the account,
/// login or address may try again at once.
pub fn clear_throttle(conn: &mut DbConn, auth: &Auth, me: &CurrentUser, key: &str) -> Result<()> {
    policy::require_admin(me)?;
    let key: Key = key.parse().map_err(|problem| SessionError::field("key", problem))?;
    write_tx(conn, |conn| {
        let detail = json!({"key": key.to_string()});
        audit::record(
            conn,
            Some(me.id),
            AuditAction::AuthThrottleClear,
            "throttle",
            key.user().map(|u| u.0),
            detail,
        )?;
        // Cleared last, so a failed audit leaves the throttle as it was.
        if auth.login_limiter.clear(&key) {
            Ok(())
        } else {
            Err(SessionError::ThrottleNotFound)
        }
    })
}
