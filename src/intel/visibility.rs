//! Who may read what (DESIGN.md §3), as pure functions. The same rules are
//! applied in SQL by the list queries and, later, inside search.

use crate::auth::extract::CurrentUser;
use crate::intel::model::IntelStatus;
use crate::users::model::{Role, UserId};

/// Reviewers and admins see every submitted entry and every sensitive value.
pub fn is_privileged(viewer: &CurrentUser) -> bool {
    viewer.has(Role::Reviewer) || viewer.has(Role::Admin)
}

/// Whether `viewer` may read an entry at all.
pub fn can_read(viewer: &CurrentUser, status: IntelStatus, author: UserId) -> bool {
    if author == viewer.id {
        return true;
    }
    match status {
        IntelStatus::Adopted | IntelStatus::Superseded => true,
        IntelStatus::Draft => false,
        _ => is_privileged(viewer),
    }
}

/// Whether `viewer` sees sensitive values: the author, the client's owner,
/// reviewers and admins.
pub fn can_unmask(viewer: &CurrentUser, author: Option<UserId>, client_owner: Option<UserId>) -> bool {
    author == Some(viewer.id) || client_owner == Some(viewer.id) || is_privileged(viewer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::store::SessionId;
    use crate::users::model::Roles;

    fn viewer(id: i64, roles: &[Role]) -> CurrentUser {
        CurrentUser {
            id: UserId(id),
            session: SessionId(1),
            real_name: "x".into(),
            department_id: None,
            roles: Roles::new(roles.iter().copied()),
        }
    }

    #[test]
    fn statuses_follow_the_design() {
        let author = UserId(1);
        let employee = viewer(2, &[]);
        let reviewer = viewer(3, &[Role::Reviewer]);
        let admin = viewer(4, &[Role::Admin]);
        let me = viewer(1, &[]);
        use IntelStatus::*;
        for status in [Adopted, Superseded] {
            assert!(can_read(&employee, status, author));
        }
        for status in [Submitted, NeedsRevision, Rejected, Duplicate, Retracted] {
            assert!(!can_read(&employee, status, author));
            assert!(can_read(&reviewer, status, author));
            assert!(can_read(&admin, status, author));
            assert!(can_read(&me, status, author));
        }
        assert!(!can_read(&reviewer, Draft, author));
        assert!(!can_read(&admin, Draft, author));
        assert!(can_read(&me, Draft, author));
    }

    #[test]
    fn sensitive_values_for_author_owner_reviewer_admin_only() {
        let author = Some(UserId(1));
        let owner = Some(UserId(5));
        assert!(can_unmask(&viewer(1, &[]), author, owner));
        assert!(can_unmask(&viewer(5, &[Role::AccountManager]), author, owner));
        assert!(can_unmask(&viewer(3, &[Role::Reviewer]), author, owner));
        assert!(can_unmask(&viewer(4, &[Role::Admin]), author, owner));
        assert!(!can_unmask(&viewer(2, &[Role::Marketer, Role::AccountManager]), author, owner));
    }
}
