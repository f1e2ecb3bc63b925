//! Project automation, run as `cargo xtask <command>` from anywhere in the workspace.
//!
//! - `setup`: installs the pinned tools of `tools/requirements.txt` (the `temporal` CLI, the
//!   time-skipping test server, the Python SDK) into `.tools/venv`; does nothing when they are
//!   already there.
//! - `demo`: `setup`, then starts a local dev server and the example's Python worker, runs the
//!   main example against them and stops what it started.
//! - `test`: `setup`, then `cargo test --workspace` (extra arguments are passed on).
//! - `lint`: what CI checks besides the tests: formatting, clippy with warnings denied on every
//!   target, rustdoc with warnings denied, the typed-API check (`tools/check_typed_api.py`: no
//!   typed signature of `temporal-client` names a `tonic`, `prost` or `temporal-proto` type),
//!   and each library crate that has default features built without them.
//! - `codegen [--check]`: regenerates `crates/proto/src/generated` from the pinned protos.
//! - `fuzz-smoke [seconds]`: builds the fuzz targets of `fuzz/` with libFuzzer's coverage
//!   instrumentation on the stable toolchain (no cargo-fuzz needed), then runs each for a
//!   few seconds (default 5) from its committed seed corpus. `cargo xtask test` ends with it.
//! - `bench [--quick] [options]`: `setup`, then runs `temporal-bench` in release, which
//!   measures the client against a dev server it starts and regenerates `BENCHMARKS.md` and
//!   `bench/charts/*.svg` (`cargo xtask bench --help` lists the options).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use temporal_testing::{DevServer, DevServerOptions, WorkerProcess, WorkerReadiness};

/// The example `demo` runs, the worker it needs, and the task queue the example uses.
const DEMO_EXAMPLE: &str = "hello_world";
const DEMO_WORKER: &str = "examples/workers/hello_world.py";
const DEMO_TASK_QUEUE: &str = "hello-world";

/// The targets of `fuzz/Cargo.toml`, each with a seed corpus in `fuzz/corpus/<target>`.
const FUZZ_TARGETS: [&str; 3] = ["payload_decode", "failure_decode", "history_json"];
/// How long `fuzz-smoke` runs each target by default.
const FUZZ_SMOKE_SECONDS: u64 = 5;
/// The coverage instrumentation `cargo fuzz build --sanitizer none` asks rustc for; all of it
/// is stable (only the sanitizers need nightly).
const FUZZ_RUSTFLAGS: &str = "-Cpasses=sancov-module \
    -Cllvm-args=-sanitizer-coverage-level=4 \
    -Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
    -Cllvm-args=-sanitizer-coverage-pc-table \
    -Cllvm-args=-sanitizer-coverage-trace-compares \
    -Cllvm-args=-simplifycfg-branch-fold-threshold=0 \
    --cfg fuzzing";

/// The library crates that have default features; `lint` builds each on its own without them
/// (one at a time, since a workspace build would unify the features back on).
const LIBRARIES_WITH_DEFAULT_FEATURES: [&str; 2] = ["temporal-proto", "temporal-client"];

