//! Configuration profiles as the `temporal` CLI writes them (`temporal config set`, pointed at
//! a temporary file and home), read back by `ClientConfigProfile` and connected with: to a dev
//! server through a relay that records the metadata it receives, and to a TLS proxy with a
//! private CA and mTLS. The process-environment path runs in a child process, so no test sets
//! a variable of its own process or reads the real home directory.

use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex, PoisonError};

use temporal_client::{
    Client, ClientConfigProfile, ConfigError, ConnectError, Connection, DataSource, Error,
    LoadOptions, StartOptions, Untyped,
};
use temporal_testing::{DevServer, DevServerOptions, FaultProxy, TestCertificates};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tonic::Status;
use tonic::codegen::{BoxFuture, Context, Poll, Service, http};
use tonic::metadata::MetadataMap;
use tonic::transport::server::TcpIncoming;
use tonic::transport::{Channel, Endpoint, Server};

use crate::support::unique;

/// A directory of its own, removed on drop: the CLI's config file and home.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        let path = std::env::temp_dir().join(unique("envconfig-it"));
        std::fs::create_dir_all(&path).expect("a temp dir");
        Self(path)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, text).expect("written");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The installed `temporal` CLI, run with a temporary home and without the developer's
/// `TEMPORAL_*` variables, so that it never writes the real config file.
fn cli(home: &Path) -> Command {
    let mut command = Command::new(
        temporal_testing::temporal_cli().expect("the temporal CLI (run `cargo xtask setup`)"),
    );
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("TEMPORAL_") {
            command.env_remove(&name);
        }
    }
    command
        .env("HOME", home)
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("APPDATA");
    command
}

/// `temporal config set` of `prop` in `profile`, in `file` (or the default location of
/// `home` when `None`).
fn config_set(home: &Path, file: Option<&Path>, profile: &str, prop: &str, value: &str) {
    let mut command = cli(home);
    command.args([
        "config",
        "set",
        "--profile",
        profile,
        "--prop",
        prop,
        "--value",
        value,
    ]);
    if let Some(file) = file {
        command.env("TEMPORAL_CONFIG_FILE", file);
    }
    let output = command.output().expect("the CLI runs");
    assert!(
        output.status.success(),
        "temporal config set {prop} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 temp path")
}

#[test]
fn every_property_temporal_config_set_writes_is_read_back_strictly() {
    let dir = TempDir::new();
    let file = dir.path("temporal.toml");
    let set = |profile: &str, prop: &str, value: &str| {
        config_set(&dir.0, Some(&file), profile, prop, value);
    };
    let key_pem = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI\n-----END PRIVATE KEY-----\n";
    set("default", "address", "localhost:7233");
    set("prod", "address", "prod.example:7233");
    set("prod", "namespace", "billing");
    set("prod", "api_key", "secret-key");
    set("prod", "tls.client_cert_path", "/etc/temporal/client.pem");
    set("prod", "tls.client_key_data", key_pem);
    set("prod", "tls.server_ca_cert_path", "/etc/temporal/ca.pem");
    set("prod", "tls.server_name", "temporal.internal");
    set("prod", "tls.disable_host_verification", "true");
    set("prod", "grpc_meta.X_Team", "payments");
    set("prod", "grpc_meta.x-region", "eu");
    set("prod", "codec.endpoint", "https://codec.example");
    set("prod", "codec.auth", "Bearer codec");
    set("custom", "authority", "authority.example");
    set("custom", "tls.disable_host_verification", "true");
    set("on", "tls", "true");
    set("off", "tls.disabled", "true");
    set("off", "api_key", "k");

    // Strict: every key the CLI writes is one this crate knows.
    let load = |profile: &str| {
        ClientConfigProfile::load(
            &LoadOptions::new()
                .config_file(&file)
                .profile(profile)
                .strict()
                .disable_env(),
        )
        .unwrap_or_else(|e| panic!("profile {profile}: {e}"))
    };
    let prod = load("prod");
    assert_eq!(prod.address(), Some("prod.example:7233"));
    assert_eq!(prod.namespace(), Some("billing"));
    assert_eq!(prod.api_key(), Some("secret-key"));
    assert_eq!(load("custom").authority(), Some("authority.example"));
    let tls = prod.tls().expect("a tls table");
    assert_eq!(tls.disabled(), None);
    assert_eq!(
        tls.client_cert(),
        Some(&DataSource::Path("/etc/temporal/client.pem".into()))
    );
    assert_eq!(
        tls.client_key(),
        Some(&DataSource::Data(key_pem.as_bytes().to_vec()))
    );
    assert_eq!(
        tls.server_ca_cert(),
        Some(&DataSource::Path("/etc/temporal/ca.pem".into()))
    );
    assert_eq!(tls.server_name(), Some("temporal.internal"));
    assert!(tls.disable_host_verification());
    assert_eq!(
        prod.grpc_meta().collect::<Vec<_>>(),
        [("x-region", "eu"), ("x-team", "payments")]
    );
    let codec = prod.codec().expect("a codec table");
    assert_eq!(
        (codec.endpoint(), codec.auth()),
        (Some("https://codec.example"), Some("Bearer codec"))
    );

    assert_eq!(load("default").address(), Some("localhost:7233"));
    // `--prop tls --value true` writes an empty table: TLS on, nothing else said.
    let on = load("on");
    assert_eq!(on.tls().map(|tls| tls.disabled()), Some(None));
    let off = load("off");
    assert_eq!(off.tls().and_then(|tls| tls.disabled()), Some(true));
    // The authority and the skipped host verification the CLI wrote reach the connection.
    let custom = load("custom").connection_options().expect("valid options");
    let debug = format!("{custom:?}");
    assert!(
        debug.contains("authority: Some(\"authority.example\")"),
        "{debug}"
    );
    assert!(
        debug.contains("danger_disable_host_verification: true"),
        "{debug}"
    );
}

