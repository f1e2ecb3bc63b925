//! One unary gRPC call of the client's own, as gRPC over HTTP/2 specifies it: the request's
//! headers and framing, then the answer's framing, compression and status.
//!
//! In place of tonic's `Grpc`, whose general machinery (a message stream each way, a decoder
//! that copies the answer into a buffer of its own, a `Status` built and dropped for every
//! successful call, the headers and trailers merged into metadata the client never reads) cost
//! a unary call 10,000 to 19,000 instructions (more for a larger answer) and 7 allocations more
//! than this (bench/notes/transport-experiment.md, section 6). The raw service clients
//! ([`Connection::raw_workflow_service`](crate::Connection::raw_workflow_service)) keep tonic's.
//!
//! What tonic does that a caller can see is kept: the same headers on the wire, the same
//! statuses for the server's errors (parsed by tonic's own `Status::from_header_map`) and for
//! the transport's (tonic's `Status::from_error`). Where tonic is lenient with a broken
//! answer, this says what is wrong: an HTTP status other than 200 without a gRPC status is
//! mapped at once (as gRPC's HTTP-to-gRPC table says), not after reading a body that is not
//! gRPC; a second message in a unary answer is refused, as grpc-go refuses it.

use std::future::poll_fn;
use std::pin::Pin;

use bytes::{Buf, Bytes, BytesMut};
use http_body::Body as _;
use tonic::body::Body;
use tonic::codegen::http::{
    self, HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri, Version,
};
use tonic::{Code, Status};

use crate::call_transport::{CallBody, CallTransport};
use crate::connection::{Headers, MAX_DECODING_MESSAGE_SIZE};
use crate::interceptor::Rpc;
use crate::outgoing::{FramedBody, GRPC_HEADER_BYTES, OutgoingRequest};

// Names as constants, not strings: a string is parsed into a name at every use.
const GRPC_STATUS: HeaderName = HeaderName::from_static("grpc-status");
const GRPC_ENCODING: HeaderName = HeaderName::from_static("grpc-encoding");
const GRPC_ACCEPT_ENCODING: HeaderName = HeaderName::from_static("grpc-accept-encoding");
const GZIP: &str = "gzip";

/// The workflow service as the client's own calls reach it: the connection's transport, its
/// headers (with the client's namespace) and its compression. Cheap to clone.
#[derive(Debug, Clone)]
pub(crate) struct WorkflowGrpc {
    transport: CallTransport,
    headers: Headers,
    gzip: bool,
}

impl WorkflowGrpc {
    pub(crate) fn new(transport: CallTransport, headers: Headers, gzip: bool) -> Self {
        Self {
            transport,
            headers,
            gzip,
        }
    }

    /// Whether requests are gzip-compressed (and gzip answers accepted).
    pub(crate) fn gzip(&self) -> bool {
        self.gzip
    }

    /// One attempt of `Req`: sends `request`'s bytes with `headers` (the attempt's own: its
    /// deadline and the call options') and decodes the answer.
    pub(crate) async fn unary<Req: Rpc>(
        &self,
        request: &OutgoingRequest,
        headers: HeaderMap,
    ) -> Result<Req::Response, Status> {
        let message = self.exchange(Req::uri(), headers, request.body()).await?;
        decode::<Req>(message)
    }

    /// Sends one framed request to `uri` and reads the answer's message: the part of a call
    /// that does not depend on its types, compiled once.
    async fn exchange(
        &self,
        uri: Uri,
        mut headers: HeaderMap,
        body: Bytes,
    ) -> Result<Bytes, Status> {
        headers.insert(http::header::TE, HeaderValue::from_static("trailers"));
        headers.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/grpc"),
        );
        if self.gzip {
            headers.insert(GRPC_ENCODING, HeaderValue::from_static(GZIP));
            headers.insert(GRPC_ACCEPT_ENCODING, HeaderValue::from_static(GZIP));
        }
        self.headers.add_to(&mut headers);
        let mut request = http::Request::new(Body::new(FramedBody::new(body)));
        *request.method_mut() = Method::POST;
        *request.version_mut() = Version::HTTP_2;
        *request.uri_mut() = uri;
        *request.headers_mut() = headers;
        let mut transport = self.transport.clone();
        poll_fn(|cx| tower_service::Service::poll_ready(&mut transport, cx))
            .await
            .map_err(|error| Status::unknown(format!("Service was not ready: {error}")))?;
        let response = tower_service::Service::call(&mut transport, request)
            .await
            .map_err(Status::from_error)?;
        read_answer(response, self.gzip).await
    }
}

