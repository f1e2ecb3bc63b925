//! The profile loader against inline TOML, temporary files and injected environments: no test
//! reads the process's environment or the real home directory.

use std::path::{Path, PathBuf};

use super::*;

/// A directory of its own under the system's temp directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        let path = std::env::temp_dir().join(format!("envconfig-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&path).expect("a temp dir");
        Self(path)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("parent dirs");
        std::fs::write(&path, text).expect("written");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Options that read `toml` and the environment `env`, and nothing of the process's.
fn inline(toml: &str, env: &[(&str, &str)]) -> LoadOptions {
    LoadOptions::new()
        .config_toml(toml)
        .env_vars(env.iter().copied())
}

fn load(options: LoadOptions) -> ClientConfigProfile {
    ClientConfigProfile::load(&options).expect("loads")
}

fn load_err(options: LoadOptions) -> ConfigError {
    ClientConfigProfile::load(&options).expect_err("refused")
}

fn file_origin(profile: &str, key: &str, line: usize) -> Origin {
    Origin::File {
        file: None,
        profile: Some(profile.to_owned()),
        key: key.to_owned(),
        line,
    }
}

fn env_origin(variable: &str) -> Origin {
    Origin::Env {
        variable: variable.to_owned(),
    }
}

const EVERY_KEY: &str = r#"
[profile.default]
address = "localhost:7233"

[profile.prod]
address = "prod.example:7233"
namespace = "billing"
api_key = "secret-key"
authority = "authority.example"

[profile.prod.tls]
disabled = false
client_cert_path = "/etc/temporal/client.pem"
client_key_data = "-----BEGIN PRIVATE KEY-----"
server_ca_cert_path = "/etc/temporal/ca.pem"
server_name = "temporal.internal"
disable_host_verification = true

[profile.prod.codec]
endpoint = "https://codec.example"
auth = "Bearer codec"

[profile.prod.grpc_meta]
X_Team = "payments"
"x-region" = "eu"
"#;

#[test]
fn every_key_of_the_file_format_is_read_with_its_line() {
    let profile = load(inline(EVERY_KEY, &[]).profile("prod"));
    assert_eq!(profile.address(), Some("prod.example:7233"));
    assert_eq!(profile.namespace(), Some("billing"));
    assert_eq!(profile.api_key(), Some("secret-key"));
    assert_eq!(profile.authority(), Some("authority.example"));
    let tls = profile.tls().expect("a tls table");
    assert_eq!(tls.disabled(), Some(false));
    assert_eq!(
        tls.client_cert(),
        Some(&DataSource::Path("/etc/temporal/client.pem".into()))
    );
    assert_eq!(
        tls.client_key(),
        Some(&DataSource::Data(b"-----BEGIN PRIVATE KEY-----".to_vec()))
    );
    assert_eq!(
        tls.server_ca_cert(),
        Some(&DataSource::Path("/etc/temporal/ca.pem".into()))
    );
    assert_eq!(tls.server_name(), Some("temporal.internal"));
    assert!(tls.disable_host_verification());
    let codec = profile.codec().expect("a codec table");
    assert_eq!(codec.endpoint(), Some("https://codec.example"));
    assert_eq!(codec.auth(), Some("Bearer codec"));
    // Names normalized as every SDK does: lowercase, `-` for `_`.
    assert_eq!(
        profile.grpc_meta().collect::<Vec<_>>(),
        [("x-region", "eu"), ("x-team", "payments")]
    );

    assert_eq!(
        profile.origin("address"),
        Some(&file_origin("prod", "address", 6))
    );
    assert_eq!(profile.origin("tls"), Some(&file_origin("prod", "tls", 11)));
    assert_eq!(
        profile.origin("tls.client_key"),
        Some(&file_origin("prod", "tls.client_key_data", 14))
    );
    assert_eq!(
        profile.origin("grpc_meta.x-team"),
        Some(&file_origin("prod", "grpc_meta.X_Team", 24))
    );
    assert_eq!(
        profile.origin("codec.auth"),
        Some(&file_origin("prod", "codec.auth", 21))
    );
    assert_eq!(profile.origin("no_such_key"), None);
}

