use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::follows;
use crate::enums::{Delivery, FollowTarget};
use crate::ids::{FollowId, UserId};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = follows)]
pub struct Follow {
    pub id: FollowId,
    pub user_id: UserId,
    pub target: FollowTarget,
    /// A client id (as text) or the followed text.
    pub value: String,
    pub delivery: Delivery,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = follows)]
pub struct NewFollow {
    pub user_id: UserId,
    pub target: FollowTarget,
    pub value: String,
    pub delivery: Delivery,
    pub created_at: NaiveDateTime,
}
