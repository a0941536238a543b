//! Sign-in throttling; the rules are written down in docs/SECURITY.md
//! ("Sign-in protection").
//!
//! Failed password checks are counted per account (the user a login resolves
//! to, or an unresolved login in a namespace of its own), per client address
//! and per (account, address) pair. Each account and address has free
//! attempts, then an exponential delay: `backoff` after the last free one,
//! doubling with every further failure, never more than the window. Failures
//! are forgotten after a quiet window: a window without failures once the
//! last delay has run out.
//!
//! An attempt reserves its place under the mutex *before* the password is
//! checked and settles it afterwards, so concurrent attempts beyond the
//! allowance are refused without a check. A pair that has not failed passes a
//! throttled account when its address has no recent failures (strangers
//! cannot lock an owner out), and a throttled address when the account signed
//! in from there before (one attacker in an office does not lock out its
//! colleagues).

use std::collections::HashMap;
use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::config::{canonical, mask};
use crate::ids::UserId;

/// How long a successful sign-in from an address vouches for the pair.
const TRUSTED_FOR: Duration = Duration::from_secs(30 * 24 * 3600);

/// Bound on tracked keys: past it, forgotten entries are dropped before a new one is added.
const MAX_KEYS: usize = 100_000;

/// IPv6 clients are counted by their /64 network: one host usually owns a whole /64.
const IPV6_PREFIX: u8 = 64;

/// Who a sign-in attempt is for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Account {
    User(UserId),
    /// A login that names nobody, normalised so that case and spaces do not multiply attempts.
    Unknown(String),
}

impl Account {
    pub fn unknown(login: &str) -> Self {
        Account::Unknown(login.trim().to_lowercase())
    }
}

/// What the limiter counts failures of.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key {
    Account(Account),
    /// A client address (IPv6: its /64 network).
    Address(IpAddr),
    Pair(Account, IpAddr),
    /// Checks of the current password when changing it, apart from sign-ins.
    PasswordChange(UserId),
}

impl Key {
    /// The key of a client address: IPv4-mapped addresses are IPv4, IPv6 is its /64.
    pub fn address(address: IpAddr) -> Key {
        Key::Address(address_bucket(address))
    }

    /// The user this key is about, if any.
    pub fn user(&self) -> Option<UserId> {
        match self {
            Key::Account(Account::User(id)) | Key::PasswordChange(id) => Some(*id),
            _ => None,
        }
    }
}

fn address_bucket(address: IpAddr) -> IpAddr {
    match canonical(address) {
        v6 @ IpAddr::V6(_) => mask(v6, IPV6_PREFIX),
        v4 => v4,
    }
}

fn write_address(f: &mut fmt::Formatter<'_>, address: &IpAddr) -> fmt::Result {
    match address {
        IpAddr::V4(v4) => write!(f, "{v4}"),
        IpAddr::V6(v6) => write!(f, "{v6}/{IPV6_PREFIX}"),
    }
}

impl fmt::Display for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Account::User(id) => write!(f, "account:{}", id.0),
            Account::Unknown(login) => write!(f, "login:{login}"),
        }
    }
}

/// `account:<user id>`, `login:<login>`, `address:<ip>` (IPv6 `address:<network>/64`),
/// `password:<user id>`.
impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Key::Account(account) => write!(f, "{account}"),
            Key::Address(address) => {
                f.write_str("address:")?;
                write_address(f, address)
            }
            Key::Pair(account, address) => {
                write!(f, "{account}@")?;
                write_address(f, address)
            }
            Key::PasswordChange(id) => write!(f, "password:{}", id.0),
        }
    }
}

