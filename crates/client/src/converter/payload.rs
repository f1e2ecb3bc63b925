//! [`ToPayload`] and [`FromPayload`], and the default conversion of serde values.

use std::any::type_name;

use bytes::Bytes;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::Payload;
use super::{ConversionError, DataConverter, DeserializeInto, SerializeValue};

/// The metadata key holding a payload's encoding.
pub(crate) const ENCODING_KEY: &str = "encoding";
/// The metadata key holding a protobuf payload's full message name.
pub(crate) const MESSAGE_TYPE_KEY: &str = "messageType";

/// The encodings of the default converter, shared by every Temporal SDK.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Encoding {
    /// `binary/null`: no data; `None`, `()` and JSON `null`.
    BinaryNull,
    /// `binary/plain`: raw bytes.
    BinaryPlain,
    /// `json/plain`: compact JSON.
    JsonPlain,
    /// `json/protobuf`: a protobuf message in proto3 JSON.
    JsonProtobuf,
    /// `binary/protobuf`: a protobuf message in its wire format.
    BinaryProtobuf,
}

impl Encoding {
    /// The encoding as written in payload metadata.
    pub(crate) const fn as_str(self) -> &'static str {
        match self {
            Self::BinaryNull => "binary/null",
            Self::BinaryPlain => "binary/plain",
            Self::JsonPlain => "json/plain",
            Self::JsonProtobuf => "json/protobuf",
            Self::BinaryProtobuf => "binary/protobuf",
        }
    }

    /// Reads `payload`'s encoding for decoding it as `T`.
    pub(crate) fn of<T: ?Sized>(payload: &Payload) -> Result<Self, ConversionError> {
        let Some(encoding) = payload.metadata(ENCODING_KEY) else {
            return Err(ConversionError::MissingEncoding {
                type_name: type_name::<T>(),
            });
        };
        Ok(match encoding {
            b"binary/null" => Self::BinaryNull,
            b"binary/plain" => Self::BinaryPlain,
            b"json/plain" => Self::JsonPlain,
            b"json/protobuf" => Self::JsonProtobuf,
            b"binary/protobuf" => Self::BinaryProtobuf,
            other => {
                return Err(ConversionError::UnknownEncoding {
                    encoding: String::from_utf8_lossy(other).into_owned(),
                    type_name: type_name::<T>(),
                });
            }
        })
    }

    /// The error for a `T` that reads `expected` given a payload of this encoding.
    pub(crate) fn wrong<T: ?Sized>(self, expected: Self) -> ConversionError {
        ConversionError::WrongEncoding {
            expected: expected.as_str(),
            found: self.as_str(),
            type_name: type_name::<T>(),
        }
    }
}

/// A payload with only an `encoding` metadata entry.
pub(crate) fn new_payload(encoding: Encoding, data: Bytes) -> Payload {
    Payload::new(encoding.as_str(), data)
}

/// A value that becomes one [`Payload`].
///
/// Every [`serde::Serialize`] type is one, through the data converter's payload converter
/// (by default: `binary/null` for a value whose JSON is `null`, such as `()` and `None`, and
/// `json/plain` otherwise). So are [`RawBytes`](crate::RawBytes) (`binary/plain`),
/// [`ProtoJson`](crate::raw::ProtoJson) (`json/protobuf`) and [`ProtoBinary`](crate::raw::ProtoBinary)
/// (`binary/protobuf`), which keep their encoding whatever the payload converter.
///
/// Note that `Vec<u8>` and `&[u8]` are serde sequences, so they become JSON arrays of numbers;
/// wrap bytes in `RawBytes` to send what Python's `bytes` and TypeScript's `Uint8Array`
/// become. Pass already-encoded payloads to [`DataConverter::to_payloads`] as a
/// `Vec<Payload>`.
///
/// Call it through [`DataConverter::to_payload`].
///
/// # Examples
///
/// ```
/// use serde::Serialize;
/// use temporal_client::DataConverter;
///
/// #[derive(Serialize)]
/// struct Order {
///     id: u64,
///     item: String,
/// }
///
/// let converter = DataConverter::new();
/// let payload = converter.to_payload(&Order { id: 7, item: "tea".into() })?;
/// assert_eq!(payload.encoding(), Some("json/plain"));
/// assert_eq!(payload.data(), br#"{"id":7,"item":"tea"}"#);
///
/// let payload = converter.to_payload(&None::<Order>)?;
/// assert_eq!(payload.encoding(), Some("binary/null"));
/// assert!(payload.data().is_empty());
/// # Ok::<(), temporal_client::ConversionError>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot become a Temporal payload",
    note = "implement `serde::Serialize`, or wrap bytes in `RawBytes` and protobuf messages in `raw::ProtoJson` or `raw::ProtoBinary`"
)]
pub trait ToPayload {
    /// Converts `self` with `converter`'s payload converter.
    ///
    /// Prefer [`DataConverter::to_payload`], which reads better.
    ///
    /// # Errors
    ///
    /// A [`ConversionError`] when the value cannot be serialized by the payload converter.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{DataConverter, ToPayload};
    ///
    /// let payload = "Temporal".to_payload(&DataConverter::new())?;
    /// assert_eq!(payload.data(), b"\"Temporal\"");
    /// # Ok::<(), temporal_client::ConversionError>(())
    /// ```
    fn to_payload(&self, converter: &DataConverter) -> Result<Payload, ConversionError>;
}

