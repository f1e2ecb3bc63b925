//! `result()` in every terminal state, and the failure chains it decodes.

use std::time::Duration;

use temporal_client::{Error, FailureKind, RetryPolicy, RetryState, TimeoutType, WorkflowOutcome};

use crate::support::TestEnv;

fn workflow_failed(err: Error) -> Box<temporal_client::WorkflowFailed> {
    match err {
        Error::WorkflowFailed(failed) => failed,
        other => panic!("expected WorkflowFailed, got {other:?}"),
    }
}

#[tokio::test]
async fn execute_returns_the_result_of_a_python_workflow() {
    let env = TestEnv::start().await;
    let greeting: String = env
        .client
        .execute("example", ("Temporal",), env.options("hello"))
        .await
        .expect("the workflow completes");
    assert_eq!(greeting, "Hello, Temporal!");
}

#[tokio::test]
async fn a_start_handle_knows_its_run_and_a_fresh_handle_gets_the_same_result() {
    let env = TestEnv::start().await;
    let handle = env
        .client
        .start("example", ("again",), env.options("handle"))
        .await
        .expect("started");
    assert!(
        handle
            .first_execution_run_id()
            .is_some_and(|run| !run.is_empty())
    );
    assert_eq!(
        handle.run_id(),
        None,
        "signals and queries go to the latest run"
    );
    let by_id = env
        .client
        .get_handle::<temporal_client::Untyped>(handle.workflow_id());
    let greeting: String = by_id.result().await.expect("completes");
    assert_eq!(greeting, "Hello, again!");
    let unit: () = env
        .client
        .execute("noResult", (), env.options("unit"))
        .await
        .expect("a workflow without a result completes");
    assert_eq!(unit, ());
}

#[tokio::test]
async fn a_failed_workflow_carries_its_application_failure() {
    let env = TestEnv::start().await;
    let err = env
        .client
        .execute::<(), _, _>("fail", ("out of money",), env.options("fail"))
        .await
        .expect_err("the workflow fails");
    let failed = workflow_failed(err);
    assert_eq!(failed.retry_state, Some(RetryState::RetryPolicyNotSet));
    assert_eq!(failed.outcome(), WorkflowOutcome::Failed);
    assert_eq!(failed.application_failure_type(), Some("CardDeclined"));
    assert!(
        failed.to_string().ends_with("failed: out of money"),
        "Display says why: {failed}"
    );
    let failure = &failed.failure;
    assert_eq!(failure.message(), "out of money");
    assert!(
        !failure.stack_trace().is_empty(),
        "Python records a stack trace"
    );
    let FailureKind::Application(app) = failure.kind() else {
        panic!("expected an application failure: {failure:?}")
    };
    assert_eq!(app.type_name, "CardDeclined");
    assert!(app.non_retryable);
    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Code {
        code: u32,
    }
    assert_eq!(
        app.details.get::<Code>(0).expect("typed details"),
        Code { code: 51 }
    );
    assert_eq!(
        app.details.get::<String>(1).expect("typed details"),
        "retry later"
    );
    let report = std::error::Error::source(&*failed).expect("the failure is the source");
    assert_eq!(
        report.to_string(),
        "application failure CardDeclined: out of money"
    );
}

