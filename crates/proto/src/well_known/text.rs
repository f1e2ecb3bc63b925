//! The text forms of [`Timestamp`] and [`Duration`], as Go's `protojson` writes them: RFC 3339
//! in UTC (`2026-11-25T14:26:39.351689141Z`) and decimal seconds (`1.500s`), with 0, 3, 6 or 9
//! fractional digits. Parsing also accepts `±HH:MM` offsets, a lower-case `t` and `z`, and 1 to
//! 9 fractional digits.

use std::fmt;
use std::str::FromStr;

use super::{MAX_DURATION_SECONDS, WellKnownTypeError, check_duration, timestamp_nanos};
use crate::google::protobuf::{Duration, Timestamp};

const SECONDS_PER_DAY: i64 = 86_400;
/// 0001-01-01T00:00:00Z.
const MIN_TIMESTAMP_SECONDS: i64 = -62_135_596_800;
/// 9999-12-31T23:59:59Z.
const MAX_TIMESTAMP_SECONDS: i64 = 253_402_300_799;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    // Counting years from March puts the leap day last, so month lengths follow a pattern.
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The proleptic Gregorian `(year, month, day)` of a day count since 1970-01-01 (Howard
/// Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let march_based_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * march_based_month + 2) / 5 + 1;
    let month = if march_based_month < 10 {
        march_based_month + 3
    } else {
        march_based_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Sub-second digits the way protojson prints them: none, or the fewest of 3, 6 or 9
/// digits that are exact.
struct Fraction(u32);

impl fmt::Display for Fraction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            0 => Ok(()),
            n if n.is_multiple_of(1_000_000) => write!(f, ".{:03}", n / 1_000_000),
            n if n.is_multiple_of(1_000) => write!(f, ".{:06}", n / 1_000),
            n => write!(f, ".{n:09}"),
        }
    }
}

/// Parses 1 to 9 fractional digits into nanoseconds.
fn parse_fraction(digits: &str) -> Result<u32, String> {
    if digits.is_empty() {
        return Err("expected at least one digit after '.'".to_owned());
    }
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("invalid fractional seconds {digits:?}"));
    }
    if digits.len() > 9 {
        return Err(format!(
            "{} fractional digits, at most 9 allowed",
            digits.len()
        ));
    }
    let nanos = digits
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(9)
        .fold(0, |acc, b| acc * 10 + u32::from(b - b'0'));
    Ok(nanos)
}

/// A [`Timestamp`] checked to have an RFC 3339 form, which its `Display` prints.
#[derive(Debug, Clone, Copy)]
pub(super) struct TimestampText {
    seconds: i64,
    nanos: u32,
}

impl TimestampText {
    /// Fails if `nanos` is outside `0..=999_999_999` or the timestamp lies outside
    /// `0001-01-01T00:00:00Z..=9999-12-31T23:59:59.999999999Z`.
    pub(super) fn new(ts: Timestamp) -> Result<Self, WellKnownTypeError> {
        let nanos = timestamp_nanos(ts.nanos)?;
        if !(MIN_TIMESTAMP_SECONDS..=MAX_TIMESTAMP_SECONDS).contains(&ts.seconds) {
            return Err(WellKnownTypeError::TimestampOutOfJsonRange {
                seconds: ts.seconds,
            });
        }
        Ok(Self {
            seconds: ts.seconds,
            nanos,
        })
    }
}

impl fmt::Display for TimestampText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (year, month, day) = civil_from_days(self.seconds.div_euclid(SECONDS_PER_DAY));
        let second_of_day = self.seconds.rem_euclid(SECONDS_PER_DAY);
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}{}Z",
            second_of_day / 3600,
            second_of_day / 60 % 60,
            second_of_day % 60,
            Fraction(self.nanos),
        )
    }
}

/// A forward-only reader over an RFC 3339 string that reports where parsing failed.
struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn expect(&mut self, allowed: &[u8], what: &str) -> Result<u8, String> {
        match self.peek() {
            Some(b) if allowed.contains(&b) => {
                self.pos += 1;
                Ok(b)
            }
            _ => Err(format!("expected {what} at byte {}", self.pos)),
        }
    }

    /// Reads exactly `count` ASCII digits.
    fn number(&mut self, count: usize, what: &str) -> Result<i64, String> {
        let mut value = 0;
        for _ in 0..count {
            let digit = self.expect(b"0123456789", what)?;
            value = value * 10 + i64::from(digit - b'0');
        }
        Ok(value)
    }

    /// Reads a run of ASCII digits, possibly empty.
    fn digits(&mut self) -> &'a str {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        // Digits are ASCII, so both ends are on char boundaries.
        &self.text[start..self.pos]
    }
}

