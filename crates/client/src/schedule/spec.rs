//! [`ScheduleSpec`]: when a schedule acts, as calendars, intervals and cron strings.

use std::time::{Duration, SystemTime};

use temporal_proto::api::schedule::v1::{
    IntervalSpec as ProtoIntervalSpec, Range as ProtoRange, ScheduleSpec as ProtoScheduleSpec,
    StructuredCalendarSpec,
};
use temporal_proto::google::protobuf::Timestamp;

use crate::error::Error;
use crate::options::to_proto_duration;

/// When a schedule takes its action: the union of its calendars, intervals and cron strings,
/// minus the times its excluded calendars match, between its start and end times, with
/// jitter, in a time zone.
///
/// The server keeps calendars and cron strings as calendars: a described schedule has its
/// cron strings in [`calendars`](ScheduleSpec::calendars).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use temporal_client::{CalendarSpec, ScheduleRange, ScheduleSpec};
///
/// // Every hour, and at 09:30 on weekdays, New York time; never on New Year's Day.
/// let spec = ScheduleSpec::default()
///     .interval(Duration::from_secs(3600))
///     .calendar(
///         CalendarSpec::default()
///             .hour([ScheduleRange::new(9)])
///             .minute([ScheduleRange::new(30)])
///             .day_of_week([ScheduleRange::range(1, 5)]),
///     )
///     .exclude(
///         CalendarSpec::default()
///             .month([ScheduleRange::new(1)])
///             .day_of_month([ScheduleRange::new(1)])
///             .hour([ScheduleRange::range(0, 23)])
///             .minute([ScheduleRange::range(0, 59)]),
///     )
///     .time_zone("America/New_York");
/// # let _ = spec;
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct ScheduleSpec {
    /// Calendar times to act at.
    pub calendars: Vec<CalendarSpec>,
    /// Fixed intervals to act at.
    pub intervals: Vec<IntervalSpec>,
    /// Cron strings to act at, such as `"0 12 * * MON-FRI"` (the server reads five to seven
    /// fields, `@hourly`-style names, and `CRON_TZ=`); read back as calendars.
    pub cron_expressions: Vec<String>,
    /// Calendar times to skip, even when another part matches.
    pub excluded_calendars: Vec<CalendarSpec>,
    /// No action before this time.
    pub start_at: Option<SystemTime>,
    /// No action after this time.
    pub end_at: Option<SystemTime>,
    /// Each action is delayed by a random time up to this, to spread load.
    pub jitter: Option<Duration>,
    /// The IANA time zone of the calendars and cron strings, such as `Europe/Paris`; UTC when
    /// `None`.
    pub time_zone: Option<String>,
}

impl ScheduleSpec {
    /// Adds a calendar to act at.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{CalendarSpec, ScheduleRange, ScheduleSpec};
    ///
    /// // Every day at 06:00.
    /// let spec = ScheduleSpec::default().calendar(CalendarSpec::default().hour([ScheduleRange::new(6)]));
    /// # let _ = spec;
    /// ```
    #[must_use]
    pub fn calendar(mut self, calendar: CalendarSpec) -> Self {
        self.calendars.push(calendar);
        self
    }

    /// Adds an interval to act at: every `every`, counted from the Unix epoch.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use temporal_client::ScheduleSpec;
    ///
    /// let spec = ScheduleSpec::default().interval(Duration::from_secs(15 * 60));
    /// # let _ = spec;
    /// ```
    #[must_use]
    pub fn interval(mut self, every: Duration) -> Self {
        self.intervals.push(IntervalSpec::new(every));
        self
    }

    /// Adds an interval with a phase: every `every`, shifted by `phase` (every hour at 15
    /// past is an hour with a 15-minute phase).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use temporal_client::ScheduleSpec;
    ///
    /// let spec = ScheduleSpec::default()
    ///     .interval_with_phase(Duration::from_secs(3600), Duration::from_secs(15 * 60));
    /// # let _ = spec;
    /// ```
    #[must_use]
    pub fn interval_with_phase(mut self, every: Duration, phase: Duration) -> Self {
        self.intervals.push(IntervalSpec::new(every).phase(phase));
        self
    }

