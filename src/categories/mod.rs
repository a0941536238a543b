//! Categories of intelligence and their templates: which fields an entry of
//! each kind has, which are required or sensitive, base points and freshness.

pub mod model;
pub mod routes;
pub mod service;
pub mod store;
pub mod template;
