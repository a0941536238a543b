use std::collections::HashSet;

use actix_web::{get, put, web, HttpResponse};
use chrono::Utc;
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::api::Json;
use crate::audit;
use crate::auth::extract::CurrentUser;
use crate::categories::model::{Category, CategoryChanges, FieldDef, FieldType};
use crate::categories::store;
use crate::db::write_tx;
use crate::error::{ApiError, ApiResult, Fields};
use crate::state::State;
use crate::users::model::Role;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_categories).service(update_category);
}

/// The seven categories with their templates.
#[utoipa::path(tag = "intel", responses((status = 200, body = Vec<Category>)))]
#[get("/categories")]
async fn list_categories(state: State, _me: CurrentUser) -> ApiResult<HttpResponse> {
    let categories = state.db(|conn| Ok(store::list(conn)?)).await?;
    Ok(HttpResponse::Ok().json(categories))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateCategory {
    pub name: Option<String>,
    pub name_en: Option<String>,
    pub base_points: Option<i32>,
    pub freshness_days: Option<i32>,
    /// The whole template, replacing the old one. Existing entries keep their values.
    pub fields: Option<Vec<FieldDef>>,
}

/// Edit a category and its template (admin).
#[utoipa::path(tag = "admin", request_body = UpdateCategory,
    responses((status = 200, body = Category), (status = 404), (status = 422)))]
#[put("/categories/{key}")]
async fn update_category(
    state: State,
    me: CurrentUser,
    key: web::Path<String>,
    body: Json<UpdateCategory>,
) -> ApiResult<HttpResponse> {
    me.require(Role::Admin)?;
    let key = key.into_inner();
    let input = body.0;
    check_category(&input)?;
    let category = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                store::find(conn, &key)?.ok_or_else(|| ApiError::not_found("分类"))?;
                let changes = CategoryChanges {
                    name: input.name.map(|n| n.trim().to_owned()),
                    name_en: input.name_en.map(|n| n.trim().to_owned()),
                    base_points: input.base_points,
                    freshness_days: input.freshness_days,
                    fields: input.fields.as_ref().map(|f| json!(f).to_string()),
                    updated_at: Utc::now().naive_utc(),
                };
                let category = store::update(conn, &key, &changes)?;
                audit::record(
                    conn,
                    Some(me.id),
                    "category.update",
                    "category",
                    None,
                    json!({"key": key, "category": category}),
                )?;
                Ok(category)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(category))
}

fn check_category(input: &UpdateCategory) -> ApiResult<()> {
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
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ApiError::fields(problems))
    }
}
