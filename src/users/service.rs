//! Departments and users: created and edited by admins, never self-registered.

use chrono::Utc;
use serde_json::json;

use crate::audit;
use crate::auth::extract::CurrentUser;
use crate::auth::password::{Password, Passwords};
use crate::auth::policy::{self};
use crate::auth::store as sessions;
use crate::db::{write_tx, DbConn};
use crate::enums::{AuditAction, DepartmentKind, Role, Roles};
use crate::error::Fields;
use crate::ids::{DepartmentId, UserId};
use crate::users::model::{Department, Email, EmployeeNo, NewUser, RealName, User, UserChanges};
use crate::users::store;
use crate::users::view::{user_view, user_views, UserView};

crate::service_error! {
    pub enum UserError {
        #[error("用户不存在")]
        NotFound => NotFound,
        #[error("{0}已被使用")]
        Taken(String) => Conflict,
        #[error("部门“{0}”已存在")]
        DepartmentTaken(String) => Conflict,
    }
}

type Result<T> = std::result::Result<T, UserError>;

fn collect<T, E: ToString>(
    problems: &mut Fields,
    field: &str,
    parsed: std::result::Result<T, E>,
) -> Option<T> {
    parsed.map_err(|e| problems.insert(field.to_owned(), e.to_string())).ok()
}

/// A new user as sent, before parsing.
#[derive(Debug, Clone, Default)]
pub struct RawUser {
    pub employee_no: String,
    pub real_name: String,
    pub email: String,
    pub department_id: Option<DepartmentId>,
    pub roles: Vec<String>,
    pub password: String,
}

/// Edits of a user as sent, before parsing.
#[derive(Debug, Clone, Default)]
pub struct RawUserEdit {
    pub real_name: Option<String>,
    pub email: Option<String>,
    pub department_id: Option<Option<DepartmentId>>,
    pub roles: Option<Vec<String>>,
    pub is_active: Option<bool>,
    pub password: Option<String>,
}

/// A new user's facts, each parsed.
#[derive(Debug, Clone)]
pub struct NewUserInput {
    pub employee_no: EmployeeNo,
    pub real_name: RealName,
    pub email: Email,
    pub department_id: Option<DepartmentId>,
    pub roles: Roles,
    pub password: Password,
}

impl NewUserInput {
    pub fn parse(raw: &RawUser) -> Result<Self> {
        let mut problems = Fields::new();
        let employee_no = collect(&mut problems, "employee_no", EmployeeNo::parse(&raw.employee_no));
        let real_name = collect(&mut problems, "real_name", RealName::parse(&raw.real_name));
        let email = collect(&mut problems, "email", Email::parse(&raw.email));
        let password = collect(&mut problems, "password", Password::parse(&raw.password));
        let roles = collect(&mut problems, "roles", Roles::parse(&raw.roles));
        match (employee_no, real_name, email, password, roles) {
            (Some(employee_no), Some(real_name), Some(email), Some(password), Some(roles)) => {
                Ok(NewUserInput {
                    employee_no,
                    real_name,
                    email,
                    department_id: raw.department_id,
                    roles,
                    password,
                })
            }
            _ => Err(UserError::Invalid(problems)),
        }
    }
}

/// Edits of a user, each parsed; `None` leaves a value alone.
#[derive(Debug, Clone, Default)]
pub struct UserEdit {
    pub real_name: Option<RealName>,
    pub email: Option<Email>,
    pub department_id: Option<Option<DepartmentId>>,
    pub roles: Option<Roles>,
    pub is_active: Option<bool>,
    pub password: Option<Password>,
}

impl UserEdit {
    pub fn parse(raw: RawUserEdit) -> Result<Self> {
        let mut problems = Fields::new();
        let real_name =
            collect(&mut problems, "real_name", raw.real_name.as_deref().map(RealName::parse).transpose())
                .flatten();
        let email =
            collect(&mut problems, "email", raw.email.as_deref().map(Email::parse).transpose()).flatten();
        let roles =
            collect(&mut problems, "roles", raw.roles.as_deref().map(Roles::parse).transpose()).flatten();
        let password =
            collect(&mut problems, "password", raw.password.as_deref().map(Password::parse).transpose())
                .flatten();
        if !problems.is_empty() {
            return Err(UserError::Invalid(problems));
        }
        let (department_id, is_active) = (raw.department_id, raw.is_active);
        Ok(UserEdit { real_name, email, department_id, roles, is_active, password })
    }
}

/// Creates a department (admin).
pub fn create_department(
    conn: &mut DbConn,
    me: &CurrentUser,
    name: &str,
    kind: DepartmentKind,
) -> Result<Department> {
    policy::require_admin(me)?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 64 {
        return Err(UserError::field("name", "部门名称须为 1–64 个字符"));
    }
    write_tx(conn, |conn| {
        if store::department_name_taken(conn, name)? {
            return Err(UserError::DepartmentTaken(name.to_owned()));
        }
        let department = store::create_department(conn, name, kind)?;
        let detail = json!({"name": name});
        audit::record(
            conn,
            Some(me.id),
            AuditAction::DepartmentCreate,
            "department",
            Some(department.id.0),
            detail,
        )?;
        Ok(department)
    })
}

pub fn departments(conn: &mut DbConn) -> Result<Vec<Department>> {
    Ok(store::list_departments(conn)?)
}

