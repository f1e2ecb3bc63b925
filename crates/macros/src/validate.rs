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
    if handler.kind != Kind::Query {
        return;
    }
    if handler.receiver == Receiver::Mutable {
        ctxt.push(syn::Error::new(
            handler.receiver_span,
            "a query is read-only: take `&self`, not `&mut self` (declare an #[update] to \
             change state)",
        ));
    }
    if let Some(asyncness) = handler.asyncness {
        ctxt.push(syn::Error::new(
            asyncness,
            "a query answers at once and cannot be `async`: remove `async` (declare an \
             #[update] to wait for something)",
        ));
    }
}

/// Handlers run on the workflow's state; taking `self` by value would consume it.
fn receivers_are_references(ctxt: &Ctxt, handler: &Handler) {
    if handler.receiver == Receiver::ByValue {
        ctxt.push(syn::Error::new(
            handler.receiver_span,
            "a handler takes `&self` or `&mut self`, not `self`",
        ));
    }
}

fn names_are_usable(ctxt: &Ctxt, handler: &Handler) {
    if handler.kind == Kind::Run {
        return;
    }
    if handler.wire_name.is_empty() {
        ctxt.push(syn::Error::new(
            handler.wire_name_span,
            format!("a {} name cannot be empty", handler.kind.attribute()),
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
        if handler.kind == Kind::Run {
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