    /// Adds a cron string to act at.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::ScheduleSpec;
    ///
    /// let spec = ScheduleSpec::default().cron("0 12 * * MON-FRI");
    /// # let _ = spec;
    /// ```
    #[must_use]
    pub fn cron(mut self, expression: impl Into<String>) -> Self {
        self.cron_expressions.push(expression.into());
        self
    }

    /// Adds a calendar whose times are skipped.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{CalendarSpec, ScheduleRange, ScheduleSpec};
    ///
    /// // Hourly, but not at midnight.
    /// let spec = ScheduleSpec::default()
    ///     .cron("@hourly")
    ///     .exclude(CalendarSpec::default().hour([ScheduleRange::new(0)]));
    /// # let _ = spec;
    /// ```
    #[must_use]
    pub fn exclude(mut self, calendar: CalendarSpec) -> Self {
        self.excluded_calendars.push(calendar);
        self
    }

    /// No action before `time`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use temporal_client::ScheduleSpec;
    ///
    /// let spec = ScheduleSpec::default()
    ///     .interval(Duration::from_secs(60))
    ///     .start_at(SystemTime::now() + Duration::from_secs(3600));
    /// # let _ = spec;
    /// ```
    #[must_use]
    pub fn start_at(mut self, time: SystemTime) -> Self {
        self.start_at = Some(time);
        self
    }

    /// No action after `time`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use temporal_client::ScheduleSpec;
    ///
    /// let spec = ScheduleSpec::default()
    ///     .interval(Duration::from_secs(60))
    ///     .end_at(SystemTime::now() + Duration::from_secs(24 * 3600));
    /// # let _ = spec;
    /// ```
    #[must_use]
    pub fn end_at(mut self, time: SystemTime) -> Self {
        self.end_at = Some(time);
        self
    }

    /// Delays each action by a random time up to `jitter`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use temporal_client::ScheduleSpec;
    ///
    /// let spec = ScheduleSpec::default().cron("@hourly").jitter(Duration::from_secs(60));
    /// # let _ = spec;
    /// ```
    #[must_use]
    pub fn jitter(mut self, jitter: Duration) -> Self {
        self.jitter = Some(jitter);
        self
    }

    /// The IANA time zone of the calendars and cron strings.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::ScheduleSpec;
    ///
    /// let spec = ScheduleSpec::default().cron("0 9 * * *").time_zone("Asia/Tokyo");
    /// # let _ = spec;
    /// ```
    #[must_use]
    pub fn time_zone(mut self, name: impl Into<String>) -> Self {
        self.time_zone = Some(name.into());
        self
    }

    pub(crate) fn to_proto(&self) -> Result<ProtoScheduleSpec, Error> {
        let mut intervals = Vec::with_capacity(self.intervals.len());
        for interval in &self.intervals {
            if interval.every.is_zero() {
                return Err(Error::invalid(
                    "spec.intervals",
                    "an interval of zero never advances",
                ));
            }
            intervals.push(ProtoIntervalSpec {
                interval: to_proto_duration("spec.intervals", Some(interval.every))?,
                phase: to_proto_duration("spec.intervals", interval.phase)?,
            });
        }
        Ok(ProtoScheduleSpec {
            structured_calendar: self.calendars.iter().map(CalendarSpec::to_proto).collect(),
            cron_string: self.cron_expressions.clone(),
            interval: intervals,
            exclude_structured_calendar: self
                .excluded_calendars
                .iter()
                .map(CalendarSpec::to_proto)
                .collect(),
            start_time: timestamp("spec.start_at", self.start_at)?,
            end_time: timestamp("spec.end_at", self.end_at)?,
            jitter: to_proto_duration("spec.jitter", self.jitter)?,
            timezone_name: self.time_zone.clone().unwrap_or_default(),
            ..Default::default()
        })
    }