/// Parses the keys an admin may clear (every key but the internal pairs).
impl FromStr for Key {
    type Err = &'static str;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        const EXPECTED: &str = "应为 account:<id>、login:<登录名>、address:<IP> 或 password:<id>";
        let (kind, value) = text.trim().split_once(':').ok_or(EXPECTED)?;
        let user = |value: &str| value.parse::<i64>().map(UserId).map_err(|_| EXPECTED);
        match kind {
            "account" => Ok(Key::Account(Account::User(user(value)?))),
            "password" => Ok(Key::PasswordChange(user(value)?)),
            "login" if !value.trim().is_empty() => Ok(Key::Account(Account::unknown(value))),
            "address" => {
                let address = value.strip_suffix(&format!("/{IPV6_PREFIX}")).unwrap_or(value);
                address.parse::<IpAddr>().map(Key::address).map_err(|_| EXPECTED)
            }
            _ => Err(EXPECTED),
        }
    }
}

/// The limits, from the settings.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Free failures per account (and per password change) before delays start.
    pub per_account: u32,
    /// Free failures per client address before delays start.
    pub per_address: u32,
    /// The longest delay; failures are forgotten a window after the last delay ran out.
    pub window: Duration,
    /// The first delay; each further failure doubles it.
    pub backoff: Duration,
}

impl Limits {
    fn free(&self, key: &Key) -> u32 {
        match key {
            Key::Account(_) | Key::PasswordChange(_) => self.per_account,
            Key::Address(_) => self.per_address,
            // A pair only needs to know whether it failed; it never delays by itself.
            Key::Pair(..) => u32::MAX,
        }
    }

    fn delay(&self, failures: u32, free: u32) -> Duration {
        let doublings = failures.saturating_sub(free).min(31);
        self.backoff.saturating_mul(1 << doublings).min(self.window)
    }
}

#[derive(Debug, Clone, Default)]
struct Entry {
    failures: u32,
    last_failure: Option<(Instant, DateTime<Utc>)>,
    /// No new attempt before this (the delay after the last failure).
    not_before: Option<Instant>,
    /// Attempts admitted whose password check has not finished.
    in_flight: u32,
    /// A successful sign-in of this pair vouches for it until then.
    trusted_until: Option<Instant>,
}

impl Entry {
    fn forget_old_failures(&mut self, now: Instant, window: Duration) {
        let quiet_since = self.not_before.or(self.last_failure.map(|(at, _)| at));
        if quiet_since.is_some_and(|since| now.saturating_duration_since(since) >= window) {
            self.clear_failures();
        }
    }

    fn clear_failures(&mut self) {
        self.failures = 0;
        self.last_failure = None;
        self.not_before = None;
    }

    fn wait(&self, now: Instant) -> Duration {
        self.not_before.map_or(Duration::ZERO, |at| at.saturating_duration_since(now))
    }

    /// Attempts this key allows now, counting those in flight as failures to be.
    fn admits(&self, free: u32, now: Instant) -> bool {
        let allowance = match self.wait(now) {
            wait if !wait.is_zero() => 0,
            _ if self.failures < free => free - self.failures,
            _ => 1,
        };
        self.in_flight < allowance
    }

    fn is_clean(&self) -> bool {
        self.failures == 0 && self.in_flight == 0
    }

    fn is_trusted(&self, now: Instant) -> bool {
        self.trusted_until.is_some_and(|until| until > now)
    }

    fn is_idle(&self, now: Instant) -> bool {
        self.is_clean() && !self.is_trusted(now)
    }

    fn fail(&mut self, free: u32, limits: &Limits, now: Instant) {
        self.failures = self.failures.saturating_add(1);
        self.last_failure = Some((now, Utc::now()));
        if self.failures >= free {
            self.not_before = Some(now + limits.delay(self.failures, free));
        }
    }
}

/// A refused attempt: try again after this many seconds (at least 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub u64);

impl RetryAfter {
    fn from_wait(wait: Duration) -> Self {
        RetryAfter((wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1))
    }
}

/// A key with recent failures, as an admin sees it.
#[derive(Debug, Clone)]
pub struct Throttle {
    pub key: Key,
    pub failures: u32,
    /// The free attempts are used up: further attempts wait.
    pub throttled: bool,
    /// Seconds until the next attempt is let through (0: now).
    pub retry_after_secs: u64,
    pub last_failure_at: Option<DateTime<Utc>>,
}

