//! What the attempts of a call send: the request encoded once, with its gRPC framing (and
//! compressed, on a gzip connection), so that a retry sends the very bytes the first attempt
//! sent (and so the same request id) without encoding or copying them again.
//!
//! The request itself is dropped once encoded: its payloads are held once while the call is
//! in flight, in the bytes that go on the wire, as a bare tonic call holds them
//! (bench/notes/payloads-and-waits.md).

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{BufMut, Bytes, BytesMut};
use http_body::Frame;
use tonic::Status;

/// The gRPC framing before each message: a compression flag and a 4-byte length.
pub(crate) const GRPC_HEADER_BYTES: usize = 5;

/// A call's request encoded once, gRPC framing included; every attempt sends these bytes.
#[derive(Debug, Clone)]
pub(crate) struct OutgoingRequest(Bytes);

impl OutgoingRequest {
    /// `request` framed for the wire, gzip-compressed when `gzip`.
    ///
    /// # Errors
    ///
    /// `RESOURCE_EXHAUSTED` for a message gRPC cannot frame (4 GiB or more), as tonic says it.
    pub(crate) fn new(request: &impl prost::Message, gzip: bool) -> Result<Self, Status> {
        let message_bytes = request.encoded_len();
        if gzip {
            return compressed(request, message_bytes).map(Self);
        }
        let length = frame_length(message_bytes)?;
        let mut framed = BytesMut::with_capacity(GRPC_HEADER_BYTES + message_bytes);
        framed.put_u8(0); // not compressed
        framed.put_u32(length);
        request.encode_raw(&mut framed);
        Ok(Self(framed.freeze()))
    }

    /// What one attempt sends: the call's bytes, shared, not copied.
    pub(crate) fn body(&self) -> Bytes {
        self.0.clone()
    }
}

/// A message's length as its gRPC header carries it.
fn frame_length(message_bytes: usize) -> Result<u32, Status> {
    u32::try_from(message_bytes).map_err(|_| {
        Status::resource_exhausted(format!(
            "Cannot return body with more than 4GB of data but got {message_bytes} bytes"
        ))
    })
}

#[cfg(feature = "gzip")]
fn compressed(request: &impl prost::Message, message_bytes: usize) -> Result<Bytes, Status> {
    use std::io::Write as _;
    let encoded = request.encode_to_vec();
    debug_assert_eq!(encoded.len(), message_bytes);
    let mut framed = BytesMut::with_capacity(GRPC_HEADER_BYTES + message_bytes / 2);
    framed.put_u8(1); // compressed
    framed.put_u32(0); // the length, once known
    let mut encoder =
        flate2::write::GzEncoder::new((&mut framed).writer(), flate2::Compression::default());
    encoder
        .write_all(&encoded)
        .and_then(|()| encoder.try_finish())
        .map_err(|error| Status::internal(format!("gzip failed: {error}")))?;
    drop(encoder);
    let length = frame_length(framed.len() - GRPC_HEADER_BYTES)?;
    framed[1..GRPC_HEADER_BYTES].copy_from_slice(&length.to_be_bytes());
    Ok(framed.freeze())
}

/// Never reached: without the feature a connection cannot ask for gzip.
#[cfg(not(feature = "gzip"))]
fn compressed(_request: &impl prost::Message, _message_bytes: usize) -> Result<Bytes, Status> {
    Err(Status::internal(
        "gzip is asked for but temporal-client was built without its `gzip` feature",
    ))
}

/// The body of one framed message.
pub(crate) struct FramedBody(Option<Bytes>);

impl FramedBody {
    pub(crate) fn new(framed: Bytes) -> Self {
        Self(Some(framed))
    }
}

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

    /// What an attempt sends: all of it, in one frame that ends the body.
    async fn wire_body(outgoing: &OutgoingRequest) -> Bytes {
        let mut body = FramedBody::new(outgoing.body());
        let frame = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx))
            .await
            .expect("a frame")
            .expect("not an error");
        assert!(body.is_end_stream());
        frame.into_data().expect("data")
    }

    #[tokio::test]
    async fn a_request_is_encoded_once_and_its_attempts_send_those_bytes() {
        for payload_bytes in [16, 256 * 1024] {
            let original = start_request(payload_bytes);
            let outgoing = OutgoingRequest::new(&original, false).expect("encodes");
            let first = wire_body(&outgoing).await;
            let retry = wire_body(&outgoing).await;
            // The bytes of the call's one encoding, not a copy of them.
            assert_eq!(first.as_ptr(), retry.as_ptr());
            let message = original.encode_to_vec();
            assert_eq!(first.len(), GRPC_HEADER_BYTES + message.len(), "exact size");
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
    }

    #[cfg(feature = "gzip")]
    #[tokio::test]
    async fn a_gzip_request_is_framed_compressed_and_decompresses_to_the_request() {
        use std::io::Read as _;
        let original = start_request(64 * 1024);
        let framed = wire_body(&OutgoingRequest::new(&original, true).expect("encodes")).await;
        assert_eq!(framed[0], 1, "compressed");
        let length = u32::from_be_bytes(framed[1..5].try_into().expect("4 bytes")) as usize;
        assert_eq!(framed.len(), GRPC_HEADER_BYTES + length);
        assert!(length < 4 * 1024, "64 KiB of one byte compresses: {length}");
        let mut decoded = Vec::new();
        flate2::read::GzDecoder::new(&framed[5..])
            .read_to_end(&mut decoded)
            .expect("gunzips");
        assert_eq!(
            StartWorkflowExecutionRequest::decode(decoded.as_slice()).expect("decodes"),
            original
        );
    }
}
