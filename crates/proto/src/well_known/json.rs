//! proto3 JSON, following Go's `protojson` (the `temporal` CLI's encoder) exactly.
//!
//! [`Timestamp`] and [`Duration`] are (de)serialized through their `Display`/`FromStr` text
//! forms, except that serializing a value with no such form is an error rather than a fallback.

use std::fmt;
use std::str::FromStr as _;

use pbjson::private::base64::Engine as _;
use pbjson::private::base64::engine::general_purpose::STANDARD as BASE64;
use pbjson::private::{BytesDeserialize, NumberDeserialize};
use serde::de::{self, IgnoredAny, Visitor};
use serde::ser::{self, SerializeStruct as _};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::text::{DurationText, TimestampText};
use crate::google::protobuf::{
    BoolValue, BytesValue, DoubleValue, Duration, Empty, FieldMask, FloatValue, Int32Value,
    Int64Value, StringValue, Timestamp, UInt32Value, UInt64Value,
};

/// Deserializes a JSON string and parses it with `parse`; `what` names the expected string
/// when the JSON value is not one.
struct ParsedStr<F> {
    what: &'static str,
    parse: F,
}

impl<T, R, F> Visitor<'_> for ParsedStr<F>
where
    R: fmt::Display,
    F: FnOnce(&str) -> Result<T, R>,
{
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {} string", self.what)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        (self.parse)(v).map_err(E::custom)
    }
}

/// `google.protobuf.Timestamp` as an RFC 3339 string in UTC, e.g.
/// `"1972-01-01T10:00:20.021Z"`, with 0, 3, 6 or 9 fractional digits.
///
/// Fails for timestamps outside `0001-01-01T00:00:00Z..=9999-12-31T23:59:59.999999999Z`
/// or with `nanos` outside `0..=999_999_999`.
///
/// ```
/// use temporal_proto::google::protobuf::Timestamp;
///
/// let ts = Timestamp { seconds: 63_108_020, nanos: 21_000_000 };
/// assert_eq!(serde_json::to_string(&ts)?, r#""1972-01-01T10:00:20.021Z""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = TimestampText::new(*self).map_err(ser::Error::custom)?;
        serializer.collect_str(&text)
    }
}

/// `google.protobuf.Timestamp` from an RFC 3339 string with a `Z` or `±HH:MM` offset and
/// 0 to 9 fractional digits.
///
/// ```
/// use temporal_proto::google::protobuf::Timestamp;
///
/// let ts: Timestamp = serde_json::from_str(r#""1970-01-01T01:00:01.5+01:00""#)?;
/// assert_eq!(ts, Timestamp { seconds: 1, nanos: 500_000_000 });
/// # Ok::<(), serde_json::Error>(())
/// ```
impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(ParsedStr {
            what: "timestamp",
            parse: Timestamp::from_str,
        })
    }
}

/// `google.protobuf.Duration` as decimal seconds with an `s` suffix, e.g. `"1.500s"`,
/// `"-0.100s"` or `"3600s"`, with 0, 3, 6 or 9 fractional digits.
///
/// Fails for durations outside ±315,576,000,000 seconds or with invalid `nanos`.
///
/// ```
/// use temporal_proto::google::protobuf::Duration;
///
/// let d = Duration { seconds: 1, nanos: 500_000_000 };
/// assert_eq!(serde_json::to_string(&d)?, r#""1.500s""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = DurationText::new(*self).map_err(ser::Error::custom)?;
        serializer.collect_str(&text)
    }
}

/// `google.protobuf.Duration` from decimal seconds with an optional leading `-`, 0 to 9
/// fractional digits and an `s` suffix.
///
/// ```
/// use temporal_proto::google::protobuf::Duration;
///
/// let d: Duration = serde_json::from_str(r#""-0.1s""#)?;
/// assert_eq!(d, Duration { seconds: 0, nanos: -100_000_000 });
/// # Ok::<(), serde_json::Error>(())
/// ```
impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(ParsedStr {
            what: "duration",
            parse: Duration::from_str,
        })
    }
}

/// `google.protobuf.Empty` as `{}`.
impl Serialize for Empty {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_struct("Empty", 0)?.end()
    }
}

struct EmptyVisitor;

impl<'de> Visitor<'de> for EmptyVisitor {
    type Value = Empty;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Empty, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Empty {})
    }
}

/// `google.protobuf.Empty` from any JSON object; its fields are ignored.
impl<'de> Deserialize<'de> for Empty {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(EmptyVisitor)
    }
}

