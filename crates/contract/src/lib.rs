//! Temporal workflow contracts, without a runtime: what a workflow is called, what it takes
//! and returns, and its signals, queries and updates, for crates that publish a workflow's
//! interface to the teams that start and signal it.
//!
//! Split as serde is: this crate holds the contract traits and the `#[workflow]` attribute,
//! and needs only the macro crate (no tokio, tonic, hyper, h2, tower or prost); the
//! `temporal-client` crate implements the calls over these traits and re-exports all of it,
//! so applications keep one dependency.
//!
//! # A contract crate
//!
//! ```
//! use temporal_contract::workflow;
//!
//! /// An order, implemented by a TypeScript worker.
//! #[workflow(name = "order", rename_all = "camelCase")]
//! pub trait Order {
//!     /// Opens the order for `customer`; returns the amount charged.
//!     #[run]
//!     async fn run(&mut self, customer: String) -> f64;
//!
//!     /// Approves the order, naming who approved it.
//!     #[signal]
//!     fn approve(&mut self, approver: String);
//!
//!     /// Cancels the order.
//!     #[signal]
//!     fn cancel(&mut self);
//!
//!     /// The order's total so far.
//!     #[query]
//!     fn total(&self) -> f64;
//!
//!     /// Adds `quantity` of `sku`; answers the new line count.
//!     #[update]
//!     fn add_item(&mut self, sku: String, quantity: u32) -> u32;
//! }
//!
//! use temporal_contract::{Handler, HandlerKind, Workflow};
//!
//! // Everything the contract declares is available without a client:
//! assert_eq!(Order::NAME, "order");
//! let approve = Order::approve("manager-7"); // a string literal where it takes a `String`
//! assert_eq!(approve.approver, "manager-7");
//! assert_eq!(order_handlers::Approve::NAME, "approve");
//! assert_eq!(order_handlers::AddItem::NAME, "addItem");
//! assert_eq!(order_handlers::Total::KIND, HandlerKind::Query);
//! let kinds: Vec<_> = Order::HANDLERS.iter().map(|h| (h.kind, h.name)).collect();
//! assert_eq!(kinds[0], (HandlerKind::Run, "order"));
//! assert_eq!(kinds.len(), 5);
//! ```
//!
//! Its `Cargo.toml` needs this crate and serde only (for the types of its arguments). An
//! application that depends on it and on `temporal-client` calls the workflow:
//!
//! ```text
//! let handle = client.start(Order, "customer-42", options).await?;
//! handle.signal(Order::approve("manager-7")).await?;
//! handle.signal(Order::cancel).await?;
//! let total = handle.query(Order::total).await?;
//! let lines = handle.execute_update(Order::add_item("sku-1", 2)).await?;
//! ```
//!
//! # What `#[workflow]` generates
//!
//! For the `Order` above: a unit struct `Order` (the contract, implementing [`Workflow`]),
//! and a module `order_handlers` with one type per signal, query and update
//! (`order_handlers::Approve { approver: String }`, implementing [`Handler`] and [`Signal`]).
//! `Order` gets a constructor per handler: a function named after the method, taking its
//! parameters (`Order::approve(approver)`), or, for a handler without parameters, a constant
//! (`Order::cancel`, `Order::total`), so that it is called without `()`. Every handler's
//! docs, `#[deprecated]`, `#[doc(hidden)]` and `#[cfg(...)]` carry over to its constructor
//! and type, and rustdoc shows for each its kind, wire name, parameters and result.
//!
//! # Why handler constructors
//!
//! Two shapes were written out for the same ten calls: the earlier one, a handler marker and
//! its arguments as a second parameter (`handle.signal(Order::approve, "manager-7".to_owned())`),
//! and constructors (`handle.signal(Order::approve("manager-7"))`).
//!
//! | Call | Marker and arguments | Constructor (chosen) |
//! |------|----------------------|----------------------|
//! | signal, one argument | `signal(Order::approve, "m-7".to_owned())` | `signal(Order::approve("m-7"))` |
//! | signal, no argument | `signal(Order::cancel, ())` | `signal(Order::cancel)` |
//! | signal, two arguments | `signal(Cart::add, ("sku-1".to_owned(), 2))` | `signal(Cart::add("sku-1", 2))` |
//! | query, no argument | `query(Order::total, ())` | `query(Order::total)` |
//! | query, one argument | `query(Order::line, 2)` | `query(Order::line(2))` |
//! | update | `execute_update(Order::add_item, ("sku-1".to_owned(), 2))` | `execute_update(Order::add_item("sku-1", 2))` |
//! | start update | `start_update(Order::add_item, (..), stage)` | `start_update(Order::add_item("sku-1", 2), stage)` |
//! | signal-with-start | `signal_with_start(Order, c, opts, Order::approve, a)` | `signal_with_start(Order, c, opts, Order::approve(a))` |
//! | update-with-start | `execute_update_with_start(start, Order::add_item, (..))` | `execute_update_with_start(start, Order::add_item("sku-1", 2))` |
//! | by name | `signal("approve", ("m-7",))` | `signal(by_name("approve").arg("m-7"))` |
//!
//! Constructors read as the call they make, with each argument written as itself (never a
//! 1-tuple, by name or typed), string literals where a handler takes a `String`, parameter
//! names in IDE hints (they are a function's parameters), and no `()` for handlers without
//! parameters. They also diagnose better: an argument of the wrong type is reported once, on
//! the argument, by the constructor (an ordinary function), and a handler of another
//! contract is reported once, as such, where the marker form reported each mistake at the
//! argument, the call and the `.await`. The cost: the start of a workflow keeps its
//! `(workflow, arguments, options)` shape, so one run-method parameter is passed as itself
//! and several as a tuple.
#![deny(missing_docs)]