fn check_field(name: &str, value: i64, max: i64) -> Result<(), String> {
    if value > max {
        return Err(format!("{name} {value} out of range 0..={max}"));
    }
    Ok(())
}

fn parse_timestamp(text: &str) -> Result<Timestamp, String> {
    let mut c = Cursor { text, pos: 0 };
    let year = c.number(4, "a 4-digit year")?;
    c.expect(b"-", "'-' after the year")?;
    let month = c.number(2, "a 2-digit month")?;
    c.expect(b"-", "'-' after the month")?;
    let day = c.number(2, "a 2-digit day")?;
    c.expect(b"Tt", "'T' between date and time")?;
    let hour = c.number(2, "a 2-digit hour")?;
    c.expect(b":", "':' after the hour")?;
    let minute = c.number(2, "a 2-digit minute")?;
    c.expect(b":", "':' after the minute")?;
    let second = c.number(2, "a 2-digit second")?;
    let nanos = if c.peek() == Some(b'.') {
        c.pos += 1;
        parse_fraction(c.digits())?
    } else {
        0
    };
    let offset_seconds = match c.expect(b"Zz+-", "'Z' or a UTC offset such as +01:00")? {
        b'Z' | b'z' => 0,
        sign => {
            let offset_hour = c.number(2, "a 2-digit offset hour")?;
            c.expect(b":", "':' in the UTC offset")?;
            let offset_minute = c.number(2, "a 2-digit offset minute")?;
            check_field("offset hour", offset_hour, 23)?;
            check_field("offset minute", offset_minute, 59)?;
            let offset = offset_hour * 3600 + offset_minute * 60;
            if sign == b'-' { -offset } else { offset }
        }
    };
    if c.pos != text.len() {
        return Err(format!("unexpected trailing characters at byte {}", c.pos));
    }

    if !(1..=12).contains(&month) {
        return Err(format!("month {month} out of range 1..=12"));
    }
    let month_days = days_in_month(year, month);
    if !(1..=month_days).contains(&day) {
        return Err(format!(
            "day {day} out of range 1..={month_days} for {year:04}-{month:02}"
        ));
    }
    check_field("hour", hour, 23)?;
    check_field("minute", minute, 59)?;
    check_field("second", second, 59)?;

    let seconds =
        days_from_civil(year, month, day) * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second
            - offset_seconds;
    if !(MIN_TIMESTAMP_SECONDS..=MAX_TIMESTAMP_SECONDS).contains(&seconds) {
        return Err(
            "out of range 0001-01-01T00:00:00Z..=9999-12-31T23:59:59.999999999Z".to_owned(),
        );
    }
    // Lossless: parse_fraction yields at most 999_999_999.
    let nanos = nanos as i32;
    Ok(Timestamp { seconds, nanos })
}

/// A [`Duration`] checked to have a decimal-seconds form, which its `Display` prints.
#[derive(Debug, Clone, Copy)]
pub(super) struct DurationText {
    negative: bool,
    seconds: u64,
    nanos: u32,
}

impl DurationText {
    /// Fails if `nanos` is outside `-999_999_999..=999_999_999`, if `seconds` and `nanos` have
    /// opposite signs, or if the duration lies outside ±315,576,000,000 seconds.
    pub(super) fn new(d: Duration) -> Result<Self, WellKnownTypeError> {
        check_duration(d.seconds, d.nanos)?;
        if !(-MAX_DURATION_SECONDS..=MAX_DURATION_SECONDS).contains(&d.seconds) {
            return Err(WellKnownTypeError::DurationOutOfJsonRange { seconds: d.seconds });
        }
        Ok(Self {
            negative: d.seconds < 0 || d.nanos < 0,
            seconds: d.seconds.unsigned_abs(),
            nanos: d.nanos.unsigned_abs(),
        })
    }
}