    pub(crate) fn from_proto(proto: ProtoScheduleSpec) -> Self {
        Self {
            calendars: proto
                .structured_calendar
                .into_iter()
                .map(CalendarSpec::from_proto)
                .collect(),
            intervals: proto
                .interval
                .into_iter()
                .map(|interval| IntervalSpec {
                    every: duration(interval.interval).unwrap_or_default(),
                    phase: duration(interval.phase).filter(|phase| !phase.is_zero()),
                })
                .collect(),
            cron_expressions: proto.cron_string,
            excluded_calendars: proto
                .exclude_structured_calendar
                .into_iter()
                .map(CalendarSpec::from_proto)
                .collect(),
            start_at: system_time(proto.start_time),
            end_at: system_time(proto.end_time),
            jitter: duration(proto.jitter).filter(|jitter| !jitter.is_zero()),
            time_zone: Some(proto.timezone_name).filter(|name| !name.is_empty()),
        }
    }
}

/// Calendar times: those matching every field. Each field is a list of ranges, any of which
/// may match; an empty list matches every value.
///
/// The defaults are those of the other SDKs: second 0, minute 0, hour 0, every day of every
/// month of every year; so `CalendarSpec::default()` is midnight daily, and setting only
/// `hour` gives once a day at that hour.
///
/// # Examples
///
/// ```
/// use temporal_client::{CalendarSpec, ScheduleRange};
///
/// // On the hour and at half past, from 08:00 to 17:30, on the 1st and 15th.
/// let calendar = CalendarSpec::default()
///     .minute([ScheduleRange::range(0, 30).step(30)])
///     .hour([ScheduleRange::range(8, 17)])
///     .day_of_month([ScheduleRange::new(1), ScheduleRange::new(15)])
///     .comment("payroll reminders");
/// # let _ = calendar;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CalendarSpec {
    /// Seconds, 0 to 59. Defaults to 0.
    pub second: Vec<ScheduleRange>,
    /// Minutes, 0 to 59. Defaults to 0.
    pub minute: Vec<ScheduleRange>,
    /// Hours, 0 to 23. Defaults to 0.
    pub hour: Vec<ScheduleRange>,
    /// Days of the month, 1 to 31. Defaults to all.
    pub day_of_month: Vec<ScheduleRange>,
    /// Months, 1 to 12. Defaults to all.
    pub month: Vec<ScheduleRange>,
    /// Years. Defaults to all (empty).
    pub year: Vec<ScheduleRange>,
    /// Days of the week, 0 (Sunday) to 6. Defaults to all.
    pub day_of_week: Vec<ScheduleRange>,
    /// A note, kept with the calendar.
    pub comment: String,
}

impl Default for CalendarSpec {
    fn default() -> Self {
        Self {
            second: vec![ScheduleRange::new(0)],
            minute: vec![ScheduleRange::new(0)],
            hour: vec![ScheduleRange::new(0)],
            day_of_month: vec![ScheduleRange::range(1, 31)],
            month: vec![ScheduleRange::range(1, 12)],
            year: Vec::new(),
            day_of_week: vec![ScheduleRange::range(0, 6)],
            comment: String::new(),
        }
    }
}

macro_rules! calendar_field {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[must_use]
        pub fn $name(mut self, ranges: impl IntoIterator<Item = ScheduleRange>) -> Self {
            self.$name = ranges.into_iter().collect();
            self
        }
    };
}

