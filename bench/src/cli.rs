//! The command line of `temporal-bench` (`cargo xtask bench` passes its arguments on).

use std::path::PathBuf;

use crate::Error;
use crate::operation::{Mode, Operation};

pub(crate) const USAGE: &str = "\
usage: temporal-bench [options]

Starts its own dev server and Python worker, measures every operation through temporal-client,
through a bare tonic call and through the official Rust client (temporalio-client 1.1.1, built
from bench/official, gzip off and on), then scaling and build cost, and writes BENCHMARKS.md and
its charts.

options:
  --quick                small sizes everywhere: a smoke run of a few seconds
  --ops N                operations per workload (default 2000; --quick: 100)
  --count-ops N          operations per workload run under strace and valgrind, whose
                         counts per operation need no more (default: the smaller of
                         --ops and 300)
  --concurrency C[:N][,C[:N]...]
                         an operations table for each C operations in flight, each
                         workload N operations (default --ops); the first table has
                         every operation, the others those of the issue's goals
                         (start, signal, query, describe, start+result)
                         (default: 32,1:500; --quick: 32,1:20)
  --repeat R             runs of each operation and mode: the median and the range are
                         kept (default 5; --quick: 1)
  --only OP[,OP...]      only these operations (start, signal, query, describe,
                         start+result, signal-with-start, list)
  --curves CURVE[,CURVE...]
                         only these scaling curves (concurrency, payload, history, list;
                         default all)
  --skip-scaling         no scaling curves
  --skip-history         no history-length curve (the slowest to prepare)
  --skip-build-cost      no cold release build
  --skip-micro           no criterion micro-benchmarks (--quick skips them too)
  --skip-syscalls        no system-call counts (two extra runs per operation and mode
                         under strace; --quick skips them too)
  --skip-instructions    no instruction counts (two extra runs per operation and mode
                         under valgrind, tens of times slower; --quick skips them too)
  --skip-official        neither build nor measure the official client (--quick skips
                         it too); its figures are then quoted from the issue
  --experiment MODE[,MODE...]
                         also measure these experimental modes, each against its baseline
                         (transports against bare tonic, client variants against the
                         client): hyper-direct, h2-direct, tonic-tuned (issue 16's transport
                         experiment), client-direct (the client over its direct HTTP/2
                         transport, against the client), client-intercepted, client-traced (issue 15's cost of
                         an interceptor and of recorded spans; client-traced needs the bench
                         built with --features tracing)
  --waits                only the cost of idle result waits: 1,000, 10,000 and 100,000
                         `result()` waits on never-completing workflows from one client
                         (--quick: 1,000 and 10,000), printed as a table
  --output DIR           where BENCHMARKS.md goes (default: the workspace root), the
                         charts in DIR/bench/charts
  -h, --help             this text";

/// What to measure and where to write it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Options {
    pub(crate) quick: bool,
    pub(crate) ops: usize,
    /// Operations per workload counted under strace and valgrind.
    pub(crate) count_ops: usize,
    /// The operations tables, the first the main one.
    pub(crate) tables: Vec<TablePlan>,
    pub(crate) repeat: usize,
    pub(crate) operations: Vec<Operation>,
    /// The scaling curves to measure, in the order they run.
    pub(crate) curves: Vec<Curve>,
    pub(crate) build_cost: bool,
    pub(crate) micro: bool,
    pub(crate) syscalls: bool,
    pub(crate) instructions: bool,
    pub(crate) official: bool,
    pub(crate) experiments: Vec<Mode>,
    pub(crate) waits: bool,
    pub(crate) output: PathBuf,
}

/// A scaling curve: how a start's cost grows with concurrency or with its argument, and what
/// streaming a history or a list costs by its length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Curve {
    Concurrency,
    Payload,
    History,
    List,
}

impl Curve {
    pub(crate) const ALL: [Curve; 4] = [
        Curve::Concurrency,
        Curve::Payload,
        Curve::History,
        Curve::List,
    ];
}

impl std::str::FromStr for Curve {
    type Err = Error;

    fn from_str(name: &str) -> Result<Self, Error> {
        match name {
            "concurrency" => Ok(Curve::Concurrency),
            "payload" => Ok(Curve::Payload),
            "history" => Ok(Curve::History),
            "list" => Ok(Curve::List),
            other => Err(format!(
                "no curve `{other}`: the curves are concurrency, payload, history and list"
            )
            .into()),
        }
    }
}

