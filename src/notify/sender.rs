//! The sender: one thread per process claims due outbox rows, renders and
//! delivers them, and records the outcome — sent, retried later with
//! exponential backoff, or failed for good after the last attempt. Claims
//! carry a lease, so a crashed process's rows are taken over when it ends.

use std::sync::{Arc, Condvar, Mutex, Weak};
use std::time::Duration;

use anyhow::Context as _;
use chrono::Utc;

use crate::config::Settings;
use crate::db::{self, DbConn, Pool};
use crate::enums::NotificationKind;
use crate::notify::mail::Mail;
use crate::notify::outbox;
use crate::notify::render;
use crate::notify::render::{Content, WeeklyDigest};
use crate::notify::transport::{Mailer, SendError};
use crate::users::store as users;

/// Lets request handlers and jobs ring the sender; the application state
/// holds it, and the background threads stop once it is gone.
#[derive(Default)]
pub struct MailHandle {
    rung: Mutex<bool>,
    bell: Condvar,
}

impl MailHandle {
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the sender to look at the outbox now rather than at its next poll.
    pub fn wake(&self) {
        *self.rung.lock().unwrap_or_else(|p| p.into_inner()) = true;
        self.bell.notify_all();
    }

    /// Waits until rung or `timeout` passed.
    pub fn wait(&self, timeout: Duration) {
        let mut rung = self.rung.lock().unwrap_or_else(|p| p.into_inner());
        if !*rung {
            rung = self.bell.wait_timeout(rung, timeout).unwrap_or_else(|p| p.into_inner()).0;
        }
        *rung = false;
    }
}

#[derive(Debug, Clone)]
pub struct SenderConfig {
    pub public_url: String,
    /// Wait before the first retry; doubled for each further one.
    pub retry_base: Duration,
    pub max_attempts: u32,
    /// How often an idle sender looks for due rows.
    pub poll: Duration,
    /// How long a claim lasts; longer than the SMTP timeout times the batch.
    pub lease: chrono::Duration,
    pub batch: i64,
}

impl SenderConfig {
    pub fn from_settings(settings: &Settings) -> Self {
        SenderConfig {
            public_url: settings.public_url.clone(),
            retry_base: Duration::from_secs(settings.mail_retry_seconds),
            max_attempts: settings.mail_max_attempts,
            poll: Duration::from_millis(250),
            lease: chrono::Duration::minutes(5),
            batch: 10,
        }
    }
}

/// The longest wait between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(3600);

/// The wait after failed attempt number `attempts` (1 for the first):
/// `base`, then twice as long each time, never more than an hour.
pub fn backoff(base: Duration, attempts: i32) -> Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1)).unwrap_or(0).min(20);
    base.saturating_mul(1 << doublings).min(MAX_BACKOFF.max(base))
}

/// Starts the sender thread; it stops when `handle` is dropped.
pub fn spawn(
    pool: Pool,
    mailer: Mailer,
    handle: &Arc<MailHandle>,
    config: SenderConfig,
) -> std::thread::JoinHandle<()> {
    let weak = Arc::downgrade(handle);
    std::thread::Builder::new()
        .name("zhiku-mail".into())
        .spawn(move || run(pool, mailer, weak, config))
        .unwrap_or_else(|error| panic!("cannot start the mail sender thread: {error}"))
}

fn run(pool: Pool, mailer: Mailer, handle: Weak<MailHandle>, config: SenderConfig) {
    let mut failures = 0u32;
    loop {
        let Some(live) = handle.upgrade() else { return };
        match step(&pool, &mailer, &config) {
            Ok(0) => {
                failures = 0;
                live.wait(config.poll);
            }
            Ok(_) => failures = 0,
            Err(error) => {
                failures = failures.saturating_add(1);
                if failures <= 3 || failures.is_power_of_two() {
                    tracing::warn!(
                        error = format!("{error:#}"),
                        failures,
                        "mail sender step failed; retrying"
                    );
                }
                live.wait(config.poll * failures.min(40));
            }
        }
    }
}

/// Claims a batch and delivers it; returns how many rows it handled.
fn step(pool: &Pool, mailer: &Mailer, config: &SenderConfig) -> anyhow::Result<usize> {
    let mut conn = pool.get().context("database connection for the mail sender")?;
    let now = Utc::now().naive_utc();
    if !outbox::any_due(&mut conn, now)? {
        return Ok(0);
    }
    let claimed = db::write_tx(&mut conn, |c| outbox::claim(c, now, config.lease, config.batch))?;
    for mail in &claimed {
        let outcome = prepare(&mut conn, mailer, config, mail)?.and_then(|message| mailer.send(&message));
        record(&mut conn, mail, outcome, config)?;
    }
    Ok(claimed.len())
}

