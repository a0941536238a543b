//! Serves the built web app: hashed assets with long cache lifetimes, the SPA
//! shell for every other non-API path (deep links), JSON 404s under `/api`.
//! Release builds embed `frontend/dist`; debug builds read it from disk.

use actix_web::http::{header, Method};
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use rust_embed::RustEmbed;
use utoipa::openapi::OpenApi;

use crate::api;
use crate::error::ApiError;

#[derive(RustEmbed)]
#[folder = "frontend/dist"]
struct Assets;

const NOT_BUILT: &str = "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>智库 Zhiku</title>\
<body style=\"font-family:sans-serif;padding:2em\"><h1>智库 Zhiku</h1><p>前端尚未构建：请运行 <code>make run</code>\
（或 <code>cd frontend &amp;&amp; npm ci &amp;&amp; npm run build</code>）。API 文档见 <a href=\"/api/docs\">/api/docs</a>。</p></body></html>";

/// The fallback for every path no route matched.
pub async fn fallback(req: HttpRequest) -> HttpResponse {
    let path = req.path();
    if let Some(allow) = other_methods(&req) {
        return ApiError::MethodNotAllowed { allow }.error_response();
    }
    if path == "/api" || path.starts_with("/api/") || !matches!(*req.method(), Method::GET | Method::HEAD) {
        return api::not_found(req).await;
    }
    let file = path.trim_start_matches('/');
    if !file.is_empty() {
        if let Some(asset) = Assets::get(file) {
            let immutable = file.starts_with("assets/");
            return HttpResponse::Ok()
                .content_type(asset.metadata.mimetype())
                .insert_header((
                    header::CACHE_CONTROL,
                    if immutable { "public, max-age=31536000, immutable" } else { "public, max-age=300" },
                ))
                .body(asset.data.into_owned());
        }
        if file.starts_with("assets/") {
            return api::not_found(req).await;
        }
    }
    match Assets::get("index.html") {
        Some(index) => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, "no-cache"))
            .body(index.data.into_owned()),
        None => HttpResponse::Ok().content_type("text/html; charset=utf-8").body(NOT_BUILT),
    }
}

/// The methods the document lists for the request's path, when it lists the
/// path (a `{name}` template matches any one segment) but not the method.
fn other_methods(req: &HttpRequest) -> Option<String> {
    let openapi = req.app_data::<web::Data<OpenApi>>()?;
    let segments: Vec<&str> = req.path().split('/').collect();
    let item = openapi.paths.paths.iter().find_map(|(template, item)| {
        let parts: Vec<&str> = template.split('/').collect();
        let matches = parts.len() == segments.len()
            && parts.iter().zip(&segments).all(|(part, segment)| {
                (part.starts_with('{') && part.ends_with('}') && !segment.is_empty()) || part == segment
            });
        matches.then_some(item)
    })?;
    let methods = [
        (Method::GET, &item.get),
        (Method::PUT, &item.put),
        (Method::POST, &item.post),
        (Method::DELETE, &item.delete),
        (Method::PATCH, &item.patch),
    ];
    let allowed: Vec<&str> = methods.iter().filter(|(_, op)| op.is_some()).map(|(m, _)| m.as_str()).collect();
    (!allowed.contains(&req.method().as_str())).then(|| allowed.join(", "))
}
