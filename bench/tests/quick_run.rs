//! The bench command end to end, small: its own dev server and worker, every operation in
//! both modes at two concurrencies, the tables and BENCHMARKS.md. Keeps the tool from rotting between runs.

use std::process::Command;

#[test]
fn a_quick_run_measures_every_operation_in_both_modes_and_writes_the_report() {
    let output_dir =
        std::env::temp_dir().join(format!("temporal-bench-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&output_dir);
    let output = Command::new(env!("CARGO_BIN_EXE_temporal-bench"))
        .args([
            "--quick",
            "--ops",
            "20",
            "--concurrency",
            "4,1:5",
            "--skip-scaling",
            "--skip-build-cost",
            "--output",
        ])
        .arg(&output_dir)
        .output()
        .expect("the bench binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let report = std::fs::read_to_string(output_dir.join("BENCHMARKS.md")).expect("written");
    std::fs::remove_dir_all(&output_dir).expect("removed");
    for operation in [
        "start",
        "signal",
        "query",
        "describe",
        "start+result",
        "signal-with-start",
        "list",
    ] {
        for mode in ["(a) client", "(b) tonic"] {
            let row = format!("| {operation} | {mode} | ");
            let line = report
                .lines()
                .find(|line| line.starts_with(&row))
                .unwrap_or_else(|| panic!("no row `{row}` in\n{report}"));
            assert!(line.ends_with("| 0 |"), "errors in `{line}`");
            assert!(stdout.contains(line), "the table on stdout lacks `{line}`");
        }
    }
    // The second table: the goals' operations at one in flight, with targets of their own.
    assert!(
        report.contains("## Operations: 5 operations at concurrency 1"),
        "{report}"
    );
    for operation in ["start", "signal", "query", "describe", "start+result"] {
        let target = format!("| {operation} (1 in flight) CPU/op at most 1.2x bare tonic");
        assert!(report.contains(&target), "no `{target}` in\n{report}");
    }
    assert!(!report.contains("| list (1 in flight)"), "{report}");
    assert!(
        report.contains("launch + connect + one start + exit"),
        "{report}"
    );
    assert!(
        report.contains("official Rust temporalio-client 1.1.1"),
        "{report}"
    );
}
