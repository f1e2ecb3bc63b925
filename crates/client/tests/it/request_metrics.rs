//! The `metrics` feature: each attempt counted, failures counted with their code, latency
//! recorded, under the other SDKs' names, seen by a capturing recorder.

use std::sync::{Arc, Mutex, OnceLock};

use metrics::{
    Counter, CounterFn, Gauge, Histogram, HistogramFn, Key, KeyName, Metadata, Recorder,
    SharedString, Unit,
};
use temporal_client::{Client, ClientOptions, Untyped};
use temporal_testing::DevServerOptions;

use crate::support::unique;

/// One recorded value: metric name, labels, value.
type Sample = (String, Vec<(String, String)>, f64);

#[derive(Default, Clone)]
struct Capture(Arc<Mutex<Vec<Sample>>>);

struct Handle {
    key: Key,
    samples: Capture,
}

impl Handle {
    fn push(&self, value: f64) {
        let labels = self
            .key
            .labels()
            .map(|label| (label.key().to_owned(), label.value().to_owned()))
            .collect();
        self.samples
            .0
            .lock()
            .expect("lock")
            .push((self.key.name().to_owned(), labels, value));
    }
}

impl CounterFn for Handle {
    fn increment(&self, value: u64) {
        self.push(value as f64);
    }
    fn absolute(&self, value: u64) {
        self.push(value as f64);
    }
}

impl HistogramFn for Handle {
    fn record(&self, value: f64) {
        self.push(value);
    }
}

impl Recorder for Capture {
    fn describe_counter(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_gauge(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_histogram(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn register_counter(&self, key: &Key, _: &Metadata<'_>) -> Counter {
        Counter::from_arc(Arc::new(Handle {
            key: key.clone(),
            samples: self.clone(),
        }))
    }
    fn register_gauge(&self, _: &Key, _: &Metadata<'_>) -> Gauge {
        Gauge::noop()
    }
    fn register_histogram(&self, key: &Key, _: &Metadata<'_>) -> Histogram {
        Histogram::from_arc(Arc::new(Handle {
            key: key.clone(),
            samples: self.clone(),
        }))
    }
}

/// The process's recorder (a global: other tests' calls are told apart by namespace).
fn capture() -> &'static Capture {
    static CAPTURE: OnceLock<Capture> = OnceLock::new();
    CAPTURE.get_or_init(|| {
        let capture = Capture::default();
        metrics::set_global_recorder(capture.clone()).expect("the only recorder");
        capture
    })
}

#[tokio::test]
async fn requests_failures_and_latency_are_recorded_by_operation_and_namespace() {
    let capture = capture();
    let namespace = unique("metrics");
    let env = temporal_testing::TestEnv::start_local_with(
        DevServerOptions::default().namespace(namespace.clone()),
    )
    .await
    .expect("a dev server starts (run `cargo xtask setup`)");
    let client = Client::with_options(
        env.client().connection().clone(),
        ClientOptions::default().namespace(namespace.clone()),
    )
    .expect("a client");
    client
        .get_handle::<Untyped>(unique("missing"))
        .describe()
        .await
        .expect_err("no such workflow");
    client.count("").await.expect("count");

    let samples: Vec<Sample> = capture
        .0
        .lock()
        .expect("lock")
        .iter()
        .filter(|(_, labels, _)| labels.contains(&("namespace".to_owned(), namespace.clone())))
        .cloned()
        .collect();
    let find = |name: &str, operation: &str| -> Vec<&Sample> {
        samples
            .iter()
            .filter(|(n, labels, _)| {
                n == name && labels.contains(&("operation".to_owned(), operation.to_owned()))
            })
            .collect()
    };
    assert_eq!(
        find("temporal_request", "DescribeWorkflowExecution").len(),
        1,
        "{samples:?}"
    );
    let failures = find("temporal_request_failure", "DescribeWorkflowExecution");
    assert_eq!(failures.len(), 1, "{samples:?}");
    assert!(
        failures[0]
            .1
            .contains(&("status_code".to_owned(), "NOT_FOUND".to_owned())),
        "{samples:?}"
    );
    let latency = find("temporal_request_latency", "DescribeWorkflowExecution");
    assert_eq!(latency.len(), 1, "{samples:?}");
    assert!(
        latency[0].2 > 0.0 && latency[0].2 < 30.0,
        "seconds: {samples:?}"
    );
    assert_eq!(
        find("temporal_request", "CountWorkflowExecutions").len(),
        1,
        "{samples:?}"
    );
    assert!(find("temporal_request_failure", "CountWorkflowExecutions").is_empty());
}
