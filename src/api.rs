//! Request plumbing shared by every route: the JSON body extractor that keeps
//! the error contract, pagination, and the JSON fallbacks for unknown paths.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::web::BytesMut;
use actix_web::{FromRequest, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, Fields};
use crate::ids::UserId;
use crate::state::AppState;

const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;
const DEFAULT_BODY_SECONDS: u64 = 15;

/// A JSON request body. Malformed JSON or invalid UTF-8 is a 400, a value of
/// the wrong type or a missing field a 422 naming the field, an oversize body
/// a 413 — whatever the client sent, never a 500.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let settings = req.app_data::<actix_web::web::Data<AppState>>().map(|state| &state.settings);
        let limit = settings.map_or(DEFAULT_BODY_LIMIT, |s| s.max_body_bytes);
        let patience =
            std::time::Duration::from_secs(settings.map_or(DEFAULT_BODY_SECONDS, |s| s.body_timeout_seconds));
        let declared = req
            .headers()
            .get(actix_web::http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let mut payload = payload.take();
        Box::pin(async move {
            if declared.is_some_and(|len| len > limit) {
                return Err(ApiError::PayloadTooLarge);
            }
            // A body trickled in slowly holds a connection: it gets `patience` in all.
            let read = async {
                let mut body = BytesMut::new();
                while let Some(chunk) = payload.next().await {
                    let chunk = chunk.map_err(|_| ApiError::BadRequest("请求体读取失败".into()))?;
                    if body.len() + chunk.len() > limit {
                        return Err(ApiError::PayloadTooLarge);
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(body)
            };
            let body = actix_web::rt::time::timeout(patience, read)
                .await
                .map_err(|_| ApiError::RequestTimeout)??;
            parse_json(&body).map(Json)
        })
    }
}

/// A JSON body that must also be declared as JSON (`Content-Type:
/// application/json`, or another `application/…+json`), else 400. For
/// endpoints reachable without a bearer token: a cross-site HTML form can
/// post `text/plain` or form-encoded bodies, but not JSON.
pub struct StrictJson<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for StrictJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        if !declares_json(req) {
            return Box::pin(async {
                Err(ApiError::BadRequest("请求须以 JSON 发送（Content-Type: application/json）".into()))
            });
        }
        let body = Json::<T>::from_request(req, payload);
        Box::pin(async move { body.await.map(|Json(value)| StrictJson(value)) })
    }
}

fn declares_json(req: &HttpRequest) -> bool {
    let Some(value) = req.headers().get(actix_web::http::header::CONTENT_TYPE) else {
        return false;
    };
    let essence = value.to_str().unwrap_or_default().split(';').next().unwrap_or_default().trim();
    let essence = essence.to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Parses a JSON document into `T` following the error contract. An empty
/// body counts as `null`, so `Json<Option<T>>` makes a body optional. JSON
/// has one kind of number: `3.0` is the integer 3 wherever one is expected.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return serde_json::from_slice(b"null").map_err(|_| ApiError::BadRequest("请求体为空".into()));
    }
    let mut value: serde_json::Value =
        serde_json::from_slice(body).map_err(|_| ApiError::BadRequest("请求体不是有效的 JSON".into()))?;
    whole_numbers_as_integers(&mut value);
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        data_error(&path, &error.into_inner())
    })
}

/// Rewrites every whole float that fits an `i64` (`2074.0`, `-5e3`) as that integer.
fn whole_numbers_as_integers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(n) if !n.is_i64() && !n.is_u64() => {
            if let Some(f) = n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e18) {
                // Lossless: whole and well inside the i64 range.
                #[allow(clippy::cast_possible_truncation)]
                let whole = f as i64;
                *value = Value::from(whole);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers_as_integers),
        Value::Object(map) => map.values_mut().for_each(whole_numbers_as_integers),
        _ => {}
    }
}

/// Names the field a data error is about; serde reports a missing field on
/// its parent, so the field name is appended to the path.
fn data_error(path: &str, error: &serde_json::Error) -> ApiError {
    let message = error.to_string();
    let message = message.rsplit_once(" at line ").map_or(message.as_str(), |(m, _)| m);
    let parent = if path == "." { "" } else { path };
    let (field, problem) = match message.strip_prefix("missing field `").and_then(|m| m.strip_suffix('`')) {
        Some(name) if parent.is_empty() => (name.to_owned(), "必填".to_owned()),
        Some(name) => (format!("{parent}.{name}"), "必填".to_owned()),
        None if parent.is_empty() => ("body".to_owned(), message.to_owned()),
        None => (parent.to_owned(), message.to_owned()),
    };
    let mut fields = Fields::new();
    fields.insert(field, problem);
    ApiError::fields(fields)
}

