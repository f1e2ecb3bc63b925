//! What the attempts of a call send: one request for all of them, so that a retry sends the
//! very request the first attempt sent (and so the same request id) without copying it.
//!
//! A small request is shared as it is and encoded by each attempt into a buffer of its exact
//! size. A large one is encoded once, with its gRPC framing, and dropped: every attempt and
//! the wire share those bytes, so its payloads are held once while the call is in flight, as a
//! bare tonic call holds them, instead of once in the request kept for retries and once more
//! in the buffer on its way out (bench/notes/payloads-and-waits.md). The encoded bytes travel
//! beside the request, in its extensions, to [`CallTransport`](crate::call_transport), which
//! sends them as the body in place of tonic's.

use std::convert::Infallible;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::{BufMut, Bytes, BytesMut};
use http_body::Frame;
use tonic::Status;
use tonic::body::Body;
use tonic::codec::{BufferSettings, Codec, EncodeBuf, Encoder};
use tonic::codegen::http;

use crate::interceptor::Rpc;

/// Requests whose encoding is at least this large are encoded once per call. Below it the
/// request's bytes are a small part of what a call holds, and the extension that carries the
/// encoding would cost each call more allocations than the copy it saves.
pub(crate) const ENCODE_ONCE_BYTES: usize = 64 * 1024;
/// The bytes an answer's buffer starts with: most answers fit (a start's, a signal's, a
/// query's); a larger one is reserved at its length once its gRPC header gives it.
const ANSWER_BUFFER_BYTES: usize = 1024;
/// The gRPC framing before each message: a compression flag and a 4-byte length.
const GRPC_HEADER_BYTES: usize = 5;
/// tonic's default, which only streaming calls reach.
const YIELD_THRESHOLD_BYTES: usize = 32 * 1024;

/// The request of one call, as its attempts send it.
pub(crate) enum OutgoingRequest<Req> {
    /// Encoded by each attempt from the one copy they share.
    Shared {
        request: Arc<Req>,
        /// Its encoded length, measured once.
        message_bytes: usize,
    },
    /// Encoded once, gRPC framing included.
    Encoded(EncodedMessage),
}

impl<Req: Rpc> OutgoingRequest<Req> {
    /// The request of a call. `compressed` calls keep it whole: tonic compresses each
    /// attempt's encoding, and the compressed buffer is what goes out.
    ///
    /// # Errors
    ///
    /// `RESOURCE_EXHAUSTED` for a message gRPC cannot frame (4 GiB or more), as tonic says it.
    pub(crate) fn new(request: Req, compressed: bool) -> Result<Self, Status> {
        let message_bytes = prost::Message::encoded_len(&request);
        if compressed || message_bytes < ENCODE_ONCE_BYTES {
            return Ok(Self::Shared {
                request: Arc::new(request),
                message_bytes,
            });
        }
        let length = u32::try_from(message_bytes).map_err(|_| {
            Status::resource_exhausted(format!(
                "Cannot return body with more than 4GB of data but got {message_bytes} bytes"
            ))
        })?;
        let mut framed = BytesMut::with_capacity(GRPC_HEADER_BYTES + message_bytes);
        framed.put_u8(0); // not compressed
        framed.put_u32(length);
        prost::Message::encode_raw(&request, &mut framed);
        Ok(Self::Encoded(EncodedMessage(framed.freeze())))
    }

    /// What one attempt sends: the shared request, or a marker with the encoding beside it.
    pub(crate) fn attempt(&self) -> tonic::Request<Outgoing<Req>> {
        match self {
            Self::Shared { request, .. } => {
                tonic::Request::new(Outgoing::Shared(Arc::clone(request)))
            }
            Self::Encoded(encoded) => {
                let mut attempt = tonic::Request::new(Outgoing::Encoded);
                attempt.extensions_mut().insert(encoded.clone());
                attempt
            }
        }
    }

    /// The codec of one attempt, its request buffer sized to what it writes.
    pub(crate) fn codec(&self) -> CallCodec<Req> {
        CallCodec {
            message_bytes: match self {
                Self::Shared { message_bytes, .. } => *message_bytes,
                Self::Encoded(_) => 0,
            },
            _request: PhantomData,
        }
    }
}

