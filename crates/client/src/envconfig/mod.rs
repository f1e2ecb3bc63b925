//! Configuration profiles: `temporal.toml` and the `TEMPORAL_*` environment variables, read as
//! the `temporal` CLI and the other SDKs read them. [`ClientConfigProfile`] documents the format.

mod env;
mod error;
mod file;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

pub use error::{ConfigError, Origin};

use crate::client::ClientOptions;
use crate::connection::{ConnectionOptions, DEFAULT_ADDRESS};
use crate::tls::TlsOptions;
use env::Env;

/// The profile read when none is named.
pub const DEFAULT_PROFILE: &str = "default";

/// A value, and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Setting<T> {
    value: T,
    origin: Origin,
}

/// Certificate or key material: a file to read, or the PEM itself.
///
/// `Debug` shows the size of inline data, never its bytes.
///
/// # Examples
///
/// ```
/// use temporal_client::{ClientConfigProfile, DataSource, LoadOptions};
///
/// let profile = ClientConfigProfile::load(
///     &LoadOptions::new()
///         .config_toml("[profile.default.tls]\nserver_ca_cert_path = \"/etc/ca.pem\"")
///         .disable_env(),
/// )?;
/// let tls = profile.tls().expect("a tls table");
/// assert_eq!(tls.server_ca_cert(), Some(&DataSource::Path("/etc/ca.pem".into())));
/// # Ok::<(), temporal_client::ConfigError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub enum DataSource {
    /// A file (`*_path` keys and `*_PATH` variables), read by
    /// [`ClientConfigProfile::connection_options`].
    Path(PathBuf),
    /// The PEM text (`*_data` keys and `*_DATA` variables).
    Data(Vec<u8>),
}

impl fmt::Debug for DataSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataSource::Path(path) => f.debug_tuple("Path").field(path).finish(),
            // A private key must never reach a log.
            DataSource::Data(data) => write!(f, "Data(<{} bytes>)", data.len()),
        }
    }
}

/// Every profile of a config file.
///
/// # Examples
///
/// ```
/// use temporal_client::{ClientConfig, LoadOptions};
///
/// let config = ClientConfig::load(&LoadOptions::new().config_toml(
///     "[profile.default]\naddress = \"localhost:7233\"\n[profile.prod]\naddress = \"prod:7233\"",
/// ))?;
/// assert_eq!(config.profile_names().collect::<Vec<_>>(), ["default", "prod"]);
/// assert_eq!(config.profile("prod").and_then(|p| p.address()), Some("prod:7233"));
/// # Ok::<(), temporal_client::ConfigError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct ClientConfig {
    profiles: BTreeMap<String, ClientConfigProfile>,
    /// The file read (or looked for); `None` for inline TOML or no default location.
    file: Option<PathBuf>,
    file_exists: bool,
}

impl ClientConfig {
    /// Reads the config file chosen by `options` (see [`ClientConfigProfile`]), without
    /// applying the environment's overrides. A missing file gives an empty config.
    ///
    /// # Errors
    ///
    /// [`ConfigError::ReadFile`], [`ConfigError::Syntax`], or [`ConfigError::Invalid`] naming
    /// the profile and key that is malformed (or unknown, with [`LoadOptions::strict`]).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::{ClientConfig, LoadOptions};
    ///
    /// let config = ClientConfig::load(&LoadOptions::new())?; // the default location
    /// for name in config.profile_names() {
    ///     println!("{name}");
    /// }
    /// # Ok::<(), temporal_client::ConfigError>(())
    /// ```
    pub fn load(options: &LoadOptions) -> Result<Self, ConfigError> {
        let env = options.env();
        let path = match &options.file {
            FileChoice::Toml(text) => {
                return Ok(Self {
                    profiles: file::parse(text, None, options.strict)?,
                    file: None,
                    file_exists: true,
                });
            }
            FileChoice::Path(path) => Some(path.clone()),
            FileChoice::Default => match env.get_nonempty("TEMPORAL_CONFIG_FILE")? {
                Some(path) => Some(PathBuf::from(path)),
                None => env::default_config_file(&env)?,
            },
        };
        let Some(path) = path else {
            return Ok(Self::default());
        };
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Self {
                    profiles: BTreeMap::new(),
                    file: Some(path),
                    file_exists: false,
                });
            }
            Err(source) => return Err(ConfigError::ReadFile { path, source }),
        };
        let text = String::from_utf8(bytes).map_err(|e| ConfigError::Syntax {
            file: Some(path.clone()),
            message: format!("not UTF-8: {e}"),
        })?;
        Ok(Self {
            profiles: file::parse(&text, Some(&path), options.strict)?,
            file: Some(path),
            file_exists: true,
        })
    }

    /// The profile of this name, as the file has it (without the environment).
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{ClientConfig, LoadOptions};
    ///
    /// let config = ClientConfig::load(
    ///     &LoadOptions::new().config_toml("[profile.prod]\nnamespace = \"billing\""),
    /// )?;
    /// assert_eq!(config.profile("prod").and_then(|p| p.namespace()), Some("billing"));
    /// assert!(config.profile("default").is_none());
    /// # Ok::<(), temporal_client::ConfigError>(())
    /// ```
    pub fn profile(&self, name: &str) -> Option<&ClientConfigProfile> {
        self.profiles.get(name)
    }

    /// The names of the profiles, in order.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{ClientConfig, LoadOptions};
    ///
    /// let config = ClientConfig::load(&LoadOptions::new().config_toml(""))?;
    /// assert_eq!(config.profile_names().count(), 0);
    /// # Ok::<(), temporal_client::ConfigError>(())
    /// ```
    pub fn profile_names(&self) -> impl Iterator<Item = &str> {
        self.profiles.keys().map(String::as_str)
    }

    /// The file read, or looked for and missing; `None` for inline TOML, or when there is no
    /// default location (no home directory).
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{ClientConfig, LoadOptions};
    ///
    /// let config =
    ///     ClientConfig::load(&LoadOptions::new().config_file("/no/such/dir/temporal.toml"))?;
    /// assert_eq!(config.file(), Some(std::path::Path::new("/no/such/dir/temporal.toml")));
    /// # Ok::<(), temporal_client::ConfigError>(())
    /// ```
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }
}

