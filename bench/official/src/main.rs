//! `temporal-bench-official`: the official Rust client, temporalio-client 1.1.1, driven through
//! the workloads of `cargo xtask bench`, so that its figures are measured in the same run as
//! temporal-client's instead of quoted.
//!
//! The bench runs it as it runs its own workload children: `temporal-bench-official
//! __workload key=value...` makes one workload in mode `official` (gzip off) or
//! `official-gzip` (the client's default) and prints one `SAMPLE {json}` line. The job's
//! arguments, the workload loop and the measurement are the bench crate's own modules,
//! included by path: one definition for both children.

// Shared with the bench crate, which uses what this binary does not (the parent's side).
#[allow(dead_code)]
#[path = "../../src/drive.rs"]
mod drive;
#[allow(dead_code)]
#[path = "../../src/measure.rs"]
mod measure;
#[allow(dead_code)]
#[path = "../../src/memory.rs"]
mod memory;
#[allow(dead_code)]
#[path = "../../src/operation.rs"]
mod operation;
#[allow(dead_code)]
#[path = "../../src/spec.rs"]
mod spec;

use std::process::ExitCode;
use std::sync::Arc;

use futures_util::StreamExt;
use temporalio_client::{
    Client, ClientOptions, Connection, ConnectionOptions, GrpcCompression, Url,
    WorkflowDescribeOptions, WorkflowGetResultOptions, WorkflowListOptions, WorkflowQueryOptions,
    WorkflowSignalOptions, WorkflowStartOptions,
};
use temporalio_common::{
    HasWorkflowDefinition, QueryDefinition, SignalDefinition, WorkflowDefinition,
};

use crate::drive::{
    NAMESPACE, Operate, QUERY_ANSWER, QUERY_NAME, QUICK_TYPE, SIGNAL_NAME, WAITING_TYPE,
    check_answer, check_listed, json_string_of_encoded_len, run_operations,
};
use crate::measure::Sample;
use crate::operation::{Mode, Operation};
use crate::spec::{Job, Targets};

/// Counts every heap allocation, as the bench binary does.
#[global_allocator]
static ALLOCATOR: &stats_alloc::StatsAlloc<std::alloc::System> = &stats_alloc::INSTRUMENTED_SYSTEM;

type Error = Box<dyn std::error::Error + Send + Sync>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.split_first() {
        Some((first, job)) if first == spec::WORKLOAD => child_main(job),
        _ => Err(format!(
            "usage: temporal-bench-official {} key=value... (run by temporal-bench)",
            spec::WORKLOAD
        )
        .into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("temporal-bench-official: {err}");
            ExitCode::FAILURE
        }
    }
}

fn child_main(args: &[String]) -> Result<(), Error> {
    measure::take_measured_cpu()?;
    let Job::Operations {
        operation,
        mode: Mode::Official { gzip },
        ops,
        concurrency,
        payload_bytes,
        run_id,
        targets,
    } = Job::from_args(args)?
    else {
        return Err("this binary runs only operations in the official modes".into());
    };
    // A current-thread runtime, as the bench's own children use.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let sample: Sample = runtime.block_on(async {
        let official = Arc::new(Official {
            client: connect(&targets.address, gzip).await?,
            operation,
            value: json_string_of_encoded_len(payload_bytes),
            run_id,
            targets,
        });
        run_operations(official, ops, concurrency.max(1)).await
    })?;
    println!("{}", sample.to_line());
    Ok(())
}

async fn connect(address: &str, gzip: bool) -> Result<Client, Error> {
    let options = ConnectionOptions::new(Url::parse(&format!("http://{address}"))?)
        .grpc_compression(if gzip {
            GrpcCompression::Gzip
        } else {
            GrpcCompression::None
        })
        .build();
    let connection = Connection::connect(options).await?;
    Ok(Client::new(
        connection,
        ClientOptions::new(NAMESPACE).build(),
    )?)
}

