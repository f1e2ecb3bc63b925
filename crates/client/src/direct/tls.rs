//! The direct transport's TLS: the handshake over the connector's stream (TCP, or the HTTP
//! CONNECT proxy's tunnel), and the stream that is plaintext or TLS.

use std::fmt;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_rustls::client::TlsStream;

use crate::tls::ALPN_H2;

/// How the direct transport shakes hands: the rustls configuration
/// ([`TlsOptions::rustls_config`](crate::TlsOptions)) and the name the certificate must hold,
/// sent as SNI unless it is an IP address.
#[derive(Clone)]
pub(crate) struct Tls {
    connector: tokio_rustls::TlsConnector,
    server_name: ServerName<'static>,
}

impl fmt::Debug for Tls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tls")
            .field("server_name", &self.server_name)
            .finish_non_exhaustive()
    }
}

impl Tls {
    /// TLS with `config` to a server whose certificate names `server_name` (a host name or an
    /// IP address, as tonic accepts them).
    ///
    /// # Errors
    ///
    /// What is wrong with `server_name`.
    pub(crate) fn new(config: rustls::ClientConfig, server_name: &str) -> Result<Self, String> {
        let server_name = ServerName::try_from(server_name.to_owned())
            .map_err(|e| format!("`{server_name}` is not a valid TLS server name: {e}"))?;
        Ok(Self {
            connector: tokio_rustls::TlsConnector::from(Arc::new(config)),
            server_name,
        })
    }

    /// Shakes hands over `io`, and checks that the server agreed to HTTP/2.
    ///
    /// A refused certificate is an `io::Error` of kind `InvalidData` whose message names the
    /// certificate problem, as on tonic's `Channel`; so is a server without ALPN `h2`. Both
    /// make the retry policy give up at once: the same handshake would fail the same way.
    pub(super) async fn handshake<T>(&self, io: T) -> io::Result<TlsStream<T>>
    where
        T: AsyncRead + AsyncWrite + Unpin,
    {
        let stream = self.connector.connect(self.server_name.clone(), io).await?;
        let negotiated = stream.get_ref().1.alpn_protocol();
        if negotiated != Some(ALPN_H2) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "the server did not agree to HTTP/2 in the TLS handshake (ALPN {}, not \
                     h2): is it a gRPC server?",
                    negotiated.map_or_else(
                        || "absent".to_owned(),
                        |protocol| String::from_utf8_lossy(protocol).into_owned()
                    )
                ),
            ));
        }
        Ok(stream)
    }
}

/// The connection's byte stream: the connector's, or TLS over it.
pub(super) enum Stream<T> {
    Plain(T),
    // Boxed: a TLS session is kilobytes, a TCP stream a few words.
    Tls(Box<TlsStream<T>>),
}

impl<T: AsyncRead + AsyncWrite + Unpin> AsyncRead for Stream<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Plain(io) => Pin::new(io).poll_read(cx, buf),
            Self::Tls(io) => Pin::new(io).poll_read(cx, buf),
        }
    }
}

impl<T: AsyncRead + AsyncWrite + Unpin> AsyncWrite for Stream<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Self::Plain(io) => Pin::new(io).poll_write(cx, buf),
            Self::Tls(io) => Pin::new(io).poll_write(cx, buf),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Self::Plain(io) => Pin::new(io).poll_write_vectored(cx, bufs),
            Self::Tls(io) => Pin::new(io).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            Self::Plain(io) => io.is_write_vectored(),
            Self::Tls(io) => io.is_write_vectored(),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Plain(io) => Pin::new(io).poll_flush(cx),
            Self::Tls(io) => Pin::new(io).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Plain(io) => Pin::new(io).poll_shutdown(cx),
            Self::Tls(io) => Pin::new(io).poll_shutdown(cx),
        }
    }
}
