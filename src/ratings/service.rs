//! Ratings of a person or a department, and the leaderboard.

use std::collections::HashMap;

use crate::auth::extract::CurrentUser;
use crate::auth::policy;
use crate::db::DbConn;
use crate::ids::{DepartmentId, UserId};
use crate::ratings::model::{AuthorFacts, LeaderRow, LeaderUser, Leaderboard, Ratings};
use crate::ratings::rules::{rank_by_points, rate};
use crate::ratings::store::{self, Authors};
use crate::time::{Period, Span};
use crate::users::store as users;
use crate::users::view::DepartmentRef;

crate::service_error! {
    pub enum RatingsError {
        #[error("用户不存在")]
        UserNotFound => NotFound,
        #[error("部门不存在")]
        DepartmentNotFound => NotFound,
        #[error("只能查看自己的评价；部门负责人可查看本部门，审核员和管理员可查看全部")]
        OthersRatings => Forbidden,
    }
}

type Result<T> = std::result::Result<T, RatingsError>;

/// A person's ratings, for those who may see them (see `policy::may_see_ratings`).
pub fn user_ratings(
    conn: &mut DbConn,
    me: &CurrentUser,
    id: UserId,
    period: Period,
    span: Span,
) -> Result<Ratings> {
    let person = users::find_user(conn, id)?.ok_or(RatingsError::UserNotFound)?;
    if !policy::may_see_ratings(me, person.id, person.department_id) {
        return Err(RatingsError::OthersRatings);
    }
    let facts = store::author_facts(conn, Authors::One(id), span)?.remove(&id).unwrap_or_default();
    Ok(rate(period.as_str(), &facts))
}

/// The same figures over all the department's members' entries.
pub fn department_ratings(
    conn: &mut DbConn,
    me: &CurrentUser,
    id: DepartmentId,
    period: Period,
    span: Span,
) -> Result<Ratings> {
    users::find_department(conn, id)?.ok_or(RatingsError::DepartmentNotFound)?;
    if !policy::may_see_department(me, id) {
        return Err(RatingsError::OthersRatings);
    }
    let facts = store::author_facts(conn, Authors::Department(id), span)?
        .into_values()
        .fold(AuthorFacts::default(), AuthorFacts::merge);
    Ok(rate(period.as_str(), &facts))
}

/// Who the leaderboard ranks.
#[derive(Debug, Clone, Copy, Default)]
pub struct LeaderboardScope {
    pub department: Option<DepartmentId>,
    /// Leave out admins and reviewers.
    pub exclude_staff: bool,
    pub limit: usize,
}

/// Points earned in the period by active users, dense-ranked; nobody at zero.
pub fn leaderboard(
    conn: &mut DbConn,
    period: Period,
    span: Span,
    scope: LeaderboardScope,
) -> Result<Leaderboard> {
    let departments: HashMap<DepartmentId, String> =
        users::list_departments(conn)?.into_iter().map(|d| (d.id, d.name)).collect();
    let earners = store::earners(conn, span, scope.department)?
        .into_iter()
        .filter(|e| e.points != 0 && !(scope.exclude_staff && policy::is_staff(&e.roles)))
        .collect();
    let items = rank_by_points(earners, |e| e.points, |e| e.id)
        .into_iter()
        .take(scope.limit)
        .map(|(rank, e)| LeaderRow {
            rank,
            points: e.points,
            user: LeaderUser {
                department: e
                    .department_id
                    .and_then(|id| departments.get(&id).map(|name| DepartmentRef { id, name: name.clone() })),
                id: e.id,
                real_name: e.real_name,
            },
        })
        .collect();
    Ok(Leaderboard { period: period.as_str().to_owned(), items })
}
