//! `/auth/*` and `/me` endpoints.

use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::Duration;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::api::Json;
use crate::audit;
use crate::auth::extract::CurrentUser;
use crate::auth::password::{Password, Verified};
use crate::auth::store::{self, ClientInfo, Rotation, SessionId};
use crate::auth::tokens::{hash_refresh_token, new_refresh_token};
use crate::db::write_tx;
use crate::error::{ApiError, ApiResult};
use crate::state::{AppState, State};
use crate::users::model::User;
use crate::users::store as users;
use crate::users::view::{user_view, UserView};

pub const REFRESH_COOKIE: &str = "zhiku_refresh";
const COOKIE_PATH: &str = "/api/v1/auth";

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(login).service(refresh).service(logout).service(get_me).service(change_password);
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    /// Employee number or e-mail.
    #[schema(example = "E1001")]
    pub login: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    pub refresh_token: String,
    pub user: UserView,
}

/// Sign in with employee number or e-mail and password.
///
/// Also sets the refresh token as an HttpOnly, SameSite=Strict cookie.
/// Failed attempts are throttled per client IP and per login (429).
#[utoipa::path(tag = "auth", request_body = LoginRequest, security(()),
    responses((status = 200, body = TokenResponse), (status = 401, description = "invalid_credentials"),
              (status = 429, description = "rate_limited")))]
#[post("/auth/login")]
async fn login(state: State, req: HttpRequest, body: Json<LoginRequest>) -> ApiResult<HttpResponse> {
    let LoginRequest { login, password } = body.0;
    let client = client_info(&req);
    let ip = client.ip.clone().unwrap_or_default();
    state
        .login_limiter
        .check(&login, &ip)
        .map_err(|retry_after_secs| ApiError::RateLimited { retry_after_secs })?;

    let lookup = login.clone();
    let user = state.db(move |conn| Ok(users::find_by_login(conn, &lookup)?)).await?;
    let passwords = state.passwords.clone();
    let stored_hash = user.as_ref().map(|u| u.password_hash.clone());
    let verified = web::block(move || passwords.verify(&password, stored_hash.as_deref())).await?;

    let (user, rehash) = match (user, verified) {
        (Some(user), Verified::Yes) if user.is_active => (user, None),
        (Some(user), Verified::YesRehashed(hash)) if user.is_active => (user, Some(hash)),
        _ => {
            state.login_limiter.record_failure(&login, &ip);
            return Err(ApiError::InvalidCredentials);
        }
    };
    state.login_limiter.record_success(&login);
    start_session(&state, user, rehash, client).await
}

/// Opens a session for a signed-in user and answers with its tokens.
async fn start_session(
    state: &AppState,
    user: User,
    rehash: Option<String>,
    client: ClientInfo,
) -> ApiResult<HttpResponse> {
    let refresh_token = new_refresh_token();
    let token_hash = hash_refresh_token(&refresh_token);
    let lifetime = Duration::days(state.settings.refresh_token_days);
    let (session, view) = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                if let Some(hash) = &rehash {
                    users::set_password_hash(conn, user.id, hash)?;
                }
                let session = store::open_session(conn, user.id, &token_hash, lifetime, &client)?;
                Ok((session, user_view(conn, user)?))
            })
        })
        .await?;
    token_response(state, view, session, refresh_token)
}

fn token_response(
    state: &AppState,
    user: UserView,
    session: SessionId,
    refresh_token: String,
) -> ApiResult<HttpResponse> {
    let access_token = state.tokens.issue(user.id, session).map_err(ApiError::internal)?;
    let cookie = refresh_cookie(state, refresh_token.clone());
    Ok(HttpResponse::Ok().cookie(cookie).json(TokenResponse {
        access_token,
        token_type: "Bearer",
        expires_in: state.tokens.access_ttl_seconds,
        refresh_token,
        user,
    }))
}

fn refresh_cookie(state: &AppState, value: String) -> Cookie<'static> {
    Cookie::build(REFRESH_COOKIE, value)
        .path(COOKIE_PATH)
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.settings.secure_cookies())
        .max_age(CookieDuration::days(state.settings.refresh_token_days))
        .finish()
}

fn expired_cookie(state: &AppState) -> Cookie<'static> {
    let mut cookie = refresh_cookie(state, String::new());
    cookie.make_removal();
    cookie
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RefreshRequest {
    pub refresh_token: Option<String>,
}

