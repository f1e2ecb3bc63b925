//! Workflow contracts: what a workflow is called, what it takes and returns, and which signals
//! and queries it has, so that calls are checked at compile time.
//!
//! A contract is a marker type, written by the `#[workflow]` macro from a declaration (or by
//! hand). [`Untyped`] is the contract of any workflow, called by names and tuples of
//! arguments: the escape hatch, and the contract of handles from string names.
//!
//! The traits are generic over the arguments `A` (and results `R`), and each contract marker
//! implements them once, for its declared types: so the compiler infers `A` and `R` from the
//! marker, refuses anything else, and [`Untyped`] accepts everything.

use temporal_proto::api::common::v1::Payload;

use crate::converter::{ConversionError, DataConverter, FromPayload, ToPayloads};

/// The type parameter of a [`WorkflowHandle`](crate::WorkflowHandle): a workflow contract, or
/// [`Untyped`].
///
/// # Examples
///
/// ```no_run
/// use temporal_client::{Contract, WorkflowHandle};
///
/// // Works with handles of any contract, typed or untyped.
/// fn log_handle<W: Contract>(handle: &WorkflowHandle<W>) {
///     println!("workflow {}", handle.workflow_id());
/// }
/// # fn example(client: temporal_client::Client) {
/// log_handle(&client.get_handle::<temporal_client::Untyped>("order-1234"));
/// # }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a workflow contract",
    label = "not a contract",
    note = "declare the workflow with `#[temporal_client::workflow]` on a trait, or use \
            `temporal_client::Untyped` to call it by names"
)]
pub trait Contract: Send + Sync + 'static {}

/// The contract of any workflow: types, signals and queries by name, arguments as tuples of
/// serializable values (one payload each), results as whatever type the caller asks for.
///
/// # Examples
///
/// ```no_run
/// use temporal_client::Untyped;
///
/// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
/// let handle = client.get_handle::<Untyped>("order-1234");
/// handle.signal("approve", ("manager-7",)).await?;
/// let total: f64 = handle.query("total", ()).await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Untyped;

impl Contract for Untyped {}

/// A workflow that [`Client::start`](crate::Client::start) can start with arguments of type
/// `A`: a contract marker, with the arguments of its run method, or a workflow type name
/// (`&str`), with a tuple of any arguments.
///
/// # Examples
///
/// ```
/// use temporal_client::{DataConverter, StartWorkflow};
///
/// let workflow = "example";
/// assert_eq!(StartWorkflow::<(&str,)>::workflow_type(&workflow), "example");
/// let payloads = workflow.encode_args(&("Temporal",), &DataConverter::default())?;
/// assert_eq!(payloads.len(), 1);
/// # Ok::<(), temporal_client::ConversionError>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be started with arguments of type `{A}`",
    label = "this workflow's run method takes other arguments",
    note = "a contract takes the arguments its run method declares: the value for one \
            parameter, a tuple for several, `()` for none"
)]
pub trait StartWorkflow<A> {
    /// The contract of the handle that starting returns.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{StartWorkflow, Untyped};
    ///
    /// // Starting by name gives an `Untyped` handle.
    /// fn contract_of<T: StartWorkflow<(), Contract = Untyped>>(_: T) {}
    /// contract_of("example");
    /// ```
    type Contract: Contract;

    /// The workflow type name sent to the server.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::StartWorkflow;
    ///
    /// assert_eq!(StartWorkflow::<(i32,)>::workflow_type(&"example"), "example");
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
    /// let payloads = "example".encode_args(&("Temporal", 42), &DataConverter::default())?;
    /// assert_eq!(payloads.len(), 2);
    /// # Ok::<(), temporal_client::ConversionError>(())
    /// ```
    fn encode_args(
        &self,
        args: &A,
        converter: &DataConverter,
    ) -> Result<Vec<Payload>, ConversionError>;
}

impl<A: ToPayloads> StartWorkflow<A> for &str {
    type Contract = Untyped;

    fn workflow_type(&self) -> &str {
        self
    }

    fn encode_args(
        &self,
        args: &A,
        converter: &DataConverter,
    ) -> Result<Vec<Payload>, ConversionError> {
        converter.to_payloads(args)
    }
}

/// That the workflows of a contract return an `R`.
///
/// # Examples
///
/// ```no_run
/// use temporal_client::{Contract, WorkflowHandle, WorkflowResult};
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

impl<R: FromPayload> WorkflowResult<R> for Untyped {}