/// Renders the row into a message; the outer error is the database's, the
/// inner one why this row can never be sent.
fn prepare(
    conn: &mut DbConn,
    mailer: &Mailer,
    config: &SenderConfig,
    mail: &Mail,
) -> anyhow::Result<Result<lettre::Message, SendError>> {
    let name = users::find_user(conn, mail.user_id)?.map_or_else(|| mail.recipient.clone(), |u| u.real_name);
    let base = config.public_url.as_str();
    let rendered = if mail.kind == NotificationKind::DailyDigest {
        let items = outbox::digest_items(conn, mail.id)?;
        if items.is_empty() {
            return Ok(Err(SendError::Permanent("摘要没有内容".into())));
        }
        render::render(base, &name, &mail.subject, &Content::Digest(&items))
    } else if mail.kind == NotificationKind::WeeklyDigest {
        match serde_json::from_str::<WeeklyDigest>(&mail.payload) {
            Ok(weekly) => render::render(base, &name, &mail.subject, &Content::Weekly(&weekly)),
            Err(error) => return Ok(Err(SendError::Permanent(format!("每周回顾内容无效：{error}")))),
        }
    } else {
        let found = match mail.notification_id {
            Some(id) => outbox::notification(conn, id)?,
            None => None,
        };
        let Some(notification) = found else {
            return Ok(Err(SendError::Permanent("邮件对应的通知不存在".into())));
        };
        render::render(base, &name, &mail.subject, &Content::Notification(&notification))
    };
    Ok(mailer.message(mail.id, &name, &mail.recipient, &mail.subject, &rendered))
}

fn record(
    conn: &mut DbConn,
    mail: &Mail,
    outcome: Result<(), SendError>,
    config: &SenderConfig,
) -> anyhow::Result<()> {
    let claim = mail.claim.as_deref().unwrap_or_default();
    let now = Utc::now().naive_utc();
    let kept = match outcome {
        Ok(()) => {
            let latency_ms = (now - mail.created_at).num_milliseconds();
            tracing::info!(mail = mail.id, kind = %mail.kind, attempts = mail.attempts, latency_ms, "mail sent");
            outbox::mark_sent(conn, mail.id, claim, now)?
        }
        Err(SendError::Permanent(error)) => {
            tracing::warn!(mail = mail.id, %error, "mail refused for good");
            outbox::mark_attempt_failed(conn, mail.id, claim, &error, None)?
        }
        Err(SendError::Transient(error)) => {
            let last = u32::try_from(mail.attempts).unwrap_or(u32::MAX) >= config.max_attempts;
            let retry_at = (!last).then(|| {
                now + chrono::Duration::from_std(backoff(config.retry_base, mail.attempts))
                    .unwrap_or(chrono::Duration::hours(1))
            });
            tracing::warn!(mail = mail.id, attempts = mail.attempts, %error, ?retry_at, "mail not delivered");
            outbox::mark_attempt_failed(conn, mail.id, claim, &error, retry_at)?
        }
    };
    if !kept {
        tracing::warn!(mail = mail.id, "the claim on a mail ran out before its outcome was recorded");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn backoff_doubles_from_the_base_up_to_an_hour() {
        let base = Duration::from_secs(30);
        let waits: Vec<u64> = (1..=9).map(|a| backoff(base, a).as_secs()).collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(backoff(base, 0), base);
        assert_eq!(backoff(Duration::from_secs(1), 3), Duration::from_secs(4));
    }

    #[test]
    fn a_rung_handle_does_not_wait() {
        let handle = MailHandle::new();
        handle.wake();
        let started = std::time::Instant::now();
        handle.wait(Duration::from_secs(5));
        assert!(started.elapsed() < Duration::from_secs(1));
    }

    proptest! {
        #[test]
        fn backoff_never_shrinks_and_stays_bounded(base in 1u64..4000, attempts in 1i32..1000) {
            let base = Duration::from_secs(base);
            prop_assert!(backoff(base, attempts + 1) >= backoff(base, attempts));
            prop_assert!(backoff(base, attempts) <= MAX_BACKOFF.max(base));
            prop_assert!(backoff(base, attempts) >= base);
        }
    }
}
