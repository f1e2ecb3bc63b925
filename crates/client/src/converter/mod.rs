//! The data converter: Rust values to and from Temporal [`Payload`]s.
//!
//! Everything a client sends to a workflow (arguments, signals, queries, updates, memos) and
//! everything it reads back (results, failures' details) is a [`Payload`]: metadata plus
//! bytes. A [`DataConverter`] makes them in two stages:
//!
//! 1. the *payload converter* turns each value into one payload (and back);
//! 2. the optional *codec* ([`PayloadCodec`]) transforms lists of payloads: encryption,
//!    compression. It is async because it may call a key service.
//!
//! The encodings, and how they compare with the other SDKs', are documented on
//! [`DataConverter`], where rustdoc shows them.
//!
//! # Examples
//!
//! ```
//! use temporal_client::{DataConverter, RawBytes};
//!
//! let converter = DataConverter::new();
//! let payloads = converter.to_payloads(&("Temporal", RawBytes::from(vec![0xff])))?;
//! assert_eq!(payloads[0].encoding(), Some("json/plain"));
//! assert_eq!(payloads[0].data(), b"\"Temporal\"");
//! assert_eq!(payloads[1].encoding(), Some("binary/plain"));
//!
//! let greeting: String = converter.from_payloads(&payloads)?;
//! assert_eq!(greeting, "Temporal");
//! # Ok::<(), temporal_client::ConversionError>(())
//! ```

mod args;
mod codec;
mod error;
mod payload;
mod payload_converter;
mod proto;
mod raw;
mod wire;

use std::fmt;
use std::sync::Arc;

pub use args::{FromPayloads, ToPayloads};
pub use codec::{CodecError, PayloadCodec};
pub use error::ConversionError;
pub use payload::{FromPayload, ToPayload};
pub use payload_converter::{DeserializeInto, PayloadConverter, SerializeValue};
pub use proto::{ProtoBinary, ProtoJson};
pub use raw::RawBytes;
pub use wire::Payload;
pub(crate) use wire::{from_raw_payloads, into_raw_payloads};

