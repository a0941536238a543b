//! Clients and contacts over HTTP: extract, parse, one service call, map.

use actix_web::http::StatusCode;
use actix_web::{get, patch, post, web, HttpResponse};
use serde::{Deserialize, Deserializer};
use utoipa::{IntoParams, ToSchema};

use crate::api::{Json, Page, PageParams};
use crate::auth::extract::CurrentUser;
use crate::clients::service::{self, ClientEdit, ClientInput, RawClient, RawContact, RawLoss};
use crate::clients::store::{ClientFilter, ClientSort};
use crate::clients::view::{ClientView, ContactView};
use crate::enums::{ClientKind, ClientSegment, ClientStatus, LossReason};
use crate::error::{ApiError, ApiResult};
use crate::idempotency::IdempotencyKey;
use crate::ids::{ClientId, ContactId, UserId};
use crate::state::State;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(create_client)
        .service(list_clients)
        .service(get_client)
        .service(update_client)
        .service(add_contact)
        .service(update_contact);
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateClient {
    pub kind: ClientKind,
    #[schema(example = "芜湖长江实业集团有限公司", max_length = 100)]
    pub name: String,
    #[schema(max_length = 40)]
    pub industry: Option<String>,
    #[schema(max_length = 40)]
    pub region: Option<String>,
    #[schema(max_length = 20)]
    pub tier: Option<String>,
    pub status: Option<ClientStatus>,
    pub owner_id: Option<UserId>,
    pub parent_id: Option<ClientId>,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Interest clusters and labels, e.g. 高尔夫, 网球, 机场贵宾.
    #[serde(default)]
    #[schema(example = json!(["高尔夫", "机场贵宾"]))]
    pub tags: Vec<String>,
    /// The marketing segment (拥护者、支持者、潜在、中立、流失风险).
    pub segment: Option<ClientSegment>,
}

/// Create a client. Anyone may; only admins assign an owner other than themselves.
#[utoipa::path(tag = "clients", request_body = CreateClient,
    responses((status = 201, body = ClientView), (status = 409, description = "same kind and name exists"), (status = 422)))]
#[post("/clients")]
async fn create_client(
    state: State,
    me: CurrentUser,
    key: IdempotencyKey,
    body: Json<CreateClient>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let input = ClientInput::parse(RawClient {
        kind: b.kind,
        name: b.name,
        industry: b.industry,
        region: b.region,
        tier: b.tier,
        status: b.status,
        owner_id: b.owner_id,
        parent_id: b.parent_id,
        aliases: b.aliases,
        tags: b.tags,
        segment: b.segment,
    })?;
    let user = me.id;
    state.write_once(user, key, StatusCode::CREATED, move |conn| service::create(conn, &me, input)).await
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    Asc,
    Desc,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClientQuery {
    /// Part of the name or an alias, or of the full pinyin or initials (`wuhu`, `whcj`).
    pub q: Option<String>,
    pub kind: Option<ClientKind>,
    pub tag: Option<String>,
    pub owner_id: Option<UserId>,
    pub parent_id: Option<ClientId>,
    pub status: Option<ClientStatus>,
    pub tier: Option<String>,
    /// Part of the industry: 物流 finds 港口物流 and 冷链物流.
    pub industry: Option<String>,
    /// Part of the region.
    pub region: Option<String>,
    pub segment: Option<ClientSegment>,
    /// Contracts ending from today to this many days ahead (0–3650), by the
    /// latest adopted business entry.
    pub contract_end_within: Option<u32>,
    /// pinyin (default), name, industry, region, tier, status, segment, contract_end, created_at, updated_at.
    pub sort: Option<ClientSort>,
    /// asc (default) or desc; empty values always last.
    pub order: Option<SortOrder>,
}

impl ClientQuery {
    /// The list's filter; 422 on a contract window over ten years.
    pub fn filter(self) -> Result<ClientFilter, ApiError> {
        let text = |v: Option<String>| v.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let contract_end = match self.contract_end_within {
            Some(days) if days > 3650 => {
                return Err(ApiError::fields(crate::error::Fields::from([(
                    "contract_end_within".to_owned(),
                    "须在 0–3650 天之间".to_owned(),
                )])))
            }
            Some(days) => {
                let today = crate::time::local_day(chrono::Utc::now().naive_utc());
                Some((today, today + chrono::Duration::days(i64::from(days))))
            }
            None => None,
        };
        Ok(ClientFilter {
            q: text(self.q),
            kind: self.kind,
            tag: text(self.tag),
            owner_id: self.owner_id,
            parent_id: self.parent_id,
            status: self.status,
            tier: text(self.tier),
            industry: text(self.industry),
            region: text(self.region),
            segment: self.segment,
            contract_end,
            sort: self.sort.unwrap_or_default(),
            descending: self.order == Some(SortOrder::Desc),
        })
    }
}

/// Clients by name, pinyin or initials, kind, tag, owner, status, tier,
/// industry, region, segment and contract end, in pinyin or any column's order.
#[utoipa::path(tag = "clients", params(ClientQuery, PageParams), responses((status = 200, body = Page<ClientView>), (status = 422)))]
#[get("/clients")]
async fn list_clients(
    state: State,
    _me: CurrentUser,
    query: web::Query<ClientQuery>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let filter = query.into_inner().filter()?;
    let page = page.into_inner();
    let (items, total) =
        state.read(move |conn| service::list(conn, &filter, page.offset(), page.per_page())).await?;
    Ok(HttpResponse::Ok().json(Page { items, total }))
}

/// One client.
#[utoipa::path(tag = "clients", responses((status = 200, body = ClientView), (status = 404)))]
#[get("/clients/{id}")]
async fn get_client(state: State, _me: CurrentUser, id: web::Path<ClientId>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let view = state.read(move |conn| service::get(conn, id)).await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct UpdateClient {
    #[schema(max_length = 100)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 40)]
    pub industry: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 40)]
    pub region: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 20)]
    pub tier: Option<Option<String>>,
    pub status: Option<ClientStatus>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub parent_id: Option<Option<ClientId>>,
    pub aliases: Option<Vec<String>>,
    pub tags: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<ClientSegment>)]
    pub segment: Option<Option<ClientSegment>>,
    /// With `status` `lost` or `at_risk` only: why, to whom, when. Without
    /// it such a change is recorded today with its reasons unstated.
    pub loss: Option<LossBody>,
}

