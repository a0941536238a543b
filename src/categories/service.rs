//! The categories and their templates: read by everyone, edited by admins.

use std::collections::HashSet;

use chrono::Utc;
use serde_json::json;

use crate::audit;
use crate::auth::extract::CurrentUser;
use crate::auth::policy::{self};
use crate::categories::model::{Category, CategoryChanges, CategoryRow, FieldDef, FieldType};
use crate::categories::store;
use crate::db::search_outbox;
use crate::db::{write_tx, DbConn};
use crate::enums::AuditAction;
use crate::error::Fields;

crate::service_error! {
    pub enum CategoryError {
        #[error("分类不存在")]
        NotFound => NotFound,
        #[error("该分类键已存在")]
        Exists => Conflict,
    }
}

/// An admin's edit of a category; `None` leaves a value alone.
#[derive(Debug, Clone, Default)]
pub struct CategoryEdit {
    pub name: Option<String>,
    pub name_en: Option<String>,
    pub base_points: Option<i32>,
    pub freshness_days: Option<i32>,
    /// The whole template, replacing the old one.
    pub fields: Option<Vec<FieldDef>>,
}

/// A new category (admin): its key, names, points, freshness and template.
#[derive(Debug, Clone)]
pub struct NewCategory {
    pub key: String,
    pub name: String,
    pub name_en: Option<String>,
    pub base_points: i32,
    pub freshness_days: i32,
    pub fields: Vec<FieldDef>,
}

/// Adds a category with its template (admin), audited; it is listed last
/// and takes entries at once.
pub fn create(conn: &mut DbConn, me: &CurrentUser, input: NewCategory) -> Result<Category, CategoryError> {
    policy::require_admin(me)?;
    let key = input.key.trim().to_owned();
    let edit = CategoryEdit {
        name: Some(input.name.clone()),
        name_en: input.name_en.clone(),
        base_points: Some(input.base_points),
        freshness_days: Some(input.freshness_days),
        fields: Some(input.fields.clone()),
    };
    let mut problems = problems_of(&edit);
    let valid_key = key.len() <= 32
        && key.starts_with(|c: char| c.is_ascii_lowercase())
        && key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !valid_key {
        problems.insert(
            "key".into(),
            "分类键须以小写字母开头，由小写字母、数字和下划线组成，至多 32 个字符".into(),
        );
    }
    if input.fields.is_empty() {
        problems.insert("fields".into(), "模板至少要有一个字段".into());
    }
    if !problems.is_empty() {
        return Err(CategoryError::Invalid(problems));
    }
    let row = CategoryRow {
        name: input.name.trim().to_owned(),
        name_en: input.name_en.map(|n| n.trim().to_owned()).unwrap_or_default(),
        base_points: input.base_points,
        freshness_days: input.freshness_days,
        position: 0,
        fields: json!(input.fields).to_string(),
        updated_at: Utc::now().naive_utc(),
        key,
    };
    write_tx(conn, |conn| {
        let category = store::insert(conn, &row)?.ok_or(CategoryError::Exists)?;
        let detail = json!({"key": category.key, "category": category});
        audit::record(conn, Some(me.id), AuditAction::CategoryCreate, "category", None, detail)?;
        Ok(category)
    })
}

pub fn list(conn: &mut DbConn) -> Result<Vec<Category>, CategoryError> {
    Ok(store::list(conn)?)
}

/// Edits a category and its template (admin), audited. Existing entries keep
/// their values (masked as they were written, see `template::is_sensitive`);
/// when what may be indexed changed, the category is indexed again.
pub fn update(
    conn: &mut DbConn,
    me: &CurrentUser,
    key: &str,
    input: CategoryEdit,
) -> Result<Category, CategoryError> {
    policy::require_admin(me)?;
    check_category(&input)?;
    write_tx(conn, |conn| {
        let before = store::find(conn, key)?.ok_or(CategoryError::NotFound)?;
        let changes = CategoryChanges {
            name: input.name.map(|n| n.trim().to_owned()),
            name_en: input.name_en.map(|n| n.trim().to_owned()),
            base_points: input.base_points,
            freshness_days: input.freshness_days,
            fields: input.fields.as_ref().map(|f| json!(f).to_string()),
            updated_at: Utc::now().naive_utc(),
        };
        let category = store::update(conn, key, &changes)?;
        if indexed_keys(&before.fields) != indexed_keys(&category.fields) {
            search_outbox::enqueue_category(conn, key)?;
        }
        let detail = json!({"key": key, "category": category});
        audit::record(conn, Some(me.id), AuditAction::CategoryUpdate, "category", None, detail)?;
        Ok(category)
    })
}

/// The template keys whose values go into the search index.
fn indexed_keys(template: &[FieldDef]) -> HashSet<&str> {
    template.iter().filter(|f| !f.sensitive).map(|f| f.key.as_str()).collect()
}

fn check_category(input: &CategoryEdit) -> Result<(), CategoryError> {
    let problems = problems_of(input);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(CategoryError::Invalid(problems))
    }
}

fn problems_of(input: &CategoryEdit) -> Fields {
    let mut problems = Fields::new();
    if input.name.as_deref().is_some_and(|n| n.trim().is_empty() || n.chars().count() > 32) {
        problems.insert("name".into(), "名称须为 1–32 个字符".into());
    }
    if input.base_points.is_some_and(|p| !(0..=1000).contains(&p)) {
        problems.insert("base_points".into(), "基础积分须在 0–1000 之间".into());
    }
    if input.freshness_days.is_some_and(|d| !(1..=3650).contains(&d)) {
        problems.insert("freshness_days".into(), "时效天数须在 1–3650 之间".into());
    }
    let mut seen = HashSet::new();
    for (i, field) in input.fields.iter().flatten().enumerate() {
        let valid_key = !field.key.is_empty()
            && field.key.len() <= 40
            && field.key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !valid_key || !seen.insert(field.key.as_str()) {
            problems.insert(format!("fields[{i}].key"), "字段键须唯一，由小写字母、数字和下划线组成".into());
        }
        if field.label.trim().is_empty() {
            problems.insert(format!("fields[{i}].label"), "必填".into());
        }
        let has_options = field.options.as_ref().is_some_and(|o| !o.is_empty());
        if field.kind == FieldType::Enum && !has_options {
            problems.insert(format!("fields[{i}].options"), "枚举字段须提供选项".into());
        }
        if let Some(days) = &field.remind_before_days {
            if field.kind != FieldType::Date {
                problems.insert(format!("fields[{i}].remind_before_days"), "只有日期字段可以设置提醒".into());
            } else if days.len() > 10 || days.iter().any(|d| *d > 3650) {
                problems.insert(
                    format!("fields[{i}].remind_before_days"),
                    "至多 10 个提前天数，每个 0–3650".into(),
                );
            }
        }
        if field.remind_yearly && field.kind != FieldType::Date {
            problems.insert(format!("fields[{i}].remind_yearly"), "只有日期字段可以每年提醒".into());
        }
    }
    problems
}
