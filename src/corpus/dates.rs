//! Publication dates with their precision, and relative dates ("on Sunday", "yesterday")
//! resolved against them.

use std::fmt;

use chrono::{DateTime, Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A date as precise as its source gives it: a year, a month or a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PubDate {
    pub year: i32,
    pub month: Option<u32>,
    pub day: Option<u32>,
}

impl PubDate {
    /// Parses `2025`, `2025-06`, `2025-06-02`, RFC 3339 and RFC 2822 timestamps.
    pub fn parse(text: &str) -> Option<PubDate> {
        let text = text.trim();
        if let Ok(t) = DateTime::parse_from_rfc3339(text) {
            return Some(PubDate::from(t.date_naive()));
        }
        if let Ok(t) = DateTime::parse_from_rfc2822(text) {
            return Some(PubDate::from(t.date_naive()));
        }
        // An ISO date, possibly followed by a time we do not need.
        let date = text.split(['T', ' ']).next()?;
        let mut parts = date.split('-');
        let year = parse_num(parts.next()?, 4)?;
        let month = match parts.next() {
            Some(m) => Some(parse_num(m, 2)?),
            None => None,
        };
        let day = match parts.next() {
            Some(d) => Some(parse_num(d, 2)?),
            None => None,
        };
        if parts.next().is_some() || (day.is_some() && month.is_none()) {
            return None;
        }
        let candidate = PubDate {
            year: year as i32,
            month: month.map(|m| m as u32),
            day: day.map(|d| d as u32),
        };
        // Reject impossible months and days.
        NaiveDate::from_ymd_opt(
            candidate.year,
            candidate.month.unwrap_or(1),
            candidate.day.unwrap_or(1),
        )?;
        Some(candidate)
    }

    /// The exact day, when the source gives one.
    pub fn naive(&self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year, self.month?, self.day?)
    }
}

fn parse_num(text: &str, width: usize) -> Option<u64> {
    (text.len() == width && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

impl From<NaiveDate> for PubDate {
    fn from(d: NaiveDate) -> Self {
        PubDate {
            year: d.year(),
            month: Some(d.month()),
            day: Some(d.day()),
        }
    }
}

impl fmt::Display for PubDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
            if let Some(d) = self.day {
                write!(f, "-{d:02}")?;
            }
        }
        Ok(())
    }
}

impl Serialize for PubDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PubDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        PubDate::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("not a date: {text:?}")))
    }
}

/// Which way a relative weekday points: "attacked on Sunday" is past, "talks on Monday"
/// that "will" happen are future.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tense {
    Past,
    Future,
}

/// Resolves a relative date expression (`today`, `yesterday`, `tomorrow`, a weekday name)
/// against the day an article was published.
pub fn resolve_relative(expression: &str, published: NaiveDate, tense: Tense) -> Option<NaiveDate> {
    let word = expression
        .trim()
        .trim_start_matches(|c: char| !c.is_alphabetic())
        .to_lowercase();
    let word = word.strip_prefix("on ").unwrap_or(&word).trim();
    match word {
        "today" | "tonight" | "this morning" | "this afternoon" | "this evening" => Some(published),
        "yesterday" | "last night" => published.checked_sub_days(Days::new(1)),
        "tomorrow" => published.checked_add_days(Days::new(1)),
        _ => {
            let weekday: Weekday = word.parse().ok()?;
            let from = published.weekday().num_days_from_monday() as i64;
            let to = weekday.num_days_from_monday() as i64;
            let shift = match tense {
                Tense::Past => -((from - to).rem_euclid(7)),
                Tense::Future => (to - from).rem_euclid(7),
            };
            published.checked_add_signed(chrono::Duration::days(shift))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_precision() {
        for text in ["2025", "2025-06", "2025-06-02"] {
            assert_eq!(PubDate::parse(text).unwrap().to_string(), text);
        }
        assert_eq!(
            PubDate::parse("2025-06-02T08:00:00Z").unwrap().to_string(),
            "2025-06-02"
        );
        assert_eq!(
            PubDate::parse("Mon, 02 Jun 2025 08:00:00 +0000")
                .unwrap()
                .to_string(),
            "2025-06-02"
        );
        for bad in ["2025-13", "2025-02-30", "June", "20251", "2025--02", ""] {
            assert_eq!(PubDate::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn resolves_weekdays_against_publication() {
        let monday = NaiveDate::from_ymd_opt(2025, 6, 2).unwrap();
        let day = |d| NaiveDate::from_ymd_opt(2025, 6, d).unwrap();
        let may31 = NaiveDate::from_ymd_opt(2025, 5, 31).unwrap();
        assert_eq!(
            resolve_relative("on Sunday", monday, Tense::Past),
            Some(day(1))
        );
        assert_eq!(
            resolve_relative("Saturday", monday, Tense::Past),
            Some(may31)
        );
        assert_eq!(
            resolve_relative("Monday", monday, Tense::Past),
            Some(monday)
        );
        assert_eq!(
            resolve_relative("Friday", monday, Tense::Future),
            Some(day(6))
        );
        assert_eq!(
            resolve_relative("yesterday", monday, Tense::Past),
            Some(day(1))
        );
        assert_eq!(resolve_relative("next year", monday, Tense::Past), None);
    }
}