/// protojson's camelCase for a field path: `_x` becomes `X` (`strs.JSONCamelCase`).
fn to_json_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut after_underscore = false;
    for c in path.chars() {
        if c == '_' {
            after_underscore = true;
        } else {
            out.push(if after_underscore {
                c.to_ascii_uppercase()
            } else {
                c
            });
            after_underscore = false;
        }
    }
    out
}

/// protojson's snake_case for a JSON path: `X` becomes `_x` (`strs.JSONSnakeCase`).
fn from_json_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 4);
    for c in path.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn is_identifier(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

fn parse_field_mask(text: &str) -> Result<Vec<String>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(Vec::new());
    }
    text.split(',')
        .map(|json_path| {
            let path = from_json_path(json_path);
            // Underscores cannot come from camelCase, and every segment must be a field name.
            if json_path.contains('_') || !path.split('.').all(is_identifier) {
                return Err(format!(
                    "path {json_path:?} is not a lowerCamelCase field path"
                ));
            }
            Ok(path)
        })
        .collect()
}

/// `google.protobuf.FieldMask` as one string of comma-separated lowerCamelCase paths, e.g.
/// `"user.displayName,photo"`.
///
/// Like protojson, fails for a path that does not survive the round trip through
/// camelCase, such as one containing upper-case letters.
///
/// ```
/// use temporal_proto::google::protobuf::FieldMask;
///
/// let mask = FieldMask { paths: vec!["user.display_name".into(), "photo".into()] };
/// assert_eq!(serde_json::to_string(&mask)?, r#""user.displayName,photo""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
impl Serialize for FieldMask {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut joined = String::new();
        for (i, path) in self.paths.iter().enumerate() {
            let json_path = to_json_path(path);
            if from_json_path(&json_path) != *path {
                return Err(ser::Error::custom(format!(
                    "field mask path {path:?} has no lowerCamelCase JSON form"
                )));
            }
            if i > 0 {
                joined.push(',');
            }
            joined.push_str(&json_path);
        }
        serializer.serialize_str(&joined)
    }
}

/// `google.protobuf.FieldMask` from comma-separated lowerCamelCase paths, converted back to
/// snake_case; an empty string is an empty mask.
///
/// ```
/// use temporal_proto::google::protobuf::FieldMask;
///
/// let mask: FieldMask = serde_json::from_str(r#""user.displayName,photo""#)?;
/// assert_eq!(mask.paths, ["user.display_name", "photo"]);
/// # Ok::<(), serde_json::Error>(())
/// ```
impl<'de> Deserialize<'de> for FieldMask {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let paths = deserializer.deserialize_str(ParsedStr {
            what: "field mask",
            parse: |text: &str| {
                parse_field_mask(text)
                    .map_err(|reason| format!("invalid field mask {text:?}: {reason}"))
            },
        })?;
        Ok(Self { paths })
    }
}

/// JSON numbers, except the non-finite values JSON lacks, which protojson writes as strings.
fn serialize_float<F, S>(value: &F, serializer: S) -> Result<S::Ok, S::Error>
where
    F: Copy + Into<f64> + Serialize,
    S: Serializer,
{
    let wide: f64 = (*value).into();
    if wide.is_nan() {
        serializer.serialize_str("NaN")
    } else if wide == f64::INFINITY {
        serializer.serialize_str("Infinity")
    } else if wide == f64::NEG_INFINITY {
        serializer.serialize_str("-Infinity")
    } else {
        value.serialize(serializer)
    }
}

/// 64-bit integers are strings in proto3 JSON because JavaScript numbers lose precision.
fn serialize_as_string<T: fmt::Display, S: Serializer>(
    value: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_str(value)
}

fn serialize_base64<S: Serializer>(value: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&BASE64.encode(value))
}

/// A number given either as a JSON number or as a string (which also covers `"NaN"`,
/// `"Infinity"` and `"-Infinity"` for floats).
fn deserialize_number<'de, T, D>(deserializer: D) -> Result<T, D::Error>
where
    T: std::str::FromStr + Deserialize<'de>,
    T::Err: std::error::Error,
    D: Deserializer<'de>,
{
    NumberDeserialize::deserialize(deserializer).map(|n| n.0)
}

/// Standard or URL-safe base64, padded or not.
fn deserialize_base64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
    BytesDeserialize::deserialize(deserializer).map(|b| b.0)
}

/// Implements `Serialize`/`Deserialize` for a wrapper type by (de)serializing its `value`
/// field with the given functions.
macro_rules! wrapper_serde {
    ($($(#[$doc:meta])* $ty:ident => $ser:path, $de:path;)*) => {$(
        $(#[$doc])*
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                $ser(&self.value, serializer)
            }
        }

        $(#[$doc])*
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $de(deserializer).map(|value| Self { value })
            }
        }
    )*};
}

