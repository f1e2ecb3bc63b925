//! A contract crate stays small: its whole dependency tree (`cargo tree`, offline) is at most
//! 15 crates, none of them a runtime or part of the gRPC stack.

use std::collections::BTreeSet;
use std::process::Command;

/// Crates a contract crate must not pull in: the async runtime, gRPC, HTTP/2, protobuf.
const FORBIDDEN: &[&str] = &["tokio", "tonic", "hyper", "h2", "tower", "prost"];

#[test]
fn contract_sample_dependencies() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args([
            "tree",
            "--offline",
            "--package",
            "temporal-contract-sample",
            "--edges",
            "normal,build",
            "--prefix",
            "none",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let tree = String::from_utf8(output.stdout).expect("utf-8");
    // "name vX.Y.Z (...)": a crate is its name and version.
    let crates: BTreeSet<(String, String)> = tree
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            Some((words.next()?.to_owned(), words.next()?.to_owned()))
        })
        .collect();
    assert!(
        crates.len() <= 15,
        "{} crates, more than 15: {crates:?}",
        crates.len()
    );
    for (name, _) in &crates {
        assert!(
            !FORBIDDEN.contains(&name.as_str()),
            "`{name}` is in the contract crate's tree: {crates:?}"
        );
    }
    // The tree is the one expected, not an empty answer.
    for needed in ["temporal-contract", "temporal-macros", "serde"] {
        assert!(
            crates.iter().any(|(name, _)| name == needed),
            "`{needed}` is missing from {crates:?}"
        );
    }
    println!("{} crates: {crates:?}", crates.len());
}
