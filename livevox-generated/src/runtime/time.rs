//! LiveVox time values: instants, calendar dates and times of day, all carried on the wire as
//! milliseconds (since the Unix epoch, or since midnight UTC for a time of day in a request).
//!
//! The types serialize as JSON numbers and accept, when reading, either a number or a string
//! holding the digits: the docs and most clients send numbers, but the .NET reference client
//! writes them as strings, and a server that round-trips what it was sent may do the same.
//! [`DateTime`] and [`Date`] also read RFC 3339 text (`2011-04-01T00:00:00Z`, `2011-04-01`),
//! the form APIs other than LiveVox use; fields declared that way write it too, through the
//! `rfc3339` module's serde adapter.
//!
//! Conversions go to and from [`chrono`]: we picked chrono because it is what most downstream
//! Rust crates (sqlx, diesel and the serde ecosystem) already use, so values cross into a
//! caller's code without another time library in between.
//!
//! Range rules, and why:
//! - [`DateTime`] holds any `i64` of milliseconds. Servers written in Java use sentinels such
//!   as `Long.MAX_VALUE` for "never"; refusing them would fail a whole response over one field.
//!   [`DateTime::to_chrono`] therefore returns `None` for the few values chrono cannot hold.
//! - [`Date`] built by the caller ([`Date::from_millis`], [`Date::from_naive_date`]) must be at
//!   midnight UTC. Reading one from the wire is **lenient**: the exact value is kept (so it goes
//!   back unchanged) and [`Date::to_naive_date`] is the UTC calendar day holding it, because
//!   servers have been seen to send midnight in their own time zone.
//! - [`TimeOfDay`] always holds milliseconds since midnight UTC, `0..86_400_000`, and that is
//!   what requests send. Built by the caller ([`TimeOfDay::from_millis`]) it must be in that
//!   range. Reading one from the wire is **lenient**: LiveVox's general-features page says JSON
//!   responses give time values as milliseconds since 1970, while requests send milliseconds
//!   since midnight. So a value of `86_400_000` or more is taken as an instant, and its time of
//!   day in UTC is kept ([`TimeOfDay::from_millis_lenient`]); the date part is dropped, which
//!   is what makes a value read from a response safe to send back in a request. Negative
//!   values have no documented meaning and are refused.

use std::fmt;

use chrono::{NaiveDate, NaiveTime, Timelike, Utc};

/// Milliseconds in one day.
pub const MILLIS_PER_DAY: i64 = 86_400_000;

/// A value outside the range a time type accepts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what}: {value} is out of range ({rule})")]
pub struct TimeRangeError {
    what: &'static str,
    value: i64,
    rule: &'static str,
}

/// A point in time: milliseconds since the Unix epoch, UTC.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DateTime(i64);

/// A calendar date: milliseconds since the Unix epoch at midnight UTC (see the module doc for
/// how values read from the wire are handled).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date(i64);

/// A time of day: milliseconds since midnight UTC, `0..86_400_000` (read leniently from
/// responses, see the module doc).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TimeOfDay(i64);

impl DateTime {
    /// Any millisecond count is accepted (see the module doc).
    pub const fn from_millis(ms: i64) -> Self {
        DateTime(ms)
    }

    /// Milliseconds since the Unix epoch (UTC).
    pub const fn as_millis(self) -> i64 {
        self.0
    }

    /// The current time.
    pub fn now() -> Self {
        DateTime(Utc::now().timestamp_millis())
    }

    /// The instant as chrono, or `None` when it lies outside chrono's range (about ±262,000
    /// years), which only sentinel values do.
    pub fn to_chrono(self) -> Option<chrono::DateTime<Utc>> {
        chrono::DateTime::<Utc>::from_timestamp_millis(self.0)
    }
}

impl From<chrono::DateTime<Utc>> for DateTime {
    /// Sub-millisecond precision is dropped (the wire has none).
    fn from(value: chrono::DateTime<Utc>) -> Self {
        DateTime(value.timestamp_millis())
    }
}