/// A value that can be read from one [`Payload`].
///
/// Every [`serde::de::DeserializeOwned`] type is one, through the data converter's payload
/// converter. By default it reads:
///
/// - `json/plain` with `serde_json`;
/// - `binary/null` as JSON `null`, so `()`, `Option<T>` and `serde_json::Value` accept it;
/// - `json/protobuf` as plain JSON too, since its data is proto3 JSON: a generated message
///   with a serde implementation (such as those of [`crate::proto`]) or a `serde_json::Value`
///   reads it without checking `messageType` (use [`ProtoJson`](crate::raw::ProtoJson) to check it).
///
/// It refuses `binary/plain` and `binary/protobuf` with [`ConversionError::WrongEncoding`]:
/// decode those as [`RawBytes`](crate::RawBytes) and [`ProtoBinary`](crate::raw::ProtoBinary).
///
/// Call it through [`DataConverter::from_payload`].
///
/// # Examples
///
/// ```
/// use serde::Deserialize;
/// use temporal_client::DataConverter;
/// use temporal_client::Payload;
///
/// #[derive(Deserialize, Debug, PartialEq)]
/// struct Order {
///     id: u64,
/// }
///
/// let payload = Payload::new("json/plain", br#"{"id":7}"#.to_vec());
/// let converter = DataConverter::new();
/// assert_eq!(converter.from_payload::<Order>(&payload)?, Order { id: 7 });
/// # Ok::<(), temporal_client::ConversionError>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be read from a Temporal payload",
    note = "implement `serde::Deserialize`, or use `RawBytes`, `raw::ProtoJson<M>` or `raw::ProtoBinary<M>`"
)]
pub trait FromPayload: Sized {
    /// Reads a `Self` from `payload` with `converter`'s payload converter.
    ///
    /// Prefer [`DataConverter::from_payload`], which reads better.
    ///
    /// # Errors
    ///
    /// A [`ConversionError`] when the payload's encoding is not one the converter reads as a
    /// `Self`, or its data does not deserialize.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{DataConverter, FromPayload};
    ///
    /// let converter = DataConverter::new();
    /// let payload = converter.to_payload(&42)?;
    /// assert_eq!(u32::from_payload(&payload, &converter)?, 42);
    /// # Ok::<(), temporal_client::ConversionError>(())
    /// ```
    fn from_payload(payload: &Payload, converter: &DataConverter) -> Result<Self, ConversionError>;
}

impl<T: Serialize + ?Sized> ToPayload for T {
    fn to_payload(&self, converter: &DataConverter) -> Result<Payload, ConversionError> {
        match &converter.payload_converter {
            None => to_json_payload(self),
            Some(custom) => custom.to_payload(SerializeValue::new(&self, type_name::<T>())),
        }
    }
}

impl<T: DeserializeOwned> FromPayload for T {
    fn from_payload(payload: &Payload, converter: &DataConverter) -> Result<Self, ConversionError> {
        let Some(custom) = &converter.payload_converter else {
            return from_json_payload(payload);
        };
        let mut value = None;
        custom.from_payload(
            payload,
            DeserializeInto::new(
                type_name::<T>(),
                &mut |deserializer: &mut dyn erased_serde::Deserializer<'_>| {
                    value = Some(erased_serde::deserialize::<T>(deserializer)?);
                    Ok(())
                },
            ),
        )?;
        value.ok_or_else(|| {
            ConversionError::custom(format!(
                "the payload converter returned without decoding a `{}`",
                type_name::<T>()
            ))
        })
    }
}

/// The default conversion of a serde value: `binary/null` if its JSON is `null`, else
/// compact `json/plain`.
pub(crate) fn to_json_payload<T: Serialize + ?Sized>(
    value: &T,
) -> Result<Payload, ConversionError> {
    let mut json = JsonBuffer(Vec::with_capacity(JsonBuffer::INITIAL_CAPACITY));
    serde_json::to_writer(&mut json, value).map_err(|source| ConversionError::Serialize {
        type_name: type_name::<T>(),
        encoding: Encoding::JsonPlain.as_str(),
        source: Box::new(source),
    })?;
    let JsonBuffer(data) = json;
    Ok(if data == b"null" {
        new_payload(Encoding::BinaryNull, Bytes::new())
    } else {
        // Taken as it is, spare capacity and all: no copy.
        new_payload(Encoding::JsonPlain, Bytes::from(data))
    })
}