/// Exchange a refresh token (body or cookie) for new tokens.
///
/// The presented token is spent; presenting a spent token again revokes the
/// whole session.
#[utoipa::path(tag = "auth", request_body(content = Option<RefreshRequest>), security(()),
    responses((status = 200, body = TokenResponse), (status = 401)))]
#[post("/auth/refresh")]
async fn refresh(
    state: State,
    req: HttpRequest,
    body: Json<Option<RefreshRequest>>,
) -> ApiResult<HttpResponse> {
    let presented = body
        .0
        .and_then(|b| b.refresh_token)
        .or_else(|| req.cookie(REFRESH_COOKIE).map(|c| c.value().to_owned()))
        .filter(|t| !t.is_empty())
        .ok_or_else(ApiError::unauthorized)?;
    let refresh_token = new_refresh_token();
    let new_hash = hash_refresh_token(&refresh_token);
    let presented_hash = hash_refresh_token(&presented);
    let rotation = state
        .db(move |conn| {
            write_tx(conn, |conn| match store::rotate(conn, &presented_hash, &new_hash)? {
                Rotation::Rotated { user, session } => Ok(Some((user_view(conn, user)?, session))),
                Rotation::Reused => {
                    audit::record(conn, None, "session.refresh_reuse", "session", None, json!({}))?;
                    Ok(None)
                }
                Rotation::Invalid => Ok(None),
            })
        })
        .await?;
    match rotation {
        Some((user, session)) => token_response(&state, user, session, refresh_token),
        None => Err(ApiError::Unauthorized("刷新令牌无效或已失效，请重新登录".into())),
    }
}

/// Sign out: this session's access and refresh tokens stop working at once.
#[utoipa::path(tag = "auth", responses((status = 204), (status = 401)))]
#[post("/auth/logout")]
async fn logout(state: State, me: CurrentUser) -> ApiResult<HttpResponse> {
    state.db(move |conn| Ok(store::revoke(conn, me.session, "logout")?)).await?;
    Ok(HttpResponse::NoContent().cookie(expired_cookie(&state)).finish())
}

/// The signed-in user.
#[utoipa::path(tag = "auth", responses((status = 200, body = UserView), (status = 401)))]
#[get("/me")]
async fn get_me(state: State, me: CurrentUser) -> ApiResult<HttpResponse> {
    let view = state
        .db(move |conn| {
            let user = users::find_user(conn, me.id)?.ok_or_else(ApiError::unauthorized)?;
            Ok(user_view(conn, user)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ChangePassword {
    pub current_password: String,
    pub new_password: String,
}

/// Change one's own password; every other session of the user is revoked.
#[utoipa::path(tag = "auth", request_body = ChangePassword,
    responses((status = 204), (status = 401), (status = 422), (status = 429)))]
#[post("/me/password")]
async fn change_password(
    state: State,
    me: CurrentUser,
    body: Json<ChangePassword>,
) -> ApiResult<HttpResponse> {
    let ChangePassword { current_password, new_password } = body.0;
    let new_password = Password::parse(&new_password).map_err(|e| ApiError::field("new_password", e))?;
    if new_password.expose() == current_password {
        return Err(ApiError::field("new_password", "新密码不能与当前密码相同"));
    }
    let account_key = format!("user:{}", me.id);
    state
        .login_limiter
        .check(&account_key, &account_key)
        .map_err(|retry_after_secs| ApiError::RateLimited { retry_after_secs })?;
    let user =
        state.db(move |conn| users::find_user(conn, me.id)?.ok_or_else(ApiError::unauthorized)).await?;
    let passwords = state.passwords.clone();
    let checked = web::block(move || {
        let ok = passwords.verify(&current_password, Some(&user.password_hash)) != Verified::No;
        ok.then(|| passwords.hash(&new_password))
    })
    .await?;
    let Some(new_hash) = checked else {
        state.login_limiter.record_failure(&account_key, &account_key);
        return Err(ApiError::field("current_password", "当前密码不正确"));
    };
    state
        .db(move |conn| {
            write_tx(conn, |conn| {
                users::set_password_hash(conn, me.id, &new_hash)?;
                store::revoke_all_except(conn, me.id, Some(me.session), "password_changed")?;
                audit::record(conn, Some(me.id), "user.password_change", "user", Some(me.id.0), json!({}))?;
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

fn client_info(req: &HttpRequest) -> ClientInfo {
    ClientInfo {
        ip: req.peer_addr().map(|addr| addr.ip().to_string()),
        user_agent: req
            .headers()
            .get(actix_web::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    }
}
