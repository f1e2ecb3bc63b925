//! Retrying safely when an outcome is unknown: an update sent again with the same update id
//! is applied once, a start sent again with the same request id returns the same run, and a
//! signal-with-start sent again with the same request id signals once.

use temporal_client::{
    Error, OnConflict, StartOptions, Untyped, UpdateOptions, UpdateStage, WithStartWorkflow,
    by_name,
};

use crate::support::TestEnv;

#[tokio::test]
async fn an_update_sent_twice_with_one_id_is_applied_once() {
    let env = TestEnv::start().await;
    let handle = env
        .client
        .start("counter", (1,), env.options("update-once"))
        .await
        .expect("started");
    handle.signal("release").await.expect("released");

    let options = UpdateOptions::new().id("add-five");
    let first: i64 = handle
        .execute_update_with_options(by_name("addWhenReleased").arg(5), options.clone())
        .await
        .expect("the first update");
    // The caller did not learn the outcome, and sends the same update again.
    let second: i64 = handle
        .execute_update_with_options(by_name("addWhenReleased").arg(5), options)
        .await
        .expect("the retried update");
    assert_eq!(
        (first, second),
        (6, 6),
        "the retry answers the first outcome"
    );
    let value: i64 = handle.query("value").await.expect("query");
    assert_eq!(value, 6, "the update ran once");

    // Without an id, each call is an update of its own.
    let _: i64 = handle
        .execute_update(by_name("addWhenReleased").arg(5))
        .await
        .expect("a fresh update");
    let _: i64 = handle
        .execute_update(by_name("addWhenReleased").arg(5))
        .await
        .expect("another fresh update");
    let value: i64 = handle.query("value").await.expect("query");
    assert_eq!(value, 16);
}

#[tokio::test]
async fn an_update_sent_again_while_in_flight_is_the_same_update() {
    let env = TestEnv::start().await;
    let handle = env
        .client
        .start("counter", (1,), env.options("update-in-flight"))
        .await
        .expect("started");
    let options = UpdateOptions::new()
        .id("add-in-flight")
        .wait_for(UpdateStage::Accepted);
    let first = handle
        .start_update_with_options::<i64, _>(by_name("addWhenReleased").arg(5), options.clone())
        .await
        .expect("accepted");
    let second = handle
        .start_update_with_options::<i64, _>(by_name("addWhenReleased").arg(5), options)
        .await
        .expect("accepted again");
    assert_eq!(first.id(), "add-in-flight");
    assert_eq!(second.id(), "add-in-flight");
    handle.signal("release").await.expect("released");
    assert_eq!(first.result().await.expect("result"), 6);
    assert_eq!(second.result().await.expect("result"), 6);
    let value: i64 = handle.query("value").await.expect("query");
    assert_eq!(value, 6, "the update ran once");
}

#[tokio::test]
async fn an_empty_update_id_is_refused_before_sending() {
    let env = TestEnv::start().await;
    let error = env
        .client
        .get_handle::<Untyped>("never-started")
        .execute_update_with_options::<i64, _>(
            by_name("setValue").arg(1),
            UpdateOptions::new().id(""),
        )
        .await
        .expect_err("refused");
    assert!(
        matches!(
            error,
            Error::InvalidArgument {
                field: "update_id",
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_start_sent_twice_with_one_request_id_returns_the_same_run() {
    let env = TestEnv::start().await;
    let options = env.options("start-once").request_id("order-1234-start");
    let first = env
        .client
        .start("counter", (1,), options.clone())
        .await
        .expect("started");
    let second = env
        .client
        .start("counter", (1,), options.clone())
        .await
        .expect("the retried start returns the run, not AlreadyStarted");
    assert!(first.first_execution_run_id().is_some());
    assert_eq!(
        first.first_execution_run_id(),
        second.first_execution_run_id()
    );

    // Another request id for the same workflow id is another start, refused.
    let other = env
        .client
        .start("counter", (1,), options.request_id("another-start"))
        .await
        .expect_err("the id is taken");
    assert!(other.is_already_started(), "{other:?}");
}

#[tokio::test]
async fn a_signal_with_start_sent_twice_with_one_request_id_signals_once() {
    let env = TestEnv::start().await;
    let options = env.options("signal-once").request_id("cart-signal-1");
    let send = |options: StartOptions| {
        let client = env.client.clone();
        async move {
            client
                .signal_with_start("counter", (1,), options, by_name("increment").arg(10))
                .await
        }
    };
    let first = send(options.clone()).await.expect("signal-with-start");
    let second = send(options).await.expect("the retry");
    assert_eq!(first.signaled_run_id(), second.signaled_run_id());
    let value: i64 = first.query("value").await.expect("query");
    assert_eq!(value, 11, "one start, one signal");
}

#[tokio::test]
async fn an_empty_request_id_is_refused_before_sending() {
    let env = TestEnv::start().await;
    let error = env
        .client
        .start(
            "counter",
            (1,),
            env.options("empty-request-id").request_id(""),
        )
        .await
        .expect_err("refused");
    assert!(
        matches!(
            error,
            Error::InvalidArgument {
                field: "request_id",
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn an_update_with_start_sent_twice_with_one_id_starts_once_and_updates_once() {
    let env = TestEnv::start().await;
    let start_options = env
        .options("update-with-start-once")
        .request_id("counter-start");
    let send = || {
        let start = WithStartWorkflow::new(
            "counter",
            (1,),
            start_options.clone(),
            OnConflict::UseExisting,
        );
        let options = UpdateOptions::new()
            .id("counter-add")
            .wait_for(UpdateStage::Completed);
        let client = env.client.clone();
        async move {
            let (handle, update) = client
                .start_update_with_start::<i64, _, _, _, _>(
                    start,
                    by_name("setValue").arg(5),
                    options,
                )
                .await?;
            Ok::<_, Error>((handle, update.result().await?))
        }
    };
    let (first, previous) = send().await.expect("the first update-with-start");
    assert_eq!(previous, 1);
    // Changed after the update: a second run of it would answer 7, not 1.
    let _: i64 = first
        .execute_update(by_name("setValue").arg(7))
        .await
        .expect("another update");
    let (second, previous_again) = send().await.expect("the retry");
    assert_eq!(previous_again, 1, "the retry answers the first outcome");
    assert_eq!(
        first.first_execution_run_id(),
        second.first_execution_run_id()
    );
    let value: i64 = first.query("value").await.expect("query");
    assert_eq!(value, 7, "the retried update did not run again");
}
