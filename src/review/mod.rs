//! Reviews: reviewers score an entry's submitted revision on the rubric and
//! adopt, reject, return or mark it duplicate — exactly once.

pub mod model;
pub mod recalculate;
pub mod routes;
pub mod service;
pub mod store;
