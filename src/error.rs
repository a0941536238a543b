//! The one error type of the HTTP API. Its `kind` is the `error` string of the
//! API contract; causes are logged, never serialized.

use std::collections::BTreeMap;

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

pub type Fields = BTreeMap<String, String>;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("登录名或密码错误")]
    InvalidCredentials,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    /// The path exists, the method does not; `allow` lists the ones that do.
    #[error("此接口不支持该请求方法")]
    MethodNotAllowed { allow: String },
    #[error("{0}")]
    Conflict(String),
    #[error("请求体过大")]
    PayloadTooLarge,
    /// The request body did not arrive in time.
    #[error("请求体发送超时")]
    RequestTimeout,
    #[error("{message}")]
    Validation { message: String, fields: Fields },
    #[error("尝试次数过多，请稍后再试")]
    RateLimited { retry_after_secs: u64 },
    /// The database or another part the request needs (the search index
    /// while it is rebuilt, …) is down or too slow: try again later.
    #[error("{message}")]
    Unavailable { message: String, retry_after_secs: u64 },
    #[error("服务器内部错误")]
    Internal(#[source] anyhow::Error),
}

/// What a client is told to wait before retrying when the database is unavailable.
pub const DATABASE_RETRY_AFTER_SECS: u64 = 5;

/// The JSON body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable kind the client can switch on, e.g. `validation_failed`.
    pub error: &'static str,
    /// Human readable, may be Chinese.
    pub message: String,
    /// For `validation_failed`: field path → problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<std::collections::HashMap<String, String>>)]
    pub fields: Option<Fields>,
}