/// Converts values to and from payloads, then runs the optional codec stage.
///
/// Two stages: the *payload converter* turns each value into one payload (and back), then
/// the optional *codec* ([`PayloadCodec`]) transforms whole lists of payloads (encryption,
/// compression); the codec is async because it may call a key service.
///
/// The default ([`DataConverter::new`]) converts serde values to compact JSON, `binary/null`
/// for `()` and `None`, and has no codec. Its payload converter calls `serde_json` directly,
/// with no boxing or dynamic dispatch. Cloning is cheap (two `Option<Arc>`s): clone it into
/// every task that needs it.
///
/// # Encodings
///
/// The default payload converter writes what the Python, TypeScript, Go, Java and .NET SDKs'
/// default converters read, and reads what they write:
///
/// | Rust value | `encoding` | data |
/// |---|---|---|
/// | a serde value whose JSON is `null`: `()`, `None`, `serde_json::Value::Null` | `binary/null` | empty |
/// | any other serde value | `json/plain` | compact JSON from `serde_json` |
/// | [`RawBytes`] | `binary/plain` | the bytes |
/// | [`ProtoJson<M>`] | `json/protobuf`, and `messageType` = the message's full name | proto3 JSON |
/// | [`ProtoBinary<M>`] | `binary/protobuf`, and `messageType` | protobuf wire format |
///
/// When decoding, serde types read `json/plain`, `binary/null` (as JSON `null`) and
/// `json/protobuf` (as plain JSON); [`RawBytes`], [`ProtoJson`] and [`ProtoBinary`] read only
/// their own encoding. Anything else is a [`ConversionError`] naming the encoding and the
/// Rust type; see [`FromPayload`].
///
/// # Byte-compatibility with the other SDKs
///
/// Values round-trip between SDKs; the JSON *bytes* match Python's
/// (`json.dumps(value, separators=(",", ":"), sort_keys=True)`) except in three ways, none
/// of which changes the value another SDK reads:
///
/// - **Key order.** Python sorts object keys. `serde_json` writes struct fields in declaration
///   order and `HashMap` entries in iteration order; `BTreeMap`s and `serde_json::Value`
///   objects come out sorted, like Python's (unless a crate in the build enables
///   `serde_json`'s `preserve_order` feature). TypeScript writes insertion order.
/// - **Non-ASCII text.** Python escapes it (`"h\u00e9llo"`); `serde_json`, like TypeScript
///   and Go, writes UTF-8 (`"héllo"`).
/// - **Small floats.** Python writes `3e-07` and `1e-05`; `serde_json` writes `3e-7` and
///   `0.00001`. Other floats match: `1.5`, `1e+20`, and integral values keep their `.0`
///   (`1.0`) as in Python; TypeScript writes `1` and `100000000000000000000`.
///
/// For protobuf messages ([`ProtoJson`]), Python also sorts the proto3 JSON fields by name,
/// while the `pbjson` serde implementations of [`crate::proto`] write them in declaration order.
/// Python writes `binary/null` only for `None`; TypeScript writes it only for `undefined`
/// and sends `null` as `json/plain` `null`, which Rust reads the same way.
///
/// # Examples
///
/// ```
/// use serde::{Deserialize, Serialize};
/// use temporal_client::DataConverter;
///
/// #[derive(Serialize, Deserialize, Debug, PartialEq)]
/// struct Order {
///     id: u64,
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let converter = DataConverter::new();
/// // Sending: convert, then encode.
/// let payloads = converter.encode(converter.to_payloads(&(Order { id: 7 },))?).await?;
/// // Receiving: decode, then convert.
/// let order: Order = converter.from_payloads(&converter.decode(payloads).await?)?;
/// assert_eq!(order, Order { id: 7 });
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Default)]
pub struct DataConverter {
    /// `None`: the built-in JSON conversion, with no dynamic dispatch.
    payload_converter: Option<Arc<dyn PayloadConverter>>,
    /// `None`: payloads are sent as the payload converter makes them.
    codec: Option<Arc<dyn PayloadCodec>>,
}

impl DataConverter {
    /// The default data converter: JSON for serde values, no codec.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::DataConverter;
    ///
    /// let converter = DataConverter::new();
    /// assert!(!converter.has_codec());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Replaces the conversion of serde values (`()` and `None` included) with `converter`.
    ///
    /// [`RawBytes`], [`ProtoJson`] and [`ProtoBinary`] keep their encodings. Defaults to the
    /// built-in JSON conversion.
    ///
    /// # Examples
    ///
    /// See [`PayloadConverter`] for a complete converter.
    ///
    /// ```
    /// use temporal_client::Payload;
    /// use temporal_client::{ConversionError, DataConverter, DeserializeInto, PayloadConverter, SerializeValue};
    ///
    /// /// Refuses every serde value: only RawBytes and protobuf messages may be sent.
    /// struct NoSerde;
    ///
    /// impl PayloadConverter for NoSerde {
    ///     fn to_payload(&self, value: SerializeValue<'_>) -> Result<Payload, ConversionError> {
    ///         Err(ConversionError::custom(format!("`{}` is not allowed", value.type_name())))
    ///     }
    ///
    ///     fn from_payload(&self, _: &Payload, into: DeserializeInto<'_>) -> Result<(), ConversionError> {
    ///         Err(ConversionError::custom(format!("`{}` is not allowed", into.type_name())))
    ///     }
    /// }
    ///
    /// let converter = DataConverter::new().with_payload_converter(NoSerde);
    /// assert!(converter.to_payload("text").is_err());
    /// assert!(converter.to_payload(&temporal_client::RawBytes::from(vec![1])).is_ok());
    /// ```
    #[must_use]
    pub fn with_payload_converter(mut self, converter: impl PayloadConverter) -> Self {
        self.payload_converter = Some(Arc::new(converter));
        self
    }

