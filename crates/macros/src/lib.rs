//! Typed workflow contracts for `temporal-client`: `#[workflow]` turns a trait that declares a
//! workflow's run method, signals, queries and updates into types the compiler checks every
//! call against. Use it through `temporal_client` (which re-exports it); the crate's docs
//! describe the contract and show what the macro generates.
//!
//! Inside the macro: the tokens are parsed into a model (`parse`), checked (`validate`), and
//! only then expanded (`expand`); every problem is reported at once, on the offending tokens.
#![deny(missing_docs)]

mod case;
mod ctxt;
mod expand;
mod model;
mod parse;
mod validate;

use proc_macro::TokenStream;

/// Declares a workflow contract: the workflow's type name, run method, signals, queries and
/// updates, so that every call to it is checked at compile time. The workflow itself is
/// implemented by a worker, in any language; the contract only declares it.
///
/// ```
/// use temporal_client::workflow;
///
/// /// A counter implemented by a Python or TypeScript worker.
/// #[workflow(name = "counter", rename_all = "camelCase")]
/// pub trait Counter {
///     /// Starts counting from `start`; returns the final count.
///     #[run]
///     async fn run(&mut self, start: i64) -> i64;
///
///     /// Adds `amount`.
///     #[signal]
///     fn increment(&mut self, amount: i64);
///
///     /// The count, sent as `currentValue` (camelCase).
///     #[query]
///     fn current_value(&self) -> i64;
///
///     /// Sets the count, answering the previous one.
///     #[update(name = "setValue")]
///     fn set(&mut self, value: i64) -> i64;
/// }
///
/// async fn use_it(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
///     let options = temporal_client::StartOptions::new("counter-1", "counters");
///     let handle = client.start(Counter, 10, options).await?; // `10` must be an i64
///     handle.signal(Counter::increment, 5).await?;
///     let value: i64 = handle.query(Counter::current_value, ()).await?;
///     let previous = handle.execute_update(Counter::set, 0).await?;
///     let result: i64 = handle.result().await?;
///     // A handle to an existing execution, typed, in one call:
///     let same = client.get_handle::<Counter>("counter-1");
///     # let _ = (value, previous, result, same);
///     Ok(())
/// }
/// ```
///
/// # The declaration
///
/// - The trait has exactly one `#[run]` method: its parameters are the workflow's arguments
///   (one payload each, so multi-argument workflows of other languages match), its return type
///   the workflow's result.
/// - `#[signal]` methods return nothing; `#[query]` methods take `&self` and are not `async`;
///   `#[update]` methods may be `async` and return a value. Each takes `&self` or `&mut self`.
/// - Names: the workflow type is the trait's name unless `#[workflow(name = "...")]` says
///   otherwise; a handler is named after its method, renamed by
///   `rename_all = "camelCase"` (or any serde rule: `lowercase`, `UPPERCASE`, `PascalCase`,
///   `snake_case`, `SCREAMING_SNAKE_CASE`, `kebab-case`, `SCREAMING-KEBAB-CASE`) unless
///   `#[signal(name = "...")]` names it. Names starting with `__temporal` are reserved.
/// - `#[workflow(crate = "path")]` names where `temporal_client` is, for crates that
///   re-export it.
/// - The handler attributes need no import: `#[workflow]` reads and removes them (importing
///   them only earns an unused-import warning).
/// - Argument types implement `serde::Serialize` (or another `ToPayload`), result types
///   `serde::de::DeserializeOwned` (or another `FromPayload`); mistakes are reported on the
///   type.
///
/// # What it generates
///
/// For the `Counter` above, in outline (the handler types live in a hidden module):
///
/// ```text
/// /// A counter implemented by a Python or TypeScript worker.
/// #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
/// pub struct Counter;
///
/// impl Counter {
///     /// Adds `amount`.
///     pub const increment: __temporal_Counter::increment = __temporal_Counter::increment;
///     pub const current_value: __temporal_Counter::current_value = ...;
///     pub const set: __temporal_Counter::set = ...;
/// }
///
/// impl Contract for Counter {}
/// impl StartWorkflow<i64> for Counter { type Contract = Counter; /* "counter", one payload */ }
/// impl WorkflowResult<i64> for Counter {}
/// impl SignalOf<Counter, i64> for __temporal_Counter::increment { /* "increment" */ }
/// impl QueryOf<Counter, (), i64> for __temporal_Counter::current_value { /* "currentValue" */ }
/// impl UpdateOf<Counter, i64, i64> for __temporal_Counter::set { /* "setValue" */ }
/// ```
///
/// `Client::start`, `WorkflowHandle::signal`, `query`, `execute_update` and `result` are
/// generic over these traits, so a call with the wrong arguments, a handler of another
/// contract, or the wrong result type does not compile, and the error names the contract.
#[proc_macro_attribute]
pub fn workflow(args: TokenStream, item: TokenStream) -> TokenStream {
    let trait_item = match syn::parse::<syn::ItemTrait>(item) {
        Ok(trait_item) => trait_item,
        Err(error) => {
            let message = format!(
                "#[workflow] declares a contract on a trait, such as `#[workflow] trait \
                 Greeting {{ #[run] async fn run(&mut self, name: String) -> String; }}` ({error})"
            );
            return syn::Error::new(error.span(), message)
                .to_compile_error()
                .into();
        }
    };
    let ctxt = ctxt::Ctxt::new();
    let contract = parse::contract(&ctxt, args.into(), &trait_item);
    if let Some(contract) = &contract {
        validate::check(&ctxt, contract);
    }
    // What parsed is expanded even beside errors, so that code using the contract reports
    // only its own problems, not a cascade of "cannot be started".
    match (ctxt.check(), contract) {
        (Ok(()), Some(contract)) => expand::contract(&contract).into(),
        (Err(errors), Some(contract)) => {
            let errors = errors.to_compile_error();
            let expansion = expand::contract(&contract);
            quote::quote!(#errors #expansion).into()
        }
        (Err(errors), None) => with_placeholder(errors, &trait_item),
        (Ok(()), None) => with_placeholder(
            syn::Error::new_spanned(&trait_item.ident, "this contract could not be read"),
            &trait_item,
        ),
    }
}

/// The errors, and a marker type of the contract's name, so that code using the contract
/// reports its own problems rather than "cannot find type".
fn with_placeholder(errors: syn::Error, item: &syn::ItemTrait) -> TokenStream {
    let vis = &item.vis;
    let ident = &item.ident;
    let errors = errors.to_compile_error();
    quote::quote!(
        #errors
        #[allow(dead_code)]
        #vis struct #ident;
    )
    .into()
}

macro_rules! handler_attribute {
    ($name:ident, $kind:literal) => {
        #[doc = concat!(
            "Declares ", $kind, " in a `#[workflow]` trait, which reads and removes it; ",
            "anywhere else it is an error. See [`macro@workflow`].\n\n",
            "```\n",
            "#[temporal_client::workflow]\n",
            "trait Greeting {\n",
            "    #[run]\n",
            "    async fn run(&mut self, name: String) -> String;\n",
            "    #[signal(name = \"setTone\")]\n",
            "    fn set_tone(&mut self, tone: String);\n",
            "    #[query]\n",
            "    fn tone(&self) -> String;\n",
            "    #[update]\n",
            "    async fn rename(&mut self, name: String) -> String;\n",
            "}\n",
            "```"
        )]
        #[proc_macro_attribute]
        pub fn $name(_args: TokenStream, item: TokenStream) -> TokenStream {
            // Inside a #[workflow] trait, #[workflow] reads and removes this attribute before
            // it expands; reaching here means it is used anywhere else.
            let message = concat!(
                "#[", stringify!($name), "] declares ", $kind,
                " of a workflow contract: put it on a method of a trait marked #[workflow]"
            );
            let item = proc_macro2::TokenStream::from(item);
            let error = syn::Error::new_spanned(&item, message).to_compile_error();
            quote::quote!(#error #item).into()
        }
    };
}

handler_attribute!(run, "the run method");
handler_attribute!(signal, "a signal");
handler_attribute!(query, "a query");
handler_attribute!(update, "an update");
handler_attribute!(validator, "an update validator");
