//! Following and unfollowing, and telling followers of a newly adopted entry.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::result::QueryResult;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::extract::CurrentUser;
use crate::categories::model::COMPETITOR;
use crate::clients::store as clients;
use crate::db::{write_tx, DbConn};
use crate::enums::{Delivery, FollowTarget, NotificationKind};
use crate::follows::matching::{normalise, Subject};
use crate::follows::model::{Follow, NewFollow};
use crate::follows::store;
use crate::ids::{ClientId, FollowId, UserId};
use crate::intel::model::Intel;
use crate::intel::store as intel_store;
use crate::notify::service::{self as notify, MailChoice, NewNotification};

crate::service_error! {
    pub enum FollowError {
        #[error("关注不存在")]
        NotFound => NotFound,
        #[error("已经关注了")]
        AlreadyFollowing => Conflict,
    }
}

type Result<T> = std::result::Result<T, FollowError>;

const MAX_VALUE_CHARS: usize = 100;
/// Mail choices a follow offers.
const DELIVERIES: [Delivery; 3] = [Delivery::Immediate, Delivery::Daily, Delivery::Off];

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FollowView {
    pub id: FollowId,
    pub target: FollowTarget,
    /// The client id (as text) or the followed text.
    pub value: String,
    /// What to show: the client's name, or the text.
    pub label: String,
    /// How new entries reach me by mail.
    pub delivery: Delivery,
    pub created_at: DateTime<Utc>,
}

/// Follows `value` of kind `target` for `me` (409 when already followed).
pub fn follow(
    conn: &mut DbConn,
    me: &CurrentUser,
    target: FollowTarget,
    value: &str,
    delivery: Option<Delivery>,
) -> Result<FollowView> {
    let value = normalise(value);
    if value.is_empty() || value.chars().count() > MAX_VALUE_CHARS {
        return Err(FollowError::field("value", format!("须为 1–{MAX_VALUE_CHARS} 个字符")));
    }
    let delivery = delivery.unwrap_or(Delivery::Immediate);
    check_delivery(delivery)?;
    let value = match target {
        FollowTarget::Client => {
            let id = value
                .parse::<i64>()
                .map(ClientId)
                .map_err(|_| FollowError::field("value", "须为客户编号"))?;
            clients::find(conn, id)?.ok_or_else(|| FollowError::field("value", "客户不存在"))?;
            id.0.to_string()
        }
        _ => value,
    };
    write_tx(conn, |conn| {
        let new = NewFollow { user_id: me.id, target, value, delivery, created_at: Utc::now().naive_utc() };
        let follow = store::insert(conn, &new)?.ok_or(FollowError::AlreadyFollowing)?;
        Ok(views(conn, vec![follow])?.remove(0))
    })
}

/// What `me` follows, newest first.
pub fn list(conn: &mut DbConn, me: &CurrentUser) -> Result<Vec<FollowView>> {
    let follows = store::of_user(conn, me.id)?;
    Ok(views(conn, follows)?)
}

/// Stops following (404 for someone else's follow).
pub fn unfollow(conn: &mut DbConn, me: &CurrentUser, id: FollowId) -> Result<()> {
    write_tx(conn, |conn| if store::delete(conn, me.id, id)? { Ok(()) } else { Err(FollowError::NotFound) })
}

/// Changes how a follow of mine mails (404 for someone else's).
pub fn set_delivery(
    conn: &mut DbConn,
    me: &CurrentUser,
    id: FollowId,
    delivery: Delivery,
) -> Result<FollowView> {
    check_delivery(delivery)?;
    write_tx(conn, |conn| {
        let follow = store::set_delivery(conn, me.id, id, delivery)?.ok_or(FollowError::NotFound)?;
        Ok(views(conn, vec![follow])?.remove(0))
    })
}

fn check_delivery(delivery: Delivery) -> Result<()> {
    if DELIVERIES.contains(&delivery) {
        Ok(())
    } else {
        Err(FollowError::field("delivery", "须为 immediate、daily 或 off"))
    }
}

