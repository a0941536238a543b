//! The audit trail: who read sensitive data, exported, changed roles or rules.

use chrono::Utc;
use diesel::prelude::*;
use diesel::result::QueryResult;

use crate::db::schema::audit_events;
use crate::db::DbConn;
use crate::users::model::UserId;
use crate::with_conn;

#[derive(Insertable)]
#[diesel(table_name = audit_events)]
struct NewAuditEvent<'a> {
    actor_id: Option<UserId>,
    action: &'a str,
    target_type: &'a str,
    target_id: Option<i64>,
    detail: String,
    created_at: chrono::NaiveDateTime,
}

/// Appends one audit row; call it in the same transaction as the audited act.
pub fn record(
    conn: &mut DbConn,
    actor: Option<UserId>,
    action: &str,
    target_type: &str,
    target_id: Option<i64>,
    detail: serde_json::Value,
) -> QueryResult<()> {
    let row = NewAuditEvent {
        actor_id: actor,
        action,
        target_type,
        target_id,
        detail: detail.to_string(),
        created_at: Utc::now().naive_utc(),
    };
    with_conn!(conn, |c| diesel::insert_into(audit_events::table).values(&row).execute(c))?;
    Ok(())
}

pub mod routes {
    //! The audit log for admins.

    use actix_web::{get, web, HttpResponse};
    use chrono::{DateTime, NaiveDateTime, Utc};
    use diesel::prelude::*;
    use serde::{Deserialize, Serialize};
    use utoipa::{IntoParams, ToSchema};

    use crate::api::{Page, PageParams};
    use crate::auth::extract::CurrentUser;
    use crate::db::schema::audit_events;
    use crate::error::ApiResult;
    use crate::state::State;
    use crate::users::model::{Role, UserId};
    use crate::users::view::{user_refs, UserRef};
    use crate::with_conn;

    pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
        cfg.service(list_audit);
    }

    #[derive(Debug, Deserialize, IntoParams)]
    #[into_params(parameter_in = Query)]
    pub struct AuditQuery {
        pub actor_id: Option<UserId>,
        /// e.g. `sensitive.read`, `user.update`, `intel.review`.
        pub action: Option<String>,
        pub target_type: Option<String>,
        pub target_id: Option<i64>,
        pub from: Option<DateTime<Utc>>,
        pub to: Option<DateTime<Utc>>,
    }

    #[derive(Debug, Serialize, ToSchema)]
    pub struct AuditEvent {
        pub id: i64,
        pub actor: Option<UserRef>,
        pub action: String,
        pub target_type: String,
        pub target_id: Option<i64>,
        #[schema(value_type = Object)]
        pub detail: serde_json::Value,
        pub created_at: DateTime<Utc>,
    }

    type Row = (i64, Option<UserId>, String, String, Option<i64>, String, NaiveDateTime);

    /// Who did what: sensitive reads, exports, role and rule changes (admin).
    #[utoipa::path(tag = "admin", params(AuditQuery, PageParams), responses((status = 200, body = Page<AuditEvent>), (status = 403)))]
    #[get("/audit")]
    async fn list_audit(
        state: State,
        me: CurrentUser,
        query: web::Query<AuditQuery>,
        page: web::Query<PageParams>,
    ) -> ApiResult<HttpResponse> {
        me.require(Role::Admin)?;
        let q = query.into_inner();
        let page = page.into_inner();
        let result = state
            .db(move |conn| {
                let (rows, total) = with_conn!(conn, |c| {
                    let query = || {
                        let mut query = audit_events::table.into_boxed();
                        if let Some(actor) = q.actor_id {
                            query = query.filter(audit_events::actor_id.eq(actor));
                        }
                        if let Some(action) = &q.action {
                            query = query.filter(audit_events::action.eq(action.clone()));
                        }
                        if let Some(target_type) = &q.target_type {
                            query = query.filter(audit_events::target_type.eq(target_type.clone()));
                        }
                        if let Some(target) = q.target_id {
                            query = query.filter(audit_events::target_id.eq(target));
                        }
                        if let Some(from) = q.from {
                            query = query.filter(audit_events::created_at.ge(from.naive_utc()));
                        }
                        if let Some(to) = q.to {
                            query = query.filter(audit_events::created_at.lt(to.naive_utc()));
                        }
                        query
                    };
                    let total: i64 = query().count().get_result(c)?;
                    let rows: Vec<Row> = query()
                        .order(audit_events::id.desc())
                        .offset(page.offset())
                        .limit(page.per_page())
                        .select((
                            audit_events::id,
                            audit_events::actor_id,
                            audit_events::action,
                            audit_events::target_type,
                            audit_events::target_id,
                            audit_events::detail,
                            audit_events::created_at,
                        ))
                        .load(c)?;
                    diesel::QueryResult::Ok((rows, total))
                })?;
                let actors: Vec<UserId> = rows.iter().filter_map(|r| r.1).collect();
                let actors = user_refs(conn, &actors)?;
                let items = rows
                    .into_iter()
                    .map(|(id, actor, action, target_type, target_id, detail, created_at)| AuditEvent {
                        id,
                        actor: actor.and_then(|a| actors.get(&a).cloned()),
                        action,
                        target_type,
                        target_id,
                        detail: serde_json::from_str(&detail).unwrap_or_default(),
                        created_at: created_at.and_utc(),
                    })
                    .collect();
                Ok(Page { items, total })
            })
            .await?;
        Ok(HttpResponse::Ok().json(result))
    }
}
