//! Health check, the OpenAPI document and a browsable API reference that
//! needs nothing from the internet (the page renders the document itself).

use actix_web::{get, web, HttpResponse};
use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{Content, OpenApi, Ref, RefOr, Required, Response};
use utoipa::{Modify, PartialSchema, ToSchema};

use crate::error::ErrorBody;

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

/// Completes the collected document with what API.md promises for every
/// operation, so that the routes declare only their own answers:
/// each `{name}` in a path is a declared path parameter (`{id}` is always a
/// row id), and every operation lists the error statuses it can give in the
/// one error shape — 400 for a malformed request, 401/403 when it needs a
/// sign-in, 404 with a path parameter, 413/422 with a body, 500 and 503.
pub fn complete(openapi: &mut OpenApi) {
    let components = openapi.components.get_or_insert_with(Default::default);
    components.schemas.insert(ErrorBody::name().into_owned(), ErrorBody::schema());
    let signed_in_by_default = openapi.security.as_ref().is_some_and(|s| s.iter().any(is_required));
    for (path, item) in openapi.paths.paths.iter_mut() {
        let names: Vec<&str> =
            path.split('/').filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}'))).collect();
        if let Some(post) = item
            .post
            .as_mut()
            .filter(|p| p.responses.responses.contains_key("201") || path.ends_with("/review"))
        {
            declare_idempotency_key(post);
        }
        let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
        for operation in operations.into_iter().flatten() {
            declare_path_parameters(operation, &names);
            let signed_in =
                operation.security.as_ref().map_or(signed_in_by_default, |s| s.iter().any(is_required));
            let mut errors = vec![("400", "bad_request: malformed JSON, query string or path")];
            if signed_in {
                errors.push(("401", "unauthorized: missing, expired or revoked token"));
                errors.push(("403", "forbidden: signed in but not allowed"));
            }
            if !names.is_empty() {
                errors.push(("404", "not_found"));
            }
            if operation.request_body.is_some() {
                errors.push(("408", "request_timeout: the body did not arrive in time"));
                errors.push(("413", "payload_too_large"));
                errors.push(("422", "validation_failed: `fields` names each problem"));
            }
            errors.push((
                "429",
                "rate_limited: too many requests in progress from this address (`Retry-After`)",
            ));
            errors.push(("500", "internal"));
            errors.push(("503", "unavailable: the database or another part is down (`Retry-After`)"));
            for (status, description) in errors {
                operation
                    .responses
                    .responses
                    .entry(status.to_owned())
                    .or_insert_with(|| Response::new(description).into());
            }
            for (status, response) in operation.responses.responses.iter_mut() {
                if let (true, RefOr::T(response)) =
                    (status.starts_with('4') || status.starts_with('5'), response)
                {
                    if response.content.is_empty() {
                        let body = Content::new(Some(Ref::from_schema_name(ErrorBody::name())));
                        response.content.insert("application/json".to_owned(), body);
                    }
                }
            }
        }
    }
}

/// A POST that creates something takes an `Idempotency-Key` (see `crate::idempotency`).
fn declare_idempotency_key(operation: &mut Operation) {
    let key = ParameterBuilder::new()
        .name(crate::idempotency::HEADER)
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(
            "Any opaque value of 1–200 visible ASCII characters: a repeat by the same user with the same key \
             within 24 hours returns the first answer (`Idempotent-Replayed: true`) and writes nothing.",
        ))
        .schema(Some(ObjectBuilder::new().schema_type(Type::String).min_length(Some(1)).max_length(Some(200)).pattern(Some("^[!-~]+$"))))
        .build();
    operation.parameters.get_or_insert_with(Vec::new).push(key);
    operation.responses.responses.entry("409".to_owned()).or_insert_with(|| {
        Response::new("conflict (also: the Idempotency-Key was used for another request)").into()
    });
}

/// Whether a security requirement asks for a token (`security(())` is the empty one: no sign-in).
fn is_required(requirement: &SecurityRequirement) -> bool {
    *requirement != SecurityRequirement::default()
}

fn declare_path_parameters(operation: &mut Operation, names: &[&str]) {
    let parameters = operation.parameters.get_or_insert_with(Vec::new);
    for name in names {
        let declared = parameters.iter().any(|p| p.name == *name && p.parameter_in == ParameterIn::Path);
        if declared {
            continue;
        }
        let schema = match *name {
            "id" => ObjectBuilder::new()
                .schema_type(Type::Integer)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64))),
            _ => ObjectBuilder::new().schema_type(Type::String),
        };
        parameters.push(
            ParameterBuilder::new()
                .name(*name)
                .parameter_in(ParameterIn::Path)
                .required(Required::True)
                .schema(Some(schema))
                .build(),
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
