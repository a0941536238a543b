//! Statistics for the information-management and marketing departments:
//! overview and time series, interest clusters, freshness, competitors,
//! performance assessments with exports, and reviewer metrics.

pub mod compute;
pub mod data;
pub mod export;
pub mod routes;