/// Which file (and profile) to read, and whether to apply the environment.
///
/// # Examples
///
/// ```
/// use temporal_client::{ClientConfigProfile, LoadOptions};
///
/// // A test's own environment: nothing of the process's is read.
/// let profile = ClientConfigProfile::load(
///     &LoadOptions::new()
///         .config_toml("[profile.staging]\naddress = \"staging:7233\"")
///         .profile("staging")
///         .env_vars([("TEMPORAL_NAMESPACE", "orders")]),
/// )?;
/// assert_eq!(profile.address(), Some("staging:7233"));
/// assert_eq!(profile.namespace(), Some("orders"));
/// # Ok::<(), temporal_client::ConfigError>(())
/// ```
#[derive(Clone, Default)]
#[must_use]
pub struct LoadOptions {
    profile: Option<String>,
    file: FileChoice,
    strict: bool,
    disable_file: bool,
    disable_env: bool,
    env: Option<BTreeMap<String, String>>,
}

#[derive(Clone, Default)]
enum FileChoice {
    #[default]
    Default,
    Path(PathBuf),
    Toml(String),
}

impl LoadOptions {
    /// The defaults: the file of `TEMPORAL_CONFIG_FILE` or the default location, the profile
    /// of `TEMPORAL_PROFILE` or `default`, the process's environment applied.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::{ClientConfigProfile, LoadOptions};
    ///
    /// let profile = ClientConfigProfile::load(&LoadOptions::new())?;
    /// # let _ = profile;
    /// # Ok::<(), temporal_client::ConfigError>(())
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads this profile instead of `TEMPORAL_PROFILE`'s or `default`; it must exist.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::{ClientConfigProfile, LoadOptions};
    ///
    /// let prod = ClientConfigProfile::load(&LoadOptions::new().profile("prod"))?;
    /// # let _ = prod;
    /// # Ok::<(), temporal_client::ConfigError>(())
    /// ```
    pub fn profile(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    /// Reads this file instead of `TEMPORAL_CONFIG_FILE`'s or the default location. A
    /// missing file is no error (a profile asked for by name then is).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::{ClientConfigProfile, LoadOptions};
    ///
    /// let profile =
    ///     ClientConfigProfile::load(&LoadOptions::new().config_file("/etc/temporal/temporal.toml"))?;
    /// # let _ = profile;
    /// # Ok::<(), temporal_client::ConfigError>(())
    /// ```
    pub fn config_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.file = FileChoice::Path(path.into());
        self
    }

    /// Reads this TOML text instead of any file.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{ClientConfigProfile, LoadOptions};
    ///
    /// let profile = ClientConfigProfile::load(
    ///     &LoadOptions::new().config_toml("[profile.default]\naddress = \"localhost:7233\"").disable_env(),
    /// )?;
    /// assert_eq!(profile.address(), Some("localhost:7233"));
    /// # Ok::<(), temporal_client::ConfigError>(())
    /// ```
    pub fn config_toml(mut self, toml: impl Into<String>) -> Self {
        self.file = FileChoice::Toml(toml.into());
        self
    }

    /// Refuses keys this crate does not know, instead of ignoring them (the CLI may write
    /// keys of its own, such as OAuth settings).
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{ClientConfigProfile, LoadOptions};
    ///
    /// let typo = "[profile.default]\nadress = \"localhost:7233\"";
    /// assert!(ClientConfigProfile::load(&LoadOptions::new().config_toml(typo).disable_env()).is_ok());
    /// let error = ClientConfigProfile::load(&LoadOptions::new().config_toml(typo).disable_env().strict())
    ///     .expect_err("unknown key");
    /// assert!(error.to_string().contains("`adress` of profile `default`"), "{error}");
    /// # Ok::<(), temporal_client::ConfigError>(())
    /// ```
    pub fn strict(mut self) -> Self {
        self.strict = true;
        self
    }

    /// Reads no file: the profile comes from the environment alone.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{ClientConfigProfile, LoadOptions};
    ///
    /// let profile = ClientConfigProfile::load(
    ///     &LoadOptions::new().disable_file().env_vars([("TEMPORAL_ADDRESS", "env:7233")]),
    /// )?;
    /// assert_eq!(profile.address(), Some("env:7233"));
    /// # Ok::<(), temporal_client::ConfigError>(())
    /// ```
    pub fn disable_file(mut self) -> Self {
        self.disable_file = true;
        self
    }

