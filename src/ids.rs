//! Every ID newtype, in one place, so that a user id can never be passed as a
//! client id and needing an `IntelId` never means depending on `intel`.

use std::fmt;

use diesel_derive_newtype::DieselNewType;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, DieselNewType, Serialize, Deserialize,
            ToSchema,
        )]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

ids! {
    UserId,
    DepartmentId,
    /// A signed-in session; every refresh token belongs to one.
    SessionId,
    ClientId,
    ContactId,
    IntelId,
    UsageId,
    NotificationId,
    FollowId,
    VisitId,
    TaskId,
    ReminderId,
}