const USAGE: &str = "usage: cargo xtask <setup | demo | test [cargo test args] | lint | codegen [--check] \
     | fuzz-smoke [seconds] | bench [--quick] [options]>";

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let command = args.next();
    let rest: Vec<String> = args.collect();
    let result = match command.as_deref() {
        Some("setup") => setup().map(|_| ()),
        Some("demo") => demo(),
        Some("test") => test(&rest),
        Some("lint") => lint(),
        Some("codegen") => codegen(&rest),
        Some("fuzz-smoke") => fuzz_smoke(&rest),
        Some("bench") => bench(&rest),
        Some("-h" | "--help") | None => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command `{other}`\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

fn as_strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

/// The installed tools.
struct Tools {
    bin: PathBuf,
}

/// Installs the pinned tools into `.tools/venv`, unless the same requirements are installed.
fn setup() -> Result<Tools, String> {
    let root = workspace_root();
    let venv = root.join(".tools/venv");
    let bin = venv.join("bin");
    let requirements_file = root.join("tools/requirements.txt");
    let requirements = std::fs::read_to_string(&requirements_file)
        .map_err(|e| format!("cannot read {}: {e}", requirements_file.display()))?;
    let stamp = venv.join("installed-requirements.txt");
    let installed = std::fs::read_to_string(&stamp).unwrap_or_default();
    if installed == requirements && bin.join("temporal").exists() {
        println!(
            "setup: the pinned tools are installed in {}",
            venv.display()
        );
        return Ok(Tools { bin });
    }
    if !bin.join("python").exists() {
        println!("setup: creating a virtualenv in {}", venv.display());
        let python = std::env::var_os("PYTHON").unwrap_or_else(|| "python3".into());
        run(Command::new(&python).args(["-m", "venv"]).arg(&venv))
            .map_err(|e| format!("{e}\n(Python 3.10 or newer with the venv module is needed)"))?;
    }
    println!(
        "setup: installing {} into {}",
        requirements_file.display(),
        venv.display()
    );
    run(Command::new(bin.join("python"))
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
        ])
        .arg(&requirements_file))?;
    std::fs::write(&stamp, &requirements)
        .map_err(|e| format!("cannot write {}: {e}", stamp.display()))?;
    run(Command::new(bin.join("temporal")).arg("--version"))?;
    Ok(Tools { bin })
}

/// Environment for commands that use the tools: the venv's `bin` first on `PATH`, so that
/// `python` is the one with the SDK, and `TEMPORAL_CLI` unless the caller chose one.
fn with_tools(command: &mut Command, tools: &Tools) {
    let mut path = OsString::from(tools.bin.as_os_str());
    if let Some(old) = std::env::var_os("PATH") {
        path.push(":");
        path.push(old);
    }
    command.env("PATH", path);
    if std::env::var_os("TEMPORAL_CLI").is_none() {
        command.env("TEMPORAL_CLI", tools.bin.join("temporal"));
    }
}

fn test(args: &[String]) -> Result<(), String> {
    let tools = setup()?;
    let mut command = cargo_command(&[&["test", "--workspace"][..], &as_strs(args)].concat());
    with_tools(&mut command, &tools);
    run(&mut command)?;
    // The reliability tests that dial with `fake_server::connection_options` once more, over
    // the opt-in direct HTTP/2 transport. Every test binary of the run above, filtered, rather
    // than `--package temporal-client --test reliability`: cargo would resolve features for
    // that one target afresh (without the examples package's `http2-direct`, and without the
    // other packages' dev-dependencies) and build it, and its dependencies, a second time.
    let mut command = cargo_command(&[
        "test",
        "--workspace",
        "--tests",
        "--",
        "retries::",
        "hostile::",
        "faults::",
        "waiters::",
        "secrets::",
    ]);
    with_tools(&mut command, &tools);
    command.env("TEMPORAL_TEST_HTTP2_TRANSPORT", "direct");
    run(&mut command)?;
    fuzz_smoke(&[])
}

