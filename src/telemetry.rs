//! Structured logs through `tracing`; `RUST_LOG` filters, `ZHIKU_LOG_JSON` picks JSON lines.

use tracing_subscriber::{fmt, EnvFilter};

pub fn init(json: bool) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = fmt().with_env_filter(filter).with_writer(std::io::stderr);
    // A second init (tests) keeps the first subscriber.
    let _ = if json { builder.json().try_init() } else { builder.try_init() };
}
