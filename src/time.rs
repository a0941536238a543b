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
        Span::containing(self.grain(), day).window()
    }

    /// The rollup grain of this period.
    pub fn grain(self) -> Grain {
        match self {
            Period::Week => Grain::Week,
            Period::Month => Grain::Month,
            Period::Quarter => Grain::Quarter,
            Period::Year => Grain::Year,
            Period::All => Grain::All,
        }
    }

    /// The period containing local date `day` (today when `None`), as a span.
    pub fn span_around(self, day: Option<NaiveDate>) -> Span {
        let today = || Utc::now().with_timezone(&business_zone()).date_naive();
        Span::containing(self.grain(), day.unwrap_or_else(today))
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

/// How long a calendar period a rollup cell counts; stored as its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Grain {
    Day,
    Week,
    Month,
    Quarter,
    Year,
    All,
}

impl Grain {
    pub const ALL: [Grain; 6] =
        [Grain::Day, Grain::Week, Grain::Month, Grain::Quarter, Grain::Year, Grain::All];

    pub fn as_str(self) -> &'static str {
        match self {
            Grain::Day => "day",
            Grain::Week => "week",
            Grain::Month => "month",
            Grain::Quarter => "quarter",
            Grain::Year => "year",
            Grain::All => "all",
        }
    }

    pub fn parse(name: &str) -> Option<Grain> {
        Grain::ALL.into_iter().find(|g| g.as_str() == name)
    }
}

/// One calendar period of a grain: a local day, the week from its Monday, a
/// month, a quarter, a year, or all time. Rollup cells are kept per span, and
/// every report period is one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub grain: Grain,
    /// Its first local day; 1970-01-01 for all time.
    pub starts_on: NaiveDate,
}

impl Span {
    /// All time.
    pub const ALL: Span = Span { grain: Grain::All, starts_on: NaiveDate::from_ymd_opt(1970, 1, 1).unwrap() };

    /// The span of `grain` containing local date `day`.
    pub fn containing(grain: Grain, day: NaiveDate) -> Span {
        let starts_on = match grain {
            Grain::Day => day,
            Grain::Week => day - Duration::days(i64::from(day.weekday().num_days_from_monday())),
            Grain::Month => first_of(day.year(), day.month()),
            Grain::Quarter => first_of(day.year(), (day.month() - 1) / 3 * 3 + 1),
            Grain::Year => first_of(day.year(), 1),
            Grain::All => return Span::ALL,
        };
        Span { grain, starts_on }
    }

    /// The span of every grain containing local date `day`, finest first.
    pub fn every_containing(day: NaiveDate) -> [Span; 6] {
        Grain::ALL.map(|grain| Span::containing(grain, day))
    }

    /// The local day after its last; `None` for all time.
    pub fn ends_before(self) -> Option<NaiveDate> {
        let months = match self.grain {
            Grain::Day => return Some(self.starts_on + Duration::days(1)),
            Grain::Week => return Some(self.starts_on + Duration::days(7)),
            Grain::Month => 1,
            Grain::Quarter => 3,
            Grain::Year => 12,
            Grain::All => return None,
        };
        Some(add_months(self.starts_on, months))
    }

    /// Its UTC window; `None` for all time.
    pub fn window(self) -> Window {
        let end = self.ends_before()?;
        Some((local_midnight_utc(self.starts_on), local_midnight_utc(end)))
    }
}

/// The local business day (UTC+8) of UTC timestamp `t`.
pub fn local_day(t: NaiveDateTime) -> NaiveDate {
    t.and_utc().with_timezone(&business_zone()).date_naive()
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

/// The UTC instant of local midnight starting `day`.
pub fn local_midnight_utc(day: NaiveDate) -> NaiveDateTime {
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
    fn spans_start_on_their_first_local_day() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(); // a Saturday
        let starts: Vec<String> =
            Span::every_containing(day).iter().map(|s| s.starts_on.to_string()).collect();
        assert_eq!(
            starts,
            ["2026-11-28", "2026-11-23", "2026-11-01", "2026-10-01", "2026-01-01", "1970-01-01"]
        );
        for period in [Period::Week, Period::Month, Period::Quarter, Period::Year, Period::All] {
            assert_eq!(Span::containing(period.grain(), day).window(), period.window_containing(day));
        }
        assert_eq!(
            Span::containing(Grain::Day, day).window(),
            Some((utc("2026-11-27 16:00"), utc("2026-11-28 16:00")))
        );
        assert_eq!(local_day(utc("2026-11-27 16:00")), day);
        assert_eq!(local_day(utc("2026-11-27 15:59")), day.pred_opt().unwrap());
    }

    #[test]
    fn late_utc_evening_is_already_tomorrow_locally() {
        let now = Utc.with_ymd_and_hms(2026, 11, 30, 17, 0, 0).unwrap(); // 01:00 on 1 Dec in UTC+8
        assert_eq!(Period::Month.current(now).unwrap().0, utc("2026-11-30 16:00"));
        assert_eq!(day_window(now), (utc("2026-11-30 16:00"), utc("2026-12-01 16:00")));
    }
}