/// One operations table: how many operations are in flight, and how many a workload runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TablePlan {
    pub(crate) concurrency: usize,
    pub(crate) ops: usize,
}

impl TablePlan {
    /// The operations this table measures of those asked for: all of them in the first
    /// table; in the others, those the issue's goals name at every concurrency.
    pub(crate) fn operations(&self, first: bool, asked: &[Operation]) -> Vec<Operation> {
        asked
            .iter()
            .copied()
            .filter(|operation| first || Operation::GOALS.contains(operation))
            .collect()
    }
}

/// `32,1:500`: each table's concurrency and, where given, its operations per workload
/// (`None`: `--ops`).
fn parse_tables(value: &str) -> Result<Vec<(usize, Option<usize>)>, Error> {
    value
        .split(',')
        .map(|table| match table.split_once(':') {
            Some((concurrency, ops)) => Ok((
                positive(concurrency, "--concurrency")?,
                Some(positive(ops, "--concurrency's operations")?),
            )),
            None => Ok((positive(table, "--concurrency")?, None)),
        })
        .collect()
}

/// The root of the workspace this binary was built in.
pub(crate) fn workspace_root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .canonicalize()
        .unwrap_or_else(|_| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/..")))
}

impl Options {
    /// Parses the arguments; `Ok(None)` when help was asked for.
    pub(crate) fn parse(args: &[String]) -> Result<Option<Self>, Error> {
        let mut options = Options {
            quick: false,
            ops: 0,
            count_ops: 0,
            tables: Vec::new(),
            repeat: 0,
            operations: Operation::ALL.to_vec(),
            curves: Curve::ALL.to_vec(),
            build_cost: true,
            micro: true,
            syscalls: true,
            instructions: true,
            official: true,
            experiments: Vec::new(),
            waits: false,
            output: workspace_root(),
        };
        let mut ops = None;
        let mut count_ops = None;
        let mut repeat = None;
        let mut tables = None;
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut value = |name: &str| {
                args.next()
                    .cloned()
                    .ok_or_else(|| format!("{name} needs a value\n{USAGE}"))
            };
            match arg.as_str() {
                "--quick" => options.quick = true,
                "--ops" => ops = Some(positive(&value("--ops")?, "--ops")?),
                "--count-ops" => count_ops = Some(positive(&value("--count-ops")?, "--count-ops")?),
                "--concurrency" => tables = Some(parse_tables(&value("--concurrency")?)?),
                "--repeat" => repeat = Some(positive(&value("--repeat")?, "--repeat")?),
                "--only" => {
                    options.operations = value("--only")?
                        .split(',')
                        .map(str::parse)
                        .collect::<Result<_, _>>()?
                }
                "--experiment" => {
                    for name in value("--experiment")?.split(',') {
                        let mode: Mode = name.parse()?;
                        if !Mode::EXPERIMENTS.contains(&mode) {
                            return Err(format!(
                                "`{name}` is measured in every run, not an experiment"
                            )
                            .into());
                        }
                        if !options.experiments.contains(&mode) {
                            options.experiments.push(mode);
                        }
                    }
                }
                "--curves" => {
                    let asked = value("--curves")?
                        .split(',')
                        .map(str::parse)
                        .collect::<Result<Vec<Curve>, _>>()?;
                    options.curves.retain(|curve| asked.contains(curve));
                }
                "--skip-scaling" => options.curves.clear(),
                "--skip-history" => options.curves.retain(|&curve| curve != Curve::History),
                "--skip-build-cost" => options.build_cost = false,
                "--skip-micro" => options.micro = false,
                "--skip-syscalls" => options.syscalls = false,
                "--skip-instructions" => options.instructions = false,
                "--skip-official" => options.official = false,
                "--waits" => options.waits = true,
                "--output" => options.output = PathBuf::from(value("--output")?),
                "-h" | "--help" => return Ok(None),
                other => return Err(format!("unknown option `{other}`\n{USAGE}").into()),
            }
        }
        options.ops = ops.unwrap_or(if options.quick { 100 } else { 2000 });
        let one_in_flight_ops = if options.quick { 20 } else { 500 };
        options.tables = tables
            .unwrap_or_else(|| vec![(32, None), (1, Some(one_in_flight_ops))])
            .into_iter()
            .map(|(concurrency, ops)| TablePlan {
                concurrency,
                ops: ops.unwrap_or(options.ops),
            })
            .collect();
        options.count_ops = count_ops.unwrap_or(options.ops.min(300));
        options.repeat = repeat.unwrap_or(if options.quick { 1 } else { 5 });
        options.micro &= !options.quick;
        options.syscalls &= !options.quick;
        options.instructions &= !options.quick;
        options.official &= !options.quick;
        Ok(Some(options))
    }
}