impl fmt::Display for DurationText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The sign is printed once for the whole value, so -0.1s needs it even though
        // seconds is zero.
        let sign = if self.negative { "-" } else { "" };
        write!(f, "{sign}{}{}s", self.seconds, Fraction(self.nanos))
    }
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    let body = text.strip_suffix('s').ok_or("expected an 's' suffix")?;
    let (negative, body) = match body.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, body),
    };
    let (whole, fraction) = match body.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (body, None),
    };
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return Err("expected decimal seconds before the 's' suffix".to_owned());
    }
    let seconds = whole
        .parse::<i64>()
        .ok()
        .filter(|s| *s <= MAX_DURATION_SECONDS)
        .ok_or_else(|| {
            format!("seconds out of range -{MAX_DURATION_SECONDS}..={MAX_DURATION_SECONDS}")
        })?;
    let nanos = match fraction {
        Some(digits) => parse_fraction(digits)?,
        None => 0,
    };
    // Lossless: parse_fraction yields at most 999_999_999.
    let nanos = nanos as i32;
    Ok(if negative {
        Duration {
            seconds: -seconds,
            nanos: -nanos,
        }
    } else {
        Duration { seconds, nanos }
    })
}

fn invalid_text(kind: &'static str, text: &str, reason: String) -> WellKnownTypeError {
    WellKnownTypeError::InvalidText {
        kind,
        text: text.to_owned(),
        reason,
    }
}

/// Prints the timestamp in RFC 3339 form in UTC with 0, 3, 6 or 9 fractional digits, as proto3
/// JSON writes it.
///
/// A timestamp with no such form (`nanos` outside `0..=999_999_999`, or outside
/// `0001-01-01T00:00:00Z..=9999-12-31T23:59:59.999999999Z`) prints as
/// `Timestamp { seconds: S, nanos: N }` instead.
///
/// # Example
///
/// ```
/// use temporal_proto::google::protobuf::Timestamp;
///
/// let t = Timestamp { seconds: 1_795_616_799, nanos: 351_689_141 };
/// assert_eq!(t.to_string(), "2026-11-25T14:26:39.351689141Z");
/// let invalid = Timestamp { seconds: 0, nanos: -1 };
/// assert_eq!(invalid.to_string(), "Timestamp { seconds: 0, nanos: -1 }");
/// ```
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match TimestampText::new(*self) {
            Ok(text) => fmt::Display::fmt(&text, f),
            Err(_) => write!(
                f,
                "Timestamp {{ seconds: {}, nanos: {} }}",
                self.seconds, self.nanos
            ),
        }
    }
}

/// Parses an RFC 3339 timestamp with a `Z` or `±HH:MM` offset and 0 to 9 fractional digits,
/// between `0001-01-01T00:00:00Z` and `9999-12-31T23:59:59.999999999Z`.
///
/// Fails with [`WellKnownTypeError::InvalidText`] naming the problem.
///
/// # Example
///
/// ```
/// use temporal_proto::google::protobuf::Timestamp;
///
/// let t: Timestamp = "2026-11-25T14:00:00+01:00".parse()?;
/// assert_eq!(t.to_string(), "2026-11-25T13:00:00Z");
/// assert!("2026-11-25 14:00:00Z".parse::<Timestamp>().is_err());
/// # Ok::<(), temporal_proto::WellKnownTypeError>(())
/// ```
impl FromStr for Timestamp {
    type Err = WellKnownTypeError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        parse_timestamp(text).map_err(|reason| invalid_text("timestamp", text, reason))
    }
}

/// Prints the duration as decimal seconds with an `s` suffix and 0, 3, 6 or 9 fractional
/// digits, as proto3 JSON writes it: `1.500s`, `-0.100s`, `0s`.
///
/// A duration with no such form (invalid `nanos`, `seconds` and `nanos` of opposite signs, or
/// outside ±315,576,000,000 seconds) prints as `Duration { seconds: S, nanos: N }` instead.
///
/// # Example
///
/// ```
/// use temporal_proto::google::protobuf::Duration;
///
/// assert_eq!(Duration { seconds: 1, nanos: 500_000_000 }.to_string(), "1.500s");
/// assert_eq!(Duration { seconds: 0, nanos: -100_000_000 }.to_string(), "-0.100s");
/// assert_eq!(Duration::default().to_string(), "0s");
/// let invalid = Duration { seconds: 1, nanos: -1 };
/// assert_eq!(invalid.to_string(), "Duration { seconds: 1, nanos: -1 }");
/// ```
impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match DurationText::new(*self) {
            Ok(text) => fmt::Display::fmt(&text, f),
            Err(_) => write!(
                f,
                "Duration {{ seconds: {}, nanos: {} }}",
                self.seconds, self.nanos
            ),
        }
    }
}

