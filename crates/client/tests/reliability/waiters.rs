//! 5,000 concurrent result waits on one client against a real dev server: the client
//! holds at most `max_concurrent_long_polls` of them open (the server refuses more than about
//! 1,200 long polls per namespace, workers' polls included) and queues the rest, so every
//! wait completes with its own value and the worker is never starved of poll slots.
//! Also prints the memory and CPU an idle wait costs.

use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use temporal_client::{Client, ClientOptions};
use temporal_testing::TestEnv;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

const WAITS: u64 = 5_000;
/// The workflows waited on: each by `WAITS / WORKFLOWS` waits. What the server limits is
/// concurrent long polls, not workflows; fewer workflows keep the test's runtime (their starts
/// and workflow tasks) within CI's budget on two cores.
const WORKFLOWS: u64 = 500;
/// How many starts are in flight at once.
const CONCURRENT_STARTS: usize = 100;
/// The outer bound: a regression fails instead of hanging CI.
const HANG: Duration = Duration::from_secs(180);

fn python_worker() -> Command {
    let mut command = Command::new(temporal_testing::python().expect("python is installed"));
    command.arg(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/it/workers/worker.py"
    ));
    command
}

/// This process's resident memory, in KiB (Linux).
fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// This process's CPU time (user and system) so far (Linux, 100 ticks a second).
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_thousand_concurrent_result_waits_on_one_client_all_complete_with_their_values() {
    tokio::time::timeout(HANG, waits_complete())
        .await
        .expect("every wait completes well within the bound");
}

async fn waits_complete() {
    let env = TestEnv::start_local()
        .await
        .expect("a dev server starts (run `cargo xtask setup`)");
    // The default bound on long polls (500).
    let client = Client::with_options(env.client().connection().clone(), ClientOptions::default())
        .expect("valid options");
    let began = Instant::now();

    // Started before any worker polls, so that every wait is a long poll the server holds.
    let permits = Arc::new(Semaphore::new(CONCURRENT_STARTS));
    let mut starts = JoinSet::new();
    for value in 0..WORKFLOWS {
        let (client, options) = (client.clone(), env.start_options("waiter"));
        let permit = Arc::clone(&permits).acquire_owned().await.expect("open");
        starts.spawn(async move {
            let handle = client.start("echo", (value,), options).await;
            drop(permit);
            (value, handle.expect("starts"))
        });
    }
    let mut handles = Vec::with_capacity(WORKFLOWS as usize);
    while let Some(started) = starts.join_next().await {
        handles.push(started.expect("the start task ends"));
    }
    eprintln!("{WORKFLOWS} workflows started in {:?}", began.elapsed());

    let rss_before = rss_kib();
    let mut waits = JoinSet::new();
    for _ in 0..WAITS / WORKFLOWS {
        for (value, handle) in &handles {
            let (value, handle) = (*value, handle.clone());
            waits.spawn(async move { (value, handle.result::<u64>().await) });
        }
    }
    // Every wait is now queued or held by the server: measure what an idle wait costs.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (rss_waiting, cpu_before) = (rss_kib(), cpu_time());
    tokio::time::sleep(Duration::from_secs(2)).await;
    if let (Some(before), Some(waiting), Some(cpu_start), Some(cpu_end)) =
        (rss_before, rss_waiting, cpu_before, cpu_time())
    {
        let per_wait = waiting.saturating_sub(before) as f64 / WAITS as f64;
        let cpu = (cpu_end - cpu_start).as_secs_f64() / 2.0;
        eprintln!(
            "idle waits: {per_wait:.1} KiB resident each ({before} KiB before, {waiting} KiB \
             with {WAITS} waiting); CPU {:.2} % of a core for all of them",
            cpu * 100.0
        );
    }

    let _worker = env
        .start_worker(python_worker())
        .await
        .expect("the Python test worker polls");
    let worker_started = Instant::now();
    let mut completed = 0;
    while let Some(joined) = waits.join_next().await {
        let (value, result) = joined.expect("the wait task ends");
        let echoed = result.unwrap_or_else(|err| panic!("wait {value} failed: {err:?}"));
        assert_eq!(
            echoed, value,
            "each wait gets the value of its own workflow"
        );
        completed += 1;
    }
    assert_eq!(completed, WAITS);
    eprintln!(
        "{WAITS} concurrent waits completed {:?} after the worker started ({:?} in all)",
        worker_started.elapsed(),
        began.elapsed()
    );
}

/// The bound itself, against a fake server that holds every poll: no more than the bound
/// reach the server, and the rest wait their turn in the client.
#[tokio::test]
async fn no_more_long_polls_than_the_bound_reach_the_server() {
    use crate::fake_server::{Answer, FakeServer};
    const HISTORY: &str = "GetWorkflowExecutionHistory";
    const BOUND: usize = 3;

    let fake = FakeServer::start().await;
    fake.script(HISTORY, [Answer::Hang]);
    let connection = temporal_client::Connection::connect(fake.options())
        .await
        .expect("connects to the fake");
    let client = Client::with_options(
        connection,
        ClientOptions::default().max_concurrent_long_polls(BOUND),
    )
    .expect("valid options");
    let mut waits = JoinSet::new();
    for id in 0..10 {
        let handle = client.get_handle::<temporal_client::Untyped>(format!("wf-{id}"));
        waits.spawn(async move { handle.result::<u64>().await });
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(fake.calls(HISTORY).len(), BOUND, "the others queue");
    waits.abort_all();
}

/// What every queued wait holds is its future: the gRPC call's state is allocated only while
/// a poll is sent (at most the bound's worth at once), and the lookup of a failed run only
/// when one fails, so a wait queued behind the bound holds about 2.4 KB, not the 6.3 KB it
/// held with both inline. The bound leaves room for the compiler's layout of futures.
#[tokio::test]
async fn a_queued_wait_holds_a_small_future() {
    const MOST_BYTES: usize = 3 * 1024;
    let connection = temporal_client::Connection::connect_lazy(
        temporal_client::ConnectionOptions::new("127.0.0.1:1"),
    )
    .expect("a lazy connection");
    let client = Client::new(connection);
    let handle = client.get_handle::<temporal_client::Untyped>("wf");
    let bytes = std::mem::size_of_val(&handle.result::<u64>());
    assert!(
        bytes <= MOST_BYTES,
        "a result() future is {bytes} bytes, over {MOST_BYTES}"
    );
}
