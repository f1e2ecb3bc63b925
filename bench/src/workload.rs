//! The child side: runs one [`Job`] and prints what it cost.
//!
//! Both modes run on a current-thread tokio runtime, the leanest way to drive a client: the
//! client's tasks and tonic's connection task share one thread, so the CPU time is what the
//! calls cost and not what idle worker threads do.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use temporal_client::proto::api::common::v1::{Payload, Payloads, WorkflowExecution, WorkflowType};
use temporal_client::proto::api::enums::v1::HistoryEventFilterType;
use temporal_client::proto::api::query::v1::WorkflowQuery;
use temporal_client::proto::api::taskqueue::v1::TaskQueue;
use temporal_client::proto::api::workflowservice::v1::workflow_service_client::WorkflowServiceClient;
use temporal_client::proto::api::workflowservice::v1::{
    DescribeWorkflowExecutionRequest, GetWorkflowExecutionHistoryRequest,
    ListWorkflowExecutionsRequest, QueryWorkflowRequest, SignalWithStartWorkflowExecutionRequest,
    SignalWorkflowExecutionRequest, StartWorkflowExecutionRequest,
};
use temporal_client::{
    Client, ClientOptions, Connection, ConnectionOptions, Http2Transport, StartOptions, Untyped,
};
use tonic::transport::{Channel, Endpoint};

use crate::Error;
use crate::drive::{
    NAMESPACE, Operate, QUERY_ANSWER, QUERY_NAME, QUICK_TYPE, SIGNAL_NAME, WAITING_TYPE,
    check_answer, check_listed, json_string_of_encoded_len, run_operations,
};
use crate::measure::{Sample, process_usage};
use crate::operation::{Mode, Operation};
use crate::spec::{Job, Targets};
use crate::transport::{H2Direct, HyperDirect, Transport};

/// The largest message a bare client accepts, as the high-level client does.
const MAX_MESSAGE_BYTES: usize = 128 * 1024 * 1024;

/// The entry point of a `__workload` child.
pub(crate) fn child_main(args: &[String]) -> Result<(), Error> {
    let job = Job::from_args(args)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let sample = runtime.block_on(run(job))?;
    println!("{}", sample.to_line());
    Ok(())
}