#[tokio::test]
async fn an_activity_failure_is_a_cause_chain() {
    let env = TestEnv::start().await;
    let err = env
        .client
        .execute::<String, _, _>("activityFails", (), env.options("activity"))
        .await
        .expect_err("the workflow fails with its activity");
    let failed = workflow_failed(err);
    let kinds: Vec<String> = failed
        .failure
        .chain()
        .map(|f| match f.kind() {
            FailureKind::Activity { activity_type, .. } => format!("activity {activity_type}"),
            FailureKind::Application(app) => format!("application {}", app.type_name),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        kinds,
        ["activity charge", "application CardDeclined"],
        "{:?}",
        failed.failure
    );
    assert_eq!(failed.failure.root_cause().message(), "card declined for 7");
    assert_eq!(failed.application_failure_type(), Some("CardDeclined"));
    assert!(
        failed.to_string().ends_with("failed: card declined for 7"),
        "{failed}"
    );
}

#[tokio::test]
async fn result_follows_continue_as_new_unless_told_not_to() {
    let env = TestEnv::start().await;
    let handle = env
        .client
        .start("continueAsNew", (3,), env.options("can"))
        .await
        .expect("started");
    let first_run = handle.first_execution_run_id().expect("a run").to_owned();
    let err = handle
        .clone()
        .without_following_runs()
        .result::<String>()
        .await
        .expect_err("the first run continues as new");
    let Error::ContinuedAsNew { new_run_id } = err else {
        panic!("expected ContinuedAsNew, got {err:?}")
    };
    assert_ne!(new_run_id, first_run);
    let message: String = handle.result().await.expect("the chain completes");
    assert!(message.starts_with("done in run "), "{message}");
    assert!(
        !message.ends_with(&first_run),
        "the result comes from the last run"
    );
}

#[tokio::test]
async fn result_follows_a_retried_workflow() {
    let env = TestEnv::start().await;
    let options = env.options("retry").retry_policy(
        RetryPolicy::default()
            .maximum_attempts(2)
            .initial_interval(Duration::from_millis(100)),
    );
    let attempt: i64 = env
        .client
        .execute("failFirstAttempt", (), options)
        .await
        .expect("the second attempt succeeds");
    assert_eq!(attempt, 2);
}

#[tokio::test]
async fn a_timed_out_workflow_fails_with_a_timeout() {
    let env = TestEnv::start().await;
    let options = env.options("timeout").run_timeout(Duration::from_secs(1));
    let err = env
        .client
        .execute::<(), _, _>("sleep", (30.0,), options)
        .await
        .expect_err("the run times out");
    let failed = workflow_failed(err);
    assert!(matches!(
        failed.failure.kind(),
        FailureKind::Timeout {
            timeout_type: Some(TimeoutType::StartToClose),
            ..
        }
    ));
    assert_eq!(failed.retry_state, Some(RetryState::RetryPolicyNotSet));
    assert!(failed.is_timed_out() && !failed.is_cancelled());
    assert_eq!(failed.application_failure_type(), None);
}

#[tokio::test]
async fn cancel_and_terminate_close_the_workflow_as_they_say() {
    let env = TestEnv::start().await;
    let cancelled = env
        .client
        .start("waitForever", (), env.options("cancel"))
        .await
        .expect("started");
    cancelled.cancel().await.expect("cancel is accepted");
    let failed = workflow_failed(cancelled.result::<()>().await.expect_err("cancelled"));
    assert!(
        matches!(failed.failure.kind(), FailureKind::Cancelled { .. }),
        "{:?}",
        failed.failure
    );
    assert!(failed.is_cancelled(), "{failed}");
    assert!(failed.to_string().ends_with("was cancelled"), "{failed}");

    let terminated = env
        .client
        .start("waitForever", (), env.options("terminate"))
        .await
        .expect("started");
    terminated
        .terminate_with_details("no longer needed", ("details",))
        .await
        .expect("terminate is accepted");
    let failed = workflow_failed(terminated.result::<()>().await.expect_err("terminated"));
    assert!(matches!(
        failed.failure.kind(),
        FailureKind::Terminated { .. }
    ));
    assert_eq!(failed.failure.message(), "no longer needed");
    assert_eq!(failed.failure.to_string(), "terminated: no longer needed");
    assert_eq!(failed.outcome(), WorkflowOutcome::Terminated);
    assert!(
        failed
            .to_string()
            .ends_with("was terminated: no longer needed"),
        "{failed}"
    );

    let err = env
        .client
        .get_handle::<temporal_client::Untyped>("never-started")
        .cancel()
        .await
        .expect_err("nothing to cancel");
    assert!(err.is_not_found(), "{err:?}");
}
