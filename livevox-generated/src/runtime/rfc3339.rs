//! RFC 3339 on the wire for the time types: the serde adapter `#[serde(with = "__rt::rfc3339")]`
//! that generated models put on `datetime` and `date` fields whose format is `rfc3339` (or
//! `iso_date`), and [`Param`], which writes such a value as a path or query parameter.
//!
//! The Rust types stay [`DateTime`] and [`Date`] (chrono underneath), whatever the wire says:
//! only the adapter differs. It takes a bare value, an `Option`, a `Vec`, a map, a `Box` or a
//! [`Patch`] of them alike, so a generated field needs the one attribute whatever its shape.
//!
//! - A [`DateTime`] is written in UTC with a `Z` and only the fractional digits it needs
//!   (`2011-04-01T00:00:00Z`, `2011-04-01T00:00:00.250Z`). Reading accepts any offset and
//!   fractional seconds and normalises to UTC; digits below the millisecond are dropped, as the
//!   type holds milliseconds.
//! - A [`Date`] is a `full-date`, `2011-04-01`, both ways.
//! - A value chrono cannot represent (a Java "never" sentinel read from an epoch field) cannot
//!   be written as RFC 3339 and fails serialization with a message that says so.

use std::collections::BTreeMap;

use chrono::SecondsFormat;
use serde::de::Error as _;
use serde::ser::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::patch::Patch;
use super::time::{Date, DateTime};
use super::wire::ToParam;

/// A shape the adapter handles: a time value, or an `Option`, `Vec`, map, `Box` or [`Patch`]
/// of one.
pub trait Rfc3339Wire: Sized {
    /// Writes the value as RFC 3339 text (strings inside whatever shape it has).
    fn write<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error>;
    /// Reads the value from RFC 3339 text.
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error>;
    /// The parameter texts of the value: one per time value, none for `None`.
    fn texts(&self, out: &mut Vec<String>) -> Result<(), String>;
}

/// The serialize half of `#[serde(with = "__rt::rfc3339")]`.
pub fn serialize<T: Rfc3339Wire, S: Serializer>(value: &T, s: S) -> Result<S::Ok, S::Error> {
    value.write(s)
}

/// The deserialize half of `#[serde(with = "__rt::rfc3339")]`.
pub fn deserialize<'de, T: Rfc3339Wire, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
    T::read(d)
}

/// The RFC 3339 text of an instant, or why there is none.
pub fn datetime_text(value: DateTime) -> Result<String, String> {
    value
        .to_chrono()
        .map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
        .ok_or_else(|| format!("{value:?} is outside the range RFC 3339 can write"))
}

pub use super::time::{parse_rfc3339_date as parse_date, parse_rfc3339_datetime as parse_datetime};

/// The `full-date` text of a date (its UTC calendar day), or why there is none.
pub fn date_text(value: Date) -> Result<String, String> {
    value.to_naive_date().map(|d| d.format("%Y-%m-%d").to_string()).ok_or_else(|| format!("{value:?} is outside the range a date can write"))
}


impl Rfc3339Wire for DateTime {
    fn write<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&datetime_text(*self).map_err(S::Error::custom)?)
    }
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        parse_datetime(&String::deserialize(d)?).map_err(D::Error::custom)
    }
    fn texts(&self, out: &mut Vec<String>) -> Result<(), String> {
        out.push(datetime_text(*self)?);
        Ok(())
    }
}

impl Rfc3339Wire for Date {
    fn write<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&date_text(*self).map_err(S::Error::custom)?)
    }
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        parse_date(&String::deserialize(d)?).map_err(D::Error::custom)
    }
    fn texts(&self, out: &mut Vec<String>) -> Result<(), String> {
        out.push(date_text(*self)?);
        Ok(())
    }
}

/// A borrowed value that serializes through the adapter (for the items of lists and maps).
struct Out<'a, T>(&'a T);

impl<T: Rfc3339Wire> Serialize for Out<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.write(s)
    }
}

/// An owned value that deserializes through the adapter.
struct In<T>(T);

impl<'de, T: Rfc3339Wire> Deserialize<'de> for In<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::read(d).map(In)
    }
}

impl<T: Rfc3339Wire> Rfc3339Wire for Option<T> {
    fn write<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Some(v) => s.serialize_some(&Out(v)),
            None => s.serialize_none(),
        }
    }
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Option::<In<T>>::deserialize(d)?.map(|v| v.0))
    }
    fn texts(&self, out: &mut Vec<String>) -> Result<(), String> {
        self.as_ref().map_or(Ok(()), |v| v.texts(out))
    }
}

impl<T: Rfc3339Wire> Rfc3339Wire for Box<T> {
    fn write<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (**self).write(s)
    }
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::read(d).map(Box::new)
    }
    fn texts(&self, out: &mut Vec<String>) -> Result<(), String> {
        (**self).texts(out)
    }
}

impl<T: Rfc3339Wire> Rfc3339Wire for Vec<T> {
    fn write<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter().map(Out))
    }
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Vec::<In<T>>::deserialize(d)?.into_iter().map(|v| v.0).collect())
    }
    fn texts(&self, out: &mut Vec<String>) -> Result<(), String> {
        self.iter().try_for_each(|v| v.texts(out))
    }
}

