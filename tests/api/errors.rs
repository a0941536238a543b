//! Errors any endpoint may answer: malformed and oversize bodies, unknown
//! paths, hostile query strings.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::TestApp;
use crate::on_both_backends;

async fn raw_post(app: &TestApp, path: &str, token: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let response = app
        .client
        .post(app.url(path))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

on_both_backends! {
    async fn malformed_bodies_get_clear_4xx_json_and_store_nothing(app: TestApp) {
        let path = "/api/v1/departments";
        let token = app.admin_token.clone();
        for body in [&b"{\"name\": "[..], b"", b"[1,2", b"{\"name\": \"\xff\xfe\", \"kind\": \"other\"}", b"{\"name\":\"x\",\"kind\":\"other\"} extra"] {
            let (status, json) = raw_post(&app, path, &token, body.to_vec()).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{body:?} -> {json}");
            assert_eq!(json["error"], "bad_request");
            assert!(json["message"].is_string());
        }
        let (status, json) = raw_post(&app, path, &token, br#"{"name": 12, "kind": "other"}"#.to_vec()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(json["error"], "validation_failed");
        assert!(json["fields"]["name"].is_string(), "{json}");
        let (status, json) = raw_post(&app, path, &token, br#"{"name": "x", "kind": "galaxy"}"#.to_vec()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(json["fields"]["kind"].is_string(), "{json}");
        let (status, json) = raw_post(&app, path, &token, br#"{"kind": "other"}"#.to_vec()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(json["fields"]["name"], "必填");

        let (_, departments) = app.get(path, &token).await;
        assert_eq!(departments, json!([]));
    }

    async fn oversize_bodies_are_refused_with_413(app: TestApp) {
        let huge = format!(r#"{{"name": "{}", "kind": "other"}}"#, "长".repeat(400_000));
        let (status, json) = raw_post(&app, "/api/v1/departments", &app.admin_token.clone(), huge.into_bytes()).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(json["error"], "payload_too_large");
    }

    async fn unknown_api_paths_answer_json_404(app: TestApp) {
        for path in ["/api/v1/nothing-here", "/api/v2/users", "/api/v1/users/abc", "/api/v1/users/999999"] {
            let (status, json) = app.get(path, &app.admin_token).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
            assert_eq!(json["error"], "not_found", "{path}: {json}");
        }
    }

    async fn hostile_query_strings_are_bad_requests(app: TestApp) {
        for query in ["per_page=abc", "page=-1", "department_id=1%27%20OR%201=1", "page=99999999999999999999"] {
            let (status, json) = app.get(&format!("/api/v1/users?{query}"), &app.admin_token).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {json}");
            assert_eq!(json["error"], "bad_request");
        }
        // Quotes, wildcards and SQL in a search term are only text.
        let (status, json) = app.get("/api/v1/users?q=%25%27%3B%20DROP%20TABLE%20users%3B--", &app.admin_token).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(json["total"], 0);
        let (_, json) = app.get("/api/v1/users?q=%25", &app.admin_token).await;
        assert_eq!(json["total"], 0, "% must match literally");
    }

    async fn a_whole_float_is_the_integer_it_spells(app: TestApp) {
        // JSON has one kind of number: schema-driven clients send `4.0` for an integer.
        let (status, json) =
            raw_post(&app, "/api/v1/departments", &app.admin_token.clone(), br#"{"name": "x", "kind": 4.0}"#.to_vec()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{json}");
        let (_, me) = app.get("/api/v1/me", &app.admin_token).await;
        let body = json!({"user_id": me["id"].as_i64().unwrap() as f64, "delta": 5.0, "note": "整数写成小数"});
        let (status, row) = app.post("/api/v1/points/adjustments", &app.admin_token, body).await;
        assert_eq!(status, StatusCode::CREATED, "{row}");
        assert_eq!(row["delta"], 5);
        let body = json!({"user_id": me["id"], "delta": 5.5, "note": "真小数"});
        let (status, error) = app.post("/api/v1/points/adjustments", &app.admin_token, body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
        assert!(error["fields"]["delta"].is_string(), "{error}");
    }

    async fn other_methods_on_known_paths_are_405_with_allow(app: TestApp) {
        for (method, path, allow) in [
            (Method::DELETE, "/api/v1/me", "GET"),
            (Method::TRACE, "/healthz", "GET"),
            (Method::PUT, "/api/v1/clients/42", "GET, PATCH"),
        ] {
            let response = app.client.request(method.clone(), app.url(path)).bearer_auth(&app.admin_token).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
            assert_eq!(response.headers()["allow"], allow, "{method} {path}");
            let json: Value = response.json().await.unwrap();
            assert_eq!(json["error"], "method_not_allowed", "{json}");
        }
    }
}

/// Sends the head of a POST whose body never comes, on a connection of its own;
/// returns the connection (to keep it open) once the head is written.
async fn stalled_body(app: &TestApp, token: &str) -> tokio::net::TcpStream {
    use tokio::io::AsyncWriteExt;
    let address = app.address.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST /api/v1/follows HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"tar"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream
}

/// Reads what the server answered on `stream` (the status line and the body's JSON).
async fn answer_on(mut stream: tokio::net::TcpStream) -> (u16, Value) {
    use tokio::io::AsyncReadExt;
    let mut raw = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(n) => raw.extend_from_slice(&buffer[..n]),
        }
        let text = String::from_utf8_lossy(&raw);
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            if let Ok(value) = serde_json::from_str::<Value>(body.trim()) {
                let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
                return (status, value);
            }
        }
    }
    panic!("no JSON answer: {}", String::from_utf8_lossy(&raw));
}

on_both_backends! {
    async fn over_long_urls_and_queries_get_json_errors(app: TestApp) {
        let long = "a".repeat(9000);
        let (status, error) = app.get(&format!("/api/v1/clients?q={long}"), &app.admin_token).await;
        assert_eq!((status, error["error"].as_str()), (StatusCode::BAD_REQUEST, Some("bad_request")), "{error}");
        let query = "芜".repeat(201);
        let (status, error) = app.get(&format!("/api/v1/search?q={}", crate::helpers::urlencode(&query)), &app.admin_token).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
        assert!(error["fields"]["q"].is_string(), "{error}");
        let (status, _) = app.get(&format!("/api/v1/search?q={}", crate::helpers::urlencode(&"芜".repeat(200))), &app.admin_token).await;
        assert_eq!(status, StatusCode::OK);
    }
}

#[actix_web::test]
async fn a_slow_body_is_cut_off_with_408() {
    let overrides = zhiku::config::Overrides { body_timeout_seconds: Some(1), ..Default::default() };
    let app = TestApp::spawn_with(crate::helpers::Backend::Sqlite, overrides).await;
    let stalled = stalled_body(&app, &app.admin_token).await;
    let (status, error) = answer_on(stalled).await;
    assert_eq!((status, error["error"].as_str()), (408, Some("request_timeout")), "{error}");
    assert_eq!(app.get("/api/v1/follows", &app.admin_token).await.0, StatusCode::OK);
}