#[test]
fn the_default_profile_is_read_unless_another_is_named() {
    let profile = load(inline(EVERY_KEY, &[]));
    assert_eq!(profile.address(), Some("localhost:7233"));
    assert_eq!(profile.namespace(), None);
    assert!(profile.tls().is_none());

    // TEMPORAL_PROFILE names one; LoadOptions::profile names one over it.
    let by_env = load(inline(EVERY_KEY, &[("TEMPORAL_PROFILE", "prod")]));
    assert_eq!(by_env.namespace(), Some("billing"));
    let by_option = load(inline(EVERY_KEY, &[("TEMPORAL_PROFILE", "prod")]).profile("default"));
    assert_eq!(by_option.namespace(), None);
    // An empty TEMPORAL_PROFILE is unset.
    let empty = load(inline(EVERY_KEY, &[("TEMPORAL_PROFILE", "")]));
    assert_eq!(empty.address(), Some("localhost:7233"));
    // TEMPORAL_PROFILE still chooses with the environment's overrides disabled (Go, CLI).
    let env_disabled = load(
        inline(
            EVERY_KEY,
            &[("TEMPORAL_PROFILE", "prod"), ("TEMPORAL_NAMESPACE", "x")],
        )
        .disable_env(),
    );
    assert_eq!(env_disabled.namespace(), Some("billing"));
}

#[test]
fn a_missing_default_profile_is_empty_but_a_named_one_is_an_error() {
    let empty = load(inline("[profile.prod]\naddress = \"p:1\"", &[]));
    assert_eq!(empty, ClientConfigProfile::default());
    assert!(empty.connection_options().is_ok());

    let error = load_err(inline(
        "[profile.prod]\n[profile.dev]",
        &[("TEMPORAL_PROFILE", "staging")],
    ));
    assert!(
        matches!(&error, ConfigError::ProfileNotFound { profile, requested_by: "TEMPORAL_PROFILE", available, .. }
            if profile == "staging" && available == &["dev", "prod"]),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "profile `staging` (from TEMPORAL_PROFILE) not found: the config has profiles `dev`, `prod`"
    );
    // Naming `default` explicitly makes it required too, as in Go.
    let error = load_err(inline("", &[]).profile("default"));
    assert!(
        matches!(
            &error,
            ConfigError::ProfileNotFound {
                requested_by: "LoadOptions::profile",
                ..
            }
        ),
        "{error:?}"
    );

    let dir = TempDir::new();
    let missing = dir.0.join("absent.toml");
    let error = load_err(
        LoadOptions::new()
            .config_file(&missing)
            .profile("prod")
            .env_vars([("A", "b")]),
    );
    assert_eq!(
        error.to_string(),
        format!(
            "profile `prod` (from LoadOptions::profile) not found: the config file `{}` does not exist",
            missing.display()
        )
    );
    let file = dir.write("t.toml", "[profile.default]\n");
    let error = load_err(
        LoadOptions::new()
            .config_file(&file)
            .profile("prod")
            .env_vars([("A", "b")]),
    );
    assert_eq!(
        error.to_string(),
        format!(
            "profile `prod` (from LoadOptions::profile) not found: the config file `{}` has profiles `default`",
            file.display()
        )
    );
}

