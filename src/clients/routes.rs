use actix_web::{get, patch, post, put, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use crate::api::{Json, Page, PageParams};
use crate::audit;
use crate::auth::extract::CurrentUser;
use crate::clients::model::{
    ClientChanges, ClientId, ClientKind, ClientStatus, ContactChanges, NewClient, NewContact, NewOwnerChange,
};
use crate::clients::pinyin;
use crate::clients::store::{self, ClientFilter};
use crate::clients::view::{client_view, client_views, contact_views, ClientView, ContactView};
use crate::db::{write_tx, DbConn};
use crate::error::{ApiError, ApiResult, Fields};
use crate::intel::store as intel_store;
use crate::intel::view::{intel_views, IntelView};
use crate::intel::visibility;
use crate::notify::store::{self as notify, kind, NewNotification};
use crate::state::State;
use crate::usage::store::{self as usages, UsageView};
use crate::users::model::{Role, UserId};
use crate::users::store as users;
use crate::users::view::{user_refs, UserRef};

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(create_client)
        .service(list_clients)
        .service(get_client)
        .service(update_client)
        .service(dossier)
        .service(hand_over)
        .service(add_contact)
        .service(update_contact);
}

const MAX_TAGS: usize = 30;

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateClient {
    pub kind: ClientKind,
    #[schema(example = "芜湖长江实业集团有限公司")]
    pub name: String,
    pub industry: Option<String>,
    pub region: Option<String>,
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
}

fn short_text(problems: &mut Fields, field: &str, value: Option<&str>, max: usize) -> Option<String> {
    let value = value.map(str::trim).filter(|v| !v.is_empty())?;
    if value.chars().count() > max || value.chars().any(char::is_control) {
        problems.insert(field.into(), format!("不能超过 {max} 个字符"));
        return None;
    }
    Some(value.to_owned())
}

fn clean_list(problems: &mut Fields, field: &str, items: &[String]) -> Vec<String> {
    let mut clean: Vec<String> = Vec::new();
    for item in items.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        if item.chars().count() > 20 || item.contains(',') {
            problems.insert(field.into(), "每项不超过 20 个字符且不含逗号".into());
        } else if !clean.iter().any(|c| c == item) {
            clean.push(item.to_owned());
        }
    }
    if clean.len() > MAX_TAGS {
        problems.insert(field.into(), format!("最多 {MAX_TAGS} 项"));
    }
    clean
}

/// An owner must be an active account manager.
fn check_owner(conn: &mut DbConn, owner: UserId, field: &str) -> ApiResult<()> {
    match users::find_user(conn, owner)? {
        Some(user) if user.is_active && user.roles().has(Role::AccountManager) => Ok(()),
        Some(_) => Err(ApiError::field(field, "负责人须为在职的客户经理")),
        None => Err(ApiError::field(field, "用户不存在")),
    }
}

fn check_parent(conn: &mut DbConn, parent: ClientId, child: Option<ClientId>) -> ApiResult<()> {
    match store::find(conn, parent)? {
        Some(p) if p.kind == "group" && Some(p.id) != child => Ok(()),
        _ => Err(ApiError::field("parent_id", "所属集团须为已有的集团客户")),
    }
}

/// Create a client. Anyone may; only admins assign an owner other than themselves.
#[utoipa::path(tag = "clients", request_body = CreateClient,
    responses((status = 201, body = ClientView), (status = 409, description = "same kind and name exists"), (status = 422)))]