/// `Req`'s answer from its message. A message that does not decode is `INTERNAL` caused by
/// prost's error, which tells the retry policy that the same answer would fail alike.
pub(crate) fn decode<Req: Rpc>(message: Bytes) -> Result<Req::Response, Status> {
    prost::Message::decode(message).map_err(|error| {
        let answer = std::any::type_name::<Req::Response>();
        let mut status = Status::internal(format!(
            "the server's answer to {} is not a valid {}: {error}",
            Req::METHOD,
            answer.rsplit("::").next().unwrap_or(answer),
        ));
        status.set_source(std::sync::Arc::new(error));
        status
    })
}

/// The message of a unary call's answer, once its status says it succeeded.
async fn read_answer(response: http::Response<CallBody>, gzip: bool) -> Result<Bytes, Status> {
    let (head, mut body) = response.into_parts();
    if let Some(status) = head.headers.get(&GRPC_STATUS) {
        // A trailers-only answer: its status is all there is.
        if status != "0" {
            return Err(status_of(&head.headers));
        }
        return Err(Status::internal("the server's answer carried no message"));
    }
    if head.status != StatusCode::OK {
        return Err(from_http_status(head.status));
    }
    let compressed = match head.headers.get(&GRPC_ENCODING) {
        None => false,
        Some(encoding) if encoding == "identity" => false,
        Some(encoding) if gzip && encoding == GZIP => true,
        Some(encoding) => {
            return Err(Status::unimplemented(format!(
                "the server compressed its answer with {encoding:?}, which this client did not \
                 offer"
            )));
        }
    };
    let mut message = Message::default();
    loop {
        match poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
            None => break,
            Some(Err(status)) => return Err(status),
            Some(Ok(frame)) => match frame.into_data() {
                Ok(data) => message.push(data)?,
                Err(frame) => {
                    if let Ok(trailers) = frame.into_trailers() {
                        check_trailers(&trailers)?;
                    }
                }
            },
        }
    }
    message.finish(compressed)
}

/// The status of trailers: nothing when it is OK, or when they have none (as tonic reads
/// them: the answer ended after its message).
fn check_trailers(trailers: &HeaderMap) -> Result<(), Status> {
    match trailers.get(&GRPC_STATUS) {
        Some(status) if status != "0" => Err(status_of(trailers)),
        _ => Ok(()),
    }
}

/// A failed call's status, as tonic parses it (message percent-decoded, details, metadata).
fn status_of(headers: &HeaderMap) -> Status {
    Status::from_header_map(headers)
        .unwrap_or_else(|| Status::internal("the server's answer has no grpc-status"))
}

/// The status of an answer that is not gRPC, from its HTTP status, as gRPC's mapping says
/// (doc/http-grpc-status-mapping.md), with tonic's message.
fn from_http_status(status: StatusCode) -> Status {
    let code = match status {
        StatusCode::BAD_REQUEST => Code::Internal,
        StatusCode::UNAUTHORIZED => Code::Unauthenticated,
        StatusCode::FORBIDDEN => Code::PermissionDenied,
        StatusCode::NOT_FOUND => Code::Unimplemented,
        StatusCode::TOO_MANY_REQUESTS
        | StatusCode::BAD_GATEWAY
        | StatusCode::SERVICE_UNAVAILABLE
        | StatusCode::GATEWAY_TIMEOUT => Code::Unavailable,
        _ => Code::Unknown,
    };
    Status::new(
        code,
        format!(
            "grpc-status header missing, mapped from HTTP status code {}",
            status.as_u16()
        ),
    )
}

/// The one message of an answer, as its DATA frames bring it.
enum Message {
    /// Its gRPC header, gathered until whole (`filled` of its bytes so far, none at first).
    Start {
        header: [u8; GRPC_HEADER_BYTES],
        filled: usize,
    },
    /// Its header read: the compression flag, and the body so far in a buffer of its length.
    Body {
        flag: u8,
        length: usize,
        bytes: BytesMut,
    },
    /// All of it: a frame that held the rest of the message is kept as it came, without a copy.
    Whole { flag: u8, bytes: Bytes },
}