/// The entry point of a `__launch` child: what an application does to start one workflow.
pub(crate) fn launch_main(args: &[String]) -> Result<(), Error> {
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

async fn run(job: Job) -> Result<Sample, Error> {
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
            let runner = Arc::new(Runner {
                target: Target::connect(mode, &targets.address, payload_bytes).await?,
                operation,
                value: json_string_of_encoded_len(payload_bytes),
                run_id,
                targets,
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

/// What the operations are made through.
enum Target {
    Client(Client),
    Tonic(WorkflowServiceClient<Channel>),
    HyperDirect(WorkflowServiceClient<HyperDirect>),
    H2Direct(WorkflowServiceClient<H2Direct>),
}

impl Target {
    async fn connect(mode: Mode, address: &str, payload_bytes: usize) -> Result<Self, Error> {
        Ok(match mode {
            Mode::Client => Target::Client(connect_client(address, payload_bytes).await?),
            Mode::Official { .. } => {
                return Err(
                    "the official client's modes run in their own binary (bench/official)".into(),
                );
            }
            Mode::Tonic => {
                let channel = Endpoint::from_shared(format!("http://{address}"))?
                    .connect()
                    .await?;
                Target::Tonic(bare(WorkflowServiceClient::new(channel)))
            }
            Mode::TonicTuned => Target::Tonic(bare(WorkflowServiceClient::new(
                crate::transport::tuned_channel(address).await?,
            ))),
            Mode::HyperDirect => Target::HyperDirect(bare(WorkflowServiceClient::with_origin(
                HyperDirect::connect(address).await?,
                crate::transport::origin(address)?,
            ))),
            Mode::H2Direct => Target::H2Direct(bare(WorkflowServiceClient::with_origin(
                H2Direct::connect(address).await?,
                crate::transport::origin(address)?,
            ))),
            Mode::ClientDirect => Target::Client(
                connect_client_with(
                    ConnectionOptions::new(address).http2_transport(Http2Transport::Direct),
                    payload_bytes,
                    ClientOptions::default(),
                )
                .await?,
            ),
            Mode::ClientIntercepted => Target::Client(
                connect_client_with(
                    ConnectionOptions::new(address),
                    payload_bytes,
                    ClientOptions::default().interceptor(crate::cost::NoopInterceptor),
                )
                .await?,
            ),
            Mode::ClientTraced => {
                crate::cost::record_spans()?;
                Target::Client(connect_client(address, payload_bytes).await?)
            }
        })
    }
}

/// A generated client that takes messages as large as the high-level client does.
fn bare<T: Transport>(service: WorkflowServiceClient<T>) -> WorkflowServiceClient<T> {
    service
        .max_decoding_message_size(MAX_MESSAGE_BYTES)
        .max_encoding_message_size(MAX_MESSAGE_BYTES)
}

/// Makes operation `i` of a workload.
struct Runner {
    target: Target,
    operation: Operation,
    value: String,
    run_id: String,
    targets: Targets,
}

impl Runner {
    fn new_id(&self, i: usize) -> String {
        format!("{}-{i}", self.run_id)
    }

    fn waiting_id(&self, i: usize) -> String {
        format!(
            "{}-{}",
            self.targets.waiting_prefix,
            i % self.targets.waiting_count.max(1)
        )
    }

    fn queryable_id(&self, i: usize) -> String {
        format!(
            "{}-{}",
            self.targets.queryable_prefix,
            i % self.targets.queryable_count.max(1)
        )
    }

    async fn with_client(&self, client: &Client, i: usize) -> Result<(), Error> {
        let value = self.value.as_str();
        let targets = &self.targets;
        match self.operation {
            Operation::Start => {
                let options = StartOptions::new(self.new_id(i), &targets.idle_queue);
                client.start(WAITING_TYPE, (value,), options).await?;
            }
            Operation::Signal => {
                let handle = client.get_handle::<Untyped>(self.waiting_id(i));
                handle
                    .signal(temporal_client::by_name(SIGNAL_NAME).arg(value))
                    .await?;
            }
            Operation::Query => {
                let handle = client.get_handle::<Untyped>(self.queryable_id(i));
                let answer: String = handle.query(QUERY_NAME).await?;
                check_answer(&answer, QUERY_ANSWER)?;
            }
            Operation::Describe => {
                let handle = client.get_handle::<Untyped>(self.waiting_id(i));
                handle.describe().await?;
            }
            Operation::StartResult => {
                let options = StartOptions::new(self.new_id(i), &targets.worker_queue);
                let answer: String = client.execute(QUICK_TYPE, (value,), options).await?;
                check_answer(&answer, value)?;
            }
            Operation::SignalWithStart => {
                let options = StartOptions::new(self.new_id(i), &targets.idle_queue);
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

    /// The same RPCs with the same messages, built by hand and sent through the generated
    /// client: what a caller who writes every request themselves pays.
    async fn with_tonic<T: Transport>(
        &self,
        mut service: WorkflowServiceClient<T>,
        i: usize,
    ) -> Result<(), Error> {
        let targets = &self.targets;
        match self.operation {
            Operation::Start => {
                service
                    .start_workflow_execution(self.start_request(i, &targets.idle_queue)?)
                    .await?;
            }
            Operation::Signal => {
                service
                    .signal_workflow_execution(SignalWorkflowExecutionRequest {
                        namespace: NAMESPACE.to_owned(),
                        workflow_execution: Some(execution(self.waiting_id(i), String::new())),
                        signal_name: SIGNAL_NAME.to_owned(),
                        input: Some(self.input()?),
                        identity: identity(),
                        request_id: uuid::Uuid::new_v4().to_string(),
                        ..Default::default()
                    })
                    .await?;
            }
            Operation::Query => {
                let response = service
                    .query_workflow(QueryWorkflowRequest {
                        namespace: NAMESPACE.to_owned(),
                        execution: Some(execution(self.queryable_id(i), String::new())),
                        query: Some(WorkflowQuery {
                            query_type: QUERY_NAME.to_owned(),
                            ..Default::default()
                        }),
                        ..Default::default()
                    })
                    .await?
                    .into_inner();
                let answer = first_payload(response.query_result)?;
                check_answer(
                    &serde_json::from_slice::<String>(&answer.data)?,
                    QUERY_ANSWER,
                )?;
            }
            Operation::Describe => {
                service
                    .describe_workflow_execution(DescribeWorkflowExecutionRequest {
                        namespace: NAMESPACE.to_owned(),
                        execution: Some(execution(self.waiting_id(i), String::new())),
                    })
                    .await?;
            }
            Operation::StartResult => {
                let request = self.start_request(i, &targets.worker_queue)?;
                let workflow_id = request.workflow_id.clone();
                let run_id = service
                    .start_workflow_execution(request)
                    .await?
                    .into_inner()
                    .run_id;
                let answer = wait_for_result(&mut service, workflow_id, run_id).await?;
                check_answer(
                    &serde_json::from_slice::<String>(&answer.data)?,
                    &self.value,
                )?;
            }
            Operation::SignalWithStart => {
                let start = self.start_request(i, &targets.idle_queue)?;
                service
                    .signal_with_start_workflow_execution(SignalWithStartWorkflowExecutionRequest {
                        namespace: start.namespace,
                        workflow_id: start.workflow_id,
                        workflow_type: start.workflow_type,
                        task_queue: start.task_queue,
                        input: start.input,
                        identity: start.identity,
                        request_id: start.request_id,
                        signal_name: SIGNAL_NAME.to_owned(),
                        signal_input: Some(self.input()?),
                        ..Default::default()
                    })
                    .await?;
            }
            Operation::List => {
                let response = service
                    .list_workflow_executions(ListWorkflowExecutionsRequest {
                        namespace: NAMESPACE.to_owned(),
                        query: targets.list_query.clone(),
                        ..Default::default()
                    })
                    .await?
                    .into_inner();
                check_listed(response.executions.len())?;
            }
        }
        Ok(())
    }

    fn start_request(
        &self,
        i: usize,
        task_queue: &str,
    ) -> Result<StartWorkflowExecutionRequest, Error> {
        let (workflow_type, task_queue) = (
            if task_queue == self.targets.worker_queue {
                QUICK_TYPE
            } else {
                WAITING_TYPE
            },
            task_queue.to_owned(),
        );
        Ok(StartWorkflowExecutionRequest {
            namespace: NAMESPACE.to_owned(),
            workflow_id: self.new_id(i),
            workflow_type: Some(WorkflowType {
                name: workflow_type.to_owned(),
            }),
            task_queue: Some(TaskQueue {
                name: task_queue,
                ..Default::default()
            }),
            input: Some(self.input()?),
            identity: identity(),
            request_id: uuid::Uuid::new_v4().to_string(),
            ..Default::default()
        })
    }

    /// The argument as a `json/plain` payload, encoded as the data converter does.
    fn input(&self) -> Result<Payloads, Error> {
        Ok(Payloads {
            payloads: vec![Payload {
                metadata: HashMap::from([("encoding".to_owned(), b"json/plain".to_vec())]),
                data: serde_json::to_vec(&self.value)?.into(),
                ..Default::default()
            }],
        })
    }
}

impl Operate for Runner {
    async fn run_one(&self, i: usize) -> Result<(), Error> {
        match &self.target {
            Target::Client(client) => self.with_client(client, i).await,
            Target::Tonic(service) => self.with_tonic(service.clone(), i).await,
            Target::HyperDirect(service) => self.with_tonic(service.clone(), i).await,
            Target::H2Direct(service) => self.with_tonic(service.clone(), i).await,
        }
    }
}

/// Long-polls the history for the close event, as `WorkflowHandle::result` does.
async fn wait_for_result<T: Transport>(
    service: &mut WorkflowServiceClient<T>,
    workflow_id: String,
    run_id: String,
) -> Result<Payload, Error> {
    use temporal_client::proto::api::history::v1::history_event::Attributes;
    let mut next_page_token = Vec::new();
    loop {
        let mut request = tonic::Request::new(GetWorkflowExecutionHistoryRequest {
            namespace: NAMESPACE.to_owned(),
            execution: Some(execution(workflow_id.clone(), run_id.clone())),
            wait_new_event: true,
            history_event_filter_type: HistoryEventFilterType::CloseEvent.into(),
            skip_archival: true,
            next_page_token: std::mem::take(&mut next_page_token),
            ..Default::default()
        });
        request.set_timeout(Duration::from_secs(70));
        let response = service
            .get_workflow_execution_history(request)
            .await?
            .into_inner();
        let event = response.history.and_then(|h| h.events.into_iter().last());
        if let Some(event) = event {
            return match event.attributes {
                Some(Attributes::WorkflowExecutionCompletedEventAttributes(completed)) => {
                    first_payload(completed.result)
                }
                other => Err(format!("the workflow did not complete: {other:?}").into()),
            };
        }
        next_page_token = response.next_page_token;
    }
}

fn execution(workflow_id: String, run_id: String) -> WorkflowExecution {
    WorkflowExecution {
        workflow_id,
        run_id,
    }
}

fn identity() -> String {
    format!("{}@bench", std::process::id())
}

fn first_payload(payloads: Option<Payloads>) -> Result<Payload, Error> {
    payloads
        .and_then(|p| p.payloads.into_iter().next())
        .ok_or_else(|| "the answer has no payload".into())
}
