//! Login throttling: failed attempts are counted per client IP and per login
//! name in a sliding window; past the limit, login answers 429 until the
//! oldest failure leaves the window.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct LoginLimiter {
    window: Duration,
    per_account: u32,
    per_ip: u32,
    failures: Mutex<HashMap<Key, VecDeque<Instant>>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Account(String),
    Ip(String),
}

/// Bound on tracked keys, so a flood of random login names cannot grow memory without limit.
const MAX_KEYS: usize = 100_000;

impl LoginLimiter {
    pub fn new(window: Duration, per_account: u32, per_ip: u32) -> Self {
        LoginLimiter { window, per_account, per_ip, failures: Mutex::new(HashMap::new()) }
    }

    /// `Err(seconds to wait)` when either the account or the IP is over its limit.
    pub fn check(&self, login: &str, ip: &str) -> Result<(), u64> {
        let now = Instant::now();
        let mut failures = self.lock();
        let keys =
            [(Key::Account(normalise(login)), self.per_account), (Key::Ip(ip.to_owned()), self.per_ip)];
        let mut wait = None;
        for (key, limit) in keys {
            if let Some(times) = failures.get_mut(&key) {
                prune(times, now, self.window);
                if times.len() >= limit as usize {
                    let oldest = times.front().copied().unwrap_or(now);
                    let left = self.window.saturating_sub(now.duration_since(oldest)).as_secs().max(1);
                    wait = Some(wait.map_or(left, |w: u64| w.max(left)));
                }
            }
        }
        wait.map_or(Ok(()), Err)
    }

    pub fn record_failure(&self, login: &str, ip: &str) {
        let now = Instant::now();
        let mut failures = self.lock();
        if failures.len() >= MAX_KEYS {
            let window = self.window;
            failures.retain(|_, times| {
                prune(times, now, window);
                !times.is_empty()
            });
        }
        for key in [Key::Account(normalise(login)), Key::Ip(ip.to_owned())] {
            failures.entry(key).or_default().push_back(now);
        }
    }

    /// A successful login clears the account's failures (not the IP's).
    pub fn record_success(&self, login: &str) {
        self.lock().remove(&Key::Account(normalise(login)));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, VecDeque<Instant>>> {
        self.failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn normalise(login: &str) -> String {
    login.trim().to_lowercase()
}

fn prune(times: &mut VecDeque<Instant>, now: Instant, window: Duration) {
    while times.front().is_some_and(|t| now.duration_since(*t) >= window) {
        times.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_is_blocked_after_the_limit_whatever_the_case() {
        let limiter = LoginLimiter::new(Duration::from_secs(60), 3, 100);
        for _ in 0..3 {
            assert!(limiter.check("E1001", "10.0.0.1").is_ok());
            limiter.record_failure("e1001", "10.0.0.1");
        }
        let wait = limiter.check("E1001", "10.0.0.2").unwrap_err();
        assert!((1..=60).contains(&wait));
        assert!(limiter.check("E1002", "10.0.0.1").is_ok());
    }

    #[test]
    fn ip_is_blocked_across_accounts_and_window_expires() {
        let limiter = LoginLimiter::new(Duration::from_millis(50), 100, 2);
        limiter.record_failure("a", "10.0.0.9");
        limiter.record_failure("b", "10.0.0.9");
        assert!(limiter.check("c", "10.0.0.9").is_err());
        std::thread::sleep(Duration::from_millis(60));
        assert!(limiter.check("c", "10.0.0.9").is_ok());
    }

    #[test]
    fn success_clears_the_account() {
        let limiter = LoginLimiter::new(Duration::from_secs(60), 2, 100);
        limiter.record_failure("a", "ip");
        limiter.record_success("A");
        limiter.record_failure("a", "ip");
        assert!(limiter.check("a", "ip").is_ok());
    }
}
