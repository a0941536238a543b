//! The scheduler thread: at start and then every `interval` it runs each job
//! whose current period has no run yet. Every process has one; the
//! `job_runs` claim makes sure a period runs once.

use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use chrono::{DateTime, Utc};

use crate::db::Pool;
use crate::enums::Job;
use crate::jobs::{self, store};
use crate::notify::sender::MailHandle;

/// How often a sleeping scheduler checks whether the application is gone.
const ALIVE_CHECK: Duration = Duration::from_millis(500);

/// What readiness knows of the scheduler: whether it runs, and how its last
/// look for due jobs went.
#[derive(Debug, Default)]
pub struct SchedulerBeat {
    inner: Mutex<Beat>,
}

#[derive(Debug, Clone, Default)]
pub struct Beat {
    /// How often it looks for due jobs; `None` when turned off.
    pub interval: Option<Duration>,
    pub last_tick_at: Option<DateTime<Utc>>,
    /// The error of the last look, if it failed.
    pub last_error: Option<String>,
}

impl SchedulerBeat {
    pub fn get(&self) -> Beat {
        self.inner.lock().map(|b| b.clone()).unwrap_or_default()
    }

    fn record(&self, update: impl FnOnce(&mut Beat)) {
        if let Ok(mut beat) = self.inner.lock() {
            update(&mut beat);
        }
    }
}

/// Starts the scheduler thread, unless `interval` is zero (turned off). It
/// stops when `handle` is dropped, rings it when a job queued mail, and
/// records each look for due jobs in `beat`.
pub fn spawn(
    pool: Pool,
    handle: &Arc<MailHandle>,
    interval: Duration,
    beat: Arc<SchedulerBeat>,
) -> Option<std::thread::JoinHandle<()>> {
    if interval.is_zero() {
        return None;
    }
    beat.record(|b| b.interval = Some(interval));
    let weak = Arc::downgrade(handle);
    let thread = std::thread::Builder::new()
        .name("zhiku-scheduler".into())
        .spawn(move || run(pool, weak, interval, &beat))
        .unwrap_or_else(|error| panic!("cannot start the scheduler thread: {error}"));
    Some(thread)
}

fn run(pool: Pool, handle: Weak<MailHandle>, interval: Duration, beat: &SchedulerBeat) {
    loop {
        let Some(live) = handle.upgrade() else { return };
        let outcome = tick(&pool, &live);
        if let Err(error) = &outcome {
            tracing::warn!(error = format!("{error:#}"), "scheduler tick failed");
        }
        beat.record(|b| {
            b.last_tick_at = Some(Utc::now());
            b.last_error = outcome.err().map(|e| format!("{e:#}"));
        });
        drop(live);
        let started = Instant::now();
        while started.elapsed() < interval {
            if handle.strong_count() == 0 {
                return;
            }
            std::thread::sleep(ALIVE_CHECK.min(interval));
        }
    }
}

fn tick(pool: &Pool, mail: &MailHandle) -> anyhow::Result<()> {
    let mut conn = pool.get().context("database connection for the scheduler")?;
    let now = Utc::now();
    let mut ran = false;
    for &job in Job::ALL {
        if store::has_run(&mut conn, job.as_str(), &job.period_key(now))? {
            continue;
        }
        match jobs::run(&mut conn, job, now, false) {
            Ok(Some(done)) => {
                tracing::info!(job = job.as_str(), period = %done.period, summary = %done.summary, "job ran");
                ran = true;
            }
            Ok(None) => {}
            Err(error) => tracing::warn!(job = job.as_str(), error = format!("{error:#}"), "job failed"),
        }
    }
    if ran {
        mail.wake();
    }
    Ok(())
}