use std::fmt;

/// Declares a workflow contract on a trait; see the crate docs. Generated code names this
/// crate as `::temporal_contract` (`#[workflow(crate = "path")]` names another path).
pub use temporal_macros::{query, run, signal, update, validator, workflow};

/// The type parameter of a workflow handle: a workflow contract ([`Workflow`]), or the
/// client's `Untyped`, which calls workflows by name.
///
/// # Examples
///
/// ```
/// use temporal_contract::{Contract, workflow};
///
/// #[workflow]
/// trait Ping {
///     #[run]
///     async fn run(&mut self);
/// }
///
/// fn is_contract<C: Contract>(_: C) {}
/// is_contract(Ping);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a workflow contract",
    label = "not a contract",
    note = "declare the workflow with `#[workflow]` on a trait, or use `temporal_client::Untyped` \
            to call it by names"
)]
pub trait Contract: Send + Sync + 'static {}

/// A workflow contract: the workflow type's name, its run method's arguments and result, and
/// every handler it declares. Implemented by `#[workflow]` on the contract's marker type.
///
/// # Examples
///
/// ```
/// use temporal_contract::{HandlerKind, Workflow, workflow};
///
/// #[workflow(name = "counter")]
/// trait Counter {
///     #[run]
///     async fn run(&mut self, start: i64) -> i64;
///     #[signal]
///     fn increment(&mut self, amount: i64);
/// }
///
/// assert_eq!(Counter::NAME, "counter");
/// assert_eq!(Counter::into_arg_tuple(5), (5,));
/// assert_eq!(Counter::HANDLERS[1].kind, HandlerKind::Signal);
/// assert_eq!(Counter::HANDLERS[1].params, &[("amount", "i64")]);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a workflow contract",
    label = "not a contract",
    note = "declare the workflow with `#[workflow]` on a trait"
)]
pub trait Workflow: Contract {
    /// The workflow type name sent to the server.
    const NAME: &'static str;
    /// Every handler the contract declares, the run method first.
    const HANDLERS: &'static [HandlerInfo];
    /// The run method's arguments as a start call takes them: `()` for none, the value for
    /// one, a tuple for several.
    type Args;
    /// The same arguments as a tuple, one element per parameter (one payload each).
    type ArgTuple;
    /// The workflow's result.
    type Output;
    /// The arguments as a tuple.
    fn into_arg_tuple(args: Self::Args) -> Self::ArgTuple;
}

/// What a handler is.
///
/// # Examples
///
/// ```
/// use temporal_contract::HandlerKind;
///
/// assert_eq!(HandlerKind::Update.to_string(), "update");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HandlerKind {
    /// The workflow's run method: its wire name is the workflow type.
    Run,
    /// A signal: arguments in, nothing back.
    Signal,
    /// A query: arguments in, an answer back, the workflow unchanged.
    Query,
    /// An update: arguments in, an answer back, the workflow may change.
    Update,
}

impl HandlerKind {
    /// `"run"`, `"signal"`, `"query"` or `"update"`.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(temporal_contract::HandlerKind::Query.as_str(), "query");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Run => "run",
            Self::Signal => "signal",
            Self::Query => "query",
            Self::Update => "update",
        }
    }
}

