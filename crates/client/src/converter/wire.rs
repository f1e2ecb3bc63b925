//! [`Payload`]: the crate's own payload type, and its moves to and from the protos' message.

use std::fmt;

use bytes::Bytes;

use super::payload::ENCODING_KEY;
use crate::proto::api::common::v1::Payload as ProtoPayload;

/// One encoded value: metadata (its `encoding` first of all) and bytes, as every Temporal SDK
/// sends arguments, results, memos and failure details.
///
/// The payload converter makes them from values ([`DataConverter::to_payload`]) and reads
/// values from them ([`DataConverter::from_payload`]); a [`PayloadCodec`] transforms them.
/// The type is this crate's own, so its API does not change with the protos or `prost`: the
/// protos' message is reachable only through the escape hatches named `raw_proto`, which
/// follow the protos' version. It wraps that message (`#[repr(transparent)]`), so converting
/// to and from it, one payload or a whole `Vec`, moves the bytes and never copies them.
///
/// `Debug` shows the metadata and the size of the data, not the data, which may be sensitive.
///
/// [`DataConverter::to_payload`]: crate::DataConverter::to_payload
/// [`DataConverter::from_payload`]: crate::DataConverter::from_payload
/// [`PayloadCodec`]: crate::PayloadCodec
///
/// # Examples
///
/// ```
/// use temporal_client::{DataConverter, Payload};
///
/// let converter = DataConverter::new();
/// let payload = converter.to_payload(&[1, 2, 3])?;
/// assert_eq!(payload.encoding(), Some("json/plain"));
/// assert_eq!(payload.data(), b"[1,2,3]");
///
/// let mut marked = Payload::new("binary/plain", vec![0xff]).with_metadata("key-id", "k1");
/// assert_eq!(marked.metadata("key-id"), Some(&b"k1"[..]));
/// assert_eq!(marked.remove_metadata("key-id"), Some(b"k1".to_vec()));
/// # Ok::<(), temporal_client::ConversionError>(())
/// ```
#[derive(Clone, Default, PartialEq)]
#[repr(transparent)]
pub struct Payload(ProtoPayload);

impl Payload {
    /// A payload of `data` with `encoding` as its only metadata.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::Payload;
    ///
    /// let payload = Payload::new("json/plain", br#"{"id":7}"#.to_vec());
    /// assert_eq!(payload.encoding(), Some("json/plain"));
    /// assert_eq!(payload.data(), br#"{"id":7}"#);
    /// ```
    pub fn new(encoding: &str, data: impl Into<Bytes>) -> Self {
        let mut payload = ProtoPayload {
            data: data.into(),
            ..Default::default()
        };
        payload
            .metadata
            .insert(ENCODING_KEY.to_owned(), encoding.as_bytes().to_vec());
        Self(payload)
    }

    /// The same payload with the metadata entry `key` set to `value`.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::Payload;
    ///
    /// let payload = Payload::new("binary/encrypted", vec![1, 2]).with_metadata("encryption-key-id", "k1");
    /// assert_eq!(payload.metadata("encryption-key-id"), Some(&b"k1"[..]));
    /// ```
    #[must_use]
    pub fn with_metadata(mut self, key: impl Into<String>, value: impl Into<Vec<u8>>) -> Self {
        self.insert_metadata(key, value);
        self
    }

    /// The data.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::Payload;
    ///
    /// assert_eq!(Payload::new("binary/plain", vec![7]).data(), [7]);
    /// ```
    pub fn data(&self) -> &[u8] {
        &self.0.data
    }

    /// The data as shared [`Bytes`]: clone it to keep the data without copying it.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::Payload;
    ///
    /// let payload = Payload::new("binary/plain", vec![7]);
    /// let shared = payload.data_bytes().clone();
    /// assert_eq!(shared.as_ptr(), payload.data().as_ptr());
    /// ```
    pub fn data_bytes(&self) -> &Bytes {
        &self.0.data
    }

    /// Replaces the data, returning the old data (moved, not copied).
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::Payload;
    ///
    /// let mut payload = Payload::new("binary/plain", vec![1]);
    /// let old = payload.set_data(vec![2]);
    /// assert_eq!((&old[..], payload.data()), (&[1][..], &[2][..]));
    /// ```
    pub fn set_data(&mut self, data: impl Into<Bytes>) -> Bytes {
        std::mem::replace(&mut self.0.data, data.into())
    }