#[post("/clients")]
async fn create_client(state: State, me: CurrentUser, body: Json<CreateClient>) -> ApiResult<HttpResponse> {
    let input = body.0;
    let mut problems = Fields::new();
    let name = short_text(&mut problems, "name", Some(&input.name), 100);
    if name.is_none() && !problems.contains_key("name") {
        problems.insert("name".into(), "必填".into());
    }
    let industry = short_text(&mut problems, "industry", input.industry.as_deref(), 40);
    let region = short_text(&mut problems, "region", input.region.as_deref(), 40);
    let tier = short_text(&mut problems, "tier", input.tier.as_deref(), 20);
    let tags = clean_list(&mut problems, "tags", &input.tags);
    let aliases = clean_list(&mut problems, "aliases", &input.aliases);
    if input.owner_id.is_some_and(|o| o != me.id) && !me.has(Role::Admin) {
        problems.insert("owner_id".into(), "只有管理员可以指定其他负责人".into());
    }
    if input.parent_id.is_some() && input.kind != ClientKind::Individual {
        problems.insert("parent_id".into(), "只有个人客户可以隶属于集团".into());
    }
    let Some(name) = name.filter(|_| problems.is_empty()) else {
        return Err(ApiError::fields(problems));
    };
    let view = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                if store::find_by_name(conn, input.kind.as_str(), &name)?.is_some() {
                    return Err(ApiError::Conflict(format!("客户“{name}”已存在")));
                }
                if let Some(owner) = input.owner_id {
                    check_owner(conn, owner, "owner_id")?;
                }
                if let Some(parent) = input.parent_id {
                    check_parent(conn, parent, None)?;
                }
                let (full, initials) = pinyin::keys(&name);
                let now = Utc::now().naive_utc();
                let client = store::insert(
                    conn,
                    &NewClient {
                        kind: input.kind.as_str().to_owned(),
                        name,
                        pinyin: full,
                        initials,
                        aliases: aliases.join(","),
                        industry,
                        region,
                        tier,
                        status: input.status.unwrap_or(ClientStatus::Active).as_str().to_owned(),
                        owner_id: input.owner_id,
                        parent_id: input.parent_id,
                        created_by: me.id,
                        created_at: now,
                        updated_at: now,
                    },
                )?;
                store::set_tags(conn, client.id, &tags)?;
                if let Some(owner) = input.owner_id {
                    let change = NewOwnerChange {
                        client_id: client.id,
                        from_owner_id: None,
                        to_owner_id: Some(owner),
                        changed_by: me.id,
                        note: "建档",
                        created_at: now,
                    };
                    store::record_owner_change(conn, &change)?;
                }
                Ok(client_view(conn, client)?)
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
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
}

/// Clients, by name, pinyin or initials, kind, tag or owner.
#[utoipa::path(tag = "clients", params(ClientQuery, PageParams), responses((status = 200, body = Page<ClientView>)))]
#[get("/clients")]
async fn list_clients(
    state: State,
    _me: CurrentUser,
    query: web::Query<ClientQuery>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let query = query.into_inner();
    let page = page.into_inner();
    let filter = ClientFilter {
        q: query.q.filter(|q| !q.trim().is_empty()),
        kind: query.kind.map(|k| k.as_str().to_owned()),
        tag: query.tag.filter(|t| !t.trim().is_empty()),
        owner_id: query.owner_id,
        parent_id: query.parent_id,
    };
    let result = state
        .db(move |conn| {
            let (rows, total) = store::search(conn, &filter, page.offset(), page.per_page())?;
            Ok(Page { items: client_views(conn, rows)?, total })
        })
        .await?;
    Ok(HttpResponse::Ok().json(result))
}

