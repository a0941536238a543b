//! Statistics for the information-management and marketing departments:
//! overview and time series, interest clusters, freshness, competitors,
//! performance assessments with exports, reviewer metrics, lost clients,
//! complaint and opportunity analysis, the client list's export and cluster
//! invitations — one file a report, each with its queries and shaping;
//! `facts` holds what they share.

pub mod analysis;
pub mod assessments;
pub mod clusters;
pub mod competitors;
pub mod export;
pub mod facts;
pub mod freshness;
pub mod invitations;
pub mod losses;
pub mod overview;
pub mod reviewers;
pub mod routes;
pub mod service;
