//! [`ProtoJson`] and [`ProtoBinary`]: protobuf messages as `json/protobuf` and `binary/protobuf`.

use std::any::type_name;

use bytes::Bytes;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::Payload;
use super::payload::{Encoding, MESSAGE_TYPE_KEY, new_payload};
use super::{ConversionError, DataConverter, FromPayload, ToPayload};

/// A protobuf message sent as proto3 JSON: encoding `json/protobuf`, with the message's full
/// name in the `messageType` metadata, as the Python, Go, Java and .NET SDKs send messages by
/// default.
///
/// `M` needs [`prost::Name`] and serde implementations that follow proto3 JSON, such as the
/// `pbjson` ones of [`crate::proto`]. The JSON is compact, with fields in declaration order
/// (Python sorts them by name: same value, different bytes).
///
/// Decoding reads only `json/protobuf` payloads and checks `messageType` when present.
///
/// Raw, like the rest of [`crate::raw`]: `M` is a `prost` message, so this type's bounds
/// follow the version of `prost` this crate depends on (a `prost` release that changes
/// [`prost::Name`] changes them), unlike the typed API.
///
/// # Examples
///
/// ```
/// use temporal_client::proto::api::common::v1::WorkflowType;
/// use temporal_client::DataConverter;
/// use temporal_client::raw::ProtoJson;
///
/// let converter = DataConverter::new();
/// let payload = converter.to_payload(&ProtoJson(WorkflowType { name: "x".into() }))?;
/// assert_eq!(payload.encoding(), Some("json/protobuf"));
/// assert_eq!(payload.metadata("messageType"), Some(&b"temporal.api.common.v1.WorkflowType"[..]));
/// assert_eq!(payload.data(), br#"{"name":"x"}"#);
///
/// let ProtoJson(workflow_type) = converter.from_payload::<ProtoJson<WorkflowType>>(&payload)?;
/// assert_eq!(workflow_type.name, "x");
/// # Ok::<(), temporal_client::ConversionError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ProtoJson<M>(pub M);

/// A protobuf message sent in its wire format: encoding `binary/protobuf`, with the
/// message's full name in the `messageType` metadata.
///
/// Decoding reads only `binary/protobuf` payloads and checks `messageType` when present.
///
/// Raw, like [`ProtoJson`]: its bounds follow the version of `prost` this crate depends on.
///
/// # Examples
///
/// ```
/// use temporal_client::proto::api::common::v1::WorkflowType;
/// use temporal_client::DataConverter;
/// use temporal_client::raw::ProtoBinary;
///
/// let converter = DataConverter::new();
/// let payload = converter.to_payload(&ProtoBinary(WorkflowType { name: "x".into() }))?;
/// assert_eq!(payload.encoding(), Some("binary/protobuf"));
/// assert_eq!(payload.metadata("messageType"), Some(&b"temporal.api.common.v1.WorkflowType"[..]));
/// assert_eq!(payload.data(), b"\n\x01x");
///
/// let ProtoBinary(workflow_type) = converter.from_payload::<ProtoBinary<WorkflowType>>(&payload)?;
/// assert_eq!(workflow_type.name, "x");
/// # Ok::<(), temporal_client::ConversionError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ProtoBinary<M>(pub M);

impl<M> From<M> for ProtoJson<M> {
    fn from(message: M) -> Self {
        Self(message)
    }
}

impl<M> From<M> for ProtoBinary<M> {
    fn from(message: M) -> Self {
        Self(message)
    }
}

/// A protobuf payload: `encoding` plus `messageType`.
fn proto_payload<M: prost::Name>(encoding: Encoding, data: Bytes) -> Payload {
    new_payload(encoding, data).with_metadata(MESSAGE_TYPE_KEY, M::full_name())
}

/// Checks that `payload` has encoding `expected` and, if it names one, message type `M`.
fn check<M: prost::Name, T>(payload: &Payload, expected: Encoding) -> Result<(), ConversionError> {
    let found = Encoding::of::<T>(payload)?;
    if found != expected {
        return Err(found.wrong::<T>(expected));
    }
    if let Some(message_type) = payload.metadata(MESSAGE_TYPE_KEY) {
        let name = M::full_name();
        if message_type != name.as_bytes() {
            return Err(ConversionError::MessageType {
                expected: name,
                found: String::from_utf8_lossy(message_type).into_owned(),
            });
        }
    }
    Ok(())
}

impl<M: prost::Name + Serialize> ToPayload for ProtoJson<M> {
    fn to_payload(&self, _: &DataConverter) -> Result<Payload, ConversionError> {
        let data = serde_json::to_vec(&self.0).map_err(|source| ConversionError::Serialize {
            type_name: type_name::<M>(),
            encoding: Encoding::JsonProtobuf.as_str(),
            source: Box::new(source),
        })?;
        Ok(proto_payload::<M>(Encoding::JsonProtobuf, data.into()))
    }
}