/// Parses decimal seconds with an optional leading `-`, 0 to 9 fractional digits and an `s`
/// suffix, within ±315,576,000,000 seconds.
///
/// Fails with [`WellKnownTypeError::InvalidText`] naming the problem.
///
/// # Example
///
/// ```
/// use temporal_proto::google::protobuf::Duration;
///
/// let d: Duration = "-0.1s".parse()?;
/// assert_eq!(d, Duration { seconds: 0, nanos: -100_000_000 });
/// assert_eq!(d.to_string(), "-0.100s");
/// let err = "1m".parse::<Duration>().unwrap_err();
/// assert_eq!(err.to_string(), r#"invalid duration "1m": expected an 's' suffix"#);
/// # Ok::<(), temporal_proto::WellKnownTypeError>(())
/// ```
impl FromStr for Duration {
    type Err = WellKnownTypeError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        parse_duration(text).map_err(|reason| invalid_text("duration", text, reason))
    }
}

#[cfg(test)]
pub(super) mod tests {
    //! The case tables are shared with the JSON tests, which check the same forms quoted.

    use super::{civil_from_days, days_from_civil};
    use crate::google::protobuf::{Duration, Timestamp};
    use crate::well_known::WellKnownTypeError;
    use crate::well_known::tests::{dur, ts};

    /// Timestamps and their canonical text, across eras and fraction lengths.
    pub(in crate::well_known) const TIMESTAMP_FORMS: &[(Timestamp, &str)] = &[
        (ts(0, 0), "1970-01-01T00:00:00Z"),
        (ts(63_108_020, 21_000_000), "1972-01-01T10:00:20.021Z"),
        (ts(-1, 999_999_999), "1969-12-31T23:59:59.999999999Z"),
        (ts(-86_400, 0), "1969-12-31T00:00:00Z"),
        (ts(-2_208_988_800, 0), "1900-01-01T00:00:00Z"),
        (ts(-2_203_891_200, 0), "1900-03-01T00:00:00Z"),
        (ts(951_782_400, 0), "2000-02-29T00:00:00Z"),
        (ts(951_868_799, 0), "2000-02-29T23:59:59Z"),
        (ts(1_709_164_800, 0), "2024-02-29T00:00:00Z"),
        (ts(1_709_251_200, 0), "2024-03-01T00:00:00Z"),
        (ts(-62_135_596_800, 0), "0001-01-01T00:00:00Z"),
        (
            ts(253_402_300_799, 999_999_999),
            "9999-12-31T23:59:59.999999999Z",
        ),
        (ts(4_102_444_800, 0), "2100-01-01T00:00:00Z"),
        (ts(1_000_000_000, 0), "2001-09-09T01:46:40Z"),
        (ts(1_000_000_000, 100_000_000), "2001-09-09T01:46:40.100Z"),
        (ts(1_000_000_000, 1_000_000), "2001-09-09T01:46:40.001Z"),
        (ts(1_000_000_000, 120_000), "2001-09-09T01:46:40.000120Z"),
        (ts(1_000_000_000, 1_000), "2001-09-09T01:46:40.000001Z"),
        (ts(1_000_000_000, 1), "2001-09-09T01:46:40.000000001Z"),
        (
            ts(1_000_000_000, 123_456_780),
            "2001-09-09T01:46:40.123456780Z",
        ),
        (
            ts(1_795_616_799, 351_689_141),
            "2026-11-25T14:26:39.351689141Z",
        ),
    ];

