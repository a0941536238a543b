//! In-app notifications: what happened to your work, handed-over clients.

pub mod routes;
pub mod store;
