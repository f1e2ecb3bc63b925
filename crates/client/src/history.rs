//! [`HistoryEvent`] and [`HistoryEventType`]: a workflow's history, in this crate's own types.

use std::fmt;
use std::time::SystemTime;

use temporal_proto::api::enums::v1::EventType as ProtoEventType;
use temporal_proto::api::history::v1::HistoryEvent as ProtoHistoryEvent;

/// One event of a workflow's history, as [`WorkflowHandle::fetch_history`] streams them: its
/// id, type and time, and the protos' message for its attributes.
///
/// The attributes (the input of a start, the result of a completion, ...) are the protos'
/// messages, one per event type: read them through [`raw_proto`](Self::raw_proto), an
/// escape hatch that follows the version of the Temporal protos this crate depends on. The
/// event wraps that message and adds nothing, so a history streams in the same memory as
/// the protos' events.
///
/// [`WorkflowHandle::fetch_history`]: crate::WorkflowHandle::fetch_history
///
/// # Examples
///
/// ```no_run
/// use temporal_client::HistoryEventType;
///
/// # async fn example(handle: temporal_client::WorkflowHandle) -> Result<(), temporal_client::Error> {
/// let mut events = handle.fetch_history();
/// while let Some(event) = events.next().await {
///     let event = event?;
///     if event.event_type() == Some(HistoryEventType::WorkflowExecutionSignaled) {
///         println!("signal at {:?}", event.event_time());
///     }
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Default, PartialEq)]
#[repr(transparent)]
pub struct HistoryEvent(ProtoHistoryEvent);

impl HistoryEvent {
    /// The event's id: 1 for the first event, then one more for each.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::HistoryEvent;
    ///
    /// assert_eq!(HistoryEvent::default().event_id(), 0);
    /// ```
    pub fn event_id(&self) -> i64 {
        self.0.event_id
    }

    /// The event's type; `None` when the server sent none, or one this version does not know.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::HistoryEvent;
    ///
    /// assert_eq!(HistoryEvent::default().event_type(), None);
    /// ```
    pub fn event_type(&self) -> Option<HistoryEventType> {
        HistoryEventType::from_proto(self.0.event_type)
    }

    /// When the event was recorded; `None` when the server sent no time.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::HistoryEvent;
    ///
    /// assert_eq!(HistoryEvent::default().event_time(), None);
    /// ```
    pub fn event_time(&self) -> Option<SystemTime> {
        self.0
            .event_time
            .and_then(|time| SystemTime::try_from(time).ok())
    }

    /// Wraps the protos' message.
    ///
    /// Raw: this follows the version of the Temporal protos this crate depends on.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::proto::api::history::v1::HistoryEvent as ProtoHistoryEvent;
    /// use temporal_client::{HistoryEvent, HistoryEventType};
    ///
    /// let event = HistoryEvent::from_raw_proto(ProtoHistoryEvent { event_id: 1, event_type: 1, ..Default::default() });
    /// assert_eq!(event.event_type(), Some(HistoryEventType::WorkflowExecutionStarted));
    /// ```
    pub fn from_raw_proto(event: ProtoHistoryEvent) -> Self {
        Self(event)
    }

    /// The protos' message, borrowed: for the event's attributes.
    ///
    /// Raw: this follows the version of the Temporal protos this crate depends on.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::HistoryEvent;
    /// use temporal_client::proto::api::history::v1::history_event::Attributes;
    ///
    /// fn signal_name(event: &HistoryEvent) -> Option<&str> {
    ///     match &event.raw_proto().attributes {
    ///         Some(Attributes::WorkflowExecutionSignaledEventAttributes(signal)) => Some(&signal.signal_name),
    ///         _ => None,
    ///     }
    /// }
    /// assert_eq!(signal_name(&HistoryEvent::default()), None);
    /// ```
    pub fn raw_proto(&self) -> &ProtoHistoryEvent {
        &self.0
    }

    /// The protos' message.
    ///
    /// Raw: this follows the version of the Temporal protos this crate depends on.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::HistoryEvent;
    ///
    /// let raw = HistoryEvent::default().into_raw_proto();
    /// assert!(raw.attributes.is_none());
    /// ```
    pub fn into_raw_proto(self) -> ProtoHistoryEvent {
        self.0
    }
}

impl fmt::Debug for HistoryEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The attributes carry payloads, which may be sensitive and large.
        f.debug_struct("HistoryEvent")
            .field("event_id", &self.0.event_id)
            .field("event_type", &self.event_type())
            .field("event_time", &self.event_time())
            .finish_non_exhaustive()
    }
}

/// Events from the wire: a move that reuses the `Vec`'s allocation.
pub(crate) fn from_raw_events(events: Vec<ProtoHistoryEvent>) -> Vec<HistoryEvent> {
    events
        .into_iter()
        .map(HistoryEvent::from_raw_proto)
        .collect()
}

