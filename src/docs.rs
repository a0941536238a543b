//! Health check, the OpenAPI document and a browsable API reference that
//! needs nothing from the internet (the page renders the document itself).

use actix_web::{get, web, HttpResponse};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::OpenApi;
use utoipa::Modify;

pub struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build(),
            ),
        );
    }
}

/// Liveness: answers while the process serves requests.
#[utoipa::path(tag = "health", security(()), responses((status = 200, example = json!({"status": "ok"}))))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
}

#[get("/api/openapi.json")]
pub async fn openapi_json(openapi: web::Data<OpenApi>) -> HttpResponse {
    HttpResponse::Ok().json(openapi.get_ref())
}

#[get("/api/docs")]
pub async fn docs_page() -> HttpResponse {
    HttpResponse::Ok().content_type("text/html; charset=utf-8").body(include_str!("../static/api-docs.html"))
}

#[get("/api/docs/app.js")]
pub async fn docs_script() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .body(include_str!("../static/api-docs.js"))
}
