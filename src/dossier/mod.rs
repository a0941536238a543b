//! The client dossier: everything known about a client in one read —
//! contacts, owner history, adopted entries, uses — for the account manager
//! and above all for the one taking a client over.

pub mod routes;
pub mod service;
pub mod summary;
