//! Issue 15's cost benchmark: what an interceptor and `tracing` spans add to a call.
//!
//! - `client-intercepted`: one interceptor that does nothing, which moves every call onto
//!   the intercepted path (the options cloned, the interceptor called before and after).
//! - `client-traced`: a subscriber that records the client's spans (`temporal_client=debug`,
//!   as an application asking for them would), formatting each span's fields into memory it
//!   keeps until the span closes, as a formatting subscriber does before it writes a line.
//!   Needs the bench's `tracing` feature; the default `client` mode of a build with that
//!   feature is "spans compiled in, no subscriber".

use temporal_client::{CompletedCall, Error as ClientError, Interceptor, OutboundCall};

/// An interceptor that does nothing: the cost of the intercepted path alone.
#[derive(Debug)]
pub(crate) struct NoopInterceptor;

impl Interceptor for NoopInterceptor {
    fn intercept(&self, call: &mut OutboundCall<'_>) -> Result<(), ClientError> {
        std::hint::black_box(call.operation());
        Ok(())
    }

    fn completed(&self, call: &CompletedCall<'_>) {
        std::hint::black_box(call.operation());
    }
}

/// Installs the recording subscriber as the process's default.
#[cfg(feature = "tracing")]
pub(crate) fn record_spans() -> Result<(), crate::Error> {
    tracing::subscriber::set_global_default(recording::Recording::default())
        .map_err(|err| format!("cannot install the recording subscriber: {err}").into())
}

/// Without the bench's `tracing` feature the client has no spans to record.
#[cfg(not(feature = "tracing"))]
pub(crate) fn record_spans() -> Result<(), crate::Error> {
    Err(
        "the client-traced mode needs the bench built with `--features tracing` \
         (temporal-client's `tracing` feature)"
            .into(),
    )
}

#[cfg(feature = "tracing")]
mod recording {
    use std::collections::HashMap;
    use std::fmt::Write as _;
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicU64, Ordering};

    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::subscriber::Interest;
    use tracing::{Event, Level, Metadata, Subscriber};

    /// Records `temporal_client` spans and events at DEBUG and above: each span's name and
    /// fields formatted into a string kept until the span closes; closed spans and events
    /// are "written" to a sink that counts their bytes.
    #[derive(Default)]
    pub(super) struct Recording {
        next_id: AtomicU64,
        spans: Mutex<HashMap<u64, Span>>,
        written: AtomicU64,
    }

    struct Span {
        fields: String,
        refs: usize,
    }

    struct Format<'a>(&'a mut String);

    impl Visit for Format<'_> {
        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            let _ = write!(self.0, " {}={value:?}", field.name());
        }

        fn record_str(&mut self, field: &Field, value: &str) {
            let _ = write!(self.0, " {}={value}", field.name());
        }
    }

    fn wanted(metadata: &Metadata<'_>) -> bool {
        metadata.target().starts_with("temporal_client") && *metadata.level() <= Level::DEBUG
    }

    impl Subscriber for Recording {
        fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
            if wanted(metadata) {
                Interest::always()
            } else {
                Interest::never()
            }
        }

        fn enabled(&self, metadata: &Metadata<'_>) -> bool {
            wanted(metadata)
        }

        fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
            Some(tracing::level_filters::LevelFilter::DEBUG)
        }

        fn new_span(&self, attributes: &Attributes<'_>) -> Id {
            let mut fields = String::from(attributes.metadata().name());
            attributes.record(&mut Format(&mut fields));
            let id = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
            self.spans
                .lock()
                .expect("not poisoned")
                .insert(id, Span { fields, refs: 1 });
            Id::from_u64(id)
        }

        fn record(&self, span: &Id, values: &Record<'_>) {
            if let Some(span) = self
                .spans
                .lock()
                .expect("not poisoned")
                .get_mut(&span.into_u64())
            {
                values.record(&mut Format(&mut span.fields));
            }
        }

        fn record_follows_from(&self, _span: &Id, _follows: &Id) {}

        fn event(&self, event: &Event<'_>) {
            let mut line = String::new();
            event.record(&mut Format(&mut line));
            self.written.fetch_add(line.len() as u64, Ordering::Relaxed);
        }

        fn enter(&self, _span: &Id) {}

        fn exit(&self, _span: &Id) {}

        fn clone_span(&self, id: &Id) -> Id {
            if let Some(span) = self
                .spans
                .lock()
                .expect("not poisoned")
                .get_mut(&id.into_u64())
            {
                span.refs += 1;
            }
            id.clone()
        }

        fn try_close(&self, id: Id) -> bool {
            let mut spans = self.spans.lock().expect("not poisoned");
            let Some(span) = spans.get_mut(&id.into_u64()) else {
                return false;
            };
            span.refs -= 1;
            if span.refs > 0 {
                return false;
            }
            let span = spans.remove(&id.into_u64()).expect("present");
            self.written
                .fetch_add(span.fields.len() as u64, Ordering::Relaxed);
            true
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn spans_are_recorded_until_their_last_clone_closes() {
            let recording = std::sync::Arc::new(Recording::default());
            tracing::subscriber::with_default(std::sync::Arc::clone(&recording), || {
                let span = tracing::debug_span!(target: "temporal_client", "temporal.call", operation = "Start");
                let clone = span.clone();
                assert_eq!(recording.spans.lock().expect("lock").len(), 1);
                drop(span);
                assert_eq!(recording.spans.lock().expect("lock").len(), 1);
                drop(clone);
                assert!(recording.spans.lock().expect("lock").is_empty());
                // Other targets are not recorded.
                let _other = tracing::debug_span!(target: "h2", "frame");
                assert!(recording.spans.lock().expect("lock").is_empty());
            });
            assert_eq!(
                recording.written.load(Ordering::Relaxed),
                "temporal.call operation=Start".len() as u64
            );
        }
    }
}