type Clock = Box<dyn Fn() -> Instant + Send + Sync>;

pub struct LoginLimiter {
    limits: Limits,
    entries: Mutex<HashMap<Key, Entry>>,
    clock: Clock,
}

impl LoginLimiter {
    pub fn new(limits: Limits) -> Self {
        Self::with_clock(limits, Box::new(Instant::now))
    }

    fn with_clock(limits: Limits, clock: Clock) -> Self {
        LoginLimiter { limits, entries: Mutex::new(HashMap::new()), clock }
    }

    /// Reserves a check of `user`'s current password before changing it.
    pub fn begin_password_change(&self, user: UserId) -> Result<Attempt<'_>, RetryAfter> {
        let key = Key::PasswordChange(user);
        let (mut entries, now) = self.lock();
        let mut entry = self.current(&entries, &key, now);
        if !entry.admits(self.limits.per_account, now) {
            return Err(RetryAfter::from_wait(entry.wait(now)));
        }
        entry.in_flight += 1;
        entries.insert(key.clone(), entry);
        Ok(Attempt { limiter: self, keys: vec![key], outcome: Outcome::Abandoned })
    }

    /// Reserves a sign-in attempt for `account` from `address`, or refuses it.
    /// Check the password only with the attempt in hand, then settle it.
    pub fn begin_login(&self, account: Account, address: IpAddr) -> Result<Attempt<'_>, RetryAfter> {
        let address = address_bucket(address);
        let keys = [Key::Account(account.clone()), Key::Address(address), Key::Pair(account, address)];
        let (mut entries, now) = self.lock();
        let states = keys.clone().map(|key| self.current(&entries, &key, now));
        let [of_account, of_address, of_pair] = &states;
        let account_admits = of_account.admits(self.limits.per_account, now);
        let address_admits = of_address.admits(self.limits.per_address, now);
        let pair_vouched = of_pair.is_clean() && (of_address.is_clean() || of_pair.is_trusted(now));
        if !(account_admits && address_admits || pair_vouched) {
            let blocking = [(account_admits, of_account), (address_admits, of_address)];
            let wait = blocking.iter().filter(|(admits, _)| !admits).map(|(_, e)| e.wait(now)).max();
            return Err(RetryAfter::from_wait(wait.unwrap_or_default()));
        }
        for (key, mut entry) in keys.iter().zip(states) {
            entry.in_flight += 1;
            entries.insert(key.clone(), entry);
        }
        Ok(Attempt { limiter: self, keys: keys.to_vec(), outcome: Outcome::Abandoned })
    }

    /// Accounts, logins, addresses and password changes with recent failures,
    /// throttled ones first.
    pub fn throttles(&self) -> Vec<Throttle> {
        let (mut entries, now) = self.lock();
        self.forget(&mut entries, now);
        let mut list: Vec<Throttle> = entries
            .iter()
            .filter(|(key, entry)| !matches!(key, Key::Pair(..)) && entry.failures > 0)
            .map(|(key, entry)| Throttle {
                key: key.clone(),
                failures: entry.failures,
                throttled: entry.failures >= self.limits.free(key),
                retry_after_secs: match entry.wait(now) {
                    wait if wait.is_zero() => 0,
                    wait => RetryAfter::from_wait(wait).0,
                },
                last_failure_at: entry.last_failure.map(|(_, at)| at),
            })
            .collect();
        list.sort_by_key(|t| {
            (!t.throttled, std::cmp::Reverse(t.retry_after_secs), std::cmp::Reverse(t.failures))
        });
        list
    }

    /// Forgets the failures of `key` (and of the pairs it is part of); false when it had none.
    pub fn clear(&self, key: &Key) -> bool {
        let (mut entries, now) = self.lock();
        let had_failures = entries.get(key).is_some_and(|entry| entry.failures > 0);
        for (candidate, entry) in entries.iter_mut() {
            let part_of = match (key, candidate) {
                (Key::Account(account), Key::Pair(of, _)) => account == of,
                (Key::Address(address), Key::Pair(_, at)) => address == at,
                _ => candidate == key,
            };
            if part_of {
                entry.clear_failures();
            }
        }
        entries.retain(|_, entry| !entry.is_idle(now));
        had_failures
    }

    /// The entry of `key` as of `now` (a copy; written back when the attempt is admitted).
    fn current(&self, entries: &HashMap<Key, Entry>, key: &Key, now: Instant) -> Entry {
        let mut entry = entries.get(key).cloned().unwrap_or_default();
        entry.forget_old_failures(now, self.limits.window);
        entry
    }

    fn forget(&self, entries: &mut HashMap<Key, Entry>, now: Instant) {
        entries.retain(|_, entry| {
            entry.forget_old_failures(now, self.limits.window);
            !entry.is_idle(now)
        });
    }

    /// The entries, and the time read once they are held: a decision never
    /// uses a time older than a failure another thread recorded meanwhile
    /// (which would make `Retry-After` exceed the delay).
    fn lock(&self) -> (MutexGuard<'_, HashMap<Key, Entry>>, Instant) {
        let mut entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let now = (self.clock)();
        if entries.len() >= MAX_KEYS {
            self.forget(&mut entries, now);
        }
        (entries, now)
    }

    fn settle(&self, keys: &[Key], outcome: Outcome) {
        let (mut entries, now) = self.lock();
        for key in keys {
            let Some(entry) = entries.get_mut(key) else { continue };
            entry.in_flight = entry.in_flight.saturating_sub(1);
            match (outcome, key) {
                (Outcome::Failed, _) => entry.fail(self.limits.free(key), &self.limits, now),
                // The address keeps its failures: signing in to one's own account must not
                // buy an attacker new attempts at others.
                (Outcome::Succeeded, Key::Address(_)) | (Outcome::Abandoned, _) => {}
                (Outcome::Succeeded, Key::Pair(..)) => {
                    entry.clear_failures();
                    entry.trusted_until = Some(now + TRUSTED_FOR);
                }
                (Outcome::Succeeded, _) => entry.clear_failures(),
            }
            if entry.is_idle(now) {
                entries.remove(key);
            }
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Outcome {
    Failed,
    Succeeded,
    /// Settled without a verdict (an error before the check finished): only the reservation ends.
    Abandoned,
}

/// An admitted attempt. Dropping it without a verdict only releases its place.
#[must_use = "an attempt reserves a place until it is settled or dropped"]
pub struct Attempt<'a> {
    limiter: &'a LoginLimiter,
    keys: Vec<Key>,
    outcome: Outcome,
}

impl Attempt<'_> {
    /// The password was wrong, or the account may not sign in.
    pub fn failed(mut self) {
        self.outcome = Outcome::Failed;
    }

    pub fn succeeded(mut self) {
        self.outcome = Outcome::Succeeded;
    }
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        self.limiter.settle(&self.keys, self.outcome);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::Arc;

    use super::*;

    const ALICE: Account = Account::User(UserId(1));
    const BOB: Account = Account::User(UserId(2));

    /// A limiter on a clock that moves only when the test says so.
    struct Fixture {
        limiter: LoginLimiter,
        elapsed: Arc<AtomicU64>,
    }

    impl Fixture {
        fn new(per_account: u32, per_address: u32) -> Self {
            let elapsed = Arc::new(AtomicU64::new(0));
            let (start, seconds) = (Instant::now(), Arc::clone(&elapsed));
            let clock = Box::new(move || start + Duration::from_secs(seconds.load(Ordering::SeqCst)));
            let limits = Limits {
                per_account,
                per_address,
                window: Duration::from_secs(900),
                backoff: Duration::from_secs(1),
            };
            Fixture { limiter: LoginLimiter::with_clock(limits, clock), elapsed }
        }

        fn advance(&self, seconds: u64) {
            self.elapsed.fetch_add(seconds, Ordering::SeqCst);
        }

        fn begin(&self, account: Account, address: &str) -> Result<Attempt<'_>, RetryAfter> {
            self.limiter.begin_login(account, address.parse().unwrap())
        }

        fn fail(&self, account: Account, address: &str) {
            self.begin(account, address).expect("admitted").failed();
        }

        fn admitted(&self, account: Account, address: &str) -> bool {
            self.begin(account, address).is_ok()
        }
    }

    #[test]
    fn concurrent_attempts_beyond_the_free_ones_are_refused_before_any_check() {
        let f = Fixture::new(5, 50);
        let held: Vec<_> = (0..5).map(|_| f.begin(ALICE, "10.0.0.1").unwrap()).collect();
        assert_eq!(f.begin(ALICE, "10.0.0.1").err(), Some(RetryAfter(1)));
        // Another account from the same address is not held up.
        assert!(f.admitted(BOB, "10.0.0.1"));
        held.into_iter().for_each(Attempt::failed);
        assert!(!f.admitted(ALICE, "10.0.0.1"));
    }

    #[test]
    fn delays_double_after_the_free_attempts_up_to_the_window() {
        let f = Fixture::new(2, 1000);
        f.fail(ALICE, "10.0.0.1");
        f.fail(ALICE, "10.0.0.1");
        for expected in [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900] {
            assert_eq!(f.begin(ALICE, "10.0.0.1").err(), Some(RetryAfter(expected)));
            f.advance(expected - 1);
            assert!(!f.admitted(ALICE, "10.0.0.1"));
            f.advance(1);
            f.fail(ALICE, "10.0.0.1");
        }
        // Once the last delay is over the failures are remembered for a quiet window…
        f.advance(900 + 899);
        let one = f.begin(ALICE, "10.0.0.1").expect("the delay is over");
        assert!(!f.admitted(ALICE, "10.0.0.1"), "no free attempts yet");
        drop(one);
        // …and then forgotten.
        f.advance(1);
        let attempts: Vec<_> = (0..2).map(|_| f.begin(ALICE, "10.0.0.1")).collect();
        assert!(attempts.iter().all(Result::is_ok));
    }

    #[test]
    fn a_clean_address_passes_a_throttled_account_once() {
        let f = Fixture::new(3, 50);
        for _ in 0..3 {
            f.fail(ALICE, "203.0.113.66");
        }
        assert!(!f.admitted(ALICE, "203.0.113.66"));
        // The owner at another address gets a check; one at a time.
        let owner = f.begin(ALICE, "10.0.0.7").unwrap();
        assert!(!f.admitted(ALICE, "10.0.0.7"));
        owner.succeeded();
        assert!(f.admitted(ALICE, "10.0.0.7"));
        // A stranger's clean address gets one check, and after its failure no more.
        for _ in 0..3 {
            f.fail(ALICE, "203.0.113.66");
        }
        f.fail(ALICE, "198.51.100.1");
        assert!(!f.admitted(ALICE, "198.51.100.1"));
    }

    #[test]
    fn a_throttled_address_still_lets_through_accounts_that_signed_in_there() {
        let f = Fixture::new(5, 3);
        f.begin(ALICE, "10.0.0.1").unwrap().succeeded();
        for n in 10..13 {
            f.fail(Account::User(UserId(n)), "10.0.0.1");
        }
        assert!(!f.admitted(BOB, "10.0.0.1"), "a first sign-in waits for the address");
        let alice = f.begin(ALICE, "10.0.0.1").unwrap();
        assert!(!f.admitted(ALICE, "10.0.0.1"), "one at a time");
        alice.failed();
        assert!(!f.admitted(ALICE, "10.0.0.1"), "a failed pair loses its trust");
    }

    #[test]
    fn a_sign_in_vouches_for_its_pair_for_thirty_days() {
        for (age, vouched) in [(30 * 24 * 3600 - 1, true), (30 * 24 * 3600, false)] {
            let f = Fixture::new(5, 1);
            f.begin(BOB, "10.0.0.1").unwrap().succeeded();
            f.advance(age);
            f.fail(ALICE, "10.0.0.1");
            assert_eq!(f.admitted(BOB, "10.0.0.1"), vouched, "after {age} s");
        }
    }

    #[test]
    fn success_clears_the_account_but_not_the_address() {
        let f = Fixture::new(2, 3);
        f.fail(ALICE, "10.0.0.1");
        f.fail(BOB, "10.0.0.1");
        f.begin(ALICE, "10.0.0.1").unwrap().succeeded();
        let keys: Vec<String> = f.limiter.throttles().iter().map(|t| t.key.to_string()).collect();
        assert_eq!(keys.len(), 2, "{keys:?}");
        assert!(keys.contains(&"address:10.0.0.1".to_owned()) && keys.contains(&"account:2".to_owned()));
    }

    #[test]
    fn abandoned_attempts_release_their_place_without_a_failure() {
        let f = Fixture::new(1, 50);
        drop(f.begin(ALICE, "10.0.0.1").unwrap());
        assert!(f.limiter.throttles().is_empty());
        assert!(f.admitted(ALICE, "10.0.0.1"));
    }

    #[test]
    fn password_changes_have_their_own_namespace() {
        let f = Fixture::new(2, 50);
        for _ in 0..2 {
            f.fail(Account::unknown("password:1"), "10.0.0.1");
            f.fail(Account::unknown("user:1"), "10.0.0.2");
        }
        f.limiter.begin_password_change(UserId(1)).expect("not blocked by logins").failed();
        f.limiter.begin_password_change(UserId(1)).unwrap().failed();
        assert_eq!(f.limiter.begin_password_change(UserId(1)).err(), Some(RetryAfter(1)));
        assert!(f.admitted(ALICE, "10.0.0.3"), "sign-in is apart from password change");
    }

    #[test]
    fn ipv6_clients_count_by_their_network_and_mapped_ipv4_is_ipv4() {
        let f = Fixture::new(50, 1);
        f.fail(ALICE, "2001:db8:1:2::1");
        assert!(!f.admitted(BOB, "2001:db8:1:2:ffff::9"));
        assert!(f.admitted(BOB, "2001:db8:1:3::1"));
        f.fail(ALICE, "10.0.0.1");
        assert!(!f.admitted(BOB, "::ffff:10.0.0.1"));
    }

    #[test]
    fn keys_print_and_parse_back() {
        for text in
            ["account:7", "login:nobody@x.cn", "address:10.0.0.1", "address:2001:db8::/64", "password:7"]
        {
            assert_eq!(text.parse::<Key>().map(|k| k.to_string()).as_deref(), Ok(text));
        }
        assert_eq!("login: NoBody ".parse::<Key>(), Ok(Key::Account(Account::unknown("nobody"))));
        assert_eq!(
            "address:2001:db8::1".parse::<Key>().map(|k| k.to_string()).as_deref(),
            Ok("address:2001:db8::/64")
        );
        for bad in ["", "account:x", "pair:1", "address:nowhere", "login:", "user:1"] {
            assert!(bad.parse::<Key>().is_err(), "{bad}");
        }
    }

    #[test]
    fn clearing_an_account_restores_its_attempts_and_its_pairs() {
        let f = Fixture::new(1, 50);
        f.fail(ALICE, "10.0.0.1");
        assert!(!f.admitted(ALICE, "10.0.0.1"));
        assert!(f.limiter.clear(&Key::Account(ALICE)));
        assert!(!f.limiter.clear(&Key::Account(ALICE)), "nothing left to clear");
        assert!(f.admitted(ALICE, "10.0.0.1"));
        assert!(!f.limiter.clear(&Key::address("10.9.9.9".parse().unwrap())));
    }
}