impl<M: prost::Name + DeserializeOwned> FromPayload for ProtoJson<M> {
    fn from_payload(payload: &Payload, _: &DataConverter) -> Result<Self, ConversionError> {
        check::<M, Self>(payload, Encoding::JsonProtobuf)?;
        serde_json::from_slice(payload.data())
            .map(Self)
            .map_err(|source| ConversionError::Deserialize {
                type_name: type_name::<Self>(),
                encoding: Encoding::JsonProtobuf.as_str(),
                source: Box::new(source),
            })
    }
}

impl<M: prost::Name> ToPayload for ProtoBinary<M> {
    fn to_payload(&self, _: &DataConverter) -> Result<Payload, ConversionError> {
        Ok(proto_payload::<M>(
            Encoding::BinaryProtobuf,
            self.0.encode_to_vec().into(),
        ))
    }
}

impl<M: prost::Name + Default> FromPayload for ProtoBinary<M> {
    fn from_payload(payload: &Payload, _: &DataConverter) -> Result<Self, ConversionError> {
        check::<M, Self>(payload, Encoding::BinaryProtobuf)?;
        M::decode(payload.data_bytes().clone())
            .map(Self)
            .map_err(|source| ConversionError::Protobuf {
                type_name: type_name::<Self>(),
                source: Box::new(source),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::api::common::v1::{WorkflowExecution, WorkflowType};

    #[test]
    fn a_different_message_type_is_refused() {
        let converter = DataConverter::new();
        let payload = converter
            .to_payload(&ProtoBinary(WorkflowType { name: "x".into() }))
            .unwrap();
        let err = converter
            .from_payload::<ProtoBinary<WorkflowExecution>>(&payload)
            .unwrap_err();
        assert!(
            matches!(&err, ConversionError::MessageType { expected, found }
            if expected == "temporal.api.common.v1.WorkflowExecution" && found == "temporal.api.common.v1.WorkflowType")
        );
        assert_eq!(
            err.to_string(),
            "cannot decode a protobuf payload of message type `temporal.api.common.v1.WorkflowType` \
             as `temporal.api.common.v1.WorkflowExecution`"
        );
    }

    #[test]
    fn a_missing_message_type_is_accepted() {
        let converter = DataConverter::new();
        let mut payload = converter
            .to_payload(&ProtoJson(WorkflowType { name: "x".into() }))
            .unwrap();
        payload.remove_metadata(MESSAGE_TYPE_KEY);
        let ProtoJson(message) = converter
            .from_payload::<ProtoJson<WorkflowType>>(&payload)
            .unwrap();
        assert_eq!(message.name, "x");
    }

    #[test]
    fn json_and_binary_protobuf_are_not_interchangeable() {
        let converter = DataConverter::new();
        let payload = converter
            .to_payload(&ProtoJson(WorkflowType { name: "x".into() }))
            .unwrap();
        let err = converter
            .from_payload::<ProtoBinary<WorkflowType>>(&payload)
            .unwrap_err();
        assert!(matches!(
            err,
            ConversionError::WrongEncoding {
                expected: "binary/protobuf",
                found: "json/protobuf",
                ..
            }
        ));
        assert!(
            err.to_string()
                .ends_with("decode json/protobuf payloads as `ProtoJson<M>` or a serde type")
        );
    }

    #[test]
    fn corrupt_protobuf_is_a_protobuf_error() {
        let converter = DataConverter::new();
        let mut payload = converter
            .to_payload(&ProtoBinary(WorkflowType { name: "x".into() }))
            .unwrap();
        payload.set_data(Bytes::from_static(b"\n\x05x"));
        let err = converter
            .from_payload::<ProtoBinary<WorkflowType>>(&payload)
            .unwrap_err();
        assert!(matches!(err, ConversionError::Protobuf { .. }));
    }

    #[test]
    fn proto_json_ignores_the_custom_payload_converter() {
        struct Refuse;
        impl crate::converter::PayloadConverter for Refuse {
            fn to_payload(
                &self,
                _: crate::converter::SerializeValue<'_>,
            ) -> Result<Payload, ConversionError> {
                Err(ConversionError::custom("no"))
            }
            fn from_payload(
                &self,
                _: &Payload,
                _: crate::converter::DeserializeInto<'_>,
            ) -> Result<(), ConversionError> {
                Err(ConversionError::custom("no"))
            }
        }
        let converter = DataConverter::new().with_payload_converter(Refuse);
        let payload = converter
            .to_payload(&ProtoJson(WorkflowType { name: "x".into() }))
            .unwrap();
        converter
            .from_payload::<ProtoJson<WorkflowType>>(&payload)
            .unwrap();
    }
}
