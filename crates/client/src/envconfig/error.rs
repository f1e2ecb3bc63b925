//! [`ConfigError`] and the [`Origin`] of each setting it names.

use std::fmt;
use std::path::PathBuf;

/// Where a setting of a [`ClientConfigProfile`](crate::ClientConfigProfile) came from: a key
/// of a profile in a config file, or an environment variable. Errors name it.
///
/// # Examples
///
/// ```
/// use temporal_client::{ClientConfigProfile, LoadOptions, Origin};
///
/// let profile = ClientConfigProfile::load(
///     &LoadOptions::new()
///         .config_toml("[profile.default]\naddress = \"file:7233\"")
///         .env_vars([("TEMPORAL_NAMESPACE", "billing")]),
/// )?;
/// assert!(matches!(profile.origin("address"), Some(Origin::File { line: 2, .. })));
/// assert_eq!(
///     profile.origin("namespace"),
///     Some(&Origin::Env { variable: "TEMPORAL_NAMESPACE".to_owned() })
/// );
/// # Ok::<(), temporal_client::ConfigError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Origin {
    /// A key in a config file.
    File {
        /// The file; `None` for TOML given with [`LoadOptions::config_toml`].
        ///
        /// [`LoadOptions::config_toml`]: crate::LoadOptions::config_toml
        file: Option<PathBuf>,
        /// The profile whose key it is (`None` for a key outside `[profile.*]`).
        profile: Option<String>,
        /// The key, dotted below the profile: `address`, `tls.client_cert_path`,
        /// `grpc_meta.x-team`.
        key: String,
        /// The line of the key, from 1.
        line: usize,
    },
    /// An environment variable.
    Env {
        /// Its name, such as `TEMPORAL_TLS_SERVER_NAME`.
        variable: String,
    },
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::File {
                file,
                profile,
                key,
                line,
            } => {
                write!(f, "`{key}`")?;
                if let Some(profile) = profile {
                    write!(f, " of profile `{profile}`")?;
                }
                write!(f, " in {} (line {line})", FileName(file.as_ref()))
            }
            Origin::Env { variable } => write!(f, "environment variable `{variable}`"),
        }
    }
}

/// A config file for messages: its path, or what stood for it.
pub(super) struct FileName<'a>(pub(super) Option<&'a PathBuf>);

impl fmt::Display for FileName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(path) => write!(f, "`{}`", path.display()),
            None => f.write_str("the config TOML given to LoadOptions::config_toml"),
        }
    }
}

/// Why a configuration profile could not be loaded or turned into connection options.
///
/// Each variant names the file, profile and key, or the environment variable, at fault.
///
/// # Examples
///
/// ```
/// use temporal_client::{ClientConfigProfile, ConfigError, LoadOptions};
///
/// let error = ClientConfigProfile::load(
///     &LoadOptions::new().config_toml("[profile.default.tls]\ndisabled = \"yes\""),
/// )
/// .expect_err("a string is not a boolean");
/// assert!(matches!(error, ConfigError::Invalid { .. }));
/// assert_eq!(
///     error.to_string(),
///     "`tls.disabled` of profile `default` in the config TOML given to \
///      LoadOptions::config_toml (line 2): expected a boolean (true or false), found a string"
/// );
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The config file exists but could not be read.
    #[error("cannot read the config file `{}`: {source}", path.display())]
    ReadFile {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The config file is not TOML (or not UTF-8).
    #[error("{} is not valid TOML: {message}", FileName(file.as_ref()))]
    Syntax {
        /// The file; `None` for TOML given with
        /// [`LoadOptions::config_toml`](crate::LoadOptions::config_toml).
        file: Option<PathBuf>,
        /// The parser's message, with the line and column.
        message: String,
    },
    /// A setting is malformed, conflicts with another, names a file that cannot be read, or
    /// asks for what this client does not do.
    #[error("{origin}: {reason}")]
    Invalid {
        /// Where the setting came from.
        origin: Origin,
        /// What is wrong and what is accepted.
        reason: String,
    },
    /// A profile was asked for by name and the config file has none of that name.
    #[error(
        "profile `{profile}` (from {requested_by}) not found: {}",
        describe_missing(file.as_ref(), *file_exists, available)
    )]
    ProfileNotFound {
        /// The profile asked for.
        profile: String,
        /// What asked for it: `TEMPORAL_PROFILE` or `LoadOptions::profile`.
        requested_by: &'static str,
        /// The config file looked in; `None` for inline TOML or when there is no default
        /// location (no home directory).
        file: Option<PathBuf>,
        /// Whether that file exists.
        file_exists: bool,
        /// The profiles the file has.
        available: Vec<String>,
    },
    /// [`LoadOptions::disable_file`](crate::LoadOptions::disable_file) and
    /// [`LoadOptions::disable_env`](crate::LoadOptions::disable_env) were both set, leaving
    /// nothing to load.
    #[error("both the config file and the environment are disabled: nothing to load")]
    NothingToLoad,
}

fn describe_missing(file: Option<&PathBuf>, file_exists: bool, available: &[String]) -> String {
    let Some(path) = file else {
        return match available {
            [] => "there is no config file, or it has no profile".to_owned(),
            names => format!("the config has profiles {}", quoted(names)),
        };
    };
    if !file_exists {
        return format!("the config file `{}` does not exist", path.display());
    }
    match available {
        [] => format!("the config file `{}` has no profile", path.display()),
        names => format!(
            "the config file `{}` has profiles {}",
            path.display(),
            quoted(names)
        ),
    }
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
