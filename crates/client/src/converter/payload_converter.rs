//! Custom payload converters: [`PayloadConverter`], [`SerializeValue`] and [`DeserializeInto`].

use std::fmt;

use serde::{Serialize, Serializer};

use super::ConversionError;
use super::Payload;

/// Replaces the default conversion of serde values (compact JSON) with your own format.
///
/// Install one with [`DataConverter::with_payload_converter`](crate::DataConverter::with_payload_converter).
/// It then converts every [`serde::Serialize`] and [`serde::de::DeserializeOwned`] value,
/// `()` and `None` included; [`RawBytes`](crate::RawBytes), [`ProtoJson`](crate::raw::ProtoJson)
/// and [`ProtoBinary`](crate::raw::ProtoBinary) keep their own encodings.
///
/// The trait is object safe (the data converter holds it as an `Arc<dyn PayloadConverter>`)
/// yet reaches any serde type: [`to_payload`](Self::to_payload) receives the value as a
/// [`SerializeValue`], which implements `Serialize`, and [`from_payload`](Self::from_payload)
/// hands any `serde::Deserializer` to a [`DeserializeInto`]. Only install one if the
/// workflows and activities on the other side (often other SDKs) read its format.
///
/// # Examples
///
/// A converter that writes indented JSON, which every SDK still reads as `json/plain`:
///
/// ```
/// use bytes::Bytes;
/// use serde_json::json;
/// use temporal_client::Payload;
/// use temporal_client::{ConversionError, DataConverter, DeserializeInto, PayloadConverter, SerializeValue};
///
/// struct PrettyJson;
///
/// impl PayloadConverter for PrettyJson {
///     fn to_payload(&self, value: SerializeValue<'_>) -> Result<Payload, ConversionError> {
///         let data = serde_json::to_vec_pretty(&value).map_err(|source| ConversionError::Serialize {
///             type_name: value.type_name(),
///             encoding: "json/plain",
///             source: source.into(),
///         })?;
///         // Like every SDK, send `null` as `binary/null` with no data.
///         let (encoding, data) = if data == b"null" {
///             ("binary/null", Bytes::new())
///         } else {
///             ("json/plain", Bytes::from(data))
///         };
///         Ok(Payload::new(encoding, data))
///     }
///
///     fn from_payload(&self, payload: &Payload, into: DeserializeInto<'_>) -> Result<(), ConversionError> {
///         match payload.encoding() {
///             Some("json/plain") => {
///                 let mut json = serde_json::Deserializer::from_slice(payload.data());
///                 into.deserialize("json/plain", &mut json)?;
///                 json.end().map_err(ConversionError::custom) // no trailing data
///             }
///             Some("binary/null") => into.deserialize("binary/null", serde_json::Value::Null),
///             _ => Err(ConversionError::custom("PrettyJson reads only json/plain and binary/null")),
///         }
///     }
/// }
///
/// let converter = DataConverter::new().with_payload_converter(PrettyJson);
/// let payload = converter.to_payload(&json!({"id": 7}))?;
/// assert_eq!(payload.data(), b"{\n  \"id\": 7\n}");
/// assert_eq!(converter.from_payload::<serde_json::Value>(&payload)?, json!({"id": 7}));
///
/// let none = converter.to_payload(&None::<u8>)?;
/// assert_eq!(none.encoding(), Some("binary/null"));
/// assert_eq!(converter.from_payload::<Option<u8>>(&none)?, None);
/// # Ok::<(), ConversionError>(())
/// ```
pub trait PayloadConverter: Send + Sync + 'static {
    /// Converts one serde value to a payload.
    ///
    /// Serialize `value` with any serde serializer; [`SerializeValue::type_name`] names its
    /// type for [`ConversionError::Serialize`]. See the [trait docs](PayloadConverter#examples).
    ///
    /// # Errors
    ///
    /// A [`ConversionError`] when `value` cannot be serialized, such as
    /// [`ConversionError::Serialize`].
    fn to_payload(&self, value: SerializeValue<'_>) -> Result<Payload, ConversionError>;

    /// Reads one serde value from `payload` by passing a deserializer to
    /// [`DeserializeInto::deserialize`], exactly once.
    ///
    /// Returning `Ok` without calling it is an error ([`ConversionError::Custom`]). See the
    /// [trait docs](PayloadConverter#examples).
    ///
    /// # Errors
    ///
    /// A [`ConversionError`] when the payload's encoding is not one this converter reads, when
    /// deserializing fails, or when [`DeserializeInto::deserialize`] was not called.
    #[allow(
        clippy::wrong_self_convention,
        reason = "the name every SDK's PayloadConverter uses; `self` is the converter"
    )]
    fn from_payload(
        &self,
        payload: &Payload,
        into: DeserializeInto<'_>,
    ) -> Result<(), ConversionError>;
}

