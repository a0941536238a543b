use std::collections::HashSet;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::QueryResult;

use crate::db::schema::{intel, reviews, usages};
use crate::db::DbConn;
use crate::ids::IntelId;
use crate::ids::UserId;
use crate::ratings::compute::{DecisionFact, Facts};
use crate::with_conn;

type Window = Option<(NaiveDateTime, NaiveDateTime)>;

/// Loads what the ratings of `authors` (one person or a department) in `window` are computed from.
pub fn facts(conn: &mut DbConn, authors: &[UserId], window: Window) -> QueryResult<Facts> {
    let (from, to) = window.unwrap_or_else(crate::time::all_time);
    with_conn!(conn, |c| {
        let decisions: Vec<(Option<f64>, String)> = reviews::table
            .filter(reviews::author_id.eq_any(authors))
            .filter(reviews::created_at.ge(from))
            .filter(reviews::created_at.lt(to))
            .select((reviews::mean_score, reviews::decision))
            .load(c)?;
        let submitted: Vec<(NaiveDateTime, Option<NaiveDateTime>)> = intel::table
            .filter(intel::author_id.eq_any(authors))
            .filter(intel::submitted_at.ge(from))
            .filter(intel::submitted_at.lt(to))
            .select((intel::observed_at, intel::submitted_at))
            .load(c)?;
        let adopted: Vec<(IntelId, UserId)> = intel::table
            .filter(intel::author_id.eq_any(authors))
            .filter(intel::adopted_at.ge(from))
            .filter(intel::adopted_at.lt(to))
            .select((intel::id, intel::author_id))
            .load(c)?;
        let adopted_ids: Vec<IntelId> = adopted.iter().map(|(id, _)| *id).collect();
        let used_by: Vec<(IntelId, UserId)> = usages::table
            .filter(usages::intel_id.eq_any(&adopted_ids))
            .select((usages::intel_id, usages::user_id))
            .load(c)?;
        let used: HashSet<IntelId> = used_by
            .iter()
            .filter(|(id, user)| adopted.iter().any(|(a, author)| a == id && author != user))
            .map(|(id, _)| *id)
            .collect();
        let uses: i64 = usages::table
            .inner_join(intel::table)
            .filter(intel::author_id.eq_any(authors))
            .filter(usages::user_id.ne(intel::author_id))
            .filter(usages::created_at.ge(from))
            .filter(usages::created_at.lt(to))
            .count()
            .get_result(c)?;
        Ok(Facts {
            decisions: decisions
                .into_iter()
                .map(|(mean_score, decision)| DecisionFact { mean_score, adopted: decision == "adopt" })
                .collect(),
            submission_delays_hours: submitted
                .into_iter()
                .filter_map(|(observed, submitted)| {
                    submitted.map(|s| (s - observed).num_seconds().max(0) as f64 / 3600.0)
                })
                .collect(),
            adopted_used: adopted.iter().map(|(id, _)| used.contains(id)).collect(),
            uses,
        })
    })
}