impl TryFrom<DateTime> for chrono::DateTime<Utc> {
    type Error = TimeRangeError;
    fn try_from(value: DateTime) -> Result<Self, Self::Error> {
        value.to_chrono().ok_or(TimeRangeError {
            what: "DateTime",
            value: value.0,
            rule: "outside the range chrono can represent",
        })
    }
}

impl Date {
    /// A date from its wire value, which must be midnight UTC.
    pub fn from_millis(ms: i64) -> Result<Self, TimeRangeError> {
        if ms.rem_euclid(MILLIS_PER_DAY) != 0 {
            return Err(TimeRangeError { what: "Date", value: ms, rule: "must be midnight UTC" });
        }
        if chrono::DateTime::<Utc>::from_timestamp_millis(ms).is_none() {
            return Err(TimeRangeError { what: "Date", value: ms, rule: "outside the range chrono can represent" });
        }
        Ok(Date(ms))
    }

    /// A date from any wire value, kept exactly; the calendar day is the UTC day holding it.
    /// This is what deserialization uses.
    pub const fn from_millis_lenient(ms: i64) -> Self {
        Date(ms)
    }

    /// Milliseconds since the Unix epoch, at midnight UTC.
    pub const fn as_millis(self) -> i64 {
        self.0
    }

    /// Midnight UTC of `date`.
    pub fn from_naive_date(date: NaiveDate) -> Self {
        Date(date.and_time(NaiveTime::MIN).and_utc().timestamp_millis())
    }

    /// The UTC calendar day holding the value, or `None` outside chrono's range.
    pub fn to_naive_date(self) -> Option<NaiveDate> {
        let day_start = self.0.checked_sub(self.0.rem_euclid(MILLIS_PER_DAY))?;
        chrono::DateTime::<Utc>::from_timestamp_millis(day_start).map(|d| d.date_naive())
    }

    /// Whether the value is exactly midnight UTC (always so for dates the caller builds).
    pub const fn is_midnight_utc(self) -> bool {
        self.0.rem_euclid(MILLIS_PER_DAY) == 0
    }
}

impl From<NaiveDate> for Date {
    fn from(value: NaiveDate) -> Self {
        Date::from_naive_date(value)
    }
}

impl TryFrom<Date> for NaiveDate {
    type Error = TimeRangeError;
    fn try_from(value: Date) -> Result<Self, Self::Error> {
        value.to_naive_date().ok_or(TimeRangeError {
            what: "Date",
            value: value.0,
            rule: "outside the range chrono can represent",
        })
    }
}

impl TimeOfDay {
    /// A time of day from milliseconds since midnight, `0..86_400_000`.
    pub fn from_millis(ms: i64) -> Result<Self, TimeRangeError> {
        if (0..MILLIS_PER_DAY).contains(&ms) {
            Ok(TimeOfDay(ms))
        } else {
            Err(TimeRangeError { what: "TimeOfDay", value: ms, rule: "must be in 0..86400000" })
        }
    }

    /// A time of day from a value read from a response: below `86_400_000` it is milliseconds
    /// since midnight, from there on milliseconds since the Unix epoch, whose UTC time of day
    /// is kept (see the module doc). Negative values are refused.
    pub fn from_wire_millis(ms: i64) -> Result<Self, TimeRangeError> {
        if ms < 0 {
            return Err(TimeRangeError { what: "TimeOfDay", value: ms, rule: "must not be negative" });
        }
        Ok(TimeOfDay::from_millis_lenient(ms))
    }

    /// The UTC time of day of any millisecond count: `ms` itself below `86_400_000`, the time of
    /// day of the instant `ms` since the Unix epoch above (before the epoch, too).
    pub const fn from_millis_lenient(ms: i64) -> Self {
        TimeOfDay(ms.rem_euclid(MILLIS_PER_DAY))
    }

    /// Milliseconds since midnight UTC, always `0..86_400_000`.
    pub const fn as_millis(self) -> i64 {
        self.0
    }

    /// Sub-millisecond precision is dropped; a leap second (chrono's 60th second) is folded
    /// into the last millisecond of its minute so the value stays in range.
    pub fn from_naive_time(time: NaiveTime) -> Self {
        let ms = i64::from(time.num_seconds_from_midnight()) * 1000
            + i64::from((time.nanosecond() / 1_000_000).min(999));
        TimeOfDay(ms.clamp(0, MILLIS_PER_DAY - 1))
    }

