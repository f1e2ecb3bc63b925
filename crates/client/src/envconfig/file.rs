//! `temporal.toml`: `[profile.NAME]` tables, read key by key so that every error names its
//! file, profile, key and line.

use std::collections::BTreeMap;
use std::path::Path;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::{
    ClientConfigCodec, ClientConfigProfile, ClientConfigTls, ConfigError, DataSource, Origin,
    Setting, invalid,
};

/// The keys of a profile, as the Go SDK (which the CLI writes with) knows them.
const PROFILE_KEYS: &str = "address, namespace, api_key, authority, tls, codec, grpc_meta";

/// The profiles of a config file's text.
pub(super) fn parse(
    text: &str,
    file: Option<&Path>,
    strict: bool,
) -> Result<BTreeMap<String, ClientConfigProfile>, ConfigError> {
    let document = DeTable::parse(text).map_err(|e| ConfigError::Syntax {
        file: file.map(Path::to_path_buf),
        message: syntax_message(text, &e),
    })?;
    let reader = Reader { text, file, strict };
    let mut profiles = BTreeMap::new();
    for (key, value) in in_order(document.get_ref()) {
        if key.get_ref() != "profile" {
            reader.unknown(None, key, "the only top-level table is `profile`")?;
            continue;
        }
        for (name_key, value) in in_order(reader.table(None, key.get_ref(), key, value)?) {
            let name = name_key.get_ref().to_string();
            let table = reader.table(None, &format!("profile.{name}"), name_key, value)?;
            let profile = reader.profile(&name, table)?;
            profiles.insert(name, profile);
        }
    }
    Ok(profiles)
}

type Key<'i> = Spanned<std::borrow::Cow<'i, str>>;

/// A table's entries in the order they appear in the file (the parser sorts them by name), so
/// that the first error reported is the first in the file.
fn in_order<'t, 'i>(table: &'t DeTable<'i>) -> Vec<(&'t Key<'i>, &'t Spanned<DeValue<'i>>)> {
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(key, _)| key.span().start);
    entries
}

struct Reader<'a> {
    text: &'a str,
    file: Option<&'a Path>,
    strict: bool,
}