/// The value a [`PayloadConverter`] converts: serialize it with any serde serializer.
///
/// # Examples
///
/// See [`PayloadConverter`]; the value itself is only ever built by the data converter:
///
/// ```
/// use temporal_client::{ConversionError, SerializeValue};
///
/// fn to_json(value: SerializeValue<'_>) -> Result<Vec<u8>, ConversionError> {
///     serde_json::to_vec(&value).map_err(|source| ConversionError::Serialize {
///         type_name: value.type_name(),
///         encoding: "json/plain",
///         source: source.into(),
///     })
/// }
/// ```
#[derive(Clone, Copy)]
pub struct SerializeValue<'a> {
    value: &'a dyn erased_serde::Serialize,
    type_name: &'static str,
}

impl<'a> SerializeValue<'a> {
    /// Wraps `value`, whose type is `type_name`.
    pub(crate) fn new(value: &'a dyn erased_serde::Serialize, type_name: &'static str) -> Self {
        Self { value, type_name }
    }

    /// The value's Rust type, as [`std::any::type_name`] spells it.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::SerializeValue;
    ///
    /// fn describe(value: SerializeValue<'_>) -> String {
    ///     format!("a value of type `{}`", value.type_name())
    /// }
    /// ```
    pub fn type_name(&self) -> &'static str {
        self.type_name
    }
}

impl Serialize for SerializeValue<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        erased_serde::serialize(self.value, serializer)
    }
}

impl fmt::Debug for SerializeValue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SerializeValue")
            .field("type_name", &self.type_name)
            .finish_non_exhaustive()
    }
}

/// What a [`PayloadConverter`] decodes into: pass it a `serde::Deserializer` for the payload.
///
/// # Examples
///
/// See [`PayloadConverter`] for a whole converter; reading a payload as JSON:
///
/// ```
/// use temporal_client::Payload;
/// use temporal_client::{ConversionError, DeserializeInto};
///
/// fn from_json(payload: &Payload, into: DeserializeInto<'_>) -> Result<(), ConversionError> {
///     let mut json = serde_json::Deserializer::from_slice(payload.data());
///     into.deserialize("json/plain", &mut json)?;
///     json.end().map_err(ConversionError::custom)
/// }
/// ```
pub struct DeserializeInto<'a> {
    type_name: &'static str,
    sink: Sink<'a>,
}

/// Deserializes the requested type from an erased deserializer and stores it.
type Sink<'a> =
    &'a mut dyn FnMut(&mut dyn erased_serde::Deserializer<'_>) -> Result<(), erased_serde::Error>;

impl<'a> DeserializeInto<'a> {
    /// Wraps `sink`, which decodes a value of type `type_name`.
    pub(crate) fn new(type_name: &'static str, sink: Sink<'a>) -> Self {
        Self { type_name, sink }
    }

    /// The Rust type being decoded, as [`std::any::type_name`] spells it.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::DeserializeInto;
    ///
    /// fn wants_bytes(into: &DeserializeInto<'_>) -> bool {
    ///     into.type_name() == "temporal_client::RawBytes"
    /// }
    /// ```
    pub fn type_name(&self) -> &'static str {
        self.type_name
    }

    /// Decodes the value from `deserializer`, reading a payload of `encoding`.
    ///
    /// # Errors
    ///
    /// [`ConversionError::Deserialize`] naming `encoding` and the type, with the
    /// deserializer's error (as a message) for source.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{ConversionError, DeserializeInto};
    ///
    /// // A `binary/null` payload reads as JSON `null`.
    /// fn null(into: DeserializeInto<'_>) -> Result<(), ConversionError> {
    ///     into.deserialize("binary/null", serde_json::Value::Null)
    /// }
    /// ```
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(
        self,
        encoding: &'static str,
        deserializer: D,
    ) -> Result<(), ConversionError> {
        let mut erased = <dyn erased_serde::Deserializer<'de>>::erase(deserializer);
        (self.sink)(&mut erased).map_err(|source| ConversionError::Deserialize {
            type_name: self.type_name,
            encoding,
            source: Box::new(source),
        })
    }
}