#[test]
fn the_file_is_the_option_s_else_temporal_config_file_s_else_the_default_location() {
    let dir = TempDir::new();
    let chosen = dir.write("chosen.toml", "[profile.default]\naddress = \"chosen:1\"");
    let by_env = dir.write("by-env.toml", "[profile.default]\naddress = \"by-env:1\"");
    let xdg = dir.write(
        "xdg/temporalio/temporal.toml",
        "[profile.default]\naddress = \"xdg:1\"",
    );
    let home = dir.write(
        "home/.config/temporalio/temporal.toml",
        "[profile.default]\naddress = \"home:1\"",
    );
    let xdg_dir = dir.0.join("xdg");
    let home_dir = dir.0.join("home");
    let var = |path: &Path| path.to_str().expect("UTF-8").to_owned();
    let env = [
        ("TEMPORAL_CONFIG_FILE", var(&by_env)),
        ("XDG_CONFIG_HOME", var(&xdg_dir)),
        ("HOME", var(&home_dir)),
    ];
    // Only the file: the variables of `env` are not applied as overrides here.
    let address = |options: LoadOptions| {
        let config = ClientConfig::load(&options).expect("loads");
        let file = config.file().map(Path::to_path_buf);
        let address = config
            .profile("default")
            .and_then(|p| p.address())
            .map(str::to_owned);
        (file, address)
    };
    let everything = LoadOptions::new().env_vars(env.clone());
    assert_eq!(
        address(everything.clone().config_file(&chosen)),
        (Some(chosen.clone()), Some("chosen:1".to_owned()))
    );
    assert_eq!(
        address(everything.clone()),
        (Some(by_env.clone()), Some("by-env:1".to_owned()))
    );
    let no_config_file = LoadOptions::new().env_vars(env[1..].iter().cloned());
    if cfg!(any(windows, target_os = "macos")) {
        // The locations of these systems are not XDG's; only the file's choice is tested here.
        return;
    }
    assert_eq!(
        address(no_config_file),
        (Some(xdg.clone()), Some("xdg:1".to_owned()))
    );
    let home_only = LoadOptions::new().env_vars([env[2].clone()]);
    assert_eq!(address(home_only), (Some(home), Some("home:1".to_owned())));
    // Go refuses a relative XDG_CONFIG_HOME; the CLI then reads no file.
    let relative = LoadOptions::new().env_vars([
        ("XDG_CONFIG_HOME", "relative/dir".to_owned()),
        env[2].clone(),
    ]);
    assert_eq!(address(relative), (None, None));
    // No home at all: no file, no error.
    assert_eq!(
        address(LoadOptions::new().env_vars([("A", "b")])),
        (None, None)
    );
    // An empty TEMPORAL_CONFIG_FILE is unset.
    let empty =
        LoadOptions::new().env_vars([("TEMPORAL_CONFIG_FILE", String::new()), env[1].clone()]);
    assert_eq!(address(empty), (Some(xdg), Some("xdg:1".to_owned())));
}

#[test]
fn a_missing_file_is_no_error_but_an_unreadable_or_malformed_one_is() {
    let dir = TempDir::new();
    let config = ClientConfig::load(&LoadOptions::new().config_file(dir.0.join("absent.toml")))
        .expect("a missing file is empty");
    assert_eq!(config.profile_names().count(), 0);

    // A directory cannot be read as a file.
    let error = ClientConfig::load(&LoadOptions::new().config_file(&dir.0)).expect_err("refused");
    assert!(
        matches!(&error, ConfigError::ReadFile { path, .. } if path == &dir.0),
        "{error:?}"
    );

    let bad = dir.write("bad.toml", "[profile.default]\naddress = \"unterminated\n");
    let error = ClientConfig::load(&LoadOptions::new().config_file(&bad)).expect_err("refused");
    let message = error.to_string();
    assert!(
        matches!(&error, ConfigError::Syntax { file: Some(f), .. } if f == &bad),
        "{error:?}"
    );
    assert!(message.contains(&bad.display().to_string()), "{message}");
    assert!(message.contains("line 2"), "{message}");
    // The line is not quoted: it could hold a secret.
    let secret = dir.write("secret.toml", "[profile.default]\napi_key = \"SECRET\n");
    let error = ClientConfig::load(&LoadOptions::new().config_file(&secret)).expect_err("refused");
    assert!(!error.to_string().contains("SECRET"), "{error}");

    let latin1 = dir.0.join("latin1.toml");
    std::fs::write(&latin1, b"[profile.default]\nnamespace = \"caf\xe9\"\n").expect("written");
    let error = ClientConfig::load(&LoadOptions::new().config_file(&latin1)).expect_err("refused");
    assert!(error.to_string().contains("not UTF-8"), "{error}");
}