impl CalendarSpec {
    calendar_field!(
        /// The seconds to match.
        ///
        /// # Examples
        ///
        /// ```
        /// use temporal_client::{CalendarSpec, ScheduleRange};
        ///
        /// let calendar = CalendarSpec::default().second([ScheduleRange::new(30)]);
        /// # let _ = calendar;
        /// ```
        second
    );
    calendar_field!(
        /// The minutes to match.
        ///
        /// # Examples
        ///
        /// ```
        /// use temporal_client::{CalendarSpec, ScheduleRange};
        ///
        /// let calendar = CalendarSpec::default().minute([ScheduleRange::range(0, 59).step(15)]);
        /// # let _ = calendar;
        /// ```
        minute
    );
    calendar_field!(
        /// The hours to match.
        ///
        /// # Examples
        ///
        /// ```
        /// use temporal_client::{CalendarSpec, ScheduleRange};
        ///
        /// let calendar = CalendarSpec::default().hour([ScheduleRange::new(9), ScheduleRange::new(17)]);
        /// # let _ = calendar;
        /// ```
        hour
    );
    calendar_field!(
        /// The days of the month to match.
        ///
        /// # Examples
        ///
        /// ```
        /// use temporal_client::{CalendarSpec, ScheduleRange};
        ///
        /// let calendar = CalendarSpec::default().day_of_month([ScheduleRange::new(1)]);
        /// # let _ = calendar;
        /// ```
        day_of_month
    );
    calendar_field!(
        /// The months to match.
        ///
        /// # Examples
        ///
        /// ```
        /// use temporal_client::{CalendarSpec, ScheduleRange};
        ///
        /// let calendar = CalendarSpec::default().month([ScheduleRange::range(6, 8)]);
        /// # let _ = calendar;
        /// ```
        month
    );
    calendar_field!(
        /// The years to match.
        ///
        /// # Examples
        ///
        /// ```
        /// use temporal_client::{CalendarSpec, ScheduleRange};
        ///
        /// let calendar = CalendarSpec::default().year([ScheduleRange::new(2030)]);
        /// # let _ = calendar;
        /// ```
        year
    );
    calendar_field!(
        /// The days of the week to match, 0 (Sunday) to 6.
        ///
        /// # Examples
        ///
        /// ```
        /// use temporal_client::{CalendarSpec, ScheduleRange};
        ///
        /// // Weekends.
        /// let calendar = CalendarSpec::default().day_of_week([ScheduleRange::new(0), ScheduleRange::new(6)]);
        /// # let _ = calendar;
        /// ```
        day_of_week
    );

    /// A note, kept with the calendar.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::CalendarSpec;
    ///
    /// let calendar = CalendarSpec::default().comment("nightly");
    /// # let _ = calendar;
    /// ```
    #[must_use]
    pub fn comment(mut self, comment: impl Into<String>) -> Self {
        self.comment = comment.into();
        self
    }

    fn to_proto(&self) -> StructuredCalendarSpec {
        let ranges = |ranges: &[ScheduleRange]| {
            ranges
                .iter()
                .copied()
                .map(ScheduleRange::to_proto)
                .collect()
        };
        StructuredCalendarSpec {
            second: ranges(&self.second),
            minute: ranges(&self.minute),
            hour: ranges(&self.hour),
            day_of_month: ranges(&self.day_of_month),
            month: ranges(&self.month),
            year: ranges(&self.year),
            day_of_week: ranges(&self.day_of_week),
            comment: self.comment.clone(),
        }
    }

    fn from_proto(proto: StructuredCalendarSpec) -> Self {
        let ranges = |ranges: Vec<ProtoRange>| {
            ranges
                .into_iter()
                .map(ScheduleRange::from_proto)
                .collect::<Vec<_>>()
        };
        Self {
            second: ranges(proto.second),
            minute: ranges(proto.minute),
            hour: ranges(proto.hour),
            day_of_month: ranges(proto.day_of_month),
            month: ranges(proto.month),
            year: ranges(proto.year),
            day_of_week: ranges(proto.day_of_week),
            comment: proto.comment,
        }
    }
}

/// The values `start`, `start + step`, ... up to `end` inclusive, of one calendar field.
///
/// # Examples
///
/// ```
/// use temporal_client::ScheduleRange;
///
/// let nine = ScheduleRange::new(9); // just 9
/// let working_hours = ScheduleRange::range(9, 17); // 9 to 17
/// let even_hours = ScheduleRange::range(0, 22).step(2); // 0, 2, ..., 22
/// assert_eq!((nine.end, working_hours.end, even_hours.step), (9, 17, 2));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct ScheduleRange {
    /// The first value.
    pub start: i32,
    /// The last value, inclusive.
    pub end: i32,
    /// The step between values; 1 for every value.
    pub step: i32,
}

impl ScheduleRange {
    /// One value.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::ScheduleRange;
    ///
    /// assert_eq!(ScheduleRange::new(5), ScheduleRange::range(5, 5));
    /// ```
    pub fn new(value: i32) -> Self {
        Self::range(value, value)
    }

    /// Every value from `start` to `end`, inclusive.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::ScheduleRange;
    ///
    /// let weekdays = ScheduleRange::range(1, 5);
    /// # let _ = weekdays;
    /// ```
    pub fn range(start: i32, end: i32) -> Self {
        Self {
            start,
            end,
            step: 1,
        }
    }

