use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::schema::usages;
use crate::intel::model::IntelId;
use crate::users::model::UserId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// 拜访
    Visit,
    /// 营销活动
    Campaign,
    /// 方案制定
    Solution,
    /// 客户维系
    Retention,
    Other,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Visit => "visit",
            Purpose::Campaign => "campaign",
            Purpose::Solution => "solution",
            Purpose::Retention => "retention",
            Purpose::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Purpose::Visit => "拜访",
            Purpose::Campaign => "营销活动",
            Purpose::Solution => "方案制定",
            Purpose::Retention => "客户维系",
            Purpose::Other => "其他",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Pending,
    Won,
    Lost,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pending => "pending",
            Outcome::Won => "won",
            Outcome::Lost => "lost",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Outcome::Pending => "进行中",
            Outcome::Won => "成功",
            Outcome::Lost => "未成功",
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = usages)]
pub struct Usage {
    pub id: i64,
    pub intel_id: IntelId,
    pub user_id: UserId,
    pub purpose: String,
    pub outcome: String,
    pub note: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = usages)]
pub struct NewUsage {
    pub intel_id: IntelId,
    pub user_id: UserId,
    pub purpose: String,
    pub outcome: String,
    pub note: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}
