//! Operations on entries, shared by the HTTP routes, the import and the demo
//! seeder: the rules of the loop, permissions through the policy, each write
//! in one transaction, and the views with their sensitive reads audited.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use serde_json::{json, Map, Value};

use crate::audit;
use crate::auth::extract::CurrentUser;
use crate::auth::policy::{self};
use crate::categories::model::{Category, COMPETITOR};
use crate::categories::{store as categories, template};
use crate::clients::store as clients;
use crate::db::{write_tx, DbConn};
use crate::enums::NotificationKind;
use crate::enums::PointReason;
use crate::enums::{AuditAction, IntelStatus, Source, UpkeepKind};
use crate::error::Fields;
use crate::ids::ClientId;
use crate::ids::IntelId;
use crate::ids::UserId;
use crate::intel::model::{Intel, IntelContent, NewIntel, Subject};
use crate::intel::store::{IntelFilter, ReadScope};
use crate::intel::view::{intel_views, IntelView};
use crate::intel::{freshness, store};
use crate::notify::service as notify;
use crate::notify::service::{MailChoice, NewNotification};
use crate::points::rules;
use crate::points::store::{self as points, Award};

crate::service_error! {
    pub enum IntelError {
        #[error("情报不存在")]
        NotFound => NotFound,
        #[error("{0}")]
        Conflict(&'static str) => Conflict,
        #[error("{0}")]
        Forbidden(&'static str) => Forbidden,
    }
}

type Result<T> = std::result::Result<T, IntelError>;

const MAX_TITLE_CHARS: usize = 200;
const MAX_BODY_CHARS: usize = 20_000;

/// The content of a new entry or revision, as parsed at the edge.
#[derive(Debug, Clone)]
pub struct Content {
    pub title: String,
    pub body: String,
    pub fields: Map<String, Value>,
    pub source: Source,
    pub observed_at: NaiveDateTime,
}

/// Parses `observed_at`: a plain date (`YYYY-MM-DD`) or RFC 3339, not in the future.
pub fn parse_observed_at(raw: &str) -> std::result::Result<NaiveDateTime, &'static str> {
    let raw = raw.trim();
    let parsed = DateTime::parse_from_rfc3339(raw)
        .map(|t| t.with_timezone(&Utc).naive_utc())
        .or_else(|_| {
            NaiveDate::parse_from_str(raw, "%Y-%m-%d").map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default())
        })
        .map_err(|_| "须为日期 YYYY-MM-DD 或 RFC 3339 时间")?;
    if parsed > Utc::now().naive_utc() + Duration::days(1) {
        return Err("不能晚于今天");
    }
    Ok(parsed)
}

/// Checks title and body lengths, adding problems to `problems`.
pub fn check_text(problems: &mut Fields, title: Option<&str>, body: Option<&str>) {
    if let Some(title) = title {
        let length = title.trim().chars().count();
        if length == 0 || length > MAX_TITLE_CHARS {
            problems.insert("title".into(), format!("标题须为 1–{MAX_TITLE_CHARS} 个字符"));
        }
    }
    if body.is_some_and(|b| b.chars().count() > MAX_BODY_CHARS) {
        problems.insert("body".into(), format!("正文不能超过 {MAX_BODY_CHARS} 个字符"));
    }
}

/// The category `key`, or 422 on `category`.
pub fn category(conn: &mut DbConn, key: &str) -> Result<Category> {
    categories::find(conn, key)?.ok_or_else(|| IntelError::field("category", "没有这个分类"))
}

/// The most clients one competitor entry may name.
pub const MAX_CLIENTS: usize = 50;