#[cfg(not(any(windows, target_os = "macos")))]
#[test]
fn the_default_location_and_profile_are_the_cli_s() {
    let dir = TempDir::new();
    // No TEMPORAL_CONFIG_FILE: the CLI writes to $HOME/.config/temporalio/temporal.toml.
    config_set(&dir.0, None, "default", "address", "home-default:7233");
    config_set(&dir.0, None, "staging", "address", "home-staging:7233");
    assert!(dir.path(".config/temporalio/temporal.toml").is_file());
    let home = path_str(&dir.0).to_owned();
    let profile =
        ClientConfigProfile::load(&LoadOptions::new().env_vars([("HOME", &home)])).expect("loads");
    assert_eq!(profile.address(), Some("home-default:7233"));

    // TEMPORAL_PROFILE chooses for the CLI and for this crate alike.
    let mut command = cli(&dir.0);
    command.env("TEMPORAL_PROFILE", "staging").args([
        "config",
        "set",
        "--prop",
        "namespace",
        "--value",
        "staging-ns",
    ]);
    assert!(command.status().expect("the CLI runs").success());
    let staging = ClientConfigProfile::load(
        &LoadOptions::new().env_vars([("HOME", home.as_str()), ("TEMPORAL_PROFILE", "staging")]),
    )
    .expect("loads");
    assert_eq!(staging.address(), Some("home-staging:7233"));
    assert_eq!(staging.namespace(), Some("staging-ns"));

    // XDG_CONFIG_HOME moves the default location for both.
    let xdg = dir.path("xdg");
    let mut command = cli(&dir.0);
    command
        .env("XDG_CONFIG_HOME", &xdg)
        .args(["config", "set", "--prop", "address", "--value", "xdg:7233"]);
    assert!(command.status().expect("the CLI runs").success());
    assert!(xdg.join("temporalio/temporal.toml").is_file());
    let profile = ClientConfigProfile::load(
        &LoadOptions::new()
            .env_vars([("HOME", home.as_str()), ("XDG_CONFIG_HOME", path_str(&xdg))]),
    )
    .expect("loads");
    assert_eq!(profile.address(), Some("xdg:7233"));
}

/// The child test below, by its name in this binary.
const CHILD_TEST: &str = "envconfig::child_loads_the_profile_its_environment_names";