/// A workflow of the bench's worker or idle queue, typed as an application would type it
/// (the official client's `#[workflow]` macros generate the same): one string in, one out.
struct BenchWorkflow(&'static str);

impl WorkflowDefinition for BenchWorkflow {
    type Input = String;
    type Output = String;

    fn name(&self) -> &str {
        self.0
    }
}

impl HasWorkflowDefinition for BenchWorkflow {
    type Run = Self;
}

/// The signal every signal operation sends, with one string.
struct BenchSignal;

impl SignalDefinition for BenchSignal {
    type Workflow = BenchWorkflow;
    type Input = String;

    fn name(&self) -> &str {
        SIGNAL_NAME
    }
}

/// The query the worker answers: no argument, a string back.
struct BenchQuery;

impl QueryDefinition for BenchQuery {
    type Workflow = BenchWorkflow;
    type Input = ();
    type Output = String;

    fn name(&self) -> &str {
        QUERY_NAME
    }
}

/// Makes operation `i` of a workload through the official client's high-level API.
struct Official {
    client: Client,
    operation: Operation,
    value: String,
    run_id: String,
    targets: Targets,
}

impl Official {
    fn new_id(&self, i: usize) -> String {
        format!("{}-{i}", self.run_id)
    }

    fn waiting_id(&self, i: usize) -> String {
        let count = self.targets.waiting_count.max(1);
        format!("{}-{}", self.targets.waiting_prefix, i % count)
    }

    fn queryable_id(&self, i: usize) -> String {
        let count = self.targets.queryable_count.max(1);
        format!("{}-{}", self.targets.queryable_prefix, i % count)
    }

    fn options(&self, i: usize, task_queue: &str) -> WorkflowStartOptions {
        WorkflowStartOptions::new(task_queue, self.new_id(i)).build()
    }
}

impl Operate for Official {
    async fn run_one(&self, i: usize) -> Result<(), Error> {
        let client = &self.client;
        let targets = &self.targets;
        let value = self.value.clone();
        match self.operation {
            Operation::Start => {
                let options = self.options(i, &targets.idle_queue);
                client
                    .start_workflow(BenchWorkflow(WAITING_TYPE), value, options)
                    .await?;
            }
            Operation::Signal => {
                let handle = client.get_workflow_handle::<BenchWorkflow>(self.waiting_id(i));
                handle
                    .signal(BenchSignal, value, WorkflowSignalOptions::default())
                    .await?;
            }
            Operation::Query => {
                let handle = client.get_workflow_handle::<BenchWorkflow>(self.queryable_id(i));
                let answer = handle
                    .query(BenchQuery, (), WorkflowQueryOptions::default())
                    .await?;
                check_answer(&answer, QUERY_ANSWER)?;
            }
            Operation::Describe => {
                let handle = client.get_workflow_handle::<BenchWorkflow>(self.waiting_id(i));
                handle.describe(WorkflowDescribeOptions::default()).await?;
            }
            Operation::StartResult => {
                let options = self.options(i, &targets.worker_queue);
                let handle = client
                    .start_workflow(BenchWorkflow(QUICK_TYPE), value, options)
                    .await?;
                let answer = handle
                    .get_result(WorkflowGetResultOptions::default())
                    .await?;
                check_answer(&answer, &self.value)?;
            }
            Operation::SignalWithStart => {
                let options = self.options(i, &targets.idle_queue);
                client
                    .signal_with_start_workflow(
                        BenchWorkflow(WAITING_TYPE),
                        value.clone(),
                        BenchSignal,
                        value,
                        options,
                    )
                    .await?;
            }
            Operation::List => {
                let mut workflows = client
                    .list_workflows(targets.list_query.as_str(), WorkflowListOptions::default());
                let mut listed = 0;
                while let Some(workflow) = workflows.next().await {
                    workflow?;
                    listed += 1;
                }
                check_listed(listed)?;
            }
        }
        Ok(())
    }
}