#[test]
fn a_mistyped_key_is_refused_naming_its_file_profile_key_and_line() {
    let dir = TempDir::new();
    let file = dir.write(
        "t.toml",
        "[profile.prod]\nnamespace = \"n\"\naddress = 7233\n",
    );
    let error = load_err(
        LoadOptions::new()
            .config_file(&file)
            .profile("prod")
            .env_vars([("A", "b")]),
    );
    assert_eq!(
        error.to_string(),
        format!(
            "`address` of profile `prod` in `{}` (line 3): expected a string, found an integer",
            file.display()
        )
    );
    let cases = [
        (
            "[profile.default.tls]\ndisable_host_verification = \"true\"",
            "tls.disable_host_verification",
            "expected a boolean (true or false), found a string",
        ),
        (
            "[profile.default]\ntls = true",
            "tls",
            "expected a table, found a boolean",
        ),
        (
            "[profile.default.grpc_meta]\nx-retries = 3",
            "grpc_meta.x-retries",
            "expected a string, found an integer",
        ),
        (
            "[profile.default.codec]\nendpoint = [\"a\"]",
            "codec.endpoint",
            "expected a string, found an array",
        ),
    ];
    for (toml, key, reason) in cases {
        match load_err(inline(toml, &[])) {
            ConfigError::Invalid {
                origin,
                reason: actual,
            } => {
                assert_eq!(origin, file_origin("default", key, 2), "{toml}");
                assert_eq!(actual, reason, "{toml}");
            }
            other => panic!("{toml}: {other:?}"),
        }
    }
    let error = load_err(inline("profile = \"prod\"", &[]));
    assert!(
        error
            .to_string()
            .contains("expected a table, found a string"),
        "{error}"
    );
}

#[test]
fn unknown_keys_are_ignored_unless_strict() {
    let toml = "top = 1\n[profile.default]\naddress = \"a:1\"\noauth = { token = \"t\" }\n\
                [profile.default.tls]\nclient_cert_file = \"x\"\n[profile.default.codec]\nurl = \"u\"";
    let lenient = load(inline(toml, &[]));
    assert_eq!(lenient.address(), Some("a:1"));

    let error = load_err(inline(toml, &[]).strict());
    assert_eq!(
        error.to_string(),
        "`top` in the config TOML given to LoadOptions::config_toml (line 1): unknown key; \
         the only top-level table is `profile`"
    );
    let cases = [
        ("[profile.default]\noauth = 1", "oauth"),
        (
            "[profile.default.tls]\nclient_cert_file = \"x\"",
            "client_cert_file",
        ),
        ("[profile.default.codec]\nurl = \"u\"", "url"),
    ];
    for (toml, key) in cases {
        match load_err(inline(toml, &[]).strict()) {
            ConfigError::Invalid { origin, reason } => {
                assert_eq!(origin, file_origin("default", key, 2), "{toml}");
                assert!(reason.starts_with("unknown key; "), "{reason}");
            }
            other => panic!("{toml}: {other:?}"),
        }
    }
}

#[test]
fn a_certificate_given_both_as_a_path_and_as_data_is_refused() {
    let toml =
        "[profile.default.tls]\nserver_ca_cert_path = \"/ca.pem\"\nserver_ca_cert_data = \"PEM\"";
    let error = load_err(inline(toml, &[]));
    assert_eq!(
        error.to_string(),
        "`tls.server_ca_cert_data` of profile `default` in the config TOML given to \
         LoadOptions::config_toml (line 3): tls.server_ca_cert_path and tls.server_ca_cert_data \
         are both set (the other on line 2); set one"
    );
    // Empty strings are unset, as in Go.
    let profile = load(inline(
        "[profile.default.tls]\nserver_ca_cert_path = \"\"\nserver_ca_cert_data = \"PEM\"",
        &[],
    ));
    assert_eq!(
        profile.tls().and_then(ClientConfigTls::server_ca_cert),
        Some(&DataSource::Data(b"PEM".to_vec()))
    );
}

#[test]
fn header_names_that_normalize_to_one_are_refused() {
    let error = load_err(inline(
        "[profile.default.grpc_meta]\nX_Team = \"a\"\nx-team = \"b\"",
        &[],
    ));
    assert!(
        error.to_string().contains("names the same header `x-team`"),
        "{error}"
    );
    let error = load_err(inline(
        "",
        &[
            ("TEMPORAL_GRPC_META_X_TEAM", "a"),
            ("TEMPORAL_GRPC_META_x-team", "b"),
        ],
    ));
    assert!(
        error.to_string().contains("names the same header `x-team`"),
        "{error}"
    );
}

