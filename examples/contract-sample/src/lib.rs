//! A sample contract crate: the interface of two workflows, published by the team that runs
//! their workers (in Python and TypeScript) for the teams that start, signal, query and
//! update them.
//!
//! It depends on `temporal-contract` and `serde` only: no runtime, no gRPC stack (the
//! workspace test `contract_sample_dependencies` checks its `cargo tree`). An application
//! that uses it adds `temporal-client`:
//!
//! ```text
//! use temporal_client::{Client, StartOptions};
//! use temporal_contract_sample::{Order, Line};
//!
//! let order = client.start(Order, "customer-42".to_owned(), StartOptions::new("order-42", "orders")).await?;
//! order.execute_update(Order::add_item("sku-1", 2)).await?;
//! order.signal(Order::approve("manager-7")).await?;
//! let lines: Vec<Line> = order.query(Order::lines).await?;
//! let summary = order.result().await?;
//! ```
#![deny(missing_docs)]

use serde::{Deserialize, Serialize};
use temporal_contract::workflow;

/// One line of an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    /// The item's stock-keeping unit.
    pub sku: String,
    /// How many of it.
    pub quantity: u32,
}

/// An order: lines are added by update until someone approves (or cancels) it. Implemented by
/// the Python worker `crates/client/tests/it/workers/orders.py` and the TypeScript worker in
/// `crates/client/tests/it/workers/ts`.
#[workflow(name = "order", rename_all = "camelCase")]
pub trait Order {
    /// Opens an order for `customer`; returns a summary once it is approved or cancelled.
    #[run]
    async fn run(&mut self, customer: String) -> String;

    /// Approves the order, naming who approved it; the workflow then completes.
    #[signal]
    fn approve(&mut self, approver: String);

    /// Cancels the order; the workflow then completes.
    #[signal]
    fn cancel(&mut self);

    /// The order's lines so far.
    #[query]
    fn lines(&self) -> Vec<Line>;

    /// `"open"`, `"approved"` or `"cancelled"`.
    #[query]
    fn status(&self) -> String;

    /// Adds `quantity` of `sku`; answers the number of lines.
    #[update]
    fn add_item(&mut self, sku: String, quantity: u32) -> u32;

    /// Adds one of `sku`; answers the number of lines.
    #[deprecated(note = "use `Order::add_item`, which takes a quantity")]
    #[update(name = "addSku")]
    fn add_sku(&mut self, sku: String) -> u32;

    /// Who changed the order, oldest first: not yet implemented by every worker.
    #[cfg(feature = "experimental")]
    #[query]
    fn audit(&self) -> Vec<String>;
}

/// A counter: starts from a number, adds what it is signalled, and completes when told to.
/// Implemented by the Python worker `crates/client/tests/it/workers/worker.py`.
#[workflow(name = "counter", rename_all = "camelCase")]
pub trait Counter {
    /// Starts from `start`; returns the final count.
    #[run]
    async fn run(&mut self, start: i64) -> i64;

    /// Adds `amount`.
    #[signal]
    fn increment(&mut self, amount: i64);

    /// Completes the workflow with the current count.
    #[signal]
    fn finish(&mut self);

    /// The count.
    #[query(name = "value")]
    fn current(&self) -> i64;

    /// The count plus `extra`.
    #[query]
    fn value_plus(&self, extra: i64) -> i64;

    /// Sets the count (not below zero), answering the previous one.
    #[update(name = "setValue")]
    fn set_value(&mut self, value: i64) -> i64;
}