    /// Accepted non-canonical timestamp text: any fraction length, offsets, lower case.
    pub(in crate::well_known) const TIMESTAMP_INPUTS: &[(&str, Timestamp)] = &[
        ("1970-01-01T00:00:00.1Z", ts(0, 100_000_000)),
        ("1970-01-01T00:00:00.12Z", ts(0, 120_000_000)),
        ("1970-01-01T00:00:00.123Z", ts(0, 123_000_000)),
        ("1970-01-01T00:00:00.1234Z", ts(0, 123_400_000)),
        ("1970-01-01T00:00:00.12345Z", ts(0, 123_450_000)),
        ("1970-01-01T00:00:00.123456Z", ts(0, 123_456_000)),
        ("1970-01-01T00:00:00.1234567Z", ts(0, 123_456_700)),
        ("1970-01-01T00:00:00.12345678Z", ts(0, 123_456_780)),
        ("1970-01-01T00:00:00.123456789Z", ts(0, 123_456_789)),
        ("1970-01-01T00:00:00.000Z", ts(0, 0)),
        ("2026-11-25T15:00:00+01:00", ts(1_795_615_200, 0)),
        ("2026-11-25T09:30:00-04:30", ts(1_795_615_200, 0)),
        ("1970-01-01t00:00:01.5z", ts(1, 500_000_000)),
        ("1970-01-01T00:00:00+00:00", ts(0, 0)),
        // An offset can carry a date across the range edge in either direction.
        ("0001-01-01T01:00:00+01:00", ts(-62_135_596_800, 0)),
        ("2026-01-01T00:30:00+01:00", ts(1_767_223_800, 0)),
    ];

    /// Rejected timestamp text and a part of the reason given.
    pub(in crate::well_known) const TIMESTAMP_REJECTIONS: &[(&str, &str)] = &[
        ("2026-13-01T00:00:00Z", "month 13 out of range 1..=12"),
        ("2026-00-01T00:00:00Z", "month 0 out of range 1..=12"),
        (
            "2026-01-32T00:00:00Z",
            "day 32 out of range 1..=31 for 2026-01",
        ),
        (
            "2026-02-30T00:00:00Z",
            "day 30 out of range 1..=28 for 2026-02",
        ),
        (
            "2023-02-29T00:00:00Z",
            "day 29 out of range 1..=28 for 2023-02",
        ),
        (
            "1900-02-29T00:00:00Z",
            "day 29 out of range 1..=28 for 1900-02",
        ),
        (
            "2024-04-31T00:00:00Z",
            "day 31 out of range 1..=30 for 2024-04",
        ),
        ("2026-01-01T24:00:00Z", "hour 24 out of range 0..=23"),
        ("2026-01-01T00:60:00Z", "minute 60 out of range 0..=59"),
        ("2026-01-01T00:00:60Z", "second 60 out of range 0..=59"),
        ("2026-01-01T00:00:00", "expected 'Z' or a UTC offset"),
        (
            "2026-01-01T00:00:00.Z",
            "expected at least one digit after '.'",
        ),
        (
            "2026-01-01T00:00:00.1234567890Z",
            "10 fractional digits, at most 9 allowed",
        ),
        (
            "2026-01-01 00:00:00Z",
            "expected 'T' between date and time at byte 10",
        ),
        ("2026-1-01T00:00:00Z", "expected a 2-digit month"),
        ("26-01-01T00:00:00Z", "expected a 4-digit year at byte 2"),
        (
            "2026/01-01T00:00:00Z",
            "expected '-' after the year at byte 4",
        ),
        (
            "2026-01-01T00:00:00Zjunk",
            "unexpected trailing characters at byte 20",
        ),
        ("2026-01-01T00:00:00+0100", "expected ':' in the UTC offset"),
        (
            "2026-01-01T00:00:00+24:00",
            "offset hour 24 out of range 0..=23",
        ),
        (
            "2026-01-01T00:00:00+01:60",
            "offset minute 60 out of range 0..=59",
        ),
        ("garbage", "expected a 4-digit year at byte 0"),
        ("", "expected a 4-digit year at byte 0"),
        (
            "２０２６-01-01T00:00:00Z",
            "expected a 4-digit year at byte 0",
        ),
        ("0000-12-31T23:59:59Z", "out of range 0001-01-01T00:00:00Z"),
        (
            "0001-01-01T00:30:00+01:00",
            "out of range 0001-01-01T00:00:00Z",
        ),
        (
            "9999-12-31T23:59:59-00:01",
            "out of range 0001-01-01T00:00:00Z",
        ),
    ];