impl Default for Message {
    fn default() -> Self {
        Self::Start {
            header: [0; GRPC_HEADER_BYTES],
            filled: 0,
        }
    }
}

impl Message {
    fn push(&mut self, mut data: Bytes) -> Result<(), Status> {
        match self {
            Self::Start { header, filled } => {
                // Only the header's bytes are gathered: the rest of the frame goes, once, to
                // where the message is kept.
                let wanted = (GRPC_HEADER_BYTES - *filled).min(data.len());
                header[*filled..*filled + wanted].copy_from_slice(&data[..wanted]);
                *filled += wanted;
                if *filled < GRPC_HEADER_BYTES {
                    return Ok(());
                }
                data.advance(wanted);
                let (flag, length) = read_header(header)?;
                if data.len() == length {
                    *self = Self::Whole { flag, bytes: data };
                    return Ok(());
                }
                let mut bytes = BytesMut::with_capacity(length);
                bytes.extend_from_slice(&data);
                *self = Self::Body {
                    flag,
                    length,
                    bytes,
                };
                self.check_length()
            }
            Self::Body { bytes, .. } => {
                bytes.extend_from_slice(&data);
                self.check_length()
            }
            // An empty DATA frame (one that only ends the stream, say) adds nothing.
            Self::Whole { .. } if data.is_empty() => Ok(()),
            Self::Whole { .. } => Err(more_than_one_message()),
        }
    }

    /// Turns a body that has all its bytes into the whole message.
    fn check_length(&mut self) -> Result<(), Status> {
        if let Self::Body {
            flag,
            length,
            bytes,
        } = self
        {
            if bytes.len() > *length {
                return Err(more_than_one_message());
            }
            if bytes.len() == *length {
                *self = Self::Whole {
                    flag: *flag,
                    bytes: std::mem::take(bytes).freeze(),
                };
            }
        }
        Ok(())
    }

    /// The message, decompressed if it says it is compressed.
    fn finish(self, compressed: bool) -> Result<Bytes, Status> {
        match self {
            Self::Whole { flag: 0, bytes } => Ok(bytes),
            Self::Whole { flag: 1, bytes } if compressed => gunzip(&bytes),
            Self::Whole { flag: 1, .. } => Err(Status::internal(
                "protocol error: received message with compressed-flag but no grpc-encoding \
                 was specified",
            )),
            Self::Whole { flag, .. } => Err(Status::internal(format!(
                "protocol error: received message with invalid compression flag: {flag} \
                 (valid flags are 0 and 1)"
            ))),
            Self::Start { filled: 0, .. } => {
                Err(Status::internal("the server's answer carried no message"))
            }
            Self::Start { filled, .. } => Err(Status::internal(format!(
                "the server's answer ended within its message's gRPC header ({filled} of {} bytes)",
                GRPC_HEADER_BYTES
            ))),
            Self::Body { length, bytes, .. } => Err(Status::internal(format!(
                "the server's answer ended within its message ({} of {length} bytes)",
                bytes.len()
            ))),
        }
    }
}

/// The compression flag and length a message's gRPC header gives.
fn read_header(header: &[u8; GRPC_HEADER_BYTES]) -> Result<(u8, usize), Status> {
    let [flag, length @ ..] = *header;
    let length = u32::from_be_bytes(length) as usize;
    if length > MAX_DECODING_MESSAGE_SIZE {
        return Err(Status::out_of_range(format!(
            "the server's answer is {length} bytes, more than the client's limit of \
             {MAX_DECODING_MESSAGE_SIZE} bytes: too large to decode"
        )));
    }
    Ok((flag, length))
}

fn more_than_one_message() -> Status {
    Status::internal("the server answered a unary call with more than one message")
}

#[cfg(feature = "gzip")]
fn gunzip(compressed: &[u8]) -> Result<Bytes, Status> {
    use std::io::Read as _;
    let mut decoded = Vec::new();
    // One byte past the limit tells an answer at the limit from one over it.
    let read = flate2::read::GzDecoder::new(compressed)
        .take(MAX_DECODING_MESSAGE_SIZE as u64 + 1)
        .read_to_end(&mut decoded)
        .map_err(|error| {
            Status::internal(format!(
                "the server's gzip answer does not decompress: {error}"
            ))
        })?;
    if read > MAX_DECODING_MESSAGE_SIZE {
        return Err(Status::resource_exhausted(format!(
            "the server's answer decompresses to more than the client's limit of \
             {MAX_DECODING_MESSAGE_SIZE} bytes"
        )));
    }
    Ok(decoded.into())
}