#[test]
fn every_variable_overrides_the_file() {
    let toml = r#"
[profile.default]
address = "file:7233"
namespace = "file-ns"
api_key = "file-key"
[profile.default.tls]
server_name = "file.example"
server_ca_cert_path = "/file/ca.pem"
client_cert_path = "/file/cert.pem"
client_key_path = "/file/key.pem"
[profile.default.codec]
endpoint = "http://file-codec"
[profile.default.grpc_meta]
x-team = "file-team"
x-kept = "kept"
x-dropped = "dropped"
"#;
    let env = [
        ("TEMPORAL_ADDRESS", "env:7233"),
        ("TEMPORAL_NAMESPACE", "env-ns"),
        ("TEMPORAL_API_KEY", "env-key"),
        ("TEMPORAL_TLS", "FALSE"),
        ("TEMPORAL_TLS_SERVER_NAME", "env.example"),
        ("TEMPORAL_TLS_SERVER_CA_CERT_PATH", "/env/ca.pem"),
        ("TEMPORAL_TLS_CLIENT_CERT_PATH", "/env/cert.pem"),
        ("TEMPORAL_TLS_CLIENT_KEY_PATH", "/env/key.pem"),
        ("TEMPORAL_TLS_DISABLE_HOST_VERIFICATION", "1"),
        ("TEMPORAL_CODEC_ENDPOINT", "http://env-codec"),
        ("TEMPORAL_CODEC_AUTH", "env-auth"),
        ("TEMPORAL_CLIENT_AUTHORITY", "env-authority"),
        ("TEMPORAL_GRPC_META_X_TEAM", "env-team"),
        ("TEMPORAL_GRPC_META_X_NEW", "new"),
        ("TEMPORAL_GRPC_META_X_DROPPED", ""),
    ];
    let profile = load(inline(toml, &env));
    assert_eq!(profile.address(), Some("env:7233"));
    assert_eq!(profile.namespace(), Some("env-ns"));
    assert_eq!(profile.api_key(), Some("env-key"));
    assert_eq!(profile.authority(), Some("env-authority"));
    let tls = profile.tls().expect("TLS settings");
    assert_eq!(tls.disabled(), Some(true));
    assert_eq!(tls.server_name(), Some("env.example"));
    assert_eq!(
        tls.server_ca_cert(),
        Some(&DataSource::Path("/env/ca.pem".into()))
    );
    assert_eq!(
        tls.client_cert(),
        Some(&DataSource::Path("/env/cert.pem".into()))
    );
    assert_eq!(
        tls.client_key(),
        Some(&DataSource::Path("/env/key.pem".into()))
    );
    assert!(tls.disable_host_verification());
    let codec = profile.codec().expect("codec");
    assert_eq!(
        (codec.endpoint(), codec.auth()),
        (Some("http://env-codec"), Some("env-auth"))
    );
    assert_eq!(
        profile.grpc_meta().collect::<Vec<_>>(),
        [("x-kept", "kept"), ("x-new", "new"), ("x-team", "env-team")]
    );
    for (key, variable) in [
        ("address", "TEMPORAL_ADDRESS"),
        ("namespace", "TEMPORAL_NAMESPACE"),
        ("api_key", "TEMPORAL_API_KEY"),
        ("tls.disabled", "TEMPORAL_TLS"),
        ("tls.server_ca_cert", "TEMPORAL_TLS_SERVER_CA_CERT_PATH"),
        ("grpc_meta.x-team", "TEMPORAL_GRPC_META_X_TEAM"),
    ] {
        assert_eq!(profile.origin(key), Some(&env_origin(variable)), "{key}");
    }
    assert_eq!(
        profile.origin("grpc_meta.x-kept"),
        Some(&file_origin("default", "grpc_meta.x-kept", 15))
    );

    // With the environment disabled, the file alone.
    let file_only = load(inline(toml, &env).disable_env());
    assert_eq!(file_only.address(), Some("file:7233"));
    assert_eq!(file_only.tls().and_then(ClientConfigTls::disabled), None);
}