impl<T: Rfc3339Wire> Rfc3339Wire for BTreeMap<String, T> {
    fn write<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter().map(|(k, v)| (k, Out(v))))
    }
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(BTreeMap::<String, In<T>>::deserialize(d)?.into_iter().map(|(k, v)| (k, v.0)).collect())
    }
    fn texts(&self, out: &mut Vec<String>) -> Result<(), String> {
        self.values().try_for_each(|v| v.texts(out))
    }
}

impl<T: Rfc3339Wire> Rfc3339Wire for Patch<T> {
    fn write<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Patch::Set(v) => v.write(s),
            Patch::Keep | Patch::Null => s.serialize_none(),
        }
    }
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Option::<In<T>>::deserialize(d)?.map_or(Patch::Null, |v| Patch::Set(v.0)))
    }
    fn texts(&self, out: &mut Vec<String>) -> Result<(), String> {
        match self {
            Patch::Set(v) => v.texts(out),
            Patch::Keep | Patch::Null => Ok(()),
        }
    }
}

/// A path or query parameter written as RFC 3339: `req.query("since", &Param(&self.since))`.
/// A value RFC 3339 cannot write (see the module doc) is sent as its epoch milliseconds rather
/// than dropped, so the server's answer says what was wrong.
pub struct Param<'a, T>(pub &'a T);

impl<T: Rfc3339Wire + ToParam> ToParam for Param<'_, T> {
    fn to_param(&self, out: &mut Vec<String>) {
        let mut texts = Vec::new();
        match self.0.texts(&mut texts) {
            Ok(()) => out.extend(texts),
            Err(_) => self.0.to_param(out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Shapes {
        #[serde(with = "super")]
        at: DateTime,
        #[serde(with = "super", default, skip_serializing_if = "Option::is_none")]
        maybe: Option<DateTime>,
        #[serde(with = "super", default)]
        many: Vec<DateTime>,
        #[serde(with = "super", default, skip_serializing_if = "Patch::is_keep")]
        due: Patch<Date>,
    }

    #[test]
    fn writes_z_and_reads_offsets_and_fractions() {
        let t = parse_datetime("2011-04-01T02:00:00.250+02:00").unwrap();
        assert_eq!(datetime_text(t).unwrap(), "2011-04-01T00:00:00.250Z");
        let whole = parse_datetime("2011-04-01T00:00:00Z").unwrap();
        assert_eq!(datetime_text(whole).unwrap(), "2011-04-01T00:00:00Z");
        // Nanoseconds are cut to the millisecond the type holds.
        assert_eq!(parse_datetime("2011-04-01T00:00:00.123456789-00:30").unwrap().as_millis(), whole.as_millis() + 1_800_123);
        assert!(parse_datetime("2011-04-01").unwrap_err().contains("not an RFC 3339 date-time"));
        assert!(parse_datetime("1301616000000").is_err());
        assert!(datetime_text(DateTime::from_millis(i64::MAX)).unwrap_err().contains("outside the range"));
    }

    #[test]
    fn every_shape_round_trips() {
        let json = r#"{"at":"2011-04-01T00:00:00Z","maybe":"2011-04-01T12:30:00+01:00","many":["1970-01-01T00:00:00.001Z"],"due":"2024-02-29"}"#;
        let v: Shapes = serde_json::from_str(json).unwrap();
        assert_eq!(v.many, [DateTime::from_millis(1)]);
        assert_eq!(v.due, Patch::Set(Date::from(NaiveDate::from_ymd_opt(2024, 2, 29).unwrap())));
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            r#"{"at":"2011-04-01T00:00:00Z","maybe":"2011-04-01T11:30:00Z","many":["1970-01-01T00:00:00.001Z"],"due":"2024-02-29"}"#
        );
        let cleared: Shapes = serde_json::from_str(r#"{"at":"2011-04-01T00:00:00Z","due":null}"#).unwrap();
        assert_eq!((cleared.maybe, cleared.due.clone()), (None, Patch::Null));
        assert_eq!(serde_json::to_string(&cleared).unwrap(), r#"{"at":"2011-04-01T00:00:00Z","many":[],"due":null}"#);
        let kept: Shapes = serde_json::from_str(r#"{"at":"2011-04-01T00:00:00Z"}"#).unwrap();
        assert_eq!(kept.due, Patch::Keep);
        let e = serde_json::from_str::<Shapes>(r#"{"at":1301616000000}"#).unwrap_err().to_string();
        assert!(e.contains("invalid type"), "{e}");
    }

    #[test]
    fn parameters_are_rfc3339_text() {
        let mut out = Vec::new();
        Param(&parse_datetime("2011-04-01T00:00:00Z").unwrap()).to_param(&mut out);
        Param(&Some(parse_date("2011-04-02").unwrap())).to_param(&mut out);
        Param(&Option::<DateTime>::None).to_param(&mut out);
        Param(&DateTime::from_millis(i64::MAX)).to_param(&mut out);
        assert_eq!(out, ["2011-04-01T00:00:00Z", "2011-04-02", "9223372036854775807"]);
    }
}