/// Creates a user (admin); the password is hashed here, on the caller's blocking thread.
pub fn create(conn: &mut DbConn, me: &CurrentUser, passwords: &Passwords, raw: RawUser) -> Result<UserView> {
    policy::require_admin(me)?;
    let input = NewUserInput::parse(&raw)?;
    let password_hash = passwords.hash(&input.password);
    write_tx(conn, |conn| {
        let user = insert(conn, &input, password_hash)?;
        let detail = json!({"roles": user.roles.names()});
        audit::record(conn, Some(me.id), AuditAction::UserCreate, "user", Some(user.id.0), detail)?;
        Ok(user_view(conn, user)?)
    })
}

/// Stores a user after checking that the department exists and the employee
/// number and e-mail are free; for the API, `create-admin` and the demo.
pub fn insert(conn: &mut DbConn, input: &NewUserInput, password_hash: String) -> Result<User> {
    write_tx(conn, |conn| {
        ensure_department(conn, input.department_id)?;
        let taken = store::taken_identifiers(
            conn,
            Some(input.employee_no.as_str()),
            Some(input.email.as_str()),
            None,
        )?;
        if !taken.is_empty() {
            return Err(taken_error(&taken));
        }
        let now = Utc::now().naive_utc();
        let user = store::insert_user(
            conn,
            &NewUser {
                employee_no: input.employee_no.as_str(),
                real_name: input.real_name.as_str(),
                email: input.email.as_str(),
                department_id: input.department_id,
                roles: input.roles.clone(),
                password_hash,
                is_active: true,
                created_at: now,
                updated_at: now,
            },
        )?;
        Ok(user)
    })
}

fn taken_error(taken: &[&str]) -> UserError {
    let what: Vec<&str> = taken.iter().map(|field| if *field == "email" { "邮箱" } else { "工号" }).collect();
    UserError::Taken(what.join("和"))
}

fn ensure_department(conn: &mut DbConn, id: Option<DepartmentId>) -> Result<()> {
    match id {
        Some(id) if store::find_department(conn, id)?.is_none() => {
            Err(UserError::field("department_id", "部门不存在"))
        }
        _ => Ok(()),
    }
}

/// The user directory, by name or employee number (and e-mail for admins):
/// everyone sees names, departments and roles; e-mail and balance only
/// one's own, or anyone's as an admin.
pub fn list(
    conn: &mut DbConn,
    me: &CurrentUser,
    q: Option<&str>,
    department: Option<DepartmentId>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<UserView>, i64)> {
    let q = q.filter(|q| !q.trim().is_empty());
    let by_email = me.has(Role::Admin);
    let (rows, total) = store::search_users(conn, q, by_email, department, offset, limit)?;
    Ok((user_views(conn, rows)?.into_iter().map(|v| v.for_viewer(me)).collect(), total))
}

/// One user, as the directory shows them to `me`.
pub fn get(conn: &mut DbConn, me: &CurrentUser, id: UserId) -> Result<UserView> {
    let user = store::find_user(conn, id)?.ok_or(UserError::NotFound)?;
    Ok(user_view(conn, user)?.for_viewer(me))
}

/// Edits a user (admin). Deactivating or resetting the password ends the
/// user's sessions; admins cannot lock themselves out.
pub fn update(
    conn: &mut DbConn,
    me: &CurrentUser,
    passwords: &Passwords,
    id: UserId,
    raw: RawUserEdit,
) -> Result<UserView> {
    policy::require_admin(me)?;
    let edit = UserEdit::parse(raw)?;
    if id == me.id {
        if edit.is_active == Some(false) {
            return Err(UserError::field("is_active", "不能停用自己的账号"));
        }
        if edit.roles.as_ref().is_some_and(|r| !r.has(Role::Admin)) {
            return Err(UserError::field("roles", "不能取消自己的管理员角色"));
        }
    }
    let password_hash = edit.password.as_ref().map(|p| passwords.hash(p));
    write_tx(conn, |conn| {
        let before = store::find_user(conn, id)?.ok_or(UserError::NotFound)?;
        if let Some(department) = edit.department_id {
            ensure_department(conn, department)?;
        }
        let taken = store::taken_identifiers(conn, None, edit.email.as_ref().map(Email::as_str), Some(id))?;
        if !taken.is_empty() {
            return Err(taken_error(&taken));
        }
        let password_reset = password_hash.is_some();
        let ends_sessions = edit.is_active == Some(false) || password_reset;
        let changes = UserChanges {
            real_name: edit.real_name.map(|n| n.as_str().to_owned()),
            email: edit.email.map(|e| e.as_str().to_owned()),
            department_id: edit.department_id,
            roles: edit.roles,
            is_active: edit.is_active,
            password_hash,
            updated_at: Some(Utc::now().naive_utc()),
        };
        let after = store::update_user(conn, id, &changes)?;
        if ends_sessions {
            sessions::revoke_all_except(conn, id, None, "changed_by_admin")?;
        }
        let detail = json!({
            "roles": {"before": before.roles.names(), "after": after.roles.names()},
            "is_active": {"before": before.is_active, "after": after.is_active},
            "department_id": {"before": before.department_id, "after": after.department_id},
            "password_reset": password_reset,
        });
        audit::record(conn, Some(me.id), AuditAction::UserUpdate, "user", Some(id.0), detail)?;
        Ok(user_view(conn, after)?)
    })
}
