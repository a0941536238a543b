//! Admin endpoints for departments and users, and the user directory.

use actix_web::{get, patch, post, web, HttpResponse};
use chrono::Utc;
use serde::{Deserialize, Deserializer};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use crate::api::{Json, Page, PageParams};
use crate::audit;
use crate::auth::extract::CurrentUser;
use crate::auth::password::Password;
use crate::auth::store as sessions;
use crate::db::write_tx;
use crate::error::{ApiError, ApiResult, Fields};
use crate::state::State;
use crate::users::model::{
    DepartmentId, DepartmentKind, Email, EmployeeNo, NewUser, RealName, Role, Roles, UserChanges, UserId,
};
use crate::users::store;
use crate::users::view::{user_view, user_views, DepartmentView, UserView};

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
    #[schema(example = "政企客户部")]
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
    body: Json<CreateDepartment>,
) -> ApiResult<HttpResponse> {
    me.require(Role::Admin)?;
    let CreateDepartment { name, kind } = body.0;
    let name = name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 64 {
        return Err(ApiError::field("name", "部门名称须为 1–64 个字符"));
    }
    let department = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                if store::department_name_taken(conn, &name)? {
                    return Err(ApiError::Conflict(format!("部门“{name}”已存在")));
                }
                let department = store::create_department(conn, &name, kind.as_str())?;
                audit::record(
                    conn,
                    Some(me.id),
                    "department.create",
                    "department",
                    Some(department.id.0),
                    json!({"name": name}),
                )?;
                Ok(department)
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(DepartmentView::from(department)))
}

