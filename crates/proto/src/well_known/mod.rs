//! Conversions, text forms and proto3-JSON support for the `google.protobuf` well-known types.
//!
//! prost generates the well-known types as plain structs (see [`crate::google::protobuf`]).
//! This module adds:
//!
//! - here, checked conversions to and from the `std::time` types;
//! - in `text`, `Display` and `FromStr` for [`Timestamp`] (RFC 3339, e.g.
//!   `2026-11-25T14:26:39.351689141Z`) and [`Duration`] (decimal seconds, e.g. `1.500s`), the
//!   forms Go's `protojson` writes;
//! - in `json`, with the `serde` feature, the canonical proto3 JSON mapping exactly as Go's
//!   `protojson` prints it, so that `temporal workflow show --output json` output round-trips
//!   byte for byte. Timestamps and durations go through the `text` forms.
//!
//! `google.protobuf.Any` has no serde support: its JSON form embeds the packed message's own
//! fields, which needs a type registry.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::google::protobuf::{Duration, Timestamp};

const NANOS_PER_SECOND: u32 = 1_000_000_000;
const MAX_NANOS: i32 = 999_999_999;

/// An error converting a well-known type to or from another representation.
///
/// Returned by the `TryFrom` conversions between [`Timestamp`]/[`Duration`] and the
/// `std::time` types, by their `FromStr` impls, and (wrapped in the serializer's error) when a
/// value has no proto3-JSON form.
///
/// # Example
///
/// ```
/// use std::time::SystemTime;
/// use temporal_proto::WellKnownTypeError;
/// use temporal_proto::google::protobuf::Timestamp;
///
/// let invalid = Timestamp { seconds: 0, nanos: 1_000_000_000 };
/// let err = SystemTime::try_from(invalid).unwrap_err();
/// assert_eq!(err, WellKnownTypeError::TimestampNanosOutOfRange { nanos: 1_000_000_000 });
/// assert_eq!(err.to_string(), "timestamp nanos 1000000000 out of range 0..=999999999");
///
/// let err = "2026-13-01T00:00:00Z".parse::<Timestamp>().unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     r#"invalid timestamp "2026-13-01T00:00:00Z": month 13 out of range 1..=12"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WellKnownTypeError {
    /// A [`Timestamp`]'s `nanos` is outside `0..=999_999_999`.
    TimestampNanosOutOfRange {
        /// The offending `nanos` value.
        nanos: i32,
    },
    /// A [`Timestamp`] lies outside the range [`SystemTime`] can represent on this platform.
    TimestampOverflowsSystemTime {
        /// The timestamp's `seconds`.
        seconds: i64,
        /// The timestamp's `nanos`.
        nanos: i32,
    },
    /// A [`SystemTime`] is more than `i64::MAX` seconds away from the Unix epoch.
    SystemTimeOutOfRange,
    /// A [`Timestamp`] lies outside `0001-01-01T00:00:00Z..=9999-12-31T23:59:59.999999999Z`,
    /// the range proto3 JSON (RFC 3339) can express.
    TimestampOutOfJsonRange {
        /// The timestamp's `seconds`.
        seconds: i64,
    },
    /// A [`Duration`]'s `nanos` is outside `-999_999_999..=999_999_999`.
    DurationNanosOutOfRange {
        /// The offending `nanos` value.
        nanos: i32,
    },
    /// A [`Duration`]'s `seconds` and `nanos` are non-zero with opposite signs.
    DurationSignMismatch {
        /// The duration's `seconds`.
        seconds: i64,
        /// The duration's `nanos`.
        nanos: i32,
    },
    /// A negative [`Duration`] was converted to [`std::time::Duration`], which is unsigned.
    NegativeDuration {
        /// The duration's `seconds`.
        seconds: i64,
        /// The duration's `nanos`.
        nanos: i32,
    },
    /// A [`std::time::Duration`] has more than `i64::MAX` whole seconds.
    DurationOverflow {
        /// The duration's whole seconds.
        seconds: u64,
    },
    /// A [`Duration`] lies outside ±315,576,000,000 seconds (about 10,000 years), the range
    /// proto3 JSON allows.
    DurationOutOfJsonRange {
        /// The duration's `seconds`.
        seconds: i64,
    },
    /// Text is not a [`Timestamp`] in RFC 3339 form or not a [`Duration`] in decimal seconds
    /// with an `s` suffix; returned by their `FromStr` impls.
    InvalidText {
        /// What the text was parsed as: `"timestamp"` or `"duration"`.
        kind: &'static str,
        /// The rejected text.
        text: String,
        /// Why it was rejected, e.g. `month 13 out of range 1..=12`.
        reason: String,
    },
}

