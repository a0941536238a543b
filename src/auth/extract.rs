//! The signed-in user, taken from `Authorization: Bearer <access token>`.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};

use crate::auth::store::{self, Principal};
use crate::auth::Auth;
use crate::enums::{Role, Roles};
use crate::error::ApiError;
use crate::ids::{DepartmentId, SessionId, UserId};
use crate::state::AppState;

/// A request's authenticated user. The token is checked (signature, pinned
/// algorithm, issuer, audience, expiry) and its session and user are looked up,
/// so logout, password change and deactivation take effect at once.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: UserId,
    pub session: SessionId,
    pub real_name: String,
    pub department_id: Option<DepartmentId>,
    pub roles: Roles,
}

impl CurrentUser {
    pub fn has(&self, role: Role) -> bool {
        self.roles.has(role)
    }

    fn from_principal((id, real_name, department_id, roles): Principal, session: SessionId) -> Self {
        CurrentUser { id, session, real_name, department_id, roles }
    }
}

impl FromRequest for CurrentUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let keys = req.app_data::<web::Data<Auth>>();
        let claims = bearer_token(req).and_then(|token| keys?.tokens.check(token));
        Box::pin(async move {
            let (state, claims) = state.zip(claims).ok_or_else(ApiError::unauthorized)?;
            let user_id = claims.user_id().ok_or_else(ApiError::unauthorized)?;
            let session = claims.session_id();
            let user = state.read(move |conn| store::active_user(conn, user_id, session)).await?;
            user.map(|u| CurrentUser::from_principal(u, session)).ok_or_else(ApiError::unauthorized)
        })
    }
}

fn bearer_token(req: &HttpRequest) -> Option<&str> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim()).filter(|t| !t.is_empty())
}
