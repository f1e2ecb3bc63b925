//! [`ConnectProxy`]: a small HTTP CONNECT proxy on a loopback port, that tunnels, refuses,
//! stays silent or hangs up, for testing a client behind a corporate proxy.

use std::collections::HashMap;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// The most bytes of a CONNECT request head the proxy reads before giving up on it.
const MAX_HEAD: usize = 8 * 1024;

/// An HTTP CONNECT proxy on a free 127.0.0.1 port: it reads `CONNECT host:port`, dials the
/// target (through its own [`host`](ConnectProxyBuilder::host) table first, then DNS), answers
/// `200` and relays bytes both ways. Built to misbehave on demand:
/// [`refuse`](ConnectProxyBuilder::refuse) with a status, [`never_answer`](ConnectProxyBuilder::never_answer),
/// [`hang_up`](ConnectProxyBuilder::hang_up), or demand [`basic_auth`](ConnectProxyBuilder::basic_auth).
///
/// Stops listening, and closes every tunnel, when dropped (within a Tokio runtime).
///
/// # Examples
///
/// ```
/// use temporal_testing::ConnectProxy;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let proxy = ConnectProxy::builder()
///     .host("temporal.test", "127.0.0.1:7233".parse()?)
///     .basic_auth("user", "secret")
///     .start()
///     .await?;
/// // A client configured with the proxy `proxy.address()` may now dial `temporal.test:7233`.
/// assert!(proxy.requests().is_empty());
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct ConnectProxy {
    address: SocketAddr,
    shared: Arc<Shared>,
    accept_task: JoinHandle<()>,
}