/// The message tonic encodes for one attempt.
pub(crate) enum Outgoing<Req> {
    Shared(Arc<Req>),
    /// Nothing to encode: the transport sends the call's [`EncodedMessage`].
    Encoded,
}

/// A call's request encoded once, gRPC framing included; cheap to clone.
#[derive(Clone)]
pub(crate) struct EncodedMessage(Bytes);

impl EncodedMessage {
    /// Gives `request` the encoded message it carries, if any, as its body: tonic's body for
    /// it holds nothing to send.
    pub(crate) fn replace_body(request: &mut http::Request<Body>) {
        if let Some(Self(framed)) = request.extensions_mut().remove::<Self>() {
            *request.body_mut() = Body::new(FramedBody(Some(framed)));
        }
    }
}

/// The body of one framed message.
struct FramedBody(Option<Bytes>);

impl http_body::Body for FramedBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Poll::Ready(
            self.get_mut()
                .0
                .take()
                .map(|framed| Ok(Frame::data(framed))),
        )
    }

    fn is_end_stream(&self) -> bool {
        self.0.is_none()
    }
}

/// tonic's prost codec with buffers sized for one unary call, in place of tonic's 8 KiB each
/// way per call: the request's is allocated at the request's encoded size, the answer's
/// starts at [`ANSWER_BUFFER_BYTES`]. Both live while the call is in flight, so at 32 calls in
/// flight this is about 0.4 MiB less peak heap (bench/notes/memory.md).
pub(crate) struct CallCodec<Req> {
    message_bytes: usize,
    _request: PhantomData<fn() -> Req>,
}

impl<Req: Rpc> Codec for CallCodec<Req> {
    type Encode = Outgoing<Req>;
    type Decode = Req::Response;
    type Encoder = OutgoingEncoder<Req>;
    type Decoder = tonic_prost::ProstDecoder<Req::Response>;

    fn encoder(&mut self) -> Self::Encoder {
        OutgoingEncoder {
            message_bytes: self.message_bytes,
            _request: PhantomData,
        }
    }

    fn decoder(&mut self) -> Self::Decoder {
        tonic_prost::ProstDecoder::new(BufferSettings::new(
            ANSWER_BUFFER_BYTES,
            YIELD_THRESHOLD_BYTES,
        ))
    }
}

/// prost's encoder, except that it measures the request once: `Message::encode` measures it
/// again to check the room it has, which [`OutgoingRequest`] made when it measured it.
pub(crate) struct OutgoingEncoder<Req> {
    message_bytes: usize,
    _request: PhantomData<fn() -> Req>,
}

impl<Req: Rpc> Encoder for OutgoingEncoder<Req> {
    type Item = Outgoing<Req>;
    type Error = Status;

    fn encode(&mut self, item: Outgoing<Req>, buf: &mut EncodeBuf<'_>) -> Result<(), Status> {
        match item {
            Outgoing::Shared(request) => {
                // tonic wrote the gRPC header into a buffer of `buffer_settings`' size; this
                // keeps the write to one growth should tonic ever size it otherwise.
                buf.reserve(self.message_bytes);
                prost::Message::encode_raw(&*request, buf);
                Ok(())
            }
            // The transport replaces this body before anything polls it: an empty message
            // here would be a request the caller did not make.
            Outgoing::Encoded => Err(Status::internal(
                "the call's encoded request did not reach its transport",
            )),
        }
    }

    fn buffer_settings(&self) -> BufferSettings {
        BufferSettings::new(
            GRPC_HEADER_BYTES + self.message_bytes,
            YIELD_THRESHOLD_BYTES,
        )
    }
}

#[cfg(test)]
mod tests {
    use http_body::Body as _;
    use prost::Message as _;
    use temporal_proto::api::common::v1::{Payload, Payloads};
    use temporal_proto::api::workflowservice::v1::StartWorkflowExecutionRequest;

    use super::*;

