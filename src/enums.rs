//! Every status-like value of the domain as a Rust enum: one name per value,
//! the same in the database (a TEXT column), in JSON and in the OpenAPI
//! schema. Reading an unknown stored value is an error, never a default.

use diesel::backend::Backend;
use diesel::deserialize::{FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::serialize::{Output, ToSql};
use diesel::sql_types::Text;
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr};
use utoipa::ToSchema;

/// Declares text enums: strum names (snake_case) equal the serde names, and the
/// type maps to a TEXT column on every backend.
macro_rules! text_enums {
    ($($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident),* $(,)? })*) => {$(
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
            EnumString, IntoStaticStr, AsExpression, FromSqlRow,
        )]
        #[serde(rename_all = "snake_case")]
        #[strum(serialize_all = "snake_case")]
        #[diesel(sql_type = Text)]
        pub enum $name { $($(#[$vmeta])* $variant),* }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The value's name, as stored and as sent.
            pub fn as_str(self) -> &'static str {
                self.into()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl<DB: Backend> ToSql<Text, DB> for $name
        where
            str: ToSql<Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> diesel::serialize::Result {
                self.as_str().to_sql(out)
            }
        }

        impl<DB: Backend> FromSql<Text, DB> for $name
        where
            String: FromSql<Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                let raw = String::from_sql(bytes)?;
                raw.parse().map_err(|_| format!("unknown {} {raw:?} in the database", stringify!($name)).into())
            }
        }
    )*};
}