/// Checks who an entry under `category` is about: one existing client, or
/// for a competitor entry none (the whole market) or several (422 otherwise).
fn check_subject(conn: &mut DbConn, category: &Category, subject: &Subject) -> Result<()> {
    if category.key != COMPETITOR {
        if subject.primary().is_none() {
            return Err(IntelError::field("client_id", "须选择客户（只有竞争情报可以不关联客户）"));
        }
        if !subject.is_single() {
            return Err(IntelError::field("client_ids", "只有竞争情报可以关联多个客户"));
        }
    }
    if subject.clients().len() > MAX_CLIENTS {
        return Err(IntelError::field("client_ids", format!("最多关联 {MAX_CLIENTS} 个客户")));
    }
    let found = clients::find_many(conn, subject.clients())?;
    if let Some(missing) = subject.clients().iter().find(|id| !found.contains_key(id)) {
        let key = if Some(*missing) == subject.primary() { "client_id" } else { "client_ids" };
        return Err(IntelError::field(key, format!("客户不存在：{}", missing.0)));
    }
    Ok(())
}

/// Validated template values and their completeness; 422 per field otherwise.
fn checked_fields(category: &Category, values: &Map<String, Value>, require: bool) -> Result<(String, f64)> {
    let clean = template::validate(&category.fields, values, require).map_err(IntelError::Invalid)?;
    let completeness = template::completeness(&category.fields, &clean);
    Ok((Value::Object(clean).to_string(), completeness))
}

/// Records a new entry by `author` (always the signed-in user), as a draft or submitted.
pub fn create(
    conn: &mut DbConn,
    author: &CurrentUser,
    subject: &Subject,
    category_key: &str,
    content: Content,
    draft: bool,
) -> Result<Intel> {
    let category = category(conn, category_key)?;
    check_subject(conn, &category, subject)?;
    let status = if draft { IntelStatus::Draft } else { IntelStatus::Submitted };
    let entry = insert_entry(conn, author, subject, category, content, status, None)?;
    if !draft {
        notify_owners(conn, &entry, NotificationKind::IntelSubmittedForMyClient, false)?;
    }
    Ok(entry)
}

/// Validates `content` against the category's template (required fields only
/// once it leaves draft) and stores it as a new entry, or as a revision of
/// `revises`.
fn insert_entry(
    conn: &mut DbConn,
    author: &CurrentUser,
    subject: &Subject,
    category: Category,
    content: Content,
    status: IntelStatus,
    revises: Option<&Intel>,
) -> Result<Intel> {
    let new =
        new_entry(author, subject.primary(), &category, content, status, revises, Utc::now().naive_utc())?;
    Ok(store::insert(conn, &new, subject)?)
}

fn new_entry(
    author: &CurrentUser,
    client_id: Option<ClientId>,
    category: &Category,
    content: Content,
    status: IntelStatus,
    revises: Option<&Intel>,
    now: NaiveDateTime,
) -> Result<NewIntel> {
    let (fields, completeness) = checked_fields(category, &content.fields, status != IntelStatus::Draft)?;
    let sensitive_keys = recorded_sensitive_keys(category, revises);
    Ok(NewIntel {
        client_id,
        category: category.key.clone(),
        author_id: author.id,
        title: content.title.trim().to_owned(),
        body: content.body,
        fields,
        source: content.source,
        observed_at: content.observed_at,
        completeness,
        status,
        revision: revises.map_or(1, |r| r.revision + 1),
        supersedes_id: revises.map(|r| r.id),
        created_at: now,
        updated_at: now,
        submitted_at: (status != IntelStatus::Draft).then_some(now),
        decided_at: None,
        adopted_at: None,
        quality: None,
        imported: false,
        sensitive_keys,
    })
}