fn views(conn: &mut DbConn, follows: Vec<Follow>) -> QueryResult<Vec<FollowView>> {
    let ids: Vec<ClientId> = follows
        .iter()
        .filter(|f| f.target == FollowTarget::Client)
        .filter_map(|f| f.value.parse().ok().map(ClientId))
        .collect();
    let names: HashMap<String, String> =
        clients::find_many(conn, &ids)?.into_values().map(|c| (c.id.0.to_string(), c.name)).collect();
    Ok(follows
        .into_iter()
        .map(|f| FollowView {
            label: match f.target {
                FollowTarget::Client => names.get(&f.value).cloned().unwrap_or_else(|| f.value.clone()),
                _ => f.value.clone(),
            },
            id: f.id,
            target: f.target,
            value: f.value,
            delivery: f.delivery,
            created_at: f.created_at.and_utc(),
        })
        .collect())
}

/// What `entry` is about, as follows see it: its clients with their groups,
/// tags, industries and regions, and the competitor a competitor entry names;
/// and its clients' names as one line ("甲、乙", or 全市场 for none).
fn subject(conn: &mut DbConn, entry: &Intel) -> QueryResult<(Subject, String)> {
    let named = intel_store::subject(conn, entry)?;
    let found = clients::find_many(conn, named.clients())?;
    let names: Vec<&str> =
        named.clients().iter().filter_map(|c| found.get(c)).map(|c| c.name.as_str()).collect();
    let about = if names.is_empty() { "全市场".to_owned() } else { names.join("、") };
    let mut ids: Vec<ClientId> = named.clients().to_vec();
    ids.extend(found.values().filter_map(|c| c.parent_id));
    let mut tags: Vec<String> = clients::tags_of(conn, named.clients())?.into_values().flatten().collect();
    tags.sort();
    tags.dedup();
    let competitor = (entry.category == COMPETITOR)
        .then(|| entry.field_values().get("competitor").and_then(|v| v.as_str()).map(normalise))
        .flatten();
    let subject = Subject {
        clients: ids.iter().map(|id| id.0.to_string()).collect(),
        tags,
        industries: found.values().filter_map(|c| c.industry.clone()).collect(),
        regions: found.values().filter_map(|c| c.region.clone()).collect(),
        competitor,
    };
    Ok((subject, about))
}

/// Tells everyone following what a newly adopted `entry` is about, once per
/// person (with the most immediate mail among their matching follows), but its
/// author and the people in `skip` (told otherwise, e.g. the client's owners).
/// Returns how many were told.
pub fn notify_followers(
    conn: &mut DbConn,
    entry: &Intel,
    urgent: bool,
    skip: &[UserId],
) -> QueryResult<usize> {
    let (subject, about) = subject(conn, entry)?;
    let mut followers: HashMap<UserId, (Delivery, String)> = HashMap::new();
    for follow in store::matching(conn, &subject.keys())? {
        if follow.user_id == entry.author_id || skip.contains(&follow.user_id) {
            continue;
        }
        let rank = |d: Delivery| DELIVERIES.iter().position(|x| *x == d).unwrap_or(DELIVERIES.len());
        let candidate = (follow.delivery, follow.value.clone());
        followers
            .entry(follow.user_id)
            .and_modify(|held| {
                if rank(candidate.0) < rank(held.0) {
                    *held = candidate.clone();
                }
            })
            .or_insert(candidate);
    }
    let urgent_mark = if urgent { "【紧急】" } else { "" };
    let told = followers.len();
    for (user, (delivery, _)) in followers {
        let title = format!("{urgent_mark}你关注的内容有新情报：{}", entry.title);
        let body = format!("客户：{about}。");
        let notification = NewNotification::new(user, NotificationKind::IntelFollowed, title, body)
            .intel(entry.id)
            .client(entry.client_id);
        notify::notify_as(conn, notification, MailChoice { delivery: Some(delivery), urgent })?;
    }
    Ok(told)
}
