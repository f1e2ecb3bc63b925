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

/// Declares a workflow contract; see `temporal_client::workflow`.
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
    match (ctxt.check(), contract) {
        (Ok(()), Some(contract)) => expand::contract(&contract).into(),
        (Err(errors), _) => with_placeholder(errors, &trait_item),
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
            "Declares a ", $kind, " in a `#[workflow]` trait; see `temporal_client::workflow`."
        )]
        #[proc_macro_attribute]
        pub fn $name(_args: TokenStream, item: TokenStream) -> TokenStream {
            // Inside a #[workflow] trait, #[workflow] reads and removes this attribute before
            // it expands; reaching here means it is used anywhere else.
            let message = concat!(
                "#[", stringify!($name), "] declares a ", $kind,
                " of a workflow contract: put it on a method of a trait marked #[workflow]"
            );
            let item = proc_macro2::TokenStream::from(item);
            let error = syn::Error::new_spanned(&item, message).to_compile_error();
            quote::quote!(#error #item).into()
        }
    };
}

handler_attribute!(run, "run method");
handler_attribute!(signal, "signal");
handler_attribute!(query, "query");
handler_attribute!(update, "update");
