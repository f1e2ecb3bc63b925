//! Name resolution of a [`Connection`](crate::Connection): the system's by default, or one
//! of the caller's ([`Resolve`]), with per-name overrides.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;

/// What [`Resolve::resolve`] returns: the addresses of a name, in the order to try them.
pub type Resolving = Pin<Box<dyn Future<Output = io::Result<Vec<SocketAddr>>> + Send>>;

/// Resolves a server's host name to addresses, in place of the system resolver: set with
/// [`ConnectionOptions::dns_resolver`](crate::ConnectionOptions::dns_resolver).
///
/// # Examples
///
/// ```
/// use std::net::SocketAddr;
/// use temporal_client::{ConnectionOptions, Resolve, Resolving};
///
/// /// Every name is the two frontends of a local test cluster.
/// struct TwoFrontends;
///
/// impl Resolve for TwoFrontends {
///     fn resolve(&self, _host: &str, port: u16) -> Resolving {
///         let addresses = vec![
///             SocketAddr::from(([127, 0, 0, 1], port)),
///             SocketAddr::from(([127, 0, 0, 2], port)),
///         ];
///         Box::pin(async move { Ok(addresses) })
///     }
/// }
///
/// let options = ConnectionOptions::new("temporal.test:7233").dns_resolver(TwoFrontends);
/// # let _ = options;
/// ```
pub trait Resolve: Send + Sync + 'static {
    /// The addresses of `host` (a name, never an IP literal), for connecting to `port`.
    fn resolve(&self, host: &str, port: u16) -> Resolving;
}

/// The system's resolver (`getaddrinfo`, on a blocking thread).
#[derive(Debug, Clone, Copy)]
pub(crate) struct SystemResolver;

impl Resolve for SystemResolver {
    fn resolve(&self, host: &str, port: u16) -> Resolving {
        let host = host.to_owned();
        Box::pin(async move {
            tokio::net::lookup_host((host.as_str(), port))
                .await
                .map(Iterator::collect)
        })
    }
}

/// The resolver a connection uses: the caller's or the system's, with fixed answers for some
/// names (`resolve_to_addrs`) taking precedence.
#[derive(Clone)]
pub(crate) struct Resolver {
    base: Arc<dyn Resolve>,
    overrides: HashMap<String, Vec<SocketAddr>>,
}

impl Default for Resolver {
    fn default() -> Self {
        Self {
            base: Arc::new(SystemResolver),
            overrides: HashMap::new(),
        }
    }
}

impl fmt::Debug for Resolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Resolver")
            .field("overrides", &self.overrides)
            .finish_non_exhaustive()
    }
}

impl Resolver {
    pub(crate) fn set_base(&mut self, resolver: Arc<dyn Resolve>) {
        self.base = resolver;
    }

    pub(crate) fn set_override(&mut self, name: &str, addresses: &[SocketAddr]) {
        self.overrides
            .insert(name.to_ascii_lowercase(), addresses.to_vec());
    }

    /// The addresses of `host` for `port`; an IP literal is its own answer. An override's
    /// address with port 0 takes `port`, as reqwest's `resolve_to_addrs` does.
    pub(crate) async fn resolve(&self, host: &str, port: u16) -> io::Result<Vec<SocketAddr>> {
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = bare.parse::<std::net::IpAddr>() {
            return Ok(vec![SocketAddr::new(ip, port)]);
        }
        let addresses = match self.overrides.get(&host.to_ascii_lowercase()) {
            Some(fixed) => fixed
                .iter()
                .map(|address| match address.port() {
                    0 => SocketAddr::new(address.ip(), port),
                    _ => *address,
                })
                .collect(),
            None => self.base.resolve(host, port).await?,
        };
        if addresses.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("`{host}` resolved to no address"),
            ));
        }
        Ok(addresses)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn overrides_win_ip_literals_are_their_own_answer_and_port_zero_takes_the_port() {
        let mut resolver = Resolver::default();
        resolver.set_override(
            "Frontend.Test",
            &[
                "127.0.0.2:0".parse().unwrap(),
                "127.0.0.3:9000".parse().unwrap(),
            ],
        );
        assert_eq!(
            resolver.resolve("frontend.test", 7233).await.unwrap(),
            vec![
                "127.0.0.2:7233".parse::<SocketAddr>().unwrap(),
                "127.0.0.3:9000".parse().unwrap()
            ]
        );
        assert_eq!(
            resolver.resolve("[::1]", 7233).await.unwrap(),
            vec!["[::1]:7233".parse::<SocketAddr>().unwrap()]
        );
        resolver.set_override("empty.test", &[]);
        let err = resolver.resolve("empty.test", 1).await.unwrap_err();
        assert!(err.to_string().contains("empty.test"), "{err}");
    }
}
