//! The cold release build of temporal-client, and the stripped hello-world binary as an
//! application builds it.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use crate::Error;
use crate::results::BuildCost;

/// Builds temporal-client in release in an empty target directory (timed; every crate it
/// compiles counted), then the hello-world example on top as an application builds it (sized).
pub(crate) fn measure(workspace: &Path) -> Result<BuildCost, Error> {
    let target = std::env::temp_dir().join(format!("temporal-bench-build-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&target);
    let result = build(workspace, &target);
    let _ = std::fs::remove_dir_all(&target);
    result
}

fn build(workspace: &Path, target: &Path) -> Result<BuildCost, Error> {
    let started = Instant::now();
    let stderr = cargo(
        workspace,
        Some(target),
        &["build", "--release", "-p", "temporal-client"],
    )?;
    let seconds = started.elapsed().as_secs_f64();
    let crates = count_compiled(&stderr);
    let (hello_world_bytes, hello_world_small_bytes) = build_hello_world(workspace, target)?;
    Ok(BuildCost {
        seconds,
        crates,
        hello_world_bytes,
        hello_world_small_bytes,
    })
}

/// The package an application's hello world is: `examples/hello_world.rs` as its `main.rs`,
/// temporal-client at its default features and tokio and uuid as the examples have them, and
/// a release profile that strips symbols, as this workspace's does. Not the examples package
/// itself: that one turns on the client's `tracing`, `metrics` and `gzip` features, so that
/// the workspace's tests build the client with them, and an application has them only if it
/// asks. Its `small` profile is what an application that cares for size may pick.
const HELLO_WORLD_MANIFEST: &str = r#"[package]
name = "hello-world-app"
version = "0.0.0"
edition = "2024"
publish = false

[workspace]

[dependencies]
temporal-client = { path = "WORKSPACE/crates/client" }
tokio = { version = "1.47", default-features = false, features = ["macros", "rt"] }
uuid = { version = "1", features = ["v4"] }

[profile.release]
strip = true

[profile.small]
inherits = "release"
lto = true
codegen-units = 1
panic = "abort"
"#;

/// The settings of the hello world's `small` profile, as the report names them.
pub(crate) const SIZE_PROFILE: &str = "`lto = true`, `codegen-units = 1`, `panic = \"abort\"`";

/// Builds the hello world as its own package in `target` (the workspace's lock file copied in,
/// so that it gets the same versions), with the release profile and with the `small` one, and
/// returns the sizes of the two binaries.
fn build_hello_world(workspace: &Path, target: &Path) -> Result<(u64, u64), Error> {
    let package = target.join("hello-world-app");
    std::fs::create_dir_all(package.join("src"))?;
    let manifest = HELLO_WORLD_MANIFEST.replace("WORKSPACE", &workspace.display().to_string());
    std::fs::write(package.join("Cargo.toml"), manifest)?;
    std::fs::copy(
        workspace.join("examples/hello_world.rs"),
        package.join("src/main.rs"),
    )?;
    std::fs::copy(workspace.join("Cargo.lock"), package.join("Cargo.lock"))?;
    let mut sizes = [0; 2];
    for (size, profile) in sizes.iter_mut().zip(["release", "small"]) {
        cargo(
            &package,
            Some(target),
            &["build", "--offline", "--profile", profile],
        )?;
        let binary = target.join(profile).join("hello-world-app");
        *size = std::fs::metadata(&binary)
            .map_err(|e| format!("cannot read {}: {e}", binary.display()))?
            .len();
    }
    Ok((sizes[0], sizes[1]))
}

/// Runs cargo in `workspace` (building into `target` if given, else where cargo would) and
/// returns its stderr, or an error quoting it.
pub(crate) fn cargo(
    workspace: &Path,
    target: Option<&Path>,
    args: &[&str],
) -> Result<String, Error> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .args(args)
        .current_dir(workspace)
        .env("CARGO_TERM_COLOR", "never");
    if let Some(target) = target {
        command.env("CARGO_TARGET_DIR", target);
    }
    let output = command.output()?;
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if output.status.success() {
        Ok(stderr)
    } else {
        Err(format!("cargo {} failed: {stderr}", args.join(" ")).into())
    }
}

/// The crates a build compiled: one `Compiling name version` line each.
fn count_compiled(stderr: &str) -> usize {
    stderr
        .lines()
        .filter(|line| line.trim_start().starts_with("Compiling "))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compiled_crates_are_counted_from_cargo_s_output() {
        let stderr = "   Compiling proc-macro2 v1.0.95\n   Compiling tonic v0.14.2\n\
                      warning: unused\n    Finished `release` profile\n";
        assert_eq!(count_compiled(stderr), 2);
    }
}
