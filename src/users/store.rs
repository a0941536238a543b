//! Queries on users and departments; each takes `&mut DbConn` so callers can
//! compose them inside one transaction.

use chrono::Utc;
use diesel::prelude::*;
use diesel::result::QueryResult;

use crate::db::rollup::{self, Scope};
use crate::db::schema::{departments, users};
use crate::db::DbConn;
use crate::enums::DepartmentKind;
use crate::ids::{DepartmentId, UserId};
use crate::text::escape_like;
use crate::users::model::{Department, NewDepartment, NewUser, User, UserChanges};
use crate::with_conn;

pub fn create_department(conn: &mut DbConn, name: &str, kind: DepartmentKind) -> QueryResult<Department> {
    let row = NewDepartment { name, kind, created_at: Utc::now().naive_utc() };
    with_conn!(conn, |c| diesel::insert_into(departments::table)
        .values(&row)
        .returning(Department::as_returning())
        .get_result(c))
}

pub fn list_departments(conn: &mut DbConn) -> QueryResult<Vec<Department>> {
    with_conn!(conn, |c| departments::table.order(departments::id).select(Department::as_select()).load(c))
}

pub fn find_department(conn: &mut DbConn, id: DepartmentId) -> QueryResult<Option<Department>> {
    with_conn!(conn, |c| departments::table.find(id).select(Department::as_select()).first(c).optional())
}

pub fn department_name_taken(conn: &mut DbConn, name: &str) -> QueryResult<bool> {
    with_conn!(conn, |c| diesel::select(diesel::dsl::exists(
        departments::table.filter(departments::name.eq(name))
    ))
    .get_result(c))
}

pub fn insert_user(conn: &mut DbConn, user: &NewUser<'_>) -> QueryResult<User> {
    with_conn!(conn, |c| diesel::insert_into(users::table)
        .values(user)
        .returning(User::as_returning())
        .get_result(c))
}

pub fn find_user(conn: &mut DbConn, id: UserId) -> QueryResult<Option<User>> {
    with_conn!(conn, |c| users::table.find(id).select(User::as_select()).first(c).optional())
}

/// Finds a user by employee number (any case) or e-mail (any case).
pub fn find_by_login(conn: &mut DbConn, login: &str) -> QueryResult<Option<User>> {
    let login = login.trim();
    let (employee_no, email) = (login.to_ascii_uppercase(), login.to_lowercase());
    with_conn!(conn, |c| users::table
        .filter(users::employee_no.eq(&employee_no).or(users::email.eq(&email)))
        .select(User::as_select())
        .first(c)
        .optional())
}

/// Which of the unique identifiers already belong to someone other than `except`.
pub fn taken_identifiers(
    conn: &mut DbConn,
    employee_no: Option<&str>,
    email: Option<&str>,
    except: Option<UserId>,
) -> QueryResult<Vec<&'static str>> {
    let except = except.unwrap_or(UserId(0));
    let mut taken = Vec::new();
    if let Some(no) = employee_no {
        let exists = with_conn!(conn, |c| diesel::select(diesel::dsl::exists(
            users::table.filter(users::employee_no.eq(no)).filter(users::id.ne(except))
        ))
        .get_result::<bool>(c))?;
        if exists {
            taken.push("employee_no");
        }
    }
    if let Some(email) = email {
        let exists = with_conn!(conn, |c| diesel::select(diesel::dsl::exists(
            users::table.filter(users::email.eq(email)).filter(users::id.ne(except))
        ))
        .get_result::<bool>(c))?;
        if exists {
            taken.push("email");
        }
    }
    Ok(taken)
}

/// Users whose name, employee number or e-mail contains `q`, by id, with the total.
pub fn search_users(
    conn: &mut DbConn,
    q: Option<&str>,
    by_email: bool,
    department: Option<DepartmentId>,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<User>, i64)> {
    let pattern = q.map(|q| format!("%{}%", escape_like(q.trim())));
    with_conn!(conn, |c| {
        let filtered = || {
            let mut query = users::table.into_boxed();
            if let Some(pattern) = &pattern {
                let by_name = users::real_name
                    .like(pattern.clone())
                    .escape('\\')
                    .or(users::employee_no.like(pattern.to_uppercase()).escape('\\'));
                query = if by_email {
                    query.filter(by_name.or(users::email.like(pattern.to_lowercase()).escape('\\')))
                } else {
                    query.filter(by_name)
                };
            }
            if let Some(department) = department {
                query = query.filter(users::department_id.eq(department));
            }
            query
        };
        let total = filtered().count().get_result(c)?;
        let rows =
            filtered().order(users::id).offset(offset).limit(limit).select(User::as_select()).load(c)?;
        Ok((rows, total))
    })
}

/// Updates a user; their entries are re-indexed (they carry the author's name and department).
/// A change of department moves their entries' counts in the statistics.
pub fn update_user(conn: &mut DbConn, id: UserId, changes: &UserChanges) -> QueryResult<User> {
    let update = |conn: &mut DbConn| {
        with_conn!(conn, |c| diesel::update(users::table.find(id))
            .set(changes)
            .returning(User::as_returning())
            .get_result(c))
    };
    let user = match changes.department_id {
        Some(_) => rollup::track(conn, Scope::Author(id), update)?,
        None => update(conn)?,
    };
    crate::db::search_outbox::enqueue(conn, crate::db::search_outbox::Target::User(id))?;
    Ok(user)
}

pub fn set_password_hash(conn: &mut DbConn, id: UserId, hash: &str) -> QueryResult<()> {
    let now = Utc::now().naive_utc();
    with_conn!(conn, |c| diesel::update(users::table.find(id))
        .set((users::password_hash.eq(hash), users::updated_at.eq(now)))
        .execute(c))?;
    Ok(())
}

pub fn names(conn: &mut DbConn, ids: &[UserId]) -> QueryResult<Vec<(UserId, String)>> {
    with_conn!(conn, |c| users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::real_name))
        .load(c))
}

pub fn find_users(conn: &mut DbConn, ids: &[UserId]) -> QueryResult<Vec<User>> {
    with_conn!(conn, |c| users::table.filter(users::id.eq_any(ids)).select(User::as_select()).load(c))
}