#[test]
fn an_empty_variable_clears_the_file_s_setting() {
    let toml = "[profile.default]\naddress = \"file:7233\"\napi_key = \"k\"\n\
                [profile.default.tls]\nserver_name = \"s\"\nserver_ca_cert_data = \"PEM\"";
    let profile = load(inline(
        toml,
        &[
            ("TEMPORAL_ADDRESS", ""),
            ("TEMPORAL_API_KEY", ""),
            ("TEMPORAL_TLS_SERVER_NAME", ""),
            ("TEMPORAL_TLS_SERVER_CA_CERT_DATA", ""),
            // Empty booleans are ignored.
            ("TEMPORAL_TLS", ""),
        ],
    ));
    assert_eq!(profile.address(), None);
    assert_eq!(profile.api_key(), None);
    let tls = profile.tls().expect("the file's tls table stays");
    assert_eq!(
        (tls.server_name(), tls.server_ca_cert(), tls.disabled()),
        (None, None, None)
    );
    // Empty TLS variables alone make no TLS settings.
    let profile = load(inline(
        "",
        &[("TEMPORAL_TLS_SERVER_NAME", ""), ("TEMPORAL_TLS", "")],
    ));
    assert!(profile.tls().is_none());
}

#[test]
fn tls_settings_come_from_the_file_s_table_or_any_tls_variable() {
    assert!(
        load(inline("[profile.default]\napi_key = \"k\"", &[]))
            .tls()
            .is_none()
    );
    // An empty table, as `temporal config set --prop tls --value true` writes it.
    let table = load(inline("[profile.default.tls]", &[]));
    assert_eq!(table.tls().map(ClientConfigTls::disabled), Some(None));
    for variable in super::env::TLS_VARIABLES {
        let value = if variable.ends_with("TLS") || variable.ends_with("VERIFICATION") {
            "true"
        } else {
            "x"
        };
        let profile = load(inline("", &[(variable, value)]));
        assert_eq!(
            profile.origin("tls"),
            Some(&env_origin(variable)),
            "{variable}"
        );
    }
    let off = load(inline(
        "[profile.default.tls]\nserver_name = \"s\"",
        &[("TEMPORAL_TLS", "0")],
    ));
    assert_eq!(off.tls().and_then(ClientConfigTls::disabled), Some(true));
    assert_eq!(off.tls().and_then(ClientConfigTls::server_name), Some("s"));
}

#[test]
fn malformed_variables_are_refused_by_name() {
    for (variable, value, reason) in [
        ("TEMPORAL_TLS", "yes", "`yes` is not true, false, 1 or 0"),
        (
            "TEMPORAL_TLS_DISABLE_HOST_VERIFICATION",
            "on",
            "`on` is not true, false, 1 or 0",
        ),
        (
            "TEMPORAL_GRPC_META_",
            "x",
            "names no header: put its name after TEMPORAL_GRPC_META_",
        ),
    ] {
        match load_err(inline("", &[(variable, value)])) {
            ConfigError::Invalid {
                origin,
                reason: actual,
            } => {
                assert_eq!(origin, env_origin(variable));
                assert_eq!(actual, reason);
            }
            other => panic!("{variable}: {other:?}"),
        }
    }
    let error = load_err(inline(
        "",
        &[
            ("TEMPORAL_TLS_CLIENT_CERT_PATH", "/c.pem"),
            ("TEMPORAL_TLS_CLIENT_CERT_DATA", "PEM"),
        ],
    ));
    assert_eq!(
        error.to_string(),
        "environment variable `TEMPORAL_TLS_CLIENT_CERT_DATA`: both \
         TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_CERT_DATA are set; set one"
    );
    // A path over the file's data is ambiguous, and refused as the Go SDK and sdk-core do.
    let error = load_err(inline(
        "[profile.default.tls]\nclient_key_data = \"PEM\"",
        &[("TEMPORAL_TLS_CLIENT_KEY_PATH", "/k.pem")],
    ));
    assert_eq!(
        error.to_string(),
        "environment variable `TEMPORAL_TLS_CLIENT_KEY_PATH`: sets the path of tls.client_key \
         while `tls.client_key_data` of profile `default` in the config TOML given to \
         LoadOptions::config_toml (line 2) sets its data; unset one"
    );
    // Unless the variable of the file's kind clears it.
    let profile = load(inline(
        "[profile.default.tls]\nclient_key_data = \"PEM\"",
        &[
            ("TEMPORAL_TLS_CLIENT_KEY_PATH", "/k.pem"),
            ("TEMPORAL_TLS_CLIENT_KEY_DATA", ""),
        ],
    ));
    assert_eq!(
        profile.tls().and_then(ClientConfigTls::client_key),
        Some(&DataSource::Path("/k.pem".into()))
    );
}