    fn start_request(payload_bytes: usize) -> StartWorkflowExecutionRequest {
        StartWorkflowExecutionRequest {
            workflow_id: "wf".to_owned(),
            request_id: "request-1".to_owned(),
            input: Some(Payloads {
                payloads: vec![Payload {
                    metadata: [("encoding".to_owned(), b"json/plain".to_vec())].into(),
                    data: vec![b'7'; payload_bytes].into(),
                    ..Default::default()
                }],
            }),
            ..Default::default()
        }
    }

    /// The first frame of the body an attempt's request carries to the wire, once the
    /// transport has replaced it, if the attempt asks it to, in `tonic_body`; and whether the
    /// body ended there.
    async fn sent_by(
        attempt: tonic::Request<Outgoing<StartWorkflowExecutionRequest>>,
        tonic_body: Body,
    ) -> (Bytes, bool) {
        let (_, extensions, _) = attempt.into_parts();
        let mut request = http::Request::new(tonic_body);
        *request.extensions_mut() = extensions;
        EncodedMessage::replace_body(&mut request);
        let mut body = request.into_body();
        let frame = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx))
            .await
            .expect("a frame")
            .expect("not an error");
        (frame.into_data().expect("data"), body.is_end_stream())
    }

    /// What an attempt of a large request sends: all of it, in one frame.
    async fn wire_body(attempt: tonic::Request<Outgoing<StartWorkflowExecutionRequest>>) -> Bytes {
        let (sent, ended) = sent_by(attempt, Body::empty()).await;
        assert!(ended);
        sent
    }

    #[test]
    fn a_small_request_is_shared_by_every_attempt_and_measured_once() {
        let original = start_request(4096);
        let outgoing = OutgoingRequest::new(original.clone(), false).expect("encodes");
        let OutgoingRequest::Shared { message_bytes, .. } = &outgoing else {
            panic!("a small request is shared");
        };
        assert_eq!(*message_bytes, original.encoded_len());
        let (Outgoing::Shared(first), Outgoing::Shared(retry)) = (
            outgoing.attempt().into_inner(),
            outgoing.attempt().into_inner(),
        ) else {
            panic!("attempts of a small request share it");
        };
        // Every attempt sends the one request: the payload bytes are those of the original.
        assert!(Arc::ptr_eq(&first, &retry));
        assert_eq!(first.encode_to_vec(), original.encode_to_vec());
        assert_eq!(outgoing.codec().message_bytes, original.encoded_len());
    }

    #[tokio::test]
    async fn a_large_request_is_encoded_once_and_its_attempts_send_those_bytes() {
        let original = start_request(ENCODE_ONCE_BYTES);
        let outgoing = OutgoingRequest::new(original.clone(), false).expect("encodes");
        assert!(matches!(outgoing, OutgoingRequest::Encoded(_)));
        let first = wire_body(outgoing.attempt()).await;
        let retry = wire_body(outgoing.attempt()).await;
        // The bytes of the call's one encoding, not a copy of them.
        assert_eq!(first.as_ptr(), retry.as_ptr());
        let message = original.encode_to_vec();
        assert_eq!(first[0], 0, "not compressed");
        assert_eq!(
            &first[1..5],
            &u32::try_from(message.len()).expect("fits").to_be_bytes()
        );
        assert_eq!(&first[5..], message.as_slice());
        assert_eq!(
            StartWorkflowExecutionRequest::decode(&first[5..]).expect("decodes"),
            original
        );
    }

    #[test]
    fn a_compressed_call_keeps_even_a_large_request_for_tonic_to_compress() {
        let outgoing =
            OutgoingRequest::new(start_request(ENCODE_ONCE_BYTES), true).expect("encodes");
        assert!(matches!(outgoing, OutgoingRequest::Shared { .. }));
    }

    #[tokio::test]
    async fn a_request_without_an_encoding_keeps_tonics_body() {
        let outgoing = OutgoingRequest::new(start_request(16), false).expect("encodes");
        let tonics = Body::new(FramedBody(Some(Bytes::from_static(b"tonic's"))));
        let (sent, _) = sent_by(outgoing.attempt(), tonics).await;
        assert_eq!(sent, "tonic's");
    }
}
