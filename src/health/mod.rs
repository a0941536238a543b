//! Readiness (`GET /readyz`): whether this process can serve, part by part —
//! the database, the search index, the mail sender and the scheduler — for a
//! load balancer or an operator. Liveness is `GET /healthz` (docs).

pub mod model;
pub mod routes;
pub mod service;
pub mod store;
