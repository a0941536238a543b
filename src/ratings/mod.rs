//! Ratings on quality, quantity, usage and timeliness, and leaderboards, per
//! calendar period in the branch's time zone.

pub mod model;
pub mod routes;
pub mod rules;
pub mod service;
pub mod store;