fn lint() -> Result<(), String> {
    run(&mut cargo_command(&["fmt", "--all", "--", "--check"]))?;
    run(&mut cargo_command(&[
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    typed_api_check()?;
    run(cargo_command(&["doc", "--workspace", "--no-deps"]).env("RUSTDOCFLAGS", "-D warnings"))?;
    for package in LIBRARIES_WITH_DEFAULT_FEATURES {
        run(&mut cargo_command(&[
            "build",
            "--lib",
            "--no-default-features",
            "--package",
            package,
        ]))?;
    }
    Ok(())
}

/// Documents `temporal-client` with its dependencies, so that every type in a signature is a
/// link naming its crate, and runs `tools/check_typed_api.py` on the result: no typed
/// signature may name a `tonic`, `prost` or `temporal-proto` type (issue 12).
///
/// Cargo documents the dependencies first, and rustdoc links a dependency's types only when
/// that dependency's documentation is already there; the script fails if the escape hatches
/// hold no link into `tonic`, the sign of documentation made without them. In a warm target
/// this step takes about a minute (tonic, the protos and the client are documented again);
/// from a cold one, the dependencies' documentation adds about 2.5 minutes of CPU.
fn typed_api_check() -> Result<(), String> {
    run(cargo_command(&["doc", "--package", "temporal-client"]).env("RUSTDOCFLAGS", "-D warnings"))?;
    let python = std::env::var_os("PYTHON").unwrap_or_else(|| "python3".into());
    run(Command::new(python)
        .arg(workspace_root().join("tools").join("check_typed_api.py"))
        .arg(target_dir().join("doc")))
}

/// The workspace's target directory: `CARGO_TARGET_DIR` (relative to the workspace) or
/// `target`.
fn target_dir() -> PathBuf {
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"));
    if target_dir.is_relative() {
        workspace_root().join(target_dir)
    } else {
        target_dir
    }
}

/// Builds the fuzz targets the way `cargo fuzz build --dev --sanitizer none` does, without
/// cargo-fuzz (so nothing is installed), and runs each from its seed corpus for `seconds`.
///
/// The dev profile builds in about half the time of cargo-fuzz's release one with one codegen
/// unit, which pays off only for long runs; it goes to `fuzz/target/<host>/debug`, beside
/// (not over) the release builds of `cargo fuzz run`. New inputs go to
/// `fuzz/target/smoke-corpus`, crashes to `fuzz/artifacts/<target>/`, as with cargo-fuzz.
fn fuzz_smoke(args: &[String]) -> Result<(), String> {
    let seconds = match args {
        [] => FUZZ_SMOKE_SECONDS,
        [seconds] => seconds
            .parse()
            .map_err(|_| format!("`{seconds}` is not a number of seconds\n{USAGE}"))?,
        _ => return Err(USAGE.to_owned()),
    };
    let fuzz = workspace_root().join("fuzz");
    let target_dir = fuzz.join("target");
    let host = host_triple()?;
    println!(
        "fuzz-smoke: building {} for {host}",
        FUZZ_TARGETS.join(", ")
    );
    let mut build = cargo_command(&["build", "--bins", "--target", &host]);
    build
        .arg("--manifest-path")
        .arg(fuzz.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target_dir)
        .env(
            "RUSTFLAGS",
            FUZZ_RUSTFLAGS
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        )
        // The instrumented build must not inherit the caller's target directory or flags.
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_ENCODED_RUSTFLAGS");
    run(&mut build)?;
    for target in FUZZ_TARGETS {
        let new_inputs = target_dir.join("smoke-corpus").join(target);
        let artifacts = fuzz.join("artifacts").join(target);
        for dir in [&new_inputs, &artifacts] {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        println!("fuzz-smoke: running {target} for {seconds} s");
        let mut fuzz_run = Command::new(target_dir.join(&host).join("debug").join(target));
        fuzz_run
            .arg(format!("-max_total_time={seconds}"))
            .arg(format!("-artifact_prefix={}/", artifacts.display()))
            .arg("-print_final_stats=1")
            .arg(&new_inputs)
            .arg(fuzz.join("corpus").join(target));
        run(&mut fuzz_run)
            .map_err(|e| format!("{e}\nthe input that failed is in {}", artifacts.display()))?;
    }
    Ok(())
}

/// The triple rustc builds for by default, such as `x86_64-unknown-linux-gnu`: the fuzz
/// targets are built for it explicitly, so that build scripts and proc macros are not
/// instrumented.
fn host_triple() -> Result<String, String> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let output = Command::new(&rustc)
        .arg("-vV")
        .output()
        .map_err(|e| format!("cannot run rustc -vV: {e}"))?;
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("host: "))
        .map(str::to_owned)
        .ok_or_else(|| "rustc -vV names no host".to_owned())
}

fn demo() -> Result<(), String> {
    let tools = setup()?;
    // Build first, so the server is not kept waiting for the compiler.
    run(&mut cargo_command(&[
        "build",
        "--quiet",
        "--example",
        DEMO_EXAMPLE,
    ]))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start a tokio runtime: {e}"))?;
    let cli = tools.bin.join("temporal");
    println!(
        "demo: starting a local Temporal dev server ({})",
        cli.display()
    );
    let server = runtime
        .block_on(DevServer::start_with(
            DevServerOptions::default().executable(cli),
        ))
        .map_err(|e| format!("{e}\n(is the `temporal` CLI installed? try `cargo xtask setup`)"))?;
    let address = server.address().to_string();
    println!("demo: the server answers at {address}; starting the worker {DEMO_WORKER}");
    let mut worker = Command::new(tools.bin.join("python3"));
    worker.arg(workspace_root().join(DEMO_WORKER)).args([
        "--address",
        &address,
        "--task-queue",
        DEMO_TASK_QUEUE,
    ]);
    let worker = runtime
        .block_on(WorkerProcess::start(
            worker,
            WorkerReadiness::new(server.target(), DEMO_TASK_QUEUE),
        ))
        .map_err(|e| e.to_string())?;
    println!("demo: the worker polls task queue {DEMO_TASK_QUEUE}; running the example\n");
    let mut command = cargo_command(&["run", "--quiet", "--example", DEMO_EXAMPLE]);
    with_tools(&mut command, &tools);
    command.env("TEMPORAL_ADDRESS", &address);
    let result = run(&mut command);
    println!("\ndemo: stopping the worker and the dev server");
    worker.stop();
    server.stop();
    result
}

/// Runs the benchmark in release: numbers of a debug build would measure the wrong thing.
/// Builds every binary of the bench first: the parent runs each workload in the binary of
/// its client (`temporal-bench-client`, `temporal-bench-tonic`), which `cargo run` alone
/// would not build. The client's binary is built twice: with its opt-in direct transport as
/// `temporal-bench-client-direct` (the `client-direct` experiment), then at its default
/// features for every other mode, as an application builds it.
fn bench(args: &[String]) -> Result<(), String> {
    let tools = setup()?;
    let release = [
        "build",
        "--release",
        "--quiet",
        "--package",
        "temporal-bench",
    ];
    run(&mut cargo_command(
        &[
            &release[..],
            &[
                "--features",
                "http2-direct",
                "--bin",
                "temporal-bench-client",
            ],
        ]
        .concat(),
    ))?;
    let binaries = target_dir().join("release");
    let built = binaries.join("temporal-bench-client");
    let direct = binaries.join("temporal-bench-client-direct");
    std::fs::copy(&built, &direct).map_err(|e| {
        format!(
            "cannot copy {} to {}: {e}",
            built.display(),
            direct.display()
        )
    })?;
    run(&mut cargo_command(&[&release[..], &["--bins"]].concat()))?;
    let base = [
        "run",
        "--release",
        "--quiet",
        "--package",
        "temporal-bench",
        "--",
    ];
    let mut command = cargo_command(&[&base[..], &as_strs(args)].concat());
    with_tools(&mut command, &tools);
    run(&mut command)
}

fn cargo_command(args: &[&str]) -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command.args(args).current_dir(workspace_root());
    command
}

fn codegen(args: &[String]) -> Result<(), String> {
    let base = ["run", "--quiet", "--package", "temporal-codegen", "--"];
    run(&mut cargo_command(&[&base[..], &as_strs(args)].concat()))
}

fn run(command: &mut Command) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|e| format!("cannot run {command:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{command:?} failed ({status})"))
    }
}