text_enums! {
    /// Where an entry is in the loop (DESIGN.md §3).
    pub enum IntelStatus {
        Draft,
        Submitted,
        Adopted,
        Rejected,
        NeedsRevision,
        Duplicate,
        /// Replaced by an adopted revision.
        Superseded,
        /// Found false after adoption.
        Retracted,
    }

    /// How the author learned it.
    pub enum Source {
        /// Public information (news, registries, websites).
        Public,
        /// Learned in person; earns a bonus when adopted.
        Private,
    }

    pub enum Role {
        Employee,
        AccountManager,
        Reviewer,
        Marketer,
        DepartmentHead,
        Admin,
    }

    pub enum DepartmentKind {
        /// 一线（客户经理、营业厅）
        Frontline,
        /// 信息收集
        Collection,
        /// 信息管理（审核）
        Management,
        /// 信息使用（市场、集团客户部）
        Usage,
        Other,
    }

    pub enum ClientKind {
        /// 集团/政企客户
        Group,
        /// 个人（VIP）客户
        Individual,
    }

    pub enum ClientStatus {
        Active,
        AtRisk,
        Lost,
        Prospect,
    }

    /// The branch's marketing databases: 拥护者、支持者、潜在、中立、流失风险.
    pub enum ClientSegment {
        Advocate,
        Supporter,
        Potential,
        Neutral,
        AtRisk,
    }

    /// Why a client left or may leave (the branch's lost-client database).
    pub enum LossReason {
        Price,
        NetworkQuality,
        Service,
        CompetitorOffer,
        PaymentMethod,
        UnresolvedComplaint,
        Policy,
        Relocation,
        Other,
    }

    /// How a loss was closed: a lost client won back, or one at risk kept.
    pub enum LossOutcome {
        WonBack,
        Retained,
    }

    /// One act of keeping a fact current (the appraisal's updating activity).
    pub enum UpkeepKind {
        /// "Still true".
        Verify,
        /// A revision of an adopted entry.
        Revise,
        /// A returned entry corrected and resubmitted.
        Correct,
    }

    /// A reviewer's decision on one revision.
    pub enum Decision {
        Adopt,
        Reject,
        /// Return to the author for revision.
        Revise,
        Duplicate,
    }

    /// Why an entry was used.
    pub enum UsagePurpose {
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

    /// Which delay a histogram of `delay_cells` counts, and whose it is.
    pub enum DelayMeasure {
        /// Submission to decision, by the author's department.
        Review,
        /// Submission to decision, by the reviewer.
        Decision,
        /// Observation to submission, by the author.
        Submission,
    }

    /// What the use of an entry achieved.
    pub enum UsageOutcome {
        Pending,
        Won,
        Lost,
    }

    /// Why a ledger row was written.
    pub enum PointReason {
        Adopted,
        PrivateSource,
        RevisionAdopted,
        Review,
        Usage,
        UsageWon,
        Verified,
        Retracted,
        Adjustment,
    }

    /// What a user is told about, in the app and by mail; the two digests are mail only.
    pub enum NotificationKind {
        IntelAdopted,
        IntelRejected,
        IntelReturned,
        IntelDuplicate,
        IntelRetracted,
        IntelUsed,
        UsageOutcome,
        ClientHandover,
        /// Someone else proposed a revision of your entry.
        IntelRevisionProposed,
        /// A revision of your entry by someone else was adopted.
        IntelRevisionAdopted,
        /// Entries you wrote, or on clients you own, went stale (daily job).
        IntelStale,
        /// Entries wait for review (reviewers, one message per daily run).
        ReviewQueue,
        /// One mail with the notifications chosen for the daily digest.
        DailyDigest,
        /// Points, rank and new entries on one's clients, for the week that ended.
        WeeklyDigest,
        /// An entry about a client I own (or whose group I own) was submitted.
        IntelSubmittedForMyClient,
        /// An entry about a client I own was adopted.
        IntelAdoptedForMyClient,
        /// An adopted entry about something I follow.
        IntelFollowed,
        /// A date recorded in an adopted entry falls due.
        ReminderDue,
        /// A task assigned to me falls due.
        TaskDue,
        /// Someone gave me a task (a marketer's invitation to a cluster event).
        TaskAssigned,
    }

    /// What someone follows.
    pub enum FollowTarget {
        /// A client by id; following a group includes its individuals.
        Client,
        /// A client tag (an interest cluster such as 高尔夫).
        Tag,
        /// A competitor as competitor entries name it (中国电信 …).
        Competitor,
        Industry,
        Region,
    }

    /// Whether a task is still to do.
    pub enum TaskStatus {
        Open,
        Done,
    }

    /// Where a reminder comes from.
    pub enum ReminderKind {
        /// A date in an adopted entry (contract end, birthday, deadline …).
        Fact,
        /// A task's due date.
        Task,
    }

    pub enum ReminderStatus {
        Open,
        Done,
        /// Put off until `snoozed_until`; open again from that day.
        Snoozed,
    }

    /// How a user wants the mail of one kind.
    pub enum Delivery {
        /// One mail per event, sent at once.
        Immediate,
        /// Collected into one mail a day.
        Daily,
        /// Once a week (the weekly digest only).
        Weekly,
        /// No mail.
        Off,
    }

    /// Where a mail is in its life (see the migration for the transitions).
    pub enum MailStatus {
        /// Waits for the recipient's daily digest.
        Digest,
        /// Listed in a digest mail (`digest_id`).
        Digested,
        /// Waits for the sender (`next_attempt_at`).
        Pending,
        /// Claimed by a sender until `lease_until`.
        Sending,
        Sent,
        /// Gave up after the last attempt, or the server refused it for good.
        Failed,
        /// Never to be sent (mail about the demo's made-up past).
        Suppressed,
    }

    /// A scheduled job; each runs once per period however many processes run.
    pub enum Job {
        /// Tells client owners and authors which adopted entries went stale.
        StaleCheck,
        /// Tells each reviewer how many entries wait, and the oldest ones.
        ReviewQueue,
        /// Turns adopted dates and due tasks into reminders for their owners
        /// (before the digest, which may list them).
        Reminders,
        /// One mail per person with the notifications they chose to get daily.
        DailyDigest,
        /// Points, rank and new entries on one's clients, for the week that ended.
        WeeklyDigest,
    }

    /// What an audit row records.
    pub enum AuditAction {
        #[strum(serialize = "sensitive.read")]
        #[serde(rename = "sensitive.read")]
        SensitiveRead,
        #[strum(serialize = "export.cluster")]
        #[serde(rename = "export.cluster")]
        ExportCluster,
        #[strum(serialize = "export.assessments")]
        #[serde(rename = "export.assessments")]
        ExportAssessments,
        #[strum(serialize = "category.update")]
        #[serde(rename = "category.update")]
        CategoryUpdate,
        #[strum(serialize = "category.create")]
        #[serde(rename = "category.create")]
        CategoryCreate,
        #[strum(serialize = "appraisal.rules")]
        #[serde(rename = "appraisal.rules")]
        AppraisalRules,
        #[strum(serialize = "appraisal.publish")]
        #[serde(rename = "appraisal.publish")]
        AppraisalPublish,
        #[strum(serialize = "export.appraisal")]
        #[serde(rename = "export.appraisal")]
        ExportAppraisal,
        #[strum(serialize = "export.clients")]
        #[serde(rename = "export.clients")]
        ExportClients,
        #[strum(serialize = "client.loss")]
        #[serde(rename = "client.loss")]
        ClientLoss,
        #[strum(serialize = "cluster.invite")]
        #[serde(rename = "cluster.invite")]
        ClusterInvite,
        #[strum(serialize = "client.handover")]
        #[serde(rename = "client.handover")]
        ClientHandover,
        #[strum(serialize = "department.create")]
        #[serde(rename = "department.create")]
        DepartmentCreate,
        #[strum(serialize = "intel.retract")]
        #[serde(rename = "intel.retract")]
        IntelRetract,
        #[strum(serialize = "intel.review")]
        #[serde(rename = "intel.review")]
        IntelReview,
        #[strum(serialize = "points.adjust")]
        #[serde(rename = "points.adjust")]
        PointsAdjust,
        #[strum(serialize = "points.recalculate")]
        #[serde(rename = "points.recalculate")]
        PointsRecalculate,
        #[strum(serialize = "points.rules")]
        #[serde(rename = "points.rules")]
        PointsRules,
        #[strum(serialize = "session.refresh_reuse")]
        #[serde(rename = "session.refresh_reuse")]
        SessionRefreshReuse,
        #[strum(serialize = "user.create")]
        #[serde(rename = "user.create")]
        UserCreate,
        #[strum(serialize = "user.update")]
        #[serde(rename = "user.update")]
        UserUpdate,
        #[strum(serialize = "user.password_change")]
        #[serde(rename = "user.password_change")]
        UserPasswordChange,
        /// An admin cleared the failures of a sign-in throttle.
        #[strum(serialize = "auth.throttle_clear")]
        #[serde(rename = "auth.throttle_clear")]
        AuthThrottleClear,
    }

    /// What a sign-in throttle counts failures of.
    pub enum ThrottleKind {
        /// Sign-ins to one user account (by employee number or e-mail alike).
        Account,
        /// Sign-ins with a login that names no user.
        Login,
        /// Sign-ins from one client address (IPv6: its /64 network).
        Address,
        /// Checks of the current password when changing it.
        PasswordChange,
    }
}

impl IntelStatus {
    /// Statuses every employee may read.
    pub const PUBLIC: [IntelStatus; 2] = [IntelStatus::Adopted, IntelStatus::Superseded];
}

impl UsagePurpose {
    pub fn label(self) -> &'static str {
        match self {
            UsagePurpose::Visit => "拜访",
            UsagePurpose::Campaign => "营销活动",
            UsagePurpose::Solution => "方案制定",
            UsagePurpose::Retention => "客户维系",
            UsagePurpose::Other => "其他",
        }
    }
}

