//! Deciding a submitted revision: the rubric, the decision, the points it
//! pays and the author's notification, exactly once.

use chrono::Utc;
use serde_json::json;

use crate::audit;
use crate::auth::extract::CurrentUser;
use crate::auth::policy::{self, Denied};
use crate::categories::store as categories;
use crate::db::write_tx;
use crate::db::DbConn;
use crate::enums::AuditAction;
use crate::enums::Decision;
use crate::enums::IntelStatus;
use crate::enums::NotificationKind;
use crate::enums::PointReason;
use crate::error::Fields;
use crate::follows::service as follows;
use crate::ids::IntelId;
use crate::intel::model::Intel;
use crate::intel::service::{self as intel_service, readable, shown, IntelError};
use crate::intel::store;
use crate::intel::view::IntelView;
use crate::notify::service as notify;
use crate::notify::service::NewNotification;
use crate::points::rules;
use crate::points::store::{self as points, Award};
use crate::review::model::{NewReview, Rubric, Score};
use crate::review::store as reviews;

crate::service_error! {
    pub enum ReviewError {
        #[error("情报不存在")]
        NotFound => NotFound,
        #[error("不能审核自己提交的情报")]
        OwnEntry => Forbidden,
        #[error("{0}")]
        Conflict(&'static str) => Conflict,
    }
}

impl From<IntelError> for ReviewError {
    fn from(error: IntelError) -> Self {
        match error {
            IntelError::NotFound => ReviewError::NotFound,
            IntelError::Conflict(message) => ReviewError::Conflict(message),
            IntelError::Forbidden(_) | IntelError::Denied(_) => ReviewError::Denied(Denied),
            IntelError::Invalid(fields) => ReviewError::Invalid(fields),
            IntelError::Db(error) => ReviewError::Db(error),
        }
    }
}

type Result<T> = std::result::Result<T, ReviewError>;

/// The rubric as sent: each score optional until the decision says otherwise.
#[derive(Debug, Clone, Copy, Default)]
pub struct RawScores {
    pub truthfulness: Option<i64>,
    pub relevance: Option<i64>,
    pub completeness: Option<i64>,
    pub timeliness: Option<i64>,
    pub value: Option<i64>,
}

impl RawScores {
    /// The full rubric, `None` when no score was given; 422 per bad or
    /// (when `required`) missing score.
    pub fn parse(&self, required: bool) -> Result<Option<Rubric>> {
        let named = [
            ("truthfulness", self.truthfulness),
            ("relevance", self.relevance),
            ("completeness", self.completeness),
            ("timeliness", self.timeliness),
            ("value", self.value),
        ];
        if !required && named.iter().all(|(_, v)| v.is_none()) {
            return Ok(None);
        }
        let mut problems = Fields::new();
        let mut scores = Vec::with_capacity(5);
        for (name, value) in named {
            match value.map(Score::parse) {
                Some(Ok(score)) => scores.push(score),
                Some(Err(problem)) => {
                    problems.insert(format!("scores.{name}"), problem.into());
                }
                None => {
                    problems.insert(format!("scores.{name}"), "必填".into());
                }
            }
        }
        match scores[..] {
            [truthfulness, relevance, completeness, timeliness, value] if problems.is_empty() => {
                Ok(Some(Rubric { truthfulness, relevance, completeness, timeliness, value }))
            }
            _ => Err(ReviewError::Invalid(problems)),
        }
    }
}

#[derive(Debug, Clone)]
pub struct DecisionInput {
    pub decision: Decision,
    pub scores: RawScores,
    pub comment: String,
    pub duplicate_of: Option<IntelId>,
    /// Mark the entry urgent: what it tells owners and followers skips their digests.
    pub urgent: bool,
}

pub struct Decided {
    pub intel: Intel,
    /// Points this decision paid the author.
    pub points_awarded: i32,
}

/// Decides the submitted revision of entry `id`. Nobody decides their own
/// entry (403); a revision already decided, or decided by a concurrent
/// reviewer first, is a 409.
pub fn decide(
    conn: &mut DbConn,
    reviewer: &CurrentUser,
    id: IntelId,
    input: DecisionInput,
) -> Result<Decided> {
    policy::require_reviewer(reviewer)?;
    let entry = readable(conn, reviewer, id)?;
    if entry.author_id == reviewer.id {
        return Err(ReviewError::OwnEntry);
    }
    let rubric = input.scores.parse(input.decision == Decision::Adopt)?;
    let comment = input.comment.trim().to_owned();
    if matches!(input.decision, Decision::Reject | Decision::Revise) && comment.is_empty() {
        return Err(ReviewError::field("comment", "驳回或退回修改须填写意见"));
    }
    let duplicate_of = match input.decision {
        Decision::Duplicate => Some(check_duplicate_target(conn, id, input.duplicate_of)?),
        _ => None,
    };
    if entry.status != IntelStatus::Submitted {
        return Err(ReviewError::Conflict("该条目已审核或不在待审状态"));
    }

    let now = Utc::now().naive_utc();
    let to = match input.decision {
        Decision::Adopt => IntelStatus::Adopted,
        Decision::Reject => IntelStatus::Rejected,
        Decision::Revise => IntelStatus::NeedsRevision,
        Decision::Duplicate => IntelStatus::Duplicate,
    };
    if !store::transition(conn, id, IntelStatus::Submitted, entry.revision, to, now)? {
        return Err(ReviewError::Conflict("该条目刚刚已被其他审核人处理"));
    }
    let mean = rubric.map(|r| rules::mean_score(r.scores()));
    let score = |pick: fn(&Rubric) -> Score| rubric.as_ref().map(|r| i32::from(pick(r).get()));
    let review = NewReview {
        intel_id: id,
        revision: entry.revision,
        reviewer_id: reviewer.id,
        author_id: entry.author_id,
        decision: input.decision,
        truthfulness: score(|r| r.truthfulness),
        relevance: score(|r| r.relevance),
        completeness: score(|r| r.completeness),
        timeliness: score(|r| r.timeliness),
        value: score(|r| r.value),
        mean_score: mean,
        comment: comment.clone(),
        duplicate_of,
        created_at: now,
    };
    if reviews::insert(conn, &review)?.is_none() {
        return Err(ReviewError::Conflict("该修订已有审核结论"));
    }
    let mut decided = store::set_decided(conn, id, mean, duplicate_of, to == IntelStatus::Adopted, now)?;
    if input.urgent && !decided.urgent {
        decided = store::set_urgent(conn, id)?;
    }

    let (version, rules) = points::current_rules(conn)?;
    let mut points_awarded = 0;
    if let (IntelStatus::Adopted, Some(mean)) = (to, mean) {
        points_awarded = pay_adoption(conn, &decided, mean, version, &rules)?;
    }
    pay_reviewer(conn, reviewer, id, version, &rules)?;

    notify_author(conn, &decided, input.decision, &comment, points_awarded)?;
    if to == IntelStatus::Adopted {
        intel_service::refresh_contract_ends(conn, &decided)?;
        notify_revised_author(conn, &decided)?;
        let owners = intel_service::notify_owners(
            conn,
            &decided,
            NotificationKind::IntelAdoptedForMyClient,
            decided.urgent,
        )?;
        follows::notify_followers(conn, &decided, decided.urgent, &owners)?;
    }
    audit::record(
        conn,
        Some(reviewer.id),
        AuditAction::IntelReview,
        "intel",
        Some(id.0),
        json!({"decision": input.decision.as_str(), "revision": entry.revision, "mean_score": mean}),
    )?;
    Ok(Decided { intel: decided, points_awarded })
}

/// Pays the author for an adoption; a revision also retires the entry it revises.
fn pay_adoption(
    conn: &mut DbConn,
    entry: &Intel,
    mean: f64,
    version: i32,
    rules: &rules::Rules,
) -> Result<i32> {
    let base = categories::find(conn, &entry.category)?.map_or(0, |c| c.base_points);
    let private = entry.is_private();
    let now = Utc::now().naive_utc();
    if let Some(original) = entry.supersedes_id {
        if let Some(previous) = store::find(conn, original)? {
            store::transition(
                conn,
                original,
                IntelStatus::Adopted,
                previous.revision,
                IntelStatus::Superseded,
                now,
            )?;
        }
    }
    let awards = rules::adoption_awards(base, mean, private, entry.supersedes_id.is_some(), rules);
    let mut paid = 0;
    for (why, delta) in awards {
        let key = format!("{why}:{}", entry.id.0);
        let award = Award::new(entry.author_id, delta, why, key, version).intel(entry.id);
        paid += points::award(conn, &award)?.map_or(0, |row| row.delta);
    }
    Ok(paid)
}

/// +review to the reviewer, once per entry however often it is returned and
/// resubmitted (a return-and-resubmit loop pays nothing more).
fn pay_reviewer(
    conn: &mut DbConn,
    reviewer: &CurrentUser,
    id: IntelId,
    version: i32,
    rules: &rules::Rules,
) -> Result<()> {
    if points::paid_for_entry(conn, id, PointReason::Review)? {
        return Ok(());
    }
    let award =
        Award::new(reviewer.id, rules.review, PointReason::Review, format!("review:{}", id.0), version)
            .intel(id);
    points::award(conn, &award)?;
    Ok(())
}

fn check_duplicate_target(conn: &mut DbConn, id: IntelId, target: Option<IntelId>) -> Result<IntelId> {
    let target = target.ok_or_else(|| ReviewError::field("duplicate_of", "须指明重复的条目"))?;
    let found = store::find(conn, target)?.filter(|t| t.id != id && t.status != IntelStatus::Draft);
    found.map(|t| t.id).ok_or_else(|| ReviewError::field("duplicate_of", "重复的目标条目不存在"))
}

/// Tells the author of the entry an adopted revision replaced, when the
/// revision was someone else's.
fn notify_revised_author(conn: &mut DbConn, revision: &Intel) -> Result<()> {
    let Some(original) = revision.supersedes_id.map(|id| store::find(conn, id)).transpose()?.flatten() else {
        return Ok(());
    };
    if original.author_id == revision.author_id {
        return Ok(());
    }
    notify::notify(
        conn,
        NewNotification::new(
            original.author_id,
            NotificationKind::IntelRevisionAdopted,
            format!("你的情报“{}”的修订已被采纳", original.title),
            format!("修订后的条目“{}”已取代原条目。", revision.title),
        )
        .intel(revision.id)
        .client(revision.client_id),
    )?;
    Ok(())
}

fn notify_author(
    conn: &mut DbConn,
    entry: &Intel,
    decision: Decision,
    comment: &str,
    points: i32,
) -> Result<()> {
    let (kind, title) = match decision {
        Decision::Adopt => {
            (NotificationKind::IntelAdopted, format!("你的情报“{}”已被采纳，获得 {points} 积分", entry.title))
        }
        Decision::Reject => (NotificationKind::IntelRejected, format!("你的情报“{}”未被采纳", entry.title)),
        Decision::Revise => (NotificationKind::IntelReturned, format!("你的情报“{}”被退回修改", entry.title)),
        Decision::Duplicate => {
            (NotificationKind::IntelDuplicate, format!("你的情报“{}”与已有情报重复", entry.title))
        }
    };
    let body = if comment.is_empty() { String::new() } else { format!("审核意见：{comment}") };
    notify::notify(
        conn,
        NewNotification::new(entry.author_id, kind, title, body).intel(entry.id).client(entry.client_id),
    )?;
    Ok(())
}

/// Entries waiting for review, oldest first (reviewers and admins; one's own
/// entries are left out).
pub fn queue(
    conn: &mut DbConn,
    me: &CurrentUser,
    category: Option<&str>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<IntelView>, i64)> {
    policy::require_reviewer(me)?;
    let (rows, total) = store::review_queue(conn, me.id, category, offset, limit)?;
    Ok((shown(conn, me, rows)?, total))
}

/// A decision and what the reviewer sees afterwards.
pub struct Reviewed {
    pub intel: IntelView,
    pub points_awarded: i32,
}

/// Decides entry `id` (see [`decide`]) and shows the result, in one transaction.
pub fn review(conn: &mut DbConn, me: &CurrentUser, id: IntelId, input: DecisionInput) -> Result<Reviewed> {
    write_tx(conn, |conn| {
        let decided = decide(conn, me, id, input)?;
        let intel = shown(conn, me, vec![decided.intel])?.remove(0);
        Ok(Reviewed { intel, points_awarded: decided.points_awarded })
    })
}