    /// Runs `codec` on every list of payloads sent ([`encode`](Self::encode)) and received
    /// ([`decode`](Self::decode)). Defaults to no codec.
    ///
    /// # Examples
    ///
    /// See [`PayloadCodec`] for a complete codec.
    ///
    /// ```
    /// use std::future::Future;
    /// use std::pin::Pin;
    ///
    /// use temporal_client::Payload;
    /// use temporal_client::{CodecError, DataConverter, PayloadCodec};
    ///
    /// /// Leaves payloads alone.
    /// struct Identity;
    ///
    /// type CodecFuture<'a> = Pin<Box<dyn Future<Output = Result<Vec<Payload>, CodecError>> + Send + 'a>>;
    ///
    /// impl PayloadCodec for Identity {
    ///     fn encode(&self, payloads: Vec<Payload>) -> CodecFuture<'_> {
    ///         Box::pin(async move { Ok(payloads) })
    ///     }
    ///
    ///     fn decode(&self, payloads: Vec<Payload>) -> CodecFuture<'_> {
    ///         Box::pin(async move { Ok(payloads) })
    ///     }
    /// }
    ///
    /// let converter = DataConverter::new().with_codec(Identity);
    /// assert!(converter.has_codec());
    /// ```
    #[must_use]
    pub fn with_codec(mut self, codec: impl PayloadCodec) -> Self {
        self.codec = Some(Arc::new(codec));
        self
    }

    /// Whether a codec is installed.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::DataConverter;
    ///
    /// assert!(!DataConverter::default().has_codec());
    /// ```
    pub fn has_codec(&self) -> bool {
        self.codec.is_some()
    }

    /// Converts one value to a payload (without running the codec).
    ///
    /// # Errors
    ///
    /// [`ConversionError::Serialize`] if the value cannot be serialized, or whatever a custom
    /// [`PayloadConverter`] returns.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::DataConverter;
    ///
    /// let payload = DataConverter::new().to_payload(&[1, 2, 3])?;
    /// assert_eq!(payload.encoding(), Some("json/plain"));
    /// assert_eq!(payload.data(), b"[1,2,3]");
    /// # Ok::<(), temporal_client::ConversionError>(())
    /// ```
    pub fn to_payload<T: ToPayload + ?Sized>(&self, value: &T) -> Result<Payload, ConversionError> {
        value.to_payload(self)
    }

    /// Reads one value from a payload (already decoded by the codec).
    ///
    /// # Errors
    ///
    /// A [`ConversionError`] if the payload's encoding is missing, unknown or unreadable as
    /// `T`, or its data does not fit `T`.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::DataConverter;
    ///
    /// let converter = DataConverter::new();
    /// let payload = converter.to_payload("Temporal")?;
    /// assert_eq!(converter.from_payload::<String>(&payload)?, "Temporal");
    /// # Ok::<(), temporal_client::ConversionError>(())
    /// ```
    pub fn from_payload<T: FromPayload>(&self, payload: &Payload) -> Result<T, ConversionError> {
        T::from_payload(payload, self)
    }

    /// Converts an argument list to payloads, one per argument (without running the codec).
    ///
    /// `args` is `()`, a tuple (`(a,)`, `(a, b)`, ... up to 12) or already-encoded payloads;
    /// see [`ToPayloads`].
    ///
    /// # Errors
    ///
    /// The first argument's [`ConversionError`].
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::DataConverter;
    ///
    /// let payloads = DataConverter::new().to_payloads(&("order-7", 3))?;
    /// assert_eq!(payloads.len(), 2);
    /// # Ok::<(), temporal_client::ConversionError>(())
    /// ```
    pub fn to_payloads<A: ToPayloads + ?Sized>(
        &self,
        args: &A,
    ) -> Result<Vec<Payload>, ConversionError> {
        args.to_payloads(self)
    }

