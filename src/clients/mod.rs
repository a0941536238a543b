//! Clients (group or individual), their contacts, tags and owners.

pub mod model;
pub mod pinyin;
pub mod routes;
pub mod service;
pub mod store;
pub mod view;