    /// Applies no environment variable on top of the file. `TEMPORAL_CONFIG_FILE` and
    /// `TEMPORAL_PROFILE` still choose the file and profile, as in the Go SDK and the CLI.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{ClientConfigProfile, LoadOptions};
    ///
    /// let profile = ClientConfigProfile::load(
    ///     &LoadOptions::new()
    ///         .config_toml("[profile.default]\naddress = \"file:7233\"")
    ///         .env_vars([("TEMPORAL_ADDRESS", "env:7233")])
    ///         .disable_env(),
    /// )?;
    /// assert_eq!(profile.address(), Some("file:7233"));
    /// # Ok::<(), temporal_client::ConfigError>(())
    /// ```
    pub fn disable_env(mut self) -> Self {
        self.disable_env = true;
        self
    }

    /// Reads these variables instead of the process's environment, for every purpose:
    /// overrides, `TEMPORAL_CONFIG_FILE`, `TEMPORAL_PROFILE`, and the `HOME`,
    /// `XDG_CONFIG_HOME` or `APPDATA` of the default location.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{ClientConfigProfile, LoadOptions};
    ///
    /// let profile = ClientConfigProfile::load(
    ///     &LoadOptions::new().env_vars([("HOME", "/nonexistent"), ("TEMPORAL_GRPC_META_X_TEAM", "payments")]),
    /// )?;
    /// assert_eq!(profile.grpc_meta().collect::<Vec<_>>(), [("x-team", "payments")]);
    /// # Ok::<(), temporal_client::ConfigError>(())
    /// ```
    pub fn env_vars<K, V>(mut self, vars: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        self.env = Some(
            vars.into_iter()
                .map(|(name, value)| (name.into(), value.into()))
                .collect(),
        );
        self
    }

    fn env(&self) -> Env<'_> {
        match &self.env {
            Some(vars) => Env::Map(vars),
            None => Env::Process,
        }
    }
}

impl fmt::Debug for LoadOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The variables and the TOML may hold an API key: names and sizes only.
        let file = match &self.file {
            FileChoice::Default => "default".to_owned(),
            FileChoice::Path(path) => format!("{}", path.display()),
            FileChoice::Toml(text) => format!("<{} bytes of TOML>", text.len()),
        };
        f.debug_struct("LoadOptions")
            .field("profile", &self.profile)
            .field("file", &file)
            .field("strict", &self.strict)
            .field("disable_file", &self.disable_file)
            .field("disable_env", &self.disable_env)
            .field(
                "env_vars",
                &self
                    .env
                    .as_ref()
                    .map(|vars| vars.keys().collect::<Vec<_>>()),
            )
            .finish()
    }
}