impl Reader<'_> {
    fn origin(&self, profile: Option<&str>, key: &str, at: &Key<'_>) -> Origin {
        Origin::File {
            file: self.file.map(Path::to_path_buf),
            profile: profile.map(str::to_owned),
            key: key.to_owned(),
            line: self.text[..at.span().start.min(self.text.len())]
                .matches('\n')
                .count()
                + 1,
        }
    }

    /// An unknown key: refused in strict mode, ignored otherwise (the CLI may add its own).
    fn unknown(
        &self,
        profile: Option<&str>,
        key: &Key<'_>,
        known: &str,
    ) -> Result<(), ConfigError> {
        if !self.strict {
            return Ok(());
        }
        Err(invalid(
            &self.origin(profile, key.get_ref(), key),
            format!("unknown key; {known}"),
        ))
    }

    fn table<'v, 'i>(
        &self,
        profile: Option<&str>,
        name: &str,
        key: &Key<'_>,
        value: &'v Spanned<DeValue<'i>>,
    ) -> Result<&'v DeTable<'i>, ConfigError> {
        value
            .get_ref()
            .as_table()
            .ok_or_else(|| mistyped(self.origin(profile, name, key), "a table", value.get_ref()))
    }

    fn profile(&self, name: &str, table: &DeTable<'_>) -> Result<ClientConfigProfile, ConfigError> {
        let profile_name = Some(name);
        let mut profile = ClientConfigProfile::default();
        for (key, value) in in_order(table) {
            let key_name = key.get_ref().as_ref();
            match key_name {
                "address" => profile.address = self.string(name, key_name, key, value)?,
                "namespace" => profile.namespace = self.string(name, key_name, key, value)?,
                "api_key" => profile.api_key = self.string(name, key_name, key, value)?,
                "authority" => profile.authority = self.string(name, key_name, key, value)?,
                "tls" => {
                    let table = self.table(profile_name, "tls", key, value)?;
                    profile.tls = Some(self.tls(name, key, table)?);
                }
                "codec" => {
                    let table = self.table(profile_name, "codec", key, value)?;
                    profile.codec = Some(self.codec(name, table)?);
                }
                "grpc_meta" => {
                    let table = self.table(profile_name, "grpc_meta", key, value)?;
                    profile.grpc_meta = self.grpc_meta(name, table)?;
                }
                _ => self.unknown(profile_name, key, &format!("a profile has {PROFILE_KEYS}"))?,
            }
        }
        Ok(profile)
    }

    fn tls(
        &self,
        profile: &str,
        table_key: &Key<'_>,
        table: &DeTable<'_>,
    ) -> Result<ClientConfigTls, ConfigError> {
        let mut tls = ClientConfigTls::new(self.origin(Some(profile), "tls", table_key));
        // Each certificate or key as a path or as data, never both.
        let mut sources: [(&str, Option<Setting<DataSource>>); 3] = [
            ("client_cert", None),
            ("client_key", None),
            ("server_ca_cert", None),
        ];
        for (key, value) in in_order(table) {
            let name = key.get_ref().as_ref();
            let dotted = format!("tls.{name}");
            match name {
                "disabled" => tls.disabled = Some(self.boolean(profile, &dotted, key, value)?),
                "disable_host_verification" => {
                    tls.disable_host_verification =
                        Some(self.boolean(profile, &dotted, key, value)?);
                }
                "server_name" => tls.server_name = self.string(profile, &dotted, key, value)?,
                _ => {
                    let Some((item, source)) = sources.iter_mut().find_map(|(item, source)| {
                        let kind = name.strip_prefix(*item)?;
                        (kind == "_path" || kind == "_data").then_some((*item, source))
                    }) else {
                        self.unknown(
                            Some(profile),
                            key,
                            "a tls table has disabled, client_cert_path, client_cert_data, \
                             client_key_path, client_key_data, server_ca_cert_path, \
                             server_ca_cert_data, server_name, disable_host_verification",
                        )?;
                        continue;
                    };
                    let Some(setting) = self.string(profile, &dotted, key, value)? else {
                        continue; // Empty: unset, as in Go.
                    };
                    if let Some(other) = source {
                        return Err(invalid(
                            &setting.origin,
                            format!(
                                "tls.{item}_path and tls.{item}_data are both set (the other \
                                 on line {}); set one",
                                line_of(&other.origin)
                            ),
                        ));
                    }
                    let value = if name.ends_with("_path") {
                        DataSource::Path(setting.value.into())
                    } else {
                        DataSource::Data(setting.value.into_bytes())
                    };
                    *source = Some(Setting {
                        value,
                        origin: setting.origin,
                    });
                }
            }
        }
        let [(_, client_cert), (_, client_key), (_, server_ca_cert)] = sources;
        tls.client_cert = client_cert;
        tls.client_key = client_key;
        tls.server_ca_cert = server_ca_cert;
        Ok(tls)
    }

    fn codec(&self, profile: &str, table: &DeTable<'_>) -> Result<ClientConfigCodec, ConfigError> {
        let mut codec = ClientConfigCodec::default();
        for (key, value) in in_order(table) {
            let name = key.get_ref().as_ref();
            let dotted = format!("codec.{name}");
            match name {
                "endpoint" => codec.endpoint = self.string(profile, &dotted, key, value)?,
                "auth" => codec.auth = self.string(profile, &dotted, key, value)?,
                _ => self.unknown(Some(profile), key, "a codec table has endpoint, auth")?,
            }
        }
        Ok(codec)
    }

    fn grpc_meta(
        &self,
        profile: &str,
        table: &DeTable<'_>,
    ) -> Result<BTreeMap<String, Setting<String>>, ConfigError> {
        let mut meta: BTreeMap<String, Setting<String>> = BTreeMap::new();
        for (key, value) in in_order(table) {
            let dotted = format!("grpc_meta.{}", key.get_ref());
            let Some(setting) = self.string(profile, &dotted, key, value)? else {
                continue;
            };
            let name = super::env::normalize_header_name(key.get_ref());
            if let Some(other) = meta.get(&name) {
                return Err(invalid(
                    &setting.origin,
                    format!(
                        "names the same header `{name}` as the key on line {} (names are \
                         lowercased, with `-` for `_`)",
                        line_of(&other.origin)
                    ),
                ));
            }
            meta.insert(name, setting);
        }
        Ok(meta)
    }

    /// A string value; an empty string is unset, as in the Go SDK.
    fn string(
        &self,
        profile: &str,
        name: &str,
        key: &Key<'_>,
        value: &Spanned<DeValue<'_>>,
    ) -> Result<Option<Setting<String>>, ConfigError> {
        let origin = self.origin(Some(profile), name, key);
        match value.get_ref().as_str() {
            Some("") => Ok(None),
            Some(text) => Ok(Some(Setting {
                value: text.to_owned(),
                origin,
            })),
            None => Err(mistyped(origin, "a string", value.get_ref())),
        }
    }

    fn boolean(
        &self,
        profile: &str,
        name: &str,
        key: &Key<'_>,
        value: &Spanned<DeValue<'_>>,
    ) -> Result<Setting<bool>, ConfigError> {
        let origin = self.origin(Some(profile), name, key);
        match value.get_ref().as_bool() {
            Some(flag) => Ok(Setting {
                value: flag,
                origin,
            }),
            None => Err(mistyped(
                origin,
                "a boolean (true or false)",
                value.get_ref(),
            )),
        }
    }
}

/// The parser's message with the line and column, without the parser's quote of the line,
/// which could be the line of an API key.
fn syntax_message(text: &str, error: &toml::de::Error) -> String {
    let message = error.message().trim_end().replace('\n', "; ");
    let Some(span) = error.span() else {
        return message;
    };
    let before = &text[..span.start.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .unwrap_or_default()
        .chars()
        .count()
        + 1;
    format!("{message} (line {line}, column {column})")
}

fn line_of(origin: &Origin) -> usize {
    match origin {
        Origin::File { line, .. } => *line,
        Origin::Env { .. } => 0,
    }
}

fn mistyped(origin: Origin, expected: &str, found: &DeValue<'_>) -> ConfigError {
    let kind = found.type_str();
    let article = if kind.starts_with(['a', 'i']) {
        "an"
    } else {
        "a"
    };
    invalid(
        &origin,
        format!("expected {expected}, found {article} {kind}"),
    )
}