impl fmt::Display for HandlerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One handler of a contract, as declared: for documentation, and for comparing a contract
/// with what a running worker registered.
///
/// # Examples
///
/// ```
/// use temporal_contract::{HandlerKind, Workflow, workflow};
///
/// #[workflow(rename_all = "camelCase")]
/// trait Cart {
///     #[run]
///     async fn run(&mut self);
///     /// Adds an item.
///     #[update]
///     fn add_item(&mut self, sku: String, quantity: u32) -> u32;
/// }
///
/// let add = &Cart::HANDLERS[1];
/// assert_eq!((add.kind, add.name, add.method), (HandlerKind::Update, "addItem", "add_item"));
/// assert_eq!(add.params, &[("sku", "String"), ("quantity", "u32")]);
/// assert_eq!(add.output, Some("u32"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HandlerInfo {
    /// Run, signal, query or update.
    pub kind: HandlerKind,
    /// The name on the wire (for the run method, the workflow type).
    pub name: &'static str,
    /// The Rust method that declares it.
    pub method: &'static str,
    /// Its parameters: names and types as written.
    pub params: &'static [(&'static str, &'static str)],
    /// Its result type as written; `None` when it returns nothing.
    pub output: Option<&'static str>,
}

/// A call of one handler of contract [`Handler::Contract`]: the handler (its kind and wire
/// name) and the values of its arguments. `#[workflow]` generates one type per handler, built
/// by the contract's constructors (`Order::approve("manager-7")`, `Order::total`).
///
/// # Examples
///
/// ```
/// use temporal_contract::{Handler, workflow};
///
/// #[workflow]
/// trait Order {
///     #[run]
///     async fn run(&mut self);
///     #[signal]
///     fn approve(&mut self, approver: String, note: Option<String>);
/// }
///
/// let call = Order::approve("manager-7", None);
/// assert_eq!(order_handlers::Approve::NAME, "approve");
/// assert_eq!(call.into_args(), ("manager-7".to_owned(), None));
/// ```
pub trait Handler: Sized {
    /// The contract that declares the handler.
    type Contract: Workflow;
    /// Signal, query or update.
    const KIND: HandlerKind;
    /// The name sent to the server.
    const NAME: &'static str;
    /// The argument values as a tuple, one element (and one payload) per parameter.
    type Args;
    /// What the handler answers: `()` for signals and handlers that return nothing.
    type Output;
    /// The argument values.
    fn into_args(self) -> Self::Args;
}

/// A call of a signal of contract `W` (its [`Handler::Contract`]).
///
/// # Examples
///
/// ```
/// use temporal_contract::{Signal, workflow};
///
/// #[workflow]
/// trait Order {
///     #[run]
///     async fn run(&mut self);
///     #[signal]
///     fn cancel(&mut self);
/// }
///
/// fn send<S: Signal<Order>>(_: S) {}
/// send(Order::cancel);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a signal of `{W}`",
    label = "not a signal of `{W}`",
    note = "pass a signal of the contract, such as `Order::approve(\"manager-7\")`"
)]
pub trait Signal<W>: Handler<Contract = W, Output = ()> {}

/// A call of a query of contract `W` (its [`Handler::Contract`]), answering
/// [`Handler::Output`].
///
/// # Examples
///
/// ```
/// use temporal_contract::{Query, workflow};
///
/// #[workflow]
/// trait Order {
///     #[run]
///     async fn run(&mut self);
///     #[query]
///     fn total(&self) -> f64;
/// }
///
/// fn ask<Q: Query<Order, Output = f64>>(_: Q) {}
/// ask(Order::total);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a query of `{W}`",
    label = "not a query of `{W}`",
    note = "pass a query of the contract, such as `Order::total`"
)]
pub trait Query<W>: Handler<Contract = W> {}

/// A call of an update of contract `W` (its [`Handler::Contract`]), answering
/// [`Handler::Output`].
///
/// # Examples
///
/// ```
/// use temporal_contract::{Update, workflow};
///
/// #[workflow]
/// trait Order {
///     #[run]
///     async fn run(&mut self);
///     #[update]
///     fn add_item(&mut self, sku: String) -> u32;
/// }
///
/// fn send<U: Update<Order, Output = u32>>(_: U) {}
/// send(Order::add_item("sku-1"));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an update of `{W}`",
    label = "not an update of `{W}`",
    note = "pass an update of the contract, such as `Order::add_item(\"sku-1\", 2)`"
)]
pub trait Update<W>: Handler<Contract = W> {}

/// What `#[workflow]`'s expansion names, and nothing else: not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::{Contract, Handler, HandlerInfo, HandlerKind, Query, Signal, Update, Workflow};

    /// The client checks argument types where it encodes them; a contract alone cannot.
    pub trait CheckArg {}
    impl<T: ?Sized> CheckArg for T {}
    /// The client checks result types where it decodes them; a contract alone cannot.
    pub trait CheckResult {}
    impl<T: ?Sized> CheckResult for T {}
}