/// One profile: the settings to connect with, from a config file overlaid by the
/// environment, as the `temporal` CLI and the other SDKs read them.
///
/// `Debug` never shows the API key or inline key material.
///
/// # The file
///
/// A TOML file of named profiles, as `temporal config set` writes it:
///
/// ```toml
/// [profile.default]
/// address = "localhost:7233"
/// namespace = "default"
///
/// [profile.prod]
/// address = "my-ns.a1b2c.tmprl.cloud:7233"
/// namespace = "my-ns.a1b2c"
/// api_key = "..."
///
/// [profile.prod.tls]                  # present: TLS on (unless `disabled = true`)
/// server_ca_cert_path = "/etc/temporal/ca.pem"   # or server_ca_cert_data = "-----BEGIN..."
/// client_cert_path = "/etc/temporal/client.pem"  # or client_cert_data
/// client_key_path = "/etc/temporal/client.key"   # or client_key_data
/// server_name = "temporal.internal"
/// # disable_host_verification = true # accept any server certificate (test servers only)
///
/// [profile.prod.grpc_meta]            # headers on every call
/// x-team = "payments"
/// ```
///
/// The file is the one named by [`LoadOptions::config_file`], else by `TEMPORAL_CONFIG_FILE`,
/// else `temporalio/temporal.toml` in the user's config directory (`$XDG_CONFIG_HOME` or
/// `~/.config` on Linux, `~/Library/Application Support` on macOS, `%AppData%` on Windows).
/// A missing file is no error. The profile is the one named by [`LoadOptions::profile`],
/// else by `TEMPORAL_PROFILE`, else `default`; a profile asked for by name must exist, while
/// a missing `default` profile is simply empty.
///
/// # The environment
///
/// Each variable that is set overrides the file: `TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`,
/// `TEMPORAL_API_KEY`, `TEMPORAL_TLS` (`true`/`false`/`1`/`0`), `TEMPORAL_TLS_CLIENT_CERT_PATH`
/// or `_DATA`, `TEMPORAL_TLS_CLIENT_KEY_PATH` or `_DATA`, `TEMPORAL_TLS_SERVER_CA_CERT_PATH` or
/// `_DATA`, `TEMPORAL_TLS_SERVER_NAME`, `TEMPORAL_TLS_DISABLE_HOST_VERIFICATION`,
/// `TEMPORAL_GRPC_META_<NAME>` (one header each), `TEMPORAL_CODEC_ENDPOINT`,
/// `TEMPORAL_CODEC_AUTH` and `TEMPORAL_CLIENT_AUTHORITY`.
///
/// # What it means for the connection
///
/// See [`connection_options`]: TLS is on when the profile has a `tls`
/// table (or any `TEMPORAL_TLS*` variable) that does not say `disabled = true`, or when it
/// has an API key and no `tls` table; header names are lowercased with `_` turned into `-`.
///
/// # Where the SDKs differ, and what this crate does
///
/// - A malformed value is an error naming its file, profile and key or its variable. The Go
///   SDK and sdk-core (Python, TypeScript, .NET) silently ignore a boolean variable that is not
///   `true`/`false`/`1`/`0`; here it is refused.
/// - `TEMPORAL_PROFILE` and `TEMPORAL_CONFIG_FILE` are read even with
///   [`LoadOptions::disable_env`], as the Go SDK and the CLI do (sdk-core ignores
///   `TEMPORAL_PROFILE` then).
/// - A variable set to the empty string clears that setting of the file (as in Go, where
///   empty means unset); unlike Go it does not by itself turn TLS on. An empty
///   `TEMPORAL_GRPC_META_*` removes that header, as in every SDK; an empty `TEMPORAL_TLS` or
///   `TEMPORAL_TLS_DISABLE_HOST_VERIFICATION` is ignored.
/// - `disable_host_verification = true` accepts any server certificate, as Go's
///   `InsecureSkipVerify` and the CLI do ([`TlsOptions::danger_disable_host_verification`]:
///   still TLS, the handshake's signatures still checked, the client certificate still
///   offered); sdk-core and Python silently ignore the setting. `false` changes nothing.
/// - `authority` (Go and the CLI only) becomes [`ConnectionOptions::authority`], the
///   `:authority` of every call. The Go SDK applies it only without TLS (with TLS, Go sends
///   the TLS `server_name`, else the address); here it is sent with TLS too, since the
///   profile asks for it. In neither does it change the TLS server name (SNI and the name
///   checked): that stays `server_name`, else the address's host. A value that is not `host`
///   or `host:port` is refused by [`connection_options`], naming the key.
/// - `codec` (a remote codec, which the SDKs use only when asked) is read and exposed, and
///   not applied.
/// - The default file's location follows the environment given to [`LoadOptions::env_vars`]
///   (its `HOME`, `XDG_CONFIG_HOME`, `APPDATA`), so a test never reads the real home.
///
/// # Examples
///
/// ```no_run
/// use temporal_client::{Client, ClientConfigProfile, Connection};
///
/// # async fn example() -> Result<(), Box<dyn std::error::Error>> {
/// let profile = ClientConfigProfile::load_default()?;
/// let connection = Connection::connect(profile.connection_options()?).await?;
/// let client = Client::with_options(connection, profile.client_options())?;
/// # let _ = client;
/// # Ok(())
/// # }
/// ```
///
/// [`connection_options`]: ClientConfigProfile::connection_options
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ClientConfigProfile {
    address: Option<Setting<String>>,
    namespace: Option<Setting<String>>,
    api_key: Option<Setting<String>>,
    authority: Option<Setting<String>>,
    tls: Option<ClientConfigTls>,
    codec: Option<ClientConfigCodec>,
    grpc_meta: BTreeMap<String, Setting<String>>,
}

impl ClientConfigProfile {
    /// The profile of `TEMPORAL_PROFILE` (or `default`) from the file of
    /// `TEMPORAL_CONFIG_FILE` (or the default location), overlaid by the process's
    /// `TEMPORAL_*` variables: what the `temporal` CLI would connect with.
    ///
    /// # Errors
    ///
    /// As [`ClientConfigProfile::load`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::{ClientConfigProfile, Connection};
    ///
    /// # async fn example() -> Result<(), Box<dyn std::error::Error>> {
    /// let connection = Connection::connect(ClientConfigProfile::load_default()?.connection_options()?).await?;
    /// # let _ = connection;
    /// # Ok(())
    /// # }
    /// ```
    pub fn load_default() -> Result<Self, ConfigError> {
        Self::load(&LoadOptions::new())
    }

    /// The profile `options` choose, overlaid by the environment unless disabled.
    ///
    /// # Errors
    ///
    /// [`ConfigError::ProfileNotFound`] for a profile asked for by name that the file does
    /// not have; [`ConfigError::Invalid`] naming the key or variable that is malformed or
    /// conflicts; [`ConfigError::ReadFile`] and [`ConfigError::Syntax`] for the file;
    /// [`ConfigError::NothingToLoad`] when both file and environment are disabled.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{ClientConfigProfile, ConfigError, LoadOptions};
    ///
    /// let error = ClientConfigProfile::load(
    ///     &LoadOptions::new().config_toml("[profile.default]").profile("prod").disable_env(),
    /// )
    /// .expect_err("no such profile");
    /// assert!(matches!(error, ConfigError::ProfileNotFound { .. }));
    /// ```
    pub fn load(options: &LoadOptions) -> Result<Self, ConfigError> {
        if options.disable_file && options.disable_env {
            return Err(ConfigError::NothingToLoad);
        }
        let env = options.env();
        let mut profile = if options.disable_file {
            Self::default()
        } else {
            let mut config = ClientConfig::load(options)?;
            let (name, requested_by) = match &options.profile {
                Some(name) => (Some(name.clone()), "LoadOptions::profile"),
                None => (env.get_nonempty("TEMPORAL_PROFILE")?, "TEMPORAL_PROFILE"),
            };
            match name {
                None => config.profiles.remove(DEFAULT_PROFILE).unwrap_or_default(),
                Some(name) => match config.profiles.remove(&name) {
                    Some(profile) => profile,
                    None => {
                        return Err(ConfigError::ProfileNotFound {
                            profile: name,
                            requested_by,
                            file: config.file,
                            file_exists: config.file_exists,
                            available: config.profiles.into_keys().collect(),
                        });
                    }
                },
            }
        };
        if !options.disable_env {
            profile.apply_env(&env)?;
        }
        Ok(profile)
    }

