//! Admin endpoints for departments and users, and the user directory.

use actix_web::http::StatusCode;
use actix_web::{get, patch, post, web, HttpResponse};
use serde::{Deserialize, Deserializer};
use utoipa::{IntoParams, ToSchema};

use crate::api::{Json, Page, PageParams};
use crate::auth::extract::CurrentUser;
use crate::auth::Auth;
use crate::enums::DepartmentKind;
use crate::error::ApiResult;
use crate::idempotency::IdempotencyKey;
use crate::ids::{DepartmentId, UserId};
use crate::state::State;
use crate::users::service::{self, RawUser, RawUserEdit};
use crate::users::view::{DepartmentView, UserView};

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(create_department)
        .service(list_departments)
        .service(create_user)
        .service(list_users)
        .service(get_user)
        .service(update_user);
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateDepartment {
    #[schema(example = "政企客户部", max_length = 64)]
    pub name: String,
    pub kind: DepartmentKind,
}

/// Create a department (admin).
#[utoipa::path(tag = "admin", request_body = CreateDepartment,
    responses((status = 201, body = DepartmentView), (status = 409, description = "name taken"), (status = 422)))]
#[post("/departments")]
async fn create_department(
    state: State,
    me: CurrentUser,
    key: IdempotencyKey,
    body: Json<CreateDepartment>,
) -> ApiResult<HttpResponse> {
    let CreateDepartment { name, kind } = body.0;
    let user = me.id;
    state
        .write_once(user, key, StatusCode::CREATED, move |conn| {
            service::create_department(conn, &me, &name, kind).map(DepartmentView::from)
        })
        .await
}

/// All departments.
#[utoipa::path(tag = "admin", responses((status = 200, body = Vec<DepartmentView>)))]
#[get("/departments")]
async fn list_departments(state: State, _me: CurrentUser) -> ApiResult<HttpResponse> {
    let departments = state.read(service::departments).await?;
    Ok(HttpResponse::Ok().json(departments.into_iter().map(DepartmentView::from).collect::<Vec<_>>()))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateUser {
    #[schema(example = "E1001", max_length = 32)]
    pub employee_no: String,
    #[schema(example = "张伟", max_length = 64)]
    pub real_name: String,
    #[schema(max_length = 254)]
    pub email: String,
    pub department_id: Option<DepartmentId>,
    #[schema(example = json!(["employee", "account_manager"]))]
    pub roles: Vec<String>,
    pub password: String,
}

/// Create a user (admin). Users are never self-registered.
#[utoipa::path(tag = "admin", request_body = CreateUser,
    responses((status = 201, body = UserView), (status = 409, description = "employee number or email taken"), (status = 422)))]
#[post("/users")]
async fn create_user(
    state: State,
    auth: web::Data<Auth>,
    me: CurrentUser,
    key: IdempotencyKey,
    body: Json<CreateUser>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let raw = RawUser {
        employee_no: b.employee_no,
        real_name: b.real_name,
        email: b.email,
        department_id: b.department_id,
        roles: b.roles,
        password: b.password,
    };
    let user = me.id;
    state
        .write_once(user, key, StatusCode::CREATED, move |conn| {
            service::create(conn, &me, &auth.passwords, raw)
        })
        .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    /// Part of a name, employee number or e-mail.
    pub q: Option<String>,
    pub department_id: Option<DepartmentId>,
}

/// The user directory, searchable by name, employee number or e-mail.
#[utoipa::path(tag = "admin", params(UserQuery, PageParams), responses((status = 200, body = Page<UserView>)))]
#[get("/users")]
async fn list_users(
    state: State,
    me: CurrentUser,
    query: web::Query<UserQuery>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let UserQuery { q, department_id } = query.into_inner();
    let page = page.into_inner();
    let (items, total) = state
        .read(move |conn| {
            service::list(conn, &me, q.as_deref(), department_id, page.offset(), page.per_page())
        })
        .await?;
    Ok(HttpResponse::Ok().json(Page { items, total }))
}

/// One user.
#[utoipa::path(tag = "admin", responses((status = 200, body = UserView), (status = 404)))]
#[get("/users/{id}")]
async fn get_user(state: State, me: CurrentUser, id: web::Path<UserId>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let view = state.read(move |conn| service::get(conn, &me, id)).await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct UpdateUser {
    #[schema(max_length = 64)]
    pub real_name: Option<String>,
    #[schema(max_length = 254)]
    pub email: Option<String>,
    /// `null` removes the user from their department.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub department_id: Option<Option<DepartmentId>>,
    pub roles: Option<Vec<String>>,
    /// `false` deactivates the account and ends its sessions at once.
    pub is_active: Option<bool>,
    /// Sets a new password (admin reset); ends the user's sessions.
    pub password: Option<String>,
}

/// Distinguishes a field set to `null` from a missing one.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// Edit a user (admin): roles, department, activation, name, e-mail, password.
#[utoipa::path(tag = "admin", request_body = UpdateUser,
    responses((status = 200, body = UserView), (status = 404), (status = 409), (status = 422)))]
#[patch("/users/{id}")]
async fn update_user(
    state: State,
    auth: web::Data<Auth>,
    me: CurrentUser,
    id: web::Path<UserId>,
    body: Json<UpdateUser>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let b = body.0;
    let raw = RawUserEdit {
        real_name: b.real_name,
        email: b.email,
        department_id: b.department_id,
        roles: b.roles,
        is_active: b.is_active,
        password: b.password,
    };
    let view = state.read(move |conn| service::update(conn, &me, &auth.passwords, id, raw)).await?;
    Ok(HttpResponse::Ok().json(view))
}
