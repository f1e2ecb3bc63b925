//! The criterion micro-benchmarks (`bench/benches/client.rs`): what the client does per call
//! without the network. Run through cargo, their estimates read back for the report.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::Error;
use crate::build_cost::cargo;

/// One criterion benchmark's estimates, in nanoseconds per iteration.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MicroResult {
    /// Criterion's id, e.g. `payload/encode_json/1 MiB`.
    pub(crate) id: String,
    pub(crate) median_ns: f64,
    pub(crate) mean_ns: f64,
}

/// Runs `cargo bench -p temporal-bench --bench client` and returns every estimate it wrote,
/// sorted by id. Earlier estimates are removed first, so that only this run's are reported.
pub(crate) fn measure(workspace: &Path) -> Result<Vec<MicroResult>, Error> {
    let criterion = target_dir(workspace).join("criterion");
    let _ = std::fs::remove_dir_all(&criterion);
    cargo(
        workspace,
        None,
        &["bench", "-p", "temporal-bench", "--bench", "client"],
    )?;
    let mut results = Vec::new();
    collect(&criterion, &mut results)?;
    if results.is_empty() {
        return Err(format!("criterion wrote no estimates under {}", criterion.display()).into());
    }
    results.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(results)
}

/// Where cargo builds for this workspace, as cargo decides it.
fn target_dir(workspace: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace.join("target"))
}

/// Finds every `new/estimates.json` (criterion's latest run of one benchmark) under `dir`.
fn collect(dir: &Path, results: &mut Vec<MicroResult>) -> Result<(), Error> {
    let new = dir.join("new");
    if let (Ok(estimates), Ok(benchmark)) = (
        std::fs::read_to_string(new.join("estimates.json")),
        std::fs::read_to_string(new.join("benchmark.json")),
    ) {
        results.push(parse(&benchmark, &estimates)?);
        return Ok(());
    }
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() && path.file_name().is_some_and(|name| name != "report") {
            collect(&path, results)?;
        }
    }
    Ok(())
}

fn parse(benchmark: &str, estimates: &str) -> Result<MicroResult, Error> {
    let benchmark: Value = serde_json::from_str(benchmark)?;
    let estimates: Value = serde_json::from_str(estimates)?;
    let point = |name: &str| {
        estimates[name]["point_estimate"]
            .as_f64()
            .ok_or_else(|| format!("criterion's estimates have no {name}"))
    };
    Ok(MicroResult {
        id: benchmark["full_id"]
            .as_str()
            .ok_or("criterion's benchmark.json has no full_id")?
            .to_owned(),
        median_ns: point("median")?,
        mean_ns: point("mean")?,
    })
}

/// A time per iteration as people read it: ns, µs or ms.
pub(crate) fn format_ns(ns: f64) -> String {
    if ns < 1e3 {
        format!("{ns:.0} ns")
    } else if ns < 1e6 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{:.2} ms", ns / 1e6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn criterion_estimates_are_read_with_their_id() {
        let benchmark = r#"{"group_id":"payload","function_id":"encode_json","value_str":"1 MiB","throughput":null,"full_id":"payload/encode_json/1 MiB","directory_name":"payload/encode_json/1 MiB","title":"payload/encode_json/1 MiB"}"#;
        let estimates = r#"{"mean":{"confidence_interval":{"confidence_level":0.95,"lower_bound":1.0,"upper_bound":3.0},"point_estimate":2.5,"standard_error":0.1},"median":{"confidence_interval":{"confidence_level":0.95,"lower_bound":1.0,"upper_bound":3.0},"point_estimate":2.0,"standard_error":0.1}}"#;
        assert_eq!(
            parse(benchmark, estimates).expect("parses"),
            MicroResult {
                id: "payload/encode_json/1 MiB".to_owned(),
                median_ns: 2.0,
                mean_ns: 2.5,
            }
        );
        assert!(parse("{}", estimates).is_err());
        assert_eq!(format_ns(383.2), "383 ns");
        assert_eq!(format_ns(642_000.0), "642.00 µs");
        assert_eq!(format_ns(2_230_000.0), "2.23 ms");
    }
}
