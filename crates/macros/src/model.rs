//! The contract a `#[workflow]` trait declares, as the expansion sees it. Spans of the user's
//! tokens are kept for diagnostics.

use proc_macro2::Span;
use syn::{Attribute, Ident, Path, Type, Visibility};

/// A workflow contract: its marker type, wire name and handlers.
pub(crate) struct Contract {
    /// The trait's attributes other than ours: its docs, mostly.
    pub(crate) attrs: Vec<Attribute>,
    pub(crate) vis: Visibility,
    pub(crate) ident: Ident,
    /// The workflow type name sent to the server.
    pub(crate) wire_name: String,
    /// Where generated code finds `temporal_client` (`crate = "..."` overrides it).
    pub(crate) crate_path: Path,
    /// The `crate = "..."` literal, where a wrong path is reported.
    pub(crate) crate_path_span: Span,
    /// Every handler, the run method included, in declaration order.
    pub(crate) handlers: Vec<Handler>,
}

/// Which crate generated code names when `crate = "..."` does not say: the entry point
/// decides, since `temporal_contract` and `temporal_client` each re-export one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DefaultCrate {
    Contract,
    Client,
}

impl DefaultCrate {
    pub(crate) fn path(self) -> Path {
        match self {
            Self::Contract => syn::parse_quote!(::temporal_contract),
            Self::Client => syn::parse_quote!(::temporal_client),
        }
    }
}

/// What a handler method declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    Run,
    Signal,
    Query,
    Update,
    /// Checks an update's arguments before it is accepted; declared for completeness, it
    /// generates nothing on the client side.
    Validator,
}

impl Kind {
    /// "a signal", "an update", ...
    pub(crate) fn with_article(self) -> String {
        let name = self.attribute();
        let article = if name.starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        format!("{article} {name}")
    }

    pub(crate) fn attribute(self) -> &'static str {
        match self {
            Self::Run => "run",
            Self::Signal => "signal",
            Self::Query => "query",
            Self::Update => "update",
            Self::Validator => "validator",
        }
    }
}

/// How a handler takes `self`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Receiver {
    None,
    Shared,
    Mutable,
    ByValue,
}

/// One handler of the contract: the run method, a signal, a query or an update.
pub(crate) struct Handler {
    /// False when its types cannot cross the wire (already reported): expanding it would only
    /// repeat the error as rustc's own.
    pub(crate) expandable: bool,
    pub(crate) kind: Kind,
    /// The handler's docs.
    pub(crate) docs: Vec<Attribute>,
    /// Its `#[cfg(...)]` and `#[deprecated]` attributes, carried to what it generates.
    pub(crate) carried: Vec<Attribute>,
    pub(crate) ident: Ident,
    /// The name sent to the server.
    pub(crate) wire_name: String,
    /// Where the wire name came from: the `name = "..."` literal, or the method name.
    pub(crate) wire_name_span: Span,
    pub(crate) params: Vec<(Ident, Type)>,
    /// `None` when the method returns nothing.
    pub(crate) output: Option<Type>,
    /// For a validator: the update method it checks, and where that was named.
    pub(crate) validates: Option<(String, Span)>,
    /// The `async` keyword, if the method has one.
    pub(crate) asyncness: Option<Span>,
    pub(crate) receiver: Receiver,
    /// The receiver as written (or the method name without one), which diagnostics about the
    /// receiver point at, start to end.
    pub(crate) receiver_tokens: proc_macro2::TokenStream,
}
