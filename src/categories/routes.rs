//! Categories over HTTP.

use actix_web::{get, put, web, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::api::Json;
use crate::auth::extract::CurrentUser;
use crate::categories::model::{Category, FieldDef};
use crate::categories::service::{self, CategoryEdit};
use crate::error::ApiResult;
use crate::state::State;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_categories).service(update_category);
}

/// The seven categories with their templates.
#[utoipa::path(tag = "intel", responses((status = 200, body = Vec<Category>)))]
#[get("/categories")]
async fn list_categories(state: State, _me: CurrentUser) -> ApiResult<HttpResponse> {
    let categories = state.read(service::list).await?;
    Ok(HttpResponse::Ok().json(categories))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateCategory {
    #[schema(max_length = 32)]
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
    let key = key.into_inner();
    let UpdateCategory { name, name_en, base_points, freshness_days, fields } = body.0;
    let edit = CategoryEdit { name, name_en, base_points, freshness_days, fields };
    let category = state.write(move |conn| service::update(conn, &me, &key, edit)).await?;
    Ok(HttpResponse::Ok().json(category))
}
