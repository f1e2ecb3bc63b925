//! Typed contracts drive the Python workflows: the compiler checks the calls, the wire carries
//! the names and payloads the Python worker expects.

use temporal_client::{Error, workflow};

use crate::support::TestEnv;

/// The Python `counter` workflow: starts from a number, counts signals, answers queries.
#[workflow(name = "counter", rename_all = "camelCase")]
pub trait Counter {
    #[run]
    async fn run(&mut self, start: i64) -> i64;

    /// Adds to the count.
    #[signal]
    fn increment(&mut self, amount: i64);

    #[signal]
    fn finish(&mut self);

    #[query(name = "value")]
    fn current(&self) -> i64;

    /// The count plus `extra` (camelCase: `valuePlus`).
    #[query]
    fn value_plus(&self, extra: i64) -> i64;
}

/// The Python `describeArgs` workflow: three parameters, one payload each.
#[workflow(name = "describeArgs")]
trait DescribeArgs {
    #[run]
    async fn run(&mut self, text: String, number: i64, flag: bool) -> String;
}

/// The Python `example` workflow.
#[workflow(name = "example")]
trait Greeting {
    #[run]
    async fn run(&mut self, name: String) -> String;
}

#[tokio::test]
async fn a_typed_contract_starts_signals_queries_and_awaits() {
    let env = TestEnv::start().await;
    let handle = env
        .client
        .start(Counter, 1, env.options("typed-counter"))
        .await
        .expect("started");
    handle.signal(Counter::increment(5)).await.expect("signal");
    handle.signal(Counter::increment(10)).await.expect("signal");
    let value = handle.query(Counter::current).await.expect("query");
    assert_eq!(value, 16);
    let plus = handle
        .query(Counter::value_plus(100))
        .await
        .expect("renamed query");
    assert_eq!(plus, 116);

    // The same workflow through a typed handle got by id, in one call.
    let by_id = env.client.get_handle::<Counter>(handle.workflow_id());
    by_id
        .signal(Counter::finish)
        .await
        .expect("signal without arguments");
    let result: i64 = by_id.result().await.expect("completes");
    assert_eq!(result, 16);

    // Both ways between typed and untyped handles.
    let untyped = by_id.into_untyped();
    let value: i64 = untyped.query("value").await.expect("by name");
    assert_eq!(value, 16);
    let typed = untyped.into_typed::<Counter>();
    assert_eq!(
        typed.query(Counter::current).await.expect("typed again"),
        16
    );
}

#[tokio::test]
async fn multi_argument_workflows_take_their_natural_parameters() {
    let env = TestEnv::start().await;
    let text = env
        .client
        .execute(
            DescribeArgs,
            ("x".to_owned(), 7, true),
            env.options("typed-args"),
        )
        .await
        .expect("completes");
    assert_eq!(text, "x|7|True");
    let greeting = env
        .client
        .execute(Greeting, "Temporal".to_owned(), env.options("typed-hello"))
        .await
        .expect("completes");
    assert_eq!(greeting, "Hello, Temporal!");
}

#[tokio::test]
async fn typed_signal_with_start_checks_the_signal_against_the_workflow() {
    let env = TestEnv::start().await;
    let handle = env
        .client
        .signal_with_start(Counter, 1, env.options("typed-sws"), Counter::increment(2))
        .await
        .expect("starts and signals");
    assert_eq!(handle.query(Counter::current).await.expect("query"), 3);
    let err = handle
        .into_untyped()
        .query::<i64, _>("noSuchQuery")
        .await
        .expect_err("the escape hatch still reaches the worker");
    assert!(matches!(err, Error::QueryFailed { .. }), "{err:?}");
}
