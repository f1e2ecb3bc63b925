//! The `TEMPORAL_*` environment variables laid over a profile, and the default file's
//! location.

use std::collections::BTreeMap;
use std::env::VarError;
use std::path::PathBuf;

use super::{
    ClientConfigCodec, ClientConfigProfile, ClientConfigTls, ConfigError, DataSource, Origin,
    Setting, invalid,
};

const GRPC_META_PREFIX: &str = "TEMPORAL_GRPC_META_";

/// Every variable that makes TLS settings when the file has none.
pub(super) const TLS_VARIABLES: [&str; 9] = [
    "TEMPORAL_TLS",
    "TEMPORAL_TLS_CLIENT_CERT_PATH",
    "TEMPORAL_TLS_CLIENT_CERT_DATA",
    "TEMPORAL_TLS_CLIENT_KEY_PATH",
    "TEMPORAL_TLS_CLIENT_KEY_DATA",
    "TEMPORAL_TLS_SERVER_CA_CERT_PATH",
    "TEMPORAL_TLS_SERVER_CA_CERT_DATA",
    "TEMPORAL_TLS_SERVER_NAME",
    "TEMPORAL_TLS_DISABLE_HOST_VERIFICATION",
];

/// The environment read: the process's, or a map given for the purpose (tests).
#[derive(Debug, Clone, Copy)]
pub(super) enum Env<'a> {
    Process,
    Map(&'a BTreeMap<String, String>),
}

impl Env<'_> {
    /// The value of `name` if it is set, perhaps empty.
    pub(super) fn get(&self, name: &str) -> Result<Option<String>, ConfigError> {
        match self {
            Env::Map(vars) => Ok(vars.get(name).cloned()),
            Env::Process => match std::env::var(name) {
                Ok(value) => Ok(Some(value)),
                Err(VarError::NotPresent) => Ok(None),
                Err(VarError::NotUnicode(_)) => Err(not_unicode(name)),
            },
        }
    }

    /// The value of `name` if it is set and not empty.
    pub(super) fn get_nonempty(&self, name: &str) -> Result<Option<String>, ConfigError> {
        Ok(self.get(name)?.filter(|value| !value.is_empty()))
    }

    /// Every variable whose name starts with `prefix`, by name.
    fn with_prefix(&self, prefix: &str) -> Result<BTreeMap<String, String>, ConfigError> {
        match self {
            Env::Map(vars) => Ok(vars
                .iter()
                .filter(|(name, _)| name.starts_with(prefix))
                .map(|(name, value)| (name.clone(), value.clone()))
                .collect()),
            Env::Process => std::env::vars_os()
                .filter_map(|(name, value)| {
                    let name = name.into_string().ok()?;
                    name.starts_with(prefix).then_some((name, value))
                })
                .map(|(name, value)| match value.into_string() {
                    Ok(value) => Ok((name, value)),
                    Err(_) => Err(not_unicode(&name)),
                })
                .collect(),
        }
    }
}

fn not_unicode(name: &str) -> ConfigError {
    invalid(&variable(name), "the value is not valid Unicode")
}

fn variable(name: &str) -> Origin {
    Origin::Env {
        variable: name.to_owned(),
    }
}

/// `temporalio/temporal.toml` in the user's config directory, as Go's `os.UserConfigDir`
/// (which the CLI uses) finds it; `None` without a home directory.
pub(super) fn default_config_file(env: &Env<'_>) -> Result<Option<PathBuf>, ConfigError> {
    let dir = if cfg!(windows) {
        env.get_nonempty("APPDATA")?.map(PathBuf::from)
    } else if cfg!(target_os = "macos") {
        env.get_nonempty("HOME")?
            .map(|home| PathBuf::from(home).join("Library/Application Support"))
    } else {
        match env.get_nonempty("XDG_CONFIG_HOME")? {
            // Go refuses a relative XDG_CONFIG_HOME, and the CLI then reads no file.
            Some(dir) => Some(PathBuf::from(dir)).filter(|dir| dir.is_absolute()),
            None => env
                .get_nonempty("HOME")?
                .map(|home| PathBuf::from(home).join(".config")),
        }
    };
    Ok(dir.map(|dir| dir.join("temporalio").join("temporal.toml")))
}

/// A gRPC metadata name as every SDK normalizes it: lowercase, `-` for `_`.
pub(super) fn normalize_header_name(name: &str) -> String {
    name.to_lowercase().replace('_', "-")
}

impl ClientConfigProfile {
    /// Lays the `TEMPORAL_*` variables over the file's settings: each one set wins.
    pub(super) fn apply_env(&mut self, env: &Env<'_>) -> Result<(), ConfigError> {
        string(env, "TEMPORAL_ADDRESS", &mut self.address)?;
        string(env, "TEMPORAL_NAMESPACE", &mut self.namespace)?;
        string(env, "TEMPORAL_API_KEY", &mut self.api_key)?;
        string(env, "TEMPORAL_CLIENT_AUTHORITY", &mut self.authority)?;
        self.apply_tls_env(env)?;
        if self.codec.is_none()
            && (env.get_nonempty("TEMPORAL_CODEC_ENDPOINT")?.is_some()
                || env.get_nonempty("TEMPORAL_CODEC_AUTH")?.is_some())
        {
            self.codec = Some(ClientConfigCodec::default());
        }
        if let Some(codec) = &mut self.codec {
            string(env, "TEMPORAL_CODEC_ENDPOINT", &mut codec.endpoint)?;
            string(env, "TEMPORAL_CODEC_AUTH", &mut codec.auth)?;
        }
        self.apply_grpc_meta_env(env)
    }

