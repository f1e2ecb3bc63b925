//! Start's input checks, id conflicts and namespaces.

use temporal_client::{Client, ClientOptions, Error, StartOptions, WorkflowIdReusePolicy};

use crate::support::TestEnv;

#[tokio::test]
async fn bad_input_is_refused_before_anything_is_sent() {
    let env = TestEnv::start().await;
    let cases = [
        (
            StartOptions::new("", &env.task_queue),
            "example",
            "workflow_id",
        ),
        (
            StartOptions::new("x".repeat(1001), &env.task_queue),
            "example",
            "workflow_id",
        ),
        (StartOptions::new("ok", ""), "example", "task_queue"),
        (
            StartOptions::new("ok", &env.task_queue),
            "",
            "workflow_type",
        ),
    ];
    for (options, workflow_type, expected) in cases {
        match env.client.start(workflow_type, (), options).await {
            Err(Error::InvalidArgument { field, .. }) => assert_eq!(field, expected),
            other => panic!("expected InvalidArgument({expected}), got {other:?}"),
        }
    }
    let unserializable = std::collections::HashMap::from([((1, 2), "tuple keys are not JSON")]);
    let err = env
        .client
        .start("echo", (unserializable,), env.options("bad-arg"))
        .await
        .expect_err("the argument does not serialize");
    assert!(matches!(err, Error::Conversion(_)), "{err:?}");
}

#[tokio::test]
async fn a_second_start_with_the_same_id_is_already_started() {
    let env = TestEnv::start().await;
    let options = env
        .options("dup")
        .id_reuse_policy(WorkflowIdReusePolicy::RejectDuplicate);
    let first = env
        .client
        .start("waitForever", (), options.clone())
        .await
        .expect("started");
    let err = env
        .client
        .start("waitForever", (), options)
        .await
        .expect_err("the id is taken");
    let Error::AlreadyStarted {
        workflow_id,
        run_id,
    } = &err
    else {
        panic!("expected AlreadyStarted, got {err:?}")
    };
    assert_eq!(workflow_id, first.workflow_id());
    assert_eq!(Some(run_id.as_str()), first.first_execution_run_id());
    assert!(err.is_already_started());
}

#[tokio::test]
async fn an_unknown_namespace_is_named_in_the_error() {
    let env = TestEnv::start().await;
    let client = Client::with_options(
        env.client.connection().clone(),
        ClientOptions::default().namespace("no-such-namespace"),
    )
    .expect("a valid namespace name");
    let err = client
        .start("example", ("x",), env.options("ns"))
        .await
        .expect_err("the namespace does not exist");
    assert!(
        matches!(&err, Error::NamespaceNotFound { namespace } if namespace == "no-such-namespace"),
        "{err:?}"
    );
    assert!(
        Client::with_options(
            env.client.connection().clone(),
            ClientOptions::default().namespace("")
        )
        .is_err()
    );
}

#[tokio::test]
async fn oversized_arguments_are_refused_and_never_retried() {
    let env = TestEnv::start().await;
    let too_big = "x".repeat(5 * 1024 * 1024);
    let err = env
        .client
        .start("echo", (&too_big,), env.options("huge"))
        .await
        .expect_err("over the gRPC message limit");
    assert!(
        matches!(err, Error::InvalidArgument { field: "args", .. }),
        "refused before sending: {err:?}"
    );

    // Under the message limit but over the server's 2 MB blob limit: the server refuses it,
    // and the refusal comes at once, not after retries.
    let started = std::time::Instant::now();
    let err = env
        .client
        .start("echo", (&"x".repeat(3_000_000),), env.options("big"))
        .await
        .expect_err("over the blob limit");
    let Error::Rpc(rpc) = &err else {
        panic!("expected Rpc, got {err:?}")
    };
    assert_eq!(rpc.code(), temporal_client::Code::InvalidArgument);
    assert!(!rpc.is_retryable());
    assert!(
        started.elapsed() < std::time::Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}
