//! When a dated fact calls for a reminder: pure rules.

use chrono::{Datelike, NaiveDate};

/// The reminder a fact dated `fact` calls for on `today` under the rule
/// `offsets` (days before): the nearest offset whose day has come, for the
/// fact's next occurrence (every year for birthdays). Offsets whose day passed
/// before a nearer one came are skipped: an entry adopted 25 days before a
/// contract ends reminds once, "30 days before", not also "60 days before".
pub fn due_reminder(
    fact: NaiveDate,
    offsets: &[u32],
    yearly: bool,
    today: NaiveDate,
) -> Option<(NaiveDate, u32)> {
    let occurrence = if yearly { next_anniversary(fact, today)? } else { fact };
    if occurrence < today {
        return None;
    }
    let days_left = (occurrence - today).num_days();
    offsets.iter().copied().filter(|o| i64::from(*o) >= days_left).min().map(|o| (occurrence, o))
}

/// The first day on or after `today` with `date`'s month and day (29 February
/// falls on 28 February in other years).
pub fn next_anniversary(date: NaiveDate, today: NaiveDate) -> Option<NaiveDate> {
    let in_year = |year: i32| {
        NaiveDate::from_ymd_opt(year, date.month(), date.day())
            .or_else(|| NaiveDate::from_ymd_opt(year, date.month(), date.day() - 1))
    };
    let this_year = in_year(today.year())?;
    if this_year >= today {
        Some(this_year)
    } else {
        in_year(today.year() + 1)
    }
}

/// The words for "`days` days before" a reminder shows.
pub fn lead_text(days: u32) -> String {
    match days {
        0 => "今天".to_owned(),
        1 => "明天".to_owned(),
        n => format!("{n} 天后"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    const CONTRACT: [u32; 3] = [60, 30, 7];

    #[test]
    fn the_nearest_due_offset_only() {
        let today = day(2026, 12, 4);
        let end = today + chrono::Duration::days(25);
        assert_eq!(due_reminder(end, &CONTRACT, false, today), Some((end, 30)));
        assert_eq!(due_reminder(today + chrono::Duration::days(70), &CONTRACT, false, today), None);
        assert_eq!(
            due_reminder(today + chrono::Duration::days(60), &CONTRACT, false, today),
            Some((today + chrono::Duration::days(60), 60))
        );
        assert_eq!(
            due_reminder(today + chrono::Duration::days(5), &CONTRACT, false, today).map(|r| r.1),
            Some(7)
        );
        assert_eq!(due_reminder(today, &CONTRACT, false, today).map(|r| r.1), Some(7), "on the day itself");
        assert_eq!(
            due_reminder(today - chrono::Duration::days(1), &CONTRACT, false, today),
            None,
            "past facts remind nobody"
        );
        assert_eq!(due_reminder(end, &[], false, today), None);
    }

    #[test]
    fn birthdays_come_every_year() {
        let born = day(1975, 12, 6);
        assert_eq!(due_reminder(born, &[3], true, day(2026, 12, 4)), Some((day(2026, 12, 6), 3)));
        assert_eq!(due_reminder(born, &[3], true, day(2026, 12, 7)), None, "next one in 364 days");
        assert_eq!(next_anniversary(born, day(2026, 12, 7)), Some(day(2027, 12, 6)));
        assert_eq!(next_anniversary(day(1980, 2, 29), day(2026, 2, 1)), Some(day(2026, 2, 28)));
        assert_eq!(next_anniversary(day(1980, 2, 29), day(2028, 2, 1)), Some(day(2028, 2, 29)));
    }

    proptest! {
        #[test]
        fn a_reminder_is_never_early_and_never_for_the_past(days in -400i64..400, yearly: bool) {
            let today = day(2026, 6, 15);
            let fact = today + chrono::Duration::days(days);
            if let Some((occurrence, offset)) = due_reminder(fact, &CONTRACT, yearly, today) {
                prop_assert!(occurrence >= today);
                prop_assert!(occurrence - chrono::Duration::days(i64::from(offset)) <= today, "not before its day");
                prop_assert!(CONTRACT.contains(&offset));
            }
        }
    }
}