    /// The server's address (`host:port`), if set. [`connection_options`] uses
    /// `localhost:7233` when it is not.
    ///
    /// [`connection_options`]: ClientConfigProfile::connection_options
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{ClientConfigProfile, LoadOptions};
    ///
    /// let profile = ClientConfigProfile::load(&LoadOptions::new().disable_file().env_vars([("TEMPORAL_ADDRESS", "h:1")]))?;
    /// assert_eq!(profile.address(), Some("h:1"));
    /// # Ok::<(), temporal_client::ConfigError>(())
    /// ```
    pub fn address(&self) -> Option<&str> {
        self.address.as_ref().map(|s| s.value.as_str())
    }

    /// The namespace, if set. [`client_options`] uses `default` when it is not.
    ///
    /// [`client_options`]: ClientConfigProfile::client_options
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{ClientConfigProfile, LoadOptions};
    ///
    /// let profile = ClientConfigProfile::load(&LoadOptions::new().disable_file().env_vars([("TEMPORAL_NAMESPACE", "billing")]))?;
    /// assert_eq!(profile.namespace(), Some("billing"));
    /// # Ok::<(), temporal_client::ConfigError>(())
    /// ```
    pub fn namespace(&self) -> Option<&str> {
        self.namespace.as_ref().map(|s| s.value.as_str())
    }

    /// The API key, if set.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{ClientConfigProfile, LoadOptions};
    ///
    /// let profile = ClientConfigProfile::load(&LoadOptions::new().disable_file().env_vars([("TEMPORAL_API_KEY", "k")]))?;
    /// assert_eq!(profile.api_key(), Some("k"));
    /// # Ok::<(), temporal_client::ConfigError>(())
    /// ```
    pub fn api_key(&self) -> Option<&str> {
        self.api_key.as_ref().map(|s| s.value.as_str())
    }

    /// The `:authority` override (`authority`, `TEMPORAL_CLIENT_AUTHORITY`), if set: what
    /// [`ConnectionOptions::authority`] sends instead of the address.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{ClientConfigProfile, LoadOptions};
    ///
    /// let profile = ClientConfigProfile::load(&LoadOptions::new().disable_file().env_vars([("HOME", "/x")]))?;
    /// assert_eq!(profile.authority(), None);
    /// # Ok::<(), temporal_client::ConfigError>(())
    /// ```
    pub fn authority(&self) -> Option<&str> {
        self.authority.as_ref().map(|s| s.value.as_str())
    }

    /// The TLS settings, if the profile has a `tls` table or a `TEMPORAL_TLS*` variable is
    /// set.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{ClientConfigProfile, LoadOptions};
    ///
    /// let profile = ClientConfigProfile::load(&LoadOptions::new().disable_file().env_vars([("TEMPORAL_TLS", "false")]))?;
    /// assert_eq!(profile.tls().and_then(|tls| tls.disabled()), Some(true));
    /// # Ok::<(), temporal_client::ConfigError>(())
    /// ```
    pub fn tls(&self) -> Option<&ClientConfigTls> {
        self.tls.as_ref()
    }

    /// The remote codec settings, if any: read, not applied (see [`ClientConfigProfile`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{ClientConfigProfile, LoadOptions};
    ///
    /// let profile = ClientConfigProfile::load(
    ///     &LoadOptions::new().disable_file().env_vars([("TEMPORAL_CODEC_ENDPOINT", "http://codec")]),
    /// )?;
    /// assert_eq!(profile.codec().and_then(|codec| codec.endpoint()), Some("http://codec"));
    /// # Ok::<(), temporal_client::ConfigError>(())
    /// ```
    pub fn codec(&self) -> Option<&ClientConfigCodec> {
        self.codec.as_ref()
    }

    /// The gRPC metadata sent with every call, by normalized name (lowercase, `-` for `_`).
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{ClientConfigProfile, LoadOptions};
    ///
    /// let profile = ClientConfigProfile::load(
    ///     &LoadOptions::new().config_toml("[profile.default.grpc_meta]\nX_Team = \"payments\"").disable_env(),
    /// )?;
    /// assert_eq!(profile.grpc_meta().collect::<Vec<_>>(), [("x-team", "payments")]);
    /// # Ok::<(), temporal_client::ConfigError>(())
    /// ```
    pub fn grpc_meta(&self) -> impl Iterator<Item = (&str, &str)> {
        self.grpc_meta
            .iter()
            .map(|(name, setting)| (name.as_str(), setting.value.as_str()))
    }

