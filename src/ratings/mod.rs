//! Ratings on quality, quantity, usage and timeliness, and leaderboards, per
//! calendar period in the branch's time zone.

pub mod compute;
pub mod routes;
pub mod store;