/// All departments.
#[utoipa::path(tag = "admin", responses((status = 200, body = Vec<DepartmentView>)))]
#[get("/departments")]
async fn list_departments(state: State, _me: CurrentUser) -> ApiResult<HttpResponse> {
    let departments = state.db(|conn| Ok(store::list_departments(conn)?)).await?;
    Ok(HttpResponse::Ok().json(departments.into_iter().map(DepartmentView::from).collect::<Vec<_>>()))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateUser {
    #[schema(example = "E1001")]
    pub employee_no: String,
    #[schema(example = "张伟")]
    pub real_name: String,
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
async fn create_user(state: State, me: CurrentUser, body: Json<CreateUser>) -> ApiResult<HttpResponse> {
    me.require(Role::Admin)?;
    let input = body.0;
    let mut problems = Fields::new();
    let employee_no = collect(&mut problems, "employee_no", EmployeeNo::parse(&input.employee_no));
    let real_name = collect(&mut problems, "real_name", RealName::parse(&input.real_name));
    let email = collect(&mut problems, "email", Email::parse(&input.email));
    let password = collect(&mut problems, "password", Password::parse(&input.password));
    let roles = collect(&mut problems, "roles", Roles::parse(&input.roles));
    let (Some(employee_no), Some(real_name), Some(email), Some(password), Some(roles)) =
        (employee_no, real_name, email, password, roles)
    else {
        return Err(ApiError::fields(problems));
    };
    let passwords = state.passwords.clone();
    let department_id = input.department_id;
    let view = state
        .db(move |conn| {
            let password_hash = passwords.hash(&password);
            write_tx(conn, |conn| {
                ensure_department(conn, department_id)?;
                let user = create_user_row(
                    conn,
                    &employee_no,
                    &real_name,
                    &email,
                    department_id,
                    &roles,
                    password_hash,
                )?;
                audit::record(
                    conn,
                    Some(me.id),
                    "user.create",
                    "user",
                    Some(user.id.0),
                    json!({"roles": roles.names()}),
                )?;
                Ok(user_view(conn, user)?)
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// Inserts a user after checking that the employee number and e-mail are free.
pub fn create_user_row(
    conn: &mut crate::db::DbConn,
    employee_no: &EmployeeNo,
    real_name: &RealName,
    email: &Email,
    department_id: Option<DepartmentId>,
    roles: &Roles,
    password_hash: String,
) -> ApiResult<crate::users::model::User> {
    let taken = store::taken_identifiers(conn, Some(employee_no.as_str()), Some(email.as_str()), None)?;
    if !taken.is_empty() {
        return Err(conflict_on(&taken));
    }
    let now = Utc::now().naive_utc();
    let user = store::insert_user(
        conn,
        &NewUser {
            employee_no: employee_no.as_str(),
            real_name: real_name.as_str(),
            email: email.as_str(),
            department_id,
            roles: roles.to_column(),
            password_hash,
            is_active: true,
            created_at: now,
            updated_at: now,
        },
    )?;
    Ok(user)
}

fn conflict_on(taken: &[&str]) -> ApiError {
    let what: Vec<&str> = taken.iter().map(|field| if *field == "email" { "邮箱" } else { "工号" }).collect();
    ApiError::Conflict(format!("{}已被使用", what.join("和")))
}

fn ensure_department(conn: &mut crate::db::DbConn, id: Option<DepartmentId>) -> ApiResult<()> {
    match id {
        Some(id) if store::find_department(conn, id)?.is_none() => {
            Err(ApiError::field("department_id", "部门不存在"))
        }
        _ => Ok(()),
    }
}

fn collect<T, E: ToString>(problems: &mut Fields, field: &str, parsed: Result<T, E>) -> Option<T> {
    parsed.map_err(|e| problems.insert(field.to_owned(), e.to_string())).ok()
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
    _me: CurrentUser,
    query: web::Query<UserQuery>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let UserQuery { q, department_id } = query.into_inner();
    let page = page.into_inner();
    let result = state
        .db(move |conn| {
            let q = q.as_deref().filter(|q| !q.trim().is_empty());
            let (rows, total) = store::search_users(conn, q, department_id, page.offset(), page.per_page())?;
            Ok(Page { items: user_views(conn, rows)?, total })
        })
        .await?;
    Ok(HttpResponse::Ok().json(result))
}

/// One user.
#[utoipa::path(tag = "admin", responses((status = 200, body = UserView), (status = 404)))]
#[get("/users/{id}")]
async fn get_user(state: State, _me: CurrentUser, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = UserId(id.into_inner());
    let view = state
        .db(move |conn| {
            let user = store::find_user(conn, id)?.ok_or_else(|| ApiError::not_found("用户"))?;
            Ok(user_view(conn, user)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct UpdateUser {
    pub real_name: Option<String>,
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
    me: CurrentUser,
    id: web::Path<i64>,
    body: Json<UpdateUser>,
) -> ApiResult<HttpResponse> {
    me.require(Role::Admin)?;
    let id = UserId(id.into_inner());
    let input = body.0;
    let mut problems = Fields::new();
    let real_name = input.real_name.as_deref().map(RealName::parse).transpose();
    let real_name = collect(&mut problems, "real_name", real_name).flatten();
    let email =
        collect(&mut problems, "email", input.email.as_deref().map(Email::parse).transpose()).flatten();
    let roles =
        collect(&mut problems, "roles", input.roles.as_deref().map(Roles::parse).transpose()).flatten();
    let password =
        collect(&mut problems, "password", input.password.as_deref().map(Password::parse).transpose())
            .flatten();
    if !problems.is_empty() {
        return Err(ApiError::fields(problems));
    }
    if id == me.id {
        if input.is_active == Some(false) {
            return Err(ApiError::field("is_active", "不能停用自己的账号"));
        }
        if roles.as_ref().is_some_and(|r| !r.has(Role::Admin)) {
            return Err(ApiError::field("roles", "不能取消自己的管理员角色"));
        }
    }
    let passwords = state.passwords.clone();
    let view = state
        .db(move |conn| {
            let password_hash = password.map(|p| passwords.hash(&p));
            write_tx(conn, |conn| {
                let before = store::find_user(conn, id)?.ok_or_else(|| ApiError::not_found("用户"))?;
                if let Some(department) = input.department_id {
                    ensure_department(conn, department)?;
                }
                let taken =
                    store::taken_identifiers(conn, None, email.as_ref().map(Email::as_str), Some(id))?;
                if !taken.is_empty() {
                    return Err(conflict_on(&taken));
                }
                let ends_sessions = input.is_active == Some(false) || password_hash.is_some();
                let changes = UserChanges {
                    real_name: real_name.map(|n| n.as_str().to_owned()),
                    email: email.map(|e| e.as_str().to_owned()),
                    department_id: input.department_id,
                    roles: roles.as_ref().map(Roles::to_column),
                    is_active: input.is_active,
                    password_hash,
                    updated_at: Some(Utc::now().naive_utc()),
                };
                let after = store::update_user(conn, id, &changes)?;
                if ends_sessions {
                    sessions::revoke_all_except(conn, id, None, "changed_by_admin")?;
                }
                let detail = json!({
                    "roles": {"before": before.roles().names(), "after": after.roles().names()},
                    "is_active": {"before": before.is_active, "after": after.is_active},
                    "department_id": {"before": before.department_id, "after": after.department_id},
                    "password_reset": changes.password_hash.is_some(),
                });
                audit::record(conn, Some(me.id), "user.update", "user", Some(id.0), detail)?;
                Ok(user_view(conn, after)?)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}
