//! A contract checked against a live worker: the handlers a running workflow registered, as
//! it answers the built-in `__temporal_workflow_metadata` query, compared with those its
//! contract declares.

use std::fmt;

use crate::converter::Payload;

use crate::contract::{Contract, HandlerKind, Workflow};
use crate::converter::{ConversionError, DataConverter, FromPayload};
use crate::error::Error;
use crate::handle::WorkflowHandle;

/// The built-in query that the TypeScript and Python SDKs' workers answer with the handlers a
/// running workflow registered.
pub const METADATA_QUERY: &str = "__temporal_workflow_metadata";

/// What a running workflow registered, as its worker answers [`METADATA_QUERY`] (the
/// `temporal.api.sdk.v1.WorkflowMetadata` message).
///
/// # Examples
///
/// ```no_run
/// # async fn example(handle: temporal_client::WorkflowHandle) -> Result<(), temporal_client::Error> {
/// let metadata = handle.metadata().await?;
/// for signal in &metadata.signals {
///     println!("signal {:?}: {}", signal.name, signal.description);
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct WorkflowMetadata {
    /// The workflow type the worker runs.
    pub workflow_type: String,
    /// Its signal handlers.
    pub signals: Vec<HandlerDefinition>,
    /// Its query handlers, the SDK's built-in ones (`__stack_trace`, ...) included.
    pub queries: Vec<HandlerDefinition>,
    /// Its update handlers.
    pub updates: Vec<HandlerDefinition>,
    /// The workflow's current details, as it last set them.
    pub current_details: String,
}

/// One handler a worker registered: its name (empty for a dynamic handler, which takes every
/// name) and description.
///
/// # Examples
///
/// ```
/// use temporal_client::HandlerDefinition;
///
/// let dynamic = HandlerDefinition::default();
/// assert!(dynamic.is_dynamic());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct HandlerDefinition {
    /// The handler's name; empty for a dynamic handler.
    pub name: String,
    /// The description the worker gave it.
    pub description: String,
}

impl HandlerDefinition {
    /// Whether this is a dynamic handler, which takes every name of its kind.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(temporal_client::HandlerDefinition::default().is_dynamic());
    /// ```
    pub fn is_dynamic(&self) -> bool {
        self.name.is_empty()
    }
}

impl WorkflowMetadata {
    /// The handlers of one kind (none for [`HandlerKind::Run`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{HandlerKind, WorkflowMetadata};
    ///
    /// assert!(WorkflowMetadata::default().handlers(HandlerKind::Signal).is_empty());
    /// ```
    pub fn handlers(&self, kind: HandlerKind) -> &[HandlerDefinition] {
        match kind {
            HandlerKind::Signal => &self.signals,
            HandlerKind::Query => &self.queries,
            HandlerKind::Update => &self.updates,
            HandlerKind::Run => &[],
        }
    }
}

/// A contract compared with what a running workflow registered: each signal, query or update
/// that one side has and the other lacks. A worker's dynamic handler of a kind takes every
/// name of that kind; the SDKs' built-in queries (named `__...`) are not reported.
///
/// # Examples
///
/// ```no_run
/// use temporal_client::workflow;
///
/// #[workflow(name = "counter")]
/// trait Counter {
///     #[run]
///     async fn run(&mut self, start: i64) -> i64;
///     #[signal]
///     fn increment(&mut self, amount: i64);
/// }
///
/// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
/// let check = client.get_handle::<Counter>("counter-1").check_contract().await?;
/// if !check.is_match() {
///     eprintln!("the worker does not implement the contract: {check}");
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ContractCheck {
    /// The contract's workflow type and the worker's, when they differ.
    pub workflow_type_mismatch: Option<(String, String)>,
    /// Handlers the contract declares and the worker did not register: calls to them fail.
    pub missing_in_worker: Vec<(HandlerKind, String)>,
    /// Handlers the worker registered and the contract does not declare.
    pub missing_in_contract: Vec<(HandlerKind, String)>,
}

impl ContractCheck {
    /// Compares contract `W` with `metadata`.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{ContractCheck, HandlerKind, WorkflowMetadata, workflow};
    ///
    /// #[workflow(name = "counter")]
    /// trait Counter {
    ///     #[run]
    ///     async fn run(&mut self, start: i64) -> i64;
    ///     #[signal]
    ///     fn increment(&mut self, amount: i64);
    /// }
    ///
    /// let mut metadata = WorkflowMetadata::default();
    /// metadata.workflow_type = "counter".to_owned();
    /// let check = ContractCheck::compare::<Counter>(&metadata);
    /// assert_eq!(check.missing_in_worker, [(HandlerKind::Signal, "increment".to_owned())]);
    /// assert!(!check.is_match());
    /// ```
    pub fn compare<W: Workflow>(metadata: &WorkflowMetadata) -> Self {
        let mut check = Self::default();
        if metadata.workflow_type != W::NAME {
            check.workflow_type_mismatch =
                Some((W::NAME.to_owned(), metadata.workflow_type.clone()));
        }
        for kind in [HandlerKind::Signal, HandlerKind::Query, HandlerKind::Update] {
            let declared: Vec<&str> = W::HANDLERS
                .iter()
                .filter(|handler| handler.kind == kind)
                .map(|handler| handler.name)
                .collect();
            let registered = metadata.handlers(kind);
            let dynamic = registered.iter().any(HandlerDefinition::is_dynamic);
            if !dynamic {
                for name in &declared {
                    if !registered.iter().any(|handler| handler.name == *name) {
                        check.missing_in_worker.push((kind, (*name).to_owned()));
                    }
                }
            }
            for handler in registered {
                let builtin = handler.name.starts_with("__");
                if !handler.is_dynamic() && !builtin && !declared.contains(&handler.name.as_str()) {
                    check.missing_in_contract.push((kind, handler.name.clone()));
                }
            }
        }
        check
    }

