//! Uses the typed API of `temporal-client` end to end (connect, start, signal, query, update,
//! result, describe, list, count, history events, search attributes, a payload codec and a
//! payload converter, and every error matched on its facts) with no dependency but
//! `temporal-client` and `tokio`: if a typed signature named a `tonic`, `prost` or
//! `temporal-proto` type that a caller must write, this crate would not compile.
//!
//! It is compiled, not run (`cargo build -p temporal-typed-api-check`); the behaviour is
//! tested in `crates/client/tests`.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use temporal_client::{
    CallOptions, Client, ClientOptions, Code, CodecError, ConnectError, Connection,
    ConnectionOptions, ConversionError, DataConverter, DeserializeInto, Error, FailureKind,
    HistoryEventType, Payload, PayloadCodec, PayloadConverter, QueryRejectCondition, RetryState,
    SearchAttributeKey, SearchAttributeKind, SearchAttributes, SerializeValue, StartOptions,
    TimeoutType, Untyped, WorkflowExecutionStatus, WorkflowIdConflictPolicy, WorkflowIdReusePolicy,
    WorkflowOutcome, by_name,
};

/// What a codec's methods return, written with the crate's own `Payload`.
type CodecFuture<'a> = Pin<Box<dyn Future<Output = Result<Vec<Payload>, CodecError>> + Send + 'a>>;

/// A codec that reverses the data and keeps the original encoding in the metadata: it reads
/// and writes every part of a payload through the crate's own type.
#[derive(Debug)]
pub struct Reverse;

impl PayloadCodec for Reverse {
    fn encode(&self, payloads: Vec<Payload>) -> CodecFuture<'_> {
        Box::pin(async move {
            Ok(payloads
                .into_iter()
                .map(|payload| {
                    let original = payload.encoding().unwrap_or_default().to_owned();
                    let mut data = payload.into_data().to_vec();
                    data.reverse();
                    Payload::new("binary/reversed", data).with_metadata("original", original)
                })
                .collect())
        })
    }

    fn decode(&self, payloads: Vec<Payload>) -> CodecFuture<'_> {
        Box::pin(async move {
            payloads
                .into_iter()
                .map(|mut payload| {
                    if payload.encoding() != Some("binary/reversed") {
                        return Ok(payload);
                    }
                    let original = payload
                        .remove_metadata("original")
                        .ok_or_else(|| CodecError::new("no original encoding"))?;
                    let mut data = payload.data().to_vec();
                    data.reverse();
                    payload.set_data(data);
                    payload.insert_metadata("encoding", original);
                    Ok(payload)
                })
                .collect()
        })
    }
}

/// A payload converter that refuses serde values (so only raw bytes may be sent): its
/// signatures name the crate's own `Payload`.
#[derive(Debug)]
pub struct NoSerde;

impl PayloadConverter for NoSerde {
    fn to_payload(&self, value: SerializeValue<'_>) -> Result<Payload, ConversionError> {
        Err(ConversionError::custom(format!(
            "`{}` is not allowed",
            value.type_name()
        )))
    }

    fn from_payload(
        &self,
        payload: &Payload,
        into: DeserializeInto<'_>,
    ) -> Result<(), ConversionError> {
        Err(ConversionError::custom(format!(
            "`{}` cannot be read from {:?}",
            into.type_name(),
            payload.encoding()
        )))
    }
}

/// Sends `values` through a data converter with a codec and reads them back, naming only the
/// crate's own payload type.
pub async fn round_trip(values: (&str, i64)) -> Result<(String, i64), Error> {
    let converter = DataConverter::new().with_codec(Reverse);
    let payloads: Vec<Payload> = converter.encode(converter.to_payloads(&values)?).await?;
    let encodings: Vec<Option<&str>> = payloads.iter().map(Payload::encoding).collect();
    assert_eq!(encodings, [Some("binary/reversed"); 2]);
    let decoded = converter.decode(payloads).await?;
    let text: String = converter.from_payload(&decoded[0])?;
    let number: i64 = converter.from_payload(&decoded[1])?;
    Ok((text, number))
}

/// A client whose payloads go through [`Reverse`].
pub fn client_with_codec(connection: Connection) -> Result<Client, Error> {
    Client::with_options(
        connection,
        ClientOptions::default().data_converter(DataConverter::new().with_codec(Reverse)),
    )
}

/// Search attributes set and read back by kind.
pub fn search_attribute_kinds() -> Vec<(String, SearchAttributeKind)> {
    let customer = SearchAttributeKey::keyword("CustomerId");
    let items = SearchAttributeKey::int("ItemCount");
    let attributes = SearchAttributes::new()
        .with(&customer, "c-42")
        .with(&items, 3);
    let misread = attributes
        .try_get(&SearchAttributeKey::double("CustomerId"))
        .expect_err("a keyword is not a double");
    assert_eq!(misread.expected, SearchAttributeKind::Double);
    vec![
        (customer.name().to_owned(), customer.kind()),
        (items.name().to_owned(), items.kind()),
    ]
}