/// The keys to record as sensitive with values written now under
/// `category`'s template: those sensitive now, and those that were in what
/// the values replace (once sensitive, masked for good).
fn recorded_sensitive_keys(category: &Category, replaces: Option<&Intel>) -> String {
    let mut keys = template::sensitive_keys(&category.fields);
    for key in replaces.map(Intel::recorded_sensitive_keys).unwrap_or_default() {
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    json!(keys).to_string()
}

/// A legacy record stored at once as adopted with `quality` (by `zhiku
/// import`): template values are type-checked, none is required. The caller
/// records the review.
pub fn insert_adopted(
    conn: &mut DbConn,
    author: &CurrentUser,
    client_id: ClientId,
    category: &Category,
    content: Content,
    quality: f64,
    now: NaiveDateTime,
) -> Result<Intel> {
    let new = adopted_entry(author, client_id, category, content, quality, now)?;
    Ok(store::insert(conn, &new, &Subject::one(client_id))?)
}

/// [`insert_adopted`]'s entry checked and made, not yet stored (the import
/// stores a chunk at once with `store::insert_many`).
pub fn adopted_entry(
    author: &CurrentUser,
    client_id: ClientId,
    category: &Category,
    content: Content,
    quality: f64,
    now: NaiveDateTime,
) -> Result<NewIntel> {
    let mut new = new_entry(author, Some(client_id), category, content, IntelStatus::Draft, None, now)?;
    new.status = IntelStatus::Adopted;
    new.imported = true;
    new.submitted_at = Some(now);
    new.decided_at = Some(now);
    new.adopted_at = Some(now);
    new.quality = Some(quality);
    Ok(new)
}

/// Changes to a draft or returned entry; `None` keeps a value.
#[derive(Debug, Default)]
pub struct Edit {
    /// Who the entry is about instead.
    pub subject: Option<Subject>,
    pub category: Option<String>,
    pub title: Option<String>,
    pub body: Option<String>,
    pub fields: Option<Map<String, Value>>,
    pub source: Option<Source>,
    pub observed_at: Option<NaiveDateTime>,
    pub submit: bool,
}

/// Lets the author edit a draft or a returned entry, and (re)submit it. A
/// resubmitted returned entry becomes a new revision, decided afresh.
pub fn edit(conn: &mut DbConn, author: &CurrentUser, id: IntelId, edit: Edit) -> Result<Intel> {
    let entry = readable(conn, author, id)?;
    if entry.author_id != author.id {
        return Err(IntelError::Forbidden("只有作者可以修改"));
    }
    let status = entry.status;
    if !matches!(status, IntelStatus::Draft | IntelStatus::NeedsRevision) {
        return Err(IntelError::Conflict("只有草稿或退回修改的条目可以编辑"));
    }
    let subject = store::subject(conn, &entry)?;
    if entry.supersedes_id.is_some() {
        keep_subject_of_revision(&entry, &subject, &edit)?;
    }
    let category = category(conn, edit.category.as_deref().unwrap_or(&entry.category))?;
    let new_subject = edit.subject.clone().filter(|s| *s != subject);
    check_subject(conn, &category, new_subject.as_ref().unwrap_or(&subject))?;
    let values = edit.fields.clone().unwrap_or_else(|| entry.field_values());
    let (fields, completeness) = checked_fields(&category, &values, edit.submit)?;
    let now = Utc::now().naive_utc();
    let resubmitted = edit.submit && status == IntelStatus::NeedsRevision;
    let sensitive_keys = recorded_sensitive_keys(&category, Some(&entry));
    if let Some(subject) = &new_subject {
        store::set_subject(conn, id, subject)?;
    }
    let content = IntelContent {
        category: Some(category.key),
        title: edit.title.map(|t| t.trim().to_owned()),
        body: edit.body,
        fields: Some(fields),
        source: edit.source,
        observed_at: edit.observed_at,
        completeness: Some(completeness),
        sensitive_keys: Some(sensitive_keys),
        status: edit.submit.then_some(IntelStatus::Submitted),
        revision: resubmitted.then_some(entry.revision + 1),
        submitted_at: edit.submit.then_some(now),
        updated_at: Some(now),
    };
    let edited = store::update_content(conn, id, &content)?;
    if resubmitted {
        // A correction falls due when the entry was returned.
        let returned = entry.decided_at.unwrap_or(entry.updated_at);
        store::record_upkeep(conn, author.id, id, UpkeepKind::Correct, returned, now)?;
    }
    if edit.submit {
        notify_owners(conn, &edited, NotificationKind::IntelSubmittedForMyClient, false)?;
    }
    Ok(edited)
}

/// A revision is about what it revises: its clients and category cannot change (422).
fn keep_subject_of_revision(revision: &Intel, subject: &Subject, edit: &Edit) -> Result<()> {
    let mut problems = Fields::new();
    if edit.subject.as_ref().is_some_and(|s| s != subject) {
        problems.insert("client_id".into(), "修订须与原条目属于同一客户".into());
    }
    if edit.category.as_deref().is_some_and(|c| c != revision.category) {
        problems.insert("category".into(), "修订须与原条目属于同一分类".into());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(IntelError::Invalid(problems))
    }
}

/// Proposes a revision of an adopted entry (by its author or the client's
/// owner). The adopted text stays in force until the revision is adopted.
pub fn propose_revision(
    conn: &mut DbConn,
    user: &CurrentUser,
    id: IntelId,
    content: Content,
) -> Result<Intel> {
    let original = readable(conn, user, id)?;
    if original.status != IntelStatus::Adopted {
        return Err(IntelError::Conflict("只能修订已采纳的条目"));
    }
    let subject = store::subject(conn, &original)?;
    if original.author_id != user.id && !owns_any(conn, user.id, &subject)? {
        return Err(IntelError::Forbidden("只有作者或客户经理可以修订"));
    }
    const ONE_PENDING: &str = "该条目已有待审核的修订";
    if store::pending_revision_of(conn, id)?.is_some() {
        return Err(IntelError::Conflict(ONE_PENDING));
    }
    let category = category(conn, &original.category)?;
    let due = freshness::due(original.adopted_at, original.verified_at, category.freshness_days);
    // A concurrent proposal passes the check above too; the unique index
    // `intel_one_pending_revision` lets only one of them in.
    let revision = match insert_entry(
        conn,
        user,
        &subject,
        category,
        content,
        IntelStatus::Submitted,
        Some(&original),
    ) {
        Err(IntelError::Db(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _))) => {
            return Err(IntelError::Conflict(ONE_PENDING))
        }
        other => other?,
    };
    store::record_upkeep(
        conn,
        user.id,
        revision.id,
        UpkeepKind::Revise,
        due.unwrap_or(revision.created_at),
        revision.created_at,
    )?;
    notify_owners(conn, &revision, NotificationKind::IntelSubmittedForMyClient, false)?;
    if original.author_id != user.id {
        notify::notify(
            conn,
            NewNotification::new(
                original.author_id,
                NotificationKind::IntelRevisionProposed,
                format!("{}提交了你的情报“{}”的修订", user.real_name, original.title),
                format!("修订标题：{}。审核采纳后将取代原条目。", revision.title),
            )
            .intel(original.id)
            .client(original.client_id),
        )?;
    }
    Ok(revision)
}

