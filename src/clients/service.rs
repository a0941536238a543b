//! Clients and their contacts: the rules for creating, editing and handing
//! over a client, each in one transaction.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, Utc};
use serde_json::json;

use crate::audit;
use crate::auth::extract::CurrentUser;
use crate::auth::policy::{self};
use crate::categories::template::is_phone;
use crate::clients::model::{
    Client, ClientChanges, ContactChanges, NewClient, NewContact, NewLoss, NewOwnerChange,
};
use crate::clients::pinyin;
use crate::clients::store::{self, ClientFilter};
use crate::clients::view::{client_view, client_views, contact_views, ClientView, ContactView};
use crate::db::{write_tx, DbConn};
use crate::enums::{
    AuditAction, ClientKind, ClientSegment, ClientStatus, LossOutcome, LossReason, NotificationKind,
};
use crate::error::Fields;
use crate::ids::{ClientId, ContactId, UserId};
use crate::notify::service::{self as notify, NewNotification};
use crate::time::local_day;
use crate::users::store as users;

const MAX_TAGS: usize = 30;
const MAX_NAME_CHARS: usize = 100;
const MAX_HANDOVER_NOTE_CHARS: usize = 1000;
const MAX_CONTACT_NOTES_CHARS: usize = 2000;

crate::service_error! {
    pub enum ClientError {
        #[error("客户不存在")]
        NotFound => NotFound,
        #[error("联系人不存在")]
        ContactNotFound => NotFound,
        #[error("客户“{0}”已存在")]
        NameTaken(String) => Conflict,
    }
}

type Result<T> = std::result::Result<T, ClientError>;

/// A new client's facts, checked.
#[derive(Debug, Clone)]
pub struct ClientInput {
    pub kind: ClientKind,
    pub name: String,
    pub industry: Option<String>,
    pub region: Option<String>,
    pub tier: Option<String>,
    pub status: ClientStatus,
    pub owner_id: Option<UserId>,
    pub parent_id: Option<ClientId>,
    pub aliases: Vec<String>,
    pub tags: Vec<String>,
    pub segment: Option<ClientSegment>,
}

/// Edits of a client, checked; `None` leaves a value alone.
#[derive(Debug, Clone, Default)]
pub struct ClientEdit {
    pub name: Option<String>,
    pub industry: Option<Option<String>>,
    pub region: Option<Option<String>>,
    pub tier: Option<Option<String>>,
    pub status: Option<ClientStatus>,
    pub parent_id: Option<Option<ClientId>>,
    pub aliases: Option<Vec<String>>,
    pub tags: Option<Vec<String>>,
    pub segment: Option<Option<ClientSegment>>,
    /// Why the client is lost or at risk (with those statuses only).
    pub loss: Option<LossInput>,
}

/// A loss as reported: its reasons, the competitor, when, a note.
#[derive(Debug, Clone)]
pub struct LossInput {
    pub reasons: Vec<LossReason>,
    pub competitor: Option<String>,
    pub occurred_on: NaiveDate,
    pub note: String,
}

/// The raw request of a loss.
#[derive(Debug, Clone, Default)]
pub struct RawLoss {
    pub reasons: Vec<LossReason>,
    pub competitor: Option<String>,
    pub occurred_on: Option<String>,
    pub note: Option<String>,
}

impl LossInput {
    /// Checks a loss as sent: at least one reason, the competitor with a
    /// competitor's offer, a date no later than today.
    fn parse(problems: &mut Fields, raw: RawLoss, today: NaiveDate) -> Option<LossInput> {
        let mut reasons = raw.reasons;
        reasons.sort();
        reasons.dedup();
        if reasons.is_empty() {
            problems.insert("loss.reasons".into(), "至少选择一个原因".into());
        }
        let competitor = short_text(problems, "loss.competitor", raw.competitor.as_deref(), 40);
        if reasons.contains(&LossReason::CompetitorOffer) && competitor.is_none() {
            problems.entry("loss.competitor".into()).or_insert_with(|| "竞争对手优惠须写明哪家".into());
        }
        let occurred_on = match raw.occurred_on.as_deref().map(str::trim) {
            None | Some("") => Some(today),
            Some(text) => match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                Ok(day) if day > today => {
                    problems.insert("loss.occurred_on".into(), "日期不能晚于今天".into());
                    None
                }
                Ok(day) if day.year() >= 1900 => Some(day),
                Ok(_) | Err(_) => {
                    problems
                        .insert("loss.occurred_on".into(), "须为 1900 年以后的日期，格式 YYYY-MM-DD".into());
                    None
                }
            },
        };
        let note = raw.note.unwrap_or_default().trim().to_owned();
        if note.chars().count() > MAX_HANDOVER_NOTE_CHARS {
            problems.insert("loss.note".into(), "不能超过 1000 个字符".into());
        }
        Some(LossInput { reasons, competitor, occurred_on: occurred_on?, note })
    }
}