impl fmt::Display for WellKnownTypeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::TimestampNanosOutOfRange { nanos } => {
                write!(f, "timestamp nanos {nanos} out of range 0..={MAX_NANOS}")
            }
            Self::TimestampOverflowsSystemTime { seconds, nanos } => write!(
                f,
                "timestamp with seconds {seconds} and nanos {nanos} overflows std::time::SystemTime"
            ),
            Self::SystemTimeOutOfRange => f.write_str(
                "system time more than i64::MAX seconds away from the unix epoch cannot be a timestamp",
            ),
            Self::TimestampOutOfJsonRange { seconds } => write!(
                f,
                "timestamp seconds {seconds} out of range \
                 0001-01-01T00:00:00Z..=9999-12-31T23:59:59.999999999Z"
            ),
            Self::DurationNanosOutOfRange { nanos } => {
                write!(f, "duration nanos {nanos} out of range -{MAX_NANOS}..={MAX_NANOS}")
            }
            Self::DurationSignMismatch { seconds, nanos } => write!(
                f,
                "duration seconds {seconds} and nanos {nanos} have opposite signs"
            ),
            Self::NegativeDuration { seconds, nanos } => write!(
                f,
                "duration with seconds {seconds} and nanos {nanos} is negative and cannot be a std::time::Duration"
            ),
            Self::DurationOverflow { seconds } => {
                write!(f, "duration of {seconds} seconds exceeds i64::MAX seconds")
            }
            Self::DurationOutOfJsonRange { seconds } => write!(
                f,
                "duration seconds {seconds} out of range -{MAX_DURATION_SECONDS}..={MAX_DURATION_SECONDS}"
            ),
            Self::InvalidText {
                kind,
                ref text,
                ref reason,
            } => write!(f, "invalid {kind} {text:?}: {reason}"),
        }
    }
}

impl std::error::Error for WellKnownTypeError {}

/// The largest `|seconds|` of a [`Duration`] that proto3 JSON accepts.
const MAX_DURATION_SECONDS: i64 = 315_576_000_000;

/// Returns a timestamp's `nanos` as `u32` after checking the documented `0..=999_999_999` range.
fn timestamp_nanos(nanos: i32) -> Result<u32, WellKnownTypeError> {
    u32::try_from(nanos)
        .ok()
        .filter(|&n| n < NANOS_PER_SECOND)
        .ok_or(WellKnownTypeError::TimestampNanosOutOfRange { nanos })
}

/// Checks the invariants every [`Duration`] must satisfy, whatever it is converted to.
fn check_duration(seconds: i64, nanos: i32) -> Result<(), WellKnownTypeError> {
    if !(-MAX_NANOS..=MAX_NANOS).contains(&nanos) {
        return Err(WellKnownTypeError::DurationNanosOutOfRange { nanos });
    }
    if (seconds > 0 && nanos < 0) || (seconds < 0 && nanos > 0) {
        return Err(WellKnownTypeError::DurationSignMismatch { seconds, nanos });
    }
    Ok(())
}

/// Converts a [`SystemTime`], including one before 1970, into a normalized [`Timestamp`].
///
/// Times before the epoch get negative `seconds` and `nanos` in `0..=999_999_999`, as the
/// protobuf definition requires. This only fails for times more than `i64::MAX` seconds from the
/// epoch, which `SystemTime` cannot represent on Unix or Windows; it is fallible rather than
/// panicking because the standard library does not guarantee that range everywhere.
///
/// # Example
///
/// ```
/// use std::time::{Duration, SystemTime, UNIX_EPOCH};
/// use temporal_proto::google::protobuf::Timestamp;
///
/// let before_epoch = UNIX_EPOCH - Duration::from_millis(1_500);
/// let ts = Timestamp::try_from(before_epoch)?;
/// assert_eq!(ts, Timestamp { seconds: -2, nanos: 500_000_000 });
/// # Ok::<(), temporal_proto::WellKnownTypeError>(())
/// ```
impl TryFrom<SystemTime> for Timestamp {
    type Error = WellKnownTypeError;