/// A signal of the workflows of contract `W`, taking arguments `A`: a signal marker of the
/// contract, or a signal name (`&str`) for [`Untyped`] handles.
///
/// # Examples
///
/// ```
/// use temporal_client::{DataConverter, SignalOf, Untyped};
///
/// let signal = "approve";
/// assert_eq!(SignalOf::<Untyped, (&str,)>::name(&signal), "approve");
/// let payloads = SignalOf::<Untyped, _>::encode_args(&signal, &("manager-7",), &DataConverter::default())?;
/// assert_eq!(payloads.len(), 1);
/// # Ok::<(), temporal_client::ConversionError>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a signal of `{W}` taking `{A}`",
    label = "not a signal of this handle's workflow with these arguments",
    note = "a handler of a typed handle is a marker of its contract (`Contract::handler`) with \
            the declared arguments; a handler of an `Untyped` handle is a name with a tuple of \
            arguments"
)]
pub trait SignalOf<W, A> {
    /// The signal name sent to the server.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{SignalOf, Untyped};
    ///
    /// assert_eq!(SignalOf::<Untyped, ()>::name(&"approve"), "approve");
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
    /// use temporal_client::{DataConverter, SignalOf, Untyped};
    ///
    /// let payloads = SignalOf::<Untyped, _>::encode_args(&"approve", &("manager-7",), &DataConverter::default())?;
    /// assert_eq!(payloads.len(), 1);
    /// # Ok::<(), temporal_client::ConversionError>(())
    /// ```
    fn encode_args(
        &self,
        args: &A,
        converter: &DataConverter,
    ) -> Result<Vec<Payload>, ConversionError>;
}

impl<A: ToPayloads> SignalOf<Untyped, A> for &str {
    fn name(&self) -> &str {
        self
    }

    fn encode_args(
        &self,
        args: &A,
        converter: &DataConverter,
    ) -> Result<Vec<Payload>, ConversionError> {
        converter.to_payloads(args)
    }
}

/// A query of the workflows of contract `W`, taking arguments `A` and answering an `R`: a
/// query marker of the contract, or a query name (`&str`) for [`Untyped`] handles.
///
/// # Examples
///
/// ```
/// use temporal_client::{DataConverter, QueryOf, Untyped};
///
/// let query = "total";
/// assert_eq!(QueryOf::<Untyped, (), f64>::name(&query), "total");
/// let payloads = QueryOf::<Untyped, (), f64>::encode_args(&query, &(), &DataConverter::default())?;
/// assert!(payloads.is_empty());
/// # Ok::<(), temporal_client::ConversionError>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a query of `{W}` taking `{A}` and answering `{R}`",
    label = "not a query of this handle's workflow with these types",
    note = "a handler of a typed handle is a marker of its contract (`Contract::handler`) with \
            the declared arguments and result; a handler of an `Untyped` handle is a name with a \
            tuple of arguments"
)]
pub trait QueryOf<W, A, R> {
    /// The query type sent to the server.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{QueryOf, Untyped};
    ///
    /// assert_eq!(QueryOf::<Untyped, (), f64>::name(&"total"), "total");
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
    /// use temporal_client::{DataConverter, QueryOf, Untyped};
    ///
    /// let payloads =
    ///     QueryOf::<Untyped, _, String>::encode_args(&"lineItem", &(2,), &DataConverter::default())?;
    /// assert_eq!(payloads.len(), 1);
    /// # Ok::<(), temporal_client::ConversionError>(())
    /// ```
    fn encode_args(
        &self,
        args: &A,
        converter: &DataConverter,
    ) -> Result<Vec<Payload>, ConversionError>;
}

impl<A: ToPayloads, R: FromPayload> QueryOf<Untyped, A, R> for &str {
    fn name(&self) -> &str {
        self
    }

    fn encode_args(
        &self,
        args: &A,
        converter: &DataConverter,
    ) -> Result<Vec<Payload>, ConversionError> {
        converter.to_payloads(args)
    }
}

/// An update of the workflows of contract `W`, taking arguments `A` and answering an `R`: an
/// update marker of the contract, or an update name (`&str`) for [`Untyped`] handles.
///
/// # Examples
///
/// ```
/// use temporal_client::{DataConverter, UpdateOf, Untyped};
///
/// let update = "setValue";
/// assert_eq!(UpdateOf::<Untyped, (i64,), i64>::name(&update), "setValue");
/// let payloads = UpdateOf::<Untyped, _, i64>::encode_args(&update, &(42,), &DataConverter::default())?;
/// assert_eq!(payloads.len(), 1);
/// # Ok::<(), temporal_client::ConversionError>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an update of `{W}` taking `{A}` and answering `{R}`",
    label = "not an update of this handle's workflow with these types",
    note = "a handler of a typed handle is a marker of its contract (`Contract::handler`) with \
            the declared arguments and result; a handler of an `Untyped` handle is a name with a \
            tuple of arguments"
)]
pub trait UpdateOf<W, A, R> {
    /// The update name sent to the server.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{UpdateOf, Untyped};
    ///
    /// assert_eq!(UpdateOf::<Untyped, (i64,), i64>::name(&"setValue"), "setValue");
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
    /// use temporal_client::{DataConverter, UpdateOf, Untyped};
    ///
    /// let payloads =
    ///     UpdateOf::<Untyped, _, i64>::encode_args(&"setValue", &(42,), &DataConverter::default())?;
    /// assert_eq!(payloads.len(), 1);
    /// # Ok::<(), temporal_client::ConversionError>(())
    /// ```
    fn encode_args(
        &self,
        args: &A,
        converter: &DataConverter,
    ) -> Result<Vec<Payload>, ConversionError>;
}

impl<A: ToPayloads, R: FromPayload> UpdateOf<Untyped, A, R> for &str {
    fn name(&self) -> &str {
        self
    }

    fn encode_args(
        &self,
        args: &A,
        converter: &DataConverter,
    ) -> Result<Vec<Payload>, ConversionError> {
        converter.to_payloads(args)
    }
}
