//! INTERFACE STUB: LiveVox time values (epoch milliseconds).

/// A point in time: milliseconds since the Unix epoch, UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct DateTime(pub i64);

/// A calendar date: milliseconds since the Unix epoch at midnight UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Date(pub i64);

/// A time of day: milliseconds since midnight UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct TimeOfDay(pub i64);

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
