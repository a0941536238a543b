//! Sign-in: argon2id passwords, short-lived JWT access tokens, rotating
//! refresh tokens, revocation and login throttling.

pub mod extract;
pub mod limiter;
pub mod password;
pub mod routes;
pub mod store;
pub mod tokens;
