//! Every role and visibility rule (DESIGN.md §2–3), as pure functions, in
//! one place. Services ask here; the list queries and search apply the same
//! rules in their filters.

use crate::auth::extract::CurrentUser;
use crate::enums::{IntelStatus, Role};
use crate::ids::{DepartmentId, UserId};

pub use crate::error::Denied;

/// `Ok` when `allowed`, else [`Denied`].
pub fn allow(allowed: bool) -> Result<(), Denied> {
    if allowed {
        Ok(())
    } else {
        Err(Denied)
    }
}

/// Administration: users, departments, templates, point rules, audit, mail, jobs.
pub fn require_admin(user: &CurrentUser) -> Result<(), Denied> {
    allow(user.has(Role::Admin))
}

/// The review queue, decisions and retractions: reviewers and admins.
pub fn require_reviewer(user: &CurrentUser) -> Result<(), Denied> {
    allow(is_privileged(user))
}

/// Statistics, interest clusters and exports: the information-using,
/// information-managing and administering roles.
pub fn may_see_statistics(user: &CurrentUser) -> bool {
    user.has(Role::Marketer) || user.has(Role::Reviewer) || user.has(Role::Admin)
}

/// Someone's ledger, e-mail address and balance: their own, or any as an admin.
/// (The directory shows everyone names, departments and roles.)
pub fn may_see_person(user: &CurrentUser, person: UserId) -> bool {
    person == user.id || user.has(Role::Admin)
}

/// A department's ratings and assessments: reviewers and admins for every
/// department, a department head for their own.
pub fn may_see_department(user: &CurrentUser, department: DepartmentId) -> bool {
    is_privileged(user) || (user.has(Role::DepartmentHead) && user.department_id == Some(department))
}

/// Reviewers and admins: they run the loop and its appraisal; leaderboards
/// may leave them out and the appraisal does not assess them.
pub fn is_staff(roles: &crate::enums::Roles) -> bool {
    roles.has(Role::Admin) || roles.has(Role::Reviewer)
}

/// Publishing a period's appraisal (freezing it): admins, and the head of
/// the information-management department (a reviewer who heads a department).
pub fn may_publish_appraisal(user: &CurrentUser) -> bool {
    user.has(Role::Admin) || (user.has(Role::Reviewer) && user.has(Role::DepartmentHead))
}

/// Someone's ratings and appraisal rows: one's own, and those who may see their department's.
pub fn may_see_ratings(user: &CurrentUser, person: UserId, department: Option<DepartmentId>) -> bool {
    person == user.id || is_privileged(user) || department.is_some_and(|d| may_see_department(user, d))
}

/// Who may own clients (and receive handovers).
pub fn may_own_clients(roles: &crate::enums::Roles) -> bool {
    roles.has(Role::AccountManager)
}

/// Client details (name, tags, owner-only fields): the owner, privileged users.
pub fn may_edit_client(user: &CurrentUser, owner: Option<UserId>) -> bool {
    owner == Some(user.id) || is_privileged(user)
}

/// Working a client (its visits, their tasks): its owners (of the client or
/// its group), reviewers and admins.
pub fn may_work_on_client(user: &CurrentUser, owners: &[UserId]) -> bool {
    owners.contains(&user.id) || is_privileged(user)
}

/// Giving a client to an owner other than yourself is an admin's act.
pub fn may_assign_owner(user: &CurrentUser, owner: Option<UserId>) -> bool {
    owner.is_none_or(|o| o == user.id) || user.has(Role::Admin)
}

/// Reviewers and admins see every submitted entry and every sensitive value.
pub fn is_privileged(viewer: &CurrentUser) -> bool {
    viewer.has(Role::Reviewer) || viewer.has(Role::Admin)
}

