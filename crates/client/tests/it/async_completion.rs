//! Async activity completion: a Python activity hands its task token over and returns
//! without a result; the client completes, fails, heartbeats and cancels it, by token and
//! by id, and the workflow sees each outcome.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use temporal_client::{
    Client, DataConverter, EncodedValues, Error, Failure, FailureKind, StartOptions, Untyped,
    WorkflowHandle,
};
use temporal_testing::WorkerProcess;

use crate::support::unique;

/// A dev server, the async-completion worker, and the directory it writes tokens to.
struct AsyncEnv {
    client: Client,
    token_dir: PathBuf,
    _worker: WorkerProcess,
    env: temporal_testing::TestEnv,
}

impl AsyncEnv {
    async fn start() -> Self {
        let env = temporal_testing::TestEnv::start_local()
            .await
            .expect("a dev server starts (run `cargo xtask setup`)");
        let token_dir = std::env::temp_dir().join(unique("async-tokens"));
        std::fs::create_dir_all(&token_dir).expect("a token directory");
        let mut command = Command::new(temporal_testing::python().expect("python is installed"));
        command
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/it/workers/async_completion_worker.py"
            ))
            .arg("--token-dir")
            .arg(&token_dir);
        let worker = env
            .start_worker(command)
            .await
            .expect("the async-completion worker polls");
        Self {
            client: env.client().clone(),
            token_dir,
            _worker: worker,
            env,
        }
    }

    /// Starts `asyncActivity` for `item`, and waits for its activity to hand over its token.
    async fn start_workflow(&self, item: &str) -> (WorkflowHandle<Untyped>, Vec<u8>) {
        let handle = self
            .client
            .start("asyncActivity", (item,), self.options())
            .await
            .expect("started");
        let path = self
            .token_dir
            .join(format!("{}.token", handle.workflow_id()));
        for _ in 0..300 {
            if let Ok(token) = std::fs::read(&path) {
                return (handle, token);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the activity never wrote its token to {}", path.display());
    }

    fn options(&self) -> StartOptions {
        self.env.start_options("async")
    }
}

impl Drop for AsyncEnv {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.token_dir);
    }
}

#[tokio::test]
async fn an_activity_completed_by_token_returns_the_result_to_its_workflow() {
    let env = AsyncEnv::start().await;
    let (handle, token) = env.start_workflow("sku-1").await;
    let activity = env.client.get_async_activity_handle(token);

    let answer = activity
        .heartbeat(("packing",))
        .await
        .expect("heartbeat recorded");
    assert!(!answer.cancel_requested, "{answer:?}");
    activity
        .complete(&"shipped sku-1")
        .await
        .expect("completed");

    let result: String = handle.result().await.expect("the workflow completes");
    assert_eq!(result, "shipped sku-1");

    // The activity is done: a second completion finds nothing to complete.
    let again = activity.complete(&"twice").await.unwrap_err();
    assert!(again.is_not_found(), "{again:?}");
}

#[tokio::test]
async fn an_activity_failed_by_id_fails_its_workflow_with_the_decoded_failure() {
    let env = AsyncEnv::start().await;
    let (handle, _token) = env.start_workflow("sku-2").await;
    let activity = env
        .client
        .get_async_activity_handle_by_id(handle.workflow_id(), "", "ship");

    activity
        .heartbeat(("checking stock", 3))
        .await
        .expect("heartbeat by id recorded");
    let converter = DataConverter::default();
    let details = EncodedValues::new(
        converter.to_payloads(&("sku-2", 0)).expect("converts"),
        converter,
    );
    activity
        .fail(
            &Failure::application("out of stock", "OutOfStock")
                .non_retryable()
                .with_details(details),
        )
        .await
        .expect("failed");

    let error = handle.result::<String>().await.unwrap_err();
    let Error::WorkflowFailed(failed) = error else {
        panic!("expected WorkflowFailed, got {error:?}")
    };
    // The Python workflow re-raised the activity error: workflow > activity > application.
    let root = failed.failure.root_cause();
    assert_eq!(root.message(), "out of stock");
    let FailureKind::Application(app) = root.kind() else {
        panic!("{root:?}")
    };
    assert_eq!(app.type_name, "OutOfStock");
    assert!(app.non_retryable);
    assert_eq!(app.details.get::<String>(0).expect("typed"), "sku-2");
    assert_eq!(app.details.get::<i64>(1).expect("typed"), 0);
    assert!(
        failed
            .failure
            .chain()
            .any(|link| matches!(link.kind(), FailureKind::Activity { activity_id, .. } if activity_id == "ship")),
        "{:?}",
        failed.failure
    );
}

#[tokio::test]
async fn a_heartbeat_reports_a_requested_cancellation_and_the_activity_reports_it_done() {
    let env = AsyncEnv::start().await;
    let (handle, token) = env.start_workflow("sku-3").await;
    let activity = env.client.get_async_activity_handle(token);
    assert!(
        !activity
            .heartbeat(())
            .await
            .expect("heartbeat")
            .cancel_requested
    );

    handle.signal("cancelActivity").await.expect("signaled");
    let mut cancel_requested = false;
    for _ in 0..100 {
        if activity
            .heartbeat(("stopping",))
            .await
            .expect("heartbeat")
            .cancel_requested
        {
            cancel_requested = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        cancel_requested,
        "the heartbeat never reported the cancellation"
    );
    activity
        .report_cancellation_with_details(("stopped after packing",))
        .await
        .expect("cancellation reported");

    let result: String = handle.result().await.expect("the workflow completes");
    assert_eq!(result, "cancelled: stopped after packing");
}

#[tokio::test]
async fn an_unknown_activity_is_not_found_and_a_malformed_token_is_refused() {
    let env = AsyncEnv::start().await;
    let unknown =
        env.client
            .get_async_activity_handle_by_id(unique("no-such-workflow"), "", "ship");
    let error = unknown.complete(&"anything").await.unwrap_err();
    assert!(error.is_not_found(), "{error:?}");
    let error = unknown.heartbeat(()).await.unwrap_err();
    assert!(error.is_not_found(), "{error:?}");

    let error = env
        .client
        .get_async_activity_handle(b"not a task token".to_vec())
        .complete(&"anything")
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Rpc(rpc) if rpc.code() == temporal_client::Code::InvalidArgument),
        "{error:?}"
    );
}
