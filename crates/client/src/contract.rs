//! Workflow contracts, as the client calls them: the `temporal_contract` traits (names and
//! types, no encoding), and the call traits that encode them with a [`DataConverter`].
//!
//! A contract is a marker type, written by the `#[workflow]` macro from a declaration; its
//! handlers are values built by its constructors (`Counter::increment(5)`,
//! `Counter::current`). [`Untyped`] is the contract of any workflow, called by names: a name
//! alone (`"finish"`) or [`by_name`] with its arguments (`by_name("approve").arg("manager-7")`).
//!
//! Each call trait has a last type parameter, [`Typed`] or [`ByName`], that the compiler
//! infers from the value passed; it only keeps the typed and by-name implementations apart.

use std::future::Future;
use std::pin::Pin;

use crate::converter::Payload;

use crate::converter::{ConversionError, DataConverter, FromPayload, ToPayloads};
use crate::error::Error;

pub use temporal_contract::{
    Contract, Handler, HandlerInfo, HandlerKind, Query, Signal, Update, Workflow,
};

/// The future of a call through a handler (a signal, query or update): boxed, so that its type
/// does not depend on the handler, and a handler that does not fit the call is reported once,
/// on the handler, rather than again at the call and at its `.await`.
///
/// # Examples
///
/// ```no_run
/// use temporal_client::{CallFuture, Untyped, WorkflowHandle};
///
/// fn cancel(handle: &WorkflowHandle<Untyped>) -> CallFuture<'_, ()> {
///     handle.signal("cancel")
/// }
/// ```
pub type CallFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'a>>;

/// The contract of any workflow: types, signals, queries and updates by name, arguments as
/// values (one payload each), results as whatever type the caller asks for.
///
/// # Examples
///
/// ```no_run
/// use temporal_client::{Untyped, by_name};
///
/// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
/// let handle = client.get_handle::<Untyped>("order-1234");
/// handle.signal(by_name("approve").arg("manager-7")).await?;
/// let total: f64 = handle.query("total").await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Untyped;

impl Contract for Untyped {}

/// The call-kind parameter of a call through a contract's handler or marker.
///
/// # Examples
///
/// ```
/// use temporal_client::{SignalCall, Typed, workflow};
///
/// #[workflow]
/// trait Order {
///     #[run]
///     async fn run(&mut self);
///     #[signal]
///     fn cancel(&mut self);
/// }
///
/// fn typed_signal<S: SignalCall<Order, Typed>>(_: S) {}
/// typed_signal(Order::cancel);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Typed;

/// The call-kind parameter of a call by name, on an [`Untyped`] handle.
///
/// # Examples
///
/// ```
/// use temporal_client::{ByName, SignalCall, Untyped};
///
/// fn named_signal<S: SignalCall<Untyped, ByName>>(_: S) {}
/// named_signal("finish");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct ByName;

/// A handler called by name, with its arguments: built by [`by_name`], one
/// [`arg`](Named::arg) at a time (each argument one payload). A name alone (`"finish"`) calls
/// a handler without arguments.
///
/// # Examples
///
/// ```
/// use temporal_client::by_name;
///
/// let call = by_name("addItem").arg("sku-1").arg(2);
/// assert_eq!(call.name(), "addItem");
/// assert_eq!(call.args(), &("sku-1", 2));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use = "a handler call does nothing until it is passed to a workflow handle"]
pub struct Named<A = ()> {
    name: String,
    args: A,
}

/// A call of the handler (or workflow) `name`, by name; add its arguments with
/// [`Named::arg`].
///
/// # Examples
///
/// ```no_run
/// use temporal_client::by_name;
///
/// # async fn example(handle: temporal_client::WorkflowHandle) -> Result<(), temporal_client::Error> {
/// handle.signal(by_name("approve").arg("manager-7")).await?;
/// let line: String = handle.query(by_name("lineItem").arg(2)).await?;
/// # let _ = line;
/// # Ok(())
/// # }
/// ```
pub fn by_name(name: impl Into<String>) -> Named<()> {
    Named {
        name: name.into(),
        args: (),
    }
}

impl<A> Named<A> {
    /// The handler's name.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(temporal_client::by_name("approve").name(), "approve");
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Replaces the arguments with `args`: a tuple (one payload per element), `()`, or
    /// payloads already encoded (`Vec<Payload>`), for argument lists built at run time.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{DataConverter, by_name};
    ///
    /// let payloads = DataConverter::default().to_payloads(&("sku-1", 2))?;
    /// let call = by_name("addItem").with_args(payloads);
    /// assert_eq!(call.args().len(), 2);
    /// # Ok::<(), temporal_client::ConversionError>(())
    /// ```
    pub fn with_args<B>(self, args: B) -> Named<B> {
        Named {
            name: self.name,
            args,
        }
    }