#[test]
fn nothing_to_load_when_both_sources_are_disabled() {
    let error = load_err(LoadOptions::new().disable_file().disable_env());
    assert!(matches!(error, ConfigError::NothingToLoad), "{error:?}");
}

#[test]
fn the_namespace_defaults_to_default_and_the_address_to_localhost() {
    let profile = load(inline("", &[]));
    assert_eq!((profile.address(), profile.namespace()), (None, None));
    let options = format!("{:?}", profile.client_options());
    assert!(options.contains("namespace: \"default\""), "{options}");
    let options = format!(
        "{:?}",
        load(inline("", &[("TEMPORAL_NAMESPACE", "billing")])).client_options()
    );
    assert!(options.contains("namespace: \"billing\""), "{options}");
}

#[test]
fn connection_options_name_the_setting_they_cannot_use() {
    let dir = TempDir::new();
    let missing = dir.0.join("missing-ca.pem");
    let toml = format!(
        "[profile.default.tls]\nserver_ca_cert_path = {:?}",
        missing.to_str().expect("UTF-8")
    );
    let error = load(inline(&toml, &[]))
        .connection_options()
        .expect_err("refused");
    let message = error.to_string();
    assert!(
        message.starts_with(&format!(
            "`tls.server_ca_cert_path` of profile `default` in the config TOML given to \
             LoadOptions::config_toml (line 2): cannot read `{}`: ",
            missing.display()
        )),
        "{message}"
    );

    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], Origin, &'a str);
    let cases: [Case<'_>; 5] = [
        (
            "[profile.default.tls]\nclient_cert_data = \"PEM\"",
            &[],
            file_origin("default", "tls.client_cert_data", 2),
            "a client certificate needs its private key",
        ),
        (
            "",
            &[("TEMPORAL_TLS_CLIENT_KEY_DATA", "PEM")],
            env_origin("TEMPORAL_TLS_CLIENT_KEY_DATA"),
            "a client private key needs its certificate",
        ),
        (
            "[profile.default]\nauthority = \"user@temporal.internal\"",
            &[],
            file_origin("default", "authority", 2),
            "`user@temporal.internal` holds a `user@` part; expected host or host:port",
        ),
        (
            "",
            &[("TEMPORAL_CLIENT_AUTHORITY", "temporal.internal:http")],
            env_origin("TEMPORAL_CLIENT_AUTHORITY"),
            "`temporal.internal:http` has a port that is not a number from 0 to 65535",
        ),
        (
            "",
            &[("TEMPORAL_GRPC_META_X_NAME", "caf\u{e9}")],
            env_origin("TEMPORAL_GRPC_META_X_NAME"),
            "the value of `x-name` is not printable ASCII",
        ),
    ];
    for (toml, env, expected_origin, reason_start) in cases {
        match load(inline(toml, env)).connection_options() {
            Err(ConfigError::Invalid { origin, reason }) => {
                assert_eq!(origin, expected_origin);
                assert!(reason.starts_with(reason_start), "{reason}");
            }
            other => panic!("{toml} {env:?}: {other:?}"),
        }
    }
    // TLS off: the TLS settings are not used.
    let off = load(inline(
        "[profile.default.tls]\ndisabled = true\nclient_cert_data = \"PEM\"",
        &[],
    ));
    assert!(off.connection_options().is_ok());
}

