//! The client under network faults, through a `FaultProxy` in front of a real dev server.
//!
//! Exactly once: while the proxy resets the connection and changes its latency every few tens
//! of milliseconds, the client starts, signals and queries workflows of the Python test
//! worker. No operation may fail, be lost or be applied twice: retried starts and signals are
//! deduplicated by the request id the client keeps across attempts. Also: a black hole ends at
//! the call's deadline, and refused reconnections are retried until the network heals.

use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use temporal_client::{
    CallOptions, Client, Connection, Error, RpcRetryPolicy, StartOptions, Untyped,
};
use temporal_testing::{DevServer, FaultProxy, WorkerProcess, WorkerReadiness};
use tokio::task::JoinSet;

use crate::fake_server::connection_options;

/// Workflows started; each then takes `SIGNALS_PER_WORKFLOW` signals and
/// `QUERIES_PER_WORKFLOW` queries: 1,000 operations in all.
const WORKFLOWS: usize = 50;
const SIGNALS_PER_WORKFLOW: usize = 12;
const QUERIES_PER_WORKFLOW: usize = 7;
const _: () = assert!(WORKFLOWS * (1 + SIGNALS_PER_WORKFLOW + QUERIES_PER_WORKFLOW) == 1000);

/// What one workflow's operations saw.
#[derive(Debug)]
struct Outcome {
    workflow_id: String,
    started_run_id: String,
    sent: i64,
}

/// Start, a query, then signals (amounts 1, 2, 3, ...) with a query after every other one.
/// Queries are strongly consistent: each must see exactly the signals acknowledged so far.
async fn run_workflow(
    client: Client,
    workflow_id: String,
    task_queue: String,
) -> Result<Outcome, (String, Error)> {
    let failed = |operation: &str| {
        let operation = format!("{operation} of {workflow_id}");
        move |err| (operation, err)
    };
    let handle = client
        .start(
            "counter",
            (0,),
            StartOptions::new(&workflow_id, &task_queue),
        )
        .await
        .map_err(failed("start"))?;
    let started_run_id = handle
        .first_execution_run_id()
        .expect("a started handle knows the run it started")
        .to_owned();
    let mut sent = 0;
    let mut queries = 0;
    for amount in 0..=SIGNALS_PER_WORKFLOW as i64 {
        if amount > 0 {
            handle
                .signal(temporal_client::by_name("increment").arg(amount))
                .await
                .map_err(failed("signal"))?;
            sent += amount;
        }
        if amount % 2 == 0 {
            let value: i64 = handle.query("value").await.map_err(failed("query"))?;
            assert_eq!(value, sent, "{workflow_id}: each signal counted once");
            queries += 1;
        }
    }
    assert_eq!(queries, QUERIES_PER_WORKFLOW);
    Ok(Outcome {
        workflow_id,
        started_run_id,
        sent,
    })
}