    /// The time of day as a chrono `NaiveTime`.
    pub fn to_naive_time(self) -> NaiveTime {
        // The invariant 0 <= ms < 86_400_000 makes both values fit; MIN is only a fallback.
        let secs = u32::try_from(self.0 / 1000).unwrap_or(0);
        let nanos = u32::try_from((self.0 % 1000) * 1_000_000).unwrap_or(0);
        NaiveTime::from_num_seconds_from_midnight_opt(secs, nanos).unwrap_or(NaiveTime::MIN)
    }
}

impl From<NaiveTime> for TimeOfDay {
    fn from(value: NaiveTime) -> Self {
        TimeOfDay::from_naive_time(value)
    }
}

impl From<TimeOfDay> for NaiveTime {
    fn from(value: TimeOfDay) -> Self {
        value.to_naive_time()
    }
}

// Display: RFC 3339 where chrono can say it, the raw milliseconds otherwise (never panics).

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_chrono() {
            Some(t) => f.write_str(&t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
            None => write!(f, "{}ms since the epoch", self.0),
        }
    }
}

impl fmt::Display for Date {
    /// `YYYY-MM-DD` (the RFC 3339 `full-date`) for a midnight value; a lenient value read from
    /// the wire that is not at midnight shows as the full instant so nothing is hidden.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_midnight_utc() {
            if let Some(d) = self.to_naive_date() {
                return write!(f, "{}", d.format("%Y-%m-%d"));
            }
        }
        fmt::Display::fmt(&DateTime(self.0), f)
    }
}

impl fmt::Display for TimeOfDay {
    /// `HH:MM:SS.sssZ` (the RFC 3339 `full-time`, in UTC).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}Z", self.to_naive_time().format("%H:%M:%S%.3f"))
    }
}

impl fmt::Debug for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DateTime({} = {})", self.0, self)
    }
}

impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Date({} = {})", self.0, self)
    }
}

impl fmt::Debug for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TimeOfDay({} = {})", self.0, self)
    }
}

// serde: numbers out, numbers or digit strings in.

impl serde::Serialize for DateTime {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.0)
    }
}
impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.0)
    }
}
impl serde::Serialize for TimeOfDay {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.0)
    }
}

impl<'de> serde::Deserialize<'de> for DateTime {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = |s: &str| parse_rfc3339_datetime(s).map(DateTime::as_millis);
        d.deserialize_any(MillisVisitor("epoch milliseconds (a number or a string of digits) or RFC 3339 text", Some(text))).map(DateTime)
    }
}
impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = |s: &str| parse_rfc3339_date(s).map(Date::as_millis);
        d.deserialize_any(MillisVisitor("epoch milliseconds of a date (a number or a string of digits) or a `YYYY-MM-DD` date", Some(text)))
            .map(Date::from_millis_lenient)
    }
}

/// Parses an RFC 3339 date-time with any offset and fractional seconds, normalised to UTC
/// (digits below the millisecond dropped).
pub fn parse_rfc3339_datetime(text: &str) -> Result<DateTime, String> {
    chrono::DateTime::parse_from_rfc3339(text.trim())
        .map(|t| DateTime::from(t.to_utc()))
        .map_err(|e| format!("{text:?} is not an RFC 3339 date-time such as `2011-04-01T00:00:00Z` ({e})"))
}

/// Parses an RFC 3339 `full-date` (`2011-04-01`).
pub fn parse_rfc3339_date(text: &str) -> Result<Date, String> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map(Date::from).map_err(|e| format!("{text:?} is not a date such as `2011-04-01` ({e})"))
}
impl<'de> serde::Deserialize<'de> for TimeOfDay {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let ms = d.deserialize_any(MillisVisitor(
            "milliseconds since midnight, or since the epoch (a number or a string of digits)",
            None,
        ))?;
        TimeOfDay::from_wire_millis(ms).map_err(serde::de::Error::custom)
    }
}