    fn try_from(time: SystemTime) -> Result<Self, Self::Error> {
        // i128 holds every u64 second count negated, so the borrow below cannot overflow.
        let (seconds, nanos) = match time.duration_since(UNIX_EPOCH) {
            Ok(after) => (i128::from(after.as_secs()), after.subsec_nanos()),
            Err(before) => {
                let before = before.duration();
                let seconds = -i128::from(before.as_secs());
                match before.subsec_nanos() {
                    0 => (seconds, 0),
                    nanos => (seconds - 1, NANOS_PER_SECOND - nanos),
                }
            }
        };
        let seconds =
            i64::try_from(seconds).map_err(|_| WellKnownTypeError::SystemTimeOutOfRange)?;
        // Lossless: sub-second nanos are below 1e9 < i32::MAX.
        let nanos = nanos as i32;
        Ok(Self { seconds, nanos })
    }
}

/// Converts a [`Timestamp`] into a [`SystemTime`].
///
/// Fails if `nanos` is outside `0..=999_999_999` or the instant is outside the platform's
/// `SystemTime` range.
///
/// # Example
///
/// ```
/// use std::time::{Duration, SystemTime, UNIX_EPOCH};
/// use temporal_proto::google::protobuf::Timestamp;
///
/// let time = SystemTime::try_from(Timestamp { seconds: 10, nanos: 5 })?;
/// assert_eq!(time, UNIX_EPOCH + Duration::new(10, 5));
/// # Ok::<(), temporal_proto::WellKnownTypeError>(())
/// ```
impl TryFrom<Timestamp> for SystemTime {
    type Error = WellKnownTypeError;

    fn try_from(ts: Timestamp) -> Result<Self, Self::Error> {
        let nanos = timestamp_nanos(ts.nanos)?;
        let overflow = WellKnownTypeError::TimestampOverflowsSystemTime {
            seconds: ts.seconds,
            nanos: ts.nanos,
        };
        let magnitude = std::time::Duration::new(ts.seconds.unsigned_abs(), 0);
        let sub_second = std::time::Duration::from_nanos(u64::from(nanos));
        if ts.seconds >= 0 {
            UNIX_EPOCH
                .checked_add(magnitude + sub_second)
                .ok_or(overflow)
        } else {
            // `nanos` counts forward from a negative second, so the distance back from the
            // epoch is `|seconds|` minus `nanos`.
            magnitude
                .checked_sub(sub_second)
                .and_then(|back| UNIX_EPOCH.checked_sub(back))
                .ok_or(overflow)
        }
    }
}

/// Converts a [`std::time::Duration`] into a [`Duration`].
///
/// Fails if the duration has more than `i64::MAX` whole seconds.
///
/// # Example
///
/// ```
/// use temporal_proto::google::protobuf::Duration;
///
/// let d = Duration::try_from(std::time::Duration::from_millis(1_500))?;
/// assert_eq!(d, Duration { seconds: 1, nanos: 500_000_000 });
/// # Ok::<(), temporal_proto::WellKnownTypeError>(())
/// ```
impl TryFrom<std::time::Duration> for Duration {
    type Error = WellKnownTypeError;

    fn try_from(duration: std::time::Duration) -> Result<Self, Self::Error> {
        let seconds = i64::try_from(duration.as_secs()).map_err(|_| {
            WellKnownTypeError::DurationOverflow {
                seconds: duration.as_secs(),
            }
        })?;
        // Lossless: sub-second nanos are below 1e9 < i32::MAX.
        let nanos = duration.subsec_nanos() as i32;
        Ok(Self { seconds, nanos })
    }
}

/// Converts a [`Duration`] into a [`std::time::Duration`].
///
/// Fails if `nanos` is outside `-999_999_999..=999_999_999`, if `seconds` and `nanos` have
/// opposite signs, or if the duration is negative.
///
/// # Example
///
/// ```
/// use temporal_proto::google::protobuf::Duration;
///
/// let d = std::time::Duration::try_from(Duration { seconds: 1, nanos: 500_000_000 })?;
/// assert_eq!(d, std::time::Duration::from_millis(1_500));
/// assert!(std::time::Duration::try_from(Duration { seconds: -1, nanos: 0 }).is_err());
/// # Ok::<(), temporal_proto::WellKnownTypeError>(())
/// ```
impl TryFrom<Duration> for std::time::Duration {
    type Error = WellKnownTypeError;