    /// The data, moved out of the payload.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::Payload;
    ///
    /// let data = Payload::new("binary/plain", vec![1, 2]).into_data();
    /// assert_eq!(&data[..], [1, 2]);
    /// ```
    pub fn into_data(self) -> Bytes {
        self.0.data
    }

    /// The `encoding` metadata entry, such as `json/plain`: `None` when there is none or it
    /// is not UTF-8 (its bytes are then [`metadata("encoding")`](Self::metadata)).
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{DataConverter, Payload};
    ///
    /// let payload = DataConverter::new().to_payload(&None::<u8>)?;
    /// assert_eq!(payload.encoding(), Some("binary/null"));
    /// assert_eq!(Payload::default().encoding(), None);
    /// # Ok::<(), temporal_client::ConversionError>(())
    /// ```
    pub fn encoding(&self) -> Option<&str> {
        std::str::from_utf8(self.metadata(ENCODING_KEY)?).ok()
    }

    /// Sets the `encoding` metadata entry, returning the previous one.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::Payload;
    ///
    /// let mut payload = Payload::new("json/plain", b"1".to_vec());
    /// let previous = payload.set_encoding("binary/encrypted");
    /// assert_eq!(previous, Some(b"json/plain".to_vec()));
    /// assert_eq!(payload.encoding(), Some("binary/encrypted"));
    /// ```
    pub fn set_encoding(&mut self, encoding: &str) -> Option<Vec<u8>> {
        self.insert_metadata(ENCODING_KEY, encoding)
    }

    /// The metadata entry `key`.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::Payload;
    ///
    /// let payload = Payload::new("json/plain", b"1".to_vec());
    /// assert_eq!(payload.metadata("encoding"), Some(&b"json/plain"[..]));
    /// assert_eq!(payload.metadata("messageType"), None);
    /// ```
    pub fn metadata(&self, key: &str) -> Option<&[u8]> {
        self.0.metadata.get(key).map(Vec::as_slice)
    }

    /// Every metadata entry, in no particular order.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::Payload;
    ///
    /// let payload = Payload::new("json/plain", b"1".to_vec());
    /// let keys: Vec<&str> = payload.metadata_entries().map(|(key, _)| key).collect();
    /// assert_eq!(keys, ["encoding"]);
    /// ```
    pub fn metadata_entries(&self) -> impl ExactSizeIterator<Item = (&str, &[u8])> + '_ {
        self.0
            .metadata
            .iter()
            .map(|(key, value)| (key.as_str(), value.as_slice()))
    }

    /// Sets the metadata entry `key` to `value`, returning the previous value.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::Payload;
    ///
    /// let mut payload = Payload::new("binary/encrypted", vec![1]);
    /// assert_eq!(payload.insert_metadata("original-encoding", "json/plain"), None);
    /// ```
    pub fn insert_metadata(
        &mut self,
        key: impl Into<String>,
        value: impl Into<Vec<u8>>,
    ) -> Option<Vec<u8>> {
        self.0.metadata.insert(key.into(), value.into())
    }

    /// Removes the metadata entry `key`, returning its value.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::Payload;
    ///
    /// let mut payload = Payload::new("json/plain", b"1".to_vec());
    /// assert_eq!(payload.remove_metadata("encoding"), Some(b"json/plain".to_vec()));
    /// assert_eq!(payload.encoding(), None);
    /// ```
    pub fn remove_metadata(&mut self, key: &str) -> Option<Vec<u8>> {
        self.0.metadata.remove(key)
    }

    /// Wraps the protos' message (a move: the data is not copied).
    ///
    /// Raw: this follows the version of the Temporal protos this crate depends on.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::Payload;
    /// use temporal_client::proto::api::common::v1::Payload as ProtoPayload;
    ///
    /// let payload = Payload::from_raw_proto(ProtoPayload { data: vec![1].into(), ..Default::default() });
    /// assert_eq!(payload.data(), [1]);
    /// ```
    pub fn from_raw_proto(payload: ProtoPayload) -> Self {
        Self(payload)
    }

    /// The protos' message (a move: the data is not copied).
    ///
    /// Raw: this follows the version of the Temporal protos this crate depends on.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::Payload;
    ///
    /// let proto = Payload::new("binary/plain", vec![1]).into_raw_proto();
    /// assert_eq!(&proto.data[..], [1]);
    /// ```
    pub fn into_raw_proto(self) -> ProtoPayload {
        self.0
    }

    /// The protos' message, borrowed: for its fields this type has no accessor for (such as
    /// `external_payloads`).
    ///
    /// Raw: this follows the version of the Temporal protos this crate depends on.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::Payload;
    ///
    /// let payload = Payload::new("binary/plain", vec![1]);
    /// assert!(payload.raw_proto().external_payloads.is_empty());
    /// ```
    pub fn raw_proto(&self) -> &ProtoPayload {
        &self.0
    }

    /// The protos' message, mutably borrowed.
    ///
    /// Raw: this follows the version of the Temporal protos this crate depends on.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::Payload;
    ///
    /// let mut payload = Payload::new("binary/plain", vec![1]);
    /// payload.raw_proto_mut().external_payloads.clear();
    /// ```
    pub fn raw_proto_mut(&mut self) -> &mut ProtoPayload {
        &mut self.0
    }
}