    /// Reads a result from a list of payloads: the first one, or `binary/null` if there is
    /// none (so `()`, `Option<T>` and `serde_json::Value` read an empty list). Extra payloads
    /// are ignored, as the other SDKs do. For several typed values, use [`FromPayloads`].
    ///
    /// # Errors
    ///
    /// As [`from_payload`](Self::from_payload).
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::DataConverter;
    ///
    /// let converter = DataConverter::new();
    /// let payloads = converter.to_payloads(&(42,))?;
    /// assert_eq!(converter.from_payloads::<u32>(&payloads)?, 42);
    /// assert_eq!(converter.from_payloads::<Option<u32>>(&[])?, None);
    /// # Ok::<(), temporal_client::ConversionError>(())
    /// ```
    pub fn from_payloads<T: FromPayload>(
        &self,
        payloads: &[Payload],
    ) -> Result<T, ConversionError> {
        args::from_optional_payload(payloads.first(), self)
    }

    /// Runs the codec's [`encode`](PayloadCodec::encode) on payloads about to be sent; without
    /// a codec, returns them as they are (no allocation).
    ///
    /// # Errors
    ///
    /// The codec's [`CodecError`].
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::DataConverter;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let converter = DataConverter::new();
    /// let payloads = converter.to_payloads(&("a",))?;
    /// assert_eq!(converter.encode(payloads.clone()).await?, payloads);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn encode(&self, payloads: Vec<Payload>) -> Result<Vec<Payload>, CodecError> {
        match &self.codec {
            Some(codec) => codec.encode(payloads).await,
            None => Ok(payloads),
        }
    }

    /// Runs the codec's [`decode`](PayloadCodec::decode) on payloads received; without a
    /// codec, returns them as they are (no allocation).
    ///
    /// # Errors
    ///
    /// The codec's [`CodecError`].
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::DataConverter;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let converter = DataConverter::new();
    /// let received = converter.decode(converter.to_payloads(&(7,))?).await?;
    /// assert_eq!(converter.from_payloads::<u8>(&received)?, 7);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn decode(&self, payloads: Vec<Payload>) -> Result<Vec<Payload>, CodecError> {
        match &self.codec {
            Some(codec) => codec.decode(payloads).await,
            None => Ok(payloads),
        }
    }
}

impl fmt::Debug for DataConverter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let payload_converter = if self.payload_converter.is_some() {
            "custom"
        } else {
            "default"
        };
        let codec = if self.codec.is_some() {
            "custom"
        } else {
            "none"
        };
        f.debug_struct("DataConverter")
            .field("payload_converter", &format_args!("{payload_converter}"))
            .field("codec", &format_args!("{codec}"))
            .finish()
    }
}

#[cfg(test)]
mod python_fixtures;

#[cfg(test)]
mod tests {
    use std::future::Future;
    use std::pin::Pin;

    use bytes::Bytes;

    use super::*;

    type CodecFuture<'a> =
        Pin<Box<dyn Future<Output = Result<Vec<Payload>, CodecError>> + Send + 'a>>;

    /// XORs the data with a key and marks the payload `binary/encrypted`, keeping the
    /// original encoding in `original-encoding`.
    struct Xor(u8);

    impl Xor {
        fn apply(&self, data: &[u8]) -> Bytes {
            data.iter().map(|b| b ^ self.0).collect()
        }
    }

    impl PayloadCodec for Xor {
        fn encode(&self, payloads: Vec<Payload>) -> CodecFuture<'_> {
            Box::pin(async move {
                Ok(payloads
                    .into_iter()
                    .map(|mut p| {
                        let original = p.remove_metadata("encoding").unwrap_or_default();
                        p.insert_metadata("original-encoding", original);
                        p.set_encoding("binary/encrypted");
                        p.set_data(self.apply(p.data()));
                        p
                    })
                    .collect())
            })
        }

