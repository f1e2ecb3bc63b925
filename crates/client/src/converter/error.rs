//! [`ConversionError`]: every way a value fails to become a payload, or a payload a value.

use std::error::Error as StdError;

/// A boxed error from a serializer, a deserializer or a custom converter.
type BoxError = Box<dyn StdError + Send + Sync>;

/// Why a value could not become a [`Payload`](crate::proto::api::common::v1::Payload), or a
/// payload could not become a value.
///
/// Each variant names the payload encoding and the Rust type involved (as
/// [`std::any::type_name`] spells it). Messages never quote payload data, which may be
/// sensitive; the serializer's or deserializer's own error is reachable through
/// [`source()`](std::error::Error::source) and is not repeated in the message.
///
/// # Examples
///
/// ```
/// use temporal_client::{ConversionError, DataConverter, RawBytes};
///
/// let converter = DataConverter::new();
/// let payload = converter.to_payload(&RawBytes::from(vec![0, 255]))?;
/// let err = converter.from_payload::<String>(&payload).unwrap_err();
/// assert!(matches!(err, ConversionError::WrongEncoding { found: "binary/plain", .. }));
/// assert_eq!(
///     err.to_string(),
///     "cannot decode a binary/plain payload as `alloc::string::String`, which reads \
///      json/plain; decode binary/plain payloads as `RawBytes`",
/// );
/// # Ok::<(), ConversionError>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConversionError {
    /// The value's `Serialize` implementation (or the serializer) failed, for example a map
    /// with non-string keys written as JSON.
    #[error("cannot serialize a value of type `{type_name}` as {encoding}")]
    Serialize {
        /// The Rust type of the value.
        type_name: &'static str,
        /// The encoding the value was being written as, such as `json/plain`.
        encoding: &'static str,
        /// The serializer's error.
        source: BoxError,
    },
    /// The payload has a supported encoding but its data does not fit the Rust type.
    #[error("cannot decode a {encoding} payload as `{type_name}`")]
    Deserialize {
        /// The Rust type being decoded.
        type_name: &'static str,
        /// The payload's encoding, such as `json/plain`.
        encoding: &'static str,
        /// The deserializer's error.
        source: BoxError,
    },
    /// The payload's `encoding` metadata names an encoding this converter does not know, such
    /// as one a codec should have removed (`binary/encrypted`).
    #[error("no converter for payload encoding `{encoding}` (decoding as `{type_name}`)")]
    UnknownEncoding {
        /// The payload's encoding, lossily decoded as UTF-8.
        encoding: String,
        /// The Rust type being decoded.
        type_name: &'static str,
    },
    /// The payload has no `encoding` metadata entry.
    #[error("cannot decode a payload without `encoding` metadata as `{type_name}`")]
    MissingEncoding {
        /// The Rust type being decoded.
        type_name: &'static str,
    },
    /// The payload's encoding is known but the Rust type cannot read it, for example a
    /// `binary/plain` payload decoded as `String` (decode it as [`RawBytes`](crate::RawBytes)).
    #[error(
        "cannot decode a {found} payload as `{type_name}`, which reads {expected}; {}",
        hint(found)
    )]
    WrongEncoding {
        /// The encoding the Rust type reads.
        expected: &'static str,
        /// The payload's encoding.
        found: &'static str,
        /// The Rust type being decoded.
        type_name: &'static str,
    },
    /// A protobuf payload's `messageType` metadata names a different message than the one
    /// being decoded.
    #[error("cannot decode a protobuf payload of message type `{found}` as `{expected}`")]
    MessageType {
        /// The full protobuf name of the message being decoded.
        expected: String,
        /// The payload's `messageType`, lossily decoded as UTF-8.
        found: String,
    },
    /// A `binary/protobuf` payload's data is not a valid encoding of the message.
    #[error("cannot decode a binary/protobuf payload as `{type_name}`")]
    Protobuf {
        /// The Rust type being decoded.
        type_name: &'static str,
        /// The protobuf decoder's error.
        source: Box<dyn StdError + Send + Sync>,
    },
    /// A list of values (such as failure details) has no value at `index`.
    #[error("no value at index {index} to decode as `{type_name}`: there are {len}")]
    MissingValue {
        /// The Rust type being decoded.
        type_name: &'static str,
        /// The index asked for.
        index: usize,
        /// How many values there are.
        len: usize,
    },
    /// A custom [`PayloadConverter`](crate::PayloadConverter) failed in a way the other
    /// variants do not describe.
    #[error("payload converter failed")]
    Custom(#[source] BoxError),
}

