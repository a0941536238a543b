//! `/auth/*` and `/me` endpoints.

use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::Duration;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::{Json, Page, PageParams, StrictJson};
use crate::auth::client::{client_info, same_origin};
use crate::auth::extract::CurrentUser;
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::sessions::service::{self, Tokens};
use crate::sessions::view::ThrottleView;
use crate::state::{AppState, State};
use crate::users::view::UserView;

pub const REFRESH_COOKIE: &str = "zhiku_refresh";
const COOKIE_PATH: &str = "/api/v1/auth";

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(login)
        .service(refresh)
        .service(logout)
        .service(get_me)
        .service(change_password)
        .service(list_throttles)
        .service(clear_throttle);
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
/// Also sets the refresh token as an HttpOnly, SameSite=Strict cookie. The
/// body must be sent as `application/json` (400 otherwise), and a browser's
/// `Origin` must be this server's (403 otherwise). Failed attempts are
/// throttled per account, per client address and per pair (429 with
/// `Retry-After`); see docs/SECURITY.md.
#[utoipa::path(tag = "auth", request_body = LoginRequest, security(()),
    responses((status = 200, body = TokenResponse), (status = 400, description = "bad_request: not JSON"),
              (status = 401, description = "invalid_credentials"), (status = 403, description = "forbidden: foreign Origin"),
              (status = 429, description = "rate_limited, with Retry-After")))]
#[post("/auth/login")]
async fn login(
    state: State,
    auth: web::Data<Auth>,
    req: HttpRequest,
    body: StrictJson<LoginRequest>,
) -> ApiResult<HttpResponse> {
    require_same_origin(&req, &state)?;
    let LoginRequest { login, password } = body.0;
    let client = client_info(&req, &state.settings);
    let lifetime = Duration::days(state.settings.refresh_token_days);
    let tokens =
        state.read(move |conn| service::login(conn, &auth, &login, &password, client, lifetime)).await?;
    Ok(token_response(&state, tokens))
}

fn token_response(state: &AppState, tokens: Tokens) -> HttpResponse {
    let cookie = refresh_cookie(state, tokens.refresh_token.clone());
    HttpResponse::Ok().cookie(cookie).json(TokenResponse {
        access_token: tokens.access_token,
        token_type: "Bearer",
        expires_in: tokens.expires_in,
        refresh_token: tokens.refresh_token,
        user: tokens.user,
    })
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
/// whole session. With the cookie, a browser's `Origin` must be this
/// server's (403 otherwise).
#[utoipa::path(tag = "auth", request_body(content = Option<RefreshRequest>), security(()),
    responses((status = 200, body = TokenResponse), (status = 401), (status = 403, description = "forbidden: foreign Origin")))]
#[post("/auth/refresh")]
async fn refresh(
    state: State,
    auth: web::Data<Auth>,
    req: HttpRequest,
    body: Json<Option<RefreshRequest>>,
) -> ApiResult<HttpResponse> {
    let in_body = body.0.and_then(|b| b.refresh_token).filter(|t| !t.is_empty());
    let presented = match in_body {
        Some(token) => token,
        None => {
            require_same_origin(&req, &state)?;
            req.cookie(REFRESH_COOKIE)
                .map(|c| c.value().to_owned())
                .filter(|t| !t.is_empty())
                .ok_or_else(ApiError::unauthorized)?
        }
    };
    let tokens = state.read(move |conn| service::refresh(conn, &auth, &presented)).await?;
    Ok(token_response(&state, tokens))
}

/// Sign out: this session's access and refresh tokens stop working at once.
#[utoipa::path(tag = "auth", responses((status = 204), (status = 401)))]
#[post("/auth/logout")]
async fn logout(state: State, me: CurrentUser) -> ApiResult<HttpResponse> {
    state.read(move |conn| service::logout(conn, &me)).await?;
    Ok(HttpResponse::NoContent().cookie(expired_cookie(&state)).finish())
}

/// The signed-in user.
#[utoipa::path(tag = "auth", responses((status = 200, body = UserView), (status = 401)))]
#[get("/me")]
async fn get_me(state: State, me: CurrentUser) -> ApiResult<HttpResponse> {
    let view = state.read(move |conn| service::me(conn, &me)).await?;
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
    auth: web::Data<Auth>,
    me: CurrentUser,
    body: Json<ChangePassword>,
) -> ApiResult<HttpResponse> {
    let ChangePassword { current_password, new_password } = body.0;
    state
        .read(move |conn| service::change_password(conn, &auth, &me, &current_password, &new_password))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Requests a browser may send with our cookie (or to plant one) must come
/// from our own pages.
fn require_same_origin(req: &HttpRequest, state: &AppState) -> ApiResult<()> {
    if same_origin(req, &state.settings) {
        Ok(())
    } else {
        Err(ApiError::Forbidden("请求来源不被允许".into()))
    }
}

/// Accounts, logins and addresses with recent sign-in failures, throttled ones first (admin).
#[utoipa::path(tag = "admin", params(PageParams),
    responses((status = 200, body = Page<ThrottleView>), (status = 403)))]
#[get("/auth/throttles")]
async fn list_throttles(
    state: State,
    auth: web::Data<Auth>,
    me: CurrentUser,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let page = page.into_inner();
    let list =
        state.read(move |conn| service::throttles(conn, &auth, &me, page.offset(), page.per_page())).await?;
    Ok(HttpResponse::Ok().json(list))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ClearThrottle {
    /// A key from the list, e.g. `account:42` or `address:10.1.2.3`.
    #[schema(example = "account:42")]
    pub key: String,
}

/// Forget a throttle's failures so the account, login or address may sign
/// in again at once (admin; audited as `auth.throttle_clear`).
#[utoipa::path(tag = "admin", request_body = ClearThrottle,
    responses((status = 204), (status = 403), (status = 404, description = "nothing counted for this key"),
              (status = 422, description = "not a throttle key")))]
#[post("/auth/throttles/clear")]
async fn clear_throttle(
    state: State,
    auth: web::Data<Auth>,
    me: CurrentUser,
    body: Json<ClearThrottle>,
) -> ApiResult<HttpResponse> {
    let key = body.0.key;
    state.read(move |conn| service::clear_throttle(conn, &auth, &me, &key)).await?;
    Ok(HttpResponse::NoContent().finish())
}
