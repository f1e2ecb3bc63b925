//! From the user's tokens to a [`Contract`]: attribute options and method signatures. Each
//! problem is recorded in the [`Ctxt`] with the span of the offending tokens, and parsing goes
//! on, so that every mistake is reported at once.

use proc_macro2::TokenStream;
use syn::punctuated::Punctuated;
use syn::{
    Attribute, Expr, ExprLit, FnArg, ItemTrait, Lit, LitStr, Meta, Pat, ReturnType, Token,
    TraitItem, TraitItemFn, Type,
};

use crate::case::RenameRule;
use crate::ctxt::Ctxt;
use crate::model::{Contract, DefaultCrate, Handler, Kind, Receiver};

/// The keys `#[workflow(...)]` takes.
const WORKFLOW_KEYS: &str = "`name`, `rename_all` or `crate`";
/// The handler attributes, by the last segment of their path.
const HANDLER_ATTRIBUTES: &[(&str, Kind)] = &[
    ("run", Kind::Run),
    ("signal", Kind::Signal),
    ("query", Kind::Query),
    ("update", Kind::Update),
    ("validator", Kind::Validator),
];

/// The attributes a handler may carry besides its own, which carry over to the generated
/// constructor and type, so that a contract can evolve across releases.
const CARRIED_ATTRIBUTES: &[&str] = &["doc", "cfg", "deprecated"];

/// The options of `#[workflow(...)]`.
#[derive(Default)]
struct WorkflowOptions {
    name: Option<LitStr>,
    rename_all: Option<RenameRule>,
    crate_path: Option<(syn::Path, proc_macro2::Span)>,
}

/// Parses a `#[workflow]` trait; `None` when it is too malformed to describe a contract (the
/// errors are in `ctxt`).
pub(crate) fn contract(
    ctxt: &Ctxt,
    args: TokenStream,
    item: &ItemTrait,
    default_crate: DefaultCrate,
) -> Option<Contract> {
    let options = workflow_options(ctxt, args);
    check_trait_header(ctxt, item);
    let rename_all = options.rename_all;
    let handlers = item
        .items
        .iter()
        .filter_map(|trait_item| match trait_item {
            TraitItem::Fn(method) => handler(ctxt, method, rename_all),
            other => {
                ctxt.error_spanned_by(
                    other,
                    "a #[workflow] trait declares only handler methods: #[run], #[signal], \
                     #[query] or #[update]",
                );
                None
            }
        })
        .collect();
    let (crate_path, crate_path_span) = options
        .crate_path
        .unwrap_or_else(|| (default_crate.path(), proc_macro2::Span::call_site()));
    Some(Contract {
        attrs: item.attrs.clone(),
        vis: item.vis.clone(),
        ident: item.ident.clone(),
        wire_name: options
            .name
            .map(|name| name.value())
            .unwrap_or_else(|| item.ident.to_string()),
        crate_path,
        crate_path_span,
        handlers,
    })
}

