use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::usages;
use crate::enums::{UsageOutcome, UsagePurpose};
use crate::ids::UserId;
use crate::ids::{IntelId, UsageId};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = usages)]
pub struct Usage {
    pub id: UsageId,
    pub intel_id: IntelId,
    pub user_id: UserId,
    pub purpose: UsagePurpose,
    pub outcome: UsageOutcome,
    pub note: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = usages)]
pub struct NewUsage {
    pub intel_id: IntelId,
    pub user_id: UserId,
    pub purpose: UsagePurpose,
    pub outcome: UsageOutcome,
    pub note: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}
