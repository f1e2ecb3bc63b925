//! What a child process is asked to run, as `key=value` arguments after a hidden subcommand.

use std::collections::BTreeMap;
use std::str::FromStr;

use crate::Error;
use crate::operation::{Mode, Operation};

/// The hidden subcommand of a child that runs one workload and prints its sample.
pub(crate) const WORKLOAD: &str = "__workload";
/// The hidden subcommand of a child that connects, starts one workflow and exits.
pub(crate) const LAUNCH: &str = "__launch";

/// The workflows a run of the benchmark prepared on its server.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Targets {
    /// The server's `host:port`.
    pub(crate) address: String,
    /// The queue the Python worker polls.
    pub(crate) worker_queue: String,
    /// A queue no worker polls: workflows started there wait, costing the server little.
    pub(crate) idle_queue: String,
    /// Running workflows to signal and describe: `{prefix}-{k}` for k below `count`.
    pub(crate) waiting_prefix: String,
    pub(crate) waiting_count: usize,
    /// Running workflows the worker answers queries of.
    pub(crate) queryable_prefix: String,
    pub(crate) queryable_count: usize,
    /// The visibility query the list operation runs.
    pub(crate) list_query: String,
}

/// One workload, run in a fresh process.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Job {
    /// `ops` operations at `concurrency`, each with an argument of `payload_bytes` encoded
    /// bytes; ids of new workflows start with `run_id`.
    Operations {
        operation: Operation,
        mode: Mode,
        ops: usize,
        concurrency: usize,
        payload_bytes: usize,
        run_id: String,
        targets: Targets,
    },
    /// Streams the history of `workflow_id` through `fetch_history`.
    History {
        address: String,
        workflow_id: String,
    },
    /// Streams the first `limit` workflows `query` lists through `Client::list`.
    List {
        address: String,
        query: String,
        limit: usize,
    },
}

impl Job {
    /// The child's command line (after the executable).
    pub(crate) fn to_args(&self) -> Vec<String> {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        match self {
            Job::Operations {
                operation,
                mode,
                ops,
                concurrency,
                payload_bytes,
                run_id,
                targets,
            } => {
                pairs.extend([
                    ("job", "operations".to_owned()),
                    ("operation", operation.name().to_owned()),
                    ("mode", mode.name().to_owned()),
                    ("ops", ops.to_string()),
                    ("concurrency", concurrency.to_string()),
                    ("payload_bytes", payload_bytes.to_string()),
                    ("run_id", run_id.clone()),
                    ("address", targets.address.clone()),
                    ("worker_queue", targets.worker_queue.clone()),
                    ("idle_queue", targets.idle_queue.clone()),
                    ("waiting_prefix", targets.waiting_prefix.clone()),
                    ("waiting_count", targets.waiting_count.to_string()),
                    ("queryable_prefix", targets.queryable_prefix.clone()),
                    ("queryable_count", targets.queryable_count.to_string()),
                    ("list_query", targets.list_query.clone()),
                ]);
            }
            Job::History {
                address,
                workflow_id,
            } => pairs.extend([
                ("job", "history".to_owned()),
                ("address", address.clone()),
                ("workflow_id", workflow_id.clone()),
            ]),
            Job::List {
                address,
                query,
                limit,
            } => pairs.extend([
                ("job", "list".to_owned()),
                ("address", address.clone()),
                ("query", query.clone()),
                ("limit", limit.to_string()),
            ]),
        }
        std::iter::once(WORKLOAD.to_owned())
            .chain(
                pairs
                    .into_iter()
                    .map(|(key, value)| format!("{key}={value}")),
            )
            .collect()
    }

