//! HTTP CONNECT proxies: [`HttpConnectProxy`], the proxy environment variables, and the
//! tunnel itself.

use std::fmt;
use std::net::IpAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::connection::{REDACTED, redact_userinfo};

/// The most bytes of a proxy's answer head read before it is refused as malformed.
const MAX_ANSWER_HEAD: usize = 8 * 1024;
/// The port of a proxy address that names none, as for an `http://` URL.
const DEFAULT_PROXY_PORT: u16 = 80;

/// An HTTP CONNECT proxy that every connection to the server is tunnelled through, set with
/// [`ConnectionOptions::http_connect_proxy`](crate::ConnectionOptions::http_connect_proxy).
///
/// TLS to the server, when on, runs inside the tunnel: the proxy sees only the host and port.
/// `Debug` never shows the password.
///
/// # Examples
///
/// ```
/// use temporal_client::{ConnectionOptions, HttpConnectProxy};
///
/// let proxy = HttpConnectProxy::new("proxy.corp.example:3128").basic_auth("svc-temporal", "secret");
/// let options = ConnectionOptions::new("my-ns.a1b2c.tmprl.cloud:7233")
///     .api_key("my-api-key")
///     .http_connect_proxy(proxy);
/// # let _ = options;
/// ```
#[derive(Clone, PartialEq, Eq)]
#[must_use]
pub struct HttpConnectProxy {
    address: String,
    basic_auth: Option<(String, String)>,
}

impl fmt::Debug for HttpConnectProxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpConnectProxy")
            .field("address", &redact_userinfo(&self.address))
            .field(
                "basic_auth",
                &self.basic_auth.as_ref().map(|(user, _)| (user, REDACTED)),
            )
            .finish()
    }
}

impl HttpConnectProxy {
    /// The proxy at `address`: `host:port`, or a URL `http://[user:password@]host[:port]`
    /// (port 80 when none is given; credentials in the URL are percent-decoded).
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::HttpConnectProxy;
    ///
    /// let plain = HttpConnectProxy::new("10.0.0.5:3128");
    /// let from_url = HttpConnectProxy::new("http://svc:s%40cret@proxy.corp.example:3128");
    /// # let _ = (plain, from_url);
    /// ```
    pub fn new(address: impl Into<String>) -> Self {
        Self {
            address: address.into(),
            basic_auth: None,
        }
    }

    /// Authenticates to the proxy with HTTP basic auth (`Proxy-Authorization: Basic ...`).
    /// Overrides credentials given in the address.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::HttpConnectProxy;
    ///
    /// let proxy = HttpConnectProxy::new("proxy.corp.example:3128").basic_auth("svc", "secret");
    /// # let _ = proxy;
    /// ```
    pub fn basic_auth(mut self, user: impl Into<String>, password: impl Into<String>) -> Self {
        self.basic_auth = Some((user.into(), password.into()));
        self
    }

    /// The proxy ready to dial, or why its address cannot be one.
    pub(crate) fn resolve_settings(&self) -> Result<ProxyTarget, String> {
        let shown = redact_userinfo(&self.address).into_owned();
        let trimmed = self.address.trim();
        let rest = match trimmed.split_once("://") {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") => rest,
            Some((scheme, _)) => {
                return Err(format!(
                    "`{shown}`: only http:// proxies are supported, not {scheme}://"
                ));
            }
            None => trimmed,
        };
        let rest = rest.trim_end_matches('/');
        let (userinfo, authority) = match rest.rsplit_once('@') {
            Some((userinfo, authority)) => (Some(userinfo), authority),
            None => (None, rest),
        };
        if authority.is_empty() || authority.contains(['/', ' ']) {
            return Err(format!("`{shown}` is not host:port or http://host:port"));
        }
        let (host, port) = split_host_port(authority)
            .ok_or_else(|| format!("`{shown}` does not end in a valid port"))?;
        let basic_auth = match (&self.basic_auth, userinfo) {
            (Some(credentials), _) => Some(credentials.clone()),
            (None, Some(userinfo)) => {
                let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
                Some((percent_decode(user), percent_decode(password)))
            }
            (None, None) => None,
        };
        Ok(ProxyTarget {
            host: host.to_owned(),
            port: port.unwrap_or(DEFAULT_PROXY_PORT),
            authorization: basic_auth.map(|(user, password)| {
                format!("Basic {}", base64(format!("{user}:{password}").as_bytes()))
            }),
        })
    }
}

