//! Serves the built web app: hashed assets with long cache lifetimes, the SPA
//! shell for every other non-API path (deep links), JSON 404s under `/api`.
//! Release builds embed `frontend/dist`; debug builds read it from disk.

use actix_web::http::{header, Method};
use actix_web::{HttpRequest, HttpResponse};
use rust_embed::RustEmbed;

use crate::api;

#[derive(RustEmbed)]
#[folder = "frontend/dist"]
struct Assets;

const NOT_BUILT: &str = "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>智库 Zhiku</title>\
<body style=\"font-family:sans-serif;padding:2em\"><h1>智库 Zhiku</h1><p>前端尚未构建：请运行 <code>make run</code>\
（或 <code>cd frontend &amp;&amp; npm ci &amp;&amp; npm run build</code>）。API 文档见 <a href=\"/api/docs\">/api/docs</a>。</p></body></html>";

/// The fallback for every path no route matched.
pub async fn fallback(req: HttpRequest) -> HttpResponse {
    let path = req.path();
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
