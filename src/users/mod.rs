//! Departments and users: created by admins, never self-registered.

pub mod model;
pub mod routes;
pub mod service;
pub mod store;
pub mod view;
