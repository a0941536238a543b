//! Sessions and their refresh-token families.

use std::net::IpAddr;

use chrono::{Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::result::QueryResult;

use crate::db::schema::{refresh_tokens, sessions, users};
use crate::db::DbConn;
use crate::enums::Roles;
use crate::ids::DepartmentId;
use crate::ids::SessionId;
use crate::ids::UserId;
use crate::with_conn;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sessions)]
pub struct Session {
    pub id: SessionId,
    pub user_id: UserId,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
}

#[derive(Insertable)]
#[diesel(table_name = sessions)]
struct NewSession<'a> {
    user_id: UserId,
    created_at: NaiveDateTime,
    expires_at: NaiveDateTime,
    ip: Option<&'a str>,
    user_agent: Option<&'a str>,
}

#[derive(Insertable)]
#[diesel(table_name = refresh_tokens)]
struct NewRefreshToken<'a> {
    session_id: SessionId,
    token_hash: &'a str,
    created_at: NaiveDateTime,
}

/// Where a sign-in came from, kept for the user's session list and the audit.
pub struct ClientInfo {
    /// The client's address (behind a trusted proxy, the one it forwarded).
    pub ip: Option<IpAddr>,
    pub user_agent: Option<String>,
}

/// Opens a session whose first refresh token has the given hash.
pub fn open_session(
    conn: &mut DbConn,
    user: UserId,
    token_hash: &str,
    lifetime: Duration,
    client: &ClientInfo,
) -> QueryResult<SessionId> {
    let now = Utc::now().naive_utc();
    let ip = client.ip.map(|ip| ip.to_string());
    let new = NewSession {
        user_id: user,
        created_at: now,
        expires_at: now + lifetime,
        ip: ip.as_deref(),
        user_agent: client.user_agent.as_deref().map(|ua| truncate(ua, 256)),
    };
    let session = with_conn!(conn, |c| diesel::insert_into(sessions::table)
        .values(&new)
        .returning(sessions::id)
        .get_result::<SessionId>(c))?;
    add_refresh_token(conn, session, token_hash)?;
    Ok(session)
}

fn add_refresh_token(conn: &mut DbConn, session: SessionId, token_hash: &str) -> QueryResult<()> {
    let row = NewRefreshToken { session_id: session, token_hash, created_at: Utc::now().naive_utc() };
    with_conn!(conn, |c| diesel::insert_into(refresh_tokens::table).values(&row).execute(c))?;
    Ok(())
}

/// What presenting a refresh token led to.
pub enum Rotation {
    /// The token was current: it is now spent and `new_hash` replaces it.
    Rotated { user: UserId, session: SessionId },
    /// The token was already spent: someone replayed it, the family is revoked.
    Reused,
    /// Unknown token, or its session is revoked, expired or its user inactive.
    Invalid,
}

/// Spends a refresh token and stores its successor, atomically. Call inside a
/// write transaction.
pub fn rotate(conn: &mut DbConn, presented_hash: &str, new_hash: &str) -> QueryResult<Rotation> {
    let now = Utc::now().naive_utc();
    let found = with_conn!(conn, |c| refresh_tokens::table
        .inner_join(sessions::table.inner_join(users::table))
        .filter(refresh_tokens::token_hash.eq(presented_hash))
        .select((refresh_tokens::id, refresh_tokens::rotated_at, Session::as_select(), users::is_active))
        .first::<(i64, Option<NaiveDateTime>, Session, bool)>(c)
        .optional())?;
    let Some((token_id, rotated_at, session, user_active)) = found else {
        return Ok(Rotation::Invalid);
    };
    if session.revoked_at.is_some() || session.expires_at < now || !user_active {
        return Ok(Rotation::Invalid);
    }
    // Spend the token only if nobody spent it first: a lost race is a reuse.
    let spent = rotated_at.is_none()
        && with_conn!(conn, |c| diesel::update(
            refresh_tokens::table
                .filter(refresh_tokens::id.eq(token_id))
                .filter(refresh_tokens::rotated_at.is_null())
        )
        .set(refresh_tokens::rotated_at.eq(now))
        .execute(c))?
            == 1;
    if !spent {
        revoke(conn, session.id, "refresh_token_reused")?;
        return Ok(Rotation::Reused);
    }
    add_refresh_token(conn, session.id, new_hash)?;
    Ok(Rotation::Rotated { user: session.user_id, session: session.id })
}

pub fn revoke(conn: &mut DbConn, session: SessionId, reason: &str) -> QueryResult<usize> {
    let now = Utc::now().naive_utc();
    with_conn!(conn, |c| diesel::update(
        sessions::table.filter(sessions::id.eq(session)).filter(sessions::revoked_at.is_null())
    )
    .set((sessions::revoked_at.eq(now), sessions::revoke_reason.eq(reason)))
    .execute(c))
}

/// Revokes every live session of `user` except `keep`.
pub fn revoke_all_except(
    conn: &mut DbConn,
    user: UserId,
    keep: Option<SessionId>,
    reason: &str,
) -> QueryResult<usize> {
    let now = Utc::now().naive_utc();
    let keep = keep.unwrap_or(SessionId(0));
    with_conn!(conn, |c| diesel::update(
        sessions::table
            .filter(sessions::user_id.eq(user))
            .filter(sessions::id.ne(keep))
            .filter(sessions::revoked_at.is_null())
    )
    .set((sessions::revoked_at.eq(now), sessions::revoke_reason.eq(reason)))
    .execute(c))
}

/// Who a live session's user is: what a request needs to know of them.
pub type Principal = (UserId, String, Option<DepartmentId>, Roles);

/// The user behind a live session, if both are still valid.
pub fn active_user(conn: &mut DbConn, user: UserId, session: SessionId) -> QueryResult<Option<Principal>> {
    let now = Utc::now().naive_utc();
    with_conn!(conn, |c| sessions::table
        .inner_join(users::table)
        .filter(sessions::id.eq(session))
        .filter(sessions::user_id.eq(user))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::expires_at.gt(now))
        .filter(users::is_active.eq(true))
        .select((users::id, users::real_name, users::department_id, users::roles))
        .first(c)
        .optional())
}

fn truncate(text: &str, max_chars: usize) -> &str {
    match text.char_indices().nth(max_chars) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}