impl UsageOutcome {
    pub fn label(self) -> &'static str {
        match self {
            UsageOutcome::Pending => "进行中",
            UsageOutcome::Won => "成功",
            UsageOutcome::Lost => "未成功",
        }
    }
}

/// A user's roles; everyone is at least an employee. Stored as a
/// comma-separated list in a fixed order; an unknown stored name is an error.
#[derive(Debug, Clone, PartialEq, Eq, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
pub struct Roles {
    list: Vec<Role>,
    column: String,
}

impl Roles {
    pub fn new(roles: impl IntoIterator<Item = Role>) -> Self {
        let mut list: Vec<Role> = roles.into_iter().chain([Role::Employee]).collect();
        list.sort();
        list.dedup();
        let column = list.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(",");
        Roles { list, column }
    }

    /// Parses role names from a request; unknown names are an error.
    pub fn parse<S: AsRef<str>>(names: &[S]) -> Result<Self, String> {
        names
            .iter()
            .map(|n| n.as_ref().parse::<Role>().map_err(|_| format!("未知角色: {}", n.as_ref())))
            .collect::<Result<Vec<_>, _>>()
            .map(Roles::new)
    }

    pub fn has(&self, role: Role) -> bool {
        self.list.contains(&role)
    }

    pub fn names(&self) -> Vec<&'static str> {
        self.list.iter().map(|r| r.as_str()).collect()
    }

    pub fn iter(&self) -> impl Iterator<Item = Role> + '_ {
        self.list.iter().copied()
    }
}

impl<DB: Backend> ToSql<Text, DB> for Roles
where
    str: ToSql<Text, DB>,
{
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> diesel::serialize::Result {
        self.column.as_str().to_sql(out)
    }
}

impl<DB: Backend> FromSql<Text, DB> for Roles
where
    String: FromSql<Text, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
        let raw = String::from_sql(bytes)?;
        let roles = raw
            .split(',')
            .map(|name| name.parse::<Role>().map_err(|_| format!("unknown role {name:?} in the database")))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Roles::new(roles))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_snake_case_and_round_trip() {
        assert_eq!(IntelStatus::NeedsRevision.as_str(), "needs_revision");
        assert_eq!("at_risk".parse::<ClientStatus>(), Ok(ClientStatus::AtRisk));
        assert_eq!(AuditAction::SensitiveRead.as_str(), "sensitive.read");
        for &status in IntelStatus::ALL {
            assert_eq!(status.as_str().parse::<IntelStatus>(), Ok(status));
            assert_eq!(serde_json::to_value(status).ok(), Some(serde_json::json!(status.as_str())));
        }
        for &action in AuditAction::ALL {
            assert_eq!(serde_json::to_value(action).ok(), Some(serde_json::json!(action.as_str())));
        }
        assert!("unknown".parse::<IntelStatus>().is_err());
    }

    #[test]
    fn roles_always_include_employee_and_reject_unknown_names() {
        let roles = Roles::parse(&["admin", "reviewer"]).expect("known roles");
        assert_eq!(roles.names(), ["employee", "reviewer", "admin"]);
        assert!(Roles::parse(&["king"]).is_err());
    }
}
