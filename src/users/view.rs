//! The `User` shape of the API, assembled from rows.

use std::collections::HashMap;

use diesel::result::QueryResult;
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::UserRef;
use crate::auth::extract::CurrentUser;
use crate::auth::policy;
use crate::db::DbConn;
use crate::enums::{DepartmentKind, Role};
use crate::ids::{DepartmentId, UserId};
use crate::points::store as points;
use crate::users::model::{Department, User};
use crate::users::store;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DepartmentRef {
    pub id: DepartmentId,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DepartmentView {
    pub id: DepartmentId,
    pub name: String,
    pub kind: DepartmentKind,
}

impl From<Department> for DepartmentView {
    fn from(d: Department) -> Self {
        DepartmentView { id: d.id, name: d.name, kind: d.kind }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserView {
    pub id: UserId,
    pub employee_no: String,
    pub real_name: String,
    /// Shown to the user themselves and to admins; absent in the directory otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    pub department: Option<DepartmentRef>,
    #[schema(example = json!(["employee", "reviewer"]))]
    pub roles: Vec<Role>,
    /// Current points balance (the sum of the user's ledger): shown to the
    /// user themselves and to admins; absent in the directory otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub points: Option<i64>,
    pub is_active: bool,
}

impl UserView {
    /// The view as `viewer` may see it: without e-mail and balance unless
    /// it is their own or they are an admin.
    pub fn for_viewer(mut self, viewer: &CurrentUser) -> Self {
        if !policy::may_see_person(viewer, self.id) {
            self.email = None;
            self.points = None;
        }
        self
    }
}

/// Builds views for `users`, loading their departments and balances in bulk.
pub fn user_views(conn: &mut DbConn, users: Vec<User>) -> QueryResult<Vec<UserView>> {
    let departments: HashMap<DepartmentId, String> =
        store::list_departments(conn)?.into_iter().map(|d| (d.id, d.name)).collect();
    let ids: Vec<UserId> = users.iter().map(|u| u.id).collect();
    let balances = points::balances(conn, &ids)?;
    Ok(users
        .into_iter()
        .map(|user| UserView {
            department: user
                .department_id
                .and_then(|id| departments.get(&id).map(|name| DepartmentRef { id, name: name.clone() })),
            roles: user.roles.iter().collect(),
            points: Some(balances.get(&user.id).copied().unwrap_or(0)),
            id: user.id,
            employee_no: user.employee_no,
            real_name: user.real_name,
            email: Some(user.email),
            is_active: user.is_active,
        })
        .collect())
}

pub fn user_view(conn: &mut DbConn, user: User) -> QueryResult<UserView> {
    Ok(user_views(conn, vec![user])?.remove(0))
}

/// Names of the given users, for building [`UserRef`]s in bulk.
pub fn user_refs(conn: &mut DbConn, ids: &[UserId]) -> QueryResult<HashMap<UserId, UserRef>> {
    Ok(store::names(conn, ids)?.into_iter().map(|(id, real_name)| (id, UserRef { id, real_name })).collect())
}