    /// Where the setting of `key` came from, if it is set: `address`, `namespace`,
    /// `api_key`, `authority`, `tls`, `tls.<key>` (such as `tls.client_cert`, `tls.server_name`),
    /// `codec.endpoint`, `codec.auth`, or `grpc_meta.<name>`.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{ClientConfigProfile, LoadOptions, Origin};
    ///
    /// let profile = ClientConfigProfile::load(
    ///     &LoadOptions::new().disable_file().env_vars([("TEMPORAL_GRPC_META_X_TEAM", "payments")]),
    /// )?;
    /// assert_eq!(
    ///     profile.origin("grpc_meta.x-team"),
    ///     Some(&Origin::Env { variable: "TEMPORAL_GRPC_META_X_TEAM".to_owned() })
    /// );
    /// # Ok::<(), temporal_client::ConfigError>(())
    /// ```
    pub fn origin(&self, key: &str) -> Option<&Origin> {
        fn origin(setting: &Option<Setting<String>>) -> Option<&Origin> {
            setting.as_ref().map(|s| &s.origin)
        }
        match key {
            "address" => origin(&self.address),
            "namespace" => origin(&self.namespace),
            "api_key" => origin(&self.api_key),
            "authority" => origin(&self.authority),
            "tls" => self.tls.as_ref().map(|tls| &tls.origin),
            _ => {
                if let Some(tls_key) = key.strip_prefix("tls.") {
                    return self.tls.as_ref()?.origin(tls_key);
                }
                if let Some(codec_key) = key.strip_prefix("codec.") {
                    let codec = self.codec.as_ref()?;
                    return match codec_key {
                        "endpoint" => origin(&codec.endpoint),
                        "auth" => origin(&codec.auth),
                        _ => None,
                    };
                }
                let name = key.strip_prefix("grpc_meta.")?;
                self.grpc_meta.get(name).map(|s| &s.origin)
            }
        }
    }

    /// Client options in the profile's namespace (`default` when it has none).
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{ClientConfigProfile, LoadOptions};
    ///
    /// let profile = ClientConfigProfile::load(&LoadOptions::new().disable_file().env_vars([("TEMPORAL_NAMESPACE", "billing")]))?;
    /// let options = profile.client_options().identity("billing-api");
    /// # let _ = options;
    /// # Ok::<(), temporal_client::ConfigError>(())
    /// ```
    pub fn client_options(&self) -> ClientOptions {
        match self.namespace() {
            Some(namespace) => ClientOptions::default().namespace(namespace),
            None => ClientOptions::default(),
        }
    }

    /// Connection options for this profile: its address (`localhost:7233` when unset), API
    /// key, TLS, headers and [`authority`](ConnectionOptions::authority). Certificate and key
    /// files are read here. `disable_host_verification = true` becomes
    /// [`TlsOptions::danger_disable_host_verification`](crate::TlsOptions::danger_disable_host_verification).
    ///
    /// TLS is on when the profile has TLS settings that do not say `disabled`, or an API key
    /// and no TLS settings. An explicit `disabled = true` (or `TEMPORAL_TLS=false`) connects
    /// in plaintext, and then sends an API key over it if the profile has one, as the Go SDK
    /// and the CLI do: the profile asked for it.
    ///
    /// # Errors
    ///
    /// [`ConfigError::Invalid`] naming the key or variable: a certificate or key file that
    /// cannot be read or is not PEM, a client certificate without a key (or the reverse), a
    /// header name or value gRPC cannot carry, an `authority` that is not `host` or
    /// `host:port`.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{ClientConfigProfile, LoadOptions};
    ///
    /// let profile = ClientConfigProfile::load(&LoadOptions::new().disable_file().env_vars([
    ///     ("TEMPORAL_ADDRESS", "my-ns.a1b2c.tmprl.cloud:7233"),
    ///     ("TEMPORAL_API_KEY", "my-key"), // implies TLS with the system's roots
    /// ]))?;
    /// let options = profile.connection_options()?;
    /// # let _ = options;
    /// # Ok::<(), temporal_client::ConfigError>(())
    /// ```
    pub fn connection_options(&self) -> Result<ConnectionOptions, ConfigError> {
        let mut options = ConnectionOptions::new(self.address().unwrap_or(DEFAULT_ADDRESS));
        if let Some(authority) = &self.authority {
            crate::connection::authority_origin("http", &authority.value)
                .map_err(|reason| invalid(&authority.origin, reason))?;
            options = options.authority(&authority.value);
        }
        if let Some(key) = self.api_key() {
            options = options.api_key(key);
        }
        if let Some(tls) = &self.tls {
            options = if tls.disabled() == Some(true) {
                options.plaintext().allow_api_key_over_plaintext()
            } else {
                options.tls(tls.tls_options()?)
            };
        }
        for (name, setting) in &self.grpc_meta {
            crate::connection::parse_header(name, &setting.value)
                .map_err(|reason| invalid(&setting.origin, reason))?;
            options = options.header(name, &setting.value);
        }
        Ok(options)
    }
}

impl fmt::Debug for ClientConfigProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfigProfile")
            .field("address", &self.address())
            .field("namespace", &self.namespace())
            // A secret must never reach a log.
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("authority", &self.authority())
            .field("tls", &self.tls)
            .field("codec", &self.codec)
            .field("grpc_meta", &self.grpc_meta().collect::<BTreeMap<_, _>>())
            .finish()
    }
}