/// What went wrong, said in the application's words: every `Error` variant is matched on
/// the crate's own types.
pub fn explain(error: &Error) -> String {
    match error {
        Error::Connect(connect) => match &**connect {
            ConnectError::Transport { address, source } => {
                format!("cannot reach {address}: {source}")
            }
            ConnectError::TimedOut { address, timeout } => {
                format!("{address}: no answer in {timeout:?}")
            }
            other => other.to_string(),
        },
        Error::NotFound(missing) => format!(
            "no workflow {} (run {:?}): {}",
            missing.workflow_id, missing.run_id, missing.message
        ),
        Error::AlreadyStarted {
            workflow_id,
            run_id,
        } => format!("{workflow_id} runs as {run_id}"),
        Error::WorkflowFailed(failed) => {
            let how = match failed.outcome() {
                WorkflowOutcome::Cancelled => "cancelled".to_owned(),
                WorkflowOutcome::Terminated => "terminated".to_owned(),
                WorkflowOutcome::TimedOut => "timed out".to_owned(),
                _ => format!("failed with {:?}", failed.application_failure_type()),
            };
            let retried = failed.retry_state == Some(RetryState::MaximumAttemptsReached);
            let heartbeat = matches!(
                failed.failure.root_cause().kind(),
                FailureKind::Timeout {
                    timeout_type: Some(TimeoutType::Heartbeat),
                    ..
                }
            );
            format!(
                "{} {how} (out of attempts: {retried}, heartbeat: {heartbeat})",
                failed.workflow_id
            )
        }
        Error::FailureUndecodable(undecodable) => format!("{undecodable}"),
        Error::QueryRejected { status } => format!("rejected in {status:?}"),
        Error::HistoryWrite {
            workflow_id,
            source,
        } => format!("{workflow_id}: {source}"),
        Error::Rpc(rpc) if rpc.code() == Code::PermissionDenied => "no access".to_owned(),
        Error::Rpc(rpc) => format!("{} {}", rpc.code(), rpc.message()),
        other => other.to_string(),
    }
}

/// Connect, start, signal, query, update, await, describe, list and count, with `?` from
/// connecting to calling in one function.
pub async fn end_to_end(address: &str) -> Result<String, Error> {
    let connection = Connection::connect(ConnectionOptions::new(address)).await?;
    let client = Client::new(connection)
        .with_call_options(CallOptions::default().timeout(Duration::from_secs(10)))?;
    let options = StartOptions::new("typed-api-1", "typed-api")
        .id_reuse_policy(WorkflowIdReusePolicy::AllowDuplicateFailedOnly)
        .id_conflict_policy(WorkflowIdConflictPolicy::UseExisting);
    let handle = client.start("counter", (1,), options).await?;
    handle.signal(by_name("increment").arg(2)).await?;
    let value: i64 = handle
        .query_with_reject_condition("value", QueryRejectCondition::NotOpen)
        .await?;
    let updated: i64 = handle.execute_update(by_name("add").arg(3)).await?;
    let description = handle.describe().await?;
    let running = description.info.status == Some(WorkflowExecutionStatus::Running);
    let mut listed = client.list("WorkflowType = 'counter'");
    let mut count = 0;
    while let Some(info) = listed.next().await {
        count += usize::from(info?.status == Some(WorkflowExecutionStatus::Completed));
    }
    let total = client.count("").await?.count;
    let mut events = handle.fetch_history();
    let mut signals = 0;
    while let Some(event) = events.next().await {
        let event = event?;
        if event.event_type() == Some(HistoryEventType::WorkflowExecutionSignaled) {
            signals += 1;
            let _when: Option<std::time::SystemTime> = event.event_time();
            let _id: i64 = event.event_id();
        }
    }
    let again = client.get_handle::<Untyped>(handle.workflow_id());
    let result: String = match again.result().await {
        Ok(result) => result,
        Err(error @ Error::WorkflowFailed(_)) => explain(&error),
        Err(error) => return Err(error),
    };
    Ok(format!(
        "{value} {updated} {running} {count} {total} {signals} {result}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_explained_from_the_crates_own_types() {
        let error = Error::from(ConnectError::InvalidOption {
            option: "address",
            reason: "empty".to_owned(),
        });
        assert_eq!(explain(&error), "invalid connection option address: empty");
    }

    #[tokio::test]
    async fn payloads_round_trip_through_a_codec_written_with_the_crates_own_types() {
        assert_eq!(
            round_trip(("Temporal", 42)).await.expect("round trip"),
            ("Temporal".to_owned(), 42)
        );
    }

    #[test]
    fn a_custom_payload_converter_is_written_with_the_crates_own_types() {
        let converter = DataConverter::new().with_payload_converter(NoSerde);
        assert!(converter.to_payload("text").is_err());
        let raw = temporal_client::RawBytes::from(vec![1]);
        assert_eq!(converter.to_payload(&raw).expect("raw bytes").data(), [1]);
    }

    #[test]
    fn search_attribute_kinds_are_the_crates_own() {
        assert_eq!(
            search_attribute_kinds(),
            [
                ("CustomerId".to_owned(), SearchAttributeKind::Keyword),
                ("ItemCount".to_owned(), SearchAttributeKind::Int),
            ]
        );
    }

    #[tokio::test]
    async fn connecting_to_nothing_is_a_typed_error_through_question_mark() {
        // Port 1 refuses at once: the error comes through `?` as `Error::Connect`.
        let error = end_to_end("127.0.0.1:1")
            .await
            .expect_err("nothing listens on port 1");
        assert!(matches!(error, Error::Connect(_)), "{error:?}");
    }
}