    /// Parses the arguments after [`WORKLOAD`].
    pub(crate) fn from_args(args: &[String]) -> Result<Self, Error> {
        let params = Params::from_args(args)?;
        match params.get("job")? {
            "operations" => Ok(Job::Operations {
                operation: params.parse("operation")?,
                mode: params.parse("mode")?,
                ops: params.parse("ops")?,
                concurrency: params.parse("concurrency")?,
                payload_bytes: params.parse("payload_bytes")?,
                run_id: params.get("run_id")?.to_owned(),
                targets: Targets {
                    address: params.get("address")?.to_owned(),
                    worker_queue: params.get("worker_queue")?.to_owned(),
                    idle_queue: params.get("idle_queue")?.to_owned(),
                    waiting_prefix: params.get("waiting_prefix")?.to_owned(),
                    waiting_count: params.parse("waiting_count")?,
                    queryable_prefix: params.get("queryable_prefix")?.to_owned(),
                    queryable_count: params.parse("queryable_count")?,
                    list_query: params.get("list_query")?.to_owned(),
                },
            }),
            "history" => Ok(Job::History {
                address: params.get("address")?.to_owned(),
                workflow_id: params.get("workflow_id")?.to_owned(),
            }),
            "list" => Ok(Job::List {
                address: params.get("address")?.to_owned(),
                query: params.get("query")?.to_owned(),
                limit: params.parse("limit")?,
            }),
            other => Err(format!("unknown job `{other}`").into()),
        }
    }
}

/// `key=value` arguments.
struct Params(BTreeMap<String, String>);

impl Params {
    fn from_args(args: &[String]) -> Result<Self, Error> {
        let mut map = BTreeMap::new();
        for arg in args {
            let (key, value) = arg
                .split_once('=')
                .ok_or_else(|| format!("expected key=value, got `{arg}`"))?;
            map.insert(key.to_owned(), value.to_owned());
        }
        Ok(Self(map))
    }

    fn get(&self, key: &str) -> Result<&str, Error> {
        self.0
            .get(key)
            .map(String::as_str)
            .ok_or_else(|| format!("missing argument `{key}=`").into())
    }

    fn parse<T: FromStr<Err: std::fmt::Display>>(&self, key: &str) -> Result<T, Error> {
        self.get(key)?
            .parse()
            .map_err(|e| format!("bad `{key}=`: {e}").into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_job_survives_the_command_line() {
        let targets = Targets {
            address: "127.0.0.1:7233".to_owned(),
            worker_queue: "bench-worker".to_owned(),
            idle_queue: "bench-idle".to_owned(),
            waiting_prefix: "waiting-1".to_owned(),
            waiting_count: 32,
            queryable_prefix: "queryable-1".to_owned(),
            queryable_count: 8,
            list_query: "WorkflowType = 'benchListed' AND WorkflowId STARTS_WITH 'x='".to_owned(),
        };
        let jobs = [
            Job::Operations {
                operation: Operation::SignalWithStart,
                mode: Mode::Tonic,
                ops: 2000,
                concurrency: 32,
                payload_bytes: 1024,
                run_id: "run-1".to_owned(),
                targets: targets.clone(),
            },
            Job::Operations {
                operation: Operation::Describe,
                mode: Mode::Official { gzip: true },
                ops: 0,
                concurrency: 32,
                payload_bytes: 0,
                run_id: "run-2".to_owned(),
                targets,
            },
            Job::History {
                address: "127.0.0.1:1".to_owned(),
                workflow_id: "history-1".to_owned(),
            },
            Job::List {
                address: "127.0.0.1:1".to_owned(),
                query: "WorkflowType = 'benchMany'".to_owned(),
                limit: 10_000,
            },
        ];
        for job in jobs {
            let args = job.to_args();
            assert_eq!(args[0], WORKLOAD);
            assert_eq!(Job::from_args(&args[1..]).expect("parses"), job);
        }
    }

    #[test]
    fn bad_arguments_are_errors() {
        let args = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(Job::from_args(&args(&["job"])).is_err());
        assert!(Job::from_args(&args(&["job=unknown"])).is_err());
        let err = Job::from_args(&args(&["job=history", "address=x"])).expect_err("missing");
        assert!(err.to_string().contains("workflow_id"), "{err}");
    }
}