/// A small generator of the fault schedule; the test prints its seed, so that a failing run's
/// schedule can be read again.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_completes_exactly_once_through_resets_and_latency() {
    let started = Instant::now();
    let server = DevServer::start()
        .await
        .expect("a dev server starts (run `cargo xtask setup`)");
    let task_queue = format!("faults-{}", uuid::Uuid::new_v4());
    // The worker talks to the server directly: the faults are the client's to survive.
    let mut command = Command::new(temporal_testing::python().expect("python is installed"));
    command
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/it/workers/worker.py"
        ))
        .args([
            "--address",
            &server.address().to_string(),
            "--task-queue",
            &task_queue,
        ]);
    let _worker = WorkerProcess::start(command, WorkerReadiness::new(server.target(), &task_queue))
        .await
        .expect("the Python test worker polls");
    let proxy = Arc::new(FaultProxy::start(server.address()).await.expect("a proxy"));
    // The default backoff, but patient: with a reset every ~200 ms on a loaded 2-core
    // machine, a query that waits on the busy worker can lose more than the default 10
    // attempts. What is tested is that no retry is lost or doubled, not the default budget.
    let patient = RpcRetryPolicy::default()
        .max_interval(Duration::from_secs(1))
        .max_attempts(100)
        .max_elapsed(Duration::from_secs(60));
    let client = Client::new(
        Connection::connect(connection_options(proxy.address().to_string()).retry_policy(patient))
            .await
            .expect("connects through the proxy"),
    );
    let setup = started.elapsed();

    let seed = u64::from(std::process::id()) << 32 | u64::from(started.elapsed().subsec_nanos());
    println!("fault seed {seed:#x}");
    let injector = tokio::spawn({
        let proxy = Arc::clone(&proxy);
        async move {
            let mut random = XorShift(seed | 1);
            // Every 20-80 ms the latency changes (0-15 ms each way, or none), and every fourth
            // time the connection is reset instead: about five resets a second, each failing
            // every call in flight.
            for action in 1_u64.. {
                tokio::time::sleep(Duration::from_millis(20 + random.next(60))).await;
                if action % 4 == 0 {
                    proxy.reset_connections();
                } else {
                    proxy.delay(Duration::from_millis(random.next(16)));
                }
            }
        }
    });

    let prefix = format!("faults-{}", uuid::Uuid::new_v4());
    let mut operations = JoinSet::new();
    for number in 0..WORKFLOWS {
        operations.spawn(run_workflow(
            client.clone(),
            format!("{prefix}-{number}"),
            task_queue.clone(),
        ));
    }
    let mut outcomes = Vec::with_capacity(WORKFLOWS);
    let all_done = async {
        while let Some(joined) = operations.join_next().await {
            match joined.expect("no operation panicked") {
                Ok(outcome) => outcomes.push(outcome),
                Err((operation, err)) => panic!("{operation} failed under faults: {err:?}"),
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(90), all_done)
        .await
        .unwrap_or_else(|_| panic!("operations still pending after 90 s: {:?}", proxy.stats()));
    injector.abort();
    proxy.pass();
    let under_faults = started.elapsed() - setup;
    let stats = proxy.stats();
    println!("{stats:?} in {under_faults:?} (setup {setup:?})");
    assert!(
        stats.connections_reset >= 5,
        "the connection was reset again and again: {stats:?}"
    );

    // Checked around the proxy: exactly one run per start, the one the start returned, and
    // every signal counted once.
    let direct = Client::new(
        Connection::connect(connection_options(server.address().to_string()))
            .await
            .expect("connects directly"),
    );
    for outcome in &outcomes {
        let handle = direct.get_handle::<Untyped>(&outcome.workflow_id);
        let description = handle.describe().await.expect("described");
        assert_eq!(description.info.run_id, outcome.started_run_id);
        let value: i64 = handle.query("value").await.expect("queried");
        assert_eq!(value, outcome.sent, "{}", outcome.workflow_id);
    }
    let expected = WORKFLOWS as i64;
    let query = format!("TaskQueue = '{task_queue}'");
    let deadline = Instant::now() + Duration::from_secs(10);
    let count = loop {
        let count = direct.count(query.as_str()).await.expect("counted").count;
        if count >= expected || Instant::now() > deadline {
            break count;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(count, expected, "one execution per start");
}

/// A dev server and a client of it through a fresh `FaultProxy`, with these call options.
async fn through_proxy(call_options: CallOptions) -> (DevServer, FaultProxy, Client) {
    let server = DevServer::start()
        .await
        .expect("a dev server starts (run `cargo xtask setup`)");
    let proxy = FaultProxy::start(server.address()).await.expect("a proxy");
    let client = Client::new(
        Connection::connect(connection_options(proxy.address().to_string()))
            .await
            .expect("connects through the proxy"),
    )
    .with_call_options(call_options)
    .expect("valid call options");
    (server, proxy, client)
}

#[tokio::test]
async fn a_black_hole_is_ended_by_the_deadline_and_the_connection_recovers() {
    let deadline = Duration::from_millis(500);
    let (_server, proxy, client) = through_proxy(CallOptions::default().timeout(deadline)).await;
    client.count("").await.expect("answers before the fault");

    proxy.black_hole();
    let started = Instant::now();
    let err = client.count("").await.expect_err("nothing comes back");
    let waited = started.elapsed();
    assert!(err.is_timeout(), "{err:?}");
    assert!(
        waited >= deadline && waited < deadline + Duration::from_secs(1),
        "the deadline, not a hang, ended the call: {waited:?}"
    );

    proxy.pass();
    client.count("").await.expect("answers after the fault");
    assert_eq!(proxy.stats().connections_reset, 0);
}

#[tokio::test]
async fn refused_reconnections_are_retried_until_the_network_heals() {
    let (_server, proxy, client) = through_proxy(CallOptions::default()).await;
    client.count("").await.expect("answers before the fault");

    proxy.drop_new_connections();
    assert_eq!(proxy.reset_connections(), 1);
    let heal_later = async {
        tokio::time::sleep(Duration::from_millis(400)).await;
        proxy.pass();
    };
    let (counted, ()) = tokio::join!(client.count(""), heal_later);
    counted.expect("retried until a connection is let through");
    assert!(
        proxy.stats().connections_dropped >= 1,
        "reconnections were refused meanwhile: {:?}",
        proxy.stats()
    );
}