wrapper_serde! {
    /// `google.protobuf.DoubleValue` as a JSON number; NaN and the infinities as the strings
    /// `"NaN"`, `"Infinity"` and `"-Infinity"`. Numeric strings are accepted on input.
    DoubleValue => serialize_float, deserialize_number;
    /// `google.protobuf.FloatValue` as a JSON number; NaN and the infinities as the strings
    /// `"NaN"`, `"Infinity"` and `"-Infinity"`. Numeric strings are accepted on input.
    FloatValue => serialize_float, deserialize_number;
    /// `google.protobuf.Int64Value` as a decimal string, e.g. `"-5"`; JSON numbers are
    /// accepted on input.
    Int64Value => serialize_as_string, deserialize_number;
    /// `google.protobuf.UInt64Value` as a decimal string, e.g. `"5"`; JSON numbers are
    /// accepted on input.
    UInt64Value => serialize_as_string, deserialize_number;
    /// `google.protobuf.Int32Value` as a JSON number; numeric strings are accepted on input.
    Int32Value => Serialize::serialize, deserialize_number;
    /// `google.protobuf.UInt32Value` as a JSON number; numeric strings are accepted on input.
    UInt32Value => Serialize::serialize, deserialize_number;
    /// `google.protobuf.BoolValue` as a JSON boolean.
    BoolValue => Serialize::serialize, Deserialize::deserialize;
    /// `google.protobuf.StringValue` as a JSON string.
    StringValue => Serialize::serialize, Deserialize::deserialize;
    /// `google.protobuf.BytesValue` as standard, padded base64; URL-safe and unpadded
    /// base64 are accepted on input.
    BytesValue => serialize_base64, deserialize_base64;
}

#[cfg(test)]
mod tests {
    use serde::Serialize;
    use serde::de::DeserializeOwned;

    use crate::google::protobuf::{
        BoolValue, BytesValue, DoubleValue, Duration, Empty, FieldMask, FloatValue, Int32Value,
        Int64Value, StringValue, Timestamp, UInt32Value, UInt64Value,
    };
    use crate::well_known::tests::{dur, ts};
    use crate::well_known::text::tests::{
        DURATION_FORMS, DURATION_INPUTS, DURATION_REJECTIONS, TIMESTAMP_FORMS, TIMESTAMP_INPUTS,
        TIMESTAMP_REJECTIONS,
    };

    fn to_json<T: Serialize>(value: &T) -> String {
        serde_json::to_string(value).expect("serializable")
    }

    fn from_json<T: DeserializeOwned>(json: &str) -> T {
        serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"))
    }

    fn parse_err<T: DeserializeOwned + std::fmt::Debug>(json: &str) -> String {
        match serde_json::from_str::<T>(json) {
            Ok(value) => panic!("{json} parsed as {value:?}"),
            Err(e) => e.to_string(),
        }
    }

    fn ser_err<T: Serialize>(value: &T) -> String {
        serde_json::to_string(value)
            .expect_err("should not serialize")
            .to_string()
    }

    /// Asserts that `value` serializes to `json` and that `json` parses back to `value`.
    fn assert_round_trip<T>(value: T, json: &str)
    where
        T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
    {
        assert_eq!(to_json(&value), json, "{value:?}");
        assert_eq!(from_json::<T>(json), value, "{json}");
    }

    /// A JSON string holding `text`, which needs no escaping.
    fn quoted(text: &str) -> String {
        assert!(!text.contains(['"', '\\']), "{text}");
        format!("\"{text}\"")
    }

    #[test]
    fn timestamp_round_trips_across_eras_and_fraction_digits() {
        for &(value, text) in TIMESTAMP_FORMS {
            assert_round_trip(value, &quoted(text));
        }
    }

