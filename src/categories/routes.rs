//! Categories over HTTP.

use actix_web::http::StatusCode;
use actix_web::{get, post, put, web, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::api::Json;
use crate::auth::extract::CurrentUser;
use crate::categories::model::{Category, FieldDef};
use crate::categories::service::{self, CategoryEdit, NewCategory};
use crate::error::ApiResult;
use crate::state::State;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_categories).service(create_category).service(update_category);
}

/// The categories with their templates, in their order.
#[utoipa::path(tag = "intel", responses((status = 200, body = Vec<Category>)))]
#[get("/categories")]
async fn list_categories(state: State, _me: CurrentUser) -> ApiResult<HttpResponse> {
    let categories = state.read(service::list).await?;
    Ok(HttpResponse::Ok().json(categories))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateCategory {
    /// Lower-case letters, digits and `_`, starting with a letter.
    #[schema(example = "events", max_length = 32)]
    pub key: String,
    #[schema(example = "活动与兴趣", max_length = 32)]
    pub name: String,
    pub name_en: Option<String>,
    #[schema(example = 5)]
    pub base_points: i32,
    #[schema(example = 180)]
    pub freshness_days: i32,
    /// At least one field.
    pub fields: Vec<FieldDef>,
}

/// Add a category with its template (admin); it takes entries at once.
#[utoipa::path(tag = "admin", request_body = CreateCategory,
    responses((status = 201, body = Category), (status = 403), (status = 409, description = "the key exists"), (status = 422)))]
#[post("/categories")]
async fn create_category(
    state: State,
    me: CurrentUser,
    body: Json<CreateCategory>,
) -> ApiResult<HttpResponse> {
    let CreateCategory { key, name, name_en, base_points, freshness_days, fields } = body.0;
    let input = NewCategory { key, name, name_en, base_points, freshness_days, fields };
    let category = state.write(move |conn| service::create(conn, &me, input)).await?;
    Ok(HttpResponse::build(StatusCode::CREATED).json(category))
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
