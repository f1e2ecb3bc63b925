//! Typed workflow contracts: `#[workflow]` turns a trait that declares a workflow's run
//! method, signals, queries and updates into types the compiler checks every call against.
//! Use it through `temporal_contract` (for crates that only publish a contract) or
//! `temporal_client` (which re-exports it as `workflow_for_client`, under the name
//! `workflow`); the two differ only in the crate the generated code names.
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

use crate::model::DefaultCrate;

#[doc = include_str!("workflow.md")]
#[proc_macro_attribute]
pub fn workflow(args: TokenStream, item: TokenStream) -> TokenStream {
    expand_workflow(args, item, DefaultCrate::Contract)
}

/// `#[workflow]` as `temporal_client` re-exports it: generated code names `::temporal_client`
/// unless `crate = "..."` says otherwise.
#[doc = include_str!("workflow.md")]
#[proc_macro_attribute]
pub fn workflow_for_client(args: TokenStream, item: TokenStream) -> TokenStream {
    expand_workflow(args, item, DefaultCrate::Client)
}

fn expand_workflow(
    args: TokenStream,
    item: TokenStream,
    default_crate: DefaultCrate,
) -> TokenStream {
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
    let contract = parse::contract(&ctxt, args.into(), &trait_item, default_crate);
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