/// The TLS settings of a profile: the `tls` table and the `TEMPORAL_TLS*` variables.
///
/// # Examples
///
/// ```
/// use temporal_client::{ClientConfigProfile, DataSource, LoadOptions};
///
/// let profile = ClientConfigProfile::load(&LoadOptions::new().disable_file().env_vars([
///     ("TEMPORAL_TLS_SERVER_NAME", "temporal.internal"),
///     ("TEMPORAL_TLS_SERVER_CA_CERT_PATH", "/etc/ca.pem"),
/// ]))?;
/// let tls = profile.tls().expect("TLS settings");
/// assert_eq!(tls.server_name(), Some("temporal.internal"));
/// assert_eq!(tls.server_ca_cert(), Some(&DataSource::Path("/etc/ca.pem".into())));
/// assert_eq!(tls.disabled(), None);
/// # Ok::<(), temporal_client::ConfigError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientConfigTls {
    /// Where the TLS settings began: the `tls` table, or the first variable.
    origin: Origin,
    disabled: Option<Setting<bool>>,
    client_cert: Option<Setting<DataSource>>,
    client_key: Option<Setting<DataSource>>,
    server_ca_cert: Option<Setting<DataSource>>,
    server_name: Option<Setting<String>>,
    disable_host_verification: Option<Setting<bool>>,
}

impl ClientConfigTls {
    fn new(origin: Origin) -> Self {
        Self {
            origin,
            disabled: None,
            client_cert: None,
            client_key: None,
            server_ca_cert: None,
            server_name: None,
            disable_host_verification: None,
        }
    }

    /// `Some(true)` when TLS is explicitly off, `Some(false)` when explicitly on, `None` when
    /// unsaid (TLS is then on, the settings being present).
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{ClientConfigProfile, LoadOptions};
    ///
    /// let profile = ClientConfigProfile::load(&LoadOptions::new().disable_file().env_vars([("TEMPORAL_TLS", "true")]))?;
    /// assert_eq!(profile.tls().and_then(|tls| tls.disabled()), Some(false));
    /// # Ok::<(), temporal_client::ConfigError>(())
    /// ```
    pub fn disabled(&self) -> Option<bool> {
        self.disabled.as_ref().map(|s| s.value)
    }

    /// The client certificate for mTLS.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{ClientConfigProfile, DataSource, LoadOptions};
    ///
    /// let profile = ClientConfigProfile::load(&LoadOptions::new().disable_file().env_vars([("TEMPORAL_TLS_CLIENT_CERT_DATA", "PEM")]))?;
    /// assert_eq!(profile.tls().and_then(|tls| tls.client_cert()), Some(&DataSource::Data(b"PEM".to_vec())));
    /// # Ok::<(), temporal_client::ConfigError>(())
    /// ```
    pub fn client_cert(&self) -> Option<&DataSource> {
        self.client_cert.as_ref().map(|s| &s.value)
    }

    /// The client private key for mTLS.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{ClientConfigProfile, DataSource, LoadOptions};
    ///
    /// let profile = ClientConfigProfile::load(&LoadOptions::new().disable_file().env_vars([("TEMPORAL_TLS_CLIENT_KEY_PATH", "/k.pem")]))?;
    /// assert_eq!(profile.tls().and_then(|tls| tls.client_key()), Some(&DataSource::Path("/k.pem".into())));
    /// # Ok::<(), temporal_client::ConfigError>(())
    /// ```
    pub fn client_key(&self) -> Option<&DataSource> {
        self.client_key.as_ref().map(|s| &s.value)
    }

    /// The CA certificate to trust instead of the system's roots.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{ClientConfigProfile, LoadOptions};
    ///
    /// let profile = ClientConfigProfile::load(&LoadOptions::new().disable_file().env_vars([("TEMPORAL_TLS", "1")]))?;
    /// assert_eq!(profile.tls().and_then(|tls| tls.server_ca_cert()), None);
    /// # Ok::<(), temporal_client::ConfigError>(())
    /// ```
    pub fn server_ca_cert(&self) -> Option<&DataSource> {
        self.server_ca_cert.as_ref().map(|s| &s.value)
    }

    /// The host name the server's certificate must name, instead of the address's host.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{ClientConfigProfile, LoadOptions};
    ///
    /// let profile = ClientConfigProfile::load(&LoadOptions::new().disable_file().env_vars([("TEMPORAL_TLS_SERVER_NAME", "h")]))?;
    /// assert_eq!(profile.tls().and_then(|tls| tls.server_name()), Some("h"));
    /// # Ok::<(), temporal_client::ConfigError>(())
    /// ```
    pub fn server_name(&self) -> Option<&str> {
        self.server_name.as_ref().map(|s| s.value.as_str())
    }

    /// Whether the profile asks to skip verifying the server's certificate; `false` unless
    /// asked. [`ClientConfigProfile::connection_options`] then sets
    /// [`TlsOptions::danger_disable_host_verification`].
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{ClientConfigProfile, LoadOptions};
    ///
    /// let profile = ClientConfigProfile::load(&LoadOptions::new().disable_file().env_vars([("TEMPORAL_TLS", "true")]))?;
    /// assert!(!profile.tls().expect("tls").disable_host_verification());
    /// # Ok::<(), temporal_client::ConfigError>(())
    /// ```
    pub fn disable_host_verification(&self) -> bool {
        self.disable_host_verification
            .as_ref()
            .is_some_and(|s| s.value)
    }

