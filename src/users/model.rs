//! Users and departments: rows, forms and the domain values parsed at the edge.

use std::fmt;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel_derive_newtype::DieselNewType;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::schema::{departments, users};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, DieselNewType, Serialize, Deserialize, ToSchema,
)]
#[serde(transparent)]
pub struct UserId(pub i64);

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, DieselNewType, Serialize, Deserialize, ToSchema,
)]
#[serde(transparent)]
pub struct DepartmentId(pub i64);

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// 工号: 2–32 ASCII letters, digits, `-` or `_`, stored upper-case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmployeeNo(String);

impl EmployeeNo {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let trimmed = raw.trim();
        let valid_len = (2..=32).contains(&trimmed.len());
        let valid_chars = trimmed.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if valid_len && valid_chars {
            Ok(EmployeeNo(trimmed.to_ascii_uppercase()))
        } else {
            Err("工号须为 2–32 位字母、数字、- 或 _")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An e-mail address, stored lower-case so uniqueness ignores case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        const PROBLEM: &str = "邮箱格式不正确";
        let email = raw.trim().to_lowercase();
        if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(PROBLEM);
        }
        let (local, domain) = email.split_once('@').ok_or(PROBLEM)?;
        let domain_ok = !domain.is_empty()
            && !domain.contains('@')
            && domain.split('.').all(|label| !label.is_empty())
            && domain.contains('.');
        if local.is_empty() || local.len() > 64 || !domain_ok {
            return Err(PROBLEM);
        }
        Ok(Email(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A person's real name (实名): 1–64 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RealName(String);

impl RealName {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let name = raw.trim();
        if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
            Err("姓名须为 1–64 个字符")
        } else {
            Ok(RealName(name.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Employee,
    AccountManager,
    Reviewer,
    Marketer,
    Admin,
}

impl Role {
    pub const ALL: [Role; 5] =
        [Role::Employee, Role::AccountManager, Role::Reviewer, Role::Marketer, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Employee => "employee",
            Role::AccountManager => "account_manager",
            Role::Reviewer => "reviewer",
            Role::Marketer => "marketer",
            Role::Admin => "admin",
        }
    }

    pub fn parse(raw: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == raw)
    }
}

/// A user's roles; everyone is at least an employee. Stored as a
/// comma-separated list in a fixed order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Roles(Vec<Role>);

impl Roles {
    pub fn new(roles: impl IntoIterator<Item = Role>) -> Self {
        let mut all: Vec<Role> = roles.into_iter().chain([Role::Employee]).collect();
        all.sort();
        all.dedup();
        Roles(all)
    }

    /// Parses role names from a request; unknown names are an error.
    pub fn parse<S: AsRef<str>>(names: &[S]) -> Result<Self, String> {
        names
            .iter()
            .map(|n| Role::parse(n.as_ref()).ok_or_else(|| format!("未知角色: {}", n.as_ref())))
            .collect::<Result<Vec<_>, _>>()
            .map(Roles::new)
    }

    /// Reads the stored column; names from older versions are skipped.
    pub fn from_column(column: &str) -> Self {
        Roles::new(column.split(',').filter_map(Role::parse))
    }

    pub fn to_column(&self) -> String {
        self.0.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(",")
    }

    pub fn has(&self, role: Role) -> bool {
        self.0.contains(&role)
    }

    pub fn names(&self) -> Vec<&'static str> {
        self.0.iter().map(|r| r.as_str()).collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DepartmentKind {
    /// 一线（客户经理、营业厅）
    Frontline,
    /// 信息收集
    Collection,
    /// 信息管理（审核）
    Management,
    /// 信息使用（市场、集团客户部）
    Usage,
    Other,
}

impl DepartmentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DepartmentKind::Frontline => "frontline",
            DepartmentKind::Collection => "collection",
            DepartmentKind::Management => "management",
            DepartmentKind::Usage => "usage",
            DepartmentKind::Other => "other",
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = departments)]
pub struct Department {
    pub id: DepartmentId,
    pub name: String,
    pub kind: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = departments)]
pub struct NewDepartment<'a> {
    pub name: &'a str,
    pub kind: &'a str,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: UserId,
    pub employee_no: String,
    pub real_name: String,
    pub email: String,
    pub department_id: Option<DepartmentId>,
    pub roles: String,
    pub password_hash: String,
    pub is_active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl User {
    pub fn roles(&self) -> Roles {
        Roles::from_column(&self.roles)
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub employee_no: &'a str,
    pub real_name: &'a str,
    pub email: &'a str,
    pub department_id: Option<DepartmentId>,
    pub roles: String,
    pub password_hash: String,
    pub is_active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Admin edits of a user; `None` leaves a column alone.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = users)]
pub struct UserChanges {
    pub real_name: Option<String>,
    pub email: Option<String>,
    pub department_id: Option<Option<DepartmentId>>,
    pub roles: Option<String>,
    pub is_active: Option<bool>,
    pub password_hash: Option<String>,
    pub updated_at: Option<NaiveDateTime>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn employee_numbers_are_normalised_and_checked() {
        assert_eq!(EmployeeNo::parse(" e1001 ").unwrap().as_str(), "E1001");
        assert!(EmployeeNo::parse("E").is_err());
        assert!(EmployeeNo::parse("E 1001").is_err());
        assert!(EmployeeNo::parse("工号1").is_err());
    }

    #[test]
    fn emails_are_lower_cased_and_checked() {
        assert_eq!(Email::parse("Li.Na@Example.COM").unwrap().as_str(), "li.na@example.com");
        for bad in ["", "a", "a@", "@b.cn", "a@b", "a@@b.cn", "a b@c.cn", "a@b..cn"] {
            assert!(Email::parse(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn roles_always_include_employee_and_round_trip() {
        let roles = Roles::parse(&["reviewer", "admin", "reviewer"]).unwrap();
        assert_eq!(roles.names(), vec!["employee", "reviewer", "admin"]);
        assert_eq!(Roles::from_column(&roles.to_column()), roles);
        assert!(Roles::parse(&["root"]).is_err());
    }

    proptest! {
        #[test]
        fn parsed_emails_have_one_at_and_no_spaces(raw in "\\PC{0,40}") {
            if let Ok(email) = Email::parse(&raw) {
                prop_assert_eq!(email.as_str().matches('@').count(), 1);
                prop_assert!(!email.as_str().contains(' '));
            }
        }
    }
}