    /// The arguments so far, as a tuple.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(temporal_client::by_name("approve").arg(7).args(), &(7,));
    /// ```
    pub fn args(&self) -> &A {
        &self.args
    }
}

macro_rules! named_arg {
    ($($held:ident),*) => {
        impl<$($held),*> Named<($($held,)*)> {
            /// Adds an argument, sent as the next payload.
            ///
            /// # Examples
            ///
            /// ```
            /// let call = temporal_client::by_name("addItem").arg("sku-1").arg(2);
            /// assert_eq!(call.args(), &("sku-1", 2));
            /// ```
            #[allow(non_snake_case)]
            pub fn arg<Next>(self, value: Next) -> Named<($($held,)* Next,)> {
                let ($($held,)*) = self.args;
                Named {
                    name: self.name,
                    args: ($($held,)* value,),
                }
            }
        }
    };
}

named_arg!();
named_arg!(A1);
named_arg!(A1, A2);
named_arg!(A1, A2, A3);
named_arg!(A1, A2, A3, A4);
named_arg!(A1, A2, A3, A4, A5);
named_arg!(A1, A2, A3, A4, A5, A6);
named_arg!(A1, A2, A3, A4, A5, A6, A7);
named_arg!(A1, A2, A3, A4, A5, A6, A7, A8);
named_arg!(A1, A2, A3, A4, A5, A6, A7, A8, A9);
named_arg!(A1, A2, A3, A4, A5, A6, A7, A8, A9, A10);
named_arg!(A1, A2, A3, A4, A5, A6, A7, A8, A9, A10, A11);

/// A workflow that [`Client::start`](crate::Client::start) can start with arguments of type
/// `A`: a contract marker, with the arguments of its run method (`()` for none, the value for
/// one, a tuple for several), or a workflow type name (`&str`), with a tuple of any arguments.
///
/// # Examples
///
/// ```
/// use temporal_client::{ByName, DataConverter, StartWorkflow};
///
/// let workflow = "example";
/// assert_eq!(StartWorkflow::<(&str,), ByName>::workflow_type(&workflow), "example");
/// let payloads = workflow.encode_args(("Temporal",), &DataConverter::default())?;
/// assert_eq!(payloads.len(), 1);
/// # Ok::<(), temporal_client::ConversionError>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be started with arguments of type `{A}`",
    label = "this workflow's run method takes other arguments",
    note = "a contract takes the arguments its run method declares: the value for one \
            parameter, a tuple for several, `()` for none"
)]
pub trait StartWorkflow<A, M> {
    /// The contract of the handle that starting returns.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{ByName, StartWorkflow, Untyped};
    ///
    /// // Starting by name gives an `Untyped` handle.
    /// fn contract_of<T: StartWorkflow<(), ByName, Contract = Untyped>>(_: T) {}
    /// contract_of("example");
    /// ```
    type Contract: Contract;

    /// The workflow type name sent to the server.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{ByName, StartWorkflow};
    ///
    /// assert_eq!(StartWorkflow::<(i32,), ByName>::workflow_type(&"example"), "example");
    /// ```
    fn workflow_type(&self) -> &str;

    /// The arguments as payloads, one per run-method parameter.
    ///
    /// # Errors
    ///
    /// When an argument does not convert.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{DataConverter, StartWorkflow};
    ///
    /// let payloads = "example".encode_args(("Temporal", 42), &DataConverter::default())?;
    /// assert_eq!(payloads.len(), 2);
    /// # Ok::<(), temporal_client::ConversionError>(())
    /// ```
    fn encode_args(
        &self,
        args: A,
        converter: &DataConverter,
    ) -> Result<Vec<Payload>, ConversionError>;
}

impl<W: Workflow> StartWorkflow<W::Args, Typed> for W
where
    W::ArgTuple: ToPayloads,
{
    type Contract = W;

    fn workflow_type(&self) -> &str {
        W::NAME
    }

    fn encode_args(
        &self,
        args: W::Args,
        converter: &DataConverter,
    ) -> Result<Vec<Payload>, ConversionError> {
        converter.to_payloads(&W::into_arg_tuple(args))
    }
}

impl<A: ToPayloads> StartWorkflow<A, ByName> for &str {
    type Contract = Untyped;

    fn workflow_type(&self) -> &str {
        self
    }

    fn encode_args(
        &self,
        args: A,
        converter: &DataConverter,
    ) -> Result<Vec<Payload>, ConversionError> {
        converter.to_payloads(&args)
    }
}