    fn try_from(d: Duration) -> Result<Self, Self::Error> {
        check_duration(d.seconds, d.nanos)?;
        let negative = WellKnownTypeError::NegativeDuration {
            seconds: d.seconds,
            nanos: d.nanos,
        };
        let seconds = u64::try_from(d.seconds).map_err(|_| negative.clone())?;
        let nanos = u32::try_from(d.nanos).map_err(|_| negative)?;
        Ok(Self::new(seconds, nanos))
    }
}

mod text;

#[cfg(feature = "serde")]
mod json;

#[cfg(test)]
mod tests {
    use std::time::{Duration as StdDuration, SystemTime, UNIX_EPOCH};

    use super::WellKnownTypeError;
    use crate::google::protobuf::{Duration, Timestamp};

    pub(super) const fn ts(seconds: i64, nanos: i32) -> Timestamp {
        Timestamp { seconds, nanos }
    }

    pub(super) const fn dur(seconds: i64, nanos: i32) -> Duration {
        Duration { seconds, nanos }
    }

    #[test]
    fn system_time_after_epoch_to_timestamp() {
        let time = UNIX_EPOCH + StdDuration::new(1_700_000_000, 123_456_789);
        assert_eq!(
            Timestamp::try_from(time),
            Ok(ts(1_700_000_000, 123_456_789))
        );
        assert_eq!(Timestamp::try_from(UNIX_EPOCH), Ok(ts(0, 0)));
    }

    #[test]
    fn system_time_before_epoch_normalizes_nanos() {
        let time = UNIX_EPOCH - StdDuration::from_millis(1_500);
        assert_eq!(Timestamp::try_from(time), Ok(ts(-2, 500_000_000)));
        let time = UNIX_EPOCH - StdDuration::from_secs(3);
        assert_eq!(Timestamp::try_from(time), Ok(ts(-3, 0)));
        let time = UNIX_EPOCH - StdDuration::from_nanos(1);
        assert_eq!(Timestamp::try_from(time), Ok(ts(-1, 999_999_999)));
    }

    #[test]
    fn timestamp_to_system_time_round_trips() {
        for t in [
            ts(0, 0),
            ts(1_700_000_000, 123_456_789),
            ts(-2, 500_000_000),
            ts(-1, 999_999_999),
            ts(-62_135_596_800, 0),
            ts(253_402_300_799, 999_999_999),
        ] {
            let time = SystemTime::try_from(t).expect("in range");
            assert_eq!(Timestamp::try_from(time), Ok(t));
        }
        assert_eq!(
            SystemTime::try_from(ts(-2, 500_000_000)),
            Ok(UNIX_EPOCH - StdDuration::from_millis(1_500))
        );
    }

    #[cfg(unix)]
    #[test]
    fn timestamp_extremes_fit_unix_system_time() {
        for t in [ts(i64::MIN, 0), ts(i64::MIN, 1), ts(i64::MAX, 999_999_999)] {
            let time = SystemTime::try_from(t).expect("unix SystemTime spans i64 seconds");
            assert_eq!(Timestamp::try_from(time), Ok(t));
        }
    }

    #[test]
    fn timestamp_to_system_time_rejects_bad_nanos() {
        assert_eq!(
            SystemTime::try_from(ts(0, 1_000_000_000)),
            Err(WellKnownTypeError::TimestampNanosOutOfRange {
                nanos: 1_000_000_000
            })
        );
        assert_eq!(
            SystemTime::try_from(ts(5, -1)),
            Err(WellKnownTypeError::TimestampNanosOutOfRange { nanos: -1 })
        );
    }