#[test]
fn load_default_reads_the_process_environment() {
    let dir = TempDir::new();
    let file = dir.path("ci.toml");
    config_set(&dir.0, Some(&file), "ci", "address", "file:7233");
    config_set(&dir.0, Some(&file), "ci", "namespace", "file-ns");
    config_set(&dir.0, Some(&file), "ci", "grpc_meta.x-from-file", "file");
    config_set(&dir.0, Some(&file), "ci", "grpc_meta.x-dropped", "file");
    let mut child = Command::new(std::env::current_exe().expect("the test binary"));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("TEMPORAL_") {
            child.env_remove(&name);
        }
    }
    let output = child
        .args([CHILD_TEST, "--exact", "--ignored", "--test-threads=1"])
        .env("HOME", &dir.0)
        .env("TEMPORAL_CONFIG_FILE", &file)
        .env("TEMPORAL_PROFILE", "ci")
        .env("TEMPORAL_NAMESPACE", "env-ns")
        .env("TEMPORAL_GRPC_META_X_FROM_ENV", "env")
        .env("TEMPORAL_GRPC_META_X_DROPPED", "")
        .output()
        .expect("the child test runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Run only by `load_default_reads_the_process_environment`, with the variables it sets.
#[test]
#[ignore = "a child process of load_default_reads_the_process_environment"]
fn child_loads_the_profile_its_environment_names() {
    let profile = ClientConfigProfile::load_default().expect("loads");
    assert_eq!(profile.address(), Some("file:7233"));
    assert_eq!(profile.namespace(), Some("env-ns"));
    assert_eq!(
        profile.grpc_meta().collect::<Vec<_>>(),
        [("x-from-env", "env"), ("x-from-file", "file")]
    );
}

#[test]
fn a_bad_profile_or_variable_names_the_file_profile_and_key() {
    let dir = TempDir::new();
    let file = dir.write(
        "bad.toml",
        "[profile.default]\naddress = \"a:1\"\n[profile.prod.tls]\ndisabled = \"no\"\n",
    );
    let error = ClientConfigProfile::load(
        &LoadOptions::new()
            .config_file(&file)
            .env_vars([("TEMPORAL_PROFILE", "prod")]),
    )
    .expect_err("refused");
    assert_eq!(
        error.to_string(),
        format!(
            "`tls.disabled` of profile `prod` in `{}` (line 4): expected a boolean (true or \
             false), found a string",
            file.display()
        )
    );
    // One bad key spoils the whole file, whichever profile is read (as in Go).
    let error = ClientConfigProfile::load(&LoadOptions::new().config_file(&file).disable_env())
        .expect_err("refused");
    assert!(matches!(error, ConfigError::Invalid { .. }), "{error:?}");

    let file = dir.write("good.toml", "[profile.default]\n[profile.prod]\n");
    let error = ClientConfigProfile::load(
        &LoadOptions::new()
            .config_file(&file)
            .env_vars([("TEMPORAL_PROFILE", "qa")]),
    )
    .expect_err("no such profile");
    assert!(
        matches!(error, ConfigError::ProfileNotFound { .. }),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        format!(
            "profile `qa` (from TEMPORAL_PROFILE) not found: the config file `{}` has profiles \
             `default`, `prod`",
            file.display()
        )
    );
    let error = ClientConfigProfile::load(
        &LoadOptions::new()
            .config_file(&file)
            .env_vars([("TEMPORAL_TLS", "maybe")]),
    )
    .expect_err("refused");
    assert_eq!(
        error.to_string(),
        "environment variable `TEMPORAL_TLS`: `maybe` is not true, false, 1 or 0"
    );
}

/// A dev server with a namespace of its own, behind a relay that records each call's metadata.
#[tokio::test]
async fn a_profile_connects_to_a_dev_server_with_its_address_namespace_and_metadata() {
    let server = DevServer::start_with(DevServerOptions::default().namespace("profiles"))
        .await
        .expect("a dev server (run `cargo xtask setup`)");
    let relay = Relay::start(server.address()).await;
    let dir = TempDir::new();
    let file = dir.path("temporal.toml");
    let set = |prop: &str, value: &str| config_set(&dir.0, Some(&file), "dev", prop, value);
    set("address", &relay.address.to_string());
    set("namespace", "profiles");
    set("grpc_meta.X_Team", "payments");
    set("grpc_meta.x-overridden", "from-file");

    let profile = ClientConfigProfile::load(&LoadOptions::new().config_file(&file).env_vars([
        ("TEMPORAL_PROFILE", "dev"),
        ("TEMPORAL_GRPC_META_X_OVERRIDDEN", "from-env"),
    ]))
    .expect("loads");
    let connection = Connection::connect(profile.connection_options().expect("options"))
        .await
        .expect("connects through the profile");
    let client =
        Client::with_options(connection.clone(), profile.client_options()).expect("a client");
    assert_eq!(client.namespace(), "profiles");
    let workflow_id = unique("profile");
    let handle = client
        .start(
            "profile-workflow",
            ("hello",),
            StartOptions::new(&workflow_id, unique("queue")),
        )
        .await
        .expect("started in the profile's namespace");
    let description = handle.describe().await.expect("described");
    assert_eq!(description.info.workflow_id, workflow_id);
    // Not in `default`: the namespace came from the profile.
    let elsewhere = Client::new(connection)
        .get_handle::<Untyped>(&workflow_id)
        .describe()
        .await;
    assert!(
        matches!(elsewhere, Err(Error::NotFound { .. })),
        "{elsewhere:?}"
    );

    let calls = relay.calls();
    let start = calls
        .iter()
        .find(|(method, _)| method.ends_with("/StartWorkflowExecution"))
        .expect("the start went through the relay");
    let header = |name: &str| start.1.get(name).and_then(|v| v.to_str().ok());
    assert_eq!(header("x-team"), Some("payments"));
    assert_eq!(header("x-overridden"), Some("from-env"));
    // Every call carries the profile's metadata, the handshake included.
    assert!(
        calls
            .iter()
            .all(|(_, metadata)| metadata.get("x-team").is_some()),
        "{calls:?}"
    );

    // The CLI, given the same file and variables, reaches the same workflow in the same
    // namespace through the same address, and sends the same metadata.
    let mut command = cli(&dir.0);
    command
        .env("TEMPORAL_CONFIG_FILE", &file)
        .env("TEMPORAL_PROFILE", "dev")
        .env("TEMPORAL_GRPC_META_X_OVERRIDDEN", "from-env")
        .args(["workflow", "describe", "--workflow-id", &workflow_id]);
    // Off the runtime's thread, which serves the relay meanwhile.
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .expect("the CLI's thread")
        .expect("the CLI runs");
    assert!(
        output.status.success(),
        "the CLI describes the workflow through the profile: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let calls = relay.calls();
    let (_, cli_call) = calls
        .iter()
        .find(|(method, metadata)| {
            method.ends_with("/DescribeWorkflowExecution")
                && metadata.get("client-name").and_then(|v| v.to_str().ok())
                    != Some("temporal-rust-client")
        })
        .expect("the CLI's describe went through the relay");
    let header = |name: &str| cli_call.get(name).and_then(|v| v.to_str().ok());
    assert_eq!(header("x-team"), Some("payments"));
    assert_eq!(header("x-overridden"), Some("from-env"));
}

#[tokio::test]
async fn an_api_key_implies_tls_unless_the_profile_disables_it() {
    let server = DevServer::start().await.expect("a dev server");
    let plaintext = format!("127.0.0.1:{}", server.address().port());
    let dir = TempDir::new();
    let file = dir.path("temporal.toml");
    config_set(&dir.0, Some(&file), "default", "address", &plaintext);
    config_set(&dir.0, Some(&file), "default", "api_key", "not-a-secret");
    let load = |env: &[(&str, &str)]| {
        ClientConfigProfile::load(
            &LoadOptions::new()
                .config_file(&file)
                .env_vars(env.iter().copied()),
        )
        .expect("loads")
        .connection_options()
        .expect("options")
    };

    // An API key and no TLS settings: TLS, which the plaintext dev server does not speak.
    match Connection::connect(load(&[])).await {
        Err(ConnectError::Transport { .. } | ConnectError::Handshake { .. }) => {}
        other => panic!("expected a refused TLS connection, got {other:?}"),
    }
    // Explicitly disabled (here by TEMPORAL_TLS=false over the file): plaintext, as asked.
    Connection::connect(load(&[("TEMPORAL_TLS", "false")]))
        .await
        .expect("plaintext when the profile disables TLS");
    config_set(&dir.0, Some(&file), "default", "tls.disabled", "true");
    Connection::connect(load(&[]))
        .await
        .expect("plaintext when the file disables TLS");
}

#[tokio::test]
async fn a_profile_s_tls_files_and_inline_pem_connect_with_mtls() {
    let server = DevServer::start().await.expect("a dev server");
    let certificates = TestCertificates::generate().expect("certificates");
    let proxy = FaultProxy::builder(server.address())
        .tls(&certificates)
        .require_client_certificate()
        .start()
        .await
        .expect("an mTLS proxy");
    let dir = TempDir::new();
    let ca = dir.write("ca.pem", &certificates.ca_pem);
    let cert = dir.write("client.pem", &certificates.client_cert_pem);
    let key = dir.write("client.key", &certificates.client_key_pem);
    let file = dir.path("temporal.toml");
    let set = |profile: &str, prop: &str, value: &str| {
        config_set(&dir.0, Some(&file), profile, prop, value);
    };
    // The certificate names `localhost`; the address is an IP, so the server name is needed.
    let address = format!("127.0.0.1:{}", proxy.address().port());
    for profile in ["paths", "inline"] {
        set(profile, "address", &address);
        set(profile, "tls.server_name", "localhost");
    }
    set("paths", "tls.server_ca_cert_path", path_str(&ca));
    set("paths", "tls.client_cert_path", path_str(&cert));
    set("paths", "tls.client_key_path", path_str(&key));
    set("inline", "tls.server_ca_cert_data", &certificates.ca_pem);
    set(
        "inline",
        "tls.client_cert_data",
        &certificates.client_cert_pem,
    );
    set(
        "inline",
        "tls.client_key_data",
        &certificates.client_key_pem,
    );

    let options = |profile: &str, env: &[(&str, &str)]| {
        ClientConfigProfile::load(
            &LoadOptions::new()
                .config_file(&file)
                .profile(profile)
                .env_vars(env.iter().copied()),
        )
        .expect("loads")
        .connection_options()
    };
    for profile in ["paths", "inline"] {
        let connection = Connection::connect(options(profile, &[]).expect("options"))
            .await
            .unwrap_or_else(|e| panic!("profile {profile}: {e:?}"));
        assert!(connection.raw_system_info().is_some());
    }
    // The environment's server name overrides the file's, and the certificate does not name it.
    let wrong_name =
        options("paths", &[("TEMPORAL_TLS_SERVER_NAME", "wrong.example")]).expect("options");
    assert!(Connection::connect(wrong_name).await.is_err());
    // TEMPORAL_TLS=false over the file: plaintext, which the TLS port refuses.
    let plaintext = options("paths", &[("TEMPORAL_TLS", "false")]).expect("options");
    assert!(Connection::connect(plaintext).await.is_err());
    // A key file that is gone is named when the options are made, before any dialling.
    std::fs::remove_file(&key).expect("removed");
    let error = options("paths", &[]).expect_err("the key file is gone");
    assert!(
        error
            .to_string()
            .starts_with("`tls.client_key_path` of profile `paths` in "),
        "{error}"
    );
}

/// A gRPC relay in front of a server: forwards every HTTP/2 request as it is (so any client,
/// compressed or not, passes) and records each call's method and metadata.
struct Relay {
    address: SocketAddr,
    calls: Arc<Mutex<Vec<(String, MetadataMap)>>>,
    task: JoinHandle<()>,
}

impl Relay {
    async fn start(upstream: SocketAddr) -> Self {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .expect("a loopback port");
        let address = listener.local_addr().expect("an address");
        let channel = Endpoint::from_shared(format!("http://{upstream}"))
            .expect("a URI")
            .connect_lazy();
        let calls = Arc::new(Mutex::new(Vec::new()));
        let service = RelayService {
            channel,
            calls: Arc::clone(&calls),
        };
        let task = tokio::spawn(async move {
            let _ = Server::builder()
                .serve_with_incoming(service, TcpIncoming::from(listener))
                .await;
        });
        Self {
            address,
            calls,
            task,
        }
    }

    fn calls(&self) -> Vec<(String, MetadataMap)> {
        self.calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[derive(Clone)]
struct RelayService {
    channel: Channel,
    calls: Arc<Mutex<Vec<(String, MetadataMap)>>>,
}

impl Service<http::Request<tonic::body::Body>> for RelayService {
    type Response = http::Response<tonic::body::Body>;
    type Error = Infallible;
    type Future = BoxFuture<Self::Response, Self::Error>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<tonic::body::Body>) -> Self::Future {
        self.calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((
                request.uri().path().to_owned(),
                MetadataMap::from_headers(request.headers().clone()),
            ));
        let mut channel = self.channel.clone();
        Box::pin(async move {
            if let Err(e) = std::future::poll_fn(|cx| channel.poll_ready(cx)).await {
                return Ok(Status::unavailable(e.to_string()).into_http());
            }
            Ok(match channel.call(request).await {
                Ok(response) => response,
                Err(e) => Status::unavailable(e.to_string()).into_http(),
            })
        })
    }
}