/// That the workflows of a contract return an `R`.
///
/// # Examples
///
/// ```no_run
/// use temporal_client::{WorkflowHandle, WorkflowResult};
///
/// // Waits for any workflow whose contract says it returns a `String`.
/// async fn greeting<W: WorkflowResult<String>>(
///     handle: &WorkflowHandle<W>,
/// ) -> Result<String, temporal_client::Error> {
///     handle.result().await
/// }
/// # let _ = greeting::<temporal_client::Untyped>;
/// ```
#[diagnostic::on_unimplemented(
    message = "the workflows of `{Self}` do not return `{R}`",
    label = "the contract's run method declares another result type"
)]
pub trait WorkflowResult<R>: Contract {}

impl<W: Workflow> WorkflowResult<W::Output> for W where W::Output: FromPayload {}

impl<R: FromPayload> WorkflowResult<R> for Untyped {}

/// A signal of the workflows of contract `W`, with its arguments: a handler of the contract
/// (`Order::approve("manager-7")`, `Order::cancel`), or, for [`Untyped`] handles, a name
/// (`"cancel"`) or [`by_name`] with arguments.
///
/// # Examples
///
/// ```
/// use temporal_client::{DataConverter, SignalCall, Untyped, by_name};
///
/// let call = by_name("approve").arg("manager-7");
/// assert_eq!(SignalCall::<Untyped, _>::name(&call), "approve");
/// let payloads = SignalCall::<Untyped, _>::encode(call, &DataConverter::default())?;
/// assert_eq!(payloads.len(), 1);
/// # Ok::<(), temporal_client::ConversionError>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a signal of `{W}`",
    label = "not a signal of this handle's workflow",
    note = "a typed handle takes a signal of its contract, such as `Order::approve(\"manager-7\")` \
            or `Order::cancel`; an `Untyped` handle takes a name, or `by_name(\"approve\").arg(..)`"
)]
pub trait SignalCall<W, M> {
    /// The signal name sent to the server.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{ByName, SignalCall, Untyped};
    ///
    /// assert_eq!(SignalCall::<Untyped, ByName>::name(&"approve"), "approve");
    /// ```
    fn name(&self) -> &str;

    /// The arguments as payloads, one per handler parameter.
    ///
    /// # Errors
    ///
    /// When an argument does not convert.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{ByName, DataConverter, SignalCall, Untyped};
    ///
    /// let payloads = SignalCall::<Untyped, ByName>::encode("cancel", &DataConverter::default())?;
    /// assert!(payloads.is_empty());
    /// # Ok::<(), temporal_client::ConversionError>(())
    /// ```
    fn encode(self, converter: &DataConverter) -> Result<Vec<Payload>, ConversionError>;
}

/// A query of the workflows of contract `W`, answering an `R`, with its arguments: a handler
/// of the contract (`Order::total`, `Order::line(2)`, which fix `R`), or, for [`Untyped`]
/// handles, a name or [`by_name`] with arguments (answering the `R` the caller asks for).
///
/// # Examples
///
/// ```
/// use temporal_client::{ByName, DataConverter, QueryCall, Untyped};
///
/// assert_eq!(QueryCall::<Untyped, f64, ByName>::name(&"total"), "total");
/// let payloads = QueryCall::<Untyped, f64, ByName>::encode("total", &DataConverter::default())?;
/// assert!(payloads.is_empty());
/// # Ok::<(), temporal_client::ConversionError>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a query of `{W}` answering `{R}`",
    label = "not a query of this handle's workflow",
    note = "a typed handle takes a query of its contract, such as `Order::total` or \
            `Order::line(2)`; an `Untyped` handle takes a name, or `by_name(\"line\").arg(..)`"
)]
pub trait QueryCall<W, R, M> {
    /// The query type sent to the server.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{ByName, QueryCall, Untyped};
    ///
    /// assert_eq!(QueryCall::<Untyped, f64, ByName>::name(&"total"), "total");
    /// ```
    fn name(&self) -> &str;

    /// The arguments as payloads, one per handler parameter.
    ///
    /// # Errors
    ///
    /// When an argument does not convert.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{ByName, DataConverter, QueryCall, Untyped, by_name};
    ///
    /// let call = by_name("lineItem").arg(2);
    /// let payloads = QueryCall::<Untyped, String, ByName>::encode(call, &DataConverter::default())?;
    /// assert_eq!(payloads.len(), 1);
    /// # Ok::<(), temporal_client::ConversionError>(())
    /// ```
    fn encode(self, converter: &DataConverter) -> Result<Vec<Payload>, ConversionError>;
}