macro_rules! event_types {
    ($($name:ident,)+) => {
        /// The type of a [`HistoryEvent`], named as in the Temporal API (`EVENT_TYPE_*`).
        ///
        /// New types are added as the server adds them (the enum is non-exhaustive); an event
        /// of a type this version does not know has no type ([`HistoryEvent::event_type`] is
        /// `None`).
        ///
        /// # Examples
        ///
        /// ```
        /// use temporal_client::HistoryEventType;
        ///
        /// let completed = HistoryEventType::WorkflowExecutionCompleted;
        /// assert_eq!(completed.as_str(), "WorkflowExecutionCompleted");
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum HistoryEventType {
            $(
                #[doc = concat!("`", stringify!($name), "`.")]
                $name,
            )+
        }

        impl HistoryEventType {
            fn from_proto(value: i32) -> Option<Self> {
                match ProtoEventType::try_from(value).ok()? {
                    $(ProtoEventType::$name => Some(Self::$name),)+
                    #[allow(unreachable_patterns, reason = "a newer proto may add types")]
                    _ => None,
                }
            }

            /// The type's name, such as `WorkflowExecutionStarted`, as the Go SDK and the
            /// `temporal` CLI print it.
            ///
            /// # Examples
            ///
            /// ```
            /// use temporal_client::HistoryEventType;
            ///
            /// assert_eq!(HistoryEventType::TimerFired.as_str(), "TimerFired");
            /// ```
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$name => stringify!($name),)+
                }
            }
        }
    };
}

event_types! {
    WorkflowExecutionStarted,
    WorkflowExecutionCompleted,
    WorkflowExecutionFailed,
    WorkflowExecutionTimedOut,
    WorkflowTaskScheduled,
    WorkflowTaskStarted,
    WorkflowTaskCompleted,
    WorkflowTaskTimedOut,
    WorkflowTaskFailed,
    ActivityTaskScheduled,
    ActivityTaskStarted,
    ActivityTaskCompleted,
    ActivityTaskFailed,
    ActivityTaskTimedOut,
    ActivityTaskCancelRequested,
    ActivityTaskCanceled,
    TimerStarted,
    TimerFired,
    TimerCanceled,
    WorkflowExecutionCancelRequested,
    WorkflowExecutionCanceled,
    RequestCancelExternalWorkflowExecutionInitiated,
    RequestCancelExternalWorkflowExecutionFailed,
    ExternalWorkflowExecutionCancelRequested,
    MarkerRecorded,
    WorkflowExecutionSignaled,
    WorkflowExecutionTerminated,
    WorkflowExecutionContinuedAsNew,
    StartChildWorkflowExecutionInitiated,
    StartChildWorkflowExecutionFailed,
    ChildWorkflowExecutionStarted,
    ChildWorkflowExecutionCompleted,
    ChildWorkflowExecutionFailed,
    ChildWorkflowExecutionCanceled,
    ChildWorkflowExecutionTimedOut,
    ChildWorkflowExecutionTerminated,
    SignalExternalWorkflowExecutionInitiated,
    SignalExternalWorkflowExecutionFailed,
    ExternalWorkflowExecutionSignaled,
    UpsertWorkflowSearchAttributes,
    WorkflowExecutionUpdateAdmitted,
    WorkflowExecutionUpdateAccepted,
    WorkflowExecutionUpdateRejected,
    WorkflowExecutionUpdateCompleted,
    WorkflowPropertiesModifiedExternally,
    ActivityPropertiesModifiedExternally,
    WorkflowPropertiesModified,
    NexusOperationScheduled,
    NexusOperationStarted,
    NexusOperationCompleted,
    NexusOperationFailed,
    NexusOperationCanceled,
    NexusOperationTimedOut,
    NexusOperationCancelRequested,
    WorkflowExecutionOptionsUpdated,
    NexusOperationCancelRequestCompleted,
    NexusOperationCancelRequestFailed,
    WorkflowExecutionPaused,
    WorkflowExecutionUnpaused,
    WorkflowExecutionTimeSkippingTransitioned,
}

impl fmt::Display for HistoryEventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_proto_event_type_but_unspecified_has_a_type() {
        for value in 1..=ProtoEventType::WorkflowExecutionTimeSkippingTransitioned as i32 {
            let Ok(proto) = ProtoEventType::try_from(value) else {
                continue;
            };
            let ours = HistoryEventType::from_proto(value).expect("a known type");
            assert_eq!(ours.as_str(), format!("{proto:?}"));
        }
        assert_eq!(HistoryEventType::from_proto(0), None);
        assert_eq!(HistoryEventType::from_proto(10_000), None);
    }

    #[test]
    fn events_move_in_place() {
        let events = vec![ProtoHistoryEvent::default(); 3];
        let pointer = events.as_ptr() as usize;
        let ours = from_raw_events(events);
        assert_eq!(ours.as_ptr() as usize, pointer);
        assert_eq!(
            std::mem::size_of::<HistoryEvent>(),
            std::mem::size_of::<ProtoHistoryEvent>()
        );
    }
}