        fn decode(&self, payloads: Vec<Payload>) -> CodecFuture<'_> {
            Box::pin(async move {
                payloads
                    .into_iter()
                    .map(|mut p| {
                        if p.encoding() != Some("binary/encrypted") {
                            return Ok(p);
                        }
                        let original = p
                            .remove_metadata("original-encoding")
                            .ok_or_else(|| CodecError::new("missing original-encoding"))?;
                        p.insert_metadata("encoding", original);
                        p.set_data(self.apply(p.data()));
                        Ok(p)
                    })
                    .collect()
            })
        }
    }

    #[tokio::test]
    async fn codec_round_trips_through_the_data_converter() {
        let converter = DataConverter::new().with_codec(Xor(0x2a));
        let payloads = converter
            .to_payloads(&("secret", None::<u8>, RawBytes::from(vec![1, 2])))
            .unwrap();
        let sent = converter.encode(payloads.clone()).await.unwrap();
        assert!(
            sent.iter()
                .all(|p| p.encoding() == Some("binary/encrypted"))
        );
        assert_ne!(sent[0].data(), payloads[0].data());

        // Without the codec, the receiver cannot read it, and says why.
        let err = DataConverter::new()
            .from_payloads::<String>(&sent)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "no converter for payload encoding `binary/encrypted` (decoding as `alloc::string::String`)"
        );

        let received = converter.decode(sent).await.unwrap();
        assert_eq!(received, payloads);
        let (text, none, bytes): (String, Option<u8>, RawBytes) =
            FromPayloads::from_payloads(&received, &converter).unwrap();
        assert_eq!(
            (text.as_str(), none, &bytes[..]),
            ("secret", None, &[1, 2][..])
        );
    }

    #[tokio::test]
    async fn codec_errors_surface() {
        let converter = DataConverter::new().with_codec(Xor(1));
        let mut payload = converter.to_payload("x").unwrap();
        payload.set_encoding("binary/encrypted");
        let err = converter.decode(vec![payload]).await.unwrap_err();
        assert_eq!(err.to_string(), "payload codec failed");
        assert_eq!(
            std::error::Error::source(&err).unwrap().to_string(),
            "missing original-encoding"
        );
    }

    #[tokio::test]
    async fn without_codec_encode_and_decode_return_the_same_allocation() {
        let converter = DataConverter::new();
        let payloads = converter.to_payloads(&(1, 2)).unwrap();
        let pointer = payloads.as_ptr();
        let encoded = converter.encode(payloads).await.unwrap();
        assert_eq!(encoded.as_ptr(), pointer);
        let decoded = converter.decode(encoded).await.unwrap();
        assert_eq!(decoded.as_ptr(), pointer);
    }

    #[test]
    fn data_converter_is_cheap_to_share() {
        fn assert_send_sync_static<T: Send + Sync + Clone + 'static>() {}
        assert_send_sync_static::<DataConverter>();
        assert_eq!(
            std::mem::size_of::<DataConverter>(),
            4 * std::mem::size_of::<usize>()
        );
        let converter = DataConverter::new().with_codec(Xor(1));
        let clone = converter.clone();
        assert!(Arc::ptr_eq(
            converter.codec.as_ref().unwrap(),
            clone.codec.as_ref().unwrap()
        ));
    }

    #[test]
    fn encode_futures_are_send() {
        fn assert_send<T: Send>(_: T) {}
        let converter = DataConverter::new();
        assert_send(converter.encode(Vec::new()));
        assert_send(converter.decode(Vec::new()));
    }

    #[test]
    fn debug_shows_which_stages_are_custom() {
        assert_eq!(
            format!("{:?}", DataConverter::new()),
            "DataConverter { payload_converter: default, codec: none }"
        );
        assert_eq!(
            format!("{:?}", DataConverter::new().with_codec(Xor(1))),
            "DataConverter { payload_converter: default, codec: custom }"
        );
    }
}