/// `host[:port]` split, with brackets kept on an IPv6 host; `None` when the port is not one.
fn split_host_port(authority: &str) -> Option<(&str, Option<u16>)> {
    match authority.rsplit_once(':') {
        Some((host, port))
            if !port.ends_with(']') && (!host.contains(':') || host.ends_with(']')) =>
        {
            Some((host, Some(port.parse().ok()?)))
        }
        _ => Some((authority, None)),
    }
}

/// A proxy ready to dial: where it is and the `Proxy-Authorization` to send.
#[derive(Clone)]
pub(crate) struct ProxyTarget {
    host: String,
    port: u16,
    authorization: Option<String>,
}

impl fmt::Debug for ProxyTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProxyTarget")
            .field("host", &self.host)
            .field("port", &self.port)
            .field(
                "authorization",
                &self.authorization.as_ref().map(|_| REDACTED),
            )
            .finish()
    }
}

/// Why a tunnel through the proxy was not opened.
#[derive(Debug, thiserror::Error)]
pub(crate) enum TunnelError {
    #[error("cannot reach the proxy: {0}")]
    Unreachable(#[source] std::io::Error),
    #[error("the proxy refused the tunnel with HTTP {status}{hint}")]
    Refused { status: u16, hint: &'static str },
    #[error("the proxy closed the connection without answering CONNECT")]
    Closed,
    #[error("the proxy's answer is not HTTP: {0}")]
    Malformed(String),
}

impl TunnelError {
    pub(crate) fn status(&self) -> Option<u16> {
        match self {
            Self::Refused { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// A [`TunnelError`] with the proxy it came from, so that the error can name it.
#[derive(Debug, thiserror::Error)]
#[error("HTTP CONNECT proxy {proxy}: {error}")]
pub(crate) struct ProxyFailure {
    pub(crate) proxy: String,
    #[source]
    pub(crate) error: TunnelError,
}

impl ProxyTarget {
    /// The proxy as an error names it: `host:port`, never its credentials.
    pub(crate) fn name(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    /// Dials the proxy and asks it for a tunnel to `authority` (`host:port`).
    pub(crate) async fn open_tunnel(&self, authority: &str) -> Result<TcpStream, ProxyFailure> {
        self.tunnel(authority).await.map_err(|error| ProxyFailure {
            proxy: self.name(),
            error,
        })
    }

    async fn tunnel(&self, authority: &str) -> Result<TcpStream, TunnelError> {
        let host = self.host.trim_start_matches('[').trim_end_matches(']');
        let mut stream = TcpStream::connect((host, self.port))
            .await
            .map_err(TunnelError::Unreachable)?;
        let _ = stream.set_nodelay(true);
        let mut request = format!("CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n");
        if let Some(authorization) = &self.authorization {
            request.push_str(&format!("Proxy-Authorization: {authorization}\r\n"));
        }
        request.push_str("\r\n");
        stream
            .write_all(request.as_bytes())
            .await
            .map_err(TunnelError::Unreachable)?;
        // Read byte by byte up to the blank line: whatever follows belongs to the tunnel.
        let mut head = Vec::with_capacity(128);
        while !head.ends_with(b"\r\n\r\n") {
            if head.len() >= MAX_ANSWER_HEAD {
                return Err(TunnelError::Malformed(format!(
                    "no end of headers within {MAX_ANSWER_HEAD} bytes"
                )));
            }
            let mut byte = [0];
            match stream.read(&mut byte).await {
                Ok(0) | Err(_) => return Err(TunnelError::Closed),
                Ok(_) => head.push(byte[0]),
            }
        }
        let head = String::from_utf8_lossy(&head);
        let status_line = head.lines().next().unwrap_or_default();
        let status = status_line
            .strip_prefix("HTTP/1.")
            .and_then(|rest| rest.get(2..5))
            .and_then(|code| code.parse::<u16>().ok())
            .ok_or_else(|| TunnelError::Malformed(status_line.chars().take(80).collect()))?;
        if (200..300).contains(&status) {
            Ok(stream)
        } else {
            let hint = match status {
                407 => " (proxy authentication required: check the proxy's credentials)",
                _ => "",
            };
            Err(TunnelError::Refused { status, hint })
        }
    }
}

/// The proxy the environment names for `host`, as gRPC does: the first set of `grpc_proxy`,
/// `https_proxy`, `http_proxy` (each lowercase, then uppercase), unless the first set of
/// `no_grpc_proxy`, `no_proxy` matches the host, or the host is loopback (as Go does).
/// Returns the variable it came from too.
pub(crate) fn from_environment(
    var: impl Fn(&str) -> Option<String>,
    host: &str,
    port: u16,
) -> Option<(HttpConnectProxy, &'static str)> {
    let first_set = |names: &[&'static str]| {
        names.iter().find_map(|name| {
            var(name)
                .filter(|value| !value.trim().is_empty())
                .map(|value| (value, *name))
        })
    };
    let (proxy, variable) = first_set(&[
        "grpc_proxy",
        "GRPC_PROXY",
        "https_proxy",
        "HTTPS_PROXY",
        "http_proxy",
        "HTTP_PROXY",
    ])?;
    if is_loopback(host) {
        return None;
    }
    if let Some((no_proxy, _)) =
        first_set(&["no_grpc_proxy", "NO_GRPC_PROXY", "no_proxy", "NO_PROXY"])
        && bypasses(&no_proxy, host, port)
    {
        return None;
    }
    Some((HttpConnectProxy::new(proxy.trim()), variable))
}

fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost")
        || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Whether a `no_proxy` list names `host`: `*`, the host itself, a domain it is in (with or
/// without a leading dot), an IP address or CIDR block holding it; an entry with `:port`
/// matches that port only.
fn bypasses(no_proxy: &str, host: &str, port: u16) -> bool {
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim_end_matches('.')
        .to_ascii_lowercase();
    let host_ip = host.parse::<IpAddr>().ok();
    no_proxy
        .split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .any(|entry| {
            if entry == "*" {
                return true;
            }
            let entry = entry.to_ascii_lowercase();
            if let Some(ip) = host_ip
                && let Some(matches) = ip_entry_matches(&entry, ip)
            {
                return matches;
            }
            let (name, entry_port) = match split_host_port(&entry) {
                Some((name, Some(entry_port))) => (name, Some(entry_port)),
                _ => (entry.as_str(), None),
            };
            if entry_port.is_some_and(|entry_port| entry_port != port) {
                return false;
            }
            let domain = name
                .trim_start_matches("*.")
                .trim_start_matches('.')
                .trim_end_matches('.');
            !domain.is_empty() && (host == domain || host.ends_with(&format!(".{domain}")))
        })
}

/// Whether an IP or CIDR entry holds `ip`; `None` when the entry is neither.
fn ip_entry_matches(entry: &str, ip: IpAddr) -> Option<bool> {
    let entry = entry.trim_start_matches('[').trim_end_matches(']');
    let (network, prefix) = match entry.split_once('/') {
        Some((network, prefix)) => (
            network.parse::<IpAddr>().ok()?,
            Some(prefix.parse::<u32>().ok()?),
        ),
        None => (entry.parse::<IpAddr>().ok()?, None),
    };
    Some(match (network, ip) {
        (IpAddr::V4(network), IpAddr::V4(ip)) => {
            let bits = prefix.unwrap_or(32).min(32);
            let mask = u32::MAX.checked_shl(32 - bits).unwrap_or(0);
            u32::from(network) & mask == u32::from(ip) & mask
        }
        (IpAddr::V6(network), IpAddr::V6(ip)) => {
            let bits = prefix.unwrap_or(128).min(128);
            let mask = u128::MAX.checked_shl(128 - bits).unwrap_or(0);
            u128::from(network) & mask == u128::from(ip) & mask
        }
        _ => false,
    })
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(high), Some(low)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((high * 16 + low) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Standard base64 with padding, for `Proxy-Authorization: Basic`.
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

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        }
    }

    #[test]
    fn the_environment_is_read_in_grpc_order_lowercase_first() {
        let pick = |pairs: &[(&str, &str)], host: &str| {
            from_environment(env(pairs), host, 7233).map(|(proxy, var)| (proxy.address, var))
        };
        assert_eq!(pick(&[], "h.example"), None);
        assert_eq!(
            pick(
                &[("http_proxy", "p1:1"), ("HTTPS_PROXY", "p2:2")],
                "h.example"
            ),
            Some(("p2:2".to_owned(), "HTTPS_PROXY"))
        );
        assert_eq!(
            pick(
                &[
                    ("grpc_proxy", "g:1"),
                    ("https_proxy", "p2:2"),
                    ("GRPC_PROXY", "G:2")
                ],
                "h.example"
            ),
            Some(("g:1".to_owned(), "grpc_proxy"))
        );
        assert_eq!(pick(&[("https_proxy", " ")], "h.example"), None);
        // Loopback never goes through a proxy found in the environment.
        for local in ["localhost", "127.0.0.1", "[::1]"] {
            assert_eq!(pick(&[("https_proxy", "p:1")], local), None, "{local}");
        }
        // no_grpc_proxy wins over no_proxy, as the first one set.
        let both = [
            ("https_proxy", "p:1"),
            ("no_grpc_proxy", "other.example"),
            ("no_proxy", "h.example"),
        ];
        assert!(pick(&both, "h.example").is_some());
        assert_eq!(
            pick(
                &[("https_proxy", "p:1"), ("NO_PROXY", "h.example")],
                "h.example"
            ),
            None
        );
    }

    #[test]
    fn no_proxy_matches_hosts_domains_ports_ips_and_cidrs() {
        let cases = [
            ("*", "any.example", true),
            ("example.com", "example.com", true),
            ("example.com", "api.example.com", true),
            (".example.com", "api.example.com", true),
            ("*.example.com", "api.example.com", true),
            ("example.com", "notexample.com", false),
            ("a.test, example.com:7233", "example.com", true),
            ("example.com:8080", "example.com", false),
            ("10.0.0.0/8", "10.1.2.3", true),
            ("10.0.0.0/8", "11.1.2.3", false),
            ("10.1.2.3", "10.1.2.3", true),
            ("fd00::/8", "[fd12::1]", true),
            ("fd00::/8", "10.1.2.3", false),
            ("", "example.com", false),
        ];
        for (list, host, expected) in cases {
            assert_eq!(bypasses(list, host, 7233), expected, "{list:?} {host}");
        }
    }

    #[test]
    fn proxy_addresses_parse_with_credentials_and_default_port() {
        let target = HttpConnectProxy::new("http://svc:s%40cret@proxy.example:3128/")
            .resolve_settings()
            .expect("valid");
        assert_eq!((target.host.as_str(), target.port), ("proxy.example", 3128));
        assert_eq!(
            target.authorization.as_deref(),
            Some(format!("Basic {}", base64(b"svc:s@cret")).as_str())
        );
        let target = HttpConnectProxy::new("proxy.example")
            .resolve_settings()
            .expect("valid");
        assert_eq!(target.port, 80);
        assert!(target.authorization.is_none());
        let target = HttpConnectProxy::new("[::1]:8080")
            .resolve_settings()
            .expect("valid");
        assert_eq!((target.host.as_str(), target.port), ("[::1]", 8080));
        for bad in ["", "https://p:1", "socks5://p:1", "p:port", "p:1/path"] {
            assert!(
                HttpConnectProxy::new(bad).resolve_settings().is_err(),
                "{bad}"
            );
        }
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64(b"fo"), "Zm8=");
    }

    /// A one-connection "proxy" that reads the request head and answers `answer`.
    async fn answering(answer: Vec<u8>) -> ProxyTarget {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port");
        let address = listener.local_addr().expect("an address");
        tokio::spawn(async move {
            let (mut stream, _) = listener.accept().await.expect("a client");
            let mut head = [0; 1024];
            let _ = stream.read(&mut head).await;
            let _ = stream.write_all(&answer).await;
        });
        HttpConnectProxy::new(address.to_string())
            .resolve_settings()
            .expect("valid")
    }

    #[tokio::test]
    async fn answers_that_are_not_http_or_never_end_are_malformed_not_hangs() {
        let ok = answering(b"HTTP/1.0 200 Connection established\r\nVia: x\r\n\r\n".to_vec()).await;
        ok.open_tunnel("h:1").await.expect("a tunnel");
        let garbage = answering(b"SSH-2.0-OpenSSH_9.6\r\n\r\n".to_vec()).await;
        let err = garbage.open_tunnel("h:1").await.expect_err("not HTTP");
        assert!(matches!(err.error, TunnelError::Malformed(_)), "{err}");
        assert!(err.to_string().contains("SSH-2.0"), "{err}");
        let endless = answering(vec![b'a'; MAX_ANSWER_HEAD + 10]).await;
        let err = endless.open_tunnel("h:1").await.expect_err("no end");
        assert!(matches!(err.error, TunnelError::Malformed(_)), "{err}");
        let auth = answering(b"HTTP/1.1 407 Proxy Authentication Required\r\n\r\n".to_vec()).await;
        let err = auth.open_tunnel("h:1").await.expect_err("refused");
        assert_eq!(err.error.status(), Some(407));
        assert!(err.to_string().contains("credentials"), "{err}");
    }

    #[test]
    fn debug_never_shows_the_proxy_password() {
        let proxy =
            HttpConnectProxy::new("http://u:url-secret@p:1").basic_auth("svc", "opt-secret");
        let debug = format!("{proxy:?}");
        assert!(!debug.contains("secret"), "{debug}");
        assert!(debug.contains("svc"), "{debug}");
        let target = proxy.resolve_settings().expect("valid");
        assert!(!format!("{target:?}").contains(&base64(b"svc:opt-secret")));
    }
}