/// Whether `viewer` may read an entry at all. `owners` are the owners of the
/// entry's client and of its parent group: they read a submitted entry as
/// soon as it arrives (the owner is who needs it first).
pub fn can_read(viewer: &CurrentUser, status: IntelStatus, author: UserId, owners: &[UserId]) -> bool {
    if author == viewer.id {
        return true;
    }
    match status {
        IntelStatus::Adopted | IntelStatus::Superseded => true,
        IntelStatus::Draft => false,
        IntelStatus::Submitted => is_privileged(viewer) || owners.contains(&viewer.id),
        _ => is_privileged(viewer),
    }
}

/// Whether `viewer` sees sensitive values: the author, the owner of a client
/// they are about, reviewers and admins.
pub fn can_unmask(viewer: &CurrentUser, author: Option<UserId>, client_owners: &[UserId]) -> bool {
    author == Some(viewer.id) || client_owners.contains(&viewer.id) || is_privileged(viewer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::enums::Roles;
    use crate::ids::SessionId;

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
        let owner = viewer(5, &[Role::AccountManager]);
        let owners = [UserId(5)];
        for status in [Adopted, Superseded] {
            assert!(can_read(&employee, status, author, &owners));
        }
        for status in [Submitted, NeedsRevision, Rejected, Duplicate, Retracted] {
            assert!(!can_read(&employee, status, author, &owners));
            assert!(can_read(&reviewer, status, author, &[]));
            assert!(can_read(&admin, status, author, &[]));
            assert!(can_read(&me, status, author, &[]));
        }
        assert!(can_read(&owner, Submitted, author, &owners), "the owner reads what arrives");
        assert!(!can_read(&owner, Submitted, author, &[UserId(6)]), "not another owner's");
        for status in [Draft, NeedsRevision, Rejected, Duplicate, Retracted] {
            assert!(!can_read(&owner, status, author, &owners), "{status}");
        }
        assert!(!can_read(&reviewer, Draft, author, &[]));
        assert!(!can_read(&admin, Draft, author, &[]));
        assert!(can_read(&me, Draft, author, &[]));
    }

    #[test]
    fn ratings_of_others_for_heads_of_their_department_reviewers_and_admins() {
        let mut head = viewer(7, &[Role::DepartmentHead]);
        head.department_id = Some(DepartmentId(1));
        let (person, own_department, other_department) =
            (UserId(1), Some(DepartmentId(1)), Some(DepartmentId(2)));
        assert!(may_see_ratings(&viewer(1, &[]), person, own_department), "one's own");
        assert!(!may_see_ratings(
            &viewer(2, &[Role::AccountManager, Role::Marketer]),
            person,
            own_department
        ));
        assert!(may_see_ratings(&head, person, own_department));
        assert!(!may_see_ratings(&head, person, other_department));
        assert!(!may_see_ratings(&head, person, None));
        assert!(may_see_ratings(&viewer(3, &[Role::Reviewer]), person, other_department));
        assert!(may_see_ratings(&viewer(4, &[Role::Admin]), person, None));
        assert!(may_see_department(&head, DepartmentId(1)) && !may_see_department(&head, DepartmentId(2)));
    }

    #[test]
    fn sensitive_values_for_author_owner_reviewer_admin_only() {
        let author = Some(UserId(1));
        let owners = [UserId(5), UserId(6)];
        assert!(can_unmask(&viewer(1, &[]), author, &owners));
        assert!(can_unmask(&viewer(5, &[Role::AccountManager]), author, &owners));
        assert!(can_unmask(&viewer(6, &[Role::AccountManager]), author, &owners));
        assert!(can_unmask(&viewer(3, &[Role::Reviewer]), author, &owners));
        assert!(can_unmask(&viewer(4, &[Role::Admin]), author, &owners));
        assert!(!can_unmask(&viewer(2, &[Role::Marketer, Role::AccountManager]), author, &owners));
        assert!(
            !can_unmask(&viewer(5, &[Role::AccountManager]), author, &[]),
            "a market-wide entry has no owner"
        );
    }
}
