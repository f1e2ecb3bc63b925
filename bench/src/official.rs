//! The official Rust client's driver, `bench/official`: its own workspace and lock file (the
//! official client's ~200 crates stay out of the root workspace), built in release into
//! `bench/official/target` before the operations are measured.

use std::path::{Path, PathBuf};

use crate::Error;
use crate::build_cost::cargo;

/// The driver's manifest, relative to the workspace root.
const MANIFEST: &str = "bench/official/Cargo.toml";
/// Its target directory, relative to the workspace root (gitignored).
const TARGET: &str = "bench/official/target";
/// How many of the last lines of a failed build the reason quotes.
const QUOTED_LINES: usize = 6;

/// Builds the driver (nothing to do when it is up to date) and returns its executable; the
/// error says why it could not be built, in a few lines.
pub(crate) fn build(workspace: &Path) -> Result<PathBuf, Error> {
    let target = workspace.join(TARGET);
    cargo(
        workspace,
        Some(&target),
        &[
            "build",
            "--release",
            "--locked",
            "--manifest-path",
            MANIFEST,
        ],
    )
    .map_err(|err| last_lines(&err.to_string(), QUOTED_LINES))?;
    let executable = target.join("release/temporal-bench-official");
    if executable.is_file() {
        Ok(executable)
    } else {
        Err(format!("the build left no {}", executable.display()).into())
    }
}

/// The last `count` non-empty lines of `text`, joined by spaces: enough of a failed build to
/// say why, short enough for the report.
fn last_lines(text: &str, count: usize) -> String {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect();
    lines[lines.len().saturating_sub(count)..].join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_build_is_quoted_by_its_last_lines() {
        let stderr = "cargo build failed:    Compiling a v1\n\nerror: no protoc\n  --> here\n";
        assert_eq!(last_lines(stderr, 2), "error: no protoc --> here");
        assert_eq!(last_lines("one", 6), "one");
        assert_eq!(last_lines("", 6), "");
    }
}
