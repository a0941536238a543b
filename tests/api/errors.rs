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
