use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{user_password, TestApp, ADMIN_PASSWORD, JWT_SECRET};
use crate::on_both_backends;

fn forge(claims: Value, algorithm: Algorithm, secret: &[u8]) -> String {
    encode(&Header::new(algorithm), &claims, &EncodingKey::from_secret(secret)).unwrap()
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

on_both_backends! {
    async fn login_by_employee_no_or_email_returns_tokens_and_user(app: TestApp) {
        let department = app.create_department("政企客户部", "frontline").await;
        app.create_user("E1001", "张伟", &["account_manager"], Some(department)).await;

        let (status, body) = app.login("e1001", &user_password("E1001")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["token_type"], "Bearer");
        assert_eq!(body["expires_in"], 900);
        assert!(body["refresh_token"].as_str().unwrap().len() >= 22);
        assert_eq!(body["user"]["real_name"], "张伟");
        assert_eq!(body["user"]["department"]["name"], "政企客户部");
        assert_eq!(body["user"]["roles"], json!(["employee", "account_manager"]));
        assert_eq!(body["user"]["points"], 0);

        let (status, _) = app.login("E1001@ZHIKU.TEST", &user_password("E1001")).await;
        assert_eq!(status, StatusCode::OK);

        let token = body["access_token"].as_str().unwrap();
        let (status, me) = app.get("/api/v1/me", token).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(me["employee_no"], "E1001");
    }

    async fn login_sets_an_httponly_strict_refresh_cookie(app: TestApp) {
        let response = app
            .client
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({"login": "ADMIN1", "password": ADMIN_PASSWORD}))
            .send()
            .await
            .unwrap();
        let cookie = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .find(|c| c.starts_with("zhiku_refresh="))
            .expect("refresh cookie");
        assert!(cookie.contains("HttpOnly"), "{cookie}");
        assert!(cookie.contains("SameSite=Strict"), "{cookie}");
        assert!(cookie.contains("Path=/api/v1/auth"), "{cookie}");

        // The cookie alone refreshes (the client keeps cookies).
        let (status, body) = app.call(Method::POST, "/api/v1/auth/refresh", None, None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body["access_token"].is_string());
    }

    async fn wrong_password_and_unknown_user_are_the_same_error(app: TestApp) {
        let (status, wrong) = app.login("ADMIN1", "Wrong-pass-1").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(wrong["error"], "invalid_credentials");
        let (status, unknown) = app.login("NOBODY", "Wrong-pass-1").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(unknown, wrong);
    }

    async fn deactivated_users_cannot_sign_in_and_lose_their_sessions(app: TestApp) {
        let user = app.create_user("E2001", "李娜", &[], None).await;
        let session = app.login_ok("E2001", &user_password("E2001")).await;
        let id = user["id"].as_i64().unwrap();
        let (status, body) = app.patch(&format!("/api/v1/users/{id}"), &app.admin_token, json!({"is_active": false})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["is_active"], false);
        assert_eq!(app.get("/api/v1/me", &session.access_token).await.0, StatusCode::UNAUTHORIZED);
        assert_eq!(app.login("E2001", &user_password("E2001")).await.0, StatusCode::UNAUTHORIZED);
    }

    async fn refresh_rotates_and_reuse_revokes_the_family(app: TestApp) {
        let first = app.login_ok("ADMIN1", ADMIN_PASSWORD).await;
        let refresh = |token: String| {
            let app = &app;
            async move {
                app.call(Method::POST, "/api/v1/auth/refresh", None, Some(json!({"refresh_token": token}))).await
            }
        };
        let (status, second) = refresh(first.refresh_token.clone()).await;
        assert_eq!(status, StatusCode::OK, "{second}");
        let second_refresh = second["refresh_token"].as_str().unwrap().to_owned();
        assert_ne!(second_refresh, first.refresh_token);
        let second_access = second["access_token"].as_str().unwrap().to_owned();
        assert_eq!(app.get("/api/v1/me", &second_access).await.0, StatusCode::OK);

        // Replaying the spent token fails and revokes the whole session.
        let (status, body) = refresh(first.refresh_token.clone()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["error"], "unauthorized");
        assert_eq!(refresh(second_refresh).await.0, StatusCode::UNAUTHORIZED);
        assert_eq!(app.get("/api/v1/me", &second_access).await.0, StatusCode::UNAUTHORIZED);
        assert_eq!(app.get("/api/v1/me", &first.access_token).await.0, StatusCode::UNAUTHORIZED);

        // Other sessions are untouched.
        assert_eq!(app.get("/api/v1/me", &app.admin_token).await.0, StatusCode::OK);
        assert_eq!(refresh("not-a-token".into()).await.0, StatusCode::UNAUTHORIZED);
    }

    async fn logout_ends_the_session_at_once(app: TestApp) {
        let session = app.login_ok("ADMIN1", ADMIN_PASSWORD).await;
        let (status, _) = app.call(Method::POST, "/api/v1/auth/logout", Some(&session.access_token), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        assert_eq!(app.get("/api/v1/me", &session.access_token).await.0, StatusCode::UNAUTHORIZED);
        let (status, _) = app
            .call(Method::POST, "/api/v1/auth/refresh", None, Some(json!({"refresh_token": session.refresh_token})))
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(app.get("/api/v1/me", &app.admin_token).await.0, StatusCode::OK);
    }

    async fn password_change_revokes_every_other_session(app: TestApp) {
        app.create_user("E3001", "王芳", &[], None).await;
        let old_password = user_password("E3001");
        let laptop = app.login_ok("E3001", &old_password).await;
        let phone = app.login_ok("E3001", &old_password).await;

        let (status, body) = app
            .post("/api/v1/me/password", &laptop.access_token, json!({"current_password": "Wrong-1234", "new_password": "New-pass-2027"}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body["fields"]["current_password"].is_string());
        let (status, body) = app
            .post("/api/v1/me/password", &laptop.access_token, json!({"current_password": old_password, "new_password": "short"}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body["fields"]["new_password"].is_string());

        let (status, body) = app
            .post("/api/v1/me/password", &laptop.access_token, json!({"current_password": old_password, "new_password": "New-pass-2027"}))
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        assert_eq!(app.get("/api/v1/me", &laptop.access_token).await.0, StatusCode::OK);
        assert_eq!(app.get("/api/v1/me", &phone.access_token).await.0, StatusCode::UNAUTHORIZED);
        let (status, _) = app
            .call(Method::POST, "/api/v1/auth/refresh", None, Some(json!({"refresh_token": phone.refresh_token})))
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(app.login("E3001", &old_password).await.0, StatusCode::UNAUTHORIZED);
        assert_eq!(app.login("E3001", "New-pass-2027").await.0, StatusCode::OK);
    }

    async fn forged_and_tampered_tokens_are_refused(app: TestApp) {
        let user_id = app.get("/api/v1/me", &app.admin_token).await.1["id"].as_i64().unwrap();
        let session = app.login_ok("ADMIN1", ADMIN_PASSWORD).await;
        let sid = {
            let payload = session.access_token.split('.').nth(1).unwrap();
            let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
            claims["sid"].as_i64().unwrap()
        };
        let claims = |aud: &str, iss: &str, exp: i64| {
            json!({"iss": iss, "aud": aud, "sub": user_id.to_string(), "sid": sid, "iat": now(), "exp": exp})
        };
        let me = |token: String| {
            let app = &app;
            async move { app.get("/api/v1/me", &token).await.0 }
        };

        // Control: a correctly forged token with the real secret works, so the refusals below are real.
        assert_eq!(me(forge(claims("zhiku-api", "zhiku", now() + 60), Algorithm::HS256, JWT_SECRET.as_bytes())).await, StatusCode::OK);

        let mut tampered = session.access_token.clone();
        let last = tampered.pop().unwrap();
        tampered.push(if last == 'A' { 'B' } else { 'A' });
        assert_eq!(me(tampered).await, StatusCode::UNAUTHORIZED);

        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let payload = URL_SAFE_NO_PAD.encode(claims("zhiku-api", "zhiku", now() + 60).to_string());
        assert_eq!(me(format!("{header}.{payload}.")).await, StatusCode::UNAUTHORIZED);

        assert_eq!(me(forge(claims("zhiku-api", "zhiku", now() + 60), Algorithm::HS512, JWT_SECRET.as_bytes())).await, StatusCode::UNAUTHORIZED);
        assert_eq!(me(forge(claims("zhiku-api", "zhiku", now() + 60), Algorithm::HS256, b"some-other-secret-of-enough-length!!")).await, StatusCode::UNAUTHORIZED);
        assert_eq!(me(forge(claims("zhiku-api", "zhiku", now() - 120), Algorithm::HS256, JWT_SECRET.as_bytes())).await, StatusCode::UNAUTHORIZED);
        assert_eq!(me(forge(claims("other-api", "zhiku", now() + 60), Algorithm::HS256, JWT_SECRET.as_bytes())).await, StatusCode::UNAUTHORIZED);
        assert_eq!(me(forge(claims("zhiku-api", "evil", now() + 60), Algorithm::HS256, JWT_SECRET.as_bytes())).await, StatusCode::UNAUTHORIZED);
        assert_eq!(me("garbage".into()).await, StatusCode::UNAUTHORIZED);

        let (status, body) = app.call(Method::GET, "/api/v1/me", None, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["error"], "unauthorized");
    }

    async fn failed_logins_are_throttled_per_account(app: TestApp) {
        app.create_user("E4001", "赵磊", &[], None).await;
        for _ in 0..5 {
            assert_eq!(app.login("E4001", "Wrong-pass-1").await.0, StatusCode::UNAUTHORIZED);
        }
        let response = app
            .client
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({"login": "E4001", "password": user_password("E4001")}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(response.headers().get("retry-after").is_some());
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "rate_limited");
        // Another account from the same address still signs in.
        assert_eq!(app.login("ADMIN1", ADMIN_PASSWORD).await.0, StatusCode::OK);
    }
}

mod throttling_per_ip {
    use super::*;
    use zhiku::config::Overrides;

    #[actix_web::test]
    async fn many_failures_from_one_address_are_throttled() {
        let app = TestApp::spawn_with(
            crate::helpers::Backend::Sqlite,
            Overrides { login_failures_per_ip: Some(3), ..Default::default() },
        )
        .await;
        for login in ["A1", "A2", "A3"] {
            assert_eq!(app.login(login, "Wrong-pass-1").await.0, StatusCode::UNAUTHORIZED);
        }
        let (status, body) = app.login("ADMIN1", ADMIN_PASSWORD).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    }
}