impl fmt::Debug for DeserializeInto<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeserializeInto")
            .field("type_name", &self.type_name)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {

    use bytes::Bytes;
    use serde::Deserialize;
    use serde_json::{Value, json};

    use super::*;
    use crate::converter::{DataConverter, RawBytes};

    /// Writes every value as `application/x-debug` holding `type_name=json`.
    struct Tagged;

    impl PayloadConverter for Tagged {
        fn to_payload(&self, value: SerializeValue<'_>) -> Result<Payload, ConversionError> {
            let mut data = format!("{}=", value.type_name()).into_bytes();
            serde_json::to_writer(&mut data, &value).map_err(ConversionError::custom)?;
            Ok(Payload::new("application/x-debug", data))
        }

        fn from_payload(
            &self,
            payload: &Payload,
            into: DeserializeInto<'_>,
        ) -> Result<(), ConversionError> {
            let prefix = format!("{}=", into.type_name());
            let json = payload
                .data()
                .strip_prefix(prefix.as_bytes())
                .ok_or_else(|| ConversionError::custom("type mismatch"))?;
            into.deserialize(
                "application/x-debug",
                &mut serde_json::Deserializer::from_slice(json),
            )
        }
    }

    /// Never decodes anything.
    struct Lazy;

    impl PayloadConverter for Lazy {
        fn to_payload(&self, _: SerializeValue<'_>) -> Result<Payload, ConversionError> {
            Err(ConversionError::custom("lazy"))
        }

        fn from_payload(&self, _: &Payload, _: DeserializeInto<'_>) -> Result<(), ConversionError> {
            Ok(())
        }
    }

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Order {
        id: u64,
    }

    #[test]
    fn custom_converter_sees_every_serde_value() {
        let converter = DataConverter::new().with_payload_converter(Tagged);
        let p = converter.to_payload(&Order { id: 7 }).unwrap();
        let expected = format!("{}={{\"id\":7}}", std::any::type_name::<Order>());
        assert_eq!(p.data(), expected.as_bytes());
        assert_eq!(
            converter.from_payload::<Order>(&p).unwrap(),
            Order { id: 7 }
        );

        // Even `None`: the custom converter decides how null looks.
        let p = converter.to_payload(&None::<u8>).unwrap();
        assert_eq!(p.data(), "core::option::Option<u8>=null".as_bytes());
        assert_eq!(converter.from_payload::<Option<u8>>(&p).unwrap(), None);

        // Unsized values too.
        let p = converter.to_payload("tea").unwrap();
        assert_eq!(p.data(), "str=\"tea\"".as_bytes());
    }

    #[test]
    fn custom_converter_leaves_raw_bytes_alone() {
        let converter = DataConverter::new().with_payload_converter(Tagged);
        let p = converter.to_payload(&RawBytes::from(vec![1, 2])).unwrap();
        assert_eq!(p.encoding(), Some("binary/plain"));
        assert_eq!(&converter.from_payload::<RawBytes>(&p).unwrap()[..], [1, 2]);
    }

    #[test]
    fn custom_deserialize_errors_name_type_and_encoding() {
        let converter = DataConverter::new().with_payload_converter(Tagged);
        let mut p = Payload::default();
        p.set_data(Bytes::from_static(b"u8=\"x\""));
        let err = converter.from_payload::<u8>(&p).unwrap_err();
        assert!(matches!(
            err,
            ConversionError::Deserialize {
                type_name: "u8",
                encoding: "application/x-debug",
                ..
            }
        ));
        assert!(std::error::Error::source(&err).is_some());
    }

    #[test]
    fn a_converter_that_decodes_nothing_is_an_error() {
        let converter = DataConverter::new().with_payload_converter(Lazy);
        let err = converter
            .from_payload::<Value>(&Payload::default())
            .unwrap_err();
        assert!(matches!(err, ConversionError::Custom(_)));
        assert!(converter.to_payload(&json!(1)).is_err());
    }

    #[test]
    fn debug_names_the_type() {
        let value = 5u8;
        let debug = format!("{:?}", SerializeValue::new(&value, "u8"));
        assert_eq!(debug, "SerializeValue { type_name: \"u8\", .. }");
    }
}
