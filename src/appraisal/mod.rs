//! 绩效考核: the branch's scoring standard — saving, reporting, updating and
//! using information, each on time and quality — per person and period,
//! weighted by a versioned rule set, frozen when published (docs/APPRAISAL.md).

pub mod model;
pub mod routes;
pub mod rules;
pub mod service;
pub mod store;
