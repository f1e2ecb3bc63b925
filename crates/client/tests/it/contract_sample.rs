//! An application that depends on a contract crate (examples/contract-sample, which needs no
//! client) and on temporal-client: every typed call goes through the crate's contract, to a
//! Python worker and a TypeScript worker; and the contract is checked against what the
//! running workers registered (`__temporal_workflow_metadata`), mismatches included.

use std::path::{Path, PathBuf};
use std::process::Command;

use temporal_client::{
    ContractCheck, HandlerKind, OnConflict, StartOptions, UpdateStage, WithStartWorkflow, workflow,
};
use temporal_contract_sample::{Line, Order};
use temporal_testing::{TestEnv, WorkerProcess};

/// A dev server with `worker` polling a fresh task queue.
async fn env_with(worker: Command) -> (WorkerProcess, TestEnv) {
    let env = TestEnv::start_local()
        .await
        .expect("a dev server starts (run `cargo xtask setup`)");
    let worker = env.start_worker(worker).await.expect("the worker polls");
    (worker, env)
}

fn python_orders_worker() -> Command {
    let mut command = Command::new(temporal_testing::python().expect("python is installed"));
    command.arg(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/it/workers/orders.py"
    ));
    command
}

/// The TypeScript worker, its npm packages installed on first use (`npm ci`).
fn typescript_orders_worker() -> Command {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/workers/ts"));
    install_npm_packages(&dir);
    let mut command = Command::new("node");
    command.current_dir(&dir).arg(dir.join("worker.js"));
    command
}

fn install_npm_packages(dir: &Path) {
    static INSTALL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = INSTALL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if dir.join("node_modules/@temporalio/worker").exists() {
        return;
    }
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(dir)
        .status()
        .expect("npm is installed (Node 20)");
    assert!(status.success(), "npm ci in {} failed", dir.display());
}