impl ConversionError {
    /// A [`ConversionError::Custom`] wrapping `source`, for custom
    /// [`PayloadConverter`](crate::PayloadConverter)s.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::ConversionError;
    ///
    /// let err = ConversionError::custom("schema registry unreachable");
    /// assert_eq!(err.to_string(), "payload converter failed");
    /// ```
    pub fn custom(source: impl Into<BoxError>) -> Self {
        Self::Custom(source.into())
    }
}

impl ConversionError {
    /// A [`ConversionError::MissingValue`] for decoding value `index` of `len` as a `T`.
    pub(crate) fn missing_value<T: ?Sized>(index: usize, len: usize) -> Self {
        Self::MissingValue {
            type_name: std::any::type_name::<T>(),
            index,
            len,
        }
    }
}

/// Which Rust type reads payloads of encoding `found`.
fn hint(found: &str) -> &'static str {
    match found {
        "binary/null" => "decode binary/null payloads as `()`, `Option<T>` or another serde type",
        "binary/plain" => "decode binary/plain payloads as `RawBytes`",
        "json/protobuf" => "decode json/protobuf payloads as `ProtoJson<M>` or a serde type",
        "binary/protobuf" => "decode binary/protobuf payloads as `ProtoBinary<M>`",
        _ => "decode json/plain payloads as a serde type",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversion_error_is_small_and_thread_safe() {
        fn assert_send_sync_static<T: Send + Sync + 'static>() {}
        assert_send_sync_static::<ConversionError>();
        // Seven words: the largest variants hold a type name, an encoding and a boxed source.
        assert_eq!(std::mem::size_of::<ConversionError>(), 56);
    }

    #[test]
    fn messages_are_lowercase_without_trailing_period_or_source() {
        let source = serde_json::from_slice::<u8>(b"\"x\"").unwrap_err();
        let detail = source.to_string();
        let errors = [
            ConversionError::Serialize {
                type_name: "T",
                encoding: "json/plain",
                source: Box::new(serde_json::from_slice::<u8>(b"x").unwrap_err()),
            },
            ConversionError::Deserialize {
                type_name: "T",
                encoding: "json/plain",
                source: Box::new(source),
            },
            ConversionError::UnknownEncoding {
                encoding: "binary/encrypted".into(),
                type_name: "T",
            },
            ConversionError::MissingEncoding { type_name: "T" },
            ConversionError::WrongEncoding {
                expected: "binary/plain",
                found: "json/plain",
                type_name: "T",
            },
            ConversionError::MessageType {
                expected: "a.B".into(),
                found: "a.C".into(),
            },
            ConversionError::custom("boom"),
            ConversionError::missing_value::<u8>(1, 1),
        ];
        for err in errors {
            let message = err.to_string();
            assert!(message.starts_with(char::is_lowercase), "{message}");
            assert!(!message.ends_with('.'), "{message}");
            assert!(!message.contains(&detail), "{message}");
        }
    }

    #[test]
    fn deserialize_error_keeps_its_source() {
        let err = ConversionError::Deserialize {
            type_name: "u8",
            encoding: "json/plain",
            source: Box::new(serde_json::from_slice::<u8>(b"\"x\"").unwrap_err()),
        };
        assert_eq!(
            err.to_string(),
            "cannot decode a json/plain payload as `u8`"
        );
        let source = err.source().unwrap();
        assert!(source.downcast_ref::<serde_json::Error>().is_some());
    }

    #[test]
    fn missing_value_names_index_and_count() {
        let err = ConversionError::missing_value::<String>(2, 1);
        assert_eq!(
            err.to_string(),
            "no value at index 2 to decode as `alloc::string::String`: there are 1"
        );
    }

    #[test]
    fn unknown_encoding_names_the_encoding() {
        let err = ConversionError::UnknownEncoding {
            encoding: "binary/encrypted".into(),
            type_name: "u8",
        };
        assert_eq!(
            err.to_string(),
            "no converter for payload encoding `binary/encrypted` (decoding as `u8`)"
        );
    }
}