    fn apply_tls_env(&mut self, env: &Env<'_>) -> Result<(), ConfigError> {
        if self.tls.is_none() {
            for name in TLS_VARIABLES {
                if env.get_nonempty(name)?.is_some() {
                    self.tls = Some(ClientConfigTls::new(variable(name)));
                    break;
                }
            }
        }
        let Some(tls) = &mut self.tls else {
            return Ok(());
        };
        if let Some(enabled) = boolean(env, "TEMPORAL_TLS")? {
            tls.disabled = Some(Setting {
                value: !enabled.value,
                origin: enabled.origin,
            });
        }
        data_source(
            env,
            "client_cert",
            "TEMPORAL_TLS_CLIENT_CERT",
            &mut tls.client_cert,
        )?;
        data_source(
            env,
            "client_key",
            "TEMPORAL_TLS_CLIENT_KEY",
            &mut tls.client_key,
        )?;
        data_source(
            env,
            "server_ca_cert",
            "TEMPORAL_TLS_SERVER_CA_CERT",
            &mut tls.server_ca_cert,
        )?;
        string(env, "TEMPORAL_TLS_SERVER_NAME", &mut tls.server_name)?;
        if let Some(skip) = boolean(env, "TEMPORAL_TLS_DISABLE_HOST_VERIFICATION")? {
            tls.disable_host_verification = Some(skip);
        }
        Ok(())
    }

    fn apply_grpc_meta_env(&mut self, env: &Env<'_>) -> Result<(), ConfigError> {
        // Which variable set each header, to refuse two that name the same one.
        let mut set_by: BTreeMap<String, String> = BTreeMap::new();
        for (name, value) in env.with_prefix(GRPC_META_PREFIX)? {
            let raw = &name[GRPC_META_PREFIX.len()..];
            if raw.is_empty() {
                return Err(invalid(
                    &variable(&name),
                    format!("names no header: put its name after {GRPC_META_PREFIX}"),
                ));
            }
            let header = normalize_header_name(raw);
            if let Some(other) = set_by.insert(header.clone(), name.clone()) {
                return Err(invalid(
                    &variable(&name),
                    format!(
                        "names the same header `{header}` as `{other}` (names are lowercased, \
                         with `-` for `_`)"
                    ),
                ));
            }
            if value.is_empty() {
                // An empty variable removes the file's header, as in every SDK.
                self.grpc_meta.remove(&header);
            } else {
                self.grpc_meta.insert(
                    header,
                    Setting {
                        value,
                        origin: variable(&name),
                    },
                );
            }
        }
        Ok(())
    }
}

/// Sets `field` from the variable if it is set; an empty variable clears it.
fn string(
    env: &Env<'_>,
    name: &str,
    field: &mut Option<Setting<String>>,
) -> Result<(), ConfigError> {
    match env.get(name)? {
        None => {}
        Some(value) if value.is_empty() => *field = None,
        Some(value) => {
            *field = Some(Setting {
                value,
                origin: variable(name),
            });
        }
    }
    Ok(())
}

/// A boolean variable: `true`/`false`/`1`/`0`, any case; unset or empty is `None`.
fn boolean(env: &Env<'_>, name: &str) -> Result<Option<Setting<bool>>, ConfigError> {
    let Some(value) = env.get_nonempty(name)? else {
        return Ok(None);
    };
    let flag = match value.to_lowercase().as_str() {
        "true" | "1" => true,
        "false" | "0" => false,
        _ => {
            return Err(invalid(
                &variable(name),
                format!("`{value}` is not true, false, 1 or 0"),
            ));
        }
    };
    Ok(Some(Setting {
        value: flag,
        origin: variable(name),
    }))
}

/// `<prefix>_PATH` or `<prefix>_DATA` over the file's `<item>_path` or `<item>_data`.
///
/// A path over the file's data (or the reverse) is refused, as the Go SDK and sdk-core do:
/// which one was meant is not clear.
fn data_source(
    env: &Env<'_>,
    item: &str,
    prefix: &str,
    field: &mut Option<Setting<DataSource>>,
) -> Result<(), ConfigError> {
    let path_name = format!("{prefix}_PATH");
    let data_name = format!("{prefix}_DATA");
    let path = env.get(&path_name)?;
    let data = env.get(&data_name)?;
    // An empty variable clears the file's setting of its kind.
    let is_path = |field: &Option<Setting<DataSource>>| {
        matches!(
            field,
            Some(Setting {
                value: DataSource::Path(_),
                ..
            })
        )
    };
    if path.as_deref() == Some("") && is_path(field) {
        *field = None;
    }
    if data.as_deref() == Some("") && field.is_some() && !is_path(field) {
        *field = None;
    }
    let path = path.filter(|value| !value.is_empty());
    let data = data.filter(|value| !value.is_empty());
    let (name, value, kind, other_kind) = match (path, data) {
        (None, None) => return Ok(()),
        (Some(_), Some(_)) => {
            return Err(invalid(
                &variable(&data_name),
                format!("both {path_name} and {data_name} are set; set one"),
            ));
        }
        (Some(path), None) => (path_name, DataSource::Path(path.into()), "path", "data"),
        (None, Some(data)) => (
            data_name,
            DataSource::Data(data.into_bytes()),
            "data",
            "path",
        ),
    };
    if let Some(existing) = field
        && std::mem::discriminant(&existing.value) != std::mem::discriminant(&value)
    {
        return Err(invalid(
            &variable(&name),
            format!(
                "sets the {kind} of tls.{item} while {} sets its {other_kind}; unset one",
                existing.origin
            ),
        ));
    }
    *field = Some(Setting {
        value,
        origin: variable(&name),
    });
    Ok(())
}
