//! Calendar periods in the branch's time zone (China Standard Time, UTC+8),
//! as half-open UTC windows `[start, end)`.

use chrono::{Datelike, Duration, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// UTC+8: days, weeks and months start at local midnight.
pub fn business_zone() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// A half-open UTC window `[start, end)`; `None` for all time.
pub type Window = Option<(NaiveDateTime, NaiveDateTime)>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Week,
    #[default]
    Month,
    Quarter,
    Year,
    All,
}

impl Period {
    pub fn as_str(self) -> &'static str {
        match self {
            Period::Week => "week",
            Period::Month => "month",
            Period::Quarter => "quarter",
            Period::Year => "year",
            Period::All => "all",
        }
    }

    /// The period containing local date `day`; `None` for all time.
    pub fn window_containing(self, day: NaiveDate) -> Window {
        let (start, end) = match self {
            Period::All => return None,
            Period::Week => {
                let start = day - Duration::days(i64::from(day.weekday().num_days_from_monday()));
                (start, start + Duration::days(7))
            }
            Period::Month => {
                let start = first_of(day.year(), day.month());
                (start, add_months(start, 1))
            }
            Period::Quarter => {
                let start = first_of(day.year(), (day.month() - 1) / 3 * 3 + 1);
                (start, add_months(start, 3))
            }
            Period::Year => {
                let start = first_of(day.year(), 1);
                (start, add_months(start, 12))
            }
        };
        Some((local_midnight_utc(start), local_midnight_utc(end)))
    }

    /// The period containing `now`.
    pub fn current(self, now: chrono::DateTime<Utc>) -> Window {
        self.window_containing(now.with_timezone(&business_zone()).date_naive())
    }

    /// The period containing local date `day`, or today when `None`.
    pub fn around(self, day: Option<NaiveDate>) -> Window {
        day.map_or_else(|| self.current(Utc::now()), |day| self.window_containing(day))
    }
}

/// A window wide enough for every stored timestamp, that both backends can
/// compare (SQLite compares timestamps as text).
pub fn all_time() -> (NaiveDateTime, NaiveDateTime) {
    let at = |year| {
        NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default().and_hms_opt(0, 0, 0).unwrap_or_default()
    };
    (at(1900), at(9999))
}

/// The local business day containing `now`, as a UTC window.
pub fn day_window(now: chrono::DateTime<Utc>) -> (NaiveDateTime, NaiveDateTime) {
    let day = now.with_timezone(&business_zone()).date_naive();
    (local_midnight_utc(day), local_midnight_utc(day + Duration::days(1)))
}

fn first_of(year: i32, month: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(NaiveDate::MIN)
}

fn add_months(start: NaiveDate, months: u32) -> NaiveDate {
    start.checked_add_months(chrono::Months::new(months)).unwrap_or(NaiveDate::MAX)
}

fn local_midnight_utc(day: NaiveDate) -> NaiveDateTime {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    business_zone()
        .from_local_datetime(&midnight)
        .single()
        .map_or(midnight, |t| t.with_timezone(&Utc).naive_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn periods_start_at_local_midnight() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(); // a Saturday
        assert_eq!(
            Period::Week.window_containing(day),
            Some((utc("2026-11-22 16:00"), utc("2026-11-29 16:00")))
        );
        assert_eq!(
            Period::Month.window_containing(day),
            Some((utc("2026-10-31 16:00"), utc("2026-11-30 16:00")))
        );
        assert_eq!(
            Period::Quarter.window_containing(day),
            Some((utc("2026-09-30 16:00"), utc("2026-12-31 16:00")))
        );
        assert_eq!(
            Period::Year.window_containing(day),
            Some((utc("2025-12-31 16:00"), utc("2026-12-31 16:00")))
        );
        assert_eq!(Period::All.window_containing(day), None);
    }

    #[test]
    fn late_utc_evening_is_already_tomorrow_locally() {
        let now = Utc.with_ymd_and_hms(2026, 11, 30, 17, 0, 0).unwrap(); // 01:00 on 1 Dec in UTC+8
        assert_eq!(Period::Month.current(now).unwrap().0, utc("2026-11-30 16:00"));
        assert_eq!(day_window(now), (utc("2026-11-30 16:00"), utc("2026-12-01 16:00")));
    }
}
