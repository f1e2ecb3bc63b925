//! Signals and queries round-trip with a Python workflow, and signal-with-start.

use temporal_client::{Error, QueryRejectCondition, WorkflowExecutionStatus};

use crate::support::TestEnv;

#[tokio::test]
async fn signals_change_state_that_queries_read() {
    let env = TestEnv::start().await;
    let handle = env
        .client
        .start("counter", (1,), env.options("counter"))
        .await
        .expect("started");
    handle
        .signal(temporal_client::by_name("increment").arg(5))
        .await
        .expect("signal");
    handle
        .signal(temporal_client::by_name("increment").arg(10))
        .await
        .expect("signal");
    let value: i64 = handle.query("value").await.expect("query");
    assert_eq!(value, 16);
    let plus: i64 = handle
        .query(temporal_client::by_name("valuePlus").arg(100))
        .await
        .expect("query with an argument");
    assert_eq!(plus, 116);

    let err = handle
        .query::<i64, _>("explode")
        .await
        .expect_err("the handler raises");
    let Error::QueryFailed { message } = &err else {
        panic!("expected QueryFailed, got {err:?}")
    };
    assert!(message.contains("the query handler exploded"), "{message}");
    let err = handle
        .query::<i64, _>("noSuchQuery")
        .await
        .expect_err("unknown query");
    assert!(matches!(err, Error::QueryFailed { .. }), "{err:?}");

    handle
        .signal("finish")
        .await
        .expect("signal without arguments");
    let result: i64 = handle.result().await.expect("completes");
    assert_eq!(result, 16);

    let closed: i64 = handle
        .query("value")
        .await
        .expect("a closed workflow answers");
    assert_eq!(closed, 16);
    let err = handle
        .query_with_reject_condition::<i64, _>("value", QueryRejectCondition::NotOpen)
        .await
        .expect_err("rejected: not open");
    assert!(
        matches!(
            err,
            Error::QueryRejected {
                status: Some(WorkflowExecutionStatus::Completed)
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn signal_with_start_starts_once_and_signals_every_time() {
    let env = TestEnv::start().await;
    let options = env.options("sws");
    let first = env
        .client
        .signal_with_start(
            "counter",
            (1,),
            options.clone(),
            temporal_client::by_name("increment").arg(2),
        )
        .await
        .expect("starts and signals");
    let run = first
        .signaled_run_id()
        .expect("the signaled run")
        .to_owned();
    let second = env
        .client
        .signal_with_start(
            "counter",
            (1,),
            options,
            temporal_client::by_name("increment").arg(3),
        )
        .await
        .expect("signals the running workflow");
    assert_eq!(
        second.signaled_run_id(),
        Some(run.as_str()),
        "no second run"
    );
    let value: i64 = first.query("value").await.expect("query");
    assert_eq!(value, 6);
}

#[tokio::test]
async fn signalling_a_missing_workflow_is_not_found() {
    let env = TestEnv::start().await;
    let err = env
        .client
        .get_handle::<temporal_client::Untyped>("no-such-workflow")
        .signal(temporal_client::by_name("increment").arg(1))
        .await
        .expect_err("nothing to signal");
    assert!(err.is_not_found(), "{err:?}");
    let temporal_client::Error::NotFound(missing) = &err else {
        unreachable!()
    };
    assert_eq!(missing.workflow_id, "no-such-workflow");
    assert_eq!(missing.run_id, None);
    assert!(
        err.to_string()
            .starts_with("workflow `no-such-workflow` not found"),
        "{err}"
    );

    // A pinned run is named too.
    let run_id = "0196e7a1-5b2c-7d3e-8f40-123456789abc";
    let err = env
        .client
        .get_handle::<temporal_client::Untyped>("no-such-workflow")
        .with_run_id(run_id)
        .signal("increment")
        .await
        .expect_err("nothing to signal");
    assert!(
        matches!(&err, temporal_client::Error::NotFound(missing) if missing.run_id.as_deref() == Some(run_id)),
        "{err:?}"
    );
}
