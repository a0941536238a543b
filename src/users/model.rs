//! Users and departments: rows, forms and the domain values parsed at the edge.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::auth::extract::CurrentUser;
use crate::db::schema::{departments, users};
use crate::enums::{DepartmentKind, Roles};
use crate::ids::{DepartmentId, SessionId, UserId};

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

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = departments)]
pub struct Department {
    pub id: DepartmentId,
    pub name: String,
    pub kind: DepartmentKind,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = departments)]
pub struct NewDepartment<'a> {
    pub name: &'a str,
    pub kind: DepartmentKind,
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
    pub roles: Roles,
    pub password_hash: String,
    pub is_active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl User {
    /// This user acting outside any request (the command line, the demo seed): no session.
    pub fn acting(self) -> CurrentUser {
        CurrentUser {
            id: self.id,
            session: SessionId(0),
            real_name: self.real_name,
            department_id: self.department_id,
            roles: self.roles,
        }
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub employee_no: &'a str,
    pub real_name: &'a str,
    pub email: &'a str,
    pub department_id: Option<DepartmentId>,
    pub roles: Roles,
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
    pub roles: Option<Roles>,
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