/// "Still true": the author or the client's owner confirms an adopted fact,
/// resetting its freshness; verifying a stale entry pays once per window.
pub fn verify(conn: &mut DbConn, user: &CurrentUser, id: IntelId) -> Result<(Intel, i32)> {
    let entry = readable(conn, user, id)?;
    if entry.status != IntelStatus::Adopted {
        return Err(IntelError::Conflict("只有已采纳的条目可以确认仍然有效"));
    }
    let subject = store::subject(conn, &entry)?;
    if entry.author_id != user.id && !owns_any(conn, user.id, &subject)? {
        return Err(IntelError::Forbidden("只有作者或客户经理可以确认"));
    }
    let category = category(conn, &entry.category)?;
    let now = Utc::now().naive_utc();
    let mut paid = 0;
    if freshness::is_stale(true, entry.adopted_at, entry.verified_at, category.freshness_days, now) {
        let (version, rules) = points::current_rules(conn)?;
        let window = freshness::clock_start(entry.adopted_at, entry.verified_at).unwrap_or(now);
        let key = format!("verified:{}:{}", id.0, window.and_utc().timestamp());
        let award = Award::new(user.id, rules.verify, PointReason::Verified, key, version).intel(id);
        paid = points::award(conn, &award)?.map_or(0, |row| row.delta);
    }
    let due = freshness::due(entry.adopted_at, entry.verified_at, category.freshness_days).unwrap_or(now);
    store::record_upkeep(conn, user.id, id, UpkeepKind::Verify, due, now)?;
    Ok((store::set_verified(conn, id, now)?, paid))
}