/// Configures a [`ConnectProxy`]: by default it tunnels every CONNECT without asking for
/// credentials.
///
/// # Examples
///
/// ```
/// use temporal_testing::ConnectProxy;
///
/// let refusing = ConnectProxy::builder().refuse(403);
/// # let _ = refusing;
/// ```
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct ConnectProxyBuilder {
    behaviour: Behaviour,
    basic_auth: Option<String>,
    hosts: HashMap<String, SocketAddr>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Behaviour {
    #[default]
    Tunnel,
    Refuse(u16),
    NeverAnswer,
    HangUp,
}

/// One CONNECT request the proxy read.
///
/// # Examples
///
/// ```
/// # use temporal_testing::ConnectProxy;
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let proxy = ConnectProxy::start().await?;
/// for request in proxy.requests() {
///     println!("CONNECT {} (authorized: {})", request.target, request.authorized);
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConnectRequest {
    /// The request target, `host:port`.
    pub target: String,
    /// Whether the request carried the expected `Proxy-Authorization` (always true when the
    /// proxy asks for none).
    pub authorized: bool,
    /// Whether a tunnel was opened for it.
    pub tunnelled: bool,
}

#[derive(Debug, Default)]
struct Shared {
    requests: Mutex<Vec<ConnectRequest>>,
}

impl ConnectProxy {
    /// A proxy that tunnels every CONNECT; shorthand for `ConnectProxy::builder().start()`.
    ///
    /// # Errors
    ///
    /// When no loopback port can be bound.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_testing::ConnectProxy;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let proxy = ConnectProxy::start().await?;
    /// let url = format!("http://{}", proxy.address());
    /// # let _ = url;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn start() -> io::Result<Self> {
        Self::builder().start().await
    }

    /// A proxy configured before it starts.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_testing::ConnectProxy;
    ///
    /// let builder = ConnectProxy::builder().never_answer();
    /// # let _ = builder;
    /// ```
    pub fn builder() -> ConnectProxyBuilder {
        ConnectProxyBuilder::default()
    }

    /// Where the proxy listens, on 127.0.0.1.
    ///
    /// # Examples
    ///
    /// ```
    /// # use temporal_testing::ConnectProxy;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let proxy = ConnectProxy::start().await?;
    /// assert!(proxy.address().ip().is_loopback());
    /// # Ok(())
    /// # }
    /// ```
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The CONNECT requests read so far, oldest first.
    ///
    /// # Examples
    ///
    /// ```
    /// # use temporal_testing::ConnectProxy;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let proxy = ConnectProxy::start().await?;
    /// assert_eq!(proxy.requests().len(), 0);
    /// # Ok(())
    /// # }
    /// ```
    pub fn requests(&self) -> Vec<ConnectRequest> {
        self.shared
            .requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Drop for ConnectProxy {
    fn drop(&mut self) {
        self.accept_task.abort();
    }
}

impl ConnectProxyBuilder {
    /// Answers every CONNECT with this status (403, 502, ...) and closes the connection.
    ///
    /// # Examples
    ///
    /// ```
    /// # use temporal_testing::ConnectProxy;
    /// let builder = ConnectProxy::builder().refuse(502);
    /// # let _ = builder;
    /// ```
    pub fn refuse(mut self, status: u16) -> Self {
        self.behaviour = Behaviour::Refuse(status);
        self
    }

    /// Reads the CONNECT request and then says nothing, holding the connection open.
    ///
    /// # Examples
    ///
    /// ```
    /// # use temporal_testing::ConnectProxy;
    /// let builder = ConnectProxy::builder().never_answer();
    /// # let _ = builder;
    /// ```
    pub fn never_answer(mut self) -> Self {
        self.behaviour = Behaviour::NeverAnswer;
        self
    }

    /// Reads the CONNECT request and closes the connection without an answer.
    ///
    /// # Examples
    ///
    /// ```
    /// # use temporal_testing::ConnectProxy;
    /// let builder = ConnectProxy::builder().hang_up();
    /// # let _ = builder;
    /// ```
    pub fn hang_up(mut self) -> Self {
        self.behaviour = Behaviour::HangUp;
        self
    }

    /// Demands `Proxy-Authorization: Basic` with these credentials, answering `407` without
    /// them.
    ///
    /// # Examples
    ///
    /// ```
    /// # use temporal_testing::ConnectProxy;
    /// let builder = ConnectProxy::builder().basic_auth("user", "secret");
    /// # let _ = builder;
    /// ```
    pub fn basic_auth(mut self, user: &str, password: &str) -> Self {
        self.basic_auth = Some(base64(format!("{user}:{password}").as_bytes()));
        self
    }

    /// Tunnels CONNECTs to `name` (any port) to `address`, as the proxy's own DNS would: the
    /// client never resolves a name it sends to a proxy.
    ///
    /// # Examples
    ///
    /// ```
    /// # use temporal_testing::ConnectProxy;
    /// let builder = ConnectProxy::builder().host("temporal.test", "127.0.0.1:7233".parse().unwrap());
    /// # let _ = builder;
    /// ```
    pub fn host(mut self, name: &str, address: SocketAddr) -> Self {
        self.hosts.insert(name.to_ascii_lowercase(), address);
        self
    }

    /// Binds a free loopback port and starts serving.
    ///
    /// # Errors
    ///
    /// When no loopback port can be bound.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_testing::ConnectProxy;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let proxy = ConnectProxy::builder().refuse(403).start().await?;
    /// # let _ = proxy;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn start(self) -> io::Result<ConnectProxy> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let address = listener.local_addr()?;
        let shared = Arc::new(Shared::default());
        let config = Arc::new(self);
        let accept_task = tokio::spawn(accept_loop(listener, config, Arc::clone(&shared)));
        Ok(ConnectProxy {
            address,
            shared,
            accept_task,
        })
    }
}

async fn accept_loop(listener: TcpListener, config: Arc<ConnectProxyBuilder>, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                if let Ok((client, _)) = accepted {
                    connections.spawn(serve(client, Arc::clone(&config), Arc::clone(&shared)));
                }
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

async fn serve(mut client: TcpStream, config: Arc<ConnectProxyBuilder>, shared: Arc<Shared>) {
    let Some((head, rest)) = read_head(&mut client).await else {
        return;
    };
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let (Some("CONNECT"), Some(target)) = (parts.next(), parts.next()) else {
        let _ = client
            .write_all(b"HTTP/1.1 405 Method Not Allowed\r\n\r\n")
            .await;
        return;
    };
    let target = target.to_owned();
    let authorized = match &config.basic_auth {
        None => true,
        Some(expected) => lines.any(|line| {
            line.split_once(':').is_some_and(|(name, value)| {
                name.eq_ignore_ascii_case("proxy-authorization")
                    && value.trim() == format!("Basic {expected}")
            })
        }),
    };
    let record = |tunnelled| {
        shared
            .requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(ConnectRequest {
                target: target.clone(),
                authorized,
                tunnelled,
            });
    };
    if !authorized {
        record(false);
        let _ = client
            .write_all(
                b"HTTP/1.1 407 Proxy Authentication Required\r\n\
                  Proxy-Authenticate: Basic realm=\"test\"\r\n\r\n",
            )
            .await;
        return;
    }
    match config.behaviour {
        Behaviour::Refuse(status) => {
            record(false);
            let answer = format!("HTTP/1.1 {status} Refused by the test proxy\r\n\r\n");
            let _ = client.write_all(answer.as_bytes()).await;
        }
        Behaviour::HangUp => record(false),
        Behaviour::NeverAnswer => {
            record(false);
            // Held open, silent, until the client gives up or the proxy is dropped.
            let mut sink = [0; 1024];
            while matches!(client.read(&mut sink).await, Ok(read) if read > 0) {}
        }
        Behaviour::Tunnel => {
            let Some(mut upstream) = dial(&config, &target).await else {
                record(false);
                let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n").await;
                return;
            };
            record(true);
            if client
                .write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")
                .await
                .is_err()
                || upstream.write_all(&rest).await.is_err()
            {
                return;
            }
            let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
        }
    }
}

/// The request head (up to the blank line) and whatever followed it in the same reads.
async fn read_head(client: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    let mut buffer = Vec::with_capacity(512);
    let mut chunk = [0; 512];
    loop {
        let read = client.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
        if let Some(end) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
            return Some((head, buffer[end + 4..].to_vec()));
        }
        if buffer.len() > MAX_HEAD {
            return None;
        }
    }
}

async fn dial(config: &ConnectProxyBuilder, target: &str) -> Option<TcpStream> {
    let (host, port) = target.rsplit_once(':')?;
    let stream = match config.hosts.get(&host.to_ascii_lowercase()) {
        Some(address) => TcpStream::connect(address).await.ok()?,
        None => {
            let port: u16 = port.parse().ok()?;
            let host = host.trim_start_matches('[').trim_end_matches(']');
            TcpStream::connect((host, port)).await.ok()?
        }
    };
    let _ = stream.set_nodelay(true);
    Some(stream)
}

/// Standard base64 with padding, for the expected `Proxy-Authorization`.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_4648_vectors() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
    }

    #[tokio::test]
    async fn tunnels_to_a_mapped_host_and_refuses_without_credentials() {
        let echo = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .expect("a port");
        let echo_address = echo.local_addr().expect("an address");
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = echo.accept().await {
                tokio::spawn(async move {
                    let (mut read, mut write) = stream.split();
                    let _ = tokio::io::copy(&mut read, &mut write).await;
                });
            }
        });
        let proxy = ConnectProxy::builder()
            .host("echo.test", echo_address)
            .basic_auth("u", "p")
            .start()
            .await
            .expect("started");
        let answer = |request: &'static str| {
            let address = proxy.address();
            async move {
                let mut stream = TcpStream::connect(address).await.expect("connected");
                stream.write_all(request.as_bytes()).await.expect("sent");
                let mut answer = vec![0; 128];
                let read = stream.read(&mut answer).await.expect("an answer");
                (
                    String::from_utf8_lossy(&answer[..read]).into_owned(),
                    stream,
                )
            }
        };
        let (refused, _) = answer("CONNECT echo.test:1 HTTP/1.1\r\n\r\n").await;
        assert!(refused.starts_with("HTTP/1.1 407"), "{refused}");
        let (ok, mut tunnel) =
            answer("CONNECT echo.test:1 HTTP/1.1\r\nProxy-Authorization: Basic dTpw\r\n\r\n").await;
        assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");
        tunnel.write_all(b"ping").await.expect("sent");
        let mut echoed = [0; 4];
        tunnel.read_exact(&mut echoed).await.expect("echoed");
        assert_eq!(&echoed, b"ping");
        let requests = proxy.requests();
        assert_eq!(requests.len(), 2);
        assert!(!requests[0].authorized && !requests[0].tunnelled);
        assert!(requests[1].authorized && requests[1].tunnelled);
        assert_eq!(requests[1].target, "echo.test:1");
    }
}
