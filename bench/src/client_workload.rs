//! `temporal-bench-client`'s workloads: temporal-client's high-level API (modes `client`,
//! `client-direct`, `client-intercepted`, `client-traced`), the streamed history and list, and the launch child
//! (connect, start one workflow, exit).

use std::sync::Arc;
use std::time::Instant;

use temporal_client::{
    Client, ClientOptions, Connection, ConnectionOptions, Http2Transport, StartOptions, Untyped,
};

use crate::Error;
use crate::drive::{
    Operate, QUERY_ANSWER, QUERY_NAME, QUICK_TYPE, SIGNAL_NAME, WAITING_TYPE, check_answer,
    check_listed, run_operations,
};
use crate::measure::{Sample, process_usage};
use crate::operation::{Mode, Operation};
use crate::spec::Job;
use crate::workload::{Workload, not_here};

/// Runs one job through temporal-client.
pub(crate) async fn run(job: Job) -> Result<Sample, Error> {
    match job {
        Job::Operations {
            operation,
            mode,
            ops,
            concurrency,
            payload_bytes,
            run_id,
            targets,
        } => {
            let runner = Arc::new(ClientRunner {
                client: connect(mode, &targets.address, payload_bytes).await?,
                workload: Workload::new(operation, payload_bytes, run_id, targets),
            });
            run_operations(runner, ops, concurrency.max(1)).await
        }
        Job::History {
            address,
            workflow_id,
        } => {
            let client = connect_client(&address, 0).await?;
            let handle = client.get_handle::<Untyped>(workflow_id);
            measure_stream(handle.fetch_history(), usize::MAX).await
        }
        Job::List {
            address,
            query,
            limit,
        } => {
            let client = connect_client(&address, 0).await?;
            measure_stream(client.list(query), limit).await
        }
    }
}

/// The entry point of a `__launch` child: what an application does to start one workflow.
pub(crate) fn launch_main(args: &[String]) -> Result<(), Error> {
    crate::measure::take_measured_cpu()?;
    let [address, task_queue] = args else {
        return Err("usage: __launch ADDRESS TASK_QUEUE".into());
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let connection = Connection::connect(ConnectionOptions::new(address.as_str())).await?;
        let client = Client::new(connection);
        let workflow_id = format!("launch-{}", uuid::Uuid::new_v4());
        client
            .start(
                WAITING_TYPE,
                ("launch",),
                StartOptions::new(workflow_id, task_queue),
            )
            .await?;
        Ok(())
    })
}

/// The client of `mode`.
async fn connect(mode: Mode, address: &str, payload_bytes: usize) -> Result<Client, Error> {
    match mode {
        Mode::Client => connect_client(address, payload_bytes).await,
        Mode::ClientDirect => {
            connect_client_with(
                ConnectionOptions::new(address).http2_transport(Http2Transport::Direct),
                payload_bytes,
                ClientOptions::default(),
            )
            .await
        }
        Mode::ClientIntercepted => {
            connect_client_with(
                ConnectionOptions::new(address),
                payload_bytes,
                ClientOptions::default().interceptor(crate::cost::NoopInterceptor),
            )
            .await
        }
        Mode::ClientTraced => {
            crate::cost::record_spans()?;
            connect_client(address, payload_bytes).await
        }
        other => Err(not_here(other)),
    }
}

async fn connect_client(address: &str, payload_bytes: usize) -> Result<Client, Error> {
    connect_client_with(
        ConnectionOptions::new(address),
        payload_bytes,
        ClientOptions::default(),
    )
    .await
}

async fn connect_client_with(
    connection: ConnectionOptions,
    payload_bytes: usize,
    mut options: ClientOptions,
) -> Result<Client, Error> {
    let connection = Connection::connect(connection).await?;
    if payload_bytes > 0 {
        options = options.max_payload_bytes(payload_bytes.max(4 * 1024 * 1024));
    }
    Ok(Client::with_options(connection, options)?)
}

/// Reads up to `limit` items of a stream, one at a time, as an application would.
async fn measure_stream<T>(
    mut stream: temporal_client::PagedStream<T>,
    limit: usize,
) -> Result<Sample, Error> {
    let usage = process_usage();
    let started = Instant::now();
    let mut items = 0;
    while items < limit {
        match stream.next().await {
            Some(item) => {
                drop(item?);
                items += 1;
            }
            None => break,
        }
    }
    let wall = started.elapsed();
    let mut sample = Sample::from_latencies(Vec::new(), 0, None, wall, process_usage() - usage);
    sample.ops = items as u64;
    Ok(sample)
}

/// Makes operation `i` of a workload through temporal-client.
struct ClientRunner {
    client: Client,
    workload: Workload,
}

impl ClientRunner {
    async fn operate(&self, i: usize) -> Result<(), Error> {
        let client = &self.client;
        let value = self.workload.value.as_str();
        let targets = &self.workload.targets;
        match self.workload.operation {
            Operation::Start => {
                let options = StartOptions::new(self.workload.new_id(i), &targets.idle_queue);
                client.start(WAITING_TYPE, (value,), options).await?;
            }
            Operation::Signal => {
                let handle = client.get_handle::<Untyped>(self.workload.waiting_id(i));
                handle
                    .signal(temporal_client::by_name(SIGNAL_NAME).arg(value))
                    .await?;
            }
            Operation::Query => {
                let handle = client.get_handle::<Untyped>(self.workload.queryable_id(i));
                let answer: String = handle.query(QUERY_NAME).await?;
                check_answer(&answer, QUERY_ANSWER)?;
            }
            Operation::Describe => {
                let handle = client.get_handle::<Untyped>(self.workload.waiting_id(i));
                handle.describe().await?;
            }
            Operation::StartResult => {
                let options = StartOptions::new(self.workload.new_id(i), &targets.worker_queue);
                let answer: String = client.execute(QUICK_TYPE, (value,), options).await?;
                check_answer(&answer, value)?;
            }
            Operation::SignalWithStart => {
                let options = StartOptions::new(self.workload.new_id(i), &targets.idle_queue);
                client
                    .signal_with_start(
                        WAITING_TYPE,
                        (value,),
                        options,
                        temporal_client::by_name(SIGNAL_NAME).arg(value),
                    )
                    .await?;
            }
            Operation::List => {
                let mut workflows = client.list(targets.list_query.as_str());
                let mut listed = 0;
                while let Some(info) = workflows.next().await {
                    info?;
                    listed += 1;
                }
                check_listed(listed)?;
            }
        }
        Ok(())
    }
}

impl Operate for ClientRunner {
    async fn run_one(&self, i: usize) -> Result<(), Error> {
        self.operate(i).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Targets;

    #[test]
    fn a_mode_of_another_binary_is_refused_before_any_dial() {
        let job = Job::Operations {
            operation: Operation::Start,
            mode: Mode::Tonic,
            ops: 1,
            concurrency: 1,
            payload_bytes: 0,
            run_id: "r".to_owned(),
            targets: Targets {
                // Nothing listens there: the refusal comes first.
                address: "127.0.0.1:1".to_owned(),
                worker_queue: "w".to_owned(),
                idle_queue: "i".to_owned(),
                waiting_prefix: "w".to_owned(),
                waiting_count: 1,
                queryable_prefix: "q".to_owned(),
                queryable_count: 1,
                list_query: "x".to_owned(),
            },
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let err = runtime.block_on(run(job)).expect_err("refused");
        assert!(err.to_string().contains("`tonic`"), "{err}");
        assert!(err.to_string().contains("another workload binary"), "{err}");
    }
}
