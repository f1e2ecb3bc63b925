//! The codec stage: [`PayloadCodec`] and [`CodecError`].

use std::error::Error as StdError;
use std::future::Future;
use std::pin::Pin;

use super::Payload;

/// Transforms encoded payloads on their way to and from the Temporal server: encryption,
/// compression, offloading large payloads.
///
/// A codec runs after the payload converter when sending and before it when receiving, on
/// every payload a client sends or receives, including those of other SDKs' workers. It must
/// be the exact inverse of itself: `decode(encode(p)) == p`. Like the TypeScript and Python
/// SDKs' codecs, it sees a whole list at once (the arguments of one call, say), so it can
/// batch remote calls; it must return one payload per input, in order.
///
/// The methods return a boxed future, so the trait needs no `async-trait` dependency and
/// stays usable as `dyn PayloadCodec`: write the body as `Box::pin(async move { ... })`.
/// A codec should mark what it produced with its own `encoding` metadata (such as
/// `binary/encrypted`) and pass through, untouched, payloads it does not recognise when
/// decoding.
///
/// # Examples
///
/// A toy codec that XORs the data with a key and keeps the original encoding in the metadata.
/// It shows the shape of a real one (an encryption codec encrypts the same bytes):
///
/// ```
/// use std::future::Future;
/// use std::pin::Pin;
///
/// use temporal_client::{CodecError, DataConverter, Payload, PayloadCodec};
///
/// struct Xor(u8);
///
/// type CodecFuture<'a> = Pin<Box<dyn Future<Output = Result<Vec<Payload>, CodecError>> + Send + 'a>>;
///
/// impl Xor {
///     fn apply(&self, data: &[u8]) -> Vec<u8> {
///         data.iter().map(|b| b ^ self.0).collect()
///     }
/// }
///
/// impl PayloadCodec for Xor {
///     fn encode(&self, payloads: Vec<Payload>) -> CodecFuture<'_> {
///         Box::pin(async move {
///             Ok(payloads
///                 .into_iter()
///                 .map(|p| {
///                     let original = p.metadata("encoding").unwrap_or_default().to_vec();
///                     Payload::new("binary/xor", self.apply(p.data()))
///                         .with_metadata("original-encoding", original)
///                 })
///                 .collect())
///         })
///     }
///
///     fn decode(&self, payloads: Vec<Payload>) -> CodecFuture<'_> {
///         Box::pin(async move {
///             payloads
///                 .into_iter()
///                 .map(|mut p| {
///                     if p.encoding() != Some("binary/xor") {
///                         return Ok(p); // not ours
///                     }
///                     let original = p
///                         .remove_metadata("original-encoding")
///                         .ok_or_else(|| CodecError::new("no original-encoding"))?;
///                     p.insert_metadata("encoding", original);
///                     p.set_data(self.apply(p.data()));
///                     Ok(p)
///                 })
///                 .collect()
///         })
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let converter = DataConverter::new().with_codec(Xor(0x5a));
/// let sent = converter.encode(converter.to_payloads(&("Temporal", 42))?).await?;
/// assert_eq!(sent[0].encoding(), Some("binary/xor"));
///
/// let received = converter.decode(sent).await?;
/// let (name, n): (String, u32) = temporal_client::FromPayloads::from_payloads(&received, &converter)?;
/// assert_eq!((name.as_str(), n), ("Temporal", 42));
/// # Ok(())
/// # }
/// ```
pub trait PayloadCodec: Send + Sync + 'static {
    /// Encodes `payloads` produced by the payload converter, before they are sent.
    ///
    /// See the [trait docs](PayloadCodec#examples) for an example.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::{DataConverter, PayloadCodec};
    ///
    /// # async fn example(codec: &dyn PayloadCodec) -> Result<(), Box<dyn std::error::Error>> {
    /// let payloads = DataConverter::new().to_payloads(&("secret",))?;
    /// let encoded = codec.encode(payloads).await?;
    /// # let _ = encoded;
    /// # Ok(())
    /// # }
    /// ```
    #[allow(clippy::type_complexity)]
    fn encode(
        &self,
        payloads: Vec<Payload>,
    ) -> Pin<Box<dyn Future<Output = Result<Vec<Payload>, CodecError>> + Send + '_>>;

    /// Decodes `payloads` received from the server, before the payload converter reads them.
    ///
    /// See the [trait docs](PayloadCodec#examples) for an example.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::{DataConverter, PayloadCodec};
    ///
    /// # async fn example(codec: &dyn PayloadCodec) -> Result<(), Box<dyn std::error::Error>> {
    /// let encoded = codec.encode(DataConverter::new().to_payloads(&("secret",))?).await?;
    /// let decoded = codec.decode(encoded).await?;
    /// assert_eq!(decoded.len(), 1);
    /// # Ok(())
    /// # }
    /// ```
    #[allow(clippy::type_complexity)]
    fn decode(
        &self,
        payloads: Vec<Payload>,
    ) -> Pin<Box<dyn Future<Output = Result<Vec<Payload>, CodecError>> + Send + '_>>;
}

/// A [`PayloadCodec`] failed; the codec's own error is the [`source`](StdError::source).
///
/// # Examples
///
/// ```
/// use std::error::Error;
///
/// use temporal_client::CodecError;
///
/// let err = CodecError::new("key `k1` not found");
/// assert_eq!(err.to_string(), "payload codec failed");
/// assert_eq!(err.source().unwrap().to_string(), "key `k1` not found");
/// ```
#[derive(Debug, thiserror::Error)]
#[error("payload codec failed")]
pub struct CodecError(#[source] Box<dyn StdError + Send + Sync>);

impl CodecError {
    /// Wraps the codec's error (any error type, or a message).
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::CodecError;
    ///
    /// let io = std::io::Error::other("key server unreachable");
    /// let err = CodecError::new(io);
    /// assert_eq!(err.to_string(), "payload codec failed");
    /// ```
    pub fn new(source: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        Self(source.into())
    }

    /// The codec's error.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::CodecError;
    ///
    /// let inner = CodecError::new(std::io::Error::other("boom")).into_inner();
    /// assert!(inner.downcast_ref::<std::io::Error>().is_some());
    /// ```
    pub fn into_inner(self) -> Box<dyn StdError + Send + Sync> {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codec_error_is_thread_safe_and_one_box() {
        fn assert_send_sync_static<T: Send + Sync + 'static>() {}
        assert_send_sync_static::<CodecError>();
        assert_eq!(
            std::mem::size_of::<CodecError>(),
            2 * std::mem::size_of::<usize>()
        );
    }

    #[test]
    fn codec_error_display_hides_the_source() {
        let err = CodecError::new(std::io::Error::other("secret key id 42"));
        assert_eq!(err.to_string(), "payload codec failed");
        assert_eq!(err.source().unwrap().to_string(), "secret key id 42");
    }
}