/// An update of the workflows of contract `W`, answering an `R`, with its arguments: a
/// handler of the contract (`Order::add_item("sku-1", 2)`), or, for [`Untyped`] handles, a
/// name or [`by_name`] with arguments.
///
/// # Examples
///
/// ```
/// use temporal_client::{ByName, DataConverter, UpdateCall, Untyped, by_name};
///
/// let call = by_name("setValue").arg(42);
/// assert_eq!(UpdateCall::<Untyped, i64, ByName>::name(&call), "setValue");
/// let payloads = UpdateCall::<Untyped, i64, ByName>::encode(call, &DataConverter::default())?;
/// assert_eq!(payloads.len(), 1);
/// # Ok::<(), temporal_client::ConversionError>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an update of `{W}` answering `{R}`",
    label = "not an update of this handle's workflow",
    note = "a typed handle takes an update of its contract, such as `Order::add_item(\"sku-1\", 2)`; \
            an `Untyped` handle takes a name, or `by_name(\"addItem\").arg(..)`"
)]
pub trait UpdateCall<W, R, M> {
    /// The update name sent to the server.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{ByName, UpdateCall, Untyped};
    ///
    /// assert_eq!(UpdateCall::<Untyped, i64, ByName>::name(&"reset"), "reset");
    /// ```
    fn name(&self) -> &str;

    /// The arguments as payloads, one per handler parameter.
    ///
    /// # Errors
    ///
    /// When an argument does not convert.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{ByName, DataConverter, UpdateCall, Untyped};
    ///
    /// let payloads = UpdateCall::<Untyped, i64, ByName>::encode("reset", &DataConverter::default())?;
    /// assert!(payloads.is_empty());
    /// # Ok::<(), temporal_client::ConversionError>(())
    /// ```
    fn encode(self, converter: &DataConverter) -> Result<Vec<Payload>, ConversionError>;
}

impl<W, S: Signal<W>> SignalCall<W, Typed> for S
where
    S::Args: ToPayloads,
{
    fn name(&self) -> &str {
        S::NAME
    }

    fn encode(self, converter: &DataConverter) -> Result<Vec<Payload>, ConversionError> {
        converter.to_payloads(&self.into_args())
    }
}

impl<W, Q: Query<W>> QueryCall<W, Q::Output, Typed> for Q
where
    Q::Args: ToPayloads,
    Q::Output: FromPayload,
{
    fn name(&self) -> &str {
        Q::NAME
    }

    fn encode(self, converter: &DataConverter) -> Result<Vec<Payload>, ConversionError> {
        converter.to_payloads(&self.into_args())
    }
}

impl<W, U: Update<W>> UpdateCall<W, U::Output, Typed> for U
where
    U::Args: ToPayloads,
    U::Output: FromPayload,
{
    fn name(&self) -> &str {
        U::NAME
    }

    fn encode(self, converter: &DataConverter) -> Result<Vec<Payload>, ConversionError> {
        converter.to_payloads(&self.into_args())
    }
}

impl SignalCall<Untyped, ByName> for &str {
    fn name(&self) -> &str {
        self
    }

    fn encode(self, _converter: &DataConverter) -> Result<Vec<Payload>, ConversionError> {
        Ok(Vec::new())
    }
}

impl<A: ToPayloads> SignalCall<Untyped, ByName> for Named<A> {
    fn name(&self) -> &str {
        &self.name
    }

    fn encode(self, converter: &DataConverter) -> Result<Vec<Payload>, ConversionError> {
        converter.to_payloads(&self.args)
    }
}

impl<R: FromPayload> QueryCall<Untyped, R, ByName> for &str {
    fn name(&self) -> &str {
        self
    }

    fn encode(self, _converter: &DataConverter) -> Result<Vec<Payload>, ConversionError> {
        Ok(Vec::new())
    }
}

impl<A: ToPayloads, R: FromPayload> QueryCall<Untyped, R, ByName> for Named<A> {
    fn name(&self) -> &str {
        &self.name
    }

    fn encode(self, converter: &DataConverter) -> Result<Vec<Payload>, ConversionError> {
        converter.to_payloads(&self.args)
    }
}

impl<R: FromPayload> UpdateCall<Untyped, R, ByName> for &str {
    fn name(&self) -> &str {
        self
    }

    fn encode(self, _converter: &DataConverter) -> Result<Vec<Payload>, ConversionError> {
        Ok(Vec::new())
    }
}

impl<A: ToPayloads, R: FromPayload> UpdateCall<Untyped, R, ByName> for Named<A> {
    fn name(&self) -> &str {
        &self.name
    }

    fn encode(self, converter: &DataConverter) -> Result<Vec<Payload>, ConversionError> {
        converter.to_payloads(&self.args)
    }
}