#[test]
fn host_verification_and_authority_reach_the_connection_options() {
    let debug = |toml: &str, env: &[(&str, &str)]| {
        let options = load(inline(toml, env))
            .connection_options()
            .expect("valid options");
        format!("{options:?}")
    };
    let skip = "danger_disable_host_verification: true";
    let from_file = debug(
        "[profile.default]\nauthority = \"temporal.internal:443\"\n\
         [profile.default.tls]\ndisable_host_verification = true",
        &[],
    );
    assert!(from_file.contains(skip), "{from_file}");
    assert!(
        from_file.contains("authority: Some(\"temporal.internal:443\")"),
        "{from_file}"
    );
    let from_env = debug(
        "",
        &[
            ("TEMPORAL_TLS_DISABLE_HOST_VERIFICATION", "true"),
            ("TEMPORAL_CLIENT_AUTHORITY", "temporal.internal"),
        ],
    );
    // The variable alone turns TLS on, as any TEMPORAL_TLS* does.
    assert!(from_env.contains("tls: Enabled("), "{from_env}");
    assert!(from_env.contains(skip), "{from_env}");
    assert!(
        from_env.contains("authority: Some(\"temporal.internal\")"),
        "{from_env}"
    );
    // `false` means nothing, and the variable overrides the file.
    let kept = debug(
        "[profile.default.tls]\ndisable_host_verification = false",
        &[],
    );
    assert!(
        kept.contains("danger_disable_host_verification: false"),
        "{kept}"
    );
    let overridden = debug(
        "[profile.default.tls]\ndisable_host_verification = true",
        &[("TEMPORAL_TLS_DISABLE_HOST_VERIFICATION", "false")],
    );
    assert!(
        overridden.contains("danger_disable_host_verification: false"),
        "{overridden}"
    );
    assert!(kept.contains("authority: None"), "{kept}");
}

#[cfg(feature = "tls")]
#[test]
fn pem_that_is_not_a_certificate_or_key_is_refused_naming_its_setting() {
    let certs = temporal_testing::TestCertificates::generate().expect("certificates");
    let dir = TempDir::new();
    let ca = dir.write("ca.pem", &certs.ca_pem);
    let not_pem = dir.write("not.pem", "hello");
    let path = |p: &Path| p.to_str().expect("UTF-8").to_owned();
    let good = load(inline(
        "",
        &[
            ("TEMPORAL_TLS_SERVER_CA_CERT_PATH", &path(&ca)),
            ("TEMPORAL_TLS_CLIENT_CERT_DATA", &certs.client_cert_pem),
            ("TEMPORAL_TLS_CLIENT_KEY_DATA", &certs.client_key_pem),
        ],
    ));
    assert!(good.connection_options().is_ok());

    let bad_ca = load(inline(
        "",
        &[("TEMPORAL_TLS_SERVER_CA_CERT_PATH", &path(&not_pem))],
    ));
    match bad_ca.connection_options() {
        Err(ConfigError::Invalid { origin, reason }) => {
            assert_eq!(origin, env_origin("TEMPORAL_TLS_SERVER_CA_CERT_PATH"));
            assert_eq!(
                reason,
                "the CA certificate holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
            );
        }
        other => panic!("{other:?}"),
    }
    let bad_key = load(inline(
        "",
        &[
            ("TEMPORAL_TLS_CLIENT_CERT_DATA", &certs.client_cert_pem),
            ("TEMPORAL_TLS_CLIENT_KEY_PATH", &path(&not_pem)),
        ],
    ));
    match bad_key.connection_options() {
        Err(ConfigError::Invalid { origin, reason }) => {
            assert_eq!(origin, env_origin("TEMPORAL_TLS_CLIENT_CERT_DATA"));
            assert_eq!(reason, "the client private key is not a PEM private key");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn debug_never_shows_secrets() {
    let profile = load(inline(
        "[profile.default]\napi_key = \"SECRET-API-KEY\"\n[profile.default.tls]\n\
         client_cert_data = \"CERT\"\nclient_key_data = \"SECRET-KEY-PEM\"\n\
         [profile.default.codec]\nauth = \"SECRET-CODEC\"",
        &[],
    ));
    let debug = format!("{profile:?}");
    for secret in ["SECRET-API-KEY", "SECRET-KEY-PEM", "SECRET-CODEC"] {
        assert!(!debug.contains(secret), "{debug}");
    }
    assert!(debug.contains("<redacted>"), "{debug}");
    assert!(debug.contains("Data(<14 bytes>)"), "{debug}");

    let options = inline(
        "[profile.default]\napi_key = \"SECRET-API-KEY\"",
        &[("TEMPORAL_API_KEY", "SECRET-ENV-KEY")],
    );
    let debug = format!("{options:?}");
    assert!(!debug.contains("SECRET"), "{debug}");
    assert!(debug.contains("TEMPORAL_API_KEY"), "{debug}");
}