impl fmt::Debug for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The data may be sensitive and large: show what it is, not what it says.
        let mut metadata: Vec<(&str, String)> = self
            .metadata_entries()
            .map(|(key, value)| (key, String::from_utf8_lossy(value).into_owned()))
            .collect();
        metadata.sort_unstable();
        f.debug_struct("Payload")
            .field("metadata", &metadata)
            .field("data_len", &self.0.data.len())
            .finish_non_exhaustive()
    }
}

/// Payloads for the wire: a move into the protos' messages, reusing the `Vec`'s allocation
/// (the two types have one layout, so `collect` writes in place).
pub(crate) fn into_raw_payloads(payloads: Vec<Payload>) -> Vec<ProtoPayload> {
    payloads.into_iter().map(Payload::into_raw_proto).collect()
}

/// Payloads from the wire: the inverse of [`into_raw_payloads`], also in place.
pub(crate) fn from_raw_payloads(payloads: Vec<ProtoPayload>) -> Vec<Payload> {
    payloads.into_iter().map(Payload::from_raw_proto).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_has_the_layout_of_the_proto_message() {
        assert_eq!(
            std::mem::size_of::<Payload>(),
            std::mem::size_of::<ProtoPayload>()
        );
        assert_eq!(
            std::mem::align_of::<Payload>(),
            std::mem::align_of::<ProtoPayload>()
        );
    }

    #[test]
    fn vec_conversions_move_the_allocation_and_the_data() {
        let payloads = vec![
            Payload::new("binary/plain", vec![1; 64]),
            Payload::new("json/plain", b"2".to_vec()),
        ];
        let vec_pointer = payloads.as_ptr() as usize;
        let data_pointer = payloads[0].data().as_ptr();
        let raw = into_raw_payloads(payloads);
        assert_eq!(raw.as_ptr() as usize, vec_pointer, "the Vec is reused");
        assert_eq!(raw[0].data.as_ptr(), data_pointer, "the data is not copied");
        let back = from_raw_payloads(raw);
        assert_eq!(back.as_ptr() as usize, vec_pointer);
        assert_eq!(back[1].encoding(), Some("json/plain"));
    }

    #[test]
    fn debug_hides_the_data() {
        let payload = Payload::new("json/plain", b"\"secret\"".to_vec());
        let debug = format!("{payload:?}");
        assert!(!debug.contains("secret"), "{debug}");
        assert!(
            debug.contains("json/plain") && debug.contains("data_len: 8"),
            "{debug}"
        );
    }

    #[test]
    fn a_non_utf8_encoding_is_none_but_readable_as_bytes() {
        let mut payload = Payload::default();
        payload.insert_metadata("encoding", vec![0xff]);
        assert_eq!(payload.encoding(), None);
        assert_eq!(payload.metadata("encoding"), Some(&[0xff][..]));
    }
}
