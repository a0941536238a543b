//! Signing in and out: login with throttling, refresh-token rotation,
//! logout, the signed-in user (`/me`) and password change.

pub mod routes;
pub mod service;