/// The order workflow, start to end, through every typed call of the contract crate.
async fn every_typed_call(env: &TestEnv) {
    let client = env.client();
    // start, update (a string literal where the handler takes a `String`), query
    let order = client
        .start(Order, "customer-42".to_owned(), env.start_options("order"))
        .await
        .expect("started");
    let count = order
        .execute_update(Order::add_item("sku-1", 2))
        .await
        .expect("update");
    assert_eq!(count, 1);
    let accepted = order
        .start_update(Order::add_item("sku-2", 1), UpdateStage::Accepted)
        .await
        .expect("update accepted");
    assert_eq!(accepted.result().await.expect("update result"), 2);
    #[allow(deprecated)]
    let count = order
        .execute_update(Order::add_sku("sku-3"))
        .await
        .expect("deprecated update still works");
    assert_eq!(count, 3);
    let lines: Vec<Line> = order.query(Order::lines).await.expect("query");
    assert_eq!(
        lines[0],
        Line {
            sku: "sku-1".to_owned(),
            quantity: 2
        }
    );
    assert_eq!(order.query(Order::status).await.expect("query"), "open");

    // get_handle, typed, then a signal and the result
    let same = client.get_handle::<Order>(order.workflow_id());
    same.signal(Order::approve("manager-7"))
        .await
        .expect("signal");
    let summary = same.result().await.expect("completes");
    assert_eq!(summary, "customer-42: 3 lines, approved by manager-7");

    // signal-with-start, and a signal without arguments, called without `()`
    let options = env.start_options("order-sws");
    let cancelled = client
        .signal_with_start(Order, "customer-7".to_owned(), options, Order::cancel)
        .await
        .expect("signal with start");
    assert_eq!(
        cancelled.result().await.expect("completes"),
        "customer-7: 0 lines, cancelled by nobody"
    );

    // update-with-start, then execute (start and wait)
    let start = WithStartWorkflow::new(
        Order,
        "customer-9".to_owned(),
        env.start_options("order-uws"),
        OnConflict::Fail,
    );
    let (started, count) = client
        .execute_update_with_start(start, Order::add_item("sku-9", 9))
        .await
        .expect("update with start");
    assert_eq!(count, 1);
    started
        .signal(Order::approve("manager-1"))
        .await
        .expect("signal");
    let id = format!("order-exec-{}", uuid::Uuid::new_v4());
    let options = StartOptions::new(id.clone(), env.task_queue());
    let canceller = {
        let handle = client.get_handle::<Order>(id);
        tokio::spawn(async move {
            // The signal waits for the start: retried until the workflow exists.
            loop {
                if handle.signal(Order::cancel).await.is_ok() {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
        })
    };
    let summary = client
        .execute(Order, "customer-3".to_owned(), options)
        .await
        .expect("executes");
    canceller.await.expect("signalled");
    assert_eq!(summary, "customer-3: 0 lines, cancelled by nobody");
}

#[tokio::test]
async fn a_contract_crate_drives_the_python_worker() {
    let (_worker, env) = env_with(python_orders_worker()).await;
    every_typed_call(&env).await;
}

#[tokio::test]
async fn a_contract_crate_drives_the_typescript_worker() {
    let (_worker, env) = env_with(typescript_orders_worker()).await;
    every_typed_call(&env).await;
}

/// The order contract as a later release might have it: it added a `refund` signal and
/// dropped the `status` query, and the workers were not updated.
#[workflow(name = "order", rename_all = "camelCase")]
trait DriftedOrder {
    #[run]
    async fn run(&mut self, customer: String) -> String;
    #[signal]
    fn approve(&mut self, approver: String);
    #[signal]
    fn cancel(&mut self);
    #[signal]
    fn refund(&mut self, amount: f64);
    #[query]
    fn lines(&self) -> Vec<Line>;
    #[update]
    fn add_item(&mut self, sku: String, quantity: u32) -> u32;
    #[update(name = "addSku")]
    fn add_sku(&mut self, sku: String) -> u32;
}

async fn check_against(env: &TestEnv) -> (ContractCheck, ContractCheck) {
    let order = env
        .client()
        .start(
            Order,
            "customer-1".to_owned(),
            env.start_options("order-check"),
        )
        .await
        .expect("started");
    let matching = order.check_contract().await.expect("metadata query");
    let drifted = order
        .clone()
        .into_typed::<DriftedOrder>()
        .check_contract()
        .await
        .expect("metadata query");
    order.signal(Order::cancel).await.expect("signal");
    (matching, drifted)
}

#[tokio::test]
async fn the_contract_is_checked_against_the_running_python_worker() {
    let (_worker, env) = env_with(python_orders_worker()).await;
    let (matching, drifted) = check_against(&env).await;
    assert!(matching.is_match(), "{matching}");
    assert_eq!(
        drifted.missing_in_worker,
        [(HandlerKind::Signal, "refund".to_owned())]
    );
    assert_eq!(
        drifted.missing_in_contract,
        [(HandlerKind::Query, "status".to_owned())]
    );
    assert!(!drifted.is_match());
    assert_eq!(
        drifted.to_string(),
        "the worker lacks signal `refund`; the contract lacks query `status`"
    );
}

#[tokio::test]
async fn the_contract_is_checked_against_the_running_typescript_worker() {
    let (_worker, env) = env_with(typescript_orders_worker()).await;
    let (matching, drifted) = check_against(&env).await;
    // The TypeScript worker registers a `priority` query the contract does not declare.
    assert_eq!(matching.missing_in_worker, []);
    assert_eq!(
        matching.missing_in_contract,
        [(HandlerKind::Query, "priority".to_owned())]
    );
    assert_eq!(matching.workflow_type_mismatch, None);
    assert_eq!(
        drifted.missing_in_worker,
        [(HandlerKind::Signal, "refund".to_owned())]
    );
    let mut lacking = drifted.missing_in_contract.clone();
    lacking.sort_by(|a, b| a.1.cmp(&b.1));
    assert_eq!(
        lacking,
        [
            (HandlerKind::Query, "priority".to_owned()),
            (HandlerKind::Query, "status".to_owned()),
        ]
    );
}

#[tokio::test]
async fn a_worker_without_the_workflow_type_is_reported() {
    let (_worker, env) = env_with(python_orders_worker()).await;
    /// A contract whose workflow type the worker runs under another name.
    #[workflow(name = "purchase")]
    trait Purchase {
        #[run]
        async fn run(&mut self, customer: String) -> String;
    }
    let order = env
        .client()
        .start(
            Order,
            "customer-1".to_owned(),
            env.start_options("order-type"),
        )
        .await
        .expect("started");
    let check = order
        .clone()
        .into_typed::<Purchase>()
        .check_contract()
        .await
        .expect("metadata query");
    assert_eq!(
        check.workflow_type_mismatch,
        Some(("purchase".to_owned(), "order".to_owned()))
    );
    order.signal(Order::cancel).await.expect("signal");
}

#[tokio::test]
async fn a_worker_with_more_handlers_than_the_contract_still_serves_it() {
    use temporal_contract_sample::Counter;
    let (_worker, env) = env_with(crate::support::python_worker()).await;
    let counter = env
        .client()
        .start(Counter, 1, env.start_options("counter-check"))
        .await
        .expect("started");
    counter.signal(Counter::increment(2)).await.expect("signal");
    assert_eq!(
        counter.query(Counter::value_plus(10)).await.expect("query"),
        13
    );
    let check = counter.check_contract().await.expect("metadata query");
    // Every handler of the contract is served; the test worker has more, for other tests.
    assert_eq!(check.missing_in_worker, []);
    let mut extra: Vec<_> = check.missing_in_contract.clone();
    extra.sort_by(|a, b| a.1.cmp(&b.1));
    assert_eq!(
        extra,
        [
            (HandlerKind::Update, "addWhenReleased".to_owned()),
            (HandlerKind::Query, "explode".to_owned()),
            (HandlerKind::Update, "failingUpdate".to_owned()),
            (HandlerKind::Signal, "release".to_owned()),
        ]
    );
    counter.signal(Counter::finish).await.expect("signal");
    assert_eq!(counter.result().await.expect("completes"), 3);
}
