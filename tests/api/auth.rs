use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use futures_util::future::join_all;
use zhiku::config::Overrides;

use crate::helpers::{user_password, Backend, TestApp, ADMIN_PASSWORD, JWT_SECRET};
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

/// A server behind a reverse proxy on loopback: `X-Forwarded-For` names the
/// client, so one test can sign in from many addresses. Delays are long
/// enough that no attempt beyond the free ones is let through during a test.
async fn behind_proxy(backend: Backend, overrides: Overrides) -> TestApp {
    TestApp::spawn_with(
        backend,
        Overrides {
            trusted_proxies: Some("127.0.0.1".into()),
            login_backoff_seconds: Some(600),
            ..overrides
        },
    )
    .await
}

/// Signs in from `address` (through the trusted proxy); status, `Retry-After` and body.
async fn login_from(
    app: &TestApp,
    address: &str,
    login: &str,
    password: &str,
) -> (StatusCode, Option<u64>, Value) {
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("x-forwarded-for", address)
        .json(&json!({"login": login, "password": password}))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let retry_after = response.headers().get("retry-after").map(|v| v.to_str().unwrap().parse().unwrap());
    (status, retry_after, response.json().await.unwrap_or(Value::Null))
}

async fn throttles(app: &TestApp) -> Vec<Value> {
    let (status, body) = app.get("/api/v1/auth/throttles?per_page=100", &app.admin_token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["items"].as_array().unwrap().clone()
}

fn throttle<'a>(list: &'a [Value], key: &str) -> Option<&'a Value> {
    list.iter().find(|t| t["key"] == key)
}