/// Trimmed text of at most `max` characters; empty is `None`.
pub fn short_text(problems: &mut Fields, field: &str, value: Option<&str>, max: usize) -> Option<String> {
    let value = value.map(str::trim).filter(|v| !v.is_empty())?;
    if value.chars().count() > max || value.chars().any(char::is_control) {
        problems.insert(field.into(), format!("不能超过 {max} 个字符"));
        return None;
    }
    Some(value.to_owned())
}

fn required_text(problems: &mut Fields, field: &str, value: &str, max: usize) -> Option<String> {
    let text = short_text(problems, field, Some(value), max);
    if text.is_none() && !problems.contains_key(field) {
        problems.insert(field.into(), "必填".into());
    }
    text
}

/// Tags and aliases: trimmed, unique, at most 20 characters each, no commas.
pub fn clean_list(problems: &mut Fields, field: &str, items: &[String]) -> Vec<String> {
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

fn checked<T>(problems: Fields, value: Option<T>) -> Result<T> {
    match value {
        Some(value) if problems.is_empty() => Ok(value),
        _ => Err(ClientError::Invalid(problems)),
    }
}

/// The raw request of a new client.
#[derive(Debug, Clone)]
pub struct RawClient {
    pub kind: ClientKind,
    pub name: String,
    pub industry: Option<String>,
    pub region: Option<String>,
    pub tier: Option<String>,
    pub status: Option<ClientStatus>,
    pub owner_id: Option<UserId>,
    pub parent_id: Option<ClientId>,
    pub aliases: Vec<String>,
    pub tags: Vec<String>,
    pub segment: Option<ClientSegment>,
}

impl ClientInput {
    pub fn parse(raw: RawClient) -> Result<Self> {
        let mut problems = Fields::new();
        let name = required_text(&mut problems, "name", &raw.name, MAX_NAME_CHARS);
        let industry = short_text(&mut problems, "industry", raw.industry.as_deref(), 40);
        let region = short_text(&mut problems, "region", raw.region.as_deref(), 40);
        let tier = short_text(&mut problems, "tier", raw.tier.as_deref(), 20);
        let tags = clean_list(&mut problems, "tags", &raw.tags);
        let aliases = clean_list(&mut problems, "aliases", &raw.aliases);
        let kind = raw.kind;
        if raw.parent_id.is_some() && kind != ClientKind::Individual {
            problems.insert("parent_id".into(), "只有个人客户可以隶属于集团".into());
        }
        let name = checked(problems, name)?;
        Ok(ClientInput {
            kind,
            name,
            industry,
            region,
            tier,
            status: raw.status.unwrap_or(ClientStatus::Active),
            owner_id: raw.owner_id,
            parent_id: raw.parent_id,
            aliases,
            tags,
            segment: raw.segment,
        })
    }
}

impl ClientEdit {
    #[allow(clippy::too_many_arguments)]
    pub fn parse(
        name: Option<String>,
        industry: Option<Option<String>>,
        region: Option<Option<String>>,
        tier: Option<Option<String>>,
        status: Option<ClientStatus>,
        parent_id: Option<Option<ClientId>>,
        aliases: Option<Vec<String>>,
        tags: Option<Vec<String>>,
        segment: Option<Option<ClientSegment>>,
        loss: Option<RawLoss>,
    ) -> Result<Self> {
        let mut problems = Fields::new();
        let name = name.map(|n| required_text(&mut problems, "name", &n, MAX_NAME_CHARS));
        let mut optional = |field: &str, value: Option<Option<String>>, max: usize| {
            value.map(|v| short_text(&mut problems, field, v.as_deref(), max))
        };
        let industry = optional("industry", industry, 40);
        let region = optional("region", region, 40);
        let tier = optional("tier", tier, 20);
        let tags = tags.map(|t| clean_list(&mut problems, "tags", &t));
        let aliases = aliases.map(|a| clean_list(&mut problems, "aliases", &a));
        let today = local_day(Utc::now().naive_utc());
        let sent = loss.is_some();
        let loss = loss.and_then(|raw| LossInput::parse(&mut problems, raw, today));
        let losing = matches!(status, Some(ClientStatus::Lost | ClientStatus::AtRisk));
        // The web app always asks why; a bare status change (older callers)
        // is recorded today with its reasons unstated.
        let loss = match (losing, sent, loss) {
            (true, false, _) => Some(LossInput {
                reasons: Vec::new(),
                competitor: None,
                occurred_on: today,
                note: String::new(),
            }),
            (_, _, loss) => loss,
        };
        if !losing && sent {
            problems.insert("loss".into(), "只有标记为流失或流失风险时才填写流失原因".into());
        }
        let edit = ClientEdit {
            name: name.flatten(),
            industry,
            region,
            tier,
            status,
            parent_id,
            aliases,
            tags,
            segment,
            loss,
        };
        checked(problems, Some(edit))
    }
}

/// An owner must be an active account manager.
/// 422 on `field` unless `owner` is an active account manager.
pub fn check_owner(conn: &mut DbConn, owner: UserId, field: &str) -> Result<()> {
    match users::find_user(conn, owner)? {
        Some(user) if user.is_active && policy::may_own_clients(&user.roles) => Ok(()),
        Some(_) => Err(ClientError::field(field, "负责人须为在职的客户经理")),
        None => Err(ClientError::field(field, "用户不存在")),
    }
}

fn check_parent(conn: &mut DbConn, parent: ClientId, child: Option<ClientId>) -> Result<()> {
    match store::find(conn, parent)? {
        Some(p) if p.kind == ClientKind::Group && Some(p.id) != child => Ok(()),
        _ => Err(ClientError::field("parent_id", "所属集团须为已有的集团客户")),
    }
}

pub fn find(conn: &mut DbConn, id: ClientId) -> Result<Client> {
    store::find(conn, id)?.ok_or(ClientError::NotFound)
}

/// Creates a client. Anyone may; only admins assign an owner other than themselves.
pub fn create(conn: &mut DbConn, me: &CurrentUser, input: ClientInput) -> Result<ClientView> {
    if !policy::may_assign_owner(me, input.owner_id) {
        return Err(ClientError::field("owner_id", "只有管理员可以指定其他负责人"));
    }
    write_tx(conn, |conn| {
        let client = insert(conn, me.id, input)?;
        Ok(client_view(conn, client)?)
    })
}

/// Stores a new client (name unique per kind) and its first owner; for
/// callers that checked who may create it (the API, the import).
pub fn insert(conn: &mut DbConn, created_by: UserId, input: ClientInput) -> Result<Client> {
    write_tx(conn, |conn| {
        if store::find_by_name(conn, input.kind, &input.name)?.is_some() {
            return Err(ClientError::NameTaken(input.name));
        }
        if let Some(owner) = input.owner_id {
            check_owner(conn, owner, "owner_id")?;
        }
        if let Some(parent) = input.parent_id {
            check_parent(conn, parent, None)?;
        }
        let (full, initials) = pinyin::keys(&input.name);
        let now = Utc::now().naive_utc();
        let client = store::insert(
            conn,
            &NewClient {
                kind: input.kind,
                name: input.name,
                pinyin: full,
                initials,
                aliases: input.aliases.join(","),
                industry: input.industry,
                region: input.region,
                tier: input.tier,
                status: input.status,
                owner_id: input.owner_id,
                parent_id: input.parent_id,
                created_by,
                created_at: now,
                updated_at: now,
                segment: input.segment,
            },
        )?;
        store::set_tags(conn, client.id, &input.tags)?;
        if let Some(owner) = input.owner_id {
            let change = NewOwnerChange {
                client_id: client.id,
                from_owner_id: None,
                to_owner_id: Some(owner),
                changed_by: created_by,
                note: "建档",
                created_at: now,
            };
            store::record_owner_change(conn, &change)?;
        }
        Ok(client)
    })
}

pub fn list(
    conn: &mut DbConn,
    filter: &ClientFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<ClientView>, i64)> {
    let (rows, total) = store::search(conn, filter, offset, limit)?;
    Ok((client_views(conn, rows)?, total))
}

pub fn get(conn: &mut DbConn, id: ClientId) -> Result<ClientView> {
    let client = find(conn, id)?;
    Ok(client_view(conn, client)?)
}

/// Edits a client (its owner, reviewers, admins). Ownership changes go through handover.
pub fn update(conn: &mut DbConn, me: &CurrentUser, id: ClientId, edit: ClientEdit) -> Result<ClientView> {
    write_tx(conn, |conn| {
        let client = find(conn, id)?;
        policy::allow(policy::may_edit_client(me, client.owner_id))?;
        if let Some(name) = edit.name.as_ref().filter(|n| **n != client.name) {
            if store::find_by_name(conn, client.kind, name)?.is_some() {
                return Err(ClientError::NameTaken(name.clone()));
            }
        }
        if let Some(Some(parent)) = edit.parent_id {
            if client.kind != ClientKind::Individual {
                return Err(ClientError::field("parent_id", "只有个人客户可以隶属于集团"));
            }
            check_parent(conn, parent, Some(id))?;
        }
        let keys = edit.name.as_deref().map(pinyin::keys);
        let changes = ClientChanges {
            pinyin: keys.as_ref().map(|k| k.0.clone()),
            initials: keys.map(|k| k.1),
            name: edit.name,
            aliases: edit.aliases.map(|a| a.join(",")),
            industry: edit.industry,
            region: edit.region,
            tier: edit.tier,
            status: edit.status,
            owner_id: None,
            parent_id: edit.parent_id,
            segment: edit.segment,
            updated_at: Some(Utc::now().naive_utc()),
        };
        let updated = store::update(conn, id, &changes)?;
        if let Some(tags) = &edit.tags {
            store::set_tags(conn, id, tags)?;
        }
        if let Some(status) = edit.status {
            record_loss(conn, me, &client, status, edit.loss)?;
        }
        Ok(client_view(conn, updated)?)
    })
}

/// Keeps the lost-client database: marking a client lost or at risk opens
/// (or restates) its loss; marking it active closes it, won back or kept;
/// a prospect again closes it without an outcome. Audited.
fn record_loss(
    conn: &mut DbConn,
    me: &CurrentUser,
    client: &Client,
    status: ClientStatus,
    loss: Option<LossInput>,
) -> Result<()> {
    let now = Utc::now().naive_utc();
    let open = store::open_loss(conn, client.id)?;
    match (status, loss, open) {
        (ClientStatus::Lost | ClientStatus::AtRisk, Some(input), open) => {
            let new = NewLoss {
                client_id: client.id,
                status,
                reasons: json!(input.reasons).to_string(),
                competitor: input.competitor,
                occurred_on: input.occurred_on,
                note: input.note,
                recorded_by: me.id,
                recorded_at: now,
            };
            let loss = match open {
                Some(open) => store::restate_loss(conn, open.id, &new)?,
                None => store::insert_loss(conn, &new)?,
            };
            let detail = json!({"status": status, "reasons": input.reasons, "competitor": loss.competitor,
                "occurred_on": loss.occurred_on, "from": client.status});
            audit::record(conn, Some(me.id), AuditAction::ClientLoss, "client", Some(client.id.0), detail)?;
        }
        (ClientStatus::Active | ClientStatus::Prospect, _, Some(open)) => {
            let outcome = match (status, open.status) {
                (ClientStatus::Active, ClientStatus::Lost) => Some(LossOutcome::WonBack),
                (ClientStatus::Active, _) => Some(LossOutcome::Retained),
                _ => None,
            };
            store::close_loss(conn, open.id, outcome, local_day(now), me.id, now)?;
            let detail = json!({"status": status, "outcome": outcome, "loss_id": open.id});
            audit::record(conn, Some(me.id), AuditAction::ClientLoss, "client", Some(client.id.0), detail)?;
        }
        _ => {}
    }
    Ok(())
}

/// Hands a client over to another account manager (the current owner,
/// reviewers, admins); the new owner is notified (with `briefing`, what they
/// need to know first) and the act audited.
pub fn hand_over(
    conn: &mut DbConn,
    me: &CurrentUser,
    id: ClientId,
    owner_id: UserId,
    note: &str,
    briefing: &str,
) -> Result<ClientView> {
    let note = note.trim();
    if note.chars().count() > MAX_HANDOVER_NOTE_CHARS {
        return Err(ClientError::field("note", "交接说明不能超过 1000 个字符"));
    }
    write_tx(conn, |conn| {
        let client = find(conn, id)?;
        policy::allow(policy::may_edit_client(me, client.owner_id))?;
        check_owner(conn, owner_id, "owner_id")?;
        if client.owner_id == Some(owner_id) {
            return Err(ClientError::field("owner_id", "该客户已由此人负责"));
        }
        let now = Utc::now().naive_utc();
        let changes =
            ClientChanges { owner_id: Some(Some(owner_id)), updated_at: Some(now), ..Default::default() };
        let updated = store::update(conn, id, &changes)?;
        let change = NewOwnerChange {
            client_id: id,
            from_owner_id: client.owner_id,
            to_owner_id: Some(owner_id),
            changed_by: me.id,
            note,
            created_at: now,
        };
        store::record_owner_change(conn, &change)?;
        let mut body = if note.is_empty() {
            "请查看客户档案。".to_owned()
        } else {
            format!("交接说明：{note}")
        };
        if !briefing.is_empty() {
            body = format!("{body}\n\n{briefing}");
        }
        let title = format!("客户“{}”已交接给你", client.name);
        notify::notify(
            conn,
            NewNotification::new(owner_id, NotificationKind::ClientHandover, title, body).client(id),
        )?;
        audit::record(
            conn,
            Some(me.id),
            AuditAction::ClientHandover,
            "client",
            Some(id.0),
            json!({"from": client.owner_id, "to": owner_id}),
        )?;
        Ok(client_view(conn, updated)?)
    })
}

/// A contact's fields as sent; `None` leaves a value alone on edit.
#[derive(Debug, Clone, Default)]
pub struct RawContact {
    pub name: Option<String>,
    pub title: Option<String>,
    pub is_decision_maker: Option<bool>,
    pub phone: Option<String>,
    pub notes: Option<String>,
    pub tags: Option<Vec<String>>,
}

/// A contact's checked changes and, when sent, its new tags.
#[derive(Debug)]
pub struct ContactEdit {
    pub changes: ContactChanges,
    pub tags: Option<Vec<String>>,
}

/// Checks a contact's fields; a new contact needs a name.
pub fn contact_changes(input: RawContact, creating: bool) -> Result<ContactEdit> {
    let mut problems = Fields::new();
    let name = short_text(&mut problems, "name", input.name.as_deref(), 40);
    if creating && name.is_none() && !problems.contains_key("name") {
        problems.insert("name".into(), "必填".into());
    }
    let title =
        input.title.as_deref().map(|t| short_text(&mut problems, "title", Some(t), 40).unwrap_or_default());
    let phone = input.phone.as_deref().map(str::trim).map(str::to_owned);
    if phone.as_deref().is_some_and(|p| !p.is_empty() && !is_phone(p)) {
        problems.insert("phone".into(), "电话号码格式不正确".into());
    }
    if input.notes.as_deref().is_some_and(|n| n.chars().count() > MAX_CONTACT_NOTES_CHARS) {
        problems.insert("notes".into(), format!("不能超过 {MAX_CONTACT_NOTES_CHARS} 个字符"));
    }
    let tags = input.tags.map(|t| clean_list(&mut problems, "tags", &t));
    let changes = ContactChanges {
        name,
        title,
        is_decision_maker: input.is_decision_maker,
        phone,
        notes: input.notes.map(|n| n.trim().to_owned()),
        updated_at: Some(Utc::now().naive_utc()),
    };
    checked(problems, Some(ContactEdit { changes, tags }))
}

/// Adds a contact person to a group client; the view is masked for `me` as any read.
pub fn add_contact(
    conn: &mut DbConn,
    me: &CurrentUser,
    id: ClientId,
    edit: ContactEdit,
) -> Result<ContactView> {
    let ContactEdit { changes, tags } = edit;
    write_tx(conn, |conn| {
        let client = find(conn, id)?;
        if client.kind != ClientKind::Group {
            return Err(ClientError::field("client_id", "联系人只属于集团客户"));
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
        let tags = tags.unwrap_or_default();
        store::set_contact_tags(conn, contact.id, &tags)?;
        let mut tags = HashMap::from([(contact.id, tags)]);
        let (mut views, unmasked) = contact_views(me, client.owner_id, vec![contact], &mut tags);
        audit::sensitive_reads(conn, me.id, &unmasked)?;
        Ok(views.remove(0))
    })
}

/// Edits a contact (its author, the client's owner, reviewers, admins).
pub fn update_contact(
    conn: &mut DbConn,
    me: &CurrentUser,
    id: ContactId,
    edit: ContactEdit,
) -> Result<ContactView> {
    let ContactEdit { changes, tags } = edit;
    write_tx(conn, |conn| {
        let contact = store::find_contact(conn, id)?.ok_or(ClientError::ContactNotFound)?;
        let owner = store::find(conn, contact.client_id)?.and_then(|c| c.owner_id);
        policy::allow(contact.created_by == me.id || policy::may_edit_client(me, owner))?;
        let updated = store::update_contact(conn, id, &changes)?;
        if let Some(tags) = &tags {
            store::set_contact_tags(conn, id, tags)?;
        }
        let mut tags = store::contact_tags_of(conn, &[id])?;
        let (mut views, unmasked) = contact_views(me, owner, vec![updated], &mut tags);
        audit::sensitive_reads(conn, me.id, &unmasked)?;
        Ok(views.remove(0))
    })
}
