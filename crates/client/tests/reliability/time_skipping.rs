//! The time-skipping test server: timers fire at once while a result is awaited, and
//! `TestEnv::sleep` moves the server's clock; a client without the `AutoTimeSkipping`
//! interceptor waits in real time.

use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

use temporal_client::proto::api::testservice::v1::{
    LockTimeSkippingRequest, UnlockTimeSkippingRequest,
};
use temporal_client::{Client, ClientOptions};
use temporal_testing::{AutoTimeSkipping, TestEnv, WorkerProcess};

const DAY: Duration = Duration::from_secs(24 * 3600);

/// A time-skipping environment with the Python test worker polling its task queue.
async fn start() -> (TestEnv, WorkerProcess) {
    let env = TestEnv::start_time_skipping()
        .await
        .expect("the time-skipping test server starts (run `cargo xtask setup`)");
    let mut worker = Command::new(temporal_testing::python().expect("python is installed"));
    worker.arg(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/it/workers/worker.py"
    ));
    let worker = env
        .start_worker(worker)
        .await
        .expect("the Python test worker starts");
    (env, worker)
}

fn elapsed(from: SystemTime, to: SystemTime) -> Duration {
    to.duration_since(from)
        .expect("the server's clock never goes back")
}

#[tokio::test]
async fn a_workflow_sleeping_a_day_returns_within_seconds_through_result() {
    let (env, _worker) = start().await;
    let server_start = env.current_time().await.expect("current time");
    let wall_start = Instant::now();

    let handle = env
        .client()
        .start(
            "sleep",
            (DAY.as_secs_f64(),),
            env.start_options("day-long-nap"),
        )
        .await
        .expect("start");
    let () = handle.result().await.expect("the workflow completes");

    let wall = wall_start.elapsed();
    let server = elapsed(
        server_start,
        env.current_time().await.expect("current time"),
    );
    assert!(wall < Duration::from_secs(20), "took {wall:?} of real time");
    assert!(server >= DAY, "the server's clock moved only {server:?}");
}

#[tokio::test]
async fn sleep_advances_current_time_by_the_duration() {
    let (env, _worker) = start().await;
    let before = env.current_time().await.expect("current time");
    let wall_start = Instant::now();

    env.sleep(Duration::from_secs(3 * 3600))
        .await
        .expect("sleep");

    let wall = wall_start.elapsed();
    let moved = elapsed(before, env.current_time().await.expect("current time"));
    assert!(
        wall < Duration::from_secs(10),
        "sleep took {wall:?} of real time"
    );
    // The clock moves by the duration, plus the real time the calls took.
    assert!(
        moved >= Duration::from_secs(3 * 3600)
            && moved < Duration::from_secs(3 * 3600) + wall + Duration::from_secs(1),
        "the clock moved {moved:?}"
    );
}

#[tokio::test]
async fn without_the_interceptor_a_result_wait_does_not_skip_time() {
    let (env, _worker) = start().await;
    // The same server and connection, without `AutoTimeSkipping`.
    let plain = Client::new(env.client().connection().clone());
    let before = env.current_time().await.expect("current time");

    let handle = plain
        .start("sleep", (DAY.as_secs_f64(),), env.start_options("no-skip"))
        .await
        .expect("start");
    let waited = tokio::time::timeout(Duration::from_secs(3), handle.result::<()>()).await;
    assert!(waited.is_err(), "the plain wait returned: {waited:?}");
    let moved = elapsed(before, env.current_time().await.expect("current time"));
    assert!(moved < Duration::from_secs(60), "the clock moved {moved:?}");

    // The same workflow, awaited through a client with the interceptor installed by hand,
    // completes at once.
    let connection = env.client().connection().clone();
    let options = ClientOptions::default().interceptor(AutoTimeSkipping::new(&connection));
    let skipping = Client::with_options(connection, options)
        .expect("valid options")
        .get_handle::<temporal_client::Untyped>(handle.workflow_id());
    let () = tokio::time::timeout(Duration::from_secs(20), skipping.result())
        .await
        .expect("the skipping wait returns in time")
        .expect("the workflow completes");
    let moved = elapsed(before, env.current_time().await.expect("current time"));
    assert!(moved >= DAY, "the clock moved only {moved:?}");
}

#[tokio::test]
async fn a_result_wait_dropped_midway_locks_the_clock_again() {
    let (env, _worker) = start().await;
    let mut test_service = env.client().connection().raw_test_service();
    // An extra lock, so that the clock stays still while the wait below has it unlocked (the
    // server would otherwise skip to the workflow's run timeout at once).
    test_service
        .lock_time_skipping(LockTimeSkippingRequest {})
        .await
        .expect("lock");
    let forever = env
        .client()
        .start("waitForever", (), env.start_options("forever"))
        .await
        .expect("start");
    let abandoned = tokio::time::timeout(Duration::from_millis(500), forever.result::<()>()).await;
    assert!(abandoned.is_err(), "waitForever returned: {abandoned:?}");
    // Give the background relock a moment, then take the extra lock back.
    tokio::time::sleep(Duration::from_millis(200)).await;
    test_service
        .unlock_time_skipping(UnlockTimeSkippingRequest {})
        .await
        .expect("unlock");

    // Locked again: a plain client's wait does not skip time...
    let plain = Client::new(env.client().connection().clone());
    let before = env.current_time().await.expect("current time");
    let sleeper = plain
        .start(
            "sleep",
            (DAY.as_secs_f64(),),
            env.start_options("after-drop"),
        )
        .await
        .expect("start");
    let waited = tokio::time::timeout(Duration::from_secs(2), sleeper.result::<()>()).await;
    assert!(waited.is_err(), "the plain wait returned: {waited:?}");
    let moved = elapsed(before, env.current_time().await.expect("current time"));
    assert!(moved < Duration::from_secs(60), "the clock moved {moved:?}");

    // ...and locked exactly once: one unlock (this sleep) lets it skip again.
    tokio::time::timeout(Duration::from_secs(10), env.sleep(DAY))
        .await
        .expect("the clock skips after one unlock")
        .expect("sleep");
    let () = tokio::time::timeout(Duration::from_secs(10), sleeper.result())
        .await
        .expect("the sleeper's timer fired during the skip")
        .expect("the workflow completes");
}
