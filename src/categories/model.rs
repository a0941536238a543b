use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::schema::categories;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Text,
    Number,
    Date,
    Enum,
    Phone,
    Email,
}

/// One field of a category's template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FieldDef {
    #[schema(example = "monthly_spend")]
    pub key: String,
    #[schema(example = "月均消费（元）")]
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_en: Option<String>,
    #[serde(rename = "type")]
    pub kind: FieldType,
    #[serde(default)]
    pub required: bool,
    /// Masked (`***`) for everyone but the author, the client's owner, reviewers and admins.
    #[serde(default)]
    pub sensitive: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<String>>,
    /// For a date field: remind the client's owner this many days before the
    /// date an adopted entry records (e.g. `[60, 30, 7]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remind_before_days: Option<Vec<u32>>,
    /// The date comes back every year (a birthday): remind before each anniversary.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub remind_yearly: bool,
}

/// The competitor category: the one whose entries may name no client or several.
pub const COMPETITOR: &str = "competitor";
/// The business category: its `contract_end` is the client's.
pub const BUSINESS: &str = "business";
/// Service and complaints (the complaint analysis).
pub const SERVICE: &str = "service";
/// Needs and opportunities (the pipeline).
pub const OPPORTUNITY: &str = "opportunity";

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = categories)]
pub struct CategoryRow {
    pub key: String,
    pub name: String,
    pub name_en: String,
    pub base_points: i32,
    pub freshness_days: i32,
    pub position: i32,
    pub fields: String,
    pub updated_at: NaiveDateTime,
}

/// A category as the API shows it, with its parsed template.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Category {
    #[schema(example = "business")]
    pub key: String,
    #[schema(example = "业务状况")]
    pub name: String,
    pub name_en: String,
    pub base_points: i32,
    pub freshness_days: i32,
    pub fields: Vec<FieldDef>,
}

impl From<CategoryRow> for Category {
    fn from(row: CategoryRow) -> Self {
        Category {
            fields: serde_json::from_str(&row.fields).unwrap_or_default(),
            key: row.key,
            name: row.name,
            name_en: row.name_en,
            base_points: row.base_points,
            freshness_days: row.freshness_days,
        }
    }
}

impl Category {
    pub fn field(&self, key: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.key == key)
    }
}

#[derive(Debug, AsChangeset)]
#[diesel(table_name = categories)]
pub struct CategoryChanges {
    pub name: Option<String>,
    pub name_en: Option<String>,
    pub base_points: Option<i32>,
    pub freshness_days: Option<i32>,
    pub fields: Option<String>,
    pub updated_at: NaiveDateTime,
}