    fn origin(&self, key: &str) -> Option<&Origin> {
        fn of<T>(setting: &Option<Setting<T>>) -> Option<&Origin> {
            setting.as_ref().map(|s| &s.origin)
        }
        match key {
            "disabled" => of(&self.disabled),
            "client_cert" | "client_cert_path" | "client_cert_data" => of(&self.client_cert),
            "client_key" | "client_key_path" | "client_key_data" => of(&self.client_key),
            "server_ca_cert" | "server_ca_cert_path" | "server_ca_cert_data" => {
                of(&self.server_ca_cert)
            }
            "server_name" => of(&self.server_name),
            "disable_host_verification" => of(&self.disable_host_verification),
            _ => None,
        }
    }

    /// The [`TlsOptions`] these settings describe, with the files read and the PEM checked.
    fn tls_options(&self) -> Result<TlsOptions, ConfigError> {
        let mut options = TlsOptions::new();
        if self.disable_host_verification() {
            options = options.danger_disable_host_verification();
        }
        if let Some(ca) = &self.server_ca_cert {
            options = options.ca_certificate(read(ca)?);
            check_pem(&options, &ca.origin)?;
        }
        match (&self.client_cert, &self.client_key) {
            (Some(cert), Some(key)) => {
                let (certificate, private_key) = (read(cert)?, read(key)?);
                check_pem(
                    &TlsOptions::new().client_certificate(certificate.clone(), private_key.clone()),
                    &cert.origin,
                )?;
                options = options.client_certificate(certificate, private_key);
            }
            (Some(cert), None) => {
                return Err(invalid(
                    &cert.origin,
                    "a client certificate needs its private key: set client_key_path or \
                     client_key_data (or TEMPORAL_TLS_CLIENT_KEY_PATH or _DATA)",
                ));
            }
            (None, Some(key)) => {
                return Err(invalid(
                    &key.origin,
                    "a client private key needs its certificate: set client_cert_path or \
                     client_cert_data (or TEMPORAL_TLS_CLIENT_CERT_PATH or _DATA)",
                ));
            }
            (None, None) => {}
        }
        if let Some(name) = self.server_name() {
            options = options.server_name(name);
        }
        Ok(options)
    }
}

/// The remote codec settings of a profile (`codec` table, `TEMPORAL_CODEC_*`): read and
/// exposed, not applied.
///
/// # Examples
///
/// ```
/// use temporal_client::{ClientConfigProfile, LoadOptions};
///
/// let profile = ClientConfigProfile::load(
///     &LoadOptions::new().config_toml("[profile.default.codec]\nendpoint = \"http://codec\"\nauth = \"Bearer x\"").disable_env(),
/// )?;
/// let codec = profile.codec().expect("a codec table");
/// assert_eq!((codec.endpoint(), codec.auth()), (Some("http://codec"), Some("Bearer x")));
/// # Ok::<(), temporal_client::ConfigError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Default)]
pub struct ClientConfigCodec {
    endpoint: Option<Setting<String>>,
    auth: Option<Setting<String>>,
}

impl ClientConfigCodec {
    /// The codec server's URL.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{ClientConfigProfile, LoadOptions};
    ///
    /// let profile = ClientConfigProfile::load(&LoadOptions::new().disable_file().env_vars([("TEMPORAL_CODEC_ENDPOINT", "http://c")]))?;
    /// assert_eq!(profile.codec().and_then(|c| c.endpoint()), Some("http://c"));
    /// # Ok::<(), temporal_client::ConfigError>(())
    /// ```
    pub fn endpoint(&self) -> Option<&str> {
        self.endpoint.as_ref().map(|s| s.value.as_str())
    }

    /// The `Authorization` header value for the codec server.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{ClientConfigProfile, LoadOptions};
    ///
    /// let profile = ClientConfigProfile::load(&LoadOptions::new().disable_file().env_vars([("TEMPORAL_CODEC_AUTH", "Bearer x")]))?;
    /// assert_eq!(profile.codec().and_then(|c| c.auth()), Some("Bearer x"));
    /// # Ok::<(), temporal_client::ConfigError>(())
    /// ```
    pub fn auth(&self) -> Option<&str> {
        self.auth.as_ref().map(|s| s.value.as_str())
    }
}

impl fmt::Debug for ClientConfigCodec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfigCodec")
            .field("endpoint", &self.endpoint())
            // Credentials for the codec server.
            .field("auth", &self.auth.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

fn invalid(origin: &Origin, reason: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        origin: origin.clone(),
        reason: reason.into(),
    }
}

/// The bytes of a certificate or key: its file's, or the inline PEM.
fn read(setting: &Setting<DataSource>) -> Result<Vec<u8>, ConfigError> {
    match &setting.value {
        DataSource::Data(data) => Ok(data.clone()),
        DataSource::Path(path) => std::fs::read(path).map_err(|e| {
            invalid(
                &setting.origin,
                format!("cannot read `{}`: {e}", path.display()),
            )
        }),
    }
}

#[cfg(feature = "tls")]
fn check_pem(options: &TlsOptions, origin: &Origin) -> Result<(), ConfigError> {
    options
        .check_pem()
        .map_err(|reason| invalid(origin, reason))
}

// Without TLS support the connection refuses TLS itself, naming the missing feature.
#[cfg(not(feature = "tls"))]
fn check_pem(_options: &TlsOptions, _origin: &Origin) -> Result<(), ConfigError> {
    Ok(())
}