/// Never reached: without the feature a connection cannot ask for gzip, and an answer
/// compressed unasked is refused by its `grpc-encoding`.
#[cfg(not(feature = "gzip"))]
fn gunzip(_compressed: &[u8]) -> Result<Bytes, Status> {
    Err(Status::internal(
        "a gzip answer, but temporal-client was built without its `gzip` feature",
    ))
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::convert::Infallible;
    use std::task::{Context, Poll};

    use http_body::Frame;

    use super::*;

    /// A response body of the given frames.
    struct Frames(VecDeque<Frame<Bytes>>);

    impl http_body::Body for Frames {
        type Data = Bytes;
        type Error = Infallible;

        fn poll_frame(
            self: Pin<&mut Self>,
            _cx: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
            Poll::Ready(self.get_mut().0.pop_front().map(Ok))
        }
    }

    fn framed(flag: u8, message: &[u8]) -> Vec<u8> {
        let mut framed = vec![flag];
        framed.extend_from_slice(&u32::try_from(message.len()).expect("fits").to_be_bytes());
        framed.extend_from_slice(message);
        framed
    }

    fn trailers(status: &str, message: Option<&str>) -> Frame<Bytes> {
        let mut trailers = HeaderMap::new();
        trailers.insert(GRPC_STATUS, HeaderValue::from_str(status).expect("ascii"));
        if let Some(message) = message {
            trailers.insert(
                "grpc-message",
                HeaderValue::from_str(message).expect("ascii"),
            );
        }
        Frame::trailers(trailers)
    }

    fn data(bytes: &[u8]) -> Frame<Bytes> {
        Frame::data(Bytes::copy_from_slice(bytes))
    }

    async fn answer(
        status: StatusCode,
        headers: &[(&'static str, &'static str)],
        frames: Vec<Frame<Bytes>>,
        gzip: bool,
    ) -> Result<Bytes, Status> {
        let mut response = http::Response::new(CallBody::Channel(Body::new(Frames(frames.into()))));
        *response.status_mut() = status;
        for (name, value) in headers {
            response
                .headers_mut()
                .insert(*name, HeaderValue::from_static(value));
        }
        read_answer(response, gzip).await
    }

    async fn ok(frames: Vec<Frame<Bytes>>) -> Result<Bytes, Status> {
        answer(StatusCode::OK, &[], frames, false).await
    }

    #[tokio::test]
    async fn a_message_in_one_frame_is_kept_as_it_came() {
        let frame = Bytes::from(framed(0, b"hello"));
        let start = frame.as_ptr();
        let message = ok(vec![Frame::data(frame), trailers("0", None)])
            .await
            .expect("ok");
        assert_eq!(message, "hello");
        assert_eq!(
            message.as_ptr(),
            start.wrapping_add(GRPC_HEADER_BYTES),
            "no copy"
        );
    }

    #[tokio::test]
    async fn a_message_split_anywhere_across_frames_is_put_together() {
        let whole = framed(0, b"a message in pieces");
        for split in 1..whole.len() {
            let message = ok(vec![
                data(&whole[..split]),
                data(b""),
                data(&whole[split..]),
                trailers("0", None),
            ])
            .await
            .expect("ok");
            assert_eq!(message, "a message in pieces", "split at {split}");
        }
        // No trailers: the answer ended after its message, which tonic accepts too.
        assert_eq!(
            ok(vec![data(&whole)]).await.expect("ok"),
            "a message in pieces"
        );
        // An empty message is a message.
        assert_eq!(
            ok(vec![data(&framed(0, b"")), trailers("0", None)])
                .await
                .expect("ok"),
            ""
        );
    }

    #[tokio::test]
    async fn the_servers_status_is_tonics_reading_of_it() {
        let failed = ok(vec![
            data(&framed(0, b"ignored")),
            trailers("5", Some("workflow%20not%20found")),
        ])
        .await
        .expect_err("NOT_FOUND");
        assert_eq!(failed.code(), Code::NotFound);
        assert_eq!(failed.message(), "workflow not found");
        // Trailers only: the status is in the headers and there is no body.
        let trailers_only = answer(
            StatusCode::OK,
            &[("grpc-status", "3"), ("grpc-message", "bad")],
            vec![],
            false,
        )
        .await
        .expect_err("INVALID_ARGUMENT");
        assert_eq!(trailers_only.code(), Code::InvalidArgument);
        assert_eq!(trailers_only.message(), "bad");
        let ok_but_empty = answer(StatusCode::OK, &[("grpc-status", "0")], vec![], false)
            .await
            .expect_err("no message");
        assert_eq!(ok_but_empty.code(), Code::Internal);
    }

    #[tokio::test]
    async fn an_answer_that_is_not_grpc_is_mapped_from_its_http_status() {
        for (http, code) in [
            (StatusCode::SERVICE_UNAVAILABLE, Code::Unavailable),
            (StatusCode::BAD_GATEWAY, Code::Unavailable),
            (StatusCode::UNAUTHORIZED, Code::Unauthenticated),
            (StatusCode::NOT_FOUND, Code::Unimplemented),
            (StatusCode::IM_A_TEAPOT, Code::Unknown),
        ] {
            let status = answer(http, &[], vec![data(b"<html>busy</html>")], false)
                .await
                .expect_err("not gRPC");
            assert_eq!(status.code(), code, "{http}");
            assert!(status.message().contains(http.as_str()), "{status:?}");
        }
    }

    #[tokio::test]
    async fn broken_answers_are_refused_naming_what_is_wrong() {
        let cases: Vec<(Vec<Frame<Bytes>>, &str)> = vec![
            (vec![trailers("0", None)], "no message"),
            (vec![data(&[0, 0, 0])], "gRPC header (3 of 5 bytes)"),
            (vec![data(&framed(0, b"abc")[..6])], "(1 of 3 bytes)"),
            (
                vec![data(&[framed(0, b"one"), framed(0, b"two")].concat())],
                "more than one message",
            ),
            (
                vec![data(&framed(0, b"one")), data(&framed(0, b"two"))],
                "more than one message",
            ),
            (
                vec![data(&framed(1, b"x"))],
                "compressed-flag but no grpc-encoding",
            ),
            (vec![data(&framed(7, b"x"))], "invalid compression flag: 7"),
        ];
        for (frames, expected) in cases {
            let status = ok(frames).await.expect_err(expected);
            assert_eq!(status.code(), Code::Internal, "{expected}");
            assert!(status.message().contains(expected), "{status:?}");
        }
        let mut too_large = vec![0];
        too_large.extend_from_slice(&u32::MAX.to_be_bytes());
        let status = ok(vec![data(&too_large)]).await.expect_err("too large");
        assert_eq!(status.code(), Code::OutOfRange);
        assert!(status.message().contains("too large"), "{status:?}");
    }

    #[tokio::test]
    async fn an_answer_compressed_unasked_is_refused() {
        let status = answer(
            StatusCode::OK,
            &[("grpc-encoding", "gzip")],
            vec![data(&framed(1, b"x"))],
            false,
        )
        .await
        .expect_err("not offered");
        assert_eq!(status.code(), Code::Unimplemented);
        let identity = answer(
            StatusCode::OK,
            &[("grpc-encoding", "identity")],
            vec![data(&framed(0, b"plain"))],
            false,
        )
        .await
        .expect("identity is no compression");
        assert_eq!(identity, "plain");
    }

    #[cfg(feature = "gzip")]
    #[tokio::test]
    async fn a_gzip_answer_is_decompressed() {
        use std::io::Write as _;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(b"compressed answer").expect("writes");
        let compressed = encoder.finish().expect("finishes");
        let message = answer(
            StatusCode::OK,
            &[("grpc-encoding", "gzip")],
            vec![data(&framed(1, &compressed)), trailers("0", None)],
            true,
        )
        .await
        .expect("decompressed");
        assert_eq!(message, "compressed answer");
        let status = answer(
            StatusCode::OK,
            &[("grpc-encoding", "gzip")],
            vec![data(&framed(1, b"not gzip"))],
            true,
        )
        .await
        .expect_err("corrupt");
        assert_eq!(status.code(), Code::Internal);
    }
}