/// Reads an `i64` of milliseconds from a JSON number (integral floats included, as some
/// serializers write `1.0e12`) or from a string of ASCII digits with an optional sign; other
/// text goes to the second field when there is one (RFC 3339 for instants and dates).
struct MillisVisitor(&'static str, Option<TextMillis>);

/// Reads milliseconds from text that is not a number (RFC 3339).
type TextMillis = fn(&str) -> Result<i64, String>;

impl serde::de::Visitor<'_> for MillisVisitor {
    type Value = i64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::custom(format_args!("{v} milliseconds is out of range")))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<i64, E> {
        // 2^63 as f64; the casts below are exact for integral values inside (-2^63, 2^63).
        const LIMIT: f64 = 9_223_372_036_854_775_808.0;
        if v.is_finite() && v.fract() == 0.0 && v > -LIMIT && v < LIMIT {
            Ok(v as i64)
        } else {
            Err(E::custom(format_args!("{v} is not a whole number of milliseconds")))
        }
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<i64, E> {
        let t = v.trim();
        let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return match self.1 {
                Some(text) if digits.len() > 4 => text(v).map_err(E::custom),
                _ => Err(E::invalid_value(serde::de::Unexpected::Str(v), &self)),
            };
        }
        t.parse::<i64>().map_err(|_| E::custom(format_args!("{t:?} milliseconds is out of range")))
    }
}