    #[test]
    fn timestamp_parses_fractions_offsets_and_lowercase() {
        for &(text, value) in TIMESTAMP_INPUTS {
            assert_eq!(from_json::<Timestamp>(&quoted(text)), value, "{text}");
        }
        assert_eq!(
            from_json::<Timestamp>(r#""2026-11-25T15:00:00+01:00""#),
            from_json::<Timestamp>(r#""2026-11-25T14:00:00Z""#)
        );
        assert_eq!(
            to_json(&from_json::<Timestamp>(r#""2026-01-01T00:30:00+01:00""#)),
            r#""2025-12-31T23:30:00Z""#
        );
    }

    #[test]
    fn timestamp_rejections() {
        let strings = TIMESTAMP_REJECTIONS
            .iter()
            .map(|&(text, reason)| (quoted(text), reason));
        let not_strings = [
            ("1234".to_owned(), "expected a timestamp string"),
            ("null".to_owned(), "expected a timestamp string"),
        ];
        for (json, reason) in strings.chain(not_strings) {
            let err = parse_err::<Timestamp>(&json);
            assert!(err.contains(reason), "{json}: {err}");
        }
        let err = parse_err::<Timestamp>(r#""2026-13-01T00:00:00Z""#);
        assert!(
            err.starts_with(r#"invalid timestamp "2026-13-01T00:00:00Z": month 13"#),
            "{err}"
        );
    }

    #[test]
    fn timestamp_serialization_rejects_invalid_values() {
        assert!(
            ser_err(&ts(-62_135_596_801, 0))
                .contains("timestamp seconds -62135596801 out of range")
        );
        assert!(ser_err(&ts(253_402_300_800, 0)).contains("out of range"));
        assert!(ser_err(&ts(i64::MIN, 0)).contains("out of range"));
        assert_eq!(
            ser_err(&ts(0, 1_000_000_000)),
            "timestamp nanos 1000000000 out of range 0..=999999999"
        );
        assert!(ser_err(&ts(0, -1)).contains("timestamp nanos -1 out of range"));
    }

    #[test]
    fn duration_round_trips() {
        for &(value, text) in DURATION_FORMS {
            assert_round_trip(value, &quoted(text));
        }
    }

    #[test]
    fn duration_parses_any_fraction_length() {
        for &(text, value) in DURATION_INPUTS {
            assert_eq!(from_json::<Duration>(&quoted(text)), value, "{text}");
        }
    }

    #[test]
    fn duration_rejections() {
        let strings = DURATION_REJECTIONS
            .iter()
            .map(|&(text, reason)| (quoted(text), reason));
        let not_strings = [("1.5".to_owned(), "expected a duration string")];
        for (json, reason) in strings.chain(not_strings) {
            let err = parse_err::<Duration>(&json);
            assert!(err.contains(reason), "{json}: {err}");
        }
        let err = parse_err::<Duration>(r#""1m""#);
        assert!(
            err.starts_with(r#"invalid duration "1m": expected an 's' suffix"#),
            "{err}"
        );
    }

    #[test]
    fn duration_serialization_rejects_invalid_values() {
        assert_eq!(
            ser_err(&dur(315_576_000_001, 0)),
            "duration seconds 315576000001 out of range -315576000000..=315576000000"
        );
        assert!(ser_err(&dur(-315_576_000_001, 0)).contains("out of range"));
        assert_eq!(
            ser_err(&dur(1, -1)),
            "duration seconds 1 and nanos -1 have opposite signs"
        );
        assert!(ser_err(&dur(0, 1_000_000_000)).contains("duration nanos 1000000000"));
    }

    #[test]
    fn cli_sample_round_trips_byte_for_byte() {
        let sample = r#"["2026-11-01T12:34:41.655970987Z","0.100s","10s","1.500s"]"#;
        let (time, a, b, c): (Timestamp, Duration, Duration, Duration) = from_json(sample);
        assert_eq!(a, dur(0, 100_000_000));
        assert_eq!(b, dur(10, 0));
        assert_eq!(c, dur(1, 500_000_000));
        assert_eq!(time.nanos, 655_970_987);
        assert_eq!(to_json(&(time, a, b, c)), sample);
    }

    #[test]
    fn empty() {
        assert_round_trip(Empty {}, "{}");
        assert_eq!(
            from_json::<Empty>(r#"{"unknown": [1, {"x": null}]}"#),
            Empty {}
        );
        assert!(parse_err::<Empty>("[]").contains("expected an object"));
        assert!(parse_err::<Empty>("null").contains("expected an object"));
    }

    #[test]
    fn field_mask() {
        let mask = |paths: &[&str]| FieldMask {
            paths: paths.iter().map(|p| (*p).to_owned()).collect(),
        };
        assert_round_trip(
            mask(&["user.display_name", "photo"]),
            r#""user.displayName,photo""#,
        );
        assert_round_trip(mask(&[]), r#""""#);
        assert_round_trip(mask(&["a"]), r#""a""#);
        assert_round_trip(
            mask(&["history.event_time", "workflow_execution.run_id2"]),
            r#""history.eventTime,workflowExecution.runId2""#,
        );
        // Like protojson, only the string as a whole is trimmed.
        assert_eq!(
            from_json::<FieldMask>(r#"" a.bC,d ""#),
            mask(&["a.b_c", "d"])
        );
        assert_eq!(from_json::<FieldMask>(r#""  ""#), mask(&[]));

        for bad in [
            r#""user.display_name""#,
            r#""a,,b""#,
            r#""a.""#,
            r#""1abc""#,
            r#""a-b""#,
            r#""a,""#,
            r#""a , b""#,
        ] {
            let err = parse_err::<FieldMask>(bad);
            assert!(
                err.contains("is not a lowerCamelCase field path"),
                "{bad}: {err}"
            );
        }
        for bad in [&["fooBar"][..], &["foo__bar"], &["foo_1"], &["foo_"]] {
            let err = ser_err(&mask(bad));
            assert!(
                err.contains("has no lowerCamelCase JSON form"),
                "{bad:?}: {err}"
            );
        }
    }

    #[test]
    fn float_wrappers() {
        assert_round_trip(DoubleValue { value: 1.5 }, "1.5");
        assert_round_trip(DoubleValue { value: -0.25 }, "-0.25");
        assert_round_trip(
            DoubleValue {
                value: f64::INFINITY,
            },
            r#""Infinity""#,
        );
        assert_round_trip(
            DoubleValue {
                value: f64::NEG_INFINITY,
            },
            r#""-Infinity""#,
        );
        assert_eq!(to_json(&DoubleValue { value: f64::NAN }), r#""NaN""#);
        assert!(from_json::<DoubleValue>(r#""NaN""#).value.is_nan());
        assert_eq!(from_json::<DoubleValue>("3").value, 3.0);
        assert_eq!(from_json::<DoubleValue>(r#""2.5e3""#).value, 2500.0);
        assert_round_trip(FloatValue { value: 0.1 }, "0.1");
        assert_round_trip(
            FloatValue {
                value: f32::INFINITY,
            },
            r#""Infinity""#,
        );
        assert_round_trip(
            FloatValue {
                value: f32::NEG_INFINITY,
            },
            r#""-Infinity""#,
        );
        assert_eq!(to_json(&FloatValue { value: f32::NAN }), r#""NaN""#);
        assert!(from_json::<FloatValue>(r#""NaN""#).value.is_nan());
        assert_eq!(from_json::<FloatValue>(r#""1.25""#).value, 1.25);
        assert!(serde_json::from_str::<DoubleValue>(r#""abc""#).is_err());
        assert!(serde_json::from_str::<DoubleValue>("true").is_err());
    }

    #[test]
    fn integer_wrappers() {
        assert_round_trip(Int64Value { value: i64::MIN }, r#""-9223372036854775808""#);
        assert_round_trip(UInt64Value { value: u64::MAX }, r#""18446744073709551615""#);
        assert_eq!(from_json::<Int64Value>("-42").value, -42);
        assert_eq!(from_json::<UInt64Value>("42").value, 42);
        assert_round_trip(Int32Value { value: -7 }, "-7");
        assert_round_trip(UInt32Value { value: u32::MAX }, "4294967295");
        assert_eq!(from_json::<Int32Value>(r#""-7""#).value, -7);
        assert_eq!(from_json::<UInt32Value>(r#""7""#).value, 7);
        assert!(serde_json::from_str::<UInt32Value>("-1").is_err());
        assert!(serde_json::from_str::<Int32Value>("2147483648").is_err());
        assert!(serde_json::from_str::<Int32Value>(r#""2147483648""#).is_err());
        assert!(serde_json::from_str::<Int64Value>(r#""1.5""#).is_err());
        assert!(serde_json::from_str::<UInt64Value>(r#""x""#).is_err());
    }

    #[test]
    fn bool_string_and_bytes_wrappers() {
        assert_round_trip(BoolValue { value: true }, "true");
        assert_round_trip(BoolValue { value: false }, "false");
        assert!(serde_json::from_str::<BoolValue>(r#""true""#).is_err());
        assert_round_trip(
            StringValue {
                value: "héllo \"q\"".to_owned(),
            },
            r#""héllo \"q\"""#,
        );
        assert_round_trip(BytesValue { value: vec![] }, r#""""#);
        assert_round_trip(
            BytesValue {
                value: vec![0xfb, 0xff, 0x01],
            },
            r#""+/8B""#,
        );
        assert_round_trip(
            BytesValue {
                value: b"hi".to_vec(),
            },
            r#""aGk=""#,
        );
        assert_eq!(from_json::<BytesValue>(r#""aGk""#).value, b"hi");
        assert_eq!(
            from_json::<BytesValue>(r#""-_8B""#).value,
            [0xfb, 0xff, 0x01]
        );
        assert!(serde_json::from_str::<BytesValue>(r#""!!""#).is_err());
    }
}