on_both_backends! {
    async fn a_burst_of_wrong_passwords_gets_the_free_checks_only_and_colleagues_still_sign_in(backend: Backend) {
        let app = behind_proxy(backend, Overrides::default()).await;
        let branch = app.create_department("芜湖分公司", "frontline").await;
        let target = app.create_user("E5001", "钱审核", &["reviewer"], Some(branch)).await;
        app.create_user("E5002", "孙同事", &[], Some(branch)).await;
        let guesses: Vec<String> = (0..200).map(|i| format!("Wrong-pass-{i}")).collect();
        let colleague = user_password("E5002");
        // Everyone is behind the branch's one address; the colleague signs in mid-burst.
        let attempts = guesses.iter().enumerate().flat_map(|(i, guess)| {
            let colleague = (i == 100).then(|| login_from(&app, "10.20.0.1", "E5002", &colleague));
            [Some(login_from(&app, "10.20.0.1", "E5001", guess)), colleague].into_iter().flatten()
        });
        let answers = join_all(attempts).await;
        let (colleague, burst): (Vec<_>, Vec<_>) = answers.into_iter().partition(|(_, _, body)| body["user"]["employee_no"] == "E5002");
        assert_eq!(colleague.len(), 1, "the colleague signed in during the burst: {burst:?}");
        assert_eq!(burst.len(), 200);
        let checked = burst.iter().filter(|(status, _, _)| *status == StatusCode::UNAUTHORIZED).count();
        let refused: Vec<_> = burst.iter().filter(|(status, _, _)| *status == StatusCode::TOO_MANY_REQUESTS).collect();
        assert_eq!(checked + refused.len(), 200, "only 401 and 429: {burst:?}");
        assert!((1..=5).contains(&checked), "{checked} password checks for 5 free attempts");
        for (_, retry_after, body) in &refused {
            assert_eq!(body["error"], "rate_limited", "{body}");
            assert!(retry_after.is_some_and(|s| (1..=600).contains(&s)), "{retry_after:?}");
        }
        // The limiter counted exactly the checks that were made.
        let list = throttles(&app).await;
        let account = throttle(&list, &format!("account:{}", target["id"])).expect("the account is listed");
        assert_eq!(account["failures"], checked);
        assert_eq!(throttle(&list, "address:10.20.0.1").unwrap()["failures"], checked);
    }

    async fn strangers_cannot_lock_an_owner_out(backend: Backend) {
        let app = behind_proxy(backend, Overrides::default()).await;
        app.create_user("E5101", "周管理", &["admin"], None).await;
        for _ in 0..5 {
            assert_eq!(login_from(&app, "203.0.113.66", "E5101", "Wrong-pass-1").await.0, StatusCode::UNAUTHORIZED);
        }
        let (status, retry_after, body) = login_from(&app, "203.0.113.66", "E5101", &user_password("E5101")).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::TOO_MANY_REQUESTS, Some("rate_limited")));
        assert!(retry_after.is_some());
        // The owner, from an address without failures, signs in all the same.
        let (status, _, body) = login_from(&app, "10.30.0.7", "E5101", &user_password("E5101")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        // A stranger's fresh address buys one check of a throttled account, not more.
        for _ in 0..5 {
            assert_eq!(login_from(&app, "203.0.113.66", "E5101", "Wrong-pass-2").await.0, StatusCode::UNAUTHORIZED);
        }
        assert_eq!(login_from(&app, "198.51.100.9", "E5101", "Wrong-pass-3").await.0, StatusCode::UNAUTHORIZED);
        assert_eq!(login_from(&app, "198.51.100.9", "E5101", "Wrong-pass-4").await.0, StatusCode::TOO_MANY_REQUESTS);
    }

    async fn one_address_failing_does_not_lock_out_its_colleagues(backend: Backend) {
        let app = behind_proxy(backend, Overrides { login_failures_per_ip: Some(3), ..Default::default() }).await;
        app.create_user("E5201", "吴老员工", &[], None).await;
        app.create_user("E5202", "郑新员工", &[], None).await;
        assert_eq!(login_from(&app, "10.40.0.1", "E5201", &user_password("E5201")).await.0, StatusCode::OK);
        for login in ["A1", "A2", "A3"] {
            assert_eq!(login_from(&app, "10.40.0.1", login, "Wrong-pass-1").await.0, StatusCode::UNAUTHORIZED);
        }
        let (status, retry_after, body) = login_from(&app, "10.40.0.1", "A4", "Wrong-pass-1").await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "the address is throttled: {body}");
        assert!(retry_after.is_some_and(|s| s >= 1));
        // Whoever signed in from there before still signs in; a first sign-in waits.
        let (status, _, body) = login_from(&app, "10.40.0.1", "E5201", &user_password("E5201")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(login_from(&app, "10.40.0.1", "E5202", &user_password("E5202")).await.0, StatusCode::TOO_MANY_REQUESTS);
        // Other addresses, and the proxy's own, are not affected.
        assert_eq!(login_from(&app, "10.40.0.9", "E5202", &user_password("E5202")).await.0, StatusCode::OK);
        assert_eq!(app.login("ADMIN1", ADMIN_PASSWORD).await.0, StatusCode::OK);
    }

    async fn untrusted_peers_cannot_pick_their_address(backend: Backend) {
        let app = TestApp::spawn_with(backend, Overrides { login_failures_per_ip: Some(3), login_backoff_seconds: Some(600), ..Default::default() }).await;
        for (n, address) in ["10.0.0.1", "10.0.0.2", "10.0.0.3"].iter().enumerate() {
            assert_eq!(login_from(&app, address, &format!("A{n}"), "Wrong-pass-1").await.0, StatusCode::UNAUTHORIZED);
        }
        let (status, _, body) = login_from(&app, "10.0.0.4", "A4", "Wrong-pass-1").await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "X-Forwarded-For from an untrusted peer is ignored: {body}");
        assert!(throttle(&throttles(&app).await, "address:127.0.0.1").is_some());
    }
}

