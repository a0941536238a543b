//! Health and documentation: `GET /healthz`, `GET /api/openapi.json`,
//! `GET /api/docs`, `GET /api/docs/app.js`, and the web app's fallback for
//! every other path.
//!
//! The OpenAPI document is a reviewed snapshot (`snapshots/`): a change of
//! the contract shows in the diff. After an intended change, accept it with
//! `INSTA_UPDATE=always cargo test --test api openapi` and review the file.
//! The frontend's TypeScript types are generated from `frontend/openapi.json`,
//! which must be the served document: `make openapi` rewrites it.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;

on_both_backends! {
    async fn health_answers_with_security_headers(app: TestApp) {
        let response = app.client.get(app.url("/healthz")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert!(response.headers().get("x-request-id").is_some());
        assert_eq!(response.headers()["x-content-type-options"], "nosniff");
        assert_eq!(response.headers()["x-frame-options"], "DENY");
        assert!(response.headers()["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"));
        assert_eq!(response.json::<Value>().await.unwrap(), json!({"status": "ok"}));
    }

    async fn the_reference_renders_the_document_without_the_internet(app: TestApp) {
        let page = app.client.get(app.url("/api/docs")).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        assert!(page.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
        let page = page.text().await.unwrap();
        assert!(page.contains("/api/docs/app.js"), "{page}");
        assert!(!page.contains("https://"), "the reference loads nothing from elsewhere: {page}");
        let script = app.client.get(app.url("/api/docs/app.js")).send().await.unwrap();
        assert_eq!(script.status(), StatusCode::OK);
        assert!(script.headers()["content-type"].to_str().unwrap().starts_with("text/javascript"));
        assert!(script.text().await.unwrap().contains("/api/openapi.json"));
    }

    async fn other_paths_are_the_web_app_or_a_json_404(app: TestApp) {
        // Deep links of the web app get its shell, so a reload stays on the page.
        let page = app.client.get(app.url("/clients/42")).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        assert!(page.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
        assert!(page.text().await.unwrap().contains("智库"));
        for (method, path) in [(Method::GET, "/assets/missing.js"), (Method::POST, "/clients/42"), (Method::GET, "/api")] {
            let (status, body) = app.call(method, path, None, None).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
            assert_eq!(body["error"], "not_found", "{path}: {body}");
        }
    }
}

/// The document does not depend on the database: one backend is enough.
#[actix_web::test]
async fn openapi_document_is_the_reviewed_contract() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let (status, spec) = app.call(Method::GET, "/api/openapi.json", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(spec["openapi"].as_str().unwrap().starts_with("3."));
    // Operation ids are the handlers' names: two modules' `get_rules` would make the document invalid.
    let mut ids: Vec<&str> = spec["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|path| path.as_object().unwrap().values().filter_map(|op| op["operationId"].as_str()))
        .collect();
    let count = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), count, "operation ids repeat");
    insta::assert_json_snapshot!("openapi", spec, {".info.version" => "[version]"});

    let copy = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("frontend/openapi.json");
    let served = serde_json::to_string_pretty(&spec).unwrap() + "\n";
    if std::env::var_os("ZHIKU_UPDATE_OPENAPI").is_some() {
        std::fs::write(&copy, &served).unwrap();
    }
    let committed = std::fs::read_to_string(&copy).unwrap_or_default();
    assert!(committed == served, "frontend/openapi.json is not the served document: run `make openapi`");
}