/// The buffer a value's JSON is written into, grown so that a large value is copied once.
///
/// `serde_json` writes a string as three writes: the opening quote, the text, the closing
/// quote. Into a plain `Vec`, the text makes the buffer exactly as large as it needs, and the
/// closing quote then doubles it: a 1 MiB string cost a 2 MiB buffer and a 1 MiB copy. A
/// write that does not fit here grows the buffer by a margin of an eighth of it, so what
/// follows a large string or byte run (quotes, brackets, a few small fields) fits without
/// moving it again.
struct JsonBuffer(Vec<u8>);

impl JsonBuffer {
    /// As `serde_json::to_vec` starts.
    const INITIAL_CAPACITY: usize = 128;
}

impl std::io::Write for JsonBuffer {
    #[inline]
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.write_all(bytes)?;
        Ok(bytes.len())
    }

    #[inline]
    fn write_all(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let spare = self.0.capacity() - self.0.len();
        if bytes.len() > spare {
            let needed = self.0.len() + bytes.len();
            // At least double, as `Vec` grows, so small writes stay amortized.
            let target = (needed + needed / 8).max(2 * self.0.capacity());
            self.0.reserve_exact(target - self.0.len());
        }
        self.0.extend_from_slice(bytes);
        Ok(())
    }

    #[inline]
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The default reading of a serde value: see [`FromPayload`].
pub(crate) fn from_json_payload<T: DeserializeOwned>(
    payload: &Payload,
) -> Result<T, ConversionError> {
    let encoding = Encoding::of::<T>(payload)?;
    let data: &[u8] = match encoding {
        Encoding::BinaryNull => b"null",
        Encoding::JsonPlain | Encoding::JsonProtobuf => payload.data(),
        Encoding::BinaryPlain | Encoding::BinaryProtobuf => {
            return Err(encoding.wrong::<T>(Encoding::JsonPlain));
        }
    };
    serde_json::from_slice(data).map_err(|source| ConversionError::Deserialize {
        type_name: type_name::<T>(),
        encoding: encoding.as_str(),
        source: Box::new(source),
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;
    use serde_json::{Value, json};

    use super::*;

    fn payload(encoding: &str, data: &[u8]) -> Payload {
        Payload::new(encoding, Bytes::copy_from_slice(data))
    }

    /// A large value's JSON is written with one growth of the buffer, not a doubling after
    /// its last byte, and reads the same as `serde_json::to_vec`'s.
    #[test]
    fn a_large_value_is_written_into_a_buffer_of_its_size() {
        let text = "x".repeat(1024 * 1024);
        let order = Order {
            id: 7,
            item: Some(text.clone()),
        };
        for json in [
            serde_json::to_vec(&text).unwrap(),
            serde_json::to_vec(&order).unwrap(),
        ] {
            let value: Value = serde_json::from_slice(&json).unwrap();
            let mut buffer = JsonBuffer(Vec::with_capacity(JsonBuffer::INITIAL_CAPACITY));
            serde_json::to_writer(&mut buffer, &value).unwrap();
            assert_eq!(buffer.0, json);
            assert!(
                buffer.0.capacity() <= json.len() + json.len() / 8 + 64,
                "{} bytes of capacity for {} bytes of JSON",
                buffer.0.capacity(),
                json.len()
            );
        }
        let payload = crate::DataConverter::default().to_payload(&order).unwrap();
        assert_eq!(payload.data(), serde_json::to_vec(&order).unwrap());
        // Small writes still grow the buffer by doubling.
        let many: Vec<u32> = (0..100_000).collect();
        let mut buffer = JsonBuffer(Vec::with_capacity(JsonBuffer::INITIAL_CAPACITY));
        serde_json::to_writer(&mut buffer, &many).unwrap();
        assert_eq!(buffer.0, serde_json::to_vec(&many).unwrap());
        assert!(buffer.0.capacity() < 2 * buffer.0.len());
    }

    /// Found by the `payload_decode` fuzz target: serde_json's default float parser may be one
    /// unit in the last place off, so a number another SDK wrote read as a different double.
    #[test]
    fn numbers_read_as_the_nearest_double() {
        let converter = crate::DataConverter::default();
        for text in [
            "30000000000000000401292744",
            "3e25",
            "0.1",
            "2.2250738585072014e-308",
        ] {
            let read: f64 = converter
                .from_payload(&payload("json/plain", text.as_bytes()))
                .expect("a number");
            assert_eq!(read, text.parse::<f64>().expect("a float"), "{text}");
            let written = converter.to_payload(&read).expect("encodes");
            let again: f64 = converter.from_payload(&written).expect("decodes");
            assert_eq!(
                again.to_bits(),
                read.to_bits(),
                "{text} survives a round trip"
            );
        }
    }

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Order {
        id: u64,
        item: Option<String>,
    }

    #[test]
    fn null_values_become_binary_null_with_no_data() {
        let converter = DataConverter::new();
        for p in [
            converter.to_payload(&()).unwrap(),
            converter.to_payload(&None::<u8>).unwrap(),
            converter.to_payload(&Value::Null).unwrap(),
        ] {
            assert_eq!(p, payload("binary/null", b""));
        }
    }

    #[test]
    fn a_null_inside_a_value_stays_json() {
        let p = DataConverter::new().to_payload(&[None::<u8>]).unwrap();
        assert_eq!(p, payload("json/plain", b"[null]"));
    }

    #[test]
    fn unsized_values_convert() {
        let converter = DataConverter::new();
        assert_eq!(
            converter.to_payload("tea").unwrap(),
            payload("json/plain", b"\"tea\"")
        );
        assert_eq!(
            converter.to_payload(&[1, 2][..]).unwrap(),
            payload("json/plain", b"[1,2]")
        );
    }

    #[test]
    fn structs_round_trip() {
        let converter = DataConverter::new();
        let order = Order {
            id: 7,
            item: Some("tea".into()),
        };
        let p = converter.to_payload(&order).unwrap();
        assert_eq!(p.data(), br#"{"id":7,"item":"tea"}"#);
        assert_eq!(converter.from_payload::<Order>(&p).unwrap(), order);
    }

    #[test]
    fn binary_null_reads_as_json_null() {
        let converter = DataConverter::new();
        let p = payload("binary/null", b"");
        converter.from_payload::<()>(&p).unwrap();
        assert_eq!(converter.from_payload::<Option<Order>>(&p).unwrap(), None);
        assert_eq!(converter.from_payload::<Value>(&p).unwrap(), Value::Null);
        let err = converter.from_payload::<u8>(&p).unwrap_err();
        assert!(matches!(
            err,
            ConversionError::Deserialize {
                encoding: "binary/null",
                type_name: "u8",
                ..
            }
        ));
    }

    #[test]
    fn json_protobuf_reads_as_plain_json() {
        let p = payload("json/protobuf", br#"{"name":"x"}"#);
        let value: Value = DataConverter::new().from_payload(&p).unwrap();
        assert_eq!(value, json!({"name": "x"}));
    }

    #[test]
    fn binary_payloads_are_refused_with_a_hint() {
        let converter = DataConverter::new();
        let err = converter
            .from_payload::<Vec<u8>>(&payload("binary/plain", b"\x00"))
            .unwrap_err();
        assert!(matches!(
            err,
            ConversionError::WrongEncoding {
                expected: "json/plain",
                found: "binary/plain",
                ..
            }
        ));
        assert!(
            err.to_string()
                .ends_with("decode binary/plain payloads as `RawBytes`")
        );
        let err = converter
            .from_payload::<Value>(&payload("binary/protobuf", b"\n\x01x"))
            .unwrap_err();
        assert!(
            err.to_string()
                .ends_with("decode binary/protobuf payloads as `ProtoBinary<M>`")
        );
    }

    #[test]
    fn unknown_and_missing_encodings_are_refused() {
        let converter = DataConverter::new();
        let err = converter
            .from_payload::<u8>(&payload("binary/encrypted", b"1"))
            .unwrap_err();
        assert!(
            matches!(&err, ConversionError::UnknownEncoding { encoding, .. } if encoding == "binary/encrypted")
        );
        let err = converter
            .from_payload::<u8>(&Payload::default())
            .unwrap_err();
        assert!(matches!(
            err,
            ConversionError::MissingEncoding { type_name: "u8" }
        ));
    }

    #[test]
    fn serialize_errors_name_the_type_and_encoding() {
        let map = BTreeMap::from([((1, 2), 3)]);
        let err = DataConverter::new().to_payload(&map).unwrap_err();
        assert!(matches!(
            err,
            ConversionError::Serialize {
                encoding: "json/plain",
                ..
            }
        ));
        assert!(err.to_string().starts_with(
            "cannot serialize a value of type `alloc::collections::btree::map::BTreeMap<"
        ));
    }

    #[test]
    fn bad_json_is_a_deserialize_error_without_the_data() {
        let err = DataConverter::new()
            .from_payload::<Order>(&payload("json/plain", b"{\"secret\""))
            .unwrap_err();
        assert!(matches!(
            err,
            ConversionError::Deserialize {
                encoding: "json/plain",
                ..
            }
        ));
        assert!(!err.to_string().contains("secret"));
    }
}