/// Why a client is lost or at risk.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct LossBody {
    /// At least one.
    pub reasons: Vec<LossReason>,
    /// Which competitor; required with `competitor_offer`.
    #[schema(example = "中国电信", max_length = 40)]
    pub competitor: Option<String>,
    /// `YYYY-MM-DD`, not after today; default today.
    #[schema(example = "2026-11-20")]
    pub occurred_on: Option<String>,
    #[schema(max_length = 1000)]
    pub note: Option<String>,
}

fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// Edit a client (its owner, reviewers, admins). Ownership changes go through
/// handover. Marking it lost or at risk records why (`loss`); marking it
/// active again closes that, won back or kept.
#[utoipa::path(tag = "clients", request_body = UpdateClient,
    responses((status = 200, body = ClientView), (status = 403), (status = 404), (status = 409), (status = 422)))]
#[patch("/clients/{id}")]
async fn update_client(
    state: State,
    me: CurrentUser,
    id: web::Path<ClientId>,
    body: Json<UpdateClient>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let b = body.0;
    let loss = b.loss.map(|l| RawLoss {
        reasons: l.reasons,
        competitor: l.competitor,
        occurred_on: l.occurred_on,
        note: l.note,
    });
    let edit = ClientEdit::parse(
        b.name,
        b.industry,
        b.region,
        b.tier,
        b.status,
        b.parent_id,
        b.aliases,
        b.tags,
        b.segment,
        loss,
    )?;
    let view = state.write(move |conn| service::update(conn, &me, id, edit)).await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ContactInput {
    #[schema(max_length = 40)]
    pub name: Option<String>,
    #[schema(max_length = 40)]
    pub title: Option<String>,
    pub is_decision_maker: Option<bool>,
    /// Sensitive.
    pub phone: Option<String>,
    /// Sensitive: personal notes.
    #[schema(max_length = 2000)]
    pub notes: Option<String>,
    /// Interest tags (高尔夫, 网球 …): the contact joins those clusters.
    #[schema(example = json!(["高尔夫"]))]
    pub tags: Option<Vec<String>>,
}

impl From<ContactInput> for RawContact {
    fn from(input: ContactInput) -> Self {
        RawContact {
            name: input.name,
            title: input.title,
            is_decision_maker: input.is_decision_maker,
            phone: input.phone,
            notes: input.notes,
            tags: input.tags,
        }
    }
}

/// Add a contact person to a group client.
#[utoipa::path(tag = "clients", request_body = ContactInput, responses((status = 201, body = ContactView), (status = 404), (status = 422)))]
#[post("/clients/{id}/contacts")]
async fn add_contact(
    state: State,
    me: CurrentUser,
    key: IdempotencyKey,
    id: web::Path<ClientId>,
    body: Json<ContactInput>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let changes = service::contact_changes(body.0.into(), true)?;
    let user = me.id;
    state
        .write_once(user, key, StatusCode::CREATED, move |conn| service::add_contact(conn, &me, id, changes))
        .await
}

/// Edit a contact (its author, the client's owner, reviewers, admins).
#[utoipa::path(tag = "clients", request_body = ContactInput, responses((status = 200, body = ContactView), (status = 403), (status = 404)))]
#[patch("/contacts/{id}")]
async fn update_contact(
    state: State,
    me: CurrentUser,
    id: web::Path<ContactId>,
    body: Json<ContactInput>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let changes = service::contact_changes(body.0.into(), false)?;
    let view = state.write(move |conn| service::update_contact(conn, &me, id, changes)).await?;
    Ok(HttpResponse::Ok().json(view))
}