    /// Every `step`-th value of the range.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::ScheduleRange;
    ///
    /// let quarter_hours = ScheduleRange::range(0, 59).step(15);
    /// # let _ = quarter_hours;
    /// ```
    #[must_use]
    pub fn step(mut self, step: i32) -> Self {
        self.step = step;
        self
    }

    fn to_proto(self) -> ProtoRange {
        ProtoRange {
            start: self.start,
            end: self.end,
            step: self.step,
        }
    }

    /// The server leaves out an end equal to the start and a step of 1 (zero in protobuf).
    fn from_proto(proto: ProtoRange) -> Self {
        Self {
            start: proto.start,
            end: proto.end.max(proto.start),
            step: proto.step.max(1),
        }
    }
}

/// Every `every`, counted from the Unix epoch and shifted by `phase`.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use temporal_client::{IntervalSpec, ScheduleSpec};
///
/// // Every day at 02:00 UTC.
/// let nightly = IntervalSpec::new(Duration::from_secs(24 * 3600)).phase(Duration::from_secs(2 * 3600));
/// let mut spec = ScheduleSpec::default();
/// spec.intervals.push(nightly);
/// # let _ = spec;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct IntervalSpec {
    /// The period.
    pub every: Duration,
    /// The shift from the epoch; `None` for none.
    pub phase: Option<Duration>,
}

impl IntervalSpec {
    /// Every `every`, without a phase.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use temporal_client::IntervalSpec;
    ///
    /// let every_minute = IntervalSpec::new(Duration::from_secs(60));
    /// # let _ = every_minute;
    /// ```
    pub fn new(every: Duration) -> Self {
        Self { every, phase: None }
    }

    /// Shifts the interval by `phase`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use temporal_client::IntervalSpec;
    ///
    /// let hourly_at_five_past =
    ///     IntervalSpec::new(Duration::from_secs(3600)).phase(Duration::from_secs(300));
    /// # let _ = hourly_at_five_past;
    /// ```
    #[must_use]
    pub fn phase(mut self, phase: Duration) -> Self {
        self.phase = Some(phase);
        self
    }
}

/// A time as protobuf's, naming `field` when it cannot be one.
pub(crate) fn timestamp(
    field: &'static str,
    time: Option<SystemTime>,
) -> Result<Option<Timestamp>, Error> {
    let Some(time) = time else {
        return Ok(None);
    };
    Timestamp::try_from(time)
        .map(Some)
        .map_err(|error| Error::invalid(field, format!("{time:?} is out of range: {error}")))
}

pub(crate) fn system_time(timestamp: Option<Timestamp>) -> Option<SystemTime> {
    timestamp.and_then(|t| SystemTime::try_from(t).ok())
}

pub(crate) fn duration(
    duration: Option<temporal_proto::google::protobuf::Duration>,
) -> Option<Duration> {
    duration.and_then(|d| Duration::try_from(d).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spec_survives_the_round_trip_through_protobuf() {
        let spec = ScheduleSpec::default()
            .calendar(
                CalendarSpec::default()
                    .hour([ScheduleRange::range(8, 17).step(3)])
                    .comment("office hours"),
            )
            .interval_with_phase(Duration::from_secs(3600), Duration::from_secs(60))
            .exclude(CalendarSpec::default().day_of_week([ScheduleRange::new(0)]))
            .start_at(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000))
            .jitter(Duration::from_secs(5))
            .time_zone("Europe/Paris");
        let back = ScheduleSpec::from_proto(spec.to_proto().expect("valid"));
        assert_eq!(back, spec);
    }

    #[test]
    fn the_server_s_short_ranges_read_as_full_ones() {
        let range = ScheduleRange::from_proto(ProtoRange {
            start: 5,
            end: 0,
            step: 0,
        });
        assert_eq!(range, ScheduleRange::new(5));
    }

    #[test]
    fn a_zero_interval_is_refused_by_name() {
        let error = ScheduleSpec::default()
            .interval(Duration::ZERO)
            .to_proto()
            .unwrap_err();
        assert!(
            matches!(
                error,
                Error::InvalidArgument {
                    field: "spec.intervals",
                    ..
                }
            ),
            "{error:?}"
        );
    }
}
