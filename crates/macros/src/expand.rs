//! From a validated [`Contract`] to code: a marker type, a marker per handler, and the
//! `temporal_client` trait impls that let the compiler check every call.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Ident, Type};

use crate::model::{Contract, Handler, Kind};

pub(crate) fn contract(contract: &Contract) -> TokenStream {
    let Contract {
        attrs,
        vis,
        ident,
        wire_name,
        crate_path,
        crate_path_span,
        handlers,
    } = contract;
    let handlers_module = format_ident!("__temporal_{}", ident);
    // A wrong `crate = "..."` fails here, once, on the user's literal.
    let use_private = quote_spanned! {*crate_path_span=>
        use #crate_path::__private as __temporal;
    };
    let mut handler_types = Vec::new();
    let mut constants = Vec::new();
    let mut impls = Vec::new();
    // Beside a reported error (two #[run] methods, two methods of one name), only the first
    // is expanded, so the error is not repeated as conflicting items.
    let mut seen_run = false;
    let mut seen_idents = std::collections::HashSet::new();
    let expanded = handlers.iter().filter(|handler| {
        let first_run = handler.kind != Kind::Run || !std::mem::replace(&mut seen_run, true);
        handler.expandable
            && handler.kind != Kind::Validator
            && first_run
            && seen_idents.insert(handler.ident.to_string())
    });
    for handler in expanded {
        let args_type = args_type(handler);
        let encode_args = encode_args_method(handler, &args_type);
        let output_type = output_type(handler);
        let output_check = output_check(handler);
        match handler.kind {
            Kind::Run => impls.push(quote! {
                impl __temporal::StartWorkflow<#args_type> for #ident {
                    type Contract = #ident;
                    fn workflow_type(&self) -> &str {
                        #wire_name
                    }
                    #encode_args
                }
                impl __temporal::WorkflowResult<#output_type> for #ident {}
                #output_check
            }),
            kind => {
                let handler_ident = &handler.ident;
                let name = &handler.wire_name;
                let docs = handler_docs(handler, ident);
                handler_types.push(quote! {
                    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
                    pub struct #handler_ident;
                });
                constants.push(quote! {
                    #(#docs)*
                    #vis const #handler_ident: #handlers_module::#handler_ident =
                        #handlers_module::#handler_ident;
                });
                let (trait_name, generics) = match kind {
                    Kind::Signal => (quote!(SignalOf), quote!(<#ident, #args_type>)),
                    Kind::Query => (quote!(QueryOf), quote!(<#ident, #args_type, #output_type>)),
                    Kind::Update => (quote!(UpdateOf), quote!(<#ident, #args_type, #output_type>)),
                    Kind::Run | Kind::Validator => unreachable!("handled above"),
                };
                impls.push(quote! {
                    impl __temporal::#trait_name #generics for #handlers_module::#handler_ident {
                        fn name(&self) -> &str {
                            #name
                        }
                        #encode_args
                    }
                    #output_check
                });
            }
        }
    }
    let marker_doc = if attrs.iter().any(|attr| attr.path().is_ident("doc")) {
        quote!()
    } else {
        let text = format!(" The contract of the `{wire_name}` workflow.");
        quote!(#[doc = #text])
    };
    quote! {
        #(#attrs)*
        #marker_doc
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
        #vis struct #ident;

        #[doc(hidden)]
        #[allow(non_snake_case, non_camel_case_types)]
        #vis mod #handlers_module {
            #(#handler_types)*
        }

        #[allow(non_upper_case_globals)]
        impl #ident {
            #(#constants)*
        }

        const _: () = {
            #use_private
            impl __temporal::Contract for #ident {}
            #(#impls)*
        };
    }
}

/// The Rust type of a handler's arguments: `()`, the one parameter's type, or a tuple.
fn args_type(handler: &Handler) -> TokenStream {
    match handler.params.as_slice() {
        [] => quote!(()),
        [(_, ty)] => quote!(#ty),
        params => {
            let types = params.iter().map(|(_, ty)| ty);
            quote!((#(#types,)*))
        }
    }
}

fn output_type(handler: &Handler) -> TokenStream {
    match &handler.output {
        Some(ty) => quote!(#ty),
        None => quote!(()),
    }
}

/// The `encode_args` method every contract trait has: one payload per parameter.
fn encode_args_method(handler: &Handler, args_type: &TokenStream) -> TokenStream {
    let body = encode_args(handler);
    quote! {
        fn encode_args(
            &self,
            args: &#args_type,
            converter: &__temporal::DataConverter,
        ) -> ::core::result::Result<
            ::std::vec::Vec<__temporal::Payload>,
            __temporal::ConversionError,
        > {
            #body
        }
    }
}

/// One payload per parameter; a conversion problem is reported on the parameter's type.
fn encode_args(handler: &Handler) -> TokenStream {
    let payload = |value: TokenStream, ty: &Type| {
        quote_spanned! {ty.span()=>
            __temporal::DataConverter::to_payload(converter, #value)?
        }
    };
    match handler.params.as_slice() {
        [] => quote! {
            let _ = (args, converter);
            ::core::result::Result::Ok(::std::vec::Vec::new())
        },
        [(_, ty)] => {
            // The value carries the type's span too, so an unconvertible type is reported on
            // the user's type rather than on the macro.
            let args = Ident::new("args", ty.span());
            let payload = payload(quote!(#args), ty);
            quote!(::core::result::Result::Ok(::std::vec![#payload]))
        }
        params => {
            let names: Vec<Ident> = params
                .iter()
                .enumerate()
                .map(|(index, (_, ty))| format_ident!("__temporal_arg{}", index, span = ty.span()))
                .collect();
            let payloads = names
                .iter()
                .zip(params)
                .map(|(name, (_, ty))| payload(quote!(#name), ty));
            quote! {
                let (#(#names,)*) = args;
                ::core::result::Result::Ok(::std::vec![#(#payloads),*])
            }
        }
    }
}

/// A check, spanned on the declared result type, that it can be decoded from a payload.
fn output_check(handler: &Handler) -> TokenStream {
    let Some(ty) = &handler.output else {
        return quote!();
    };
    quote_spanned! {ty.span()=>
        const _: fn() = || {
            fn __temporal_result_decodes<T: __temporal::FromPayload>() {}
            __temporal_result_decodes::<#ty>();
        };
    }
}

fn handler_docs(handler: &Handler, contract: &Ident) -> Vec<TokenStream> {
    if handler.docs.is_empty() {
        let text = format!(
            " The `{}` {} of [`{contract}`].",
            handler.wire_name,
            handler.kind.attribute()
        );
        vec![quote!(#[doc = #text])]
    } else {
        handler.docs.iter().map(|attr| quote!(#attr)).collect()
    }
}
