//! The cold release build of temporal-client, and the stripped hello-world binary.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use crate::Error;
use crate::results::BuildCost;

/// Builds temporal-client in release in an empty target directory (timed; every crate it
/// compiles counted), then the hello-world example on top (sized; `profile.release` strips).
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
    cargo(
        workspace,
        Some(target),
        &[
            "build",
            "--release",
            "-p",
            "temporal-examples",
            "--example",
            "hello_world",
        ],
    )?;
    let hello_world = target.join("release/examples/hello_world");
    let hello_world_bytes = std::fs::metadata(&hello_world)
        .map_err(|e| format!("cannot read {}: {e}", hello_world.display()))?
        .len();
    Ok(BuildCost {
        seconds,
        crates,
        hello_world_bytes,
    })
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
