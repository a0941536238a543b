//! Usage feedback: someone used an adopted entry, and what came of it. This
//! closes the loop: the author is paid and told.

pub mod model;
pub mod routes;
pub mod service;
pub mod store;
