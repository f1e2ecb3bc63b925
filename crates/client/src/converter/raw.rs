//! [`RawBytes`]: bytes sent as they are, as `binary/plain`.

use std::ops::Deref;

use bytes::Bytes;

use super::Payload;
use super::payload::{Encoding, new_payload};
use super::{ConversionError, DataConverter, FromPayload, ToPayload};

/// Bytes sent as they are, with encoding `binary/plain`: what Python's `bytes`, TypeScript's
/// `Uint8Array` and Go's `[]byte` become.
///
/// A `Vec<u8>` would become a JSON array of numbers; wrap it in `RawBytes` instead. Decoding
/// a `RawBytes` reads only `binary/plain` payloads and never copies the data (a [`Bytes`]
/// clone shares it).
///
/// # Examples
///
/// ```
/// use temporal_client::{DataConverter, RawBytes};
///
/// let converter = DataConverter::new();
/// let payload = converter.to_payload(&RawBytes::from(vec![0x00, 0xff]))?;
/// assert_eq!(payload.encoding(), Some("binary/plain"));
/// assert_eq!(payload.data(), [0x00, 0xff]);
///
/// let bytes: RawBytes = converter.from_payload(&payload)?;
/// assert_eq!(&bytes[..], [0x00, 0xff]);
/// # Ok::<(), temporal_client::ConversionError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct RawBytes(pub Bytes);

impl RawBytes {
    /// The bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::RawBytes;
    ///
    /// let bytes = RawBytes::from(b"abc".to_vec()).into_inner();
    /// assert_eq!(bytes, &b"abc"[..]);
    /// ```
    pub fn into_inner(self) -> Bytes {
        self.0
    }
}

impl From<Vec<u8>> for RawBytes {
    fn from(bytes: Vec<u8>) -> Self {
        Self(bytes.into())
    }
}

impl From<Bytes> for RawBytes {
    fn from(bytes: Bytes) -> Self {
        Self(bytes)
    }
}

impl From<&'static [u8]> for RawBytes {
    fn from(bytes: &'static [u8]) -> Self {
        Self(Bytes::from_static(bytes))
    }
}

impl From<RawBytes> for Bytes {
    fn from(bytes: RawBytes) -> Self {
        bytes.0
    }
}

impl Deref for RawBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl AsRef<[u8]> for RawBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl ToPayload for RawBytes {
    fn to_payload(&self, _: &DataConverter) -> Result<Payload, ConversionError> {
        Ok(new_payload(Encoding::BinaryPlain, self.0.clone()))
    }
}

impl FromPayload for RawBytes {
    fn from_payload(payload: &Payload, _: &DataConverter) -> Result<Self, ConversionError> {
        match Encoding::of::<Self>(payload)? {
            Encoding::BinaryPlain => Ok(Self(payload.data_bytes().clone())),
            other => Err(other.wrong::<Self>(Encoding::BinaryPlain)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_bytes_share_the_payload_data() {
        let converter = DataConverter::new();
        let payload = converter
            .to_payload(&RawBytes::from(vec![1, 2, 3]))
            .unwrap();
        let bytes: RawBytes = converter.from_payload(&payload).unwrap();
        assert_eq!(bytes.as_ptr(), payload.data().as_ptr());
    }

    #[test]
    fn json_payloads_are_not_raw_bytes() {
        let converter = DataConverter::new();
        let payload = converter.to_payload("abc").unwrap();
        let err = converter.from_payload::<RawBytes>(&payload).unwrap_err();
        assert!(matches!(
            err,
            ConversionError::WrongEncoding {
                expected: "binary/plain",
                found: "json/plain",
                ..
            }
        ));
        assert_eq!(
            err.to_string(),
            "cannot decode a json/plain payload as `temporal_client::converter::raw::RawBytes`, \
             which reads binary/plain; decode json/plain payloads as a serde type"
        );
    }

    #[test]
    fn empty_raw_bytes_stay_binary_plain() {
        let payload = DataConverter::new()
            .to_payload(&RawBytes::default())
            .unwrap();
        assert_eq!(payload.encoding(), Some("binary/plain"));
        assert!(payload.data().is_empty());
    }
}
