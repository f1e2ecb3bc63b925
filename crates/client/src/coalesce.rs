//! Small HTTP/2 writes joined to the next one: a PING ACK held back, a request's HEADERS kept
//! for its DATA.
//!
//! A PING ACK that would go out on its own waits, for at most [`PONG_HOLD`], and goes out then,
//! or ahead of a large write if one comes first.
//!
//! A Go gRPC server (Temporal's) measures the connection's bandwidth-delay product with a PING
//! each time request data arrives while no such PING is unanswered: at one call in flight that
//! is one PING per call, arriving before the call's answer. Each costs the client a wake-up
//! (an `epoll_wait` and a read: on a quiet client, a wake from idle, the dearest thing a call
//! does) and, acknowledged at once, a write. Held, the acknowledgement keeps the server's PING
//! unanswered, so the requests that follow it within the hold draw no PING of their own: one
//! PING per hold instead of one per call. A large write (request data streaming out, when the
//! server's estimate sizes the window it grants) carries a held acknowledgement ahead of its
//! own bytes, so that the estimate sees the connection's real round trip. The hold is short
//! against any keepalive timeout (seconds), and an idle connection still answers within it:
//! the connection's task reads the socket while idle and polls the hold's deadline there (see
//! bench/notes/transport-experiment.md for the measurements).
//!
//! The same stream joins a request's HEADERS to its DATA. hyper (under tonic's `Channel`)
//! writes a request's HEADERS frame as soon as it has it and its DATA once the task that sends
//! the body has run, so each request left in two writes, each a system call (on loopback, one
//! that also runs the server side's receive path). A lone HEADERS frame whose DATA is to
//! follow is kept until the next write, which carries it ahead of its own bytes, or until the
//! task's next flush after one turn of the runtime, when it goes alone: one write per request
//! where the body is ready within the turn (bench/notes/transport-experiment.md, section 8).
//!
//! Both transports use it: the direct transport wraps its stream above TLS
//! (direct/connect.rs), so it holds acknowledgements and joins HEADERS on every connection;
//! tonic's `Channel` gets the stream its connector dials (transport.rs `CoalescingConnector`), below
//! the TLS tonic adds, so it does both on plaintext connections only (a TLS record never reads
//! as either frame).

use std::future::Future;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

/// How long a PING ACK is held: the server sends no bandwidth PING in the meantime, so at most
/// one per hold reaches a client making one call after another; short against the seconds a
/// keepalive waits for its answer.
const PONG_HOLD: Duration = Duration::from_millis(100);

/// The smallest write that carries a held acknowledgement ahead of its own bytes: request data
/// streaming out (a large message). A smaller write (a call's request) leaves it held.
const CARRIER_BYTES: usize = 16 * 1024;

/// An HTTP/2 PING frame with the ACK flag, as h2 writes it: a 9-byte header (length 8, type
/// PING, flag ACK, stream 0) and 8 bytes of opaque data.
const PONG_LEN: usize = 17;
const PONG_HEADER: [u8; 9] = [0, 0, 8, 6, 1, 0, 0, 0, 0];

/// The most buffers h2 hands over in one vectored write (tokio-util's `poll_write_buf`).
const MAX_BUFS: usize = 64;

/// An HTTP/2 client's stream whose lone PING ACKs are held back and whose lone HEADERS frames
/// wait a turn for their DATA.
pub(crate) struct CoalescingStream<T> {
    inner: T,
    /// The held acknowledgement (one at most: a second goes out with it).
    held: [u8; PONG_LEN],
    /// How many of `held`'s last bytes are still to be written: none when nothing is held.
    unwritten: usize,
    deadline: Pin<Box<Sleep>>,
    /// A request's HEADERS frame written alone, not yet sent: it waits one turn of the runtime
    /// for the request's DATA, to go out with it in one write.
    headers: Vec<u8>,
    /// Whether the task has let the rest of the runtime's tasks run since `headers` came.
    yielded: bool,
}

impl<T> CoalescingStream<T> {
    pub(crate) fn new(inner: T) -> Self {
        Self {
            inner,
            held: [0; PONG_LEN],
            unwritten: 0,
            deadline: Box::pin(tokio::time::sleep(Duration::ZERO)),
            headers: Vec::new(),
            yielded: false,
        }
    }

    fn holding(&self) -> bool {
        self.unwritten > 0
    }

