//! Intelligence entries: templated facts about a client, written under the
//! author's real name, reviewed, adopted, revised, verified and retracted.

pub mod freshness;
pub mod model;
pub mod routes;
pub mod service;
pub mod store;
pub mod view;