    /// Whether the worker registered exactly the contract's handlers, for its workflow type.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(temporal_client::ContractCheck::default().is_match());
    /// ```
    pub fn is_match(&self) -> bool {
        self.workflow_type_mismatch.is_none()
            && self.missing_in_worker.is_empty()
            && self.missing_in_contract.is_empty()
    }
}

impl fmt::Display for ContractCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_match() {
            return f
                .write_str("the worker registered every handler of the contract, and no other");
        }
        let mut parts = Vec::new();
        if let Some((declared, running)) = &self.workflow_type_mismatch {
            parts.push(format!(
                "the contract declares workflow type `{declared}`, the worker runs `{running}`"
            ));
        }
        for (kind, name) in &self.missing_in_worker {
            parts.push(format!("the worker lacks {kind} `{name}`"));
        }
        for (kind, name) in &self.missing_in_contract {
            parts.push(format!("the contract lacks {kind} `{name}`"));
        }
        f.write_str(&parts.join("; "))
    }
}

impl<W: Contract> WorkflowHandle<W> {
    /// The handlers the running workflow registered, from the built-in
    /// [`METADATA_QUERY`](crate::METADATA_QUERY) that the TypeScript and Python SDKs' workers
    /// answer.
    ///
    /// # Errors
    ///
    /// [`Error::QueryFailed`] when the worker does not answer it, and the errors of
    /// [`query`](WorkflowHandle::query).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(handle: temporal_client::WorkflowHandle) -> Result<(), temporal_client::Error> {
    /// let metadata = handle.metadata().await?;
    /// println!("{} has {} updates", metadata.workflow_type, metadata.updates.len());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn metadata(&self) -> Result<WorkflowMetadata, Error> {
        let answer: MetadataAnswer = self.clone().into_untyped().query(METADATA_QUERY).await?;
        Ok(answer.0)
    }
}

impl<W: Workflow> WorkflowHandle<W> {
    /// Compares the handle's contract with the handlers the running workflow registered:
    /// each signal, query or update that the contract declares and the worker lacks, and the
    /// other way round.
    ///
    /// # Errors
    ///
    /// Those of [`metadata`](WorkflowHandle::metadata).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::workflow;
    ///
    /// #[workflow(name = "counter")]
    /// trait Counter {
    ///     #[run]
    ///     async fn run(&mut self, start: i64) -> i64;
    /// }
    ///
    /// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
    /// let check = client.get_handle::<Counter>("counter-1").check_contract().await?;
    /// assert!(check.is_match(), "{check}");
    /// # Ok(())
    /// # }
    /// ```
    pub async fn check_contract(&self) -> Result<ContractCheck, Error> {
        let metadata = self.metadata().await?;
        Ok(ContractCheck::compare::<W>(&metadata))
    }
}

/// The answer of the metadata query, read from proto3 JSON (`json/protobuf` or `json/plain`)
/// or the protobuf wire format (`binary/protobuf`), as SDKs send either.
struct MetadataAnswer(WorkflowMetadata);

impl FromPayload for MetadataAnswer {
    fn from_payload(
        payload: &Payload,
        _converter: &DataConverter,
    ) -> Result<Self, ConversionError> {
        let encoding = payload
            .metadata("encoding")
            .map(|encoding| String::from_utf8_lossy(encoding).into_owned())
            .unwrap_or_default();
        let raw = match encoding.as_str() {
            "binary/protobuf" => <wire::WorkflowMetadata as prost::Message>::decode(payload.data())
                .map_err(|_| {
                    ConversionError::custom(
                        "the workflow metadata is not a valid WorkflowMetadata message",
                    )
                })?,
            _ => serde_json::from_slice::<wire::WorkflowMetadata>(payload.data())
                .map_err(ConversionError::custom)?,
        };
        Ok(Self(raw.into()))
    }
}

/// `temporal.api.sdk.v1.WorkflowMetadata`, as much of it as the check reads, in both of its
/// encodings.
mod wire {
    use serde::Deserialize;