    /// Durations and their canonical text.
    pub(in crate::well_known) const DURATION_FORMS: &[(Duration, &str)] = &[
        (dur(1, 500_000_000), "1.500s"),
        (dur(0, 0), "0s"),
        (dur(0, -100_000_000), "-0.100s"),
        (dur(3600, 0), "3600s"),
        (dur(-3600, 0), "-3600s"),
        (dur(-1, -500_000_000), "-1.500s"),
        (dur(0, 1), "0.000000001s"),
        (dur(0, 1_000), "0.000001s"),
        (dur(0, -999_999_999), "-0.999999999s"),
        (dur(315_576_000_000, 999_999_999), "315576000000.999999999s"),
        (dur(-315_576_000_000, 0), "-315576000000s"),
    ];

    /// Accepted non-canonical duration text.
    pub(in crate::well_known) const DURATION_INPUTS: &[(&str, Duration)] = &[
        ("0.1s", dur(0, 100_000_000)),
        ("-0.1s", dur(0, -100_000_000)),
        ("1.5s", dur(1, 500_000_000)),
        ("2.12345s", dur(2, 123_450_000)),
        ("-0s", dur(0, 0)),
        ("-0.000s", dur(0, 0)),
    ];

    /// Rejected duration text and a part of the reason given.
    pub(in crate::well_known) const DURATION_REJECTIONS: &[(&str, &str)] = &[
        ("1", "expected an 's' suffix"),
        ("1m", "expected an 's' suffix"),
        ("1S", "expected an 's' suffix"),
        ("s", "expected decimal seconds"),
        ("-s", "expected decimal seconds"),
        ("+1s", "expected decimal seconds"),
        ("--1s", "expected decimal seconds"),
        (".5s", "expected decimal seconds"),
        ("1.s", "expected at least one digit after '.'"),
        ("1.2.3s", "invalid fractional seconds"),
        ("1.1234567890s", "10 fractional digits, at most 9 allowed"),
        ("1 s", "expected decimal seconds"),
        ("315576000001s", "seconds out of range"),
        ("-315576000001s", "seconds out of range"),
        ("99999999999999999999999s", "seconds out of range"),
    ];

    /// Checks that `text` parses as `kind` to an `InvalidText` error whose reason contains
    /// `reason`, and returns the full reason.
    fn rejection<T: std::str::FromStr<Err = WellKnownTypeError> + std::fmt::Debug>(
        kind: &str,
        text: &str,
        reason: &str,
    ) -> String {
        let err = match text.parse::<T>() {
            Ok(value) => panic!("{text:?} parsed as {value:?}"),
            Err(err) => err,
        };
        let message = err.to_string();
        let WellKnownTypeError::InvalidText {
            kind: err_kind,
            text: err_text,
            reason: err_reason,
        } = err
        else {
            panic!("{text:?}: unexpected {err:?}");
        };
        assert_eq!((err_kind, err_text.as_str()), (kind, text));
        assert!(err_reason.contains(reason), "{text:?}: {err_reason}");
        assert_eq!(message, format!("invalid {kind} {text:?}: {err_reason}"));
        err_reason
    }

    #[test]
    fn calendar_round_trips_every_day_in_range() {
        let first = days_from_civil(1, 1, 1);
        let last = days_from_civil(9999, 12, 31);
        assert_eq!(first, -719_162);
        assert_eq!(last, 2_932_896);
        let mut expected = (1, 1, 1);
        for days in first..=last {
            let civil = civil_from_days(days);
            assert_eq!(civil, expected, "day {days}");
            assert_eq!(days_from_civil(civil.0, civil.1, civil.2), days);
            let (y, m, d) = civil;
            let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
            let month_len = [
                31,
                if leap { 29 } else { 28 },
                31,
                30,
                31,
                30,
                31,
                31,
                30,
                31,
                30,
                31,
            ][usize::try_from(m - 1).expect("month")];
            expected = if d < month_len {
                (y, m, d + 1)
            } else if m < 12 {
                (y, m + 1, 1)
            } else {
                (y + 1, 1, 1)
            };
        }
    }

    #[test]
    fn timestamp_display_and_from_str_round_trip() {
        for &(value, text) in TIMESTAMP_FORMS {
            assert_eq!(value.to_string(), text, "{value:?}");
            assert_eq!(text.parse::<Timestamp>(), Ok(value), "{text}");
        }
    }

    #[test]
    fn timestamp_from_str_accepts_fractions_offsets_and_lowercase() {
        for &(text, value) in TIMESTAMP_INPUTS {
            assert_eq!(text.parse::<Timestamp>(), Ok(value), "{text}");
        }
        assert_eq!(
            "2026-11-25T15:00:00+01:00".parse::<Timestamp>(),
            "2026-11-25T14:00:00Z".parse::<Timestamp>()
        );
        let normalized = "2026-01-01T00:30:00+01:00"
            .parse::<Timestamp>()
            .expect("valid");
        assert_eq!(normalized.to_string(), "2025-12-31T23:30:00Z");
    }

