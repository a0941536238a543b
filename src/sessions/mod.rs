//! Signing in and out: login with throttling, refresh-token rotation,
//! logout, the signed-in user (`/me`), password change, and the admin's view
//! of sign-in throttles.

pub mod routes;
pub mod service;
pub mod view;