fn positive(value: &str, name: &str) -> Result<usize, Error> {
    match value.parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("{name} takes a positive integer, not `{value}`").into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Option<Options>, Error> {
        Options::parse(&args.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn defaults_are_the_issue_s_workload() {
        let options = parse(&[]).expect("valid").expect("not help");
        assert_eq!((options.ops, options.repeat), (2000, 5));
        assert_eq!(
            options.tables,
            [
                TablePlan {
                    concurrency: 32,
                    ops: 2000
                },
                TablePlan {
                    concurrency: 1,
                    ops: 500
                }
            ]
        );
        assert_eq!(options.operations, Operation::ALL);
        assert_eq!(options.curves, Curve::ALL);
        assert!(options.build_cost && options.micro);
        assert!(options.syscalls && options.instructions && options.official);
        assert!(!options.quick);
    }

    #[test]
    fn options_are_read_and_quick_shrinks_the_default_ops() {
        let options = parse(&[
            "--quick",
            "--repeat",
            "2",
            "--concurrency",
            "4",
            "--only",
            "start,list",
            "--skip-scaling",
            "--skip-build-cost",
            "--output",
            "/tmp/x",
        ])
        .expect("valid")
        .expect("not help");
        assert_eq!((options.ops, options.repeat), (100, 2));
        assert_eq!(
            options.tables,
            [TablePlan {
                concurrency: 4,
                ops: 100
            }]
        );
        let tables = parse(&["--ops", "50", "--concurrency", "8,1:7"])
            .expect("valid")
            .expect("not help")
            .tables;
        assert_eq!(
            tables,
            [
                TablePlan {
                    concurrency: 8,
                    ops: 50
                },
                TablePlan {
                    concurrency: 1,
                    ops: 7
                }
            ]
        );
        // Tables after the first measure the goals' operations only.
        assert_eq!(
            tables[1].operations(false, &Operation::ALL),
            Operation::GOALS
        );
        assert_eq!(tables[0].operations(true, &Operation::ALL), Operation::ALL);
        assert_eq!(options.operations, [Operation::Start, Operation::List]);
        assert!(options.curves.is_empty());
        assert!(!options.build_cost && !options.micro && !options.syscalls);
        assert!(!options.instructions && !options.official);
        let skipping = parse(&["--skip-official", "--skip-instructions"])
            .expect("valid")
            .expect("not help");
        assert!(!skipping.official && !skipping.instructions && skipping.syscalls);
        assert_eq!(options.output, PathBuf::from("/tmp/x"));
        let experiments = parse(&["--experiment", "hyper-direct,client-traced,hyper-direct"])
            .expect("valid")
            .expect("not help");
        assert_eq!(
            experiments.experiments,
            [Mode::HyperDirect, Mode::ClientTraced]
        );
        let curves = |args: &[&str]| parse(args).expect("valid").expect("not help").curves;
        assert_eq!(
            curves(&["--curves", "list,payload"]),
            [Curve::Payload, Curve::List]
        );
        assert_eq!(
            curves(&["--skip-history"]),
            [Curve::Concurrency, Curve::Payload, Curve::List]
        );
        assert_eq!(
            curves(&["--curves", "history,list", "--skip-history"]),
            [Curve::List]
        );
        assert!(!options.waits);
        assert!(parse(&["--waits"]).expect("valid").expect("not help").waits);
        assert_eq!(parse(&["--help"]).expect("valid"), None);
    }

    #[test]
    fn bad_options_are_errors() {
        for args in [
            &["--ops"][..],
            &["--ops", "0"],
            &["--ops", "many"],
            &["--only", "update"],
            &["--experiment", "tonic"],
            &["--experiment", "hyper"],
            &["--fast"],
            &["--concurrency", "32,"],
            &["--concurrency", "1:0"],
            &["--concurrency", "x:5"],
            &["--curves", "latency"],
            &["--curves"],
        ] {
            assert!(parse(args).is_err(), "{args:?}");
        }
    }
}
