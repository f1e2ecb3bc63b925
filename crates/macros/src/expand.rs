//! From a validated [`Contract`] to code: the contract's marker type, a type and a constructor
//! per handler, and the `temporal_contract` trait impls the client builds its calls on. The
//! generated items carry docs that show each handler's kind, wire name, parameters and result.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Attribute, Ident, Type};

use crate::case::RenameRule;
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
    let handlers_module = handlers_module(ident);
    let inner_vis = inner_visibility(vis);
    // A wrong `crate = "..."` fails here, once, on the user's literal.
    let use_private = quote_spanned! {*crate_path_span=>
        use #crate_path::__private as __temporal;
    };
    let mut handler_types = Vec::new();
    let mut constructors = Vec::new();
    let mut impls = Vec::new();
    let mut infos = Vec::new();
    let mut table = Vec::new();
    let mut run_impl = None;
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
        let carried = &handler.carried;
        let cfgs: Vec<&Attribute> = carried
            .iter()
            .filter(|attr| attr.path().is_ident("cfg"))
            .collect();
        infos.push(handler_info(handler, wire_name, &cfgs));
        table.push(table_row(handler, wire_name, &handlers_module));
        let arg_checks = handler
            .params
            .iter()
            .map(|(_, ty)| type_check(ty, "CheckArg"));
        let output_check = declared_output(handler).map(|ty| type_check(ty, "CheckResult"));
        let checks = quote! {
            #(#cfgs)*
            const _: () = {
                #(#arg_checks)*
                #output_check
            };
        };
        if handler.kind == Kind::Run {
            let args_type = run_args_type(handler);
            let arg_tuple = arg_tuple_type(handler);
            let output_type = output_type(handler);
            let into_tuple = match handler.params.len() {
                1 => quote!((args,)),
                _ => quote!(args),
            };
            run_impl = Some(quote! {
                type Args = #args_type;
                type ArgTuple = #arg_tuple;
                type Output = #output_type;
                fn into_arg_tuple(args: Self::Args) -> Self::ArgTuple {
                    #into_tuple
                }
            });
            impls.push(checks);
            continue;
        }
        let method = &handler.ident;
        let type_ident = handler_type_ident(handler);
        let docs = handler_docs(handler, ident);
        let name = &handler.wire_name;
        let arg_tuple = arg_tuple_type(handler);
        let output_type = output_type(handler);
        let kind_trait = kind_trait(handler.kind);
        let kind_variant = kind_variant(handler.kind);
        let fields = handler.params.iter().map(|(name, ty)| {
            let doc = format!(" The `{}` argument.", unraw(name));
            quote!(#[doc = #doc] #inner_vis #name: #ty)
        });
        let field_names: Vec<&Ident> = handler.params.iter().map(|(name, _)| name).collect();
        let type_doc = format!(
            " A call of the `{}` {} of [`{ident}`](super::{ident}), built by [`{ident}::{}`](super::{ident}::{}).",
            handler.wire_name,
            handler.kind.attribute(),
            unraw(method),
            unraw(method),
        );
        if handler.params.is_empty() {
            handler_types.push(quote! {
                #(#docs)*
                #[doc = ""]
                #[doc = #type_doc]
                #(#carried)*
                #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
                #inner_vis struct #type_ident;
            });
            constructors.push(quote! {
                #(#docs)*
                #(#carried)*
                #vis const #method: #handlers_module::#type_ident = #handlers_module::#type_ident;
            });
        } else {
            handler_types.push(quote! {
                #(#docs)*
                #[doc = ""]
                #[doc = #type_doc]
                #(#carried)*
                #[must_use = "a handler call does nothing until it is passed to a workflow handle"]
                #[allow(missing_debug_implementations)]
                #inner_vis struct #type_ident {
                    #(#fields,)*
                }
            });
            let params = handler.params.iter().map(|(name, ty)| {
                if is_string(ty) {
                    quote!(#name: impl ::core::convert::Into<::std::string::String>)
                } else {
                    quote!(#name: #ty)
                }
            });
            let values = handler.params.iter().map(|(name, ty)| {
                if is_string(ty) {
                    quote!(#name: ::core::convert::Into::into(#name))
                } else {
                    quote!(#name)
                }
            });
            constructors.push(quote! {
                #(#docs)*
                #(#carried)*
                #vis fn #method(#(#params),*) -> #handlers_module::#type_ident {
                    #handlers_module::#type_ident { #(#values),* }
                }
            });
        }
        // `()` for no parameters: an empty body, which clippy prefers to a unit expression.
        let into_args = if field_names.is_empty() {
            quote!()
        } else {
            quote!((#(self.#field_names,)*))
        };
        impls.push(quote! {
            #(#cfgs)*
            impl __temporal::Handler for #handlers_module::#type_ident {
                type Contract = #ident;
                const KIND: __temporal::HandlerKind = __temporal::HandlerKind::#kind_variant;
                const NAME: &'static str = #name;
                type Args = #arg_tuple;
                type Output = #output_type;
                fn into_args(self) -> Self::Args {
                    #into_args
                }
            }
            #(#cfgs)*
            impl __temporal::#kind_trait<#ident> for #handlers_module::#type_ident {}
            #checks
        });
    }
    // Without a run method (already reported), the contract still describes its handlers, so
    // that code using it reports only its own problems.
    let run_impl = run_impl.unwrap_or_else(|| {
        quote! {
            type Args = ();
            type ArgTuple = ();
            type Output = ();
            fn into_arg_tuple(args: Self::Args) -> Self::ArgTuple {
                args
            }
        }
    });
    let marker_doc = if attrs.iter().any(|attr| attr.path().is_ident("doc")) {
        quote!()
    } else {
        let text = format!(" The contract of the `{wire_name}` workflow.");
        quote!(#[doc = #text])
    };
    let table_doc = handlers_table(wire_name, &table);
    let module_doc = format!(
        " The handlers of [`{ident}`](super::{ident}): one type per signal, query and update, \
         built by `{ident}`'s constructors."
    );
    quote! {
        #(#attrs)*
        #marker_doc
        #(#table_doc)*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
        #vis struct #ident;

        #[doc = #module_doc]
        #[allow(non_snake_case, non_camel_case_types, deprecated, unreachable_pub)]
        #vis mod #handlers_module {
            #[allow(unused_imports)]
            use super::*;
            #(#handler_types)*
        }

        #[allow(non_upper_case_globals, deprecated)]
        impl #ident {
            #(#constructors)*
        }

        #[allow(deprecated)]
        const _: () = {
            #use_private
            impl __temporal::Contract for #ident {}
            impl __temporal::Workflow for #ident {
                const NAME: &'static str = #wire_name;
                const HANDLERS: &'static [__temporal::HandlerInfo] = &[#(#infos),*];
                #run_impl
            }
            #(#impls)*
        };
    }
}

