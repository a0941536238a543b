//! Following a client (a group includes its individuals), an interest tag, a
//! competitor, an industry or a region: new adopted entries about it reach the
//! follower in the app and by mail (at once, in the daily digest, or not at
//! all, per follow; urgent entries skip the digest).

pub mod matching;
pub mod model;
pub mod routes;
pub mod service;
pub mod store;
