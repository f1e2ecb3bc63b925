//! Updates of a Python workflow: typed and untyped, waited for at once or later, rejected by
//! the validator or failed by the handler.

use temporal_client::{Error, FailureKind, Untyped, UpdateStage, workflow};

use crate::support::TestEnv;

#[workflow(name = "counter")]
trait Counter {
    #[run]
    async fn run(&mut self, start: i64) -> i64;
    #[query(name = "value")]
    fn value(&self) -> i64;
    #[signal(name = "release")]
    fn release(&mut self);
    /// Sets the count and answers the previous one.
    #[update(name = "setValue")]
    fn set_value(&mut self, value: i64) -> i64;
    /// Rejects negative values (the Python worker implements it).
    #[validator(update = "set_value")]
    fn validate_set_value(&self, value: i64);
    #[update(name = "addWhenReleased")]
    async fn add_when_released(&mut self, amount: i64) -> i64;
    #[update(name = "failingUpdate")]
    fn failing_update(&mut self);
}

#[tokio::test]
async fn a_typed_update_returns_its_result_and_changes_state() {
    let env = TestEnv::start().await;
    let handle = env
        .client
        .start(Counter, 5, env.options("update"))
        .await
        .expect("started");
    let previous = handle
        .execute_update(Counter::set_value(42))
        .await
        .expect("update");
    assert_eq!(previous, 5);
    assert_eq!(handle.query(Counter::value).await.expect("query"), 42);

    let untyped = handle.clone().into_untyped();
    let previous: i64 = untyped
        .execute_update(temporal_client::by_name("setValue").arg(7))
        .await
        .expect("by name");
    assert_eq!(previous, 42);
}

#[tokio::test]
async fn a_started_update_is_awaited_later_and_found_by_id() {
    let env = TestEnv::start().await;
    let handle = env
        .client
        .start(Counter, 1, env.options("update-later"))
        .await
        .expect("started");
    let update = handle
        .start_update(Counter::add_when_released(10), UpdateStage::Accepted)
        .await
        .expect("accepted before it can complete");
    let by_id = handle.get_update_handle::<i64>(update.id());
    handle.signal(Counter::release).await.expect("release");
    assert_eq!(update.result().await.expect("completes"), 11);
    assert_eq!(by_id.result().await.expect("the same outcome by id"), 11);
}

#[tokio::test]
async fn rejected_and_failed_updates_carry_their_failure() {
    let env = TestEnv::start().await;
    let handle = env
        .client
        .start(Counter, 0, env.options("update-fail"))
        .await
        .expect("started");
    let err = handle
        .execute_update(Counter::set_value(-1))
        .await
        .expect_err("the validator rejects negatives");
    let Error::UpdateFailed { failure, .. } = &err else {
        panic!("expected UpdateFailed, got {err:?}")
    };
    assert!(
        failure.message().contains("cannot be negative"),
        "{failure}"
    );
    assert_eq!(
        handle.query(Counter::value).await.expect("query"),
        0,
        "nothing changed"
    );

    let err = handle
        .execute_update(Counter::failing_update)
        .await
        .expect_err("the handler raises");
    let Error::UpdateFailed { failure, .. } = &err else {
        panic!("expected UpdateFailed, got {err:?}")
    };
    assert!(
        matches!(failure.kind(), FailureKind::Application(app) if app.type_name == "UpdateBroke"),
        "{failure:?}"
    );

    let err = env
        .client
        .get_handle::<Untyped>("no-such-workflow")
        .execute_update::<i64, _>(temporal_client::by_name("setValue").arg(1))
        .await
        .expect_err("nothing to update");
    assert!(err.is_not_found(), "{err:?}");
}

#[tokio::test]
async fn update_with_start_starts_once_and_updates_every_time() {
    use temporal_client::{OnConflict, WithStartWorkflow};
    let env = TestEnv::start().await;
    let options = env.options("uws");
    let start = |on_conflict| WithStartWorkflow::new(Counter, 1, options.clone(), on_conflict);

    let (handle, previous) = env
        .client
        .execute_update_with_start(start(OnConflict::UseExisting), Counter::set_value(5))
        .await
        .expect("starts and updates");
    // The worker sets the start value before any handler runs (@workflow.init).
    assert_eq!(previous, 1, "the update ran on the workflow it started");
    let run = handle
        .first_execution_run_id()
        .expect("a started run")
        .to_owned();

    let (again, previous) = env
        .client
        .execute_update_with_start(start(OnConflict::UseExisting), Counter::set_value(9))
        .await
        .expect("updates the running workflow");
    assert_eq!(previous, 5);
    assert_eq!(
        again.first_execution_run_id(),
        Some(run.as_str()),
        "no second run"
    );

    let err = env
        .client
        .execute_update_with_start(start(OnConflict::Fail), Counter::set_value(1))
        .await
        .expect_err("the workflow is running");
    assert!(err.is_already_started(), "{err:?}");
    assert_eq!(handle.query(Counter::value).await.expect("query"), 9);
}