/// A business entry adopted or retracted restates its clients' contract end
/// (the client list filters by it).
pub fn refresh_contract_ends(conn: &mut DbConn, entry: &Intel) -> diesel::QueryResult<()> {
    if entry.category != crate::categories::model::BUSINESS {
        return Ok(());
    }
    let subject = store::subject(conn, entry)?;
    clients::refresh_contract_ends(conn, subject.clients())
}

/// Retracts an entry found false (reviewers and admins), with its whole
/// revision chain: every entry it revises and every revision of it leave
/// circulation, each author loses every point the chain earned them, and
/// each author of an adopted entry of the chain pays the penalty once.
/// Imported legacy records earned nothing and pay no penalty.
pub fn retract(conn: &mut DbConn, user: &CurrentUser, id: IntelId, comment: &str) -> Result<Intel> {
    policy::require_reviewer(user)?;
    let comment = comment.trim();
    if comment.is_empty() {
        return Err(IntelError::field("comment", "撤销须说明理由"));
    }
    let entry = readable(conn, user, id)?;
    if !IntelStatus::PUBLIC.contains(&entry.status) {
        return Err(IntelError::Conflict("只有已采纳的条目可以撤销"));
    }
    let chain = store::revision_chain(conn, &entry)?;
    let ids: Vec<IntelId> = chain.iter().map(|e| e.id).collect();
    let now = Utc::now().naive_utc();
    let moved = store::retract_all(conn, &ids, now)?;
    if !moved.contains(&id) {
        return Err(IntelError::Conflict("该条目刚刚已被撤销"));
    }
    let root = chain[0].id;
    let (version, rules) = points::current_rules(conn)?;
    let mut authors: Vec<UserId> = chain.iter().map(|e| e.author_id).collect();
    authors.sort();
    authors.dedup();
    let mut deltas = Vec::with_capacity(authors.len());
    for author in authors {
        points::lock_user(conn, author)?;
        let earned = points::sum_over(conn, author, &ids)?;
        let penalised = chain.iter().any(|e| e.author_id == author && e.adopted_at.is_some() && !e.imported);
        let delta = rules::retraction(earned, penalised, &rules);
        if delta != 0 {
            let key = format!("retracted:{}:{}", root.0, author.0);
            let award = Award::new(author, delta, PointReason::Retracted, key, version)
                .intel(id)
                .note(comment)
                .by(user.id);
            points::award(conn, &award)?;
        }
        notify::notify(
            conn,
            NewNotification::new(
                author,
                NotificationKind::IntelRetracted,
                format!("你的情报“{}”被撤销", entry.title),
                format!("理由：{comment}。积分变动 {delta}。"),
            )
            .intel(id)
            .client(entry.client_id),
        )?;
        deltas.push(json!({"user_id": author, "delta": delta}));
    }
    audit::record(
        conn,
        Some(user.id),
        AuditAction::IntelRetract,
        "intel",
        Some(id.0),
        json!({"comment": comment, "chain": moved, "points": deltas}),
    )?;
    refresh_contract_ends(conn, &entry)?;
    store::find(conn, id)?.ok_or(IntelError::NotFound)
}

