//! The rules a contract must follow, one function each. Simpler checks happen while parsing.

use std::collections::HashMap;

use crate::ctxt::Ctxt;
use crate::model::{Contract, Handler, Kind, Receiver};

/// Names starting with this are Temporal's own (such as `__temporal_workflow_metadata`).
const RESERVED_PREFIX: &str = "__temporal";

pub(crate) fn check(ctxt: &Ctxt, contract: &Contract) {
    exactly_one_run_method(ctxt, contract);
    for handler in &contract.handlers {
        signals_return_nothing(ctxt, handler);
        queries_are_read_only_and_immediate(ctxt, handler);
        receivers_are_references(ctxt, handler);
        names_are_usable(ctxt, handler);
    }
    names_are_unique(ctxt, contract);
    method_names_are_unique(ctxt, contract);
    validators_match_their_updates(ctxt, contract);
}

/// The run method declares the workflow's arguments and result: a contract has exactly one.
fn exactly_one_run_method(ctxt: &Ctxt, contract: &Contract) {
    let runs: Vec<&Handler> = contract
        .handlers
        .iter()
        .filter(|handler| handler.kind == Kind::Run)
        .collect();
    if runs.is_empty() {
        ctxt.error_spanned_by(
            &contract.ident,
            "a workflow contract needs a #[run] method, declaring the workflow's arguments and \
             result, such as `#[run] async fn run(&mut self, name: String) -> String;`",
        );
    }
    for extra in runs.iter().skip(1) {
        ctxt.push(syn::Error::new(
            extra.ident.span(),
            format!(
                "a workflow contract has one #[run] method, and `{}` is already it; make this \
                 one a #[signal], #[query] or #[update], or remove it",
                runs[0].ident
            ),
        ));
    }
}

/// A signal is fire-and-forget: nothing comes back to the sender.
fn signals_return_nothing(ctxt: &Ctxt, handler: &Handler) {
    if let (Kind::Signal, Some(output)) = (handler.kind, &handler.output) {
        ctxt.error_spanned_by(
            output,
            "a signal returns nothing to its sender: remove the return type, or declare an \
             #[update] to return a value",
        );
    }
}

/// A query reads the workflow's state at once, without changing it.
fn queries_are_read_only_and_immediate(ctxt: &Ctxt, handler: &Handler) {
    let what = match handler.kind {
        Kind::Query => "a query",
        Kind::Validator => "an update validator",
        _ => return,
    };
    if handler.receiver == Receiver::Mutable {
        ctxt.push(syn::Error::new_spanned(
            &handler.receiver_tokens,
            format!(
                "{what} is read-only: take `&self`, not `&mut self` (declare an #[update] to \
                 change state)"
            ),
        ));
    }
    if let Some(asyncness) = handler.asyncness {
        ctxt.push(syn::Error::new(
            asyncness,
            format!(
                "{what} answers at once and cannot be `async`: remove `async` (declare an \
                 #[update] to wait for something)"
            ),
        ));
    }
}

/// Handlers run on the workflow's state; taking `self` by value would consume it.
fn receivers_are_references(ctxt: &Ctxt, handler: &Handler) {
    if handler.receiver == Receiver::ByValue {
        ctxt.push(syn::Error::new_spanned(
            &handler.receiver_tokens,
            "a handler takes `&self` or `&mut self`, not `self`",
        ));
    }
}

fn names_are_usable(ctxt: &Ctxt, handler: &Handler) {
    if matches!(handler.kind, Kind::Run | Kind::Validator) {
        return;
    }
    if handler.wire_name.trim().is_empty() {
        ctxt.push(syn::Error::new(
            handler.wire_name_span,
            format!("{} name cannot be empty", handler.kind.with_article()),
        ));
    } else if handler.wire_name.starts_with(RESERVED_PREFIX) {
        ctxt.push(syn::Error::new(
            handler.wire_name_span,
            format!(
                "names starting with `{RESERVED_PREFIX}` are reserved for Temporal's own \
                 handlers; choose another {} name",
                handler.kind.attribute()
            ),
        ));
    }
}

/// Two handlers of one kind with one name could not be told apart by the worker.
fn names_are_unique(ctxt: &Ctxt, contract: &Contract) {
    let mut seen: HashMap<(Kind, &str), &Handler> = HashMap::new();
    for handler in &contract.handlers {
        if matches!(handler.kind, Kind::Run | Kind::Validator) {
            continue;
        }
        let Some(first) = seen.get(&(handler.kind, handler.wire_name.as_str())) else {
            seen.insert((handler.kind, &handler.wire_name), handler);
            continue;
        };
        ctxt.push(syn::Error::new(
            handler.wire_name_span,
            format!(
                "duplicate {} name \"{}\": `{}` already uses it; give one of them another name \
                 with #[{}(name = \"...\")]",
                handler.kind.attribute(),
                handler.wire_name,
                first.ident,
                handler.kind.attribute()
            ),
        ));
    }
}

/// A validator sees exactly the arguments of the update it checks, and only rejects: it
/// returns nothing, or a `Result` whose error rejects the update.
fn validators_match_their_updates(ctxt: &Ctxt, contract: &Contract) {
    for validator in contract
        .handlers
        .iter()
        .filter(|h| h.kind == Kind::Validator)
    {
        let Some((target, target_span)) = &validator.validates else {
            continue;
        };
        let update = contract
            .handlers
            .iter()
            .find(|handler| handler.kind == Kind::Update && handler.ident == target.as_str());
        let Some(update) = update else {
            ctxt.push(syn::Error::new(
                *target_span,
                format!(
                    "`{target}` is not an #[update] of this contract; a validator names the \
                     update method it checks"
                ),
            ));
            continue;
        };
        let types = |handler: &Handler| -> Vec<String> {
            handler
                .params
                .iter()
                .map(|(_, ty)| quote::quote!(#ty).to_string())
                .collect()
        };
        if types(validator) != types(update) {
            ctxt.push(syn::Error::new(
                validator.ident.span(),
                format!(
                    "a validator takes the same parameters as its update: `{}` takes ({})",
                    update.ident,
                    types(update).join(", ")
                ),
            ));
        }
        let returns_result = match &validator.output {
            None => true,
            Some(syn::Type::Path(path)) => path
                .path
                .segments
                .last()
                .is_some_and(|segment| segment.ident == "Result"),
            Some(_) => false,
        };
        if let (false, Some(output)) = (returns_result, &validator.output) {
            ctxt.error_spanned_by(
                output,
                "a validator only accepts or rejects: return nothing, or a `Result` whose \
                 error rejects the update",
            );
        }
    }
}

/// Each handler becomes a constant named after its method (`Counter::status`), so two
/// handlers cannot share a method name, even of different kinds.
fn method_names_are_unique(ctxt: &Ctxt, contract: &Contract) {
    let mut seen: HashMap<String, &Handler> = HashMap::new();
    for handler in &contract.handlers {
        let name = handler.ident.to_string();
        if let Some(first) = seen.get(&name) {
            ctxt.push(syn::Error::new(
                handler.ident.span(),
                format!(
                    "the method name `{name}` is already used by {} of this contract; rename \
                     one method (the wire names can stay the same with #[{}(name = \"...\")])",
                    first.kind.with_article(),
                    handler.kind.attribute()
                ),
            ));
        } else {
            seen.insert(name, handler);
        }
    }
}