    /// Holds `frame`, a PING ACK, when nothing is held yet.
    fn hold(&mut self, frame: [u8; PONG_LEN]) -> bool {
        if self.holding() {
            return false;
        }
        self.held = frame;
        self.unwritten = PONG_LEN;
        self.deadline.as_mut().reset(Instant::now() + PONG_HOLD);
        true
    }
}

/// Whether `bufs`, `len` bytes together, are one HEADERS frame of a request whose DATA is to
/// follow (no END_STREAM flag): hyper writes a request's HEADERS as soon as it has them, and
/// its DATA after its body has been polled, in a task of its own.
fn lone_headers(bufs: &[IoSlice<'_>], len: usize) -> bool {
    const HEADERS: u8 = 1;
    const END_STREAM: u8 = 1;
    let Some(first) = bufs.iter().find(|buf| !buf.is_empty()) else {
        return false;
    };
    if first.len() < 9 || len >= CARRIER_BYTES {
        return false;
    }
    let length =
        (usize::from(first[0]) << 16) | (usize::from(first[1]) << 8) | usize::from(first[2]);
    first[3] == HEADERS && first[4] & END_STREAM == 0 && length + 9 == len
}

/// `bufs`, `len` bytes together, as one PING ACK frame, if that is what they are.
fn pong(bufs: &[IoSlice<'_>], len: usize) -> Option<[u8; PONG_LEN]> {
    if len != PONG_LEN {
        return None;
    }
    let mut frame = [0; PONG_LEN];
    let mut filled = 0;
    for buf in bufs {
        frame[filled..filled + buf.len()].copy_from_slice(buf);
        filled += buf.len();
    }
    (frame[..PONG_HEADER.len()] == PONG_HEADER).then_some(frame)
}

impl<T: AsyncWrite + Unpin> CoalescingStream<T> {
    /// Writes what is held, if its time is up (or `now`), before anything else is done.
    fn poll_release(&mut self, cx: &mut Context<'_>, now: bool) -> Poll<io::Result<()>> {
        if !self.holding() || !(now || self.deadline.as_mut().poll(cx).is_ready()) {
            return Poll::Ready(Ok(()));
        }
        while self.holding() {
            let held = &self.held[PONG_LEN - self.unwritten..];
            let (pong, _) = ready!(poll_write_prefixed(
                Pin::new(&mut self.inner),
                cx,
                held,
                &[]
            ))?;
            self.unwritten -= pong;
        }
        Poll::Ready(Ok(()))
    }

    /// Writes the HEADERS waiting for their DATA, with `bufs` after them in one write when the
    /// stream takes them all: the count returned is of `bufs`' bytes only (none when only the
    /// HEADERS, or part of them, went).
    fn poll_write_after_headers(
        &mut self,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let (headers, theirs) = ready!(poll_write_prefixed(
            Pin::new(&mut self.inner),
            cx,
            &self.headers,
            bufs
        ))?;
        self.headers.drain(..headers);
        Poll::Ready(Ok(theirs))
    }

    /// Sends the HEADERS waiting for their DATA: once their turn is over when `after_turn`
    /// (a flush), at once otherwise (a write that cannot join them, a shutdown).
    fn poll_headers(&mut self, cx: &mut Context<'_>, after_turn: bool) -> Poll<io::Result<()>> {
        if self.headers.is_empty() {
            return Poll::Ready(Ok(()));
        }
        if after_turn && !self.yielded {
            // Woken from its own poll, the task goes behind the tasks already scheduled, the
            // one that sends the request's body among them (tokio treats it as a yield).
            self.yielded = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        while !self.headers.is_empty() {
            ready!(self.poll_write_after_headers(cx, &[]))?;
        }
        Poll::Ready(Ok(()))
    }

    /// Writes `bufs` after what is held, in one write when the stream takes them all: the
    /// count returned is of `bufs`' bytes only.
    fn poll_write_after_held(
        &mut self,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        while self.holding() {
            let held = &self.held[PONG_LEN - self.unwritten..];
            let (pong, theirs) = ready!(poll_write_prefixed(
                Pin::new(&mut self.inner),
                cx,
                held,
                bufs
            ))?;
            self.unwritten -= pong;
            if theirs > 0 {
                return Poll::Ready(Ok(theirs));
            }
        }
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }
}

/// Writes `prefix` with `bufs` after it, in one vectored write as far as `inner` takes them:
/// how many of `prefix`'s bytes went, and how many of `bufs`'.
fn poll_write_prefixed<T: AsyncWrite>(
    inner: Pin<&mut T>,
    cx: &mut Context<'_>,
    prefix: &[u8],
    bufs: &[IoSlice<'_>],
) -> Poll<io::Result<(usize, usize)>> {
    let mut slices = [IoSlice::new(&[]); MAX_BUFS + 1];
    slices[0] = IoSlice::new(prefix);
    let count = bufs.len().min(MAX_BUFS);
    slices[1..=count].copy_from_slice(&bufs[..count]);
    let n = ready!(inner.poll_write_vectored(cx, &slices[..=count]))?;
    if n == 0 {
        return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
    }
    Poll::Ready(Ok((n.min(prefix.len()), n.saturating_sub(prefix.len()))))
}

impl<T: AsyncRead + AsyncWrite + Unpin> AsyncRead for CoalescingStream<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        // h2 reads whenever its connection is polled, idle or not: the place to notice that a
        // held acknowledgement has waited long enough. A write that cannot finish now carries
        // on when the socket is writable (its readiness wakes this task).
        if let Poll::Ready(Err(error)) = this.poll_release(cx, false) {
            return Poll::Ready(Err(error));
        }
        Pin::new(&mut this.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for CoalescingStream<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_write_vectored(cx, &[IoSlice::new(buf)])
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let len: usize = bufs.iter().map(|buf| buf.len()).sum();
        let pong = pong(bufs, len);
        if let Some(frame) = pong
            && this.hold(frame)
        {
            return Poll::Ready(Ok(PONG_LEN));
        }
        // A second acknowledgement goes out with the first, a large write carries it, and one
        // partly written goes before anything else, whole.
        let carries = pong.is_some() || this.unwritten < PONG_LEN || len >= CARRIER_BYTES;
        if this.holding() && carries {
            ready!(this.poll_headers(cx, false))?;
            return this.poll_write_after_held(cx, bufs);
        }
        if !this.headers.is_empty() {
            // The request's DATA (or whatever comes next): after its HEADERS, in one write.
            while !this.headers.is_empty() {
                let n = ready!(this.poll_write_after_headers(cx, bufs))?;
                if n > 0 {
                    return Poll::Ready(Ok(n));
                }
            }
        } else if lone_headers(bufs, len) {
            for buf in bufs {
                this.headers.extend_from_slice(buf);
            }
            this.yielded = false;
            return Poll::Ready(Ok(len));
        }
        Pin::new(&mut this.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    /// Flushes what was written; a held acknowledgement stays held (until its deadline or a
    /// large write), which is the point.
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_headers(cx, true))?;
        ready!(this.poll_release(cx, false))?;
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_headers(cx, false))?;
        ready!(this.poll_release(cx, true))?;
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream, duplex};

    use super::*;

    const PONG: [u8; PONG_LEN] = [0, 0, 8, 6, 1, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8];
    /// A PING that is not an acknowledgement: the same frame without the ACK flag.
    const PING: [u8; PONG_LEN] = [0, 0, 8, 6, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8];
    const HEADERS: [u8; 12] = [0, 0, 3, 1, 4, 0, 0, 0, 1, 0x82, 0x86, 0x84];

    /// What the peer has received so far, without waiting for more.
    async fn received(peer: &mut DuplexStream) -> Vec<u8> {
        let mut all = Vec::new();
        let mut buf = [0; 256];
        while let Ok(Ok(n)) =
            tokio::time::timeout(Duration::from_millis(1), peer.read(&mut buf)).await
        {
            if n == 0 {
                break;
            }
            all.extend_from_slice(&buf[..n]);
        }
        all
    }

    #[tokio::test(start_paused = true)]
    async fn a_held_pong_stays_held_through_small_writes_and_goes_out_ahead_of_a_large_one() {
        let (ours, mut peer) = duplex(64 * 1024);
        let mut stream = CoalescingStream::new(ours);
        stream.write_all(&PONG).await.unwrap();
        stream.flush().await.unwrap();
        assert_eq!(received(&mut peer).await, b"", "held");

        // A call's request: written at once, without the acknowledgement.
        stream.write_all(&HEADERS).await.unwrap();
        stream.flush().await.unwrap();
        assert_eq!(received(&mut peer).await, HEADERS);

        // A large message's data: the acknowledgement first.
        let data = vec![7; CARRIER_BYTES];
        stream.write_all(&data).await.unwrap();
        stream.flush().await.unwrap();
        assert_eq!(received(&mut peer).await, [&PONG[..], &data].concat());
    }

    #[tokio::test(start_paused = true)]
    async fn a_pong_begun_is_finished_before_anything_else_is_written() {
        // Room for 5 bytes, and a peer that reads only at the end.
        let (ours, mut peer) = duplex(5);
        let mut stream = CoalescingStream::new(ours);
        stream.write_all(&PONG).await.unwrap();
        tokio::time::advance(PONG_HOLD).await;
        // The hold is over: one flush starts the pong, 5 of its bytes, and must wait.
        std::future::poll_fn(|cx| {
            assert!(Pin::new(&mut stream).poll_flush(cx).is_pending());
            Poll::Ready(())
        })
        .await;
        assert!(stream.holding() && stream.unwritten < PONG_LEN);
        let writing = tokio::spawn(async move {
            stream.write_all(&HEADERS).await.unwrap();
            stream.shutdown().await.unwrap();
        });
        let mut all = Vec::new();
        peer.read_to_end(&mut all).await.unwrap();
        writing.await.unwrap();
        assert_eq!(all, [&PONG[..], &HEADERS].concat());
    }

    #[tokio::test(start_paused = true)]
    async fn a_second_pong_takes_the_held_one_with_it() {
        let (ours, mut peer) = duplex(1024);
        let mut stream = CoalescingStream::new(ours);
        let second: [u8; PONG_LEN] = [0, 0, 8, 6, 1, 0, 0, 0, 0, 9, 9, 9, 9, 9, 9, 9, 9];
        stream.write_all(&PONG).await.unwrap();
        stream.write_all(&second).await.unwrap();
        stream.flush().await.unwrap();
        assert_eq!(received(&mut peer).await, [PONG, second].concat());
    }

    #[tokio::test(start_paused = true)]
    async fn a_held_pong_goes_out_alone_once_its_hold_is_over_while_the_stream_reads() {
        let (ours, mut peer) = duplex(1024);
        let mut stream = CoalescingStream::new(ours);
        stream.write_all(&PONG).await.unwrap();
        let held_at = Instant::now();
        // The connection's task, idle: reading, with nothing to read.
        let reading = tokio::spawn(async move {
            let mut buf = [0; 16];
            let n = stream.read(&mut buf).await.unwrap();
            (n, stream)
        });
        let mut got = [0; PONG_LEN];
        peer.read_exact(&mut got).await.unwrap();
        assert_eq!(got, PONG);
        assert_eq!(
            held_at.elapsed(),
            PONG_HOLD,
            "written when the hold ended, not before"
        );
        peer.write_all(b"x").await.unwrap();
        let (n, _stream) = reading.await.unwrap();
        assert_eq!(n, 1, "the read went on");
    }

    #[tokio::test(start_paused = true)]
    async fn everything_but_a_lone_pong_is_written_at_once() {
        let (ours, mut peer) = duplex(1024);
        let mut stream = CoalescingStream::new(ours);
        for frames in [
            &PING[..],
            &[&PONG[..], &HEADERS].concat(),
            &HEADERS,
            &PONG[..9],
        ] {
            stream.write_all(frames).await.unwrap();
            stream.flush().await.unwrap();
            assert_eq!(received(&mut peer).await, frames);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn shutting_down_writes_a_held_pong_first() {
        let (ours, mut peer) = duplex(1024);
        let mut stream = CoalescingStream::new(ours);
        stream.write_all(&PONG).await.unwrap();
        stream.shutdown().await.unwrap();
        let mut all = Vec::new();
        peer.read_to_end(&mut all).await.unwrap();
        assert_eq!(all, PONG);
    }

    #[tokio::test(start_paused = true)]
    async fn a_pong_and_the_write_after_it_survive_a_stream_that_takes_a_few_bytes_at_a_time() {
        // Room for 5 bytes: the held pong and the frames after it go in pieces, waiting for
        // the peer to read.
        let (ours, mut peer) = duplex(5);
        let mut stream = CoalescingStream::new(ours);
        stream.write_all(&PONG).await.unwrap();
        let writing = tokio::spawn(async move {
            stream.write_all(&HEADERS).await.unwrap();
            stream.write_all(&PONG).await.unwrap();
            stream.shutdown().await.unwrap();
        });
        let mut all = Vec::new();
        peer.read_to_end(&mut all).await.unwrap();
        writing.await.unwrap();
        assert_eq!(all, [&HEADERS[..], &PONG, &PONG].concat());
    }

    /// The inner stream of the tests below: records each write it is given.
    #[derive(Default)]
    struct Writes(Vec<Vec<u8>>);

    impl AsyncRead for Writes {
        fn poll_read(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
            _: &mut ReadBuf<'_>,
        ) -> Poll<io::Result<()>> {
            Poll::Pending
        }
    }

    impl AsyncWrite for Writes {
        fn poll_write(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<io::Result<usize>> {
            self.get_mut().0.push(buf.to_vec());
            Poll::Ready(Ok(buf.len()))
        }

        fn poll_write_vectored(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
            bufs: &[IoSlice<'_>],
        ) -> Poll<io::Result<usize>> {
            let write: Vec<u8> = bufs.iter().flat_map(|buf| buf.iter().copied()).collect();
            let len = write.len();
            self.get_mut().0.push(write);
            Poll::Ready(Ok(len))
        }

        fn is_write_vectored(&self) -> bool {
            true
        }

        fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }

        fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }
    }

    /// A request's HEADERS frame that DATA follows (END_HEADERS, no END_STREAM), and its DATA.
    const REQUEST_HEADERS: [u8; 12] = [0, 0, 3, 1, 4, 0, 0, 0, 3, 0x82, 0x86, 0x84];
    const REQUEST_DATA: [u8; 14] = [0, 0, 5, 0, 1, 0, 0, 0, 3, 0, 0, 0, 0, 0];

    #[tokio::test]
    async fn a_request_s_headers_wait_one_turn_and_go_out_with_its_data() {
        let mut stream = CoalescingStream::new(Writes::default());
        stream.write_all(&REQUEST_HEADERS).await.unwrap();
        // The first flush lets the other tasks run (the one sending the body) and wakes this
        // one to come back.
        let first = std::future::poll_fn(|cx| {
            let flushed = Pin::new(&mut stream).poll_flush(cx);
            Poll::Ready(flushed.is_pending())
        })
        .await;
        assert!(first, "the first flush waits a turn");
        assert!(stream.inner.0.is_empty(), "nothing written yet");
        stream.write_all(&REQUEST_DATA).await.unwrap();
        stream.flush().await.unwrap();
        assert_eq!(
            stream.inner.0,
            [[&REQUEST_HEADERS[..], &REQUEST_DATA].concat()],
            "one write"
        );
    }

    #[tokio::test]
    async fn a_request_s_headers_go_out_alone_when_no_data_comes_within_the_turn() {
        let mut stream = CoalescingStream::new(Writes::default());
        stream.write_all(&REQUEST_HEADERS).await.unwrap();
        stream.flush().await.unwrap();
        assert_eq!(stream.inner.0, [REQUEST_HEADERS.to_vec()]);
        // The next request's HEADERS wait again.
        stream.write_all(&REQUEST_HEADERS).await.unwrap();
        assert_eq!(stream.inner.0.len(), 1);
        stream.shutdown().await.unwrap();
        assert_eq!(stream.inner.0.len(), 2, "shutting down sends them");
    }

    #[tokio::test]
    async fn a_write_that_carries_a_held_pong_sends_waiting_headers_first_without_a_turn() {
        let mut stream = CoalescingStream::new(Writes::default());
        stream.write_all(&PONG).await.unwrap();
        stream.write_all(&REQUEST_HEADERS).await.unwrap();
        assert!(stream.inner.0.is_empty(), "both held");
        let data = vec![7; CARRIER_BYTES];
        let written =
            std::future::poll_fn(|cx| Poll::Ready(Pin::new(&mut stream).poll_write(cx, &data)))
                .await;
        assert!(
            matches!(written, Poll::Ready(Ok(CARRIER_BYTES))),
            "written in the first poll: {written:?}"
        );
        assert_eq!(
            stream.inner.0,
            [REQUEST_HEADERS.to_vec(), [&PONG[..], &data].concat()]
        );
    }

    #[tokio::test]
    async fn other_frames_are_written_at_once() {
        let end_stream = [0, 0, 3, 1, 5, 0, 0, 0, 3, 0x82, 0x86, 0x84];
        let two_frames = [&REQUEST_HEADERS[..], &REQUEST_DATA].concat();
        for frames in [&end_stream[..], &two_frames, &REQUEST_DATA, &PING] {
            let mut stream = CoalescingStream::new(Writes::default());
            stream.write_all(frames).await.unwrap();
            assert_eq!(stream.inner.0, [frames.to_vec()], "{frames:?}");
        }
    }
}
