//! Points: the rule set (versioned, admin-editable), the append-only ledger
//! whose idempotency keys make every award happen at most once, and balances.

pub mod routes;
pub mod rules;
pub mod service;
pub mod store;
