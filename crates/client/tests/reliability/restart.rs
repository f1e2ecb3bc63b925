//! The dev server is killed and restarted (same db file, same port) while 200 workflows are
//! awaited: every result still arrives, once, and no error reaches the caller.

use std::collections::BTreeMap;
use std::process::Command;
use std::time::{Duration, Instant};

use temporal_testing::{DevServerOptions, TestEnv, WorkerProcess};
use tokio::task::JoinSet;

const WORKFLOWS: i64 = 200;
/// Long enough for every waiting long poll to fail and be retried, short enough for the
/// client's default retry budget (10 s).
const DOWNTIME: Duration = Duration::from_secs(2);

fn python_worker() -> Command {
    let mut command = Command::new(temporal_testing::python().expect("python is installed"));
    command.arg(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/it/workers/worker.py"
    ));
    command
}

/// A SQLite file in the temp dir, deleted (with its journal files) when dropped.
struct TempDb(std::path::PathBuf);

impl Drop for TempDb {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut path = self.0.clone().into_os_string();
            path.push(suffix);
            let _ = std::fs::remove_file(path);
        }
    }
}

async fn start_worker(env: &TestEnv) -> WorkerProcess {
    env.start_worker(python_worker())
        .await
        .expect("the Python test worker polls")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn results_awaited_across_a_server_restart_all_arrive_once() {
    let db = TempDb(std::env::temp_dir().join(format!("restart-{}.db", uuid::Uuid::new_v4())));
    let mut env = TestEnv::start_local_with(DevServerOptions::default().db_file(&db.0))
        .await
        .expect("a dev server starts (run `cargo xtask setup`)");
    let worker = start_worker(&env).await;
    let test_start = Instant::now();

    // 200 counters, each started with its own value, which is its result when finished.
    let mut starts = JoinSet::new();
    for value in 0..WORKFLOWS {
        let (client, options) = (env.client().clone(), env.start_options("restart"));
        starts.spawn(async move {
            let handle = client.start("counter", (value,), options).await?;
            Ok::<_, temporal_client::Error>((value, handle))
        });
    }
    let mut handles = BTreeMap::new();
    while let Some(started) = starts.join_next().await {
        let (value, handle) = started.expect("no panic").expect("start");
        handles.insert(value, handle);
    }

    eprintln!(
        "{WORKFLOWS} workflows started after {:?}",
        test_start.elapsed()
    );
    let mut waits = JoinSet::new();
    for (&value, handle) in &handles {
        let handle = handle.clone();
        waits.spawn(async move { (value, handle.result::<i64>().await) });
    }
    // Let every wait reach its long poll, then take the server away under them.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        waits.try_join_next().is_none(),
        "a result arrived too early"
    );
    drop(worker);
    let outage = Instant::now();
    env.dev_server_mut()
        .expect("a dev server")
        .restart_after(DOWNTIME)
        .await
        .expect("the dev server restarts on its db file and port");
    let outage = outage.elapsed();
    let _worker = start_worker(&env).await;
    eprintln!("server and worker back after {:?}", test_start.elapsed());
    assert!(
        waits.try_join_next().is_none(),
        "a result arrived before `finish`"
    );

    let mut finishes = JoinSet::new();
    for handle in handles.values() {
        let handle = handle.clone();
        finishes.spawn(async move { handle.signal("finish").await });
    }
    while let Some(finished) = finishes.join_next().await {
        finished.expect("no panic").expect("finish is delivered");
    }

    eprintln!("every workflow signalled after {:?}", test_start.elapsed());
    let mut results = BTreeMap::new();
    let deadline = Duration::from_secs(45);
    while let Some(joined) = tokio::time::timeout(deadline, waits.join_next())
        .await
        .expect("every result arrives in time")
    {
        let (value, result) = joined.expect("no panic");
        let result = result.unwrap_or_else(|err| panic!("workflow {value}: {err:?}"));
        assert_eq!(result, value, "workflow {value} returned another's result");
        assert!(results.insert(value, result).is_none(), "{value} twice");
    }
    assert_eq!(results.len(), handles.len());
    assert_eq!(results.len(), WORKFLOWS as usize);
    eprintln!(
        "every result arrived after {:?}; the server was down for {outage:?}",
        test_start.elapsed()
    );
}