impl super::ToParam for DateTime {
    fn to_param(&self, out: &mut Vec<String>) {
        out.push(self.0.to_string())
    }
}
impl super::ToParam for Date {
    fn to_param(&self, out: &mut Vec<String>) {
        out.push(self.0.to_string())
    }
}
impl super::ToParam for TimeOfDay {
    fn to_param(&self, out: &mut Vec<String>) {
        out.push(self.0.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn utc(ms: i64) -> chrono::DateTime<Utc> {
        Utc.timestamp_millis_opt(ms).single().unwrap()
    }

    #[test]
    fn datetime_round_trips_numbers_and_digit_strings() {
        let t: DateTime = serde_json::from_str("1374258114000").unwrap();
        assert_eq!(t.as_millis(), 1_374_258_114_000);
        let s: DateTime = serde_json::from_str("\"1374258114000\"").unwrap();
        assert_eq!(s, t);
        let neg: DateTime = serde_json::from_str("\"-1000\"").unwrap();
        assert_eq!(neg.as_millis(), -1000);
        let float: DateTime = serde_json::from_str("1374258114000.0").unwrap();
        assert_eq!(float, t);
        assert_eq!(serde_json::to_string(&t).unwrap(), "1374258114000");
    }

    #[test]
    fn datetime_rejects_non_digits() {
        for bad in ["\"\"", "\"12a\"", "\"1.5\"", "true", "1.5", "\"-\"", "18446744073709551615", "1e30", "\"2011-04-01\""] {
            assert!(serde_json::from_str::<DateTime>(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn rfc3339_text_is_read_too() {
        let t: DateTime = serde_json::from_str("\"2011-04-01T02:00:00+02:00\"").unwrap();
        assert_eq!(t.as_millis(), 1_301_616_000_000);
        let d: Date = serde_json::from_str("\"2011-04-01\"").unwrap();
        assert_eq!(d.as_millis(), 1_301_616_000_000);
        // Still written as numbers: only the `rfc3339` adapter writes text.
        assert_eq!(serde_json::to_string(&t).unwrap(), "1301616000000");
        assert!(serde_json::from_str::<TimeOfDay>("\"12:00:00\"").is_err());
    }

    #[test]
    fn datetime_chrono_conversions() {
        let c = utc(1_374_258_114_123);
        let t = DateTime::from(c);
        assert_eq!(t.as_millis(), 1_374_258_114_123);
        assert_eq!(t.to_chrono(), Some(c));
        assert_eq!(t.to_string(), "2013-07-19T18:21:54.123Z");
        // A Java "never" sentinel is kept, not refused, and displays without panicking.
        let never: DateTime = serde_json::from_str("9223372036854775807").unwrap();
        assert_eq!(never.to_chrono(), None);
        assert!(chrono::DateTime::<Utc>::try_from(never).is_err());
        assert_eq!(never.to_string(), "9223372036854775807ms since the epoch");
    }

    #[test]
    fn date_is_midnight_when_built_and_lenient_when_read() {
        let d = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        let date = Date::from(d);
        assert_eq!(date.as_millis(), 1_709_164_800_000);
        assert_eq!(date.to_naive_date(), Some(d));
        assert_eq!(date.to_string(), "2024-02-29");
        assert!(Date::from_millis(1_709_164_800_000).is_ok());
        assert!(Date::from_millis(1_709_164_800_001).is_err());
        // 05:00 UTC = midnight US Eastern: kept as sent, the day is the UTC day.
        let read: Date = serde_json::from_str("\"1709182800000\"").unwrap();
        assert_eq!(read.as_millis(), 1_709_182_800_000);
        assert_eq!(read.to_naive_date(), Some(d));
        assert!(!read.is_midnight_utc());
        assert_eq!(serde_json::to_string(&read).unwrap(), "1709182800000");
        // Before the epoch the day still floors correctly.
        let before = Date::from_millis_lenient(-1);
        assert_eq!(before.to_naive_date(), NaiveDate::from_ymd_opt(1969, 12, 31));
        assert_eq!(Date::from_millis_lenient(i64::MIN).to_naive_date(), None);
        assert_eq!(Date::from_millis_lenient(i64::MAX).to_string(), "9223372036854775807ms since the epoch");
    }

    #[test]
    fn time_of_day_range_is_enforced() {
        assert!(TimeOfDay::from_millis(0).is_ok());
        assert!(TimeOfDay::from_millis(86_399_999).is_ok());
        assert!(TimeOfDay::from_millis(86_400_000).is_err());
        assert!(TimeOfDay::from_millis(-1).is_err());
        assert!(serde_json::from_str::<TimeOfDay>("\"-5\"").is_err());
        let t: TimeOfDay = serde_json::from_str("\"45296789\"").unwrap();
        assert_eq!(t.to_naive_time(), NaiveTime::from_hms_milli_opt(12, 34, 56, 789).unwrap());
        assert_eq!(t.to_string(), "12:34:56.789Z");
        assert_eq!(serde_json::to_string(&t).unwrap(), "45296789");
    }

    #[test]
    fn time_of_day_reads_epoch_millis_as_their_utc_time_of_day() {
        // 2013-07-19T18:21:54.123Z, as a JSON response may give a time parameter.
        let t: TimeOfDay = serde_json::from_str("1374258114123").unwrap();
        assert_eq!(t.as_millis(), 66_114_123);
        assert_eq!(t.to_string(), "18:21:54.123Z");
        let s: TimeOfDay = serde_json::from_str("\"1374258114123\"").unwrap();
        assert_eq!(s, t);
        // Exactly one day after the epoch is midnight; the first value read as an instant.
        let midnight: TimeOfDay = serde_json::from_str("86400000").unwrap();
        assert_eq!(midnight.as_millis(), 0);
        // A request sends the time of day, never the instant it was read from.
        assert_eq!(serde_json::to_string(&t).unwrap(), "66114123");
        assert_eq!(TimeOfDay::from_millis_lenient(i64::MAX).as_millis(), i64::MAX % MILLIS_PER_DAY);
        assert!(serde_json::from_str::<TimeOfDay>("-1").is_err());
    }

    #[test]
    fn time_of_day_from_chrono_folds_leap_second() {
        let leap = NaiveTime::from_hms_milli_opt(23, 59, 59, 1500).unwrap();
        assert_eq!(TimeOfDay::from(leap).as_millis(), 86_399_999);
        let t = NaiveTime::from_hms_opt(1, 2, 3).unwrap();
        assert_eq!(NaiveTime::from(TimeOfDay::from(t)), t);
    }

    #[test]
    fn params_are_milliseconds() {
        use super::super::ToParam;
        let mut out = Vec::new();
        DateTime::from_millis(5).to_param(&mut out);
        TimeOfDay::from_millis(6).unwrap().to_param(&mut out);
        Date::from_millis_lenient(7).to_param(&mut out);
        assert_eq!(out, ["5", "6", "7"]);
    }
}
