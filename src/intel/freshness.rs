//! Freshness (时效): an adopted fact goes stale when its category's window
//! has passed since it was adopted or last verified.

use chrono::{Duration, NaiveDateTime};

/// The moment the freshness clock last started.
pub fn clock_start(
    adopted_at: Option<NaiveDateTime>,
    verified_at: Option<NaiveDateTime>,
) -> Option<NaiveDateTime> {
    match (adopted_at, verified_at) {
        (Some(a), Some(v)) => Some(a.max(v)),
        (a, v) => a.or(v),
    }
}

/// When an adopted entry goes stale unless verified: its window after the clock started.
pub fn due(
    adopted_at: Option<NaiveDateTime>,
    verified_at: Option<NaiveDateTime>,
    freshness_days: i32,
) -> Option<NaiveDateTime> {
    clock_start(adopted_at, verified_at).map(|start| start + Duration::days(i64::from(freshness_days)))
}

/// Whether an adopted entry is stale at `now`.
pub fn is_stale(
    adopted: bool,
    adopted_at: Option<NaiveDateTime>,
    verified_at: Option<NaiveDateTime>,
    freshness_days: i32,
    now: NaiveDateTime,
) -> bool {
    adopted
        && clock_start(adopted_at, verified_at)
            .is_some_and(|start| now - start > Duration::days(i64::from(freshness_days)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(d: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_700_000_000 + d * 86_400, 0).unwrap().naive_utc()
    }

    #[test]
    fn stale_after_the_window_and_verify_resets() {
        assert!(!is_stale(true, Some(day(0)), None, 30, day(30)));
        assert!(is_stale(true, Some(day(0)), None, 30, day(31)));
        assert!(!is_stale(true, Some(day(0)), Some(day(20)), 30, day(31)));
        assert!(!is_stale(false, Some(day(0)), None, 30, day(400)));
        assert!(!is_stale(true, None, None, 30, day(400)));
    }

    proptest! {
        #[test]
        fn verifying_never_makes_an_entry_staler(adopted in 0i64..500, verified in 0i64..500, now in 0i64..1000, window in 1i32..400) {
            let before = is_stale(true, Some(day(adopted)), None, window, day(now));
            let after = is_stale(true, Some(day(adopted)), Some(day(verified)), window, day(now));
            prop_assert!(before || !after);
        }
    }
}