/// `?page=1&per_page=20`; `per_page` is capped at 100.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// 1-based; 0 counts as 1.
    #[param(value_type = Option<i64>, minimum = 0, maximum = 4_294_967_295.0)]
    pub page: Option<u32>,
    /// 20 unless given; values above 100 count as 100, 0 as 1.
    #[param(value_type = Option<i64>, minimum = 0, maximum = 4_294_967_295.0)]
    pub per_page: Option<u32>,
}

impl PageParams {
    pub const MAX_PER_PAGE: u32 = 100;

    pub fn page(&self) -> i64 {
        i64::from(self.page.unwrap_or(1).max(1))
    }

    pub fn per_page(&self) -> i64 {
        i64::from(self.per_page.unwrap_or(20).clamp(1, Self::MAX_PER_PAGE))
    }

    pub fn offset(&self) -> i64 {
        (self.page() - 1) * self.per_page()
    }
}

/// A user as other records mention them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct UserRef {
    pub id: UserId,
    pub real_name: String,
}

/// A page of a list: `{"items": [...], "total": N}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
}

/// Query-string and path errors in the error contract's shape.
pub fn query_error(err: actix_web::error::QueryPayloadError, _: &HttpRequest) -> actix_web::Error {
    ApiError::BadRequest(format!("查询参数有误: {}", sanitize(&err.to_string()))).into()
}

pub fn path_error(_: actix_web::error::PathError, _: &HttpRequest) -> actix_web::Error {
    ApiError::NotFound("资源不存在".into()).into()
}

/// Keeps error text short and free of control characters.
fn sanitize(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(200).collect()
}

/// Unknown API paths (and methods) answer in JSON like every other error.
pub async fn not_found(req: HttpRequest) -> HttpResponse {
    let error = ApiError::NotFound(format!("没有这个接口: {}", sanitize(req.path())));
    actix_web::ResponseError::error_response(&error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Login {
        login: String,
        password: String,
        nested: Option<Inner>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        count: u32,
    }

    fn kind_and_fields(result: Result<Login, ApiError>) -> (&'static str, Option<Fields>) {
        let error = result.unwrap_err();
        (error.kind(), error.body().fields)
    }

    #[test]
    fn malformed_json_and_invalid_utf8_are_bad_requests() {
        for body in [&b"{"[..], b"", b"not json", b"{\"login\": \"\xff\xfe\"}", b"{} trailing"] {
            assert_eq!(kind_and_fields(parse_json(body)).0, "bad_request", "{body:?}");
        }
    }

    #[test]
    fn wrong_types_and_missing_fields_name_the_field() {
        let (kind, fields) = kind_and_fields(parse_json(br#"{"login": 5, "password": "x"}"#));
        assert_eq!(kind, "validation_failed");
        assert!(fields.unwrap().contains_key("login"));

        let (_, fields) = kind_and_fields(parse_json(br#"{"login": "a"}"#));
        assert_eq!(fields.unwrap().get("password").map(String::as_str), Some("必填"));

        let (_, fields) =
            kind_and_fields(parse_json(br#"{"login": "a", "password": "b", "nested": {"count": -1}}"#));
        assert!(fields.unwrap().contains_key("nested.count"));
    }

    #[actix_web::test]
    async fn strict_json_needs_a_json_content_type() {
        use actix_web::test::TestRequest;
        let body = r#"{"login": "a", "password": "b"}"#;
        for (content_type, accepted) in [
            (Some("application/json"), true),
            (Some("Application/JSON; charset=utf-8"), true),
            (Some("application/merge-patch+json"), true),
            (Some("text/plain"), false),
            (Some("application/x-www-form-urlencoded"), false),
            (Some("multipart/form-data; boundary=x"), false),
            (None, false),
        ] {
            let mut req = TestRequest::post().set_payload(body);
            if let Some(content_type) = content_type {
                req = req.insert_header(("content-type", content_type));
            }
            let (req, mut payload) = req.to_http_parts();
            let result = StrictJson::<Login>::from_request(&req, &mut payload).await;
            match result {
                Ok(StrictJson(login)) => assert!(accepted && login.login == "a", "{content_type:?}"),
                Err(error) => assert!(!accepted && error.kind() == "bad_request", "{content_type:?}"),
            }
        }
    }

    #[test]
    fn whole_floats_are_integers() {
        let inner: Inner = parse_json(br#"{"count": 7.0}"#).unwrap();
        assert_eq!(inner.count, 7);
        let (kind, fields) =
            kind_and_fields(parse_json(br#"{"login": "a", "password": "b", "nested": {"count": 7.5}}"#));
        assert_eq!(kind, "validation_failed");
        assert!(fields.unwrap().contains_key("nested.count"));
    }

    #[test]
    fn paging_is_clamped() {
        let p = PageParams { page: Some(0), per_page: Some(1000) };
        assert_eq!((p.page(), p.per_page(), p.offset()), (1, 100, 0));
        let p = PageParams { page: Some(3), per_page: None };
        assert_eq!(p.offset(), 40);
    }
}