/// The entry if `user` may read it; hidden entries are 404 so that their
/// existence does not leak.
pub fn readable(conn: &mut DbConn, user: &CurrentUser, id: IntelId) -> Result<Intel> {
    let entry = store::find(conn, id)?.ok_or(IntelError::NotFound)?;
    readable_rows(conn, user, vec![entry])?.pop().ok_or(IntelError::NotFound)
}

/// The rows of `rows` that `user` may read, in order.
pub fn readable_rows(
    conn: &mut DbConn,
    user: &CurrentUser,
    rows: Vec<Intel>,
) -> diesel::QueryResult<Vec<Intel>> {
    let pending: Vec<IntelId> =
        rows.iter().filter(|e| e.status == IntelStatus::Submitted).map(|e| e.id).collect();
    let mut owners = if pending.is_empty() { Default::default() } else { owners_of(conn, &pending)? };
    Ok(rows
        .into_iter()
        .filter(|e| {
            let owners = owners.remove(&e.id).unwrap_or_default();
            policy::can_read(user, e.status, e.author_id, &owners)
        })
        .collect())
}

/// The owners of every client each of `ids` is about (and of their groups).
fn owners_of(conn: &mut DbConn, ids: &[IntelId]) -> diesel::QueryResult<HashMap<IntelId, Vec<UserId>>> {
    let named = store::clients_of(conn, ids)?;
    let all: Vec<ClientId> = named.values().flatten().copied().collect();
    let by_client = clients::owners(conn, &all)?;
    Ok(named
        .into_iter()
        .map(|(id, clients)| {
            let mut people: Vec<UserId> =
                clients.iter().filter_map(|c| by_client.get(c)).flatten().copied().collect();
            people.sort();
            people.dedup();
            (id, people)
        })
        .collect())
}

/// Whether `user` owns one of the clients of `subject` (or its group).
fn owns_any(conn: &mut DbConn, user: UserId, subject: &Subject) -> diesel::QueryResult<bool> {
    Ok(clients::owners(conn, subject.clients())?.values().flatten().any(|o| *o == user))
}

/// What a reader may list (see [`ReadScope`]).
pub fn read_scope(conn: &mut DbConn, me: &CurrentUser) -> diesel::QueryResult<ReadScope> {
    let privileged = policy::is_privileged(me);
    let owned = if privileged { Vec::new() } else { clients::owned_by(conn, me.id)? };
    Ok(ReadScope { viewer: me.id, privileged, owned })
}

/// Tells the owners of the clients `entry` is about (and of their groups)
/// about it, all but its author, each once, naming their client; `urgent`
/// mail skips their digests. Returns the people told.
pub fn notify_owners(
    conn: &mut DbConn,
    entry: &Intel,
    kind: NotificationKind,
    urgent: bool,
) -> diesel::QueryResult<Vec<UserId>> {
    let subject = store::subject(conn, entry)?;
    let by_client = clients::owners(conn, subject.clients())?;
    let names = clients::find_many(conn, subject.clients())?;
    // Each owner hears once, about the first of the entry's clients they own.
    let mut owners: Vec<(UserId, ClientId)> = Vec::new();
    for client in subject.clients() {
        for owner in by_client.get(client).into_iter().flatten() {
            if *owner != entry.author_id && owners.iter().all(|(o, _)| o != owner) {
                owners.push((*owner, *client));
            }
        }
    }
    let category = categories::find(conn, &entry.category)?.map(|c| c.name).unwrap_or_default();
    let author = crate::users::store::names(conn, &[entry.author_id])?
        .into_iter()
        .next()
        .map(|(_, n)| n)
        .unwrap_or_default();
    let urgent_mark = if urgent { "【紧急】" } else { "" };
    let told = owners.iter().map(|(o, _)| *o).collect();
    for (owner, client_id) in owners {
        let client = names.get(&client_id).map(|c| c.name.as_str()).unwrap_or_default();
        let title = match kind {
            NotificationKind::IntelAdoptedForMyClient => {
                format!("{urgent_mark}你的客户“{client}”的情报已采纳：{}", entry.title)
            }
            _ => format!("{urgent_mark}你的客户“{client}”有新情报：{}", entry.title),
        };
        let body = format!("分类：{category}；作者：{author}。");
        let notification = NewNotification::new(owner, kind, title, body).intel(entry.id).client(client_id);
        notify::notify_as(conn, notification, MailChoice { delivery: None, urgent })?;
    }
    Ok(told)
}