fn workflow_options(ctxt: &Ctxt, args: TokenStream) -> WorkflowOptions {
    let mut options = WorkflowOptions::default();
    let parsed = syn::parse::Parser::parse2(Punctuated::<Meta, Token![,]>::parse_terminated, args);
    let Some(metas) = parse_options(ctxt, parsed) else {
        return options;
    };
    for meta in metas {
        let Meta::NameValue(pair) = &meta else {
            ctxt.error_spanned_by(
                &meta,
                format!("expected `key = \"value\"` with a key of {WORKFLOW_KEYS}"),
            );
            continue;
        };
        let pair_path = &pair.path;
        let key = quote::quote!(#pair_path).to_string().replace(' ', "");
        let Some(value) = string_value(ctxt, &pair.value, &key) else {
            continue;
        };
        match key.as_str() {
            "name" => {
                duplicate_check(ctxt, options.name.is_some(), &pair.path, "workflow", &key);
                if value.value().trim().is_empty() {
                    ctxt.error_spanned_by(&value, "a workflow type name cannot be empty");
                } else if value.value().starts_with("__temporal") {
                    ctxt.error_spanned_by(
                        &value,
                        "workflow type names starting with `__temporal` are reserved for \
                         Temporal's own workflows; choose another name",
                    );
                }
                options.name = Some(value);
            }
            "rename_all" => {
                duplicate_check(
                    ctxt,
                    options.rename_all.is_some(),
                    &pair.path,
                    "workflow",
                    &key,
                );
                match RenameRule::from_name(&value.value()) {
                    Ok(rule) => options.rename_all = Some(rule),
                    Err(message) => ctxt.error_spanned_by(&value, message),
                }
            }
            "crate" => {
                duplicate_check(
                    ctxt,
                    options.crate_path.is_some(),
                    &pair.path,
                    "workflow",
                    &key,
                );
                match value.parse::<syn::Path>() {
                    Ok(path) => options.crate_path = Some((path, value.span())),
                    Err(_) => ctxt.error_spanned_by(
                        &value,
                        "expected the path of temporal_client, such as \"::my_sdk::temporal\"",
                    ),
                }
            }
            _ => ctxt.error_spanned_by(
                &pair.path,
                format!("unknown #[workflow] option `{key}`; expected {WORKFLOW_KEYS}"),
            ),
        }
    }
    options
}

fn string_value(ctxt: &Ctxt, value: &Expr, key: &str) -> Option<LitStr> {
    match value {
        Expr::Lit(ExprLit {
            lit: Lit::Str(literal),
            ..
        }) => Some(literal.clone()),
        other => {
            ctxt.error_spanned_by(
                other,
                format!("expected a string literal: `{key} = \"...\"`"),
            );
            None
        }
    }
}

fn duplicate_check(ctxt: &Ctxt, seen: bool, path: &syn::Path, attribute: &str, key: &str) {
    if seen {
        ctxt.error_spanned_by(path, format!("duplicate #[{attribute}] option `{key}`"));
    }
}

fn check_trait_header(ctxt: &Ctxt, item: &ItemTrait) {
    if let Some(where_clause) = &item.generics.where_clause {
        ctxt.error_spanned_by(
            where_clause,
            "a workflow contract cannot have a `where` clause: it describes one workflow type",
        );
    } else if !item.generics.params.is_empty() {
        ctxt.error_spanned_by(
            &item.generics,
            "a workflow contract cannot be generic: it describes one workflow type",
        );
    }
    if let Some(unsafety) = &item.unsafety {
        ctxt.error_spanned_by(unsafety, "a workflow contract cannot be unsafe");
    }
    if let Some(auto) = &item.auto_token {
        ctxt.error_spanned_by(auto, "a workflow contract cannot be an auto trait");
    }
    if !item.supertraits.is_empty() {
        ctxt.error_spanned_by(
            &item.supertraits,
            "a workflow contract cannot have supertraits: declare every handler in it",
        );
    }
}

/// The handler attributes on a method, by kind, with their arguments.
fn handler_attributes(attrs: &[Attribute]) -> Vec<(Kind, &Attribute)> {
    attrs
        .iter()
        .filter_map(|attr| {
            let last = attr.path().segments.last()?.ident.to_string();
            HANDLER_ATTRIBUTES
                .iter()
                .find(|(name, _)| *name == last)
                .map(|(_, kind)| (*kind, attr))
        })
        .collect()
}

fn handler(ctxt: &Ctxt, method: &TraitItemFn, rename_all: Option<RenameRule>) -> Option<Handler> {
    let attributes = handler_attributes(&method.attrs);
    let Some(&(kind, attribute)) = attributes.first() else {
        ctxt.error_spanned_by(
            &method.sig.ident,
            "every method of a #[workflow] trait is a handler: mark it #[run], #[signal], \
             #[query] or #[update]",
        );
        return None;
    };
    for (_, extra) in &attributes[1..] {
        ctxt.error_spanned_by(
            extra,
            format!(
                "a method declares one handler, and this one is already #[{}]; remove this \
                 attribute",
                kind.attribute()
            ),
        );
    }
    for attr in &method.attrs {
        let ours = attributes
            .iter()
            .any(|(_, handler_attr)| std::ptr::eq(*handler_attr, attr));
        if !ours
            && !CARRIED_ATTRIBUTES
                .iter()
                .any(|name| attr.path().is_ident(name))
        {
            ctxt.error_spanned_by(
                attr,
                "a handler declaration carries only its handler attribute, doc comments, \
                 `#[deprecated]` and `#[cfg(...)]`: other attributes would not apply to the \
                 contract's types",
            );
        }
    }
    let (explicit_name, validates) = if kind == Kind::Validator {
        (None, validated_update(ctxt, attribute))
    } else {
        (handler_name(ctxt, kind, attribute), None)
    };
    if let Some(body) = &method.default {
        ctxt.error_spanned_by(
            body,
            "a contract declares handlers without implementing them (a worker, in any \
             language, does): remove the body and end the declaration with `;`",
        );
    }
    let sig = &method.sig;
    if let Some(where_clause) = &sig.generics.where_clause {
        ctxt.error_spanned_by(
            where_clause,
            "a handler cannot have a `where` clause: its parameters and result are serialized \
             as declared",
        );
    } else if !sig.generics.params.is_empty() {
        ctxt.error_spanned_by(
            &sig.generics,
            "a handler cannot be generic: its parameters and result are serialized as \
             declared",
        );
    }
    if let Some(variadic) = &sig.variadic {
        ctxt.error_spanned_by(variadic, "a handler cannot be variadic");
    }
    let mut receiver = Receiver::None;
    let sig_ident = &sig.ident;
    let mut receiver_tokens = quote::quote!(#sig_ident);
    let mut params = Vec::new();
    for input in &sig.inputs {
        match input {
            FnArg::Receiver(this) => {
                receiver_tokens = quote::quote!(#this);
                receiver = match (&this.reference, &this.mutability) {
                    (Some(_), Some(_)) => Receiver::Mutable,
                    (Some(_), None) => Receiver::Shared,
                    (None, _) => Receiver::ByValue,
                };
            }
            FnArg::Typed(typed) => {
                let Pat::Ident(pattern) = &*typed.pat else {
                    ctxt.error_spanned_by(
                        &typed.pat,
                        "name each parameter with an identifier, such as `amount: i64`",
                    );
                    continue;
                };
                if let Type::ImplTrait(_) = &*typed.ty {
                    ctxt.error_spanned_by(
                        &typed.ty,
                        "a parameter has a concrete type that is serialized, not `impl Trait`",
                    );
                    continue;
                }
                params.push((pattern.ident.clone(), (*typed.ty).clone()));
            }
        }
    }
    if receiver == Receiver::None {
        ctxt.error_spanned_by(
            &sig.ident,
            "a handler takes `&self` (queries, validators) or `&mut self` first, as it would in \
             the workflow",
        );
    }
    // A handler whose types cannot cross the wire is left out of the expansion: expanding it
    // would only repeat the error as rustc's own.
    let mut owned = params
        .iter()
        .all(|(_, ty)| owned_type(ctxt, ty, "parameter"));
    if let ReturnType::Type(_, ty) = &sig.output {
        owned &= owned_type(ctxt, ty, "result");
    }
    let output = match &sig.output {
        ReturnType::Default => None,
        ReturnType::Type(_, ty) => match &**ty {
            Type::Tuple(tuple) if tuple.elems.is_empty() => None,
            Type::ImplTrait(_) => {
                ctxt.error_spanned_by(
                    ty,
                    "a handler returns a concrete type that is serialized, not `impl Trait`",
                );
                None
            }
            ty => Some(ty.clone()),
        },
    };
    let (wire_name, wire_name_span) = match explicit_name {
        Some(name) => (name.value(), name.span()),
        None => {
            let ident = sig.ident.to_string();
            let ident = ident.strip_prefix("r#").unwrap_or(&ident).to_owned();
            let renamed = rename_all.map_or_else(|| ident.clone(), |rule| rule.apply(&ident));
            (renamed, sig.ident.span())
        }
    };
    Some(Handler {
        // A generic handler (already reported) has no types to expand.
        expandable: owned && sig.generics.params.is_empty() && sig.generics.where_clause.is_none(),
        kind,
        docs: method
            .attrs
            .iter()
            .filter(|attr| attr.path().is_ident("doc"))
            .cloned()
            .collect(),
        carried: method
            .attrs
            .iter()
            .filter(|attr| attr.path().is_ident("cfg") || attr.path().is_ident("deprecated"))
            .cloned()
            .collect(),
        ident: sig.ident.clone(),
        wire_name,
        wire_name_span,
        params,
        output,
        validates,
        asyncness: sig.asyncness.as_ref().map(|token| token.span),
        receiver,
        receiver_tokens,
    })
}

/// Parameters and results cross the wire: they are owned values of concrete types, so
/// references, lifetimes and `Self` (the contract is not a value) have no place in them.
fn owned_type(ctxt: &Ctxt, ty: &Type, what: &str) -> bool {
    fn offending(tokens: proc_macro2::TokenStream) -> Option<&'static str> {
        for token in tokens {
            match token {
                proc_macro2::TokenTree::Punct(punct) if punct.as_char() == '&' => {
                    return Some("a reference");
                }
                proc_macro2::TokenTree::Punct(punct) if punct.as_char() == '\'' => {
                    return Some("a lifetime");
                }
                proc_macro2::TokenTree::Ident(ident) if ident == "Self" => return Some("`Self`"),
                proc_macro2::TokenTree::Group(group) => {
                    if let Some(found) = offending(group.stream()) {
                        return Some(found);
                    }
                }
                _ => {}
            }
        }
        None
    }
    let Some(found) = offending(quote::quote!(#ty)) else {
        return true;
    };
    ctxt.error_spanned_by(
        ty,
        format!(
            "a {what} type is serialized: use an owned, concrete type (such as `String` for \
             `&str`), not {found}"
        ),
    );
    false
}

/// The comma-separated `key = value` options of an attribute; a syntax error is recorded.
fn parse_options(
    ctxt: &Ctxt,
    parsed: syn::Result<Punctuated<Meta, Token![,]>>,
) -> Option<Punctuated<Meta, Token![,]>> {
    parsed.map_err(|error| ctxt.push(error)).ok()
}

/// The `update = "method"` of a `#[validator(...)]`, which it requires.
fn validated_update(ctxt: &Ctxt, attribute: &Attribute) -> Option<(String, proc_macro2::Span)> {
    let usage = "name the update a validator checks: #[validator(update = \"method_name\")]";
    let Meta::List(list) = &attribute.meta else {
        ctxt.error_spanned_by(attribute, usage);
        return None;
    };
    let metas = parse_options(
        ctxt,
        list.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated),
    )?;
    let mut update = None;
    for meta in metas {
        match &meta {
            Meta::NameValue(pair) if pair.path.is_ident("update") => {
                duplicate_check(ctxt, update.is_some(), &pair.path, "validator", "update");
                update = string_value(ctxt, &pair.value, "update")
                    .map(|literal| (literal.value(), literal.span()));
            }
            other => ctxt.error_spanned_by(other, usage),
        }
    }
    if update.is_none() {
        ctxt.error_spanned_by(attribute, usage);
    }
    update
}

/// The `name = "..."` of a handler attribute, if given; other keys are errors.
fn handler_name(ctxt: &Ctxt, kind: Kind, attribute: &Attribute) -> Option<LitStr> {
    let Meta::List(list) = &attribute.meta else {
        if let Meta::NameValue(pair) = &attribute.meta {
            ctxt.error_spanned_by(
                pair,
                format!(
                    "write options in parentheses: #[{}(name = \"...\")]",
                    kind.attribute()
                ),
            );
        }
        return None;
    };
    if kind == Kind::Run {
        ctxt.error_spanned_by(
            attribute,
            "#[run] takes no options: name the workflow type with #[workflow(name = \"...\")]",
        );
        return None;
    }
    let metas = parse_options(
        ctxt,
        list.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated),
    )?;
    let mut name = None;
    for meta in metas {
        match &meta {
            Meta::NameValue(pair) if pair.path.is_ident("name") => {
                duplicate_check(ctxt, name.is_some(), &pair.path, kind.attribute(), "name");
                name = string_value(ctxt, &pair.value, "name");
            }
            Meta::NameValue(pair) => ctxt.error_spanned_by(
                &pair.path,
                format!(
                    "unknown #[{}] option `{}`; expected `name`",
                    kind.attribute(),
                    pair.path
                        .get_ident()
                        .map(ToString::to_string)
                        .unwrap_or_default()
                ),
            ),
            other => ctxt.error_spanned_by(
                other,
                format!("expected `name = \"...\"` in #[{}(...)]", kind.attribute()),
            ),
        }
    }
    name
}