/// The visibility, inside the handlers module, of what is as visible as the contract: one
/// module deeper, so relative visibilities reach one level further up.
fn inner_visibility(vis: &syn::Visibility) -> TokenStream {
    match vis {
        syn::Visibility::Public(_) => quote!(pub),
        syn::Visibility::Inherited => quote!(pub(super)),
        syn::Visibility::Restricted(restricted) => {
            let path = &restricted.path;
            let first = path
                .segments
                .first()
                .map(|segment| segment.ident.to_string());
            match first.as_deref() {
                Some("crate") => quote!(#vis),
                Some("self") => quote!(pub(super)),
                _ => quote!(pub(in super::#path)),
            }
        }
    }
}

/// `order_handlers` for `Order`: snake_case, so it reads as a module and does not collide with
/// the contract's type.
fn handlers_module(contract: &Ident) -> Ident {
    let name = contract.to_string();
    let name = name.strip_prefix("r#").unwrap_or(&name);
    let mut snake = String::new();
    for (index, ch) in name.char_indices() {
        if ch.is_uppercase() {
            if index > 0 && !snake.ends_with('_') {
                snake.push('_');
            }
            snake.extend(ch.to_lowercase());
        } else {
            snake.push(ch);
        }
    }
    format_ident!("{}_handlers", snake, span = contract.span())
}

/// `AddItem` for `add_item`.
fn handler_type_ident(handler: &Handler) -> Ident {
    let name = unraw(&handler.ident);
    let pascal = RenameRule::PascalCase.apply(&name);
    format_ident!("{}", pascal, span = handler.ident.span())
}

fn unraw(ident: &Ident) -> String {
    let name = ident.to_string();
    name.strip_prefix("r#").unwrap_or(&name).to_owned()
}

fn kind_trait(kind: Kind) -> TokenStream {
    match kind {
        Kind::Signal => quote!(Signal),
        Kind::Query => quote!(Query),
        Kind::Update => quote!(Update),
        Kind::Run | Kind::Validator => unreachable!("not a handler type"),
    }
}

fn kind_variant(kind: Kind) -> TokenStream {
    match kind {
        Kind::Run => quote!(Run),
        Kind::Signal => quote!(Signal),
        Kind::Query => quote!(Query),
        Kind::Update => quote!(Update),
        Kind::Validator => unreachable!("validators generate nothing"),
    }
}

/// The run method's arguments as a start call takes them: `()`, the one parameter's type, or
/// a tuple.
fn run_args_type(handler: &Handler) -> TokenStream {
    match handler.params.as_slice() {
        [(_, ty)] => quote!(#ty),
        _ => arg_tuple_type(handler),
    }
}

/// One tuple element per parameter.
fn arg_tuple_type(handler: &Handler) -> TokenStream {
    let types = handler.params.iter().map(|(_, ty)| ty);
    quote!((#(#types,)*))
}

fn output_type(handler: &Handler) -> TokenStream {
    match declared_output(handler) {
        Some(ty) => quote!(#ty),
        None => quote!(()),
    }
}

/// The result type a handler declares; a signal's (already reported) is left out, so that the
/// mistake is reported once.
fn declared_output(handler: &Handler) -> Option<&Type> {
    match handler.kind {
        Kind::Signal => None,
        _ => handler.output.as_ref(),
    }
}

/// A check, spanned on the declared type, that the client can encode (`CheckArg`) or decode
/// (`CheckResult`) it; `temporal_contract`'s checks accept every type. The checking function is
/// the contract's own, so that a failure points at the declaration only.
fn type_check(ty: &Type, check: &str) -> TokenStream {
    let check = Ident::new(check, ty.span());
    quote_spanned! {ty.span()=>
        const _: fn() = || {
            fn __temporal_type_crosses_the_wire<T: __temporal::#check + ?::core::marker::Sized>() {}
            __temporal_type_crosses_the_wire::<#ty>();
        };
    }
}

/// Whether `ty` is `String`, whose constructor parameter then takes `impl Into<String>`.
fn is_string(ty: &Type) -> bool {
    let Type::Path(path) = ty else {
        return false;
    };
    if path.qself.is_some() {
        return false;
    }
    let segments: Vec<String> = path
        .path
        .segments
        .iter()
        .map(|segment| segment.ident.to_string())
        .collect();
    let plain = path
        .path
        .segments
        .iter()
        .all(|segment| segment.arguments.is_empty());
    plain
        && matches!(
            segments
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .as_slice(),
            ["String"] | ["std", "string", "String"] | ["alloc", "string", "String"]
        )
}

/// A type as written, without the token spacing of `to_string`.
fn type_text(ty: &Type) -> String {
    let text = quote!(#ty).to_string();
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        if ch == ' ' {
            let prev = out.chars().last();
            let next = chars.peek().copied();
            let tight = matches!(prev, Some('<' | '&' | ':' | '(' | '['))
                || matches!(next, Some('<' | '>' | ',' | ':' | ')' | ']'));
            if tight {
                continue;
            }
        }
        out.push(ch);
    }
    out
}

fn params_text(handler: &Handler) -> String {
    handler
        .params
        .iter()
        .map(|(name, ty)| format!("{}: {}", unraw(name), type_text(ty)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The wire name of a handler; for the run method, the workflow type.
fn wire_name<'a>(handler: &'a Handler, workflow: &'a str) -> &'a str {
    match handler.kind {
        Kind::Run => workflow,
        _ => &handler.wire_name,
    }
}

fn handler_info(handler: &Handler, workflow: &str, cfgs: &[&Attribute]) -> TokenStream {
    let kind = kind_variant(handler.kind);
    let name = wire_name(handler, workflow);
    let method = unraw(&handler.ident);
    let params = handler.params.iter().map(|(name, ty)| {
        let name = unraw(name);
        let ty = type_text(ty);
        quote!((#name, #ty))
    });
    let output = match &handler.output {
        Some(ty) => {
            let text = type_text(ty);
            quote!(::core::option::Option::Some(#text))
        }
        None => quote!(::core::option::Option::None),
    };
    quote! {
        #(#cfgs)*
        __temporal::HandlerInfo {
            kind: __temporal::HandlerKind::#kind,
            name: #name,
            method: #method,
            params: &[#(#params),*],
            output: #output,
        }
    }
}

/// One row of the contract's handler table: its cfg (a row of a handler compiled out is left
/// out) and its markdown.
fn table_row(handler: &Handler, workflow: &str, module: &Ident) -> (Vec<Attribute>, String) {
    let method = unraw(&handler.ident);
    let link = match handler.kind {
        Kind::Run => format!("`{method}`"),
        _ => format!("[`{method}`]({module}::{})", handler_type_ident(handler)),
    };
    let params = if handler.params.is_empty() {
        "none".to_owned()
    } else {
        format!("`{}`", params_text(handler))
    };
    let output = handler
        .output
        .as_ref()
        .map_or_else(|| "nothing".to_owned(), |ty| format!("`{}`", type_text(ty)));
    let mut kind = handler.kind.attribute().to_owned();
    if handler
        .carried
        .iter()
        .any(|attr| attr.path().is_ident("deprecated"))
    {
        kind.push_str(" (deprecated)");
    }
    let hidden = handler.docs.iter().any(is_doc_hidden);
    let row = if hidden {
        String::new()
    } else {
        format!(
            " | {link} | {kind} | `{}` | {params} | {output} |",
            wire_name(handler, workflow)
        )
    };
    let cfgs = handler
        .carried
        .iter()
        .filter(|attr| attr.path().is_ident("cfg"))
        .cloned()
        .collect();
    (cfgs, row)
}

fn is_doc_hidden(attr: &Attribute) -> bool {
    attr.path().is_ident("doc")
        && matches!(&attr.meta, syn::Meta::List(list) if list.tokens.to_string().trim() == "hidden")
}

/// The "Handlers" section of the contract's docs; a row whose handler is compiled out by a
/// `cfg` is left out with it.
fn handlers_table(wire_name: &str, rows: &[(Vec<Attribute>, String)]) -> Vec<TokenStream> {
    let mut docs = vec![
        quote!(#[doc = ""]),
        quote!(#[doc = " # Handlers"]),
        quote!(#[doc = ""]),
    ];
    let intro = format!(" The `{wire_name}` workflow's run method and handlers, as declared:");
    docs.push(quote!(#[doc = #intro]));
    docs.push(quote!(#[doc = ""]));
    docs.push(quote!(#[doc = " | Handler | Kind | Wire name | Parameters | Result |"]));
    docs.push(quote!(#[doc = " |---------|------|-----------|------------|--------|"]));
    for (cfgs, row) in rows {
        if row.is_empty() {
            continue;
        }
        if cfgs.is_empty() {
            docs.push(quote!(#[doc = #row]));
        } else {
            let conditions = cfgs.iter().map(|attr| match &attr.meta {
                syn::Meta::List(list) => list.tokens.clone(),
                _ => quote!(all()),
            });
            docs.push(quote!(#[cfg_attr(all(#(#conditions),*), doc = #row)]));
        }
    }
    docs
}

/// The handler's own docs, then a line with what rustdoc does not show of it: its kind, wire
/// name and result.
fn handler_docs(handler: &Handler, contract: &Ident) -> Vec<TokenStream> {
    let mut docs: Vec<TokenStream> = if handler.docs.is_empty() {
        let text = format!(
            " The `{}` {} of [`{contract}`].",
            handler.wire_name,
            handler.kind.attribute()
        );
        vec![quote!(#[doc = #text])]
    } else {
        handler.docs.iter().map(|attr| quote!(#attr)).collect()
    };
    let params = if handler.params.is_empty() {
        "no arguments".to_owned()
    } else {
        format!("`{}`", params_text(handler))
    };
    let output = match (&handler.output, handler.kind) {
        (Some(ty), _) => format!("answers `{}`", type_text(ty)),
        (None, Kind::Signal) => "answers nothing (a signal)".to_owned(),
        (None, _) => "answers `()`".to_owned(),
    };
    let summary = format!(
        " **{}** `{}` of [`{contract}`]: takes {params}; {output}.",
        capitalized(handler.kind.attribute()),
        handler.wire_name,
    );
    docs.push(quote!(#[doc = ""]));
    docs.push(quote!(#[doc = #summary]));
    docs
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
