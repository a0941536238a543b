//! Retries that write nothing twice: a POST that creates something accepts
//! `Idempotency-Key: <opaque, ≤ 200 chars>`; the first successful answer is
//! stored with the write, in its transaction, per user, and a repeat by the
//! same user with the same key within 24 hours gets that answer again
//! (`Idempotent-Replayed: true`) and writes nothing. Concurrent repeats are
//! exact too: on PostgreSQL the second insert of the key waits for the first
//! transaction and then finds the key taken, so its own write rolls back and
//! it answers what the first stored.

use std::future::{ready, Ready};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, HttpResponse};
use chrono::{Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::result::QueryResult;
use serde::Serialize;

use crate::db::schema::idempotency_keys;
use crate::db::DbConn;
use crate::error::ApiError;
use crate::ids::UserId;
use crate::state::AppState;
use crate::with_conn;

pub const HEADER: &str = "Idempotency-Key";
const REPLAYED: &str = "Idempotent-Replayed";
const MAX_KEY_CHARS: usize = 200;
const IN_PROGRESS: &str = "同一 Idempotency-Key 的请求正在处理";

/// How long a stored answer is replayed.
pub fn retention() -> Duration {
    Duration::hours(24)
}

/// The `Idempotency-Key` of a request (none when it sent none) and what the
/// request was (`POST /api/v1/intel`): a key reused for another request is a 409.
#[derive(Debug, Clone)]
pub struct IdempotencyKey {
    key: Option<String>,
    request: String,
}

impl FromRequest for IdempotencyKey {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let request = format!("{} {}", req.method(), req.path());
        let key = match req.headers().get(HEADER).map(|v| v.to_str()) {
            None => None,
            Some(Ok(key)) if valid(key) => Some(key.to_owned()),
            Some(_) => {
                return ready(Err(ApiError::BadRequest(format!(
                    "{HEADER} 须为 1–{MAX_KEY_CHARS} 个可见 ASCII 字符"
                ))))
            }
        };
        ready(Ok(IdempotencyKey { key, request }))
    }
}

fn valid(key: &str) -> bool {
    (1..=MAX_KEY_CHARS).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic())
}

/// A stored answer.
#[derive(Debug, Clone, Queryable)]
struct Stored {
    request: String,
    status: i32,
    body: String,
}

fn find(conn: &mut DbConn, user: UserId, key: &str, since: NaiveDateTime) -> QueryResult<Option<Stored>> {
    with_conn!(conn, |c| idempotency_keys::table
        .filter(idempotency_keys::user_id.eq(user))
        .filter(idempotency_keys::key.eq(key))
        .filter(idempotency_keys::created_at.ge(since))
        .select((idempotency_keys::request, idempotency_keys::status, idempotency_keys::body))
        .first(c)
        .optional())
}

/// Stores the answer unless the key is taken; returns whether it was stored.
/// The user's expired keys go first.
fn store(
    conn: &mut DbConn,
    user: UserId,
    key: &str,
    answer: &Stored,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let cutoff = now - retention();
    with_conn!(conn, |c| {
        diesel::delete(
            idempotency_keys::table
                .filter(idempotency_keys::user_id.eq(user))
                .filter(idempotency_keys::created_at.lt(cutoff)),
        )
        .execute(c)?;
        diesel::insert_into(idempotency_keys::table)
            .values((
                idempotency_keys::user_id.eq(user),
                idempotency_keys::key.eq(key),
                idempotency_keys::request.eq(&answer.request),
                idempotency_keys::status.eq(answer.status),
                idempotency_keys::body.eq(&answer.body),
                idempotency_keys::created_at.eq(now),
            ))
            .on_conflict_do_nothing()
            .execute(c)
            .map(|inserted| inserted == 1)
    })
}

/// What went wrong inside the keyed write.
enum Failed<E> {
    Work(E),
    Db(diesel::result::Error),
    /// Another request stored the key first: this one rolled back.
    Taken,
}

impl<E> From<diesel::result::Error> for Failed<E> {
    fn from(error: diesel::result::Error) -> Self {
        Failed::Db(error)
    }
}

impl<E> From<Failed<E>> for ApiError
where
    ApiError: From<E>,
{
    fn from(failed: Failed<E>) -> Self {
        match failed {
            Failed::Work(error) => error.into(),
            Failed::Db(error) => error.into(),
            Failed::Taken => ApiError::Conflict(IN_PROGRESS.into()),
        }
    }
}

fn answer(status: StatusCode, body: String, replayed: bool) -> HttpResponse {
    let mut response = HttpResponse::build(status);
    if replayed {
        response.insert_header((REPLAYED, "true"));
    }
    response.content_type("application/json").body(body)
}

fn replay(stored: Stored, request: &str) -> Result<HttpResponse, ApiError> {
    if stored.request != request {
        return Err(ApiError::Conflict(format!("该 {HEADER} 已用于另一请求（{}）", stored.request)));
    }
    let status = u16::try_from(stored.status)
        .ok()
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK);
    Ok(answer(status, stored.body, true))
}

impl AppState {
    /// Runs `work` in one write transaction (see [`AppState::write`]) and
    /// answers its value as JSON with `status`; with an idempotency key, the
    /// answer is stored in that transaction and a repeat replays it.
    pub async fn write_once<T, E, F>(
        &self,
        user: UserId,
        key: IdempotencyKey,
        status: StatusCode,
        work: F,
    ) -> Result<HttpResponse, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E> + Send + 'static,
        T: Serialize + Send + 'static,
        E: Send + 'static,
        ApiError: From<E>,
    {
        let IdempotencyKey { key: Some(key), request } = key else {
            // Turbofish: the `ApiError: From<E>` bound in scope would otherwise pick `E`.
            let value = self.write::<T, Failed<E>, _>(move |conn| work(conn).map_err(Failed::Work)).await?;
            return Ok(HttpResponse::build(status).json(value));
        };
        let taken = Arc::new(AtomicBool::new(false));
        let (key_, request_, taken_) = (key.clone(), request.clone(), taken.clone());
        let written = self
            .write::<Result<String, Stored>, Failed<E>, _>(move |conn| {
                let now = Utc::now().naive_utc();
                if let Some(stored) = find(conn, user, &key_, now - retention())? {
                    return Ok(Err(stored));
                }
                let value = work(conn).map_err(Failed::Work)?;
                let body = serde_json::to_string(&value)
                    .map_err(|e| Failed::Db(diesel::result::Error::SerializationError(Box::new(e))))?;
                let stored = Stored { request: request_, status: i32::from(status.as_u16()), body };
                if !store(conn, user, &key_, &stored, now)? {
                    taken_.store(true, Ordering::SeqCst);
                    return Err(Failed::Taken);
                }
                Ok(Ok(stored.body))
            })
            .await;
        match written {
            Ok(Ok(body)) => Ok(answer(status, body, false)),
            Ok(Err(stored)) => replay(stored, &request),
            Err(_) if taken.load(Ordering::SeqCst) => {
                let since = Utc::now().naive_utc() - retention();
                let stored = self
                    .read::<_, diesel::result::Error, _>(move |conn| find(conn, user, &key, since))
                    .await?;
                match stored {
                    Some(stored) => replay(stored, &request),
                    None => Err(ApiError::Conflict(IN_PROGRESS.into())),
                }
            }
            Err(error) => Err(error),
        }
    }
}
