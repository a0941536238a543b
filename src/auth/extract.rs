//! The signed-in user, taken from `Authorization: Bearer <access token>`.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};

use crate::auth::store::{self, SessionId};
use crate::error::ApiError;
use crate::state::AppState;
use crate::users::model::{DepartmentId, Role, Roles, User, UserId};

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

    /// 403 unless the user has `role`.
    pub fn require(&self, role: Role) -> Result<(), ApiError> {
        if self.has(role) {
            Ok(())
        } else {
            Err(ApiError::forbidden())
        }
    }

    /// `user` acting outside any request (the command line, the demo seed): no session.
    pub fn acting_as(user: User) -> Self {
        Self::from_user(user, SessionId(0))
    }

    fn from_user(user: User, session: SessionId) -> Self {
        CurrentUser {
            roles: user.roles(),
            id: user.id,
            session,
            real_name: user.real_name,
            department_id: user.department_id,
        }
    }
}

impl FromRequest for CurrentUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let claims = bearer_token(req).and_then(|token| state.as_ref()?.tokens.check(token));
        Box::pin(async move {
            let (state, claims) = state.zip(claims).ok_or_else(ApiError::unauthorized)?;
            let user_id = claims.user_id().ok_or_else(ApiError::unauthorized)?;
            let session = claims.session_id();
            let user = state.db(move |conn| Ok(store::active_user(conn, user_id, session)?)).await?;
            user.map(|u| CurrentUser::from_user(u, session)).ok_or_else(ApiError::unauthorized)
        })
    }
}

fn bearer_token(req: &HttpRequest) -> Option<&str> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim()).filter(|t| !t.is_empty())
}