/// One client.
#[utoipa::path(tag = "clients", responses((status = 200, body = ClientView), (status = 404)))]
#[get("/clients/{id}")]
async fn get_client(state: State, _me: CurrentUser, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = ClientId(id.into_inner());
    let view = state
        .db(move |conn| {
            let client = store::find(conn, id)?.ok_or_else(|| ApiError::not_found("客户"))?;
            Ok(client_view(conn, client)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct UpdateClient {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub industry: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub region: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub tier: Option<Option<String>>,
    pub status: Option<ClientStatus>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub parent_id: Option<Option<ClientId>>,
    pub aliases: Option<Vec<String>>,
    pub tags: Option<Vec<String>>,
}

fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// May change a client's facts: its owner, reviewers and admins.
fn may_edit(me: &CurrentUser, owner: Option<UserId>) -> bool {
    owner == Some(me.id) || visibility::is_privileged(me)
}

/// Edit a client (its owner, reviewers, admins). Ownership changes go through handover.
#[utoipa::path(tag = "clients", request_body = UpdateClient,
    responses((status = 200, body = ClientView), (status = 403), (status = 404), (status = 409), (status = 422)))]
#[patch("/clients/{id}")]
async fn update_client(
    state: State,
    me: CurrentUser,
    id: web::Path<i64>,
    body: Json<UpdateClient>,
) -> ApiResult<HttpResponse> {
    let id = ClientId(id.into_inner());
    let input = body.0;
    let mut problems = Fields::new();
    let name = input.name.as_deref().map(|n| short_text(&mut problems, "name", Some(n), 100));
    if name.as_ref().is_some_and(Option::is_none) && !problems.contains_key("name") {
        problems.insert("name".into(), "必填".into());
    }
    let optional = |problems: &mut Fields, field: &str, value: &Option<Option<String>>, max: usize| {
        value.as_ref().map(|v| short_text(problems, field, v.as_deref(), max))
    };
    let industry = optional(&mut problems, "industry", &input.industry, 40);
    let region = optional(&mut problems, "region", &input.region, 40);
    let tier = optional(&mut problems, "tier", &input.tier, 20);
    let tags = input.tags.as_deref().map(|t| clean_list(&mut problems, "tags", t));
    let aliases = input.aliases.as_deref().map(|a| clean_list(&mut problems, "aliases", a));
    if !problems.is_empty() {
        return Err(ApiError::fields(problems));
    }
    let name = name.flatten();
    let view = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let client = store::find(conn, id)?.ok_or_else(|| ApiError::not_found("客户"))?;
                if !may_edit(&me, client.owner_id) {
                    return Err(ApiError::Forbidden("只有客户经理、审核人员或管理员可以修改客户资料".into()));
                }
                if let Some(name) = name.as_ref().filter(|n| **n != client.name) {
                    if store::find_by_name(conn, &client.kind, name)?.is_some() {
                        return Err(ApiError::Conflict(format!("客户“{name}”已存在")));
                    }
                }
                if let Some(Some(parent)) = input.parent_id {
                    if client.kind != "individual" {
                        return Err(ApiError::field("parent_id", "只有个人客户可以隶属于集团"));
                    }
                    check_parent(conn, parent, Some(id))?;
                }
                let keys = name.as_deref().map(pinyin::keys);
                let changes = ClientChanges {
                    pinyin: keys.as_ref().map(|k| k.0.clone()),
                    initials: keys.map(|k| k.1),
                    name,
                    aliases: aliases.map(|a| a.join(",")),
                    industry,
                    region,
                    tier,
                    status: input.status.map(|s| s.as_str().to_owned()),
                    owner_id: None,
                    parent_id: input.parent_id,
                    updated_at: Some(Utc::now().naive_utc()),
                };
                let updated = store::update(conn, id, &changes)?;
                if let Some(tags) = &tags {
                    store::set_tags(conn, id, tags)?;
                }
                Ok(client_view(conn, updated)?)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OwnerHistoryItem {
    pub from: Option<UserRef>,
    pub to: Option<UserRef>,
    pub changed_by: UserRef,
    pub note: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Dossier {
    pub client: ClientView,
    /// Individuals belonging to this group.
    pub members: Vec<ClientView>,
    pub owner_history: Vec<OwnerHistoryItem>,
    pub contacts: Vec<ContactView>,
    /// Adopted entries, newest first.
    pub intel: Vec<IntelView>,
    /// How many of them are stale.
    pub stale_count: i64,
    pub usages: Vec<UsageView>,
}

/// The client dossier for a handover: adopted entries, contacts, owner history, usages.
#[utoipa::path(tag = "clients", responses((status = 200, body = Dossier), (status = 404)))]
#[get("/clients/{id}/dossier")]
async fn dossier(state: State, me: CurrentUser, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = ClientId(id.into_inner());
    let dossier = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let client = store::find(conn, id)?.ok_or_else(|| ApiError::not_found("客户"))?;
                let owner = client.owner_id;
                let history = store::owner_history(conn, id)?;
                let mut people: Vec<UserId> =
                    history.iter().flat_map(|h| [h.from_owner_id, h.to_owner_id]).flatten().collect();
                people.extend(history.iter().map(|h| h.changed_by));
                let people = user_refs(conn, &people)?;
                let name =
                    |id: UserId| people.get(&id).cloned().unwrap_or(UserRef { id, real_name: String::new() });
                let owner_history = history
                    .into_iter()
                    .map(|h| OwnerHistoryItem {
                        from: h.from_owner_id.map(name),
                        to: h.to_owner_id.map(name),
                        changed_by: name(h.changed_by),
                        note: h.note,
                        created_at: h.created_at.and_utc(),
                    })
                    .collect();
                let contacts = store::contacts_of(conn, id)?;
                let contacts = contact_views(conn, &me, owner, contacts)?;
                let adopted = intel_store::adopted_of_client(conn, id)?;
                let intel = intel_views(conn, &me, adopted)?;
                let stale_count = intel.iter().filter(|i| i.stale).count() as i64;
                let usages = usages::for_client(conn, id)?;
                let usages = usages::views(conn, usages)?;
                let (members, _) =
                    store::search(conn, &ClientFilter { parent_id: Some(id), ..Default::default() }, 0, 500)?;
                let members = client_views(conn, members)?;
                Ok(Dossier {
                    client: client_view(conn, client)?,
                    members,
                    owner_history,
                    contacts,
                    intel,
                    stale_count,
                    usages,
                })
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(dossier))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct Handover {
    pub owner_id: UserId,
    #[serde(default)]
    pub note: String,
}

/// Hand a client over to another account manager (the current owner, reviewers, admins).
/// The new owner is notified.
#[utoipa::path(tag = "clients", request_body = Handover,
    responses((status = 200, body = ClientView), (status = 403), (status = 404), (status = 422)))]
#[put("/clients/{id}/owner")]
async fn hand_over(
    state: State,
    me: CurrentUser,
    id: web::Path<i64>,
    body: Json<Handover>,
) -> ApiResult<HttpResponse> {
    let id = ClientId(id.into_inner());
    let Handover { owner_id, note } = body.0;
    if note.chars().count() > 1000 {
        return Err(ApiError::field("note", "交接说明不能超过 1000 个字符"));
    }
    let view = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let client = store::find(conn, id)?.ok_or_else(|| ApiError::not_found("客户"))?;
                if !may_edit(&me, client.owner_id) {
                    return Err(ApiError::Forbidden("只有当前客户经理、审核人员或管理员可以交接客户".into()));
                }
                check_owner(conn, owner_id, "owner_id")?;
                if client.owner_id == Some(owner_id) {
                    return Err(ApiError::field("owner_id", "该客户已由此人负责"));
                }
                let now = Utc::now().naive_utc();
                let changes = ClientChanges {
                    owner_id: Some(Some(owner_id)),
                    updated_at: Some(now),
                    ..Default::default()
                };
                let updated = store::update(conn, id, &changes)?;
                let note = note.trim();
                let change = NewOwnerChange {
                    client_id: id,
                    from_owner_id: client.owner_id,
                    to_owner_id: Some(owner_id),
                    changed_by: me.id,
                    note,
                    created_at: now,
                };
                store::record_owner_change(conn, &change)?;
                notify::notify(
                    conn,
                    NewNotification::new(
                        owner_id,
                        kind::CLIENT_HANDOVER,
                        format!("客户“{}”已交接给你", client.name),
                        if note.is_empty() {
                            "请查看客户档案。".to_owned()
                        } else {
                            format!("交接说明：{note}")
                        },
                    )
                    .client(id),
                )?;
                audit::record(
                    conn,
                    Some(me.id),
                    "client.handover",
                    "client",
                    Some(id.0),
                    json!({"from": client.owner_id, "to": owner_id}),
                )?;
                Ok(client_view(conn, updated)?)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ContactInput {
    pub name: Option<String>,
    pub title: Option<String>,
    pub is_decision_maker: Option<bool>,
    /// Sensitive.
    pub phone: Option<String>,
    /// Sensitive: personal notes.
    pub notes: Option<String>,
}

fn contact_changes(input: ContactInput, creating: bool) -> ApiResult<ContactChanges> {
    let mut problems = Fields::new();
    let name = short_text(&mut problems, "name", input.name.as_deref(), 40);
    if creating && name.is_none() && !problems.contains_key("name") {
        problems.insert("name".into(), "必填".into());
    }
    let title =
        input.title.as_deref().map(|t| short_text(&mut problems, "title", Some(t), 40).unwrap_or_default());
    let phone = input.phone.as_deref().map(str::trim).map(str::to_owned);
    if phone.as_deref().is_some_and(|p| !p.is_empty() && !crate::categories::template::is_phone(p)) {
        problems.insert("phone".into(), "电话号码格式不正确".into());
    }
    if input.notes.as_deref().is_some_and(|n| n.chars().count() > 2000) {
        problems.insert("notes".into(), "不能超过 2000 个字符".into());
    }
    if !problems.is_empty() {
        return Err(ApiError::fields(problems));
    }
    Ok(ContactChanges {
        name,
        title,
        is_decision_maker: input.is_decision_maker,
        phone,
        notes: input.notes.map(|n| n.trim().to_owned()),
        updated_at: Some(Utc::now().naive_utc()),
    })
}

/// Add a contact person to a group client.
#[utoipa::path(tag = "clients", request_body = ContactInput, responses((status = 201, body = ContactView), (status = 404), (status = 422)))]
#[post("/clients/{id}/contacts")]
async fn add_contact(
    state: State,
    me: CurrentUser,
    id: web::Path<i64>,
    body: Json<ContactInput>,
) -> ApiResult<HttpResponse> {
    let id = ClientId(id.into_inner());
    let changes = contact_changes(body.0, true)?;
    let view = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let client = store::find(conn, id)?.ok_or_else(|| ApiError::not_found("客户"))?;
                if client.kind != "group" {
                    return Err(ApiError::field("client_id", "联系人只属于集团客户"));
                }
                let now = Utc::now().naive_utc();
                let contact = store::insert_contact(
                    conn,
                    &NewContact {
                        client_id: id,
                        name: changes.name.unwrap_or_default(),
                        title: changes.title.unwrap_or_default(),
                        is_decision_maker: changes.is_decision_maker.unwrap_or(false),
                        phone: changes.phone.unwrap_or_default(),
                        notes: changes.notes.unwrap_or_default(),
                        created_by: me.id,
                        created_at: now,
                        updated_at: now,
                    },
                )?;
                Ok(contact_views(conn, &me, client.owner_id, vec![contact])?.remove(0))
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// Edit a contact (its author, the client's owner, reviewers, admins).
#[utoipa::path(tag = "clients", request_body = ContactInput, responses((status = 200, body = ContactView), (status = 403), (status = 404)))]
#[patch("/contacts/{id}")]
async fn update_contact(
    state: State,
    me: CurrentUser,
    id: web::Path<i64>,
    body: Json<ContactInput>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let changes = contact_changes(body.0, false)?;
    let view = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let contact = store::find_contact(conn, id)?.ok_or_else(|| ApiError::not_found("联系人"))?;
                let owner = store::find(conn, contact.client_id)?.and_then(|c| c.owner_id);
                if contact.created_by != me.id && !may_edit(&me, owner) {
                    return Err(ApiError::forbidden());
                }
                let updated = store::update_contact(conn, id, &changes)?;
                Ok(contact_views(conn, &me, owner, vec![updated])?.remove(0))
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}