    #[test]
    fn std_duration_to_duration() {
        assert_eq!(
            Duration::try_from(StdDuration::new(3600, 1)),
            Ok(dur(3600, 1))
        );
        assert_eq!(Duration::try_from(StdDuration::ZERO), Ok(dur(0, 0)));
        let max = StdDuration::new(i64::MAX as u64, 999_999_999);
        assert_eq!(Duration::try_from(max), Ok(dur(i64::MAX, 999_999_999)));
        assert_eq!(
            Duration::try_from(StdDuration::new(i64::MAX as u64 + 1, 0)),
            Err(WellKnownTypeError::DurationOverflow {
                seconds: i64::MAX as u64 + 1
            })
        );
        assert_eq!(
            Duration::try_from(StdDuration::MAX),
            Err(WellKnownTypeError::DurationOverflow { seconds: u64::MAX })
        );
    }

    #[test]
    fn duration_to_std_duration() {
        assert_eq!(
            StdDuration::try_from(dur(1, 500_000_000)),
            Ok(StdDuration::from_millis(1_500))
        );
        assert_eq!(StdDuration::try_from(dur(0, 0)), Ok(StdDuration::ZERO));
        assert_eq!(
            StdDuration::try_from(dur(i64::MAX, 999_999_999)),
            Ok(StdDuration::new(i64::MAX as u64, 999_999_999))
        );
    }

    #[test]
    fn duration_to_std_duration_failures() {
        assert_eq!(
            StdDuration::try_from(dur(-1, 0)),
            Err(WellKnownTypeError::NegativeDuration {
                seconds: -1,
                nanos: 0
            })
        );
        assert_eq!(
            StdDuration::try_from(dur(0, -100_000_000)),
            Err(WellKnownTypeError::NegativeDuration {
                seconds: 0,
                nanos: -100_000_000
            })
        );
        assert_eq!(
            StdDuration::try_from(dur(1, -1)),
            Err(WellKnownTypeError::DurationSignMismatch {
                seconds: 1,
                nanos: -1
            })
        );
        assert_eq!(
            StdDuration::try_from(dur(-1, 1)),
            Err(WellKnownTypeError::DurationSignMismatch {
                seconds: -1,
                nanos: 1
            })
        );
        assert_eq!(
            StdDuration::try_from(dur(0, 1_000_000_000)),
            Err(WellKnownTypeError::DurationNanosOutOfRange {
                nanos: 1_000_000_000
            })
        );
        assert_eq!(
            StdDuration::try_from(dur(0, i32::MIN)),
            Err(WellKnownTypeError::DurationNanosOutOfRange { nanos: i32::MIN })
        );
    }

    #[test]
    fn error_messages() {
        let cases = [
            (
                WellKnownTypeError::TimestampNanosOutOfRange {
                    nanos: 1_000_000_000,
                },
                "timestamp nanos 1000000000 out of range 0..=999999999",
            ),
            (
                WellKnownTypeError::DurationNanosOutOfRange {
                    nanos: -1_000_000_000,
                },
                "duration nanos -1000000000 out of range -999999999..=999999999",
            ),
            (
                WellKnownTypeError::DurationSignMismatch {
                    seconds: 1,
                    nanos: -1,
                },
                "duration seconds 1 and nanos -1 have opposite signs",
            ),
            (
                WellKnownTypeError::DurationOverflow { seconds: u64::MAX },
                "duration of 18446744073709551615 seconds exceeds i64::MAX seconds",
            ),
            (
                WellKnownTypeError::DurationOutOfJsonRange {
                    seconds: 315_576_000_001,
                },
                "duration seconds 315576000001 out of range -315576000000..=315576000000",
            ),
            (
                WellKnownTypeError::InvalidText {
                    kind: "duration",
                    text: "1m".to_owned(),
                    reason: "expected an 's' suffix".to_owned(),
                },
                r#"invalid duration "1m": expected an 's' suffix"#,
            ),
        ];
        for (err, message) in cases {
            assert_eq!(err.to_string(), message);
        }
        let all = [
            WellKnownTypeError::TimestampOverflowsSystemTime {
                seconds: 1,
                nanos: 2,
            },
            WellKnownTypeError::SystemTimeOutOfRange,
            WellKnownTypeError::TimestampOutOfJsonRange { seconds: 1 },
            WellKnownTypeError::NegativeDuration {
                seconds: -1,
                nanos: 0,
            },
        ];
        for err in all {
            let message = err.to_string();
            assert!(!message.ends_with('.'), "{message}");
            assert!(message.starts_with(char::is_lowercase), "{message}");
        }
    }
}