/// The views of `rows` for `me`; sensitive values shown unmasked to someone
/// other than their author are audited here, in a transaction of their own
/// (or the caller's).
pub fn shown(conn: &mut DbConn, me: &CurrentUser, rows: Vec<Intel>) -> diesel::QueryResult<Vec<IntelView>> {
    let (views, unmasked) = intel_views(conn, me, rows)?;
    if !unmasked.is_empty() {
        write_tx(conn, |conn| audit::sensitive_reads(conn, me.id, &unmasked))?;
    }
    Ok(views)
}

fn shown_one(conn: &mut DbConn, me: &CurrentUser, row: Intel) -> Result<IntelView> {
    Ok(shown(conn, me, vec![row])?.remove(0))
}

/// Records and shows a new entry (see [`create`]).
pub fn submit(
    conn: &mut DbConn,
    me: &CurrentUser,
    subject: &Subject,
    category_key: &str,
    content: Content,
    draft: bool,
) -> Result<IntelView> {
    write_tx(conn, |conn| {
        let entry = create(conn, me, subject, category_key, content, draft)?;
        shown_one(conn, me, entry)
    })
}

/// Entries `me` may read, most recently changed first.
pub fn list(
    conn: &mut DbConn,
    me: &CurrentUser,
    filter: &IntelFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<IntelView>, i64)> {
    let scope = read_scope(conn, me)?;
    let (rows, total) = store::list(conn, scope, filter, offset, limit)?;
    Ok((shown(conn, me, rows)?, total))
}

/// One entry as `me` sees it (not found when `me` may not read it).
pub fn get(conn: &mut DbConn, me: &CurrentUser, id: IntelId) -> Result<IntelView> {
    let entry = readable(conn, me, id)?;
    shown_one(conn, me, entry)
}

/// Edits (and maybe submits) and shows a draft or returned entry (see [`edit`]).
pub fn update(conn: &mut DbConn, me: &CurrentUser, id: IntelId, changes: Edit) -> Result<IntelView> {
    write_tx(conn, |conn| {
        let entry = edit(conn, me, id, changes)?;
        shown_one(conn, me, entry)
    })
}

/// Proposes and shows a revision of an adopted entry (see [`propose_revision`]).
pub fn revise(conn: &mut DbConn, me: &CurrentUser, id: IntelId, content: Content) -> Result<IntelView> {
    write_tx(conn, |conn| {
        let revision = propose_revision(conn, me, id, content)?;
        shown_one(conn, me, revision)
    })
}

/// Confirms an adopted entry is still true and shows it (see [`verify`]).
pub fn confirm_still_true(conn: &mut DbConn, me: &CurrentUser, id: IntelId) -> Result<IntelView> {
    write_tx(conn, |conn| {
        let (entry, _) = verify(conn, me, id)?;
        shown_one(conn, me, entry)
    })
}

/// Retracts an entry found false and shows it (see [`retract`]).
pub fn retract_as_false(
    conn: &mut DbConn,
    me: &CurrentUser,
    id: IntelId,
    comment: &str,
) -> Result<IntelView> {
    write_tx(conn, |conn| {
        let entry = retract(conn, me, id, comment)?;
        shown_one(conn, me, entry)
    })
}