    #[derive(Clone, PartialEq, prost::Message, Deserialize)]
    #[serde(rename_all = "camelCase", default)]
    pub(super) struct WorkflowMetadata {
        #[prost(message, optional, tag = "1")]
        pub(super) definition: Option<WorkflowDefinition>,
        #[prost(string, tag = "2")]
        pub(super) current_details: String,
    }

    #[derive(Clone, PartialEq, prost::Message, Deserialize)]
    #[serde(rename_all = "camelCase", default)]
    pub(super) struct WorkflowDefinition {
        #[prost(string, tag = "1")]
        #[serde(rename = "type")]
        pub(super) workflow_type: String,
        #[prost(message, repeated, tag = "2")]
        pub(super) query_definitions: Vec<Interaction>,
        #[prost(message, repeated, tag = "3")]
        pub(super) signal_definitions: Vec<Interaction>,
        #[prost(message, repeated, tag = "4")]
        pub(super) update_definitions: Vec<Interaction>,
    }

    #[derive(Clone, PartialEq, prost::Message, Deserialize)]
    #[serde(default)]
    pub(super) struct Interaction {
        #[prost(string, tag = "1")]
        pub(super) name: String,
        #[prost(string, tag = "2")]
        pub(super) description: String,
    }
}

impl From<wire::WorkflowMetadata> for WorkflowMetadata {
    fn from(raw: wire::WorkflowMetadata) -> Self {
        let definition = raw.definition.unwrap_or_default();
        let handlers = |list: Vec<wire::Interaction>| {
            list.into_iter()
                .map(|interaction| HandlerDefinition {
                    name: interaction.name,
                    description: interaction.description,
                })
                .collect()
        };
        Self {
            workflow_type: definition.workflow_type,
            signals: handlers(definition.signal_definitions),
            queries: handlers(definition.query_definitions),
            updates: handlers(definition.update_definitions),
            current_details: raw.current_details,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload(encoding: &str, data: Vec<u8>) -> Payload {
        Payload::new(encoding, data)
    }

    #[test]
    fn proto3_json_and_wire_format_read_the_same() {
        let json = br#"{"definition":{"type":"order","queryDefinitions":[{"name":"status","description":"the status"},{"name":"__stack_trace"}],"signalDefinitions":[{"name":"approve"}],"updateDefinitions":[{"name":""}]},"currentDetails":"open"}"#;
        let from_json = MetadataAnswer::from_payload(
            &payload("json/protobuf", json.to_vec()),
            &DataConverter::default(),
        )
        .expect("json")
        .0;
        assert_eq!(from_json.workflow_type, "order");
        assert_eq!(from_json.queries[0].name, "status");
        assert_eq!(from_json.queries[0].description, "the status");
        assert!(from_json.updates[0].is_dynamic());
        assert_eq!(from_json.current_details, "open");

        let wire = wire::WorkflowMetadata {
            definition: Some(wire::WorkflowDefinition {
                workflow_type: "order".to_owned(),
                query_definitions: vec![
                    wire::Interaction {
                        name: "status".to_owned(),
                        description: "the status".to_owned(),
                    },
                    wire::Interaction {
                        name: "__stack_trace".to_owned(),
                        description: String::new(),
                    },
                ],
                signal_definitions: vec![wire::Interaction {
                    name: "approve".to_owned(),
                    description: String::new(),
                }],
                update_definitions: vec![wire::Interaction::default()],
            }),
            current_details: "open".to_owned(),
        };
        let from_wire = MetadataAnswer::from_payload(
            &payload("binary/protobuf", prost::Message::encode_to_vec(&wire)),
            &DataConverter::default(),
        )
        .expect("wire")
        .0;
        assert_eq!(from_wire, from_json);
    }

    #[crate::workflow(name = "order", crate = "crate")]
    trait Order {
        #[run]
        async fn run(&mut self);
        #[signal]
        fn approve(&mut self, approver: String);
        #[query]
        fn status(&self) -> String;
    }

    fn definition(name: &str) -> HandlerDefinition {
        HandlerDefinition {
            name: name.to_owned(),
            description: String::new(),
        }
    }

    #[test]
    fn a_dynamic_handler_serves_every_name_and_builtin_queries_are_not_reported() {
        let metadata = WorkflowMetadata {
            workflow_type: "order".to_owned(),
            signals: vec![definition("")],
            queries: vec![definition("__stack_trace"), definition("status")],
            updates: vec![definition("addItem")],
            current_details: String::new(),
        };
        let check = ContractCheck::compare::<Order>(&metadata);
        assert_eq!(check.missing_in_worker, []);
        assert_eq!(
            check.missing_in_contract,
            [(HandlerKind::Update, "addItem".to_owned())]
        );
        assert_eq!(check.to_string(), "the contract lacks update `addItem`");
    }

    #[test]
    fn garbage_is_a_conversion_error_not_a_panic() {
        for encoding in ["json/protobuf", "binary/protobuf"] {
            let result = MetadataAnswer::from_payload(
                &payload(encoding, b"\xff\x00not metadata".to_vec()),
                &DataConverter::default(),
            );
            assert!(result.is_err(), "{encoding}");
        }
    }
}