on_both_backends! {
    async fn employee_number_and_email_are_one_account(app: TestApp) {
        app.create_user("E5301", "冯一", &[], None).await;
        for login in ["E5301", "e5301", " E5301@zhiku.test ", "e5301@ZHIKU.TEST", "E5301"] {
            assert_eq!(app.login(login, "Wrong-pass-1").await.0, StatusCode::UNAUTHORIZED, "{login}");
        }
        let (status, body) = app.login("e5301@zhiku.test", &user_password("E5301")).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
        assert_eq!(body["error"], "rate_limited");
        // A login that names nobody is counted apart from every account.
        for _ in 0..5 {
            assert_eq!(app.login("nobody-5301", "Wrong-pass-1").await.0, StatusCode::UNAUTHORIZED);
        }
        assert_eq!(app.login(" NOBODY-5301", "Wrong-pass-1").await.0, StatusCode::TOO_MANY_REQUESTS);
        let list = throttles(&app).await;
        assert_eq!(throttle(&list, "login:nobody-5301").unwrap()["kind"], "login");
    }

    async fn password_changes_are_throttled_apart_from_logins(app: TestApp) {
        let me = app.user_session("E5401", "陈二", &[]).await;
        let id = me.user["id"].as_i64().unwrap();
        // Logins that spell the old limiter's key of a password change block nothing.
        for _ in 0..6 {
            app.login(&format!("user:{id}"), "Wrong-pass-1").await;
            app.login(&format!("password:{id}"), "Wrong-pass-1").await;
        }
        let change = |current: String, new: &'static str| {
            let (app, token) = (&app, me.access_token.clone());
            async move {
                app.post("/api/v1/me/password", &token, json!({"current_password": current, "new_password": new})).await
            }
        };
        let (status, body) = change(user_password("E5401"), "New-pass-5401").await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        // Twenty guesses at once: five are checked, the rest refused before any check.
        let answers = join_all((0..20).map(|i| change(format!("Wrong-{i}-pass"), "Other-pass-5401"))).await;
        let checked = answers.iter().filter(|(status, _)| *status == StatusCode::UNPROCESSABLE_ENTITY).count();
        let refused = answers.iter().filter(|(status, body)| *status == StatusCode::TOO_MANY_REQUESTS && body["error"] == "rate_limited").count();
        assert_eq!(checked + refused, 20, "{answers:?}");
        assert!((1..=5).contains(&checked), "{checked} checks");
        // Signing in is not affected by the password-change throttle.
        assert_eq!(app.login("E5401", "New-pass-5401").await.0, StatusCode::OK);
        let list = throttles(&app).await;
        assert_eq!(throttle(&list, &format!("password:{id}")).unwrap()["kind"], "password_change");
        assert_eq!(throttle(&list, &format!("password:{id}")).unwrap()["user"]["real_name"], "陈二");
    }

    async fn login_takes_only_json(app: TestApp) {
        let body = json!({"login": "ADMIN1", "password": ADMIN_PASSWORD}).to_string();
        for content_type in [Some("text/plain"), Some("application/x-www-form-urlencoded"), Some("multipart/form-data; boundary=x"), None] {
            let mut request = app.client.post(app.url("/api/v1/auth/login")).body(body.clone());
            if let Some(content_type) = content_type {
                request = request.header("content-type", content_type);
            }
            let response = request.send().await.unwrap();
            let status = response.status();
            assert!(response.headers().get("set-cookie").is_none(), "{content_type:?}: no cookie is planted");
            let error: Value = response.json().await.unwrap();
            assert_eq!((status, error["error"].as_str()), (StatusCode::BAD_REQUEST, Some("bad_request")), "{content_type:?}: {error}");
        }
        let response = app
            .client
            .post(app.url("/api/v1/auth/login"))
            .header("content-type", "application/json; charset=utf-8")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }

    async fn cookie_requests_from_a_foreign_origin_are_forbidden(app: TestApp) {
        let login = |origin: &'static str| {
            let app = &app;
            async move {
                let response = app
                    .client
                    .post(app.url("/api/v1/auth/login"))
                    .header("origin", origin)
                    .json(&json!({"login": "ADMIN1", "password": ADMIN_PASSWORD}))
                    .send()
                    .await
                    .unwrap();
                (response.status(), response.json::<Value>().await.unwrap())
            }
        };
        let (status, body) = login("https://evil.example").await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")), "{body}");
        assert_eq!(login("null").await.0, StatusCode::FORBIDDEN);
        let own_origin: &'static str = Box::leak(app.address.clone().into_boxed_str());
        assert_eq!(login(own_origin).await.0, StatusCode::OK, "the client now holds the refresh cookie");

        let refresh = |origin: Option<&str>, body: Option<Value>| {
            let app = &app;
            let origin = origin.map(str::to_owned);
            async move {
                let mut request = app.client.post(app.url("/api/v1/auth/refresh"));
                if let Some(origin) = origin {
                    request = request.header("origin", origin);
                }
                if let Some(body) = body {
                    request = request.json(&body);
                }
                let response = request.send().await.unwrap();
                (response.status(), response.json::<Value>().await.unwrap_or(Value::Null))
            }
        };
        let (status, body) = refresh(Some("https://evil.example"), None).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")), "{body}");
        // The refused request spent nothing: the cookie still refreshes, with our own Origin or none.
        let (status, body) = refresh(Some(own_origin), None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(refresh(None, None).await.0, StatusCode::OK);
        // A token in the body is not a cookie: it needs no Origin check.
        let session = app.login_ok("ADMIN1", ADMIN_PASSWORD).await;
        let (status, body) = refresh(Some("https://evil.example"), Some(json!({"refresh_token": session.refresh_token}))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    async fn admins_see_and_clear_throttles(app: TestApp) {
        let owner = app.create_user("E5501", "褚三", &[], None).await;
        let employee = app.user_session("E5502", "卫四", &[]).await;
        for _ in 0..5 {
            assert_eq!(app.login("E5501", "Wrong-pass-1").await.0, StatusCode::UNAUTHORIZED);
        }
        assert_eq!(app.login("E5501", &user_password("E5501")).await.0, StatusCode::TOO_MANY_REQUESTS);

        let (status, body) = app.get("/api/v1/auth/throttles", &employee.access_token).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")));
        let list = throttles(&app).await;
        let key = format!("account:{}", owner["id"]);
        let account = throttle(&list, &key).expect("listed");
        assert_eq!(account["kind"], "account");
        assert_eq!(account["user"]["real_name"], "褚三");
        assert_eq!(account["failures"], 5);
        assert_eq!(account["throttled"], true);
        assert!(account["retry_after_secs"].as_u64().is_some_and(|s| s >= 1), "{account}");
        assert!(account["last_failure_at"].is_string());
        assert_eq!(list[0]["key"], key.as_str(), "throttled keys first: {list:?}");
        let address = throttle(&list, "address:127.0.0.1").expect("the address is listed");
        assert_eq!((address["kind"].as_str(), address["throttled"].as_bool()), (Some("address"), Some(false)));

        let clear = |key: Value, token: String| {
            let app = &app;
            async move { app.post("/api/v1/auth/throttles/clear", &token, json!({"key": key})).await }
        };
        assert_eq!(clear(json!(key), employee.access_token.clone()).await.0, StatusCode::FORBIDDEN);
        let (status, body) = clear(json!(key), app.admin_token.clone()).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        assert_eq!(app.login("E5501", &user_password("E5501")).await.0, StatusCode::OK);
        assert!(throttle(&throttles(&app).await, &key).is_none());

        let (status, body) = clear(json!(key), app.admin_token.clone()).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")), "{body}");
        for bad in [json!("user:1"), json!("address:nowhere"), json!("")] {
            let (status, body) = clear(bad.clone(), app.admin_token.clone()).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {body}");
            assert!(body["fields"]["key"].is_string());
        }
        let (_, audit) = app.get("/api/v1/audit?action=auth.throttle_clear", &app.admin_token).await;
        assert_eq!(audit["total"], 1, "{audit}");
        assert_eq!(audit["items"][0]["target_id"], owner["id"]);
    }
}