impl ApiError {
    pub fn kind(&self) -> &'static str {
        match self {
            ApiError::BadRequest(_) => "bad_request",
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::InvalidCredentials => "invalid_credentials",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound(_) => "not_found",
            ApiError::MethodNotAllowed { .. } => "method_not_allowed",
            ApiError::Conflict(_) => "conflict",
            ApiError::PayloadTooLarge => "payload_too_large",
            ApiError::RequestTimeout => "request_timeout",
            ApiError::Validation { .. } => "validation_failed",
            ApiError::RateLimited { .. } => "rate_limited",
            ApiError::Unavailable { .. } => "unavailable",
            ApiError::Internal(_) => "internal",
        }
    }

    pub fn unauthorized() -> Self {
        ApiError::Unauthorized("未登录或登录已失效".into())
    }

    pub fn forbidden() -> Self {
        ApiError::Forbidden("没有权限执行此操作".into())
    }

    pub fn not_found(what: &str) -> Self {
        ApiError::NotFound(format!("{what}不存在"))
    }

    /// A validation error on one field.
    pub fn field(path: impl Into<String>, problem: impl Into<String>) -> Self {
        let mut fields = Fields::new();
        fields.insert(path.into(), problem.into());
        Self::fields(fields)
    }

    pub fn fields(fields: Fields) -> Self {
        ApiError::Validation { message: "输入有误，请检查标出的字段".into(), fields }
    }

    /// The database did not answer in time (503 with `Retry-After`).
    pub fn database_unavailable() -> Self {
        ApiError::Unavailable {
            message: "数据库暂时不可用，请稍后再试".into(),
            retry_after_secs: DATABASE_RETRY_AFTER_SECS,
        }
    }

    pub fn internal(error: impl Into<anyhow::Error>) -> Self {
        ApiError::Internal(error.into())
    }

    /// 503 with `Retry-After`: ask again in `retry_after_secs` seconds.
    pub fn unavailable(message: impl Into<String>, retry_after_secs: u64) -> Self {
        ApiError::Unavailable { message: message.into(), retry_after_secs }
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: self.kind(),
            message: self.to_string(),
            fields: match self {
                ApiError::Validation { fields, .. } => Some(fields.clone()),
                _ => None,
            },
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) | ApiError::InvalidCredentials => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            ApiError::Validation { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let ApiError::Internal(cause) = self {
            tracing::error!(error = ?cause, "internal error");
        }
        let mut response = HttpResponse::build(self.status_code());
        if let ApiError::RateLimited { retry_after_secs } | ApiError::Unavailable { retry_after_secs, .. } =
            self
        {
            response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
        }
        if let ApiError::Unavailable { message, .. } = self {
            tracing::warn!(%message, "answered unavailable");
        }
        if let ApiError::MethodNotAllowed { allow } = self {
            response.insert_header((header::ALLOW, allow.as_str()));
        }
        if let ApiError::Unauthorized(_) | ApiError::InvalidCredentials = self {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        response.json(self.body())
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(error: diesel::result::Error) -> Self {
        match error {
            diesel::result::Error::NotFound => ApiError::NotFound("记录不存在".into()),
            other if is_unavailable(&other) => {
                tracing::warn!(error = %other, "database unavailable");
                ApiError::database_unavailable()
            }
            other => ApiError::Internal(other.into()),
        }
    }
}

/// Whether a database error means the database is unreachable, gone or too
/// busy (a retry later may succeed) rather than a fault of the request or code.
pub fn is_unavailable(error: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    match error {
        Error::DatabaseError(
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
            _,
        ) => true,
        Error::BrokenTransactionManager => true,
        Error::DatabaseError(_, info) => {
            let message = info.message();
            [
                "statement timeout",
                "server closed the connection",
                "terminating connection",
                "could not receive data",
                "could not send data",
                "no connection to the server",
                "connection timed out",
                "database is locked",
                "the database system is",
                "too many clients",
            ]
            .iter()
            .any(|needle| message.contains(needle))
        }
        _ => false,
    }
}

impl From<diesel::r2d2::PoolError> for ApiError {
    fn from(error: diesel::r2d2::PoolError) -> Self {
        tracing::warn!(%error, "no database connection");
        ApiError::database_unavailable()
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(error: actix_web::error::BlockingError) -> Self {
        ApiError::Internal(error.into())
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// A refusal by `auth::policy`: the user may not do this (403 at the edge).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("没有权限执行此操作")]
pub struct Denied;

/// What a service error means at the HTTP edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    NotFound,
    Conflict,
    Forbidden,
    Unauthorized,
    Internal,
}

impl ApiError {
    /// The API error of `kind` with `message` (for internal errors the message is logged, not sent).
    pub fn of(kind: Kind, message: String) -> Self {
        match kind {
            Kind::NotFound => ApiError::NotFound(message),
            Kind::Conflict => ApiError::Conflict(message),
            Kind::Forbidden => ApiError::Forbidden(message),
            Kind::Unauthorized => ApiError::Unauthorized(message),
            Kind::Internal => ApiError::Internal(anyhow::anyhow!(message)),
        }
    }
}

/// Declares a service's error enum: its own cases, each with the [`Kind`] it
/// has at the HTTP edge, and the three every service shares — a refusal by
/// the policy, invalid input by field, a database error — with the mapping to
/// [`ApiError`] and a `field` constructor.
#[macro_export]
macro_rules! service_error {
    ($(#[$meta:meta])* pub enum $name:ident {
        $(#[error($($message:tt)*)] $variant:ident $(($($field:ty),*))? => $kind:ident,)*
    }) => {
        $(#[$meta])*
        #[derive(Debug, thiserror::Error)]
        pub enum $name {
            $(#[error($($message)*)] $variant $(($($field),*))?,)*
            #[allow(dead_code)]
            #[error(transparent)]
            Denied(#[from] $crate::error::Denied),
            #[allow(dead_code)]
            #[error("输入有误，请检查标出的字段")]
            Invalid($crate::error::Fields),
            #[error(transparent)]
            Db(#[from] diesel::result::Error),
        }

        impl $name {
            /// Invalid input on one field.
            #[allow(dead_code)]
            pub fn field(path: &str, problem: impl Into<String>) -> Self {
                $name::Invalid($crate::error::Fields::from([(path.to_owned(), problem.into())]))
            }
        }

        impl From<$name> for $crate::error::ApiError {
            fn from(error: $name) -> Self {
                #[allow(unreachable_patterns)]
                let kind = match &error {
                    $($name::$variant { .. } => Some($crate::error::Kind::$kind),)*
                    _ => None,
                };
                match (kind, error) {
                    (Some(kind), error) => $crate::error::ApiError::of(kind, error.to_string()),
                    (None, $name::Invalid(fields)) => $crate::error::ApiError::fields(fields),
                    (None, $name::Db(error)) => error.into(),
                    (None, _) => $crate::error::ApiError::forbidden(),
                }
            }
        }
    };
}