    #[test]
    fn timestamp_from_str_rejections() {
        for &(text, reason) in TIMESTAMP_REJECTIONS {
            rejection::<Timestamp>("timestamp", text, reason);
        }
        assert_eq!(
            "2026-13-01T00:00:00Z".parse::<Timestamp>(),
            Err(WellKnownTypeError::InvalidText {
                kind: "timestamp",
                text: "2026-13-01T00:00:00Z".to_owned(),
                reason: "month 13 out of range 1..=12".to_owned(),
            })
        );
        assert_eq!(
            rejection::<Timestamp>("timestamp", "0000-12-31T23:59:59Z", ""),
            "out of range 0001-01-01T00:00:00Z..=9999-12-31T23:59:59.999999999Z"
        );
    }

    #[test]
    fn timestamp_display_falls_back_for_values_without_text() {
        for (value, text) in [
            (
                ts(-62_135_596_801, 0),
                "Timestamp { seconds: -62135596801, nanos: 0 }",
            ),
            (
                ts(253_402_300_800, 0),
                "Timestamp { seconds: 253402300800, nanos: 0 }",
            ),
            (
                ts(i64::MIN, 0),
                "Timestamp { seconds: -9223372036854775808, nanos: 0 }",
            ),
            (
                ts(i64::MAX, 999_999_999),
                "Timestamp { seconds: 9223372036854775807, nanos: 999999999 }",
            ),
            (
                ts(0, 1_000_000_000),
                "Timestamp { seconds: 0, nanos: 1000000000 }",
            ),
            (ts(5, -1), "Timestamp { seconds: 5, nanos: -1 }"),
            (
                ts(0, i32::MIN),
                "Timestamp { seconds: 0, nanos: -2147483648 }",
            ),
        ] {
            assert_eq!(value.to_string(), text);
            assert!(text.parse::<Timestamp>().is_err(), "{text}");
        }
    }

    #[test]
    fn duration_display_and_from_str_round_trip() {
        for &(value, text) in DURATION_FORMS {
            assert_eq!(value.to_string(), text, "{value:?}");
            assert_eq!(text.parse::<Duration>(), Ok(value), "{text}");
        }
    }

    #[test]
    fn duration_from_str_accepts_any_fraction_length() {
        for &(text, value) in DURATION_INPUTS {
            assert_eq!(text.parse::<Duration>(), Ok(value), "{text}");
        }
    }

    #[test]
    fn duration_from_str_rejections() {
        for &(text, reason) in DURATION_REJECTIONS {
            rejection::<Duration>("duration", text, reason);
        }
        assert_eq!(
            "1m".parse::<Duration>(),
            Err(WellKnownTypeError::InvalidText {
                kind: "duration",
                text: "1m".to_owned(),
                reason: "expected an 's' suffix".to_owned(),
            })
        );
        assert_eq!(
            rejection::<Duration>("duration", "315576000001s", ""),
            "seconds out of range -315576000000..=315576000000"
        );
    }

    #[test]
    fn duration_display_falls_back_for_values_without_text() {
        for (value, text) in [
            (
                dur(315_576_000_001, 0),
                "Duration { seconds: 315576000001, nanos: 0 }",
            ),
            (
                dur(-315_576_000_001, 0),
                "Duration { seconds: -315576000001, nanos: 0 }",
            ),
            (
                dur(i64::MIN, i32::MIN),
                "Duration { seconds: -9223372036854775808, nanos: -2147483648 }",
            ),
            (dur(1, -1), "Duration { seconds: 1, nanos: -1 }"),
            (dur(-1, 1), "Duration { seconds: -1, nanos: 1 }"),
            (
                dur(0, 1_000_000_000),
                "Duration { seconds: 0, nanos: 1000000000 }",
            ),
            (
                dur(0, -1_000_000_000),
                "Duration { seconds: 0, nanos: -1000000000 }",
            ),
        ] {
            assert_eq!(value.to_string(), text);
            assert!(text.parse::<Duration>().is_err(), "{text}");
        }
    }
}
